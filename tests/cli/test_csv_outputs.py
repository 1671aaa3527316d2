"""Issue 12 item 13: every CSV qcode writes guards cells a spreadsheet would run.

Each test puts a formula where a user or a shared codebook can put one (a code name, an
attribute value, a registry region, a quote) and checks the exact cell in the CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store as codings
from qcode.errors import ExitCode
from qcode.project import Project, open_project
from tests.builders import interview

FORMULA = '=HYPERLINK("http://evil.example","click")'
GUARDED = "'" + FORMULA
CMD = "@SUM(1+1)*cmd|' /C calc'!A0"


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def hostile(project: Project, invoke: Callable[..., Any]) -> Callable[..., Any]:
    """A project whose code GOV-MAC-01 is named FORMULA, coded by two coders on T01."""
    text = project.codebook_path.read_text(encoding="utf-8")
    name = "name: National strategy and policy direction"
    assert name in text
    quoted = FORMULA.replace('"', '\\"')
    project.codebook_path.write_text(text.replace(name, f'name: "{quoted}"', 1),
                                     encoding="utf-8")
    project = open_project(project.root)
    doc = interview("T01")
    project.save_document(doc.model_copy(update={"attributes": {"region": CMD}}))
    segs = [s.id for s in doc.segments]
    codings.add_codes(project, "ingrid", doc, segs[:2], ["GOV-MAC-01"])
    codings.add_codes(project, "ola", doc, segs[:1], ["GOV-MAC-01"])
    for coder in ("ingrid", "ola"):
        codings.mark_done(project, coder, "T01")

    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)

    return run


def test_agree_csv_guards_code_labels(hostile: Callable[..., Any]) -> None:
    # was: the label column held =HYPERLINK(...) as it was
    result = hostile("agree", "--format", "csv")
    assert result.exit_code == ExitCode.OK, result.output
    rows = _cells(result.stdout)
    assert rows[0][:2] == ["id", "label"]
    assert rows[1][:2] == ["GOV-MAC-01", GUARDED]


def test_codebook_show_and_export_csv_guard_code_names(hostile: Callable[..., Any],
                                                       tmp_path: Path) -> None:
    shown = hostile("codebook", "show", "--format", "csv")
    assert shown.exit_code == ExitCode.OK
    assert _cells(shown.stdout)[1][:2] == ["GOV-MAC-01", GUARDED]
    out = tmp_path / "codes.csv"
    exported = hostile("codebook", "export", str(out))
    assert exported.exit_code == ExitCode.OK, exported.output
    assert _cells(out.read_text(encoding="utf-8"))[1][:2] == ["GOV-MAC-01", GUARDED]


def test_report_csv_guards_code_names(hostile: Callable[..., Any]) -> None:
    result = hostile("report", "--format", "csv", "--coder", "ingrid")
    assert result.exit_code == ExitCode.OK
    rows = _cells(result.stdout)
    assert rows[1][rows[0].index("code_name")] == GUARDED


def test_matrix_csv_guards_attribute_values(hostile: Callable[..., Any]) -> None:
    result = hostile("matrix", "--rows", "attr:region", "--format", "csv", "--coder", "ingrid")
    assert result.exit_code == ExitCode.OK, result.output
    assert _cells(result.stdout)[1][0] == "'" + CMD
    split = hostile("matrix", "--split-by", "region", "--format", "csv", "--coder", "ingrid")
    assert split.exit_code == ExitCode.OK, split.output
    assert {row[0] for row in _cells(split.stdout)[1:]} == {"'" + CMD}


def test_attributes_show_csv_guards_values(hostile: Callable[..., Any]) -> None:
    result = hostile("attributes", "show", "--format", "csv")
    assert _cells(result.stdout) == [["document", "region"], ["T01", "'" + CMD]]


def test_codings_export_guards_quotes_and_memos(project: Project,
                                                invoke: Callable[..., Any]) -> None:
    from tests.builders import make_doc

    doc = make_doc("T02", [("Respondent", "-1 for the video link, honestly")])
    project.save_document(doc)
    codings.add_codes(project, "kari", doc, [doc.segments[0].id], ["GOV-MAC-01"],
                      memo="+ check this")
    result = invoke("--project", str(project.root), "codings", "export", "--coder", "kari")
    rows = _cells(result.stdout)
    assert rows[1][rows[0].index("quote")] == "'-1 for the video link, honestly"
    assert rows[1][rows[0].index("memo")] == "'+ check this"


def test_registry_summary_csv_guards_region_names(project: Project, invoke: Callable[..., Any],
                                                  tmp_path: Path) -> None:
    # was: registry import accepted the region and summary --format csv wrote it raw
    table = tmp_path / "npr.csv"
    table.write_text("year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n"
                     f'2012,"{FORMULA.replace(chr(34), chr(34) * 2)}",H1,Neurology,100,4\n'
                     "2012,Helse Nord,H2,Neurology,50,1\n", encoding="utf-8")
    q = ("--project", str(project.root))
    assert invoke(*q, "registry", "import", str(table)).exit_code == ExitCode.OK
    result = invoke(*q, "registry", "summary", "--by", "region", "--format", "csv")
    assert result.exit_code == ExitCode.OK, result.output
    rows = _cells(result.stdout)
    assert GUARDED in {cell for row in rows for cell in row}
    assert FORMULA not in {cell for row in rows for cell in row}


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\uff1d1+1", "'\uff1d1+1"), ("fine", "fine"),
    ("'quoted", "'quoted"),
])
def test_write_rows_guards_every_formula_start(value: str, cell: str) -> None:
    from qcode._io.csvfile import unguard, write_rows

    text = write_rows(["h"], [[value], [-2], [None]])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["h"], [cell], ["-2"], [""]]
    assert unguard(cell) == value

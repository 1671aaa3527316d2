"""QA round 2, coding: ``codings import`` of files as spreadsheets write them, and the
interactive session's wording."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store as codings
from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import interview


@pytest.fixture
def run(project: Project, invoke: Callable[..., Any]) -> Callable[..., Any]:
    project.save_document(interview("T01"))

    def go(*args: str, input: str | None = None) -> Any:
        return invoke("--project", str(project.root), *args, input=input)

    return go


@pytest.mark.parametrize("data", [
    b"doc;segment;code;memo\nT01;T01:0002;GOV-MAC-02;from Excel\n",       # ';' (nb/de Excel)
    b"\xef\xbb\xbfDoc,Segment,Code,Memo\r\nT01,T01:0002,GOV-MAC-02,from Excel\r\n",  # BOM, case
    b"doc\tsegment\tcode\tmemo\nT01\t2\tGOV-MAC-02\tfrom Excel\n",          # tab, bare number
])
def test_import_reads_spreadsheet_csv_variants(run: Callable[..., Any], project: Project,
                                               tmp_path: Path, data: bytes) -> None:
    # was: "Error: ...:1: the header lacks doc, segment, code" for ';', tabs or 'Doc'
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    r = run("codings", "import", str(path), "--coder", "kari")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert r.stdout == f"Imported {path} for kari: 1 row, 1 coding added.\n"
    st = codings.load_state(project, "kari")
    assert st.codes_on("T01", "T01:0002") == ["GOV-MAC-02"]
    assert st.memo_on("T01", "T01:0002") == "from Excel"


def test_import_still_names_a_missing_column(run: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("doc;code\nT01;GOV-MAC-02\n", encoding="utf-8")
    r = run("codings", "import", str(path), "--coder", "kari")
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: {path}:1: the header lacks segment; nothing was imported\n"
                        "Hint: the columns are doc, segment, code (and optionally start, end, "
                        "quote, memo)\n")


def test_session_undo_of_a_batch_is_plural_only_when_it_should_be(
        run: Callable[..., Any]) -> None:
    run("tag", "T01", "2", "--code", "GOV-MAC-02", "--code", "GOV-MAC-01", "--coder", "kari")
    r = run("code", "T01", "--coder", "kari", input="g 2\nr\nu\nq\n")
    assert r.exit_code == ExitCode.OK
    undone = "Undone: removed GOV-MAC-01 on T01:0002 (and 1 more change made with it)."
    assert undone in r.stdout, r.stdout


def test_suggest_apply_note_is_singular_for_one_document(run: Callable[..., Any]) -> None:
    r = run("suggest", "T01", "--apply", "--as", "auto", "--min-score", "0")
    assert r.exit_code == ExitCode.OK
    assert " as coder 'auto' on 1 document: " in r.stderr
    assert r.stderr.rstrip().endswith("; document marked complete.")


def test_codings_csv_export_cannot_run_in_a_spreadsheet_and_round_trips(
        run: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    # was: a memo '=cmd|...' or a quote '=HYPERLINK(...)' went raw into the CSV
    import csv
    import io

    memo = '=cmd|"/c calc"!A1'
    assert run("tag", "T01", "2", "--code", "GOV-MAC-02", "--coder", "kari",
               "--memo", memo).exit_code == 0
    out = tmp_path / "kari.csv"
    r = run("codings", "export", "--coder", "kari", "--format", "csv", "-o", str(out))
    assert r.exit_code == ExitCode.OK
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["memo"] == "'" + memo
    assert all(not v.startswith(("=", "+", "-", "@")) for row in rows for v in row.values())
    r = run("codings", "import", str(out), "--coder", "copy")
    assert r.exit_code == ExitCode.OK
    assert codings.load_state(project, "copy").memo_on("T01", "T01:0002") == memo

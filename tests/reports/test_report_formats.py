"""Reports on the known project: golden Markdown and HTML, DOCX headings, XLSX/CSV safety.

Regenerate the golden files after an intended change with
``QCODE_UPDATE_GOLDEN=1 pytest tests/test_report_formats.py`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode._io.csvfile import guard as neutralise
from qcode.counts.excerpts import resolve_selection
from qcode.errors import ExitCode
from qcode.project import Project
from qcode.reports.content import build_report, render_report
from tests.builders import DATA as TESTDATA
from tests.builders import build_known

GOLDEN = TESTDATA / "reports"
DATE = "2026-01-31"


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The known project with coders ana and bo, both having completed every document."""
    return build_known(tmp_path_factory.mktemp("reports") / "known", coders=("ana", "bo"),
                       done=True)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("QCODE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


def test_markdown_matches_golden(two: Project) -> None:
    content = build_report(two, coder="ana", date=DATE)
    _golden("known.md", render_report(content, "md"))  # type: ignore[arg-type]


def test_html_matches_golden(two: Project) -> None:
    content = build_report(two, coder="ana", date=DATE, agreement=False)
    _golden("known.html", render_report(content, "html"))  # type: ignore[arg-type]


def test_same_inputs_same_bytes_in_every_format(two: Project) -> None:
    kinds = ("md", "html", "docx", "csv", "xlsx")
    first = {k: render_report(build_report(two, coder="ana", date=DATE), k) for k in kinds}
    time.sleep(1.05)  # zip members and document properties carry times to the second
    for kind in kinds:
        second = render_report(build_report(two, coder="ana", date=DATE), kind)
        assert first[kind] == second, kind


def test_html_escapes_every_transcript_text(two: Project) -> None:
    page = render_report(build_report(two, coder="ana", date=DATE, memos=True), "html")
    assert isinstance(page, str)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;ministry&lt;/b&gt; &amp; the clinic" in page  # the memo
    for needle in ("src=", "<link", "<img", "<iframe", "@import"):
        assert needle not in page  # self-contained: nothing fetched from anywhere
    links = re.findall(r'href="([^"]*)"', page)
    assert links and all(link.startswith("#") for link in links)  # the contents only
    ids = set(re.findall(r' id="([^"]*)"', page))
    assert {link[1:] for link in links} <= ids
    assert "Content-Security-Policy" in page and "<svg" in page


def test_markdown_escapes_markup(two: Project) -> None:
    text = render_report(build_report(two, coder="ana", date=DATE), "md")
    assert isinstance(text, str)
    assert "> \\<script\\>alert('x')\\</script\\> \\& the ministry's" in text
    assert "<b>" not in text


def test_docx_has_real_headings_and_tables(two: Project, tmp_path: Path) -> None:
    from docx import Document

    data = render_report(build_report(two, coder="ana", date=DATE), "docx")
    assert isinstance(data, bytes)
    doc = Document(io.BytesIO(data))
    heads = [(p.style.name, p.text) for p in doc.paragraphs
             if p.style.name.startswith(("Heading", "Title"))]
    assert heads[:2] == [("Title", "Coded excerpts: known"),
                         ("Heading 1", "Theme x level matrix")]
    h1 = [t for s, t in heads if s == "Heading 1"]
    assert h1 == ["Theme x level matrix", "Agreement", "Excerpts", "Appendix: codebook"]
    h2 = [t for s, t in heads if s == "Heading 2"]
    assert h2[:2] == ["Governance (GOV)", "Economy (ECO)"]
    assert ("Heading 4", "G1: Local leadership (4 excerpts)") in heads
    matrix = doc.tables[0]
    assert [c.text for c in matrix.rows[1].cells] == ["Governance (GOV)", "5", "2", "6"]
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes[1].startswith("<script>alert('x')</script>")
    assert doc.core_properties.created.date().isoformat() == DATE


def test_xlsx_opens_and_neutralises_formulas(two: Project) -> None:
    from openpyxl import load_workbook

    data = render_report(build_report(two, coder="ana", date=DATE), "xlsx")
    assert isinstance(data, bytes)
    ws = load_workbook(io.BytesIO(data))["Excerpts"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("theme", "level", "code", "code_name")
    assert len(rows) == 14
    quotes = {r[9] for r in rows[1:]}
    assert "+SUM(A1:A2) is what the budget office wants" in quotes  # verbatim, but text
    assert "@travel: -2 hours each way by ferry" in quotes
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert all(cell.quotePrefix for row in ws.iter_rows() for cell in row
               if isinstance(cell.value, str) and cell.value[:1] in "=+-@")
    grid = list(load_workbook(io.BytesIO(data))["Matrix"].iter_rows(values_only=True))
    assert grid[:5] == [("theme\\level", "micro", "macro", "total"), ("GOV", 5, 2, 6),
                        ("ECO", 2, 2, 4), ("ORG", 0, 0, 0), ("total", 5, 3, 7)]
    # the footnotes under the table: here the total 7 is not the sum of the cells (11)
    assert grid[5] == (None, None, None, None)
    assert [row[0] for row in grid[6:]] == [
        "Cells count segments coded by ana; a segment counts once in a cell however many of "
        "the cell's codes it has.",
        "Totals count distinct segments, not the sum of the cells: a segment in several cells "
        "counts once in its row, column and grand total (here the grand total is 7 and the "
        "cells add up to 11)."]


def test_csv_neutralises_formulas(two: Project) -> None:
    text = render_report(build_report(two, coder="ana", date=DATE), "csv")
    assert isinstance(text, str)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 13
    bad = [r["quote"] for r in rows if r["quote"][:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert bad == []
    assert {r["quote"] for r in rows if r["segment"] == "D2:0003"} == \
        {"'+SUM(A1:A2) is what the budget office wants"}


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (5, 5), (-2.5, -2.5),
])
def test_neutralise(value: Any, expected: Any) -> None:
    assert neutralise(value) == expected


def test_selection_filters_excerpts_and_matrix(two: Project) -> None:
    sel = resolve_selection(two.codebook, theme="GOV", where={"region": ("South",)})
    content = build_report(two, coder="ana", date=DATE, selection=sel)
    assert content.n_excerpts == 3  # D3: G2 on 0002, G1 and G2 on 0004
    assert [list(r) for r in content.matrix.counts] == [[2, 0], [0, 0], [0, 0]]
    text = render_report(content, "md")
    assert "- **Selection:** theme GOV; region = South" in text


def test_report_cli(invoke: Callable[..., Any], two: Project, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "-o", str(out),
                    "--date", DATE)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out}: 13 excerpts coded by ana\n"
    assert out.read_bytes()[:2] == b"PK"
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "--format",
                    "xlsx")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: --format xlsx writes a binary file; give --output "
                             "FILE.xlsx\n")
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "--date", "soon")
    assert result.stderr == "Error: --date 'soon' is not a date like 2026-01-31\n"
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "--code", "G9")
    assert result.exit_code == ExitCode.NOT_FOUND
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "-o",
                    str(tmp_path / "r.pdf"))
    assert result.stderr == ("Error: cannot tell the format from 'r.pdf'\nHint: give "
                             "--format md, html, docx, csv or xlsx\n")
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "--date", DATE)
    assert result.stdout == (GOLDEN / "known.md").read_text(encoding="utf-8")


def test_report_includes_the_joint_display(invoke: Callable[..., Any], two: Project) -> None:
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "--joint",
                    "region", "--date", DATE)
    assert result.exit_code == 0, result.output
    text = result.stdout
    joint = text.index("## Joint display: registry figures beside the interviews")
    assert text.index("## Agreement") < joint < text.index("## Excerpts")
    assert "No registry data in this project" in text
    result = invoke("--project", str(two.root), "report", "--coder", "ana", "--joint",
                    "hospital")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("Error: no document has the attribute 'hospital'")

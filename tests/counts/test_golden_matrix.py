"""Golden files of every matrix format with its footnotes (what a cell counts, totals of
distinct segments, the base of percentages): the terminal at 80 columns, Markdown, CSV,
LaTeX, HTML and JSON from ``qcode matrix``; DOCX and XLSX through the report (their
matrix table and the notes under it); and the joint display's theme x level grid (level
heads in full) at 80 columns and in Markdown."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import run_demo
from qcode.project import Project
from qcode.reports.content import build_report, render_report
from tests.builders import build_known
from tests.golden import check_golden, terminal

CASES = {"segments": [], "col-percent": ["--percent", "col"],
         "codings-row-percent": ["--count", "codings", "--percent", "row"]}
FORMATS = {"table": "txt", "md": "md", "csv": "csv", "latex": "tex", "html": "html",
           "json": "json"}


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known")


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_matrix_formats(invoke: Callable[..., Any], known: Project,
                        monkeypatch: pytest.MonkeyPatch, case: str, fmt: str) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("--project", str(known.root), "matrix", *CASES[case], "--format", fmt)
    assert result.exit_code == 0, result.output
    text = terminal(result.stdout) if fmt == "table" else result.stdout
    if fmt == "table":
        assert max(len(line) for line in text.splitlines()) <= 80
    check_golden(f"matrix/{case}.{FORMATS[fmt]}", text)


def test_report_docx_and_xlsx_matrix(known: Project) -> None:
    """The matrix table of the Word and Excel reports and the notes under it."""
    from docx import Document
    from openpyxl import load_workbook

    content = build_report(known, coder="ana", date="2026-01-01", agreement=False)
    doc = Document(io.BytesIO(render_report(content, "docx")))  # type: ignore[arg-type]
    grid = [" | ".join(c.text for c in row.cells) for row in doc.tables[0].rows]
    notes = [p.text for p in doc.paragraphs
             if p.text.startswith(("Cells count", "Totals count", "Percentages"))]
    sheet = load_workbook(io.BytesIO(render_report(content, "xlsx")))["Matrix"]  # type: ignore[arg-type]
    rows = [" | ".join("" if v is None else str(v) for v in row)
            for row in sheet.iter_rows(values_only=True)]
    check_golden("matrix/report.docx.txt", "\n".join([*grid, "", *notes]) + "\n")
    check_golden("matrix/report.xlsx.txt", "\n".join(rows) + "\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


@pytest.mark.parametrize(("fmt", "suffix"), [("table", "txt"), ("md", "md")])
def test_joint_display(invoke: Callable[..., Any], demo: Path,
                       monkeypatch: pytest.MonkeyPatch, fmt: str, suffix: str) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("--project", str(demo), "joint", "--by", "region", "--format", fmt)
    assert result.exit_code == 0, result.output
    text = terminal(result.stdout) if fmt == "table" else result.stdout
    if fmt == "table":
        assert "Micro  Meso Macro" in text and "Micr " not in text
    check_golden(f"matrix/joint-by-region.{suffix}", text)


def test_long_heads_are_broken_not_cut(invoke: Callable[..., Any], demo: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Region names as column heads at 80 columns: 'Helse' over 'Midt-Norge' (rich cut it
    to 'Midt-Nor…', and the theme labels to 'Governan…')."""
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("--project", str(demo), "matrix", "--cols", "attr:region")
    assert result.exit_code == 0, result.output
    text = terminal(result.stdout)
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= 80
    check_golden("matrix/by-region-80.txt", text)

"""QA round 2, reports and demo: hostile and awkward transcripts in every report format."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.cli.demo_cmd import qcode_command
from qcode.errors import ExitCode
from qcode.project import Project

AWKWARD = ("Interviewer: page\x0cbreak and \x0bvtab here\n\n"
           "Respondent: =HYPERLINK(\"http://evil.example\",\"x\") said the form\n")


@pytest.fixture
def coded(invoke: Callable[..., Any], project: Project, tmp_path: Path) -> Callable[..., Any]:
    def q(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)

    path = tmp_path / "in" / "ctl.txt"
    path.parent.mkdir()
    path.write_text(AWKWARD, encoding="utf-8")
    assert q("ingest", str(path)).exit_code == ExitCode.OK
    assert q("tag", "ctl", "1-2", "--code", "GOV-MAC-01", "--coder", "eve").exit_code == 0
    return q


def test_xlsx_with_control_characters_is_written(coded: Callable[..., Any],
                                                 tmp_path: Path) -> None:
    # was: "unexpected failure (IllegalCharacterError)" for a form feed in a quote
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    result = coded("report", "-o", str(out))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == f"Wrote {out}: 2 excerpts coded by eve\n"
    ws = load_workbook(io.BytesIO(out.read_bytes()))["Excerpts"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row}
    assert "page break and  vtab here" in cells
    formula = cells['=HYPERLINK("http://evil.example","x") said the form']
    assert formula.data_type == "s" and formula.quotePrefix


def test_one_excerpt_is_singular(coded: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    coded("untag", "ctl", "2", "--coder", "eve")
    result = coded("report", "-o", str(out))
    assert result.stderr == f"Wrote {out}: 1 excerpt coded by eve\n"


def test_try_next_names_qcode_as_it_was_started(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    exe = tmp_path / "venv" / "bin" / "qcode"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert qcode_command(str(exe)) == str(exe)  # not on PATH: the full path
    monkeypatch.setenv("PATH", f"{exe.parent}:/usr/bin:/bin")
    assert qcode_command(str(exe)) == "qcode"
    assert qcode_command("/somewhere/pytest") == "qcode"

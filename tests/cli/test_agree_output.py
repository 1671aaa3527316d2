"""``qcode agree -o/--output FILE``: the md, csv or json that stdout would get, written to
FILE through qcode.outputs in every mode (project, --ratings, --spans, --unitized); the
terminal table and the project's own files are refused before anything is measured."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from tests.agreement.test_span_overlap import spans_project

Invoke = Callable[..., Any]


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    project = spans_project(tmp_path)
    (tmp_path / "ratings.csv").write_text("unit,coder,value\n1,a,x\n1,b,x\n2,a,y\n2,b,x\n"
                                          "3,a,y\n3,b,y\n", encoding="utf-8")
    (tmp_path / "spans.csv").write_text("coder,start,end,code\na,0,10,A\nb,2,10,A\n"
                                        "a,20,30,B\nb,22,35,B\n", encoding="utf-8")
    monkeypatch.chdir(project.root)
    return project


MODES = {
    "project": ("--bootstrap", "0"),
    "ratings": ("--ratings", "../ratings.csv", "--bootstrap", "0"),
    "spans": ("--spans", "../spans.csv", "--bootstrap", "0"),
    "unitized": ("--unitized", "--bootstrap", "0"),
}


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
@pytest.mark.parametrize("mode", list(MODES))
def test_output_gets_what_stdout_would(study: Project, invoke: Invoke, mode: str,
                                       fmt: str) -> None:
    shown = invoke("agree", *MODES[mode], "--format", fmt)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.strip()
    target = Path("output") / f"agreement-{mode}.{fmt}"
    target.parent.mkdir(exist_ok=True)
    written = invoke("agree", *MODES[mode], "--format", fmt, "-o", str(target))
    assert written.exit_code == 0, written.stderr
    assert written.stdout == ""
    assert written.stderr.endswith(f"Wrote {target}\n")
    assert target.read_text(encoding="utf-8") == shown.stdout


@pytest.mark.parametrize("mode", list(MODES))
def test_output_with_the_table_is_refused(study: Project, invoke: Invoke, mode: str) -> None:
    r = invoke("agree", *MODES[mode], "--output", "a.txt")
    assert (r.exit_code, r.stderr) == (
        ExitCode.USAGE, "Error: --output needs --format md, csv or json\n"
        "Hint: tables are for the terminal\n")
    assert not Path("a.txt").exists()


def test_output_over_the_projects_own_files_is_refused_before_measuring(
        study: Project, invoke: Invoke) -> None:
    before = study.codebook_path.read_bytes()
    r = invoke("agree", "--format", "json", "-o", "codebook.yaml")
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr.startswith("Error: codebook.yaml is in the project's data")
    assert study.codebook_path.read_bytes() == before

"""Golden files of every agreement table format: the terminal at 80 columns, Markdown, CSV
and JSON, in project mode (by code and by theme, three coders with rare codes, codes nobody
applied, alpha's 0.00 lower bounds and n/a cells) and in generic mode (--ratings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qcode.project import Project
from tests.builders import DATA, build_study
from tests.golden import check_golden, terminal

SEED = ["--seed", "11", "--bootstrap", "300"]


@pytest.fixture
def agree(invoke: Callable[..., Any], project: Project,
          monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    monkeypatch.setenv("COLUMNS", "80")
    build_study(project)

    def run(*args: str) -> str:
        result = invoke("--project", str(project.root), "agree", *args)
        assert result.exit_code == 0, result.output
        return str(result.stdout)

    return run


@pytest.mark.parametrize("by", ["code", "theme"])
def test_project_table_at_80_columns(agree: Callable[..., str], by: str) -> None:
    text = terminal(agree("--by", by, *SEED))
    assert max(len(line) for line in text.splitlines()) <= 80
    check_golden(f"agreement/by-{by}.txt", text)


@pytest.mark.parametrize(("fmt", "suffix"), [("md", "md"), ("csv", "csv"), ("json", "json")])
def test_project_formats(agree: Callable[..., str], fmt: str, suffix: str) -> None:
    check_golden(f"agreement/by-code.{suffix}", agree("--format", fmt, *SEED))


def test_project_table_without_intervals(agree: Callable[..., str]) -> None:
    check_golden("agreement/by-code-no-bootstrap.txt",
                 terminal(agree("--bootstrap", "0", "--metric",
                                "percent_agreement,krippendorff_alpha")))


@pytest.mark.parametrize(("fmt", "suffix"), [("table", "txt"), ("md", "md"), ("csv", "csv"),
                                             ("json", "json")])
def test_generic_formats(invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
                         fmt: str, suffix: str) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("agree", "--ratings", str(DATA / "agreement" / "fleiss1971.csv"),
                    "--format", fmt, *SEED)
    assert result.exit_code == 0, result.output
    text = terminal(result.stdout) if fmt == "table" else result.stdout
    check_golden(f"agreement/ratings.{suffix}", text)

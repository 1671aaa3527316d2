"""``qcode agree`` with a list option that names nothing (``--metric ''``) refuses it,
as it refuses an unknown value, instead of quietly running the default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


@pytest.mark.parametrize(("args", "error"), [
    (["--metric", ""], "Error: --metric '' names no metric"),
    (["--metric", " , "], "Error: --metric ' , ' names no metric"),
    (["--coder", ""], "Error: --coder '' names no coder"),
    (["--coder", "ingrid", "--coder", ","], "Error: --coder ',' names no coder"),
    (["--coders", ""], "Error: --coders '' names no coder"),
    (["--categories", ""], "Error: --categories applies to --ratings FILE.csv only"),
    (["--unitized", "--metric", ""], "Error: --metric '' names no metric"),
    (["--unitized", "--categories", ""],
     "Error: --categories does not apply to unitized agreement (--unitized)"),
])
def test_an_empty_list_option_is_refused(invoke: Callable[..., Any], demo: Path,
                                         args: list[str], error: str) -> None:
    """Each of these ran the default agreement table (exit 0)."""
    result = invoke("--project", str(demo), "agree", "--bootstrap", "0", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == error


def test_the_hint_says_how_to_name_one(invoke: Callable[..., Any], demo: Path) -> None:
    result = invoke("--project", str(demo), "agree", "--bootstrap", "0", "--metric", "")
    assert result.stderr.splitlines() == [
        "Error: --metric '' names no metric",
        "Hint: name one or more, e.g. --metric krippendorff_alpha,gwet_ac1, or leave "
        "--metric out for the default"]

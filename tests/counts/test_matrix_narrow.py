"""``qcode matrix`` at a terminal too narrow for its table: the counts stay whole."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


def test_at_20_columns_every_count_is_printed_whole(
        invoke: Callable[..., Any], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At COLUMNS=20 every column folded: 190 became 1 over 9 over 0, and the Macro
    column's counts were not printed at all."""
    data = json.loads(invoke("--project", str(demo), "matrix", "--format", "json").stdout)
    monkeypatch.setenv("COLUMNS", "20")
    result = invoke("--project", str(demo), "matrix")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    numbers = [[int(n) for n in re.findall(r"\d+", line)] for line in rows]
    counts = [[*row, total] for row, total in zip(data["counts"], data["row_totals"],
                                                  strict=True)]
    assert [n for n in numbers if n] == [*counts, [*data["col_totals"], data["total"]]]

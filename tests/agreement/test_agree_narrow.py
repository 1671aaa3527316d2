"""``qcode agree`` at a terminal too narrow for its table: no coefficient is cut off."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


def test_at_30_columns_every_coefficient_is_printed(
        invoke: Callable[..., Any], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At COLUMNS=30 the table was cropped at the terminal's edge: Cohen k, AC1 and
    Alpha (heads and values) were not printed, and nothing said so."""
    monkeypatch.setenv("COLUMNS", "30")
    result = invoke("--project", str(demo), "agree", "--seed", "1", "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    head = next(line for line in lines if line.startswith("Code"))
    assert re.split(r"\s+", head.strip()) == ["Code", "Prev.", "Agree", "Cohen", "k", "AC1",
                                              "Alpha"]
    row = next(line for line in lines if line.startswith("GOV-MAC-01"))
    assert len(re.findall(r"\d\.\d{3}", row)) == 4, row

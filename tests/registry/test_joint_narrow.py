"""``qcode joint`` at a terminal too narrow for its table: the groups are still named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


def test_at_30_columns_the_groups_and_figures_are_printed(
        invoke: Callable[..., Any], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At COLUMNS=30 the region column and the codes column got no width: the regions,
    their documents and registry figures were not printed, and nothing said so."""
    monkeypatch.setenv("COLUMNS", "30")
    result = invoke("--project", str(demo), "joint", "--by", "region")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # words folded over lines are joined again
    first_cells = [line.split("│")[1].strip() for line in result.stdout.splitlines()
                   if line.startswith("│")]
    assert {"Helse", "Midt-Norge", "Nord", "Sør-Øst", "Vest"} <= set(
        " ".join(first_cells).split()), first_cells
    assert "Region" in text and "Most" in text

"""``qcode search`` at a terminal too narrow for its table: the hit is always whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


def test_at_40_columns_the_hit_is_whole(
        invoke: Callable[..., Any], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At COLUMNS=40 the hit was cut to '…doing tel' and the head to 'Hit in con'."""
    monkeypatch.setenv("COLUMNS", "40")
    result = invoke("--project", str(demo), "search", "telemedicine")
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Segment  Speaker Time    Hit in context"
    assert lines[1] == "L01:0002 Torunn… 0:00:20 … doing telemedicine for th…"
    assert lines[3] == "L02:0001 I               …d what telemedicine means …"


def test_a_long_regex_hit_is_whole_at_30_columns(
        invoke: Callable[..., Any], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hit longer than a third of the line was cut to its first characters and '…'."""
    monkeypatch.setenv("COLUMNS", "30")
    result = invoke("--project", str(demo), "search", "--regex", "doing telemedicine.{0,40}")
    assert result.exit_code == 0, result.output
    row = next(line.rstrip() for line in result.stdout.splitlines()
               if line.startswith("L01:0002"))
    assert row == ("L01:0002 Torunn… 0:00:20 …s been doing telemedicine for thirty years, "
                   "I say: look at the map. It i…")

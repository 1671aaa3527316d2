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


def test_unitized_values_are_whole_at_30_columns(
        invoke: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """agree --spans at COLUMNS=30 cut every value to '0.…'."""
    path = tmp_path / "spans.csv"
    path.write_text("coder,start,end,code\na,0,10,X\nb,2,12,X\na,20,30,Y\nb,20,28,Y\n",
                    encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "30")
    result = invoke("agree", "--spans", str(path), "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    assert "…" not in "".join(line.split("│")[2] for line in result.stdout.splitlines()
                              if line.startswith("│"))
    assert "0.931 ✓" in result.stdout and "0.731 ~" in result.stdout


def test_cooccur_counts_are_whole_at_30_columns(
        invoke: Callable[..., Any], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cooccur at COLUMNS=30 cut the Jaccard values to '0.4…' and the heads to 'Segm…'."""
    monkeypatch.setenv("COLUMNS", "30")
    result = invoke("--project", str(demo), "cooccur", "--top", "3")
    assert result.exit_code == 0, result.output
    assert "Segments" in result.stdout and "Jaccard" in result.stdout
    values = re.findall(r"│\s+(\d+) │\s+(\S+) │", result.stdout)
    assert len(values) == 3 and all(re.fullmatch(r"\d\.\d{3}", j) for _, j in values), values

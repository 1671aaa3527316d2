"""``qcode diff`` at a terminal too narrow for its table: ids whole, the text readable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo") / "study", date="2026-01-01").root


def test_at_40_columns_no_id_is_broken(
        invoke: Callable[..., Any], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At COLUMNS=40 the quote came a letter a line and the ids were broken
    ('L01:00' / '08', 'GOV-ME' / 'S-02')."""
    monkeypatch.setenv("COLUMNS", "40")
    result = invoke("--project", str(demo), "diff", "--doc", "L01", "--coder", "ingrid,lars")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2:8] == [
        "┃ Segment  ┃ Text                    ┃ Only ingrid ┃ Only lars  ┃ Both       ┃",
        "┡━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│ L01:0008 │ Mm. The hospital        │ GOV-MES-02  │ -          │ GOV-MES-01 │",
        "│ Torunn   │ director has always     │             │            │            │",
        "│ Vollstad │ been positive — in      │             │            │            │",
        "│          │ speeches. [laughs]      │             │            │            │"]
    per_code = lines.index(next(line for line in lines if "Per code" in line))
    assert lines[per_code + 5] == ("│ GOV-MAC-01 │ National    │    1 │          0 │"
                                   "         0 │")

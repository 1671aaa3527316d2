"""write_rows joins a row as it is when no cell needs quoting and quotes only the cells
that do (issue 19, report speed): the text must be exactly the cell-by-cell rule's."""

from __future__ import annotations

import random
from enum import Enum

import pytest

from qcode._io.csvfile import FORMULA_STARTS, guard, write_rows


class Fmt(str, Enum):  # a str subclass whose str() is not its value
    md = "md"


def _cell_by_cell(header: list[object], rows: list[list[object]], guarded: bool) -> str:
    """The rule spelt out: guard each cell, quote it when it holds , " LF or CR."""
    def text(v: object) -> str:
        t = str(guard(v) if guarded else v)
        return '"' + t.replace('"', '""') + '"' if any(c in t for c in ',"\n\r') else t

    lines = [",".join(text(h) for h in header)]
    lines += [",".join("" if v is None else text(v) for v in row) or '""' for row in rows]
    return "\n".join(lines) + "\n"


PIECES = ["a", "b c", ",", '"', "\n", "\r", "'", "", " ", "\u00e9", *FORMULA_STARTS]


def _value(rng: random.Random) -> object:
    kind = rng.random()
    if kind < 0.1:
        return None
    if kind < 0.2:
        return rng.choice([0, -2, 3.5, -0.25, True])
    if kind < 0.25:
        return Fmt.md
    return "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 5)))


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("guarded", [True, False])
def test_write_rows_is_the_cell_by_cell_rule(seed: int, guarded: bool) -> None:
    rng = random.Random(seed)
    width = rng.randrange(1, 6)
    header: list[object] = [_value(rng) or "h" for _ in range(width)]
    rows = [[_value(rng) for _ in range(width)] for _ in range(rng.randrange(0, 300))]
    assert write_rows(header, rows, guarded=guarded) == _cell_by_cell(header, rows, guarded)


def test_every_formula_start_is_one_character() -> None:
    """write_rows checks a cell's first character against them."""
    assert all(len(s) == 1 for s in FORMULA_STARTS)


def test_rows_needing_no_quotes_and_rows_needing_some() -> None:
    rows: list[list[object]] = [["plain", "=1+1", None, 2], ["a,b", 'say "hi"', "x\ry", ""],
                                [""], [None]]
    assert write_rows(["h1", "h2", "h3", "h4"], rows) == (
        "h1,h2,h3,h4\nplain,'=1+1,,2\n\"a,b\",\"say \"\"hi\"\"\",\"x\ry\",\n\"\"\n\"\"\n")

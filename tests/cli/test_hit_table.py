"""The search table's rows written directly are the characters rich's table writes."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from qcode.cli.console import print_whole
from qcode.cli.hit_table import HitRow, hit_table, print_hits

_words = st.text(st.sampled_from("ab Å[]/…é-x"), max_size=30)
_any = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)  # wide, control
_row = st.builds(HitRow, st.text("SL:0123", min_size=1, max_size=14), _words | _any,
                 st.sampled_from(["0:00:20", "", "12:00:00"]), _words, _words | _any,
                 _words)


def _console(width: int, terminal: bool) -> Console:
    return Console(file=io.StringIO(), width=width, force_terminal=terminal,
                   color_system="standard" if terminal else None, highlight=False,
                   soft_wrap=False, legacy_windows=False)


def _both(rows: list[HitRow], widths: tuple[int, int, int, int], width: int,
          terminal: bool) -> tuple[str, str]:
    direct, by_rich = _console(width, terminal), _console(width, terminal)
    print_hits(direct, rows, widths)
    print_whole(by_rich, hit_table(rows, widths))
    assert direct.width == by_rich.width == width  # put back
    got = direct.file.getvalue().splitlines()  # type: ignore[attr-defined]
    want = by_rich.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):  # the first line that differs, not a diff
        assert a == b
    return direct.file.getvalue(), by_rich.file.getvalue()  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.lists(_row, max_size=8), st.integers(7, 12), st.integers(7, 20),
       st.integers(4, 9), st.integers(1, 60), st.integers(20, 140), st.booleans())
def test_rows_are_rich_tables_characters(rows: list[HitRow], seg_w: int, spk_w: int,
                                         time_w: int, rest: int, width: int,
                                         terminal: bool) -> None:
    direct, by_rich = _both(rows, (seg_w, spk_w, time_w, rest), width, terminal)
    assert direct == by_rich


def test_a_long_search_in_pieces_at_a_narrow_terminal() -> None:
    rows = [HitRow(f"L{i:02}:0001", "Torunn Haugen" * (i % 2), "0:00:20", "…said ",
                   "telemedicine", f" and [b]{i}[/b] more words than fit") for i in range(1300)]
    direct, by_rich = _both(rows, (8, 7, 7, 30), 40, True)
    assert direct == by_rich
    assert "\x1b[1;7mtelemedicine\x1b[0m" in direct


def test_a_match_longer_than_the_terminal_is_styled_whole() -> None:
    rows = [HitRow("L01:0002", "Torunn Haugen", "0:00:20", "…s been ",
                   "doing telemedicine for thirty years, I say: look at the map.", " It is")]
    for terminal in (True, False):
        direct, by_rich = _both(rows, (8, 7, 7, 70), 30, terminal)
        assert direct == by_rich
        assert "look at the map." in direct  # not wrapped at the 30 columns

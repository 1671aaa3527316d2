"""The table of ``qcode search``: one line per hit, the match highlighted in its context.

Every column has a fixed width, no cell wraps, and only the match carries a style, so the
lines rich's :class:`~rich.table.Table` would lay out can be written directly: rich
measured, wrapped, cropped and padded each of the 14,000 cells of a 200-transcript search
again (3.4 s of a 3.5 s search). :func:`print_hits` writes the same characters as
``print_whole(console, hit_table(...))`` (tested against it, terminal and piped); a table
with a cell that is not plain one-cell-per-character text (a control character, a wide or
combining character) goes through rich as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from qcode.cli.console import print_whole

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

#: the style of the match
HIT_STYLE = "bold reverse"
#: the headers, left to right
HEADERS = ("Segment", "Speaker", "Time", "Hit in context")
#: rows written per call of the console (the rows of a long search in a few pieces)
_ROWS_AT_ONCE = 512


class HitRow(NamedTuple):
    """A row as shown: ``before`` is the left context already padded to line the matches
    up; ``before + match + after`` may be longer than the last column (it is cut)."""

    segment: str
    speaker: str
    time: str
    before: str
    match: str
    after: str


def hit_table(rows: Sequence[HitRow], widths: Sequence[int]) -> Table:
    """The rich table of ``rows`` with the columns' ``widths`` (segment, speaker, time,
    hit): a speaker too long for the column ends in an ellipsis, the hit is cut."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=True, pad_edge=False, collapse_padding=True)
    seg_w, spk_w, time_w, rest = widths
    table.add_column(HEADERS[0], no_wrap=True, width=seg_w)
    table.add_column(HEADERS[1], no_wrap=True, width=spk_w, overflow="ellipsis")
    table.add_column(HEADERS[2], no_wrap=True, width=time_w)
    table.add_column(HEADERS[3], no_wrap=True, width=rest, overflow="crop")
    for row in rows:
        line = Text(no_wrap=True)
        line.append(row.before)
        line.append(row.match, style=HIT_STYLE)
        line.append(row.after)
        # Text, not markup strings: brackets in a transcript are shown, never obeyed
        table.add_row(Text(row.segment), Text(row.speaker), Text(row.time), line)
    return table


def _plain(text: str) -> bool:
    """Whether every character of ``text`` is printable and one cell wide (so its length
    is its width, as rich measures it)."""
    if text.isascii():
        return text.isprintable()
    from rich.cells import cell_len

    return text.isprintable() and cell_len(text) == len(text)


def _cut(text: str, width: int) -> str:
    """``text`` in ``width`` cells, ending in an ellipsis if it is longer (rich's overflow
    of a column that does not wrap; ``width`` is at least 2)."""
    return text if len(text) <= width else text[:width - 1] + "…"


def print_hits(console: Console, rows: Sequence[HitRow], widths: Sequence[int]) -> None:
    """Print the hits' table as ``print_whole(console, hit_table(rows, widths))`` does:
    the header through rich, the rows' lines built here."""
    if not rows or console.record or console.is_jupyter or not all(
            _plain(cell) for row in rows for cell in row):
        print_whole(console, hit_table(rows, widths))
        return
    from rich.segment import Segment, Segments
    from rich.style import Style

    seg_w, spk_w, time_w, rest = widths
    style, line_end = Style.parse(HIT_STYLE), Segment.line()
    chunk: list[Segment] = []
    print_whole(console, hit_table((), widths))  # the header, and the console's width
    width = console.width
    if width < sum(widths) + 3:  # print_whole printed wider: so do the rows
        console.width = sum(widths) + 3
    try:
        for n, row in enumerate(rows, 1):
            head = (f"{_cut(row.segment, seg_w):<{seg_w}} {_cut(row.speaker, spk_w):<{spk_w}} "
                    f"{_cut(row.time, time_w):<{time_w}} ")
            before, match, after = row.before, row.match, row.after
            room = rest
            before = before[:room]
            room -= len(before)
            match = match[:room]
            room -= len(match)
            after = after[:room].ljust(room)
            chunk.append(Segment(head + before))
            if match:
                chunk.append(Segment(match, style))
            chunk.append(Segment(after))
            chunk.append(line_end)
            if n % _ROWS_AT_ONCE == 0:
                console.print(Segments(chunk), markup=False, highlight=False)
                chunk = []
        if chunk:
            console.print(Segments(chunk), markup=False, highlight=False)
    finally:
        console.width = width

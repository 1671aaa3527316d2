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


#: deletes the ASCII characters of a text (``str.translate``), leaving the others
_DROP_ASCII = dict.fromkeys(range(128))
#: the non-ASCII characters of cells already measured -> whether they are one cell each
_ONE_CELL: dict[str, bool] = {}


def _plain(text: str) -> bool:
    """Whether every character of ``text`` is printable and one cell wide (so its length
    is its width, as rich measures it). Only the non-ASCII characters are measured (the
    ellipsis of a cut context, letters such as å), each set of them once."""
    if not text.isprintable():
        return False
    if text.isascii():
        return True
    other = text.translate(_DROP_ASCII)
    one = _ONE_CELL.get(other)
    if one is None:
        from rich.cells import cell_len

        if len(_ONE_CELL) > 50_000:  # Norwegian letters in every combination: a bound
            _ONE_CELL.clear()
        one = _ONE_CELL[other] = cell_len(other) == len(other)
    return one


def _cut(text: str, width: int) -> str:
    """``text`` in ``width`` cells, ending in an ellipsis if it is longer (rich's overflow
    of a column that does not wrap; ``width`` is at least 2)."""
    return text if len(text) <= width else text[:width - 1] + "…"


def print_hits(console: Console, rows: Sequence[HitRow], widths: Sequence[int]) -> None:
    """Print the hits' table as ``print_whole(console, hit_table(rows, widths))`` does:
    the header through rich, the rows' lines built here and written to the console's file
    in large pieces (rich would measure every character of every line again: 2 s of a
    5 s search at 2,000 transcripts). Each distinct match is rendered with its style once,
    through the console itself, so colour systems and NO_COLOR stay rich's."""
    if not rows or console.record or console.is_jupyter or not all(
            _plain(cell) for row in rows for cell in row):
        print_whole(console, hit_table(rows, widths))
        return
    seg_w, spk_w, time_w, rest = widths
    print_whole(console, hit_table((), widths))  # the header, and the console's width
    if console.quiet:
        return
    width = console.width
    if width < sum(widths) + 3:  # print_whole printed wider: so do the rows (and a match
        console.width = sum(widths) + 3  # is styled whole, not wrapped at the terminal)
    styled = _Styled(console)
    write = console.file.write
    chunk: list[str] = []
    try:
        for n, row in enumerate(rows, 1):
            before, match, after = row.before, row.match, row.after
            room = rest
            before = before[:room]
            room -= len(before)
            match = match[:room]
            room -= len(match)
            after = after[:room].ljust(room)
            chunk.append(f"{_cut(row.segment, seg_w):<{seg_w}} {_cut(row.speaker, spk_w):<{spk_w}} "
                         f"{_cut(row.time, time_w):<{time_w}} {before}{styled(match)}{after}\n")
            if n % _ROWS_AT_ONCE == 0:
                write("".join(chunk))
                chunk = []
        if chunk:
            write("".join(chunk))
        console.file.flush()
    except BrokenPipeError:
        console.on_broken_pipe()
    finally:
        console.width = width


class _Styled:
    """Each match as the console writes it in the hit style (rendered once per text)."""

    def __init__(self, console: Console) -> None:
        from rich.segment import Segment, Segments
        from rich.style import Style

        self._console, self._style = console, Style.parse(HIT_STYLE)
        self._segments, self._segment = Segments, Segment
        self._done: dict[str, str] = {"": ""}

    def __call__(self, text: str) -> str:
        got = self._done.get(text)
        if got is None:
            with self._console.capture() as cap:
                self._console.print(self._segments([self._segment(text, self._style)]),
                                    markup=False, highlight=False, end="")
            got = self._done[text] = cap.get()
        return got

"""A table of many rows of plain text, laid out exactly as rich lays out its ``Table``, at a
fraction of the cost.

``qcode diff`` prints one table row per differing segment: tens of thousands of rows on a
large study, where rich spends most of a second per ten thousand rows building ``Text``,
``Padding`` and ``Segment`` objects for every cell. :class:`FastTable` takes the same
columns and rows (plain strings, shown literally: never read as markup) and writes the
same characters as rich's table printed with ``markup=False``: it
measures the columns and wraps every cell with rich's own rules (word wrapping, folding of
words longer than their column, cell widths of wide and combining characters from
``rich.cells``), and leaves to rich everything that has a style or depends on the
terminal: the title and the header row are printed by a rich ``Table`` of the same
columns at the computed widths and no rows, the box characters come from rich's
``Box`` after its substitution for the terminal (ASCII where the encoding needs it), and
the console writes the result, so colours, NO_COLOR and cropping stay rich's. Body rows
have no style: each of their lines is one plain segment.

Whatever this layout does not cover (a tab in a cell, a column narrower than three cells,
a table that does not fit its width, other justification or overflow, no rows) is printed
by an equivalent rich ``Table`` instead (:meth:`FastTable.rich_table`), so the output is
rich's in every case. Unlike a rich table of strings, the cells are also measured as
literal text (rich measures strings with markup on even when they are printed without it,
so ``[/i]`` in a transcript raised a ``MarkupError`` and ``[bold]`` counted as nothing).
``tests/cli/test_fast_table.py`` compares the two on generated tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from math import ceil

from rich import box as rich_box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text

from qcode.cli.cell_wrap import wrap_cell

#: what makes a cell go through the console's own string conversion: control characters
#: (made visible or dropped) and two colons with no space between (an emoji code such as
#: ``:smile:`` may be replaced; rich's pattern is ``:\S*?:`` with an optional variant)
_NEEDS_CONSOLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]|:\S*:")
#: the cells' padding: one space either side
_PAD = 2
#: the cells of a column whose lines FastTable keeps for the rows that repeat them (short
#: ones: code lists), and how many of them
_SHORT = 200
_KEEP = 10_000
#: characters written at once by print_table: rich's limit (32 KB of UTF-8, for Windows)
_CHUNK = 8192


@dataclass
class _Column:
    header: str
    justify: str = "left"
    overflow: str = "fold"
    min_width: int | None = None
    max_width: int | None = None
    ratio: int | None = None
    cells: list[str] = field(default_factory=list)


class FastTable:
    """A rich-compatible table of plain-text cells (see the module's docstring).

    Build it like ``rich.table.Table`` (``add_column``, ``add_row``) and print it on a
    console; headers and cells are strings and are shown literally.
    """

    def __init__(self, title: str | None = None, *, show_lines: bool = False,
                 expand: bool = False, box: rich_box.Box = rich_box.HEAVY_HEAD) -> None:
        self.title = title
        self.show_lines = show_lines
        self.expand = expand
        self.box = box
        self.columns: list[_Column] = []
        self.rows = 0
        #: the layout last made, and for which console (measuring and printing share it)
        self._layout: tuple[Console, _Layout | None] | None = None

    def add_column(self, header: str = "", *, justify: str = "left",
                   overflow: str = "ellipsis", min_width: int | None = None,
                   max_width: int | None = None, ratio: int | None = None) -> None:
        self.columns.append(_Column(header, justify, overflow, min_width, max_width, ratio))
        self._layout = None

    def add_row(self, *cells: str) -> None:
        if len(cells) > len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        padded = (*cells, *[""] * (len(self.columns) - len(cells)))
        for column, cell in zip(self.columns, padded, strict=True):
            column.cells.append(cell)
        self.rows += 1
        self._layout = None

    def rich_table(self, console: Console) -> Table:
        """The same table built with rich, its cells as ``console`` shows a string printed
        without markup (what this one prints when it cannot lay it out itself)."""
        table = Table(title=self.title, show_lines=self.show_lines, expand=self.expand,
                      box=self.box)
        for c in self.columns:
            table.add_column(_literal(console, c.header), justify=c.justify,  # type: ignore[arg-type]
                             overflow=c.overflow,  # type: ignore[arg-type]
                             min_width=c.min_width, max_width=c.max_width, ratio=c.ratio)
        for row in zip(*(c.cells for c in self.columns), strict=True):
            table.add_row(*(_literal(console, cell) for cell in row))
        return table

    def layout(self, console: Console) -> _Layout | None:
        """The cells measured as ``console`` shows them, or None where rich must lay the
        table out (made once per console and kept until a row or column is added)."""
        if self._layout is None or self._layout[0] is not console:
            self._layout = (console, _Layout.of(self, console))
        return self._layout[1]

    # ------------------------------------------------------------------ rich protocol

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        layout = self.layout(console)
        if layout is None:
            return Measurement.get(console, options, self.rich_table(console))
        return layout.measure(options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        layout = self.layout(console)
        widths = None if layout is None else layout.widths(options.max_width)
        if layout is None or widths is None:
            yield self.rich_table(console)
            return
        yield from layout.render(console, options, widths)


class _Layout:
    """A table's cells as the console shows them, measured once."""

    def __init__(self, table: FastTable, texts: list[list[str]],
                 sizes: list[list[tuple[int, int]]]) -> None:
        self.table = table
        self.texts = texts  # per column: the header, then each cell
        self.extra = 2 + len(table.columns) - 1  # the edges and the dividers
        # per column, the distinct (least, most) widths of its cells' text
        self.sizes = sizes

    @classmethod
    def of(cls, table: FastTable, console: Console) -> _Layout | None:
        """The layout, or None where rich must lay the table out itself."""
        if not table.columns or not table.rows or any(
                c.justify != "left" or c.overflow != "fold" for c in table.columns):
            return None
        texts = []
        sizes = []
        for c in table.columns:
            header = _as_shown(console, c.header)
            if "\t" in header:
                return None
            measured = {_text_size(header)}
            shown: dict[str, str] = {}
            for cell in dict.fromkeys(c.cells):  # each distinct cell once (codes repeat)
                plain: bool | None = _plain(cell)
                text = cell
                if (":" in cell or not plain) and _NEEDS_CONSOLE.search(cell) is not None:
                    text, plain = _as_shown(console, cell), None
                    if "\t" in text:
                        return None
                elif "\t" in cell:
                    return None
                shown[cell] = text
                measured.add(_text_size(text, plain))
            texts.append([header, *map(shown.__getitem__, c.cells)])
            sizes.append(sorted(measured))
        return cls(table, texts, sizes)

    # --------------------------------------------------------------- measuring

    def _column(self, index: int, width: int) -> tuple[int, int]:
        """rich's measurement of a column at ``width`` (its cells with their padding,
        clamped to the column's least and greatest width)."""
        if width < 1:
            return 0, 0
        least = most = None
        for lo, hi in self.sizes[index]:
            lo, hi = _cell_measure(lo, hi, width)
            least = lo if least is None or lo > least else least
            most = hi if most is None or hi > most else most
        lo, hi = (1 if least is None else least), (width if most is None else most)
        lo, hi = min(lo, width), min(hi, width)
        column = self.table.columns[index]
        if column.min_width is not None:
            floor = max(0, column.min_width + _PAD)
            lo, hi = max(lo, floor), max(hi, floor)
        if column.max_width is not None:
            lo, hi = min(lo, column.max_width + _PAD), min(hi, column.max_width + _PAD)
        return lo, hi

    def _widths(self, max_width: int) -> list[int]:
        """rich's ``Table._calculate_column_widths`` for these columns."""
        columns = self.table.columns
        ranges = [self._column(i, max_width) for i in range(len(columns))]
        widths = [hi or 1 for _, hi in ranges]
        if self.table.expand:
            ratios = [c.ratio or 0 for c in columns if c.ratio is not None]
            if any(ratios):
                fixed = [0 if c.ratio is not None else hi
                         for (_, hi), c in zip(ranges, columns, strict=True)]
                flex_least = [1 + _PAD for c in columns if c.ratio is not None]
                flex = iter(_distribute(max_width - sum(fixed), ratios, flex_least))
                for i, c in enumerate(columns):
                    if c.ratio is not None:
                        widths[i] = fixed[i] + next(flex)
        table_width = sum(widths)
        if table_width > max_width:
            widths = _collapse(widths, max_width)
            table_width = sum(widths)
            if table_width > max_width:
                widths = _reduce(table_width - max_width, [1] * len(widths), widths, widths)
                table_width = sum(widths)
            widths = [self._column(i, w)[1] or 0 for i, w in enumerate(widths)]
        if table_width < max_width and self.table.expand:
            pads = _distribute(max_width - table_width, widths)
            widths = [w + p for w, p in zip(widths, pads, strict=True)]
        return widths

    def widths(self, max_width: int) -> list[int] | None:
        """The widths of the columns (padding included) in ``max_width`` cells, or None
        where this layout does not reproduce rich's (a column under three cells, or a
        table wider than its room)."""
        widths = self._widths(max_width - self.extra)
        if min(widths) < 1 + _PAD or sum(widths) > max_width - self.extra:
            return None
        return widths

    def measure(self, max_width: int) -> Measurement:
        """rich's ``Table.__rich_measure__``."""
        if max_width < 0:
            return Measurement(0, 0)
        room = sum(self._widths(max_width - self.extra))
        ranges = [self._column(i, room) for i in range(len(self.table.columns))]
        return Measurement(sum(lo for lo, _ in ranges) + self.extra,
                           sum(hi for _, hi in ranges) + self.extra)

    # --------------------------------------------------------------- rendering

    def frame(self, console: Console, options: ConsoleOptions,
              widths: list[int]) -> tuple[list[Segment], list[Segment]]:
        """What comes before the rows (the title, the top edge, the header row and the
        line under it) and after them (the bottom edge), as rich renders them: a rich
        table of the same columns at these widths and no rows."""
        table = self.table
        shell = Table(title=table.title, show_lines=table.show_lines, box=table.box)
        for c, w in zip(table.columns, widths, strict=True):
            shell.add_column(_literal(console, c.header), width=w - _PAD, overflow="fold")
        head = list(console.render(shell, options))
        return head[:-2], head[-2:]

    def rows(self, console: Console, options: ConsoleOptions,
             widths: list[int]) -> Iterator[list[str]]:
        """Each row's lines (without their line ends), the line under it included (when
        lines are drawn between rows). Rows have no style: these are the exact characters
        rich writes."""
        table = self.table
        box = table.box.substitute(options, safe=console.safe_box)
        between = box.get_row(widths, "row", edge=True)
        inner = [w - _PAD for w in widths]
        columns = list(zip(*(col[1:] for col in self.texts), strict=True))
        last_row = len(columns) - 1
        sep = f" {box.mid_vertical} "
        left, right = f"{box.mid_left} ", f" {box.mid_right}"
        # per column: short cells' lines, as they were wrapped (never changed after)
        wrapped_before: list[dict[str, list[str]]] = [{} for _ in inner]
        for r, cells in enumerate(columns):
            if r == last_row:
                sep = f" {box.foot_vertical} "
                left, right = f"{box.foot_left} ", f" {box.foot_right}"
            wrapped = []
            for text, w, known in zip(cells, inner, wrapped_before, strict=True):
                lines = known.get(text)
                if lines is None:
                    lines = wrap_cell(text, w)
                    if len(text) <= _SHORT and len(known) < _KEEP:  # codes, "-": repeated
                        known[text] = lines
                wrapped.append(lines)
            height = max(map(len, wrapped))
            if any(len(lines) < height for lines in wrapped):
                wrapped = [lines + [" " * w] * (height - len(lines))
                           for lines, w in zip(wrapped, inner, strict=True)]
            block = [left + line + right for line in map(sep.join, zip(*wrapped, strict=True))]
            if table.show_lines and r != last_row:
                block.append(between)
            yield block

    def lines(self, console: Console, options: ConsoleOptions,
              widths: list[int]) -> Iterator[str]:
        """The rows' lines (without their line ends), the lines between them included."""
        for block in self.rows(console, options, widths):
            yield from block

    def render(self, console: Console, options: ConsoleOptions,
               widths: list[int]) -> Iterator[Segment]:
        head, bottom = self.frame(console, options, widths)
        yield from head
        line = Segment.line()
        for text in self.lines(console, options, widths):
            yield Segment(text)
            yield line
        yield from bottom


def print_table(console: Console, table: FastTable) -> None:
    """Print ``table`` as ``print_whole(console, table, markup=False)`` does (no narrower
    than its longest words: a terminal too narrow gets longer lines), the rows written
    straight to the console's file in large pieces instead of as a segment per line
    through rich (each of which rich would measure, crop and render again). The title,
    header and edges still go through ``console.print``. For a console that writes as it
    prints (not recording, not inside ``with console:``), like every console of qcode."""
    least = Measurement.get(console, console.options.update_width(10**6), table).minimum
    width = console.width
    if least > width:
        console.width = least
    try:
        _print(console, table)
    finally:
        console.width = width


def _print(console: Console, table: FastTable) -> None:
    options = console.options.update(markup=False)
    layout = table.layout(console)
    widths = None if layout is None else layout.widths(options.max_width)
    if layout is None or widths is None or console.record or console.is_jupyter:
        console.print(table, markup=False)
        return
    head, bottom = layout.frame(console, options, widths)
    console.print(Segments(head), markup=False)
    if not console.quiet:
        write = console.file.write
        chunk: list[str] = []
        size = 0
        try:
            for block in layout.rows(console, options, widths):
                block_size = sum(map(len, block)) + len(block)
                if size + block_size < _CHUNK:  # the usual row: taken whole
                    chunk.extend(block)
                    size += block_size
                    continue
                for line in block:
                    if size + len(line) >= _CHUNK and chunk:
                        write("\n".join(chunk) + "\n")
                        chunk.clear()
                        size = 0
                    chunk.append(line)
                    size += len(line) + 1
            if chunk:
                write("\n".join(chunk) + "\n")
            console.file.flush()
        except BrokenPipeError:
            console.on_broken_pipe()
    console.print(Segments(bottom), markup=False)


def _literal(console: Console, text: str) -> Text:
    """``text`` as ``console`` shows a string printed without markup (control characters
    and emoji codes as the console converts them)."""
    return console.render_str(text, markup=False, highlight=False)


def _plain(text: str) -> bool:
    """Whether ``text`` is ASCII with no control character but line ends (none of the ASCII
    ones ``_NEEDS_CONSOLE`` looks for; for ASCII, ``isprintable`` is that test): one cell
    per character."""
    return text.isascii() and text.replace("\n", "").isprintable()


def _as_shown(console: Console, text: str) -> str:
    return _literal(console, text).plain


def _text_size(text: str, plain: bool | None = None) -> tuple[int, int]:
    """rich's measurement of a text: its longest word, its longest line (in cells);
    ``plain``: whether :func:`_plain` holds for it, when known."""
    if _plain(text) if plain is None else plain:
        lines = text.splitlines()
        most = max(map(len, lines)) if lines else 0
        words = text.split()
        least = max(map(len, words)) if words else most
    else:
        lines = text.splitlines()
        most = max(map(cell_len, lines)) if lines else 0
        words = text.split()
        least = max(map(cell_len, words)) if words else most
    return least, most


def _normal(lo: int, hi: int) -> tuple[int, int]:
    lo = min(max(0, lo), hi)
    return max(0, lo), max(0, max(lo, hi))


def _cell_measure(lo: int, hi: int, width: int) -> tuple[int, int]:
    """A cell's measurement at ``width`` (its text's, padded), as rich's ``Measurement.get``
    of a ``Padding`` of a ``Text`` computes it."""
    if width - _PAD < 1:
        lo = hi = width
    else:
        lo, hi = _normal(lo, hi)
        lo, hi = min(lo, width), min(hi, width)
        lo, hi = (0, 0) if hi < 1 else _normal(lo, hi)
        lo, hi = min(lo + _PAD, width), min(hi + _PAD, width)
    lo, hi = _normal(lo, hi)
    lo, hi = min(lo, width), min(hi, width)
    return (0, 0) if hi < 1 else _normal(lo, hi)


def _distribute(total: int, ratios: list[int], least: list[int] | None = None) -> list[int]:
    """``total`` split in proportion to ``ratios``, rounding up, each at least ``least``."""
    if least:
        ratios = [r if m else 0 for r, m in zip(ratios, least, strict=True)]
    total_ratio = sum(ratios)
    if total_ratio <= 0:
        raise ValueError("no ratio to distribute by")
    floors = least if least is not None else [0] * len(ratios)
    parts = []
    for ratio, floor in zip(ratios, floors, strict=True):
        part = max(floor, ceil(ratio * total / total_ratio)) if total_ratio > 0 else total
        parts.append(part)
        total_ratio -= ratio
        total -= part
    return parts


def _reduce(total: int, ratios: list[int], most: list[int], values: list[int]) -> list[int]:
    """``values`` less ``total`` in proportion to ``ratios``, each by at most ``most``."""
    ratios = [r if m else 0 for r, m in zip(ratios, most, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    out = []
    for ratio, cap, value in zip(ratios, most, values, strict=True):
        if ratio and total_ratio > 0:
            cut = min(cap, round(ratio * total / total_ratio))
            out.append(value - cut)
            total -= cut
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _collapse(widths: list[int], max_width: int) -> list[int]:
    """Narrow the widest columns first until the table fits (every column may wrap)."""
    total = sum(widths)
    excess = total - max_width
    while total and excess > 0:
        widest = max(widths)
        second = max((w for w in widths if w != widest), default=0)
        ratios = [1 if w == widest else 0 for w in widths]
        if not any(ratios) or not widest - second:
            break
        widths = _reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - max_width
    return widths

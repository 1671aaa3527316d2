"""A table cell's lines as rich wraps a plain text: word wrapping, words longer than the
column folded, each line exactly the column's width (left-justified).
:mod:`qcode.cli.fast_table` lays its rows out with it; ``tests/cli/test_fast_table.py``
compares it with rich's ``Text.wrap``.
"""

from __future__ import annotations

import re
from itertools import pairwise, repeat

from rich.cells import cell_len, chop_cells, set_cell_size

#: a word with the whitespace around it, as rich's wrapping splits a line
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")
#: width -> the pattern of one line of words in that width (:func:`_wrap_plain`): the
#: most words that fit, after the space that ended the line before
_LINES: dict[int, re.Pattern[str]] = {}


def wrap_cell(text: str, width: int) -> list[str]:
    """The lines of a cell's text in ``width`` cells, each exactly ``width`` cells wide
    (rich's word wrapping with folding, justified left)."""
    out: list[str] = []
    ascii = text.isascii()
    for line in text.split("\n"):
        if ascii and line.isprintable() and "  " not in line and line[:1] != " " \
                and line[-1:] != " ":
            _wrap_plain(line, width, out)
        else:
            _wrap_any(line, width, out)
    return out


def _wrap_plain(line: str, width: int, out: list[str]) -> None:
    """:func:`_wrap_any` for a line of single-cell characters with single spaces between
    its words and none at either end: a line breaks before the first word that ends past
    the width, and a word longer than the width is cut every ``width`` characters."""
    if len(line) <= width:
        out.append(line.ljust(width))
        return
    pattern = _LINES.get(width)
    if pattern is None:
        pattern = _LINES[width] = re.compile(rf" ?(.{{1,{width}}})(?= |\Z)")
    found = pattern.findall(line)
    if sum(map(len, found)) + len(found) - 1 == len(line):  # no word longer than a line
        out.extend(map(str.ljust, found, repeat(width)))
        return
    wrap_plain_words(line, width, out)


def wrap_plain_words(line: str, width: int, out: list[str]) -> None:
    """:func:`_wrap_plain` word by word (what its pattern gives where no word is longer
    than the width; tested)."""
    n = len(line)
    start = 0
    while n - start > width:
        limit = start + width
        if line[limit] == " ":
            cut = limit + 1
        else:
            space = line.rfind(" ", start, limit)
            if space < start:  # a word longer than the line: fold it
                end = line.find(" ", start)
                end = n if end < 0 else end + 1
                pieces = -(-(end - start) // width)
                for k in range(pieces - 1):
                    out.append(line[start + k * width:start + (k + 1) * width])
                start += (pieces - 1) * width
                continue
            cut = space + 1
        out.append(line[start:cut][:width].ljust(width))
        start = cut
    out.append(line[start:].ljust(width))


def _wrap_any(line: str, width: int, out: list[str]) -> None:
    """rich's ``Text.wrap`` of one line: break before a word that does not fit, fold a
    word wider than the line, drop trailing spaces past the width, pad or cut to it."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group()
        size = cell_len(word.rstrip())
        if width - offset >= size:
            offset += cell_len(word)
        elif size > width:
            pieces = chop_cells(word, width)
            for k, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if k == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    bounds = [0, *breaks, len(line)]
    for a, b in pairwise(bounds):
        piece = line[a:b]
        if len(piece) > width:
            spaces = _TRAILING_SPACE.search(piece)
            if spaces is not None:
                piece = piece[:len(piece) - min(len(spaces.group()), len(piece) - width)]
        size = cell_len(piece)
        if size > width:
            piece = set_cell_size(piece, width)
        elif size < width:
            piece += " " * (width - size)
        out.append(piece)

"""Column widths for Word tables, so that no word is broken across lines.

python-docx makes every column of a new table equally wide: a matrix's row labels
("Organizational and professional (ORG)") then wrapped inside words ("Organizati / onal")
while the count columns stood half empty. :func:`fit_columns` gives each column a share of
the text width by what it holds: at least its longest word, at most a long line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: a column asks for the length of its longest cell up to this many characters
LONG_CELL = 28
NARROWEST = 4
#: the width of one character of bold 9 pt table text, and a cell's left and right
#: padding, in inches (generous: LibreOffice may set the text in a wider font than Word)
CHAR_INCH, PAD_INCH = 0.08, 0.16
EMU_PER_INCH = 914400


def column_needs(rows: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """(least, wanted) characters of each column: its longest word (never broken), and its
    longest cell up to :data:`LONG_CELL`.

    >>> column_needs([["Theme / Level", "Micro", "Total"],
    ...               ["Organizational and professional (ORG)", "41", "87"]])
    [(14, 28), (5, 5), (5, 5)]
    """
    width = max((len(r) for r in rows), default=0)
    needs = []
    for j in range(width):
        cells = [r[j] for r in rows if j < len(r)]
        word = max([len(w) for c in cells for w in c.split()] + [NARROWEST])
        cell = max([len(c) for c in cells] + [0])
        needs.append((word, max(word, min(cell, LONG_CELL))))
    return needs


def widths(needs: Sequence[tuple[int, int]], text_width: int) -> list[int]:
    """Column widths (EMU) filling ``text_width``: every column its longest word first,
    then what is left shared by what each still wants; when even the words do not fit,
    in proportion to them.

    >>> [round(w / EMU_PER_INCH, 2) for w in widths([(14, 28), (5, 5), (5, 5)],
    ...                                             6 * EMU_PER_INCH)]
    [4.09, 0.95, 0.95]
    """
    def emu(chars: int) -> int:
        return int((chars * CHAR_INCH + PAD_INCH) * EMU_PER_INCH)

    least = [emu(a) for a, _ in needs]
    want = [emu(b) for _, b in needs]
    if sum(want) <= text_width:
        return [int(w * text_width / sum(want)) for w in want]
    if sum(least) >= text_width:
        return [int(w * text_width / sum(least)) for w in least]
    spare, more = text_width - sum(least), sum(want) - sum(least)
    return [lo + int((hi - lo) * spare / more) for lo, hi in zip(least, want, strict=True)]


def fit_columns(doc: Any, table: Any, rows: Sequence[Sequence[str]]) -> None:
    """Share the page's text width among the table's columns by :func:`widths` (set on
    the grid for LibreOffice and on every cell for Word)."""
    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    for j, width in enumerate(widths(column_needs(rows), text_width)):
        table.columns[j].width = width
        for cell in table.columns[j].cells:
            cell.width = width
    table.autofit = False
    _cell_margins(table)


#: space inside each cell, in twentieths of a point (top/bottom, left/right)
CELL_MARGINS = (40, 90)


def _cell_margins(table: Any) -> None:
    """A little air above and below cell text (LibreOffice draws "Table Grid" without)."""
    from docx.oxml import parse_xml  # python-docx is imported only to write a DOCX
    from docx.oxml.ns import nsdecls

    tb, lr = CELL_MARGINS
    sides = "".join(f'<w:{side} w:w="{w}" w:type="dxa"/>' for side, w in
                    (("top", tb), ("left", lr), ("bottom", tb), ("right", lr)))
    margins = parse_xml(f'<w:tblCellMar {nsdecls("w")}>{sides}</w:tblCellMar>')
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(margins.tag.replace("tblCellMar", "tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)

"""The matrix heatmap in Word: the matrix table itself, its cells shaded by count.

Word tables can carry a fill per cell (``w:shd`` in the cell's properties), so the heatmap
needs no picture and no image library: the numbers stay text a reader can select, and the
colours are those of the SVG heatmap (:func:`qcode.reports.heatmap_svg.colour`). Totals
are not shaded.
"""

from __future__ import annotations

from typing import Any

from qcode.counts.matrix import Matrix
from qcode.reports.heatmap_svg import DARK, colour

LEGEND = ("Shading: the darker a cell, the more {count} it holds (white: none); the totals "
          "are not shaded.")


def shade_matrix(table: Any, m: Matrix) -> None:
    """Fill the count cells of a matrix table (a header row and column, then the counts,
    as :func:`qcode.reports.tables.matrix_grid` lays them out)."""
    from docx.oxml import parse_xml  # python-docx is imported only to write a DOCX
    from docx.oxml.ns import nsdecls
    from docx.shared import RGBColor

    peak = max([n for row in m.counts for n in row] or [0])
    for i, row in enumerate(m.counts):
        for j, n in enumerate(row):
            share = n / peak if peak else 0.0
            cell = table.rows[i + 1].cells[j + 1]
            fill = colour(share).lstrip("#").upper()
            cell._tc.get_or_add_tcPr().append(
                parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                          f'w:fill="{fill}"/>'))
            if share > DARK:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def legend(m: Matrix) -> str:
    """The sentence under the shaded table."""
    return LEGEND.format(count=m.count)

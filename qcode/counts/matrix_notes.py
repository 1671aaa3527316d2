"""The footnotes under a matrix, the same in every format (terminal, Markdown, HTML, LaTeX,
DOCX, XLSX): what a cell counts, that totals count distinct units (not the sum of the
cells) and, with percentages, what their base is.

Pure: a :class:`~qcode.counts.matrix.Matrix` in, sentences out.
"""

from __future__ import annotations

from qcode.counts.matrix import Matrix

#: what one unit of each counting mode is, singular and plural
UNITS = {"segments": ("segment", "segments"), "codings": ("coding", "codings"),
         "documents": ("document", "documents"), "speakers": ("speaker", "speakers"),
         "characters": ("character", "characters"), "words": ("word", "words")}
CELL_RULE = {
    "segments": "a segment counts once in a cell however many of the cell's codes it has",
    "codings": "every coded span counts",
    "documents": "the documents with at least one coded segment in the cell",
    "speakers": "the speakers (a speaker within one document) with at least one coded "
                "segment in the cell",
    "characters": "the characters inside the union of the cell's spans (text coded twice "
                  "in a cell counts once)",
    "words": "the words inside the union of the cell's spans (text coded twice in a cell "
             "counts once)",
}
BASE = {"row": "its row total", "col": "its column total", "total": "the grand total"}


def totals_differ(m: Matrix) -> bool:
    """Whether any row, column or grand total differs from the sum of its cells."""
    return (sum(map(sum, m.counts)) != m.total
            or any(sum(row) != t for row, t in zip(m.counts, m.row_totals, strict=True))
            or any(sum(row[j] for row in m.counts) != t for j, t in enumerate(m.col_totals)))


def matrix_notes(m: Matrix) -> list[str]:
    """The sentences to print under the matrix ``m`` (see the module)."""
    one, many = UNITS.get(m.count, (m.count, m.count))
    who = f"the codings of {m.coder}" if m.count == "codings" else f"{many} coded by {m.coder}"
    notes = [f"Cells count {who}; {CELL_RULE.get(m.count, m.count)}."]
    differs = totals_differ(m)
    cells_sum = sum(map(sum, m.counts))
    if m.count != "codings" or differs:
        text = (f"Totals count distinct {many}, not the sum of the cells: a {one} in several "
                f"cells counts once in its row, column and grand total")
        if differs:
            text += (f" (here the grand total is {m.total:,} and the cells add up to "
                     f"{cells_sum:,})" if m.total != cells_sum else
                     " (here some row or column totals are below the sum of their cells)")
        else:
            text += " (here every total equals the sum of its cells)"
        notes.append(text + ".")
    if m.percent in BASE:
        base = BASE[m.percent]
        text = f"Percentages: each cell as a share of {base} of distinct {many}"
        if m.percent != "total" and differs:
            text += (f", so the percentages of a {'row' if m.percent == 'row' else 'column'} "
                     "can add up to more than 100%")
        elif m.percent == "total" and m.total != cells_sum:
            text += ", so the cells' percentages can add up to more than 100%"
        notes.append(text + ".")
    return notes

"""The notes under a matrix: totals of distinct units, and the base of percentages."""

from __future__ import annotations

from qcode.counts.matrix import Matrix
from qcode.counts.matrix_notes import matrix_notes, totals_differ


def grid(counts: tuple[tuple[int, ...], ...], rows: tuple[int, ...], cols: tuple[int, ...],
         total: int, **kw: str) -> Matrix:
    return Matrix(rows=("A", "B"), cols=("x", "y"), row_labels=("A", "B"),
                  col_labels=("x", "y"), counts=counts, row_totals=rows, col_totals=cols,
                  total=total, coder="ana", **kw)


def test_totals_equal_to_the_sums_are_said_to_be() -> None:
    m = grid(((1, 2), (3, 0)), (3, 3), (4, 2), 6)
    assert not totals_differ(m)
    assert matrix_notes(m)[1] == (
        "Totals count distinct segments, not the sum of the cells: a segment in several cells "
        "counts once in its row, column and grand total (here every total equals the sum of "
        "its cells).")


def test_a_row_total_below_its_cells_is_named_even_when_the_grand_total_adds_up() -> None:
    # a segment in both cells of row A (row total 2, cells 1 + 2) but a grand total of 5
    # that happens to equal the sum of the cells is still not a plain sum
    m = grid(((1, 2), (2, 0)), (2, 2), (3, 2), 5, percent="row")
    assert totals_differ(m)
    notes = matrix_notes(m)
    assert notes[1].endswith("(here some row or column totals are below the sum of their "
                             "cells).")
    assert notes[2] == ("Percentages: each cell as a share of its row total of distinct "
                        "segments, so the percentages of a row can add up to more than 100%.")


def test_codings_add_up_and_get_no_totals_note() -> None:
    m = grid(((1, 2), (3, 0)), (3, 3), (4, 2), 6, count="codings", percent="total")
    assert matrix_notes(m) == [
        "Cells count the codings of ana; every coded span counts.",
        "Percentages: each cell as a share of the grand total of distinct codings."]

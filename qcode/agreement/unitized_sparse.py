"""Sparse rows of statistics for unitized agreement: (row, column, weights) triplets.

A study's resampling blocks (rows) each touch a few of its V values (columns: the gap,
the codes and every set of one coder's overlapping codes), so per-block statistics are
kept as triplets: row r, column c, and k weights (the statistics of value c in row r).
The 200-transcript benchmark study has 15,734 blocks and 773 values; dense (R, V) arrays
of five statistics would take 490 MB, the triplets a few MB.

Three operations are all the unitized coefficients need:

- :meth:`Triplets.regroup`: rows summed into coarser rows (blocks into documents);
- :meth:`Triplets.local`: each row's columns numbered 0, 1, ... in order (a document's
  own values), so that a batch of rows is dense over the few values it has;
- :func:`product`: ``counts @ rows`` for a (N, n) matrix of counts (bootstrap replicates
  drawing rows with replacement), as dense (N, W, k), densifying at most
  :data:`CHUNK_CELLS` cells of rows at a time.

The weights of qcode's statistics are sums of integer lengths (and their squares), exact
in floating point below 2**53, so sums in any order are exact: the results equal those of
dense arrays to the bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: at most this many cells of rows are made dense at once by :func:`product`
CHUNK_CELLS = 2**22


@dataclass(frozen=True)
class Triplets:
    """Rows of k weights per column, one triplet per (row, column) that has any weight,
    sorted by row then column.

    >>> t = aggregate(np.array([1, 0, 1]), np.array([2, 0, 2]), np.array([[1.0], [2.0], [3.0]]))
    >>> t.row.tolist(), t.col.tolist(), t.w.ravel().tolist()
    ([0, 1], [0, 2], [2.0, 4.0])
    """

    row: np.ndarray  # (n,) int64
    col: np.ndarray  # (n,) int64
    w: np.ndarray    # (n, k) float

    def regroup(self, new_row: np.ndarray) -> Triplets:
        """Rows summed into the rows ``new_row[row]``."""
        return aggregate(new_row[self.row], self.col, self.w)

    def rows(self, lo: int, hi: int) -> Triplets:
        """Rows ``lo`` to ``hi - 1``, renumbered from 0."""
        a, b = np.searchsorted(self.row, [lo, hi])
        return Triplets(self.row[a:b] - lo, self.col[a:b], self.w[a:b])

    def totals(self, n_cols: int) -> np.ndarray:
        """Every row summed: (n_cols, k)."""
        return np.stack([np.bincount(self.col, weights=self.w[:, j], minlength=n_cols)
                         for j in range(self.w.shape[1])], axis=1)

    def local(self) -> tuple[Triplets, np.ndarray]:
        """The same rows with each row's columns renumbered 0, 1, ... in order, and the
        map back: ``cols[r, p]``, the column of row r's position p (-1 past its last)."""
        n_rows = int(self.row[-1]) + 1 if self.row.size else 0
        first = np.searchsorted(self.row, np.arange(n_rows))
        pos = np.arange(self.row.size) - first[self.row]
        width = int(pos.max()) + 1 if pos.size else 0
        cols = np.full((n_rows, width), -1, dtype=np.int64)
        cols[self.row, pos] = self.col
        return Triplets(self.row, pos, self.w), cols


def aggregate(row: np.ndarray, col: np.ndarray, w: np.ndarray) -> Triplets:
    """Triplets from possibly repeated (row, column) pairs, their weights summed."""
    if row.size == 0:
        return Triplets(row.astype(np.int64), col.astype(np.int64),
                        np.zeros((0, w.shape[1])))
    n_cols = int(col.max()) + 1
    keys, inv = np.unique(row.astype(np.int64) * n_cols + col, return_inverse=True)
    inv = inv.ravel()
    w_sum = np.stack([np.bincount(inv, weights=w[:, j], minlength=keys.size)
                      for j in range(w.shape[1])], axis=1)
    return Triplets(keys // n_cols, keys % n_cols, w_sum)


def dense(t: Triplets, n_rows: int, width: int) -> np.ndarray:
    """The rows as a dense (n_rows, width, k) array."""
    out = np.zeros((n_rows, width, t.w.shape[1]))
    out[t.row, t.col] = t.w
    return out


def product(counts: np.ndarray, t: Triplets, width: int) -> np.ndarray:
    """``counts @ rows``: (N, width, k) for counts of shape (N, n) and rows 0..n-1 of ``t``
    (columns below ``width``), :data:`CHUNK_CELLS` dense cells of rows at a time."""
    n_out, n = counts.shape
    k = t.w.shape[1]
    out = np.zeros((n_out, width * k))
    step = max(1, CHUNK_CELLS // max(1, width * k))
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        part = t.rows(lo, hi)
        if part.row.size:
            out += counts[:, lo:hi] @ dense(part, hi - lo, width).reshape(hi - lo, -1)
    return out.reshape(n_out, width, k)

"""Gathering the statistics of unitized agreement from the coders' partitions: every
block's value statistics (sparse triplets, :func:`~qcode.agreement.unitized_2016.section_tallies`),
each code's 2 x 2 statistics (:func:`~qcode.agreement.unitized_2016.code_tallies`) summed
per document and made again for one document's blocks when they are drawn, and the 2004
sections of each code (:class:`~qcode.agreement.unitized_2004.SectionTable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qcode.agreement import unitized_2004 as u04
from qcode.agreement import unitized_2016 as u16
from qcode.agreement.unitized_boot import Units
from qcode.agreement.unitized_data import (
    GAP,
    Continuum,
    Partition,
    chained_binary,
    overlay,
)
from qcode.agreement.unitized_sparse import Triplets


@dataclass(frozen=True)
class CodeBlocks:
    """Each code's statistics per block of a document
    (:func:`~qcode.agreement.unitized_2016.code_tallies`), made when asked for: kept for
    every block they would take R x C x 6 floats (300 MB for 2,000 transcripts)."""

    continua: Sequence[Continuum]
    coders: Sequence[str]
    codes: Sequence[str]
    units: list[dict[str, dict[str, list[tuple[int, int]]]]]
    blocks: list[np.ndarray]

    def of(self, d: int, table: list[u04.SectionTable] | None = None) -> np.ndarray:
        """(blocks, codes, CODE_STATS) of document ``d``; adds its sections of each code
        to ``table`` when given (every coder's one gap for a code absent from it).

        The codes the document has are measured in one pass: each code's binary
        partitions laid end to end (:func:`~qcode.agreement.unitized_data.chained_binary`,
        the j-th shifted by j lengths of the continuum, and its blocks with it), so that
        one overlay serves them all; no stretch crosses from one code to the next, every
        coder's sections being cut there."""
        cont, blk, m = self.continua[d], self.blocks[d], len(self.coders)
        present = {code for coder in self.coders for code in self.units[d][coder]}
        which = [k for k, code in enumerate(self.codes) if code in present]
        absent = [k for k, code in enumerate(self.codes) if code not in present]
        out = np.zeros((len(blk), len(self.codes), len(u16.CODE_STATS)))
        out[:, absent] = u16.absent_code(len(blk), cont.length, m)[:, None]
        chained = [chained_binary([self.units[d][coder].get(self.codes[k], []) for k in which],
                                  cont.begin, cont.end) for coder in self.coders]
        if which:
            parts = [p for p, _ in chained]
            blocks = np.concatenate([blk + j * cont.length for j in range(len(which))])
            stats = u16.code_tallies(parts, blocks, overlay(parts))
            out[:, which] = stats.reshape(len(which), len(blk), -1).transpose(1, 0, 2)
        if table is not None:
            codes = np.asarray(which, dtype=np.int64)
            for i, (p, j) in enumerate(chained):
                table.append(u04.SectionTable(np.full(len(j), d), np.full(len(j), i),
                                              codes[j], p.lengths, p.values != GAP))
            n = len(absent) * m
            table.append(u04.SectionTable(
                np.full(n, d), np.repeat(np.arange(m), len(absent)),
                np.tile(np.asarray(absent, dtype=np.int64), m),
                np.full(n, cont.length, dtype=np.int64), np.zeros(n, dtype=bool)))
        return out


@dataclass(frozen=True)
class Gathered:
    """Every block's statistics: the values' sparse
    (:mod:`~qcode.agreement.unitized_sparse`), the codes' summed per document (per block
    made again when drawn)."""

    values: Triplets        # rows: blocks; columns: values; weights: VALUE_STATS
    codes: CodeBlocks
    doc_codes: np.ndarray   # (D, C, 6) CODE_STATS
    s: np.ndarray           # (R,) S
    length: np.ndarray      # (R,)
    first: np.ndarray       # (D + 1,) the first block of each document, and R

    def blocks(self, d: int, n_values: int) -> Units:
        """Document ``d``'s blocks as units to draw from, over every value."""
        lo, hi = int(self.first[d]), int(self.first[d + 1])
        return Units(self.values.rows(lo, hi), n_values, self.s[lo:hi], self.codes.of(d),
                     self.length[lo:hi])

    def documents(self) -> tuple[Units, np.ndarray]:
        """Each document as one unit, its values numbered in order (0: the gap), and the
        value of each (document, position) (-1 past its last)."""
        n_docs = len(self.first) - 1
        doc = np.repeat(np.arange(n_docs), np.diff(self.first))
        local, cols = self.values.regroup(doc).local()
        return Units(local, cols.shape[1], np.bincount(doc, self.s, n_docs), self.doc_codes,
                     np.bincount(doc, self.length, n_docs)), cols


def gather(continua: Sequence[Continuum], coders: Sequence[str], codes: Sequence[str],
            units: list[dict[str, dict[str, list[tuple[int, int]]]]],
            valued: list[list[Partition]], blocks: list[np.ndarray],
            ) -> tuple[Gathered, u04.SectionTable]:
    """Every block's statistics, and every document's sections of each code (for the
    2004 D_e)."""
    by_code = CodeBlocks(continua, coders, codes, units, blocks)
    values: list[Triplets] = []
    doc_codes = np.zeros((len(continua), len(codes), len(u16.CODE_STATS)))
    s: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    table: list[u04.SectionTable] = []
    first = np.concatenate([[0], np.cumsum([len(b) for b in blocks])]).astype(np.int64)
    for d, (cont, parts, blk) in enumerate(zip(continua, valued, blocks, strict=True)):
        lengths.append(np.diff(np.concatenate([blk, [cont.end]])).astype(float))
        t, s_d = u16.section_tallies(parts, blk, int(first[d]))
        values.append(t)
        s.append(s_d)
        doc_codes[d] = by_code.of(d, table).sum(axis=0)
    value_t = Triplets(*(np.concatenate([getattr(t, f) for t in values])
                         for f in ("row", "col", "w")))
    return Gathered(value_t, by_code, doc_codes, np.concatenate(s),
                     np.concatenate(lengths), first), u04.SectionTable.joined(table)


def own_blocks(gathered: Gathered, cols: np.ndarray, d: int) -> Units:
    """Document ``d``'s blocks as units over its own values (``cols``: its values, in
    order, then -1)."""
    own = gathered.blocks(d, 0)
    width = int((cols >= 0).sum())
    v = own.values
    local = Triplets(v.row, np.searchsorted(cols[:width], v.col), v.w)
    return Units(local, width, own.s, own.codes, own.length)

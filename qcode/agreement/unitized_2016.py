"""The unitizing alpha family of Krippendorff, Mathet, Bouvry & Widlöcher (2016).

Krippendorff, K., Mathet, Y., Bouvry, S. & Widlöcher, A. (2016). On the reliability of
unitizing textual continua: Further developments. *Quality & Quantity* 50:2347-2364; the
same family in Krippendorff (2019), *Content Analysis*, 4th ed., section 12.6 (eqs. 32-38).

m coders unitize a continuum of length L; each coder's sections (units with a value c,
gaps with the value ∅) cover it. With |g ∩ h| the length two sections share:

    l_ck = sum_i sum_{j != i} sum_g sum_h |g_i(c) ∩ h_j(k)| / (m - 1)      (observed)
    l..  = m L
    e_ck = (l_c. l_.k - [c = k] S_c) / (l.. - S / l..)                      (expected)

where S_c sums, over every section of value c, l^2 for a unit (its positions can only
pair with one another as a whole) and l for a gap (a gap has no identity: each position
is its own), and S = sum_c S_c; this is the ``n_c (n_k - [c = k]) / (n.. - 1)`` of
alpha for predefined units with length in place of count. Then, nominal distance:

- **u-alpha** = 1 - (l.. - sum_c l_cc) / (e.. - sum_c e_cc): boundaries and values.
- **|u-alpha** (binary): the same on the matrices collapsed to ∅ versus any value, i.e.
  whether the coders agree where the units are, whatever their codes.
- **cu-alpha** (coding given unitizing): the same on the matrices without the ∅ row and
  column, where S*_c sums (p_g)^2 over the units g of value c, p_g being how much of g
  lies where another coder has a unit too (the part of g that can be compared at all).
- **(k)u-alpha** for value k: 1 - [(l*_.k - l*_kk) / l*_.k] / [(e*_.k - e*_kk) / e*_.k]
  on those matrices: how much the coders disagree about units coded k, relative to
  chance.

On Krippendorff's (2019) fig. 12.11 this gives u-alpha .510 and |u-alpha .4136 as the book
(.510, .413), and cu-alpha .7283 where the book prints .724; the R package quallmer,
written independently from the same equations, computes S*_c the same way (its test
accepts .72-.73). S*_c is the one term the sources leave open to reading (see
``tests/agreement/test_unitized_published.py``).

A coefficient is undefined (NaN) when its expected disagreement is 0 or its matrix is
empty. Every function takes a leading batch axis (rows: blocks, documents or bootstrap
replicates).

**Sufficient statistics.** l is symmetric: it sums over ordered pairs of coders (i, j)
and (j, i) alike, so l_ck = l_kc and every column sum l_.k is the row sum l_k.. Every
coefficient above then needs, per row, five O(V) quantities instead of the V x V matrix
(:class:`Tallies`): the row sums r_c = l_c., the diagonal l_cc, the gap row l_0c, S*_c
and S = sum_c S_c (with l.. = sum_c r_c). In closed form, with N = l.. - S / l..:

    sum_ck e_ck = (l..^2 - S) / N          sum_c e_cc = (sum_c r_c^2 - S) / N
    u-alpha:   D_o = l.. - sum_c l_cc      D_e = (l..^2 - sum_c r_c^2) / N

|u-alpha collapses l to ∅ versus unit: l_00, l_01 = l_10 = r_0 - l_00 and l_11 =
l.. - r_0 - l_01, and e alike: e_01 = e_10 = sum_{k>0} r_0 r_k / N = r_0 (l.. - r_0) / N
(:func:`binary_alpha`, which the per-code 2 x 2 matrices use too):

    |u-alpha:  D_o = 2 l_01                D_e = 2 r_0 r_1 / N,  r_1 = l_01 + l_11

The cu matrices drop the ∅ row and column: l*_ck = l_ck for c, k > 0, with row sums
r*_c = r_c - l_c0 = r_c - l_0c (by symmetry), diagonal l_cc, l*.. = sum_{c>0} r*_c,
S* = sum_{c>0} S*_c and N* = l*.. - S* / l*..:

    cu-alpha:  D_o = l*.. - sum_{c>0} l_cc    D_e = (l*..^2 - sum_{c>0} r*_c^2) / N*
    (k)u-alpha: l*_.k = r*_k, e*_.k = (r*_k l*.. - S*_k) / N*, e*_kk = (r*_k^2 - S*_k) / N*

:func:`section_tallies` gathers these per block straight from the coders' sections (as
:mod:`~qcode.agreement.unitized_sparse` triplets), never making l itself;
``tests/agreement/test_unitized_sparse.py`` checks them against the dense matrices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qcode.agreement import unitized_2004 as u04
from qcode.agreement.unitized_data import GAP, Partition, block_of, overlay
from qcode.agreement.unitized_sparse import Triplets, aggregate

#: the weights of :func:`section_tallies`' triplets, in order
VALUE_STATS = ("rows", "gap", "diag", "star")
#: what :func:`code_tallies` keeps of one code (binary: the code or not): o_00, o_01
#: (= o_10) and o_11 of its 2 x 2 matrix x (m - 1), S_0 and S_1, and the 2004 summed d2
CODE_STATS = ("o00", "o01", "o11", "s0", "s1", "d2")


@dataclass(frozen=True)
class Tallies:
    """The sufficient statistics of (N) coincidence matrices over W values, value 0 the
    gap (module docstring): each (N, W) but ``s`` (N,). Observed sums are of ordered
    coder pairs, not yet divided by m - 1 (integers: exact in any order)."""

    rows: np.ndarray   # r_c (m - 1): row (= column) sums
    gap: np.ndarray    # l_0c (m - 1): the gap row (= column)
    diag: np.ndarray   # l_cc (m - 1)
    star: np.ndarray   # S*_c
    s: np.ndarray      # S = sum_c S_c

    @classmethod
    def of(cls, stats: np.ndarray, s: np.ndarray) -> Tallies:
        """From a (N, W, 4) array of :data:`VALUE_STATS`."""
        return cls(stats[..., 0], stats[..., 1], stats[..., 2], stats[..., 3], s)


def section_tallies(parts: Sequence[Partition], blocks: np.ndarray, block_base: int,
                    ) -> tuple[Triplets, np.ndarray]:
    """One continuum's :data:`VALUE_STATS` as triplets (rows ``block_base + b``, b being
    each stretch's block, :func:`block_of` on ``blocks``; columns: values) and S per
    block, (nb,). Every block has a triplet for the gap (value 0), zero or not."""
    m = len(parts)
    nb = len(blocks)
    starts, lengths, idx = overlay(parts)
    blk = block_of(blocks, starts)
    lens = lengths.astype(float)
    vals = np.stack([p.values[idx[:, i]] for i, p in enumerate(parts)], axis=1)
    rows: list[np.ndarray] = [np.arange(nb)]
    cols: list[np.ndarray] = [np.zeros(nb, dtype=np.int64)]
    weights: list[np.ndarray] = [np.zeros((nb, 4))]

    def add(stat: int, at: np.ndarray, col: np.ndarray, w: np.ndarray) -> None:
        cell = np.zeros((len(at), 4))
        cell[:, stat] = w
        rows.append(at)
        cols.append(col)
        weights.append(cell)

    unit = vals != GAP
    s = np.zeros(nb)
    for i, p in enumerate(parts):
        # coder i's value meets each of the m - 1 others over every stretch
        add(0, blk, vals[:, i], (m - 1) * lens)
        for j in range(m):
            if j != i:
                same = vals[:, i] == vals[:, j]
                add(2, blk[same], vals[same, i], lens[same])
                gap = ~unit[:, i]
                add(1, blk[gap], vals[gap, j], lens[gap])
        keep = p.values != GAP
        unit_blk = block_of(blocks, p.starts)[keep]
        # S: a unit counts l^2 (in the block it starts in), a gap l, split by stretch
        s += np.bincount(unit_blk, weights=p.lengths[keep].astype(float) ** 2, minlength=nb)
        s += np.bincount(blk[~unit[:, i]], weights=lens[~unit[:, i]], minlength=nb)
        others = (unit[:, [j for j in range(m) if j != i]].any(axis=1)
                  if m > 1 else np.zeros(len(starts), dtype=bool))
        pair = unit[:, i] & others
        p_len = np.bincount(idx[pair, i], weights=lengths[pair], minlength=len(p.lengths))
        add(3, unit_blk, p.values[keep], p_len[keep] ** 2)
    t = aggregate(np.concatenate(rows), np.concatenate(cols), np.concatenate(weights))
    return Triplets(t.row + block_base, t.col, t.w), s


def code_tallies(parts: Sequence[Partition], blocks: np.ndarray,
                 lay: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """One code's :data:`CODE_STATS` per block of one continuum, (nb, 6), from the coders'
    binary partitions (value 1: the code) and their ``lay`` (:func:`overlay`). A stretch
    counts in the block it starts in: a unit of the code lies in one block, but a stretch
    where every coder has a gap for the code may run over several blocks (those of other
    codes' units), and is drawn with the block it starts in."""
    m = len(parts)
    nb = len(blocks)
    starts, lengths, idx = lay
    blk = block_of(blocks, starts)
    lens = lengths.astype(float)
    vals = np.stack([p.values[idx[:, i]] for i, p in enumerate(parts)], axis=1)
    out = np.zeros((nb, len(CODE_STATS)))
    for i in range(m):
        for j in range(m):
            if i != j:
                for stat, (a, b) in enumerate(((0, 0), (0, 1), (1, 1))):
                    hit = (vals[:, i] == a) & (vals[:, j] == b)
                    out[:, stat] += np.bincount(blk[hit], weights=lens[hit], minlength=nb)
    for i, p in enumerate(parts):
        gap = vals[:, i] == GAP
        out[:, 3] += np.bincount(blk[gap], weights=lens[gap], minlength=nb)
        keep = p.values != GAP
        out[:, 4] += np.bincount(block_of(blocks, p.starts)[keep],
                                 weights=p.lengths[keep].astype(float) ** 2, minlength=nb)
    d2 = np.zeros((nb, 1))
    u04.observed_sum(parts, blocks, 0, d2, 0, lay)
    out[:, 5] = d2[:, 0]
    return out


def absent_code(nb: int, length: int, m: int) -> np.ndarray:
    """:func:`code_tallies` of a code no coder used in a continuum of ``nb`` blocks: one
    gap per coder, starting in block 0."""
    out = np.zeros((nb, len(CODE_STATS)))
    out[0, 0] = m * (m - 1) * length
    out[0, 3] = m * length
    return out


def _alpha(d_o: np.ndarray, d_e: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 - d_o / d_e
    # D_e infinite: N = 0 (S = l..^2, a single unit of one value at most), no value
    return np.where((d_e > 1e-12) & np.isfinite(d_e), out, np.nan)


def _expected_denominator(total: np.ndarray, s: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return total - s / total


def u_alpha(t: Tallies, m: int) -> np.ndarray:
    """u-alpha over every value (∅ included): D_o = l.. - sum l_cc, D_e = (l..^2 - sum
    r_c^2) / (l.. - S / l..); one value per row."""
    r = t.rows / (m - 1)
    total = r.sum(axis=1)
    d_o = total - t.diag.sum(axis=1) / (m - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_e = (total ** 2 - (r ** 2).sum(axis=1)) / _expected_denominator(total, t.s)
    return _alpha(d_o, d_e)


def binary_alpha(l00: np.ndarray, l01: np.ndarray, l11: np.ndarray,
                 s: np.ndarray) -> np.ndarray:
    """u-alpha of 2 x 2 matrices [[l00, l01], [l01, l11]] with S = ``s``: D_o = 2 l_01,
    D_e = 2 r_0 r_1 / (l.. - S / l..) (any shape, elementwise)."""
    total = l00 + 2 * l01 + l11
    with np.errstate(divide="ignore", invalid="ignore"):
        d_e = 2 * (l00 + l01) * (l01 + l11) / _expected_denominator(total, s)
    return _alpha(2 * l01, d_e)


def binary_u_alpha(t: Tallies, m: int) -> np.ndarray:
    """|u-alpha: u-alpha on the matrices collapsed to ∅ / unit."""
    r0 = t.rows[:, 0] / (m - 1)
    l00 = t.diag[:, 0] / (m - 1)
    l01 = r0 - l00
    l11 = t.rows.sum(axis=1) / (m - 1) - r0 - l01
    return binary_alpha(l00, l01, l11, t.s)


def _cu(t: Tallies, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """r*_c (c > 0), l*.. and N*."""
    r = (t.rows[:, 1:] - t.gap[:, 1:]) / (m - 1)
    total = r.sum(axis=1)
    return r, total, _expected_denominator(total, t.star[:, 1:].sum(axis=1))


def cu_alpha(t: Tallies, m: int) -> np.ndarray:
    """cu-alpha: agreement on the codes where both coders marked units."""
    r, total, denom = _cu(t, m)
    d_o = total - t.diag[:, 1:].sum(axis=1) / (m - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_e = (total ** 2 - (r ** 2).sum(axis=1)) / denom
    return _alpha(d_o, d_e)


def k_u_alpha(t: Tallies, m: int) -> np.ndarray:
    """(k)u-alpha for every value k > 0 (shape (N, W - 1), value positions 1...)."""
    r, total, denom = _cu(t, m)
    star = t.star[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = (r - t.diag[:, 1:] / (m - 1)) / r
        e_col = (r * total[:, None] - star) / denom[:, None]
        e_kk = (r ** 2 - star) / denom[:, None]
        d_e = (e_col - e_kk) / e_col
        out = 1.0 - d_o / d_e
    # e*_.k = 0 (S*_k = r*_k l*..: possible where N* < 0 on tiny data) leaves D_e without
    # a value; its sign would be that of a rounded zero
    out[~((d_e > 1e-12) & (r > 0) & (e_col != 0))] = np.nan
    return out


def why_undefined(t: Tallies, row: int, name: str) -> str:
    """Why a coefficient of row ``row`` is undefined, in words."""
    if name in ("u_alpha", "binary_u_alpha"):
        if t.rows[row, 1:].sum() == 0:
            return "no coder marked any unit"
        return "no expected disagreement (every position has the same value for everyone)"
    if (t.rows[row, 1:] - t.gap[row, 1:]).sum() == 0:
        return "no stretch where two coders both marked units"
    if name == "cu_alpha":
        return "the overlapping units all carry one code (no variation in coding)"
    return "no expected disagreement"

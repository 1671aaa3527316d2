"""Krippendorff's alpha_U for unitized continua, as in *Content Analysis*, 2nd ed. (2004),
section 12.4 (and Krippendorff 1995, *Sociological Methodology* 25:47-76).

Per category c, every coder's continuum of length L is a sequence of sections g with
begin b_g, length l_g, and w_g = 1 for a unit of c, 0 for a gap (anything not coded c).
For two coders' sections g, h the squared distance is

    d2(g, h) = (b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2   both units, overlapping
             = l_g^2                                       g a unit inside the gap h
             = l_h^2                                       h a unit inside the gap g
             = 0                                           otherwise

    cD_o = sum_i sum_{j != i} sum_g sum_h d2(g_i, h_j) / (m (m - 1) L^2)

    cD_e = (2 / L) sum_i sum_g w_ig [ (N_c - 1)(2 l^3 - 3 l^2 + l) / 3
                                          + l^2 sum_j sum_h (1 - w_jh)(l_jh - l + 1)
                                                [l_jh >= l] ]
           / [ m L (m L - 1) - sum_i sum_g w_ig l_ig (l_ig - 1) ]

with l = l_ig and N_c the number of units of c over all coders (Krippendorff 2004,
pp. 251-254). Then cα_U = 1 - cD_o / cD_e, and over all categories
α_U = 1 - sum_c cD_o / sum_c cD_e (p. 254).

The leading factor is 2/L, as DKPro Statistics' ``KrippendorffAlphaUnitizingAgreement``
computes it: with it the book's example (p. 254) gives its cD_e = .0532 and α_U = .859;
with 2/(mL) cD_e would be half that (see ``tests/agreement/test_unitized_published.py``).
Krippendorff (1995) printed (l_ik + l_hj + 1) where 2004 has (l_jh - l_ig + 1) (noted in
DKPro's transcription of the 1995 examples); the 2004 form is used.

Pooled over documents the units and gaps of all documents are put together (each
document's sections stay apart) with L the sum of their lengths.

**No variation.** When every coder marks the whole continuum with c as one unit (each
coder's continuum is a single unit of length L, no gap), the formula above still gives
cD_e > 0, so cD_o = 0 would read as cα_U = 1.
That value is an artefact: the term (N_c - 1)(2 l^3 - 3 l^2 + l) / 3 is half the sum of
d2 over every shift k = -(l-1)..l-1 of one unit of length l against another, i.e. it
assumes the units could lie elsewhere on the continuum; a unit of length L has nowhere
else to lie, and every random arrangement of each coder's sections is the one observed,
so the disagreement expected by chance is 0. (Units that tile the continuum without a gap
but with different boundaries do vary: Krippendorff's 1995 example D, all of it units,
has D_e = .414.) qcode therefore takes cD_e = 0 there, and
cα_U is undefined (n/a, "no variation"), as Krippendorff's alpha is undefined without
variation everywhere else in qcode (:mod:`qcode.agreement.alpha` raises for D_e = 0) and as
the 2016 coefficients are on the same data. Such a category adds nothing to the sums of
α_U over categories (its cD_o is 0 too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qcode.agreement.unitized_data import GAP, Partition, block_of, overlay


@dataclass
class Sections2004:
    """What cD_e needs, per category, gathered over one or more continua."""

    units: list[np.ndarray]
    gaps: list[np.ndarray]

    def add(self, parts: Sequence[Partition]) -> None:
        for p in parts:
            lens = p.lengths
            self.units.append(lens[p.values != GAP])
            self.gaps.append(lens[p.values == GAP])


def observed_sum(parts: Sequence[Partition], blocks: np.ndarray, block_base: int,
                 out: np.ndarray, col: int,
                 lay: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> None:
    """sum_i sum_{j != i} sum_g sum_h d2(g_i, h_j) of one continuum and category, added to
    ``out[block_base + block, col]`` by the block each overlapping pair lies in. ``lay``:
    the overlay of two coders' ``parts``, when the caller has it already."""
    m = len(parts)
    for i in range(m):
        for j in range(i + 1, m):
            a, b = parts[i], parts[j]
            starts, _, idx = lay if (lay is not None and m == 2) else overlay([a, b])
            ga, gb = idx[:, 0], idx[:, 1]
            ua, ub = a.values[ga] != GAP, b.values[gb] != GAP
            sa, ea, sb, eb = a.starts[ga], a.ends[ga], b.starts[gb], b.ends[gb]
            d2 = np.zeros(len(starts))
            both = ua & ub
            d2[both] = ((sa - sb) ** 2 + (ea - eb) ** 2)[both]
            inside_b = ua & ~ub & (sb <= sa) & (ea <= eb)
            d2[inside_b] = ((ea - sa) ** 2)[inside_b]
            inside_a = ub & ~ua & (sa <= sb) & (eb <= ea)
            d2[inside_a] = ((eb - sb) ** 2)[inside_a]
            # ordered pairs (i, j) and (j, i) give the same d2
            nb = len(blocks)
            out[block_base:block_base + nb, col] += np.bincount(
                block_of(blocks, starts), weights=2.0 * d2, minlength=nb)


def expected_disagreement(sec: Sections2004, m: int, length: int) -> float:
    """cD_e of Krippendorff (2004, p. 253) for the gathered units and gaps: NaN when there
    is no unit of the category, 0 when each coder's continuum is one unit of it (no
    variation; module docstring)."""
    units = np.concatenate(sec.units).astype(float) if sec.units else np.zeros(0)
    gaps = np.concatenate(sec.gaps).astype(float) if sec.gaps else np.zeros(0)
    return expected_of(units, gaps, m, length, all(u.size == 1 for u in sec.units))


def expected_of(units: np.ndarray, gaps: np.ndarray, m: int, length: int,
                one_unit_each: bool) -> float:
    """cD_e (:func:`expected_disagreement`) of the unit lengths ``units`` (in their order)
    and gap lengths ``gaps`` (any order) of every coder; ``one_unit_each``: whether each
    coder's continuum (each continuum's) holds exactly one unit."""
    gaps = np.sort(gaps.astype(float))
    units = units.astype(float)
    n_c = units.size
    if n_c == 0:
        return float("nan")
    if not gaps.sum() > 0 and one_unit_each:
        # no variation: each coder's continuum is one unit (see the module docstring)
        return 0.0
    f = (2 * units ** 3 - 3 * units ** 2 + units) / 3.0
    # sum over gaps at least as long as the unit of (gap - l + 1)
    suffix_sum = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    first = np.searchsorted(gaps, units, side="left")
    count = gaps.size - first
    cross = units ** 2 * (suffix_sum[first] - (units - 1.0) * count)
    ml = float(m * length)
    denom = ml * (ml - 1.0) - float((units * (units - 1.0)).sum())
    return float((2.0 / length) * ((n_c - 1) * f.sum() + cross.sum()) / denom)


@dataclass(frozen=True)
class SectionTable:
    """Every coder's sections of every category in many continua, flat (binary: a unit
    of the category or a gap), in order of continuum, then coder, then category, a
    category's sections in order: what cD_e needs of each continuum and category."""

    doc: np.ndarray     # (n,) int64: the continuum
    coder: np.ndarray   # (n,) int64
    code: np.ndarray    # (n,) int64: the category
    length: np.ndarray  # (n,) int64
    unit: np.ndarray    # (n,) bool: a unit (else a gap)

    @classmethod
    def joined(cls, tables: Sequence[SectionTable]) -> SectionTable:
        """The tables one after the other."""
        return cls(*(np.concatenate([getattr(t, f) for t in tables]) if tables
                     else np.zeros(0, dtype=bool if f == "unit" else np.int64)
                     for f in ("doc", "coder", "code", "length", "unit")))

    def pooled(self, k: int, m: int, length: int) -> float:
        """cD_e of category ``k`` over every continuum, of total ``length`` (units in the
        order of continuum, coder and position, as :func:`expected_disagreement` of the
        continua's :class:`Sections2004` put together)."""
        mine = self.code == k
        units = self.length[mine & self.unit]
        gaps = self.length[mine & ~self.unit]
        n_docs = int(self.doc.max()) + 1 if self.doc.size else 0
        per = np.bincount(self.doc[mine & self.unit] * m + self.coder[mine & self.unit],
                          minlength=n_docs * m)
        return expected_of(units, gaps, m, length, bool((per == 1).all()))

    def by_continuum(self, m: int, lengths: np.ndarray, n_codes: int) -> np.ndarray:
        """cD_e of every continuum (of ``lengths``) and category, (D, C): the formula of
        :func:`expected_of` for all of them at once.

        Its sums (of f(l), of the cross terms and of l (l - 1)) are sums of integers; where
        each is below 2**50 every partial sum is exact, so summed per group here they
        equal the pairwise sums of :func:`expected_of` to the bit. Groups past that (units
        of tens of thousands of positions) are computed by :func:`expected_of` itself."""
        n_docs = len(lengths)
        n_groups = n_docs * n_codes
        group = self.doc * n_codes + self.code
        u_at = np.flatnonzero(self.unit)
        g_at = np.flatnonzero(~self.unit)
        ug, units = group[u_at], self.length[u_at].astype(float)
        gg, gaps = group[g_at], self.length[g_at]
        # every group's gaps sorted; for each unit, the count and sum of its group's
        # gaps at least as long as it
        span = int(self.length.max()) + 2 if self.length.size else 2
        keys = np.sort(gg * span + gaps)
        cum = np.concatenate([[0.0], np.cumsum((keys % span).astype(float))])
        exact = cum[-1] < 2.0 ** 50  # so the differences of ``cum`` are exact too
        first = np.searchsorted(keys, ug * span + units.astype(np.int64), side="left")
        last = np.searchsorted(keys, (ug + 1) * span, side="left")
        count = last - first
        cross = units ** 2 * ((cum[last] - cum[first]) - (units - 1.0) * count)
        f = (2 * units ** 3 - 3 * units ** 2 + units) / 3.0
        n_c = np.bincount(ug, minlength=n_groups).astype(float)
        f_sum = np.bincount(ug, f, n_groups)
        cross_sum = np.bincount(ug, cross, n_groups)
        lsq = np.bincount(ug, units * (units - 1.0), n_groups)
        gap_sum = np.bincount(gg, gaps.astype(float), n_groups)
        per_coder = np.bincount(ug * m + self.coder[u_at], minlength=n_groups * m)
        one_each = (per_coder.reshape(n_groups, m) == 1).all(axis=1)
        ml = np.repeat(m * lengths.astype(float), n_codes)
        length = np.repeat(lengths.astype(float), n_codes)
        with np.errstate(divide="ignore", invalid="ignore"):
            denom = ml * (ml - 1.0) - lsq
            out = (2.0 / length) * ((n_c - 1) * f_sum + cross_sum) / denom
        out[n_c == 0] = np.nan
        out[(n_c > 0) & ~(gap_sum > 0) & one_each] = 0.0
        big = np.flatnonzero((n_c > 0) & ((np.maximum(np.maximum(f_sum, cross_sum), lsq)
                                           >= 2.0 ** 50) | (not exact)))
        for g in big:
            mine = group == g
            out[g] = expected_of(self.length[mine & self.unit], self.length[mine & ~self.unit],
                                 m, int(lengths[g // n_codes]), bool(one_each[g]))
        return out.reshape(n_docs, n_codes)


def observed_disagreement(total: float, m: int, length: int) -> float:
    """cD_o from the summed d2 of all ordered coder pairs."""
    return total / (m * (m - 1) * float(length) ** 2)


def alpha(d_o: float, d_e: float) -> float:
    """1 - D_o / D_e; NaN when D_e is 0 or undefined."""
    if not d_e > 0:
        return float("nan")
    return 1.0 - d_o / d_e

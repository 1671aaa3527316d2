"""Bootstrap intervals for the unitized coefficients.

**What is resampled.** The documents, when there are two or more: a study samples
documents (interviews) from a population, and the codings inside one document depend on
each other (a coder who splits a passage in two changes two units), so the document is
the independent unit and is resampled whole: the cluster bootstrap of Davison & Hinkley
(1997, *Bootstrap Methods and their Application*, section 3.8; Field & Welsh 2007,
*JRSS B* 69:369-390). One continuum has no such units; then its **blocks** are resampled:
each maximal stretch where some coder marked a unit, and each stretch every coder left
uncoded (:func:`~qcode.agreement.unitized_data.block_starts`). Two blocks share no unit,
so they are the smallest pieces that can be drawn without cutting a unit. Krippendorff
et al. (2016) draw their intervals from the coincidences of one continuum; resampling
whole documents or blocks keeps every unit's positions together, which drawing single
coincidences would not.

**How.** Each replicate draws as many documents (blocks) as there are, with replacement
(B multinomial draws, ``numpy.random.Generator`` PCG64, reproducible with a seed). The
2016 coefficients are sums over sections, so a replicate's statistics are the counts times
the per-document statistics (one matrix product for all B replicates), and both D_o and
D_e are recomputed. The 2004 coefficient's D_e is not a sum over documents (it pairs
every unit with every gap of the continuum); as in Hayes & Krippendorff's (2007)
bootstrap of alpha it is kept at its value in the data, and D_o (a sum) is resampled.
**Per document** (:func:`draw_within`), each document of a study also gets intervals of
its own: its blocks are resampled as for a study of that one document.
A replicate's sums are O(V) vectors (:class:`~qcode.agreement.unitized_2016.Tallies`),
``counts @ units`` over the units' sparse statistics (:class:`Units`). The interval is
the percentile interval of the defined replicates; P(alpha < .667) and
P(alpha < .800) are the shares of replicates below those values (Krippendorff 2004:
.800 reliable, .667 the lowest for tentative conclusions).

**Few units.** An interval resting on fewer than :data:`FEW_UNITS` (10) resampled units
(documents pooled, or blocks of one document) is flagged in the output. The percentile
interval is a large-sample method: with n units the bootstrap distribution is discrete
(at most C(2n-1, n) distinct resamples: 126 for n = 5, 1,716 for n = 7, 92,378 for
n = 10; up to n = 6 a thousand replicates repeat a few hundred values), each replicate
leaves out about (1 - 1/n)^n of the units (a quarter to a third of them), and the plug-in
variance it mimics is too small by the factor (n - 1)/n (by over 10% below n = 10).
Efron & Tibshirani (1993, *An Introduction to the Bootstrap*, ch. 13-14) discuss the
percentile interval's coverage falling short of its nominal level in small samples (the
reason for their BCa interval); with a handful of blocks an interval can lie almost
wholly on one side of its point value (one block with a long disagreement, drawn more or
less often, moves every replicate). 10 is a judgement, not a theorem: from
there on the variance falls short by at most 10% and a thousand replicates are nearly all
distinct resamples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from qcode.agreement import unitized_2016 as u16
from qcode.agreement.bootstrap import THRESHOLDS, below, percentile_interval
from qcode.agreement.unitized_sparse import Triplets, dense, product

#: intervals from fewer resampled units than this (documents, or blocks of one document)
#: are flagged as resting on few units (module docstring, "Few units")
FEW_UNITS = 10


@dataclass(frozen=True)
class Value:
    """One coefficient value: None with a reason when it cannot be computed; the
    interval and threshold probabilities when bootstrapped."""

    value: float | None
    reason: str | None = None
    ci: tuple[float, float] | None = None
    p_below_667: float | None = None
    p_below_800: float | None = None


@dataclass(frozen=True)
class Replicates:
    """Sums over blocks, one row per replicate (or per document, or one row pooled): the
    2016 family's :class:`~qcode.agreement.unitized_2016.Tallies` over W values, each
    code's :data:`~qcode.agreement.unitized_2016.CODE_STATS` and the length."""

    tallies: u16.Tallies  # (N, W) each, S (N,)
    codes: np.ndarray     # (N, C, 6)
    length: np.ndarray    # (N,)

    def coefficients(self, de: np.ndarray, m: int) -> dict[str, np.ndarray]:
        """Each coefficient's N values (``NAME``) and per code ``(N, C)`` (``NAME_by``;
        ``k_u_alpha_by``: per value position 1... of the tallies, ``(N, W - 1)``);
        ``de``: the 2004 D_e per code, ``(C,)`` for every row or ``(N, C)`` row by row."""
        t = self.tallies
        out = {"u_alpha": u16.u_alpha(t, m), "binary_u_alpha": u16.binary_u_alpha(t, m),
               "cu_alpha": u16.cu_alpha(t, m), "k_u_alpha_by": u16.k_u_alpha(t, m)}
        c = self.codes
        by = u16.binary_alpha(c[..., 0] / (m - 1), c[..., 1] / (m - 1), c[..., 2] / (m - 1),
                              c[..., 3] + c[..., 4])
        out["u_alpha_by"] = by
        out["binary_u_alpha_by"] = by
        with np.errstate(divide="ignore", invalid="ignore"):
            do = c[..., 5] / (m * (m - 1) * self.length[:, None] ** 2)
            out["alpha_u_2004_by"] = np.where(de > 0, 1.0 - do / de, np.nan)
            ok = np.isfinite(de) & np.isfinite(do)
            d_o = np.where(ok, do, 0.0).sum(axis=-1)
            d_e = np.where(ok, de, 0.0).sum(axis=-1)
            out["alpha_u_2004"] = np.where(d_e > 0, 1.0 - d_o / d_e, np.nan)
        return out

    def padded(self, width: int) -> Replicates:
        """The same rows over ``width`` value positions (the new ones all zero)."""
        t = self.tallies
        more = width - t.rows.shape[1]
        rows, gap, diag, star = (np.pad(a, ((0, 0), (0, more)))
                                 for a in (t.rows, t.gap, t.diag, t.star))
        return Replicates(u16.Tallies(rows, gap, diag, star, t.s), self.codes, self.length)


def stacked(reps: Sequence[Replicates]) -> Replicates:
    """Rows of several replicates of the same width, one after the other."""
    rows, gap, diag, star, s = (np.concatenate([getattr(r.tallies, f) for r in reps])
                                for f in ("rows", "gap", "diag", "star", "s"))
    t = u16.Tallies(rows, gap, diag, star, s)
    return Replicates(t, np.concatenate([r.codes for r in reps]),
                      np.concatenate([r.length for r in reps]))


@dataclass(frozen=True)
class Units:
    """What is resampled: n units (documents, or blocks), each with its value statistics
    (:data:`~qcode.agreement.unitized_2016.VALUE_STATS` triplets, value positions below
    ``width``), S, its codes' :data:`~qcode.agreement.unitized_2016.CODE_STATS` and its
    length."""

    values: Triplets
    width: int
    s: np.ndarray       # (n,)
    codes: np.ndarray   # (n, C, 6)
    length: np.ndarray  # (n,)

    def drawn(self, counts: np.ndarray, m: int) -> Replicates:
        """The sums of the units drawn ``counts`` times, (N, n) -> N rows."""
        stats = product(counts, self.values, self.width)
        n = len(self.length)
        codes = (counts @ self.codes.reshape(n, -1)).reshape(len(counts), *self.codes.shape[1:])
        return Replicates(u16.Tallies.of(stats, counts @ self.s), codes, counts @ self.length)

    def each(self) -> Replicates:
        """Every unit its own row (dense over ``width``: select a few first)."""
        stats = dense(self.values, len(self.length), self.width)
        return Replicates(u16.Tallies.of(stats, self.s), self.codes, self.length)

    def select(self, lo: int, hi: int) -> Units:
        """Units ``lo`` to ``hi - 1``."""
        return Units(self.values.rows(lo, hi), self.width, self.s[lo:hi], self.codes[lo:hi],
                     self.length[lo:hi])


def draw(units: Units, m: int, n_boot: int,
         seed: int | np.random.Generator | None) -> Replicates:
    """B replicates, each drawing as many units as there are with replacement (one
    multinomial draw each)."""
    rng = np.random.default_rng(seed)
    n = len(units.length)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    return units.drawn(counts, m)


def summarise(v: Value, samples: np.ndarray, ci: float) -> Value:
    """The value with its percentile interval and threshold probabilities."""
    samples = samples.astype(float)
    samples = np.where(np.isfinite(samples), samples, np.nan)
    interval = percentile_interval(samples, ci)
    if interval is None:
        return v
    lo, hi = THRESHOLDS
    return replace(v, ci=interval, p_below_667=below(samples, lo),
                   p_below_800=below(samples, hi))


def draw_within(units: Units, m: int, n_boot: int, rng: np.random.Generator) -> Replicates:
    """B replicates of one document on its own: its blocks (``units``) drawn with
    replacement, as many as it has.

    The B replicates draw B x n uniform block indices, counted per replicate by one
    ``bincount`` (the same distribution as a multinomial draw, and cheaper for many
    small documents)."""
    n = len(units.length)
    picks = rng.integers(0, n, size=(n_boot, n)) + np.arange(n_boot)[:, None] * n
    counts = np.bincount(picks.ravel(), minlength=n_boot * n).reshape(n_boot, n)
    return units.drawn(counts.astype(float), m)


@dataclass(frozen=True)
class Summaries:
    """Percentile intervals and threshold probabilities of many sets of replicates at
    once (the replicates on axis 1); NaN where a set has no defined replicate."""

    low: np.ndarray
    high: np.ndarray
    p_667: np.ndarray
    p_800: np.ndarray

    def value(self, v: Value, at: tuple[int, ...]) -> Value:
        """``v`` with the interval and probabilities at index ``at`` (as :func:`summarise`)."""
        if v.value is None or not np.isfinite(self.low[at]):
            return v
        return replace(v, ci=(float(self.low[at]), float(self.high[at])),
                       p_below_667=float(self.p_667[at]), p_below_800=float(self.p_800[at]))


def summaries(samples: np.ndarray, ci: float) -> Summaries:
    """:func:`summarise` batched: ``samples`` of shape (N, B, ...) give (N, ...) results.

    Sets without an undefined replicate take their quantiles in one call; the others
    without their NaNs, as ``numpy.nanquantile`` does (which calls Python for every set),
    all at once (:func:`_sorted_quantile`); sets without a defined replicate none."""
    x = np.where(np.isfinite(samples), samples, np.nan)
    defined = (~np.isnan(x)).sum(axis=1)
    levels = [(1 - ci) / 2, (1 + ci) / 2]
    sets = np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
    n = defined.reshape(-1)
    lo = np.full(len(sets), np.nan)
    hi = np.full(len(sets), np.nan)
    full = n == x.shape[1]
    if full.any():
        lo[full], hi[full] = np.quantile(sets[full], levels, axis=1)
    some = np.flatnonzero((n > 0) & ~full)
    if some.size:
        ordered = np.sort(sets[some], axis=1)  # the NaNs last
        lo[some], hi[some] = (_sorted_quantile(ordered, n[some], q) for q in levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = [np.where(defined > 0, (x < t).sum(axis=1) / defined, np.nan) for t in THRESHOLDS]
    return Summaries(lo.reshape(defined.shape), hi.reshape(defined.shape), p[0], p[1])


def _sorted_quantile(ordered: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    """The q quantile of each row's first ``n`` values (rows sorted), as
    ``numpy.quantile``'s default (linear) method computes it, step by step (numpy 1.26
    ``_quantile``: virtual index (n - 1) q, its neighbours, and ``_lerp``), so the same
    floating-point result."""
    virtual = (n - 1) * q
    prev = np.floor(virtual)
    nxt = prev + 1
    above = virtual >= n - 1
    prev[above] = -1
    nxt[above] = -1
    below = virtual < 0
    prev[below] = 0
    nxt[below] = 0
    gamma = virtual - prev
    rows = np.arange(len(ordered))
    a = ordered[rows, np.where(prev < 0, n - 1, prev).astype(np.intp)]
    b = ordered[rows, np.where(nxt < 0, n - 1, nxt).astype(np.intp)]
    diff = b - a
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)

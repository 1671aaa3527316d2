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
2016 coefficients are sums over sections, so a replicate's matrices are the counts times
the per-document matrices (one matrix product for all B replicates), and both D_o and
D_e are recomputed. The 2004 coefficient's D_e is not a sum over documents (it pairs
every unit with every gap of the continuum); as in Hayes & Krippendorff's (2007)
bootstrap of alpha it is kept at its value in the data, and D_o (a sum) is resampled.
**Per document** (:func:`draw_within`), each document of a study also gets intervals of
its own: its blocks are resampled as for a study of that one document. The interval is
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

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from qcode.agreement import unitized_2016 as u16
from qcode.agreement.bootstrap import THRESHOLDS, below, percentile_interval

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


@dataclass
class Replicates:
    """Sums over blocks, one row per replicate (or per document, or one row pooled)."""

    o: np.ndarray      # (B, V, V)
    s: np.ndarray      # (B, V)
    star: np.ndarray   # (B, V)
    ob: np.ndarray     # (B, C, 2, 2)
    sb: np.ndarray     # (B, C, 2)
    d2: np.ndarray     # (B, C)
    length: np.ndarray  # (B,)

    def coefficients(self, de: np.ndarray, m: int) -> dict[str, np.ndarray]:
        """Each coefficient's B values (``NAME``) and per code ``(B, C)`` (``NAME_by``);
        ``de``: the 2004 D_e per code, ``(C,)`` for every row or ``(B, C)`` row by row."""
        lmat = self.o / (m - 1)
        u, binary = u16.u_and_binary_u_alpha(lmat, self.s)
        out = {"u_alpha": u, "binary_u_alpha": binary,
               "cu_alpha": u16.cu_alpha(lmat, self.star),
               "k_u_alpha_by": u16.k_u_alpha(lmat, self.star)}
        n_codes = self.ob.shape[1]
        ob = self.ob / (m - 1)
        # every code's 2 x 2 matrices at once, as rows of one batch
        by = u16.binary_u_alpha(ob.reshape(-1, 2, 2), self.sb.reshape(-1, 2)).reshape(
            lmat.shape[0], n_codes)
        out["u_alpha_by"] = by
        out["binary_u_alpha_by"] = by
        with np.errstate(divide="ignore", invalid="ignore"):
            do = self.d2 / (m * (m - 1) * self.length[:, None] ** 2)
            out["alpha_u_2004_by"] = np.where(de > 0, 1.0 - do / de, np.nan)
            ok = np.isfinite(de) & np.isfinite(do)
            d_o = np.where(ok, do, 0.0).sum(axis=-1)
            d_e = np.where(ok, de, 0.0).sum(axis=-1)
            out["alpha_u_2004"] = np.where(d_e > 0, 1.0 - d_o / d_e, np.nan)
        return out


def draw(o: np.ndarray, s: np.ndarray, star: np.ndarray, ob: np.ndarray, sb: np.ndarray,
         d2: np.ndarray, length: np.ndarray, doc: np.ndarray, n_boot: int,
         seed: int | np.random.Generator | None) -> tuple[Replicates, str, int]:
    """B replicates of the per-block sums (rows of every array), resampling documents when
    ``doc`` names two or more, else the blocks; returns them, what was resampled and how
    many units there were to draw from."""
    rng = np.random.default_rng(seed)
    arrays: tuple[np.ndarray, ...] = (o, s, star, ob, sb, d2, length)
    n_docs = int(doc.max()) + 1 if doc.size else 0
    if n_docs >= 2:
        arrays = tuple(by_doc(a, doc, n_docs) for a in arrays)
        what, n = "documents", n_docs
    else:
        what, n = "blocks", len(length)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    summed = [(counts @ a.reshape(n, -1)).reshape((n_boot, *a.shape[1:])) for a in arrays]
    return Replicates(*summed), what, n


def by_doc(a: np.ndarray, doc: np.ndarray, n_docs: int) -> np.ndarray:
    """Rows summed per document (``doc``: the document index of each row)."""
    out = np.zeros((n_docs, *a.shape[1:]))
    np.add.at(out, doc, a)
    return out


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


def draw_within(arrays: tuple[np.ndarray, ...], doc: np.ndarray, docs: Sequence[int],
                n_boot: int, rng: np.random.Generator) -> Replicates:
    """B replicates of each document in ``docs`` on its own: the document's blocks (its
    rows of ``arrays``, ``doc`` giving each row's document) drawn with replacement, as many
    as it has. Rows of the result: document by document, B each (``len(docs) * B``).

    A document's B replicates draw B x n uniform block indices, counted per replicate by
    one ``bincount`` (the same distribution as a multinomial draw, and cheaper for many
    small documents)."""
    # every array's cells side by side: one matrix product per document
    widths = [int(np.prod(a.shape[1:], dtype=np.int64)) for a in arrays]
    cells = np.concatenate([a.reshape(len(doc), -1) for a in arrays], axis=1)
    summed = np.empty((len(docs) * n_boot, cells.shape[1]))
    for i, d in enumerate(docs):
        rows = np.flatnonzero(doc == d)
        n = len(rows)
        picks = rng.integers(0, n, size=(n_boot, n)) + np.arange(n_boot)[:, None] * n
        counts = np.bincount(picks.ravel(), minlength=n_boot * n).reshape(n_boot, n)
        summed[i * n_boot:(i + 1) * n_boot] = counts.astype(float) @ cells[rows]
    edges = np.cumsum([0, *widths])
    return Replicates(*(summed[:, lo:hi].reshape((len(docs) * n_boot, *a.shape[1:]))
                        for a, lo, hi in zip(arrays, edges[:-1], edges[1:], strict=True)))


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
    """:func:`summarise` batched: ``samples`` of shape (N, B, ...) give (N, ...) results."""
    x = np.where(np.isfinite(samples), samples, np.nan)
    defined = (~np.isnan(x)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN sets: NaN, as meant
        lo, hi = np.nanquantile(x, [(1 - ci) / 2, (1 + ci) / 2], axis=1)
        p = [np.where(defined > 0, (x < t).sum(axis=1) / defined, np.nan) for t in THRESHOLDS]
    return Summaries(lo, hi, p[0], p[1])

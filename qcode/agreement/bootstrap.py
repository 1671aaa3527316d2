"""Bootstrap confidence intervals, vectorised over replicates.

Two methods, both reproducible with a seed (``numpy.random.Generator``, PCG64):

- **Units** (every coefficient but alpha): resample the n units with replacement B times and
  recompute the coefficient; the interval is the percentile interval of the replicates
  (Efron & Tibshirani 1993, ch. 13). Units are grouped into rating patterns
  (:mod:`qcode.agreement.tally`), so a replicate is a multinomial draw of n over the
  patterns' frequencies, and all B replicates are evaluated at once as a ``(B, P)`` matrix.
  Replicates where the coefficient is undefined (chance agreement 1) are left out.
- **Alpha** (Hayes & Krippendorff 2007, *Communication Methods and Measures* 1:77-89;
  Krippendorff's "Algorithm for bootstrapping a distribution of alpha", 2006/2011): keep
  D_e fixed and resample pairs of pairable values from the coincidence matrix. Cells
  c <= k are drawn with probability o_cc/n.. (diagonal) or 2 o_ck/n.. (off-diagonal); each
  replicate draws M pairs and gives alpha_b = 1 - (sum of drawn delta) / (M D_e), floored
  at -1. M is the number of pairs of values in the data, sum_u m_u (m_u - 1) / 2, as in
  Hayes & Krippendorff's example; Krippendorff's algorithm also caps M at 25 Q (Q = the
  non-zero cells of o) as "a practical limit" for the computers of 2006. qcode draws the
  M pairs of each replicate as one multinomial, whose cost does not grow with M, so it
  keeps all M (with the cap, intervals on large data are several times too wide). A
  replicate whose pairs all fall in one diagonal cell has no variation; as Krippendorff
  prescribes it counts as alpha = 0. The interval is the percentile interval, and the
  probabilities that alpha falls below .667 and .800 are the shares of replicates below.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from qcode.agreement.tally import UnitTally

#: Krippendorff's (2004, 2019) thresholds: >= .800 reliable, >= .667 tentative conclusions
THRESHOLDS = (0.667, 0.800)
MULTINOMIAL_MAX_PATTERNS = 5000
_CHUNK_CELLS = 4_000_000


def generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A PCG64 generator from a seed (a Generator is passed through)."""
    return np.random.default_rng(seed)


def resampled_multiplicities(tally: UnitTally, n_boot: int, rng: np.random.Generator,
                             max_cells: int = _CHUNK_CELLS) -> Iterator[np.ndarray]:
    """Chunks of ``(b, P)`` matrices (b summing to B): how often each pattern occurs in
    each resample of the units. Few patterns: one multinomial draw per resample; many
    (about one per unit): unit indices drawn and counted per pattern, in chunks of at most
    ``max_cells`` cells so memory stays bounded."""
    mult = tally.multiplicity
    n = int(mult.sum())
    p = mult.size
    if p <= MULTINOMIAL_MAX_PATTERNS:
        yield rng.multinomial(n, mult / n, size=n_boot).astype(float)
        return
    unit_pattern = np.repeat(np.arange(p), mult.astype(np.int64))
    chunk = max(1, max_cells // max(n, p, 1))
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        draws = unit_pattern[rng.integers(0, n, size=(b, n))]
        draws += (np.arange(b) * p)[:, None]
        yield np.bincount(draws.ravel(), minlength=b * p).reshape(b, p).astype(float)


def percentile_interval(samples: np.ndarray, level: float) -> tuple[float, float] | None:
    """The (1-level)/2 and (1+level)/2 quantiles of the defined replicates."""
    ok = samples[~np.isnan(samples)]
    if ok.size == 0:
        return None
    lo, hi = np.quantile(ok, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def alpha_replicates(o: np.ndarray, delta: np.ndarray, d_e: float, n_pairs: int,
                     n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """B bootstrap values of alpha by Hayes & Krippendorff's (2007) algorithm."""
    q = o.shape[0]
    total = o.sum()
    iu = np.triu_indices(q)
    cell_p = np.where(iu[0] == iu[1], o[iu], 2.0 * o[iu]) / total
    cell_p = np.clip(cell_p, 0, None)
    cell_p /= cell_p.sum()
    # Only the cells that occur are drawn (plus the last, which takes what is left): a
    # cell of probability 0 gets no draw and uses no random numbers in numpy's
    # multinomial, so the replicates are the ones the full q (q + 1) / 2 cells give, in
    # memory for the cells that occur (with many distinct code sets, MASI, the full B x
    # cells matrix was gigabytes)
    keep = cell_p > 0
    keep[-1] = True
    cell_p = cell_p[keep]
    cell_d = delta[iu][keep]
    diagonal = (iu[0] == iu[1])[keep]
    m = max(1, int(n_pairs))
    # the draws go straight into one float matrix, a block of replicates at a time (the
    # generator gives the same replicates in blocks as all at once); the product below
    # then multiplies the same matrix numpy would have cast from one integer draw, without
    # holding both (at 2,000 transcripts, MASI: 1,000 x 11,179 cells, 89 MB each)
    draws = np.empty((n_boot, cell_p.size))
    no_variation = np.empty(n_boot, dtype=bool)
    step = max(1, _CHUNK_CELLS // cell_p.size)
    for start in range(0, n_boot, step):
        block = rng.multinomial(m, cell_p, size=min(step, n_boot - start))
        stop = start + block.shape[0]
        no_variation[start:stop] = (block[:, diagonal] == m).any(axis=1)
        draws[start:stop] = block
    alphas = 1.0 - (draws @ cell_d) / (m * d_e)
    alphas[no_variation] = 0.0
    return np.maximum(alphas, -1.0)


def pair_count(tally: UnitTally) -> int:
    """sum_u m_u (m_u - 1) / 2 over pairable units: the pairs of values in the data."""
    r = tally.rated
    return round(float((tally.multiplicity * r * (r - 1) / 2).sum()))


def below(samples: np.ndarray, threshold: float) -> float:
    ok = samples[~np.isnan(samples)]
    return float((ok < threshold).mean()) if ok.size else float("nan")

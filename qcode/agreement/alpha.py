"""Krippendorff's alpha through coincidence matrices.

Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg School for
Communication, University of Pennsylvania; Krippendorff (2019), *Content Analysis*, 4th ed.

    alpha = 1 - D_o / D_e
    o_ck  = sum_u  (number of c-k pairs of values in unit u) / (m_u - 1)     (m_u >= 2)
    n_c   = sum_k o_ck,   n.. = sum_c n_c   (the pairable values)
    e_ck  = n_c (n_k - [c = k]) / (n.. - 1)
    D_o   = sum_ck o_ck delta_ck / n..,     D_e = sum_ck e_ck delta_ck / n..

Units with fewer than two values are not pairable and drop out. delta is the metric's
distance (:mod:`qcode.agreement.distances`); with a weight matrix w, delta = 1 - w, which
makes alpha with quadratic weights equal interval alpha, as in Gwet (2014, ch. 3).

Shapes: ``o`` and ``delta`` are ``(q, q)`` over the category domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qcode.agreement import distances
from qcode.errors import InsufficientDataError, InvalidInputError

if TYPE_CHECKING:
    from qcode.agreement.ratings import Ratings
    from qcode.agreement.tally import UnitTally


def coincidences(tally: UnitTally) -> np.ndarray:
    """o_ck, summed with ``np.bincount`` over every ordered pair of coders in each pattern."""
    q = tally.q
    pats = tally.patterns
    r = tally.rated
    pairable = r >= 2
    unit_weight = np.divide(tally.multiplicity, r - 1.0, out=np.zeros_like(r),
                            where=pairable)
    m = pats.shape[1]
    flat = np.zeros(q * q)
    for a in range(m):
        xa = pats[:, a]
        for b in range(a + 1, m):
            xb = pats[:, b]
            ok = (xa >= 0) & (xb >= 0) & pairable
            if ok.any():
                flat += np.bincount(xa[ok] * q + xb[ok], weights=unit_weight[ok],
                                    minlength=q * q)
    o = flat.reshape(q, q)
    return o + o.T


def expected_coincidences(value_totals: np.ndarray) -> np.ndarray:
    """e_ck = n_c (n_k - [c = k]) / (n.. - 1)."""
    n = np.asarray(value_totals, dtype=float)
    total = n.sum()
    return (np.outer(n, n) - np.diag(n)) / (total - 1.0)


def distance_matrix(ratings: Ratings, level: str, o: np.ndarray,
                    weights: np.ndarray | None = None) -> np.ndarray:
    """delta for a level of measurement (or 1 - w for a weight matrix)."""
    if weights is not None:
        return 1.0 - np.asarray(weights, dtype=float)
    if level == "nominal":
        return distances.nominal_distance(ratings.q)
    if level == "ordinal":
        return distances.ordinal_distance(o.sum(axis=0))
    if level == "interval":
        return distances.interval_distance(ratings.numeric_values())
    if level == "ratio":
        vals = ratings.numeric_values()
        if (vals < 0).any():
            raise InvalidInputError("ratio alpha needs non-negative values")
        return distances.ratio_distance(vals)
    if level == "masi":
        if not ratings.set_valued:
            sets = [c if isinstance(c, frozenset) else frozenset([c])
                    for c in ratings.categories]
        else:
            sets = list(ratings.categories)
        return distances.masi_matrix(sets)
    raise InvalidInputError(f"unknown level {level!r}; use one of "
                            f"{', '.join(distances.LEVELS)}")


def alpha_parts(ratings: Ratings, level: str = "nominal",
                weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """(o, delta, D_e) for the data; raises InsufficientDataError when alpha is undefined."""
    o = coincidences(ratings.tally)
    n = o.sum(axis=0)
    total = n.sum()
    if total < 2:
        raise InsufficientDataError("no unit was rated by 2 or more coders; alpha needs "
                                    "pairable values")
    delta = distance_matrix(ratings, level, o, weights)
    e = expected_coincidences(n)
    d_e = float((e * delta).sum() / total)
    if d_e <= 0:
        used = np.flatnonzero(n)
        what = (f"every pairable value is {ratings.categories[used[0]]!r}"
                if used.size == 1 else "the values show no expected disagreement")
        raise InsufficientDataError(f"{what}; alpha is undefined without variation")
    return o, delta, d_e


def krippendorff_alpha(ratings: Ratings, level: str = "nominal",
                       weights: np.ndarray | None = None) -> float:
    """Krippendorff's alpha = 1 - D_o / D_e at a level of measurement or with weights.

    ``level`` is nominal, ordinal, interval, ratio or masi (set-valued ratings); ``weights``
    (a q x q agreement matrix, 1 on the diagonal) replaces the level's distance by 1 - w.
    Any number of coders; missing ratings allowed.

    >>> from qcode.agreement.ratings import Ratings
    >>> r = Ratings.from_matrix([[1, 1], [2, 2], [1, 2], [2, 2]])
    >>> round(krippendorff_alpha(r), 4)
    0.5333
    """
    o, delta, d_e = alpha_parts(ratings, level, weights)
    d_o = float((o * delta).sum() / o.sum())
    return 1.0 - d_o / d_e

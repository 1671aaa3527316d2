"""Observed agreement p_a and category propensities pi_k, shared by the kappa family.

Notation of Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., ch. 2 and 5: n units,
r coders, q categories, r_ik the number of coders who put unit i in category k, r_i = sum_k
r_ik, w_kl the agreement weights, r*_ik = sum_l w_kl r_il, n' the number of units with
r_i >= 2 (units rated by one coder carry no agreement information).

    p_a   = (1/n') sum_{i: r_i >= 2} sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))
    pi_k  = (1/n_1) sum_{i: r_i >= 1} r_ik / r_i          (n_1 units rated at least once)

p_a is the mean over units of the share of agreeing (ordered) coder pairs, which is Gwet's
definition of percent agreement for any number of coders with missing ratings.

Every function takes a :class:`~qcode.agreement.tally.UnitTally` and unit multiplicities
``w`` of shape ``(P,)`` (the data) or ``(B, P)`` (bootstrap replicates) and returns
``()`` / ``(B,)`` arrays, so one formula serves the estimate and its bootstrap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qcode.errors import InsufficientDataError

if TYPE_CHECKING:
    from qcode.agreement.ratings import Ratings
    from qcode.agreement.tally import UnitTally


def observed_agreement(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """p_a for multiplicities ``w`` (NaN where no unit has two ratings)."""
    memo = tally.memo(w)
    key = ("p_a", weights.tobytes())
    if key not in memo:
        a, pairable = tally.pair_agreement(weights)
        with np.errstate(invalid="ignore", divide="ignore"):
            memo[key] = (w @ a) / (w @ pairable)
    return memo[key]


def category_propensities(tally: UnitTally, w: np.ndarray) -> np.ndarray:
    """pi_k, shape ``(..., q)``: the mean share of each category per rated unit."""
    memo = tally.memo(w)
    if "pi" not in memo:
        rated = (tally.rated >= 1).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            memo["pi"] = (w @ tally.shares) / (w @ rated)[..., None]
    return memo["pi"]


#: ``np.isclose(p_e, 1.0)``'s tolerance, atol + rtol * |1.0| (its defaults)
_NEAR_ONE = 1e-08 + 1e-05 * 1.0


def chance_corrected(p_a: np.ndarray, p_e: np.ndarray) -> np.ndarray:
    """(p_a - p_e) / (1 - p_e), NaN where chance agreement is 1 (within
    ``np.isclose``'s default tolerance, tested directly: isclose costs as much as the rest
    of a coefficient on a small tally)."""
    p_e = np.asarray(p_e, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (p_a - p_e) / (1.0 - p_e)
        near_one = np.abs(p_e - 1.0) <= _NEAR_ONE  # NaN and inf: False, as in isclose
    return np.where(near_one, np.nan, out)


def percent_agreement(ratings: Ratings) -> float:
    """Percent agreement p_a: the mean over units of the share of agreeing coder pairs.

    Gwet (2014, ch. 2): p_a = (1/n') sum_{i: r_i >= 2} sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)).
    With two coders and no missing ratings it is the share of units they agree on.

    >>> from qcode.agreement.ratings import Ratings
    >>> percent_agreement(Ratings.from_matrix([["a", "a", "a"], ["a", "b", "b"]]))
    0.6666666666666666
    """
    ratings.check_usable()
    t = ratings.tally
    return float(observed_agreement(t, t.multiplicity, np.eye(ratings.q)))


def require_value(value: np.ndarray | float, what: str, ratings: Ratings) -> float:
    """The float, or InsufficientDataError saying why the coefficient is undefined."""
    v = float(value)
    if np.isnan(v):
        used = np.unique(ratings.codes[ratings.codes >= 0])
        if used.size == 1:
            cat = ratings.categories[int(used[0])]
            raise InsufficientDataError(
                f"{what} is undefined: every rating is {cat!r}, so chance agreement is 1",
                hint="declare the full domain with --categories V1,V2,...")
        raise InsufficientDataError(f"{what} is undefined: chance agreement is 1")
    return v

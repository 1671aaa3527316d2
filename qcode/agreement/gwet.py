"""Gwet's AC1 and AC2, and Brennan and Prediger's coefficient.

Both keep p_a of :mod:`qcode.agreement.observed` and model chance differently; both depend
on q, the number of categories in the declared domain, not only the observed ones.

- Gwet's AC1 (Gwet 2008, *Br. J. Math. Stat. Psychol.* 61:29-48; AC2 with weights, Gwet 2014,
  ch. 4):  p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k),  T_w = sum_kl w_kl
  (T_w = q without weights).
- Brennan & Prediger (1981, *Educ. Psychol. Meas.* 41:687-699), uniform chance:
  p_e = T_w / q^2  (1/q without weights).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qcode.agreement.kappa import Weights, resolve_weights
from qcode.agreement.observed import (
    category_propensities,
    chance_corrected,
    observed_agreement,
    require_value,
)

if TYPE_CHECKING:
    from qcode.agreement.kappa import Kernel
    from qcode.agreement.ratings import Ratings
    from qcode.agreement.tally import UnitTally


def gwet_chance(pi: np.ndarray, weights: np.ndarray) -> np.ndarray:
    q = weights.shape[0]
    return weights.sum() / (q * (q - 1)) * (pi * (1.0 - pi)).sum(axis=-1)


def uniform_chance(weights: np.ndarray) -> float:
    q = weights.shape[0]
    return float(weights.sum() / q ** 2)


def gwet_from_tally(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return chance_corrected(observed_agreement(tally, w, weights),
                            gwet_chance(category_propensities(tally, w), weights))


def brennan_prediger_from_tally(tally: UnitTally, w: np.ndarray,
                                weights: np.ndarray) -> np.ndarray:
    p_a = observed_agreement(tally, w, weights)
    return chance_corrected(p_a, np.full(np.shape(p_a), uniform_chance(weights)))


def _run(kernel: Kernel, ratings: Ratings, weights: np.ndarray, what: str) -> float:
    ratings.check_usable()
    t = ratings.tally
    return require_value(kernel(t, t.multiplicity, weights), what, ratings)


def gwet_ac1(ratings: Ratings) -> float:
    """Gwet's AC1: p_e = 1/(q - 1) sum_k pi_k (1 - pi_k); any number of coders."""
    return _run(gwet_from_tally, ratings, np.eye(ratings.q), "Gwet's AC1")


def gwet_ac2(ratings: Ratings, weights: Weights = "quadratic") -> float:
    """Gwet's AC2 (weighted AC1): p_e = T_w/(q(q - 1)) sum_k pi_k (1 - pi_k)."""
    return _run(gwet_from_tally, ratings, resolve_weights(ratings, weights), "Gwet's AC2")


def brennan_prediger(ratings: Ratings) -> float:
    """Brennan-Prediger coefficient: p_e = 1/q over the declared domain."""
    return _run(brennan_prediger_from_tally, ratings, np.eye(ratings.q),
                "Brennan-Prediger")


def weighted_brennan_prediger(ratings: Ratings, weights: Weights = "quadratic") -> float:
    """Weighted Brennan-Prediger: p_e = T_w / q^2."""
    return _run(brennan_prediger_from_tally, ratings, resolve_weights(ratings, weights),
                "weighted Brennan-Prediger")

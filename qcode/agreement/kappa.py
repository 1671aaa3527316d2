"""The kappa family: Cohen's kappa, Scott's pi, Fleiss' kappa, Conger's kappa (and weighted).

All share kappa = (p_a - p_e) / (1 - p_e) with p_a from :mod:`qcode.agreement.observed`
and differ in the chance agreement p_e (notation of Gwet 2014, ch. 2 and 5; w_kl weights):

- Cohen (1960; weighted: Cohen 1968), 2 coders A, B with marginals p_Ak, p_Bk, each taken
  over the units that coder rated:     p_e = sum_kl w_kl p_Ak p_Bl
- Scott (1955), 2 coders:              p_e = sum_kl w_kl pi_k pi_l,  pi_k = (p_Ak + p_Bk) / 2
- Fleiss (1971), any r coders:         p_e = sum_kl w_kl pi_k pi_l,  pi_k = (1/n) sum_i r_ik / r_i
- Conger (1980), any r coders, p_gk the share of coder g's ratings in category k:
      p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r),
      s2_kl = sum_g (p_gk - pbar_k)(p_gl - pbar_l) / (r - 1)
  (Conger's kappa with two coders is Cohen's kappa.)

With missing ratings, p_a is averaged over the units with two or more ratings, as in Gwet
(2014); without missing ratings every formula reduces to its author's original.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from qcode.agreement.observed import (
    category_propensities,
    chance_corrected,
    observed_agreement,
    require_value,
)
from qcode.agreement.weights import check_weights, weight_matrix
from qcode.errors import InsufficientDataError

if TYPE_CHECKING:
    from qcode.agreement.ratings import Ratings
    from qcode.agreement.tally import UnitTally

    #: a coefficient's formula over a tally: (tally, unit multiplicities, weights) -> value
    Kernel = Callable[[UnitTally, np.ndarray, np.ndarray], np.ndarray]

Weights = str | np.ndarray


def coder_marginals(tally: UnitTally, w: np.ndarray) -> np.ndarray:
    """p_gk, shape ``(..., r, q)``: each coder's share of ratings per category."""
    memo = tally.memo(w)
    if "p_gk" not in memo:
        m, q = tally.n_coders, tally.q
        counts = (w @ tally.rater_onehot.reshape(-1, m * q)).reshape(*np.shape(w)[:-1], m, q)
        with np.errstate(invalid="ignore", divide="ignore"):
            memo["p_gk"] = counts / counts.sum(axis=-1, keepdims=True)
    return memo["p_gk"]


def fleiss_chance(pi: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return np.einsum("...k,kl,...l->...", pi, weights, pi)


def cohen_chance(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    p = coder_marginals(tally, w)
    return np.einsum("...k,kl,...l->...", p[..., 0, :], weights, p[..., 1, :])


def scott_chance(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    p = coder_marginals(tally, w)
    return fleiss_chance(p.mean(axis=-2), weights)


def conger_chance(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    p = coder_marginals(tally, w)
    r = p.shape[-2]
    pbar = p.mean(axis=-2)
    dev = p - pbar[..., None, :]
    s2 = np.einsum("...gk,...gl->...kl", dev, dev) / (r - 1)
    joint = pbar[..., :, None] * pbar[..., None, :] - s2 / r
    return np.einsum("...kl,kl->...", joint, weights)


# ---------------------------------------------------------------- vectorised kernels


def cohen_from_tally(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return chance_corrected(observed_agreement(tally, w, weights),
                            cohen_chance(tally, w, weights))


def scott_from_tally(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return chance_corrected(observed_agreement(tally, w, weights),
                            scott_chance(tally, w, weights))


def fleiss_from_tally(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return chance_corrected(observed_agreement(tally, w, weights),
                            fleiss_chance(category_propensities(tally, w), weights))


def conger_from_tally(tally: UnitTally, w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return chance_corrected(observed_agreement(tally, w, weights),
                            conger_chance(tally, w, weights))


# ---------------------------------------------------------------- public coefficients


def resolve_weights(ratings: Ratings, weights: Weights) -> np.ndarray:
    """A named scheme (see :mod:`qcode.agreement.weights`) or a q x q matrix."""
    if isinstance(weights, str):
        return weight_matrix(weights, ratings.numeric_values())
    return check_weights(weights, ratings.q)


def require_two_coders(ratings: Ratings, what: str) -> None:
    if ratings.n_coders != 2:
        raise InsufficientDataError(f"{what} needs exactly 2 coders (the data has "
                                    f"{ratings.n_coders})",
                                    hint="use Conger's or Fleiss' kappa for more coders")


def _run(kernel: Kernel, ratings: Ratings, weights: np.ndarray, what: str) -> float:
    ratings.check_usable()
    t = ratings.tally
    return require_value(kernel(t, t.multiplicity, weights), what, ratings)


def cohen_kappa(ratings: Ratings) -> float:
    """Cohen's (1960) kappa for 2 coders: (p_a - p_e)/(1 - p_e), p_e = sum_k p_Ak p_Bk.

    Cohen's worked example (1960: 200 units, 3 categories) gives 0.492; see
    ``tests/data/agreement/cohen1960.csv``.
    """
    require_two_coders(ratings, "Cohen's kappa")
    return _run(cohen_from_tally, ratings, np.eye(ratings.q), "Cohen's kappa")


def weighted_cohen_kappa(ratings: Ratings, weights: Weights = "quadratic") -> float:
    """Cohen's (1968) weighted kappa: p_a and p_e = sum_kl w_kl p_Ak p_Bl with weights w."""
    require_two_coders(ratings, "weighted Cohen's kappa")
    return _run(cohen_from_tally, ratings, resolve_weights(ratings, weights),
                "weighted Cohen's kappa")


def scott_pi(ratings: Ratings) -> float:
    """Scott's (1955) pi for 2 coders: p_e = sum_k pi_k^2 with pi_k the mean marginal."""
    require_two_coders(ratings, "Scott's pi")
    return _run(scott_from_tally, ratings, np.eye(ratings.q), "Scott's pi")


def fleiss_kappa(ratings: Ratings) -> float:
    """Fleiss' (1971) kappa for any number of coders: p_e = sum_k pi_k^2.

    Fleiss' own example (1971, Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses)
    gives 0.430; see ``tests/data/agreement/fleiss1971.csv``.
    """
    return _run(fleiss_from_tally, ratings, np.eye(ratings.q), "Fleiss' kappa")


def weighted_fleiss_kappa(ratings: Ratings, weights: Weights = "quadratic") -> float:
    """Weighted Fleiss' kappa (Gwet 2014, ch. 5): p_e = sum_kl w_kl pi_k pi_l."""
    return _run(fleiss_from_tally, ratings, resolve_weights(ratings, weights),
                "weighted Fleiss' kappa")


def conger_kappa(ratings: Ratings) -> float:
    """Conger's (1980) kappa: Cohen's kappa generalised to r coders (see module docstring)."""
    return _run(conger_from_tally, ratings, np.eye(ratings.q), "Conger's kappa")


def weighted_conger_kappa(ratings: Ratings, weights: Weights = "quadratic") -> float:
    """Weighted Conger's kappa (Gwet 2014, ch. 5) with agreement weights w."""
    return _run(conger_from_tally, ratings, resolve_weights(ratings, weights),
                "weighted Conger's kappa")

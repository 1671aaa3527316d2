"""Agreement weights w_kl in [0, 1] between categories (1 = full agreement).

Weighted coefficients (weighted kappa, AC2, weighted Brennan-Prediger, alpha with weights)
credit partial agreement between ordered categories. The schemes follow Gwet (2014),
*Handbook of Inter-Rater Reliability*, 4th ed., ch. 3, with x_k the numeric value of
category k (its rank 1..q when the categories are labels), and x_min / x_max the ends of
the declared domain:

- identity:  w_kl = [k = l]
- linear:    w_kl = 1 - |x_k - x_l| / (x_max - x_min)
- quadratic: w_kl = 1 - (x_k - x_l)^2 / (x_max - x_min)^2
- ordinal:   w_kl = 1 - M_kl / max M,  M_kl = C(|k - l| + 1, 2)  (ranks k, l)
- radical:   w_kl = 1 - sqrt|x_k - x_l| / sqrt(x_max - x_min)
- ratio:     w_kl = 1 - ((x_k - x_l)/(x_k + x_l))^2 / ((x_max - x_min)/(x_max + x_min))^2
- circular:  w_kl = 1 - sin^2(pi (x_k - x_l) / U) / max,  U = x_max - x_min + 1
- bipolar:   w_kl = 1 - d_kl / max d,
             d_kl = (x_k - x_l)^2 / ((x_k + x_l - 2 x_min)(2 x_max - x_k - x_l))
"""

from __future__ import annotations

import numpy as np

from qcode.errors import InvalidInputError

SCHEMES = ("identity", "linear", "quadratic", "ordinal", "ratio", "radical", "circular",
           "bipolar")


def weight_matrix(scheme: str, values: np.ndarray) -> np.ndarray:
    """The q x q weight matrix of a named scheme for categories with these numeric values.

    >>> weight_matrix("linear", np.array([1.0, 2.0, 3.0])).tolist()
    [[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]]
    """
    x = np.asarray(values, dtype=float)
    q = x.size
    if scheme == "identity":
        return np.eye(q)
    if scheme not in SCHEMES:
        raise InvalidInputError(f"unknown weights {scheme!r}; use one of {', '.join(SCHEMES)}")
    if q < 2:
        return np.ones((q, q))
    lo, hi = float(x.min()), float(x.max())
    span = hi - lo
    dk, dl = x[:, None], x[None, :]
    diff = dk - dl
    if span == 0:
        raise InvalidInputError("the categories have a single value; weights need a range")
    if scheme == "linear":
        return 1.0 - np.abs(diff) / span
    if scheme == "quadratic":
        return 1.0 - (diff / span) ** 2
    if scheme == "radical":
        return 1.0 - np.sqrt(np.abs(diff)) / np.sqrt(span)
    if scheme == "ordinal":
        rank = np.arange(q)
        steps = np.abs(rank[:, None] - rank[None, :])
        m = (steps + 1) * steps / 2.0
        return 1.0 - m / m.max()
    if scheme == "ratio":
        if lo < 0:
            raise InvalidInputError("ratio weights need non-negative category values")
        total = dk + dl
        term = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
        scale = (span / (hi + lo)) ** 2
        return 1.0 - term / scale
    if scheme == "circular":
        u = span + 1.0
        d = np.sin(np.pi * diff / u) ** 2
        return 1.0 - d / d.max()
    # bipolar
    den = (dk + dl - 2 * lo) * (2 * hi - dk - dl)
    d = np.divide(diff ** 2, den, out=np.zeros_like(diff), where=den != 0)
    return 1.0 - d / d.max()


def check_weights(weights: np.ndarray, q: int) -> np.ndarray:
    """Validate a user-given weight matrix: q x q, values in [0, 1], ones on the diagonal."""
    w = np.asarray(weights, dtype=float)
    if w.shape != (q, q):
        shape = "x".join(str(d) for d in w.shape)
        raise InvalidInputError(f"the weight matrix is {shape} but there are {q} categories")
    if not np.allclose(np.diag(w), 1.0) or (w < 0).any() or (w > 1).any():
        raise InvalidInputError("weights must lie in [0, 1] with ones on the diagonal")
    return w

"""Distances delta_ck between values, for Krippendorff's alpha (squared differences).

Krippendorff (2011), *Computing Krippendorff's Alpha-Reliability*, defines for values c, k
(n_g = the number of pairable values equal to g, from the coincidence matrix):

- nominal:  delta = 0 if c = k else 1
- ordinal:  delta = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
- interval: delta = (c - k)^2
- ratio:    delta = ((c - k) / (c + k))^2

MASI (Passonneau 2006, *Measuring agreement on set-valued items*) compares two sets:
d = 1 - J * M with J = |A & B| / |A | B| (Jaccard) and M = 1 when A = B, 2/3 when one is a
subset of the other, 1/3 when they overlap otherwise, 0 when disjoint. Two empty sets are
identical (d = 0). Any agreement weight matrix w gives a distance 1 - w.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio", "masi")


def nominal_distance(q: int) -> np.ndarray:
    return 1.0 - np.eye(q)


def ordinal_distance(value_totals: np.ndarray) -> np.ndarray:
    """delta_ck from n_g, the totals of pairable values per (ordered) category."""
    n = np.asarray(value_totals, dtype=float)
    cum = np.concatenate(([0.0], np.cumsum(n)))
    lo = np.minimum.outer(np.arange(n.size), np.arange(n.size))
    hi = np.maximum.outer(np.arange(n.size), np.arange(n.size))
    between = cum[hi + 1] - cum[lo]
    return (between - (n[:, None] + n[None, :]) / 2.0) ** 2


def interval_distance(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return (v[:, None] - v[None, :]) ** 2


def ratio_distance(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    diff = v[:, None] - v[None, :]
    total = v[:, None] + v[None, :]
    return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2


def masi_distance(a: frozenset, b: frozenset) -> float:
    """MASI distance between two label sets (Passonneau 2006).

    >>> masi_distance(frozenset("ab"), frozenset("ab"))
    0.0
    >>> round(masi_distance(frozenset("a"), frozenset("ab")), 4)  # J=1/2, M=2/3
    0.6667
    """
    if a == b:
        return 0.0
    inter = len(a & b)
    if inter == 0:
        return 1.0
    monotonicity = 2.0 / 3.0 if (a <= b or b <= a) else 1.0 / 3.0
    return 1.0 - inter / len(a | b) * monotonicity


def masi_matrix(sets: Sequence[frozenset]) -> np.ndarray:
    q = len(sets)
    out = np.zeros((q, q))
    for i in range(q):
        for j in range(i + 1, q):
            out[i, j] = out[j, i] = masi_distance(sets[i], sets[j])
    return out

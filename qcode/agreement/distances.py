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
    """Pairwise MASI distances, vectorised over a set-membership matrix.

    With ``X`` the q x L 0/1 matrix of which label is in which set: ``|A & B| = X X^T``,
    ``|A | B| = |A| + |B| - |A & B|``, and A is a subset of B when ``|A & B| = |A|``; the
    cases then follow :func:`masi_distance` (equal -> 0, disjoint -> 1, else
    ``1 - J * M`` with M = 2/3 for nested sets and 1/3 otherwise).
    """
    q = len(sets)
    labels = {lab: k for k, lab in enumerate(sorted({x for st in sets for x in st}, key=repr))}
    member = np.zeros((q, max(len(labels), 1)))
    for i, st in enumerate(sets):
        for lab in st:
            member[i, labels[lab]] = 1.0
    inter = member @ member.T
    size = member.sum(axis=1)
    union = size[:, None] + size[None, :] - inter
    a_in_b = inter == size[:, None]
    b_in_a = inter == size[None, :]
    monotonicity = np.where(a_in_b | b_in_a, 2.0 / 3.0, 1.0 / 3.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 - np.where(union > 0, inter / union, 0.0) * monotonicity
    out[inter == 0] = 1.0
    out[a_in_b & b_in_a] = 0.0
    return out

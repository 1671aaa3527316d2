"""Units grouped by identical rating rows: the sufficient statistics of every coefficient.

Every coefficient here is a function of per-unit quantities summed over units, so units
with the same row of ratings (the same *pattern*) can be counted once with a multiplicity.
Random data with 5 coders and 5 categories has at most 6**5 patterns however many units
there are, so a million units collapse to a few thousand rows. Resampling units for the
bootstrap then draws multiplicities over patterns (a multinomial), and each coefficient is
evaluated for all replicates at once by passing a ``(B, P)`` weight matrix where the point
estimate passes the ``(P,)`` multiplicities.

Shapes: ``patterns`` is ``(P, m)`` category indices (``-1`` missing), ``counts`` is
``(P, q)`` with ``counts[p, k]`` = number of coders who chose category ``k`` in pattern
``p`` (Gwet's r_ik), ``multiplicity`` is ``(P,)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class UnitTally:
    patterns: np.ndarray
    multiplicity: np.ndarray
    q: int

    @classmethod
    def from_codes(cls, codes: np.ndarray, q: int) -> UnitTally:
        """Group the rows of a units x coders code matrix (``-1`` = missing)."""
        n, m = codes.shape
        base = q + 1
        if n == 0:
            return cls(np.zeros((0, m), np.int64), np.zeros(0), q)
        if m * np.log2(base) < 62:
            shifted = codes + 1
            key = shifted[:, 0].astype(np.int64)
            for j in range(1, m):
                key = key * base + shifted[:, j]
            space = base ** m
            if space <= max(4 * n, 1 << 16):
                seen = np.bincount(key, minlength=space)
                keys = np.flatnonzero(seen)
                mult = seen[keys]
            else:
                keys, mult = np.unique(key, return_counts=True)
            patterns = np.empty((keys.size, m), dtype=np.int64)
            rest = keys.copy()
            for j in range(m - 1, -1, -1):
                patterns[:, j] = rest % base - 1
                rest //= base
        else:
            patterns, mult = np.unique(codes, axis=0, return_counts=True)
        return cls(patterns, mult.astype(float), q)

    @classmethod
    def from_binary_counts(cls, seen: np.ndarray, m: int) -> UnitTally:
        """The tally of 0/1 ratings (q = 2) by ``m`` coders, none missing, from
        ``seen[key]``: how many units have the pattern ``key = sum_g x_g 2^(m-1-g)`` (coder
        0 the highest bit). Patterns come in the order :meth:`from_codes` gives them (rows
        sorted, coder 0 first), so every coefficient gets the same arrays either way.

        >>> t = UnitTally.from_binary_counts(np.array([5, 0, 2, 1]), 2)
        >>> t.patterns.tolist(), t.multiplicity.tolist()
        ([[0, 0], [1, 0], [1, 1]], [5.0, 2.0, 1.0])
        """
        keys = np.flatnonzero(seen)
        bits = np.arange(m - 1, -1, -1, dtype=np.int64)
        patterns = ((keys[:, None] >> bits) & 1).astype(np.int64)
        return cls(patterns, seen[keys].astype(float), 2)

    @property
    def n_coders(self) -> int:
        return int(self.patterns.shape[1])

    @cached_property
    def counts(self) -> np.ndarray:
        """r_ik, shape ``(P, q)``: how many coders chose category k in pattern p (counted
        when first needed: with many categories, MASI's code sets, it is P x q floats that
        alpha never reads)."""
        return _category_counts(self.patterns, self.q)

    @cached_property
    def rated(self) -> np.ndarray:
        """r_i: the number of ratings of each pattern."""
        return (self.patterns >= 0).sum(axis=1).astype(float)

    @cached_property
    def shares(self) -> np.ndarray:
        """r_ik / r_i for patterns with at least one rating (0 elsewhere)."""
        r = self.rated[:, None]
        return np.divide(self.counts, r, out=np.zeros_like(self.counts), where=r > 0)

    @cached_property
    def rater_onehot(self) -> np.ndarray:
        """``(P, m, q)``: 1 where coder g chose category k in the pattern."""
        m = self.n_coders
        out = np.zeros((self.patterns.shape[0], m, self.q))
        p_idx, g_idx = np.nonzero(self.patterns >= 0)
        out[p_idx, g_idx, self.patterns[p_idx, g_idx]] = 1.0
        return out

    def pair_agreement(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pattern: the weighted share of agreeing ordered coder pairs, and pairability.

        a_i = sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)) with r*_ik = sum_l w_kl r_il
        (Gwet 2014, ch. 2, with weights as in ch. 3), for patterns with r_i >= 2; the second
        array is the indicator r_i >= 2. Cached per weight matrix (bootstrap chunks reuse it).
        """
        key = weights.tobytes()
        cached = self._agreement_cache.get(key)
        if cached is None:
            cached = self._agreement_cache[key] = self._pair_agreement(weights)
        return cached

    @cached_property
    def _agreement_cache(self) -> dict[bytes, tuple[np.ndarray, np.ndarray]]:
        return {}

    @cached_property
    def _memo(self) -> list[Any]:
        return [None, {}]

    def memo(self, w: np.ndarray) -> dict[Any, Any]:
        """A scratch dict for sums over the multiplicities ``w`` (the same array object).

        Several coefficients share sums (p_a, pi_k) over the same bootstrap chunk; the memo
        keeps them for the latest ``w`` only (identity, not equality, decides).
        """
        if self._memo[0] is not w:
            self._memo[0] = w
            self._memo[1] = {}
        return self._memo[1]

    def _pair_agreement(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = self.rated
        weighted = self.counts @ weights.T
        num = (self.counts * (weighted - 1.0)).sum(axis=1)
        den = r * (r - 1.0)
        pairable = r >= 2
        a = np.divide(num, den, out=np.zeros_like(num), where=pairable)
        return a, pairable.astype(float)


def _category_counts(patterns: np.ndarray, q: int) -> np.ndarray:
    p, m = patterns.shape
    rows = np.repeat(np.arange(p), m)
    flat = patterns.ravel()
    ok = flat >= 0
    return np.bincount(rows[ok] * q + flat[ok], minlength=p * q).reshape(p, q).astype(float)

"""The reliability data: a units x coders matrix of category indices.

A :class:`Ratings` holds ``codes``, an integer (``int64``) array of shape
``(n_units, n_coders)`` where ``codes[u, c]`` is the index into ``categories`` of the value
coder ``c`` gave unit ``u``, or ``-1`` when that coder did not rate that unit (a missing
rating). ``categories`` is the declared (or observed) category domain in order; its length
``q`` matters to coefficients whose chance agreement depends on the number of possible
categories (Brennan-Prediger, Gwet's AC1), and its order and numeric values to ordinal /
interval / ratio distances and to weights. Set-valued ratings (for MASI) have ``frozenset``
categories.

Ratings is a frozen dataclass rather than a pydantic record because it carries numpy arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from qcode.agreement.tally import UnitTally
from qcode.errors import InsufficientDataError, InvalidInputError

MISSING = -1


@dataclass(frozen=True, eq=False)
class Ratings:
    """Reliability data (units x coders) over a category domain.

    >>> r = Ratings.from_matrix([[1, 1], [2, None], [2, 1]], coders=["A", "B"])
    >>> r.codes.tolist(), r.categories
    ([[0, 0], [1, -1], [1, 0]], (1, 2))
    """

    codes: np.ndarray
    categories: tuple[Any, ...]
    coders: tuple[str, ...]
    units: tuple[str, ...] | None = None
    #: numeric value of each category (NaN where a label is not a number); None if unknown
    values: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[1])

    @property
    def q(self) -> int:
        """The number of categories in the domain."""
        return len(self.categories)

    @property
    def set_valued(self) -> bool:
        return any(isinstance(c, frozenset) for c in self.categories)

    @cached_property
    def tally(self) -> UnitTally:
        """Units grouped by identical rating rows (see :mod:`qcode.agreement.tally`)."""
        return UnitTally.from_codes(self.codes, self.q)

    def numeric_values(self) -> np.ndarray:
        """Numbers for the categories: their values when all are numbers, else ranks 1..q."""
        if self.values is not None and not np.isnan(self.values).any():
            return self.values
        if self.set_valued:
            raise InvalidInputError("set-valued ratings have no numeric values")
        return np.arange(1, self.q + 1, dtype=float)

    def pair(self, a: int, b: int) -> Ratings:
        """The ratings of two coders only (by column index)."""
        return Ratings(self.codes[:, [a, b]], self.categories,
                       (self.coders[a], self.coders[b]), self.units, self.values)

    def check_usable(self) -> None:
        """Raise :class:`InsufficientDataError` unless agreement can be measured at all:
        at least 2 coders, a unit rated by 2 of them, and 2 categories in the domain."""
        if self.n_coders < 2:
            who = f" ({self.coders[0]})" if self.coders else ""
            raise InsufficientDataError(
                f"the ratings come from {self.n_coders} coder{'' if self.n_coders == 1 else 's'}"
                f"{who}; agreement needs at least 2",
                hint="add the ratings of a second coder")
        if not (self.tally.rated >= 2).any():  # a unit rated twice is a pattern rated twice
            raise InsufficientDataError(
                "no unit was rated by 2 or more coders; agreement needs units rated by at "
                "least 2", hint="have a second coder rate the same units")
        if self.q < 2:
            only = f" ({_show(self.categories[0])})" if self.q else ""
            raise InsufficientDataError(
                f"every rating uses a single category{only}; agreement needs at least 2 "
                "categories", hint="declare the full domain with --categories V1,V2,...")

    # ------------------------------------------------------------------ constructors

    @classmethod
    def counted(cls, codes: np.ndarray, tally: UnitTally, categories: tuple[Any, ...],
                coders: tuple[str, ...], values: np.ndarray | None = None) -> Ratings:
        """Ratings whose :attr:`tally` the caller has counted already (agreement on a
        project counts every code's rating patterns in one pass over the presence array;
        ``codes`` may then be a view of it, e.g. 0/1 ``int8``). ``tally`` must be what
        :meth:`UnitTally.from_codes` gives for ``codes``."""
        ratings = cls(codes, categories, coders, None, values)
        ratings.__dict__["tally"] = tally  # the cached property's slot, filled in advance
        return ratings

    @classmethod
    def from_matrix(cls, data: Any, *, coders: Sequence[str] | None = None,
                    units: Sequence[str] | None = None,
                    categories: Sequence[Any] | None = None) -> Ratings:
        """Build from a units x coders array; ``None``, ``NaN`` or ``""`` mark a missing rating.

        Numeric arrays are factorised in O(n) when they hold small integers (the usual
        case), else by sorting. ``categories`` declares the domain and its order; a value
        outside it raises :class:`InvalidInputError`.
        """
        arr = np.asarray(data)
        if arr.ndim != 2:
            raise InvalidInputError("ratings must be a 2-D units x coders matrix")
        m = arr.shape[1]
        coder_names = tuple(coders) if coders is not None else tuple(f"coder{j + 1}"
                                                                     for j in range(m))
        if len(coder_names) != m:
            raise InvalidInputError(f"{len(coder_names)} coder names for {m} columns")
        if arr.dtype.kind in "iufb":
            codes, cats, values = _factorise_numeric(arr.astype(float, copy=False), categories)
        else:
            codes, cats, values = _factorise_objects(arr, categories)
        return cls(codes, cats, coder_names, tuple(units) if units is not None else None,
                   values)


def _factorise_numeric(arr: np.ndarray, categories: Sequence[Any] | None
                       ) -> tuple[np.ndarray, tuple[Any, ...], np.ndarray]:
    if categories is None:
        small = _small_integer_codes(arr)
        if small is not None:
            return small
    present = ~np.isnan(arr)
    vals = arr[present]
    codes = np.full(arr.shape, MISSING, dtype=np.int64)
    if categories is None:
        sorted_domain = np.unique(vals)
        codes[present] = np.searchsorted(sorted_domain, vals)
        return codes, tuple(_as_number(v) for v in sorted_domain.tolist()), sorted_domain
    domain = np.asarray([float(c) for c in categories])
    if domain.size == 0:
        raise InvalidInputError("no categories declared")
    order = np.argsort(domain, kind="stable")
    sorted_domain = domain[order]
    pos = np.minimum(np.searchsorted(sorted_domain, vals), sorted_domain.size - 1)
    if vals.size and not np.array_equal(sorted_domain[pos], vals):
        bad = vals[sorted_domain[pos] != vals][0]
        raise InvalidInputError(f"value {_show(_as_number(bad))} is not one of the declared "
                                "categories")
    codes[present] = order[pos]
    return codes, tuple(categories), domain


def _small_integer_codes(arr: np.ndarray
                         ) -> tuple[np.ndarray, tuple[Any, ...], np.ndarray] | None:
    """O(n) factorisation of integer values in a modest range, through a lookup table.

    Values are shifted so the smallest is 1 and NaN becomes 0; the table maps 0 to -1
    (missing) and each value that occurs to its rank.
    """
    flat = arr.ravel()
    lo = float(np.fmin.reduce(flat)) if flat.size else math.nan
    hi = float(np.fmax.reduce(flat)) if flat.size else math.nan
    if math.isnan(lo) or hi - lo >= 1_000_000 or lo != math.floor(lo):
        return None
    shifted = arr - (lo - 1.0)
    np.nan_to_num(shifted, copy=False, nan=0.0)
    idx = shifted.astype(np.int64)
    if not np.array_equal(idx, shifted):
        return None
    seen = np.bincount(idx.ravel(), minlength=int(hi - lo) + 2)
    used = np.flatnonzero(seen[1:])
    lut = np.full(seen.size, MISSING, dtype=np.int64)
    lut[used + 1] = np.arange(used.size)
    domain = used.astype(float) + lo
    return lut[idx], tuple(_as_number(v) for v in domain.tolist()), domain


def _factorise_objects(arr: np.ndarray, categories: Sequence[Any] | None
                       ) -> tuple[np.ndarray, tuple[Any, ...], np.ndarray]:
    n, m = arr.shape
    codes = np.full((n, m), MISSING, dtype=np.int64)
    index: dict[Any, int] = {}
    if categories is not None:
        index = {c: i for i, c in enumerate(categories)}
    for u in range(n):
        for c in range(m):
            v = arr[u, c]
            if _is_missing(v):
                continue
            if v not in index:
                if categories is not None:
                    raise InvalidInputError(f"value {_show(v)} is not one of the declared "
                                            "categories")
                index[v] = len(index)
            codes[u, c] = index[v]
    cats = tuple(index)
    if categories is None and all(isinstance(c, (int, float)) for c in cats):
        order = sorted(range(len(cats)), key=lambda i: cats[i])
        remap = np.empty(len(cats), dtype=np.int64)
        remap[order] = np.arange(len(cats))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], MISSING)
        cats = tuple(cats[i] for i in order)
    values = np.array([c if isinstance(c, (int, float)) else np.nan for c in cats],
                      dtype=float)
    return codes, cats, values


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v == ""


def _as_number(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def _show(v: Any) -> str:
    if isinstance(v, frozenset):
        return "{" + ", ".join(sorted(map(str, v))) + "}"
    return repr(v)

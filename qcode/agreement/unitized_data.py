"""Span data for unitized agreement: continua, each coder's unitization of one, and the
stretches where every coder's sections stay the same.

A **continuum** is a stretch ``[begin, end)`` of positions (the code points of a document's
text, or any numbered positions) that every coder unitized: each coder marked **units**
(spans ``[start, end)``, end exclusive, each with a code) and left the rest as **gaps**.
Krippendorff (1995, 2004) and Krippendorff, Mathet, Bouvry & Widlöcher (2016) describe a
coder's unitization as a sequence of contiguous **sections**, units and gaps, that covers
the continuum; :class:`Partition` is that sequence.

Two decisions the sources leave to the software, made here once for every coefficient:

- Two spans of the **same code** by one coder that overlap are one unit (their union);
  spans that only touch (``[0, 5)`` and ``[5, 9)``) stay two units, as the adjacent units
  of the published examples do (Krippendorff 1995, p. 57; 2019, fig. 12.11).
- The 2016 family needs one value per position and coder (the values of one variable are
  mutually exclusive). Where one coder's spans of **different codes** overlap, the overlap
  is a section of its own whose value is the set of those codes, named ``A+B``; the
  table says how much of the continuum such sections cover. Data without such overlaps
  are measured exactly as published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

GAP = 0  # the value index of a gap in every partition


@dataclass(frozen=True)
class Span:
    """One coder's unit: positions ``[start, end)`` coded ``code``."""

    coder: str
    start: int
    end: int
    code: str


@dataclass(frozen=True)
class Continuum:
    """One document's continuum ``[begin, end)`` and every coder's spans on it."""

    doc: str
    begin: int
    end: int
    spans: tuple[Span, ...]

    @property
    def length(self) -> int:
        return self.end - self.begin


@dataclass(frozen=True)
class Partition:
    """A coder's sections, in order, covering the continuum: ``starts[k]``, ``ends[k]``,
    ``values[k]`` (:data:`GAP` for a gap, else the index of the unit's value)."""

    starts: np.ndarray
    ends: np.ndarray
    values: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts


def merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping intervals joined; touching ones kept apart.

    >>> merged([(5, 9), (0, 5), (7, 12), (20, 22)])
    [(0, 5), (5, 12), (20, 22)]
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def joined_spans(continua: Iterable[Continuum]) -> dict[str, int]:
    """Per coder, how many of their spans overlap an earlier one of the same code in the
    same continuum (and so are joined into one unit by :func:`merged`).

    >>> c = Continuum("d", 0, 20, (Span("a", 0, 10, "X"), Span("a", 5, 15, "X"),
    ...                            Span("a", 15, 20, "X"), Span("b", 2, 12, "X")))
    >>> joined_spans([c])
    {'a': 1}
    """
    out: dict[str, int] = {}
    for c in continua:
        by_unit: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for span in c.spans:
            by_unit.setdefault((span.coder, span.code), []).append((span.start, span.end))
        for (coder, _), intervals in by_unit.items():
            reach = None
            for s, e in sorted(intervals):
                if reach is not None and s < reach:
                    out[coder] = out.get(coder, 0) + 1
                reach = e if reach is None else max(reach, e)
    return out


def binary_partition(units: Sequence[tuple[int, int]], begin: int, end: int) -> Partition:
    """Sections of a coder who marked the (merged, sorted) ``units``: value 1 for a unit,
    :data:`GAP` between them."""
    starts: list[int] = []
    ends: list[int] = []
    values: list[int] = []
    pos = begin
    for s, e in units:
        if s > pos:
            starts.append(pos)
            ends.append(s)
            values.append(GAP)
        starts.append(s)
        ends.append(e)
        values.append(1)
        pos = e
    if pos < end or not starts:
        starts.append(pos)
        ends.append(end)
        values.append(GAP)
    return Partition(np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64),
                     np.asarray(values, dtype=np.int64))


def chained_binary(units: Sequence[Sequence[tuple[int, int]]], begin: int,
                   end: int) -> tuple[Partition, np.ndarray]:
    """:func:`binary_partition` of each list of (merged, sorted) ``units``, the j-th
    shifted by j lengths of the continuum, laid end to end; and the list j of each
    section. A gap precedes each unit that starts after the previous one's end (or the
    continuum's begin), and ends a list whose last unit ends before ``end`` (or that has
    none).

    >>> p, j = chained_binary([[(2, 4)], [], [(0, 3), (3, 5)]], 0, 5)
    >>> p.starts.tolist(), p.ends.tolist(), p.values.tolist(), j.tolist()
    ([0, 2, 4, 5, 10, 13], [2, 4, 5, 10, 13, 15], [0, 1, 0, 0, 1, 1], [0, 0, 0, 1, 2, 2])
    """
    k = len(units)
    n = np.array([len(u) for u in units], dtype=np.int64)
    flat = np.array([se for u in units for se in u], dtype=np.int64).reshape(-1, 2)
    s, e = flat[:, 0], flat[:, 1]
    of = np.repeat(np.arange(k), n)
    has = n > 0
    first = (np.cumsum(n) - n)[has]
    prev = np.empty_like(s)
    prev[1:] = e[:-1]
    prev[first] = begin
    gap = s > prev
    last_end = np.full(k, begin, dtype=np.int64)
    last_end[has] = e[first + n[has] - 1]
    trailing = ~has | (last_end < end)
    lists = np.arange(k)
    starts = np.concatenate([prev[gap], s, last_end[trailing]])
    ends = np.concatenate([s[gap], e, np.full(int(trailing.sum()), end, dtype=np.int64)])
    values = np.concatenate([np.full(int(gap.sum()), GAP), np.ones(len(s), dtype=np.int64),
                             np.full(int(trailing.sum()), GAP)]).astype(np.int64)
    which = np.concatenate([of[gap], of, lists[trailing]])
    shift = which * (end - begin)
    order = np.argsort(starts + shift, kind="stable")
    return Partition(starts[order] + shift[order], ends[order] + shift[order],
                     values[order]), which[order]


def code_units(spans: Iterable[Span]) -> dict[str, list[tuple[int, int]]]:
    """A coder's units per code: the spans of each code, overlapping ones merged."""
    by_code: dict[str, list[tuple[int, int]]] = {}
    for s in spans:
        by_code.setdefault(s.code, []).append((s.start, s.end))
    return {code: merged(iv) for code, iv in by_code.items()}


def valued_partition(units: dict[str, list[tuple[int, int]]], begin: int, end: int,
                     value_index: dict[str, int]) -> Partition:
    """Sections of a coder over all codes: cut at every unit boundary, each piece valued
    with the code that covers it, or the set ``A+B`` of codes that do (new set names are
    added to ``value_index``)."""
    codes = sorted(units)
    flat = np.asarray([se for code in codes for se in units[code]],
                      dtype=np.int64).reshape(-1, 2)
    which = np.repeat(np.arange(len(codes)), [len(units[c]) for c in codes])
    cuts = np.unique(np.concatenate([flat.ravel(), [begin, end]]))
    n = len(cuts) - 1
    # +1 where a unit starts, -1 where it ends, per code; the running sum is the cover
    steps = np.zeros((len(codes), n + 1), dtype=np.int64)
    np.add.at(steps, (which, np.searchsorted(cuts, flat[:, 0])), 1)
    np.add.at(steps, (which, np.searchsorted(cuts, flat[:, 1])), -1)
    cover = np.cumsum(steps, axis=1)[:, :n] > 0
    values = np.zeros(n, dtype=np.int64)
    count = cover.sum(axis=0)
    for k, code in enumerate(codes):
        values[cover[k] & (count == 1)] = value_index[code]
    for i in np.flatnonzero(count > 1):
        label = "+".join(c for k, c in enumerate(codes) if cover[k, i])
        values[i] = value_index.setdefault(label, len(value_index) + 1)
    return _joined_gaps(Partition(cuts[:-1], cuts[1:], values))


def _joined_gaps(p: Partition) -> Partition:
    """Neighbouring gap pieces as one gap section."""
    gap = p.values == GAP
    keep = ~(gap[1:] & gap[:-1])
    first = np.concatenate([[True], keep])
    starts = p.starts[first]
    ends = np.concatenate([starts[1:], p.ends[-1:]])
    return Partition(starts, ends, p.values[first])


def overlay(parts: Sequence[Partition]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stretches where no coder's section changes: their starts, lengths, and for each
    coder the index of the section holding the stretch (shape ``(S, m)``)."""
    cuts = np.unique(np.concatenate([p.starts for p in parts] + [parts[0].ends[-1:]]))
    starts = cuts[:-1]
    idx = np.stack([np.searchsorted(p.starts, starts, side="right") - 1 for p in parts],
                   axis=1)
    return starts, np.diff(cuts), idx


def block_starts(parts: Sequence[Partition]) -> np.ndarray:
    """Where the resampling blocks of one continuum begin: each maximal stretch in which
    some coder has a unit is a block, and so is each stretch every coder left a gap."""
    starts, _, idx = overlay(parts)
    coded = np.zeros(len(starts), dtype=bool)
    for i, p in enumerate(parts):
        coded |= p.values[idx[:, i]] != GAP
    change = np.concatenate([[True], coded[1:] != coded[:-1]])
    # consecutive coded stretches form one block; each uncoded stretch is one as well
    return starts[change]


def block_of(blocks: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The block index of each position (``blocks`` from :func:`block_starts`)."""
    return np.searchsorted(blocks, positions, side="right") - 1

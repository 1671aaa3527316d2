"""Two coders' codings compared all at once, as rows: the segments where their spans
differ, and how often each code was given by both, only by one and only by the other.

A coder's codings read straight from a checkpoint's columns (no span across segments, every
coding usable) are :class:`SpanRows`: the (doc, first segment), code, start and end of
each coding, segment by segment. Two segments on which both coders marked exactly the same
(code, start, end) spans cannot differ: they give the same code sets and the same
coverages. :func:`compare_rows` finds the others with set operations over every coding at
once (in C, not a Python step per segment) and gives each coder's spans on them, for
``diff`` to compare one by one as it compares any segment; the counts per code come from
the codes ``a`` gave and those the differing segments show given by one coder only.

>>> a = SpanRows([("D", "D:1"), ("D", "D:2")], ["X", "Y"], [0, 5], [5, 9])
>>> b = SpanRows([("D", "D:1"), ("D", "D:2")], ["X", "Y"], [0, 6], [5, 9])
>>> found = compare_rows(a, b)
>>> found.differing
{'D': {'D:2': ([('Y', 5, 9)], [('Y', 6, 9)])}}
>>> found.counts({}) == {"X": [1, 0, 0], "Y": [1, 0, 0]}
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import and_, itemgetter
from typing import NamedTuple

#: the (code, start, end) of the spans one coder marked on one segment
OnSegment = list[tuple[str, int, int]]


class SpanRows(NamedTuple):
    """A coder's codings as columns, one entry per coding, segment by segment (the codings
    of one segment follow each other)."""

    #: the (doc, first segment) of each coding
    key: Sequence[tuple[str, str]]
    code: Sequence[str]
    start: Sequence[int]
    end: Sequence[int]

    def documents(self) -> set[str]:
        """The documents with any coding."""
        return set(map(itemgetter(0), dict.fromkeys(self.key)))


def restricted(rows: SpanRows, docs: Collection[str], codes: frozenset[str] | None
               ) -> SpanRows:
    """The rows of the documents ``docs`` and (unless None) of the codes ``codes``."""
    keep: list[bool] | None = None
    if not rows.documents() <= set(docs):
        keep = [key[0] in docs for key in rows.key]
    if codes is not None:
        given = map(codes.__contains__, rows.code)
        keep = list(given) if keep is None else list(map(and_, keep, given))
    if keep is None:
        return rows
    return SpanRows(list(compress(rows.key, keep)), list(compress(rows.code, keep)),
                    list(compress(rows.start, keep)), list(compress(rows.end, keep)))


@dataclass(frozen=True)
class RowsCompared:
    """What :func:`compare_rows` found."""

    #: code -> how many segments ``a`` gave it on (each segment once)
    given_a: Counter[str]
    #: doc -> segment -> (a's spans there, b's spans there), for every segment where
    #: they did not mark exactly the same spans (either may be empty)
    differing: dict[str, dict[str, tuple[OnSegment, OnSegment]]]

    def counts(self, only: Mapping[str, tuple[int, int]]) -> dict[str, list[int]]:
        """code -> [segments where both gave it, only a, only b], from ``only``: code ->
        (segments where only a gave it, only b) among the differing segments. Elsewhere
        both marked the same spans: a code ``a`` gave there, both gave."""
        counts = {code: [n, 0, 0] for code, n in self.given_a.items()}
        for code, (only_a, only_b) in only.items():
            row = counts.setdefault(code, [0, 0, 0])
            row[0] -= only_a
            row[1] += only_a
            row[2] += only_b
        return counts


def compare_rows(a: SpanRows, b: SpanRows) -> RowsCompared:
    """The segments where ``a`` and ``b`` marked different spans, and how often ``a`` gave
    each code."""
    pairs = set(zip(a.key, a.code, strict=True))
    given_a = Counter(a.code if len(pairs) == len(a.code) else map(itemgetter(1), pairs))
    del pairs
    rows_a = set(zip(*a, strict=True))
    keys = set(map(itemgetter(0), rows_a.symmetric_difference(zip(*b, strict=True))))
    del rows_a
    on_a, on_b = _on(a, keys), _on(b, keys)
    differing: dict[str, dict[str, tuple[OnSegment, OnSegment]]] = {}
    for key in keys:
        differing.setdefault(key[0], {})[key[1]] = (on_a.get(key, []), on_b.get(key, []))
    return RowsCompared(given_a, differing)


def _on(rows: SpanRows, keys: set[tuple[str, str]]) -> dict[tuple[str, str], OnSegment]:
    """segment -> the spans ``rows`` hold on it, in their order, for the segments ``keys``."""
    out: dict[tuple[str, str], OnSegment] = {}
    wanted = list(map(keys.__contains__, rows.key))
    for key, code, start, end in zip(*(compress(column, wanted) for column in rows),
                                     strict=True):
        out.setdefault(key, []).append((code, start, end))
    return out

"""Which codes each coder gave each segment, from the coders' spans: the units x codes
presence that segment-based agreement (:mod:`qcode.agreement.project`) measures.

A code is present in a segment for a coder when one of the coder's spans of it overlaps the
segment (``overlap=None``), or when the union of those spans covers at least a share of the
segment's characters. Codings are read as columns (:class:`SpanColumns`), straight from the
fold or from ``Coding`` records, and placed on the segments with sorted searches over all
segments at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import NamedTuple, cast, overload

import numpy as np

from qcode.coding.checkpoint import Columns
from qcode.coding.fold import CoderState, SpanKey
from qcode.models import Coding


class SpanColumns(NamedTuple):
    """One coder's codings as columns (document, first segment, code, start, end): what
    agreement reads of a coding, taken from the fold without building ``Coding`` records
    (:func:`span_columns`). A span without offsets has ``end <= start``."""

    doc: list[str]
    segment: list[str]
    code: list[str]
    start: list[int]
    end: list[int]


def span_columns(state: CoderState) -> SpanColumns:
    """The spans of a (usable) coder state as columns, as :meth:`CoderState.codings` would
    give them (code and offsets from the span's key; missing offsets are -1)."""
    docs: list[str] = []
    segments: list[str] = []
    keys: list[SpanKey] = []
    for (d, seg), by_key in state.spans.items():
        n = len(by_key)
        docs += [d] * n
        segments += [seg] * n
        keys += by_key
    if not keys:
        return SpanColumns([], [], [], [], [])
    codes, starts, ends = zip(*keys, strict=True)
    return SpanColumns(docs, segments, list(codes), list(starts), list(ends))


def span_columns_of(columns: Columns) -> SpanColumns:
    """The checkpoint's columns (:class:`qcode.coding.checkpoint.Columns`) as
    :class:`SpanColumns`, for columns every coding of which has its offsets (checked by
    :func:`qcode.coding.usable.columns_usable`)."""
    return SpanColumns(list(map(itemgetter(0), columns.key)),
                       list(map(itemgetter(1), columns.key)), columns.code,
                       cast("list[int]", columns.start), cast("list[int]", columns.end))


def as_columns(codings: Iterable[Coding] | SpanColumns) -> SpanColumns:
    """``codings`` as :class:`SpanColumns` (records are taken apart once)."""
    if isinstance(codings, SpanColumns):
        return codings
    cols = SpanColumns([], [], [], [], [])
    for c in codings:
        cols.doc.append(c.doc)
        cols.segment.append(c.segment)
        cols.code.append(c.code)
        cols.start.append(c.start)
        cols.end.append(c.end)
    return cols


class SegmentLine(NamedTuple):
    """The compared segments on one line: each document's offsets lifted by its number
    times ``stride`` (longer than any document), so the segments of every document sort
    together by start and by end."""

    doc_no: dict[str, int]
    bounds: np.ndarray  # units x 2: (start, end) in the document
    stride: int
    starts: np.ndarray  # lifted starts
    ends: np.ndarray  # lifted ends


def segment_line(units: Sequence[tuple[str, str]],
                 bounds: Sequence[tuple[int, int]]) -> SegmentLine:
    """The :class:`SegmentLine` of ``units`` (document, segment), in document order, and
    their ``bounds`` (built once for all coders)."""
    unit_docs = [u[0] for u in units]
    doc_no = {d: i for i, d in enumerate(dict.fromkeys(unit_docs))}
    unit_doc = np.fromiter(map(doc_no.__getitem__, unit_docs), dtype=np.int64,
                           count=len(units))
    b = np.fromiter(chain.from_iterable(bounds), dtype=np.int64,
                    count=2 * len(units)).reshape(len(units), 2)
    stride = int(b.max()) + 2 if b.size else 2
    return SegmentLine(doc_no, b, stride, unit_doc * stride + b[:, 0],
                       unit_doc * stride + b[:, 1])


def document_line(docs: Sequence[str], sizes: Sequence[int],
                  bounds: Sequence[tuple[int, int]]) -> SegmentLine:
    """:func:`segment_line` of the units of ``docs`` in order (``sizes[i]`` segments of
    ``docs[i]``; ``bounds`` theirs, in that order) without a (document, segment) pair per
    unit: each document's number repeated for its segments.

    >>> line = document_line(["A", "B", "C"], [2, 0, 1], [(0, 5), (5, 9), (0, 4)])
    >>> line.doc_no, line.stride, line.starts.tolist(), line.ends.tolist()
    ({'A': 0, 'C': 1}, 11, [0, 5, 11], [5, 9, 15])
    """
    present = [(d, n) for d, n in zip(docs, sizes, strict=True) if n]  # as segment_line
    doc_no = {d: i for i, (d, _) in enumerate(present)}
    unit_doc = np.repeat(np.arange(len(present), dtype=np.int64), [n for _, n in present])
    b = np.fromiter(chain.from_iterable(bounds), dtype=np.int64,
                    count=2 * len(bounds)).reshape(len(bounds), 2)
    stride = int(b.max()) + 2 if b.size else 2
    return SegmentLine(doc_no, b, stride, unit_doc * stride + b[:, 0],
                       unit_doc * stride + b[:, 1])


class DocumentUnits(Sequence[tuple[str, str]]):
    """The units (document, segment) of documents in order, listed only when something
    reads them: agreement on spans with offsets places codings by :class:`SegmentLine`
    and needs the pairs only for codings without offsets (old logs)."""

    def __init__(self, docs: Sequence[str], segments: Mapping[str, Sequence[str]]) -> None:
        self._docs, self._segments = docs, segments
        self._n = sum(len(segments[d]) for d in docs)
        self._listed: list[tuple[str, str]] | None = None

    def _units(self) -> list[tuple[str, str]]:
        if self._listed is None:
            self._listed = [(d, s) for d in self._docs for s in self._segments[d]]
        return self._listed

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, i: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        return self._units()[i]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._units())


def presence_from_spans(presence: np.ndarray, g: int, codings: Iterable[Coding] | SpanColumns,
                        units: Sequence[tuple[str, str]], bounds: Sequence[tuple[int, int]],
                        code_index: Mapping[str, int], overlap: float | None,
                        line: SegmentLine | None = None) -> None:
    """Mark coder ``g``'s codes present in the units (segments) their spans overlap
    (``overlap`` None), or whose characters the union of the coder's spans of the code
    covers by at least the share ``overlap``. ``units`` are (document, segment) in
    document order, ``bounds`` their (start, end). A coding without offsets (an old log)
    covers its whole segment.

    Vectorised: each document's positions are lifted onto one line (document number times
    a stride plus the offset), so one sorted search over every segment's ends finds each
    span's first segment and one over the starts its last (``line``: that line, if the
    caller has built it for another coder already)."""
    cols = as_columns(codings)
    if not cols.doc or not units:
        return
    doc_no, b, stride, seg_start, seg_end = line or segment_line(units, bounds)
    n_cols = len(cols.doc)
    d = np.fromiter(map(doc_no.get, cols.doc, repeat(-1)), dtype=np.int64, count=n_cols)
    k = np.fromiter(map(code_index.get, cols.code, repeat(-1)), dtype=np.int64,
                    count=n_cols)
    start = np.asarray(cols.start, dtype=np.int64)
    end = np.asarray(cols.end, dtype=np.int64)
    known = d >= 0
    whole = known & (end <= start)
    if whole.any():  # no offsets: the whole of its (first) segment
        where = {u: i for i, u in enumerate(units)}
        for j in np.flatnonzero(whole).tolist():
            at = where.get((cols.doc[j], cols.segment[j]))
            if at is not None:
                presence[g, at, k[j]] = True
    span = np.flatnonzero(known & (end > start))
    if not span.size:
        return
    k, start, end = k[span], start[span], end[span]
    # offsets past the document's end stay on its line (as the per-document search did)
    lift = d[span] * stride
    g_start = lift + np.minimum(start, stride - 1)
    g_end = lift + np.minimum(end, stride - 1)
    first = np.searchsorted(seg_end, g_start, side="right")  # first segment ending after start
    last = np.searchsorted(seg_start, g_end, side="left")  # segments starting before end
    n = np.maximum(last - first, 0)
    which = np.repeat(np.arange(span.size), n)
    unit = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n) + np.repeat(first, n)
    if not unit.size:
        return
    if overlap is None:
        presence[g, unit, k[which]] = True
        return
    # the union of each (unit, code)'s pieces, as covered() counts it, for all at once
    kk = k[which]
    lo = np.maximum(b[unit, 0], start[which])
    hi = np.minimum(b[unit, 1], end[which])
    group = unit * presence.shape[2] + kk
    order = np.lexsort((hi, lo, group))
    group, lo, hi, unit, kk = group[order], lo[order], hi[order], unit[order], kk[order]
    new_group = np.ones(group.size, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    gid = np.cumsum(new_group) - 1
    reach = np.maximum.accumulate(gid * stride + hi) - gid * stride
    before = np.empty_like(reach)
    before[0] = 0
    before[1:] = reach[:-1]
    before[new_group] = -1  # nothing covered yet in this group
    gain = np.maximum(hi - np.maximum(lo, before), 0)
    total = np.bincount(gid, weights=gain).astype(np.int64)
    heads = np.flatnonzero(new_group)
    hu, hk = unit[heads], kk[heads]
    size = b[hu, 1] - b[hu, 0]
    hit = total >= overlap * size - 1e-9
    presence[g, hu[hit], hk[hit]] = True


def covered(pieces: list[tuple[int, int]]) -> int:
    """How many characters the union of the stretches ``pieces`` covers.

    >>> covered([(0, 4), (2, 6), (10, 12)])
    8
    """
    total, reach = 0, None
    for s, e in sorted(pieces):
        if reach is None or s >= reach:
            total += e - s
            reach = e
        elif e > reach:
            total += e - reach
            reach = e
    return total

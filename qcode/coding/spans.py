"""Spans: a coding is a stretch ``[start, end)`` of a document's text (code points).

A span is a whole segment (what ``tag DOC SEGMENT`` codes), any part of one, or a stretch
across consecutive segments. The coder log records each span with its first segment
(``segment``), its offsets and its exact text (``quote``); a span across several segments
also lists them all (``segments``), so the fold can say which segments hold which codes
without reading the documents. Logs written before spans hold whole-segment spans.

This module knows documents, not logs: which segments a span touches, whether a span is a
valid one of a document, and the exact quote it holds.
"""

from __future__ import annotations

import bisect

from qcode.errors import UsageError
from qcode.models import Document, Segment


def segments_touched(doc: Document, start: int, end: int) -> list[Segment]:
    """The segments of ``doc`` that the span ``[start, end)`` overlaps, in document order.

    A segment is touched when it shares at least one character with the span (a span that
    ends where a segment starts does not touch it). An empty span touches the segment it
    lies in, if any.

    >>> from qcode.models import Segment as S
    >>> d = Document(id="D", title="D", format="txt", text="aaaa bbbb cccc",
    ...              segments=(S(id="D:1", start=0, end=4, speaker="A", turn=0),
    ...                        S(id="D:2", start=5, end=9, speaker="B", turn=1),
    ...                        S(id="D:3", start=10, end=14, speaker="A", turn=2)))
    >>> [s.id for s in segments_touched(d, 2, 7)]
    ['D:1', 'D:2']
    >>> [s.id for s in segments_touched(d, 4, 5)]
    []
    """
    segs = doc.segments
    if not segs:
        return []
    # segments are in document order and do not overlap: ends are sorted as well
    ends = [s.end for s in segs]
    i = bisect.bisect_right(ends, start)  # the first segment that ends after start
    out: list[Segment] = []
    last = max(end, start + 1)
    while i < len(segs) and segs[i].start < last:
        out.append(segs[i])
        i += 1
    return out


def segment_ids_touched(doc: Document, start: int, end: int) -> list[str]:
    """The ids of :func:`segments_touched`."""
    return [s.id for s in segments_touched(doc, start, end)]


def is_whole_segment(seg: Segment, start: int | None, end: int | None) -> bool:
    """Whether a coding's offsets are its segment's (or missing, as in some old logs)."""
    return start is None or end is None or (start == seg.start and end == seg.end)


def check_span(doc: Document, start: int, end: int) -> list[Segment]:
    """The segments a span of ``doc`` lies in; raise :class:`UsageError` when the span is
    not a stretch of the document's coded text (out of bounds, empty, blank, or outside
    every segment)."""
    n = len(doc.text)
    where = f"document {doc.id}"
    if not (0 <= start < end <= n):
        raise UsageError(f"span {start}-{end} is not inside {where} (0-{n})",
                         hint="give START-END with 0 <= START < END <= the text's length")
    touched = segments_touched(doc, start, end)
    if not touched:
        raise UsageError(f"span {start}-{end} of {where} lies outside every segment",
                         hint="qcode show DOC --format json gives each segment's start and end")
    first, last = touched[0], touched[-1]
    if start < first.start or end > last.end:
        raise UsageError(
            f"span {start}-{end} of {where} reaches beyond its segments "
            f"({first.id} starts at {first.start}, {last.id} ends at {last.end})",
            hint=f"give a span inside {first.start}-{last.end}")
    if not doc.text[start:end].strip():
        raise UsageError(f"span {start}-{end} of {where} holds only white space",
                         hint="code a stretch with words in it")
    return touched


def span_segments(touched: list[Segment]) -> list[str] | None:
    """The ``segments`` field of an add event: every id when the span crosses segments,
    None for a span in one segment (the usual case, which the log leaves out)."""
    return [s.id for s in touched] if len(touched) > 1 else None

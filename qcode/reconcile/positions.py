"""Reconciliation on character positions: the stretches of a segment each coder marked.

A coder's **coverage** of a code in a segment is the union of their spans of that code,
clipped to the segment, as sorted disjoint ``(start, end)`` pairs (code points of the
document's text; end exclusive). A whole-segment coding covers the segment; a span across
segments covers its part of each. The strategies combine coverages position by position:

``union``         the positions any coder marked;
``intersection``  the positions every coder marked;
``majority``      the positions more than half of the coders marked; positions exactly half
                  of them marked (an even split) are left out and reported as a tie.

>>> union([((0, 5),), ((3, 9),)])
((0, 9),)
>>> intersection([((0, 5),), ((3, 9),)])
((3, 5),)
>>> majority([((0, 5),), ((3, 9),), ((4, 6),)], 3)
((3, 6),)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from qcode.coding.fold import CoderState

#: a coverage: sorted, disjoint, non-empty (start, end) stretches
Spans = tuple[tuple[int, int], ...]
#: a coder's coverage of each code they gave in one segment
Coverage = Mapping[str, Spans]

WORD = re.compile(r"\S+")


def merge(pieces: Iterable[tuple[int, int]]) -> Spans:
    """The union of stretches as sorted disjoint ones (touching stretches join).

    >>> merge([(5, 9), (0, 3), (3, 4), (8, 12), (20, 20)])
    ((0, 4), (5, 12))
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted(pieces):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out)


def sweep(coverages: Sequence[Spans], keep: Callable[[int], bool]) -> Spans:
    """The positions where the number of coverages holding them satisfies ``keep``
    (one pass over the sorted ends: linear after sorting)."""
    edges = sorted([(s, 1) for c in coverages for s, _ in c] +
                   [(e, -1) for c in coverages for _, e in c])
    out: list[tuple[int, int]] = []
    depth, start = 0, None
    i = 0
    while i < len(edges):
        pos = edges[i][0]
        while i < len(edges) and edges[i][0] == pos:  # every edge at this position at once
            depth += edges[i][1]
            i += 1
        inside = depth > 0 and keep(depth)
        if inside and start is None:
            start = pos
        elif not inside and start is not None:
            out.append((start, pos))
            start = None
    return merge(out)


def union(coverages: Sequence[Spans]) -> Spans:
    return merge(x for c in coverages for x in c)


def intersection(coverages: Sequence[Spans]) -> Spans:
    """The positions every one of ``coverages`` holds (pairwise, each pass linear)."""
    if not coverages:
        return ()
    out = coverages[0]
    for other in coverages[1:]:
        both, i, j = [], 0, 0
        while i < len(out) and j < len(other):
            s, e = max(out[i][0], other[j][0]), min(out[i][1], other[j][1])
            if s < e:
                both.append((s, e))
            if out[i][1] < other[j][1]:
                i += 1
            else:
                j += 1
        out = tuple(both)
    return out


def majority(coverages: Sequence[Spans], k: int) -> Spans:
    """Positions marked by more than half of ``k`` coders (coverages of coders who did
    not give the code are simply absent)."""
    return sweep(coverages, lambda n: 2 * n > k)


def tied(coverages: Sequence[Spans], k: int) -> Spans:
    """Positions marked by exactly half of ``k`` coders (majority's ties)."""
    return sweep(coverages, lambda n: 2 * n == k)


def minus(a: Spans, b: Spans) -> Spans:
    """The positions of ``a`` that are not in ``b``.

    >>> minus(((0, 10),), ((2, 4), (6, 7)))
    ((0, 2), (4, 6), (7, 10))
    """
    out: list[tuple[int, int]] = []
    for s, e in a:
        pos = s
        for bs, be in b:
            if be <= pos or bs >= e:
                continue
            if bs > pos:
                out.append((pos, bs))
            pos = max(pos, be)
        if pos < e:
            out.append((pos, e))
    return tuple(out)


def trim(spans: Spans, text: str) -> Spans:
    """``spans`` without the white space at either end of each, and without those that
    hold only white space (the consensus codes words, not the gaps between them).

    >>> trim(((0, 4), (4, 5), (5, 11)), "one  two  ")
    ((0, 3), (5, 8))
    """
    out = []
    for s, e in spans:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        tail = len(piece) - len(piece.rstrip())
        if s + lead < e - tail:
            out.append((s + lead, e - tail))
    return tuple(out)


# ----------------------------------------------------------------------------- coders


def cross_spans(state: CoderState, doc: str) -> dict[str, list[tuple[str, int, int]]]:
    """segment -> (code, start, end) of the coder's spans that cross into it from an
    earlier segment of ``doc`` (read once per coder and document)."""
    out: dict[str, list[tuple[str, int, int]]] = {}
    for (d, first), by_key in state.multi.items():
        if d != doc:
            continue
        for (code, s, e), ev in by_key.items():
            for seg in ev.get("segments") or ():
                if seg != first:
                    out.setdefault(seg, []).append((code, s, e))
    return out


def coverage_in(keys: Iterable[tuple[str, int, int]], bounds: tuple[int, int],
                codes: frozenset[str] | None,
                crossing: Iterable[tuple[str, int, int]] = (),
                text: str | None = None) -> dict[str, Spans] | None:
    """A coder's coverage of each code in one segment from the (code, start, end) keys of
    the spans that start in it (start -1: a whole-segment coding of an old log) and of
    those ``crossing`` into it; None when every one covers the whole segment (the usual
    case: the code set says it all). With the document's ``text``, white space at the ends
    of a partial coverage is left out (two coders who marked the same words agree)."""
    lo, hi = bounds
    if not crossing:
        for _, s, e in keys:  # the usual case first, without building anything
            if s >= 0 and (s > lo or e < hi):
                break
        else:
            return None
        pieces_of: Iterable[tuple[str, int, int]] = keys
    else:
        pieces_of = [*keys, *crossing]
    return _coverage(pieces_of, lo, hi, codes, text)


def _coverage(keys: Iterable[tuple[str, int, int]], lo: int, hi: int,
              codes: frozenset[str] | None, text: str | None) -> dict[str, Spans] | None:
    pieces: dict[str, list[tuple[int, int]]] = {}
    partial = False
    for code, s, e in keys:
        if codes is not None and code not in codes:
            continue
        if s < 0 or (s <= lo and e >= hi):
            s, e = lo, hi
        else:
            s, e = max(s, lo), min(e, hi)
            partial = True
        pieces.setdefault(code, []).append((s, e))
    if not partial:
        return None
    out = {code: (p[0],) if len(p) == 1 else merge(p) for code, p in pieces.items()}
    if text is not None:
        for code, sp in out.items():
            if sp != ((lo, hi),):
                out[code] = trim(sp, text) or sp
    return out


def whole(bounds: tuple[int, int]) -> Spans:
    return (bounds,)


# ----------------------------------------------------------------------------- words


def word_edges(text: str, lo: int, hi: int) -> tuple[list[int], list[int]]:
    """The starts and ends of the words of ``text[lo:hi]`` (document positions)."""
    starts, ends = [], []
    for m in WORD.finditer(text, lo, hi):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def adjust(span: tuple[int, int], text: str, bounds: tuple[int, int], by_start: int,
           by_end: int) -> tuple[int, int] | None:
    """``span`` with its start moved by ``by_start`` words and its end by ``by_end`` words
    (negative: to the left), kept inside the segment ``bounds``; None when nothing would
    be left.

    >>> t = "one two three four five"
    >>> adjust((4, 13), t, (0, len(t)), -1, 1)
    (0, 18)
    >>> adjust((4, 13), t, (0, len(t)), 1, -1)
    (8, 13)
    """
    starts, ends = word_edges(text, *bounds)
    if not starts:
        return None
    s, e = span
    i = max(bisect.bisect_right(starts, s) - 1, 0)  # the word the start is in (or before)
    j = min(bisect.bisect_left(ends, e), len(ends) - 1)  # the word the end is in
    i = min(max(i + by_start, 0), len(starts) - 1)
    j = min(max(j + by_end, 0), len(ends) - 1)
    new_s = s if by_start == 0 else starts[i]
    new_e = e if by_end == 0 else ends[j]
    return (new_s, new_e) if new_s < new_e else None


def context(text: str, bounds: tuple[int, int], span: tuple[int, int],
            width: int = 40) -> tuple[str, str]:
    """Up to ``width`` characters of the segment before and after ``span``, cut at a word
    boundary, with ``...`` where the segment goes on."""
    lo, hi = bounds
    s, e = span
    before = text[max(lo, s - width):s]
    if s - width > lo:
        cut = before.find(" ")
        before = "..." + (before[cut + 1:] if cut >= 0 else before)
    after = text[e:min(hi, e + width)]
    if e + width < hi:
        cut = after.rfind(" ")
        after = (after[:cut] if cut > 0 else after) + "..."
    return before.replace("\n", " "), after.replace("\n", " ")

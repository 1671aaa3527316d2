"""Finding a span by its words: ``tag --quote``, ``untag --quote`` and a codings CSV's quote.

A quote is looked for inside the segments it is said to be in, word for word: letters,
digits and punctuation exactly as typed, any run of white space in the quote matching any
run of white space in the text (a line break in a transcript is a space when typed). One
match is the span; several are an error that lists each with its offsets (``occurrence``
picks one); none is an error with, when rapidfuzz finds a close stretch, a did-you-mean.

Transcript text stays out of messages, with one allowance: a did-you-mean shows the close
stretch cut to the length of the quote the user typed (the user's own words are fine, and
a stretch as long as them says no more than they did).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from qcode.errors import NotFoundError, UsageError
from qcode.models import Document, Segment

#: a near miss is suggested from this partial-match score (0-100) on
NEAR = 75.0
#: at most this many matches are listed in the error of an ambiguous quote
LISTED = 10


@dataclass(frozen=True)
class Match:
    """One place a quote was found: ``[start, end)`` in the document text."""

    start: int
    end: int
    segment: str  # the segment the match starts in


def _pattern(quote: str) -> re.Pattern[str]:
    words = quote.split()
    if not words:
        raise UsageError("the quote is empty", hint="give the exact words to code, in quotes")
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _where(segments: list[Segment]) -> str:
    return segments[0].id if len(segments) == 1 else f"{segments[0].id}-{segments[-1].id}"


def _segment_at(segments: list[Segment], offset: int) -> str:
    for seg in segments:
        if offset < seg.end:
            return seg.id
    return segments[-1].id


def _cut(text: str, n: int) -> str:
    """``text`` cut to at most ``n`` characters, at the end of a word when it is longer."""
    if len(text) <= n:
        return text
    cut = text[:n]
    if not text[n].isspace() and " " in cut.strip():
        cut = cut.rstrip().rsplit(None, 1)[0]
    return cut


def find_all(doc: Document, segments: list[Segment], quote: str) -> list[Match]:
    """Every place ``quote`` occurs inside ``segments`` (a run of consecutive segments of
    ``doc``, in order), overlapping ones included, in document order."""
    pattern = _pattern(quote)
    lo, hi = segments[0].start, segments[-1].end
    out: list[Match] = []
    pos = lo
    while True:
        m = pattern.search(doc.text, pos, hi)
        if m is None:
            return out
        out.append(Match(m.start(), m.end(), _segment_at(segments, m.start())))
        pos = m.start() + 1


def near_miss(doc: Document, segments: list[Segment], quote: str) -> tuple[int, int, float]:
    """The stretch of ``segments`` most like ``quote`` (rapidfuzz partial matching):
    ``(start, end, score)`` with document offsets; score 0 when there is nothing alike."""
    lo, hi = segments[0].start, segments[-1].end
    text = " ".join(quote.split())
    found = fuzz.partial_ratio_alignment(text, doc.text[lo:hi])
    if found is None:
        return (lo, lo, 0.0)
    start, end = lo + found.dest_start, lo + found.dest_end
    stretch = doc.text[start:end]  # no white space at its edges
    start += len(stretch) - len(stretch.lstrip())
    end = max(start, end - (len(stretch) - len(stretch.rstrip())))
    text = doc.text  # whole words: the alignment may cut into the first or last one
    while start > lo and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while hi > end > start and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return (start, end, float(found.score))


def locate(doc: Document, segments: list[Segment], quote: str,
           occurrence: int | None = None) -> Match:
    """The span of ``quote`` inside ``segments``; ``occurrence`` (1-based) picks one of
    several matches. Raises :class:`NotFoundError` when the quote is not there (with a
    did-you-mean when a close stretch is), :class:`UsageError` when it is there more than
    once and no occurrence was given, or the occurrence does not exist."""
    where = _where(segments)
    found = find_all(doc, segments, quote)
    if not found:
        start, end, score = near_miss(doc, segments, quote)
        if score >= NEAR:
            shown = _cut(doc.text[start:end], len(quote))
            raise NotFoundError(
                f"the quote is not in {where} word for word; the closest stretch is "
                f"{start}-{end} ({score:.0f}% alike)",
                hint=f"did you mean \"{' '.join(shown.split())}\"? Give those words "
                     f"with --quote, or the span with --span {start}-{end}")
        raise NotFoundError(f"the quote is not in {where}",
                            hint="check the words and the segment (qcode show "
                                 f"{doc.id} lists the segments)")
    if occurrence is not None:
        if not 1 <= occurrence <= len(found):
            raise UsageError(f"there is no occurrence {occurrence} of the quote in {where}: "
                             f"it occurs {len(found)} time{'s' if len(found) != 1 else ''}",
                             hint=f"give --occurrence 1 to {len(found)}" if len(found) > 1
                             else "leave out --occurrence")
        return found[occurrence - 1]
    if len(found) > 1:
        listed = "; ".join(f"{i}: {m.start}-{m.end} in {m.segment}"
                           for i, m in enumerate(found[:LISTED], start=1))
        more = f"; and {len(found) - LISTED} more" if len(found) > LISTED else ""
        raise UsageError(f"the quote occurs {len(found)} times in {where} ({listed}{more})",
                         hint=f"pick one with --occurrence N (1-{len(found)}), give more "
                              "words, or give the span with --span START-END")
    return found[0]


def parse_span(text: str) -> tuple[int, int]:
    """``START-END`` (document offsets in code points) as two integers."""
    m = re.fullmatch(r"\s*(\d+)\s*[-:]\s*(\d+)\s*", text)
    if m is None:
        raise UsageError(f"'{text}' is not a span", hint="write START-END, e.g. --span 120-164")
    start, end = int(m[1]), int(m[2])
    if end <= start:
        raise UsageError(f"the span '{text}' is empty or runs backwards",
                         hint="write START-END with START < END")
    return start, end


def within(segments: list[Segment], start: int, end: int) -> None:
    """Check that a span given with ``--span`` lies inside the segments named with it."""
    lo, hi = segments[0].start, segments[-1].end
    if start < lo or end > hi:
        raise UsageError(f"span {start}-{end} is not inside {_where(segments)} ({lo}-{hi})",
                         hint=f"give a span inside {lo}-{hi}, or name the segment(s) it "
                              "lies in")

"""Views of ingested documents for people and programs: the ``docs`` list, ``show`` text/JSON.

The JSON of one document (``qcode show DOC --format json``)::

    {"id", "title", "format", "attributes", "speakers",
     "turns": [{"speaker", "start", "end", "text", "time"}],
     "segments": [{"id", "start", "end", "speaker", "text"}]}

``start``/``end`` are ``[start, end)`` code-point offsets into the document text; ``time``
is ``{"start": seconds, "end": seconds}`` (either may be null) or null when the format has
no times. With a coder, each segment also has ``codes`` (the codes whose spans touch it)
and ``memo``, and the document has ``codings``: each of the coder's spans as ``{"code",
"start", "end", "quote", "segments"}``.

In the text view a coder's whole-segment codings are listed under the segment
(``=> CODE, CODE``) and spans that are part of a segment, or run across segments, are
marked inside the text as ``[[coded words]]{CODE}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qcode.clock import clock
from qcode.coding.spans import segment_ids_touched
from qcode.models import Coding, Document


def word_count(text: str) -> int:
    return len(text.split())


def _time(start: float | None, end: float | None) -> dict[str, float | None] | None:
    if start is None and end is None:
        return None
    return {"start": start, "end": end}


CodesOf = dict[str, tuple[list[str], str | None]]
"""Segment id -> (codes, memo) of one coder, for showing a coder's work beside the text."""

Span = tuple[str, int, int]
"""(code, start, end) of a coded span."""

#: the line under a text view that explains its span markers
LEGEND = "[[...]]{CODE}: words coded CODE (part of a segment, or across segments); " \
    "=> CODE: the whole segment"


def spans_of(doc: Document, codings: Iterable[Coding]) -> list[Span]:
    """The coder's spans in ``doc`` as (code, start, end), in text order; a coding made
    before offsets were recorded is its whole segment."""
    bounds = {s.id: (s.start, s.end) for s in doc.segments}
    out = []
    for c in codings:
        start, end = (c.start, c.end) if c.end > c.start else bounds.get(c.segment, (0, 0))
        out.append((c.code, start, end))
    return sorted(set(out), key=lambda x: (x[1], -x[2], x[0]))


def codings_json(doc: Document, spans: list[Span]) -> list[dict[str, Any]]:
    """The ``codings`` of the JSON view: each span with its quote and segments."""
    return [{"code": code, "start": s, "end": e, "quote": doc.text[s:e],
             "segments": segment_ids_touched(doc, s, e)} for code, s, e in spans]


def whole_codes(doc: Document, spans: list[Span], memos: dict[str, str | None]) -> CodesOf:
    """Segment id -> (the codes on the whole segment, memo): the ``=> `` lines."""
    whole: dict[tuple[int, int], list[str]] = {}
    for code, s, e in spans:
        whole.setdefault((s, e), []).append(code)
    return {g.id: (sorted(whole.get((g.start, g.end), [])), memos.get(g.id))
            for g in doc.segments}


def partial_spans(doc: Document, spans: list[Span]) -> list[Span]:
    """The spans that are not exactly one segment (marked inside the text)."""
    segs = {(g.start, g.end) for g in doc.segments}
    return [x for x in spans if (x[1], x[2]) not in segs]


def marked(text: str, lo: int, hi: int, spans: list[Span]) -> str:
    """``text[lo:hi]`` with ``[[`` where a span starts and ``]]{CODE}`` where it ends
    (spans nest: at one place, ends close the innermost first, starts open the outermost
    first).

    >>> marked("the ministry sets the plan", 0, 26, [("G1", 4, 17), ("G3", 13, 26)])
    'the [[ministry [[sets]]{G1} the plan]]{G3}'
    """
    inserts: list[tuple[int, int, int, str]] = []
    for code, s, e in spans:
        if lo <= s < hi:
            inserts.append((s, 1, -e, "[["))
        if lo < e <= hi:
            inserts.append((e, 0, -s, f"]]{{{code}}}"))
    if not inserts:
        return text[lo:hi]
    out, at = [], lo
    for pos, _, _, mark in sorted(inserts):
        out += [text[at:pos], mark]
        at = pos
    out.append(text[at:hi])
    return "".join(out)


def as_json(doc: Document, codes: CodesOf | None = None,
            spans: list[Span] | None = None) -> dict[str, Any]:
    """The JSON view; with ``codes``, each segment also has ``codes`` and ``memo``; with
    ``spans`` (every span of the coder), the document has ``codings``."""
    text = doc.text
    out: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "format": doc.format,
        "attributes": dict(doc.attributes),
        "speakers": list(doc.speakers),
        "turns": [{"speaker": t.speaker, "start": t.start, "end": t.end,
                   "text": text[t.start:t.end], "time": _time(t.time_start, t.time_end)}
                  for t in doc.turns],
        "segments": [{"id": s.id, "start": s.start, "end": s.end, "speaker": s.speaker,
                      "text": text[s.start:s.end]} for s in doc.segments],
    }
    if codes is not None:
        for seg in out["segments"]:
            on, memo = codes.get(seg["id"], ([], None))
            seg["codes"] = list(on)
            seg["memo"] = memo
    if spans is not None:
        out["codings"] = codings_json(doc, spans)
    return out


def summary(doc: Document) -> dict[str, Any]:
    """One row of ``qcode docs``."""
    return {"id": doc.id, "title": doc.title, "format": doc.format, "unit": doc.unit,
            "turns": len(doc.turns), "segments": len(doc.segments),
            "words": word_count(doc.text), "speakers": list(doc.speakers),
            "attributes": dict(doc.attributes), "source": doc.source_name}


def summaries(docs: list[Document]) -> list[dict[str, Any]]:
    return [summary(d) for d in docs]


def as_text_lines(doc: Document, codes: CodesOf | None = None,
                  spans: list[Span] | None = None) -> list[str]:
    """The text view: a heading, then each segment as ``ID  SPEAKER [time]: text``;
    further lines of a segment are indented; with ``codes``, a ``  => CODE, CODE`` line (and
    the memo) under each coded segment; ``spans`` (not whole segments) are marked inside
    the text, and a legend line ends the view."""
    turns, segs = len(doc.turns), len(doc.segments)
    lines = [f"{doc.id}: {doc.title} ({doc.format}, {turns} turn{'' if turns == 1 else 's'}, "
             f"{segs} segment{'' if segs == 1 else 's'} by {doc.unit}, speakers: "
             f"{', '.join(doc.speakers)})"]
    if doc.attributes:
        lines.append("  " + ", ".join(f"{k}={v}" for k, v in doc.attributes.items()))
    lines.append("")
    text = doc.text
    for s in doc.segments:
        when = f" [{clock(s.time_start)}]" if s.time_start is not None else ""
        said = marked(text, s.start, s.end, spans) if spans else text[s.start:s.end]
        body = said.replace("\n\n", "\n").split("\n")
        lines.append(f"{s.id}  {s.speaker}{when}: {body[0]}")
        lines.extend(f"    {b}" for b in body[1:])
        if codes is not None and s.id in codes:
            on, memo = codes[s.id]
            if on:
                lines.append(f"    => {', '.join(on)}")
            if memo:
                lines.append(f"    memo: {memo}")
    if spans:
        lines += ["", LEGEND]
    return lines

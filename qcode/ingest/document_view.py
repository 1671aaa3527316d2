"""Views of ingested documents for people and programs: the ``docs`` list, ``show`` text/JSON.

The JSON of one document (``qcode show DOC --format json``)::

    {"id", "title", "format", "attributes", "speakers",
     "turns": [{"speaker", "start", "end", "text", "time"}],
     "segments": [{"id", "start", "end", "speaker", "text"}]}

``start``/``end`` are ``[start, end)`` code-point offsets into the document text; ``time``
is ``{"start": seconds, "end": seconds}`` (either may be null) or null when the format has
no times.
"""

from __future__ import annotations

from typing import Any

from qcode.clock import clock
from qcode.models import Document


def word_count(text: str) -> int:
    return len(text.split())


def _time(start: float | None, end: float | None) -> dict[str, float | None] | None:
    if start is None and end is None:
        return None
    return {"start": start, "end": end}


CodesOf = dict[str, tuple[list[str], str | None]]
"""Segment id -> (codes, memo) of one coder, for showing a coder's work beside the text."""


def as_json(doc: Document, codes: CodesOf | None = None) -> dict[str, Any]:
    """The JSON view; with ``codes``, each segment also has ``codes`` and ``memo``."""
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
    return out


def summary(doc: Document) -> dict[str, Any]:
    """One row of ``qcode docs``."""
    return {"id": doc.id, "title": doc.title, "format": doc.format, "unit": doc.unit,
            "turns": len(doc.turns), "segments": len(doc.segments),
            "words": word_count(doc.text), "speakers": list(doc.speakers),
            "attributes": dict(doc.attributes), "source": doc.source_name}


def summaries(docs: list[Document]) -> list[dict[str, Any]]:
    return [summary(d) for d in docs]


def as_text_lines(doc: Document, codes: CodesOf | None = None) -> list[str]:
    """The text view: a heading, then each segment as ``ID  SPEAKER [time]: text``;
    further lines of a segment are indented; with ``codes``, a ``  => CODE, CODE`` line (and
    the memo) under each coded segment."""
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
        body = text[s.start:s.end].replace("\n\n", "\n").split("\n")
        lines.append(f"{s.id}  {s.speaker}{when}: {body[0]}")
        lines.extend(f"    {b}" for b in body[1:])
        if codes is not None and s.id in codes:
            on, memo = codes[s.id]
            if on:
                lines.append(f"    => {', '.join(on)}")
            if memo:
                lines.append(f"    memo: {memo}")
    return lines

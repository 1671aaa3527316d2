"""Source texts -> qcode Documents for an import.

- A source exported by qcode carries its document structure (title, turns, segments,
  provenance) in the Description trailer: the document comes back exactly.
- Any other source keeps its text **verbatim** (LF line ends, no BOM), so every offset
  stays exact; it is segmented into paragraphs (blank-line separated; a text without blank
  lines, as NVivo writes it, has one paragraph per line), and a paragraph that starts with
  a speaker label (``Interviewer:``, ``R:``, ``P1:`` or a name used at least twice) is
  split there and gets that speaker. Labels stay in the text.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qcode.formats.labels import KNOWN_SPEAKER, LABEL_LINE, is_metadata_key
from qcode.ingest.segmentation import paragraph_spans, segment_id
from qcode.models import Document, Segment, Turn
from qcode.project import DOC_ID_RE

_LINE = re.compile(r"[^\n]+")


def doc_id_from_name(name: str, guid: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(name.replace("\\", "/")).stem).strip("-.")[:64]
    if stem and DOC_ID_RE.match(stem):
        return stem
    return "source-" + re.sub(r"[^A-Za-z0-9]", "", guid)[:8].lower()


def from_trailer(data: dict[str, Any], text: str, attributes: dict[str, str]) -> Document | None:
    """The document a qcode export described, or None if the description does not fit."""
    try:
        # plain dicts, validated with the document in one call (a model call per turn and
        # segment was most of an import's validation: 400,000 at 2,000 transcripts)
        turns = [{"speaker": t[0], "start": t[1], "end": t[2], "time_start": t[3],
                  "time_end": t[4]} for t in data.get("turns", [])]
        segments = [{"id": s[0], "start": s[1], "end": s[2], "speaker": s[3], "turn": s[4],
                     "time_start": s[5], "time_end": s[6]} for s in data.get("segments", [])]
        doc = Document.model_validate({
            "id": str(data["id"]), "title": str(data.get("title", data["id"])),
            "format": str(data.get("format", "refi-qda")),
            "unit": data.get("unit", "paragraph"), "attributes": attributes, "text": text,
            "turns": turns, "segments": segments, "sha256": str(data.get("sha256", "")),
            "source_name": str(data.get("source_name", "")),
            "encoding": str(data.get("encoding", ""))})
    except (ValidationError, KeyError, IndexError, TypeError, ValueError):
        return None
    n = len(text)
    if not DOC_ID_RE.match(doc.id) or any(s.end > n for s in doc.segments) or any(
            t.end > n for t in doc.turns):
        return None
    return doc


def _line_spans(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _label(text: str, start: int, end: int) -> str | None:
    m = LABEL_LINE.match(text[start:end].split("\n", 1)[0])
    if m is None or m.group("rest") is None:
        return None
    return m.group("label").strip()


def foreign(doc_id: str, title: str, text: str, attributes: dict[str, str],
            source_name: str, raw: bytes) -> Document:
    """A document for a source qcode did not write (see the module docstring)."""
    spans = paragraph_spans(text, 0, len(text)) if "\n\n" in text else _line_spans(text)
    # lines inside a paragraph that start with a speaker label start a new unit
    lines: list[tuple[int, int]] = []
    for s, e in spans:
        cuts = [s]
        for m in _LINE.finditer(text, s, e):
            if m.start() > s and _label(text, m.start(), m.end()):
                cuts.append(m.start())
        cuts.append(e)
        for a, b in pairwise(cuts):
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                lines.append((a, b))
    labels = [_label(text, s, e) for s, e in lines]
    counts = Counter(lb for lb in labels if lb)
    speakers = {lb for lb, n in counts.items()
                if not is_metadata_key(lb) and (KNOWN_SPEAKER.match(lb) or n >= 2)}
    turns, segments = [], []
    current = "unknown"
    for i, ((s, e), lb) in enumerate(zip(lines, labels, strict=True)):
        if lb in speakers:
            current = lb
        turns.append(Turn.model_construct(speaker=current, start=s, end=e, time_start=None,
                                          time_end=None))
        segments.append(Segment.model_construct(id=segment_id(doc_id, i + 1), start=s, end=e,
                                                speaker=current, turn=i, time_start=None,
                                                time_end=None))
    return Document(id=doc_id, title=title, format="refi-qda", unit="paragraph",
                    attributes=attributes, text=text, turns=tuple(turns),
                    segments=tuple(segments), sha256=hashlib.sha256(raw).hexdigest(),
                    source_name=source_name, encoding="utf-8")


class Overlaps:
    """The segments of a document that a span ``[s, e)`` overlaps, in order: by binary
    search when the segments' starts and ends both run in order (as qcode makes them),
    else by a scan (a scan per selection was a tenth of an import at 2,000 transcripts)."""

    def __init__(self, segments: tuple[Segment, ...]) -> None:
        self.segments = segments
        self.starts = [g.start for g in segments]
        self.ends = [g.end for g in segments]
        self.ordered = all(a <= b for a, b in pairwise(self.starts)) and \
            all(a <= b for a, b in pairwise(self.ends))

    def of(self, s: int, e: int) -> list[Segment]:
        if not self.ordered:
            return [g for g in self.segments if g.start < e and g.end > s]
        # ends in order: those after s are a tail; starts in order: those before e a head
        return list(self.segments[bisect_right(self.ends, s):bisect_left(self.starts, e)])

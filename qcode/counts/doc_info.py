"""What counting needs of each document (:class:`DocInfo`), from the index where it can
vouch for the document (:mod:`qcode.index`) and from the file otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from qcode._io.nofollow import read_nofollow
from qcode.coding.events import loads as _loads
from qcode.errors import ProjectDamagedError
from qcode.index.documents import DocMeta, project_documents
from qcode.models import Coding
from qcode.project import Project, damaged_document_hint


@dataclass
class DocInfo:
    """What counting needs of a document: attributes and per-segment speaker, time, order."""

    id: str
    title: str
    attributes: dict[str, str]
    #: segment id -> (position in the document, speaker, time_start, time_end)
    segments: dict[str, tuple[int, str, float | None, float | None]]
    #: segment id -> its [start, end) offsets, in document order (spans: the segments
    #: a coding touches, and a report's context)
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: the document text (spans are offsets into it)
    text: str = ""
    #: the turn number of each segment, in document order (for :attr:`turns`, worked out
    #: only when a report asks for context)
    turn_numbers: list[int] = field(default_factory=list)

    @cached_property
    def turns(self) -> dict[str, tuple[int, int]]:
        """Segment id -> the [start, end) of the speaker turn it is part of (a report's
        context stays inside the turn)."""
        turn: dict[int, tuple[int, int]] = {}
        pairs = list(zip(self.bounds.items(), self.turn_numbers, strict=False))
        for (_, (start, end)), t in pairs:
            lo, hi = turn.get(t, (start, end))
            turn[t] = (min(lo, start), max(hi, end))
        return {sid: turn[t] for (sid, _), t in pairs}

    def touched(self, c: Coding) -> list[str]:
        """The segments the span of ``c`` touches, from its first segment on."""
        b = self.bounds.get(c.segment)
        if b is None or c.end <= b[1]:
            return [c.segment]
        ids = list(self.bounds)
        out: list[str] = []
        for sid in ids[self.segments[c.segment][0]:]:
            if self.bounds[sid][0] >= c.end:
                break
            out.append(sid)
        return out


def doc_info(path: Path) -> DocInfo:
    """A document as counting needs it, read straight from its file."""
    try:
        raw = _loads(read_nofollow(path))
        rows = raw.get("segments", ())
        segs = {s["id"]: (i, s["speaker"], s.get("time_start"), s.get("time_end"))
                for i, s in enumerate(rows)}
        bounds = {s["id"]: (s["start"], s["end"]) for s in rows}
        attrs = {str(k): str(v) for k, v in (raw.get("attributes") or {}).items()}
        return DocInfo(id=raw["id"], title=raw.get("title", raw["id"]), attributes=attrs,
                       segments=segs, bounds=bounds, text=raw.get("text", ""),
                       turn_numbers=[s.get("turn", -1) for s in rows])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ProjectDamagedError(f"{path}: not a valid qcode document",
                                  hint=damaged_document_hint(path.stem)) from None


def indexed_info(m: DocMeta) -> DocInfo:
    """The same :class:`DocInfo` as :func:`doc_info`, from the index."""
    ids = m.segment_ids
    return DocInfo(id=m.id, title=m.title, attributes=m.attributes,
                   segments={s: (k, sp, t0, t1) for k, (s, sp, t0, t1) in enumerate(
                       zip(ids, m.speakers, m.time_starts, m.time_ends, strict=True))},
                   bounds=dict(zip(ids, zip(m.starts, m.ends, strict=True), strict=True)),
                   text=m.text, turn_numbers=list(m.turns))


def corpus_documents(project: Project) -> dict[str, DocInfo]:
    """Every document of the project, by file name (the same with or without the index)."""
    indexed = project_documents(project, text=True)
    return {i: indexed_info(indexed[i]) if i in indexed else doc_info(project.document_path(i))
            for i in project.document_ids()}

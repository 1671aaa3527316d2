"""What counting needs of each document (:class:`DocInfo`), from the index where it can
vouch for the document (:mod:`qcode.index`) and from the file otherwise."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    # the dicts are built by zip in C: a Python step per segment costs 0.1 s at 200,000
    return DocInfo(id=m.id, title=m.title, attributes=m.attributes,
                   segments=dict(zip(ids, zip(range(len(ids)), m.speakers, m.time_starts,
                                              m.time_ends, strict=True), strict=True)),
                   bounds=dict(zip(ids, zip(m.starts, m.ends, strict=True), strict=True)),
                   text=m.text, turn_numbers=list(m.turns))


class _Texts:
    """The texts of a project's documents, read from the index the first time one is asked
    for (all at once: whoever needs one text mostly needs them all)."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._indexed: dict[str, DocMeta] | None = None

    def text(self, doc_id: str) -> str:
        if self._indexed is None:
            self._indexed = project_documents(self._project, text=True)
        meta = self._indexed.get(doc_id)
        if meta is not None:
            return meta.text
        return doc_info(self._project.document_path(doc_id)).text


class _TextOnDemand(DocInfo):
    """A :class:`DocInfo` from the index whose text is read only when something asks for
    it: counting reads no text; coverage, a coding without offsets and a report's context
    do. The text is that of the document file as it is when the first text is asked for (a
    document replaced during the command, between its segments and its text being read,
    can give the newer text)."""

    def __init__(self, info: DocInfo, texts: _Texts) -> None:
        self.__dict__.update(info.__dict__)
        self.__dict__["text"] = None
        self._texts = texts

    @property
    def text(self) -> str:
        got: str | None = self.__dict__["text"]
        if got is None:
            got = self.__dict__["text"] = self._texts.text(self.id)
        return got

    @text.setter
    def text(self, value: str) -> None:
        self.__dict__["text"] = value


def corpus_documents(project: Project) -> dict[str, DocInfo]:
    """Every document of the project, by file name (the same with or without the index).

    Texts are read when first asked for (most counts need none; at 2,000 transcripts they
    are 70 MB)."""
    indexed = project_documents(project)
    texts = _Texts(project)
    return {i: _TextOnDemand(indexed_info(indexed[i]), texts) if i in indexed
            else doc_info(project.document_path(i)) for i in project.document_ids()}


def indexed_layout(docs: Mapping[str, DocInfo], ids: Iterable[str]
                   ) -> tuple[dict[str, list[str]], dict[str, list[tuple[int, int]]]] | None:
    """:func:`qcode.index.documents.document_segments` of the documents ``ids`` (file
    names), taken from ``docs`` (:func:`corpus_documents`) instead of the index again:
    each document's segment ids and bounds, keyed by its own id. None when one of them
    was not read from the index (the caller then reads them the direct way, which reports
    a damaged document as it always has)."""
    segments: dict[str, list[str]] = {}
    bounds: dict[str, list[tuple[int, int]]] = {}
    for d in ids:
        info = docs.get(d)
        if not isinstance(info, _TextOnDemand) or \
                not len(info.segments) == len(info.bounds) == len(info.turn_numbers):
            return None  # read from its file, or a segment id twice (kept once in a dict)
        segments[info.id] = list(info.segments)
        bounds[info.id] = list(info.bounds.values())
    return segments, bounds

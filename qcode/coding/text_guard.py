"""Coding writes never land on a transcript's old offsets.

Every append to a coder log runs inside :func:`guarded`: it holds the project lock shared
(:func:`qcode._io.project_lock.coding_write`), so it waits while ``ingest --replace``
changes a document and re-anchors the codings on it. If any document changed after the
command opened the project (the text generation moved), the codings it is about to write
were perhaps computed from the old text: each ``add`` must then still quote the current
text at its offsets, and each ``remove`` name a segment that still has its offsets.
Otherwise nothing is written and the command is refused; run again, it reads the new text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from qcode._io.project_lock import coding_write
from qcode.errors import ConflictError, QcodeError
from qcode.models import Document
from qcode.project import Project


@contextmanager
def guarded(project: Project, events: Iterable[Mapping[str, Any]]) -> Iterator[None]:
    """Run one append under the shared project lock, refusing events on changed text."""
    with coding_write(project.root) as now:
        if now is not None and now != project.text_generation:
            check_anchors(project, events)
        yield


def _current(project: Project, doc_id: str, cache: dict[str, Document | None]
             ) -> Document | None:
    if doc_id not in cache:
        try:
            cache[doc_id] = project.load_document(doc_id) if project.has_document(doc_id) \
                else None
        except QcodeError:  # a damaged document is reported by whoever reads it
            cache[doc_id] = None
    return cache[doc_id]


def stale_documents(project: Project, events: Iterable[Mapping[str, Any]]) -> list[str]:
    """Documents whose current text does not hold these events at their offsets."""
    cache: dict[str, Document | None] = {}
    stale: dict[str, None] = {}
    for ev in events:
        op, doc_id, start, end = ev.get("op"), ev.get("doc"), ev.get("start"), ev.get("end")
        if op not in ("add", "remove") or not isinstance(doc_id, str) \
                or not isinstance(start, int) or not isinstance(end, int):
            continue
        doc = _current(project, doc_id, cache)
        if doc is None:
            continue
        quote = ev.get("quote")
        if op == "add":
            ok = doc.text[start:end] == quote if isinstance(quote, str) else \
                _same_segment(doc, ev.get("segment"), start, end)
        else:
            ok = _same_segment(doc, ev.get("segment"), start, end)
        if not ok:
            stale[doc_id] = None
    return list(stale)


def _same_segment(doc: Document, segment: object, start: int, end: int) -> bool:
    seg = doc.segment(segment) if isinstance(segment, str) else None
    return seg is not None and (seg.start, seg.end) == (start, end)


def check_anchors(project: Project, events: Iterable[Mapping[str, Any]]) -> None:
    """Refuse events computed from a document's text that has been replaced since."""
    stale = stale_documents(project, events)
    if stale:
        names = ", ".join(stale)
        raise ConflictError(
            f"the text of {names} was replaced (qcode ingest --replace) while this command "
            "ran; nothing was saved",
            hint="run the command again: it will use the new text")

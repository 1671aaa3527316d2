"""Replacing a document's text: the crash-safe order and re-anchoring, in the core.

``qcode.ingest.run.ingest`` holds the project lock exclusively
(:func:`qcode._io.project_lock.changing_text`) and, for each document it replaces:

1. keeps the old version as a hidden *pending* marker, ``documents/.<id>.before-replace.json``
   (for a damaged old file, a marker that says so, and a copy of the damaged bytes as
   ``documents/.<id>.json.damaged-<time>``);
2. saves the new version (atomically);
3. re-anchors every coder's codings and memos (consensus coders of a reconciliation are
   coders too) with :func:`qcode.ingest.reanchor.reanchor_project`;
4. removes the marker.

A kill between 2 and 4 leaves the marker: :func:`finish_pending`, run whenever a command
opens the project, re-anchors those codings before anything reads them (re-anchoring is
idempotent: codings already moved are found unchanged).
"""

from __future__ import annotations

import json
from pathlib import Path

from qcode._io import atomic
from qcode._io.project_lock import changing_text
from qcode.errors import ProjectDamagedError, QcodeError
from qcode.ingest import reanchor
from qcode.ingest.reanchor import ReanchorReport
from qcode.models import Document
from qcode.project import Project, now_iso

MARKER_SUFFIX = ".before-replace.json"


def marker_path(project: Project, doc_id: str) -> Path:
    return project.documents_dir / f".{doc_id}{MARKER_SUFFIX}"


def mark_pending(project: Project, old: Document) -> None:
    """Keep the document being replaced until its codings are re-anchored (durably first:
    a kill between saving the new version and re-anchoring must not lose the old one)."""
    path = marker_path(project, old.id)
    if not path.exists():  # an older pending version is the one the codings point at
        atomic.write_text(path, old.model_dump_json() + "\n")


def set_damaged_aside(project: Project, doc_id: str) -> Path:
    """Before a damaged ``documents/<id>.json`` is replaced: mark the re-anchoring pending
    (by quotes only, as there is no readable old version) and keep a copy of the damaged
    bytes beside it. Returns the copy's path."""
    path = marker_path(project, doc_id)
    if not path.exists():
        atomic.write_text(path, json.dumps({"id": doc_id, "damaged": True}) + "\n")
    stamp = now_iso().replace(":", "").replace("-", "")
    aside = project.documents_dir / f".{doc_id}.json.damaged-{stamp}"
    atomic.write_bytes(aside, project.document_path(doc_id).read_bytes())
    return aside


def clear_pending(project: Project, doc_id: str) -> None:
    """Re-anchoring of ``doc_id`` is done (or not needed): drop the marker."""
    marker_path(project, doc_id).unlink(missing_ok=True)


def pending_ids(project: Project) -> list[str]:
    """Documents whose re-anchoring after a replace has not finished (cheap: one listing)."""
    folder = project.documents_dir
    if not folder.is_dir():
        return []
    return sorted(p.name[1:-len(MARKER_SUFFIX)] for p in folder.glob(f".*{MARKER_SUFFIX}"))


def _old_version(project: Project, doc_id: str) -> tuple[bool, Document | None]:
    """(readable, the old document or None when it was damaged) from the marker."""
    try:
        raw = marker_path(project, doc_id).read_bytes()
    except OSError:
        return False, None
    try:
        return True, Document.model_validate_json(raw)
    except ValueError:
        pass
    try:
        data = json.loads(raw)
    except ValueError:
        return False, None
    return (isinstance(data, dict) and data.get("damaged") is True), None


def reanchor_replaced(project: Project, old: Document | None,
                      new: Document) -> ReanchorReport | None:
    """Re-anchor the codings on a replaced document (already saved), then clear its marker.
    None when the project has no coder logs at all. The caller holds the project lock."""
    report = None
    if project.codings_dir.is_dir() and any(project.codings_dir.glob("*.jsonl")):
        report = reanchor.reanchor_project(project, old, new)
    clear_pending(project, new.id)
    return report


def finish_locked(project: Project) -> list[ReanchorReport]:
    """Finish every interrupted replace (the caller holds the project lock exclusively).

    A document that is still damaged (the replace was killed before saving the new
    version) keeps its marker: the next ``ingest --replace`` of it finishes the job.
    """
    done: list[ReanchorReport] = []
    for doc_id in pending_ids(project):
        readable, old = _old_version(project, doc_id)
        if not project.has_document(doc_id) or not readable:
            clear_pending(project, doc_id)  # nothing to re-anchor against, or no old text
            continue
        try:
            current = project.load_document(doc_id)
        except ProjectDamagedError:
            continue
        report = reanchor_replaced(project, old, current)
        done.append(report if report is not None else ReanchorReport(doc_id))
    return done


def finish_pending(project: Project) -> list[ReanchorReport]:
    """Finish the re-anchoring of any ``ingest --replace`` that was interrupted (killed
    after saving the new text, before re-anchoring); one report per document finished.

    Call it when opening a project, before reading codings. A project that cannot be
    written here (read-only) is refused with the way to finish it, rather than read with
    codings that do not match their text.
    """
    waiting = pending_ids(project)
    if not waiting:
        return []
    try:
        with changing_text(project.root):  # waits for a replace that is still running
            return finish_locked(project)
    except QcodeError as exc:
        if not pending_ids(project):
            raise
        names = ", ".join(waiting)
        raise ProjectDamagedError(
            f"the re-anchoring of the codings on {names} after `qcode ingest --replace` was "
            "interrupted, and this project cannot be written here to finish it; nothing was "
            "read", details=[exc.message],
            hint="run any qcode command (for example `qcode docs`) where the project can be "
                 "written: it finishes the re-anchoring first") from None

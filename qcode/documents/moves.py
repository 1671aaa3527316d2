"""``docs rename``, ``docs remove`` and ``docs restore``: the record first, then the file.

Each change is appended to ``documents.log.jsonl`` (:mod:`.log`) before the document file
moves, so a kill in between leaves a record whose file has not followed yet;
:func:`finish_moves` (run whenever a command opens the project, and by ``check --fix``)
moves it. Nothing is deleted: a removed document goes to ``archive/documents/<id>.json``
and its codings stay in the coder logs, left out of analyses while it is archived. The
project lock is held alone while files move, as for ``ingest --replace``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qcode._io import atomic
from qcode._io.nofollow import read_nofollow
from qcode._io.project_lock import changing_text
from qcode._io.write_errors import write_failed
from qcode.documents.log import DocMap, append_event, document_map
from qcode.errors import ConflictError, NotFoundError, UsageError
from qcode.models import Document
from qcode.project import DOC_ID_RE, Project

ARCHIVE = Path("archive") / "documents"


def archive_path(project: Project, doc_id: str) -> Path:
    project.document_path(doc_id)  # checks the id
    return project.root / ARCHIVE / f"{doc_id}.json"


def archived_ids(project: Project) -> list[str]:
    return sorted(document_map(project).archived)


@dataclass(frozen=True)
class Moved:
    """What a rename, remove or restore did (the JSON of the command)."""

    op: str
    document: str
    new_id: str | None
    path: str

    def as_dict(self) -> dict[str, object]:
        return {"op": self.op, "document": self.document, "new_id": self.new_id,
                "path": self.path}


def renamed_document(doc: Document, new: str) -> Document:
    """``doc`` under the id ``new``: its segments renumbered ``NEW:0001``... (the number
    after the colon is kept)."""
    segs = tuple(s.model_copy(update={"id": new + s.id[len(doc.id):]})
                 if s.id.startswith(doc.id + ":") else s for s in doc.segments)
    return doc.model_copy(update={"id": new, "segments": segs})


def rename(project: Project, old: str, new: str) -> Moved:
    """Give document ``old`` (an id or unique prefix) the id ``new``; codings, decisions
    and memos follow when they are read."""
    if not DOC_ID_RE.match(new):
        project.document_path(new)  # raises the usual message for a bad id
    with changing_text(project.root):
        finish_moves(project)
        old = project.resolve_document(old)
        dmap = document_map(project)
        if old == new:
            raise UsageError(f"document '{old}' already has the id '{new}'; nothing was changed")
        if project.has_document(new) or new in dmap.archived:
            raise ConflictError(f"a document '{new}' is already in this project; nothing was "
                                "changed", hint="choose another id")
        if new in dmap.renamed:
            raise ConflictError(
                f"'{new}' was the id of a document renamed to {dmap.renamed[new]}; a former "
                "id is not used again (codings made under it follow the rename)",
                hint="choose another id")
        doc = project.load_document(old)
        append_event(project, {"op": "rename", "old": old, "new": new})
        _finish_rename(project, old, new, doc)
    return Moved("rename", old, new, f"documents/{new}.json")


def _finish_rename(project: Project, old: str, new: str, doc: Document | None = None) -> None:
    if doc is None:
        doc = project.load_document(old)
    if not project.has_document(new):
        project.save_document(renamed_document(doc, new))
    try:
        os.unlink(project.document_path(old))
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise write_failed(project.document_path(old), exc,
                           f"the document is saved as {new}; the old file is still there"
                           ) from None


def remove(project: Project, doc_ref: str) -> Moved:
    """Move a document to the archive; its codings are left out of analyses until
    :func:`restore`."""
    with changing_text(project.root):
        finish_moves(project)
        doc_id = project.resolve_document(doc_ref)
        if archive_path(project, doc_id).exists():
            raise ConflictError(f"an archived document '{doc_id}' is already in "
                                f"{ARCHIVE.as_posix()}; nothing was changed",
                                hint="rename this one first: qcode docs rename")
        append_event(project, {"op": "remove", "doc": doc_id})
        _move(project.document_path(doc_id), archive_path(project, doc_id))
    return Moved("remove", doc_id, None, ARCHIVE.joinpath(f"{doc_id}.json").as_posix())


def restore(project: Project, doc_id: str) -> Moved:
    """Bring an archived document and its codings back."""
    with changing_text(project.root):
        finish_moves(project)
        dmap = document_map(project)
        if doc_id not in dmap.archived:
            hits = sorted(d for d in dmap.archived if d.startswith(doc_id))
            if len(hits) != 1:
                listed = ", ".join(sorted(dmap.archived)) or "none"
                raise NotFoundError(f"no archived document '{doc_id}'",
                                    hint=f"archived documents: {listed}")
            doc_id = hits[0]
        if project.has_document(doc_id):
            raise ConflictError(f"a document '{doc_id}' is in the project again; nothing was "
                                "changed", hint="rename one of them first: qcode docs rename")
        append_event(project, {"op": "restore", "doc": doc_id})
        _move(archive_path(project, doc_id), project.document_path(doc_id))
    return Moved("restore", doc_id, None, f"documents/{doc_id}.json")


def _move(source: Path, target: Path) -> bool:
    """Move one document file (a copy that is fsynced, then the source removed: the archive
    may be a folder that does not exist yet). A different file already at ``target`` is
    never overwritten, and then the source stays too (False; ``qcode check`` names it)."""
    try:
        data = read_nofollow(source)
    except FileNotFoundError:
        return True  # moved already
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if read_nofollow(target) != data:
                return False
        except FileNotFoundError:
            atomic.write_bytes(target, data)
        os.unlink(source)
    except OSError as exc:
        raise write_failed(target, exc, f"{source.name} is still where it was") from None
    return True


def pending_moves(project: Project, dmap: DocMap | None = None) -> list[str]:
    """Document files that have not followed their record yet (a kill between the two)."""
    dmap = dmap if dmap is not None else document_map(project)
    found = [f"documents/{old}.json" for old in dmap.renamed if project.has_document(old)]
    found += [f"documents/{d}.json" for d in sorted(dmap.archived) if project.has_document(d)]
    ids = set(project.document_ids())
    archive = project.root / ARCHIVE
    if archive.is_dir():
        found += [f"{ARCHIVE.as_posix()}/{p.name}" for p in sorted(archive.glob("*.json"))
                  if p.stem not in dmap.archived and p.stem not in ids]
    return sorted(found)


def finish_moves(project: Project) -> list[str]:
    """Move the files a killed rename, remove or restore left behind; returns what moved."""
    dmap = document_map(project)
    if not dmap and not (project.root / ARCHIVE).is_dir():
        return []
    pending = pending_moves(project, dmap)
    if not pending:
        return []
    with changing_text(project.root):
        for old, new in dmap.renamed.items():
            if project.has_document(old):
                _finish_rename(project, old, new)
        for doc_id in dmap.archived:
            if project.has_document(doc_id):
                _move(project.document_path(doc_id), archive_path(project, doc_id))
        archive = project.root / ARCHIVE
        ids = set(project.document_ids())
        for p in sorted(archive.glob("*.json")) if archive.is_dir() else ():
            if p.stem not in dmap.archived and p.stem not in ids:
                _move(p, project.document_path(p.stem))
    return pending

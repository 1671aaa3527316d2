"""Writing a checked import plan into a project, so that a crash at any moment is safe.

Guarantee (``qcode import qdpx`` into an existing project):

1. Before anything else, a marker ``.import-pending.json`` is written atomically in the
   project folder, naming the file being imported (path and SHA-256).
2. New documents are written, each atomically; then the codebook (a copy of the old one is
   kept as ``codebook.before-import-<time>.yaml``), atomically.
3. Codings, memos and completion marks go last: one locked, fsynced append per coder,
   which the coder log writes as a single line (:mod:`qcode.coding.log_file`), so each coder's
   share of the import is on disk whole or not at all.
4. The marker is removed.

A crash, Ctrl-C or kill at any moment leaves every file whole and the project readable
(documents and codebook are either absent or complete; a coder's log holds their earlier
events and possibly the import's). Running the same import again completes it: planning
skips documents already there (matched by id and text), codes already in the codebook and
codings the coder already has, so nothing is written twice. While the marker names another
file, a new import is refused, so two half-finished imports cannot mix.

Into a new folder (``--into``) the project is built in a hidden sibling folder and renamed
into place at the end: either the whole project appears or nothing does (a crash may leave
the hidden ``.NAME.importing-*`` folder behind; the next ``--into`` import in the same folder
removes it once its lock is free, see :mod:`qcode._io.leftovers`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from qcode._io import atomic
from qcode._io.leftovers import hold_import_lock, sweep_import_folders
from qcode._io.write_errors import write_failed
from qcode.coding.store import append_events, log_path
from qcode.errors import ConflictError, WriteFailedError
from qcode.project import SETTINGS_FILE, Project, init_project, now_iso
from qcode.refiqda.marker import MARKER, pending_import
from qcode.refiqda.report import ImportReport

if TYPE_CHECKING:
    from qcode.refiqda.importer import Plan


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_pending(project: Project, path: Path) -> bool:
    """True if ``path`` is the file of an interrupted import (running it again completes
    it); a ConflictError if another file's import was interrupted."""
    pending = pending_import(project)
    if pending is None:
        return False
    if pending.get("sha256") == file_sha256(path):
        return True
    other = pending.get("file", "?")
    raise ConflictError(
        f"an import of {other} into this project was interrupted (marker "
        f"{Path(project.root) / MARKER}); nothing was imported",
        hint=f"complete it first with: qcode import qdpx {other} (or delete the marker to "
             "give it up; what it wrote so far stays)")


def write_plan(project: Project, plan: Plan, report: ImportReport,
               source: Path | None = None) -> None:
    """Write a checked plan into an open project, in the crash-safe order above."""
    for coder in plan.events:
        log_path(project, coder, create=True)  # refuses clashing names before any write
    marker = Path(project.root) / MARKER
    if source is not None:
        atomic.write_text(marker, json.dumps({
            "file": str(Path(source).resolve()), "sha256": file_sha256(source),
            "started": now_iso()}, indent=2) + "\n")
    for doc in plan.new_documents:
        project.save_document(doc)
    if plan.codebook_changed:
        target: Path = project.codebook_path
        if target.exists():
            stamp = now_iso().replace(":", "").replace("-", "")
            atomic.write_bytes(target.with_name(
                f"{target.stem}.before-import-{stamp}{target.suffix}"), target.read_bytes())
        atomic.write_text(target, plan.codebook_yaml)
    for coder, events in sorted(plan.events.items()):
        append_events(project, coder, events)
    if source is not None:
        with contextlib.suppress(FileNotFoundError):
            marker.unlink()
        atomic.fsync_dir(marker.parent)
    report.target = str(project.root)
    report.written = True


def write_new_project(folder: Path, plan: Plan, report: ImportReport) -> None:
    """Build the project in a hidden sibling folder, then rename it into place."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "a qcode project" if (folder / SETTINGS_FILE).exists() else "not empty"
        raise ConflictError(f"{folder} is {what}; nothing was imported",
                            hint="give --into a new folder, or import into the current "
                                 "project without --into")
    parent = folder.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep_import_folders(parent)  # folders of killed imports (they hold transcript text)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.importing-", dir=parent))
        lock = hold_import_lock(tmp)  # held while this import runs: no sweep removes it
    except OSError as exc:
        raise write_failed(folder, exc, NOT_CREATED) from None
    try:
        _build(tmp, folder, parent, plan, report)
    except OSError as exc:
        raise write_failed(folder, exc, NOT_CREATED) from None
    except WriteFailedError as exc:
        raise WriteFailedError(f"{exc.message}; {NOT_CREATED}", hint=exc.hint) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        os.close(lock)
    report.target = str(folder)
    report.written = True


NOT_CREATED = "nothing was imported (the new project was not created)"


def _build(tmp: Path, folder: Path, parent: Path, plan: Plan, report: ImportReport) -> None:
    """The new project, made in ``tmp`` and renamed to ``folder`` when it is complete."""
    fd, cb_file = tempfile.mkstemp(suffix=".yaml", dir=tmp)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(plan.codebook_yaml)
    work = tmp / "project"
    init_project(work, codebook=Path(cb_file), name=plan.project_name or folder.name)
    os.unlink(cb_file)
    # the codebook is in place already: no "before-import" copy of it in a new project
    write_plan(Project(work), replace(plan, codebook_changed=False), report)
    if folder.exists():
        folder.rmdir()
    os.replace(work, folder)
    atomic.fsync_dir(parent)


__all__ = ["MARKER", "check_pending", "pending_import", "write_new_project", "write_plan"]

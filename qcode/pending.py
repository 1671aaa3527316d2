"""Steps a killed command left unfinished, settled when a project is opened.

- an interrupted ``ingest --replace`` (the new text saved, its codings not yet
  re-anchored) is finished: :func:`qcode.ingest.replace.finish_pending`;
- an interrupted ``import qdpx`` into the project (its marker ``.import-pending.json``)
  cannot be finished without the options it was given, so every command but the import
  itself is refused with the command that completes it.

The CLI calls :func:`finish_pending` whenever it opens a project; a library user calls it
after ``open_project`` before reading codings.
"""

from __future__ import annotations

from qcode.documents.moves import finish_moves
from qcode.errors import ConflictError
from qcode.ingest.reanchor import ReanchorReport
from qcode.ingest.replace import finish_pending as finish_replaces
from qcode.project import Project
from qcode.refiqda.marker import MARKER, pending_import


def refuse_pending_import(project: Project) -> None:
    """Refuse to work on a project whose last ``import qdpx`` was interrupted."""
    pending = pending_import(project)
    if pending is None:
        return
    source = pending.get("file", "?")
    raise ConflictError(
        f"an import of {source} into this project was interrupted (marker "
        f"{project.root / MARKER}); nothing was done, as some coders' codings may be missing",
        hint=f"complete it first with: qcode import qdpx {source} (with the options you gave "
             "it), or delete the marker to give it up; what it wrote so far stays")


def finish_pending(project: Project, *, resuming_import: bool = False) -> list[ReanchorReport]:
    """Settle what interrupted commands left: finish re-anchorings (one report per
    document), refuse an unfinished import unless ``resuming_import`` (the import command
    completes it itself)."""
    if not resuming_import:
        refuse_pending_import(project)
    finish_moves(project)  # a document rename, removal or restore a kill interrupted
    return finish_replaces(project)

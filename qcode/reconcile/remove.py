"""``reconcile --remove NAME``: a trial reconciliation taken out of the project, into
``archive/`` (nothing is deleted).

Its consensus coder's log ``codings/NAME.jsonl`` moves first, then its decision log
``reconciliations/NAME.jsonl`` (each by one rename, atomic); a kill between the two leaves
the decision log, and running the command again moves it. Afterwards the consensus coder
is gone from every command (``matrix`` no longer asks for ``--coder`` because of it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qcode._io.write_errors import write_failed
from qcode.coding.store import validate_coder_name
from qcode.errors import NotFoundError
from qcode.project import Project, now_iso
from qcode.reconcile.ledger import log_file, reconciliation_names, run_lock

ARCHIVE = Path("archive")


@dataclass(frozen=True)
class Removed:
    name: str
    #: (from, to) relative to the project root
    moved: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, object]:
        return {"reconciliation": self.name,
                "moved_files": [{"from": a, "to": b} for a, b in self.moved]}


def _archive(project: Project, path: Path, folder: str) -> tuple[str, str] | None:
    if not path.is_file() or path.is_symlink():
        return None
    stamp = now_iso().replace(":", "").replace("-", "")
    target = project.root / ARCHIVE / folder / f"{path.stem}.removed-{stamp}{path.suffix}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(target)
        os.rename(path, target)
    except OSError as exc:
        raise write_failed(target, exc, f"{path.name} is still where it was") from None
    return (path.relative_to(project.root).as_posix(),
            target.relative_to(project.root).as_posix())


def remove_reconciliation(project: Project, name: str) -> Removed:
    """Move reconciliation ``name`` (its decision log and consensus coder log) to the
    archive."""
    validate_coder_name(name)
    ledger = log_file(project, name)
    if not ledger.is_file():
        names = reconciliation_names(project)
        raise NotFoundError(f"no reconciliation '{name}' in this project",
                            hint=f"reconciliations: {', '.join(names)}" if names else
                            "there is none to remove")
    with run_lock(project, name):
        moved = [m for m in (_archive(project, project.codings_dir / f"{name}.jsonl",
                                      "codings"),
                             _archive(project, ledger, "reconciliations")) if m is not None]
    return Removed(name, tuple(moved))

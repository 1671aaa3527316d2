"""Keeping machine-local files out of git.

Locks, load checkpoints, session positions, temp files of interrupted writes
(:mod:`qcode._io.leftovers`) and what this machine has seen (``.*.seen``: the record of
each coder log read, :mod:`qcode.coding.continuity`, and ``qcode status``'s last look)
belong to one machine. :func:`ensure_gitignore` gives a
project root's ``.gitignore`` the patterns of :data:`IGNORED` it lacks -- they hold for
every folder below it -- when the project is created, and on the next write to a project
made by an older qcode. Nothing else in the file is changed.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from qcode._io.atomic import write_text
from qcode._io.nofollow import read_nofollow
from qcode.errors import QcodeError

#: machine-local files, in every folder of a project: never shared through git
IGNORED = (".*.lock", ".*.checkpoint", ".*.position.json", ".*.tmp", ".*.seen",
           ".qcode-index/")
GITIGNORE_HEADER = "# qcode: machine-local files (locks, checkpoints, positions, temp files)"

_ensured: set[Path] = set()


def gitignore_text(existing: str) -> str | None:
    """``existing`` with the missing patterns of :data:`IGNORED` added (None: nothing
    missing)."""
    have = {line.strip() for line in existing.splitlines()}
    missing = [p for p in IGNORED if p not in have]
    if not missing:
        return None
    head = existing if not existing or existing.endswith("\n") else existing + "\n"
    if GITIGNORE_HEADER not in have:
        head += GITIGNORE_HEADER + "\n"
    return head + "".join(p + "\n" for p in missing)


def ensure_gitignore(folder: Path) -> None:
    """Give ``folder``'s ``.gitignore`` the patterns of :data:`IGNORED` it lacks (once per
    folder and process; a folder that cannot be written is left alone: this is a courtesy,
    never a reason to fail a command)."""
    key = Path(folder).resolve()
    if key in _ensured:
        return
    target = Path(folder) / ".gitignore"
    with contextlib.suppress(OSError, QcodeError, UnicodeDecodeError):
        try:
            existing = read_nofollow(target).decode("utf-8")
        except FileNotFoundError:
            existing = ""
        text = gitignore_text(existing)
        if text is not None:
            write_text(target, text)
        _ensured.add(key)

"""Opening a project's data files without following symbolic links.

A project shared through git can carry symlinks: ``codings/ana.jsonl -> ~/.bashrc`` would
make the next coding action append JSON to a shell start-up file, and a dangling
``codings/.ana.lock -> /somewhere/new`` would create its target. qcode therefore opens
every log, lock, checkpoint, position file and document with ``O_NOFOLLOW``: a link at
that name is refused with one line naming it, and nothing is read or written through it.
(Files written by atomic replacement are safe already: the rename replaces the link
itself.) Folders are checked by :func:`refuse_linked_folder`.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from qcode.errors import ProjectDamagedError

#: 0 where the platform has no O_NOFOLLOW (Windows): there the lstat check below still runs
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def linked_error(path: Path | str) -> ProjectDamagedError:
    """The error for a symbolic link where the project keeps a data file or folder."""
    return ProjectDamagedError(
        f"{path} is a symbolic link; qcode does not read or write the project's data "
        "through links, so nothing was read or written there",
        hint="replace the link by the real file (or delete it if it does not belong to "
             "the project), then repeat the command")


def open_nofollow(path: Path | str, flags: int, mode: int = 0o644) -> int:
    """``os.open`` that refuses a symbolic link at ``path`` (a :class:`ProjectDamagedError`);
    other OS errors propagate unchanged, so callers keep their own handling of them."""
    if not NOFOLLOW and os.path.islink(path):  # pragma: no cover - no O_NOFOLLOW
        raise linked_error(path)
    try:
        return os.open(path, flags | NOFOLLOW, mode)
    except OSError as exc:
        # Linux and macOS say ELOOP, FreeBSD EMLINK; check the name to be sure
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise linked_error(path) from None
        raise


def read_nofollow(path: Path | str) -> bytes:
    """The bytes of the data file at ``path``, refusing a symbolic link (FileNotFoundError
    and other OS errors propagate, as from ``Path.read_bytes``)."""
    fd = open_nofollow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def _common_end(needles: tuple[bytes, ...]) -> bytes:
    """The longest end every needle shares (``b""`` when none).

    >>> _common_end((b'"origin":"reconciled"', b'"origin": "reconciled"'))
    b'"reconciled"'
    """
    end = min(needles, key=len)
    while end and not all(x.endswith(end) for x in needles):
        end = end[1:]
    return end


def contains_nofollow(path: Path | str, needles: tuple[bytes, ...],
                      chunk: int = 1 << 20) -> bool:
    """Whether the data file at ``path`` (not a symbolic link) holds any of ``needles``,
    read ``chunk`` bytes at a time (a log of tens of megabytes is not held in memory);
    OS errors propagate as from :func:`read_nofollow`."""
    keep = max(0, max(map(len, needles)) - 1)
    # the end every needle shares (``"reconciled"`` of both spellings of the consensus
    # marker): a block without it holds none of them, found in one search, not one each
    common = _common_end(needles)
    # one buffer for every block (a new one per block costs the system fresh pages each
    # time): the last ``keep`` bytes of a block are moved to its front before the next
    buf = bytearray(keep + chunk)
    view = memoryview(buf)
    fd = open_nofollow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb", buffering=0) as fh:
        have = 0  # bytes of the previous block kept at the front
        while n := fh.readinto(view[have:]):
            end = have + n
            if (len(needles) == 1 or buf.find(common, 0, end) >= 0) and \
                    any(buf.find(x, 0, end) >= 0 for x in needles):
                return True
            have = min(keep, end)
            buf[:have] = buf[end - have:end]
    return False


def refuse_linked_folder(folder: Path) -> None:
    """Refuse a project data folder that is a symbolic link (it may lead out of the
    project); a missing folder is fine."""
    if folder.is_symlink():
        raise linked_error(folder)

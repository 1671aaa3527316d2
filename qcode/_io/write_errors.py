"""The one mapping from an operating-system error during a write to the error a user sees.

Every writer (atomic file writes, coder-log and decision-log appends, a new project built
by an import) turns the ``OSError`` it caught into :func:`write_failed`'s error, so a full
disk, a read-only file system, an I/O error or a refused permission always exits with
``WRITE_FAILED`` (9), names the file, and says what is known about the data (saved, not
saved, or in the file but not confirmed by the disk).

>>> import errno
>>> e = write_failed("codings/ann.jsonl", OSError(errno.ENOSPC, "No space left on device"),
...                  "the last action was not saved")
>>> e.exit_code.name
'WRITE_FAILED'
>>> print(e.message.replace("; ", ";\\n"))
cannot write codings/ann.jsonl: the disk is full (No space left on device);
the last action was not saved
"""

from __future__ import annotations

import errno
from pathlib import Path

from qcode.errors import ProjectDamagedError, WriteFailedError

#: errors that mean "the disk or the system refused the write", whatever the file
REFUSED = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO,
                     errno.EACCES, errno.EPERM})

_WHY = {
    errno.ENOSPC: ("the disk is full", "free some disk space, then repeat the command"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, then repeat the command"),
    errno.EFBIG: ("the file would be too large for this file system",
                  "free some space or move the project, then repeat the command"),
    errno.EROFS: ("the file system is read-only",
                  "copy the project to a folder you can write to, or mount it read-write"),
    errno.EACCES: ("permission denied", "check the permissions of the file and its folder"),
    errno.EPERM: ("the operation is not permitted",
                  "check the permissions of the file and its folder"),
}


def write_failed(path: Path | str, exc: OSError, known: str) -> WriteFailedError:
    """The error for ``exc`` raised while writing ``path``; ``known`` says what became of
    the data ("the last action was not saved", "the old file is unchanged", ...)."""
    why = exc.strerror or type(exc).__name__
    reason, hint = _WHY.get(exc.errno or 0, (
        "an input/output error" if exc.errno == errno.EIO else "the system refused it",
        "check the disk (free space, errors) and the folder, then repeat the command"))
    return WriteFailedError(f"cannot write {path}: {reason} ({why}); {known}", hint=hint)


def folder_in_the_way(path: Path | str, what: str) -> ProjectDamagedError:
    """A folder where the project keeps a file (a document, a log, a lock file)."""
    return ProjectDamagedError(f"{path} is a folder, but the project keeps {what} there",
                               hint=f"move the folder {path} out of the way (look inside "
                                    "first), then repeat the command")

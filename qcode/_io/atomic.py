"""Durable writes: a file is either its old self or its complete new self, never half-written."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from qcode._io.write_errors import write_failed
from qcode.errors import InvalidInputError


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` survive a power cut (POSIX only)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _set_mode(fd: int, path: Path) -> None:
    """Give the new file the old file's permissions, or those of any new file (0666 less
    the umask): mkstemp makes it private (0600), which surprised people sharing reports."""
    if os.name != "posix":
        return
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        mode = 0o666 & ~mask
    os.fchmod(fd, mode)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    A file that cannot be written (a folder of that name, no permission, a full disk) is
    a :class:`~qcode.errors.QcodeError` naming the file; the old file, if any, is intact.
    """
    write_chunks(path, (data,))


def write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """:func:`write_bytes` of the concatenated ``chunks``, written one after another (a
    large text encoded a piece at a time is never held whole as bytes). The chunks should
    be at hand already (made from data in memory): the temp file lives while they come."""
    path = Path(path)
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # the folder's name is a file's: not "File exists"
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)) from None
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            _set_mode(fh.fileno(), path)
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise
    try:
        fsync_dir(path.parent)
    except OSError as exc:
        raise write_failed(path, exc, "the new file is in place, but the disk did not "
                           "confirm it") from None


def _cannot_write(path: Path, exc: OSError) -> Exception:
    why = exc.strerror or type(exc).__name__
    if exc.errno in (errno.EISDIR, errno.ENOTDIR, errno.ENOENT, errno.EEXIST,
                     errno.ENAMETOOLONG):  # the name cannot be a file: the user's to fix
        return InvalidInputError(f"cannot write {path} ({why}); nothing was written there",
                                 hint="give a file name in a folder you can write to")
    # full disk, read-only, I/O error, permission: the one family (exit WRITE_FAILED)
    return write_failed(path, exc, "the old file, if any, is unchanged")


def write_text(path: Path, text: str) -> None:
    """Atomically write UTF-8 text with LF line endings."""
    write_bytes(path, text.encode("utf-8"))

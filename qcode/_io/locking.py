"""Advisory locks on a lock file, held for the duration of a ``with`` block.

Writers of one coder's log take the lock exclusively (two terminals, two processes are
serialised); readers take it shared, so they never see a batch that a writer has only half
written. The operating system releases a lock when its process dies, so a killed writer
never leaves it stuck.

Locks are per open file: never take the same lock twice in one process (the second
``with`` would wait for the first forever).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qcode._io.nofollow import open_nofollow
from qcode._io.write_errors import folder_in_the_way


def _lock(fd: int, exclusive_lock: bool) -> None:
    if sys.platform != "win32":
        import fcntl  # POSIX only: imported on the platform that has it

        fcntl.flock(fd, fcntl.LOCK_EX if exclusive_lock else fcntl.LOCK_SH)
    else:  # pragma: no cover - Windows has only exclusive byte-range locks
        import msvcrt  # Windows only

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Block until this process holds the lock on ``lock_path`` alone (file created if
    missing; a symbolic link there is refused, so a dangling one creates nothing)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = open_nofollow(lock_path, os.O_RDWR | os.O_CREAT)
    except IsADirectoryError:
        raise folder_in_the_way(lock_path, "a lock file") from None
    try:
        _lock(fd, True)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def shared(lock_path: Path) -> Iterator[None]:
    """Block while a writer holds ``lock_path``; other readers may hold it too.

    Reading must work on a read-only copy of a project as well: when the lock file cannot
    be opened or created, the block runs without a lock.
    """
    try:
        fd = open_nofollow(lock_path, os.O_RDWR | os.O_CREAT)
    except OSError:
        try:
            fd = open_nofollow(lock_path, os.O_RDONLY)
        except OSError:
            fd = -1
    try:
        if fd >= 0:
            _lock(fd, os.name != "posix")
        yield
    finally:
        if fd >= 0:
            os.close(fd)

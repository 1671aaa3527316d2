"""The project lock, ``.qcode.lock`` at the project root: text changes exclude coding writes.

- A step that changes documents (``qcode ingest``, above all ``--replace``, and finishing an
  interrupted replace) holds it **exclusively**, from reading the old document to the last
  re-anchored coding: two replaces of one document run one after the other.
- Every append to a coder log holds it **shared**: it waits while a document changes, and
  after :data:`WAIT_SECONDS` gives up with a clear error (nothing is written).
- The file holds a counter, the *text generation*, raised whenever an exclusive holder
  lets go. A command that read it when it opened the project can tell, under the shared
  lock, whether any document may have changed since; only then are its codings checked
  against the current text (:mod:`qcode.coding.text_guard`).

The lock file is machine-local (the project root's ``.gitignore`` covers ``.*.lock``). Locks are per
open file and die with their process, so a killed ``ingest`` never leaves the project
locked. A process that holds the lock exclusively may append to coder logs (re-anchoring):
the shared lock is not taken again there.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qcode._io.gitignore import ensure_gitignore
from qcode._io.nofollow import open_nofollow
from qcode._io.write_errors import folder_in_the_way, write_failed
from qcode.errors import ConflictError, ProjectDamagedError

if sys.platform != "win32":
    import fcntl

LOCK_NAME = ".qcode.lock"
#: how long a coding write waits for a document change to end before it is refused
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.02

_exclusive_here: dict[Path, int] = {}  # project root -> nesting depth, in this process
_mutex = threading.Lock()


def lock_file(root: Path) -> Path:
    return Path(root) / LOCK_NAME


def holds_exclusive(root: Path) -> bool:
    """True while this process changes documents in the project at ``root``."""
    with _mutex:
        return Path(root) in _exclusive_here


def _open(path: Path, flags: int) -> int:
    """Open the lock file through :func:`~qcode._io.nofollow.open_nofollow`, saying what a
    link or a folder at this path means (it is only a lock file)."""
    try:
        return open_nofollow(path, flags)
    except ProjectDamagedError:
        raise ProjectDamagedError(
            f"{path} is a symbolic link; qcode never follows links in a project",
            hint="delete it (it is only a lock file; qcode makes a new one)") from None
    except IsADirectoryError:
        raise folder_in_the_way(path, "a lock file") from None


def _read_generation(fd: int) -> int:
    try:
        raw = os.pread(fd, 32, 0)
    except OSError:
        return -1
    try:
        return int(raw.decode("ascii").strip() or "0")
    except (UnicodeDecodeError, ValueError):
        return -1


def generation(root: Path) -> int:
    """The text generation now (0 before any change; -1 if the file cannot be read)."""
    try:
        fd = _open(lock_file(root), os.O_RDONLY)
    except FileNotFoundError:
        return 0
    except (OSError, ProjectDamagedError):
        return -1
    try:
        return _read_generation(fd)
    finally:
        os.close(fd)


@contextmanager
def changing_text(root: Path) -> Iterator[None]:
    """Hold the project lock alone while documents change (blocks until it is free).

    Re-entrant within one process. On leaving, the text generation is raised, so coding
    commands that opened the project earlier check their codings against the new text.
    """
    root = Path(root)
    with _mutex:
        depth = _exclusive_here.get(root, 0)
        if depth:
            _exclusive_here[root] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _mutex:
                _exclusive_here[root] -= 1
        return
    path = lock_file(root)
    try:
        created = not path.exists()
        fd = _open(path, os.O_RDWR | os.O_CREAT)
    except OSError as exc:
        raise write_failed(path, exc, "nothing was changed") from None
    try:
        if created:
            ensure_gitignore(root)  # its '.*.lock' keeps this file out of git
        if sys.platform != "win32":
            fcntl.flock(fd, fcntl.LOCK_EX)
        with _mutex:
            _exclusive_here[root] = 1
        try:
            yield
        finally:
            with _mutex:
                _exclusive_here.pop(root, None)
            payload = f"{_read_generation(fd) + 1}\n".encode("ascii")
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, payload, 0)
            except OSError:
                pass  # a generation that cannot be raised reads as -1: every write checks
    finally:
        os.close(fd)


@contextmanager
def coding_write(root: Path, wait: float | None = None) -> Iterator[int | None]:
    """Hold the project lock shared for one append to a coder log.

    Yields the text generation read under the lock, or None when this process itself holds
    the lock exclusively (it is changing the documents and knows their text). Waits at
    most ``wait`` seconds (default :data:`WAIT_SECONDS`) for a document change to end, then
    raises :class:`~qcode.errors.ConflictError`. A project where the lock file cannot be
    created (read-only) is written without it, as the append itself will say why it fails.
    """
    root = Path(root)
    if holds_exclusive(root):
        yield None
        return
    path = lock_file(root)
    fd = -1
    try:
        fd = _open(path, os.O_RDWR | os.O_CREAT)
    except OSError:
        try:
            fd = _open(path, os.O_RDONLY)
        except OSError:
            fd = -1
    try:
        if fd >= 0 and sys.platform != "win32":
            deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise ConflictError(
                            "a transcript is being replaced; nothing was saved",
                            hint="try again when `qcode ingest` finishes") from None
                    time.sleep(POLL_SECONDS)
        yield _read_generation(fd) if fd >= 0 else -1
    finally:
        if fd >= 0:
            os.close(fd)

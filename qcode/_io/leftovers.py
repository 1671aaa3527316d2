"""What a killed run leaves behind: removed when it is certainly stale, never committed.

Two kinds of leftovers exist:

* **Temp files** ``.NAME.XXXXXXXX.tmp`` of an atomic write (:mod:`qcode._io.atomic`) that was
  killed between creating the temp file and renaming it over ``NAME``. A live writer holds
  its temp file only while it writes and fsyncs bytes it already has in memory (well under
  a minute even for a large export), so a temp file **not modified for 10 minutes** belongs
  to a dead run. :func:`sweep_temp_files` removes those: for one output file before
  each write of it (:func:`qcode.outputs.write_output`: a killed ``export qdpx out.qdpx``
  is tidied by the next export to ``out.qdpx``), and for every name in a project's root and
  data folders when a command opens the project. Only regular files are removed, never a
  link or a folder. (Not before every atomic write: listing a folder of thousands of
  documents for each one saved would cost more than the save.)
* **Import folders** ``.NAME.importing-XXXXXXXX/`` built by ``import qdpx --into NAME``
  (they hold transcript text). The importer holds an exclusive lock on
  ``IMPORT_LOCK`` inside the folder for as long as it runs, and the operating system
  releases it when the process dies: :func:`sweep_import_folders` removes a folder whose
  lock it can take at once, or one without a lock file that has not been modified for 10
  minutes (killed before the lock existed). It runs before the next ``--into`` import in the
  same parent folder.

:mod:`qcode._io.gitignore` keeps these files out of git.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from pathlib import Path

from qcode._io.nofollow import NOFOLLOW

#: a temp file or import folder untouched for this long belongs to a run that was killed
STALE_SECONDS = 600

#: the lock file an import into a new folder holds while it runs
IMPORT_LOCK = ".qcode-import.lock"

_IMPORT_DIR = re.compile(r"^\..+\.importing-[a-z0-9_]{8}$")


def _temp_pattern(name: str) -> re.Pattern[str]:
    """The names :func:`tempfile.mkstemp` gives the temp files of ``name``'s atomic writes."""
    return re.compile(rf"^\.{name}\.[a-z0-9_]{{8}}\.tmp$")


def _is_stale(st: os.stat_result, now: float) -> bool:
    return st.st_mtime < now - STALE_SECONDS


def stale_temp_files(folder: Path, name: str | None = None) -> list[Path]:
    """The stale temp files of atomic writes in ``folder`` (of the target ``name`` only, or
    of any target when ``name`` is None): regular files untouched for :data:`STALE_SECONDS`.
    Nothing is removed (``qcode check`` lists them)."""
    pattern = _temp_pattern(re.escape(name) if name is not None else ".+")
    now = time.time()
    found: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and _is_stale(st, now):
            found.append(Path(entry.path))
    return found


def sweep_temp_files(folder: Path, name: str | None = None) -> list[Path]:
    """Remove the stale temp files of atomic writes in ``folder``: of the target ``name``
    only, or of any target when ``name`` is None. Returns what was removed; a folder that
    cannot be read or a file that cannot be removed is left alone."""
    removed: list[Path] = []
    for path in stale_temp_files(folder, name):
        try:
            os.unlink(path)
        except OSError:
            continue
        removed.append(path)
    return removed


def sweep_project(root: Path, folders: tuple[str, ...]) -> list[Path]:
    """Remove stale temp files in a project's root and its data ``folders``."""
    removed = sweep_temp_files(root)
    for sub in folders:
        removed += sweep_temp_files(root / sub)
    return removed


def _try_lock(path: Path) -> bool | None:
    """True if the lock at ``path`` was free (its holder is gone), False if it is held,
    None if there is no such lock file."""
    try:
        fd = os.open(path, os.O_RDWR | NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError:
        return False  # cannot tell: keep the folder
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def sweep_import_folders(parent: Path) -> list[Path]:
    """Remove the ``.NAME.importing-*`` folders in ``parent`` that a killed import left."""
    if os.name != "posix":  # pragma: no cover - no flock: leave them to the user
        return []
    now = time.time()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        if not _IMPORT_DIR.match(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            continue
        free = _try_lock(Path(entry.path) / IMPORT_LOCK)
        if free or (free is None and _is_stale(st, now)):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def hold_import_lock(folder: Path) -> int:
    """Create and take the lock of an import folder; the caller closes the returned
    descriptor when done (closing, or dying, releases it)."""
    fd = os.open(folder / IMPORT_LOCK, os.O_RDWR | os.O_CREAT | NOFOLLOW, 0o644)
    if os.name == "posix":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd

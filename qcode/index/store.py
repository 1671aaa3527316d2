"""The machine-local index file: an SQLite database under ``.qcode-index/`` that nothing
trusts blindly and anything may delete.

The index only ever repeats what the project's files say (see :mod:`qcode.index.documents`);
losing it loses nothing. So every way it can go wrong ends in "not used" or "rebuilt",
never in a failed command or a wrong answer:

- a symbolic link at the folder or at the database is removed (the link itself, never what
  it points to) and a fresh database made in its place; the database is also opened with
  SQLite's ``nofollow``;
- a database SQLite cannot read (damaged, truncated, not a database), or of another schema
  version, is deleted and made again;
- a row whose stored digest does not match its content is treated as missing;
- a kill -9 during an update leaves SQLite's journal, which SQLite rolls back the next time
  the database is opened: the index is then as it was before the update;
- a database another process is writing is not waited for beyond a fraction of a second:
  the command reads the project directly instead, and does not update the index;
- a project folder that cannot be written (read-only media) simply has no index.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from qcode.project import INDEX_DIR, INDEX_FILE

__all__ = ["INDEX_DIR", "INDEX_FILE", "digest", "discard_and_reopen", "open_index"]

#: bumped whenever the stored rows change meaning: an index of another version is rebuilt
SCHEMA_VERSION = 1
#: how long a reader waits for another process's write before going without the index
BUSY_TIMEOUT_S = 0.25

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, indexed_ns INTEGER NOT NULL,
    sha256 BLOB NOT NULL, meta BLOB NOT NULL, text TEXT NOT NULL, digest BLOB NOT NULL
);
"""


def digest(*parts: bytes) -> bytes:
    """The check digest of a stored row's content (a damaged row is not believed)."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.digest()


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _real_folder(folder: Path) -> bool:
    """Make ``folder`` a real folder (a link at its name is removed); False if impossible."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        try:
            os.mkdir(folder)
        except OSError:
            return False
        return True
    except OSError:
        return False
    if stat.S_ISDIR(st.st_mode):
        return True
    if stat.S_ISLNK(st.st_mode) or stat.S_ISREG(st.st_mode):
        _unlink_quietly(folder)  # the link (or stray file) itself; its target is untouched
        return _real_folder(folder) if not os.path.lexists(folder) else False
    return False


def _remove_database(db: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        _unlink_quietly(db.with_name(db.name + suffix))


def _connect(db: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(db))}?nofollow=1"
    con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                          check_same_thread=False)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("PRAGMA synchronous=NORMAL")
        con.executescript(_SCHEMA)
        row = con.execute("SELECT value FROM info WHERE key = 'schema'").fetchone()
        if row is None:
            con.execute("INSERT OR REPLACE INTO info VALUES ('schema', ?)",
                        (str(SCHEMA_VERSION),))
        elif row[0] != str(SCHEMA_VERSION):
            raise sqlite3.DatabaseError("index of another schema version")
    except BaseException:
        con.close()
        raise
    return con


def open_index(root: Path) -> sqlite3.Connection | None:
    """The project's index database, made if missing, remade if damaged, linked or of
    another version; None where there can be none (e.g. the folder is read-only)."""
    folder = Path(root) / INDEX_DIR
    if not _real_folder(folder):
        return None
    db = folder / INDEX_FILE
    for _attempt in range(2):
        try:
            st = os.lstat(db)
            if not stat.S_ISREG(st.st_mode):  # a link, a folder, a device: never used
                if stat.S_ISDIR(st.st_mode):
                    return None
                _unlink_quietly(db)
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            return _connect(db)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return None  # another process is writing it: go without this time
            _remove_database(db)
        except sqlite3.DatabaseError:
            _remove_database(db)  # damaged, not a database, another version: rebuild
        except OSError:
            return None
    return None


def discard_and_reopen(root: Path) -> sqlite3.Connection | None:
    """Delete the project's index (found damaged while reading it) and make a new one."""
    db = Path(root) / INDEX_DIR / INDEX_FILE
    if os.path.isdir(db.parent) and not os.path.islink(db.parent):
        _remove_database(db)
    return open_index(root)

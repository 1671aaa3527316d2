"""The checked codebook, kept in the project's index database (:mod:`qcode.index.store`)
so that a read command does not parse the YAML and validate every code again on every call.

Parsing and checking ``codebook.yaml`` (PyYAML, then a pydantic model per code) is most of
what a small project's read command spends before its own work. The result depends only on
the file's text, its path (a codebook without a ``name`` is named after the file) and the
code that checks it, so a row is keyed by a hash of all three:

- the text is read as :func:`qcode.codebook.load.load` reads it (the same errors for a
  missing, linked or undecodable file) and hashed with its path;
- the checking code is stood for by the size and modification time of its modules
  (``codebook/load.py``, ``codebook/lookup.py``, ``models.py``): a qcode installed anew or
  edited never reads a row an older one made.

A row holds every field of the codebook, its levels, themes and codes, with the fields each
was given (pydantic's ``model_fields_set``), and is rebuilt with ``model_construct``: the
same values, types and set fields as the validated model, without building a validator.
A codebook with errors is never stored (loading it raises, as it always has).

Reading never writes: :func:`cached_codebook` opens the database read-only and does
nothing when it is missing, damaged, linked or busy. Rows are written only by
:func:`remember_codebook`, which the document index
(:func:`qcode.index.documents.indexed_documents`) calls after its own update, in the read
commands that read documents through it: a command that refuses, or that writes nothing
else, leaves the index as it found it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qcode.models import Code, Codebook, Level, Record, Theme

#: the modules whose code decides what a codebook file checks to
CHECKING_MODULES = ("codebook/load.py", "codebook/lookup.py", "models.py")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
_TABLE = ("CREATE TABLE IF NOT EXISTS codebooks "
          "(key BLOB PRIMARY KEY, body BLOB NOT NULL, digest BLOB NOT NULL)")
#: rows kept at most (a codebook edited many times leaves one row per version)
MAX_ROWS = 8


def codebook_key(path: Path, text: str) -> bytes | None:
    """The key of the codebook checked from ``text`` read at ``path``, or None when the
    checking modules cannot be looked at (then nothing is cached)."""
    h = hashlib.sha256()
    try:
        for name in CHECKING_MODULES:
            st = os.stat(PACKAGE_DIR / name)
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    except OSError:
        return None
    h.update(os.fsencode(str(path)) + b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.digest()


# ---------------------------------------------------------------- records as plain values


def _plain(record: Record) -> dict[str, object]:
    """A record's fields (nested records too) and the names of those it was given."""
    out: dict[str, object] = {"__set__": sorted(record.model_fields_set)}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, tuple):
            out[name] = [_plain(v) if isinstance(v, Record) else v for v in value]
        else:
            out[name] = value
    return out


def dump_codebook(codebook: Codebook) -> bytes:
    """The stored form of ``codebook`` (JSON)."""
    return json.dumps(_plain(codebook), ensure_ascii=False, separators=(",", ":")).encode()


def _fields(data: dict[str, Any], kind: type[Record]) -> tuple[dict[str, Any], set[str]]:
    """A stored record's fields (every field of ``kind``, lists as tuples) and the names
    of those it was given; ValueError if it is not one."""
    given = data.pop("__set__")
    if not isinstance(given, list) or data.keys() != kind.model_fields.keys():
        raise ValueError("not a stored record")
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}, set(given)


def _record(data: object, kind: type[Record]) -> Record:
    if not isinstance(data, dict):
        raise ValueError("not a stored record")
    fields, given = _fields(data, kind)
    return kind.model_construct(_fields_set=given, **fields)


def load_stored(body: bytes) -> Codebook:
    """The codebook of a stored body (:func:`dump_codebook`); ValueError if it is not one."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not a stored codebook")
    nested: dict[str, type[Record]] = {"levels": Level, "themes": Theme, "codes": Code}
    for name, kind in nested.items():
        items = data.get(name)
        if not isinstance(items, list):
            raise ValueError("not a stored codebook")
        data[name] = [_record(item, kind) for item in items]
    fields, given = _fields(data, Codebook)
    return Codebook.model_construct(_fields_set=given, **fields)


# ---------------------------------------------------------------- the rows


def _check(key: bytes, body: bytes) -> bytes:
    """The digest a row is believed by (a damaged row is not)."""
    return hashlib.blake2b(len(key).to_bytes(8, "little") + key + body, digest_size=16).digest()


def _real_file(db: Path) -> bool:
    """True when ``db`` is a regular file in a real folder (no link on the way in)."""
    try:
        return (stat.S_ISDIR(os.lstat(db.parent).st_mode)
                and stat.S_ISREG(os.lstat(db).st_mode))
    except OSError:
        return False


def cached_codebook(db: Path, key: bytes) -> Codebook | None:
    """The codebook stored under ``key`` in the index database ``db``, or None (no index,
    no row, a row that fails its digest or does not read back). Opens the database
    read-only: never creates, repairs or writes anything."""
    if not _real_file(db):
        return None
    try:
        con = sqlite3.connect(f"file:{quote(str(db))}?mode=ro&nofollow=1", uri=True,
                              timeout=0.05, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT body, digest FROM codebooks WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:  # no such table yet, damaged, busy, a hot journal
        return None
    finally:
        con.close()
    if row is None or not isinstance(row[0], bytes) or row[1] != _check(key, row[0]):
        return None
    try:
        return load_stored(row[0])
    except (ValueError, TypeError, KeyError):
        return None


def remember_codebook(con: sqlite3.Connection, key: bytes, codebook: Codebook) -> None:
    """Store ``codebook`` under ``key`` in the open index ``con`` (made by
    :func:`qcode.index.store.open_index`), keeping the :data:`MAX_ROWS` newest rows; a
    database another process holds is left alone."""
    body = dump_codebook(codebook)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute(_TABLE)
        con.execute("INSERT OR REPLACE INTO codebooks VALUES (?, ?, ?)",
                    (key, body, _check(key, body)))
        con.execute("DELETE FROM codebooks WHERE rowid NOT IN "
                    "(SELECT rowid FROM codebooks ORDER BY rowid DESC LIMIT ?)", (MAX_ROWS,))
        con.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")

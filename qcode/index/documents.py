"""What read commands need of each document (segments, attributes, title, text), kept in
the index (:mod:`qcode.index.store`) so that a command does not parse and validate every
``documents/<id>.json`` with pydantic again.

The JSON documents stay the only source of truth. An index row is used only while its
document file is provably the one it was made from:

- the file's size, modification time (ns), change time (ns) and inode are those recorded,
  and the file was last modified at least :data:`RACY_NS` before the row was made (a file
  written again within the same clock tick as it was indexed could keep its times; as git
  does with its "racily clean" entries, such a row is checked by content instead);
- otherwise the file is read and hashed (SHA-256): the same hash, the row is used (and its
  times brought up to date); another hash, the file is validated again, exactly as
  :meth:`qcode.project.Project.load_document` does, and the row replaced.

A document that cannot be read or is not valid is left out of the answer (and out of the
index): the caller reads it the direct way, which reports it as it always has.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from qcode._io.nofollow import open_nofollow
from qcode.codebook.cache import remember_codebook
from qcode.errors import QcodeError
from qcode.index.store import digest, discard_and_reopen, open_index
from qcode.models import Document
from qcode.project import DOC_ID_RE, Project

try:  # orjson reads the stored columns about three times faster; json is the fallback
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    _orjson = None  # type: ignore[assignment]

#: a row made less than this after its file was modified is checked by content (2 s: more
#: than any file system's timestamp tick but FAT's, where the hash check still holds)
RACY_NS = 2_000_000_000
#: ids asked for in one query (SQLite's least limit of parameters is 999)
_IDS_AT_ONCE = 500


class DocMeta(NamedTuple):
    """A document as the index keeps it: everything but turns, as columns of plain values
    (``segment_ids[k]``, ``starts[k]``, ... describe the k-th segment)."""

    id: str
    title: str
    attributes: dict[str, str]
    segment_ids: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    speakers: tuple[str, ...]
    turns: tuple[int, ...]
    time_starts: tuple[float | None, ...]
    time_ends: tuple[float | None, ...]
    #: the text ("" when it was not asked for)
    text: str = ""


class _Stat(NamedTuple):
    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int


def meta_of(doc: Document) -> DocMeta:
    """The index's view of a validated document."""
    segs = doc.segments
    return DocMeta(doc.id, doc.title, dict(doc.attributes), tuple(s.id for s in segs),
                   tuple(s.start for s in segs), tuple(s.end for s in segs),
                   tuple(s.speaker for s in segs), tuple(s.turn for s in segs),
                   tuple(s.time_start for s in segs), tuple(s.time_end for s in segs),
                   doc.text)


def _encode(meta: DocMeta) -> bytes:
    if _orjson is None:  # pragma: no cover
        return json.dumps(list(meta[:-1]), ensure_ascii=False).encode("utf-8")
    return _orjson.dumps(list(meta[:-1]))


def _decode(blob: bytes, text: str) -> DocMeta | None:
    try:
        v = json.loads(blob) if _orjson is None else _orjson.loads(blob)
        ids, starts, ends, speakers, turns, t0, t1 = (tuple(x) for x in v[3:10])
        return DocMeta(str(v[0]), str(v[1]), dict(v[2]), ids, starts, ends, speakers, turns,
                       t0, t1, text)
    except (ValueError, TypeError, IndexError):
        return None


def _stat_of(st: os.stat_result) -> _Stat:
    return _Stat(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _read(path: Path) -> tuple[_Stat, bytes] | None:
    """The file's times (taken before reading) and bytes; None if it cannot be read."""
    try:
        fd = open_nofollow(path, os.O_RDONLY)
    except (OSError, QcodeError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            return _stat_of(st), fh.read()
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)


class _Row(NamedTuple):
    stat: _Stat
    indexed_ns: int
    sha256: bytes
    meta: bytes
    text: str
    digest: bytes


def _select(con: sqlite3.Connection, ids: list[str], with_text: bool, every: bool
            ) -> tuple[dict[str, _Row], list[str]]:
    """The rows of ``ids``, and (``every``: ``ids`` are meant to be all the documents) the
    ids of the other rows. Without ``every`` only the rows of ``ids`` are read (a batch of
    documents' texts does not read every text in the index)."""
    text = "text" if with_text else "''"
    sql = (f"SELECT id, size, mtime_ns, ctime_ns, ino, indexed_ns, sha256, meta, {text}, "
           "digest FROM documents")
    wanted = set(ids)
    out = {}
    others = []
    found: Iterable[Any]
    if every:
        found = con.execute(sql)
    else:
        unique = list(dict.fromkeys(ids))
        found = chain.from_iterable(
            con.execute(f"{sql} WHERE id IN ({','.join('?' * len(part))})", part)
            for part in (unique[at:at + _IDS_AT_ONCE]
                         for at in range(0, len(unique), _IDS_AT_ONCE)))
    for r in found:
        if r[0] in wanted:
            out[r[0]] = _Row(_Stat(r[1], r[2], r[3], r[4]), r[5], r[6], r[7], r[8], r[9])
        else:
            others.append(r[0])
    return out, others


def _row_digest(doc_id: str, sha: bytes, meta: bytes, text: str | None) -> bytes:
    parts = [doc_id.encode("utf-8", "surrogatepass"), sha, meta]
    if text is not None:
        parts.append(text.encode("utf-8", "surrogatepass"))
    return digest(*parts)


#: rows this process has checked and decoded already, without their text (a command often
#: asks twice, e.g. for the segment ids of every document, then for those of the documents
#: compared); texts are not kept: a text asked for again is checked again
_decoded: dict[tuple[str, bytes], DocMeta] = {}
_DECODED_MAX = 50_000


def forget_decoded() -> None:
    """Forget the rows this process has decoded (the next read checks every row again)."""
    _decoded.clear()


def _believed(doc_id: str, row: _Row, with_text: bool) -> DocMeta | None:
    """The row's document if its digest holds (the text is checked when it was read)."""
    if not (isinstance(row.sha256, bytes) and isinstance(row.meta, bytes)
            and isinstance(row.text, str) and isinstance(row.digest, bytes)):
        return None  # SQLite keeps any type in any column: a changed row is not believed
    meta_digest, text_digest = row.digest[:16], row.digest[16:]
    if with_text and _row_digest(doc_id, row.sha256, b"", row.text) != text_digest:
        return None
    key = (doc_id, row.digest)
    bare = _decoded.get(key)
    if bare is None:
        if _row_digest(doc_id, row.sha256, row.meta, None) != meta_digest:
            return None
        bare = _decode(row.meta, "")
        if bare is None:
            return None
        if len(_decoded) >= _DECODED_MAX:
            _decoded.clear()
        _decoded[key] = bare
    return bare._replace(text=row.text) if with_text else bare


def _new_row(doc_id: str, st: _Stat, now: int, sha: bytes, meta: DocMeta
             ) -> tuple[object, ...]:
    blob = _encode(meta)
    dig = _row_digest(doc_id, sha, blob, None) + _row_digest(doc_id, sha, b"", meta.text)
    return (doc_id, st.size, st.mtime_ns, st.ctime_ns, st.ino, now, sha, blob, meta.text, dig)


def _validated(raw: bytes) -> DocMeta | None:
    try:
        return meta_of(Document.model_validate_json(raw))
    except ValidationError:
        return None


def _write(con: sqlite3.Connection, rows: list[tuple[object, ...]],
           touched: list[tuple[object, ...]], gone: list[str]) -> None:
    """Store ``rows`` and the new times of ``touched`` ones, and drop the rows of ``gone``
    ids, in one transaction; a database another process holds is left alone."""
    if not rows and not touched and not gone:
        return
    try:
        con.execute("BEGIN IMMEDIATE")
        con.executemany("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        con.executemany("UPDATE documents SET size = ?, mtime_ns = ?, ctime_ns = ?, ino = ?, "
                        "indexed_ns = ? WHERE id = ? AND sha256 = ?", touched)
        con.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in gone])
        con.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")


def indexed_documents(project: Project, ids: Iterable[str], *, text: bool = False,
                      complete: bool = False) -> dict[str, DocMeta]:
    """The documents ``ids`` (file names: ``documents/<id>.json``) that can be read and are
    valid, by id, from the index where it is up to date and from the files otherwise
    (updating the index). ``text``: include each document's text. ``complete``: ``ids``
    are all the project's documents (rows of others are dropped from the index)."""
    ids = [i for i in ids if DOC_ID_RE.match(i)]
    con = open_index(project.root)
    rows: dict[str, _Row] = {}
    others: list[str] = []
    if con is not None:
        try:
            rows, others = _select(con, ids, text, complete)
        except sqlite3.Error as exc:  # damaged beyond what opening it showed: made anew
            con.close()
            con = None if isinstance(exc, sqlite3.OperationalError) else \
                discard_and_reopen(project.root)
    out: dict[str, DocMeta] = {}
    new: list[tuple[object, ...]] = []
    touched: list[tuple[object, ...]] = []
    folder = project.documents_dir
    for i in ids:
        path = folder / f"{i}.json"
        row = rows.get(i)
        if row is not None:
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if (stat.S_ISREG(st.st_mode) and _stat_of(st) == row.stat
                    and st.st_mtime_ns < row.indexed_ns - RACY_NS):
                meta = _believed(i, row, text)
                if meta is not None:
                    out[i] = meta
                    continue
        now = time.time_ns()
        got = _read(path)
        if got is None:
            continue
        st2, raw = got
        sha = hashlib.sha256(raw).digest()
        if row is not None and row.sha256 == sha:
            believed = _believed(i, row, text)
            if believed is not None:  # same content: the row holds, with the file's times
                out[i] = believed
                touched.append((st2.size, st2.mtime_ns, st2.ctime_ns, st2.ino, now, i, sha))
                continue
        meta = _validated(raw)
        if meta is None:
            continue
        out[i] = meta if text else meta._replace(text="")
        new.append(_new_row(i, st2, now, sha, meta))
    if con is not None:
        try:
            _write(con, new, touched, others if complete else [])
            if project.codebook_to_index is not None:  # checked from YAML in this command
                remember_codebook(con, *project.codebook_to_index)
                project.codebook_to_index = None
        finally:
            con.close()
    return out


def remember_saved(project: Project, saved: Iterable[tuple[Document, bytes]]) -> None:
    """Store the rows of documents this process has just validated and written (each with
    the bytes written), so that the first read after an ingest does not parse and validate
    them again; a row is stored only for a file that still holds exactly those bytes (as
    every row, it is believed later only while the file's stamp or hash says so)."""
    con = open_index(project.root)
    if con is None:
        return
    rows = []
    for doc, data in saved:
        now = time.time_ns()
        got = _read(project.document_path(doc.id))
        if got is not None and got[1] == data:
            rows.append(_new_row(doc.id, got[0], now, hashlib.sha256(data).digest(),
                                 meta_of(doc)))
    try:
        _write(con, rows, [], [])
    finally:
        con.close()


def project_documents(project: Project, *, text: bool = False) -> dict[str, DocMeta]:
    """:func:`indexed_documents` for every document of the project."""
    return indexed_documents(project, project.document_ids(), text=text, complete=True)


def document_segments(project: Project, ids: Iterable[str]
                      ) -> tuple[dict[str, list[str]], dict[str, list[tuple[int, int]]]]:
    """The segment ids and ``[start, end)`` bounds of the documents ``ids``, keyed by each
    document's own id, in the order of ``ids``: from the index, and through
    :meth:`Project.load_document` (with its errors) for a document the index cannot
    vouch for."""
    ids = list(ids)
    metas = indexed_documents(project, ids)
    segments: dict[str, list[str]] = {}
    bounds: dict[str, list[tuple[int, int]]] = {}
    for d in ids:
        m = metas.get(d)
        if m is None:
            doc = project.load_document(d)
            segments[doc.id] = [s.id for s in doc.segments]
            bounds[doc.id] = [(s.start, s.end) for s in doc.segments]
        else:
            segments[m.id] = list(m.segment_ids)
            bounds[m.id] = list(zip(m.starts, m.ends, strict=True))
    return segments, bounds

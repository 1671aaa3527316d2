"""The read index (qcode/index): the same answers as reading the documents directly, also
after the files change underneath it, and never trusted when it is damaged or a link."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.index import documents as index_docs
from qcode.index.documents import (
    DocMeta,
    document_segments,
    forget_decoded,
    meta_of,
    project_documents,
)
from qcode.index.store import INDEX_DIR, INDEX_FILE
from qcode.models import Document
from qcode.project import Project
from tests.builders import build_study, interview, numbered_doc

HOUR_NS = 3600 * 10**9


def _direct(project: Project) -> dict[str, DocMeta]:
    return {i: meta_of(project.load_document(i)) for i in project.document_ids()}


def _age(project: Project, ns: int = HOUR_NS) -> None:
    """Date every document back (so that index rows made now are not 'racy')."""
    for p in project.documents_dir.glob("*.json"):
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns - ns, st.st_mtime_ns - ns))


def _db(project: Project) -> Path:
    return project.root / INDEX_DIR / INDEX_FILE


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any document validated from here on fails the test (the index must answer)."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document was validated again")
    monkeypatch.setattr(index_docs.Document, "model_validate_json", refuse)


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    project.save_document(numbered_doc("N01", 30))
    _age(project)
    return project


def test_the_index_answers_as_the_documents_do(study: Project,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    direct = _direct(study)
    assert project_documents(study, text=True) == direct  # built now
    assert _db(study).is_file()
    _no_validation(monkeypatch)
    forget_decoded()
    assert project_documents(study, text=True) == direct  # from the index alone
    without_text = project_documents(study)
    assert without_text == {i: m._replace(text="") for i, m in direct.items()}
    segments, bounds = document_segments(study, study.document_ids())
    assert segments == {m.id: list(m.segment_ids) for m in direct.values()}
    assert bounds == {m.id: list(zip(m.starts, m.ends, strict=True)) for m in direct.values()}


def test_some_documents_with_their_text_after_all_without(
        study: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of documents is read from its own rows; the text of a document whose row
    was decoded without it already is checked on its own (a changed text is not
    believed, even with the rest of the row known good)."""
    direct = _direct(study)
    project_documents(study, text=True)  # built now
    forget_decoded()
    assert project_documents(study) == {i: m._replace(text="") for i, m in direct.items()}
    some = study.document_ids()[::2]
    with monkeypatch.context() as m:
        _no_validation(m)
        assert index_docs.indexed_documents(study, [*some, some[0]], text=True) == \
            {i: direct[i] for i in some}
    forget_decoded()
    project_documents(study)  # each row's meta decoded and kept, without its text
    with sqlite3.connect(_db(study)) as con:
        con.execute("UPDATE documents SET text = 'x' || substr(text, 2) WHERE id = ?",
                    (some[0],))
    assert index_docs.indexed_documents(study, some, text=True) == {i: direct[i] for i in some}


def _rewrite_same_size(path: Path) -> bytes:
    """Change a letter of the text in place, keeping the size and the modification time."""
    raw = path.read_bytes()
    st = path.stat()
    at = raw.index(b'"text": "') + len(b'"text": "')
    new = raw[:at] + (b"Q" if raw[at:at + 1] != b"Q" else b"R") + raw[at + 1:]
    with open(path, "r+b") as fh:  # in place: same inode
        fh.write(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    return new


def test_a_document_changed_in_place_with_its_size_and_time_kept_is_read_again(
        study: Project) -> None:
    project_documents(study, text=True)
    doc_id = study.document_ids()[0]
    _rewrite_same_size(study.document_path(doc_id))
    got = project_documents(study, text=True)
    assert got == _direct(study)
    assert got[doc_id].text[0] in "QR"


def test_a_row_whose_times_all_match_is_still_checked_by_content_when_racy(
        study: Project) -> None:
    """A file written again in the clock tick it was indexed in can keep every time; the
    row made then is 'racy' and the file's hash decides."""
    project_documents(study, text=True)
    doc_id = study.document_ids()[0]
    path = study.document_path(doc_id)
    _rewrite_same_size(path)
    st = os.lstat(path)
    with sqlite3.connect(_db(study)) as con:  # as if the index had seen these very times
        con.execute("UPDATE documents SET size=?, mtime_ns=?, ctime_ns=?, ino=?, "
                    "indexed_ns=? WHERE id=?", (st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                                                st.st_ino, st.st_mtime_ns + 10**6, doc_id))
    assert project_documents(study, text=True)[doc_id] == meta_of(study.load_document(doc_id))


def test_replaced_renamed_and_removed_documents(study: Project, invoke: Callable[..., Any]
                                                ) -> None:
    project_documents(study, text=True)
    first, second, *_ = study.document_ids()
    doc = study.load_document(first)
    study.save_document(doc.model_copy(update={"title": "Another title",
                                               "attributes": {"site": "North"}}))
    os.rename(study.document_path(second), study.documents_dir / "Z99.json")
    study.document_path("N01").unlink()
    study.save_document(interview("T77"))
    got = project_documents(study, text=True)
    assert got == _direct(study)
    assert got[first].title == "Another title" and "N01" not in got and "Z99" in got
    with sqlite3.connect(_db(study)) as con:  # the rows of files that are gone are dropped
        rows = {r[0] for r in con.execute("SELECT id FROM documents")}
    assert rows == set(study.document_ids())


def test_an_invalid_document_is_left_to_the_direct_path(study: Project,
                                                        invoke: Callable[..., Any]) -> None:
    project_documents(study)
    doc_id = study.document_ids()[0]
    study.document_path(doc_id).write_text('{"id": "x"}', encoding="utf-8")
    assert doc_id not in project_documents(study)
    with pytest.raises(Exception, match="not a valid qcode document"):
        document_segments(study, [doc_id])  # load_document's own error


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other schema", "row"])
def test_a_damaged_index_is_rebuilt_not_believed(study: Project, damage: str) -> None:
    direct = _direct(study)
    project_documents(study, text=True)
    db = _db(study)
    if damage == "garbage":
        db.write_bytes(os.urandom(8192))
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:3000])
    elif damage == "empty":
        db.write_bytes(b"")
    elif damage == "other schema":
        with sqlite3.connect(db) as con:
            con.execute("UPDATE info SET value = '999' WHERE key = 'schema'")
    else:  # a byte of a stored row changed: its digest no longer holds
        with sqlite3.connect(db) as con:
            con.execute("UPDATE documents SET meta = replace(meta, 'Interviewer', 'Intervieweq'),"
                        " text = 'x' || substr(text, 2)")
    forget_decoded()  # as a new process would
    assert project_documents(study, text=True) == direct
    with sqlite3.connect(db) as con:  # a working index again
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(direct)


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_linked_index_is_never_used_nor_written_through(study: Project, tmp_path: Path,
                                                          where: str) -> None:
    direct = _direct(study)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    target = outside / INDEX_FILE
    target.write_bytes(b"someone else's file")
    folder = study.root / INDEX_DIR
    if where == "file":
        folder.mkdir()
        _db(study).symlink_to(target)
    else:
        folder.symlink_to(outside, target_is_directory=True)
    assert project_documents(study, text=True) == direct
    assert target.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in outside.iterdir()) == [INDEX_FILE]
    assert not folder.is_symlink() and not _db(study).is_symlink()
    assert _db(study).is_file()


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code in (ExitCode.OK, ExitCode.PARTIAL), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


COMMANDS = (("matrix", "--coder", "ingrid", "--format", "json"),
            ("cooccur", "--coder", "ingrid", "--format", "json"),
            ("agree", "--bootstrap", "0", "--format", "json"),
            ("report", "--coder", "ingrid", "--format", "md"))


def test_commands_give_the_same_output_with_and_without_the_index(
        study: Project, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(study.root)
    coders = sorted(p.stem for p in study.codings_dir.glob("*.jsonl"))
    assert "ingrid" in coders

    def run_all() -> list[str]:
        return [invoke("--project", root, *args).stdout for args in COMMANDS]

    built = run_all()  # the index is made here
    assert _db(study).is_file()
    warm = run_all()  # and used here
    doc_id = study.document_ids()[0]
    doc = study.load_document(doc_id)
    study.save_document(doc.model_copy(update={"attributes": {"site": "West"}}))
    changed = run_all()
    monkeypatch.setattr(index_docs, "open_index", lambda root: None)  # no index at all
    direct_changed = run_all()
    assert changed == direct_changed
    study.save_document(doc)
    direct = run_all()
    assert built == warm == direct
    assert all(_json_ok(o) for o in built[:3])


def _json_ok(text: str) -> bool:
    return json.loads(text)["schema_version"] == 1


def test_the_index_is_gitignored(study: Project) -> None:
    project_documents(study)
    assert ".qcode-index/" in (study.root / ".gitignore").read_text(encoding="utf-8")


def test_documents_are_the_same_records(study: Project) -> None:
    """meta_of keeps every segment field the commands read."""
    doc = study.load_document("N01")
    m = meta_of(doc)
    assert [(s.id, s.start, s.end, s.speaker, s.turn, s.time_start, s.time_end)
            for s in doc.segments] == list(zip(m.segment_ids, m.starts, m.ends, m.speakers,
                                               m.turns, m.time_starts, m.time_ends,
                                               strict=True))
    assert isinstance(doc, Document)


def test_an_index_another_process_is_writing_is_gone_without(study: Project) -> None:
    direct = _direct(study)
    project_documents(study)
    other = sqlite3.connect(_db(study), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # as a process in the middle of its update
    try:
        doc = study.load_document("N01")
        study.save_document(doc.model_copy(update={"title": "While it was locked"}))
        forget_decoded()
        got = project_documents(study, text=True)
        assert got == _direct(study) != direct
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert project_documents(study, text=True) == _direct(study)  # and it is updated now


def test_no_index_where_none_can_be_made(study: Project) -> None:
    """Something that is neither a folder nor a link at the index's name (here a named
    pipe) is left alone, and the commands read the documents directly."""
    os.mkfifo(study.root / INDEX_DIR)
    assert project_documents(study, text=True) == _direct(study)
    assert (study.root / INDEX_DIR).is_fifo()

"""``docs rename``, ``docs remove`` / ``restore`` and document id prefixes: codings,
memos and decisions follow a rename without any coder log being rewritten; an archived
document's codings are left out with a note and come back with it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from qcode.documents.log import append_event, document_map
from qcode.documents.moves import finish_moves, pending_moves
from qcode.errors import NotFoundError
from qcode.project import Project
from tests.builders import build_known


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known", coders=("ana", "bo"), done=True)


def logs(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in project.codings_dir.glob("*.jsonl")}


def q(invoke, project: Project, *args: str):  # type: ignore[no-untyped-def]
    r = invoke("--project", str(project.root), *args)
    assert r.exit_code == 0, r.stderr
    return r


def as_json(invoke, project: Project, *args: str):  # type: ignore[no-untyped-def]
    return json.loads(q(invoke, project, *args, "--format", "json").stdout)


def matrix_cells(invoke, project: Project, coder: str) -> object:
    return as_json(invoke, project, "matrix", "--coder", coder, "--count", "codings")


def qdpx_codings(invoke, project: Project, out: Path) -> tuple[list[str], int]:
    q(invoke, project, "export", "qdpx", str(out))
    with zipfile.ZipFile(out) as z:
        qde = z.read("project.qde").decode("utf-8")
    names = sorted(m.split('"')[0] for m in qde.split('<TextSource guid="')[1:]
                   for m in [m.split(' name="', 1)[1]])
    return names, qde.count("<Coding ")


def test_rename_keeps_every_coding_in_every_command(invoke, known: Project,
                                                    tmp_path: Path) -> None:
    before_logs = logs(known)
    m_before = {c: matrix_cells(invoke, known, c) for c in ("ana", "bo")}
    agree_before = as_json(invoke, known, "agree", "--bootstrap", "0")
    by_doc_before = as_json(invoke, known, "matrix", "--coder", "ana", "--rows", "document",
                            "--cols", "theme", "--count", "codings")
    report_before = q(invoke, known, "report", "--coder", "ana", "--format", "csv",
                      "-o", str(tmp_path / "before.csv"))
    names_before, n_before = qdpx_codings(invoke, known, tmp_path / "before.qdpx")
    r = q(invoke, known, "docs", "rename", "D1", "N1")
    assert r.stdout == ("Renamed D1 to N1 (documents/N1.json); its codings, memos and "
                        "decisions follow\n")
    assert logs(known) == before_logs  # coder logs are never rewritten
    assert not known.document_path("D1").exists()
    doc = known.load_document("N1")
    assert doc.id == "N1" and [s.id for s in doc.segments][:2] == ["N1:0001", "N1:0002"]
    assert {c: matrix_cells(invoke, known, c) for c in ("ana", "bo")} == m_before
    agree = as_json(invoke, known, "agree", "--bootstrap", "0")
    assert agree["documents"] == ["D2", "D3", "N1"]
    assert {**agree, "documents": agree_before["documents"]} == agree_before
    by_doc = as_json(invoke, known, "matrix", "--coder", "ana", "--rows", "document",
                     "--cols", "theme", "--count", "codings")
    assert by_doc["row_labels"] == ["D2", "D3", "N1"]
    assert by_doc["counts"] == [*by_doc_before["counts"][1:], by_doc_before["counts"][0]]
    q(invoke, known, "report", "--coder", "ana", "--format", "csv",
      "-o", str(tmp_path / "after.csv"))
    before_csv = (tmp_path / "before.csv").read_text(encoding="utf-8")
    after_csv = (tmp_path / "after.csv").read_text(encoding="utf-8")
    assert report_before.exit_code == 0 and ",N1,Interview D1,N1:0002," in after_csv
    assert sorted(after_csv.replace("N1", "D1").splitlines()) == sorted(
        before_csv.splitlines())
    names, n = qdpx_codings(invoke, known, tmp_path / "after.qdpx")
    assert (names, n) == (["D2", "D3", "N1"], n_before) and names_before[0] == "D1"
    # the memo on D1:0002 and its codes show under the new id
    shown = as_json(invoke, known, "show", "N1", "--coder", "ana")
    seg2 = next(s for s in shown["segments"] if s["id"] == "N1:0002")
    assert seg2["codes"] and seg2["memo"]


def test_rename_refusals(invoke, known: Project) -> None:
    r = invoke("--project", str(known.root), "docs", "rename", "D1", "D2")
    assert (r.exit_code, r.stderr) == (6, "Error: a document 'D2' is already in this "
                                          "project; nothing was changed\nHint: choose "
                                          "another id\n")
    q(invoke, known, "docs", "rename", "D1", "N1")
    r = invoke("--project", str(known.root), "docs", "rename", "D2", "D1")
    assert r.exit_code == 6
    assert r.stderr.startswith("Error: 'D1' was the id of a document renamed to N1; a "
                               "former id is not used again")
    r = invoke("--project", str(known.root), "docs", "rename", "D", "X")
    assert (r.exit_code, r.stderr) == (2, "Error: ambiguous document prefix 'D': D2, D3\n"
                                          "Hint: type more of the id\n")


def test_chained_renames_follow_to_the_last_id(invoke, known: Project) -> None:
    before = matrix_cells(invoke, known, "ana")
    q(invoke, known, "docs", "rename", "D1", "N1")
    q(invoke, known, "docs", "rename", "N1", "P1")
    assert document_map(known).renamed == {"D1": "P1", "N1": "P1"}
    assert matrix_cells(invoke, known, "ana") == before


def test_reconciliation_decisions_follow_a_rename(invoke, known: Project) -> None:
    q(invoke, known, "reconcile", "--coder", "ana,bo", "--as", "cons", "--strategy", "union")
    status = as_json(invoke, known, "reconcile", "--status", "cons")
    q(invoke, known, "docs", "rename", "D1", "N1")
    after = as_json(invoke, known, "reconcile", "--status", "cons")
    assert after["stale"] == status["stale"] == [] and after["pending"] == status["pending"]
    assert after["decisions"] == status["decisions"]


def test_a_kill_between_the_record_and_the_file_is_finished(invoke, known: Project) -> None:
    before = matrix_cells(invoke, known, "ana")
    append_event(known, {"op": "rename", "old": "D1", "new": "N1"})  # then killed
    assert pending_moves(known) == ["documents/D1.json"]
    r, = [invoke("--project", str(known.root), "check", "--format", "json")]
    assert r.exit_code == 10
    assert [p["kind"] for p in json.loads(r.stdout)["problems"]] == ["pending_rename"]
    assert matrix_cells(invoke, known, "ana") == before  # opening the project finishes it
    assert known.has_document("N1") and not known.has_document("D1")
    assert finish_moves(known) == []


def test_remove_and_restore(invoke, known: Project) -> None:
    full = matrix_cells(invoke, known, "ana")
    r = q(invoke, known, "docs", "remove", "D1")
    assert r.stdout == ("Moved D1 to archive/documents/D1.json; its codings are kept and "
                        "left out until: qcode docs restore D1\n")
    assert (known.root / "archive" / "documents" / "D1.json").is_file()
    assert known.document_ids() == ["D2", "D3"]
    r = q(invoke, known, "matrix", "--coder", "ana")
    assert r.stderr == "Note: 6 codings by ana on archived documents left out: D1 (6)\n"
    assert "Warning" not in r.stderr
    assert matrix_cells(invoke, known, "ana") != full
    assert q(invoke, known, "check").exit_code == 0
    r = invoke("--project", str(known.root), "docs", "restore", "D2")
    assert (r.exit_code, r.stderr) == (5, "Error: no archived document 'D2'\n"
                                          "Hint: archived documents: D1\n")
    data = as_json(invoke, known, "docs", "restore", "D1")
    assert data == {"schema_version": 1, "op": "restore", "document": "D1", "new_id": None,
                    "path": "documents/D1.json"}
    assert matrix_cells(invoke, known, "ana") == full
    r = q(invoke, known, "matrix", "--coder", "ana")
    assert r.stderr == ""


def test_a_prefix_names_a_document(invoke, known: Project) -> None:
    q(invoke, known, "docs", "rename", "D3", "Zeta")
    assert as_json(invoke, known, "show", "Ze")["id"] == "Zeta"
    r = invoke("--project", str(known.root), "show", "D")
    assert (r.exit_code, r.stderr) == (2, "Error: ambiguous document prefix 'D': D1, D2\n"
                                          "Hint: type more of the id\n")
    r = invoke("--project", str(known.root), "show", "Q9")
    assert r.exit_code == 5 and r.stderr.startswith("Error: no document 'Q9' in this project")


def test_a_prefix_is_taken_where_a_user_names_a_document_only(invoke, known: Project) -> None:
    q(invoke, known, "docs", "rename", "D3", "Zeta")
    data = as_json(invoke, known, "tag", "Ze", "1", "--code", "G1", "--coder", "cy")
    assert data["document"] == "Zeta"
    r = invoke("--project", str(known.root), "tag", "D", "1", "--code", "G1", "--coder", "cy")
    assert (r.exit_code, r.stderr) == (2, "Error: ambiguous document prefix 'D': D1, D2\n"
                                          "Hint: type more of the id\n")
    # inside the core an id is exact: a prefix never loads another document silently
    with pytest.raises(NotFoundError, match="no document 'Ze' in this project"):
        known.load_document("Ze")


def test_the_archive_is_a_data_folder(invoke, known: Project, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (known.root / "archive").symlink_to(outside, target_is_directory=True)
    r = invoke("--project", str(known.root), "docs", "remove", "D1")
    assert r.exit_code == 3 and "archive" in r.stderr.splitlines()[0]
    assert list(outside.iterdir()) == [] and known.has_document("D1")


def test_docs_alone_still_lists(invoke, known: Project) -> None:
    alone = as_json(invoke, known, "docs")
    assert alone == as_json(invoke, known, "docs", "list")
    assert [d["id"] for d in alone["documents"]] == ["D1", "D2", "D3"]

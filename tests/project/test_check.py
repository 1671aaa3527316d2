"""``qcode check`` (the project doctor) and ``check --fix``: each finding is made for real
in a project, named with its exact message, and exit 10 when anything is found."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.coding import store as codings
from qcode.doctor.files import CONFLICT_LINE, conflict_lines
from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import build_known, interview

OLD = time.time() - 3600  # an hour ago: a temp file this old belongs to a killed run


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known", coders=("ana",))


def run_json(invoke, project: Project, *args: str):  # type: ignore[no-untyped-def]
    r = invoke("--project", str(project.root), "check", *args, "--format", "json")
    return r, json.loads(r.stdout)


def test_a_clean_project_passes(invoke, known: Project) -> None:
    r = invoke("--project", str(known.root), "check")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "No problems found.\n")
    r, data = run_json(invoke, known)
    assert r.exit_code == 0
    assert data == {"schema_version": 1, "clean": True, "problem_counts": {},
                    "problems": [], "fixed": []}


def test_damaged_line_orphan_and_moved_quote_are_named(invoke, known: Project) -> None:
    log = known.codings_dir / "ana.jsonl"
    with log.open("ab") as fh:
        fh.write(b'{"op": "add", "broken\n')
    # a code renamed by hand in the codebook leaves its codings pointing at nothing
    cb = known.codebook_path.read_text(encoding="utf-8")
    first = "E2"
    known.codebook_path.write_text(cb.replace("{id: E2,", "{id: E9,"), encoding="utf-8")
    # a transcript edited by hand: the first character of D1 changes
    raw = json.loads(known.document_path("D1").read_text(encoding="utf-8"))
    raw["text"] = "X" + raw["text"][1:]
    known.document_path("D1").write_text(json.dumps(raw), encoding="utf-8")
    r = invoke("--project", str(known.root), "check")
    assert r.exit_code == ExitCode.PROBLEMS_FOUND == 10
    lines = r.stdout.splitlines()
    assert [ln.split(":")[0] for ln in lines if not ln.startswith("  ")] == [
        "damaged_log", "orphaned_codings", "quote_mismatch"]
    n_lines = len(log.read_bytes().splitlines())
    assert lines[0] == (f"damaged_log: codings/ana.jsonl:{n_lines}: 1 unreadable line "
                        f"({n_lines}; 1 event left out)")
    assert lines[2].startswith("orphaned_codings: codings/ana.jsonl: ")
    assert f"refer to what is not in the project: code {first} (" in lines[2]
    assert lines[4].startswith("quote_mismatch: codings/ana.jsonl: ")
    assert "whose quote is no longer the text at its offsets: D1 (" in lines[4]
    assert r.stderr == "Warning: 3 problems found\n"
    _, data = run_json(invoke, known)
    assert data["problem_counts"] == {"damaged_log": 1, "orphaned_codings": 1,
                                      "quote_mismatch": 1}
    assert not any(p["fixable"] for p in data["problems"])


def test_conflict_marker_symlink_and_unfinished_import(invoke, known: Project,
                                                       tmp_path: Path) -> None:
    cb = known.codebook_path.read_text(encoding="utf-8")
    known.codebook_path.write_text("<<<<<<< HEAD\n" + cb + "=======\n>>>>>>> theirs\n",
                                   encoding="utf-8")
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}", encoding="utf-8")
    (known.documents_dir / "link.txt").symlink_to(outside)
    (known.root / ".import-pending.json").write_text(
        json.dumps({"file": "study.qdpx", "sha256": "", "started": ""}), encoding="utf-8")
    r, data = run_json(invoke, known)
    assert r.exit_code == 10
    n = len(cb.splitlines())
    got = [(p["kind"], p["path"], p["line"], p["message"]) for p in data["problems"]
           if p["kind"] != "unreadable_file"]
    assert got == [
        ("conflict_marker", "codebook.yaml", 1,
         f"git conflict markers on lines 1, {n + 2}, {n + 3}"),
        ("symlink", "documents/link.txt", None,
         "a symbolic link in a data folder (qcode does not follow it)"),
        ("pending_import", ".import-pending.json", None,
         "an import of study.qdpx into this project was interrupted"),
    ]


def test_fix_sweeps_temp_files_and_mends_gitignore(invoke, known: Project) -> None:
    stale = known.codings_dir / ".ana.jsonl.abcd1234.tmp"
    stale.write_text("half", encoding="utf-8")
    os.utime(stale, (OLD, OLD))
    fresh = known.documents_dir / ".D1.json.wxyz9876.tmp"  # a live writer's: kept
    fresh.write_text("half", encoding="utf-8")
    (known.root / ".gitignore").write_text("notes/\n", encoding="utf-8")
    r, data = run_json(invoke, known)
    assert r.exit_code == 10
    assert [(p["kind"], p["path"], p["fixable"]) for p in data["problems"]] == [
        ("temp_file", "codings/.ana.jsonl.abcd1234.tmp", True),
        ("gitignore", ".gitignore", True)]
    r = invoke("--project", str(known.root), "check", "--fix")
    assert r.exit_code == 0
    assert r.stdout == ("Fixed: removed the leftover temp file codings/.ana.jsonl.abcd1234.tmp\n"
                        "Fixed: added qcode's machine-local patterns to .gitignore\n")
    assert r.stderr == "No problems left.\n"
    assert not stale.exists() and fresh.exists()
    assert (known.root / ".gitignore").read_text(encoding="utf-8").startswith("notes/\n")
    assert invoke("--project", str(known.root), "check").exit_code == 0


def test_fix_finishes_an_interrupted_replace(invoke, project: Project) -> None:
    from qcode.ingest.replace import mark_pending, pending_ids

    doc = interview("T01")
    project.save_document(doc)
    codings.add_codes(project, "ana", doc, [doc.segments[1].id], [
        project.codebook.codes[0].id])
    mark_pending(project, doc)  # a replace killed before its re-anchoring
    r, data = run_json(invoke, project)
    assert [(p["kind"], p["message"]) for p in data["problems"]] == [
        ("pending_replace", "the re-anchoring of T01's codings after 'ingest --replace' "
                            "was interrupted")]
    r, data = run_json(invoke, project, "--fix")
    assert r.exit_code == 0 and data["clean"]
    assert data["fixed"] == ["finished re-anchoring the codings of T01"]
    assert pending_ids(project) == []


def test_fix_leaves_what_needs_a_person(invoke, known: Project) -> None:
    with (known.codings_dir / "ana.jsonl").open("ab") as fh:
        fh.write(b"not json\n")
    r, data = run_json(invoke, known, "--fix")
    assert r.exit_code == 10
    assert data["fixed"] == [] and data["problem_counts"] == {"damaged_log": 1}
    assert r.stderr.endswith("Warning: 1 problem found\n")


def test_stale_reconciliation_is_reported(invoke, tmp_path: Path) -> None:
    p = build_known(tmp_path / "k2", coders=("ana", "bo"), done=True)
    r = invoke("--project", str(p.root), "reconcile", "--coder", "ana,bo", "--as", "cons",
               "--strategy", "union")
    assert r.exit_code == 0, r.stderr
    st = codings.load_state(p, "ana")
    (doc_id, seg), by_code = next((k, v) for k, v in st.codes.items() if v)
    codings.remove_codes(p, "ana", p.load_document(doc_id), [seg], list(by_code))
    _, data = run_json(invoke, p)
    stale = [x for x in data["problems"] if x["kind"] == "stale_reconciliation"]
    assert len(stale) == 1 and stale[0]["path"] == "reconciliations/cons.jsonl"
    assert stale[0]["message"].endswith("of reconciliation 'cons' is stale (a coder changed "
                                        "those codes since)")


def test_conflict_lines() -> None:
    assert conflict_lines(b"x\n<<<<<<< HEAD\n=======\n>>>>>>> b\n=======x\n") == [2, 3, 4]


@given(st.lists(st.sampled_from([b"<<<<<<< ", b"=======", b">>>>>>> ", b"<", b"=", b">",
                                 b" ", b"\n", b"a"])).map(b"".join))
def test_conflict_lines_are_every_line_the_marker_pattern_starts(data: bytes) -> None:
    # the quick searches that skip most files never skip a marker the pattern finds
    want = [data.count(b"\n", 0, m.start()) + 1 for m in CONFLICT_LINE.finditer(data)]
    assert conflict_lines(data) == want


def test_sets_file_and_documents_log_are_checked(invoke, known: Project) -> None:
    (known.root / "sets.json").write_text(
        '{"sets": {\n<<<<<<< HEAD\n"a": ["D1"]\n=======\n"a": ["D2"]\n>>>>>>> x\n}}\n',
        encoding="utf-8")
    (known.root / "documents.log.jsonl").write_bytes(
        b'{"op": "rename", "old": "D9", "new": "D8", "at": "x"}\n{"op": "rena\n')
    r, data = run_json(invoke, known)
    assert r.exit_code == 10
    got = [(p["kind"], p["path"], p["line"], p["message"]) for p in data["problems"]]
    assert got == [
        ("conflict_marker", "sets.json", 2, "git conflict markers on lines 2, 4, 6"),
        ("damaged_log", "documents.log.jsonl", 2, "1 unreadable line (2)"),
    ]

"""qcode check and qcode status for a team: conflict markers in a coder log, a log that lost
lines, the .gitattributes, and what changed since the last look."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qcode.coding import store
from qcode.coding.conflicts import cut_at_markers, union_of_sides
from qcode.project import Project
from tests.builders import numbered_doc

A, B = "GOV-MAC-01", "GOV-MAC-02"


def _coded(project: Project, n: int = 3) -> Path:
    doc = numbered_doc("D01", 6)
    project.save_document(doc)
    for i in range(1, n + 1):
        store.add_codes(project, "ana", doc, [f"D01:{i:04d}"], [A])
    return project.codings_dir / "ana.jsonl"


def _conflicted(log: Path) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """The log as a merge without the union driver leaves it: both sides' new lines
    between markers."""
    lines = [x for x in log.read_bytes().split(b"\n") if x]
    base, ours, theirs = lines[:1], lines[1:2], lines[2:]
    log.write_bytes(b"\n".join([*base, b"<<<<<<< HEAD", *ours, b"=======", *theirs,
                                b">>>>>>> origin/main"]) + b"\n")
    return base, ours, theirs


def test_a_log_with_conflict_markers_is_read_up_to_them(project: Project) -> None:
    log = _coded(project)
    _conflicted(log)
    st = store.load_state(project, "ana")
    assert [c.segment for c in st.codings()] == ["D01:0001"]
    assert [(p.line, p.reason) for p in st.problems] == \
        [(2, "git conflict markers: the 5 lines from here on are not read")]


def test_check_names_the_conflict_and_fix_keeps_both_sides(project: Project,
                                                           invoke: Callable[..., Any]) -> None:
    log = _coded(project)
    _conflicted(log)
    r = invoke("--project", str(project.root), "check")
    assert r.exit_code == 10
    assert r.stdout.splitlines() == [
        "log_conflict: codings/ana.jsonl:2: git conflict markers: the 5 lines from here on "
        "are not read (about 2 events)",
        "  Hint: qcode check --fix keeps the lines of both sides (each must be readable "
        "events), then: git add codings/ana.jsonl and git commit"]
    r = invoke("--project", str(project.root), "check", "--fix")
    assert r.exit_code == 0, r.output
    assert "Fixed: kept both sides of the git conflict in codings/ana.jsonl (now: git add " \
           "codings/ana.jsonl and git commit)" in r.stdout
    assert b"<<<<<<<" not in log.read_bytes()
    assert [c.segment for c in store.current_codings(project, "ana")] == \
        ["D01:0001", "D01:0002", "D01:0003"]


def test_union_of_sides_refuses_a_side_that_is_not_events() -> None:
    good = b'{"op":"done","seq":1,"time":"t","doc":"D01","id":"a"}'
    assert union_of_sides(b"<<<<<<< a\n" + good + b"\n=======\nnot json\n>>>>>>> b\n") is None
    assert union_of_sides(b"<<<<<<< a\n" + good + b"\n=======\n") is None  # unpaired
    # a diff3 conflict: the base section is dropped, a line on both sides kept once
    merged = union_of_sides(b"<<<<<<< a\n" + good + b"\n||||||| base\n=======\n" + good +
                            b"\n>>>>>>> b\n")
    assert merged == good + b"\n"
    assert cut_at_markers(b"x\n<<<<<<<< not a marker\n") is None


def test_a_log_that_lost_lines_is_reported_until_accepted(project: Project,
                                                          invoke: Callable[..., Any]) -> None:
    log = _coded(project)
    store.load_state(project, "ana")  # this machine reads it
    lines = log.read_bytes().split(b"\n")
    log.write_bytes(b"\n".join(lines[:1]) + b"\n")  # an older version checked out
    st = store.load_state(project, "ana")
    assert st.not_append == ("2 lines this machine read before are gone or changed "
                             "(lines 2, 3 of the 3 it had then)")
    r = invoke("--project", str(project.root), "check", "--format", "json")
    assert r.exit_code == 10
    found = json.loads(r.stdout)["problems"]
    assert [(p["kind"], p["path"], p["fixable"]) for p in found] == \
        [("rewritten_log", "codings/ana.jsonl", False)]  # --fix does not accept it
    log.write_bytes(b"\n".join(lines))  # the newer version back: nothing to report
    assert store.load_state(project, "ana").not_append is None
    log.write_bytes(b"\n".join(lines[:1]) + b"\n")
    r = invoke("--project", str(project.root), "check", "--accept-lost-lines", "--coder",
               "ana")
    assert r.exit_code == 0 and "Fixed: accepted codings/ana.jsonl as it is now" in r.stdout
    assert store.load_state(project, "ana").not_append is None


def test_a_merge_that_reorders_lines_is_no_loss(project: Project) -> None:
    log = _coded(project, 4)
    store.load_state(project, "ana")
    lines = [x for x in log.read_bytes().split(b"\n") if x]
    log.write_bytes(b"\n".join([lines[0], lines[3], lines[1], lines[2]]) + b"\n")
    st = store.load_state(project, "ana")
    assert st.not_append is None and len(st.codings()) == 4


def test_check_fix_writes_the_gitattributes(project: Project,
                                            invoke: Callable[..., Any]) -> None:
    attrs = project.root / ".gitattributes"
    assert "codings/*.jsonl merge=union" in attrs.read_text()
    attrs.write_text("*.docx binary\n")  # a project made before qcode wrote it
    r = invoke("--project", str(project.root), "check")
    assert r.exit_code == 10
    assert "gitattributes: .gitattributes: does not declare qcode's append-only logs to " \
           "git's union merge (a pull could then stop with conflicts in them)" in r.stdout
    r = invoke("--project", str(project.root), "check", "--fix")
    assert r.exit_code == 0
    text = attrs.read_text()
    assert text.startswith("*.docx binary\n# qcode: append-only logs")
    for path in ("codings/*.jsonl", "reconciliations/*.jsonl", "memos/*.jsonl",
                 "codebook.log.jsonl", "documents.log.jsonl"):
        assert f"{path} merge=union\n" in text


def test_status_reports_each_change_once(project: Project,
                                         invoke: Callable[..., Any]) -> None:
    _coded(project, 2)
    root = str(project.root)
    r = invoke("--project", root, "status")
    assert r.exit_code == 0
    assert r.stdout.splitlines() == ["Everything (this machine has not looked before):",
                                     "  ana (new coder): 2 new codings (D01 2)",
                                     "  documents added: D01"]
    r = invoke("--project", root, "status")
    assert r.stdout == "" and r.stderr.startswith("Nothing changed since ")
    doc = project.load_document("D01")
    store.add_codes(project, "bo", doc, ["D01:0004"], [B])
    store.remove_codes(project, "ana", doc, ["D01:0001"])
    store.mark_done(project, "bo", "D01")
    project.save_document(numbered_doc("D02", 2))
    r = invoke("--project", root, "status", "--peek", "--format", "json")
    got = json.loads(r.stdout)
    assert got["marked_seen"] is False and got["changed"] is True
    assert got["coders"] == [
        {"coder": "ana", "new_coder": False, "codings_added": 0, "codings_removed": 1,
         "documents": ["D01"], "completed": [], "reopened_documents": []},
        {"coder": "bo", "new_coder": True, "codings_added": 1, "codings_removed": 0,
         "documents": ["D01"], "completed": ["D01"], "reopened_documents": []}]
    assert (got["documents_added"], got["documents_replaced"], got["documents_removed"]) == \
        (["D02"], [], [])
    r = invoke("--project", root, "status")  # --peek did not record: the same again
    assert r.stdout.splitlines()[1:] == ["  ana: 1 coding removed (D01 1)",
                                         "  bo (new coder): 1 new coding (D01 1)",
                                         "  bo: marked done: D01",
                                         "  documents added: D02"]
    assert invoke("--project", root, "status").stdout == ""
    assert (project.root / ".status.seen").exists()
    assert ".*.seen" in (project.root / ".gitignore").read_text()


def test_status_warns_about_a_conflicted_log(project: Project,
                                             invoke: Callable[..., Any]) -> None:
    _conflicted(_coded(project))
    r = invoke("--project", str(project.root), "status", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["log_problems"] == [
        {"coder": "ana", "kind": "log_conflict",
         "message": "line 2: git conflict markers: the 5 lines from here on are not read"}]
    assert "Warning: codings/ana.jsonl: line 2: git conflict markers" in r.stderr


def test_a_conflict_in_the_leads_files_is_named_with_its_lines(
        project: Project, invoke: Callable[..., Any]) -> None:
    book = project.codebook_path
    lines = book.read_text(encoding="utf-8").splitlines(keepends=True)
    book.write_text("".join(lines[:3]) + "<<<<<<< HEAD\n" + lines[3] + "=======\n" + lines[3]
                    + ">>>>>>> origin/main\n" + "".join(lines[4:]), encoding="utf-8")
    r = invoke("--project", str(project.root), "check", "--format", "json")
    assert r.exit_code == 10
    found = [p for p in json.loads(r.stdout)["problems"] if p["kind"] == "conflict_marker"]
    assert found == [{
        "kind": "conflict_marker", "path": "codebook.yaml", "line": 4, "count": 3,
        "message": "git conflict markers on lines 4, 6, 8",
        "hint": "this file is the lead's: settle the merge by hand (keep the lines of one "
                "side between the markers, delete the marker lines), then git add and git "
                "commit it", "fixable": False}]


def test_a_reading_command_warns_about_a_log_that_lost_lines(
        project: Project, invoke: Callable[..., Any]) -> None:
    log = _coded(project)
    store.load_state(project, "ana")
    lines = log.read_bytes().split(b"\n")
    log.write_bytes(b"\n".join(lines[:1]) + b"\n")
    r = invoke("--project", str(project.root), "progress")
    assert r.exit_code == 0
    assert "Warning: codings/ana.jsonl is not an append of what this machine read: 2 lines " \
           "this machine read before are gone or changed (lines 2, 3 of the 3 it had then); " \
           "see: qcode check" in r.stderr

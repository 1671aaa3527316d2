"""Accepting a coder log that lost lines is explicit: ``qcode check --fix`` repairs what it
repairs and leaves the lost-lines finding in place; only ``qcode check --accept-lost-lines
--coder NAME`` takes the log as it is now (the data-loss warning is not silenced by a --fix
run for another finding)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qcode.coding import store
from qcode.project import Project
from tests.builders import numbered_doc

A = "GOV-MAC-01"
LOST = ("not an append of what this machine read: 2 lines this machine read before are "
        "gone or changed (lines 2, 3 of the 3 it had then)")


def _lost_lines(project: Project, coder: str = "ana") -> Path:
    """A log of three codings this machine read, then an older version checked out."""
    if not project.document_path("D01").exists():
        project.save_document(numbered_doc("D01", 6))
    doc = project.load_document("D01")
    for i in range(1, 4):
        store.add_codes(project, coder, doc, [f"D01:{i:04d}"], [A])
    log = project.codings_dir / f"{coder}.jsonl"
    store.load_state(project, coder)  # this machine reads it
    log.write_bytes(log.read_bytes().split(b"\n")[0] + b"\n")
    assert store.load_state(project, coder).not_append is not None
    return log


def _hint(coder: str) -> str:
    return ("if an older version is checked out, go back to the newest (git checkout <your "
            "branch>, git pull); if the lines were lost, find them in the history (git log "
            f"-p -- codings/{coder}.jsonl); if the change was meant, accept the log as it is "
            f"now: qcode check --accept-lost-lines --coder {coder}")


def test_fix_repairs_the_rest_and_leaves_the_lost_lines_reported(
        project: Project, invoke: Callable[..., Any]) -> None:
    log = _lost_lines(project)
    (project.root / ".gitattributes").write_text("*.docx binary\n")  # another finding
    r = invoke("--project", str(project.root), "check", "--fix")
    assert r.exit_code == 10, r.output
    assert r.stdout.splitlines() == [
        "Fixed: declared qcode's append-only logs to git's union merge in .gitattributes "
        "(commit it)",
        f"rewritten_log: codings/ana.jsonl: {LOST}",
        f"  Hint: {_hint('ana')}"]
    assert r.stderr.splitlines() == [
        "Warning: 1 problem found; 1 log that lost lines can be accepted with: qcode check "
        "--accept-lost-lines --coder ana"]
    assert store.load_state(project, "ana").not_append is not None  # still reported
    assert log.read_bytes().count(b"\n") == 1  # and the log itself untouched


def test_accept_lost_lines_takes_only_the_named_coder(project: Project,
                                                      invoke: Callable[..., Any]) -> None:
    _lost_lines(project, "ana")
    _lost_lines(project, "bo")
    r = invoke("--project", str(project.root), "check", "--format", "json")
    assert r.exit_code == 10
    found = json.loads(r.stdout)["problems"]
    assert [(p["kind"], p["path"], p["fixable"], p["hint"]) for p in found] == [
        ("rewritten_log", "codings/ana.jsonl", False, _hint("ana")),
        ("rewritten_log", "codings/bo.jsonl", False, _hint("bo"))]
    assert r.stderr.splitlines() == [
        "Warning: 2 problems found; 2 logs that lost lines can be accepted with: qcode check "
        "--accept-lost-lines --coder ana,bo"]
    r = invoke("--project", str(project.root), "check", "--accept-lost-lines", "--coder", "bo")
    assert r.exit_code == 10, r.output
    assert r.stdout.splitlines() == [
        "Fixed: accepted codings/bo.jsonl as it is now (what it lost is still in git's "
        "history)",
        f"rewritten_log: codings/ana.jsonl: {LOST}",
        f"  Hint: {_hint('ana')}"]
    assert store.load_state(project, "bo").not_append is None
    assert store.load_state(project, "ana").not_append is not None
    r = invoke("--project", str(project.root), "check", "--accept-lost-lines", "--coder",
               "ana,bo", "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["clean"] is True and out["fixed"] == [
        "accepted codings/ana.jsonl as it is now (what it lost is still in git's history)"]
    assert r.stderr.splitlines() == [
        "Nothing to accept: codings/bo.jsonl has lost no lines this machine read",
        "Fixed: accepted codings/ana.jsonl as it is now (what it lost is still in git's "
        "history)",
        "No problems left."]


def test_accept_lost_lines_with_fix_does_both(project: Project,
                                              invoke: Callable[..., Any]) -> None:
    _lost_lines(project)
    (project.root / ".gitattributes").write_text("*.docx binary\n")
    r = invoke("--project", str(project.root), "check", "--fix", "--accept-lost-lines",
               "-c", "ana")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        "Fixed: accepted codings/ana.jsonl as it is now (what it lost is still in git's "
        "history)",
        "Fixed: declared qcode's append-only logs to git's union merge in .gitattributes "
        "(commit it)"]
    assert r.stderr.splitlines() == ["No problems left."]


def test_accept_lost_lines_refuses_what_it_cannot_name(project: Project,
                                                       invoke: Callable[..., Any]) -> None:
    _lost_lines(project)
    r = invoke("--project", str(project.root), "check", "--accept-lost-lines")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: --accept-lost-lines needs the coder whose log to accept",
        "Hint: name it: qcode check --accept-lost-lines --coder NAME (qcode check lists the "
        "logs that lost lines)"]
    r = invoke("--project", str(project.root), "check", "--coder", "ana")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: qcode check takes --coder only with --accept-lost-lines",
        "Hint: qcode check --accept-lost-lines --coder NAME"]
    r = invoke("--project", str(project.root), "check", "--accept-lost-lines", "--coder",
               "ana,anna")
    assert r.exit_code == 5
    assert r.stderr.splitlines()[0] == "Error: no coder 'anna' in this project"
    # nothing was accepted: an unknown name stops the whole request before any change
    assert store.load_state(project, "ana").not_append is not None

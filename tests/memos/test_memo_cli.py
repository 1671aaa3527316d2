"""`qcode memo add|list|remove`: memos on documents, codes and the project, through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from qcode.coding.store import add_codes, set_memo
from qcode.errors import ExitCode
from qcode.memos.journal import read_journal
from qcode.memos.log import log_path
from qcode.project import Project
from tests.builders import numbered_doc

Invoke = Callable[..., Any]


@pytest.fixture
def study(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setenv("USER", "ana")
    doc = numbered_doc("D01", 4)
    project.save_document(doc)
    project.save_document(numbered_doc("D02", 2))
    add_codes(project, "lars", doc, ["D01:0002"], ["GOV-MAC-01"])
    set_memo(project, "lars", doc, "D01:0002", "ask about the budget")
    return project


def run(invoke: Invoke, project: Project, *args: str) -> Any:
    return invoke("--project", str(project.root), *args)


def add_json(invoke: Invoke, project: Project, *args: str) -> dict[str, Any]:
    result = run(invoke, project, "memo", "add", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    memo: dict[str, Any] = json.loads(result.stdout)["memo"]
    return memo


def test_add_on_a_document_a_code_and_the_project(invoke: Invoke, study: Project) -> None:
    r = run(invoke, study, "memo", "add", "--doc", "D01", "The", "nurse", "disagrees")
    assert r.exit_code == 0
    (memo,) = read_journal(study).memos.values()
    assert r.stdout == f"Memo {memo.id} on document D01 by ana.\n"
    assert (memo.on, memo.target, memo.author, memo.text) == ("doc", "D01", "ana",
                                                              "The nurse disagrees")
    by_name = add_json(invoke, study, "--code", "national strategy and policy direction", "narrow")
    assert (by_name["on"], by_name["target"]) == ("code", "GOV-MAC-01")
    journal = add_json(invoke, study, "--project", "second round", "--author", "zed")
    assert (journal["on"], journal["target"], journal["author"]) == ("project", None, "zed")
    assert log_path(study, "zed").is_file() and log_path(study, "ana").is_file()
    assert len(log_path(study, "ana").read_text().splitlines()) == 2


def test_author_falls_back_to_the_login_name(invoke: Invoke, study: Project,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("USER")
    monkeypatch.setattr("getpass.getuser", lambda: "kari")
    assert add_json(invoke, study, "--project", "hello")["author"] == "kari"


@pytest.mark.parametrize(("args", "message", "code"), [
    (("x",), "Error: give one of --doc, --code or --project\n"
             'Hint: qcode memo add --doc N01 "TEXT"\n', ExitCode.USAGE),
    (("--doc", "D01", "--project", "x"), "Error: give one of --doc, --code or --project\n"
                                         'Hint: qcode memo add --doc N01 "TEXT"\n',
     ExitCode.USAGE),
    (("--doc", "D03", "x"), "Error: no document 'D03' in this project\n"
                            "Hint: did you mean D01, D02?\n", ExitCode.NOT_FOUND),
    (("--code", "NOPE-99", "x"), "Error: unknown code 'NOPE-99'\n", ExitCode.NOT_FOUND),
    (("--project", " "), "Error: the memo is empty\n"
                         "Hint: write the memo's text after the options\n", ExitCode.USAGE),
    (("--project", "x", "--author", "a b"), "Error: 'a b' is not a valid memo author\n"
                                            "Hint: use 1-32 letters, digits, '-' or '_', "
                                            "starting with a letter or digit\n",
     ExitCode.USAGE),
])
def test_add_refusals(invoke: Invoke, study: Project, args: tuple[str, ...], message: str,
                      code: int) -> None:
    r = run(invoke, study, "memo", "add", *args)
    assert r.exit_code == code
    assert r.stderr.startswith(message)
    assert not (study.root / "memos" / "ana.jsonl").exists()


def test_list_shows_segment_memos_beside_document_memos(invoke: Invoke, study: Project
                                                        ) -> None:
    doc_memo = add_json(invoke, study, "--doc", "D01", "contradicts D02")
    add_json(invoke, study, "--doc", "D02", "short")
    add_json(invoke, study, "--project", "journal")
    r = run(invoke, study, "memo", "list", "--doc", "D01", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert [(m["on"], m["target"], m["segment"], m["author"], m["text"])
            for m in data["memos"]] == [
        ("doc", "D01", None, "ana", "contradicts D02"),
        ("segment", "D01", "D01:0002", "lars", "ask about the budget")]
    assert data["memos"][0]["id"] == doc_memo["id"]
    assert data["unreadable_lines"] == []
    md = run(invoke, study, "memo", "list", "--doc", "D01", "--format", "md").stdout
    assert "## Document D01" in md and "## Segment memos" in md
    assert "- **D01:0002**, lars: ask about the budget" in md
    everything = json.loads(run(invoke, study, "memo", "list", "-f", "json").stdout)
    assert [m["on"] for m in everything["memos"]] == ["doc", "doc", "project", "segment"]
    only = json.loads(run(invoke, study, "memo", "list", "--project", "-f", "json").stdout)
    assert [m["text"] for m in only["memos"]] == ["journal"]
    lars = json.loads(run(invoke, study, "memo", "list", "--author", "lars", "-f",
                          "json").stdout)
    assert [m["on"] for m in lars["memos"]] == ["segment"]


def test_remove_is_a_tombstone(invoke: Invoke, study: Project) -> None:
    memo = add_json(invoke, study, "--code", "GOV-MAC-01", "too broad")
    before = log_path(study, "ana").read_bytes()
    r = run(invoke, study, "memo", "remove", memo["id"][:6])
    assert r.exit_code == 0
    assert r.stdout == f"Removed memo {memo['id']} on code GOV-MAC-01 by ana.\n"
    after = log_path(study, "ana").read_bytes()
    assert after.startswith(before)  # appended, never rewritten
    assert json.loads(after.splitlines()[-1])["op"] == "remove"
    assert read_journal(study).memos == {}
    again = run(invoke, study, "memo", "remove", memo["id"][:6])
    assert again.exit_code == ExitCode.NOT_FOUND
    assert again.stderr == (f"Error: memo {memo['id']} was removed already\n"
                            "Hint: list the memos: qcode memo list\n")
    unknown = run(invoke, study, "memo", "remove", "ffff")
    assert unknown.stderr == ("Error: no memo 'ffff' in this project\n"
                              "Hint: list the memos and their ids: qcode memo list\n")
    short = run(invoke, study, "memo", "remove", memo["id"][:3])
    assert short.exit_code == ExitCode.NOT_FOUND


def test_a_damaged_line_is_skipped_and_named(invoke: Invoke, study: Project) -> None:
    add_json(invoke, study, "--project", "kept")
    path = log_path(study, "ana")
    with path.open("ab") as fh:
        fh.write(b'{"id": "torn", "op": "ad')  # a kill mid-write
    r = run(invoke, study, "memo", "list", "--project", "-f", "json")
    assert r.exit_code == 0
    assert [m["text"] for m in json.loads(r.stdout)["memos"]] == ["kept"]
    assert r.stderr == ("Warning: skipped 1 unreadable line in memos/ana.jsonl (line 2): the "
                        "memos there are left out until those lines are repaired or removed\n")
    add_json(invoke, study, "--project", "after the tear")  # closes the torn line first
    texts = [m.text for m in read_journal(study).memos.values()]
    assert texts == ["kept", "after the tear"]
    assert len(read_journal(study).bad) == 1


def test_a_linked_memo_log_is_refused(invoke: Invoke, study: Project, tmp_path: Any) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("mine\n")
    (study.root / "memos").mkdir()
    log_path(study, "ana").symlink_to(target)
    r = run(invoke, study, "memo", "add", "--project", "x")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr.startswith(f"Error: {log_path(study, 'ana')} is a symbolic link")
    assert target.read_text() == "mine\n"


def test_show_lists_the_document_memos_under_its_header(invoke: Invoke, study: Project
                                                        ) -> None:
    memo = add_json(invoke, study, "--doc", "D01", "an early adopter")
    add_json(invoke, study, "--doc", "D02", "not this one")
    r = run(invoke, study, "show", "D01")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    stamp = memo["time"][:16].replace("T", " ")
    assert lines[1:3] == [f"  memo [{stamp}] ana: an early adopter", ""]
    assert lines[3].startswith("D01:0001  Interviewer")
    data = json.loads(run(invoke, study, "show", "D01", "--format", "json").stdout)
    assert [m["text"] for m in data["memos"]] == ["an early adopter"]
    plain = run(invoke, study, "show", "D02", "--coder", "lars").stdout.splitlines()
    assert plain[1].endswith("ana: not this one")


def test_edit_is_a_new_event_and_the_memo_keeps_its_id(invoke: Invoke, study: Project
                                                       ) -> None:
    memo = add_json(invoke, study, "--doc", "D02", "first")
    r = run(invoke, study, "memo", "edit", memo["id"][:5], "second", "thought",
            "--author", "bo")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"Edited memo {memo['id']} on document D02.\n"
    (now,) = read_journal(study).memos.values()
    assert (now.id, now.author, now.time, now.text) == (memo["id"], "ana", memo["time"],
                                                        "second thought")
    assert now.edited is not None and now.edited > memo["time"]
    assert log_path(study, "ana").read_text().count("\n") == 1  # ana's line untouched
    assert '"op": "edit"' in log_path(study, "bo").read_text()
    listed = run(invoke, study, "memo", "list", "--doc", "D02").stdout
    assert "(edited" in listed
    empty = run(invoke, study, "memo", "edit", memo["id"], " ")
    assert empty.exit_code == ExitCode.USAGE
    assert empty.stderr.startswith("Error: the memo is empty\n")


def test_a_code_memo_follows_the_code_through_a_rename_and_a_merge(
        invoke: Invoke, study: Project) -> None:
    memo = add_json(invoke, study, "--code", "GOV-MAC-01", "narrow")
    other = add_json(invoke, study, "--code", "GOV-MAC-02", "regional")
    r = run(invoke, study, "codebook", "rename", "GOV-MAC-01", "--id", "GOV-MAC-91")
    assert r.exit_code == 0, r.stderr
    listed = json.loads(run(invoke, study, "memo", "list", "--code", "GOV-MAC-91", "-f",
                            "json").stdout)
    assert [(m["id"], m["target"]) for m in listed["memos"]] == [(memo["id"], "GOV-MAC-91")]
    r = run(invoke, study, "codebook", "merge", "GOV-MAC-02", "--into", "GOV-MAC-91")
    assert r.exit_code == 0, r.stderr
    listed = json.loads(run(invoke, study, "memo", "list", "--code", "GOV-MAC-91", "-f",
                            "json").stdout)
    assert [m["id"] for m in listed["memos"]] == [memo["id"], other["id"]]
    assert read_journal(study).on("code", "GOV-MAC-02") == []


def test_a_document_memo_follows_a_docs_rename_and_ids_take_a_prefix(
        invoke: Invoke, study: Project) -> None:
    memo = add_json(invoke, study, "--doc", "D02", "short one")
    r = run(invoke, study, "docs", "rename", "D02", "E07")
    assert r.exit_code == 0, r.stderr
    listed = json.loads(run(invoke, study, "memo", "list", "--doc", "E0", "-f", "json").stdout)
    assert [(m["id"], m["target"]) for m in listed["memos"]] == [(memo["id"], "E07")]
    assert "short one" in run(invoke, study, "show", "E07").stdout
    again = add_json(invoke, study, "--doc", "E", "by prefix")
    assert again["target"] == "E07"

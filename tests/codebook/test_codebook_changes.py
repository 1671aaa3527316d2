"""Codebook changes as commands (issue 16.1): each is a line of codebook.log.jsonl, and
codebook.yaml is rewritten keeping the user's comments and order."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from qcode.codebook.history import code_map, fold, read_history
from qcode.codebook.load import load
from qcode.project import Project, init_project
from tests.builders import ROOT

COMMENTED = """\
# Our codebook: keep these comments!
name: Small study   # shown in reports
version: "1"

levels:
- id: micro
  name: Micro
- id: macro
  name: Macro

themes:
- id: GOV
  name: Governance
- id: ORG
  name: Organisation

codes:
# ---- governance, micro
- id: GOV-MIC-01   # the first one
  name: Local rules
  theme: GOV
  level: micro
  keywords: [rule, guideline]

# ---- governance, macro
- id: GOV-MAC-01
  name: National strategy
  theme: GOV
  level: macro
  definition: Plans of the state.   # short on purpose
- id: GOV-MAC-02
  name: Regional steering
  theme: GOV
  level: macro

# ---- organisation
- id: ORG-MIC-01
  name: Trust in video
  theme: ORG
  level: micro
- id: ORG-MAC-01
  name: Hospital mergers
  theme: ORG
  level: macro
"""


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    source = tmp_path / "book.yaml"
    source.write_text(COMMENTED, encoding="utf-8")
    project = init_project(tmp_path / "small", codebook=source)
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("USER", "lead")
    return project


def comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


def test_a_commented_codebook_keeps_its_comments_and_order(
        small: Project, invoke: Callable[..., object]) -> None:
    for args in (["add", "Staff felt watched", "--theme", "ORG", "--level", "micro"],
                 ["rename", "GOV-MAC-01", "--name", "National strategy and plans"],
                 ["edit", "GOV-MIC-01", "--keywords", "rule,local guideline"],
                 ["retire", "ORG-MAC-01"]):
        r = invoke("codebook", *args)
        assert r.exit_code == 0, r.output
    text = small.codebook_path.read_text(encoding="utf-8")
    assert comments(text) == comments(COMMENTED)
    expected = COMMENTED.replace(
        "  name: National strategy\n", "  name: National strategy and plans\n").replace(
        "  keywords: [rule, guideline]\n", "  keywords: [rule, local guideline]\n").replace(
        "  name: Trust in video\n  theme: ORG\n  level: micro\n",
        "  name: Trust in video\n  theme: ORG\n  level: micro\n- id: ORG-MIC-02\n"
        "  name: Staff felt watched\n  theme: ORG\n  level: micro\n").replace(
        "  name: Hospital mergers\n  theme: ORG\n  level: macro\n",
        "  name: Hospital mergers\n  theme: ORG\n  level: macro\n  retired: true\n")
    assert text == expected


def test_each_change_says_what_it_did(small: Project, invoke: Callable[..., object]) -> None:
    said = [invoke("codebook", *args).stdout for args in (
        ["add", "Staff felt watched", "-t", "ORG", "-l", "micro", "--why", "N04"],
        ["rename", "GOV-MAC-01", "--id", "GOV-MAC-07"],
        ["move", "GOV-MAC-02", "--theme", "ORG", "--level", "macro"],
        ["merge", "ORG-MAC-01", "--into", "ORG-MAC-02"],
        ["split", "ORG-MIC-01", "--into", "Trust in video calls,Staff felt watched"],
        ["retire", "GOV-MIC-01"],
        ["edit", "GOV-MAC-07", "--definition", "Plans."])]
    assert said == [
        "Added ORG-MIC-02 'Staff felt watched' (ORG x micro).\n",
        "Renamed GOV-MAC-01: id GOV-MAC-01 -> GOV-MAC-07.\n",
        "Moved GOV-MAC-02 to ORG x macro as ORG-MAC-02.\n",
        "Merged ORG-MAC-01 into ORG-MAC-02.\n",
        "Split ORG-MIC-01 into ORG-MIC-03, ORG-MIC-02 (codings wait to be re-assigned).\n",
        "Retired GOV-MIC-01.\n",
        "Edited GOV-MAC-07: definition.\n",
    ]
    events = read_history(small.root).events
    assert [e["op"] for e in events] == ["add", "rename", "move", "merge", "split", "retire",
                                         "edit"]
    assert len({e["id"] for e in events}) == 7
    assert {e["by"] for e in events} == {"lead"}
    assert events[0]["why"] == "N04"
    cmap = code_map(small.root)
    assert dict(cmap.renamed) == {"GOV-MAC-01": "GOV-MAC-07", "GOV-MAC-02": "ORG-MAC-02",
                                  "ORG-MAC-01": "ORG-MAC-02"}
    assert cmap.retired == {"GOV-MIC-01", "ORG-MIC-01"}
    assert dict(cmap.splits) == {"ORG-MIC-01": ("ORG-MIC-03", "ORG-MIC-02")}
    assert [c.id for c in load(small.codebook_path).codes] == [
        "GOV-MIC-01", "GOV-MAC-07", "ORG-MAC-02", "ORG-MIC-01", "ORG-MIC-03", "ORG-MIC-02"]


@pytest.mark.parametrize(("args", "message", "code"), [
    (["rename", "GOV-MAC-01", "--id", "GOV-MAC-02"],
     "Error: code GOV-MAC-02 is already in the codebook\nHint: choose another id, or leave "
     "--id out for the next free one\n", 6),
    (["add", "Local rules", "--theme", "GOV", "--level", "micro"],
     "Error: code GOV-MIC-01 is already named 'Local rules'\nHint: choose another name, or "
     "use that code\n", 6),
    (["add", "New", "--theme", "GOV"],
     "Error: the codebook has levels: give the new code's --level\nHint: levels: micro, "
     "macro\n", 2),
    (["merge", "GOV-MAC-01", "--into", "GOV-MAC-01"],
     "Error: nothing to merge into GOV-MAC-01\nHint: name the codes to merge: qcode codebook "
     "merge A B --into C\n", 2),
    (["split", "GOV-MAC-01", "--into", "GOV-MAC-02"],
     "Error: split GOV-MAC-01 into at least two codes\nHint: qcode codebook split GOV-MAC-01 "
     "--into 'First part,Second part'\n", 2),
    (["retire", "Trust in vidoe"],
     "Error: unknown code 'Trust in vidoe'\nHint: did you mean ORG-MIC-01 (Trust in "
     "video)?\n", 5),
])
def test_a_refused_change_changes_nothing(small: Project, invoke: Callable[..., object],
                                          args: list[str], message: str, code: int) -> None:
    before = small.codebook_path.read_bytes()
    r = invoke("codebook", *args)
    assert (r.exit_code, r.stderr) == (code, message)
    assert small.codebook_path.read_bytes() == before
    assert not (small.root / "codebook.log.jsonl").exists()


def test_json_output_is_the_log_event(small: Project, invoke: Callable[..., object]) -> None:
    r = invoke("codebook", "retire", "GOV-MAC-02", "--why", "unused", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert list(data) == ["schema_version", "event", "summary"]
    assert data["event"] == read_history(small.root).events[0]
    assert data["summary"] == "retired GOV-MAC-02"
    assert r.stderr == "Retired GOV-MAC-02.\n"


def test_history_of_one_code_follows_its_ids(small: Project,
                                             invoke: Callable[..., object]) -> None:
    invoke("codebook", "rename", "GOV-MAC-01", "--id", "GOV-MAC-07")
    invoke("codebook", "retire", "ORG-MAC-01")
    invoke("codebook", "merge", "GOV-MAC-07", "--into", "GOV-MAC-02")
    r = invoke("codebook", "history", "--code", "GOV-MAC-01", "--format", "json")
    assert r.exit_code == 0, r.output
    assert [e["summary"] for e in json.loads(r.stdout)["events"]] == [
        "renamed GOV-MAC-01: id GOV-MAC-01 -> GOV-MAC-07", "merged GOV-MAC-07 into GOV-MAC-02"]
    assert invoke("codebook", "history", "--code", "ORG-MIC-01").stdout == \
        "No codebook changes recorded for ORG-MIC-01.\n"


def test_history_names_unreadable_log_lines(small: Project,
                                            invoke: Callable[..., object]) -> None:
    invoke("codebook", "retire", "ORG-MAC-01")
    with (small.root / "codebook.log.jsonl").open("ab") as f:
        f.write(b'{"id": "x", "op": "ret')
    r = invoke("codebook", "history", "--format", "json")
    assert r.exit_code == 0
    assert r.stderr == "Warning: skipped 1 unreadable line in codebook.log.jsonl (line 2)\n"
    assert len(json.loads(r.stdout)["events"]) == 1
    r = invoke("codebook", "retire", "GOV-MAC-02")  # the torn line does not swallow the next
    assert r.exit_code == 0
    assert [e["code"] for e in read_history(small.root).events] == ["ORG-MAC-01", "GOV-MAC-02"]


def test_diff_of_two_files(small: Project, invoke: Callable[..., object],
                           tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(COMMENTED, encoding="utf-8")
    invoke("codebook", "rename", "GOV-MAC-01", "--id", "GOV-MAC-07")
    invoke("codebook", "move", "ORG-MIC-01", "--theme", "GOV", "--level", "micro",
           "--keep-id")
    invoke("codebook", "merge", "GOV-MAC-02", "--into", "GOV-MAC-07")
    invoke("codebook", "add", "Waiting lists", "--theme", "ORG", "--level", "macro")
    invoke("codebook", "edit", "GOV-MIC-01", "--definition", "Rules made locally.")
    r = invoke("codebook", "diff", str(old), "codebook.yaml")
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        "added    ORG-MAC-02 'Waiting lists' (ORG x macro)\n"
        "removed  GOV-MAC-02 'Regional steering'\n"
        "renamed  GOV-MAC-01 -> GOV-MAC-07\n"
        "moved    ORG-MIC-01: ORG x micro -> GOV x micro\n"
        "changed  GOV-MIC-01: definition\n")
    data = json.loads(invoke("codebook", "diff", str(old), "codebook.yaml", "-f",
                             "json").stdout)
    assert data["renamed_codes"] == [{"old_id": "GOV-MAC-01", "new_id": "GOV-MAC-07",
                                "old_name": "National strategy",
                                "new_name": "National strategy"}]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@x",
                    *args], check=True, capture_output=True)


def test_diff_of_two_git_revisions_and_a_git_round_trip(
        small: Project, invoke: Callable[..., object], tmp_path: Path) -> None:
    _git(small.root, "init", "-q")
    _git(small.root, "add", ".")
    _git(small.root, "commit", "-qm", "start")
    invoke("codebook", "rename", "GOV-MAC-01", "--id", "GOV-MAC-07", "--why", "house style")
    _git(small.root, "add", ".")
    _git(small.root, "commit", "-qm", "rename")
    r = invoke("codebook", "diff", "HEAD~1", "HEAD")
    assert (r.exit_code, r.stdout) == (0, "renamed  GOV-MAC-01 -> GOV-MAC-07\n")
    # a clone has the same codebook and history: codings made before the rename follow it
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(small.root), str(clone)], check=True)
    assert code_map(clone).current("GOV-MAC-01") == "GOV-MAC-07"
    r = invoke("--project", str(clone), "codebook", "history", "--format", "json")
    assert [e["why"] for e in json.loads(r.stdout)["events"]] == ["house style"]
    r = invoke("codebook", "diff", "HEAD~5", "HEAD")
    assert (r.exit_code, r.stderr) == (5, (
        "Error: no codebook file HEAD~5, and no git revision HEAD~5:codebook.yaml\n"
        "Hint: give a file, or a revision such as HEAD~1 or a commit id\n"))


def test_the_bundled_codebook_is_not_touched(project: Project, invoke: Callable[..., object],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = ROOT / "codebooks" / "telemedicine-norway.yaml"
    before = bundled.read_bytes()
    monkeypatch.chdir(project.root)
    assert invoke("codebook", "retire", "GOV-MAC-01").exit_code == 0
    assert bundled.read_bytes() == before
    assert project.codebook_path.read_bytes() != before


def test_retired_codes_are_shown_as_retired(small: Project,
                                            invoke: Callable[..., object]) -> None:
    invoke("codebook", "retire", "GOV-MAC-02")
    md = invoke("codebook", "show", "--format", "md").stdout
    assert "GOV-MAC-02: Regional steering (retired)" in md
    assert "GOV-MAC-01: National strategy\n" in md
    data = json.loads(invoke("codebook", "show", "--format", "json").stdout)
    assert [c["id"] for c in data["codes"] if c["retired"]] == ["GOV-MAC-02"]


def test_a_codebook_with_problems_is_not_changed(small: Project,
                                                 invoke: Callable[..., object]) -> None:
    broken = COMMENTED.replace("  theme: ORG\n  level: macro\n", "  theme: ORGX\n  level: macro\n")
    small.codebook_path.write_text(broken, encoding="utf-8")
    r = invoke("codebook", "retire", "GOV-MAC-02")
    assert (r.exit_code, r.stderr) == (4, (
        f"Error: the codebook cannot be changed while it has problems: "
        f"{small.codebook_path}:43: codes[4] (ORG-MAC-01).theme: unknown theme 'ORGX'; did "
        "you mean 'ORG'?\nHint: fix them first: qcode codebook check\n"))
    assert small.codebook_path.read_text(encoding="utf-8") == broken


def test_a_split_code_merged_away_leaves_no_split_behind() -> None:
    cmap = fold([{"id": "1", "op": "split", "code": "A", "parts": ["B", "C"]},
                 {"id": "2", "op": "retire", "code": "D"},
                 {"id": "3", "op": "merge", "codes": ["A", "D"], "into": "E"},
                 {"id": "4", "op": "rename", "code": "E", "new_id": "F"}])
    assert dict(cmap.renamed) == {"A": "F", "D": "F", "E": "F"}
    assert dict(cmap.splits) == {}
    assert cmap.retired == frozenset()

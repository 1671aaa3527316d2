"""Document sets (``qcode sets``, ``--set NAME``), speaker labels (``qcode speakers``) and
``reconcile --remove``: exact messages, what is stored, and what the analyses see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode.documents.sets import selected_documents
from qcode.project import Project
from tests.builders import build_known


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known", coders=("ana", "bo"), done=True)


def q(invoke, project: Project, *args: str):  # type: ignore[no-untyped-def]
    r = invoke("--project", str(project.root), *args)
    assert r.exit_code == 0, r.stderr
    return r


def as_json(invoke, project: Project, *args: str):  # type: ignore[no-untyped-def]
    return json.loads(q(invoke, project, *args, "--format", "json").stdout)


# ----------------------------------------------------------------------------- sets


def test_sets_add_list_remove(invoke, known: Project) -> None:
    r = q(invoke, known, "sets", "add", "north", "D1", "D3")
    assert r.stdout == "Set north: added 2 documents: D1, D3 (2 in the set)\n"
    assert json.loads((known.root / "sets.json").read_text(encoding="utf-8")) == {
        "sets": {"north": ["D1", "D3"]}}
    assert as_json(invoke, known, "sets", "add", "north", "D1") == {
        "schema_version": 1, "set": "north", "added_documents": [], "documents": ["D1", "D3"]}
    assert as_json(invoke, known, "sets", "list") == {
        "schema_version": 1, "sets": [{"name": "north", "documents": ["D1", "D3"]}]}
    r = q(invoke, known, "sets", "remove", "north", "D3")
    assert r.stdout == "Set north: took out D3\n"
    r = q(invoke, known, "sets", "remove", "north")
    assert r.stdout == "Removed the set north (its documents stay in the project)\n"
    assert known.document_ids() == ["D1", "D2", "D3"]
    r = q(invoke, known, "sets", "list")
    assert r.stderr == "No document sets yet; make one with: qcode sets add NAME DOC...\n"


def test_sets_refusals(invoke, known: Project) -> None:
    r = invoke("--project", str(known.root), "sets", "add", "north", "D1", "D")
    assert (r.exit_code, r.stderr) == (2, "Error: ambiguous document prefix 'D': D1, D2, D3\n"
                                          "Hint: type more of the id\n")
    assert not (known.root / "sets.json").exists()  # all or nothing
    r = invoke("--project", str(known.root), "matrix", "--coder", "ana", "--set", "nope")
    assert (r.exit_code, r.stderr) == (5, "Error: no document set 'nope'\nHint: make one "
                                          "with: qcode sets add NAME DOC...\n")
    r = invoke("--project", str(known.root), "sets", "add", "bad name", "D1")
    assert r.exit_code == 2 and r.stderr.startswith("Error: 'bad name' is not a valid set name")


def test_set_selects_like_doc_in_every_command(invoke, known: Project) -> None:
    q(invoke, known, "sets", "add", "two", "D1", "D3")
    by_set = {c: as_json(invoke, known, c, "--coder", "ana", "--set", "two")
              for c in ("matrix", "cooccur")}
    by_doc = {c: as_json(invoke, known, c, "--coder", "ana", "--doc", "D1", "--doc", "D3")
              for c in ("matrix", "cooccur")}
    assert by_set == by_doc
    full = as_json(invoke, known, "matrix", "--coder", "ana")
    assert by_set["matrix"] != full
    diff_set = as_json(invoke, known, "diff", "--coder", "ana,bo", "--set", "two")
    diff_doc = as_json(invoke, known, "diff", "--coder", "ana,bo", "--doc", "D1", "--doc",
                       "D3")
    assert diff_set == diff_doc
    a = q(invoke, known, "codings", "export", "--coder", "ana", "--set", "two").stdout
    b = q(invoke, known, "codings", "export", "--coder", "ana", "--doc", "D1", "--doc",
          "D3").stdout
    assert a == b and ",D2," not in a
    r1 = q(invoke, known, "report", "--coder", "ana", "--format", "csv", "--set", "two").stdout
    r2 = q(invoke, known, "report", "--coder", "ana", "--format", "csv", "--doc", "D1",
           "--doc", "D3").stdout
    assert r1 == r2


def test_a_set_follows_renames_and_leaves_out_archived(invoke, known: Project) -> None:
    q(invoke, known, "sets", "add", "two", "D1", "D3")
    q(invoke, known, "docs", "rename", "D1", "N1")
    q(invoke, known, "docs", "remove", "D3")
    assert selected_documents(known, set_names=["two"]) == ["N1"]
    q(invoke, known, "docs", "remove", "N1")
    r = invoke("--project", str(known.root), "matrix", "--coder", "ana", "--set", "two")
    assert (r.exit_code, r.stderr) == (2, "Note: 10 codings by ana on archived documents "
                                          "left out: N1 (6), D3 (4)\n"
                                          "Error: document set 'two' has no document in this "
                                          "project\nHint: add some with: qcode sets add two "
                                          "DOC...\n")


# ----------------------------------------------------------------------------- speakers


def test_speakers_lists_turns_and_words(invoke, known: Project) -> None:
    data = as_json(invoke, known, "speakers", "D1")
    doc = known.load_document("D1")
    words = {s: sum(len(doc.text[t.start:t.end].split()) for t in doc.turns if t.speaker == s)
             for s in doc.speakers}
    assert data == {"schema_version": 1, "speakers": [
        {"document": "D1", "speaker": s, "turns": sum(t.speaker == s for t in doc.turns),
         "words": words[s], "original_labels": []} for s in doc.speakers]}
    assert len(as_json(invoke, known, "speakers")["speakers"]) > len(data["speakers"])


def test_speakers_rename_everywhere_keeps_the_original(invoke, known: Project) -> None:
    speaker = known.load_document("D1").turns[0].speaker
    having = [d for d in known.document_ids()
              if speaker in known.load_document(d).speakers]
    before = as_json(invoke, known, "matrix", "--coder", "ana")
    r = q(invoke, known, "speakers", "rename", "--all", speaker, "Interviewer")
    assert r.stdout == (f"Renamed speaker '{speaker}' to 'Interviewer' in {len(having)} "
                        f"document{'' if len(having) == 1 else 's'}: {', '.join(having)}\n")
    doc = known.load_document("D1")
    assert doc.turns[0].speaker == "Interviewer" and doc.segments[0].speaker == "Interviewer"
    assert doc.original_speakers[0] == speaker
    assert as_json(invoke, known, "show", "D1")["segments"][0]["speaker"] == "Interviewer"
    by_speaker = as_json(invoke, known, "matrix", "--coder", "ana", "--rows", "speaker")
    assert "Interviewer" in by_speaker["row_labels"] and speaker not in by_speaker["row_labels"]
    assert as_json(invoke, known, "matrix", "--coder", "ana") == before  # codings untouched
    listed = as_json(invoke, known, "speakers", "D1")["speakers"]
    assert {"speaker": "Interviewer", "original_labels": [speaker]}.items() <= listed[0].items()
    # renamed back: nothing left to remember
    q(invoke, known, "speakers", "rename", "D1", "Interviewer", speaker)
    assert 0 not in known.load_document("D1").original_speakers


def test_speakers_rename_refusals(invoke, known: Project) -> None:
    r = invoke("--project", str(known.root), "speakers", "rename", "D1", "Nobody", "X")
    assert r.exit_code == 5
    assert r.stderr.startswith("Error: no speaker 'Nobody' in document D1; nothing was "
                               "changed\nHint: speakers: ")
    r = invoke("--project", str(known.root), "speakers", "rename", "D1", "X")
    assert (r.exit_code, r.stderr) == (2, "Error: speakers rename takes DOC OLD NEW, or --all "
                                          "OLD NEW\nHint: for example: qcode speakers rename "
                                          "--all RESPONDENT Respondent\n")


# ----------------------------------------------------------------------------- reconcile


def test_reconcile_remove_archives_a_trial(invoke, known: Project) -> None:
    q(invoke, known, "reconcile", "--coder", "ana,bo", "--as", "trial", "--strategy", "union")
    r = invoke("--project", str(known.root), "matrix")
    assert (r.exit_code, r.stderr) == (0, "")  # the only consensus coder is the default
    q(invoke, known, "reconcile", "--coder", "ana,bo", "--as", "trial2", "--strategy",
      "intersection")
    r = invoke("--project", str(known.root), "matrix")
    assert r.exit_code == 2 and "coders: trial, trial2" in r.stderr
    decisions = (known.reconciliations_dir / "trial2.jsonl").read_bytes()
    data = as_json(invoke, known, "reconcile", "--remove", "trial2")
    moved = data["moved_files"]
    assert [m["from"] for m in moved] == ["codings/trial2.jsonl",
                                          "reconciliations/trial2.jsonl"]
    assert all(m["to"].startswith(("archive/codings/trial2.removed-",
                                   "archive/reconciliations/trial2.removed-")) for m in moved)
    assert (known.root / moved[1]["to"]).read_bytes() == decisions  # archived, not deleted
    assert not (known.codings_dir / "trial2.jsonl").exists()
    r = invoke("--project", str(known.root), "matrix")
    assert (r.exit_code, r.stderr) == (0, "")
    r = invoke("--project", str(known.root), "reconcile", "--remove", "trial2")
    assert (r.exit_code, r.stderr) == (5, "Error: no reconciliation 'trial2' in this project\n"
                                          "Hint: reconciliations: trial\n")
    r = invoke("--project", str(known.root), "reconcile", "--remove", "trial", "--as", "x")
    assert (r.exit_code, r.stderr) == (2, "Error: --remove cannot be used with other "
                                          "reconcile options\nHint: run: qcode reconcile "
                                          "--remove NAME\n")

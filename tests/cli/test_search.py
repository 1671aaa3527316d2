"""``qcode search`` through the CLI: each option, the exact messages and exit codes, coding
the hits as one action that undo reverts, and a dry run that writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store
from qcode.index.store import INDEX_DIR
from qcode.project import Project
from tests.builders import make_doc

Invoke = Callable[..., Any]

N01 = [
    ("Interviewer", "Hvordan startet telemedisin i Tromsø?"),
    ("Torunn Vollstad", "Det startet på sykehuset med én sykepleier og en video-konsultasjon. "
                        "Helse Nord betalte ikke; the Café [bold red]budget[/] was small."),
    ("Interviewer", "Og pasientene?"),
    ("Torunn Vollstad", "Pasientene likte telemedsin, særlig de på øyene. Sykehusene "
                        "fulgte etter."),
]
S01 = [
    ("Interviewer", "How did the video consultations start in Bodø?"),
    ("Lars Eide", "With telemedicine at the hospital, and a ferry \x1b[2Jthat never came."),
]


@pytest.fixture
def study(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    n01 = make_doc("N01", N01).model_copy(update={"attributes": {"region": "Helse Nord"}})
    s01 = make_doc("S01", S01).model_copy(update={"attributes": {"region": "Helse Sør-Øst"}})
    project.save_document(n01)
    project.save_document(s01)
    monkeypatch.chdir(project.root)
    return project


def run_json(invoke: Invoke, *args: str) -> dict[str, Any]:
    result = invoke("search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def texts(data: dict[str, Any]) -> list[str]:
    return [h["text"] for h in data["hits"]]


def test_plain_search_folds_case_and_accents(study: Project, invoke: Invoke) -> None:
    data = run_json(invoke, "TELEMEDISIN")
    assert next(iter(data)) == "schema_version"
    assert texts(data) == ["telemedisin"]
    h = data["hits"][0]
    assert (h["doc"], h["segment"], h["speaker"], h["time_start"]) == \
        ("N01", "N01:0001", "Interviewer", 0.0)
    doc = study.load_document("N01")
    assert doc.text[h["start"]:h["end"]] == "telemedisin"
    assert texts(run_json(invoke, "cafe")) == ["Café"]
    assert texts(run_json(invoke, "tromso")) == []  # ø is a letter of its own
    assert texts(run_json(invoke, "TROMSØ")) == ["Tromsø"]
    assert data["documents"] == [{"document": "N01", "hits": 1}]
    assert (data["documents_searched"], data["total_hits"]) == (2, 1)


def test_whole_word(study: Project, invoke: Invoke) -> None:
    assert texts(run_json(invoke, "sykehus")) == ["sykehus", "Sykehus"]
    assert texts(run_json(invoke, "sykehus", "--whole-word")) == []
    assert texts(run_json(invoke, "sykehuset", "--whole-word")) == ["sykehuset"]


def test_regex(study: Project, invoke: Invoke) -> None:
    assert texts(run_json(invoke, r"helse \w+", "--regex")) == ["Helse Nord"]
    assert texts(run_json(invoke, r"video[\w-]*", "--regex")) == \
        ["video-konsultasjon", "video"]


def test_a_bad_regex_is_one_line_naming_the_position(study: Project, invoke: Invoke) -> None:
    result = invoke("search", "sykehus(et", "--regex")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: bad --regex pattern 'sykehus(et' at position 7: missing ), unterminated "
        "subpattern\nHint: Python regular expression syntax; put a \\ before ( ) [ ] . * + ? "
        "to find them as text, or leave out --regex\n")
    assert result.stdout == ""


def test_fuzzy(study: Project, invoke: Invoke) -> None:
    data = run_json(invoke, "telemedisin", "--fuzzy", "90")
    assert [(h["text"], h["score"]) for h in data["hits"]] == \
        [("telemedisin", 100.0), ("telemedsin", 95.2)]
    assert data["mode"] == "fuzzy" and data["fuzzy"] == 90
    assert texts(run_json(invoke, "telemedisin", "--fuzzy", "85"))[-1] == "telemedicine"
    result = invoke("search", "x", "--fuzzy", "120")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --fuzzy 120 is not a similarity from 1 to 100\n")


def test_document_filters(study: Project, invoke: Invoke) -> None:
    assert texts(run_json(invoke, "video", "--doc", "S01")) == ["video"]
    assert texts(run_json(invoke, "video", "-w", "region=Helse Nord")) == ["video"]
    assert [h["doc"] for h in run_json(invoke, "video", "-w", "region=Helse Nord")["hits"]] \
        == ["N01"]
    assert invoke("sets", "add", "south", "S01").exit_code == 0
    assert [h["doc"] for h in run_json(invoke, "video", "--set", "south")["hits"]] == ["S01"]


def test_where_typos_are_named(study: Project, invoke: Invoke) -> None:
    result = invoke("search", "video", "--where", "regoin=Helse Nord")
    assert result.exit_code == 5
    assert result.stderr == ("Error: --where: no document attribute 'regoin'; did you mean "
                             "'region'?\nHint: attributes: region\n")
    result = invoke("search", "video", "--where", "region=Helse Nrod")
    assert result.exit_code == 5
    assert result.stderr.splitlines()[0] == (
        "Error: --where region=Helse Nrod: no such value of region in the documents "
        "searched; did you mean 'Helse Nord', 'Helse Sør-Øst'?")
    result = invoke("search", "video", "--where", "region")
    assert (result.exit_code, result.stderr.splitlines()[0]) == \
        (2, "Error: --where 'region' is not ATTR=VALUE")


def test_speaker(study: Project, invoke: Invoke) -> None:
    assert texts(run_json(invoke, "telemed", "--speaker", "Torunn Vollstad")) == ["telemed"]
    assert texts(run_json(invoke, "telemed", "--speaker", "Interviewer")) == ["telemed"]
    data = run_json(invoke, "telemed", "--speaker", "Torunn Vollstad")
    assert data["hits"][0]["segment"] == "N01:0004"
    result = invoke("search", "x", "--speaker", "Torun Vollstad")
    assert result.exit_code == 5
    assert result.stderr.splitlines()[0] == ("Error: --speaker Torun Vollstad: no such speaker "
                                             "in the documents searched; did you mean "
                                             "'Torunn Vollstad'?")


def test_in_code_and_uncoded(study: Project, invoke: Invoke) -> None:
    doc = study.load_document("N01")
    at = doc.text.index("sykehuset")
    store.add_span(study, "ingrid", doc, at - 7, at + 20, ["GOV-MAC-01"])
    inside = run_json(invoke, "sykehus", "--in-code", "GOV-MAC-01", "--coder", "ingrid")
    assert [(h["start"], h["text"]) for h in inside["hits"]] == [(at, "sykehus")]
    outside = run_json(invoke, "sykehus", "--uncoded", "--coder", "ingrid")
    assert texts(outside) == ["Sykehus"]
    # the code by its name, too
    assert texts(run_json(invoke, "sykehus", "--in-code", "National strategy and policy "
                          "direction", "--coder", "ingrid")) == ["sykehus"]
    result = invoke("search", "sykehus", "--uncoded")
    assert (result.exit_code, result.stderr) == (
        2, "Error: --uncoded needs --coder\nHint: whose codings to look at, e.g. --coder "
           "ingrid\n")
    result = invoke("search", "sykehus", "--uncoded", "--in-code", "GOV-MAC-01",
                    "--coder", "ingrid")
    assert (result.exit_code, result.stderr.splitlines()[0]) == \
        (2, "Error: give --in-code or --uncoded, not both")
    result = invoke("search", "sykehus", "--uncoded", "--coder", "nobody")
    assert (result.exit_code, result.stderr) == (
        5, "Error: no coder 'nobody' in this project\nHint: coders in this project: ingrid\n")


def test_table_shows_hits_in_context_and_totals(study: Project, invoke: Invoke) -> None:
    result = invoke("search", "telemedicine")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Segment", "Speaker", "Time", "Hit", "in", "context"]
    assert lines[1].split()[:4] == ["S01:0002", "Lars", "Eide", "0:00:10"]
    assert "With telemedicine at the hospital" in lines[1]
    assert lines[-1] == "1 hit for 'telemedicine' in 1 of 2 documents."
    assert lines[-3:-1] == ["Document  Hits", "S01          1"]


def test_transcript_text_cannot_inject_markup_or_escapes(study: Project,
                                                         invoke: Invoke) -> None:
    result = invoke("search", "budget")
    assert "[bold red]budget[/]" in result.stdout
    result = invoke("search", "ferry")
    assert "\x1b" not in result.stdout
    assert "\\x1b[2J" in result.stdout


def test_no_hits(study: Project, invoke: Invoke) -> None:
    result = invoke("search", "fjord")
    assert (result.exit_code, result.stdout) == \
        (0, "0 hits for 'fjord' in 0 of 2 documents.\n")


def test_csv(study: Project, invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("search", "video", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "doc,segment,speaker,time,start,end,left,text,right,score"
    assert lines[1].startswith("N01,N01:0002,Torunn Vollstad,0:00:10,")
    target = tmp_path / "hits.csv"
    result = invoke("search", "video", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").splitlines() == lines
    result = invoke("search", "video", "-o", str(target))
    assert (result.exit_code, result.stderr.splitlines()[0]) == \
        (2, "Error: --output writes json or csv")


# ----------------------------------------------------------------------------- coding hits


def log_lines(project: Project, coder: str) -> list[Any]:
    path = project.codings_dir / f"{coder}.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] \
        if path.exists() else []


def test_coding_every_hit_is_one_action_that_undo_reverts(study: Project,
                                                          invoke: Invoke) -> None:
    result = invoke("search", "sykehus", "--code", "GOV-MAC-01", "--coder", "ingrid")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "Coded 2 spans in 1 document with GOV-MAC-01 for ingrid: 2 added (one action: "
        "qcode undo --coder ingrid reverts it).")
    lines = log_lines(study, "ingrid")
    assert len(lines) == 1 and isinstance(lines[0], list)  # one append, one action
    doc = study.load_document("N01")
    assert [(e["op"], e["origin"], e["code"], doc.text[e["start"]:e["end"]])
            for e in lines[0]] == [("add", "search", "GOV-MAC-01", "sykehus"),
                                   ("add", "search", "GOV-MAC-01", "Sykehus")]
    codings = store.current_codings(study, "ingrid")
    assert [(c.quote, c.origin) for c in codings] == [("sykehus", "search"),
                                                      ("Sykehus", "search")]
    # again: nothing new, nothing written
    result = invoke("search", "sykehus", "--code", "GOV-MAC-01", "--coder", "ingrid")
    assert result.stdout.splitlines()[-1] == (
        "Coded 2 spans in 1 document with GOV-MAC-01 for ingrid: 0 added, 2 already there.")
    assert len(log_lines(study, "ingrid")) == 1
    undone = invoke("undo", "--coder", "ingrid")
    assert undone.exit_code == 0, undone.output
    assert store.current_codings(study, "ingrid") == []


def test_coding_whole_segments_and_several_documents(study: Project, invoke: Invoke) -> None:
    data = run_json(invoke, "video", "--code", "GOV-MAC-01", "--code", "ECO-MAC-01",
                    "--coder", "lars", "--whole")
    coding = data["coding"]
    assert (coding["added"], coding["whole"], coding["dry_run"]) == (4, True, False)
    assert [(s["document"], s["segment"], s["code"]) for s in coding["spans"]] == [
        ("N01", "N01:0002", "GOV-MAC-01"), ("N01", "N01:0002", "ECO-MAC-01"),
        ("S01", "S01:0001", "GOV-MAC-01"), ("S01", "S01:0001", "ECO-MAC-01")]
    assert [e["seq"] for e in coding["events"]] == [1, 2, 3, 4]
    assert len(log_lines(study, "lars")) == 1
    state = store.load_state(study, "lars")
    assert sorted(state.codes) == [("N01", "N01:0002"), ("S01", "S01:0001")]
    assert invoke("undo", "--coder", "lars").exit_code == 0
    assert store.current_codings(study, "lars") == []


def project_files(project: Project) -> dict[str, bytes]:
    """Every file of the project but the machine-local read index (a cache any read makes)."""
    return {str(p.relative_to(project.root)): p.read_bytes()
            for p in sorted(project.root.rglob("*"))
            if p.is_file() and INDEX_DIR not in p.relative_to(project.root).parts}


def test_dry_run_writes_nothing(study: Project, invoke: Invoke) -> None:
    invoke("search", "video")  # the read index made by reading, as by any command
    before = project_files(study)
    result = invoke("search", "video", "--code", "GOV-MAC-01", "--coder", "maja", "--dry-run")
    assert result.exit_code == 0
    doc = study.load_document("N01")
    at = doc.text.index("video")
    assert result.stdout.splitlines()[-3:] == [
        f"  + GOV-MAC-01 N01 N01:0002 {at}-{at + 5}",
        "  + GOV-MAC-01 S01 S01:0001 12-17",
        "Would code 2 spans in 2 documents with GOV-MAC-01 for maja: 2 to add (dry run: "
        "nothing was written)."]
    assert project_files(study) == before
    data = run_json(invoke, "video", "--code", "GOV-MAC-01", "--coder", "maja", "--dry-run")
    assert data["coding"]["dry_run"] is True and data["coding"]["events"] == []
    assert len(data["coding"]["spans"]) == 2
    assert not (study.codings_dir / "maja.jsonl").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--code", "GOV-MAC-01"], "Error: --code needs --coder"),
    (["--whole"], "Error: --whole goes with --code"),
    (["--dry-run"], "Error: --dry-run goes with --code"),
    (["--code", "GOV-MAC-01", "--coder", "bad name"], "Error: 'bad name' is not a valid "
                                                        "coder name"),
])
def test_coding_option_errors(study: Project, invoke: Invoke, args: list[str],
                              message: str) -> None:
    result = invoke("search", "video", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message


def test_an_unknown_code_is_refused_before_anything_is_written(study: Project,
                                                               invoke: Invoke) -> None:
    result = invoke("search", "video", "--code", "GOV-MAC-99", "--coder", "ingrid")
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: ")
    assert not (study.codings_dir / "ingrid.jsonl").exists()


def test_context_width(study: Project, invoke: Invoke) -> None:
    data = run_json(invoke, "ferry", "--context", "6")
    h = data["hits"][0]
    assert (h["left"], h["text"], h["right"]) == ("and a ", "ferry", " \x1b[2Jt")
    data = run_json(invoke, "ferry", "--context", "0")
    assert (data["hits"][0]["left"], data["hits"][0]["right"]) == ("", "")
    # context stops at the hit's segment: never another speaker's words
    first = run_json(invoke, "hvordan", "--context", "200")["hits"][0]
    assert first["left"] == "" and first["right"] == " startet telemedisin i Tromsø?"


def test_in_code_repeated_means_any_of_them(study: Project, invoke: Invoke) -> None:
    doc = study.load_document("N01")
    one, two = doc.text.index("sykehuset"), doc.text.index("Sykehusene")
    store.add_span(study, "ingrid", doc, one, one + 9, ["GOV-MAC-01"])
    store.add_span(study, "ingrid", doc, two, two + 10, ["ECO-MAC-01"])
    assert texts(run_json(invoke, "sykehus", "--in-code", "GOV-MAC-01", "--coder",
                          "ingrid")) == ["sykehus"]
    assert texts(run_json(invoke, "sykehus", "--in-code", "GOV-MAC-01", "--in-code",
                          "ECO-MAC-01", "--coder", "ingrid")) == ["sykehus", "Sykehus"]


def test_the_hit_is_highlighted_on_a_terminal(study: Project, invoke: Invoke,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    result = invoke("search", "ferry")
    assert "\x1b[1;7mferry\x1b[0m" in result.stdout  # bold, reversed
    assert "\x1b[2J" not in result.stdout  # the transcript's own escape is shown, not obeyed


def test_a_coder_name_clashing_by_case_is_refused_on_a_dry_run_too(study: Project,
                                                                   invoke: Invoke) -> None:
    store.add_span(study, "ingrid", study.load_document("S01"), 12, 17, ["GOV-MAC-01"])
    for extra in ([], ["--dry-run"]):
        result = invoke("search", "video", "--code", "GOV-MAC-01", "--coder", "Ingrid", *extra)
        assert result.exit_code == 6
        assert result.stderr.splitlines()[0] == ("Error: coder 'Ingrid' clashes with existing "
                                                 "coder 'ingrid' (names are compared without "
                                                 "case)")


def test_matches_between_segments_are_counted_not_listed(study: Project,
                                                         invoke: Invoke) -> None:
    result = invoke("search", r"\n\n", "--regex", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ("Note: 4 matches in the white space between segments not "
                             "listed (no segment holds them).\n")
    data = json.loads(result.stdout)
    assert (data["total_hits"], data["hits_outside_segments"]) == (0, 4)
    # a match across turns is a hit of both
    across = run_json(invoke, r"tromsø\?\s+det", "--regex")["hits"]
    assert [(h["segment"], h["segments"], h["text"]) for h in across] == \
        [("N01:0001", ["N01:0001", "N01:0002"], "Tromsø?\n\nDet")]

"""Every format and every pitfall of formats-notes.md section 2 has a named fixture in
tests/data/formats/; each is ingested through the CLI and checked with ``qcode show --format
json`` for its format, its number of turns and its speakers (and the detail it proves)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import DATA as TESTDATA

FIXTURES = TESTDATA / "formats"

# fixture -> (format, turns, speakers in order of appearance)
EXPECTED: dict[str, tuple[str, int, list[str]]] = {
    # plain text: header not a speaker, multi-paragraph turns, quotes/NBSP/dashes kept
    "txt_header_multipara.txt": ("txt", 6, ["Interviewer", "Respondent"]),
    # I:/R:, tab after the colon, hard-wrapped continuation lines, a one-off "Note:" line
    "txt_short_labels_wrapped.txt": ("txt", 4, ["I", "R"]),
    # [hh:mm:ss] I: prefixes
    "txt_timestamps.txt": ("txt", 4, ["I", "R"]),
    # P1:/P2:/INT:/@name:, "For example:" inside a turn
    "txt_p_labels.txt": ("txt", 8, ["INT", "P1", "P2", "Kari"]),
    # no labels at all: one speaker 'unknown', one turn per paragraph (warning)
    "txt_no_labels.txt": ("txt", 3, ["unknown"]),  # the first line too: no text dropped
    # encodings and line ends
    "txt_utf16le_bom.txt": ("txt", 2, ["Interviewer", "Respondent"]),
    "txt_utf16be_bom.txt": ("txt", 2, ["Interviewer", "Respondent"]),
    "txt_utf8_bom_crlf.txt": ("txt", 2, ["Interviewer", "Respondent"]),
    "txt_lone_cr.txt": ("txt", 2, ["Interviewer", "Respondent"]),
    "txt_nbsp_zero_width.txt": ("txt", 2, ["I", "R"]),
    # Otter: names with digits, Unknown Speaker, H:MM:SS, footer; and without timestamps
    "otter_basic.txt": ("otter", 4, ["Speaker 1", "Anne-Lise Berg", "Unknown Speaker"]),
    "otter_no_timestamps.txt": ("otter", 3, ["Speaker 1", "Speaker 2"]),
    # f4: cp1252 + CRLF, … (0x85) not a line break, „“ quotes, end-of-turn time marks
    "f4_cp1252_crlf.txt": ("f4", 4, ["I", "B"]),
    # Markdown: front matter (participant: is not a speaker), headings, > notes, emphasis
    "md_front_matter.md": ("md", 4, ["Interviewer", "Respondent"]),
    "md_plain_labels.md": ("md", 4, ["Interviewer", "Respondent"]),
    # Zoom: names with dots and spaces, later colons kept, split cues merged; no names
    "zoom_names.vtt": ("vtt", 3, ["Dr. K. Lie", "Per Olav Hansen"]),
    "zoom_no_names.vtt": ("vtt", 2, ["unknown"]),
    # Teams: BOM + CRLF, <v> voices, GUID/18-0 ids, entities, <c>/<b>, NOTE, STYLE, settings
    "teams_bom_crlf.vtt": ("vtt", 3, ["Ingrid Nilsen", "Ole Kristian Dahl"]),
    # SRT: [NAME], multi-line cues, <i>/<font>/{\an8}, [laughs] not a speaker
    "srt_brackets.srt": ("srt", 3, ["INTERVIEWER", "RESPONDENT"]),
    # SRT: NAME: labels and "- " dashes with two speakers in one cue
    "srt_colon_dashes.srt": ("srt", 4, ["ANNA", "BJØRN"]),
    # SRT: overlapping cue times, dot milliseconds, broken counters
    "srt_overlap_dot_ms.srt": ("srt", 4, ["Interviewer", "Respondent"]),
    "srt_bom_crlf.srt": ("srt", 2, ["ANNA", "BJØRN"]),
    # DOCX: older Teams triplets (unpadded times, header lines, same-speaker cues merged)
    "docx_teams_triplets.docx": ("docx", 3, ["Ingrid Nilsen", "Ole Kristian Dahl"]),
    # DOCX: bold "Speaker 1 00:00:06" headers, soft line breaks
    "docx_word_transcribe.docx": ("docx", 4, ["Speaker 1", "Speaker 2"]),
    # DOCX: Label: paragraphs, a table cell, hidden text, tracked changes, NBSP and quotes
    "docx_labels_table_hidden.docx": ("docx", 4, ["Interviewer", "Respondent"]),
    # DOCX: a time | speaker | text table (header row dropped), then a Label: paragraph
    "docx_table_rows.docx": ("docx", 4, ["Interviewer", "Respondent"]),
}


def _shown(invoke: Callable[..., Any], project: Project, name: str) -> dict[str, Any]:
    ingested = invoke("--project", str(project.root), "ingest", str(FIXTURES / name))
    assert ingested.exit_code == 0, ingested.output
    shown = invoke("--project", str(project.root), "show", Path(name).stem, "--format", "json")
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.stdout)


def test_every_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir()
               if p.suffix in (".txt", ".md", ".vtt", ".srt", ".docx")}
    assert on_disk - {"srt_malformed.srt"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_turns_and_speakers(invoke: Callable[..., Any], project: Project,
                                    name: str) -> None:
    fmt, turns, speakers = EXPECTED[name]
    doc = _shown(invoke, project, name)
    assert set(doc) == {"schema_version", "id", "title", "format", "attributes", "speakers",
                        "turns", "segments", "memos"}
    assert doc["format"] == fmt
    assert len(doc["turns"]) == turns
    assert doc["speakers"] == speakers
    assert [t["speaker"] for t in doc["turns"]].count(speakers[0]) >= 1
    full = project.load_document(doc["id"]).text
    for t in doc["turns"]:
        assert full[t["start"]:t["end"]] == t["text"] and t["text"].strip() == t["text"]
    for s in doc["segments"]:
        assert full[s["start"]:s["end"]] == s["text"]


def _turn_texts(doc: dict[str, Any]) -> list[str]:
    return [t["text"] for t in doc["turns"]]


def test_header_is_attributes_and_title(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "txt_header_multipara.txt")
    assert doc["title"] == "Interview 7 – regional health trust"
    assert doc["attributes"] == {"date": "12 March 2016", "location": "Bodø"}
    assert "\n\nAnd we support" in doc["turns"][1]["text"]
    assert "It’s a small unit — three people" in doc["turns"][1]["text"]
    assert doc["turns"][3]["text"] == "[crosstalk] Sorry — go on."


def test_wrapped_lines_join_their_turn(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "txt_short_labels_wrapped.txt")
    assert _turn_texts(doc)[1] == ("We started in, hmm, 2009. It was a pilot with the dermatology "
                                   "clinic, and the first year was slow. Note: the pilot had no "
                                   "funding line.")


def test_bracket_timestamps(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "txt_timestamps.txt")
    assert [t["time"]["start"] for t in doc["turns"]] == [5.0, 9.0, 62.0, 65.0]
    assert _turn_texts(doc)[0] == "Could you describe the service?"


def test_nbsp_kept_zero_width_removed(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "txt_nbsp_zero_width.txt")
    assert _turn_texts(doc) == ["Det\u00a0er\u00a0“greit”.",
                                "Ja,\u00a0så\u00a0klart. Vi\u00a0starter."]


@pytest.mark.parametrize("name", ["txt_utf16le_bom.txt", "txt_utf16be_bom.txt",
                                  "txt_utf8_bom_crlf.txt", "txt_lone_cr.txt"])
def test_encodings_give_the_same_text(invoke: Callable[..., Any], project: Project,
                                      name: str) -> None:
    doc = _shown(invoke, project, name)
    assert _turn_texts(doc) == ["Hvordan gikk det?", "Bra – «veldig» bra."]


def test_cp1252_ellipsis_is_not_a_line_break(invoke: Callable[..., Any],
                                             project: Project) -> None:
    doc = _shown(invoke, project, "f4_cp1252_crlf.txt")
    assert _turn_texts(doc)[1] == "Mit einem Pilotprojekt … das war „klein“ (lacht)."
    assert [t["time"] for t in doc["turns"]][:2] == [{"start": None, "end": 7.3},
                                                     {"start": 7.3, "end": 21.8}]
    assert project.load_document("f4_cp1252_crlf").encoding == "cp1252"


def test_otter_times_and_footer(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "otter_basic.txt")
    assert [t["time"]["start"] for t in doc["turns"]] == [3.0, 11.0, 3727.0, 3735.0]
    assert _turn_texts(doc)[1] == "Sure. We are a small unit.\n\nWe have two physicians."
    assert not any("otter.ai" in t for t in _turn_texts(doc))


def test_markdown_front_matter(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "md_front_matter.md")
    assert doc["title"] == "Interview with a regional controller"
    assert doc["attributes"] == {"participant": "Respondent", "date": "2016-03-09",
                                 "region": "Helse Sør-Øst"}
    assert _turn_texts(doc)[1] == "You are very welcome. The ISF rules are my daily bread."
    assert not any("printed reports" in t for t in _turn_texts(doc))


def test_zoom_later_colons_kept(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "zoom_names.vtt")
    assert _turn_texts(doc) == ["Welcome. One thing first: are we recording?",
                                "Yes: the red light is on. So we can start whenever you like.",
                                "Good."]
    assert doc["turns"][1]["time"] == {"start": 5.0, "end": 11.0}


def test_teams_entities_tags_and_merging(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "teams_bom_crlf.vtt")
    assert _turn_texts(doc) == ["Welcome & thanks for joining. Shall we start?",
                                "Yes. The budget is <1% of outpatient activity.",
                                "Interesting."]
    assert doc["turns"][0]["time"] == {"start": 2.11, "end": 8.0}


def test_srt_dashes_split_a_cue(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "srt_colon_dashes.srt")
    assert [(t["speaker"], t["text"]) for t in doc["turns"]] == [
        ("ANNA", "Where is the video room?"), ("ANNA", "On the second floor?"),
        ("BJØRN", "No, the third."), ("BJØRN", "Next to the lab.")]


def test_srt_tags_removed_and_sounds_kept(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "srt_brackets.srt")
    assert _turn_texts(doc) == ["What did the ministry decide in 2015?",
                                "They set a target. [laughs] And nobody met it.", "Why not?"]


def test_srt_overlapping_times_kept(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "srt_overlap_dot_ms.srt")
    assert [t["time"] for t in doc["turns"]] == [
        {"start": 1.0, "end": 6.0}, {"start": 5.0, "end": 9.0},
        {"start": 4.0, "end": 10.0}, {"start": 11.0, "end": 12.0}]


def test_docx_teams_triplets(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "docx_teams_triplets.docx")
    assert doc["title"] == "Weekly sync – transcript"
    assert doc["turns"][1]["text"] == "The strategy came in 2014. It was revised in 2017."
    assert doc["turns"][1]["time"] == {"start": 10.5, "end": 25.123}


def test_docx_word_transcribe_soft_breaks(invoke: Callable[..., Any],
                                          project: Project) -> None:
    doc = _shown(invoke, project, "docx_word_transcribe.docx")
    assert doc["turns"][1]["text"] == "Yes. It began as a pilot, then it grew."
    assert [t["time"]["start"] for t in doc["turns"]] == [6.0, 11.0, 62.0, 67.0]


def test_docx_table_hidden_and_tracked(invoke: Callable[..., Any], project: Project) -> None:
    doc = _shown(invoke, project, "docx_labels_table_hidden.docx")
    assert _turn_texts(doc) == ["How did it start?", "With “one\u00a0nurse”.", "And then?",
                                "Then the clinic joined."]
    assert doc["attributes"] == {"date": "2016-03-09"}


def test_malformed_srt_names_the_line(invoke: Callable[..., Any], project: Project) -> None:
    result = invoke("--project", str(project.root), "ingest", str(FIXTURES / "srt_malformed.srt"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.splitlines()[0] == (
        f"Error: {FIXTURES / 'srt_malformed.srt'}:5: a subtitle block that is not 'number / "
        "start --> end / text'; nothing was ingested")
    assert project.document_ids() == []


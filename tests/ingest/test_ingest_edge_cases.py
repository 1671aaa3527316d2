"""QA round 2, ingest: bugs found by using ``qcode ingest`` as a researcher would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import DATA


@pytest.fixture
def q(invoke: Callable[..., Any], project: Project) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return run


def test_no_labels_first_short_line_is_kept_as_speech(q: Callable[..., Any], project: Project,
                                                      tmp_path: Path) -> None:
    # was: a short first paragraph became the title and vanished from the text
    path = tmp_path / "notes.txt"
    path.write_text("Well, I think so.\n\nAnother paragraph here.\n", encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == (
        f"Warning: {path}: no speaker labels found; ingested as one speaker 'unknown' with "
        "one turn per paragraph\n"
        f"Added notes from {path} (txt, 2 turns, 1 speaker, 2 segments)\n")
    doc = project.load_document("notes")
    assert doc.title == "notes"
    assert doc.text == "Well, I think so.\n\nAnother paragraph here."


def test_no_labels_header_still_becomes_attributes(q: Callable[..., Any], project: Project,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "n2.txt"
    path.write_text("Date: 2024-03-01\n\nWell, I think so.\n", encoding="utf-8")
    assert q("ingest", str(path)).exit_code == ExitCode.OK
    doc = project.load_document("n2")
    assert doc.attributes == {"date": "2024-03-01"}
    assert doc.text == "Well, I think so."


def test_every_file_failing_does_not_say_the_others_were_ingested(
        q: Callable[..., Any], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    (folder / "b.txt").write_bytes(b"\x00\x01binary")
    result = q("ingest", str(folder))
    assert result.exit_code == ExitCode.PARTIAL
    assert result.stderr.splitlines()[:2] == ["Took 2 files: a.txt, b.txt",
                                              "Error: none of the 2 files could be ingested"]


def test_singular_counts_in_the_ingest_note(q: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("Interviewer: Hello there.\n", encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == f"Added one from {path} (txt, 1 turn, 1 speaker, 1 segment)\n"


def test_an_interrupted_replace_is_re_anchored_by_the_next_ingest(
        q: Callable[..., Any], project: Project, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # was: the new version was saved, the kill came before re-anchoring, and running the
    # same command again said 'Unchanged': the codings kept pointing at the old segments
    from qcode.coding import store as codings
    from qcode.ingest import reanchor

    path = tmp_path / "in" / "T1.txt"
    path.parent.mkdir()
    path.write_text("Interviewer: Hello.\n\nRespondent: The budget is the problem.\n",
                    encoding="utf-8")
    assert q("ingest", str(path)).exit_code == ExitCode.OK
    assert q("tag", "T1", "2", "--code", "ECO-MES-02", "--coder", "ann").exit_code == 0
    path.write_text("Interviewer: Welcome.\n\nInterviewer: Hello.\n\n"
                    "Respondent: The budget is the problem.\n", encoding="utf-8")

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(reanchor, "reanchor_project", killed)
        result = q("ingest", str(path), "--replace")
    assert result.exit_code == ExitCode.INTERRUPTED
    assert codings.load_state(project, "ann").codes_on("T1", "T1:0002") == ["ECO-MES-02"]
    result = q("ingest", str(path), "--replace")
    assert result.exit_code == ExitCode.OK
    assert result.stderr == (
        "Finishing the re-anchoring of T1, interrupted earlier:\n"
        "Re-anchoring T1: 0 unchanged, 1 moved, 0 re-anchored, 0 orphaned.\n"
        "  moved       ann ECO-MES-02: T1:0002 -> T1:0003\n"
        f"Unchanged T1: {path} has the same bytes as before; nothing to do\n")
    assert codings.load_state(project, "ann").codes_on("T1", "T1:0003") == ["ECO-MES-02"]
    assert [p.name for p in project.documents_dir.iterdir() if p.name.startswith(".")] == []


def test_a_folder_of_unchanged_files_is_one_line(q: Callable[..., Any], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(7):
        (folder / f"D{k}.txt").write_text("Interviewer: Hello.\n", encoding="utf-8")
    assert q("ingest", str(folder)).exit_code == ExitCode.OK
    result = q("ingest", str(folder))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == ("Unchanged 7 documents (D0, D1, D2, D3, D4 and 2 more): the same "
                             "bytes as before; nothing to do\nTook 7 files: D0.txt, D1.txt, "
                             "D2.txt, D3.txt, D4.txt, D5.txt, D6.txt\n7 documents in study: 0 "
                             "new or replaced\n")


def test_docx_table_rows_are_turns(q: Callable[..., Any], project: Project) -> None:
    # was: a Word transcript laid out as a time | speaker | text table came in as one
    # 'unknown' speaker with the labels as turns of their own
    fixture = DATA / "formats" / "docx_table_rows.docx"
    result = q("ingest", str(fixture))
    assert result.exit_code == ExitCode.OK
    doc = project.load_document("docx_table_rows")
    assert doc.title == "Interview 12"
    assert [(t.speaker, doc.text[t.start:t.end], t.time_start) for t in doc.turns] == [
        ("Interviewer", "How is the budget?", 5.0), ("Respondent", "Tight, very tight.", 9.0),
        ("Interviewer", "Thanks.", 70.0), ("Respondent", "a paragraph after the table", None)]


def test_attributes_import_column_in_other_case_is_the_same_attribute(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    # was: 'Region' from a spreadsheet became a second attribute beside 'region'
    path = tmp_path / "in" / "D1.txt"
    path.parent.mkdir()
    path.write_text("Interviewer: Hello.\n", encoding="utf-8")
    assert q("ingest", str(path), "--attr", "region=North").exit_code == ExitCode.OK
    sheet = tmp_path / "attrs.csv"
    sheet.write_text("Document;Region;Role\nD1;West;nurse\n", encoding="utf-8")
    result = q("attributes", "import", str(sheet))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == "Updated the attributes of 1 document: D1\n"
    assert project.load_document("D1").attributes == {"region": "West", "Role": "nurse"}


@pytest.mark.parametrize("last", ["2\nGARBAGE\n", "2\n00:00:03,000 -> 00:00:04,000\n[BOB] hi\n"])
def test_srt_broken_last_block_is_refused_not_glued_to_the_cue_before(
        q: Callable[..., Any], project: Project, tmp_path: Path, last: str) -> None:
    # was: 'hello 2 GARBAGE' (the cue number and the broken block became spoken text)
    path = tmp_path / "in" / "s.srt"
    path.parent.mkdir()
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\n[ANNA] hello\n\n" + last,
                    encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"Error: {path}:5: a subtitle block that is not 'number / start --> end / text'; "
        "nothing was ingested\nHint: fix or remove that block (check the timing line)\n")
    assert project.document_ids() == []


def test_file_name_letters_are_kept_in_the_document_id(q: Callable[..., Any],
                                                      tmp_path: Path) -> None:
    # was: 'Intervju 3 – Ålesund.txt' became the id 'Intervju-3-lesund'
    path = tmp_path / "in" / "Intervju 3 – Ålesund (Bærum).txt"
    path.parent.mkdir()
    path.write_text("Interviewer: Hello.\n", encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == (f"Added Intervju-3-Alesund-Baerum from {path} (txt, 1 turn, "
                             "1 speaker, 1 segment)\n")


def test_vtt_cue_ending_before_it_starts_is_reported(q: Callable[..., Any], project: Project,
                                                     tmp_path: Path) -> None:
    # was: accepted silently with a turn that ends before it starts
    path = tmp_path / "in" / "t.vtt"
    path.parent.mkdir()
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Anna>Hello\n\n"
                    "00:00:05.000 --> 00:00:03.000\n<v Bob>bad times\n", encoding="utf-8")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.OK
    assert result.stderr.splitlines()[0] == (
        f"Warning: {path}:6: 1 cue(s) end before they start; their end time is taken as "
        "their start")
    turn = project.load_document("t").turns[1]
    assert (turn.time_start, turn.time_end) == (5.0, 5.0)


@pytest.mark.parametrize("command", [["docs"], ["suggest"]])
def test_an_empty_project_says_how_to_start(q: Callable[..., Any], command: list[str]) -> None:
    # was: an empty table (docs) or 'try a lower --min-score' (suggest)
    result = q(*command)
    assert result.exit_code == ExitCode.OK
    assert result.stdout == ""
    assert result.stderr == "No documents yet; bring transcripts in with: qcode ingest PATH...\n"


def test_attributes_csv_cannot_run_in_a_spreadsheet_and_imports_back(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    # was: 'attributes show --format csv' wrote =HYPERLINK(...) from front matter raw
    path = tmp_path / "in" / "E1.md"
    path.parent.mkdir()
    path.write_text('---\nregion: "=HYPERLINK(\\"http://e\\")"\n---\n\n**I:** Hi\n\n**R:** Yo\n',
                    encoding="utf-8")
    assert q("ingest", str(path)).exit_code == ExitCode.OK
    result = q("attributes", "show", "--format", "csv")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == 'document,region\nE1,"\'=HYPERLINK(""http://e"")"\n'
    sheet = tmp_path / "attrs.csv"
    sheet.write_text(result.stdout, encoding="utf-8")
    result = q("attributes", "import", str(sheet))
    assert result.stderr == "Attributes unchanged: every document already had these values\n"
    assert project.load_document("E1").attributes == {"region": '=HYPERLINK("http://e")'}


def test_ingest_sweeps_temp_files_a_killed_save_left(q: Callable[..., Any], project: Project,
                                                     tmp_path: Path) -> None:
    # was: '.T084.json.1o09pbu_.tmp' files stayed in documents/ after a kill -9
    import os
    import time

    old = project.documents_dir / ".T084.json.1o09pbu_.tmp"
    fresh = project.documents_dir / ".T085.json.ju53djy9.tmp"
    for f in (old, fresh):
        f.parent.mkdir(exist_ok=True)
        f.write_text('{"id": "T0', encoding="utf-8")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    path = tmp_path / "in" / "D1.txt"
    path.parent.mkdir()
    path.write_text("Interviewer: Hello.\n", encoding="utf-8")
    assert q("ingest", str(path)).exit_code == ExitCode.OK
    assert not old.exists()
    assert fresh.exists()  # may belong to a save running in another process


def test_ingest_attributes_csv_uses_the_project_attribute_names(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "D1.txt").write_text("Interviewer: Hello.\n", encoding="utf-8")
    (folder / "D2.txt").write_text("Interviewer: Hi.\n", encoding="utf-8")
    assert q("ingest", str(folder / "D1.txt"), "--attr", "region=North").exit_code == 0
    sheet = tmp_path / "attrs.csv"
    sheet.write_text("document,REGION\nD2,South\n", encoding="utf-8")
    assert q("ingest", str(folder / "D2.txt"), "--attributes", str(sheet)).exit_code == 0
    assert project.load_document("D2").attributes == {"region": "South"}

"""``qcode ingest / docs / show / attributes``: exact messages and exit codes, bad input,
re-ingest rules, attributes, and the JSON shapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.project import Project, init_project

GOOD = "Interviewer: How did it start?\n\nRespondent: With one nurse. Then it grew.\n"


@pytest.fixture
def q(invoke: Callable[..., Any], project: Project) -> Callable[..., Any]:
    """``qcode --project STUDY ARGS...``."""
    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return run


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _no_temp_files(project: Project) -> None:
    assert [p.name for p in project.documents_dir.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------ good input


def test_ingest_one_file(q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path, "R09.txt", GOOD)
    result = q("ingest", str(path), "--attr", "stakeholder_level=regional")
    assert result.exit_code == ExitCode.OK
    assert result.stderr == (f"Added R09 from {path} (txt, 2 turns, 2 speakers, 2 segments)\n")
    doc = project.load_document("R09")
    assert doc.attributes == {"stakeholder_level": "regional"}
    assert doc.text == "How did it start?\n\nWith one nurse. Then it grew."


def test_show_json_shape(q: Callable[..., Any], tmp_path: Path) -> None:
    path = _write(tmp_path, "R09.txt", "[00:00:05] I: Hi?\n\n[00:00:09] R: Yes.\n")
    q("ingest", str(path), "--id", "X1", "--unit", "sentence")
    result = q("show", "X1", "--format", "json")
    assert result.exit_code == ExitCode.OK
    assert json.loads(result.stdout) == {
        "schema_version": 1, "id": "X1", "title": "R09", "format": "txt", "attributes": {},
        "speakers": ["I", "R"],
        "turns": [
            {"speaker": "I", "start": 0, "end": 3, "text": "Hi?",
             "time": {"start": 5.0, "end": None}},
            {"speaker": "R", "start": 5, "end": 9, "text": "Yes.",
             "time": {"start": 9.0, "end": None}}],
        "segments": [
            {"id": "X1:0001", "start": 0, "end": 3, "speaker": "I", "text": "Hi?"},
            {"id": "X1:0002", "start": 5, "end": 9, "speaker": "R", "text": "Yes."}],
        "memos": [],
    }


def test_show_text_view(q: Callable[..., Any], tmp_path: Path) -> None:
    q("ingest", str(_write(tmp_path, "D1.txt", GOOD)), "--unit", "sentence",
      "--attr", "region=Helse Nord")
    result = q("show", "D1")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.splitlines() == [
        "D1: D1 (txt, 2 turns, 3 segments by sentence, speakers: Interviewer, Respondent)",
        "  region=Helse Nord",
        "",
        "D1:0001  Interviewer: How did it start?",
        "D1:0002  Respondent: With one nurse.",
        "D1:0003  Respondent: Then it grew.",
    ]


def test_show_unknown_document(q: Callable[..., Any], tmp_path: Path) -> None:
    q("ingest", str(_write(tmp_path, "N01.txt", GOOD)))
    result = q("show", "N10")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == "Error: no document 'N10' in this project\nHint: did you mean N01?\n"


def test_docs_json(q: Callable[..., Any], tmp_path: Path) -> None:
    q("ingest", str(_write(tmp_path, "a/N01.txt", GOOD)), "--attr", "level=national")
    result = q("docs", "--format", "json")
    assert result.exit_code == ExitCode.OK
    assert json.loads(result.stdout)["documents"] == [{
        "id": "N01", "title": "N01", "format": "txt", "unit": "turn", "turns": 2,
        "segments": 2, "words": 10, "speakers": ["Interviewer", "Respondent"],
        "attributes": {"level": "national"}, "source": "N01.txt"}]
    table = q("docs")
    assert table.stdout.splitlines()[0].strip() == "1 document"
    assert "│ N01 │ txt" in table.stdout


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(("name", "data", "message", "hint"), [
    ("photo.txt", b"\x89PNG\r\n\x1a\n....",
     "{p}: a binary file, not a transcript; nothing was ingested",
     "convert it to .docx, .txt, .md, .vtt or .srt first"),
    ("empty.txt", b"", "{p}: the file is empty; nothing was ingested",
     "check that the export finished writing the file"),
    ("bad.txt", b"I: ok\nR: \x81\x8d\n", "{p}:2: bytes that are not UTF-8 or Windows-1252 "
     "(cp1252) text; nothing was ingested",
     "re-save the file as UTF-8 (in most editors: Save as > Encoding > UTF-8)"),
    ("fake.docx", b"not a zip at all", "{p}: not a readable .docx file (BadZipFile); nothing "
     "was ingested", "open it in Word and save it again as .docx"),
])
def test_bad_file(q: Callable[..., Any], project: Project, tmp_path: Path, name: str,
                  data: bytes, message: str, hint: str) -> None:
    path = _write(tmp_path, name, data)
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == f"Error: {message.format(p=path)}\nHint: {hint}\n"
    assert project.document_ids() == []
    _no_temp_files(project)


def test_missing_path(q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    result = q("ingest", str(tmp_path / "nope.txt"))
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == (f"Error: {tmp_path / 'nope.txt'}: no such file or folder; nothing "
                             "was ingested from it\nHint: check the path (quote names with "
                             "spaces)\n")


def test_no_speaker_labels_is_one_unknown_speaker(q: Callable[..., Any], project: Project,
                                                  tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", "We met at the clinic.\nIt was cold.\n\nThe end.\n")
    result = q("ingest", str(path))
    assert result.exit_code == ExitCode.OK
    assert result.stderr.splitlines()[0] == (
        f"Warning: {path}: no speaker labels found; ingested as one speaker 'unknown' with "
        "one turn per paragraph")
    doc = project.load_document("notes")
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("unknown", "We met at the clinic. It was cold."), ("unknown", "The end.")]


def test_folder_with_good_and_bad_files(q: Callable[..., Any], project: Project,
                                        tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder, "A01.txt", GOOD)
    _write(folder, "A02.md", "**I:** Hi.\n\n**R:** Hello.\n")
    empty = _write(folder, "B01.txt", b"")
    binary = _write(folder, "B02.srt", b"\x00\x01\x02\x03")
    _write(folder, "notes.csv", "a,b\n")
    _write(folder, ".hidden.txt", GOOD)
    _write(folder, "~$A01.docx", b"\x00lock")
    result = q("ingest", str(folder))
    assert result.exit_code == ExitCode.PARTIAL
    assert project.document_ids() == ["A01", "A02"]
    assert result.stderr.splitlines()[-6:] == [
        "Took 4 files: A01.txt, A02.md, B01.txt, B02.srt",
        "Skipped 3 files: .hidden.txt (hidden), notes.csv (not a transcript), ~$A01.docx (a "
        "Word lock file)",
        "Error: 2 of 4 files could not be ingested; the others were",
        f"  {empty}: the file is empty; nothing was ingested",
        f"  {binary}: a binary file (it contains NUL bytes), not a transcript; nothing was "
        "ingested",
        "Hint: fix those files and run the same command again (files already in are skipped "
        "as unchanged)",
    ]
    _no_temp_files(project)


def test_id_with_several_files(q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    a, b = _write(tmp_path, "a.txt", GOOD), _write(tmp_path, "b.txt", GOOD)
    result = q("ingest", str(a), str(b), "--id", "X")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: --id names one document, but several files were given; "
                             "nothing was ingested\nHint: ingest that file on its own with "
                             "--id\n")
    assert project.document_ids() == []


def test_same_id_twice_in_one_run(q: Callable[..., Any], project: Project,
                                  tmp_path: Path) -> None:
    a, b = _write(tmp_path, "x/D1.txt", GOOD), _write(tmp_path, "y/D1.md", "**I:** Hi.\n")
    result = q("ingest", str(a), str(b))
    assert result.exit_code == ExitCode.PARTIAL
    assert f"  {b}: its document id 'D1' is also the id of {a} in this run; nothing was " \
           "ingested from it" in result.stderr.splitlines()
    assert project.document_ids() == ["D1"]


def test_bad_attr_option(q: Callable[..., Any], tmp_path: Path) -> None:
    result = q("ingest", str(_write(tmp_path, "a.txt", GOOD)), "--attr", "region")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: --attr 'region' is not KEY=VALUE\nHint: for example: "
                             "--attr stakeholder_level=national\n")


def test_invalid_document_id(q: Callable[..., Any], tmp_path: Path) -> None:
    result = q("ingest", str(_write(tmp_path, "a.txt", GOOD)), "--id", "bad id")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith(f"Error: {tmp_path / 'a.txt'}: 'bad id' is not a valid "
                                    "document id\n")


# ------------------------------------------------------------------ re-ingest


def test_reingest_same_bytes_is_a_no_op(q: Callable[..., Any], project: Project,
                                        tmp_path: Path) -> None:
    path = _write(tmp_path, "D1.txt", GOOD)
    q("ingest", str(path), "--unit", "sentence")
    before = (project.documents_dir / "D1.json").read_bytes()
    result = q("ingest", str(path), "--unit", "turn")
    assert result.exit_code == ExitCode.OK
    assert result.stderr == (  # the unit asked for is not ignored without a word
        f"Warning: {path}: D1 stays segmented by sentence (segmentation is frozen); pass "
        "--replace to segment it again by turn\n"
        f"Unchanged D1: {path} has the same bytes as before; nothing to do\n")
    assert (project.documents_dir / "D1.json").read_bytes() == before


def test_reingest_changed_bytes_refused_then_replaced(q: Callable[..., Any], project: Project,
                                                      tmp_path: Path) -> None:
    path = _write(tmp_path, "D1.txt", GOOD)
    q("ingest", str(path), "--attr", "region=Nord")
    before = (project.documents_dir / "D1.json").read_bytes()
    path.write_text(GOOD.replace("nurse", "physiotherapist"), encoding="utf-8")
    refused = q("ingest", str(path))
    assert refused.exit_code == ExitCode.CONFLICT
    assert refused.stderr == (
        f"Error: {path}: document 'D1' is already ingested from different bytes; nothing was "
        "changed\nHint: pass --replace to ingest the new version over it (its codings are "
        "re-anchored), or --id to ingest it as a new document\n")
    assert (project.documents_dir / "D1.json").read_bytes() == before
    replaced = q("ingest", str(path), "--replace")
    assert replaced.exit_code == ExitCode.OK
    assert replaced.stderr.startswith(f"Replaced D1 from {path} (txt, 2 turns")
    doc = project.load_document("D1")
    assert "physiotherapist" in doc.text and doc.attributes == {"region": "Nord"}


def test_library_replace_returns_old_and_new(project: Project, tmp_path: Path) -> None:
    from qcode.ingest.run import IngestOptions, ingest

    path = _write(tmp_path, "D1.txt", GOOD)
    first = ingest(project, [path])
    assert [o.status for o in first.outcomes] == ["added"]
    path.write_text(GOOD + "\nInterviewer: Thanks.\n", encoding="utf-8")
    second = ingest(project, [path], IngestOptions(replace=True))
    (outcome,) = second.replaced
    assert outcome.previous == first.outcomes[0].document
    assert len(outcome.document.turns) == 3 and len(outcome.previous.turns) == 2


# ------------------------------------------------------------------ attributes


CSV = "document,stakeholder_level,region\nD1,national,\nD2,regional,Helse Nord\n"


def test_attributes_at_ingest_and_show(q: Callable[..., Any], project: Project,
                                       tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder, "D1.txt", GOOD)
    _write(folder, "D2.txt", GOOD)
    table = _write(tmp_path, "attrs.csv", CSV)
    result = q("ingest", str(folder), "--attributes", str(table), "--attr", "study=tele")
    assert result.exit_code == ExitCode.OK
    shown = q("attributes", "show", "--format", "json")
    assert json.loads(shown.stdout)["documents"] == [
        {"document": "D1", "attributes": {"stakeholder_level": "national", "study": "tele"}},
        {"document": "D2", "attributes": {"stakeholder_level": "regional",
                                          "region": "Helse Nord", "study": "tele"}}]
    as_csv = q("attributes", "show", "--format", "csv")
    assert as_csv.stdout == ("document,stakeholder_level,study,region\n"
                             "D1,national,tele,\nD2,regional,tele,Helse Nord\n")


def test_attributes_import_later(q: Callable[..., Any], project: Project,
                                 tmp_path: Path) -> None:
    q("ingest", str(_write(tmp_path, "D1.txt", GOOD)))
    q("ingest", str(_write(tmp_path, "D2.txt", GOOD)))
    table = _write(tmp_path, "attrs.csv", CSV.replace(",", ";"))
    result = q("attributes", "import", str(table))
    assert result.exit_code == ExitCode.OK
    assert result.stderr == "Updated the attributes of 2 documents: D1, D2\n"
    assert project.load_document("D2").attributes == {"stakeholder_level": "regional",
                                                      "region": "Helse Nord"}
    again = q("attributes", "import", str(table))
    assert again.stderr == "Attributes unchanged: every document already had these values\n"


def test_attributes_csv_unknown_document(q: Callable[..., Any], project: Project,
                                         tmp_path: Path) -> None:
    table = _write(tmp_path, "attrs.csv", CSV + "D3x,local,\n")
    folder = tmp_path / "in"
    _write(folder, "D1.txt", GOOD)
    _write(folder, "D2.txt", GOOD)
    result = q("ingest", str(folder), "--attributes", str(table))
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr.splitlines()[0] == (
        f"Error: {table}:4: no document 'D3x' in this project; nothing was changed")
    assert project.document_ids() == []
    q("ingest", str(folder))
    later = q("attributes", "import", str(table))
    assert later.exit_code == ExitCode.NOT_FOUND
    assert project.load_document("D1").attributes == {}


@pytest.mark.parametrize(("content", "message"), [
    ("document,region,Region\nD1,a,b\n",
     "{t}:1: the column 'Region' appears twice; nothing was changed"),
    ("doc_name,region\nD1,a\n", "{t}:1: no 'document' column; nothing was changed"),
    ("document,region\nD1,a,b\n", "{t}:2: 3 cells where the header has 2; nothing was changed"),
    ("document,region\nD1,a\nD1,b\n",
     "{t}:3: document 'D1' is listed again (first on line 2); nothing was changed"),
    ("", "{t}: the attributes file is empty; nothing was changed"),
])
def test_attributes_csv_problems(q: Callable[..., Any], project: Project, tmp_path: Path,
                                 content: str, message: str) -> None:
    q("ingest", str(_write(tmp_path, "D1.txt", GOOD)))
    table = _write(tmp_path, "attrs.csv", content)
    result = q("attributes", "import", str(table))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.splitlines()[0] == "Error: " + message.format(t=table)
    assert project.load_document("D1").attributes == {}


def test_ingest_help_documents_the_no_speaker_rule(q: Callable[..., Any]) -> None:
    result = q("ingest", "--help")
    assert "one speaker 'unknown'" in " ".join(result.stdout.split())


def test_format_option_overrides_detection(q: Callable[..., Any], project: Project,
                                           tmp_path: Path) -> None:
    path = _write(tmp_path, "F1.txt", "I: Wie? #00:00:02-5#\nB: So. #00:00:04-0#\n")
    q("ingest", str(path))
    q("ingest", str(path), "--id", "F2", "--from", "txt")
    f4, txt = project.load_document("F1"), project.load_document("F2")
    assert (f4.format, f4.text, f4.turns[1].time_end) == ("f4", "Wie?\n\nSo.", 4.0)
    assert (txt.format, txt.text) == ("txt", "Wie? #00:00:02-5#\n\nSo. #00:00:04-0#")
    wrong = q("ingest", str(path), "--id", "F3", "--from", "rtf")
    assert wrong.exit_code == ExitCode.USAGE


def test_replace_reanchors_codings(q: Callable[..., Any], project: Project,
                                   tmp_path: Path) -> None:
    from qcode.coding import store as codings

    path = _write(tmp_path, "D1.txt", GOOD)
    q("ingest", str(path))
    old = project.load_document("D1")
    codings.add_codes(project, "ingrid", old, ["D1:0002"], ["GOV-MAC-01"])
    path.write_text("Interviewer: Welcome.\n\n" + GOOD, encoding="utf-8")
    result = q("ingest", str(path), "--replace")
    assert result.exit_code == ExitCode.OK
    lines = result.stderr.splitlines()
    assert lines[0] == f"Replaced D1 from {path} (txt, 3 turns, 2 speakers, 3 segments)"
    assert lines[1].startswith("Re-anchoring D1: 0 unchanged, 1 moved")
    state = codings.load_state(project, "ingrid")
    assert state.codes_on("D1", "D1:0003") == ["GOV-MAC-01"]


def _study_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    _write(folder, "N01.txt", GOOD)
    _write(folder, "README.md", "**I:** This folder holds the interviews.\n")
    _write(folder, "MANIFEST.txt", "Interviewer: N01.txt, recorded in March\n")
    _write(folder, "drafts/N01-draft.txt", GOOD)
    _write(folder, "codes.csv", "a,b\n")
    return folder


def test_a_readme_is_taken_unless_excluded(q: Callable[..., Any], invoke: Callable[..., Any],
                                           project: Project, tmp_path: Path) -> None:
    folder = _study_folder(tmp_path)
    result = q("ingest", str(folder), "--exclude", "README*", "-x", "manifest*",
               "--exclude", "drafts")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert project.document_ids() == ["N01"]
    assert result.stderr.splitlines()[-2:] == [
        "Took 1 file: N01.txt",
        "Skipped 4 files: drafts/ (--exclude drafts), MANIFEST.txt (--exclude manifest*), "
        "README.md (--exclude README*), codes.csv (not a transcript)"]
    again = tmp_path / "again"
    folder2 = _study_folder(again)
    other = init_project(again / "p")
    result = invoke("--project", str(other.root), "ingest", str(folder2), "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    # without --exclude, README and MANIFEST are transcripts like any other file
    assert other.document_ids() == ["MANIFEST", "N01", "N01-draft", "README"]
    data = json.loads(result.stdout)
    assert data["excluded"] == [] and data["skipped"] == [str(folder2 / "codes.csv")]
    assert "Took 4 files: MANIFEST.txt, N01.txt, README.md, N01-draft.txt" in result.stderr


def test_exclude_patterns_match_paths_in_the_folder_and_named_files(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    folder = _study_folder(tmp_path)
    result = q("ingest", str(folder / "README.md"), str(folder / "N01.txt"), "--exclude",
               "readme.MD", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert json.loads(result.stdout)["excluded"] == [str(folder / "README.md")]
    assert result.stderr.splitlines()[-1] == "Skipped 1 file: README.md (--exclude readme.MD)"
    result = q("ingest", str(folder), "--exclude", "drafts/*", "--exclude", "*.md",
               "--exclude", "MANIFEST*")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Skipped 4 files: MANIFEST.txt (--exclude MANIFEST*), README.md (--exclude *.md), "\
        "N01-draft.txt (--exclude drafts/*), codes.csv (not a transcript)" in result.stderr
    assert project.document_ids() == ["N01"]


def test_patterns_that_leave_out_every_file_are_refused(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    """--exclude '*' said 'Took 0 files' and exited 0, as if the folder were empty."""
    folder = _study_folder(tmp_path)
    result = q("ingest", str(folder), "--exclude", "*")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "Error: --exclude '*' left out every file (5 left out: drafts/, MANIFEST.txt, "
        "N01.txt, README.md, codes.csv); nothing was ingested\n"
        "Hint: a pattern matches a file's name or its path in the folder; narrow it (e.g. "
        "--exclude 'README*')\n")
    result = q("ingest", str(folder / "N01.txt"), "-x", "N01*")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("Error: --exclude 'N01*' left out every file (1 left "
                                     "out: N01.txt); nothing was ingested\n")
    assert project.document_ids() == []

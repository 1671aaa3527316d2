"""Commands that change the project say what they did with --format json (JSON on stdout,
the line for people on stderr)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode.project import Project
from tests.builders import numbered_doc


@pytest.fixture
def p(project: Project) -> tuple[str, ...]:
    project.save_document(numbered_doc("D01", 4))
    return ("--project", str(project.root))


def test_tag_untag_undo_done(invoke, p: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    tag = invoke(*p, "tag", "D01", "1-2", "--code", "GOV-MAC-01", "--coder", "ann",
                 "--format", "json")
    assert tag.exit_code == 0
    assert tag.stderr == "Tagged 2 segments of D01 with GOV-MAC-01 for ann: 2 added.\n"
    assert json.loads(tag.stdout) == {
        "schema_version": 1, "coder": "ann", "document": "D01",
        "segments": ["D01:0001", "D01:0002"], "codes": ["GOV-MAC-01"], "added": 2,
        "already_there": 0,
        "events": [{"seq": 1, "op": "add", "document": "D01", "segment": "D01:0001",
                    "code": "GOV-MAC-01"},
                   {"seq": 2, "op": "add", "document": "D01", "segment": "D01:0002",
                    "code": "GOV-MAC-01"}]}
    untag = invoke(*p, "untag", "D01", "2", "--coder", "ann", "-f", "json")
    assert json.loads(untag.stdout)["removed"] == 1
    assert untag.stderr == "Removed 1 coding from 1 segment of D01 for ann.\n"
    undo = invoke(*p, "undo", "--coder", "ann", "-f", "json")
    assert json.loads(undo.stdout) == {
        "schema_version": 1, "coder": "ann",
        "undone": [{"seq": 3, "op": "remove", "document": "D01", "segment": "D01:0002",
                    "code": "GOV-MAC-01"}]}
    done = invoke(*p, "done", "D01", "--coder", "ann", "-f", "json")
    assert json.loads(done.stdout) == {
        "schema_version": 1, "coder": "ann", "document": "D01", "complete": True,
        "changed": True, "segments_coded": 2, "segments_total": 4}
    assert done.stderr == "Marked D01 complete for ann (2 of 4 segments coded).\n"
    again = invoke(*p, "done", "D01", "--coder", "ann", "-f", "json")
    assert json.loads(again.stdout)["changed"] is False


def test_table_mode_keeps_the_line_on_stdout(invoke, p: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    tag = invoke(*p, "tag", "D01", "1", "--code", "GOV-MAC-01", "--coder", "ann")
    assert (tag.stdout, tag.stderr) == (
        "Tagged 1 segment of D01 with GOV-MAC-01 for ann: 1 added.\n", "")


def test_init_and_ingest(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    init = invoke("init", str(tmp_path / "s"), "--name", "Study", "--format", "json")
    assert init.exit_code == 0
    data = json.loads(init.stdout)
    assert data == {"schema_version": 1, "root": str((tmp_path / "s").resolve()),
                    "name": "Study", "codebook": "codebook.yaml", "codes": 39, "themes": 3,
                    "levels": 3}
    transcript = tmp_path / "N01.txt"
    transcript.write_text("I: How did it start?\n\nR: With one nurse.\n", encoding="utf-8")
    ingest = invoke("--project", str(tmp_path / "s"), "ingest", str(transcript), "-f", "json")
    assert ingest.exit_code == 0
    assert json.loads(ingest.stdout) == {
        "schema_version": 1,
        "documents": [{"id": "N01", "path": str(transcript), "status": "added",
                       "format": "txt", "turns": 2, "speakers": ["I", "R"], "segments": 2,
                       "warnings": []}],
        "skipped": [], "excluded": [], "failures": [], "reanchorings": []}

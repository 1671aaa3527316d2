"""Old spellings keep working for one release, each with one note on stderr, and give what
the new spelling gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.project import Project
from tests.builders import build_study

CODERS_NOTE = ("Note: --coders is deprecated; use --coder A --coder B (or --coder A,B)\n")


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    return project


def test_agree_coders(invoke, study: Project) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(study.root), "agree", "--bootstrap", "0", "--format", "json")
    old = invoke(*p, "--coders", "ingrid,lars")
    new = invoke(*p, "--coder", "ingrid", "--coder", "lars")
    assert old.exit_code == new.exit_code == 0
    assert old.stderr == CODERS_NOTE and new.stderr == ""
    assert old.stdout == new.stdout == invoke(*p, "-c", "ingrid,lars").stdout


def test_reconcile_coders(invoke, study: Project) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(study.root), "reconcile", "--strategy", "union", "--format", "json")
    old = invoke(*p, "--coders", "ingrid,lars", "--as", "old")
    new = invoke(*p, "--coder", "ingrid,lars", "--as", "new")
    assert old.exit_code == new.exit_code == 0
    assert old.stderr.startswith(CODERS_NOTE)
    assert CODERS_NOTE not in new.stderr
    assert old.stdout.replace('"old"', '"new"') == new.stdout


def test_diff_positional_coders_and_documents(invoke, study: Project) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(study.root), "diff", "--format", "json")
    old = invoke(*p, "ingrid", "lars", "D01")
    new = invoke(*p, "--coder", "ingrid,lars", "--doc", "D01")
    assert old.exit_code == new.exit_code == 0
    assert old.stderr == (
        "Note: qcode diff A B is deprecated; use --coder A --coder B (or --coder A,B)\n"
        "Note: qcode diff ... DOC is deprecated; use --doc DOC (repeatable)\n")
    assert new.stderr == ""
    assert old.stdout == new.stdout


def test_diff_needs_two_coders(invoke, study: Project) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(study.root), "diff", "--coder", "ingrid")
    assert result.exit_code == 2
    assert result.stderr == ("Error: diff compares two coders; 1 given\n"
                             "Hint: qcode diff --coder A --coder B (or --coder A,B)\n")


def test_ingest_format_as_input_format(invoke, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "F1.txt"
    path.write_text("I: Wie? #00:00:02-5#\nB: So. #00:00:04-0#\n", encoding="utf-8")
    p = ("--project", str(project.root), "ingest", str(path))
    old = invoke(*p, "--id", "OLD", "--format", "txt")
    assert old.exit_code == 0
    assert old.stderr.splitlines()[0] == (
        "Note: ingest --format txt is deprecated; use --from txt (--format is the output "
        "format)")
    new = invoke(*p, "--id", "NEW", "--from", "txt", "--format", "json")
    assert new.exit_code == 0 and "deprecated" not in new.stderr
    assert project.load_document("OLD").text == project.load_document("NEW").text
    assert project.load_document("NEW").format == "txt"  # f4 when detected


def test_ingest_format_neither_output_nor_input(invoke, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "F1.txt"
    path.write_text("I: Hei\n", encoding="utf-8")
    result = invoke("--project", str(project.root), "ingest", str(path), "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --format: 'xml' is not table or json\n"
                             "Hint: the transcript format is --from "
                             "auto|txt|otter|f4|md|vtt|srt|docx\n")
    assert project.document_ids() == []

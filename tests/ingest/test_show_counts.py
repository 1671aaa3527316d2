"""Issue 12 item 19: ``show`` says "1 turn, 1 segment", not "1 turns, 1 segments"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import make_doc


def test_show_heading_is_singular_for_one(project: Project, invoke: Callable[..., Any]) -> None:
    project.save_document(make_doc("T01", [("Respondent", "Only this.")]))
    result = invoke("--project", str(project.root), "show", "T01")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.splitlines()[0] == (
        "T01: T01 (text, 1 turn, 1 segment by turn, speakers: Respondent)")


def test_show_heading_is_plural_for_two(project: Project, invoke: Callable[..., Any]) -> None:
    project.save_document(make_doc("T02", [("Interviewer", "Q?"), ("Respondent", "A.")]))
    result = invoke("--project", str(project.root), "show", "T02")
    assert "(text, 2 turns, 2 segments by turn," in result.stdout.splitlines()[0]

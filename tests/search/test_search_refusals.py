"""``qcode search`` refuses a query that would match everything or only empty text, with
one line and exit 2, instead of listing (or coding) every word or silently reporting 0."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qcode.coding import store
from qcode.project import Project
from tests.builders import make_doc

Invoke = Callable[..., Any]

TURNS = [
    ("Interviewer", "How did the video consultations start?"),
    ("Lars Eide", "With telemedicine at the hospital, and a ferry that never came."),
]


@pytest.fixture
def study(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    project.save_document(make_doc("S01", TURNS))
    monkeypatch.chdir(project.root)
    return project


@pytest.mark.parametrize("value", ["0", "101", "-5"])
def test_fuzzy_outside_1_to_100_is_refused(study: Project, invoke: Invoke,
                                           value: str) -> None:
    result = invoke("search", "x", "--fuzzy", value, "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --fuzzy {value} is not a similarity from 1 to 100\n"
        "Hint: for example --fuzzy 80 (100: the word exactly)\n")
    assert result.stdout == ""


def test_fuzzy_0_codes_nothing(study: Project, invoke: Invoke) -> None:
    result = invoke("search", "x", "--fuzzy", "0", "--code", "ECO-MIC-01", "--coder",
                    "ingrid")
    assert result.exit_code == 2
    assert "--fuzzy 0 is not a similarity" in result.stderr
    assert store.load_state_or_empty(study, "ingrid").spans == {}


@pytest.mark.parametrize("pattern", ["^", r"\b", "(?=video)", "x*"])
def test_a_pattern_matching_only_empty_text_is_one_line(study: Project, invoke: Invoke,
                                                        pattern: str) -> None:
    result = invoke("search", pattern, "--regex")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the --regex pattern {pattern!r} matches only empty text (no characters), "
        "so there is nothing to show or code\n"
        "Hint: make it match at least one character, e.g. '^\\w+' for the first word of "
        "a line\n")
    assert result.stdout == ""


def test_a_pattern_with_no_match_at_all_is_still_0_hits(study: Project,
                                                        invoke: Invoke) -> None:
    result = invoke("search", "zebra", "--regex")
    assert result.exit_code == 0
    assert "0 hits for 'zebra' (regex) in 0 of 1 document." in result.stdout


def test_a_pattern_that_can_match_empty_but_finds_words_lists_them(
        study: Project, invoke: Invoke) -> None:
    result = invoke("search", "fer*y", "--regex")
    assert result.exit_code == 0
    assert "1 hit for 'fer*y' (regex)" in result.stdout

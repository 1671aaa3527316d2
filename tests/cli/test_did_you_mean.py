"""A mistyped command names the nearest command(s), or lists the commands; exit 2."""

from __future__ import annotations

import pytest
import typer

from qcode.cli.app import app
from qcode.cli.groups import nearest_commands


@pytest.mark.parametrize(("typo", "meant"), [
    ("ingset", "ingest"),        # swapped letters: one slip for Damerau-Levenshtein
    ("reconsile", "reconcile"),
    ("matirx", "matrix"),
    ("cocur", "cooccur"),
    ("Agree", "agree"),
])
def test_a_near_typo_gets_one_suggestion(invoke, typo: str, meant: str) -> None:
    result = invoke(typo)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: No such command '{typo}'. Did you mean '{meant}'?")


def test_a_word_near_no_command_gets_the_list_of_commands(invoke) -> None:
    result = invoke("xyzzy")
    assert result.exit_code == 2
    root = typer.main.get_command(app)
    names = root.list_commands(None)  # type: ignore[attr-defined]
    assert names[:4] == ["demo", "init", "codebook", "ingest"]
    assert result.stderr.splitlines()[-1] == (
        f"Error: No such command 'xyzzy'. The commands are: {', '.join(names)}.")


def test_sub_commands_get_suggestions_too(invoke) -> None:
    result = invoke("codebook", "shw")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: No such command 'shw'. Did you mean 'show'?"
    result = invoke("registry", "imprt")
    assert result.stderr.splitlines()[-1] == (
        "Error: No such command 'imprt'. Did you mean 'import'?")


def test_several_equally_near_commands_are_all_offered() -> None:
    assert nearest_commands("tg", ["tag", "untag", "agree"]) == ["tag"]
    assert nearest_commands("cod", ["code", "coders", "codings", "agree"]) == [
        "code", "coders", "codings"]


def test_a_search_command_would_be_found_from_serach() -> None:
    # the transposition that typer's difflib cutoff misses today is one edit here
    assert nearest_commands("serach", ["search", "show", "report"]) == ["search"]

"""Entries the pseudonym table refuses (a pseudonym that holds its own real string, a real
string of one letter), and the table written with the spreadsheet-formula guard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from qcode.pseudonyms.table import load, table_path

Invoke = Callable[..., Any]


@pytest.fixture
def p(project: Project) -> tuple[str, ...]:
    return ("--project", str(project.root))


@pytest.mark.parametrize(("real", "pseudonym", "named"), [
    ("Torunn", "Torunn2", "Torunn"),
    ("Torunn", "P-torunn", "Torunn"),
    ("Torunn Vollstad", "Torunn V.", "Torunn Vollstad"),  # the first name as a word
])
def test_a_pseudonym_holding_its_own_real_string_is_refused(
        invoke: Invoke, p: tuple[str, ...], project: Project, real: str, pseudonym: str,
        named: str) -> None:
    r = invoke(*p, "pseudonyms", "add", real, pseudonym)
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr == (f"Error: the pseudonym '{pseudonym}' contains '{named}', the "
                        "identifying string it replaces\n"
                        "Hint: choose a pseudonym that names nobody\n")
    assert load(project) == []


def test_a_pseudonym_holding_its_own_variant_is_refused(invoke: Invoke,
                                                        p: tuple[str, ...]) -> None:
    r = invoke(*p, "pseudonyms", "add", "Lofotkysten sykehus", "Lofoten Hospital",
               "--kind", "organisation", "--variant", "Lofoten")
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr.startswith("Error: the pseudonym 'Lofoten Hospital' contains "
                               "'Lofoten', the identifying string it replaces\n")


@pytest.mark.parametrize("real", ["a", "Ø", "J.", " x "])
def test_a_real_string_of_one_letter_is_refused(invoke: Invoke, p: tuple[str, ...],
                                                project: Project, real: str) -> None:
    r = invoke(*p, "pseudonyms", "add", real, "P9")
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (
        f"Error: pseudonyms add: '{real.strip()}' is too short to pseudonymise (at least 2 "
        "letters or digits)\n"
        "Hint: one letter is also an ordinary word ('a', 'I') and would be replaced "
        "everywhere; give the name in full\n")
    assert load(project) == []


def test_a_one_letter_variant_is_refused_and_two_letters_are_taken(
        invoke: Invoke, p: tuple[str, ...], project: Project) -> None:
    r = invoke(*p, "pseudonyms", "add", "Bo Lund", "P3", "--variant", "B")
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert "'B' is too short to pseudonymise" in r.stderr
    r = invoke(*p, "pseudonyms", "add", "Bo", "P4")
    assert r.exit_code == 0, r.stderr
    assert [e.real for e in load(project)] == ["Bo"]


def test_the_table_is_written_with_the_formula_guard(invoke: Invoke, p: tuple[str, ...],
                                                     project: Project) -> None:
    r = invoke(*p, "pseudonyms", "add", "=cmd", "P6", "--variant", "+cmd")
    assert r.exit_code == 0, r.stderr
    r = invoke(*p, "pseudonyms", "add", "--", "Torunn Vollstad", "-P7")
    assert r.exit_code == 0, r.stderr
    assert table_path(project).read_text(encoding="utf-8") == (
        "real,pseudonym,kind,variants\n'=cmd,P6,person,'+cmd\n"
        "Torunn Vollstad,'-P7,person,\n")
    # read back as written: the guard is qcode's, not part of the values
    assert [(e.real, e.pseudonym, e.extra) for e in load(project)] == \
        [("=cmd", "P6", ("+cmd",)), ("Torunn Vollstad", "-P7", ())]
    r = invoke(*p, "pseudonyms", "remove", "=cmd")
    assert r.exit_code == 0, r.stderr
    assert table_path(project).read_text(encoding="utf-8") == (
        "real,pseudonym,kind,variants\nTorunn Vollstad,'-P7,person,\n")

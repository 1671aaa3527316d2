"""Issue 12 item 19: a decision records who made it when $USER is unset (the login name)."""

from __future__ import annotations

import getpass
import os
import pwd
from collections.abc import Callable
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from qcode.reconcile.ledger import read_ledger
from qcode.reconcile.run import default_person
from tests.builders import build_study

LOGIN = pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def no_user(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("USER", "USERNAME", "LOGNAME", "LNAME"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_user")
def test_default_person_falls_back_to_the_login_name() -> None:
    # was: None, and decision records had no "by"
    assert default_person() == LOGIN


@pytest.mark.usefixtures("no_user")
def test_default_person_is_none_only_when_the_system_cannot_tell(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown_uid() -> str:
        raise KeyError("getpwuid(): uid not found: 4242")

    monkeypatch.setattr(getpass, "getuser", unknown_uid)
    assert default_person() is None


def test_user_still_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "ann")
    assert default_person() == "ann"


@pytest.mark.usefixtures("no_user")
def test_reconcile_records_by_without_user(project: Project,
                                           invoke: Callable[..., Any]) -> None:
    build_study(project)
    result = invoke("--project", str(project.root), "reconcile", "--coder", "ingrid,lars,maja",
                    "--as", "consensus", "--strategy", "prefer:maja")
    assert result.exit_code == ExitCode.OK, result.output
    decisions = read_ledger(project, "consensus").decisions
    assert decisions
    assert {d.by for d in decisions} == {LOGIN}

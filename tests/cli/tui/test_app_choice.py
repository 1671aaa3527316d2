"""Which session ``qcode code`` opens: the app on a terminal; the line session with --plain,
TERM=dumb or piped input."""

from __future__ import annotations

import types
from collections.abc import Callable

import pytest

from qcode.cli import coding_cmd
from qcode.project import Project
from tests.builders import interview


class _Tty:
    closed = False

    def isatty(self) -> bool:
        return True


@pytest.fixture
def opened(project: Project, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    project.save_document(interview("T01"))
    calls: list[str] = []
    monkeypatch.setattr(coding_cmd, "_run_app", lambda *a: calls.append("app"))
    monkeypatch.setattr(coding_cmd, "_run_terminal", lambda s: calls.append("line"))
    monkeypatch.setattr(coding_cmd, "_run_plain", lambda s: calls.append("plain"))
    return calls


@pytest.mark.parametrize(("term", "args", "terminal", "expected"), [
    ("xterm-256color", [], True, "app"),
    ("xterm-256color", ["--plain"], True, "line"),
    ("dumb", [], True, "line"),
    ("", [], True, "line"),
    ("xterm-256color", [], False, "plain"),
])
def test_code_opens_the_app_only_on_a_real_terminal(
        project: Project, opened: list[str], invoke: Callable[..., object],
        monkeypatch: pytest.MonkeyPatch, term: str, args: list[str], terminal: bool,
        expected: str) -> None:
    monkeypatch.setenv("TERM", term)
    if terminal:
        monkeypatch.setattr(coding_cmd, "sys", types.SimpleNamespace(stdin=_Tty(),
                                                                     stdout=_Tty()))
    r = invoke("--project", str(project.root), "code", "T01", "--coder", "ingrid", *args,
               input="q\n")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert opened == [expected]

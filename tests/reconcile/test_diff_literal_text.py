"""``qcode diff`` prints a transcript's text as written: markup-like text such as
``[/i]`` or ``[bold]`` are words, not instructions to rich."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qcode.coding.store import add_codes, mark_done
from qcode.project import Project
from tests.builders import make_doc

SAID = "She wrote [/i] and [bold]never[/bold] back."


def _body(stdout: str) -> str:
    lines = stdout.splitlines()
    body = lines[next(i for i, ln in enumerate(lines) if ln.startswith("┡")) + 1:
                 next(i for i, ln in enumerate(lines) if ln.startswith("└"))]
    return " ".join(" ".join(ln.split("│")[2].split()) for ln in body).strip()


@pytest.mark.parametrize("columns", ["80", "30"])
def test_markup_like_text_is_printed_literally(
        invoke: Callable[..., Any], project: Project, monkeypatch: pytest.MonkeyPatch,
        columns: str) -> None:
    """A closing tag with no opening one ('[/i]') made the table's measurement raise
    rich's MarkupError: diff failed with an internal error."""
    monkeypatch.setenv("COLUMNS", columns)
    doc = make_doc("M1", [("Interviewer", "And then?"), ("Respondent", SAID)])
    project.save_document(doc)
    add_codes(project, "ann", doc, ["M1:0002"], ["ORG-MIC-01"])
    add_codes(project, "bob", doc, ["M1:0002"], ["ECO-MAC-01"])
    for c in ("ann", "bob"):
        mark_done(project, c, "M1")
    r = invoke("--project", str(project.root), "diff", "--coder", "ann,bob")
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    assert _body(r.stdout) == SAID
    assert r.stdout.splitlines()[-1] == "1 of 2 segments differ (documents: M1)"

"""One clock format (h:mm:ss) wherever a time is shown: show, excerpts/reports, the coding
screen and the reconciliation walk all print the same text for the same second."""

from __future__ import annotations

import pytest
from rich.console import Console

from qcode.cli.coding_screen import draw, plain
from qcode.clock import clock
from qcode.coding.session import Session
from qcode.counts.excerpts import format_time
from qcode.ingest.document_view import as_text_lines
from qcode.project import Project
from tests.builders import make_doc


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0:00:00"), (5.9, "0:00:05"), (65, "0:01:05"), (3600, "1:00:00"),
    (3725.4, "1:02:05"), (36000, "10:00:00"), (None, ""),
])
def test_clock(seconds: float | None, shown: str) -> None:
    assert clock(seconds) == shown
    assert format_time(seconds) == shown


def test_show_and_the_coding_screen_print_the_same_clock(project: Project) -> None:
    doc = make_doc("D01", [("I", "First question."), ("R", "An answer.")], step=65.0)
    project.save_document(doc)
    shown = "\n".join(as_text_lines(doc))
    assert "[0:01:05]" in shown
    session = Session(project, doc, "ann")
    reply = session.start()
    reply = session.handle("n")
    assert reply.view is not None
    assert any("0:01:05" in line for line in plain(reply.view))
    console = Console(width=100, record=True, color_system=None)
    draw(console, reply.view)
    screen = console.export_text()
    assert "0:01:05" in screen and " 01:05" not in screen

"""Issue 12 item 19: a header line holding two ``Key: value`` pairs gives two attributes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.formats import text
from qcode.formats.labels import header_pairs
from qcode.project import Project

TRANSCRIPT = ("Date: 14 March 2024   Location: video call\n"
              "Interviewer: Kari\n\n"
              "I: How is the clinic doing?\n"
              "R: Fine, thanks.\n")


def test_two_pairs_on_one_header_line_are_two_attributes() -> None:
    # was: {'date': '14 March 2024   Location: video call', ...}
    parsed = text.read(TRANSCRIPT, "n.txt")
    assert parsed.attributes == {"date": "14 March 2024", "location": "video call",
                                 "interviewer": "Kari"}
    assert [t.speaker for t in parsed.turns] == ["I", "R"]


@pytest.mark.parametrize(("rest", "pairs"), [
    ("14 March 2024\tLocation: Tromsø", [("date", "14 March 2024"), ("location", "Tromsø")]),
    ("14 March 2024 | duration: 45 min", [("date", "14 March 2024"), ("duration", "45 min")]),
    ("14 March 2024 Location: Bodø; Duration: 1:05:00",
     [("date", "14 March 2024"), ("location", "Bodø"), ("duration", "1:05:00")]),
    ("10:30 in the morning", [("date", "10:30 in the morning")]),
    ("the ward said: location: unknown", [("date", "the ward said: location: unknown")]),
])
def test_header_pairs(rest: str, pairs: list[tuple[str, str]]) -> None:
    assert header_pairs("Date", rest) == pairs


def test_ingest_stores_both_attributes(project: Project, invoke: Callable[..., Any],
                                       tmp_path: Path) -> None:
    path = tmp_path / "N01.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = invoke("--project", str(project.root), "ingest", str(path))
    assert result.exit_code == ExitCode.OK, result.output
    attributes = project.load_document("N01").attributes
    assert (attributes["date"], attributes["location"]) == ("14 March 2024", "video call")

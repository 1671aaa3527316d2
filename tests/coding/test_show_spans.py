"""``qcode show DOC --coder C`` with span codings: spans that are part of a segment, or run
across segments, are marked inside the text as [[...]]{CODE} with a legend; whole-segment
codings keep their "=> CODE" line; JSON lists each coding's start, end, quote and
segments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qcode.coding.store import add_codes
from qcode.ingest.document_view import LEGEND
from tests.span_builders import find, span_project


def test_text_marks_spans_inside_the_text(invoke: Callable[..., Any], tmp_path: Path) -> None:
    project, _ = span_project(tmp_path / "spans")
    result = invoke("--project", str(project.root), "show", "S1", "--coder", "ana")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[lines.index("") + 1:] == [
        "S1:0001  I [0:00:00]: How is telemedicine steered in your region?",
        "S1:0002  Anna [0:00:10]: The [[ministry [[sets the plan]]{G1} for video "
        "clinics]]{G1}. [[The region pays for the screens.]]{G3} [[Nobody pays for the "
        "nurses' time.",
        "S1:0003  I [0:00:20]: And the local clinic?]]{E1}",
        "S1:0004  Anna [0:00:30]: The clinic waits for money. Travel is still cheaper for "
        "many.",
        "    => E2",
        "",
        LEGEND]


def test_whole_segment_codings_show_as_before(invoke: Callable[..., Any],
                                              tmp_path: Path) -> None:
    project, doc = span_project(tmp_path / "spans")
    add_codes(project, "bo", doc, ["S1:0002"], ["G1", "E1"])
    result = invoke("--project", str(project.root), "show", "S1", "--coder", "bo")
    assert result.exit_code == 0, result.output
    assert "[[" not in result.stdout and LEGEND not in result.stdout
    assert "S1:0002  Anna [0:00:10]: The ministry sets the plan" in result.stdout
    assert "\n    => E1, G1\n" in result.stdout


def test_json_gives_each_codings_span(invoke: Callable[..., Any], tmp_path: Path) -> None:
    project, doc = span_project(tmp_path / "spans")
    result = invoke("--project", str(project.root), "show", "S1", "--coder", "ana",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    s, e = find(doc, "Nobody pays")[0], find(doc, "And the local clinic?")[1]
    e1 = next(c for c in data["codings"] if c["code"] == "E1")
    assert e1 == {"code": "E1", "start": s, "end": e, "quote": doc.text[s:e],
                  "segments": ["S1:0002", "S1:0003"]}
    assert [c["code"] for c in data["codings"]] == ["G1", "G1", "G3", "E1", "E2"]
    # a segment's codes are the codes whose spans touch it
    assert [g["codes"] for g in data["segments"]] == [[], ["E1", "G1", "G3"], ["E1"], ["E2"]]
    plain = json.loads(invoke("--project", str(project.root), "show", "S1",
                              "--format", "json").stdout)
    assert "codings" not in plain

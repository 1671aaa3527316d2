"""The bundled sample study: all nine interviews ingest with the right speakers and turns."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import ROOT

SAMPLE = ROOT / "transcripts"

# id -> (format, turns, speakers); turn counts were counted independently with grep /
# python-docx over the label lines (consecutive cues of one speaker counted once)
EXPECTED = {
    "L01": ("otter", 44, ["Interviewer", "Torunn Vollstad"]),
    "L02": ("f4", 45, ["I", "B"]),
    "L03": ("docx", 44, ["Interviewer", "Hildegunn Åsvik"]),
    "N01": ("docx", 44, ["Interviewer", "Halvard Strømsvik"]),
    "N02": ("vtt", 44, ["Interviewer", "Maren Solbakk-Aune"]),
    "N03": ("md", 42, ["Interviewer", "Respondent"]),
    "R01": ("vtt", 44, ["Interviewer", "Torill Havmyr"]),
    "R02": ("srt", 44, ["INTERVIEWER", "RESPONDENT"]),
    "R03": ("txt", 44, ["Interviewer", "Respondent"]),
}


def test_sample_study_ingests(invoke: Callable[..., Any], project: Project) -> None:
    result = invoke("--project", str(project.root), "ingest", str(SAMPLE / "interviews"),
                    "--attributes", str(SAMPLE / "attributes.csv"))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Warning" not in result.stderr
    docs = json.loads(invoke("--project", str(project.root), "docs", "--format",
                             "json").stdout)["documents"]
    got = {d["id"]: (d["format"], d["turns"], d["speakers"]) for d in docs}
    assert got == EXPECTED
    for d in docs:
        assert d["words"] >= 1500, d["id"]
        assert d["attributes"]["stakeholder_level"] == {"N": "national", "R": "regional",
                                                        "L": "local"}[d["id"][0]]

"""`qcode show DOC --coder C`: a coder's codes and memos beside the text."""

from __future__ import annotations

import json

from qcode.coding.store import add_codes, set_memo
from qcode.errors import ExitCode
from qcode.models import Document, Segment, Turn


def _doc() -> Document:
    text = "Hello there.\n\nWe used video for rehab follow-up."
    return Document(id="D1", title="D1", format="txt", text=text,
                    turns=(Turn(speaker="I", start=0, end=12),
                           Turn(speaker="R", start=14, end=len(text))),
                    segments=(Segment(id="D1:0001", start=0, end=12, speaker="I", turn=0),
                              Segment(id="D1:0002", start=14, end=len(text), speaker="R",
                                      turn=1)))


def test_show_with_coder(invoke, project) -> None:  # type: ignore[no-untyped-def]
    doc = _doc()
    project.save_document(doc)
    add_codes(project, "ann", doc, ["D1:0002"], ["ORG-MIC-01", "GOV-MAC-01"])
    set_memo(project, "ann", doc, "D1:0002", "rehab only")
    root = str(project.root)
    text = invoke("--project", root, "show", "D1", "--coder", "ann")
    assert text.exit_code == 0
    assert text.stdout.splitlines()[-3:] == ["D1:0002  R: We used video for rehab follow-up.",
                                             "    => GOV-MAC-01, ORG-MIC-01",
                                             "    memo: rehab only"]
    data = json.loads(invoke("--project", root, "show", "D1", "--coder", "ann", "--format",
                             "json").stdout)
    assert [(s["codes"], s["memo"]) for s in data["segments"]] == [
        ([], None), (["GOV-MAC-01", "ORG-MIC-01"], "rehab only")]
    plain = json.loads(invoke("--project", root, "show", "D1", "--format", "json").stdout)
    assert "codes" not in plain["segments"][0]
    missing = invoke("--project", root, "show", "D1", "--coder", "bob")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert missing.stderr.startswith("Error: no coder 'bob' in this project")

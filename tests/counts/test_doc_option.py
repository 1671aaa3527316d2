"""`--doc DOC` on matrix, cooccur and report: the same as --where document=DOC."""

from __future__ import annotations

import json

from qcode.coding.store import add_codes, mark_done
from qcode.models import Document, Segment, Turn


def _doc(doc_id: str) -> Document:
    text = "We used video for rehab."
    return Document(id=doc_id, title=doc_id, format="txt", text=text,
                    turns=(Turn(speaker="R", start=0, end=len(text)),),
                    segments=(Segment(id=f"{doc_id}:0001", start=0, end=len(text),
                                      speaker="R", turn=0),))


def test_doc_option_selects_documents(invoke, project) -> None:  # type: ignore[no-untyped-def]
    for doc_id in ("D1", "D2", "D3"):
        doc = _doc(doc_id)
        project.save_document(doc)
        add_codes(project, "ann", doc, [f"{doc_id}:0001"], ["ORG-MIC-01"])
        mark_done(project, "ann", doc_id)
    root = str(project.root)
    both = json.loads(invoke("--project", root, "matrix", "--doc", "D1", "--doc", "D3",
                             "--format", "json").stdout)
    where = json.loads(invoke("--project", root, "matrix", "--where", "document=D1",
                              "--where", "document=D3", "--format", "json").stdout)
    assert both == where and both["total"] == 2
    co = json.loads(invoke("--project", root, "cooccur", "--doc", "D2", "--format",
                           "json").stdout)
    assert co["segments"] == 1
    out = project.root / "r.csv"
    rep = invoke("--project", root, "report", "--doc", "D2", "-o", str(out))
    assert rep.exit_code == 0
    assert len(out.read_text(encoding="utf-8").strip().splitlines()) == 2  # header + 1 excerpt

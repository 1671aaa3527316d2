"""The .qdpx export of a multi-document, multi-coder project is exactly what it was before
the exporter was made linear in the project (issue 19): the project.qde XML and every
source file, byte for byte, for LF and CRLF line ends, and the same summary.

The expected files in tests/data/refiqda/export_golden/ were written by the exporter as it
was before that change (commit 4d31197), from the project built here; regenerate them only
for a deliberate change of the export format (QCODE_WRITE_GOLDEN=1).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from qcode.coding.store import add_codes, append_events, mark_done, remove_codes, set_memo
from qcode.ingest.segmentation import layout
from qcode.models import Document
from qcode.project import Project, init_project
from qcode.refiqda.exporter import build_qdpx
from tests.builders import DATA

GOLDEN = DATA / "refiqda" / "export_golden"


def _doc(doc_id: str, n: int, attributes: dict[str, str]) -> Document:
    turns = [("I" if k % 2 == 0 else "R",
              f"Turn {k} of {doc_id}: video é 😀 and\n\nfunding line {k}.") for k in range(n)]
    text, trs, segs = layout(doc_id, turns, "paragraph")
    return Document(id=doc_id, title=f"Interview {doc_id}", format="txt", unit="paragraph",
                    attributes=attributes, text=text, turns=tuple(trs), segments=tuple(segs),
                    sha256="cd" * 32, source_name=f"{doc_id}.txt", encoding="utf-8")


def build(root: Path) -> Project:
    """Five documents, three coders: overlapping codings, removals, memos (one on a
    segment without codes), done marks, a code the codebook lacks and a document that is
    not in the project."""
    project = init_project(root, name="golden")
    codes = [c.id for c in project.codebook.codes]
    docs = [_doc(f"G{i}", 4 + i, {"region": ("north", "south")[i % 2], "wave": str(i)})
            for i in range(5)]
    for d in docs:
        project.save_document(d)
    for ci, coder in enumerate(("ann", "bob", "cy")):
        for di, d in enumerate(docs):
            for si, seg in enumerate(d.segments):
                if (si + di + ci) % 3 == 0:
                    continue
                chosen = [codes[(si * 7 + di * 3 + ci * (si % 2)) % len(codes)],
                          codes[(si + di) % len(codes)]]
                add_codes(project, coder, d, [seg.id], sorted(set(chosen)))
            if di % 2 == ci % 2:
                remove_codes(project, coder, d, [d.segments[1].id],
                             [codes[(1 + di) % len(codes)]])
            set_memo(project, coder, d, d.segments[-1].id,
                     f"{coder} on {d.id}: check <this> & that")
            if (di + ci) % 2 == 0:
                mark_done(project, coder, d.id)
    seg = docs[0].segments[0]
    append_events(project, "bob", [
        {"op": "add", "doc": "G0", "segment": seg.id, "start": seg.start, "end": seg.end,
         "quote": docs[0].text[seg.start:seg.end], "code": "NOT-IN-CODEBOOK"},
        {"op": "add", "doc": "GONE", "segment": "GONE:0001", "start": 0, "end": 3,
         "quote": "abc", "code": codes[0]}])
    return project


def _files(data: bytes) -> dict[str, bytes]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return {name: zf.read(name) for name in zf.namelist()}


def _summary(summary: object) -> dict[str, object]:
    out = summary.as_dict() | {"file": ""}  # type: ignore[attr-defined]
    out["skipped"] = sorted(out["skipped"])
    return out


@pytest.mark.parametrize("ends", ["lf", "crlf"])
def test_export_matches_the_files_written_before_the_linear_exporter(tmp_path, ends):
    project = build(tmp_path / "golden")
    data, summary = build_qdpx(project, line_endings=ends)
    files = _files(data)
    folder = GOLDEN / ends
    if os.environ.get("QCODE_WRITE_GOLDEN") == "1":  # pragma: no cover - regeneration
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "names.json").write_text(json.dumps(sorted(files), indent=1))
        (folder / "summary.json").write_text(json.dumps(_summary(summary), indent=1))
        for name, raw in files.items():
            (folder / name.replace("/", "__")).write_bytes(raw)
    assert sorted(files) == json.loads((folder / "names.json").read_text())
    for name, raw in files.items():
        assert raw == (folder / name.replace("/", "__")).read_bytes(), name
    assert _summary(summary) == json.loads((folder / "summary.json").read_text())
    assert (summary.documents, summary.selections, summary.memos) == (5, 60, 15)
    assert [(o.coder, o.total) for o in summary.omissions.left_out] == [("bob", 2)]

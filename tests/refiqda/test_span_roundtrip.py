"""REFI-QDA with spans: export writes each span as a PlainTextSelection at exactly its
offsets, import keeps every selection exactly (nothing widened to whole segments), and
spans -> .qdpx -> a new project gives identical spans (also with CRLF line endings and
characters beyond U+FFFF, whose offsets other tools count differently)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree

from qcode.coding.store import current_codings, load_state, set_memo
from qcode.models import Document
from qcode.project import Project, init_project, open_project
from qcode.refiqda.exporter import build_qdpx, export_qdpx
from qcode.refiqda.importer import import_qdpx
from tests.builders import DATA, make_doc
from tests.span_builders import code_spans, find, span_project

NS = "{urn:QDA-XML:project:1.0}"


def _spans(project: Project, coder: str) -> list[tuple[str, str, str, int, int, str]]:
    return sorted((c.doc, c.segment, c.code, c.start, c.end, c.quote)
                  for c in current_codings(project, coder))


def _selections(data: bytes) -> list[tuple[int, int, list[str]]]:
    qde = zipfile.ZipFile(io.BytesIO(data)).read("project.qde")
    root = ElementTree.fromstring(qde)
    return [(int(s.get("startPosition")), int(s.get("endPosition")),
             [c.get("guid") for c in s.findall(f"{NS}Coding")])
            for s in root.iter(f"{NS}PlainTextSelection")]


def test_export_writes_exact_spans(tmp_path: Path) -> None:
    project, doc = span_project(tmp_path / "spans")
    data, summary = build_qdpx(project)
    got = [(s, e) for s, e, _ in _selections(data)]
    assert got == sorted([find(doc, "ministry sets the plan"),
                          find(doc, "sets the plan for video clinics"),
                          find(doc, "The region pays for the screens."),
                          (find(doc, "Nobody pays")[0], find(doc, "And the local clinic?")[1]),
                          (doc.segments[3].start, doc.segments[3].end)])
    assert (summary.selections, summary.codings) == (5, 5)


@pytest.mark.parametrize("line_endings", ["lf", "crlf"])
def test_spans_round_trip_into_a_new_project(tmp_path: Path, line_endings: str) -> None:
    project, doc = span_project(tmp_path / "spans")
    set_memo(project, "ana", doc, "S1:0002", "the plan comes from the ministry")
    path = tmp_path / "spans.qdpx"
    export_qdpx(project, path, line_endings=line_endings)
    report = import_qdpx(path, into=tmp_path / "copy")
    copy = open_project(tmp_path / "copy")
    assert _spans(copy, "ana") == _spans(project, "ana")
    assert load_state(copy, "ana").memos == load_state(project, "ana").memos
    # five spans, and the memo on S1:0002 as a selection of that segment
    assert report.as_dict()["sources"][0]["selections_taken"] == 6
    # and back out again: the same selections
    assert _selections(build_qdpx(copy)[0]) == _selections(build_qdpx(project)[0])


def test_offsets_beyond_the_basic_plane_round_trip(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p", codebook=DATA / "matrix" / "codebook.yaml")
    doc: Document = make_doc("E1", [("I", "Was it easy? \U0001F600 Tell me."),
                                    ("Anna", "It was \U0001F4A9 slow \U0001F600 but fine.")])
    project.save_document(doc)
    code_spans(project, "ana", doc, [(*find(doc, "slow \U0001F600 but"), "G1"),
                                     (*find(doc, "\U0001F600 Tell"), "E2")])
    path = tmp_path / "e.qdpx"
    export_qdpx(project, path)
    import_qdpx(path, into=tmp_path / "copy")
    assert _spans(open_project(tmp_path / "copy"), "ana") == _spans(project, "ana")


def test_import_into_the_same_project_adds_nothing_twice(tmp_path: Path) -> None:
    project, _ = span_project(tmp_path / "spans")
    path = tmp_path / "spans.qdpx"
    export_qdpx(project, path)
    before = _spans(project, "ana")
    report = import_qdpx(path, project=open_project(project.root))
    assert report.taken["codings"] == 0
    assert _spans(open_project(project.root), "ana") == before

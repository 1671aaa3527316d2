"""``diff`` reads the compared documents from the read index (qcode/index): its result is
exactly the direct path's (every document read and validated from its file), with spans,
with a code filter, and after a document changes underneath the index."""

from __future__ import annotations

from pathlib import Path

import pytest

import qcode.reconcile.units as units_module
from qcode.index.documents import DocMeta
from qcode.project import Project
from qcode.reconcile.pair_diff import diff
from tests.builders import build_study
from tests.reconcile.span_builders import X, Y, span_study, words

MARKS = {"a": [(X, words("beta", "delta")), (Y, words("rho", "tau"))],
         "b": [(X, words("gamma", "zeta")), (Y, words("sigma", "upsilon"))]}


def _direct(project: Project, *args: object, monkeypatch: pytest.MonkeyPatch
            ) -> dict[str, object]:
    """diff with the index out of the way: every document through load_document."""
    with monkeypatch.context() as m:
        def nothing(*_: object, **__: object) -> dict[str, DocMeta]:
            return {}
        m.setattr(units_module, "indexed_documents", nothing)
        return diff(project, *args).as_dict()  # type: ignore[arg-type]


@pytest.mark.parametrize("args", [("ingrid", "lars"), ("lars", "maja"),
                                  ("ingrid", "maja", None, ["GOV-MES-01"]),
                                  ("ingrid", "lars", None, None, True)])
def test_whole_segments_as_the_direct_path(project: Project, args: tuple[object, ...],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    build_study(project)
    want = _direct(project, *args, monkeypatch=monkeypatch)
    assert want["segments_differing"]
    assert diff(project, *args).as_dict() == want  # type: ignore[arg-type]
    assert diff(project, *args).as_dict() == want  # type: ignore[arg-type]  # index warm


def test_spans_as_the_direct_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = span_study(tmp_path / "p", MARKS)
    want = _direct(project, "a", "b", monkeypatch=monkeypatch)
    assert any(d["spans"] for d in want["disagreements"])  # type: ignore[attr-defined]
    for _ in range(2):
        assert diff(project, "a", "b").as_dict() == want


def test_a_document_changed_underneath_the_index(project: Project,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    build_study(project)
    first = diff(project, "ingrid", "lars")  # the index now holds every document
    seg = first.disagreements[0]
    doc = project.load_document(seg.doc)
    where = next(s for s in doc.segments if s.id == seg.segment)
    said = doc.text[where.start:where.end]
    changed = said.swapcase() if said.swapcase() != said else said[::-1]
    doc = doc.model_copy(update={"text": doc.text[:where.start] + changed
                                 + doc.text[where.end:]})
    project.save_document(doc)
    again = diff(project, "ingrid", "lars")
    assert again.disagreements[0].text == changed != said
    assert again.as_dict() == _direct(project, "ingrid", "lars", monkeypatch=monkeypatch)

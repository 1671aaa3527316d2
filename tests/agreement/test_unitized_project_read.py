"""``agree --unitized`` reads the compared documents through the read index and each
coder's spans straight from the fold (issue 19): the same agreement as validating every
document's JSON and building every coding record, also after a document changes under
the index, and a document the index cannot vouch for still fails as loading it does."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.agreement.unitized import UnitizedAgreement, unitized_agreement
from qcode.agreement.unitized_data import Continuum, Span
from qcode.agreement.unitized_project import unitized_for_project
from qcode.coding import store
from qcode.errors import ProjectDamagedError
from qcode.models import Document
from qcode.project import Project
from tests.builders import build_known

CODERS = ("ana", "bo")


def by_records(project: Project, n_boot: int, seed: int) -> UnitizedAgreement:
    """The read path as it was: every document validated, every coding a record."""
    docs = [project.load_document(d) for d in project.document_ids()]
    spans: dict[str, list[Span]] = {d.id: [] for d in docs}
    bounds = {d.id: {s.id: (s.start, s.end) for s in d.segments} for d in docs}
    for coder in CODERS:
        for c in store.load_state(project, coder).codings():
            start, end = c.start, c.end
            if end <= start:
                start, end = bounds[c.doc].get(c.segment, (0, 0))
            spans[c.doc].append(Span(coder, start, end, c.code))
    continua = [Continuum(d.id, 0, len(d.text), tuple(
        Span(s.coder, s.start, min(s.end, len(d.text)), s.code) for s in spans[d.id]
        if s.start < len(d.text))) for d in docs]
    return unitized_agreement(continua, list(CODERS), n_boot=n_boot, seed=seed)


@pytest.fixture
def known(tmp_path: Path) -> Project:
    project = build_known(tmp_path / "p", coders=CODERS, done=True)
    d1 = project.load_document("D1")
    s = d1.segments[2]  # spans inside a segment and across two, beside the whole ones
    store.add_span(project, "ana", d1, s.start + 2, s.end - 1, ["G2"])
    store.add_span(project, "bo", d1, s.start, d1.segments[3].start + 3, ["G2", "E1"])
    return project


def test_index_and_fold_read_gives_what_the_records_gave(known: Project) -> None:
    for _ in range(2):  # the first run builds the index, the second reads it
        rep, _, _ = unitized_for_project(known, coders=list(CODERS), n_boot=60, seed=5)
        assert rep == by_records(known, 60, 5)


def test_a_document_changed_under_the_index_is_read_again(known: Project) -> None:
    unitized_for_project(known, coders=list(CODERS), n_boot=0)  # the index holds D3
    d3 = known.load_document("D3")
    longer = d3.model_copy(update={"text": d3.text + " and more words at the end",
                                   "attributes": {"region": "West"}})
    known.save_document(Document.model_validate(longer.model_dump()))
    rep, _, _ = unitized_for_project(known, coders=list(CODERS), n_boot=0, seed=0)
    assert rep == by_records(known, 0, 0)
    assert rep.continua["D3"] == (0, len(longer.text))
    west, _, _ = unitized_for_project(known, coders=list(CODERS), n_boot=0,
                                      where={"region": ["West"]})
    assert west.documents == ("D3",)


def test_a_document_the_index_cannot_vouch_for_fails_as_loading_it_does(
        known: Project) -> None:
    unitized_for_project(known, coders=list(CODERS), n_boot=0)
    (known.documents_dir / "D2.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ProjectDamagedError) as got:
        unitized_for_project(known, coders=list(CODERS), n_boot=0)
    with pytest.raises(ProjectDamagedError) as want:
        known.load_document("D2")
    assert got.value.message == want.value.message

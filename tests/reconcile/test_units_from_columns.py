"""A reconciliation's units come from the coders' checkpoint columns and the read index
(``load_codings``, ``UnitDoc``) when they serve: each unit is exactly the one built from
the coders' folded usable states and their validated documents, whole segments, spans
and a span across segments alike, with and without a code filter; and a reconciliation
run on the columns writes the decision log the folded states give."""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import store
from qcode.coding.usable import known_parts
from qcode.models import Document
from qcode.project import Project, open_project
from qcode.reconcile.positions import coverage_in, cross_spans
from qcode.reconcile.run import reconcile
from qcode.reconcile.segment_codings import load_segment_codings
from qcode.reconcile.units import Unit, iter_units, load_codings, load_states
from tests.builders import numbered_doc
from tests.span_builders import code_phrases, code_spans, span_project

CODERS = ["ana", "bo", "cy"]
CODES = ["G1", "G2", "G3", "E1", "E2"]


def _varied(root: Path) -> Project:
    """S1 (spans: overlapping, partial, one across segments for ana) and four numbered
    documents coded by whole segments and by stretches of words, seeded."""
    project, doc = span_project(root, coder="ana")
    code_phrases(project, "bo", doc, [("sets the plan for video", "G1"),
                                      ("The region pays", "G3")])
    store.add_codes(project, "cy", doc, ["S1:0002"], ["G1", "G3"])
    rng = random.Random(19)
    for d in range(4):
        nd = numbered_doc(f"N{d}", 12)
        project.save_document(nd)
        for coder in CODERS:
            spans = []
            for seg in nd.segments:
                if rng.random() < 0.5:
                    continue
                codes = rng.sample(CODES, rng.randint(1, 2))
                if rng.random() < 0.3:  # a stretch of words of the segment
                    lo = seg.start + rng.randint(0, 5)
                    spans += [(lo, seg.end - rng.randint(0, 5), c) for c in codes]
                else:
                    spans += [(seg.start, seg.end, c) for c in codes]
            code_spans(project, coder, nd, spans)
    for coder in CODERS:
        for doc_id in ("S1", "N0", "N1", "N2", "N3"):
            store.mark_done(project, coder, doc_id)
    return project


def _warm(project: Project) -> None:
    """Age the logs and read them once, so that their checkpoints vouch for them."""
    for coder in CODERS:
        path = store.log_path(project, coder)
        old = os.stat(path).st_mtime_ns - 10 * 10**9
        os.utime(path, ns=(old, old))
        store.load_state(project, coder)


def _direct(project: Project, codes: frozenset[str] | None) -> list[tuple[object, ...]]:
    """The units as the validated documents and the folded states give them."""
    states = load_states(project, CODERS)
    out: list[tuple[object, ...]] = []
    for doc_id in ("N0", "N1", "N2", "N3", "S1"):
        doc: Document = project.load_document(doc_id)
        for seg in doc.segments:
            key, sets, spans = (doc_id, seg.id), {}, {}
            for st in states:
                on = st.codes.get(key)
                have = frozenset(on) if on else frozenset()
                sets[st.coder] = have if codes is None or not have else have & codes
                if on:
                    cov = coverage_in(st.spans.get(key, ()), (seg.start, seg.end), codes,
                                      cross_spans(st, doc_id).get(seg.id, ()), doc.text)
                    if cov is not None:
                        spans[st.coder] = cov
            out.append((doc.id, doc.text, seg.id, (seg.start, seg.end), sets, spans or None))
    return out


def _seen(units: list[Unit]) -> list[tuple[object, ...]]:
    return [(u.doc.id, u.doc.text, u.segment_id, u.bounds, dict(u.sets), u.spans)
            for u in units]


@pytest.mark.parametrize("codes", [None, frozenset({"G1", "E2"})])
def test_units_from_columns_are_the_direct_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                codes: frozenset[str] | None) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = _varied(tmp_path / "p")
    _warm(project)
    known = known_parts(project)
    # bo and cy from their columns; ana (a span across segments) from her folded state
    assert [not load_segment_codings(project, c, known).source.spans for c in CODERS] == \
        [False, True, True]
    docs = ["N0", "N1", "N2", "N3", "S1"]
    units = list(iter_units(project, load_codings(project, CODERS), docs, codes))
    direct = _direct(project, codes)
    assert _seen(units) == direct
    assert any(spans for *_, spans in direct) and any(not spans for *_, spans in direct)
    assert _seen(list(iter_units(project, load_states(project, CODERS), docs, codes))) == direct
    # the document itself is read only when asked for (ask shows a segment in context)
    assert units[0].segment == project.load_document("N0").segments[0]


def _normal(path: Path) -> str:
    return re.sub(r'"time":"[^"]*"', "", path.read_text(encoding="utf-8"))


def test_a_run_on_columns_writes_what_the_folded_states_give(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = _varied(tmp_path / "warm")
    _warm(project)
    shutil.copytree(tmp_path / "warm", tmp_path / "cold", symlinks=True)
    cold = open_project(tmp_path / "cold")
    for coder in CODERS:  # no checkpoints: every coder folded from the log
        store.checkpoint_path(store.log_path(cold, coder)).unlink()
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 10**9)
    a = reconcile(project, CODERS, "consensus", "majority", by="me")
    b = reconcile(cold, CODERS, "consensus", "majority", by="me")
    assert a.as_dict() == b.as_dict() and a.by_outcome
    assert _normal(project.reconciliations_dir / "consensus.jsonl") == \
        _normal(cold.reconciliations_dir / "consensus.jsonl")


def test_a_copied_project_reads_columns_once_its_checkpoints_hold_the_logs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    _warm(_varied(tmp_path / "p"))
    shutil.copytree(tmp_path / "p", tmp_path / "copy", symlinks=True)  # new inodes: no stamp
    project = open_project(tmp_path / "copy")
    assert store.unchanged_columns(project, "bo") is None
    store.add_codes(project, "cy", project.load_document("N0"), ["N0:0001"], ["G2"])
    got = {c: store.columns_or_state(project, c) for c in CODERS}
    # bo's checkpoint holds his whole log: restamped, then read as columns; cy coded
    # since her checkpoint was made: her log is folded (as load_state does)
    assert isinstance(got["bo"], log_checkpoint.Columns)
    assert isinstance(got["cy"], store.CoderState) and \
        got["cy"].codes == store.load_state(project, "cy").codes
    assert store.unchanged_columns(project, "bo") is not None
    docs = ["N0", "N1", "N2", "N3", "S1"]
    assert _seen(list(iter_units(project, load_codings(project, CODERS), docs))) == \
        _direct(project, None)

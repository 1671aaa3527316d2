"""``diff`` reads an unchanged log's codings straight from its checkpoint's columns: the
diff is exactly the one from the folded logs, whole segments and spans alike; a span across
segments (which the columns list under its first segment only) sends the coder back to the
fold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import store
from qcode.coding.usable import known_parts
from qcode.project import Project
from qcode.reconcile.pair_diff import diff
from qcode.reconcile.segment_codings import load_segment_codings
from tests.builders import build_known
from tests.span_builders import code_phrases, span_project


def _warm(project: Project, coders: tuple[str, ...]) -> None:
    """Age the logs and read them once, so that their checkpoints vouch for them."""
    for coder in coders:
        path = store.log_path(project, coder)
        old = os.stat(path).st_mtime_ns - 10 * 10**9
        os.utime(path, ns=(old, old))
        store.load_state(project, coder)


def _from_columns(project: Project, coder: str) -> bool:
    # the columns' state holds no spans; a folded state holds them all
    return not load_segment_codings(project, coder, known_parts(project)).source.spans


def test_whole_segment_diff_from_columns_is_the_folded_diff(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    assert not _from_columns(project, "ana")  # just written: not vouched for yet
    folded = diff(project, "ana", "bo")
    _warm(project, ("ana", "bo"))
    assert _from_columns(project, "ana") and _from_columns(project, "bo")
    quick = diff(project, "ana", "bo")
    assert quick == folded and quick.disagreements
    assert diff(project, "ana", "bo", codes=["G1"]) == diff(project, "ana", "bo",
                                                            codes=["G1"])


def test_span_diff_from_columns_is_the_folded_diff(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project, doc = span_project(tmp_path / "p", coder="ana")
    code_phrases(project, "bo", doc, [("sets the plan for video", "G1"),
                                      ("The region pays", "G3")])
    store.mark_done(project, "bo", "S1")
    store.mark_done(project, "ana", "S1")
    folded = diff(project, "ana", "bo", all_docs=True)
    _warm(project, ("ana", "bo"))
    assert _from_columns(project, "bo")
    assert not _from_columns(project, "ana")  # her E1 crosses into S1:0003
    quick = diff(project, "ana", "bo", all_docs=True)
    assert quick == folded and any(d.spans for d in quick.disagreements)


def test_span_only_diff_from_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project, doc = span_project(tmp_path / "p", coder="cy")
    code_phrases(project, "ana", doc, [("ministry sets the plan", "G1"),
                                       ("The region pays for the screens.", "G3")])
    code_phrases(project, "bo", doc, [("sets the plan for video", "G1"),
                                      ("The region pays", "G3")])
    folded = diff(project, "ana", "bo", all_docs=True)
    _warm(project, ("ana", "bo"))
    assert _from_columns(project, "ana") and _from_columns(project, "bo")
    quick = diff(project, "ana", "bo", all_docs=True)
    assert quick == folded and any(d.spans for d in quick.disagreements)

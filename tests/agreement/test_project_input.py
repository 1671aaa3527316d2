"""What project agreement reads of each coder: the spans straight from an unchanged log's
checkpoint are the spans of the folded, usable state, and agreement on them is the same;
a coding not usable as it is sends the coder back to the fold."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from qcode.agreement.presence import span_columns
from qcode.agreement.project import agreement_for_project
from qcode.agreement.project_input import coder_spans
from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import store as codings
from qcode.coding.fold import fold_bytes
from qcode.coding.usable import known_parts, omissions, usable_state
from qcode.project import Project
from tests.builders import build_known, counted_log_reads

CODERS = ("ana", "bo")


def _warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The known project, both logs old enough to be trusted by their stamps and read once
    (which writes their checkpoints with the stamps)."""
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = build_known(tmp_path / "p", coders=CODERS, done=True)
    for coder in CODERS:
        path = codings.log_path(project, coder)
        old = os.stat(path).st_mtime_ns - 10 * 10**9
        os.utime(path, ns=(old, old))
        codings.load_state(project, coder)
    return project


def _rows(cols: Any) -> list[tuple[Any, ...]]:
    return list(zip(cols.doc, cols.segment, cols.code, cols.start, cols.end, strict=True))


def test_spans_from_the_checkpoint_are_those_of_the_folded_usable_state(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _warm(tmp_path, monkeypatch)
    known = known_parts(project)
    reads = counted_log_reads(monkeypatch)
    for coder in CODERS:
        quick = coder_spans(project, coder, known)
        path = codings.log_path(project, coder)
        direct = fold_bytes(coder, path.read_bytes(), path)
        folded = coder_spans(project, coder, known, direct)
        assert _rows(quick.columns) == _rows(folded.columns) and _rows(quick.columns)
        assert _rows(quick.columns) == _rows(span_columns(usable_state(direct, known)))
        assert quick.done == folded.done == frozenset(direct.done) and quick.done
        assert omissions([quick.source]) == omissions([folded.source])
    assert reads == []  # neither log was read: both came from their checkpoints


def test_agreement_from_checkpoints_is_agreement_from_the_folded_logs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _warm(tmp_path, monkeypatch)
    reads = counted_log_reads(monkeypatch)
    quick = agreement_for_project(project, n_boot=50, seed=4)
    assert reads == []
    known = known_parts(project)
    folded_spans = {c: coder_spans(project, c, known, codings.load_state(project, c))
                    for c in CODERS}
    folded = agreement_for_project(project, n_boot=50, seed=4, spans=folded_spans)
    assert quick == folded and quick.rows
    assert quick.omissions == folded.omissions


def test_a_coding_not_usable_as_it_is_sends_the_coder_to_the_fold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _warm(tmp_path, monkeypatch)
    known = known_parts(project)
    columns = codings.unchanged_columns(project, "ana")
    assert columns is not None
    dropped = columns.code[0]
    fewer = known.__class__(codes=known.codes - {dropped}, segments=known.segments,
                            doc_map=known.doc_map, code_map=known.code_map)
    folds: list[str] = []
    real = codings.load_state

    def counted(project: Project, coder: str) -> Any:
        folds.append(coder)
        return real(project, coder)

    monkeypatch.setattr(codings, "load_state", counted)
    got = coder_spans(project, "ana", fewer)
    assert folds == ["ana"]  # the state, not the columns
    assert dropped not in got.columns.code and got.columns.code
    (left,) = omissions([got.source]).left_out
    assert left.total == columns.code.count(dropped)

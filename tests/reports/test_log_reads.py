"""A report with its agreement summary, and agree, read each coder's log once (they read
every log two or three times: at 2,000 transcripts, seconds of a report); a warm report
parses each checkpoint once, and gives the report the folded logs give."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from qcode.agreement import project as agreement
from qcode.agreement import project_input
from qcode.coding import checkpoint, store, usable
from qcode.counts import matrix
from qcode.reports import content
from tests.builders import build_known

DATE = "2026-01-31"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Coder -> how many times its log was folded (every load of a state folds it)."""
    counted: Counter[str] = Counter()
    real = store.state_from_bytes

    def state_from_bytes(coder, data, path, **kw):  # type: ignore[no-untyped-def]
        counted[coder] += 1
        return real(coder, data, path, **kw)

    monkeypatch.setattr(store, "state_from_bytes", state_from_bytes)
    return counted


def test_report_agreement_summary_reads_each_log_once(tmp_path, reads):
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    reads.clear()  # building the project read the logs too
    summary = content.agreement_summary(project, exclude=[])
    assert summary is not None and summary.coders == ("ana", "bo")
    assert reads == {"ana": 1, "bo": 1}


def test_agree_reads_each_log_once(tmp_path, reads):
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    reads.clear()  # building the project read the logs too
    rep = agreement.agreement_for_project(project, n_boot=0)
    assert rep.coders == ("ana", "bo")
    assert reads == {"ana": 1, "bo": 1}


def test_whole_report_reads_the_report_coders_log_once(tmp_path, reads):
    # the report coder's log serves its excerpts and the agreement summary
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    reads.clear()
    report = content.build_report(project, coder="ana", date="2026-01-01")
    assert report.agreement is not None and report.coder == "ana"
    assert reads == {"ana": 1, "bo": 1}


def _warm_known(root, monkeypatch):  # type: ignore[no-untyped-def]
    """The known project, both coders' logs old enough for their checkpoints (written by a
    first read) to be trusted by their stamps."""
    monkeypatch.setattr(checkpoint, "MIN_EVENTS", 1)
    project = build_known(root, coders=("ana", "bo"), done=True)
    for coder in ("ana", "bo"):
        path = store.log_path(project, coder)
        old = os.stat(path).st_mtime_ns - 10 * 10**9
        os.utime(path, ns=(old, old))
        store.load_state(project, coder)
    assert store.unchanged_columns(project, "ana") is not None
    return project


def test_warm_report_reads_each_checkpoint_once(tmp_path, monkeypatch, reads):
    # the report coder's checkpoint serves its spans (agreement) and its codings (excerpts)
    project = _warm_known(tmp_path / "p", monkeypatch)
    parsed: Counter[str] = Counter()
    real = checkpoint.load_columns

    def load_columns(path, coder, *args, **kw):  # type: ignore[no-untyped-def]
        parsed[coder] += 1
        return real(path, coder, *args, **kw)

    monkeypatch.setattr(checkpoint, "load_columns", load_columns)
    reads.clear()
    report = content.build_report(project, coder="ana", date="2026-01-01")
    assert report.agreement is not None and report.n_excerpts
    assert parsed == {"ana": 1, "bo": 1}
    assert reads == {}  # no log folded


@pytest.mark.parametrize("kind", ["md", "html", "csv"])
def test_warm_report_is_the_report_of_the_folded_logs(tmp_path, monkeypatch, kind):
    project = _warm_known(tmp_path / "p", monkeypatch)
    warm = content.render_report(content.build_report(project, coder="ana", date=DATE), kind)
    with monkeypatch.context() as m:  # the columns never usable as they are: folds
        m.setattr(project_input, "columns_usable", lambda columns, known: False)
        m.setattr(usable, "columns_usable", lambda columns, known: False)
        unusable = content.render_report(
            content.build_report(project, coder="ana", date=DATE), kind)
    with monkeypatch.context() as m:  # no checkpoint vouches for a log: folds
        m.setattr(content, "unchanged_columns", lambda project, coder: None)
        m.setattr(store, "unchanged_columns", lambda project, coder, **kw: None)
        m.setattr(matrix, "unchanged_columns", lambda project, coder, **kw: None)
        cold = content.render_report(
            content.build_report(project, coder="ana", date=DATE), kind)
    assert "Agreement" in warm or kind == "csv"
    assert warm == unusable == cold

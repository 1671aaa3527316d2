"""A report with its agreement summary, and agree, read each coder's log once (they read
every log two or three times: at 2,000 transcripts, seconds of a report)."""

from __future__ import annotations

from collections import Counter

import pytest

from qcode.agreement import project as agreement
from qcode.coding import store
from qcode.reports import content
from tests.builders import build_known


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

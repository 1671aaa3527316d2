"""Read commands pause Python's cyclic garbage collector while they fold logs and build
their records (it cost a quarter of a report's CPU at 2,000 transcripts), and switch it on
again afterwards, also when the command fails."""

from __future__ import annotations

import gc

import pytest

from qcode.agreement.project import agreement_for_project
from qcode.coding import store
from qcode.coding.collector import collector_paused
from qcode.counts.matrix import load_corpus
from qcode.reports.content import build_report
from tests.builders import build_known


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the collector was on at each fold of a coder's log."""
    states: list[bool] = []
    real = store.state_from_bytes

    def state_from_bytes(coder, data, path, **kw):  # type: ignore[no-untyped-def]
        states.append(gc.isenabled())
        return real(coder, data, path, **kw)

    monkeypatch.setattr(store, "state_from_bytes", state_from_bytes)
    return states


def test_the_collector_is_paused_while_reading_and_on_afterwards(tmp_path, seen):
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    assert gc.isenabled()
    seen.clear()
    build_report(project, coder="ana", date="2026-01-01")
    agreement_for_project(project, n_boot=0)
    load_corpus(project, "bo")
    assert seen and not any(seen)
    assert gc.isenabled()


def test_nested_pauses_and_errors_leave_it_as_it_was() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()

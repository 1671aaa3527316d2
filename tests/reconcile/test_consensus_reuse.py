"""A run's decisions build on the consensus coder's state its previous decisions left
(``consensus_write.Written``) instead of folding the consensus log again, but only while
that log is as they left it: a code someone put on the consensus in between is seen."""

from __future__ import annotations

import pytest

from qcode.coding import store
from qcode.coding.store import add_codes, load_state
from qcode.project import Project
from qcode.reconcile import run as run_module
from qcode.reconcile.run import Reconciliation
from qcode.reconcile.strategies import Choice, decide_unit
from tests.builders import CODERS3, build_study


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    return project


def _reconciled_adds(project: Project, segment: str) -> list[str]:
    events = store.read_log(store.log_path(project, "consensus")).events
    return [ev["code"] for ev in events if ev.get("op") == "add"
            and ev["segment"] == segment and ev.get("origin") == "reconciled"]


def test_the_second_batch_builds_on_the_first_without_a_fold(
        study: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    folds: list[str] = []
    real = run_module.consensus_state
    monkeypatch.setattr(run_module, "consensus_state",
                        lambda project, name: folds.append(name) or real(project, name))
    with Reconciliation(study, CODERS3, "consensus", "majority", by="me") as run:
        run.start()
        run.decide_all()
    assert folds == ["consensus"]  # the first batch only (the log did not exist yet)
    assert load_state(study, "consensus").codes[("D01", "D01:0005")].keys() == {"GOV-MES-01"}


def test_a_code_put_on_the_consensus_between_batches_is_seen(study: Project) -> None:
    with Reconciliation(study, CODERS3, "consensus", "majority", by="me") as run:
        run.start()  # D01:0003 agreed
        # someone codes the consensus coder by hand before the disagreements are decided
        add_codes(study, "consensus", study.load_document("D01"), ["D01:0005"],
                  ["GOV-MES-01"])
        run.decide_all()  # majority on D01:0005: GOV-MES-01, already there
    assert _reconciled_adds(study, "D01:0005") == []
    assert load_state(study, "consensus").codes[("D01", "D01:0005")].keys() == {"GOV-MES-01"}


def test_sorting_again_only_the_decided_segments_is_sorting_them_all(study: Project) -> None:
    with Reconciliation(study, CODERS3, "consensus", "union", by="me") as run:
        run.start()
        first, second = run.queue[0], run.queue[1]
        run.commit(first, Choice("deferred", frozenset()))
        run.commit(second, decide_unit("union", second.unit))
        plan = run.plan
        plan.reassess({d.key for d in run.result.decisions})
        quick = (list(plan.agreed), list(plan.disagreements), plan.settled)
        plan.reassess()
        assert quick == (plan.agreed, plan.disagreements, plan.settled)
        assert second.unit.key not in {p.unit.key for p in plan.disagreements}
        assert [p.reason for p in plan.disagreements if p.unit.key == first.unit.key] == \
            ["deferred"]

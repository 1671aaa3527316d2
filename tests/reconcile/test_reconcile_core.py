"""Reconciliation core: each strategy on a small study with known disagreements, the
decision log, the consensus coder, stale decisions and repairs.

The study (tests/data/reconcile/three_coders.yaml), in short:

=========  ==========================  =======================  ==========================
segment    ingrid                      lars                     maja
=========  ==========================  =======================  ==========================
D01:0002   GOV-MAC-01, ECO-MAC-01      GOV-MAC-01               GOV-MAC-01, ECO-MAC-01
D01:0003   ECO-MIC-02                  ECO-MIC-02               ECO-MIC-02   (agreed)
D01:0005   GOV-MAC-02                  GOV-MES-01               GOV-MES-01
D02:0002   ORG-MIC-01                  ORG-MIC-01, ECO-MIC-03   ORG-MIC-01
D02:0003   ECO-MIC-03                  -                        ECO-MIC-03
D03:0002   ECO-MAC-01 (D03 not done)   -                        -
=========  ==========================  =======================  ==========================
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from qcode.coding.store import (
    add_codes,
    completed_documents,
    current_codings,
    mark_done,
    remove_codes,
)
from qcode.errors import ConflictError, NotFoundError, UsageError
from qcode.project import Project
from qcode.reconcile.ledger import read_ledger
from qcode.reconcile.run import Reconciliation, reconcile
from qcode.reconcile.status import status
from tests.builders import CODERS3, build_study, consensus
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "reconcile"






@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    return project


AGREED = {"D01:0003": {"ECO-MIC-02"}}

EXPECTED = {
    "union": AGREED | {
        "D01:0002": {"GOV-MAC-01", "ECO-MAC-01"}, "D01:0005": {"GOV-MAC-02", "GOV-MES-01"},
        "D02:0002": {"ORG-MIC-01", "ECO-MIC-03"}, "D02:0003": {"ECO-MIC-03"}},
    "intersection": AGREED | {"D01:0002": {"GOV-MAC-01"}, "D02:0002": {"ORG-MIC-01"}},
    "majority": AGREED | {
        "D01:0002": {"GOV-MAC-01", "ECO-MAC-01"}, "D01:0005": {"GOV-MES-01"},
        "D02:0002": {"ORG-MIC-01"}, "D02:0003": {"ECO-MIC-03"}},
    "prefer:lars": AGREED | {
        "D01:0002": {"GOV-MAC-01"}, "D01:0005": {"GOV-MES-01"},
        "D02:0002": {"ORG-MIC-01", "ECO-MIC-03"}},
}


@pytest.mark.parametrize("strategy", sorted(EXPECTED))
def test_each_strategy_gives_the_known_consensus(study: Project, strategy: str) -> None:
    result = reconcile(study, CODERS3, "consensus", strategy, by="tester")
    assert consensus(study) == EXPECTED[strategy]
    outcome = {"prefer:lars": "accept"}.get(strategy, strategy)
    assert result.by_outcome == {"agreed": 1, outcome: 4}
    assert result.documents == ["D01", "D02"]
    assert [s.doc for s in result.skipped] == ["D03"]
    assert completed_documents(study, "consensus") == {"D01", "D02"}
    ledger = read_ledger(study, "consensus")
    assert {d.strategy for d in ledger.decisions} == {strategy}
    assert {d.by for d in ledger.decisions} == {"tester"}


def test_decisions_record_each_coders_codes_and_the_consensus_points_to_them(
        study: Project) -> None:
    reconcile(study, CODERS3, "consensus", "prefer:maja")
    ledger = read_ledger(study, "consensus")
    by_seg = {d.segment: d for d in ledger.decisions}
    d = by_seg["D01:0005"]
    assert d.coders == {"ingrid": ("GOV-MAC-02",), "lars": ("GOV-MES-01",),
                        "maja": ("GOV-MES-01",)}
    assert (d.outcome, d.accepted, d.chosen) == ("accept", "maja", ("GOV-MES-01",))
    assert by_seg["D01:0003"].outcome == "agreed"
    assert set(by_seg) == {"D01:0002", "D01:0003", "D01:0005", "D02:0002", "D02:0003"}
    ids = {d.id for d in ledger.decisions}
    assert ledger.applied == ids
    for c in current_codings(study, "consensus"):
        assert c.origin == "reconciled"
        assert c.code in {x.id: x for x in ledger.decisions}[c.decision].chosen
        assert c.quote  # the quote is carried, as for any coder


def test_majority_with_two_coders_leaves_ties_out_and_flags_them(study: Project) -> None:
    result = reconcile(study, ["ingrid", "lars"], "consensus", "majority")
    assert consensus(study) == AGREED | {"D01:0002": {"GOV-MAC-01"},
                                         "D02:0002": {"ORG-MIC-01"}}
    ties = {d.segment: set(d.tie) for d in result.ties}
    assert ties == {"D01:0002": {"ECO-MAC-01"}, "D01:0005": {"GOV-MAC-02", "GOV-MES-01"},
                    "D02:0002": {"ECO-MIC-03"}, "D02:0003": {"ECO-MIC-03"}}


def test_majority_with_four_coders_splits_two_against_two(study: Project) -> None:
    d01 = study.load_document("D01")
    add_codes(study, "nils", d01, ["D01:0002"], ["ECO-MAC-01"])
    add_codes(study, "nils", d01, ["D01:0003"], ["ECO-MIC-02"])
    for doc in ("D01", "D02"):
        mark_done(study, "nils", doc)
    result = reconcile(study, [*CODERS3, "nils"], "consensus", "majority")
    assert consensus(study) == AGREED | {"D01:0002": {"GOV-MAC-01", "ECO-MAC-01"},  # 3 of 4
                                         "D02:0002": {"ORG-MIC-01"}}
    ties = {d.segment: d.tie for d in result.ties}
    assert ties == {"D01:0005": ("GOV-MES-01",), "D02:0003": ("ECO-MIC-03",)}  # 2 of 4


def test_rerun_changes_nothing(study: Project) -> None:
    reconcile(study, CODERS3, "consensus", "union")
    before = (study.codings_dir / "consensus.jsonl").read_bytes()
    again = reconcile(study, CODERS3, "consensus", "intersection")
    assert again.decisions == []
    assert (study.codings_dir / "consensus.jsonl").read_bytes() == before


def test_all_docs_takes_unfinished_documents(study: Project) -> None:
    result = reconcile(study, CODERS3, "consensus", "union", all_docs=True)
    assert result.documents == ["D01", "D02", "D03"]
    assert consensus(study)["D03:0002"] == {"ECO-MAC-01"}
    assert completed_documents(study, "consensus") == {"D01", "D02"}  # D03 not complete


def test_code_filter_decides_only_those_codes_and_a_later_run_keeps_them(
        study: Project) -> None:
    reconcile(study, CODERS3, "consensus", "union", codes=["ECO-MIC-03"])
    assert consensus(study) == {"D02:0002": {"ECO-MIC-03"}, "D02:0003": {"ECO-MIC-03"}}
    ledger = read_ledger(study, "consensus")
    assert {d.scope for d in ledger.decisions} == {("ECO-MIC-03",)}
    assert completed_documents(study, "consensus") == set()  # other codes are undecided
    reconcile(study, CODERS3, "consensus", "intersection")
    got = consensus(study)
    assert got["D02:0002"] == {"ORG-MIC-01", "ECO-MIC-03"}  # the union decision is kept
    assert got["D02:0003"] == {"ECO-MIC-03"}
    assert completed_documents(study, "consensus") == {"D01", "D02"}


def test_changed_codings_make_decisions_stale_and_the_next_run_decides_again(
        study: Project) -> None:
    reconcile(study, CODERS3, "consensus", "majority")
    d01 = study.load_document("D01")
    remove_codes(study, "maja", d01, ["D01:0005"], ["GOV-MES-01"])
    add_codes(study, "lars", d01, ["D01:0004"], ["ORG-MIC-01"])
    report = status(study, "consensus")
    assert [(s.segment, s.now["maja"]) for s in report.stale] == [("D01:0005", ())]
    assert report.stale[0].then["maja"] == ("GOV-MES-01",)
    assert [(p.segment, p.reason) for p in report.pending] == [("D01:0004", "new")]
    assert consensus(study)["D01:0005"] == {"GOV-MES-01"}  # nothing changed silently
    result = reconcile(study, CODERS3, "consensus", "majority")
    assert sorted(d.segment for d in result.decisions) == ["D01:0004", "D01:0005"]
    assert "D01:0005" not in consensus(study)  # now 1 of 3 each
    assert status(study, "consensus").clean


def test_reopened_document_is_reopened_for_the_consensus(study: Project) -> None:
    reconcile(study, CODERS3, "consensus", "union")
    mark_done(study, "lars", "D02", done=False)
    result = reconcile(study, CODERS3, "consensus", "union", all_docs=True)
    assert result.reopened == ["D02"]
    assert completed_documents(study, "consensus") == {"D01"}


def test_a_decision_saved_but_not_applied_is_applied_by_the_next_run(
        study: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import qcode.reconcile.run as rec

    def crash(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(rec, "append", crash)  # the consensus events
    with pytest.raises(KeyboardInterrupt):
        reconcile(study, CODERS3, "consensus", "union")
    monkeypatch.undo()
    assert status(study, "consensus").unapplied == 1  # the agreed decision
    result = reconcile(study, CODERS3, "consensus", "union")
    assert result.repaired == 1
    assert consensus(study) == EXPECTED["union"]
    assert status(study, "consensus").clean


def test_a_torn_last_line_is_reported_and_skipped(study: Project) -> None:
    reconcile(study, CODERS3, "consensus", "union")
    path = study.reconciliations_dir / "consensus.jsonl"
    with path.open("ab") as fh:
        fh.write(b'{"kind":"decision","id":"R9')
    ledger = read_ledger(study, "consensus")
    assert len(ledger.problems) == 1 and "torn" in ledger.problems[0]
    reconcile(study, CODERS3, "consensus", "union")  # appends on a fresh line
    lines = path.read_bytes().split(b"\n")
    assert json.loads(lines[-2])["kind"] == "run"


def test_refusals(study: Project) -> None:
    with pytest.raises(UsageError, match="at least two coders"):
        reconcile(study, ["ingrid"], "consensus", "union")
    with pytest.raises(UsageError, match="cannot also be one of the coders"):
        reconcile(study, ["ingrid", "lars"], "lars", "union")
    with pytest.raises(UsageError, match="unknown strategy 'vote'"):
        reconcile(study, ["ingrid", "lars"], "consensus", "vote")
    with pytest.raises(UsageError, match="'maja' is not one of the coders"):
        reconcile(study, ["ingrid", "lars"], "consensus", "prefer:maja")
    with pytest.raises(UsageError, match="interactive"):
        reconcile(study, ["ingrid", "lars"], "consensus", "ask")
    with pytest.raises(NotFoundError, match="no coder 'nobody'"):
        reconcile(study, ["ingrid", "nobody"], "consensus", "union")
    with pytest.raises(ConflictError, match="coder 'maja' already has codings"):
        reconcile(study, ["ingrid", "lars"], "maja", "union")
    reconcile(study, ["ingrid", "lars"], "consensus", "union")
    with pytest.raises(ConflictError, match="reconciles ingrid, lars, not ingrid, maja"):
        reconcile(study, ["ingrid", "maja"], "consensus", "union")


def test_commit_one_at_a_time_and_defer(study: Project) -> None:
    from qcode.reconcile.run import Choice

    run = Reconciliation(study, CODERS3, "consensus", "ask", by="ann")
    run.start()
    assert [p.unit.segment_id for p in run.queue] == ["D01:0002", "D01:0005", "D02:0002",
                                                      "D02:0003"]
    first = run.queue[0]
    d = run.commit(first, Choice("deferred", frozenset()), "ask the team")
    assert (d.outcome, d.rationale, d.by, d.strategy) == ("deferred", "ask the team", "ann",
                                                          "ask")
    run.commit(run.queue[1], Choice("manual", frozenset({"GOV-MAC-02"})))
    result = run.finish()
    assert (result.deferred, result.remaining) == (1, 3)
    assert completed_documents(study, "consensus") == set()
    again = Reconciliation(study, CODERS3, "consensus", "ask")
    assert [(p.unit.segment_id, p.reason) for p in again.queue] == [
        ("D01:0002", "deferred"), ("D02:0002", "new"), ("D02:0003", "new")]


def test_a_second_run_of_the_same_reconciliation_stops_at_once(study: Project) -> None:
    with Reconciliation(study, CODERS3, "consensus", "ask") as first:
        first.start()
        with pytest.raises(ConflictError, match="'consensus' is being run by another "
                                                "process; nothing was changed"):
            reconcile(study, CODERS3, "consensus", "union")
        reconcile(study, CODERS3, "other", "union")  # another reconciliation is free
    reconcile(study, CODERS3, "consensus", "union")  # released
    assert consensus(study) == EXPECTED["union"]

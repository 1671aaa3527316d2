"""The fast paths of reconciliation (issue 19) decide exactly what the rules say.

A seeded mid-sized study (8 documents x 40 segments, 4 coders) is reconciled by majority
and every decision is checked against a majority vote computed here from the coders' own
code sets; the consensus coder holds exactly the chosen codes. The second run, which
finds nothing to do, takes the short way (no pass over the live decisions, a decision
in force for every code compared directly with the coders' sets) and must still notice
a coder who changed their codes since (stale) or who coded only part of a segment.
The cycle collector is off during the heavy steps and on again after them.
"""

from __future__ import annotations

import gc
import random
from collections import Counter

import pytest

from qcode.coding import store
from qcode.coding.drafts import DoneDraft, EventDraft
from qcode.coding.store import CoderState, add_events, append_events, load_state
from qcode.project import Project
from qcode.reconcile import pair_diff
from qcode.reconcile import run as run_module
from qcode.reconcile import units as units_module
from qcode.reconcile.gc_pause import gc_paused
from qcode.reconcile.ledger import Decision, Ledger
from qcode.reconcile.run import reconcile
from qcode.reconcile.status import status
from tests.builders import numbered_doc

CODES = ["GOV-MAC-01", "ORG-MIC-01", "ECO-MES-01", "ECO-MAC-01", "GOV-MES-01"]
CODERS = ["ann", "bob", "cy", "dag"]


def _study(project: Project) -> dict[tuple[str, str], dict[str, frozenset[str]]]:
    """8 x 40 segments; about 40 % coded, each coder departing on about a fifth.
    Returns (doc, segment) -> coder -> codes."""
    rng = random.Random(19)
    truth: dict[tuple[str, str], dict[str, frozenset[str]]] = {}
    events: dict[str, list[EventDraft]] = {c: [] for c in CODERS}
    for d in range(8):
        doc = numbered_doc(f"M{d}", 40)
        project.save_document(doc)
        for seg in doc.segments:
            shared = set(rng.sample(CODES, rng.randint(1, 3))) if rng.random() < 0.4 else set()
            sets = {}
            for coder in CODERS:
                mine = set(shared)
                if rng.random() < 0.2:
                    if mine and rng.random() < 0.5:
                        mine.discard(rng.choice(sorted(mine)))
                    else:
                        mine.add(rng.choice(CODES))
                sets[coder] = frozenset(mine)
                if mine:
                    events[coder] += add_events(CoderState(coder=coder), doc, [seg.id],
                                                sorted(mine))
            truth[(doc.id, seg.id)] = sets
        for coder in CODERS:
            events[coder].append(DoneDraft(op="done", doc=doc.id))
    for coder in CODERS:
        append_events(project, coder, events[coder])
    return truth


def _majority(sets: dict[str, frozenset[str]]) -> tuple[set[str], set[str]]:
    votes = Counter(c for s in sets.values() for c in s)
    k = len(sets)
    return {c for c, n in votes.items() if 2 * n > k}, {c for c, n in votes.items()
                                                        if 2 * n == k}


def test_majority_decisions_and_consensus_follow_the_rule(project: Project) -> None:
    truth = _study(project)
    result = reconcile(project, CODERS, "consensus", "majority", by="qa")
    coded = {key for key, sets in truth.items() if any(sets.values())}
    assert {d.key for d in result.decided} == coded  # one decision per coded segment
    assert len(result.decided) == len(coded)
    for d in result.decided:
        sets = truth[d.key]
        chosen, tie = _majority(sets)
        assert d.coders == {c: tuple(sorted(s)) for c, s in sets.items()}
        assert d.outcome == ("agreed" if len(set(sets.values())) == 1 else "majority")
        assert set(d.chosen) == (set(sets["ann"]) if d.outcome == "agreed" else chosen)
        assert set(d.tie) == (set() if d.outcome == "agreed" else tie)
    state = load_state(project, "consensus")
    assert {k: set(v) for k, v in state.codes.items() if v} == \
        {key: _majority(sets)[0] for key, sets in truth.items() if _majority(sets)[0]}
    assert sorted(state.done) == [f"M{d}" for d in range(8)]
    assert status(project, "consensus").clean


def test_a_second_run_has_nothing_to_do_and_no_pass_over_live_decisions(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    _study(project)
    reconcile(project, CODERS, "consensus", "majority", by="qa")
    path = project.reconciliations_dir / "consensus.jsonl"
    before = path.read_bytes()
    consensus_log = (project.root / "codings" / "consensus.jsonl").read_bytes()

    def no_live(self: Ledger) -> list[Decision]:
        raise AssertionError("repair looked for live decisions with nothing to repair")

    monkeypatch.setattr(Ledger, "live", no_live)
    again = reconcile(project, CODERS, "consensus", "majority", by="qa")
    assert again.decisions == [] and again.remaining == 0 and again.repaired == 0
    after = path.read_bytes()
    assert after.startswith(before)
    assert [line for line in after[len(before):].splitlines() if line] == \
        [after[len(before):].strip()]  # only the record of the run itself
    assert b'"kind":"run"' in after[len(before):]
    assert (project.root / "codings" / "consensus.jsonl").read_bytes() == consensus_log


def test_the_short_way_still_sees_changed_codes_and_partial_spans(project: Project) -> None:
    truth = _study(project)
    reconcile(project, CODERS, "consensus", "majority", by="qa")
    changed, spanned = sorted(k for k, s in truth.items() if any(s.values()))[:2]
    doc = project.load_document(changed[0])
    store.add_codes(project, "bob", doc, [changed[1]], ["GOV-MAC-01", "ECO-MAC-01"])
    code = sorted(truth[spanned]["ann"] or {"GOV-MES-01"})[0]
    other = project.load_document(spanned[0])
    seg = other.segment(spanned[1])
    assert seg is not None
    store.remove_codes(project, "ann", other, [spanned[1]], [code])
    state = load_state(project, "ann")
    events = store.span_add_events(state, other, seg.start, seg.start + 4, [code])
    append_events(project, "ann", events)
    report = status(project, "consensus")
    stale = {(s.doc, s.segment) for s in report.stale}
    pending = {(p.doc, p.segment) for p in report.pending}
    assert {changed, spanned} <= stale | pending
    third = reconcile(project, CODERS, "consensus", "majority", by="qa")
    assert {d.key for d in third.decided} == {changed, spanned}
    assert status(project, "consensus").clean


def test_the_heavy_steps_run_with_the_cycle_collector_off(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    _study(project)
    seen: list[bool] = []
    real = units_module.iter_units

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        yield from real(*args, **kwargs)

    monkeypatch.setattr(run_module, "iter_units", watched)
    monkeypatch.setattr(units_module, "iter_units", watched)
    assert gc.isenabled()
    reconcile(project, CODERS, "consensus", "majority", by="qa")
    pair_diff.diff(project, "ann", "bob")
    assert seen and not any(seen)
    assert gc.isenabled()


def test_gc_paused_restores_the_collector_as_it_found_it() -> None:
    @gc_paused
    def inner() -> bool:
        return gc.isenabled()

    @gc_paused
    def outer() -> tuple[bool, bool]:
        return inner(), gc.isenabled()

    @gc_paused
    def fails() -> None:
        raise ValueError("boom")

    assert gc.isenabled()
    assert outer() == (False, False)
    assert gc.isenabled()
    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()
    gc.disable()
    try:
        assert inner() is False
        assert not gc.isenabled()  # left off, as the caller had it
    finally:
        gc.enable()
    assert gc.get_freeze_count() == 0  # nothing stays frozen

"""Strategy laws (Hypothesis), the majority rule against an independent count on random
codings, and an ask walk quit at every point that ends with the same consensus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.coding.store import add_codes, mark_done
from qcode.project import Project, init_project
from qcode.reconcile.ask import AskSession
from qcode.reconcile.run import Reconciliation, decide, reconcile
from tests.builders import CODERS3, build_study, consensus

CODES = ["A", "B", "C", "D"]
code_sets = st.lists(st.frozensets(st.sampled_from(CODES)), min_size=2, max_size=6)


def _named(sets: list[frozenset[str]]) -> dict[str, frozenset[str]]:
    return {f"c{i}": s for i, s in enumerate(sets)}


@given(code_sets)
def test_intersection_within_majority_within_union(sets: list[frozenset[str]]) -> None:
    named = _named(sets)
    union = decide("union", named).chosen
    inter = decide("intersection", named).chosen
    maj = decide("majority", named)
    assert inter <= maj.chosen <= union
    assert not (maj.tie & maj.chosen)
    counts = Counter(c for s in sets for c in s)
    assert maj.chosen == {c for c, n in counts.items() if 2 * n > len(sets)}
    assert maj.tie == {c for c, n in counts.items() if 2 * n == len(sets)}
    if len(sets) % 2:
        assert maj.tie == frozenset()


@given(code_sets, st.randoms())
def test_majority_does_not_depend_on_coder_order(sets: list[frozenset[str]], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(sets)
    rnd.shuffle(shuffled)
    assert decide("majority", _named(sets)) == decide("majority", _named(shuffled))


@given(code_sets, st.data())
def test_prefer_takes_that_coders_codes(sets: list[frozenset[str]], data) -> None:  # type: ignore[no-untyped-def]
    named = _named(sets)
    who = data.draw(st.sampled_from(sorted(named)))
    choice = decide("prefer", named, prefer=who)
    assert (choice.chosen, choice.accepted, choice.outcome) == (named[who], who, "accept")


REAL = ["GOV-MAC-01", "ECO-MAC-01", "ORG-MIC-01"]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.frozensets(st.sampled_from(REAL)), min_size=3, max_size=3),
                min_size=5, max_size=5))
def test_majority_on_a_project_matches_an_independent_count(
        tmp_path_factory: pytest.TempPathFactory, codings: list[list[frozenset[str]]]) -> None:
    project = init_project(tmp_path_factory.mktemp("p") / "study")
    docs = build_study(project)  # 5 segments in D01; the fixture's codings are replaced
    d01 = docs["D01"]
    coders = ["x", "y", "z"]
    for i, per_coder in enumerate(codings, start=1):
        for coder, codes in zip(coders, per_coder, strict=True):
            if codes:
                add_codes(project, coder, d01, [f"D01:{i:04d}"], sorted(codes))
    for coder in coders:
        mark_done(project, coder, "D01")
    reconcile(project, coders, "consensus", "majority", docs=["D01"])
    expected = {}
    for i, per_coder in enumerate(codings, start=1):
        votes = Counter(c for s in per_coder for c in s)
        kept = {c for c, n in votes.items() if n >= 2}
        if kept:
            expected[f"D01:{i:04d}"] = kept
    assert consensus(project) == expected


# One line pair (choice, rationale) per disagreement of the fixture, in queue order.
SCRIPT = [("2", "lars is right"), ("u", ""), ("p ORG-MIC-01", "registration is not it"),
          ("3", "")]


def _drive(project: Project, answers: list[tuple[str, str]], quit_after: int | None) -> None:
    run = Reconciliation(project, CODERS3, "consensus", "ask", by="ann")
    run.start()
    session = AskSession(list(run.queue), CODERS3, project.codebook)
    for done, (choice, why) in enumerate(answers):
        if quit_after is not None and done == quit_after:
            assert session.feed("q").quit
            break
        session.feed(choice)
        step = session.feed(why)
        run.commit(step.pending, step.choice, step.rationale)
    run.finish()


@pytest.mark.parametrize("quit_after", [0, 1, 2, 3])
def test_quitting_anywhere_and_resuming_gives_the_same_consensus(
        tmp_path: Path, quit_after: int) -> None:
    straight = init_project(tmp_path / "straight")
    build_study(straight)
    _drive(straight, SCRIPT, None)
    broken = init_project(tmp_path / "broken")
    build_study(broken)
    _drive(broken, SCRIPT, quit_after)
    _drive(broken, SCRIPT[quit_after:], None)
    assert consensus(broken) == consensus(straight) == {
        "D01:0002": {"GOV-MAC-01"}, "D01:0003": {"ECO-MIC-02"},
        "D01:0005": {"GOV-MAC-02", "GOV-MES-01"}, "D02:0002": {"ORG-MIC-01"},
        "D02:0003": {"ECO-MIC-03"}}

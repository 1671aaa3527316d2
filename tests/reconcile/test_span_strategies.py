"""Reconciliation strategies on spans: the consensus spans each strategy gives, on
hand-built cases (overlapping, nested, disjoint, across segments, ties with 2 and 4
coders), with the decision records holding each coder's spans and the outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding import store
from qcode.reconcile.ledger import read_ledger
from qcode.reconcile.positions import intersection, majority, merge, minus, tied, trim, union
from qcode.reconcile.run import reconcile
from qcode.reconcile.status import status
from qcode.reconcile.strategies import decide_spans
from tests.reconcile.span_builders import DOC, X, Y, consensus_spans, seg, span_study, words

TWO = ("a", "b")


def run(tmp_path: Path, marks, strategy: str):  # type: ignore[no-untyped-def]
    project = span_study(tmp_path / strategy.replace(":", "-"), marks)
    result = reconcile(project, list(marks), "consensus", strategy)
    return project, result


def spans_of(code: str, *pairs: tuple[int, int]) -> list[tuple[str, int, int]]:
    return [(code, s, e) for s, e in pairs]


# ----------------------------------------------------------------------------- cases

OVERLAP = {"a": [(X, words("beta", "delta"))], "b": [(X, words("gamma", "zeta"))]}
NESTED = {"a": [(X, words("beta", "eta"))], "b": [(X, words("delta", "epsilon"))]}
DISJOINT = {"a": [(X, words("alpha", "beta"))], "b": [(X, words("eta", "theta"))]}
# a: zeta .. kappa, b: eta .. lambda (both across segments 1 and 2)
ACROSS = {"a": [(X, words("zeta", "kappa"))], "b": [(X, words("eta", "lambda"))]}


@pytest.mark.parametrize(("name", "marks", "strategy", "expected"), [
    ("overlap", OVERLAP, "union", spans_of(X, words("beta", "zeta"))),
    ("overlap", OVERLAP, "intersection", spans_of(X, words("gamma", "delta"))),
    ("overlap", OVERLAP, "majority", spans_of(X, words("gamma", "delta"))),
    ("overlap", OVERLAP, "prefer:b", spans_of(X, words("gamma", "zeta"))),
    ("nested", NESTED, "union", spans_of(X, words("beta", "eta"))),
    ("nested", NESTED, "intersection", spans_of(X, words("delta", "epsilon"))),
    ("disjoint", DISJOINT, "union", spans_of(X, words("alpha", "beta"), words("eta", "theta"))),
    ("disjoint", DISJOINT, "intersection", []),
    ("disjoint", DISJOINT, "majority", []),
    # across segments: decided segment by segment; the consensus holds one span a segment
    ("across", ACROSS, "union", spans_of(X, (words("zeta", "zeta")[0], seg(1)[1]),
                                         (seg(2)[0], words("lambda", "lambda")[1]))),
    ("across", ACROSS, "intersection", spans_of(X, (words("eta", "eta")[0], seg(1)[1]),
                                                (seg(2)[0], words("kappa", "kappa")[1]))),
])
def test_strategy_gives_the_expected_consensus_spans(tmp_path: Path, name: str, marks,
                                                     strategy: str, expected) -> None:  # type: ignore[no-untyped-def]
    project, result = run(tmp_path, marks, strategy)
    assert sorted(consensus_spans(project)) == sorted(expected)
    assert result.remaining == 0
    # the consensus written is the decision: nothing stale, nothing waiting, no hand edit
    report = status(project, "consensus")
    assert report.clean, report


def test_two_coders_majority_flags_the_positions_only_one_marked(tmp_path: Path) -> None:
    project, result = run(tmp_path, OVERLAP, "majority")
    (d,) = read_ledger(project, "consensus").live()
    assert [x.id for x in result.ties] == [d.id]
    assert (d.outcome, d.chosen, d.tie) == ("majority", (X,), (X,))
    beta, zeta = words("beta", "delta"), words("gamma", "zeta")
    assert d.spans == {"a": {X: (beta,)}, "b": {X: (zeta,)}}
    assert d.chosen_spans == {X: (words("gamma", "delta"),)}
    # the tie: "beta " (a only) and " epsilon zeta" (b only), positions as marked
    assert d.tie_spans == {X: ((beta[0], zeta[0]), (beta[1], zeta[1]))}


def test_four_coders_majority_keeps_three_and_flags_two(tmp_path: Path) -> None:
    marks = {"a": [(X, words("alpha", "delta"))], "b": [(X, words("alpha", "beta"))],
             "c": [(X, words("alpha", "gamma"))], "d": [(X, words("gamma", "delta")),
                                                        (Y, words("iota", "iota"))]}
    project, _ = run(tmp_path, marks, "majority")
    # alpha beta: a, b, c (3 of 4); gamma: a, c, d; the gaps and delta: 2 of 4 (ties)
    assert consensus_spans(project) == spans_of(X, words("alpha", "beta"),
                                                words("gamma", "gamma"))
    decisions = {d.segment: d for d in read_ledger(project, "consensus").live()}
    first = decisions["S:0001"]
    assert first.tie == (X,)
    assert first.tie_spans == {X: ((words("beta", "beta")[1], words("gamma", "gamma")[0]),
                                   (words("gamma", "gamma")[1], words("delta", "delta")[1]))}
    # Y: one coder of four, on whole words of segment 2: left out, not a tie
    assert decisions["S:0002"].chosen == () and decisions["S:0002"].tie == ()


def test_whole_segment_and_part_of_it(tmp_path: Path) -> None:
    marks = {"a": [(X, seg(1))], "b": [(X, words("gamma", "delta"))]}
    project, _ = run(tmp_path, marks, "intersection")
    assert consensus_spans(project) == spans_of(X, words("gamma", "delta"))
    (d,) = read_ledger(project, "consensus").live()
    assert d.spans == {"a": {X: (seg(1),)}, "b": {X: (words("gamma", "delta"),)}}


def test_same_positions_are_agreed_without_a_strategy_deciding(tmp_path: Path) -> None:
    # the same words, coded as two touching spans by one coder and one span by the other
    marks = {"a": [(X, words("beta", "gamma")), (X, words("delta", "delta"))],
             "b": [(X, (words("beta", "beta")[0], words("delta", "delta")[1]))]}
    project = span_study(tmp_path / "p", marks)
    store.add_span(project, "a", DOC, words("gamma", "gamma")[1],
                   words("delta", "delta")[0] + 1, [X])  # the gap between gamma and delta
    result = reconcile(project, ["a", "b"], "consensus", "intersection")
    assert result.by_outcome == {"agreed": 1}
    assert consensus_spans(project) == spans_of(X, words("beta", "delta"))


def test_whole_segment_codings_write_no_span_fields(tmp_path: Path) -> None:
    project, _ = run(tmp_path, {"a": [(X, seg(1)), (Y, seg(2))], "b": [(X, seg(1))]},
                     "union")
    line = next(ln for ln in (project.reconciliations_dir / "consensus.jsonl").read_text()
                .splitlines() if '"segment":"S:0002"' in ln)
    assert '"spans"' not in line and '"chosen_spans"' not in line
    assert consensus_spans(project) == sorted([(X, *seg(1)), (Y, *seg(2))])


def test_a_coder_marking_other_words_makes_the_decision_stale(tmp_path: Path) -> None:
    project, _ = run(tmp_path, OVERLAP, "union")
    assert status(project, "consensus").clean
    store.remove_span(project, "b", DOC, *words("gamma", "zeta"))
    store.add_span(project, "b", DOC, *words("gamma", "eta"), [X])
    report = status(project, "consensus")
    assert [s.segment for s in report.stale] == ["S:0001"]
    again = reconcile(project, ["a", "b"], "consensus", "union")
    assert again.by_outcome == {"union": 1}
    assert consensus_spans(project) == spans_of(X, words("beta", "eta"))
    assert status(project, "consensus").clean


def test_old_decisions_without_spans_read_as_whole_segments(tmp_path: Path) -> None:
    project, _ = run(tmp_path, {"a": [(X, seg(1))], "b": [(X, seg(1)), (Y, seg(1))]},
                     "intersection")
    ledger = read_ledger(project, "consensus")
    (d,) = ledger.live()
    assert d.spans is None and d.chosen_spans is None
    assert d.coder_coverage("b", Y, seg(1)) == (seg(1),)
    assert d.chosen_coverage(X, seg(1)) == (seg(1),) and d.chosen_coverage(Y, seg(1)) == ()
    assert status(project, "consensus").clean


# ----------------------------------------------------------------------------- pure


def test_position_functions() -> None:
    assert union([((0, 5), (8, 9)), ((3, 6),)]) == ((0, 6), (8, 9))
    assert intersection([((0, 5), (8, 9)), ((3, 9),)]) == ((3, 5), (8, 9))
    assert majority([((0, 4),), ((2, 6),), ((3, 8),), ((20, 21),)], 4) == ((3, 4),)
    assert tied([((0, 4),), ((2, 6),)], 2) == ((0, 2), (4, 6))
    assert tied([((0, 4),), ((2, 6),)], 4) == ((2, 4),)
    assert merge([(3, 4), (0, 3)]) == ((0, 4),)
    assert minus(((0, 10),), ((0, 10),)) == ()
    assert trim(((0, 1),), " x") == ()


def test_decide_spans_prefer_and_union_of_codes() -> None:
    cov = {"a": {"X": ((0, 4),), "Y": ((5, 9),)}, "b": {"X": ((2, 6),)}}
    pref = decide_spans("prefer", cov, "b")
    assert (pref.outcome, pref.accepted, pref.chosen, pref.spans) == (
        "accept", "b", frozenset({"X"}), {"X": ((2, 6),)})
    both = decide_spans("union", cov)
    assert both.spans == {"X": ((0, 6),), "Y": ((5, 9),)}
    assert decide_spans("intersection", cov).spans == {"X": ((2, 4),)}


def test_white_space_at_the_ends_of_a_span_is_not_a_disagreement(tmp_path: Path) -> None:
    s, e = words("beta", "gamma")
    project = span_study(tmp_path / "p", {"a": [(X, (s - 1, e + 1))], "b": [(X, (s, e))]})
    result = reconcile(project, ["a", "b"], "consensus", "intersection")
    assert result.by_outcome == {"agreed": 1}
    assert consensus_spans(project) == spans_of(X, (s, e))


def test_status_names_a_consensus_span_moved_by_hand(tmp_path: Path, invoke) -> None:  # type: ignore[no-untyped-def]
    project, _ = run(tmp_path, OVERLAP, "union")
    store.remove_span(project, "consensus", DOC, *words("beta", "zeta"))
    store.add_span(project, "consensus", DOC, *words("beta", "gamma"), [X])
    (edit,) = status(project, "consensus").consensus_edits
    assert (edit.segment, edit.code, edit.in_decision, edit.in_consensus, edit.other_words) \
        == ("S:0001", X, True, True, True)
    shown = invoke("--project", str(project.root), "reconcile", "--status", "consensus")
    assert f"  S:0001 {X}: on other words (decision R00002)" in shown.stdout

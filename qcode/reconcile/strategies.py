"""Reconciliation strategies: how one segment's code sets become the consensus.

See :mod:`qcode.reconcile.run` for the rules (majority's tie rule included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qcode.errors import UsageError
from qcode.reconcile.positions import Spans, intersection, majority, tied, union
from qcode.reconcile.units import Unit

STRATEGIES = ("ask", "union", "intersection", "majority", "prefer:CODER")

# ----------------------------------------------------------------------------- strategies


@dataclass(frozen=True)
class Choice:
    """What to put in the consensus for one segment, and how it was arrived at."""

    outcome: str
    chosen: frozenset[str]
    accepted: str | None = None
    tie: frozenset[str] = frozenset()
    #: chosen code -> its consensus positions (None: each chosen code on the whole segment)
    spans: Mapping[str, Spans] | None = None
    #: majority on positions: code -> the positions exactly half of the coders marked
    tie_spans: Mapping[str, Spans] | None = None


def parse_strategy(text: str, coders: list[str]) -> tuple[str, str | None]:
    """``"prefer:lars"`` -> ``("prefer", "lars")``; refuses unknown strategies and coders."""
    name, _, arg = text.partition(":")
    name = name.strip().lower()
    if name == "prefer":
        match = [c for c in coders if c.casefold() == arg.strip().casefold()]
        if not match:
            raise UsageError(f"--strategy {text}: '{arg}' is not one of the coders "
                             f"{', '.join(coders)}",
                             hint=f"use e.g. --strategy prefer:{coders[0]}")
        return "prefer", match[0]
    if name not in STRATEGIES or arg:
        raise UsageError(f"unknown strategy '{text}'",
                         hint=f"choose one of: {', '.join(STRATEGIES)}")
    return name, None


def decide(strategy: str, sets: Mapping[str, frozenset[str]],
           prefer: str | None = None) -> Choice:
    """Apply a non-interactive strategy to one segment's code sets (coder -> codes).

    >>> sets = {"a": frozenset({"X", "Y"}), "b": frozenset({"X"}), "c": frozenset({"Y"})}
    >>> sorted(decide("majority", sets).chosen)
    ['X', 'Y']
    >>> decide("majority", {"a": frozenset({"X"}), "b": frozenset()}).tie
    frozenset({'X'})
    """
    values = list(sets.values())
    if strategy == "union":
        return Choice("union", frozenset().union(*values))
    if strategy == "intersection":
        return Choice("intersection", frozenset.intersection(*values))
    if strategy == "majority":
        votes: dict[str, int] = {}  # as a Counter, without its cost per segment
        for v in values:
            for c in v:
                votes[c] = votes.get(c, 0) + 1
        k = len(values)
        return Choice("majority", frozenset(c for c, n in votes.items() if 2 * n > k),
                      tie=frozenset(c for c, n in votes.items() if 2 * n == k))
    if strategy == "prefer" and prefer is not None:
        return Choice("accept", sets[prefer], accepted=prefer)
    raise UsageError(f"strategy '{strategy}' cannot decide on its own",
                     hint="use union, intersection, majority or prefer:CODER")


def decide_spans(strategy: str, coverage: Mapping[str, Mapping[str, Spans]],
                 prefer: str | None = None) -> Choice:
    """Apply a non-interactive strategy to one segment position by position
    (:mod:`qcode.reconcile.positions`). ``coverage``: coder -> code -> the positions the
    coder marked with it. A code is chosen when some position of it is kept.

    >>> cov = {"a": {"X": ((0, 10),)}, "b": {"X": ((5, 20),)}}
    >>> decide_spans("intersection", cov).spans
    {'X': ((5, 10),)}
    >>> vote = decide_spans("majority", cov)
    >>> vote.spans, vote.tie_spans
    ({'X': ((5, 10),)}, {'X': ((0, 5), (10, 20))})
    """
    k = len(coverage)
    codes = sorted(set().union(*coverage.values()))
    given = {c: [cov[c] for cov in coverage.values() if cov.get(c)] for c in codes}
    ties: dict[str, Spans] = {}
    if strategy == "union":
        spans = {c: union(v) for c, v in given.items()}
    elif strategy == "intersection":
        spans = {c: intersection(v) if len(v) == k else () for c, v in given.items()}
    elif strategy == "majority":
        spans = {c: majority(v, k) for c, v in given.items()}
        ties = {c: t for c, v in given.items() if (t := tied(v, k))}
    elif strategy == "prefer" and prefer is not None:
        spans = dict(coverage[prefer])
    else:
        raise UsageError(f"strategy '{strategy}' cannot decide on its own",
                         hint="use union, intersection, majority or prefer:CODER")
    kept = {c: sp for c, sp in spans.items() if sp}
    outcome = "accept" if strategy == "prefer" else strategy
    return Choice(outcome, frozenset(kept), accepted=prefer if strategy == "prefer" else None,
                  tie=frozenset(ties), spans=kept, tie_spans=ties or None)


def decide_unit(strategy: str, unit: Unit, prefer: str | None = None) -> Choice:
    """:func:`decide` on a segment's code sets, or :func:`decide_spans` on its positions
    where a coder marked less than the whole segment."""
    if unit.spans is None:
        return decide(strategy, unit.sets, prefer)
    return decide_spans(strategy, unit.coverages(), prefer)


def agreed_choice(unit: Unit) -> Choice:
    """Every coder gave the same codes on the same positions: the first coder's."""
    first = next(iter(unit.sets))
    return Choice("agreed", unit.sets[first],
                  spans=unit.coverages()[first] if unit.spans is not None else None)


__all__ = ["STRATEGIES", "Choice", "agreed_choice", "decide", "decide_spans", "decide_unit",
           "parse_strategy"]

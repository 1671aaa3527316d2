"""Reconciliation strategies: how one segment's code sets become the consensus.

See :mod:`qcode.reconcile.run` for the rules (majority's tie rule included).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from qcode.errors import UsageError

STRATEGIES = ("ask", "union", "intersection", "majority", "prefer:CODER")

# ----------------------------------------------------------------------------- strategies


@dataclass(frozen=True)
class Choice:
    """What to put in the consensus for one segment, and how it was arrived at."""

    outcome: str
    chosen: frozenset[str]
    accepted: str | None = None
    tie: frozenset[str] = frozenset()


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
        votes = Counter(c for v in values for c in v)
        k = len(values)
        return Choice("majority", frozenset(c for c, n in votes.items() if 2 * n > k),
                      tie=frozenset(c for c, n in votes.items() if 2 * n == k))
    if strategy == "prefer" and prefer is not None:
        return Choice("accept", sets[prefer], accepted=prefer)
    raise UsageError(f"strategy '{strategy}' cannot decide on its own",
                     hint="use union, intersection, majority or prefer:CODER")


__all__ = ["STRATEGIES", "Choice", "decide", "parse_strategy"]

"""What a segment of a reconciliation waits for (:class:`Pending`), judged against the
decision log (:func:`assess`): nothing, a first decision, a decision again (stale), or the
one a person deferred. See :mod:`qcode.reconcile.run` for the rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from qcode.reconcile.ledger import Decision, Ledger
from qcode.reconcile.positions import Spans, trim
from qcode.reconcile.strategies import Choice
from qcode.reconcile.units import Unit, unit_differs


@dataclass
class Pending:
    """A segment waiting for a decision: new, stale (its decision no longer matches the
    coders' codes) or deferred."""

    unit: Unit
    reason: Literal["new", "stale", "deferred"]
    stale: tuple[Decision, ...] = ()
    #: codes already decided by a decision that is still valid (e.g. one made with
    #: ``--code``): code -> whether it is in the consensus. A new decision keeps them so.
    settled: Mapping[str, bool] = field(default_factory=dict)
    #: the consensus positions of settled codes decided on positions
    settled_spans: Mapping[str, Spans] = field(default_factory=dict)

    def final(self, chosen: frozenset[str]) -> frozenset[str]:
        """The codes to record: ``chosen``, with the settled codes kept as decided."""
        if not self.settled:  # the usual case
            return chosen
        return frozenset((chosen - set(self.settled)) |
                         {c for c, kept in self.settled.items() if kept})

    def final_spans(self, choice: Choice) -> dict[str, Spans] | None:
        """The consensus positions of each final code (white space trimmed, a code left
        without words left out); None when every one covers the whole segment."""
        if choice.spans is None and not self.settled_spans:
            return None  # whole segments (the usual case)
        whole, text = (self.unit.bounds,), self.unit.doc.text
        out = {c: self.settled_spans.get(c, whole) if c in self.settled else
               (choice.spans or {}).get(c, whole) for c in self.final(choice.chosen)}
        return None if all(v == whole for v in out.values()) else \
            {c: t for c, v in out.items() if (t := v if v == whole else trim(v, text))}

    @property
    def agreed(self) -> bool:
        return not unit_differs(self.unit)


def assess(unit: Unit, ledger: Ledger, codes: frozenset[str] | None) -> Pending | None:
    """None when the segment needs nothing; else why it waits for a decision."""
    key = unit.key
    decs = ledger.by_unit.get(key)
    if not decs:  # the usual case: nothing decided here yet
        if not any(unit.sets.values()):
            return None
        return Pending(unit, "deferred" if ledger.deferred_open(key) else "new")
    last = decs[-1]  # in force for every code when it covers them all
    if codes is None and last.scope is None and unit.spans is None and last.spans is None:
        had = last.coders
        for c, s in unit.sets.items():
            if frozenset(had.get(c, ())) != s:
                break
        else:  # the usual case: decided on exactly the codes the coders give now
            return None
    candidates: set[str] = set().union(*unit.sets.values())
    for d in decs:
        candidates.update(d.chosen)
        for v in d.coders.values():
            candidates.update(v)
    if codes is not None:
        candidates &= codes
    unsettled = False
    stale: dict[str, Decision] = {}
    for code in candidates:
        effective = ledger.effective(key, code)
        if effective is None:
            unsettled = unsettled or any(code in s for s in unit.sets.values())
        elif any((code in effective.coders.get(c, ())) != (code in s)
                 for c, s in unit.sets.items()) or (
                (unit.spans is not None or effective.spans is not None) and any(
                    effective.coder_coverage(c, code, unit.bounds) != unit.coverage(c, code)
                    for c in unit.sets)):  # a coder marked other words since
            stale[effective.id] = effective
    if not stale and not unsettled:
        return None
    settled, settled_spans = {}, {}
    for code in candidates:
        effective = ledger.effective(key, code)
        if effective is not None and effective.id not in stale:
            settled[code] = code in effective.chosen
            if settled[code]:
                settled_spans[code] = effective.chosen_coverage(code, unit.bounds)
    reason: Literal["new", "stale", "deferred"] = \
        "stale" if stale else "deferred" if ledger.deferred_open(key) else "new"
    return Pending(unit, reason, tuple(sorted(stale.values(), key=lambda d: d.seq)), settled,
                   settled_spans)

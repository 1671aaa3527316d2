"""What one reconciliation run did (:class:`ReconcileResult`, made by
:class:`qcode.reconcile.run.Reconciliation`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from qcode.reconcile.ledger import OUTCOMES, Decision
from qcode.reconcile.units import Scope, SkippedDocument


class ReconcileResult:
    """What one run did. ``as_dict()`` is the JSON of ``qcode reconcile --format json``."""

    def __init__(self, name: str, coders: list[str], scope: Scope, problems: list[str],
                 strategy: str, by: str | None) -> None:
        self.name = name
        self.coders = coders
        self.strategy = strategy
        self.by = by
        self.documents: list[str] = list(scope.docs)
        self.skipped: list[SkippedDocument] = list(scope.skipped)
        self.warnings: list[str] = list(scope.warnings) + list(problems)
        self.decisions: list[Decision] = []
        self.repaired = 0
        self.remaining = 0
        self.deferred = 0
        self.done: list[str] = []
        self.reopened: list[str] = []

    @property
    def decided(self) -> list[Decision]:
        """The decisions of this run, deferrals left out."""
        return [d for d in self.decisions if d.outcome != "deferred"]

    @property
    def by_outcome(self) -> dict[str, int]:
        counts: Counter[str] = Counter(d.outcome for d in self.decided)
        return {o: counts[o] for o in OUTCOMES if counts[o]}

    @property
    def ties(self) -> list[Decision]:
        return [d for d in self.decisions if d.tie]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "coders": self.coders, "strategy": self.strategy,
                "by": self.by, "documents": self.documents,
                "skipped_documents": [s.model_dump() for s in self.skipped],
                "decisions": len(self.decided), "by_outcome": self.by_outcome,
                "ties": [d.id for d in self.ties], "deferred": self.deferred,
                "remaining": self.remaining, "repaired": self.repaired,
                "documents_done": self.done, "documents_reopened": self.reopened,
                "warnings": self.warnings}

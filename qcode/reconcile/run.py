"""Reconcile several coders into one consensus coder, with a record of every decision.

A reconciliation has a name, which is also the name of its **consensus coder**: decisions
go to ``reconciliations/<name>.jsonl`` (see :mod:`qcode.reconcile.ledger`) and their result to
``codings/<name>.jsonl`` (origin ``reconciled``, each event pointing to its decision), so
every other command (agree, matrix, report, export) uses the consensus like any coder.

The unit is a segment. Segments where every coder gave the same codes go to the consensus
automatically (outcome ``agreed``; segments nobody coded are left out of the record).
The others are decided by a strategy:

``union``         every code any coder gave;
``intersection``  only the codes every coder gave;
``majority``      a code is kept when **more than half** of the coders gave it. When exactly
                  half gave it (an even split, e.g. one of two coders) it is left out, and
                  the decision lists it under ``tie`` so reviewers can find it
                  (``qcode reconcile --summary`` counts ties). With two coders every
                  disagreement is a tie, so majority equals intersection plus tie flags;
``prefer:A``      coder A's codes;
``ask``           a person decides each segment (:mod:`qcode.reconcile.ask`).

Spans: where a coder marked less than a whole segment, segments agree only when the coders
marked the same positions, and the strategies work position by position within the segment
(:mod:`qcode.reconcile.positions`; a span across segments is decided segment by segment).
A decision is **stale** once a coder's codes or positions on its segment (within its
codes) differ from those recorded with it. Stale decisions and new disagreements are shown by
:func:`status`; the next run decides them again (nothing changes silently). A document is
marked done for the consensus coder when every coder has completed it and none of its
segments waits for a decision.

Library use: ``reconcile(project, ["ingrid", "lars"], "consensus", "majority").by_outcome``
gives e.g. ``{"agreed": 41, "majority": 9}``.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Collection, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from qcode.coding.drafts import DoneDraft, EventDraft
from qcode.coding.store import (
    CoderState,
    append,
    append_events,
    coder_names,
    load_state_or_empty,
    log_path,
)
from qcode.errors import ConflictError, UsageError
from qcode.project import Project
from qcode.reconcile import ledger as log
from qcode.reconcile.assess import Pending, assess
from qcode.reconcile.consensus_write import Written, decision_events
from qcode.reconcile.gc_pause import gc_paused
from qcode.reconcile.ledger import Decision, Ledger
from qcode.reconcile.result import ReconcileResult
from qcode.reconcile.segment_codings import of_state
from qcode.reconcile.strategies import (  # noqa: F401
    STRATEGIES,
    Choice,
    agreed_choice,
    decide,
    decide_unit,
    parse_strategy,
)
from qcode.reconcile.units import (
    Scope,
    Unit,
    UnitDoc,
    document_scope,
    iter_units,
    load_codings,
    resolve_codes,
)

# ----------------------------------------------------------------------------- planning


@dataclass
class Plan:
    """What a reconciliation has left to do over its scope."""

    name: str
    coders: list[str]
    codes: frozenset[str] | None
    scope: Scope
    ledger: Ledger
    states: list[CoderState]
    agreed: list[Pending] = field(default_factory=list)
    disagreements: list[Pending] = field(default_factory=list)
    settled: int = 0
    units: list[Unit] = field(default_factory=list, repr=False)
    documents: dict[str, UnitDoc] = field(default_factory=dict, repr=False)
    #: the documents the consensus coder has completed, as read by the last decisions
    #: applied in this run (under the run lock nothing else marks them), so finishing the
    #: run does not fold the consensus log once more
    consensus_done: frozenset[str] | None = field(default=None, repr=False)
    #: the consensus coder's state as this run's last decisions left it
    written: Written | None = field(default=None, repr=False)

    def reassess(self, keys: Collection[tuple[str, str]] | None = None) -> None:
        """Sort the units again against the ledger as it is now (after decisions).
        ``keys``: the segments decided since the last sort; the others keep where they
        stood (a segment's standing depends on its own decisions alone)."""
        before = {} if keys is None else {p.unit.key: p for p in self.agreed + self.disagreements}
        self.agreed, self.disagreements, self.settled = [], [], 0
        for unit in self.units:
            pending = assess(unit, self.ledger, self.codes) \
                if keys is None or unit.key in keys else before.get(unit.key)
            if pending is None:
                self.settled += 1
            elif pending.agreed:
                self.agreed.append(pending)
            else:
                self.disagreements.append(pending)


def _check_names(project: Project, coders: list[str], name: str, ledger: Ledger | None) -> None:
    """Refuse bad names; without a ledger only the checks that need none."""
    if len(coders) < 2:
        raise UsageError("reconciliation needs at least two coders",
                         hint="give them as --coder A,B[,C...]")
    if name.casefold() in (c.casefold() for c in coders):
        other = "consensus" if "consensus" not in {c.casefold() for c in coders} else \
            f"{name[:20]}-merged"
        raise UsageError(f"the consensus coder '{name}' cannot also be one of the coders",
                         hint=f"choose another name with --as, e.g. --as {other}")
    if ledger is None:
        return
    if ledger.coders is not None and set(ledger.coders) != set(coders):
        raise ConflictError(f"reconciliation '{name}' reconciles {', '.join(ledger.coders)}, "
                            f"not {', '.join(coders)}",
                            hint=f"use --coder {','.join(ledger.coders)}, or another --as")
    if ledger.coders is None and any(c.casefold() == name.casefold()
                                     for c in coder_names(project)):
        raise ConflictError(f"coder '{name}' already has codings and is not a "
                            "reconciliation; nothing was changed",
                            hint="choose another name with --as")


@gc_paused
def make_plan(project: Project, coders: list[str], name: str, docs: list[str] | None = None,
              codes: list[str] | None = None, all_docs: bool = False,
              include_decided_docs: bool = False,
              documents: dict[str, UnitDoc] | None = None,
              ledger: Ledger | None = None,
              states: list[CoderState] | None = None) -> Plan:
    """Read everything and sort the segments in scope into agreed / disagreements
    (``states``: the coders' usable states, when the caller has loaded them; else their
    codings are read as units compare them, :func:`~qcode.reconcile.units.load_codings`)."""
    ledger = ledger if ledger is not None else log.read_ledger(project, name)
    _check_names(project, coders, name, ledger)
    codings = [of_state(s) for s in states] if states is not None else \
        load_codings(project, coders)
    code_filter = resolve_codes(project.codebook, codes)
    scope = document_scope(project, codings, docs, all_docs)
    if include_decided_docs and not docs:
        extra = {d for d, _ in ledger.by_unit} - set(scope.docs)
        scope.docs = sorted(set(scope.docs) | {d for d in extra if project.has_document(d)})
        scope.skipped = [s for s in scope.skipped if s.doc not in extra]
    # the states say what was left out (omissions), what each coder completed, their memos
    plan = Plan(name=name, coders=list(coders), codes=code_filter, scope=scope, ledger=ledger,
                states=[c.source for c in codings],
                documents=documents if documents is not None else {})
    plan.units = list(iter_units(project, codings, scope.docs, code_filter, plan.documents))
    plan.reassess()
    return plan


# ----------------------------------------------------------------------------- recording


def default_person() -> str | None:
    """Who is deciding: ``$USER`` (``$USERNAME`` on Windows), else the login name of the
    process (``getpass.getuser``: ``$LOGNAME``, then the password database), so a
    decision made where ``$USER`` is unset (cron, a container, ``env -i``) still says by
    whom; None only when the system cannot tell."""
    named = os.environ.get("USER") or os.environ.get("USERNAME")
    if named:
        return named
    try:
        return getpass.getuser() or None
    except (OSError, KeyError, ImportError):  # no such uid in /etc/passwd, or no pwd
        return None


def _draft(plan: Plan, pending: Pending, choice: Choice, strategy: str, by: str | None,
           rationale: str | None) -> dict[str, Any]:
    unit, deferred = pending.unit, choice.outcome == "deferred"
    spans = None if deferred else pending.final_spans(choice)
    chosen = [] if deferred else sorted(c for c in pending.final(choice.chosen)
                                        if spans is None or c in spans)
    return {"kind": "decision", "doc": unit.doc.id, "segment": unit.segment_id,
            "scope": sorted(plan.codes) if plan.codes is not None else None,
            "coders": {c: sorted(pending.unit.sets[c]) for c in plan.coders},
            "outcome": choice.outcome,
            "chosen": chosen,
            "accepted": choice.accepted, "tie": sorted(choice.tie), "strategy": strategy,
            "by": by, "rationale": rationale or None,
            "spans": unit.coverages() if unit.spans is not None else None,
            "chosen_spans": dict(sorted(spans.items())) if spans else None,
            "tie_spans": dict(sorted(choice.tie_spans.items())) if choice.tie_spans else None}


def consensus_state(project: Project, name: str) -> CoderState:
    """The consensus coder's current state (empty before its first decision)."""
    return load_state_or_empty(project, name)


def _apply(project: Project, name: str, decided: Iterable[Decision], ledger: Ledger,
           documents: dict[str, UnitDoc] | None = None,
           written: Written | None = None) -> Written | None:
    """Write decisions into the consensus coder's log, then mark them applied; return the
    consensus coder's state, brought up to date (None when there was nothing to apply),
    for the next call (``written``: used while the log is as that call left it)."""
    documents = documents if documents is not None else {}
    decided = [d for d in decided if d.outcome != "deferred"]
    if not decided:
        return None
    state = written.current(log_path(project, name)) if written is not None else None
    state = state if state is not None else consensus_state(project, name)
    bounds: dict[str, dict[str, tuple[int, int]]] = {}  # doc -> segment -> (start, end)
    texts: dict[str, str] = {}
    events: list[EventDraft] = []
    for d in decided:
        if not d.chosen and d.key not in state.spans:
            continue  # nothing to take off, nothing to put on
        if d.doc not in texts:
            known = documents.get(d.doc)
            if known is not None:
                texts[d.doc], bounds[d.doc] = known.text, known.bounds()
            else:  # repairing an interrupted run: the document's file
                doc = project.load_document(d.doc)
                texts[d.doc] = doc.text
                bounds[d.doc] = {s.id: (s.start, s.end) for s in doc.segments}
        events += decision_events(state, texts[d.doc], bounds[d.doc][d.segment], d)
    after = append(project, name, events).after
    for rec in log.append(project, name, [{"kind": "applied",
                                           "ids": [d.id for d in decided]}]):
        ledger.add(rec)
    return Written(state, after)


@gc_paused
def repair(project: Project, ledger: Ledger) -> int:
    """Apply decisions saved without their ``applied`` mark (an interrupted run)."""
    todo = [d for d in ledger.decisions
            if d.outcome != "deferred" and d.id not in ledger.applied]
    if not todo:  # the usual case: the last run finished
        return 0
    live = {d.id for d in ledger.live()}
    _apply(project, ledger.name, [d for d in todo if d.id in live], ledger)
    superseded = [d.id for d in todo if d.id not in live]
    if superseded:  # nothing to write for them: a later decision is in force
        for rec in log.append(project, ledger.name, [{"kind": "applied", "ids": superseded}]):
            ledger.add(rec)
    return len(todo)


@gc_paused
def record(project: Project, plan: Plan, items: list[tuple[Pending, Choice]], strategy: str,
           by: str | None, rationale: str | None = None) -> list[Decision]:
    """Save decisions (one locked, fsynced append), then apply them to the consensus coder."""
    saved = log.append(project, plan.name, [_draft(plan, p, c, strategy, by, rationale)
                                            for p, c in items])
    decs = [d for d in saved if isinstance(d, Decision)]
    for d in decs:
        plan.ledger.add(d)
    written = _apply(project, plan.name, decs, plan.ledger, plan.documents, plan.written)
    if written is not None:
        plan.written = written
        plan.consensus_done = frozenset(written.state.done)
    return decs


@gc_paused
def refresh_done(project: Project, plan: Plan, changed: bool = True,
                 decided: Collection[tuple[str, str]] | None = None
                 ) -> tuple[list[str], list[str]]:
    """Mark documents done for the consensus coder when every coder completed them and
    nothing in them waits for a decision; reopen those where something waits again
    (``decided``: the segments decided since the plan was made, when known)."""
    if plan.codes is None:
        if changed:
            plan.reassess(decided)
        full = plan
    else:
        full = make_plan(project, plan.coders, plan.name, plan.scope.docs, None,
                         documents=plan.documents)
    waiting = {p.unit.doc.id for p in full.agreed + full.disagreements}
    marked = plan.consensus_done
    if marked is None:
        marked = frozenset(consensus_state(project, plan.name).done)
    done, reopened = [], []
    for doc in plan.scope.docs:
        complete = all(doc in s.done for s in full.states) and doc not in waiting
        if complete and doc not in marked:
            done.append(doc)
        elif not complete and doc in marked:
            reopened.append(doc)
    marks: list[EventDraft] = [DoneDraft(op="done", doc=d) for d in done]
    marks += [DoneDraft(op="reopen", doc=d) for d in reopened]
    append_events(project, plan.name, marks)
    return done, reopened


# ----------------------------------------------------------------------------- runs


class Reconciliation:
    """One run: the automatic part on start, then decisions one by one or all at once.

    The interactive ``ask`` walk uses :meth:`commit` for each decision and :meth:`finish`
    at the end (also when interrupted): every committed decision is already on disk.
    A run holds the reconciliation's run lock from creation to :meth:`finish` (or
    :meth:`close`), so a second run of the same reconciliation stops with a clear error.
    """

    def __init__(self, project: Project, coders: list[str], name: str, strategy: str,
                 docs: list[str] | None = None, codes: list[str] | None = None,
                 by: str | None = None, all_docs: bool = False) -> None:
        self.project = project
        self.kind, self.prefer = parse_strategy(strategy, list(coders))
        self.strategy = f"prefer:{self.prefer}" if self.prefer else self.kind
        self.by = by if by is not None else default_person()
        _check_names(project, list(coders), name, None)  # before the lock file is made
        self._lock = ExitStack()
        self._lock.enter_context(log.run_lock(project, name))
        try:
            self.plan = make_plan(project, list(coders), name, docs, codes, all_docs)
        except BaseException:
            self.close()
            raise
        self.result = ReconcileResult(self.plan.name, self.plan.coders, self.plan.scope,
                                      self.plan.ledger.problems, self.strategy, self.by)
        self.queue: list[Pending] = list(self.plan.disagreements)

    def close(self) -> None:
        """Release the run lock (``finish`` does it too)."""
        self._lock.close()

    def __enter__(self) -> Reconciliation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @gc_paused
    def start(self) -> ReconcileResult:
        """Record the run, repair an interrupted one, and decide the agreed segments."""
        plan = self.plan
        log.append(self.project, plan.name, [{
            "kind": "run", "coders": plan.coders, "strategy": self.strategy, "by": self.by,
            "docs": plan.scope.docs,
            "codes": sorted(plan.codes) if plan.codes is not None else None}])
        self.result.repaired = repair(self.project, plan.ledger)
        agreed = [(p, agreed_choice(p.unit)) for p in plan.agreed]
        self.result.decisions += record(self.project, plan, agreed, self.strategy, self.by)
        return self.result

    @gc_paused
    def decide_all(self, rationale: str | None = None) -> ReconcileResult:
        """Decide every disagreement with the (non-interactive) strategy."""
        items = [(p, decide_unit(self.kind, p.unit, self.prefer)) for p in self.queue]
        self.result.decisions += record(self.project, self.plan, items, self.strategy,
                                        self.by, rationale)
        self.queue = []
        return self.finish()

    def commit(self, pending: Pending, choice: Choice, rationale: str | None = None) -> Decision:
        """Save one decision made by a person (outcome ``deferred`` keeps it pending)."""
        dec = record(self.project, self.plan, [(pending, choice)], self.strategy, self.by,
                     rationale)[0]
        self.result.decisions.append(dec)
        if choice.outcome != "deferred":
            self.queue = [p for p in self.queue if p.unit.key != pending.unit.key]
        return dec

    def finish(self) -> ReconcileResult:
        """Update the consensus coder's done marks; count what is left."""
        decided = {d.key for d in self.result.decisions if d.outcome != "deferred"}
        self.result.deferred = sum(1 for d in self.result.decisions if d.outcome == "deferred"
                                   and d.key not in decided)
        self.result.remaining = sum(1 for p in self.plan.disagreements
                                    if p.unit.key not in decided)
        try:
            self.result.done, self.result.reopened = refresh_done(
                self.project, self.plan, changed=bool(self.result.decisions),
                decided={d.key for d in self.result.decisions})
        finally:
            self.close()
        return self.result


def reconcile(project: Project, coders: list[str], as_name: str, strategy: str,
              docs: list[str] | None = None, codes: list[str] | None = None,
              by: str | None = None, all_docs: bool = False,
              rationale: str | None = None) -> ReconcileResult:
    """Reconcile ``coders`` into the consensus coder ``as_name`` with a non-interactive
    strategy (``union``, ``intersection``, ``majority`` or ``prefer:CODER``).

    Segments where the coders agree are recorded with outcome ``agreed``; every other
    segment in scope is decided by the strategy; each decision is appended to
    ``reconciliations/<as_name>.jsonl`` and its result to ``codings/<as_name>.jsonl``.
    ``docs`` / ``codes`` narrow the scope; by default the documents every coder has
    completed are reconciled (``all_docs=True``: every document any of them touched).
    ``by`` defaults to ``$USER``. Running it again decides only what is new or stale.
    """
    with Reconciliation(project, coders, as_name, strategy, docs, codes, by, all_docs) as run:
        if run.kind == "ask":
            raise UsageError("the ask strategy is interactive",
                             hint="use qcode reconcile on a terminal, or a strategy such as "
                                  "majority")
        run.start()
        return run.decide_all(rationale)

"""Reports on a reconciliation: what is stale or waiting (:func:`status`) and what was
decided and how each coder compares with the consensus (:func:`summary`).

Neither changes anything. ``as_dict()`` on each result is the JSON of
``qcode reconcile --status NAME --format json`` and ``--summary NAME --format json``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import Field

from qcode.coding.fold import CoderState
from qcode.coding.usable import Omissions, omissions
from qcode.errors import NotFoundError
from qcode.models import Record
from qcode.project import Project
from qcode.reconcile.gc_pause import gc_paused
from qcode.reconcile.ledger import OUTCOMES, Decision, Ledger, read_ledger
from qcode.reconcile.run import consensus_state, make_plan
from qcode.reconcile.units import code_name, code_sort_key, load_states

# ----------------------------------------------------------------------------- status


class StaleDecision(Record):
    """A decision whose coders' codes have changed since it was made."""

    decision: str
    doc: str
    segment: str
    outcome: str
    chosen: tuple[str, ...]
    then: dict[str, tuple[str, ...]]
    now: dict[str, tuple[str, ...]]


class PendingSegment(Record):
    """A segment that waits for a decision (``new`` or ``deferred``)."""

    doc: str
    segment: str
    reason: str
    agreed: bool
    codes: dict[str, tuple[str, ...]]


class ConsensusEdit(Record):
    """A code on the consensus coder that differs from its decision (edited by hand):
    added, removed, or (``other_words``) on other words than the decision chose."""

    doc: str
    segment: str
    code: str
    decision: str
    in_decision: bool
    in_consensus: bool
    other_words: bool = False


class StatusReport(Record):
    name: str
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    decisions: int
    stale: tuple[StaleDecision, ...]
    pending: tuple[PendingSegment, ...]
    unapplied: int
    consensus_edits: tuple[ConsensusEdit, ...]
    warnings: tuple[str, ...] = ()
    #: unreadable log lines and unusable codings left out (reported by the CLI; not JSON)
    omissions: Omissions = Field(default_factory=Omissions, exclude=True)

    @property
    def clean(self) -> bool:
        return not (self.stale or self.pending or self.unapplied or self.consensus_edits)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _open(project: Project, name: str) -> tuple[Ledger, list[str]]:
    ledger = read_ledger(project, name, must_exist=True)
    if ledger.coders is None:
        raise NotFoundError(f"reconciliation '{name}' has no run recorded "
                            f"({ledger.path})",
                            hint="start it with: qcode reconcile --coder A,B --as " + name)
    return ledger, list(ledger.coders)


def _positions(state: Any, key: tuple[str, str], code: str,
               bounds: tuple[int, int]) -> set[tuple[int, int]]:
    """The consensus coder's spans of ``code`` starting in the segment (an old whole-segment
    coding without offsets: the segment)."""
    return {bounds if s < 0 else (s, e) for c, s, e in state.spans.get(key, {}) if c == code}


def _sorted(codes: Any) -> tuple[str, ...]:
    return tuple(sorted(codes))


@gc_paused
def status(project: Project, name: str, docs: list[str] | None = None,
           codes: list[str] | None = None, all_docs: bool = False, *,
           _read: tuple[Ledger, list[str], dict[str, Any]] | None = None,
           ledger: Ledger | None = None,
           states: list[CoderState] | None = None,
           consensus: CoderState | None = None) -> StatusReport:
    """Decisions now stale, segments waiting for a decision, and consensus edits.

    The documents are those a run would take (completed by every coder, or ``docs``, or
    ``all_docs``) and every document with a decision, so a reopened document's decisions
    are still checked. A caller that has read the decision log and folded the coder logs
    already passes them: ``ledger``, the coders' usable ``states`` (in the ledger's coder
    order) and the consensus coder's state (``consensus``), so nothing is read twice.
    """
    if _read is not None:
        ledger, coders, documents = _read
    elif ledger is not None and ledger.coders is not None:
        coders, documents = list(ledger.coders), {}
    else:
        ledger, coders = _open(project, name)
        documents = {}
    plan = make_plan(project, coders, name, docs, codes, all_docs, include_decided_docs=True,
                     documents=documents, ledger=ledger, states=states)
    stale: dict[str, StaleDecision] = {}
    pending: list[PendingSegment] = []
    for p in plan.agreed + plan.disagreements:
        sets = p.unit.sets
        if p.reason == "stale":
            for d in p.stale:
                stale[d.id] = StaleDecision(
                    decision=d.id, doc=d.doc, segment=d.segment, outcome=d.outcome,
                    chosen=d.chosen, then=d.coders,
                    now={c: _sorted(x for x in sets[c] if d.covers(x)) for c in coders})
        else:
            pending.append(PendingSegment(doc=p.unit.doc.id, segment=p.unit.segment_id,
                                          reason=p.reason, agreed=p.agreed,
                                          codes={c: _sorted(sets[c]) for c in coders}))
    unapplied = {d.id for d in ledger.decisions
                 if d.outcome != "deferred" and d.id not in ledger.applied}
    state = consensus if consensus is not None else consensus_state(project, name)
    bounds = {u.key: u.bounds for u in plan.units}
    edits: list[ConsensusEdit] = []
    live = ledger.live()
    for d in live:
        if d.id in unapplied:
            continue
        have = set(state.codes.get(d.key, {}))
        for code in sorted(have | set(d.chosen)):
            if ledger.effective(d.key, code) is not d:
                continue
            moved = code in have and code in d.chosen and d.key in bounds and \
                _positions(state, d.key, code, bounds[d.key]) != \
                set(d.chosen_coverage(code, bounds[d.key]))
            if (code in d.chosen) != (code in have) or moved:
                edits.append(ConsensusEdit(doc=d.doc, segment=d.segment, code=code,
                                           decision=d.id, in_decision=code in d.chosen,
                                           in_consensus=code in have, other_words=moved))
    return StatusReport(name=name, coders=tuple(coders), documents=tuple(plan.scope.docs),
                        decisions=len(live),
                        stale=tuple(sorted(stale.values(), key=lambda s: (s.doc, s.segment))),
                        pending=tuple(pending), unapplied=len(unapplied),
                        consensus_edits=tuple(edits),
                        warnings=tuple(plan.scope.warnings + ledger.problems),
                        omissions=omissions(plan.states))


# ----------------------------------------------------------------------------- summary


class CodeDecisions(Record):
    """One code across the decisions in force.

    ``consensus``: segments where the consensus has it; ``contested``: decisions where the
    coders split on it (some gave it, some did not); ``kept`` / ``dropped``: how those
    went; ``ties``: majority decisions that left it out on an even split.
    """

    code: str
    name: str
    consensus: int
    contested: int
    kept: int
    dropped: int
    ties: int


class CodeScore(Record):
    """One coder against the consensus on one code, over segments (true/false positives)."""

    code: str
    tp: int
    fp: int
    fn: int
    precision: float | None
    recall: float | None
    f1: float | None


class CoderScore(Record):
    """How one coder's current codes compare with the consensus coder's."""

    coder: str
    segments: int
    equal: int
    equal_share: float | None
    coded_segments: int
    equal_coded: int
    equal_coded_share: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    per_code: tuple[CodeScore, ...]


class Summary(Record):
    name: str
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    decisions: int
    by_outcome: dict[str, int]
    ties: int
    deferred: int
    stale: int
    superseded: int
    by_code: tuple[CodeDecisions, ...]
    coders_vs_consensus: tuple[CoderScore, ...]
    #: unreadable ledger lines etc. (shown on stderr; not part of the JSON)
    warnings: tuple[str, ...] = ()
    #: unreadable log lines and unusable codings left out (reported by the CLI; not JSON)
    omissions: Omissions = Field(default_factory=Omissions, exclude=True)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"warnings"})


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return p, r, f1


def _by_code(project: Project, live: list[Decision]) -> list[CodeDecisions]:
    rows: dict[str, Counter[str]] = {}
    for d in live:
        given = [set(v) for v in d.coders.values()]
        for code in set().union(*given, d.chosen):
            if not d.covers(code):
                continue
            row = rows.setdefault(code, Counter())
            row["consensus"] += code in d.chosen
            n = sum(code in g for g in given)
            if 0 < n < len(given):
                row["contested"] += 1
                row["kept" if code in d.chosen else "dropped"] += 1
            row["ties"] += code in d.tie
    key = code_sort_key(project.codebook)
    return [CodeDecisions(code=c, name=code_name(project.codebook, c), consensus=r["consensus"],
                          contested=r["contested"], kept=r["kept"], dropped=r["dropped"],
                          ties=r["ties"]) for c, r in sorted(rows.items(), key=lambda kv:
                                                             key(kv[0]))]


def _scores(project: Project, name: str, states: list[Any], docs: list[str],
            cache: dict[str, Any]) -> list[CoderScore]:
    consensus = consensus_state(project, name)
    key = code_sort_key(project.codebook)
    documents = [cache[d] if d in cache else project.load_document(d) for d in docs]
    out = []
    for st in states:
        coder = st.coder
        segs = equal = coded = equal_coded = 0
        tally: dict[str, list[int]] = {}
        for doc in documents:
            for seg in doc.segments:
                mine = set(st.codes.get((doc.id, seg.id), ()))
                ref = set(consensus.codes.get((doc.id, seg.id), ()))
                segs += 1
                equal += mine == ref
                if mine or ref:
                    coded += 1
                    equal_coded += mine == ref
                for code in mine | ref:
                    t = tally.setdefault(code, [0, 0, 0])
                    t[0 if code in mine and code in ref else 1 if code in mine else 2] += 1
        per_code = tuple(CodeScore(code=c, tp=t[0], fp=t[1], fn=t[2], **dict(zip(
            ("precision", "recall", "f1"), _prf(*t), strict=True)))
            for c, t in sorted(tally.items(), key=lambda kv: key(kv[0])))
        tp, fp, fn = (sum(t[i] for t in tally.values()) for i in range(3))
        p, r, f1 = _prf(tp, fp, fn)
        out.append(CoderScore(coder=coder, segments=segs, equal=equal,
                              equal_share=_ratio(equal, segs), coded_segments=coded,
                              equal_coded=equal_coded,
                              equal_coded_share=_ratio(equal_coded, coded),
                              precision=p, recall=r, f1=f1, per_code=per_code))
    return out


@gc_paused
def summary(project: Project, name: str) -> Summary:
    """Decisions in force by outcome and by code, and each coder against the consensus.

    Coders are compared with the consensus coder's current codes over every segment of the
    documents that have a decision: ``equal_share`` over all those segments,
    ``equal_coded_share`` over those that either side coded, and micro-averaged and
    per-code precision / recall / F1 (consensus = reference).
    """
    ledger, coders = _open(project, name)
    live = ledger.live()
    counts: Counter[str] = Counter(d.outcome for d in live)
    docs = sorted(doc for doc in {d.doc for d in live} if project.has_document(doc))
    cache: dict[str, Any] = {}
    states = load_states(project, coders)
    report = status(project, name, _read=(ledger, coders, cache), states=states)
    deferred = sum(1 for key in ledger.deferred if ledger.deferred_open(key))
    decided = [d for d in ledger.decisions if d.outcome != "deferred"]
    return Summary(name=name, coders=tuple(coders), documents=tuple(docs), decisions=len(live),
                   by_outcome={o: counts[o] for o in OUTCOMES if counts[o]},
                   ties=sum(1 for d in live if d.tie), deferred=deferred,
                   stale=len(report.stale), superseded=len(decided) - len(live),
                   by_code=tuple(_by_code(project, live)),
                   coders_vs_consensus=tuple(_scores(project, name, states, docs, cache)),
                   warnings=tuple(report.warnings), omissions=report.omissions)

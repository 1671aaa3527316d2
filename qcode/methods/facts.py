"""The facts a methods section can state, gathered from the project's own records only.

Pure in the sense of the core: a :class:`~qcode.project.Project` in, a :class:`Methods`
record out (nothing printed, nothing written). Every number comes from the computation
the matching command uses, so the paragraph and the command always say the same:

- agreement: :func:`qcode.agreement.project.agreement_for_project` by theme (``qcode agree
  --by theme``): the MASI alpha over code sets, the mean of the per-code values, and each
  theme's coefficients with their bootstrap intervals;
- reconciliation: :func:`qcode.reconcile.status.summary` (``qcode reconcile --summary``),
  plus the decisions in force counted by strategy from the same ledger;
- coders: their usable states, one coding per span (``qcode coders``);
- codebook changes: the events of ``codebook.log.jsonl`` (``qcode codebook history``).

What the records cannot support (interview dates, recruitment, who interviewed, time spent
coding) is never estimated: it is named in ``not_in_records``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence

from qcode import __version__
from qcode._io.nofollow import open_nofollow
from qcode.agreement.coefficients import CoefficientResult
from qcode.agreement.project import agreement_for_project
from qcode.codebook.history import YAML_OPS, read_history
from qcode.codebook.load import suggestions
from qcode.coding.store import coder_names, log_path
from qcode.coding.usable import load_usable
from qcode.errors import InsufficientDataError, NotFoundError, QcodeError
from qcode.models import Record
from qcode.project import Project
from qcode.reconcile.consensus import consensus_coders
from qcode.reconcile.ledger import read_ledger
from qcode.reconcile.status import summary

#: the records cannot say these; a methods section needs them from the authors
ALWAYS_LEFT_OUT = (
    "how participants were recruited and when and by whom the interviews were held",
    "how the transcripts were made (verbatim, cleaned, translated)",
    "how the codebook was first drafted (deductive, inductive) and how coders were trained",
)


class Group(Record):
    attribute: str
    value: str
    documents: int
    segments: int


class CoderFacts(Record):
    coder: str
    consensus: bool  # built by qcode reconcile from the others' codings
    codings: int  # one per span (qcode coders)
    segments_coded: int
    documents_coded: int
    completed_documents: tuple[str, ...]


class Coefficient(Record):
    name: str  # the key of qcode agree --format json
    label: str
    value: float | None
    ci: tuple[float, float] | None = None
    reason: str | None = None


class ThemeAgreement(Record):
    id: str
    label: str
    prevalence: float
    coefficients: tuple[Coefficient, ...]


class AgreementFacts(Record):
    coders: tuple[str, ...]
    documents: tuple[str, ...]
    n_units: int
    ci_level: float
    bootstrap: int
    seed: int | None
    metrics: tuple[str, ...]
    masi_alpha: Coefficient
    mean_per_code: dict[str, float | None]
    themes: tuple[ThemeAgreement, ...]


class ReconcileFacts(Record):
    name: str
    coders: tuple[str, ...]
    documents: int
    decisions: int
    by_outcome: dict[str, int]
    by_strategy: dict[str, int]
    ties: int
    deferred: int
    stale: int


class CodebookFacts(Record):
    themes: tuple[tuple[str, str], ...]  # (id, name)
    levels: tuple[tuple[str, str], ...]
    codes: int
    #: codes per theme x level cell, in theme and level order
    codes_per_cell: tuple[tuple[int, ...], ...]
    #: codebook.log.jsonl: changes to the codebook by operation (add, rename, merge...)
    changes: dict[str, int]
    first_change: str | None
    last_change: str | None
    #: the time of the first coder-log event (any coder), and the changes after it
    coding_began: str | None = None
    changes_after_coding_began: int | None = None


class Methods(Record):
    qcode_version: str
    project: str
    documents: int
    segments: int
    units: dict[str, int]  # segmentation unit -> documents
    groups: tuple[Group, ...]
    codebook: CodebookFacts
    coders: tuple[CoderFacts, ...]
    #: documents completed by two or more coders (consensus coders left out)
    double_coded_documents: tuple[str, ...]
    agreement: AgreementFacts | None
    reconciliations: tuple[ReconcileFacts, ...]
    not_in_records: tuple[str, ...]


def _coefficient(r: CoefficientResult) -> Coefficient:
    return Coefficient(name=r.name, label=r.label, value=r.value, ci=r.ci, reason=r.reason)


def grouping_attributes(attrs: Sequence[dict[str, str]]) -> list[str]:
    """Attributes that group documents: some value shared by two or more documents (a
    free-text attribute such as a role, different for every document, is no grouping)."""
    names = list(dict.fromkeys(k for a in attrs for k in a))
    out = []
    for name in names:
        values = Counter(a[name] for a in attrs if a.get(name))
        if values and max(values.values()) > 1:
            out.append(name)
    return out


def first_event_time(project: Project, coders: Sequence[str]) -> str | None:
    """The earliest time on the first line of the coders' logs (each log is append-only,
    so its first line is its first event); None when no log has a readable first line."""
    times = []
    for coder in coders:
        try:
            fd = open_nofollow(log_path(project, coder), os.O_RDONLY)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as fh:
            first = fh.readline(1 << 20)
        try:
            ev = json.loads(first)
        except ValueError:
            continue
        if isinstance(ev, list) and ev:  # one action's events on one line
            ev = ev[0]
        if isinstance(ev, dict) and isinstance(ev.get("time"), str):
            times.append(ev["time"])
    return min(times) if times else None


def _codebook(project: Project, coding_began: str | None) -> CodebookFacts:
    cb = project.codebook
    themes = tuple((t.id, t.name) for t in cb.themes)
    levels = tuple((lv.id, lv.name) for lv in cb.levels)
    codes_per_cell = tuple(tuple(sum(1 for c in cb.codes if c.theme == t and c.level == lv)
                       for lv, _ in levels) for t, _ in themes)
    events = [ev for ev in read_history(project.root).events if ev.get("op") in YAML_OPS]
    changes = dict(Counter(str(ev["op"]) for ev in events))
    # "at": UTC to the second; coder events carry microseconds: compared to the second
    # (a change in the very second coding began counts as after it)
    times = sorted(str(ev["at"]) for ev in events if isinstance(ev.get("at"), str))
    after = (None if coding_began is None else
             sum(1 for ev in events if str(ev.get("at") or "")[:19] >= coding_began[:19]))
    return CodebookFacts(themes=themes, levels=levels, codes=len(cb.codes),
                         codes_per_cell=codes_per_cell,
                         changes=changes, first_change=times[0] if times else None,
                         last_change=times[-1] if times else None,
                         coding_began=coding_began, changes_after_coding_began=after)


def _reconciliation(project: Project, name: str) -> ReconcileFacts:
    s = summary(project, name)
    live = read_ledger(project, name).live()
    return ReconcileFacts(name=name, coders=s.coders, documents=len(s.documents),
                          decisions=s.decisions, by_outcome=dict(s.by_outcome),
                          by_strategy=dict(Counter(d.strategy for d in live)), ties=s.ties,
                          deferred=s.deferred, stale=s.stale)


def gather(project: Project, *, coders: Sequence[str] | None = None,
           group_by: Sequence[str] | None = None, ci: float = 0.95, n_boot: int = 1000,
           seed: int | None = 1) -> Methods:
    """Everything :mod:`qcode.methods.render` writes (see the module)."""
    not_in_records = list(ALWAYS_LEFT_OUT)
    docs = [project.load_document(d) for d in project.document_ids()]
    if not docs:  # "The corpus comprises 0 transcripts (0 segments, segmented by )."
        raise InsufficientDataError("the project has no documents yet, so there is no "
                                    "method to describe",
                                    hint="ingest the transcripts first: qcode ingest FOLDER")
    units = dict(Counter(d.unit for d in docs))
    attrs = [d.attributes for d in docs]
    names = list(group_by) if group_by else grouping_attributes(attrs)
    known = list(dict.fromkeys(k for a in attrs for k in a))
    for name in names:
        if name not in known:
            near = suggestions(name, known)
            raise NotFoundError(f"no document has the attribute {name!r}",
                                hint=(f"did you mean {', '.join(near)}?" if near else
                                      f"attributes: {', '.join(known) or 'none yet'}"))
    groups = []
    for name in names:
        per: dict[str, list[int]] = {}
        for d in docs:
            value = d.attributes.get(name) or "(missing)"
            tally = per.setdefault(value, [0, 0])
            tally[0] += 1
            tally[1] += len(d.segments)
        groups += [Group(attribute=name, value=v, documents=n, segments=s)
                   for v, (n, s) in sorted(per.items(), key=lambda kv: kv[0].casefold())]
    if not names:
        not_in_records.append("documents by group: no document attribute groups the "
                              "documents (qcode attributes)")
    consensus = set(consensus_coders(project))
    names = coder_names(project)
    unknown = [c for c in coders or () if c not in names]
    if unknown:  # a typo in --coder left the agreement out of the text, with exit 0
        raise NotFoundError(f"no coder {unknown[0]!r} in this project",
                            hint=f"coders: {', '.join(names) or 'none yet'}")
    states = load_usable(project, names)
    coder_facts = tuple(CoderFacts(
        coder=st.coder, consensus=st.coder in consensus,
        codings=sum(len(by) for by in st.spans.values()),
        segments_coded=sum(1 for v in st.codes.values() if v),
        documents_coded=len({d for (d, _), v in st.codes.items() if v}),
        completed_documents=tuple(sorted(st.done))) for st in states)
    done_by = Counter(d for c in coder_facts if not c.consensus
                      for d in c.completed_documents)
    double = tuple(d.id for d in docs if done_by[d.id] >= 2)
    agreement = None
    try:
        rep = agreement_for_project(project, coders=coders, by="theme", ci=ci, n_boot=n_boot,
                                    seed=seed)
        agreement = AgreementFacts(
            coders=rep.coders, documents=rep.documents, n_units=rep.n_units,
            ci_level=rep.ci_level, bootstrap=rep.bootstrap, seed=rep.seed,
            metrics=rep.metrics, masi_alpha=_coefficient(rep.masi_alpha),
            mean_per_code=dict(rep.mean_per_code),
            themes=tuple(ThemeAgreement(id=r.id, label=r.label, prevalence=r.prevalence,
                                        coefficients=tuple(_coefficient(c)
                                                           for c in r.coefficients))
                         for r in rep.rows))
    except QcodeError as exc:
        not_in_records.append(f"inter-coder agreement: {exc.message}")
    reconciliations = tuple(_reconciliation(project, n) for n in sorted(consensus))
    if not reconciliations:
        not_in_records.append("reconciliation: no reconciliation is recorded (qcode reconcile)")
    if not any(c.completed_documents for c in coder_facts):
        not_in_records.append("coding: no coder has marked a document complete (qcode done)")
    return Methods(qcode_version=__version__, project=project.name, documents=len(docs),
                   segments=sum(len(d.segments) for d in docs), units=units,
                   groups=tuple(groups),
                   codebook=_codebook(project, first_event_time(project, coder_names(project))),
                   coders=coder_facts,
                   double_coded_documents=double, agreement=agreement,
                   reconciliations=reconciliations, not_in_records=tuple(not_in_records))

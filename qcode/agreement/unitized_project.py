"""Unitized agreement on a qcode project (``qcode agree --unitized``).

The continuum of a document is its whole text, ``[0, len(text))`` in code points; each
selected coder's current spans of the documents every one of them marked complete are
the units (a coding without offsets, from an old log, covers its segment). Coders and
documents are chosen as for segment agreement (:mod:`qcode.agreement.project`):
consensus coders are left out unless named; ``docs`` and ``where`` (document attribute
-> allowed values) narrow the documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from qcode.agreement.project import common_documents, select_coders
from qcode.agreement.unitized import UnitizedAgreement, unitized_agreement
from qcode.agreement.unitized_data import Continuum, Span
from qcode.coding import store
from qcode.coding.collector import collector_paused
from qcode.coding.fold import CoderState
from qcode.coding.usable import Omissions, omissions, usable_states
from qcode.documents.log import document_map
from qcode.errors import InsufficientDataError, NotFoundError
from qcode.index.documents import indexed_documents
from qcode.project import Project
from qcode.reconcile.consensus import consensus_coders


class _Compared(NamedTuple):
    """What unitized agreement reads of a document: its attributes, the length of its
    text (the continuum) and its segments' bounds."""

    id: str
    attributes: Mapping[str, str]
    length: int
    bounds: dict[str, tuple[int, int]]


def _compared(project: Project, ids: list[str]) -> list[_Compared]:
    """The documents ``ids`` from the read index (no validation of every document's
    JSON), and through :meth:`Project.load_document` (with its errors) where the index
    cannot vouch for one."""
    metas = indexed_documents(project, ids, text=True)
    out = []
    for d in ids:
        m = metas.get(d)
        if m is None:
            doc = project.load_document(d)
            out.append(_Compared(doc.id, doc.attributes, len(doc.text),
                                 {s.id: (s.start, s.end) for s in doc.segments}))
        else:
            out.append(_Compared(m.id, m.attributes, len(m.text), dict(
                zip(m.segment_ids, zip(m.starts, m.ends, strict=True), strict=True))))
    return out


def _spans(state: CoderState) -> list[tuple[str, str, str, int, int]]:
    """(document, first segment, code, start, end) of each span of a (usable) state, in
    the order and with the values of :meth:`CoderState.codings` (a missing offset is 0),
    without building the records."""
    return [(d, seg, k[0], ev.get("start") or 0, ev.get("end") or 0)
            for (d, seg), by_key in sorted(state.spans.items())
            for k in sorted(by_key) for ev in (by_key[k],)]


@collector_paused()
def unitized_for_project(project: Project, *, coders: Sequence[str] | None = None,
                         docs: Sequence[str] = (),
                         where: Mapping[str, Sequence[str]] | None = None,
                         ci: float = 0.95, n_boot: int = 1000, seed: int | None = None,
                         per_document_ci: bool = True,
                         ) -> tuple[UnitizedAgreement, Omissions, tuple[str, ...]]:
    """Measure; also returns what could not be used and the consensus coders left out."""
    names = store.coder_names(project)
    loaded = {c: store.load_state(project, c) for c in names}
    moved = document_map(project)
    completed = {c: moved.follow_ids(loaded[c].done) for c in names}
    left_out: tuple[str, ...] = ()
    if not coders:
        consensus = set(consensus_coders(project))
        left_out = tuple(c for c in names if c in consensus and completed.get(c))
        names = [c for c in names if c not in consensus]
        completed = {c: v for c, v in completed.items() if c not in consensus}
    chosen = select_coders(completed, coders, names)
    shared = common_documents(completed, chosen, project.document_ids())
    if docs:
        wanted = set(docs)
        shared = [d for d in shared if d in wanted]
    documents = _compared(project, shared)
    for key, allowed in (where or {}).items():
        if key == "document":
            documents = [d for d in documents if d.id in allowed]
            continue
        if not any(key in d.attributes for d in documents):
            raise NotFoundError(f"--where: no compared document has the attribute '{key}'",
                                hint="qcode docs lists the documents and their attributes")
        documents = [d for d in documents if d.attributes.get(key) in allowed]
    if not documents:
        raise InsufficientDataError(
            "no document completed by every selected coder matches --doc/--where",
            hint="qcode progress shows who completed which document")
    usable = usable_states(project, [loaded[c] for c in chosen])
    by_doc: dict[str, list[Span]] = {d.id: [] for d in documents}
    bounds = {d.id: d.bounds for d in documents}
    for st in usable:
        for doc, seg, code, start, end in _spans(st):
            if doc not in by_doc:
                continue
            if end <= start:  # no offsets: the whole of its segment
                start, end = bounds[doc].get(seg, (0, 0))
                if end <= start:
                    continue
            by_doc[doc].append(Span(st.coder, start, end, code))
    # a span is never longer than its text; one that runs past the end (a damaged log) is
    # cut at the end of the text
    continua = [Continuum(d.id, 0, d.length, tuple(
        Span(s.coder, s.start, min(s.end, d.length), s.code) for s in by_doc[d.id]
        if s.start < d.length)) for d in documents]
    rep = unitized_agreement(continua, chosen, ci=ci, n_boot=n_boot, seed=seed,
                             per_document_ci=per_document_ci)
    return rep, omissions(usable), left_out

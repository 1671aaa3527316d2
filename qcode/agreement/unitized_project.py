"""Unitized agreement on a qcode project (``qcode agree --unitized``).

The continuum of a document is its whole text, ``[0, len(text))`` in code points; each
selected coder's current spans of the documents every one of them marked complete are
the units (a coding without offsets, from an old log, covers its segment). Coders and
documents are chosen as for segment agreement (:mod:`qcode.agreement.project`):
consensus coders are left out unless named; ``docs`` and ``where`` (document attribute
-> allowed values) narrow the documents. Each coder's spans are read as segment agreement
reads them (:func:`~qcode.agreement.project_input.coder_spans`: straight from the
checkpoint's columns when it vouches for the log, else from the fold), and each
document's text only for its length. The logs are read first (for the documents each
coder completed) and their codings checked after the compared documents are read, so a
damaged compared document fails as loading it does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from qcode.agreement.project import common_documents, select_coders
from qcode.agreement.project_input import CoderSpans, coder_spans, columns_spans
from qcode.agreement.unitized import UnitizedAgreement, unitized_agreement
from qcode.agreement.unitized_data import Continuum, Span
from qcode.coding import store
from qcode.coding.checkpoint import Columns
from qcode.coding.collector import collector_paused
from qcode.coding.fold import CoderState
from qcode.coding.usable import Known, Omissions, known_parts, omissions
from qcode.documents.log import document_map
from qcode.errors import InsufficientDataError, NotFoundError
from qcode.index.documents import forget_decoded, indexed_documents
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
    cannot vouch for one. The texts are read for their lengths only: the index's
    decoded rows, which would keep them (about 100 MB at 2,000 transcripts), are
    forgotten afterwards."""
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
    del metas
    forget_decoded()
    return out


def _logs(project: Project, names: Sequence[str]) -> dict[str, Columns | CoderState]:
    """Each coder's log as read: the checkpoint's columns when it vouches for the log
    (:func:`qcode.coding.store.unchanged_columns`, no quotes), else the fold."""
    out: dict[str, Columns | CoderState] = {}
    for c in names:
        columns = store.unchanged_columns(project, c, quotes=False)
        out[c] = columns if columns is not None else store.load_state(project, c)
    return out


def _done(log: Columns | CoderState) -> set[str]:
    return set(log.rest.done if isinstance(log, Columns) else log.done)


def _usable(project: Project, coder: str, log: Columns | CoderState,
            known: Known) -> CoderSpans:
    """The coder's usable spans (:func:`~qcode.agreement.project_input.coder_spans`) from
    the log as read by :func:`_logs`, each log read once (folded when its columns hold a
    coding that is not usable as it is)."""
    if isinstance(log, Columns):
        quick = columns_spans(coder, log, known)
        if quick is not None:
            return quick
        log = store.load_state(project, coder)
    return coder_spans(project, coder, known, state=log)


def _spans(coder: CoderSpans) -> zip[tuple[str, str, str, int, int]]:
    """(document, first segment, code, start, end) of each usable span of a coder (a
    missing offset is -1 or 0: ``end <= start``)."""
    c = coder.columns
    return zip(c.doc, c.segment, c.code, c.start, c.end, strict=True)


@collector_paused()
def unitized_for_project(project: Project, *, coders: Sequence[str] | None = None,
                         docs: Sequence[str] = (),
                         where: Mapping[str, Sequence[str]] | None = None,
                         ci: float = 0.95, n_boot: int = 1000, seed: int | None = None,
                         per_document_ci: bool = True,
                         ) -> tuple[UnitizedAgreement, Omissions, tuple[str, ...]]:
    """Measure; also returns what could not be used and the consensus coders left out."""
    names = store.coder_names(project)
    logs = _logs(project, names)
    moved = document_map(project)
    completed = {c: moved.follow_ids(_done(logs[c])) for c in names}
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
    known = known_parts(project)  # after _compared: its errors are those of loading
    loaded = {c: _usable(project, c, logs[c], known) for c in chosen}
    del logs
    by_doc: dict[str, list[Span]] = {d.id: [] for d in documents}
    bounds = {d.id: d.bounds for d in documents}
    for coder in chosen:
        for doc, seg, code, start, end in _spans(loaded[coder]):
            if doc not in by_doc:
                continue
            if end <= start:  # no offsets: the whole of its segment
                start, end = bounds[doc].get(seg, (0, 0))
                if end <= start:
                    continue
            by_doc[doc].append(Span(coder, start, end, code))
    # a span is never longer than its text; one that runs past the end (a damaged log) is
    # cut at the end of the text
    continua = [Continuum(d.id, 0, d.length, tuple(
        Span(s.coder, s.start, min(s.end, d.length), s.code) for s in by_doc[d.id]
        if s.start < d.length)) for d in documents]
    rep = unitized_agreement(continua, chosen, ci=ci, n_boot=n_boot, seed=seed,
                             per_document_ci=per_document_ci)
    return rep, omissions(loaded[c].source for c in chosen), left_out

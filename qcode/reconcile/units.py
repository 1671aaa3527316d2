"""Where coders disagree: the units compared, each coder's code set on them, and the diff.

The unit of comparison is a segment. By default only documents that **every** coder has
marked complete (``qcode done``) are compared, because on a document a coder has not
finished, a segment without codes may simply not have been read yet. ``all_docs=True``
widens the scope to every document any of the coders has touched; naming documents
explicitly compares exactly those (with a warning for each one not complete for everyone).

>>> code_sets_differ({"ingrid": frozenset({"A"}), "lars": frozenset({"A"})})
False
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import Field

from qcode.codebook.lookup import resolve_code
from qcode.coding.store import CoderState, load_state
from qcode.coding.usable import Omissions, known_parts, usable_states
from qcode.errors import UsageError
from qcode.index.documents import DocMeta, indexed_documents, meta_of
from qcode.models import Codebook, Document, Record
from qcode.project import Project
from qcode.reconcile.positions import Spans, context, coverage_in, cross_spans, minus, trim
from qcode.reconcile.segment_codings import SegmentCodings, load_segment_codings, of_state

# ----------------------------------------------------------------------------- records


class SkippedDocument(Record):
    """A document one of the coders touched that is left out of the comparison, and why."""

    doc: str
    reason: str


class SegmentDiff(Record):
    """One segment where two coders' code sets, or the words they marked, differ."""

    doc: str
    segment: str
    speaker: str
    time_start: float | None = None
    text: str
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    both: tuple[str, ...]
    #: the words only one of them marked, code by code: {"code", "coder", "start", "end"
    #: (positions of the document), "text", "before", "after" (some of the segment's text
    #: around them; both empty: the whole segment)}
    spans: tuple[dict[str, Any], ...] = ()


class CodeCount(Record):
    """How often one code was given by both coders, only by A, and only by B."""

    code: str
    name: str
    both: int
    only_a: int
    only_b: int


class DiffResult(Record):
    """The result of :func:`diff`; ``as_dict()`` is the JSON of ``qcode diff``."""

    a: str
    b: str
    documents: tuple[str, ...]
    codes: tuple[str, ...] | None
    segments_compared: int
    disagreements: tuple[SegmentDiff, ...]
    per_code: tuple[CodeCount, ...]
    skipped_documents: tuple[SkippedDocument, ...] = ()
    warnings: tuple[str, ...] = ()
    #: unreadable log lines and unusable codings left out (reported by the CLI; not JSON)
    omissions: Omissions = Field(default_factory=Omissions, exclude=True)

    def as_dict(self) -> dict[str, Any]:
        return {
            "coders": [self.a, self.b],
            "documents": list(self.documents),
            "codes": list(self.codes) if self.codes is not None else None,
            "segments_compared": self.segments_compared,
            "segments_differing": len(self.disagreements),
            "disagreements": [d.model_dump() | {"only_a": list(d.only_a),
                                                "only_b": list(d.only_b),
                                                "both": list(d.both),
                                                "spans": list(d.spans)}
                              for d in self.disagreements],
            "per_code": [c.model_dump() for c in self.per_code],
            "skipped_documents": [s.model_dump() for s in self.skipped_documents],
            "warnings": list(self.warnings),
        }


# ----------------------------------------------------------------------------- scope


@dataclass
class Scope:
    """The documents compared, those left out (with reasons) and warnings for people."""

    docs: list[str]
    skipped: list[SkippedDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class CoderCodes(Protocol):
    """What the scope of a comparison reads of a coder (a :class:`CoderState` or a
    :class:`~qcode.reconcile.segment_codings.SegmentCodings`)."""

    @property
    def coder(self) -> str: ...
    @property
    def codes(self) -> Mapping[tuple[str, str], Collection[str]]: ...
    @property
    def done(self) -> Collection[str]: ...


def touched_documents(state: CoderCodes) -> set[str]:
    """Documents on which the coder has any code now, or that they marked complete."""
    if isinstance(state, SegmentCodings):
        return state.documents() | set(state.done)
    return {doc for doc, _ in state.codes} | set(state.done)


def document_scope(project: Project, states: Sequence[CoderCodes],
                   docs: list[str] | None = None, all_docs: bool = False) -> Scope:
    """Which documents to compare for these coders (see the module docstring)."""
    if docs:
        scope = Scope(docs=[])
        for doc_id in dict.fromkeys(docs):
            if not project.has_document(doc_id):
                project.load_document(doc_id)  # raises NotFoundError with a suggestion
            missing = [s.coder for s in states if doc_id not in s.done]
            if missing:
                scope.warnings.append(f"{doc_id} is not marked complete by "
                                      f"{', '.join(missing)}; its uncoded segments count "
                                      "as coded with nothing")
            scope.docs.append(doc_id)
        return scope
    scope = Scope(docs=[])
    touched = set().union(*(touched_documents(s) for s in states)) if states else set()
    for doc_id in sorted(touched):
        if not project.has_document(doc_id):
            scope.skipped.append(SkippedDocument(doc=doc_id, reason="not in the project"))
            continue
        missing = [s.coder for s in states if doc_id not in s.done]
        if missing and not all_docs:
            scope.skipped.append(SkippedDocument(
                doc=doc_id, reason=f"not marked complete by {', '.join(missing)}"))
            continue
        scope.docs.append(doc_id)
    return scope


def resolve_codes(codebook: Codebook, queries: list[str] | None) -> frozenset[str] | None:
    """Code ids for ``--code`` options (ids or names), or None for every code."""
    if not queries:
        return None
    return frozenset(resolve_code(codebook, q).id for q in queries)


def load_states(project: Project, coders: list[str]) -> list[CoderState]:
    """Each coder's usable state (:func:`qcode.coding.usable.usable_state`: codings whose
    code, document or segment is not in the project are left out and counted); refuses
    duplicates and unknown coders."""
    check_named_once(coders)
    return usable_states(project, [load_state(project, c) for c in coders])


def load_codings(project: Project, coders: list[str]) -> list[SegmentCodings]:
    """Each coder's usable codings as units compare them (the checkpoint's columns when
    they serve, else the usable state: :func:`load_segment_codings`); refuses duplicates
    and unknown coders. Units made from them equal those made from :func:`load_states`
    (``tests/reconcile/test_units_from_columns.py``)."""
    check_named_once(coders)
    known = known_parts(project)
    return [load_segment_codings(project, c, known) for c in coders]


def check_named_once(coders: list[str]) -> None:
    """Refuse a coder named twice (names are compared without case)."""
    seen: dict[str, str] = {}
    for c in coders:
        if c.casefold() in seen:
            raise UsageError(f"coder '{c}' is named twice", hint="name each coder once")
        seen[c.casefold()] = c


# ----------------------------------------------------------------------------- units


class UnitDoc:
    """A document as units read it: its id, text and segment bounds from the read index
    (:func:`compared_documents`); the validated :class:`Document` (for showing a segment
    in context) is read from its file the first time it is asked for."""

    __slots__ = ("_document", "_project", "id", "meta", "text")

    def __init__(self, project: Project, meta: DocMeta) -> None:
        self.id, self.text, self.meta = meta.id, meta.text, meta
        self._project = project
        self._document: Document | None = None

    @property
    def document(self) -> Document:
        if self._document is None:
            self._document = self._project.load_document(self.id)
        return self._document

    @property
    def segments(self) -> tuple[Any, ...]:
        return self.document.segments

    def segment(self, segment_id: str) -> Any:
        return self.document.segment(segment_id)

    def segment_text(self, seg: Any) -> str:
        return self.document.segment_text(seg)

    def bounds(self) -> dict[str, tuple[int, int]]:
        """segment id -> (start, end)."""
        m = self.meta
        return dict(zip(m.segment_ids, zip(m.starts, m.ends, strict=True), strict=True))


@dataclass(slots=True)
class Unit:
    """One segment with every coder's current codes on it (restricted to the code filter).

    ``spans``: coder -> code -> the coder's coverage of the code in the segment
    (:mod:`qcode.reconcile.positions`), for the coders with a span here that is not the
    whole segment; None when every coding on the segment is a whole-segment one."""

    doc: UnitDoc
    segment_id: str
    sets: Mapping[str, frozenset[str]]
    bounds: tuple[int, int] = (0, 0)
    spans: dict[str, dict[str, Spans]] | None = None

    def coverage(self, coder: str, code: str) -> Spans:
        """The positions of the segment ``coder`` marked with ``code``."""
        return coverage_of(self.sets, self.bounds, self.spans, coder, code)

    def coverages(self) -> dict[str, dict[str, Spans]]:
        """coder -> code -> coverage, for every code each coder gave here."""
        return {c: {code: self.coverage(c, code) for code in sorted(v)}
                for c, v in self.sets.items()}

    @property
    def key(self) -> tuple[str, str]:
        return (self.doc.id, self.segment_id)

    @property
    def segment(self) -> Any:
        return self.doc.segment(self.segment_id)


def coverage_of(sets: Mapping[str, frozenset[str]], bounds: tuple[int, int],
                spans: dict[str, dict[str, Spans]] | None, coder: str, code: str) -> Spans:
    """The positions of a segment (``bounds``) ``coder`` marked with ``code``, from the
    coders' code ``sets`` and ``spans`` there (see :class:`Unit`)."""
    by = spans.get(coder) if spans is not None else None
    if by is not None:
        return by.get(code, ())
    return (bounds,) if code in sets[coder] else ()


def code_sets_differ(sets: Mapping[str, frozenset[str]]) -> bool:
    """True when not every coder gave exactly the same codes."""
    values = list(sets.values())
    return any(v != values[0] for v in values[1:])


def unit_differs(unit: Unit) -> bool:
    """True when the coders gave different codes, or marked different positions with a
    code they all gave."""
    if code_sets_differ(unit.sets):
        return True
    if unit.spans is None:
        return False
    coders = list(unit.sets)
    return any(unit.coverage(c, code) != unit.coverage(coders[0], code)
               for code in unit.sets[coders[0]] for c in coders[1:])


def unit_documents(project: Project, ids: list[str],
                   cache: dict[str, UnitDoc] | None = None) -> Iterator[UnitDoc]:
    """The documents ``ids`` in order (:func:`compared_documents`); read once into
    ``cache`` when one is given."""
    cache = cache if cache is not None else {}
    todo = compared_documents(project, [d for d in dict.fromkeys(ids) if d not in cache])
    for doc_id in ids:
        if doc_id not in cache:
            _, meta = next(todo)  # in the order asked
            cache[doc_id] = UnitDoc(project, meta)
        yield cache[doc_id]


def iter_units(project: Project, codings: Sequence[SegmentCodings | CoderState],
               docs: list[str], codes: frozenset[str] | None = None,
               cache: dict[str, UnitDoc] | None = None) -> Iterator[Unit]:
    """Every segment of the documents, in order, with each coder's code set on it
    (``codings``: :func:`load_codings`, or usable states). Documents are read once into
    ``cache`` when one is given."""
    coded = [c if isinstance(c, SegmentCodings) else of_state(c) for c in codings]
    for doc_id, doc in zip(docs, unit_documents(project, docs, cache), strict=True):
        meta, text = doc.meta, doc.text
        on_doc = coders_on(coded, doc_id)
        for seg_id, start, end in zip(meta.segment_ids, meta.starts, meta.ends, strict=True):
            bounds = (start, end)
            sets, spans = coded_segment(on_doc, doc_id, seg_id, bounds, codes, text)
            yield Unit(doc=doc, segment_id=seg_id, sets=sets, bounds=bounds, spans=spans)


#: a coder as one document's segments read it: name, codes by segment, spans by first
#: segment, and the spans crossing into each segment (None: no span crosses)
CoderOnDoc = tuple[str, Mapping[tuple[str, str], Collection[str]],
                   Mapping[tuple[str, str], Collection[tuple[str, int, int]]],
                   dict[str, list[tuple[str, int, int]]] | None]
_EMPTY: frozenset[str] = frozenset()


def coders_on(coded: Sequence[SegmentCodings], doc_id: str) -> list[CoderOnDoc]:
    """The coders' codings as :func:`coded_segment` reads them on the document ``doc_id``."""
    return [(st.coder, st.codes, st.spans,
             cross_spans(st.source, doc_id) if st.crossing else None) for st in coded]


def coded_segment(on_doc: Sequence[CoderOnDoc], doc_id: str, seg_id: str,
                  bounds: tuple[int, int], codes: frozenset[str] | None, text: str
                  ) -> tuple[dict[str, frozenset[str]], dict[str, dict[str, Spans]] | None]:
    """Each coder's code set on one segment (within ``codes``), and the stretches of the
    codes a coder did not put on the whole segment, by coder (None: every code covers it
    whole): what a :class:`Unit` holds, and what ``diff`` compares."""
    key = (doc_id, seg_id)
    sets: dict[str, frozenset[str]] = {}
    spans: dict[str, dict[str, Spans]] | None = None
    for coder, by_unit, by_first, crossing in on_doc:
        on = by_unit.get(key)
        have = frozenset(on) if on else _EMPTY
        sets[coder] = have if codes is None or not have else have & codes
        if on:
            cov = coverage_in(by_first.get(key, ()), bounds, codes,
                              crossing.get(seg_id, ()) if crossing else (), text)
            if cov is not None:
                spans = spans if spans is not None else {}
                spans[coder] = cov
    return sets, spans


def span_differences(text: str, bounds: tuple[int, int],
                     sets: Mapping[str, frozenset[str]],
                     spans: dict[str, dict[str, Spans]] | None, a: str, b: str
                     ) -> tuple[dict[str, Any], ...]:
    """The words of one segment (``bounds`` in the document's ``text``) only ``a`` or only
    ``b`` marked, code by code (see ``SegmentDiff.spans``), from the coders' code ``sets``
    and ``spans`` there (as in :class:`Unit`)."""
    out = []
    if spans is None:  # whole segments: the codes only one of them gave, whole
        lo, hi = bounds
        words = text[lo:hi]
        return tuple({"code": code, "coder": a if code in sets[a] else b, "start": lo,
                      "end": hi, "text": words, "before": "", "after": ""}
                     for code in sorted(sets[a] ^ sets[b]))
    for code in sorted(sets[a] | sets[b]):
        ca = coverage_of(sets, bounds, spans, a, code)
        cb = coverage_of(sets, bounds, spans, b, code)
        for coder, mine, theirs in ((a, ca, cb), (b, cb, ca)):
            for s, e in trim(minus(mine, theirs), text):  # words, not the gaps
                before, after = context(text, bounds, (s, e))
                out.append({"code": code, "coder": coder, "start": s, "end": e,
                            "text": text[s:e], "before": before, "after": after})
    return tuple(out)


def code_name(codebook: Any, code_id: str) -> str:
    code = codebook.code(code_id) if codebook is not None else None
    return code.name if code is not None else ""


# ----------------------------------------------------------------------------- documents


#: documents read from the index at once by compared_documents (their text in memory)
DOCS_AT_ONCE = 200


def compared_documents(project: Project, ids: list[str], *,
                       text: bool | Container[str] = True) -> Iterator[tuple[str, DocMeta]]:
    """The documents ``ids``, in order, as the read index holds them (checked against their
    files), with their text (``text``: all, none, or those of the ids it holds); a
    document the index cannot vouch for is read from its file, with the error that reading
    raises (missing, damaged)."""
    for at in range(0, len(ids), DOCS_AT_ONCE):
        batch = ids[at:at + DOCS_AT_ONCE]
        if isinstance(text, bool):
            metas = indexed_documents(project, batch, text=text)
        else:
            wanted = [i for i in batch if i in text]
            rest = [i for i in batch if i not in text]
            metas = indexed_documents(project, wanted, text=True) if wanted else {}
            if rest:
                metas.update(indexed_documents(project, rest))
        for doc_id in batch:
            meta = metas.get(doc_id)
            yield doc_id, meta if meta is not None else meta_of(project.load_document(doc_id))


def code_sort_key(codebook: Any) -> Any:
    """A sort key for code ids: codebook order first, then unknown codes by id."""
    order = {c.id: i for i, c in enumerate(codebook.codes)} if codebook is not None else {}
    return lambda code_id: (order.get(code_id, len(order)), code_id)

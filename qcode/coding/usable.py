"""What a command that reads codings could not read or use, in one place.

Two things drop codings out of an analysis: log lines that cannot be read (torn, damaged,
or holding an event with missing or mistyped fields; :mod:`qcode.coding.events`) and
codings whose code, document or segment is not in the project (a code id edited by hand in
``codebook.yaml``, a document file removed). :func:`usable_state` decides the second, the
same way for every command, and :func:`omissions` gathers both from the states a command
used, for the CLI to print in one warning line per log and per coder.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import chain, groupby, repeat
from operator import itemgetter, lt
from pathlib import Path
from typing import TypeVar, cast

from qcode.codebook.history import CodeMap, code_map
from qcode.coding.checkpoint import Columns
from qcode.coding.events import loads
from qcode.coding.fold import CoderState, LeftOut, SpanKey
from qcode.coding.store import load_state
from qcode.documents.log import UNCHANGED, DocMap, document_map
from qcode.errors import ProjectDamagedError
from qcode.index.documents import DocMeta, project_documents
from qcode.models import Coding
from qcode.project import Project, damaged_document_hint

V = TypeVar("V")

#: kinds of reference a coding can lose, in the order they are checked and named
KINDS = ("document", "segment", "code", "archived")


@dataclass(frozen=True)
class Known:
    """The ids codings may refer to: codes of the codebook, documents and their segments."""

    codes: frozenset[str]
    #: document id -> its segment ids (any container: a set, or a dict keyed by id)
    segments: Mapping[str, Container[str]]
    #: renamed and archived documents (``documents.log.jsonl``): codings follow them
    doc_map: DocMap = UNCHANGED
    #: where codings of renamed, merged and split codes stand (the codebook's change log)
    code_map: CodeMap = field(default_factory=CodeMap)


def _segment_ids(path: Path) -> frozenset[str]:
    try:
        raw = loads(path.read_bytes())
        return frozenset(s["id"] for s in raw.get("segments", ()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise ProjectDamagedError(f"{path}: not a valid qcode document",
                                  hint=damaged_document_hint(path.stem)) from None


class SegmentsOnDemand(Mapping[str, Container[str]]):
    """The segment ids of the project's documents, from the index (:mod:`qcode.index`) the
    first time a coding refers to any; a document the index cannot vouch for is read from
    its file when a coding refers to it."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._read: dict[str, frozenset[str]] = {}
        self._indexed: dict[str, DocMeta] | None = None

    def __getitem__(self, doc_id: str) -> frozenset[str]:
        ids = self._read.get(doc_id)
        if ids is None:
            if self._indexed is None:  # the index answers for every document at once
                self._indexed = project_documents(self._project)
            meta = self._indexed.get(doc_id)
            if meta is not None:
                ids = self._read[doc_id] = frozenset(meta.segment_ids)
                return ids
            if not self._project.has_document(doc_id):
                raise KeyError(doc_id)
            ids = self._read[doc_id] = _segment_ids(self._project.document_path(doc_id))
        return ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._project.document_ids())

    def __len__(self) -> int:
        return len(self._project.document_ids())


def known_parts(project: Project, *,
                segments: Mapping[str, Container[str]] | None = None) -> Known:
    """The project's code, document and segment ids (``segments`` if the caller has read
    the documents already; else each document is read when a coding refers to it)."""
    return Known(codes=frozenset(c.id for c in project.codebook.codes),
                 doc_map=document_map(project),
                 segments=SegmentsOnDemand(project) if segments is None else segments,
                 code_map=code_map(project.root))


def follow_documents(state: CoderState, docs: DocMap) -> tuple[CoderState, dict[str, int]]:
    """``state`` under the documents' current ids (renames followed), without the codings
    and memos of archived documents; how many codings each archived document had."""
    if not docs:
        return state, {}
    codes, archived = docs.follow_keys(state.codes)
    memos, _ = docs.follow_keys(state.memos)
    spans, _ = docs.follow_keys(state.spans)
    multi, _ = docs.follow_keys(state.multi)
    return replace(state, codes=codes, memos=memos, done=docs.follow_ids(state.done),
                   spans=spans, multi=multi), archived


def follow_spans(cmap: CodeMap, by_key: dict[SpanKey, V]) -> dict[SpanKey, V]:
    """One segment's spans with each code under its current id (as ``CodeMap.follow``:
    two codes merged into one on the same span give one coding)."""
    renamed = cmap.renamed
    if not renamed or all(k[0] not in renamed for k in by_key):
        return by_key
    out: dict[SpanKey, V] = {}
    for (code, start, end), ev in by_key.items():
        now = renamed.get(code, code)
        if (now, start, end) not in out or code == now:
            out[(now, start, end)] = ev
    return out


def usable_state(state: CoderState, known: Known) -> CoderState:
    """``state`` with only the codings whose document, segment and code are in the project;
    what was left out is counted in the returned state's ``left_out``. Memos, completion
    and unreadable lines are kept as they are. Codes renamed or merged since the coding was
    made are read under their current id (``known.code_map``), and codings of a split code
    not yet re-assigned are counted in ``awaiting_recode``."""
    quick = _all_usable(state, known)
    if quick is not None:
        return quick
    counts: dict[tuple[str, str], int] = {}
    codes: dict[tuple[str, str], dict[str, dict[str, object]]] = {}
    spans: dict[tuple[str, str], dict[SpanKey, dict[str, object]]] = {}
    known_codes, segments, cmap = known.codes, known.segments, known.code_map
    awaiting: dict[str, int] = {}
    state, archived = follow_documents(state, known.doc_map)
    all_spans = state.spans
    last_doc: str | None = None
    segs: Container[str] | None = None
    renamed, splits = bool(cmap.renamed), cmap.splits  # mostly neither: no call per key
    for key, by_code in state.codes.items():
        if renamed:
            by_code = cmap.follow(by_code)
        by_span = all_spans.get(key)  # the spans starting in this segment, if any
        if splits:
            for code in splits.keys() & by_code.keys():
                awaiting[code] = awaiting.get(code, 0) + 1
        doc, seg = key
        if doc != last_doc:  # a coder's codings come document by document, mostly
            segs, last_doc = segments.get(doc), doc
        if segs is None or seg not in segs:
            what = ("document", doc) if segs is None else ("segment", seg)
            counts[what] = counts.get(what, 0) + len(by_code)
            continue
        if known_codes.issuperset(by_code):  # the usual case, checked in C
            codes[key] = by_code
            if by_span:
                spans[key] = follow_spans(cmap, by_span) if renamed else by_span
            continue
        kept = {}
        for code, ev in by_code.items():
            if code in known_codes:
                kept[code] = ev
            else:
                counts[("code", code)] = counts.get(("code", code), 0) + 1
        if kept:
            codes[key] = kept
        kept_spans = {k: ev for k, ev in follow_spans(cmap, by_span or {}).items()
                      if k[0] in known_codes}
        if kept_spans:
            spans[key] = kept_spans
    total = sum(counts.values())  # codings of archived documents: a note, not a loss
    counts.update((("archived", d), n) for d, n in archived.items())
    missing = tuple(sorted(((k, i, n) for (k, i), n in counts.items()),
                           key=lambda t: (-t[2], KINDS.index(t[0]), t[1])))
    left_out = LeftOut(state.coder, total, missing) if counts else None
    multi = {key: {k: ev for k, ev in spans[key].items() if ev.get("segments")}
             for key in state.multi if key in spans}
    return replace(state, codes=codes, left_out=left_out, spans=spans,
                   multi={key: by_key for key, by_key in multi.items() if by_key},
                   awaiting_recode=tuple(sorted(awaiting.items())))


def _all_usable(state: CoderState, known: Known) -> CoderState | None:
    """:func:`usable_state`'s answer when nothing is to be left out, followed or counted
    (no document renamed or archived, no code renamed or split, every coding's document,
    segment and code in the project: the usual case), checked with few Python steps per
    segment; None otherwise (the caller then looks at each segment)."""
    if known.doc_map or known.code_map.renamed or known.code_map.splits:
        return None
    view = state.codes
    if not known.codes.issuperset(chain.from_iterable(view.values())):
        return None
    segments = known.segments
    for doc, keys in groupby(view, itemgetter(0)):
        segs = segments.get(doc)
        if segs is None or not all(map(segs.__contains__, map(itemgetter(1), keys))):
            return None
    all_spans = state.spans
    if len(all_spans) == len(view) and list(all_spans) == list(view):
        spans = dict(all_spans)  # no span crosses into a segment without its own (usual)
    else:
        spans = {key: on for key in view if (on := all_spans.get(key))}
    multi = {key: by_key for key in state.multi if key in spans
             if (by_key := {k: ev for k, ev in spans[key].items() if ev.get("segments")})}
    return replace(state, codes=dict(view), left_out=None, spans=spans, multi=multi,
                   awaiting_recode=())


def columns_usable(columns: Columns, known: Known) -> bool:
    """Whether every coding of ``columns`` is usable as it is (what :func:`usable_state`
    would keep unchanged): no document renamed or archived, no code renamed or split,
    every document, segment and code in the project, every span with its offsets."""
    if known.doc_map or known.code_map.renamed or known.code_map.splits:
        return False
    if not known.codes.issuperset(columns.code):
        return False
    if None in columns.start or None in columns.end:
        return False  # a coding made before offsets: its segment's bounds are needed
    start, end = cast("list[int]", columns.start), cast("list[int]", columns.end)
    if min(start, default=0) < 0 or not all(map(lt, start, end)):
        return False
    segments = known.segments
    for doc, keys in groupby(dict.fromkeys(columns.key), itemgetter(0)):
        segs = segments.get(doc)
        if segs is None or not all(map(segs.__contains__, map(itemgetter(1), keys))):
            return False
    return True


def codings_of_columns(coder: str, columns: Columns, known: Known) -> list[Coding] | None:
    """The coder's codings as records (ordered as :func:`usable_state` leaves the spans),
    straight from columns, when every one is usable as it is: no document renamed or
    archived, no code renamed or split, every document, segment and code in the project,
    every span with its offsets. None otherwise (the caller folds the state instead).
    A handful of C-level passes over the columns, no Python step per coding."""
    if not columns_usable(columns, known):
        return None
    start, end = cast("list[int]", columns.start), cast("list[int]", columns.end)
    quote = columns.quote
    if None in quote:
        quote = [q or "" for q in quote]
    memos = columns.rest.memos
    memo = [memos.get(k) for k in columns.key] if memos else repeat(None)
    rows = zip(repeat(coder), map(itemgetter(0), columns.key),
               map(itemgetter(1), columns.key), columns.code, start, end, quote,
               columns.origin, memo, columns.decision)
    return list(map(_new, repeat(Coding), rows))


_new = tuple.__new__  # a Coding from a full tuple, without its Python __new__


def usable_states(project: Project, states: Iterable[CoderState], *,
                  known: Known | None = None) -> list[CoderState]:
    """:func:`usable_state` for several coders of the project."""
    known = known if known is not None else known_parts(project)
    return [usable_state(s, known) for s in states]


def load_usable(project: Project, coders: Iterable[str]) -> list[CoderState]:
    """The coders' states with only usable codings: the way every command that reads
    codings loads them (:func:`omissions` then says what was left out)."""
    return usable_states(project, [load_state(project, c) for c in coders])


@dataclass(frozen=True)
class LogDamage:
    """The lines of one log that could not be read, and how many events they held."""

    coder: str
    log: Path
    lines: tuple[int, ...]
    events: int


@dataclass(frozen=True)
class Omissions:
    """Everything a command left out of the codings it read."""

    damaged: tuple[LogDamage, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    #: (coder, code, count): codings of a split code waiting to be re-assigned
    awaiting_recode: tuple[tuple[str, str, int], ...] = ()
    #: (coder, what is gone): logs that lost lines this machine had read
    #: (:mod:`qcode.coding.continuity`; warned about, not in the JSON)
    not_append: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.damaged or self.left_out or self.awaiting_recode or self.not_append)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape (for ``--format json`` outputs that report omissions)."""
        return {"unreadable_lines": [{"coder": d.coder, "log": str(d.log),
                                      "lines": list(d.lines), "events": d.events}
                                     for d in self.damaged],
                "left_out_codings": [{"coder": lo.coder, "count": lo.total,
                                      "missing": [{"kind": k, "id": i, "count": n}
                                                  for k, i, n in lo.missing]}
                                     for lo in self.left_out],
                "awaiting_recode": [{"coder": c, "code": k, "count": n}
                                    for c, k, n in self.awaiting_recode]}


def omissions(states: Iterable[CoderState]) -> Omissions:
    """What the given coder states could not read (unreadable log lines) or use (codings
    left out by :func:`usable_state`), one entry per log and per coder."""
    damaged: list[LogDamage] = []
    left: list[LeftOut] = []
    awaiting: list[tuple[str, str, int]] = []
    gone: list[tuple[str, str]] = []
    seen: set[str] = set()
    for st in states:
        if st.coder in seen:
            continue
        seen.add(st.coder)
        if st.problems:
            damaged.append(LogDamage(st.coder, st.problems[0].path,
                                     tuple(p.line for p in st.problems),
                                     sum(p.events for p in st.problems)))
        if st.left_out is not None:
            left.append(st.left_out)
        awaiting.extend((st.coder, code, n) for code, n in st.awaiting_recode)
        if st.not_append:
            gone.append((st.coder, st.not_append))
    return Omissions(tuple(damaged), tuple(left), tuple(awaiting), tuple(gone))


def combined(*parts: Omissions) -> Omissions:
    """Several commands' worth of omissions as one, each log and coder named once (a report
    reads the same coder for its excerpts and its agreement summary)."""
    damaged: dict[Path, LogDamage] = {}
    left: dict[str, LeftOut] = {}
    awaiting: dict[tuple[str, str], int] = {}
    gone: dict[str, str] = {}
    for part in parts:
        for d in part.damaged:
            damaged.setdefault(d.log, d)
        for lo in part.left_out:
            left.setdefault(lo.coder, lo)
        for coder, code, n in part.awaiting_recode:
            awaiting.setdefault((coder, code), n)
        for coder, what in part.not_append:
            gone.setdefault(coder, what)
    return Omissions(tuple(damaged.values()), tuple(left.values()),
                     tuple((c, k, n) for (c, k), n in awaiting.items()),
                     tuple(gone.items()))

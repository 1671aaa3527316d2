"""``qcode search`` over a project: which documents, which hits, and the filters on them.

Documents are chosen as every reading command chooses them: ``--doc`` and ``--set``
through :func:`qcode.documents.sets.selected_documents`, then ``--where KEY=VALUE`` on
their attributes (values of one key are alternatives, keys must all hold; ``document=ID``
and ``speaker=NAME`` are accepted too, as ``qcode matrix`` does). Hits are then kept by
speaker (``--speaker``, the speaker of the segment a hit starts in) and by one coder's
codings: ``--in-code CODE`` keeps a hit that lies wholly inside a span the coder coded
with CODE (any of them, when repeated); ``--uncoded`` keeps a hit that overlaps none of
the coder's spans. Codings are read as every command reads them
(:func:`qcode.coding.usable.load_usable`: renamed codes and documents followed), and what
could not be read is returned in :attr:`SearchResult.omissions`.

Documents are read through the machine-local index (:mod:`qcode.index`: each document's
text and segment columns, used only while the file is provably the one indexed), and from
the file, validated, otherwise; their folded text is kept in memory for the texts searched
last (:func:`folded`).

Pure: returns records, never prints (the index is a rebuildable cache any read keeps).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from qcode.codebook.lookup import did_you_mean, resolve_code
from qcode.coding.store import log_path
from qcode.coding.usable import Omissions, load_usable, omissions
from qcode.documents.sets import selected_documents
from qcode.documents.where import parse_where
from qcode.errors import NotFoundError, UsageError
from qcode.index.documents import DocMeta, indexed_documents, meta_of
from qcode.models import Document
from qcode.project import Project
from qcode.search.folding import Folded, fold
from qcode.search.match import Matcher, Query, compile_query, matches_only_empty

#: characters of context on each side of a hit (``--context``)
CONTEXT = 40
#: keys of ``--where`` that are not document attributes
WHERE_SPECIAL = ("document", "speaker")
_CACHE_SIZE = 512
_folded: dict[str, Folded] = {}


class Hit(NamedTuple):
    """One place the query was found: ``[start, end)`` of the document text (code
    points), the segment it starts in (and every segment it touches when more than one),
    that segment's speaker and time, and up to :data:`CONTEXT` characters each side, cut
    at the edges of the hit's segments (white space runs shown as one space). A
    NamedTuple: a search can return tens of thousands."""

    doc: str
    segment: str
    segments: tuple[str, ...]
    speaker: str
    time_start: float | None
    start: int
    end: int
    text: str
    left: str
    right: str
    #: the fuzzy similarity (0-100); None for plain and regex hits
    score: float | None = None


@dataclass(frozen=True)
class DocumentTotal:
    document: str
    hits: int


@dataclass(frozen=True)
class SearchResult:
    """Every hit in document order, the totals of the documents with hits, how many
    documents were searched, and what the coder filters could not read."""

    query: Query
    hits: list[Hit]
    totals: list[DocumentTotal]
    documents_searched: int
    coder: str | None = None
    #: hits that lie in no segment (white space between turns): not listed
    outside: int = 0
    omissions: Omissions = field(default_factory=Omissions)


def folded(text: str) -> Folded:
    """The folded text (:func:`qcode.search.folding.fold`), kept in memory for the texts
    searched last (keyed by the text itself, so it is never stale)."""
    got = _folded.get(text)
    if got is None:
        if len(_folded) >= _CACHE_SIZE:
            _folded.pop(next(iter(_folded)))
        got = _folded[text] = fold(text)
    return got


def _left(text: str, start: int, floor: int, width: int) -> str:
    raw = text[max(floor, start - width * 2):start]
    flat = " ".join(raw.split()) + (" " if raw[-1:].isspace() else "")
    return flat[-width:] if len(flat) > width else flat


def _right(text: str, end: int, ceiling: int, width: int) -> str:
    raw = text[end:min(ceiling, end + width * 2)]
    flat = (" " if raw[:1].isspace() else "") + " ".join(raw.split())
    return flat[:width]


def hits_in(doc: Document | DocMeta, matcher: Matcher, *, context: int = CONTEXT
            ) -> tuple[list[Hit], int]:
    """The hits of ``matcher`` in ``doc`` (a document, or the index's view of one with its
    text), and how many lie in no segment."""
    meta = meta_of(doc) if isinstance(doc, Document) else doc
    ids, starts, ends = meta.segment_ids, meta.starts, meta.ends
    n = len(ids)
    hits: list[Hit] = []
    outside = 0
    text = meta.text
    for start, end, score in matcher.find(folded(text)):
        i = first = bisect.bisect_right(ends, start)
        while i < n and starts[i] < end:
            i += 1
        if i == first or start < starts[first] or end > ends[i - 1]:
            outside += 1
            continue
        hits.append(Hit(meta.id, ids[first], ids[first:i], meta.speakers[first],
                        meta.time_starts[first], start, end, text[start:end],
                        _left(text, start, starts[first], context),
                        _right(text, end, ends[i - 1], context), score))
    return hits, outside


def read_documents(project: Project, ids: Sequence[str]) -> list[DocMeta]:
    """The documents ``ids`` with their text, in order: from the machine-local index
    (:mod:`qcode.index`) where it can vouch for the file, else read and validated from the
    file (with its errors)."""
    known = indexed_documents(project, ids, text=True)
    return [known[i] if i in known else meta_of(project.load_document(i)) for i in ids]


# ----------------------------------------------------------------------------- filters


def _known_values(docs: Sequence[DocMeta], key: str) -> list[str]:
    if key == "document":
        values = {d.id for d in docs}
    elif key == "speaker":
        values = {s for d in docs for s in d.speakers}
    else:
        values = {d.attributes[key] for d in docs if d.attributes.get(key)}
    return sorted(values, key=str.casefold)


def _check_where(docs: Sequence[DocMeta], where: dict[str, tuple[str, ...]]) -> None:
    """An attribute or a value no document has is a typo, not an empty selection."""
    names = sorted({k for d in docs for k in d.attributes}, key=str.casefold)
    for key, values in where.items():
        if key not in WHERE_SPECIAL and key not in names:
            raise NotFoundError(f"--where: no document attribute '{key}'"
                                + did_you_mean(key, names),
                                hint=f"attributes: {', '.join(names)}" if names else
                                "add them with qcode attributes import")
        known = _known_values(docs, key)
        for value in values:
            if value not in known:
                what = "document" if key == "document" else f"value of {key}"
                shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
                raise NotFoundError(f"--where {key}={value}: no such {what} in the documents "
                                    "searched" + did_you_mean(value, known),
                                    hint=f"{key} values: {shown}")


def _check_speakers(docs: Sequence[DocMeta], speakers: Sequence[str]) -> None:
    known = _known_values(docs, "speaker")
    for name in speakers:
        if name not in known:
            shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
            raise NotFoundError(f"--speaker {name}: no such speaker in the documents searched"
                                + did_you_mean(name, known), hint=f"speakers: {shown}")


def _where_holds(doc: DocMeta, where: dict[str, tuple[str, ...]]) -> bool:
    for key, values in where.items():
        if key == "speaker":
            continue
        have = doc.id if key == "document" else doc.attributes.get(key, "")
        if have not in values:
            return False
    return True


# intervals of one document: (start, end) sorted by start
Intervals = list[tuple[int, int]]


def _coded(project: Project, coder: str, codes: frozenset[str] | None,
           docs: dict[str, DocMeta]) -> tuple[dict[str, Intervals], Omissions]:
    """The spans the coder coded (with one of ``codes``; any code when None), per
    document; a whole-segment coding of an old log is its segment's offsets."""
    log_path(project, coder)  # a coder without a log is an error naming the coders
    states = load_usable(project, [coder])
    out: dict[str, Intervals] = {}
    for (doc_id, seg_id), by_key in states[0].spans.items():
        doc = docs.get(doc_id)
        if doc is None:
            continue
        for code, start, end in by_key:
            if codes is not None and code not in codes:
                continue
            if start < 0 or end < 0:
                if seg_id not in doc.segment_ids:
                    continue
                k = doc.segment_ids.index(seg_id)
                start, end = doc.starts[k], doc.ends[k]
            out.setdefault(doc_id, []).append((start, end))
    for spans in out.values():
        spans.sort()
    return out, omissions(states)


def _inside(spans: Intervals, start: int, end: int) -> bool:
    i = bisect.bisect_right(spans, (start, float("inf")))
    return any(a <= start and end <= b for a, b in spans[:i])


def _overlaps(spans: Intervals, start: int, end: int) -> bool:
    i = bisect.bisect_left(spans, (end, -1))
    return any(b > start for _a, b in spans[:i])


# ----------------------------------------------------------------------------- search


def search(project: Project, query: Query, *, docs: Sequence[str] = (),
           sets: Sequence[str] = (), where: Sequence[str] = (),
           speakers: Sequence[str] = (), in_codes: Sequence[str] = (),
           uncoded: bool = False, coder: str | None = None,
           context: int = CONTEXT) -> SearchResult:
    """Search the project's documents for ``query`` (see :mod:`qcode.search.match` for
    what matches and the module docstring for the filters).

    ``docs`` are ids or unique prefixes, ``sets`` set names, ``where`` ``KEY=VALUE``
    items, ``in_codes`` code ids or names; ``in_codes`` and ``uncoded`` need ``coder``.
    """
    matcher = compile_query(query)
    if in_codes and uncoded:
        raise UsageError("give --in-code or --uncoded, not both",
                         hint="--in-code keeps hits in coded text, --uncoded hits outside it")
    if (in_codes or uncoded) and not coder:
        raise UsageError(f"{'--in-code' if in_codes else '--uncoded'} needs --coder",
                         hint="whose codings to look at, e.g. --coder ingrid")
    conditions = parse_where(where)
    speakers = [*speakers, *conditions.get("speaker", ())]
    ids = selected_documents(project, docs, sets) or project.document_ids()
    documents = read_documents(project, ids)
    if conditions:
        _check_where(documents, conditions)
        documents = [d for d in documents if _where_holds(d, conditions)]
    if speakers:
        _check_speakers(documents, speakers)
    codes = frozenset(resolve_code(project.codebook, c).id for c in in_codes) \
        if in_codes else None
    coded: dict[str, Intervals] | None = None
    om = Omissions()
    if coder and (in_codes or uncoded):
        coded, om = _coded(project, coder, codes, {d.id: d for d in documents})
    hits: list[Hit] = []
    totals: list[DocumentTotal] = []
    outside = 0
    wanted = frozenset(speakers)
    matched = 0  # before the speaker and coder filters
    for doc in documents:
        found, out = hits_in(doc, matcher, context=context)
        outside += out
        matched += len(found) + out
        if wanted:
            found = [h for h in found if h.speaker in wanted]
        if coded is not None:
            spans = coded.get(doc.id, [])
            found = [h for h in found if (_inside(spans, h.start, h.end) if in_codes
                                          else not _overlaps(spans, h.start, h.end))]
        if found:
            hits.extend(found)
            totals.append(DocumentTotal(doc.id, len(found)))
    if not matched and matches_only_empty(matcher, (folded(d.text).text for d in documents)):
        raise UsageError(f"the --regex pattern {query.text!r} matches only empty text (no "
                         "characters), so there is nothing to show or code",
                         hint="make it match at least one character, e.g. '^\\w+' for the "
                              "first word of a line")
    return SearchResult(query, hits, totals, len(documents), coder, outside, om)

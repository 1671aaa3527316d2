"""The diff of two coders (``qcode diff``): every segment where they gave different code
sets or marked different words with a code, and how often each code was given by both,
only by one or only by the other.

Two ways give the same result (``tests/reconcile/test_diff_rows.py``): two coders read as
rows from their checkpoints' columns are compared all at once (:func:`diff_rows`, through
:mod:`qcode.reconcile.span_rows`), others segment by segment (:func:`diff_segments`). The
records are :mod:`qcode.reconcile.units`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from qcode.coding.usable import known_parts, omissions
from qcode.errors import UsageError
from qcode.index.documents import DocMeta
from qcode.project import Project
from qcode.reconcile.gc_pause import gc_paused
from qcode.reconcile.positions import Spans, coverage_in
from qcode.reconcile.segment_codings import SegmentCodings, load_segment_codings
from qcode.reconcile.span_rows import SpanRows, compare_rows, restricted
from qcode.reconcile.units import (
    CodeCount,
    DiffResult,
    SegmentDiff,
    check_named_once,
    code_name,
    code_sort_key,
    coded_segment,
    coders_on,
    compared_documents,
    document_scope,
    resolve_codes,
    span_differences,
)


@gc_paused
def diff(project: Project, a: str, b: str, docs: list[str] | None = None,
         codes: list[str] | None = None, all_docs: bool = False) -> DiffResult:
    """Every segment where coders ``a`` and ``b`` gave different code sets, or marked
    different words with a code (each disagreement lists the stretches only one of them
    marked, in ``spans``).

    ``docs`` restricts the comparison to those documents; ``codes`` (ids or names) to those
    codes. ``per_code`` counts, over every segment compared (agreeing ones included), how
    often each code was given by both, only by ``a`` and only by ``b``.
    """
    if a.casefold() == b.casefold():
        raise UsageError(f"cannot compare coder '{a}' with itself",
                         hint="name two different coders: qcode diff --coder A --coder B")
    check_named_once([a, b])
    known = known_parts(project)
    states = [load_segment_codings(project, c, known) for c in (a, b)]
    code_filter = resolve_codes(project.codebook, codes)
    scope = document_scope(project, states, docs, all_docs)
    compared = None
    if states[0].rows is not None and states[1].rows is not None:
        compared = diff_rows(project, states[0].rows, states[1].rows, a, b, scope.docs,
                             code_filter)
    found, counts, n = compared if compared is not None else \
        diff_segments(project, states, a, b, scope.docs, code_filter)
    if code_filter is not None:
        for code in code_filter:
            counts.setdefault(code, [0, 0, 0])
    key = code_sort_key(project.codebook)
    per_code = tuple(CodeCount(code=c, name=code_name(project.codebook, c), both=v[0],
                               only_a=v[1], only_b=v[2])
                     for c, v in sorted(counts.items(), key=lambda kv: key(kv[0])))
    return DiffResult(a=a, b=b, documents=tuple(scope.docs),
                      codes=tuple(sorted(code_filter)) if code_filter is not None else None,
                      segments_compared=n, disagreements=tuple(found), per_code=per_code,
                      skipped_documents=tuple(scope.skipped), warnings=tuple(scope.warnings),
                      omissions=omissions(st.source for st in states))


#: what both ways of diffing give: the differing segments, in order; code -> [both, only
#: a, only b]; the number of segments compared
Compared = tuple[list[SegmentDiff], dict[str, list[int]], int]


def diff_segments(project: Project, states: Sequence[SegmentCodings], a: str, b: str,
                  docs: list[str], code_filter: frozenset[str] | None) -> Compared:
    """:func:`diff`'s comparison segment by segment, every segment of ``docs`` in turn
    (any :class:`SegmentCodings`)."""
    found: list[SegmentDiff] = []
    counts: dict[str, list[int]] = {}
    n = 0
    for doc_id, meta in compared_documents(project, docs):
        on_doc = coders_on(states, doc_id)
        for k, seg_id in enumerate(meta.segment_ids):
            sets, spans = coded_segment(on_doc, doc_id, seg_id, (meta.starts[k], meta.ends[k]),
                                        code_filter, meta.text)
            n += 1
            set_a, set_b = sets[a], sets[b]
            for code in set_a | set_b:
                row = counts.setdefault(code, [0, 0, 0])
                row[0 if code in set_a and code in set_b else 1 if code in set_a else 2] += 1
            differs = segment_diff(meta, k, sets, spans, a, b)
            if differs is not None:
                found.append(differs)
    return found, counts, n


def diff_rows(project: Project, rows_a: SpanRows, rows_b: SpanRows, a: str, b: str,
              docs: list[str], code_filter: frozenset[str] | None) -> Compared | None:
    """:func:`diff_segments` for two coders read as rows, all at once
    (:mod:`qcode.reconcile.span_rows`): only the segments where their spans differ are
    compared one by one, and only their documents' texts are read. None where a compared
    document lists a segment id twice (then :func:`diff_segments` compares them)."""
    both = compare_rows(restricted(rows_a, docs, code_filter),
                        restricted(rows_b, docs, code_filter))
    found: list[SegmentDiff] = []
    only: dict[str, tuple[int, int]] = {}
    n = 0
    for doc_id, meta in compared_documents(project, docs, text=both.differing):
        if len(set(meta.segment_ids)) != len(meta.segment_ids):
            return None
        n += len(meta.segment_ids)
        on_doc = both.differing.get(doc_id)
        if on_doc is None:
            continue
        text = meta.text
        position = dict(zip(meta.segment_ids, range(len(meta.segment_ids)), strict=True))
        for k in sorted(position[seg_id] for seg_id in on_doc):
            bounds = (meta.starts[k], meta.ends[k])
            sets: dict[str, frozenset[str]] = {}
            spans: dict[str, dict[str, Spans]] | None = None
            for coder, on in zip((a, b), on_doc[meta.segment_ids[k]], strict=True):
                sets[coder] = frozenset(map(itemgetter(0), on))
                if on:
                    cov = coverage_in(on, bounds, code_filter, (), text)
                    if cov is not None:
                        spans = spans if spans is not None else {}
                        spans[coder] = cov
            set_a, set_b = sets[a], sets[b]
            for code in set_a ^ set_b:
                only_a, only_b = only.get(code, (0, 0))
                only[code] = (only_a + 1, only_b) if code in set_a else (only_a, only_b + 1)
            differs = segment_diff(meta, k, sets, spans, a, b)
            if differs is not None:
                found.append(differs)
    return found, both.counts(only), n


def segment_diff(meta: DocMeta, k: int, sets: dict[str, frozenset[str]],
                 spans: dict[str, dict[str, Spans]] | None, a: str, b: str
                 ) -> SegmentDiff | None:
    """The k-th segment of the document ``meta`` as a disagreement, from the coders' code
    ``sets`` and ``spans`` there (as in :class:`Unit`); None where they agree."""
    text = meta.text
    bounds = (meta.starts[k], meta.ends[k])
    set_a, set_b = sets[a], sets[b]
    differ = span_differences(text, bounds, sets, spans, a, b) \
        if spans is not None or set_a != set_b else ()
    if set_a == set_b and not differ:
        return None
    return SegmentDiff(doc=meta.id, segment=meta.segment_ids[k], speaker=meta.speakers[k],
                       time_start=meta.time_starts[k], text=text[bounds[0]:bounds[1]],
                       only_a=tuple(sorted(set_a - set_b)), only_b=tuple(sorted(set_b - set_a)),
                       both=tuple(sorted(set_a & set_b)), spans=differ)

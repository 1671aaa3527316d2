"""What ``diff`` reads of a coder: the codes on each segment and the spans under their
first segment, without the fold's per-coding event dicts when it can.

:class:`SegmentCodings` is taken from a folded, usable state (:func:`of_state`), or
straight from the checkpoint's columns (:func:`load_segment_codings`) when the log is
unchanged since the checkpoint, every coding is usable as it is and no span crosses into
a later segment; then it holds the codings as :class:`~qcode.reconcile.span_rows.SpanRows`
(which ``diff`` compares all at once), and each segment's codes are those of the spans
under it, as the fold's segment view has them (made the first time they are asked for).
At 2,000 transcripts the columns take about a third of the memory of the two folded
states. Both give the same diff (tested).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import cast

from qcode.coding import store
from qcode.coding.fold import CoderState
from qcode.coding.usable import Known, columns_usable, usable_state
from qcode.project import Project
from qcode.reconcile.span_rows import SpanRows

SpanKeys = Collection[tuple[str, int, int]]


class SegmentCodings:
    """One coder's codings as ``diff`` compares them."""

    def __init__(self, coder: str, done: Collection[str], source: CoderState,
                 crossing: bool, *, rows: SpanRows | None = None,
                 codes: Mapping[tuple[str, str], Collection[str]] | None = None,
                 spans: Mapping[tuple[str, str], SpanKeys] | None = None) -> None:
        self.coder = coder
        #: documents the coder marked complete
        self.done = done
        #: the state whose ``problems`` and ``left_out`` say what was left out, and (when
        #: ``crossing``) whose spans across segments ``diff`` reads
        self.source = source
        #: whether any span crosses from its first segment into later ones
        self.crossing = crossing
        #: the codings as rows, segment by segment (from the checkpoint's columns), or None
        #: (from a folded state: ``codes`` and ``spans`` are the state's)
        self.rows = rows
        self._codes = codes
        self._spans = spans

    @property
    def codes(self) -> Mapping[tuple[str, str], Collection[str]]:
        """(doc, segment) -> the codes present on it (a span of the code overlaps it)."""
        if self._codes is None:
            self._group()
        return cast("Mapping[tuple[str, str], Collection[str]]", self._codes)

    @property
    def spans(self) -> Mapping[tuple[str, str], SpanKeys]:
        """(doc, first segment) -> the (code, start, end) of the spans that start in it."""
        if self._spans is None:
            self._group()
        return cast("Mapping[tuple[str, str], SpanKeys]", self._spans)

    def documents(self) -> set[str]:
        """The documents the coder has any code on."""
        if self.rows is not None:
            return self.rows.documents()
        return {doc for doc, _ in self.codes}

    def _group(self) -> None:
        """``codes`` and ``spans`` from the rows (the codings come segment by segment)."""
        rows = cast("SpanRows", self.rows)
        codes: dict[tuple[str, str], list[str]] = {}
        spans: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
        prev: tuple[str, str] | None = None
        on: list[tuple[str, int, int]] = []
        have: list[str] = []
        # the codings come segment by segment (one key object per segment); each segment's
        # codes in the order of their spans, once each
        for key, c, s, e in zip(*rows, strict=True):
            if key is not prev and key != prev:
                prev, on, have = key, [(c, s, e)], [c]
                spans[key], codes[key] = on, have
            else:
                on.append((c, s, e))
                if c not in have:
                    have.append(c)
        self._codes, self._spans = codes, spans


def of_state(state: CoderState) -> SegmentCodings:
    """A usable state's :class:`SegmentCodings` (its dicts, not copied)."""
    return SegmentCodings(state.coder, state.done, state, bool(state.multi),
                          codes=state.codes, spans=state.spans)


def load_segment_codings(project: Project, coder: str, known: Known) -> SegmentCodings:
    """The coder's usable :class:`SegmentCodings`, from the checkpoint's columns when they
    serve (module docstring; also a copied log the checkpoint holds whole:
    :func:`~qcode.coding.store.columns_or_state`), else from the folded log."""
    columns = store.columns_or_state(project, coder, quotes=False)
    if isinstance(columns, CoderState):
        return of_state(usable_state(columns, known))
    if columns.crossing or not columns_usable(columns, known):
        return of_state(usable_state(store.load_state(project, coder), known))
    # every offset is there (columns_usable checked it)
    rows = SpanRows(columns.key, columns.code, cast("list[int]", columns.start),
                    cast("list[int]", columns.end))
    return SegmentCodings(coder, columns.rest.done, columns.rest, False, rows=rows)

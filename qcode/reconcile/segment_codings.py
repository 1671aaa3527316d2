"""What ``diff`` reads of a coder: the codes on each segment and the spans under their
first segment, without the fold's per-coding event dicts when it can.

:class:`SegmentCodings` is taken from a folded, usable state (:func:`of_state`), or
straight from the checkpoint's columns (:func:`load_segment_codings`) when the log is
unchanged since the checkpoint, every coding is usable as it is and no span crosses into
a later segment; then each segment's codes are those of the spans under it, as the fold's
segment view has them. At 2,000 transcripts the columns take about a third of the
memory of the two folded states. Both give the same diff (tested).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import cast

from qcode.coding import store
from qcode.coding.fold import CoderState
from qcode.coding.usable import Known, columns_usable, usable_state
from qcode.project import Project

SpanKeys = Collection[tuple[str, int, int]]


@dataclass(frozen=True)
class SegmentCodings:
    """One coder's codings as ``diff`` compares them."""

    coder: str
    #: (doc, segment) -> the codes present on it (a span of the code overlaps it)
    codes: Mapping[tuple[str, str], Collection[str]]
    #: (doc, first segment) -> the (code, start, end) of the spans that start in it
    spans: Mapping[tuple[str, str], SpanKeys]
    #: documents the coder marked complete
    done: Collection[str]
    #: the state whose ``problems`` and ``left_out`` say what was left out, and (when
    #: ``crossing``) whose spans across segments ``diff`` reads
    source: CoderState
    #: whether any span crosses from its first segment into later ones
    crossing: bool


def of_state(state: CoderState) -> SegmentCodings:
    """A usable state's :class:`SegmentCodings` (its dicts, not copied)."""
    return SegmentCodings(state.coder, state.codes, state.spans, state.done, state,
                          bool(state.multi))


def load_segment_codings(project: Project, coder: str, known: Known) -> SegmentCodings:
    """The coder's usable :class:`SegmentCodings`, from the checkpoint's columns when they
    serve (module docstring; also a copied log the checkpoint holds whole:
    :func:`~qcode.coding.store.columns_or_state`), else from the folded log."""
    columns = store.columns_or_state(project, coder, quotes=False)
    if isinstance(columns, CoderState):
        return of_state(usable_state(columns, known))
    if columns.crossing or not columns_usable(columns, known):
        return of_state(usable_state(store.load_state(project, coder), known))
    codes: dict[tuple[str, str], list[str]] = {}
    spans: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
    # every offset is there (columns_usable checked it)
    starts, ends = cast("list[int]", columns.start), cast("list[int]", columns.end)
    prev: tuple[str, str] | None = None
    on: list[tuple[str, int, int]] = []
    have: list[str] = []
    # the codings come segment by segment (one key object per segment); each segment's
    # codes in the order of their spans, once each
    for key, c, s, e in zip(columns.key, columns.code, starts, ends, strict=True):
        if key is not prev and key != prev:
            prev, on, have = key, [(c, s, e)], [c]
            spans[key], codes[key] = on, have
        else:
            on.append((c, s, e))
            if c not in have:
                have.append(c)
    return SegmentCodings(coder, codes, spans, columns.rest.done, columns.rest, False)

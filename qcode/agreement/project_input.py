"""What project agreement reads of each coder: their usable spans as columns, the
documents they completed, and what was left out.

A coder's log is read the cheap way when it can be: when the checkpoint vouches for the
log (unchanged since it was folded) and every coding in it is usable as it is, the spans
come straight from the checkpoint's columns (:func:`qcode.coding.store.unchanged_columns`)
without the fold's per-coding event dicts, about half the memory at 2,000 transcripts.
Otherwise the log is folded and :func:`qcode.coding.usable.usable_state` decides what is
usable. Both give the same columns (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from qcode.agreement.presence import SpanColumns, span_columns, span_columns_of
from qcode.coding import store
from qcode.coding.checkpoint import Columns
from qcode.coding.fold import CoderState
from qcode.coding.usable import Known, columns_usable, usable_state
from qcode.project import Project


@dataclass(frozen=True)
class CoderSpans:
    """One coder's usable spans, the documents they marked complete (as logged, before
    renames are followed) and the state whose ``problems`` and ``left_out`` say what was
    left out (:func:`qcode.coding.usable.omissions`)."""

    coder: str
    columns: SpanColumns
    done: frozenset[str]
    source: CoderState


def columns_spans(coder: str, columns: Columns, known: Known) -> CoderSpans | None:
    """The coder's :class:`CoderSpans` straight from the checkpoint's ``columns`` when every
    coding in them is usable as it is; None when the log must be folded instead."""
    if not columns_usable(columns, known):
        return None
    return CoderSpans(coder, span_columns_of(columns), frozenset(columns.rest.done),
                      columns.rest)


def coder_spans(project: Project, coder: str, known: Known,
                state: CoderState | None = None) -> CoderSpans:
    """The coder's :class:`CoderSpans`; ``state``: their folded log, if the caller has it."""
    if state is None:
        columns = store.unchanged_columns(project, coder, quotes=False)
        quick = columns_spans(coder, columns, known) if columns is not None else None
        if quick is not None:
            return quick
        state = store.load_state(project, coder)
    usable = usable_state(state, known)
    # the spans go into the columns; the source keeps what the omissions read (problems,
    # codings left out), so the folded log is freed once its columns are made (a first
    # read of two coders at 2,000 transcripts no longer holds both folds at once)
    rest = replace(usable, codes={}, spans={}, multi={})
    return CoderSpans(coder, span_columns(usable), frozenset(state.done), rest)


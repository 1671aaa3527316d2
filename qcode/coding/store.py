"""Coders' append-only event logs (``codings/<coder>.jsonl``) and their current state.

Each line is one :class:`qcode.models.CodingEvent` in JSON, or, when one action writes
several events (``tag`` on a range, an import, a re-anchoring), a JSON array of them: a crash
can then tear an action only as a whole, never leave half of it. An append takes the coder's
exclusive lock, writes its line(s) with ``write`` on an ``O_APPEND`` descriptor,
fsyncs the file (and the folder when the file is new), and only then reports success: every
action a command confirms survives a crash, Ctrl-C or kill. Readers take the lock shared, so
they never mistake a batch being written for a torn line.

A torn last line (a crash mid-write) is detected on reading, reported, and skipped; the next
append first closes it with a newline, so it never takes good lines with it. An unreadable
line elsewhere (a bad hand edit) is reported and skipped the same way.

The current state of a coder is the fold of the log: events in order, minus the ones an
``undo`` reverted. A checkpoint of the fold (``codings/.<coder>.checkpoint``, see
:mod:`qcode.coding.checkpoint`) lets large logs load without replaying every line; it is used
only when the log still starts with exactly the bytes it was made from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qcode._io.locking import shared
from qcode._io.nofollow import read_nofollow
from qcode.codebook.load import suggestions
from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import continuity
from qcode.coding.collector import collector_paused
from qcode.coding.conflicts import CONFLICT, cut_at_markers
from qcode.coding.continuity import seen_path
from qcode.coding.drafts import AddDraft, EventDraft, MemoDraft, RemoveDraft
from qcode.coding.events import LogProblem as LogProblem
from qcode.coding.events import LogRead as LogRead
from qcode.coding.events import parse_lines
from qcode.coding.fold import CoderState as CoderState
from qcode.coding.fold import apply_event as apply_event
from qcode.coding.fold import fold as fold
from qcode.coding.fold import fold_bytes
from qcode.coding.fold import replay as replay
from qcode.coding.fold import undone_seqs as undone_seqs
from qcode.coding.log_file import (
    Appended,
    append_locked,
    last_action,
    lock_path,
    open_for_append,
)
from qcode.coding.spans import check_span, span_segments
from qcode.coding.stamped import read_stamped, unchanged_stamp
from qcode.coding.text_guard import guarded
from qcode.errors import ConflictError, NotFoundError, ProjectDamagedError, UsageError
from qcode.models import Coding, CodingEvent, Document, Origin
from qcode.project import Project

CODER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


# ----------------------------------------------------------------------------- coders


def validate_coder_name(name: str) -> str:
    """Check that a coder name is a safe file name; return it unchanged.

    >>> validate_coder_name("ingrid")
    'ingrid'
    """
    if not CODER_RE.match(name) or name.lower() in _RESERVED:
        raise UsageError(
            f"'{name}' is not a valid coder name",
            hint="use 1-32 letters, digits, '-' or '_', starting with a letter or digit",
        )
    return name


def coder_names(project: Project) -> list[str]:
    """Every coder with a log in the project, sorted case-insensitively."""
    folder: Path = project.codings_dir
    if not folder.is_dir():
        return []
    return sorted((p.stem for p in folder.glob("*.jsonl") if CODER_RE.match(p.stem)),
                  key=str.casefold)


def log_path(project: Project, coder: str, *, create: bool = False) -> Path:
    """The log file of ``coder``. Names are unique regardless of case: ``Ingrid`` and
    ``ingrid`` are refused as two coders. Without ``create``, a coder without a log is an
    error."""
    validate_coder_name(coder)
    for existing in coder_names(project):
        if existing.casefold() == coder.casefold() and existing != coder:
            raise ConflictError(f"coder '{coder}' clashes with existing coder '{existing}' "
                                "(names are compared without case)",
                                hint=f"use --coder {existing}")
    path = project.codings_dir / f"{coder}.jsonl"
    if not create and not path.exists() and not path.is_symlink():  # a link is refused on open
        names = coder_names(project)
        near = suggestions(coder, names)
        hint = (f"did you mean {', '.join(near)}?" if near else
                f"coders in this project: {', '.join(names)}" if names else
                "no coder has coded yet")
        raise NotFoundError(f"no coder '{coder}' in this project", hint=hint)
    return path


# ----------------------------------------------------------------------------- reading


def read_log_bytes(path: Path) -> bytes:
    """The bytes of a log, read while no writer is in the middle of an append."""
    with shared(lock_path(path)):
        try:
            return read_nofollow(path)
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise ProjectDamagedError(
                f"cannot read {path} ({exc.strerror or type(exc).__name__})",
                hint="check the file and its permissions") from None


def read_log(path: Path) -> LogRead:
    """Read every good event of a log as plain dicts (fast); report unreadable lines."""
    return parse_lines(read_log_bytes(path), path)


# ----------------------------------------------------------------------------- folding


def state_from_bytes(coder: str, data: bytes, path: Path, *,
                     checkpoint: Path | None = None, seen: Path | None = None,
                     stamp: tuple[log_checkpoint.LogStamp, int] | None = None) -> CoderState:
    """The fold of log bytes, starting from a valid checkpoint when one is given. A log
    with git conflict markers is read up to the first one (the rest is a problem of the
    state); with ``seen`` (the record of what this machine read, see
    :mod:`qcode.coding.continuity`), a log that lost lines says so in ``not_append``.
    ``stamp``: the log file's stamp when ``data`` (the whole file) was read, and the time
    just before that read, for the checkpoint to record."""
    cut = cut_at_markers(data)
    not_append = None
    if cut is not None:
        data = cut.data
        stamp = None
    elif seen is not None:
        not_append = continuity.check(seen, data, path)
    st = _fold_bytes(coder, data, path, checkpoint, stamp)
    if cut is not None:
        st.problems.append(LogProblem(path, cut.line, f"{CONFLICT}: the {cut.lines} lines "
                                      "from here on are not read", max(1, cut.events)))
    elif seen is not None:
        st.not_append = not_append
    return st


def _fold_bytes(coder: str, data: bytes, path: Path, checkpoint: Path | None,
                stamp: tuple[log_checkpoint.LogStamp, int] | None) -> CoderState:
    with collector_paused():
        resumed = log_checkpoint.resume(checkpoint, coder, data, path) if checkpoint else None
        if resumed is not None:
            st, replayed = resumed
        else:
            st = fold_bytes(coder, data, path)
            replayed = st.n_events
        renew = resumed is not None and replayed > 0 and checkpoint is not None and \
            log_checkpoint.worth_renewing(checkpoint)
        if checkpoint is not None and (replayed >= log_checkpoint.MIN_EVENTS or renew):
            log_checkpoint.save(checkpoint, st, data, stamp=stamp[0] if stamp else None,
                                read_ns=stamp[1] if stamp else 0)
        elif checkpoint is not None and resumed is not None and replayed == 0 and stamp:
            # the checkpoint holds the whole log: let the next load trust its stamp
            log_checkpoint.restamp(checkpoint, coder, data, *stamp)
    return st


def checkpoint_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.checkpoint")


def _unchanged_state(coder: str, path: Path) -> CoderState | None:
    """The coder's state from the checkpoint alone, when the log (by its stamp) and this
    machine's record of it are as the checkpoint found them; None otherwise."""
    stamp = unchanged_stamp(path)
    if stamp is None:
        return None
    with collector_paused():
        return log_checkpoint.load_unchanged(checkpoint_path(path), coder, stamp, path)


def unchanged_columns(project: Project, coder: str, *,
                      quotes: bool = True) -> log_checkpoint.Columns | None:
    """The coder's codings as columns (:class:`qcode.coding.checkpoint.Columns`) straight
    from the checkpoint, when the log is unchanged since it was made (see
    :func:`load_state`); None otherwise (then :func:`load_state` gives the state).
    Without ``quotes`` the quotes are not read (the ``quote`` column is empty)."""
    path = log_path(project, coder)
    stamp = unchanged_stamp(path)
    if stamp is None:
        return None
    with collector_paused():
        return log_checkpoint.load_columns(checkpoint_path(path), coder, stamp, path,
                                           quotes=quotes)


def columns_or_state(project: Project, coder: str, *, quotes: bool = True
                     ) -> log_checkpoint.Columns | CoderState:
    """The coder's codings as columns (:func:`unchanged_columns`), also when the log was
    not vouched for by its stamp (a copied or checked-out project) but the checkpoint holds
    exactly the whole log as it reads now: the checkpoint is then restamped, as
    :func:`load_state` would, and its columns read. Else the coder's state, folded as
    :func:`load_state` does (the log is read once either way)."""
    columns = unchanged_columns(project, coder, quotes=quotes)
    if columns is not None:
        return columns
    path = log_path(project, coder)
    quick = _unchanged_state(coder, path)
    if quick is not None:
        return quick
    data, stamp, read_ns = read_stamped(path)
    checkpoint, seen = checkpoint_path(path), seen_path(path)
    if stamp is not None and log_checkpoint.holds_whole(checkpoint, coder, len(data)) and \
            cut_at_markers(data) is None and continuity.check(seen, data, path) is None:
        log_checkpoint.restamp(checkpoint, coder, data, stamp, read_ns)
        columns = unchanged_columns(project, coder, quotes=quotes)
        if columns is not None:
            return columns
    return state_from_bytes(coder, data, path, checkpoint=checkpoint, seen=seen,
                            stamp=(stamp, read_ns) if stamp is not None else None)


def unchanged(project: Project, coder: str) -> bool:
    """Whether the coder's log is unchanged since its checkpoint was made, so that it loads
    from the checkpoint without being read (only the checkpoint's header is read here)."""
    path = log_path(project, coder)
    stamp = unchanged_stamp(path)
    return stamp is not None and log_checkpoint.vouches(checkpoint_path(path), coder, stamp)


def load_state(project: Project, coder: str) -> CoderState:
    """The coder's current state (every code, memo and completed document)."""
    path = log_path(project, coder)
    quick = _unchanged_state(coder, path)
    if quick is not None:
        return quick
    data, stamp, read_ns = read_stamped(path)
    return state_from_bytes(coder, data, path, checkpoint=checkpoint_path(path),
                            seen=seen_path(path),
                            stamp=(stamp, read_ns) if stamp is not None else None)


def load_state_or_empty(project: Project, coder: str) -> CoderState:
    """Like :func:`load_state`, but a coder without a log yet has an empty state."""
    path = log_path(project, coder, create=True)
    if not path.exists():
        return CoderState(coder=coder)
    return load_state(project, coder)


def current_codings(project: Project, coder: str) -> list[Coding]:
    """The coder's current codings (the fold of their log)."""
    return load_state(project, coder).codings()


def completed_documents(project: Project, coder: str) -> set[str]:
    """Documents the coder has marked complete (``qcode done``)."""
    return set(load_state(project, coder).done)


# ----------------------------------------------------------------------------- writing


def append(project: Project, coder: str, events: Sequence[EventDraft]) -> Appended:
    """Append events as one batch; return them, with offsets, once they are on disk."""
    if not events:
        return Appended([], -1, -1)
    path = log_path(project, coder, create=True)
    with guarded(project, events), open_for_append(path) as fd:  # waits while text changes
        return append_locked(fd, events, path)


def append_events(project: Project, coder: str, events: Sequence[EventDraft]
                  ) -> list[CodingEvent]:
    """Append events to the coder's log under a lock; return them once they are on disk.

    Each draft (:mod:`qcode.coding.drafts`) gives the event fields except ``seq`` and
    ``time``, which are assigned here.
    """
    return append(project, coder, events).records


# ----------------------------------------------------------------------------- actions


def _segment(doc: Document, segment_id: str) -> Any:
    seg = doc.segment(segment_id)
    if seg is None:
        raise NotFoundError(f"no segment '{segment_id}' in document {doc.id}",
                            hint=f"segments run from {doc.segments[0].id} to "
                                 f"{doc.segments[-1].id}" if doc.segments else None)
    return seg


def add_events(state: CoderState, doc: Document, segment_ids: list[str],
               code_ids: list[str], *, origin: Origin = "manual", memo: str | None = None,
               decision: str | None = None) -> list[AddDraft | MemoDraft]:
    """The events that put codes on whole segments (and a memo), given the coder's state;
    a code whose whole-segment span is there already is left alone."""
    events: list[AddDraft | MemoDraft] = []
    for sid in segment_ids:
        seg = _segment(doc, sid)
        have = state.spans.get((doc.id, sid), {})
        for code in dict.fromkeys(code_ids):
            if (code, seg.start, seg.end) in have or (code, -1, -1) in have:
                continue
            events.append({"op": "add", "doc": doc.id, "segment": sid, "start": seg.start,
                           "end": seg.end, "quote": doc.text[seg.start:seg.end], "code": code,
                           "origin": origin, "decision": decision})
        if memo is not None and state.memos.get((doc.id, sid), "") != memo:
            events.append({"op": "memo", "doc": doc.id, "segment": sid, "memo": memo,
                           "origin": origin})
    return events


def remove_events(state: CoderState, doc: Document, segment_ids: list[str],
                  code_ids: list[str] | None = None) -> list[RemoveDraft]:
    """The events that take codes off segments: every span of each code that starts in
    the segment (all the coder's codes there if ``code_ids`` is None), one event a span."""
    events: list[RemoveDraft] = []
    for sid in segment_ids:
        _segment(doc, sid)
        have = state.spans.get((doc.id, sid), {})
        wanted = None if code_ids is None else set(code_ids)
        for code, start, end in list(have):  # in the order they were coded, as before
            if wanted is None or code in wanted:
                events.append({"op": "remove", "doc": doc.id, "segment": sid, "code": code,
                               "start": None if start < 0 else start,
                               "end": None if end < 0 else end, "span": True})
    return events


def span_add_events(state: CoderState, doc: Document, start: int, end: int,
                    code_ids: list[str], *, origin: Origin = "manual",
                    memo: str | None = None, decision: str | None = None
                    ) -> list[AddDraft | MemoDraft]:
    """The events that put codes on the span ``[start, end)`` of ``doc`` (checked against
    its text, see :func:`qcode.coding.spans.check_span`); a code already on exactly this
    span is left alone. A memo goes on the span's first segment."""
    touched = check_span(doc, start, end)
    first = touched[0]
    if len(touched) == 1 and start == first.start and end == first.end:
        return add_events(state, doc, [first.id], code_ids, origin=origin, memo=memo,
                          decision=decision)
    have = state.spans.get((doc.id, first.id), {})
    also = span_segments(touched)
    events: list[AddDraft | MemoDraft] = []
    for code in dict.fromkeys(code_ids):
        if (code, start, end) in have:
            continue
        ev: AddDraft = {"op": "add", "doc": doc.id, "segment": first.id, "start": start,
                        "end": end, "quote": doc.text[start:end], "code": code,
                        "origin": origin, "decision": decision}
        if also is not None:
            ev["segments"] = also
        events.append(ev)
    if memo is not None and state.memos.get((doc.id, first.id), "") != memo:
        events.append({"op": "memo", "doc": doc.id, "segment": first.id, "memo": memo,
                       "origin": origin})
    return events


def span_remove_events(state: CoderState, doc: Document, start: int, end: int,
                       code_ids: list[str] | None = None) -> list[RemoveDraft]:
    """The events that take codes off exactly the span ``[start, end)`` (every code on it
    when ``code_ids`` is None); a whole segment's span also matches a coding made before
    spans (without offsets)."""
    touched = check_span(doc, start, end)
    first = touched[0]
    have = state.spans.get((doc.id, first.id), {})
    whole = len(touched) == 1 and start == first.start and end == first.end
    events: list[RemoveDraft] = []
    for code, s, e in list(have):
        if code_ids is not None and code not in code_ids:
            continue
        if (s, e) == (start, end) or (whole and s < 0):
            events.append({"op": "remove", "doc": doc.id, "segment": first.id, "code": code,
                           "start": None if s < 0 else s, "end": None if e < 0 else e,
                           "span": True})
    return events


def add_span(project: Project, coder: str, doc: Document, start: int, end: int,
             codes: list[str], *, memo: str | None = None, origin: Origin = "manual",
             decision: str | None = None, state: CoderState | None = None
             ) -> list[CodingEvent]:
    """Code the span ``[start, end)`` of ``doc`` (code points of ``doc.text``) with
    ``codes``, as one action of ``coder``; return the events written ([] when every code
    is on exactly this span already).

    The span may be a whole segment (the same event as :func:`add_codes`), any part of
    one, or a stretch across consecutive segments; it is checked against the text
    (:class:`UsageError` when it is out of bounds, blank, or not inside the segments) and
    its exact text is stored as the quote. ``memo`` (optional) is set on the span's first
    segment. The events are appended as one line, fsynced, under the project lock and the
    coder's log lock, before this returns; :func:`undo_last` reverts them together.
    ``state`` (the coder's current state) saves reading the log again.

    >>> # add_span(project, "ingrid", doc, 120, 164, ["GOV-MAC-01"])
    """
    state = state if state is not None else load_state_or_empty(project, coder)
    return append_events(project, coder, span_add_events(state, doc, start, end, codes,
                                                         origin=origin, memo=memo,
                                                         decision=decision))


def remove_span(project: Project, coder: str, doc: Document, start: int, end: int,
                codes: list[str] | None = None, *,
                state: CoderState | None = None) -> list[CodingEvent]:
    """Take ``codes`` (all the coder's codes on it when None) off exactly the span
    ``[start, end)`` of ``doc``, as one action; return the events written ([] when none
    of them is on that span). Other spans of the same codes are left alone."""
    state = state if state is not None else load_state_or_empty(project, coder)
    return append_events(project, coder, span_remove_events(state, doc, start, end, codes))


def add_codes(project: Project, coder: str, doc: Document, segment_ids: list[str],
              code_ids: list[str], *, origin: Origin = "manual", memo: str | None = None,
              decision: str | None = None,
              state: CoderState | None = None) -> list[CodingEvent]:
    """Put codes on segments (codes already there are left alone); optional memo.

    ``state`` (the coder's current state) saves reading the log again.
    """
    state = state if state is not None else load_state_or_empty(project, coder)
    return append_events(project, coder, add_events(state, doc, segment_ids, code_ids,
                                                    origin=origin, memo=memo,
                                                    decision=decision))


def remove_codes(project: Project, coder: str, doc: Document, segment_ids: list[str],
                 code_ids: list[str] | None = None, *,
                 state: CoderState | None = None) -> list[CodingEvent]:
    """Take codes off segments (all of the coder's codes there when ``code_ids`` is None)."""
    state = state if state is not None else load_state_or_empty(project, coder)
    return append_events(project, coder, remove_events(state, doc, segment_ids, code_ids))


def set_memo(project: Project, coder: str, doc: Document, segment_id: str,
             memo: str) -> list[CodingEvent]:
    """Set (or, with empty text, clear) the coder's memo on a segment."""
    _segment(doc, segment_id)
    return append_events(project, coder, [{"op": "memo", "doc": doc.id,
                                           "segment": segment_id, "memo": memo}])


def mark_done(project: Project, coder: str, doc_id: str, done: bool = True) -> list[CodingEvent]:
    """Mark a document completely coded by ``coder`` (or reopen it)."""
    return append_events(project, coder, [{"op": "done" if done else "reopen", "doc": doc_id}])


def undo_last(project: Project, coder: str, *, doc: str | None = None) -> list[CodingEvent]:
    """Revert the coder's last action that is not yet undone; return its events ([] if
    nothing is left).

    Events appended together by one command (e.g. ``tag`` on a range) are one action and
    are undone together. With ``doc``, refuse when the last action was on another document.
    The choice and the undo are made under the lock, so two terminals cannot undo the same
    action twice.
    """
    path = log_path(project, coder)  # a coder without a log is an error
    with guarded(project, []), open_for_append(path) as fd:
        batch = last_action(fd, os.fstat(fd).st_size)
        if not batch:
            return []
        if doc is not None and batch[-1]["doc"] != doc:
            raise ConflictError(
                f"your last action was on document {batch[-1]['doc']}, not {doc}; "
                "nothing was undone", hint=f"undo it with: qcode undo --coder {coder}")
        append_locked(fd, [{"op": "undo", "doc": e["doc"], "target": e["seq"],
                            "target_id": e.get("id")} for e in batch], path)
    return [CodingEvent.model_validate(e) for e in batch]


def undo(project: Project, coder: str) -> CodingEvent | None:
    """Revert the coder's last action; return its last event, None if nothing is left."""
    batch = undo_last(project, coder)
    return batch[-1] if batch else None

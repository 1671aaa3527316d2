"""Folding a coder's log into its current state: what is on each segment now.

The state is the fold of the log's events in order, minus the ones an ``undo`` reverted.
:func:`fold_bytes` folds straight from the log's bytes in one pass (the fast path of
loading) and gives exactly ``fold(coder, parse_lines(data, path).events)`` while parsing and
applying each line in turn, so the events of a large log never all exist at once. Lines
that cannot be folded (torn, damaged, or an event with missing or mistyped fields, see
:mod:`qcode.coding.events`) are skipped and listed in ``problems`` with their line numbers.
The order of the events, whatever order a git merge left the lines in, is
:mod:`qcode.coding.order`'s: a log that is not in that order is sorted first.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from qcode.coding.events import (
    ADD_KEYS,
    ANY_OK,
    OP_CHECKS,
    OPT_INT,
    OPT_STR,
    ORIGINS,
    LogProblem,
    line_events,
    line_problem,
    loads,
    parse_lines,
)
from qcode.coding.order import (
    MissedUndo,
    OutOfOrder,
    is_undone,
    ordered,
    tail_goes_back,
    undo_guess,
    undo_key,
    undone_seqs,
)
from qcode.coding.segment_view import build_view, refresh_view, touched_segments
from qcode.models import Coding

_new = tuple.__new__  # builds a Coding from a full tuple, skipping its Python __new__


# ----------------------------------------------------------------------------- state


@dataclass(frozen=True)
class LeftOut:
    """Codings of one coder left out because what they refer to is not in the project.

    ``missing`` holds ``(kind, id, count)`` with kind ``document``, ``segment`` or ``code``
    (the first reference found missing, in that order), most frequent first.
    """

    coder: str
    total: int
    missing: tuple[tuple[str, str, int], ...]


#: a span's key among the spans of its first segment: (code, start, end); offsets missing in
#: an old log are -1 (a whole-segment coding), so keys always sort
SpanKey = tuple[str, int, int]


@dataclass
class CoderState:
    """The fold of one coder's log: the spans coded now, and the segment view of them.

    ``spans`` is the state: each span under its first segment, keyed by (code, start, end)
    (a coder may code several spans with one code in one segment). ``codes`` is the segment
    view derived from it, kept in step by the fold: the codes present on each segment (a
    span of the code overlaps it), each with the add event of one such span. Whole-segment
    data (every log written before spans) has one span per code and segment, and the view
    is exactly what the state was before spans; segment-based analyses read the view.
    """

    coder: str
    #: (doc, segment) -> {code: add-event dict}: the segment view (derived from spans)
    codes: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)
    memos: dict[tuple[str, str], str] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    last_time: str | None = None
    last_seq: int = 0
    n_events: int = 0
    problems: list[LogProblem] = field(default_factory=list)
    #: codings left out because their document, segment or code is not in the project
    #: (set by :func:`qcode.coding.usable.usable_state`; None when nothing was checked)
    left_out: LeftOut | None = None
    #: (code, count): codings of split codes waiting to be re-assigned (set by usable_state)
    awaiting_recode: tuple[tuple[str, int], ...] = ()
    #: (doc, first segment) -> {(code, start, end): add-event dict}: every span coded now
    spans: dict[tuple[str, str], dict[SpanKey, dict[str, Any]]] = field(default_factory=dict)
    #: the spans of ``spans`` that cross segments (their events list ``segments``)
    multi: dict[tuple[str, str], dict[SpanKey, dict[str, Any]]] = field(default_factory=dict)
    #: an event with an id was folded (``last_time``/``last_seq`` are then the last such
    #: event's: the events after it must come later in :mod:`qcode.coding.order`)
    keyed: bool = False
    #: events a merge left twice in the log, counted once
    duplicates: int = 0
    #: how the log is not an append of what this machine read before (None: it is), see
    #: :mod:`qcode.coding.continuity`
    not_append: str | None = None

    def codes_on(self, doc: str, segment: str) -> list[str]:
        return list(self.codes.get((doc, segment), {}))

    def memo_on(self, doc: str, segment: str) -> str | None:
        return self.memos.get((doc, segment))

    def spans_on(self, doc: str, segment: str) -> list[tuple[SpanKey, dict[str, Any]]]:
        """The spans that overlap ``segment`` (those starting in it, then those crossing
        into it from an earlier segment), as (key, add event)."""
        out = sorted(self.spans.get((doc, segment), {}).items())
        for (d, first), by_key in self.multi.items():
            if d == doc and first != segment:
                out.extend((k, ev) for k, ev in sorted(by_key.items())
                           if segment in ev.get("segments", ()))
        return out

    def codings(self, doc: str | None = None) -> list[Coding]:
        """The current codings as records, one per span, ordered by document, first
        segment, code and offsets (``Coding.segment`` is the span's first segment).

        The events were checked when the log was folded, so records are built without
        validating again (a large log gives hundreds of thousands of records).
        """
        out: list[Coding] = []
        items = sorted(self.spans.items()) if doc is None else \
            sorted((k, v) for k, v in self.spans.items() if k[0] == doc)
        new, cls, coder, memos = _new, Coding, self.coder, self.memos
        append = out.append
        for (d, seg), by_key in items:
            memo = memos.get((d, seg))
            for k in sorted(by_key):
                code, get = k[0], by_key[k].get
                append(new(cls, (coder, d, seg, code, get("start") or 0, get("end") or 0,
                                 get("quote") or "", get("origin", "manual"), memo,
                                 get("decision"))))
        return out


# ----------------------------------------------------------------------------- folding


def span_key(ev: dict[str, Any]) -> SpanKey:
    """The key of an add or remove event's span among its first segment's spans."""
    start, end = ev.get("start"), ev.get("end")
    return (ev["code"], -1 if start is None else start, -1 if end is None else end)


def _drop(spans: dict[tuple[str, str], dict[SpanKey, Any]], key: tuple[str, str],
          k: SpanKey) -> None:
    on = spans.get(key)
    if on is not None and on.pop(k, None) is not None and not on:
        del spans[key]


def remove_keys(on: dict[SpanKey, Any], ev: dict[str, Any]) -> list[SpanKey]:
    """The spans (of one segment) a remove event takes off: with ``span`` (every remove
    written since spans), the span with its code and offsets, if it is there; without it
    (a log written before spans), the code off the segment, whatever the offsets say, as
    such a remove always did."""
    if ev.get("span"):
        k = span_key(ev)
        return [k] if k in on else []
    code = ev["code"]
    return [x for x in on if x[0] == code]


def apply_event(st: CoderState, op: str, ev: dict[str, Any]) -> None:
    """Apply one event that is not undone to a coder's spans, memos and completed
    documents (in place; the segment view is brought up to date by :func:`refresh`).

    Unknown ops (written by a newer qcode) are left alone.
    """
    if op == "add":
        key, k = (ev["doc"], ev["segment"]), span_key(ev)
        on = st.spans.get(key)
        if on is None:
            st.spans[key] = {k: ev}
        else:
            on[k] = ev
        if ev.get("segments"):
            st.multi.setdefault(key, {})[k] = ev
        elif st.multi:
            _drop(st.multi, key, k)
    elif op == "remove":
        key = (ev["doc"], ev["segment"])
        on = st.spans.get(key)
        if on is None:
            return
        for k in remove_keys(on, ev):
            del on[k]
            if st.multi:
                _drop(st.multi, key, k)
        if not on:
            del st.spans[key]
    elif op == "memo":
        key = (ev["doc"], ev["segment"])
        if ev.get("memo"):
            st.memos[key] = ev["memo"]
        else:
            st.memos.pop(key, None)
    elif op == "done":
        st.done.add(ev["doc"])
    elif op == "reopen":
        st.done.discard(ev["doc"])


def refresh(st: CoderState, keys: Iterable[tuple[str, str]]) -> None:
    """Bring the segment view of the segments ``keys`` (doc, segment) up to date."""
    refresh_view(st.codes, st.spans, st.multi, keys)


def rebuild_view(st: CoderState) -> None:
    """The whole segment view from the spans (after a fold; lines held as bytes by
    :func:`fold_pass` become dicts)."""
    st.codes = build_view(st.spans, st.multi)


def _apply_all(st: CoderState, events: list[dict[str, Any]], undone: set[Any]) -> None:
    """:func:`apply_event` for each event not undone, with the common add (one segment)
    applied inline: a merged log of a million events is replayed this way."""
    spans, multi = st.spans, st.multi
    for ev in events:
        op = ev["op"]
        if op == "undo" or (undone and (ev["seq"] in undone or ev.get("id") in undone)):
            continue
        if op == "add" and "segments" not in ev:  # apply_event's add, inline
            start, end = ev.get("start"), ev.get("end")
            key = (ev["doc"], ev["segment"])
            k = (ev["code"], -1 if start is None else start, -1 if end is None else end)
            on = spans.get(key)
            if on is None:
                spans[key] = {k: ev}
            else:
                on[k] = ev
            if multi:
                _drop(multi, key, k)
            continue
        apply_event(st, op, ev)


def replay(st: CoderState, events: list[dict[str, Any]], undone: set[int], *,
           view: bool = True) -> CoderState:
    """Apply ``events`` in order to ``st`` (in place), skipping the seqs in ``undone``;
    the segment view of the segments they touch is brought up to date (``view=False``:
    left alone, for a caller that rebuilds the whole view afterwards)."""
    keys: dict[tuple[str, str], None] = {}
    if not view:
        _apply_all(st, events, undone)
    for ev in events if view else ():
        op = ev["op"]
        if op == "undo" or (undone and is_undone(ev, undone)):
            continue
        if op in ("add", "remove"):
            # before the event too: the segments of a span it removes
            keys.update(dict.fromkeys(touched_segments(ev, st.spans, st.multi)))
        apply_event(st, op, ev)
        if op == "add" and ev.get("segments"):
            keys.update(dict.fromkeys(touched_segments(ev, st.spans, st.multi)))
    refresh(st, keys)
    st.n_events += len(events)
    if events:
        st.last_time = events[-1].get("time")
        st.last_seq = events[-1]["seq"]
        st.keyed = st.keyed or events[-1].get("id") is not None
    return st


def fold(coder: str, events: list[dict[str, Any]]) -> CoderState:
    """Replay events (in the order of their lines) in fold order
    (:mod:`qcode.coding.order`), each once; events reverted by an ``undo`` are skipped."""
    events, dropped = ordered(events)
    st = replay(CoderState(coder=coder), events, undone_seqs(events), view=False)
    st.duplicates = dropped
    rebuild_view(st)  # the whole view, in the order of the spans, as fold_bytes builds it
    return st


# ----------------------------------------------------------------------------- one pass


def fold_pass(st: CoderState, data: bytes, path: Path, first_line: int,
              undone: set[Any], met: set[Any] | None = None) -> int:
    """Parse and apply log bytes line by line, in one pass (same result as
    ``replay(st, parse_lines(data).events, undone)``); return the number of events.

    Each line is applied right after it is parsed (the event dicts never all live at
    once); an add keeps its line's bytes, parsed again at the end only if it still stands.
    Code ids are interned. Raises :class:`MissedUndo` when an undo's target is not in
    ``undone``, :class:`OutOfOrder` when the lines are not in fold order (after ``st``'s
    last event, when resuming); ``met`` receives the target of every undo folded."""
    # an add's value is its line's bytes until the end of the pass
    spans = cast("dict[tuple[str, str], dict[SpanKey, Any]]", st.spans)
    multi, problems = st.multi, st.problems
    checks, any_ok, intern = OP_CHECKS, ANY_OK, sys.intern
    origins, opt_int, opt_str = ORIGINS, OPT_INT, OPT_STR
    pick, len_add = itemgetter(*ADD_KEYS), len(ADD_KEYS) + 1  # and "op"
    rpick = itemgetter("seq", "time", "doc", "segment", "start", "end", "code", "id")
    mpick, memos = itemgetter("seq", "time", "doc", "segment", "memo", "id"), st.memos
    t, is_int, is_str = type, int, str
    n, last, i = 0, None, first_line - 1
    # resuming a fold (from a checkpoint): only the segments the lines touch get a new view
    resumed = bool(st.codes)
    touched: set[tuple[str, str]] = set()
    touch = touched.add
    note = met.add if met is not None else set().add  # met: the targets of the undos
    op: Any
    seq: Any
    # the fold order (qcode.coding.order): events without an id first, then increasing
    # (time, seq); a line out of that order (a merged log) stops the pass
    keyed, lt, ls = st.keyed, st.last_time or "", st.last_seq

    def after(ev: dict[str, Any]) -> None:
        nonlocal keyed, lt, ls
        eid, time, seq = ev.get("id"), ev["time"], ev["seq"]
        if eid is None:
            if keyed:
                raise OutOfOrder
            return
        if keyed and not (time > lt or (time == lt and seq > ls)):
            raise OutOfOrder
        keyed, lt, ls = True, time, seq
    for raw in io.BytesIO(data):  # lines one at a time (with their newline)
        i += 1
        try:
            ev = loads(raw)
        except ValueError:
            ev = None
        if type(ev) is dict:
            get = ev.get
            if get("op") == "add":
                # most lines: an add as qcode writes it, checked inline by event_ok's rules
                try:
                    seq, time, doc, seg, start, end, quote, code, origin = pick(ev)
                    eid = get("id")
                    good = (origin in origins and t(seq) is is_int and seq > 0
                            and t(time) is is_str and t(doc) is is_str and t(seg) is is_str
                            and t(code) is is_str and t(eid) in opt_str
                            and t(start) in opt_int and t(end) in opt_int
                            and t(quote) in opt_str
                            and (len(ev) == (len_add if eid is None else len_add + 1)
                                 or (t(get("decision")) in opt_str
                                     and t(get("memo")) in opt_str
                                     and "segments" not in ev)))
                except (KeyError, TypeError):  # a field missing (event_ok checks it below),
                    good = False  # or an origin that is not even text
                if good:
                    if eid is None:
                        if keyed:
                            raise OutOfOrder
                    elif not keyed or time > lt or (time == lt and seq > ls):
                        keyed, lt, ls = True, time, seq
                    else:
                        raise OutOfOrder
                    n += 1
                    last = ev
                    if undone and (seq in undone or (eid is not None and eid in undone)):
                        continue
                    key = (doc, seg)
                    k = (intern(code), -1 if start is None else start,
                         -1 if end is None else end)
                    on = spans.get(key)
                    if on is None:
                        spans[key] = {k: raw}
                    else:
                        on[k] = raw
                    if resumed:
                        touch(key)
                    if multi:
                        _drop(multi, key, k)
                    continue
            op = get("op")
            if op == "remove" or op == "memo":  # as qcode writes them, checked as event_ok
                try:
                    if op == "remove":  # of one span (``span``; no span: the general path)
                        seq, time, doc, seg, start, end, code, eid = rpick(ev)
                        memo, good = None, (get("span") is True and t(start) is is_int
                                            and t(end) is is_int and t(code) is is_str)
                    else:
                        seq, time, doc, seg, memo, eid = mpick(ev)
                        good = t(memo) is is_str
                except KeyError:
                    good = False
                if (good and t(seq) is is_int and seq > 0 and t(time) is is_str
                        and t(doc) is is_str and t(seg) is is_str and t(eid) is is_str):
                    if not keyed or time > lt or (time == lt and seq > ls):
                        keyed, lt, ls = True, time, seq
                    else:
                        raise OutOfOrder
                    n += 1
                    last = ev
                    if undone and (seq in undone or eid in undone):
                        continue
                    key = (doc, seg)
                    if memo is not None:
                        if memo:
                            memos[key] = memo
                        else:
                            memos.pop(key, None)
                        continue
                    on, k = spans.get(key), (code, start, end)
                    if on is not None and k in on:
                        del on[k]
                        if multi:
                            _drop(multi, key, k)
                        if not on:
                            del spans[key]
                    if resumed:
                        touch(key)
                    continue
            op, seq = get("op"), get("seq")
            if (t(op) is is_str and t(seq) is is_int and seq > 0 and t(get("time")) is is_str
                    and t(get("id")) in opt_str and checks.get(op, any_ok)(ev)):  # event_ok
                after(ev)
                n += 1
                last = ev
                if op == "undo":
                    target = undo_key(ev)
                    if target is not None:
                        if target not in undone:
                            raise MissedUndo
                        note(target)
                    continue
                if undone and is_undone(ev, undone):
                    continue
                apply_event(st, op, ev)
                if resumed and op in ("add", "remove"):
                    touch((ev["doc"], ev["segment"]))
                continue
        evs = line_events(ev)
        if evs is None:
            if raw.strip():
                problems.append(line_problem(path, i, raw, ev, last=not raw.endswith(b"\n")))
            continue
        for ev in evs:
            after(ev)
            n += 1
            last = ev
            op = ev["op"]
            if op == "undo":
                target = undo_key(ev)
                if target is not None:
                    if target not in undone:
                        raise MissedUndo
                    note(target)
                continue
            if undone and is_undone(ev, undone):
                continue
            apply_event(st, op, ev)
            if resumed and op in ("add", "remove"):
                touch((ev["doc"], ev["segment"]))
    if resumed and not multi:  # after a checkpoint: only the segments the lines changed
        for key in touched:
            for k, v in spans.get(key, {}).items():
                if type(v) is bytes:
                    spans[key][k] = loads(v)
        refresh(st, touched)
    else:  # the adds still standing: their lines become dicts
        rebuild_view(st)
    st.n_events += n
    st.keyed = keyed
    if last is not None:
        st.last_time = last.get("time")
        st.last_seq = last["seq"]
    return n


def fold_bytes(coder: str, data: bytes, path: Path) -> CoderState:
    """The fold of log bytes, with unreadable lines in ``problems``: the same state as
    ``fold(coder, parse_lines(data, path).events)``, in one pass over the lines."""
    st = CoderState(coder=coder)
    if not data:
        return st
    try:
        if tail_goes_back(data):  # a merged log: sort it without a pass that would stop
            raise OutOfOrder
        guess: set[Any] = undo_guess(data)
        met: set[Any] = set()
        fold_pass(st, data, path, 1, guess, met)
        if met != guess:  # a target guessed that no undo names: fold again without it
            st = CoderState(coder=coder)
            fold_pass(st, data, path, 1, met)
    except (MissedUndo, OutOfOrder):  # an undo the guess did not see (e.g. written with
        # escapes), or a merged log: parse first, then sort and replay
        read = parse_lines(data, path)
        st = fold(coder, read.events)
        st.problems = read.problems
    return st

"""Folding a coder's log straight from its bytes, in one pass (the fast path of loading).

:func:`fold_bytes` gives exactly ``fold(coder, parse_lines(data, path).events)`` while
parsing and applying each line in turn, so the events of a large log never all exist at once.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from qcode.coding.log_file import line_events
from qcode.coding.store import CoderState, LogProblem, _loads, apply_event, fold, parse_lines


class _MissedUndo(Exception):
    """The byte scan for undo lines missed one (e.g. an escaped ``"undo"``)."""


def undo_targets(data: bytes) -> set[Any]:
    """The seqs that the ``undo`` events in log bytes revert (as :func:`undone_seqs`), found
    without parsing every line: only lines containing the bytes ``undo``, or a ``\\u``
    escape (which could spell it), are parsed. The fold still checks every undo it meets
    against this set."""
    out: set[Any] = set()
    find, rfind, end = data.find, data.rfind, len(data)
    for word in (b"undo", b"\\u"):
        i = find(word)
        while i >= 0:
            a = rfind(b"\n", 0, i) + 1
            b = find(b"\n", i)
            b = end if b < 0 else b
            try:
                evs = line_events(_loads(data[a:b]))
            except ValueError:
                evs = None
            for e in evs or ():
                if e["op"] == "undo" and e.get("target") is not None:
                    out.add(e["target"])
            i = find(word, b)
    return out


def _fold_pass(st: CoderState, data: bytes, path: Path, first_line: int,
               undone: set[Any]) -> int:
    """Parse and apply log bytes line by line, in one pass (same result as
    ``replay(st, parse_lines(data).events, undone)``); return the number of events.

    Each line is applied right after it is parsed, so the millions of event dicts never
    live at once; an add keeps its line's bytes, and only the adds still standing at the
    end are parsed again into dicts. Code ids are interned: the per-segment dicts then
    compare keys by identity. Raises :class:`_MissedUndo` when an undo's target is not in
    ``undone``.
    """
    codes, memos, done, problems = st.codes, st.memos, st.done, st.problems
    loads, intern = _loads, sys.intern
    n, last, i = 0, None, first_line - 1
    for raw in io.BytesIO(data):  # lines one at a time (with their newline)
        i += 1
        try:
            ev = loads(raw)
        except ValueError:
            ev = None
        if type(ev) is dict:
            op, seq = ev.get("op"), ev.get("seq")
            if type(op) is str and type(seq) is int:
                n += 1
                last = ev
                if op == "add":
                    if undone and seq in undone:
                        continue
                    key = (ev["doc"], ev["segment"])
                    code = ev["code"]
                    if type(code) is str:
                        code = intern(code)
                    on = codes.get(key)
                    if on is None:
                        codes[key] = {code: raw}
                    else:
                        on[code] = raw
                    continue
                if op == "undo":
                    target = ev.get("target")
                    if target is not None and target not in undone:
                        raise _MissedUndo
                    continue
                if undone and seq in undone:
                    continue
                apply_event(codes, memos, done, op, ev)
                continue
        evs = line_events(ev)
        if evs is None:
            if raw.strip():
                reason = ("incomplete last line (torn by a crash or kill)"
                          if not raw.endswith(b"\n") else "unreadable line")
                problems.append(LogProblem(path, i, reason))
            continue
        for ev in evs:
            n += 1
            last = ev
            op = ev["op"]
            if op == "undo":
                target = ev.get("target")
                if target is not None and target not in undone:
                    raise _MissedUndo
                continue
            if undone and ev["seq"] in undone:
                continue
            apply_event(codes, memos, done, op, ev)
    for on in codes.values():  # the adds still standing: their lines become dicts
        for code, v in on.items():
            if type(v) is bytes:
                on[code] = loads(v)
    st.n_events += n
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
        _fold_pass(st, data, path, 1, undo_targets(data))
    except _MissedUndo:  # an undo the byte scan could not see: parse first, then replay
        read = parse_lines(data, path)
        st = fold(coder, read.events)
        st.problems = read.problems
    return st

"""Checkpoints of a coder's fold, so that a large log loads without replaying every line.

``codings/.<coder>.checkpoint`` holds the fold of the log's first ``log_bytes`` bytes and the
SHA-256 of exactly those bytes. Loading checks the hash against the log as it is now; if the
log was edited, replaced (a git checkout, a restore) or cut short, the checkpoint is ignored
and the log is replayed in full. After the checkpoint, only the new lines are replayed. An
``undo`` in the new lines that reverts an event inside the checkpoint also sends the load
back to a full replay (the checkpoint keeps the state, not the history).

The checkpoint is a cache: deleting it loses nothing. It is written atomically, after a
load that replayed at least :data:`MIN_EVENTS` events.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from qcode._io import atomic
from qcode._io.nofollow import read_nofollow
from qcode.coding.events import LogProblem, dumps, loads
from qcode.coding.fold import CoderState, fold_pass, rebuild_view
from qcode.coding.order import MissedUndo, OutOfOrder, undo_targets
from qcode.errors import ProjectDamagedError

FORMAT = 6  # 5: spans (several per code and segment; spans across segments); 6: event ids
#: write a checkpoint after a load that had to replay at least this many events
MIN_EVENTS = 20_000


def _prefix_end(data: bytes) -> int:
    """Length of the complete lines at the start of ``data`` (a torn tail is left out)."""
    return data.rfind(b"\n") + 1


def _segments(st: CoderState) -> list[list[Any]]:
    """Live spans grouped by first segment and offsets, the quote stored once per span
    (most spans carry several codes): ``[doc, segment, start, end, quote, [[code, seq,
    time, origin, decision, id], ...], segments]`` (``segments`` None for a span in one
    segment)."""
    out: list[list[Any]] = []
    for (doc, seg), by_key in st.spans.items():
        groups: dict[tuple[Any, Any, Any, Any], list[list[Any]]] = {}
        for (code, _s, _e), ev in by_key.items():
            multi = ev.get("segments")
            key = (ev.get("start"), ev.get("end"), ev.get("quote"),
                   tuple(multi) if multi else None)
            groups.setdefault(key, []).append([code, ev["seq"], ev.get("time"),
                                               ev.get("origin", "manual"), ev.get("decision"),
                                               ev.get("id")])
        for (start, end, quote, multi), codes in groups.items():
            out.append([doc, seg, start, end, quote, codes, multi])
    return out


def save(path: Path, st: CoderState, data: bytes) -> None:
    """Write a checkpoint of ``st``, the fold of every complete line of ``data``.

    Best effort: a checkpoint that cannot be written (read-only project) is skipped.
    """
    end = _prefix_end(data)
    if end != len(data):
        return  # the fold included nothing from the torn tail, but keep it simple: skip
    body = {
        "format": FORMAT,
        "coder": st.coder,
        "log_bytes": end,
        "log_sha256": hashlib.sha256(memoryview(data)[:end]).hexdigest(),
        "n_lines": data.count(b"\n", 0, end),
        "last_seq": st.last_seq,
        "last_time": st.last_time,
        "n_events": st.n_events,
        "segments": _segments(st),
        "memos": [[d, s, m] for (d, s), m in st.memos.items()],
        "done": sorted(st.done),
        # an undo may name a seq that comes later (qcode never writes one, a hand edit may)
        "undone": list(undo_targets(data)),
        "problems": [[p.line, p.reason, p.events] for p in st.problems],
        "keyed": st.keyed,
        "duplicates": st.duplicates,
    }
    with contextlib.suppress(OSError):
        atomic.write_bytes(path, dumps(body))


def _before(target: object, last_seq: int, tail: bytes) -> bool:
    """Whether an undo in the lines after the checkpoint reverts an event inside it: a seq
    up to the checkpoint's last (a log without ids), or an id not among the lines after."""
    if isinstance(target, int):
        return target <= last_seq
    return tail.find(b'"id":"' + str(target).encode() + b'"') < 0


def resume(path: Path, coder: str, data: bytes, log: Path) -> tuple[CoderState, int] | None:
    """The fold of ``data`` from the checkpoint at ``path``, and the number of events
    replayed after it; None when the checkpoint does not apply."""
    try:
        raw = read_nofollow(path)
    except (OSError, ProjectDamagedError):  # a link is not read; the next save replaces it
        return None
    try:
        ck = loads(raw)
        if not isinstance(ck, dict) or ck.get("format") != FORMAT or ck.get("coder") != coder:
            return None
        end = int(ck["log_bytes"])
        if end > len(data) or \
                hashlib.sha256(memoryview(data)[:end]).hexdigest() != ck["log_sha256"]:
            return None
        tail = data[end:]
        first_line = int(ck["n_lines"]) + 1
        undone = undo_targets(tail)
        if any(_before(t, ck["last_seq"], tail) for t in undone):
            return None
        undone.update(ck["undone"])
        st = CoderState(coder=coder, last_time=ck["last_time"], last_seq=ck["last_seq"],
                        n_events=ck["n_events"], keyed=ck["keyed"],
                        duplicates=ck["duplicates"])
        spans, view = st.spans, st.codes  # the segment view is built on the way
        for doc, seg, start, end, quote, entries, multi in ck["segments"]:
            key = (doc, seg)
            on = spans.get(key)
            if on is None:
                on = spans[key] = {}
                view[key] = {}
            seen = view[key]
            s, e = -1 if start is None else start, -1 if end is None else end
            for code, seq, time, origin, decision, eid in entries:
                ev = {"op": "add", "seq": seq, "time": time, "doc": doc, "segment": seg,
                      "start": start, "end": end, "quote": quote, "code": code,
                      "origin": origin}
                if eid is not None:
                    ev["id"] = eid
                if decision is not None:
                    ev["decision"] = decision
                on[(code, s, e)] = ev
                seen[code] = ev
                if multi:
                    ev["segments"] = list(multi)
                    st.multi.setdefault(key, {})[(code, s, e)] = ev
        st.memos.update(((d, s), m) for d, s, m in ck["memos"])
        st.done.update(ck["done"])
        st.problems = [LogProblem(log, line, reason, events)
                       for line, reason, events in ck["problems"]]
    except (ValueError, KeyError, TypeError):
        return None
    try:
        replayed = fold_pass(st, tail, log, first_line, undone) if tail else 0
        if st.multi and not tail:
            rebuild_view(st)  # spans across segments are on the later segments' views too
    except (MissedUndo, OutOfOrder):  # an undo the byte scan could not see, or lines not
        return None  # in fold order after the checkpoint (a merge): replay everything
    return st, replayed

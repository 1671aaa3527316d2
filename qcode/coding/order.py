"""The order in which a coder log's events are folded, whatever order git left its lines in.

A coder's log may be written on several machines (one person on a laptop and a desktop, or
a log shared through git and merged with git's ``union`` driver, which keeps both sides'
new lines in either order). So that every clone folds the same state from the same set of
lines, the fold does not rely on the order of the lines. The rule:

- every event qcode writes carries a random ``id`` (16 hex digits): two events are never
  byte-identical, and an event whose ``id`` was seen already (a line a merge kept twice) is
  the same event, counted once;
- events with an ``id`` are folded in order of (``time``, ``seq``, ``id``): the time of the
  action (UTC, microseconds; every event of one action shares it, and a batch stays one
  line), then its number in the log, then the id. qcode never writes a time earlier than
  the log's last line, so on one machine this is exactly the order of the lines;
- events without an ``id`` (logs written before ids) come first, in the order of their
  lines, exactly as they were always read;
- an ``undo`` names the event it reverts by ``target_id`` (and, for older readers, its
  ``seq`` as ``target``); an undo without ``target_id`` (written before ids) reverts the
  event with that ``seq``. Reverting an event is a fact about it, so it does not depend
  on order either.

A log whose lines are already in this order (every log written on one machine) is folded in
one pass over its lines; any other (a merged log) is parsed whole, sorted and then folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from operator import itemgetter
from typing import Any

from qcode.coding.events import line_events, parse_line

#: an event's identity: its ``id``, or its ``seq`` in a log written before ids
EventKey = str | int

#: the sort key of events with an id: (time, seq, id)
FOLD_KEY = itemgetter("time", "seq", "id")


class OutOfOrder(Exception):
    """The lines of a log are not in fold order (a merged log): sort before folding."""


def event_key(ev: dict[str, Any]) -> EventKey:
    """The identity of an event: its ``id``, else (a log written before ids) its ``seq``."""
    eid = ev.get("id")
    return ev["seq"] if eid is None else eid


def undo_key(ev: dict[str, Any]) -> EventKey | None:
    """The identity of the event an ``undo`` reverts (None: it names none)."""
    tid = ev.get("target_id")
    return ev.get("target") if tid is None else tid


def undone_seqs(events: Iterable[dict[str, Any]]) -> set[Any]:
    """The identities (:func:`event_key`) of the events undone."""
    return {undo_key(e) for e in events if e["op"] == "undo" and undo_key(e) is not None}


def is_undone(ev: dict[str, Any], undone: set[Any]) -> bool:
    """Whether an undo reverted ``ev``: by its id, or by its seq (an undo written without
    ``target_id``)."""
    return ev["seq"] in undone or ev.get("id") in undone


def in_order(events: list[dict[str, Any]]) -> bool:
    """Whether events (in the order of their lines) are in fold order with no event twice:
    events without an id first, then strictly increasing (time, seq)."""
    keyed = False
    last_t, last_s = "", 0
    for ev in events:
        if ev.get("id") is None:
            if keyed:
                return False
            continue
        t, s = ev["time"], ev["seq"]
        if keyed and not (t > last_t or (t == last_t and s > last_s)):
            return False
        keyed, last_t, last_s = True, t, s
    return True


def ordered(events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Events (in the order of their lines) in fold order, each id once; and how many
    repeated events were dropped."""
    if in_order(events):
        return events, 0
    old = [ev for ev in events if ev.get("id") is None]
    new = sorted((ev for ev in events if ev.get("id") is not None), key=FOLD_KEY)
    seen: set[str] = set()
    kept = []
    for ev in new:
        if ev["id"] in seen:
            continue
        seen.add(ev["id"])
        kept.append(ev)
    return old + kept, len(new) - len(kept)


#: an event's time in a log line as qcode writes it
_TIME = re.compile(rb'"time": ?"([^"\\]*)"')


def tail_goes_back(data: bytes, share: int = 8) -> bool:
    """Whether the times in the last ``1/share`` of log bytes go back somewhere: the sign of
    a log merged since it was last folded (git's union merge appends the other side's lines
    at the end). The lines are then not in fold order, so the one-pass fold would stop at
    the first such line after folding nearly all of them; sorting first gives the same state
    sooner. A cheap scan of bytes: a wrong guess costs time, never a different fold."""
    times = _TIME.findall(data, len(data) - len(data) // share)
    return any(a > b for a, b in pairwise(times))


class MissedUndo(Exception):
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
            for e in line_events(parse_line(data[a:b])) or ():
                if e["op"] == "undo" and undo_key(e) is not None:
                    out.add(undo_key(e))
            i = find(word, b)
    return out


#: the rest of an event object after the value ``"undo"`` (an undo's fields as qcode writes
#: them: ``op`` first, ``target`` and ``target_id`` after it, no braces inside)
_UNDO_REST = re.compile(rb'"undo"([^\n{}]*)')
_TARGET_ID = re.compile(rb'"target_id": ?"([^"\\\n]*)"')
_TARGET = re.compile(rb'"target": ?(-?[0-9]+)(?![0-9.eE])')


def undo_guess(data: bytes) -> set[Any]:
    """The undo targets of log bytes as :func:`undo_targets` gives them, guessed from the
    bytes of the undo lines as qcode writes them, without parsing a line (one regular
    expression over the bytes: about a third of the scan's time). Only a guess: the fold
    that uses it checks each undo it meets against it (:class:`MissedUndo`) and, at the end,
    that every target guessed was an undo's (see :func:`qcode.coding.fold.fold_bytes`)."""
    out: set[Any] = set()
    add, tid, tseq = out.add, _TARGET_ID.search, _TARGET.search
    for rest in _UNDO_REST.findall(data):
        m = tid(rest)
        if m is not None:
            add(m[1].decode("utf-8", "replace"))
            continue
        m = tseq(rest)
        if m is not None:
            add(int(m[1]))
    return out

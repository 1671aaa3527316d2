"""The line of a batch of adds written without a pydantic model per event.

A reconciliation (or a large ``tag``) appends tens of thousands of adds in one action.
Validating each through :class:`qcode.models.CodingEvent` and dumping the list took about
four microseconds an event. :func:`adds_line` vouches for the usual add instead: exactly
the keys qcode drafts (``op``, ``doc``, ``segment``, ``start``, ``end``, ``quote``,
``code``, ``origin``, ``decision``, and the ``seq``, ``time`` and ``id`` the log assigns),
each of exactly the type its field takes (``type(v) is str``, ``int`` and not ``bool``,
``seq`` at least 1, ``origin`` one of the model's), and writes them with orjson in the
model's field order, a None ``decision`` left out: the bytes the validated records dump
to (``tests/coding/test_add_lines.py`` proves it). Any other event in the batch, a value
of another type, a subclass, or a text orjson refuses, gives None: the caller validates the
batch through the model as before, so nothing the model refuses is written.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import orjson

from qcode.models import Origin

#: the keys of a drafted add with the log's seq, time and id, in CodingEvent's field order
ADD_FIELDS = ("op", "seq", "time", "doc", "segment", "start", "end", "quote", "code",
              "origin", "decision", "id")
_KEYS = frozenset(ADD_FIELDS)
_PICK = itemgetter(*ADD_FIELDS)
_ORIGINS = frozenset(typing.get_args(Origin))
#: the types of every field but decision (str, or None: left out), in ADD_FIELDS order
_TYPES = (str, int, str, str, str, int, int, str, str, str, str)
#: orjson writes subclasses, dataclasses and dates its own way (pydantic another): with
#: these it refuses them, as anything else not plain, and the caller falls back to pydantic
PLAIN_ONLY = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | \
    orjson.OPT_PASSTHROUGH_DATETIME


def adds_line(events: Sequence[Mapping[str, Any]]) -> bytes | None:
    """The log line of ``events`` (one object, or a JSON array of several), as their
    validated records write it, when every one is a usual add; else None."""
    out = []
    for ev in events:
        if type(ev) is not dict or ev.keys() != _KEYS:
            return None
        op, seq, time, doc, seg, start, end, quote, code, origin, decision, eid = _PICK(ev)
        if (type(op), type(seq), type(time), type(doc), type(seg), type(start), type(end),
                type(quote), type(code), type(origin), type(eid)) != _TYPES \
                or op != "add" or seq < 1 or origin not in _ORIGINS:
            return None
        if decision is None:
            out.append({"op": op, "seq": seq, "time": time, "doc": doc, "segment": seg,
                        "start": start, "end": end, "quote": quote, "code": code,
                        "origin": origin, "id": eid})
        elif type(decision) is str:
            out.append({"op": op, "seq": seq, "time": time, "doc": doc, "segment": seg,
                        "start": start, "end": end, "quote": quote, "code": code,
                        "origin": origin, "decision": decision, "id": eid})
        else:
            return None
    if not out:
        return None
    try:
        return orjson.dumps(out[0] if len(out) == 1 else out, option=PLAIN_ONLY)
    except TypeError:  # e.g. a lone surrogate or an integer beyond 64 bits
        return None

"""The inline check of a batch's adds (events.batch_ok) against the general one (event_ok),
on adds with every field missing, present or of a wrong type."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding.events import batch_ok, event_ok, line_events

MISSING = object()
# each field: absent, or a value of the right type, or one of a wrong type
value = st.sampled_from([MISSING, None, 0, 1, -1, True, 1.5, "", "x", "manual", "search",
                         [], ["D:0001"], [1], {}])
FIELDS = ("op", "seq", "time", "doc", "segment", "start", "end", "quote", "code", "origin",
          "id", "decision", "memo", "segments")
good = {"op": "add", "seq": 3, "time": "2026-01-01T00:00:00.000000Z", "doc": "D",
        "segment": "D:0001", "start": 0, "end": 4, "quote": "word", "code": "A",
        "origin": "manual", "id": "00ff"}


@st.composite
def add(draw: st.DrawFn) -> dict[str, Any]:
    ev = dict(good)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        v = draw(value)
        if v is MISSING:
            ev.pop(name, None)
        else:
            ev[name] = v
    return ev


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(add(), st.just(good), st.just({"op": "done", "seq": 1,
                                                          "time": "t", "doc": "D"}),
                          st.just(3)), min_size=1, max_size=4))
def test_the_inline_batch_check_agrees_with_event_ok(batch: list[Any]) -> None:
    assert batch_ok(batch) == all(event_ok(e) for e in batch)
    assert (line_events(batch) is not None) == all(event_ok(e) for e in batch)

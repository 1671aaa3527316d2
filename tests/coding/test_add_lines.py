"""A batch of adds written without a model per event (``add_lines.adds_line``) is byte for
byte the line of the same batch validated as CodingEvents and dumped (the path every other
batch takes), and it vouches only for batches the model accepts: anything else (another op,
a missing or extra key, a value of another type, a bool for an int, a seq below 1, an
unknown origin, a lone surrogate, an integer beyond 64 bits) is left to validation."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from qcode.coding.add_lines import ADD_FIELDS, adds_line
from qcode.coding.log_file import batch_adapter

TEXT = st.text(st.characters(exclude_categories=()), max_size=10)
SOME_TEXT = st.sampled_from(["D01", "D01:0003", "GOV-MAC-01", "é ü", "a\"b\\c", "\x00\x1f\x7f",
                             "\u2028", "😀", ""]) | TEXT
INT = st.integers(min_value=-5, max_value=10**6) | st.integers(min_value=-(2**70),
                                                                max_value=2**70)
ANY = st.none() | st.booleans() | INT | SOME_TEXT | st.lists(SOME_TEXT, max_size=2)


def _usual(offsets: st.SearchStrategy[int] = INT) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "op": st.just("add"), "doc": SOME_TEXT, "segment": SOME_TEXT, "start": offsets,
        "end": offsets, "quote": SOME_TEXT, "code": SOME_TEXT,
        "origin": st.sampled_from(["manual", "auto", "imported", "reconciled", "search"]),
        "decision": st.none() | SOME_TEXT, "seq": st.integers(min_value=1, max_value=10**9),
        "time": SOME_TEXT, "id": SOME_TEXT})


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    ev = draw(_usual())
    change = draw(st.sampled_from(["none", "none", "value", "drop", "extra", "op", "order"]))
    if change == "value":  # one field of another value (often of another type)
        ev[draw(st.sampled_from(ADD_FIELDS))] = draw(ANY | st.sampled_from(
            ["other", 0, -1, True, False, 1.0]))
    elif change == "drop":
        del ev[draw(st.sampled_from(ADD_FIELDS))]
    elif change == "extra":
        ev[draw(st.sampled_from(["segments", "span", "memo", "target", "target_id",
                                 "color"]))] = draw(ANY)
    elif change == "op":
        ev["op"] = draw(st.sampled_from(["remove", "memo", "done", "reopen", "undo"]))
    elif change == "order":
        ev = dict(reversed(list(ev.items())))
    return ev


def _validated_line(batch: list[dict[str, Any]]) -> bytes | None:
    """The line the validating path writes (None: the model refuses the batch)."""
    adapter = batch_adapter()
    try:
        records = adapter.validate_python(batch)
    except ValidationError:
        return None
    try:
        return records[0].model_dump_json(exclude_none=True).encode("utf-8") \
            if len(records) == 1 else adapter.dump_json(records, exclude_none=True)
    except Exception:  # the record cannot be written (a lone surrogate): nor vouched for
        return None


@settings(max_examples=500, deadline=None)
@given(st.lists(events(), min_size=1, max_size=4))
def test_adds_line_is_the_validated_line(batch: list[dict[str, Any]]) -> None:
    fast = adds_line(batch)
    if fast is not None:
        assert fast == _validated_line(batch)


@settings(max_examples=200, deadline=None)
@given(st.lists(_usual(st.integers(min_value=0, max_value=2**62)), min_size=1, max_size=4))
def test_usual_adds_are_vouched_for(batch: list[dict[str, Any]]) -> None:
    """The fast path is taken for the adds qcode drafts (unless a text cannot be written:
    a lone surrogate)."""
    expected = _validated_line(batch)
    assert adds_line(batch) == expected or expected is None


def test_a_reconciled_add_and_a_manual_one() -> None:
    base = {"op": "add", "doc": "D01", "segment": "D01:0003", "start": 10, "end": 42,
            "quote": "caf\u00e9 \x01 \"q\"", "code": "GOV-MAC-01", "origin": "reconciled",
            "decision": "R00002", "seq": 7, "time": "2026-01-01T00:00:00.000001Z",
            "id": "0123456789abcdef"}
    manual = base | {"origin": "manual", "decision": None, "seq": 8}
    for batch in ([base], [base, manual], [manual]):
        line = adds_line(batch)
        assert line is not None and line == _validated_line(batch)
    assert adds_line([base | {"seq": 0}]) is None
    assert adds_line([base | {"start": True}]) is None
    assert adds_line([base | {"segments": ["D01:0003", "D01:0004"]}]) is None
    assert adds_line([base, {"op": "done", "doc": "D01", "seq": 9, "time": "t"}]) is None
    assert adds_line([]) is None

"""A decision log line written with orjson (``ledger.entry_line``) is byte for byte the
line pydantic's ``model_dump_json(exclude_none=True)`` writes: field order, None fields
left out, empty tuples kept, spans, unicode and control characters, integers of any size
and text orjson refuses (a lone surrogate: pydantic's error, as before). The last seq of
the log, read from its end, is the one every line split off gave."""

from __future__ import annotations

import json
import types
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from qcode.reconcile.ledger import Applied, Decision, Run, entry_line, last_seq

#: any character, lone surrogates and control characters included
TEXT = st.text(st.characters(exclude_categories=()), max_size=12)
SOME_TEXT = st.sampled_from(["D01", "D01:0003", "GOV-MAC-01", "ingrid", "é ü", "a\"b\\c",
                             "\x00\x1f\x7f", "\u2028\u2029", "😀", "</script>"]) | TEXT
CODES = st.lists(SOME_TEXT, max_size=4)
SPAN = st.tuples(st.integers(), st.integers()) | st.lists(st.integers(), min_size=2,
                                                          max_size=2)
SPANS = st.lists(SPAN, max_size=3)
INT = st.integers(min_value=-(2**70), max_value=2**70)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def decision_drafts(draw: st.DrawFn) -> dict[str, Any]:
    coders = draw(st.lists(SOME_TEXT, min_size=1, max_size=4, unique=True))
    draft: dict[str, Any] = {
        "kind": "decision", "id": draw(SOME_TEXT), "seq": draw(INT), "time": draw(SOME_TEXT),
        "doc": draw(SOME_TEXT), "segment": draw(SOME_TEXT),
        "scope": draw(_maybe(CODES)), "coders": {c: draw(CODES) for c in coders},
        "outcome": draw(st.sampled_from(["agreed", "accept", "union", "intersection",
                                         "majority", "manual", "deferred"])),
        "chosen": draw(CODES), "accepted": draw(_maybe(SOME_TEXT)), "tie": draw(CODES),
        "strategy": draw(SOME_TEXT), "by": draw(_maybe(SOME_TEXT)),
        "rationale": draw(_maybe(SOME_TEXT)),
        "spans": draw(_maybe(st.dictionaries(SOME_TEXT, st.dictionaries(SOME_TEXT, SPANS),
                                             max_size=3))),
        "chosen_spans": draw(_maybe(st.dictionaries(SOME_TEXT, SPANS, max_size=3))),
        "tie_spans": draw(_maybe(st.dictionaries(SOME_TEXT, SPANS, max_size=3)))}
    # a draft may leave out any field that has a default
    for name in draw(st.lists(st.sampled_from(["scope", "chosen", "accepted", "tie", "by",
                                               "rationale", "spans", "chosen_spans",
                                               "tie_spans"]), unique=True)):
        del draft[name]
    return draft


@st.composite
def run_drafts(draw: st.DrawFn) -> dict[str, Any]:
    return {"kind": "run", "seq": draw(INT), "time": draw(SOME_TEXT),
            "coders": draw(CODES), "strategy": draw(SOME_TEXT), "by": draw(_maybe(SOME_TEXT)),
            "docs": draw(CODES), "codes": draw(_maybe(CODES))}


@st.composite
def applied_drafts(draw: st.DrawFn) -> dict[str, Any]:
    return {"kind": "applied", "seq": draw(INT), "time": draw(SOME_TEXT), "ids": draw(CODES)}


MODELS: dict[str, type[BaseModel]] = {"decision": Decision, "run": Run, "applied": Applied}


def _pydantic_line(entry: BaseModel) -> bytes | type[Exception]:
    try:
        return entry.model_dump_json(exclude_none=True).encode("utf-8") + b"\n"
    except Exception as exc:  # the error is what is compared
        return type(exc)


def _fast_line(entry: Any) -> bytes | type[Exception]:
    try:
        return entry_line(entry)
    except Exception as exc:  # the error is what is compared
        return type(exc)


@settings(max_examples=400, deadline=None)
@given(decision_drafts() | run_drafts() | applied_drafts())
def test_entry_line_is_pydantic_line(draft: dict[str, Any]) -> None:
    try:
        entry = MODELS[draft["kind"]].model_validate(draft)
    except ValidationError:
        return  # never written
    assert _fast_line(entry) == _pydantic_line(entry)


def test_edge_cases_written_alike() -> None:
    base = {"id": "R00002", "seq": 2, "time": "2026-01-01T00:00:00Z", "doc": "D01",
            "segment": "D01:0003", "coders": {"ingrid": ["A"], "lars": []},
            "outcome": "majority", "strategy": "majority"}
    cases = [
        base,
        base | {"seq": 2**64 + 1},  # beyond orjson: pydantic writes it
        base | {"rationale": "caf\u00e9 \x01\x1f\x7f \u2028 \"q\" \\ \U0001F600"},
        base | {"spans": {"ingrid": {"A": [[0, 4], [6, 9]]}}, "chosen_spans": {"A": [[0, 4]]},
                "tie_spans": {"A": [[6, 9]]}, "tie": ["A"], "scope": ["A", "B"]},
        base | {"by": None, "accepted": None, "chosen": [], "tie": []},
    ]
    for draft in cases:
        entry = Decision.model_validate(draft)
        assert entry_line(entry) == _pydantic_line(entry)
    lone = Decision.model_validate(base | {"doc": "D\ud800"})
    assert _fast_line(lone) == _pydantic_line(lone) != b""  # the same error
    assert isinstance(_pydantic_line(lone), type)


def _types(annotation: Any) -> set[Any]:
    args = typing.get_args(annotation)
    if not args:
        return {annotation}
    return {typing.get_origin(annotation)}.union(*(_types(a) for a in args))


@pytest.mark.parametrize("model", [Decision, Run, Applied])
def test_entry_fields_hold_only_what_both_write_alike(model: type[BaseModel]) -> None:
    """A float or a nested record would be written differently by orjson: a new field of
    such a type must come with its own proof (and this test's update)."""
    allowed = {str, int, type(None), tuple, dict, typing.Literal, typing.Union,
               types.UnionType, Ellipsis}
    for name, field in model.model_fields.items():
        found = {t for t in _types(field.annotation) if not isinstance(t, str)}
        assert found <= allowed, (name, found - allowed)


def _last_seq_by_split(data: bytes) -> int:
    """The reading of the last seq before it read from the end (every line split off)."""
    for raw in reversed(data.split(b"\n")):
        if raw.strip():
            try:
                return int(json.loads(raw)["seq"])
            except (ValueError, KeyError, TypeError):
                continue
    return 0


LINES = st.sampled_from([b"", b" ", b"\r", b'{"seq":3}', b'{"seq":12,"kind":"run"}',
                         b'{"seq":"7"}', b'{"seq":null}', b'{"kind":"run"}', b"[1]", b"{torn",
                         b'{"seq":1.5}', b'{"seq":true}'])


@given(st.lists(LINES, max_size=8), st.booleans())
def test_last_seq_from_the_end_reads_as_every_line_split(lines: list[bytes],
                                                         newline: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if newline else b"")
    assert last_seq(data) == _last_seq_by_split(data)

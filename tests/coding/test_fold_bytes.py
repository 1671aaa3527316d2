"""The one-pass fold of log bytes against the reference: parse every line, then replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import fold as log_fold
from qcode.coding import order
from qcode.coding import store as codings

SEGS = ["D:0001", "D:0002", "E:0001"]
CODES = ["A", "B", "C"]

event = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(SEGS), st.sampled_from(CODES)),
    st.tuples(st.just("remove"), st.sampled_from(SEGS), st.sampled_from(CODES)),
    st.tuples(st.just("memo"), st.sampled_from(SEGS), st.sampled_from(["", "x", "undo y"])),
    st.tuples(st.sampled_from(["done", "reopen", "later-op"]), st.sampled_from(["D", "E"]),
              st.none()),
    st.tuples(st.sampled_from(["undo", "undo-escaped"]), st.just(""),
              st.integers(min_value=0, max_value=30)),
)
# a line: one event, a batch of events, or damage (garbage, blank, a non-event value)
line = st.one_of(
    st.lists(event, min_size=1, max_size=1),
    st.lists(event, min_size=2, max_size=4),
    st.sampled_from(["garbage", "blank", "number", "empty-batch"]),
)


def _event_json(seq: int, ev: tuple) -> str:
    op, where, arg = ev
    out: dict = {"op": op, "seq": seq, "time": f"t{seq:03d}"}
    if op in ("add", "remove", "memo"):
        out |= {"doc": where[0], "segment": where}
    if op == "add":
        out |= {"code": arg, "quote": f"quote {seq}", "start": seq, "end": seq + 1,
                "origin": "manual"}
    elif op == "remove":
        out["code"] = arg
    elif op == "memo":
        out["memo"] = arg
    elif op in ("done", "reopen", "later-op"):
        out["doc"] = where
    else:
        out |= {"op": "undo", "doc": "D", "target": arg}
    text = json.dumps(out)
    if op == "undo-escaped":  # valid JSON a byte scan for the word cannot see
        text = text.replace('"op": "undo"', '"op": "\\u0075ndo"')
    return text


def _log(lines: list, torn: bool) -> bytes:
    seq, out = 0, []
    for ln in lines:
        if ln == "garbage":
            out.append('{"op": "add", "seq": ')
        elif ln == "blank":
            out.append("  ")
        elif ln == "number":
            out.append("17")
        elif ln == "empty-batch":
            out.append("[]")
        else:
            items = []
            for ev in ln:
                seq += 1
                items.append(_event_json(seq, ev))
            out.append(items[0] if len(items) == 1 else "[" + ", ".join(items) + "]")
    data = "".join(x + "\n" for x in out).encode()
    if torn and data:
        data = data[:-max(2, len(out[-1]) // 2)]  # cut into the last line
    return data


def _snapshot(s: codings.CoderState) -> tuple:
    """Everything in a state, the order of segments and codes included."""
    return ([(k, list(v.items())) for k, v in s.codes.items()], list(s.memos.items()),
            s.done, s.n_events, s.last_seq, s.last_time,
            [(p.line, p.reason) for p in s.problems])


def _reference(data: bytes, path: Path) -> codings.CoderState:
    read = codings.parse_lines(data, path)
    ref = codings.fold("c", read.events)
    ref.problems = read.problems
    return ref


@settings(max_examples=150, deadline=None)
@given(st.lists(line, max_size=25), st.booleans())
def test_fold_bytes_equals_parse_then_replay(lines: list, torn: bool) -> None:
    path = Path("c.jsonl")
    data = _log(lines, torn)
    assert _snapshot(log_fold.fold_bytes("c", data, path)) == _snapshot(_reference(data, path))


@settings(max_examples=60, deadline=None)
@given(st.lists(line, max_size=25), st.integers(min_value=0, max_value=25))
def test_checkpoint_then_one_pass_tail_equals_reference(tmp_path_factory, lines: list,
                                                        cut: int) -> None:
    folder = tmp_path_factory.mktemp("ck")
    path, ck = folder / "c.jsonl", folder / ".c.checkpoint"
    data = _log(lines, False)
    prefix = b"".join(data.splitlines(keepends=True)[:cut])
    log_checkpoint.save(ck, _reference(prefix, path), prefix)
    resumed = log_checkpoint.resume(ck, "c", data, path)
    if resumed is not None:
        ref = _reference(data, path)
        got = resumed[0]
        assert (got.codes, got.memos, got.done) == (ref.codes, ref.memos, ref.done)
        assert (got.n_events, got.last_seq, got.last_time) == (
            ref.n_events, ref.last_seq, ref.last_time)
        assert [(p.line, p.reason) for p in got.problems] == [
            (p.line, p.reason) for p in ref.problems]


@pytest.mark.parametrize("guess_too_big", [False, True])
def test_escaped_undo_is_honoured_and_adds_come_back_as_dicts(
        monkeypatch: pytest.MonkeyPatch, guess_too_big: bool) -> None:
    path = Path("c.jsonl")
    data = _log([[("add", "D:0001", "A")], [("add", "D:0001", "B")],
                 [("undo-escaped", "", 2)]], False)
    assert b'"undo"' not in data and order.undo_targets(data) == {2}
    assert order.undo_guess(data) == set()  # the guess misses it: the fold notices, re-reads
    if guess_too_big:  # a guess with targets no undo names: the fold checks and folds again
        monkeypatch.setattr(log_fold, "undo_guess", lambda data: {1, 2, "f00d"})
    st_ = log_fold.fold_bytes("c", data, path)
    assert st_.codes_on("D", "D:0001") == ["A"]
    ev = st_.codes[("D", "D:0001")]["A"]
    assert type(ev) is dict and ev["quote"] == "quote 1" and ev["seq"] == 1
    assert (st_.n_events, st_.last_seq) == (3, 3)


def test_torn_and_unreadable_lines_are_reported_with_their_numbers() -> None:
    path = Path("c.jsonl")
    data = _log([[("add", "D:0001", "A")], "garbage", "blank", [("add", "D:0002", "B")],
                 [("memo", "D:0002", "x")]], True)
    st_ = log_fold.fold_bytes("c", data, path)
    assert [(p.line, p.reason) for p in st_.problems] == [
        (2, "unreadable line"), (5, "incomplete last line (torn by a crash or kill)")]
    assert st_.codes_on("D", "D:0002") == ["B"] and st_.memos == {}

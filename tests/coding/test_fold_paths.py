"""The fast fold of log bytes (one pass over the lines, or, for a log out of fold order, parse,
sort and replay without keeping the segment view up to date at each event) against the
line-by-line reference: every line parsed, events sorted, replayed with the view kept up to
date at every event. Logs with ids, torn, damaged, duplicated and out-of-order lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding import fold as log_fold
from qcode.coding import order
from qcode.coding.events import parse_lines
from qcode.coding.order import ordered, undo_key

SEGS = ["D:0001", "D:0002", "E:0001"]

event = st.tuples(
    st.sampled_from(["add", "add", "remove", "remove-span", "memo", "done", "reopen",
                     "undo", "add-multi"]),
    st.sampled_from(SEGS), st.sampled_from(["A", "B"]), st.integers(0, 3),
    st.booleans())  # with an id
damage = st.sampled_from(["garbage", "blank", "bad-field", "dup", "swap", "fake-undo"])
line = st.one_of(event, damage)


def _log(items: list, torn: bool, compact: bool = False) -> bytes:
    out: list[str] = []
    ids: list[str] = []
    seq = 0
    for it in items:
        if it == "garbage":
            out.append('{"op": "add", "seq": ')
        elif it == "blank":
            out.append(" ")
        elif it == "fake-undo":  # reads like an undo of an earlier event, and is no event
            tid = ids[-1] if ids else "0"
            out.append(f'{{"op":"undo","seq":98,"time":"2026-01-01T00:00:{seq:02d}.000000Z",'
                       f'"doc":"D","target":{max(1, seq)},"target_id":"{tid}"}} x')
        elif it == "bad-field":
            out.append(json.dumps({"op": "add", "seq": 99, "time": "t", "doc": 3}))
        elif it == "dup":  # a line a union merge kept twice
            keyed = [x for x in out if '"id"' in x]
            if keyed:
                out.append(keyed[len(keyed) // 2])
        elif it == "swap":  # lines a merge left out of time order
            if len(out) >= 2:
                out[-1], out[-2] = out[-2], out[-1]
        else:
            op, seg, code, off, keyed = it
            seq += 1
            ev: dict = {"op": op, "seq": seq, "time": f"2026-01-01T00:00:{seq:02d}.000000Z"}
            if op.startswith("add") or op.startswith("remove") or op == "memo":
                ev |= {"doc": seg[0], "segment": seg}
            if op.startswith("add"):
                ev |= {"op": "add", "code": code, "start": off, "end": off + 2,
                       "quote": "q", "origin": "manual"}
                if op == "add-multi" and seg == "D:0001":
                    ev["segments"] = ["D:0001", "D:0002"]
            elif op.startswith("remove"):
                ev |= {"op": "remove", "code": code, "start": off, "end": off + 2}
                if op == "remove-span":
                    ev["span"] = True
            elif op == "memo":
                ev["memo"] = "m" if off else ""
            elif op in ("done", "reopen"):
                ev["doc"] = seg[0]
            else:
                ev["target"] = max(1, seq - 1 - off)
                if ids and keyed:
                    ev["target_id"] = ids[-1 - off % len(ids)]
            if keyed:
                ev["id"] = f"{seq * 7919:016x}"
                ids.append(ev["id"])
            out.append(json.dumps(ev, separators=(",", ":") if compact else None))
    data = "".join(x + "\n" for x in out).encode()
    if torn and out:
        data = data[:-max(2, len(out[-1]) // 2)]
    return data


def _line_by_line(data: bytes, path: Path) -> log_fold.CoderState:
    read = parse_lines(data, path)
    events, dropped = ordered(read.events)
    undone = {undo_key(e) for e in events if e["op"] == "undo" and undo_key(e) is not None}
    ref = log_fold.replay(log_fold.CoderState(coder="c"), events, undone)  # view kept up to date
    ref.problems, ref.duplicates = read.problems, dropped
    return ref


def _same(got: log_fold.CoderState, ref: log_fold.CoderState) -> None:
    assert got.codes == ref.codes
    assert got.spans == ref.spans and got.memos == ref.memos and got.done == ref.done
    assert (got.n_events, got.last_seq, got.last_time, got.duplicates) == (
        ref.n_events, ref.last_seq, ref.last_time, ref.duplicates)
    assert [(p.line, p.reason, p.events) for p in got.problems] == [
        (p.line, p.reason, p.events) for p in ref.problems]


@settings(max_examples=300, deadline=None)
@given(st.lists(line, max_size=30), st.booleans(), st.booleans())
def test_fast_fold_equals_line_by_line(items: list, torn: bool, compact: bool) -> None:
    path = Path("c.jsonl")
    data = _log(items, torn, compact)  # compact: as qcode writes lines (the undo guess reads)
    _same(log_fold.fold_bytes("c", data, path), _line_by_line(data, path))


def test_a_merged_log_is_sorted_deduplicated_and_problems_keep_their_lines() -> None:
    path = Path("c.jsonl")
    items = [("add", "D:0001", "A", 0, True), ("add", "D:0002", "B", 1, True),
             "swap", "garbage", "dup", ("remove-span", "D:0001", "A", 0, True), "bad-field",
             ("add", "E:0001", "A", 2, True)]
    data = _log(items, True)
    got = log_fold.fold_bytes("c", data, path)
    _same(got, _line_by_line(data, path))
    assert got.duplicates == 1 and got.codes_on("D", "D:0001") == []
    assert [(p.line, p.reason) for p in got.problems] == [
        (3, "unreadable line"),
        (6, "not a valid event (add event without a valid 'doc')"),
        (7, "incomplete last line (torn by a crash or kill)")]


def test_a_log_whose_tail_goes_back_is_sorted_without_a_pass_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path("c.jsonl")
    items = [("add", "D:0001", "A", i % 4, True) for i in range(40)] + ["swap"]
    data = _log(items, False)
    assert order.tail_goes_back(data)
    ref = _line_by_line(data, path)

    def no_pass(*args: object) -> int:
        raise AssertionError("the one-pass fold was tried on a merged log")
    monkeypatch.setattr(log_fold, "fold_pass", no_pass)
    _same(log_fold.fold_bytes("c", data, path), ref)


def test_a_log_in_order_is_folded_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path("c.jsonl")
    data = _log([("add", "D:0001", "A", i % 4, True) for i in range(40)], False)
    assert not order.tail_goes_back(data)
    monkeypatch.setattr(log_fold, "parse_lines", None)  # the sorted path would fail
    _same(log_fold.fold_bytes("c", data, path), _line_by_line(data, path))

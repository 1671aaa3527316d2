"""The fold over span codings, against a simple model.

Random sequences of span adds (in one segment, whole segments, across segments, and
whole-segment adds without offsets as old logs hold), removes (of one span, or of a code
on a segment as old logs hold) and undos are folded four ways -- replaying parsed events,
the one-pass byte fold, event by event as a coding session applies its own writes, and
resuming from a checkpoint of a prefix -- and each state is compared with a model that
keeps a plain list of spans: the codings (one per span, with its quote), and the segment
view (a code is on a segment when one of its spans overlaps it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import fold as log_fold
from qcode.coding import store as codings
from qcode.coding.spans import segments_touched
from tests.builders import make_doc

DOC = make_doc("D", [("A", "alpha beta gamma"), ("B", "delta epsilon zeta"),
                     ("A", "eta theta iota"), ("B", "kappa lambda mu")])
SEGS = DOC.segments
CODES = ["A", "B"]


@st.composite
def spans(draw: Any) -> tuple[int, int]:
    """A span inside the segments: in one, a whole one, or across consecutive ones."""
    a = draw(st.integers(0, len(SEGS) - 1))
    b = draw(st.integers(a, min(a + 1, len(SEGS) - 1)))
    first, last = SEGS[a], SEGS[b]
    if draw(st.booleans()) and a == b:
        return first.start, first.end
    start = draw(st.integers(first.start, first.end - 1))
    end = draw(st.integers(max(start + 1, last.start + 1 if b > a else start + 1), last.end))
    return start, end


step = st.one_of(
    st.tuples(st.just("add"), spans(), st.sampled_from(CODES)),
    st.tuples(st.just("add-old"), st.integers(0, len(SEGS) - 1), st.sampled_from(CODES)),
    st.tuples(st.just("remove"), st.integers(0, 30), st.sampled_from(CODES)),
    st.tuples(st.just("remove-old"), st.integers(0, len(SEGS) - 1), st.sampled_from(CODES)),
    st.tuples(st.just("undo"), st.integers(1, 30), st.none()),
)


def _events(steps: list[tuple[Any, Any, Any]]) -> list[dict[str, Any]]:
    """The log events of ``steps`` (removes pick a span added earlier, by number)."""
    out: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    for seq, (op, arg, code) in enumerate(steps, start=1):
        ev: dict[str, Any] = {"seq": seq, "time": f"t{seq:03d}", "doc": "D"}
        if op == "add":
            start, end = arg
            touched = segments_touched(DOC, start, end)
            ev |= {"op": "add", "segment": touched[0].id, "code": code, "start": start,
                   "end": end, "quote": DOC.text[start:end], "origin": "manual"}
            if len(touched) > 1:
                ev["segments"] = [s.id for s in touched]
            added.append(ev)
        elif op == "add-old":  # an old log: no offsets, the whole segment
            ev |= {"op": "add", "segment": SEGS[arg].id, "code": code, "origin": "manual"}
        elif op == "remove" and added:
            was = added[arg % len(added)]
            ev |= {"op": "remove", "segment": was["segment"], "code": was["code"],
                   "start": was["start"], "end": was["end"], "span": True}
        elif op == "remove":  # a span that was never coded: nothing to take off
            seg = SEGS[arg % len(SEGS)]
            ev |= {"op": "remove", "segment": seg.id, "code": code, "start": seg.start,
                   "end": seg.start + 1, "span": True}
        elif op == "remove-old":  # as logs before spans: the code off the segment
            seg = SEGS[arg % len(SEGS)]
            ev |= {"op": "remove", "segment": seg.id, "code": code, "start": seg.start,
                   "end": seg.end}
        else:
            ev |= {"op": "undo", "target": arg}
        out.append(ev)
    return out


def _model(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spans coded after ``events``: a plain list, the last add of a span kept."""
    undone = {e["target"] for e in events if e["op"] == "undo"}
    live: list[dict[str, Any]] = []
    for e in events:
        if e["op"] == "undo" or e["seq"] in undone:
            continue
        same = [x for x in live if x["segment"] == e["segment"] and x["code"] == e["code"]]
        if e["op"] == "add":
            key = (e.get("start"), e.get("end"))
            old = [x for x in same if (x.get("start"), x.get("end")) == key]
            live = [x for x in live if not any(x is o for o in old)]
            live.append(e)
        else:
            exact = [x for x in same if (x.get("start"), x.get("end")) == (e.get("start"),
                                                                           e.get("end"))]
            gone = exact if e.get("span") else same
            live = [x for x in live if not any(x is g for g in gone)]
    return live


def _expected(events: list[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], dict[Any, set[str]]]:
    live = _model(events)
    codings_ = sorted((e["segment"], e["code"], e.get("start") or 0, e.get("end") or 0,
                       e.get("quote") or "") for e in live)
    view: dict[tuple[str, str], set[str]] = {}
    for e in live:
        start, end = e.get("start"), e.get("end")
        on = [e["segment"]] if start is None or end is None else \
            [s.id for s in segments_touched(DOC, start, end)]
        for seg in on:
            view.setdefault(("D", seg), set()).add(e["code"])
    return codings_, view


def _got(state: codings.CoderState) -> tuple[list[tuple[Any, ...]], dict[Any, set[str]]]:
    got = sorted((c.segment, c.code, c.start, c.end, c.quote) for c in state.codings())
    return got, {k: set(v) for k, v in state.codes.items()}


def _bytes(events: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


@settings(max_examples=200, deadline=None)
@given(st.lists(step, max_size=30))
def test_every_fold_of_spans_agrees_with_the_model(steps: list[Any]) -> None:
    events = _events(steps)
    want = _expected(events)
    path = Path("/nonexistent/c.jsonl")
    assert _got(codings.fold("c", events)) == want
    assert _got(log_fold.fold_bytes("c", _bytes(events), path)) == want
    # as a session applies its own writes: one action at a time, then a reload after undos
    live = codings.CoderState(coder="c")
    for e in events:
        if e["op"] != "undo":
            codings.replay(live, [e], set())
    if not any(e["op"] == "undo" for e in events):
        assert _got(live) == want


@settings(max_examples=100, deadline=None)
@given(st.lists(step, max_size=30), st.integers(0, 30))
def test_a_checkpoint_of_spans_resumes_to_the_same_state(steps: list[Any], cut: int,
                                                         ) -> None:
    events = _events(steps)
    data = _bytes(events)
    path = Path("/nonexistent/c.jsonl")
    prefix = _bytes(events[:cut])
    ck = Path(__import__("tempfile").mkdtemp()) / ".c.checkpoint"
    log_checkpoint.save(ck, log_fold.fold_bytes("c", prefix, path), prefix)
    resumed = log_checkpoint.resume(ck, "c", data, path)
    full = log_fold.fold_bytes("c", data, path)
    if resumed is not None:  # an undo reaching into the checkpoint sends it to a full fold
        assert _got(resumed[0]) == _got(full)
        assert resumed[0].multi.keys() == full.multi.keys()
    assert _got(full) == _expected(events)


def test_several_spans_of_one_code_in_one_segment_are_kept_apart() -> None:
    seg = SEGS[0]
    a = {"op": "add", "seq": 1, "time": "t", "doc": "D", "segment": seg.id, "code": "A",
         "start": seg.start, "end": seg.start + 5, "quote": DOC.text[seg.start:seg.start + 5]}
    b = a | {"seq": 2, "start": seg.start + 6, "end": seg.start + 10,
             "quote": DOC.text[seg.start + 6:seg.start + 10]}
    rm = {"op": "remove", "seq": 3, "time": "t", "doc": "D", "segment": seg.id, "code": "A",
          "start": seg.start, "end": seg.start + 5, "span": True}
    both = codings.fold("c", [a, b])
    assert [(c.start, c.end, c.quote) for c in both.codings()] == [
        (seg.start, seg.start + 5, "alpha"), (seg.start + 6, seg.start + 10, "beta")]
    assert both.codes_on("D", seg.id) == ["A"]
    one = codings.fold("c", [a, b, rm])
    assert [(c.start, c.quote) for c in one.codings()] == [(seg.start + 6, "beta")]
    assert one.codes_on("D", seg.id) == ["A"]  # the other span still holds the code

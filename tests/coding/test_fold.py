"""The fold against a plain model of what a coder did: any mix of actions and undos."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import log_file
from qcode.coding import store as codings

SEGS = ["D:0001", "D:0002", "D:0003"]
CODES = ["A", "B", "C"]

action = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(SEGS), st.lists(st.sampled_from(CODES),
                                                               min_size=1, max_size=3)),
    st.tuples(st.just("remove"), st.sampled_from(SEGS), st.lists(st.sampled_from(CODES),
                                                                  min_size=1, max_size=3)),
    st.tuples(st.just("memo"), st.sampled_from(SEGS), st.sampled_from(["", "x", "y"])),
    st.tuples(st.just("done"), st.just(""), st.booleans()),
    st.tuples(st.just("undo"), st.just(""), st.just(None)),
)


def _model_step(state: dict, act: tuple) -> list[dict]:
    """Apply an action to the model; return the events the real code would write."""
    kind, seg, arg = act
    codes, memos = state["codes"], state["memos"]
    if kind == "add":
        new = [c for c in dict.fromkeys(arg) if c not in codes.setdefault(seg, [])]
        codes[seg] += new
        return [{"op": "add", "doc": "D", "segment": seg, "code": c, "quote": "q", "start": 0,
                 "end": 1} for c in new]
    if kind == "remove":
        gone = [c for c in dict.fromkeys(arg) if c in codes.get(seg, [])]
        codes[seg] = [c for c in codes.get(seg, []) if c not in gone]
        return [{"op": "remove", "doc": "D", "segment": seg, "code": c} for c in gone]
    if kind == "memo":
        if memos.get(seg, "") == arg:
            return []
        memos[seg] = arg
        return [{"op": "memo", "doc": "D", "segment": seg, "memo": arg}]
    if state["done"] == arg:
        return []
    state["done"] = arg
    return [{"op": "done" if arg else "reopen", "doc": "D"}]


def _as_model(cs: codings.CoderState) -> dict:
    return {"codes": {s: sorted(v) for (_, s), v in cs.codes.items() if v},
            "memos": {s: m for (_, s), m in cs.memos.items()}, "done": "D" in cs.done}


def _norm(model: dict) -> dict:
    return {"codes": {s: sorted(v) for s, v in model["codes"].items() if v},
            "memos": {s: m for s, m in model["memos"].items() if m}, "done": model["done"]}


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is tested elsewhere


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(action, max_size=40), st.integers(min_value=0, max_value=40))
def test_fold_equals_replaying_actions_with_undo(tmp_path: Path, actions: list[tuple],
                                                 split: int) -> None:
    path = tmp_path / "c.jsonl"
    path.unlink(missing_ok=True)
    model = {"codes": {}, "memos": {}, "done": False}
    history: list[dict] = []  # model states before each live action
    offsets = [0]
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for act in actions:
            if act[0] == "undo":
                batch = log_file.last_action(fd, os.fstat(fd).st_size)
                assert bool(batch) == bool(history)
                if batch:
                    log_file.append_locked(fd, [{"op": "undo", "doc": "D", "target": e["seq"]}
                                                for e in batch])
                    model = history.pop()
            else:
                before = copy.deepcopy(model)
                events = _model_step(model, act)
                if events:
                    log_file.append_locked(fd, events)
                    history.append(before)
            offsets.append(os.fstat(fd).st_size)
    finally:
        os.close(fd)
    data = path.read_bytes()
    full = codings.fold("c", codings.read_log(path).events)
    assert _as_model(full) == _norm(model)
    # a checkpoint of any prefix, resumed on the whole log, agrees (or steps aside)
    cut = offsets[min(split, len(offsets) - 1)]
    prefix = data[:cut]
    ck = tmp_path / ".c.checkpoint"
    ck.unlink(missing_ok=True)
    log_checkpoint.save(ck, codings.fold("c", codings.parse_lines(prefix, path).events), prefix)
    resumed = log_checkpoint.resume(ck, "c", data, path)
    if resumed is not None:
        assert _as_model(resumed[0]) == _norm(model)
        assert resumed[0].last_seq == full.last_seq and resumed[0].n_events == full.n_events

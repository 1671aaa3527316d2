"""Coder-log lines that parse but are wrong, damaged batches, and appends that fail part-way
(issue 12, items 5 and 6): skipped and reported with file:line, never a bug, never a
permanently unreadable line."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import fold as log_fold
from qcode.coding import log_file
from qcode.coding import store as codings
from qcode.coding.usable import LogDamage, omissions
from qcode.errors import QcodeError, WriteFailedError
from qcode.project import Project
from tests.builders import numbered_doc

GOOD = {"op": "add", "seq": 1, "time": "2026-01-01T00:00:00Z", "doc": "D", "segment": "D:0001",
        "start": 0, "end": 4, "quote": "text", "code": "GOV-MAC-01", "origin": "manual"}

# lines that are valid JSON with an op and a seq, but not events qcode can fold
WRONG = {
    "no doc, segment or code": {"op": "add", "seq": 100000, "time": "x"},
    "doc is a number": GOOD | {"seq": 2, "doc": 5},
    "code is null": GOOD | {"seq": 2, "code": None},
    "start is text": GOOD | {"seq": 2, "start": "0"},
    "origin unknown": GOOD | {"seq": 2, "origin": "psychic"},
    "time missing": {k: v for k, v in (GOOD | {"seq": 2}).items() if k != "time"},
    "seq zero": GOOD | {"seq": 0},
    "remove without code": {"op": "remove", "seq": 2, "time": "t", "doc": "D",
                            "segment": "D:0001"},
    "memo is a list": {"op": "memo", "seq": 2, "time": "t", "doc": "D", "segment": "D:0001",
                       "memo": ["x"]},
    "done without doc": {"op": "done", "seq": 2, "time": "t"},
    "undo target text": {"op": "undo", "seq": 2, "time": "t", "doc": "D", "target": "1"},
}
REASONS = {
    "no doc, segment or code": "not a valid event (add event without a valid 'doc')",
    "doc is a number": "not a valid event (add event without a valid 'doc')",
    "code is null": "not a valid event (add event without a valid 'code')",
    "start is text": "not a valid event (add event without a valid 'start')",
    "origin unknown": "not a valid event (add event without a valid 'origin')",
    "time missing": "not a valid event (add event without a valid 'time')",
    "seq zero": "not a valid event (add event without a valid 'seq')",
    "remove without code": "not a valid event (remove event without a valid 'code')",
    "memo is a list": "not a valid event (memo event without a valid 'memo')",
    "done without doc": "not a valid event (done event without a valid 'doc')",
    "undo target text": "not a valid event (undo event without a valid 'target')",
}


def _line(ev: object) -> bytes:
    return json.dumps(ev).encode() + b"\n"


def _log(project: Project, coder: str = "ingrid") -> Path:
    doc = numbered_doc("D", 4)
    project.save_document(doc)
    codings.add_codes(project, coder, doc, ["D:0001"], ["GOV-MAC-01"])
    return codings.log_path(project, coder)


@pytest.mark.parametrize("name", list(WRONG))
def test_a_wrong_event_is_skipped_and_reported_with_its_line(project: Project,
                                                             name: str) -> None:
    path = _log(project)
    with path.open("ab") as f:
        f.write(_line(WRONG[name]))
    doc = project.load_document("D")
    codings.add_codes(project, "ingrid", doc, ["D:0002"], ["GOV-MAC-02"])
    st = codings.load_state(project, "ingrid")
    assert [str(p) for p in st.problems] == [f"{path}:2: {REASONS[name]}; the line was skipped"]
    assert st.codes_on("D", "D:0001") == ["GOV-MAC-01"]
    assert st.codes_on("D", "D:0002") == ["GOV-MAC-02"]
    # the append after the bad line numbered its event after the last good one
    assert st.last_seq == 2
    # the reference (parse every line, then replay) agrees with the one-pass fold
    read = codings.parse_lines(path.read_bytes(), path)
    assert [(p.line, p.reason) for p in read.problems] == [(2, REASONS[name])]
    assert codings.fold("ingrid", read.events).codes == st.codes


def test_a_wrong_event_after_a_checkpoint_is_reported_too(project: Project,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    path = _log(project)
    codings.load_state(project, "ingrid")  # writes the checkpoint
    assert codings.checkpoint_path(path).exists()
    with path.open("ab") as f:
        f.write(_line(WRONG["code is null"]))
    resumed = log_checkpoint.resume(codings.checkpoint_path(path), "ingrid",
                                    path.read_bytes(), path)
    assert resumed is not None  # the tail was folded on top of the checkpoint
    st, _ = resumed
    assert [(p.line, p.reason) for p in st.problems] == [(2, REASONS["code is null"])]
    assert [(p.line, p.reason) for p in codings.load_state(project, "ingrid").problems] == [
        (2, REASONS["code is null"])]


def test_undo_steps_over_a_wrong_line(project: Project) -> None:
    path = _log(project)
    with path.open("ab") as f:
        f.write(_line(WRONG["no doc, segment or code"]))
    undone = codings.undo_last(project, "ingrid")
    assert [e.seq for e in undone] == [1]
    assert codings.load_state(project, "ingrid").codes == {}


def test_a_batch_with_one_wrong_event_is_lost_whole_and_counted(project: Project) -> None:
    path = _log(project)
    batch = [GOOD | {"seq": 2 + i, "segment": f"D:000{2 + i}"} for i in range(3)]
    batch[1] = batch[1] | {"code": None}
    with path.open("ab") as f:
        f.write(json.dumps(batch).encode() + b"\n")
    st = codings.load_state(project, "ingrid")
    assert [(p.line, p.reason, p.events) for p in st.problems] == [
        (2, "batch of 3 events, one of them not valid (add event without a valid 'code')", 3)]
    assert list(st.codes) == [("D", "D:0001")]


def test_one_damaged_byte_in_a_batch_is_reported_with_the_events_it_held(
        project: Project) -> None:
    doc = numbered_doc("D", 40)
    project.save_document(doc)
    codings.add_codes(project, "ingrid", doc, [s.id for s in doc.segments[:33]],
                      ["GOV-MAC-01"])
    path = codings.log_path(project, "ingrid")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] = ord("\x01")  # one byte inside the batch's JSON
    path.write_bytes(bytes(data))
    st = codings.load_state(project, "ingrid")
    assert [(p.line, p.reason, p.events) for p in st.problems] == [(1, "unreadable line", 33)]
    assert omissions([st]).damaged == (LogDamage("ingrid", path, (1,), 33),)


def test_the_fold_stays_equal_to_parse_then_replay_on_wrong_lines() -> None:
    path = Path("c.jsonl")
    lines = [_line(GOOD)] + [_line(ev) for ev in WRONG.values()] + \
        [_line(GOOD | {"seq": 3, "segment": "D:0002"})]
    data = b"".join(lines)
    st = log_fold.fold_bytes("c", data, path)
    read = codings.parse_lines(data, path)
    assert [(p.line, p.reason) for p in st.problems] == [
        (p.line, p.reason) for p in read.problems]
    assert len(st.problems) == len(WRONG)
    assert st.codes == codings.fold("c", read.events).codes
    assert sorted(st.codes) == [("D", "D:0001"), ("D", "D:0002")]


# ----------------------------------------------------------------------------- writes


def _half_then_enospc(real_write):  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def write(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write


def test_a_write_that_fails_part_way_leaves_no_partial_line(project: Project,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    path = _log(project)
    before = path.read_bytes()
    doc = project.load_document("D")
    monkeypatch.setattr(log_file.os, "write", _half_then_enospc(os.write))
    with pytest.raises(QcodeError) as exc:
        codings.add_codes(project, "ingrid", doc, ["D:0002", "D:0003"], ["GOV-MAC-02"])
    monkeypatch.undo()
    assert "the last action was not saved" in exc.value.message
    assert path.read_bytes() == before  # cut back to the last whole line
    st = codings.load_state(project, "ingrid")
    assert st.problems == [] and st.codes_on("D", "D:0002") == []
    codings.add_codes(project, "ingrid", doc, ["D:0002"], ["GOV-MAC-02"])
    assert codings.load_state(project, "ingrid").last_seq == 2


def test_a_failed_fsync_says_the_action_is_in_the_log_but_unconfirmed(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _log(project)
    doc = project.load_document("D")

    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(log_file.os, "fsync", fsync)
    with pytest.raises(WriteFailedError) as exc:
        codings.add_codes(project, "ingrid", doc, ["D:0002"], ["GOV-MAC-02"])
    monkeypatch.undo()
    assert exc.value.message == (
        f"the last action was written to {path} but the disk did not confirm it "
        "(Input/output error): it is in the log now and may be lost if the computer stops "
        "before the disk recovers")
    assert "not saved" not in exc.value.message
    assert codings.load_state(project, "ingrid").codes_on("D", "D:0002") == ["GOV-MAC-02"]


@pytest.fixture
def small_codings(project: Project):  # type: ignore[no-untyped-def]
    """The project's codings/ folder on a 64 KB tmpfs (needs root and a kernel that allows
    the mount; skipped otherwise)."""
    folder = project.codings_dir
    folder.mkdir(exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_full_disk_never_leaves_an_unreadable_line(project: Project, small_codings: Path
                                                     ) -> None:
    doc = numbered_doc("D", 20)
    project.save_document(doc)
    segs = [s.id for s in doc.segments]
    saved, failed = 0, None
    for i in range(100):  # each action: 20 memos of about 1 KB in one batch line
        try:
            codings.add_codes(project, "ingrid", doc, segs, [],
                              memo=f"memo {i} " + "x" * 1000)
            saved += 1
        except QcodeError as exc:
            failed = exc
            break
    assert failed is not None, "the 64 KB disk never filled up"
    assert "the last action was not saved" in failed.message
    path = codings.log_path(project, "ingrid")
    assert path.read_bytes().endswith(b"\n")
    st = codings.load_state(project, "ingrid")
    assert st.problems == []
    assert saved > 0 and st.n_events == 20 * saved
    assert st.memo_on("D", "D:0001") == f"memo {saved - 1} " + "x" * 1000


json_value = st.one_of(st.none(), st.booleans(), st.integers(-2, 5), st.floats(0, 2),
                       st.text(max_size=3), st.lists(st.integers(0, 1), max_size=1),
                       st.sampled_from(["manual", "auto", "add", "remove", "memo", "undo"]))
FIELDS = ["op", "seq", "time", "doc", "segment", "start", "end", "quote", "code", "origin",
          "decision", "memo", "target"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FIELDS), st.one_of(st.just("drop"), json_value)),
                max_size=3))
def test_the_inline_checks_of_the_fold_agree_with_event_ok(changes: list) -> None:
    """Any event damaged in any field: the one-pass fold (which checks the common lines
    inline) and the reference (event_ok on every line) keep and report the same lines."""
    bad = dict(GOOD | {"seq": 2})
    for name, value in changes:
        if value == "drop":
            bad.pop(name, None)
        else:
            bad[name] = value
    other = {"op": "remove", "seq": 3, "time": "t", "doc": "D", "segment": "D:0001",
             "code": "GOV-MAC-01"}
    for name, value in changes:
        other = other | ({} if value == "drop" else {name: value})
    path = Path("c.jsonl")
    data = b"".join(_line(ev) for ev in (GOOD, bad, other, GOOD | {"seq": 4, "code": "B"}))
    st_ = log_fold.fold_bytes("c", data, path)
    read = codings.parse_lines(data, path)
    ref = codings.fold("c", read.events)
    assert [(p.line, p.reason) for p in st_.problems] == [
        (p.line, p.reason) for p in read.problems]
    assert (st_.codes, st_.memos, st_.done, st_.n_events, st_.last_seq) == (
        ref.codes, ref.memos, ref.done, ref.n_events, ref.last_seq)

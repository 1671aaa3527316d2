"""A coder log reads the same whatever order a union merge leaves its lines in."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.coding import store
from qcode.coding.order import in_order, ordered
from qcode.project import Project, init_project
from tests.builders import numbered_doc

CODES = ["GOV-MAC-01", "GOV-MAC-02", "GOV-MAC-03"]


def _state_of(project: Project, coder: str) -> tuple:
    st = store.load_state(project, coder)
    return (sorted(tuple(c) for c in st.codings()), sorted(st.memos.items()), sorted(st.done))


def _lines(path: Path) -> list[bytes]:
    return [x for x in path.read_bytes().split(b"\n") if x]


def _two_machines(tmp_path: Path) -> tuple[Project, Project, list[bytes], list[bytes], list[bytes]]:
    """One coder name on two machines: a shared start, then each codes on its own."""
    a = init_project(tmp_path / "a")
    doc = numbered_doc("D01", 6)
    a.save_document(doc)
    store.add_codes(a, "ana", doc, ["D01:0001"], [CODES[0]])
    store.add_codes(a, "ana", doc, ["D01:0002"], [CODES[1]], memo="shared")
    shutil.copytree(a.root, tmp_path / "b")
    b = Project(tmp_path / "b")
    base = _lines(a.codings_dir / "ana.jsonl")
    # machine a: adds, a remove of a shared coding, an undone action, done
    store.add_codes(a, "ana", doc, ["D01:0003"], [CODES[0], CODES[2]])
    store.remove_codes(a, "ana", doc, ["D01:0001"], [CODES[0]])
    store.add_codes(a, "ana", doc, ["D01:0004"], [CODES[1]])
    store.undo_last(a, "ana")
    store.mark_done(a, "ana", "D01")
    # machine b, same name: other segments, a memo, an undo of its own
    store.add_codes(b, "ana", doc, ["D01:0005"], [CODES[2]], memo="from b")
    store.add_span(b, "ana", doc, doc.segments[5].start, doc.segments[5].start + 4, [CODES[0]])
    store.add_codes(b, "ana", doc, ["D01:0006"], [CODES[1]])
    store.undo_last(b, "ana")
    ours = _lines(a.codings_dir / "ana.jsonl")[len(base):]
    theirs = _lines(b.codings_dir / "ana.jsonl")[len(base):]
    return a, b, base, ours, theirs


def _write(project: Project, lines: list[bytes]) -> None:
    path = project.codings_dir / "ana.jsonl"
    path.write_bytes(b"".join(x + b"\n" for x in lines))
    store.checkpoint_path(path).unlink(missing_ok=True)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), dup=st.integers(0, 5))
def test_any_interleaving_and_duplicates_fold_the_same(tmp_path_factory: pytest.TempPathFactory,
                                                       seed: int, dup: int) -> None:
    tmp = tmp_path_factory.mktemp("m")
    a, _b, base, ours, theirs = _two_machines(tmp)
    _write(a, base + ours + theirs)
    expected = _state_of(a, "ana")
    rng = random.Random(seed)
    # an interleaving that keeps each side's order (what a merge can give), then lines kept
    # twice (a union of a line present on both sides, or merged twice)
    mixed, i, j = [], 0, 0
    while i < len(ours) or j < len(theirs):
        if j >= len(theirs) or (i < len(ours) and rng.random() < 0.5):
            mixed.append(ours[i])
            i += 1
        else:
            mixed.append(theirs[j])
            j += 1
    lines = base + mixed
    again = 0
    for _ in range(dup):
        line = rng.choice(lines)
        value = orjson.loads(line)
        again += len(value) if isinstance(value, list) else 1  # a batch is one line
        lines.insert(rng.randrange(len(lines) + 1), line)
    _write(a, lines)
    assert _state_of(a, "ana") == expected
    assert store.load_state(a, "ana").duplicates == again


def test_merged_result_is_what_each_machine_did(tmp_path: Path) -> None:
    a, _b, base, ours, theirs = _two_machines(tmp_path)
    _write(a, base + theirs + ours)
    st = store.load_state(a, "ana")
    got = {(c.segment, c.code) for c in st.codings()}
    # a removed D01:0001's code, undid D01:0004; b undid D01:0006
    assert got == {("D01:0002", CODES[1]), ("D01:0003", CODES[0]), ("D01:0003", CODES[2]),
                   ("D01:0005", CODES[2]), ("D01:0006", CODES[0])}
    assert st.memos[("D01", "D01:0005")] == "from b" and st.done == {"D01"}


def test_every_event_has_a_unique_id_and_undo_names_it(project: Project) -> None:
    doc = numbered_doc("D01", 3)
    project.save_document(doc)
    store.add_codes(project, "ana", doc, ["D01:0001", "D01:0002"], CODES[:2])
    store.undo_last(project, "ana")
    events = store.read_log(project.codings_dir / "ana.jsonl").events
    ids = [e["id"] for e in events]
    assert len(set(ids)) == len(ids) == 8 and all(len(i) == 16 for i in ids)
    undos = [e for e in events if e["op"] == "undo"]
    assert [u["target_id"] for u in undos] == ids[:4]


def test_old_logs_without_ids_keep_the_order_of_their_lines(project: Project) -> None:
    # written before ids, with the clock set back between two lines: read in line order,
    # as before (sorting by time would put the remove first and keep the code)
    path = project.codings_dir / "old.jsonl"
    path.parent.mkdir(exist_ok=True)
    add = {"op": "add", "seq": 1, "time": "2026-05-02T10:00:00.000000Z", "doc": "D01",
           "segment": "D01:0001", "code": CODES[0]}
    rm = {"op": "remove", "seq": 2, "time": "2026-05-01T09:00:00.000000Z", "doc": "D01",
          "segment": "D01:0001", "code": CODES[0]}
    path.write_bytes(orjson.dumps(add) + b"\n" + orjson.dumps(rm) + b"\n")
    assert store.load_state(project, "old").codings() == []
    assert in_order([add, rm])


def test_a_new_append_never_goes_before_the_last_line(project: Project) -> None:
    # the last line's time is in the future (another machine's clock): the next action
    # still comes after it, so it is folded after it
    doc = numbered_doc("D01", 2)
    project.save_document(doc)
    store.add_codes(project, "ana", doc, ["D01:0001"], [CODES[0]])
    path = project.codings_dir / "ana.jsonl"
    ev = orjson.loads(_lines(path)[-1])
    ev.update(seq=2, time="2099-01-01T00:00:00.000000Z", id="f" * 16, segment="D01:0002")
    with path.open("ab") as fh:
        fh.write(orjson.dumps(ev) + b"\n")
    store.remove_codes(project, "ana", doc, ["D01:0002"])
    events = store.read_log(path).events
    assert events[-1]["time"] == "2099-01-01T00:00:00.000000Z" and events[-1]["seq"] == 3
    assert [(c.segment, c.code) for c in store.current_codings(project, "ana")] == \
        [("D01:0001", CODES[0])]


def test_ordered_puts_events_without_id_first_and_sorts_the_rest() -> None:
    old = {"op": "done", "seq": 5, "time": "2026-01-03T00:00:00.000000Z", "doc": "D"}
    e1 = {"op": "done", "seq": 7, "time": "2026-01-01T00:00:00.000000Z", "doc": "D", "id": "b"}
    e2 = {"op": "done", "seq": 6, "time": "2026-01-01T00:00:00.000000Z", "doc": "D", "id": "a"}
    events, dropped = ordered([e1, old, e2, e1])
    assert events == [old, e2, e1] and dropped == 1


def test_a_checkpoint_then_a_merge_reads_as_the_whole_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the checkpoint covers this machine's lines; the merge appends the other machine's
    # (earlier times) after them: the resume must not fold them out of order
    from qcode.coding import checkpoint

    monkeypatch.setattr(checkpoint, "MIN_EVENTS", 1)
    a, _b, base, ours, theirs = _two_machines(tmp_path)
    path = a.codings_dir / "ana.jsonl"
    _write(a, base + theirs + ours)
    expected = _state_of(a, "ana")
    _write(a, base + ours)
    store.load_state(a, "ana")  # writes the checkpoint
    assert store.checkpoint_path(path).exists()
    path.write_bytes(b"".join(x + b"\n" for x in base + ours + theirs))  # the pull
    assert _state_of(a, "ana") == expected
    # and the checkpoint written after that read serves the next append
    doc = a.load_document("D01")
    store.add_codes(a, "ana", doc, ["D01:0004"], [CODES[2]])
    st = store.load_state(a, "ana")
    assert ("D01:0004", CODES[2]) in {(c.segment, c.code) for c in st.codings()}


def test_time_decides_between_machines_even_after_a_checkpoint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # b takes a code off first; later a takes it off and codes it again: by time, the code
    # is on. In the merged file a's lines come first, so line order would take it off.
    from qcode.coding import checkpoint

    monkeypatch.setattr(checkpoint, "MIN_EVENTS", 1)
    a = init_project(tmp_path / "a")
    doc = numbered_doc("D01", 3)
    a.save_document(doc)
    store.add_codes(a, "ana", doc, ["D01:0001"], [CODES[0]])
    shutil.copytree(a.root, tmp_path / "b")
    b = Project(tmp_path / "b")
    base = _lines(a.codings_dir / "ana.jsonl")
    store.remove_codes(b, "ana", doc, ["D01:0001"], [CODES[0]])
    store.remove_codes(a, "ana", doc, ["D01:0001"], [CODES[0]])
    store.add_codes(a, "ana", doc, ["D01:0001"], [CODES[0]])
    ours = _lines(a.codings_dir / "ana.jsonl")[len(base):]
    theirs = _lines(b.codings_dir / "ana.jsonl")[len(base):]
    for lines in (base + ours + theirs, base + theirs + ours):
        _write(a, lines)
        assert [(c.segment, c.code) for c in store.current_codings(a, "ana")] == \
            [("D01:0001", CODES[0])]
    _write(a, base + ours)
    store.load_state(a, "ana")  # a checkpoint of this machine's lines
    path = a.codings_dir / "ana.jsonl"
    path.write_bytes(b"".join(x + b"\n" for x in base + ours + theirs))
    assert [(c.segment, c.code) for c in store.current_codings(a, "ana")] == \
        [("D01:0001", CODES[0])]


def test_an_event_with_an_id_that_is_not_text_is_a_damaged_line(project: Project) -> None:
    path = project.codings_dir / "odd.jsonl"
    path.parent.mkdir(exist_ok=True)
    good = {"op": "done", "seq": 1, "time": "2026-05-02T10:00:00.000000Z", "doc": "D01",
            "id": "a" * 16}
    bad = {"op": "reopen", "seq": 2, "time": "2026-05-03T10:00:00.000000Z", "doc": "D01",
           "id": 7}
    path.write_bytes(orjson.dumps(good) + b"\n" + orjson.dumps(bad) + b"\n")
    st = store.load_state(project, "odd")
    assert st.done == {"D01"}
    assert [(p.line, p.reason) for p in st.problems] == \
        [(2, "not a valid event (reopen event without a valid 'id')")]

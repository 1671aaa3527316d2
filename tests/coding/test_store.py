"""The coder event logs: appends, fold, undo, torn lines, checkpoints, coder names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import log_file
from qcode.coding import store as codings
from qcode.errors import ConflictError, NotFoundError, QcodeError, UsageError
from qcode.project import Project
from tests.builders import numbered_doc

DOC = numbered_doc("D01", 8)


def test_add_remove_memo_done_fold(project: Project) -> None:
    codings.add_codes(project, "ingrid", DOC, ["D01:0002", "D01:0004"], ["GOV-MAC-01"])
    codings.add_codes(project, "ingrid", DOC, ["D01:0002"], ["GOV-MAC-01", "ECO-MAC-01"],
                      memo="tariff remark")
    codings.remove_codes(project, "ingrid", DOC, ["D01:0004"], ["GOV-MAC-01"])
    codings.mark_done(project, "ingrid", "D01")
    st = codings.load_state(project, "ingrid")
    assert st.codes_on("D01", "D01:0002") == ["GOV-MAC-01", "ECO-MAC-01"]
    assert st.codes_on("D01", "D01:0004") == []
    assert st.memo_on("D01", "D01:0002") == "tariff remark"
    assert codings.completed_documents(project, "ingrid") == {"D01"}
    recs = codings.current_codings(project, "ingrid")
    assert [(c.segment, c.code, c.memo) for c in recs] == [
        ("D01:0002", "ECO-MAC-01", "tariff remark"), ("D01:0002", "GOV-MAC-01", "tariff remark")]
    seg = DOC.segment("D01:0002")
    assert recs[0].quote == DOC.text[seg.start:seg.end] and recs[0].start == seg.start
    # the same code twice is not a second event
    assert codings.add_codes(project, "ingrid", DOC, ["D01:0002"], ["GOV-MAC-01"]) == []
    lines = [json.loads(x) for x in codings.log_path(project, "ingrid").read_text().splitlines()]
    # one line per action: a batch is an array of events; seqs run on without gaps
    assert [[e["seq"] for e in x] if isinstance(x, list) else x["seq"] for x in lines] == [
        [1, 2], [3, 4], 5, 6]


def test_undo_reverts_whole_batches_in_reverse_order(project: Project) -> None:
    codings.add_codes(project, "lars", DOC, ["D01:0001"], ["A"])
    codings.set_memo(project, "lars", DOC, "D01:0001", "first")
    codings.set_memo(project, "lars", DOC, "D01:0001", "second")
    codings.add_codes(project, "lars", DOC, ["D01:0002", "D01:0003"], ["B", "C"])
    codings.remove_codes(project, "lars", DOC, ["D01:0001"])
    undone = codings.undo_last(project, "lars")
    assert [(e.op, e.code) for e in undone] == [("remove", "A")]
    assert [(e.op, e.segment) for e in codings.undo_last(project, "lars")] == [
        ("add", "D01:0002"), ("add", "D01:0002"), ("add", "D01:0003"), ("add", "D01:0003")]
    st = codings.load_state(project, "lars")
    assert st.codes_on("D01", "D01:0001") == ["A"] and st.codes_on("D01", "D01:0002") == []
    assert codings.undo(project, "lars").memo == "second"
    assert codings.load_state(project, "lars").memo_on("D01", "D01:0001") == "first"
    codings.undo(project, "lars")
    codings.undo(project, "lars")
    assert codings.undo(project, "lars") is None
    assert codings.load_state(project, "lars").codes == {}


def test_undo_limited_to_a_document_refuses_another(project: Project) -> None:
    other = numbered_doc("D02", 2)
    codings.add_codes(project, "lars", other, ["D02:0001"], ["A"])
    with pytest.raises(ConflictError, match="your last action was on document D02, not D01"):
        codings.undo_last(project, "lars", doc="D01")
    assert codings.load_state(project, "lars").codes_on("D02", "D02:0001") == ["A"]


def test_torn_last_line_is_reported_skipped_and_closed_by_next_append(project: Project) -> None:
    for i in range(3):
        codings.add_codes(project, "ingrid", DOC, [f"D01:000{i + 1}"], ["A"])
    path = codings.log_path(project, "ingrid")
    good = path.read_bytes()
    with path.open("ab") as fh:
        fh.write(b'{"op":"add","seq":4,"time":"2026-01-01T00:00:00Z","doc":"D01","segm')
    read = codings.read_log(path)
    assert [e["seq"] for e in read.events] == [1, 2, 3]
    assert [str(p) for p in read.problems] == [
        f"{path}:4: incomplete last line (torn by a crash or kill); the line was skipped"]
    codings.add_codes(project, "ingrid", DOC, ["D01:0005"], ["B"])
    data = path.read_bytes()
    assert data.startswith(good)  # every good line untouched
    read = codings.read_log(path)
    assert [e["seq"] for e in read.events] == [1, 2, 3, 4]
    assert read.events[-1]["code"] == "B"
    assert [(p.line, p.reason) for p in read.problems] == [(4, "unreadable line")]
    st = codings.load_state(project, "ingrid")
    assert sorted(k[1] for k in st.codes) == ["D01:0001", "D01:0002", "D01:0003", "D01:0005"]
    assert len(st.problems) == 1


def test_a_torn_batch_is_lost_as_a_whole_never_in_part(project: Project) -> None:
    codings.add_codes(project, "ingrid", DOC, ["D01:0001"], ["A"])
    path = codings.log_path(project, "ingrid")
    good = path.read_bytes()
    codings.add_codes(project, "ingrid", DOC, [s.id for s in DOC.segments], ["B", "C"])
    whole = path.read_bytes()
    for cut in (len(good) + 1, (len(good) + len(whole)) // 2, len(whole) - 2):
        path.write_bytes(whole[:cut])  # a kill or power cut in the middle of the batch
        st = codings.load_state(project, "ingrid")
        assert {k: list(v) for k, v in st.codes.items()} == {("D01", "D01:0001"): ["A"]}
        assert [p.reason for p in st.problems] == [
            "incomplete last line (torn by a crash or kill)"]
    codings.add_codes(project, "ingrid", DOC, ["D01:0002"], ["D"])
    st = codings.load_state(project, "ingrid")
    assert st.codes_on("D01", "D01:0002") == ["D"] and st.last_seq == 2
    assert path.read_bytes().startswith(good)
    assert [e.code for e in codings.undo_last(project, "ingrid")] == ["D"]


def test_garbage_lines_anywhere_are_skipped(project: Project) -> None:
    codings.add_codes(project, "ingrid", DOC, ["D01:0001"], ["A"])
    path = codings.log_path(project, "ingrid")
    with path.open("ab") as fh:
        fh.write(b"\x00\x00\x00\n[1, 2]\n")
    codings.add_codes(project, "ingrid", DOC, ["D01:0002"], ["A"])
    read = codings.read_log(path)
    assert [e["seq"] for e in read.events] == [1, 2]
    assert [p.line for p in read.problems] == [2, 3]


@pytest.mark.parametrize("name", ["", "a/b", "..", ".hidden", "x" * 33, "con", "NUL", "a b",
                                  "ingrid.jsonl", "-x"])
def test_unsafe_coder_names_are_refused(project: Project, name: str) -> None:
    with pytest.raises(UsageError, match="is not a valid coder name"):
        codings.log_path(project, name, create=True)


def test_coder_names_are_unique_regardless_of_case(project: Project) -> None:
    codings.add_codes(project, "Ingrid", DOC, ["D01:0001"], ["A"])
    with pytest.raises(ConflictError, match="coder 'ingrid' clashes with existing coder"):
        codings.add_codes(project, "ingrid", DOC, ["D01:0001"], ["B"])
    with pytest.raises(NotFoundError, match="no coder 'Ingird' in this project") as exc:
        codings.load_state(project, "Ingird")
    assert exc.value.hint == "did you mean Ingrid?"
    assert codings.coder_names(project) == ["Ingrid"]


def _events(n: int) -> list[dict]:
    return [{"op": "add", "doc": "D01", "segment": f"D01:{i % 8 + 1:04d}", "code": f"K{i}",
             "quote": "q", "start": 0, "end": 1} for i in range(n)]


def test_checkpoint_gives_the_same_state_and_is_checked(project: Project,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 10)
    for ev in _events(30):
        codings.append_events(project, "ingrid", [ev])
    codings.append_events(project, "ingrid", [{"op": "memo", "doc": "D01",
                                               "segment": "D01:0001", "memo": "m"}])
    path = codings.log_path(project, "ingrid")
    ck = codings.checkpoint_path(path)
    full = codings.fold("ingrid", codings.read_log(path).events)
    st = codings.load_state(project, "ingrid")  # writes the checkpoint
    assert ck.exists()
    codings.append_events(project, "ingrid", [{"op": "remove", "doc": "D01",
                                               "segment": "D01:0001", "code": "K0"}])
    resumed = log_checkpoint.resume(ck, "ingrid", path.read_bytes(), path)
    assert resumed is not None and resumed[1] == 1
    assert "K0" not in resumed[0].codes[("D01", "D01:0001")]
    assert st.codes == full.codes and st.memos == full.memos
    # an undo reaching into the checkpoint: full replay, same answer as without checkpoint
    for _ in range(3):
        codings.undo(project, "ingrid")
    data = path.read_bytes()
    assert log_checkpoint.resume(ck, "ingrid", data, path) is None
    expect = codings.fold("ingrid", codings.read_log(path).events)
    assert codings.load_state(project, "ingrid").codes == expect.codes
    # a hand edit of an old line (same length) makes the checkpoint stale: it is ignored
    codings.load_state(project, "ingrid")
    edited = path.read_bytes().replace(b'"code":"K5"', b'"code":"K6"', 1)
    path.write_bytes(edited)
    assert log_checkpoint.resume(ck, "ingrid", edited, path) is None
    assert "K5" not in codings.load_state(project, "ingrid").codes_on("D01", "D01:0006")


def test_log_of_a_read_only_copy_is_readable(project: Project, tmp_path: Path) -> None:
    codings.add_codes(project, "ingrid", DOC, ["D01:0001"], ["A"])
    path = codings.log_path(project, "ingrid")
    codings.lock_path(path).unlink()
    path.parent.chmod(0o555)
    try:
        assert codings.load_state(project, "ingrid").codes_on("D01", "D01:0001") == ["A"]
    finally:
        path.parent.chmod(0o755)


def test_local_files_are_kept_out_of_git_and_write_failures_are_one_line(
        project: Project) -> None:
    codings.add_codes(project, "ingrid", DOC, ["D01:0001"], ["A"])
    assert (project.codings_dir / ".gitignore").read_text() == log_file.GITIGNORE
    (project.codings_dir / "lars.jsonl").mkdir()  # something that cannot be appended to
    with pytest.raises(QcodeError) as exc:
        codings.append_events(project, "lars", [{"op": "done", "doc": "D01"}])
    assert exc.value.message == (f"cannot write {project.codings_dir / 'lars.jsonl'} (Is a "
                                 "directory); the last action was not saved")
    with pytest.raises(QcodeError, match=r"cannot read .*lars\.jsonl"):
        codings.load_state(project, "lars")


def test_a_batch_line_is_each_event_written_as_its_model_joined(project: Project) -> None:
    """Appends validate and write a batch in one call (a TypeAdapter of the events):
    the line must be exactly the events written one by one as CodingEvent, joined."""
    from qcode.models import CodingEvent

    events = [{"op": "add", "doc": "D01", "segment": f"D01:000{i}", "start": i, "end": i + 3,
               "quote": "tab\there, «Smørrebrød» \u2028 \x01", "code": "GOV-MAC-01",
               "origin": "reconciled", "decision": "R00001" if i % 2 else None}
              for i in range(1, 4)]
    events.append({"op": "memo", "doc": "D01", "segment": "D01:0001", "memo": "x"})
    codings.append_events(project, "ingrid", events)
    line = codings.log_path(project, "ingrid").read_bytes()
    written = json.loads(line)
    models = [CodingEvent(**{**ev, "seq": w["seq"], "time": w["time"], "id": w["id"]})
              for ev, w in zip(events, written, strict=True)]
    assert line == b"[" + b",".join(m.model_dump_json(exclude_none=True).encode()
                                    for m in models) + b"]\n"
    with pytest.raises(ValueError):  # still a model each: a bad event refuses the batch
        codings.append_events(project, "ingrid", [{**events[0], "start": "x"}])
    assert codings.log_path(project, "ingrid").read_bytes() == line

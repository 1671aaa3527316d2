"""The warm read path: a coder's state (or codings as columns) loaded from the checkpoint
without reading the log when its stamp vouches for it, exactly as the direct fold gives it;
and a log changed underneath (appended, edited in place with its time put back, replaced,
cut short, modified just before it was read) is never taken on its stamp."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import store as codings
from qcode.coding.fold import CoderState, fold_bytes
from qcode.coding.spans import segments_touched
from qcode.coding.usable import codings_of_columns, known_parts
from qcode.counts.matrix import crosstab, load_corpus
from qcode.project import Project
from tests.builders import build_known, counted_log_reads, make_doc

DOC = make_doc("D", [("A", "alpha beta gamma"), ("B", "delta epsilon zeta"),
                     ("A", "eta theta iota"), ("B", "kappa lambda mu")])
SEGS = DOC.segments
FIELDS = ("seq", "time", "doc", "segment", "start", "end", "quote", "code", "origin",
          "decision", "id")


@st.composite
def _span(draw: Any) -> tuple[int, int]:
    a = draw(st.integers(0, len(SEGS) - 1))
    b = draw(st.integers(a, min(a + 1, len(SEGS) - 1)))
    if draw(st.booleans()) and a == b:
        return SEGS[a].start, SEGS[a].end
    start = draw(st.integers(SEGS[a].start, SEGS[a].end - 1))
    end = draw(st.integers(max(start + 1, SEGS[b].start + 1 if b > a else start + 1),
                           SEGS[b].end))
    return start, end


_step = st.one_of(
    st.tuples(st.just("add"), _span(), st.sampled_from(["A", "B", "C"]),
              st.sampled_from([None, "dec-1"]), st.sampled_from(["manual", "imported"])),
    st.tuples(st.just("add-old"), st.integers(0, len(SEGS) - 1), st.sampled_from(["A", "B"]),
              st.none(), st.just("manual")),
    st.tuples(st.just("remove"), st.integers(0, 40), st.none(), st.none(), st.none()),
    st.tuples(st.just("memo"), st.integers(0, len(SEGS) - 1), st.sampled_from(["m", ""]),
              st.none(), st.none()),
    st.tuples(st.just("done"), st.booleans(), st.none(), st.none(), st.none()),
    st.tuples(st.just("undo"), st.integers(1, 40), st.none(), st.none(), st.none()),
)


def _events(steps: list[Any], without_ids: int) -> list[dict[str, Any]]:
    """Log events of ``steps``; the first ``without_ids`` have no id (older logs), the rest
    one each, in fold order (times increase with seq)."""
    out: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    for seq, (op, arg, extra, decision, origin) in enumerate(steps, start=1):
        ev: dict[str, Any] = {"seq": seq, "time": f"2026-01-01T00:00:{seq:02d}Z", "doc": "D"}
        if seq > without_ids:
            ev["id"] = f"{seq:016x}"
        if op == "add":
            start, end = arg
            touched = segments_touched(DOC, start, end)
            ev |= {"op": "add", "segment": touched[0].id, "start": start, "end": end,
                   "quote": DOC.text[start:end], "code": extra, "origin": origin}
            if decision is not None:
                ev["decision"] = decision
            if len(touched) > 1:
                ev["segments"] = [s.id for s in touched]
            added.append(ev)
        elif op == "add-old":  # no offsets: the whole segment
            ev |= {"op": "add", "segment": SEGS[arg].id, "code": extra, "origin": origin}
        elif op == "remove" and added:
            was = added[arg % len(added)]
            ev |= {"op": "remove", "segment": was["segment"], "code": was["code"],
                   "start": was["start"], "end": was["end"], "span": True}
        elif op == "memo":
            ev |= {"op": "memo", "segment": SEGS[arg].id, "memo": extra}
        elif op == "done":
            ev["op"] = "done" if arg else "reopen"
        elif op == "undo" and out:
            target = out[(arg - 1) % len(out)]
            ev |= {"op": "undo", "target": target["seq"]}
            if target.get("id"):
                ev["target_id"] = target["id"]
        else:
            ev |= {"op": "done"}
        out.append(ev)
    return out


def _bytes(events: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


def _ev(ev: dict[str, Any]) -> tuple[Any, ...]:
    several = ev.get("segments")
    return (*(ev.get(f) for f in FIELDS), tuple(several) if several else None)


def _snapshot(s: CoderState, *, ordered: bool = True) -> tuple[Any, ...]:
    """Everything a state holds, in order (``ordered=False``: the segment view compared
    as a mapping)."""
    spans = [(key, [(k, _ev(e)) for k, e in on.items()]) for key, on in s.spans.items()]
    view = [(key, [(c, _ev(e)) for c, e in on.items()]) for key, on in s.codes.items()]
    multi = [(key, [(k, _ev(e)) for k, e in on.items()]) for key, on in s.multi.items()]
    return (spans, view if ordered else sorted(view), multi, sorted(s.memos.items()),
            sorted(s.done), [(p.line, p.reason, p.events) for p in s.problems], s.last_seq,
            s.last_time, s.n_events, s.keyed, s.duplicates)


def _log(folder: Path, data: bytes) -> tuple[Path, log_checkpoint.LogStamp]:
    """The log file, modified long enough ago that its stamp can be trusted."""
    path = folder / "c.jsonl"
    path.write_bytes(data)
    old = os.stat(path).st_mtime_ns - 10 * 10**9
    os.utime(path, ns=(old, old))
    return path, log_checkpoint.stamp_of(os.stat(path))


@settings(max_examples=150, deadline=None)
@given(st.lists(_step, max_size=35), st.integers(0, 40), st.integers(0, 40))
def test_the_checkpoint_loads_exactly_the_direct_fold(steps: list[Any], without_ids: int,
                                                      cut: int) -> None:
    events = _events(steps, without_ids)
    data = _bytes(events)
    folder = Path(tempfile.mkdtemp())
    path, stamp = _log(folder, data)
    direct = fold_bytes("c", data, path)
    ck = folder / ".c.checkpoint"
    log_checkpoint.save(ck, direct, data, stamp=stamp, read_ns=stamp.mtime_ns + 5 * 10**9)
    loaded = log_checkpoint.load_unchanged(ck, "c", stamp, path)
    assert loaded is not None
    assert _snapshot(loaded) == _snapshot(direct)
    assert loaded.codings() == direct.codings()
    # the same spans as columns, in the state's order
    columns = log_checkpoint.load_columns(ck, "c", stamp, path)
    assert columns is not None
    flat = [(key, k[0], e.get("start"), e.get("end"), e.get("quote"), e.get("origin"),
             e.get("decision")) for key, on in direct.spans.items() for k, e in on.items()]
    assert list(zip(columns.key, columns.code, columns.start, columns.end, columns.quote,
                    columns.origin, columns.decision, strict=True)) == flat
    assert columns.rest.memos == direct.memos and columns.rest.done == direct.done
    assert bool(columns.crossing) == bool(direct.multi)  # spans, not their codes
    # without the quotes (read by agreement and diff): the same but for them
    bare = log_checkpoint.load_columns(ck, "c", stamp, path, quotes=False)
    assert bare is not None and bare.quote == []
    assert bare._replace(quote=columns.quote, rest=columns.rest) == columns
    assert log_checkpoint.vouches(ck, "c", stamp)
    # a checkpoint of a prefix, resumed over the whole log (when it applies)
    prefix = _bytes(events[:cut])
    log_checkpoint.save(ck, fold_bytes("c", prefix, path), prefix)
    resumed = log_checkpoint.resume(ck, "c", data, path)
    if resumed is not None:
        assert _snapshot(resumed[0], ordered=False) == _snapshot(direct, ordered=False)


def test_a_stamp_is_trusted_only_as_recorded_and_not_when_modified_just_before() -> None:
    stamp = log_checkpoint.LogStamp(100, 5 * 10**9, 5 * 10**9, 7)
    head = {"stamp": list(stamp), "log_bytes": 100, "read_ns": 8 * 10**9}
    assert log_checkpoint.trusted(head, stamp)
    assert not log_checkpoint.trusted(head | {"read_ns": 6 * 10**9}, stamp)  # racy
    for changed in (stamp._replace(size=101), stamp._replace(mtime_ns=4 * 10**9),
                    stamp._replace(ctime_ns=6 * 10**9), stamp._replace(ino=8)):
        assert not log_checkpoint.trusted(head, changed)
    assert not log_checkpoint.trusted(head | {"stamp": None}, stamp)
    assert not log_checkpoint.trusted(head | {"log_bytes": 99}, stamp)


# ----------------------------------------------------------------------------- a project


def _age(path: Path) -> None:
    old = os.stat(path).st_mtime_ns - 10 * 10**9
    os.utime(path, ns=(old, old))


def _warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Project, Path]:
    """The known project with two coders, ana's log old enough to be trusted by its
    stamp, and read once (which writes her checkpoint with the stamp)."""
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    path = codings.log_path(project, "ana")
    _age(path)
    codings.load_state(project, "ana")
    return project, path


def _direct(project: Project, coder: str) -> CoderState:
    path = codings.log_path(project, coder)
    return fold_bytes(coder, path.read_bytes(), path)


def test_an_unchanged_log_is_not_read_and_gives_the_direct_fold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = _warm(tmp_path, monkeypatch)
    reads = counted_log_reads(monkeypatch)
    st = codings.load_state(project, "ana")
    assert reads == []
    assert _snapshot(st) == _snapshot(_direct(project, "ana"))
    assert codings.unchanged_columns(project, "ana") is not None
    # matrix's corpus from the columns is the corpus from the folded state
    by_columns = load_corpus(project, "ana")
    by_state = load_corpus(project, "ana", state=_direct(project, "ana"))
    assert by_columns.codings == by_state.codings and by_columns.codings
    assert by_columns.omissions == by_state.omissions
    assert crosstab(by_columns) == crosstab(by_state)
    assert reads == []


def test_a_checkpoint_of_a_fresh_log_is_stamped_later(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = build_known(tmp_path / "p", coders=("ana",))
    path = codings.log_path(project, "ana")
    codings.load_state(project, "ana")  # the log was written just now: no stamp yet
    assert codings.unchanged_columns(project, "ana") is None
    _age(path)  # (as if two seconds had passed; utime changes the log's ctime too)
    reads = counted_log_reads(monkeypatch)
    st = codings.load_state(project, "ana")  # reads the log, and stamps the checkpoint
    assert len(reads) == 1
    assert codings.unchanged_columns(project, "ana") is not None
    assert _snapshot(codings.load_state(project, "ana")) == _snapshot(st)
    assert len(reads) == 1


def _same_size_edit(path: Path) -> None:
    """Change a code id in place, same size, and put the modification time back."""
    before = os.stat(path)
    data = path.read_bytes()
    i = data.index(b'"code":"') + len(b'"code":"')
    with open(path, "r+b") as fh:
        fh.seek(i)
        fh.write(b"Z" if data[i:i + 1] != b"Z" else b"Y")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _replaced(path: Path) -> None:
    """The log replaced by another file (as git does): same size and times, other inode."""
    before = os.stat(path)
    data = path.read_bytes()
    i = data.index(b'"code":"') + len(b'"code":"')
    new = path.with_name("new.tmp")
    new.write_bytes(data[:i] + (b"Z" if data[i:i + 1] != b"Z" else b"Y") + data[i + 1:])
    os.utime(new, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(new, path)


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:data.rindex(b"\n", 0, len(data) - 1) + 1])


def _appended(path: Path) -> None:
    project = Project(path.parent.parent)
    codings.add_codes(project, "ana", project.load_document("D2"), ["D2:0004"], ["G1"])


@pytest.mark.parametrize("change", [_same_size_edit, _replaced, _cut, _appended])
def test_a_log_changed_underneath_gives_the_direct_fold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    project, path = _warm(tmp_path, monkeypatch)
    before = _snapshot(codings.load_state(project, "ana"))
    change(path)
    now = _direct(project, "ana")
    assert _snapshot(now) != before  # the change matters
    assert codings.unchanged_columns(project, "ana") is None
    assert _snapshot(codings.load_state(project, "ana"), ordered=False) == \
        _snapshot(now, ordered=False)
    state = codings.load_state(project, "ana")
    assert load_corpus(project, "ana").codings == \
        load_corpus(project, "ana", state=state).codings


def test_a_log_modified_just_before_its_read_is_not_taken_on_its_stamp(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = build_known(tmp_path / "p", coders=("ana",))
    codings.load_state(project, "ana")  # the checkpoint of a log written just now
    # a same-size edit within the same clock tick would keep every time but the ctime;
    # the stamp of a log this fresh is not recorded, so it is read again
    assert codings.unchanged_columns(project, "ana") is None
    reads = counted_log_reads(monkeypatch)
    codings.load_state(project, "ana")
    assert len(reads) == 1


def test_columns_step_aside_when_a_coding_is_not_usable_as_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = _warm(tmp_path, monkeypatch)
    columns = codings.unchanged_columns(project, "ana")
    assert columns is not None
    known = known_parts(project)
    assert codings_of_columns("ana", columns, known) is not None
    gone = known.__class__(codes=known.codes - {columns.code[0]}, segments=known.segments,
                           doc_map=known.doc_map, code_map=known.code_map)
    assert codings_of_columns("ana", columns, gone) is None  # a code not in the codebook
    no_doc = known.__class__(codes=known.codes, segments={}, doc_map=known.doc_map,
                             code_map=known.code_map)
    assert codings_of_columns("ana", columns, no_doc) is None  # a document not there
    old = columns._replace(start=[None, *columns.start[1:]])
    assert codings_of_columns("ana", old, known) is None  # a coding without offsets


def test_texts_are_read_when_asked_for_and_are_the_documents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = _warm(tmp_path, monkeypatch)
    corpus = load_corpus(project, "ana")
    for doc_id, info in corpus.docs.items():
        assert info.text == project.load_document(doc_id).text
    words = crosstab(load_corpus(project, "ana"), count="words")
    from_state = load_corpus(project, "ana", state=_direct(project, "ana"))
    assert crosstab(from_state, count="words") == words


@pytest.mark.parametrize("damage", ["cut", "longer", "header"])
def test_a_checkpoint_whose_lines_do_not_match_its_header_is_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    project, path = _warm(tmp_path, monkeypatch)
    ck = codings.checkpoint_path(path)
    raw = ck.read_bytes()
    head, rest = raw.split(b"\n", 1)
    if damage == "cut":
        raw = raw[:-1]  # the last section one byte short
    elif damage == "longer":
        raw += b" "
    else:  # a section's length off by one, the file the same
        sizes = json.loads(head)["sections"]
        raw = head.replace(json.dumps(sizes, separators=(",", ":")).encode(),
                           json.dumps([sizes[0] + 1, *sizes[1:]],
                                      separators=(",", ":")).encode()) + b"\n" + rest
        assert raw != ck.read_bytes()
    ck.write_bytes(raw)
    assert codings.unchanged_columns(project, "ana") is None
    assert not codings.unchanged(project, "ana")
    assert _snapshot(codings.load_state(project, "ana")) == _snapshot(_direct(project, "ana"))

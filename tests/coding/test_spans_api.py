"""The span API (qcode.coding.store.add_span / remove_span) on a real project, and old logs
giving exactly what they gave before spans."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.coding import store as codings
from qcode.coding.app_state import AppState
from qcode.coding.progress import cell_for
from qcode.coding.spans import segment_ids_touched
from qcode.errors import UsageError
from qcode.project import Project
from tests.builders import interview


def _spans(project: Project, coder: str) -> list[tuple[str, str, int, int, str]]:
    return [(c.segment, c.code, c.start, c.end, c.quote)
            for c in codings.load_state(project, coder).codings()]


def test_add_span_stores_the_exact_quote_and_is_one_action(project: Project) -> None:
    doc = interview("T01")
    project.save_document(doc)
    start = doc.text.index("nobody knew")
    written = codings.add_span(project, "ana", doc, start, start + 11,
                               ["ECO-MIC-03", "GOV-MAC-01"], memo="the crux")
    assert [(e.op, e.code, e.start, e.end, e.quote) for e in written] == [
        ("add", "ECO-MIC-03", start, start + 11, "nobody knew"),
        ("add", "GOV-MAC-01", start, start + 11, "nobody knew"),
        ("memo", None, None, None, None)]
    log = (project.codings_dir / "ana.jsonl").read_bytes()
    assert log.count(b"\n") == 1  # one line: one action
    assert codings.add_span(project, "ana", doc, start, start + 11, ["ECO-MIC-03"]) == []
    codings.undo(project, "ana")
    assert _spans(project, "ana") == []


def test_a_span_across_segments_is_on_every_segment_it_touches(project: Project) -> None:
    doc = interview("T01")
    project.save_document(doc)
    s2, s3, s4 = doc.segments[1:4]
    start, end = s2.end - 8, s4.start + 6
    assert segment_ids_touched(doc, start, end) == [s2.id, s3.id, s4.id]
    (ev,) = codings.add_span(project, "ana", doc, start, end, ["GOV-MAC-01"])
    assert (ev.segment, ev.segments) == (s2.id, (s2.id, s3.id, s4.id))
    st_ = codings.load_state(project, "ana")
    assert [st_.codes_on("T01", s.id) for s in doc.segments] == [
        [], ["GOV-MAC-01"], ["GOV-MAC-01"], ["GOV-MAC-01"], [], []]
    (c,) = st_.codings()
    assert (c.segment, c.start, c.end, c.quote) == (s2.id, start, end, doc.text[start:end])
    assert codings.remove_span(project, "ana", doc, start, end)[0].code == "GOV-MAC-01"
    assert codings.load_state(project, "ana").codes == {}


@pytest.mark.parametrize(("start", "end", "message"), [
    (-1, 5, "span -1-5 is not inside document T01 (0-{n})"),
    (5, 5, "span 5-5 is not inside document T01 (0-{n})"),
    (0, 10 ** 6, "span 0-1000000 is not inside document T01 (0-{n})"),
    ("gap", 0, "span {a}-{b} of document T01 lies outside every segment"),
])
def test_add_span_refuses_a_span_outside_the_text(project: Project, start: object, end: int,
                                                   message: str) -> None:
    doc = interview("T01")
    project.save_document(doc)
    n = len(doc.text)
    if start == "gap":  # the blank line between turns 1 and 2
        start, end = doc.segments[0].end, doc.segments[1].start
    assert isinstance(start, int)
    with pytest.raises(UsageError) as err:
        codings.add_span(project, "ana", doc, start, end, ["GOV-MAC-01"])
    assert err.value.message == message.format(n=n, a=start, b=end)
    assert not (project.codings_dir / "ana.jsonl").exists()


def test_a_span_reaching_into_the_gap_is_refused(project: Project) -> None:
    doc = interview("T01")
    project.save_document(doc)
    s1 = doc.segments[0]
    with pytest.raises(UsageError) as err:
        codings.add_span(project, "ana", doc, s1.start + 3, s1.end + 1, ["GOV-MAC-01"])
    assert err.value.message == (f"span {s1.start + 3}-{s1.end + 1} of document T01 reaches "
                                 f"beyond its segments (T01:0001 starts at {s1.start}, "
                                 f"T01:0001 ends at {s1.end})")


def test_an_old_log_folds_as_whole_segments(project: Project) -> None:
    """Events as qcode wrote them before spans (and older ones without offsets) give the
    same codings and segment view; untag takes them off as before."""
    doc = interview("T01")
    project.save_document(doc)
    s1, s2 = doc.segments[:2]
    lines = [
        {"op": "add", "seq": 1, "time": "t1", "doc": "T01", "segment": s1.id, "start": s1.start,
         "end": s1.end, "quote": doc.segment_text(s1), "code": "GOV-MAC-01",
         "origin": "manual"},
        {"op": "add", "seq": 2, "time": "t2", "doc": "T01", "segment": s2.id,
         "code": "ECO-MAC-01", "origin": "imported"},
        {"op": "add", "seq": 3, "time": "t3", "doc": "T01", "segment": s2.id, "start": s2.start,
         "end": s2.end, "quote": doc.segment_text(s2), "code": "GOV-MAC-01",
         "origin": "manual"},
        {"op": "remove", "seq": 4, "time": "t4", "doc": "T01", "segment": s1.id,
         "start": s1.start, "end": s1.end, "code": "GOV-MAC-01"},
    ]
    project.codings_dir.mkdir(exist_ok=True)
    (project.codings_dir / "old.jsonl").write_text(
        "".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    st_ = codings.load_state(project, "old")
    assert st_.codes == {("T01", s2.id): {"ECO-MAC-01": lines[1], "GOV-MAC-01": lines[2]}}
    assert [(c.segment, c.code, c.start, c.end) for c in st_.codings()] == [
        (s2.id, "ECO-MAC-01", 0, 0), (s2.id, "GOV-MAC-01", s2.start, s2.end)]
    # a whole-segment untag (as qcode wrote it before: the segment's offsets) takes both off
    codings.remove_codes(project, "old", doc, [s2.id])
    assert codings.load_state(project, "old").codes == {}
    codings.undo(project, "old")
    # and the segment's offsets as a span match the coding that had none
    codings.remove_span(project, "old", doc, s2.start, s2.end, ["ECO-MAC-01"])
    assert codings.load_state(project, "old").codes_on("T01", s2.id) == ["GOV-MAC-01"]


_RUNS = itertools.count()
ops = st.lists(st.tuples(st.sampled_from(["add", "remove", "undo"]),
                         st.integers(0, 5), st.integers(0, 40), st.integers(1, 40),
                         st.sampled_from(["GOV-MAC-01", "ECO-MAC-01"])), max_size=12)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops)
def test_the_api_keeps_every_span_apart(project: Project, steps: list) -> None:
    """add_span / remove_span / undo_last through the log, against a list of actions."""
    doc = interview("T01")
    project.save_document(doc)
    coder = f"c{next(_RUNS)}"  # a new coder for each example (the project is shared)
    history: list[set[tuple[str, int, int]]] = [set()]
    for op, seg_no, a, b, code in steps:
        seg = doc.segments[seg_no]
        start = seg.start + min(a, seg.end - seg.start - 1)
        end = min(seg.end, start + b)
        if not doc.text[start:end].strip():
            continue
        now = set(history[-1])
        if op == "add":
            if codings.add_span(project, coder, doc, start, end, [code]):
                now.add((code, start, end))
                history.append(now)
        elif op == "remove":
            if codings.remove_span(project, coder, doc, start, end, [code]):
                now.discard((code, start, end))
                history.append(now)
        elif (project.codings_dir / f"{coder}.jsonl").exists() and \
                codings.undo_last(project, coder) and len(history) > 1:
            history.pop()
        got = {(c.code, c.start, c.end) for c in codings.load_state_or_empty(
            project, coder).codings()}
        assert got == history[-1]


def test_a_redone_span_removal_leaves_the_other_spans_of_the_code(project: Project) -> None:
    """The app's redo writes a remove of exactly one span again (``span``: true), not a
    remove of the code off the whole turn."""
    doc = interview("T01")
    project.save_document(doc)
    app = AppState(project, doc, "ana")
    first = doc.text.index("regional health authority")
    second = doc.text.index("owner meeting")
    for at, words in ((first, "regional health authority"), (second, "owner meeting")):
        app.select(at, at + len(words))
        app.apply("GOV-MAC-01")
    assert len(_spans(project, "ana")) == 2
    app.select(second, second + len("owner meeting"))
    app.remove("GOV-MAC-01")
    app.undo()
    app.redo()
    assert _spans(project, "ana") == [("T01:0002", "GOV-MAC-01", first, first + 25,
                                       "regional health authority")]


def test_progress_counts_one_coding_per_span(project: Project) -> None:
    doc = interview("T01")
    project.save_document(doc)
    s2 = doc.segments[1]
    codings.add_span(project, "ana", doc, s2.start, s2.start + 4, ["GOV-MAC-01"])
    codings.add_span(project, "ana", doc, s2.start + 5, s2.start + 12, ["GOV-MAC-01"])
    st_ = codings.load_state(project, "ana")
    cell = cell_for(doc, st_, None)
    assert (cell.codings, cell.visited) == (2, 1)

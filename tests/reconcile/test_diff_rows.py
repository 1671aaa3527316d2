"""``diff`` of two coders read as rows (:mod:`qcode.reconcile.span_rows`: set operations
over every coding at once, only the segments whose spans differ compared one by one, only
their documents' texts read) gives exactly what the segment-by-segment comparison gives, on
generated codings: whole segments and spans, spans that differ only in the white space at
their ends, a code on several spans of one segment, a code filter, some documents only."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.coding.fold import CoderState
from qcode.models import Document, Segment
from qcode.project import Project, init_project
from qcode.reconcile.pair_diff import diff_rows, diff_segments
from qcode.reconcile.segment_codings import SegmentCodings
from qcode.reconcile.span_rows import SpanRows
from tests.builders import make_doc, numbered_doc

DOCS = [make_doc("A1", [("Interviewer", "How is video steered here?"),
                        ("Respondent", "The region  sets the plan, and the clinic pays."),
                        ("Respondent", "Nobody knew how to register it.")]),
        numbered_doc("B2", 4), numbered_doc("C3", 2)]
SEGMENTS = [(d.id, s) for d in DOCS for s in d.segments]
CODES = ["G1", "G2", "G3"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = init_project(tmp_path_factory.mktemp("rows") / "p", name="rows")
    for doc in DOCS:
        project.save_document(doc)
    return project


@st.composite
def spans_in(draw: st.DrawFn, seg: Segment) -> set[tuple[str, int, int]]:
    """Some (code, start, end) spans that start in ``seg`` and end in it (no span
    crosses: such a coder is not read as rows); whole segments often."""
    out = set()
    for _ in range(draw(st.integers(0, 3))):
        code = draw(st.sampled_from(CODES))
        if draw(st.booleans()):
            out.add((code, seg.start, seg.end))
        else:
            start = draw(st.integers(seg.start, seg.end - 1))
            out.add((code, start, draw(st.integers(start + 1, seg.end))))
    return out


@st.composite
def two_coders(draw: st.DrawFn) -> tuple[SpanRows, SpanRows]:
    """Two coders' rows: on each segment some spans both marked and some of their own,
    the segments and the spans in each in any order."""
    chosen = draw(st.lists(st.sampled_from(SEGMENTS), unique_by=lambda x: x[1].id,
                           max_size=len(SEGMENTS)))
    a: list[tuple[tuple[str, str], str, int, int]] = []
    b: list[tuple[tuple[str, str], str, int, int]] = []
    for doc_id, seg in chosen:
        shared = draw(spans_in(seg))
        for rows in (a, b):
            mine = shared | draw(spans_in(seg))
            key = (doc_id, seg.id)
            rows.extend((key, *span) for span in draw(st.permutations(sorted(mine))))
    return _rows(a), _rows(_shuffled_segments(draw, b))


def _shuffled_segments(draw: st.DrawFn, rows: list[tuple[tuple[str, str], str, int, int]]
                       ) -> list[tuple[tuple[str, str], str, int, int]]:
    """The rows with their segments in another order (each segment's rows together)."""
    keys = list(dict.fromkeys(r[0] for r in rows))
    return [r for key in draw(st.permutations(keys)) for r in rows if r[0] == key]


def _rows(rows: list[tuple[tuple[str, str], str, int, int]]) -> SpanRows:
    return SpanRows([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                    [r[3] for r in rows])


def _coder(name: str, rows: SpanRows) -> SegmentCodings:
    return SegmentCodings(name, (), CoderState(coder=name), False, rows=rows)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coders=two_coders(),
       docs=st.lists(st.sampled_from([d.id for d in DOCS]), unique=True, min_size=1),
       codes=st.one_of(st.none(), st.frozensets(st.sampled_from([*CODES, "G9"]))))
def test_rows_diff_is_the_segment_by_segment_diff(
        project: Project, coders: tuple[SpanRows, SpanRows], docs: list[str],
        codes: frozenset[str] | None) -> None:
    a, b = coders
    quick = diff_rows(project, a, b, "ana", "bo", docs, codes)
    direct = diff_segments(project, [_coder("ana", a), _coder("bo", b)], "ana", "bo", docs,
                           codes)
    assert quick is not None
    found, counts, n = quick
    assert found == direct[0]
    assert counts == direct[1]
    assert n == direct[2]


def test_a_document_with_a_segment_id_twice_is_compared_segment_by_segment(
        tmp_path: Path) -> None:
    project = init_project(tmp_path / "p", name="twice")
    doc = numbered_doc("D1", 2)
    first = doc.segments[0]
    twice = doc.model_copy(update={"segments": (first, first.model_copy(
        update={"start": doc.segments[1].start, "end": doc.segments[1].end}))})
    project.save_document(Document.model_validate(twice.model_dump()))
    key = ("D1", first.id)
    a = SpanRows([key], ["G1"], [first.start], [first.end])
    b = SpanRows([], [], [], [])
    assert diff_rows(project, a, b, "ana", "bo", ["D1"], None) is None
    found, counts, n = diff_segments(project, [_coder("ana", a), _coder("bo", b)], "ana",
                                     "bo", ["D1"], None)
    assert n == 2 and len(found) == 2 and counts == {"G1": [0, 2, 0]}

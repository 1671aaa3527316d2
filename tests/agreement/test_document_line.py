"""Project agreement places spans on the compared segments by :func:`document_line` (each
document's number repeated for its segments) and lists the (document, segment) units only
when a coding without offsets asks for them (:class:`DocumentUnits`): the line is the one
:func:`segment_line` makes of the listed units, and the units are those pairs (issue 19,
report speed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcode.agreement.presence import DocumentUnits, document_line, segment_line
from qcode.agreement.project import project_agreement
from qcode.coding import store
from qcode.project import Project
from tests.builders import build_study


@st.composite
def _documents(draw: st.DrawFn) -> tuple[list[str], dict[str, list[str]],
                                         dict[str, list[tuple[int, int]]]]:
    docs = draw(st.lists(st.sampled_from(["D1", "D2", "D3", "D4", "D5"]), unique=True))
    segments: dict[str, list[str]] = {}
    bounds: dict[str, list[tuple[int, int]]] = {}
    for d in docs:
        cuts = sorted(draw(st.lists(st.integers(0, 60), max_size=6)))
        segments[d] = [f"{d}:{k:04d}" for k in range(len(cuts) // 2)]
        bounds[d] = [(cuts[2 * k], cuts[2 * k + 1]) for k in range(len(cuts) // 2)]
    return docs, segments, bounds


@given(_documents())
def test_document_line_is_the_segment_line_of_the_units(
        case: tuple[list[str], dict[str, list[str]], dict[str, list[tuple[int, int]]]]
) -> None:
    docs, segments, bounds = case
    units = [(d, s) for d in docs for s in segments[d]]
    unit_bounds = [b for d in docs for b in bounds[d]]
    got = document_line(docs, [len(segments[d]) for d in docs], unit_bounds)
    want = segment_line(units, unit_bounds)
    assert got.doc_no == want.doc_no and got.stride == want.stride
    for a, b in ((got.bounds, want.bounds), (got.starts, want.starts),
                 (got.ends, want.ends)):
        assert a.shape == b.shape and a.tolist() == b.tolist()
    listed = DocumentUnits(docs, segments)
    assert len(listed) == len(units) and bool(listed) == bool(units)
    assert list(listed) == units == [listed[i] for i in range(len(units))]
    assert listed[1:3] == units[1:3]


def test_codings_without_offsets_count_in_their_segment(project: Project) -> None:
    # the units are listed for them: the same agreement as placing them by segment id
    build_study(project)
    states = {c: store.load_state(project, c) for c in store.coder_names(project)}
    old = {c: [x._replace(start=0, end=0) for x in st.codings()] for c, st in states.items()}
    assert all(old.values())
    docs = {d: project.load_document(d) for d in project.document_ids()}
    segments = {d: [s.id for s in doc.segments] for d, doc in docs.items()}
    bounds = {d: [(s.start, s.end) for s in doc.segments] for d, doc in docs.items()}
    done = {c: st.done for c, st in states.items()}
    placed = project_agreement(segments, old, done, project.codebook, n_boot=0,
                               bounds=bounds)
    by_id = project_agreement(segments, old, done, project.codebook, n_boot=0)
    assert placed.n_units == by_id.n_units and placed.rows
    assert placed == by_id

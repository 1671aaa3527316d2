"""Matrices over span codings: segments a span touches, spans, and coverage in characters
and words (the union of a cell's spans, so overlapping spans are not counted twice).

The project (tests/span_builders.py, span_project): S1:0002 holds two overlapping G1 spans
and one G3 span, E1 runs from S1:0002 into S1:0003, E2 is the whole of S1:0004.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store
from qcode.counts.matrix import crosstab, load_corpus
from qcode.errors import ExitCode
from qcode.models import Document
from qcode.project import Project
from tests.builders import build_known
from tests.span_builders import find, span_project


@pytest.fixture
def spans(tmp_path: Path) -> tuple[Project, Document]:
    return span_project(tmp_path / "spans")


def _cells(project: Project, count: str) -> tuple[list[list[int]], list[int], int]:
    m = crosstab(load_corpus(project, "ana"), "theme", "level", count)
    return [list(r) for r in m.counts], list(m.row_totals), m.total


def test_segments_count_every_segment_a_span_touches(spans: tuple[Project, Document]
                                                     ) -> None:
    # GOV/micro: S1:0002 (two G1 spans in it count once); ECO/micro: E1 touches 0002, 0003
    assert _cells(spans[0], "segments") == ([[1, 1], [2, 1], [0, 0]], [1, 3, 0], 3)


def test_codings_count_spans(spans: tuple[Project, Document]) -> None:
    assert _cells(spans[0], "codings") == ([[2, 1], [1, 1], [0, 0]], [3, 2, 0], 5)


def test_characters_count_the_union_of_a_cells_spans(spans: tuple[Project, Document]
                                                     ) -> None:
    project, doc = spans
    g1 = len("ministry sets the plan for video clinics")  # the two G1 spans joined: 40
    g3 = len("The region pays for the screens.")
    e1 = find(doc, "And the local clinic?")[1] - find(doc, "Nobody pays")[0]
    e2 = doc.segments[3].end - doc.segments[3].start
    assert g1 == 40
    assert _cells(project, "characters") == ([[g1, g3], [e1, e2], [0, 0]],
                                             [g1 + g3, e1 + e2, 0], g1 + g3 + e1 + e2)


def test_words_count_the_union_of_a_cells_spans(spans: tuple[Project, Document]) -> None:
    # 7 words of the joined G1 spans (not 4 + 6), 6 of G3, 10 of E1, 11 of E2
    assert _cells(spans[0], "words") == ([[7, 6], [10, 11], [0, 0]], [13, 21, 0], 34)


def test_a_coding_without_offsets_counts_its_whole_segment(tmp_path: Path) -> None:
    project, doc = span_project(tmp_path / "p")
    seg = doc.segments[0]
    store.append_events(project, "ana", [{  # as a log written before offsets were kept
        "op": "add", "doc": doc.id, "segment": seg.id, "code": "O1"}])  # type: ignore[typeddict-item]
    corpus = load_corpus(project, "ana")
    (o1,) = [c for c in corpus.codings if c.code == "O1"]
    assert (o1.start, o1.end, o1.quote) == (seg.start, seg.end, doc.text[seg.start:seg.end])
    m = crosstab(corpus, "theme", "level", "characters")
    assert m.counts[2] == (seg.end - seg.start, 0)


def test_whole_segment_codings_count_as_before(tmp_path: Path) -> None:
    """On whole-segment codings, characters are the coded segments' lengths and the
    segment and coding counts are those of tests/counts/test_matrix_core.py."""
    project = build_known(tmp_path / "known")
    corpus = load_corpus(project, "ana")
    seg_m = crosstab(corpus, count="segments")
    assert [list(r) for r in seg_m.counts] == [[5, 2], [2, 2], [0, 0]]
    assert crosstab(corpus, count="codings").total == 13
    chars = crosstab(corpus, count="characters")
    lengths = {sid: b[1] - b[0] for d in corpus.docs.values() for sid, b in d.bounds.items()}
    coded = {c.segment for c in corpus.codings}
    assert chars.total == sum(lengths[s] for s in coded)


def test_matrix_cli_counts_characters(invoke: Callable[..., Any],
                                      spans: tuple[Project, Document]) -> None:
    result = invoke("--project", str(spans[0].root), "matrix", "--count", "words",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["count"], data["counts"], data["total"]) == (
        "words", [[7, 6], [10, 11], [0, 0]], 34)
    md = invoke("--project", str(spans[0].root), "matrix", "--count", "characters",
                "--format", "md")
    assert ("*Cells count characters coded by ana; the characters inside the union of the "
            "cell's spans (text coded twice in a cell counts once).*") in md.stdout


def test_matrix_cli_refuses_an_unknown_count(invoke: Callable[..., Any],
                                            spans: tuple[Project, Document]) -> None:
    result = invoke("--project", str(spans[0].root), "matrix", "--count", "letters")
    assert result.exit_code == ExitCode.USAGE
    assert "'letters' is not one of" in result.output

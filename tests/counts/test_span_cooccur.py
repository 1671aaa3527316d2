"""Co-occurrence over span codings: by overlap of spans (--overlap), and as before by
segment and by window, where a span counts on every segment it touches."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.counts.cooccur import cooccurrence
from qcode.counts.matrix import load_corpus
from qcode.errors import ExitCode, UsageError
from qcode.models import Document
from qcode.project import Project
from tests.builders import build_known
from tests.span_builders import code_phrases, span_project


@pytest.fixture
def spans(tmp_path: Path) -> tuple[Project, Document]:
    project, doc = span_project(tmp_path / "spans")
    # G2 overlaps one G1 span ("the plan") and the E1 span ("nurses' time. ... And")
    code_phrases(project, "ana", doc, [("the plan", "G2")])
    return project, doc


def _pair(co: Any, a: str, b: str) -> tuple[int, float]:
    i, j = co.items.index(a), co.items.index(b)
    return co.counts[i][j], co.jaccard[i][j]


def test_overlap_counts_pairs_of_spans_that_share_text(spans: tuple[Project, Document]
                                                       ) -> None:
    co = cooccurrence(load_corpus(spans[0], "ana"), "code", overlap=True)
    # "the plan" lies in both G1 spans: two pairs; 8 shared characters of G1's 40 and G2's 8
    assert _pair(co, "G1", "G2") == (2, round(8 / 40, 4))
    # G3 and E1 sit side by side in S1:0002 but do not overlap
    assert _pair(co, "G3", "E1") == (0, 0.0)
    assert [co.counts[i][i] for i in range(len(co.items))] == [2, 1, 1, 1, 1, 0]
    assert co.as_dict()["unit"] == "overlap"


def test_by_segment_a_span_counts_on_every_segment_it_touches(
        spans: tuple[Project, Document]) -> None:
    co = cooccurrence(load_corpus(spans[0], "ana"), "code")
    assert _pair(co, "G3", "E1") == (1, 0.5)  # both on S1:0002; E1 also on S1:0003
    assert _pair(co, "G1", "G2")[0] == 1
    wide = cooccurrence(load_corpus(spans[0], "ana"), "code", window=1)
    assert _pair(wide, "E1", "E2")[0] == 2  # E2 on S1:0004 is next to E1's S1:0003
    assert "unit" not in co.as_dict()


def test_overlap_on_whole_segments_is_by_segment(tmp_path: Path) -> None:
    corpus = load_corpus(build_known(tmp_path / "known"), "ana")
    by_segment, by_overlap = cooccurrence(corpus), cooccurrence(corpus, overlap=True)
    # one span per code and segment: overlapping spans are codes on one segment
    assert by_overlap.counts == by_segment.counts


def test_window_and_overlap_together_are_refused(spans: tuple[Project, Document]) -> None:
    with pytest.raises(UsageError) as info:
        cooccurrence(load_corpus(spans[0], "ana"), window=1, overlap=True)
    assert info.value.message == "--window counts segments; it cannot be used with --overlap"


def test_cli_overlap(invoke: Callable[..., Any], spans: tuple[Project, Document]) -> None:
    root = str(spans[0].root)
    result = invoke("--project", root, "cooccur", "--overlap", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unit"] == "overlap"
    assert data["pairs"][0] == {"a": "G1", "b": "G2", "count": 2, "jaccard": 0.2,
                                "a_segments": 2, "b_segments": 1}
    md = invoke("--project", root, "cooccur", "--overlap", "--format", "md")
    assert md.stdout.startswith("| A | B | Span pairs | Jaccard |")
    bad = invoke("--project", root, "cooccur", "--overlap", "--window", "2")
    assert bad.exit_code == ExitCode.USAGE
    assert "--window counts segments; it cannot be used with --overlap" in bad.output

"""Reports over span codings: each excerpt quotes exactly its span, names the segment(s) it
lies in, shows --context marked as context, and one span under one code is one excerpt.

Golden files: tests/data/reports/span.md and span.html (regenerate with
QCODE_UPDATE_GOLDEN=1 and review the diff).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store
from qcode.counts.context import parse_context
from qcode.counts.excerpts import excerpts, flat
from qcode.counts.matrix import load_corpus
from qcode.errors import ExitCode, UsageError
from qcode.models import Document
from qcode.project import Project
from qcode.reports.content import build_report, render_report
from tests.builders import DATA
from tests.span_builders import find, span_event, span_project

DATE = "2026-01-31"


@pytest.fixture
def spans(tmp_path: Path) -> tuple[Project, Document]:
    return span_project(tmp_path / "spans")


def _golden(name: str, text: str) -> None:
    path = DATA / "reports" / name
    if os.environ.get("QCODE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


def test_each_excerpt_is_exactly_its_span(spans: tuple[Project, Document]) -> None:
    project, doc = spans
    got = [(e.code, e.quote, e.segments_label)
           for e in flat(excerpts(load_corpus(project, "ana")))]
    assert got == [
        ("G1", "ministry sets the plan", "S1:0002"),
        ("G1", "sets the plan for video clinics", "S1:0002"),
        ("G3", "The region pays for the screens.", "S1:0002"),
        ("E1", "Nobody pays for the nurses' time.\n\nAnd the local clinic?", "S1:0002-0003"),
        ("E2", doc.text[doc.segments[3].start:doc.segments[3].end], "S1:0004")]


def test_context_in_words_and_sentences(spans: tuple[Project, Document]) -> None:
    corpus = load_corpus(spans[0], "ana")
    three = {e.quote: (e.before, e.after) for e in flat(excerpts(corpus, context=3))}
    assert three["ministry sets the plan"] == ("The", "for video clinics. \u2026")
    assert three["The region pays for the screens."] == ("\u2026 for video clinics.",
                                                          "Nobody pays for \u2026")
    # context stays inside the span's segments: the whole S1:0004 has none
    assert three[corpus.docs["S1"].text[-61:]] == ("", "")


def test_sentence_context_is_the_rest_of_the_sentence(spans: tuple[Project, Document]
                                                      ) -> None:
    corpus = load_corpus(spans[0], "ana")
    got = {e.quote: (e.before, e.after)
           for e in flat(excerpts(corpus, context="sentence"))}
    assert got["sets the plan for video clinics"] == ("The ministry", ". \u2026")
    assert got["ministry sets the plan"] == ("The", "for video clinics. \u2026")
    # a whole sentence has no sentence context
    assert got["The region pays for the screens."] == ("", "")


def test_one_span_under_one_code_is_one_excerpt(spans: tuple[Project, Document]) -> None:
    project, doc = spans
    s, e = find(doc, "ministry sets the plan")
    store.append_events(project, "ana", [span_event(doc, s, e, "G2")])
    # G2 merged into G1 in the codebook log would give G1 the same span twice; here the
    # corpus holds the same span under G1 twice (as such a merge leaves it)
    corpus = load_corpus(project, "ana")
    corpus.codings = [c._replace(code="G1") if c.code == "G2" else c for c in corpus.codings]
    g1 = [x.quote for x in flat(excerpts(corpus)) if x.code == "G1"]
    assert g1 == ["ministry sets the plan", "sets the plan for video clinics"]


def test_parse_context_refuses_other_words() -> None:
    with pytest.raises(UsageError) as info:
        parse_context("paragraph")
    assert info.value.message == ("--context 'paragraph' is neither a number of words "
                                  "nor 'sentence'")


def test_markdown_golden(spans: tuple[Project, Document]) -> None:
    content = build_report(spans[0], coder="ana", date=DATE, context=4)
    _golden("span.md", render_report(content, "md"))  # type: ignore[arg-type]


def test_html_golden(spans: tuple[Project, Document]) -> None:
    content = build_report(spans[0], coder="ana", date=DATE, context="sentence")
    html = render_report(content, "html")
    assert isinstance(html, str)
    assert ".ctx{color:#767676}" in html
    assert '<span class="ctx">The</span> ministry sets the plan <span class="ctx">for ' \
           'video clinics. \u2026</span>' in html
    _golden("span.html", html)


def test_without_context_the_report_has_no_context_style(spans: tuple[Project, Document]
                                                         ) -> None:
    html = render_report(build_report(spans[0], coder="ana", date=DATE), "html")
    assert ".ctx" not in html and "<p>ministry sets the plan</p>" in html


def test_csv_has_the_span_its_segments_and_its_context(spans: tuple[Project, Document]
                                                       ) -> None:
    content = build_report(spans[0], coder="ana", date=DATE, context=2)
    rows = list(csv.DictReader(io.StringIO(render_report(content, "csv"))))  # type: ignore[arg-type]
    e1 = next(r for r in rows if r["code"] == "E1")
    assert e1["segment"] == "S1:0002-0003"
    assert e1["quote"] == "Nobody pays for the nurses' time.\n\nAnd the local clinic?"
    assert e1["in_context"] == ("[\u2026 the screens.] Nobody pays for the nurses' time."
                                "\n\nAnd the local clinic?")
    plain = render_report(build_report(spans[0], coder="ana", date=DATE), "csv")
    assert "in_context" not in plain


def test_docx_greys_the_context(spans: tuple[Project, Document]) -> None:
    data = render_report(build_report(spans[0], coder="ana", date=DATE, context=2), "docx")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()  # type: ignore[arg-type]
    assert '<w:color w:val="767676"/></w:rPr><w:t xml:space="preserve">The </w:t>' in xml
    assert "<w:t>ministry sets the plan</w:t>" in xml


def test_report_cli_context(invoke: Callable[..., Any], spans: tuple[Project, Document]
                            ) -> None:
    root = str(spans[0].root)
    result = invoke("--project", root, "report", "--code", "G3", "--context", "1",
                    "--date", DATE, "--no-agreement")
    assert result.exit_code == 0, result.output
    assert "> \\[\u2026 clinics.\\] The region pays for the screens. \\[Nobody \u2026\\]" \
        in result.stdout
    bad = invoke("--project", root, "report", "--context", "lots")
    assert bad.exit_code == ExitCode.USAGE
    assert "--context 'lots' is neither a number of words nor 'sentence'" in bad.output


def test_context_comes_from_the_turn_not_only_the_segment(tmp_path: Path) -> None:
    """In a document segmented by sentence, a whole-segment coding's context is the rest of
    its speaker's turn (never the next speaker's)."""
    from qcode.coding.store import add_codes
    from qcode.models import Segment, Turn
    from qcode.project import init_project

    text = "We pay. They plan it all.\n\nNo comment."
    doc = Document(id="T1", title="T1", format="txt", unit="sentence", text=text,
                   turns=(Turn(speaker="A", start=0, end=25),
                          Turn(speaker="B", start=27, end=38)),
                   segments=(Segment(id="T1:0001", start=0, end=7, speaker="A", turn=0),
                             Segment(id="T1:0002", start=8, end=25, speaker="A", turn=0),
                             Segment(id="T1:0003", start=27, end=38, speaker="B", turn=1)))
    project = init_project(tmp_path / "p", codebook=DATA / "matrix" / "codebook.yaml")
    project.save_document(doc)
    add_codes(project, "ana", doc, ["T1:0001", "T1:0002"], ["G1"])
    got = [(e.quote, e.before, e.after)
           for e in flat(excerpts(load_corpus(project, "ana"), context=2))]
    assert got == [("We pay.", "", "They plan \u2026"), ("They plan it all.", "We pay.", "")]

"""Span codings for tests: coder logs whose add events hold a span ``[start, end)`` (and
its exact quote) narrower than a segment, or across segments, written through the log's
ordinary append (the log format carries start, end and quote)."""

from __future__ import annotations

from pathlib import Path

from qcode.coding import store
from qcode.coding.drafts import AddDraft
from qcode.models import Document
from qcode.project import Project, init_project
from tests.builders import DATA, make_doc


def find(doc: Document, phrase: str, nth: int = 0) -> tuple[int, int]:
    """The [start, end) of the ``nth`` occurrence of ``phrase`` in the document text."""
    at = -1
    for _ in range(nth + 1):
        at = doc.text.index(phrase, at + 1)
    return at, at + len(phrase)


def span_event(doc: Document, start: int, end: int, code: str,
               origin: str = "manual") -> AddDraft:
    """The add event of a span: its first segment, offsets, quote, and (across segments)
    every segment it touches."""
    touched = [s.id for s in doc.segments if s.start < end and s.end > start]
    ev: AddDraft = {"op": "add", "doc": doc.id, "segment": touched[0], "start": start,
                    "end": end, "quote": doc.text[start:end], "code": code,
                    "origin": origin}  # type: ignore[typeddict-item]
    if len(touched) > 1:
        ev["segments"] = touched
    return ev


def code_spans(project: Project, coder: str, doc: Document,
               spans: list[tuple[int, int, str]]) -> None:
    """Code each (start, end, code) of ``doc`` as ``coder``, one action."""
    store.append_events(project, coder, [span_event(doc, s, e, c) for s, e, c in spans])


def code_phrases(project: Project, coder: str, doc: Document,
                 phrases: list[tuple[str, str]]) -> None:
    """Code each (phrase, code): the phrase's first occurrence in the text."""
    code_spans(project, coder, doc, [(*find(doc, p), c) for p, c in phrases])


#: a short interview for span tests (codes from tests/data/matrix/codebook.yaml)
SPAN_TURNS = [
    ("I", "How is telemedicine steered in your region?"),
    ("Anna", "The ministry sets the plan for video clinics. The region pays for the "
             "screens. Nobody pays for the nurses' time."),
    ("I", "And the local clinic?"),
    ("Anna", "The clinic waits for money. Travel is still cheaper for many."),
]


def span_project(root: Path, coder: str = "ana") -> tuple[Project, Document]:
    """A project with one interview (S1) and ``coder``'s span codings on it:

    - G1 "ministry sets the plan" and G1 "sets the plan for video clinics" (overlapping,
      both in S1:0002);
    - G3 "The region pays for the screens." (in S1:0002);
    - E1 from "Nobody pays" (S1:0002) to "And the local clinic?" (S1:0003): across two
      segments;
    - E2 on the whole of S1:0004 (a whole-segment coding, as tag writes it).
    """
    project = init_project(root, codebook=DATA / "matrix" / "codebook.yaml", name="spans")
    doc = make_doc("S1", SPAN_TURNS)
    project.save_document(doc)
    e1 = (find(doc, "Nobody pays")[0], find(doc, "And the local clinic?")[1], "E1")
    code_spans(project, coder, doc, [
        (*find(doc, "ministry sets the plan"), "G1"),
        (*find(doc, "sets the plan for video clinics"), "G1"),
        (*find(doc, "The region pays for the screens."), "G3"),
        e1])
    store.add_codes(project, coder, doc, ["S1:0004"], ["E2"])
    return project, doc

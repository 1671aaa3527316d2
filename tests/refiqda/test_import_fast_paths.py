"""The import's shortcuts (issue 19) give what the plain computations gave:

- ``local`` (a namespace cut off by string methods) is the pattern's answer for any name;
- ``Overlaps.of`` (binary search over segments in order, a scan otherwise) is the scan;
- ``SourceText.positions`` without the arrays, for a text counted one unit per character,
  is what the arrays give; ``non_bmp`` is "the highest character is beyond U+FFFF";
- ``cases_by_source`` names a source's cases in the file's order, each once;
- ``from_trailer`` validating plain dicts gives the document the model calls gave, and
  refuses what they refused.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from qcode.ingest.segmentation import layout
from qcode.models import Document, Segment, Turn
from qcode.refiqda.documents import Overlaps, from_trailer
from qcode.refiqda.exporter import doc_trailer
from qcode.refiqda.offsets import MODELS, SourceText, source_text
from qcode.refiqda.project_xml import QCase, cases_by_source
from qcode.refiqda.safexml import local

_NS = re.compile(r"^\{([^}]*)\}(.*)$")


def _by_pattern(tag: str) -> str:
    m = _NS.match(tag)
    return m.group(2) if m else tag


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.builds(lambda a, b, c: "{" + a + b + c, st.text(),
                                      st.sampled_from(["}", "}}", "", "}\n"]), st.text())))
def test_local_is_the_patterns_answer(tag: str) -> None:
    assert local(tag) == _by_pattern(tag)


def test_local_of_usual_names() -> None:
    assert local("{urn:QDA-XML:project:1.0}Code") == "Code"
    assert local("Code") == "Code"
    assert local("{urn:x}") == ""
    assert local("{unclosed") == "{unclosed"
    assert local(None) == ""


def _segments(bounds: list[tuple[int, int]]) -> tuple[Segment, ...]:
    return tuple(Segment.model_construct(id=f"D:{i:04d}", start=s, end=e, speaker="R",
                                         turn=i, time_start=None, time_end=None)
                 for i, (s, e) in enumerate(bounds))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=12),
       st.booleans(), st.integers(-5, 90), st.integers(0, 40))
def test_overlaps_are_the_scan(raw: list[tuple[int, int]], in_order: bool, s: int,
                               width: int) -> None:
    bounds = [(a, a + n) for a, n in raw]
    if in_order:
        bounds.sort()
        bounds = [(a, b) for i, (a, b) in enumerate(bounds)
                  if all(b2 <= a for _, b2 in bounds[:i])]  # disjoint, in order
    segs = _segments(bounds)
    e = s + width
    assert Overlaps(segs).of(s, e) == [g for g in segs if g.start < e and g.end > s]


_TEXT = st.lists(st.sampled_from(["a", "b", " ", "\n", "\r", "\r\n", "é", "ß", "😀", "\ufeff",
                                  "\U0010fffd", "\u20ac"]), max_size=30).map("".join)


def _arrays(src: SourceText, model: str) -> list[int]:
    """``positions`` through the arrays (the object is rebuilt with CRLF claimed, which
    the arrays handle in general, and compared where that claim changes nothing)."""
    forced = SourceText(raw=src.raw, text=src.text, had_bom=src.had_bom, has_crlf=True)
    return list(forced.positions(model))


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.booleans())
def test_positions_without_arrays_are_the_arrays(body: str, bom: bool) -> None:
    src = source_text(("\ufeff" if bom else "") + body)
    for model in [*MODELS, "cp-bom", "utf16-bom"]:
        got = src.positions(model)
        assert len(got) == len(src.text) + 1
        if not src.has_crlf:
            assert list(got) == _arrays(src, model), model


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_non_bmp_is_the_highest_character(text: str) -> None:
    src = SourceText(raw=text, text=text, had_bom=False, has_crlf=False)
    assert src.non_bmp == (bool(text) and max(text) > "\uffff")


def test_cases_by_source_in_file_order_each_once() -> None:
    a = QCase("a", "A", {}, ["s1", "s2", "s1"])
    b = QCase("b", "B", {}, ["s2"])
    c = QCase("c", "C", {}, [])
    assert cases_by_source([a, b, c]) == {"s1": [a], "s2": [a, b]}


def _by_models(data: dict[str, object], text: str) -> Document | None:
    """from_trailer as it was: a model call per turn and segment."""
    try:
        turns = tuple(Turn(speaker=t[0], start=t[1], end=t[2], time_start=t[3],
                           time_end=t[4]) for t in data.get("turns", []))  # type: ignore[attr-defined]
        segments = tuple(Segment(id=s[0], start=s[1], end=s[2], speaker=s[3], turn=s[4],
                                 time_start=s[5], time_end=s[6])
                         for s in data.get("segments", []))  # type: ignore[attr-defined]
        return Document(id=str(data["id"]), title=str(data.get("title", data["id"])),
                        format=str(data.get("format", "refi-qda")),
                        unit=data.get("unit", "paragraph"), attributes={}, text=text,  # type: ignore[arg-type]
                        turns=turns, segments=segments, sha256=str(data.get("sha256", "")),
                        source_name=str(data.get("source_name", "")),
                        encoding=str(data.get("encoding", "")))
    except (ValidationError, KeyError, IndexError, TypeError, ValueError):
        return None


def test_from_trailer_is_the_model_calls() -> None:
    text, turns, segs = layout("D1", [("I", "Hello there."), ("R", "Yes 😀.")], "turn")
    doc = Document(id="D1", title="T", format="txt", unit="turn", text=text,
                   turns=tuple(turns), segments=tuple(segs), sha256="ab" * 32,
                   source_name="d.txt", encoding="utf-8")
    good = doc_trailer(doc)
    assert from_trailer(good, text, {}) == _by_models(good, text) == doc
    coerced = {**good, "segments": [[s[0], str(s[1]), float(s[2]), *s[3:]]
                                    for s in good["segments"]]}
    assert from_trailer(coerced, text, {}) == _by_models(coerced, text) == doc
    for bad in ({**good, "segments": [[*good["segments"][0][:1], 5, 2, "R", 0, None, None]]},
                {**good, "turns": [["I", 0]]}, {**good, "turns": 7},
                {**good, "unit": "chapter"}, {k: v for k, v in good.items() if k != "id"}):
        assert _by_models(bad, text) is None
        assert from_trailer(bad, text, {}) is None
    beyond = {**good, "segments": [["D1:0001", 0, 10 ** 6, "R", 0, None, None]]}
    assert from_trailer(beyond, text, {}) is None  # valid records, but past the text


@pytest.mark.parametrize("model", MODELS)
def test_crlf_text_still_goes_through_the_arrays(model: str) -> None:
    src = source_text(b"ab\r\ncd\r\n\xf0\x9f\x98\x80e")
    assert src.has_crlf
    assert list(src.positions(model)) == _arrays(src, model)

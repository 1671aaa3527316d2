"""Offset counting models: NVivo's UTF-16 units with CRLF and a BOM, ATLAS.ti's CRLF-as-1,
and the spec's code points; detection per source, confirmed by the selected text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding.store import coder_names, current_codings
from qcode.project import open_project
from qcode.refiqda.exporter import crlf_positions
from qcode.refiqda.importer import import_qdpx
from qcode.refiqda.offsets import (
    MODELS,
    Selection,
    detect,
    map_with,
    source_text,
    to_units,
)

LINES = [
    "Interviewer: How do you feel about video consultations? 😀",
    "Respondent: Honestly 👍🏽 they save us hours of driving, every week.",
    "Interviewer: And the doctors? 🤔",
    "Respondent: Some doctors 🙄 still prefer the phone, sadly. 🎉🎉",
    "Interviewer: What about money?",
    "Respondent: The reimbursement 💰 rules changed in 2019 and nobody told us 😤.",
]
QUOTES = ["video consultations", "save us hours of driving", "doctors",
          "prefer the phone", "reimbursement 💰 rules", "nobody told us 😤"]


def _utf16(raw: str, i: int) -> int:
    return len(raw[:i].encode("utf-16-le")) // 2


def _spans(raw: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for q in QUOTES:
        i = raw.index(q, pos)
        out.append((i, i + len(q), q))
        pos = i + len(q)
    return out


def _nvivo_qdpx(tmp_path: Path) -> tuple[Path, list[str]]:
    """A project as NVivo for Windows writes it: BOM, CRLF, UTF-16 offsets, Sources/."""
    raw = "\r\n".join(LINES) + "\r\n"
    sg = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    code_g = ["a1b2c3d4-0000-0000-0000-00000000000" + str(i) for i in range(3)]
    sels = []
    for n, (s, e, _) in enumerate(_spans(raw)):
        sels.append(
            f'<PlainTextSelection guid="5e1ec7ed-0000-0000-0000-00000000000{n}" '
            f'startPosition="{_utf16(raw, s)}" endPosition="{_utf16(raw, e)}" '
            f'creatingUser="{{B0B0B0B0-0000-0000-0000-000000000001}}">'
            f'<Coding guid="c0d10000-0000-0000-0000-00000000000{n}">'
            f'<CodeRef targetGUID="{{{code_g[n % 3].upper()}}}"/></Coding>'
            "</PlainTextSelection>")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="NVivo study" origin="NVivo 12.6 (Windows)"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:schemaLocation="urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd">
<Users><User guid="b0b0b0b0-0000-0000-0000-000000000001" name="Ingrid Berg"/></Users>
<CodeBook><Codes>
 <Code guid="{code_g[0]}" name="Benefits" isCodable="true"/>
 <Code guid="{code_g[1]}" name="Attitudes" isCodable="true"/>
 <Code guid="{code_g[2]}" name="Economy" isCodable="true"/>
</Codes></CodeBook>
<Sources><TextSource guid="{sg}" name="Interview 7.docx"
 richTextPath="internal://{sg}.docx" plainTextPath="internal://{sg}.txt">
{''.join(sels)}
</TextSource></Sources></Project>"""
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr(f"Sources/{sg.upper()}.txt", b"\xef\xbb\xbf" + raw.encode("utf-8"))
        zf.writestr("Sources/.root", b"")
    return path, QUOTES


def test_nvivo_utf16_crlf_bom_selections_land_on_the_right_text(tmp_path):
    path, quotes = _nvivo_qdpx(tmp_path)
    report = import_qdpx(path, into=tmp_path / "p")
    (src,) = report.sources
    assert src.offsets == "utf16"
    assert src.evidence == "6/6 selections fit the text, 12 on word boundaries"
    assert (src.selections_taken, report.dropped) == (6, [])
    project = open_project(tmp_path / "p")
    (doc,) = project.documents()
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    assert coder_names(project) == ["Ingrid-Berg"]
    codings = current_codings(project, "Ingrid-Berg")
    for quote, code in zip(quotes, ["Benefits", "Attitudes", "Economy"] * 2, strict=True):
        hits = [c for c in codings if quote in c.quote and c.code == code]
        assert len(hits) == 1, quote


def test_nvivo_selections_mapped_exactly(tmp_path):
    raw = "\r\n".join(LINES)
    src = source_text(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    sels = [Selection(str(i), _utf16(raw, s), _utf16(raw, e))
            for i, (s, e, _) in enumerate(_spans(raw))]
    det = detect(src, sels, "NVivo 12")
    assert det.model == "utf16"
    assert [src.text[s:e] for s, e in det.mapped.values()] == QUOTES
    # the same offsets read as code points drift into the middle of words
    wrong = map_with(src, "cp", sels)
    assert [src.text[s:e] for s, e in wrong.mapped.values()] != QUOTES
    assert detect(src, sels, "").model == "utf16"  # without the origin prior, too


def test_atlas_ti_counts_crlf_as_one_and_names_confirm_it():
    raw = "\r\n".join(LINES)
    src = source_text(raw.encode("utf-8"))
    lf = raw.replace("\r\n", "\n")
    sels = []
    pos = 0
    for i, q in enumerate(QUOTES):
        s = lf.index(q, pos)
        pos = s + len(q)
        sels.append(Selection(str(i), s, s + len(q), name=q))
    det = detect(src, sels, "ATLAS.ti 23")
    assert det.model == "cp-lf" and det.name_matches == 6
    assert [src.text[s:e] for s, e in det.mapped.values()] == QUOTES


def test_plain_text_without_crlf_or_emoji_is_code_points():
    src = source_text(b"just words here")
    det = detect(src, [Selection("a", 5, 10)], "MAXQDA 24")
    assert (det.model, det.mapped) == ("cp", {"a": (5, 10)})


_CHARS = st.sampled_from(["a", "b", " ", "é", "😀", "👍🏽", "\r\n", "\n", "ø", "中"])


@given(st.lists(_CHARS, min_size=1, max_size=40), st.sampled_from(MODELS),
       st.data())
def test_property_every_model_maps_back_to_the_same_code_points(pieces, model, data):
    raw = "".join(pieces)
    src = source_text(raw.encode("utf-8"))
    n = len(src.text)
    s = data.draw(st.integers(0, n))
    e = data.draw(st.integers(s, n))
    pos = src.positions(model)
    det = map_with(src, model, [Selection("x", pos[s], pos[e])])
    assert det.mapped == {"x": (s, e)}


def test_source_text_utf16_file_with_bom():
    src = source_text(b"\xff\xfe" + "Hei\r\nsann".encode("utf-16-le"))
    assert (src.text, src.had_bom, src.has_crlf) == ("Hei\nsann", True, True)


@pytest.mark.parametrize("module", ["qcode.refiqda.guids", "qcode.refiqda.offsets",
                                    "qcode.refiqda.codebook_map", "qcode.refiqda.importer"])
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                      blacklist_categories=("Cs",)), max_size=30))
def test_non_bmp_is_any_character_beyond_the_basic_plane(text):
    s = source_text(text.encode("utf-8"))
    assert s.non_bmp == any(ord(c) > 0xFFFF for c in s.text)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("ab\n\r é😀\U0001F9D1"), max_size=60), st.data())
def test_exporter_crlf_positions_equal_to_units(text, data):
    """The exporter's numpy-free CRLF offsets are the counting model's."""
    offsets = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    assert crlf_positions(text, offsets) == to_units(text, "cp", offsets, crlf=True)

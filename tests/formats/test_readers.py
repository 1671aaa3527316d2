"""Readers, detection and decoding, tested directly (no project)."""

from __future__ import annotations

import doctest
import html
import importlib
from pathlib import Path

import pytest

from qcode import formats
from qcode.cli.ingest_cmd import FORMAT_CHOICES
from qcode.errors import InvalidInputError, UsageError
from qcode.formats import labels, text, vtt
from qcode.ingest.decoding import decode
from qcode.ingest.run import read_document
from tests.builders import DATA as TESTDATA

FIXTURES = TESTDATA / "formats"

DOCTEST_MODULES = ["qcode.ingest.decoding", "qcode.ingest.segmentation", "qcode.ingest.run",
                   "qcode.ingest.attributes",
                   "qcode.formats", "qcode.formats.labels", "qcode.formats.text",
                   "qcode.formats.otter", "qcode.formats.f4", "qcode.formats.markdown",
                   "qcode.formats.vtt", "qcode.formats.srt"]


@pytest.mark.parametrize("module", DOCTEST_MODULES)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    assert result.attempted > 0 or module == "qcode.ingest.run"


def test_cli_format_choices_match_the_registry() -> None:
    assert list(FORMAT_CHOICES) == ["auto", *formats.names()]


def test_by_name_unknown_format() -> None:
    with pytest.raises(UsageError) as info:
        formats.by_name("rtf")
    assert str(info.value) == "unknown format 'rtf'"
    assert info.value.hint == "choose one of: auto, txt, otter, f4, md, vtt, srt, docx"


@pytest.mark.parametrize(("name", "head", "expected"), [
    ("a.txt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n", "vtt"),
    ("a.txt", b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", "srt"),
    ("a.txt", b"Ann  0:01\nHi.\n\nBo  0:04\nYes.\n", "otter"),
    ("a.txt", b"I: Hi. #00:00:01-2#\nB: Yes. #00:00:03-0#\n", "f4"),
    ("a.txt", b"Interviewer: Hi.\n\nRespondent: Yes.\n", "txt"),
    ("a", b"PK\x03\x04rest", "docx"),
    ("a.md", b"**I:** Hi\n", "md"),
    ("a.vtt", b"\xef\xbb\xbfWEBVTT\n", "vtt"),
    ("a.txt", b"\xff\xfe" + "WEBVTT\n".encode("utf-16-le"), "vtt"),
])
def test_detect(name: str, head: bytes, expected: str) -> None:
    assert formats.detect(name, head).name == expected


def test_decode_rules() -> None:
    assert decode(b"a\r\nb\rc\n", "x").text == "a\nb\nc\n"
    assert decode("“x”\u00a0y".encode(), "x").text == "“x”\u00a0y"
    assert decode(b"\x85", "x.txt") == decoding_result("…", "cp1252")
    assert decode(b"\xef\xbb\xbfhi", "x").encoding == "utf-8-sig"
    assert decode(b"\xfe\xff\x00h\x00i", "x").text == "hi"


def decoding_result(text_: str, encoding: str):  # type: ignore[no-untyped-def]
    from qcode.ingest.decoding import Decoded

    return Decoded(text_, encoding)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "x.txt: the file is empty; nothing was ingested"),
    (b"  \n\n", "x.txt: the file is empty; nothing was ingested"),
    (b"%PDF-1.7 ...", "x.txt: a PDF file, not a transcript; nothing was ingested"),
    (b"I: hi\x00\x01", "x.txt: a binary file (it contains NUL bytes), not a transcript; "
                       "nothing was ingested"),
    (b"I: hi\nR: yes\n\x81\x8d", "x.txt:3: bytes that are not UTF-8 or Windows-1252 (cp1252) "
                                 "text; nothing was ingested"),
])
def test_decode_refuses(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        decode(data, "x.txt")
    assert str(info.value) == message


def test_metadata_never_becomes_a_speaker() -> None:
    raw = ("Date: 2016-01-01\nInterviewer: Kari Lie\nLocation: Oslo\n\n"
           "Interviewer: Hello.\n\nRespondent: Hi. Date: unknown.\n\n"
           "Date: 2016-01-02\n\nRespondent: Bye.\n")
    parsed = text.read(raw, "a.txt")
    assert parsed.attributes == {"date": "2016-01-01", "interviewer": "Kari Lie",
                                 "location": "Oslo"}
    assert [(t.speaker, t.text) for t in parsed.turns] == [
        ("Interviewer", "Hello."), ("Respondent", "Hi. Date: unknown.\n\nDate: 2016-01-02"),
        ("Respondent", "Bye.")]


def test_name_labels_need_two_uses_or_a_known_label() -> None:
    parsed = text.read("Kari Lie: Hello.\n\nOla: Hi.\n\nKari Lie: So.\n\nOla: Yes.\n", "a.txt")
    assert [t.speaker for t in parsed.turns] == ["Kari Lie", "Ola", "Kari Lie", "Ola"]
    once = text.read("I: Tell me.\n\nR: Well, one thing: money.\n\nI: Go on.\n", "a.txt")
    assert [t.text for t in once.turns] == ["Tell me.", "Well, one thing: money.", "Go on."]


def test_known_label_pattern() -> None:
    for label in ("Interviewer", "R", "P12", "Speaker 3", "IP", "Informant 2"):
        assert labels.KNOWN_SPEAKER.match(label), label
    for label in ("Date", "Note", "Kari"):
        assert not labels.KNOWN_SPEAKER.match(label), label


def _webvtt_cues(path: Path) -> list[tuple[float, float, str]]:
    import webvtt

    raw = decode(path.read_bytes(), path.name).text
    return [(c.start_in_seconds, c.end_in_seconds, html.unescape(c.text).replace("\n", " "))
            for c in webvtt.from_string(raw)]


@pytest.mark.parametrize("name", ["zoom_names.vtt", "zoom_no_names.vtt", "teams_bom_crlf.vtt"])
def test_vtt_cues_match_webvtt_py(name: str) -> None:
    """The own parser reads the same cues as webvtt-py (times to the second, text)."""
    ours = vtt.cues(decode((FIXTURES / name).read_bytes(), name).text, name)
    theirs = _webvtt_cues(FIXTURES / name)
    assert len(ours) == len(theirs)
    for (start, end, _voice, body), (t_start, t_end, t_text) in zip(ours, theirs, strict=True):
        assert (int(start), int(end)) == (t_start, t_end)
        assert body == " ".join(t_text.split())


def test_vtt_without_header_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        vtt.read("00:00:01.000 --> 00:00:02.000\nHi\n", "a.vtt")
    assert str(info.value) == ("a.vtt:1: not a WebVTT file (it must start with WEBVTT); "
                               "nothing was ingested")


def test_vtt_bad_timing_names_the_line() -> None:
    raw = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nA: Hi\n\n2\n00:00:03 --> 4\nB: Yo\n"
    with pytest.raises(InvalidInputError) as info:
        vtt.read(raw, "a.vtt")
    assert str(info.value).startswith("a.vtt:8: a cue timing that is not")


@pytest.mark.parametrize("unit", ["turn", "paragraph", "sentence"])
def test_units(unit: str) -> None:
    raw = b"I: Hi. How are you?\n\nR: Fine. Dr. Lie said so!\n\nSecond part.\n"
    doc, _ = read_document(raw, source="a.txt", doc_id="D", unit=unit)
    texts = [doc.segment_text(s) for s in doc.segments]
    expected = {
        "turn": ["Hi. How are you?", "Fine. Dr. Lie said so!\n\nSecond part."],
        "paragraph": ["Hi. How are you?", "Fine. Dr. Lie said so!", "Second part."],
        "sentence": ["Hi.", "How are you?", "Fine.", "Dr. Lie said so!", "Second part."],
    }[unit]
    assert texts == expected
    assert [s.id for s in doc.segments] == [f"D:{i:04d}" for i in range(1, len(expected) + 1)]
    assert doc.text == "Hi. How are you?\n\nFine. Dr. Lie said so!\n\nSecond part."


def test_read_document_records_source() -> None:
    raw = "I: Hei.\n\nR: Hå.\n".encode("cp1252")
    doc, warnings = read_document(raw, source="dir/x.txt", doc_id="X")
    assert (doc.source_name, doc.encoding, doc.format, doc.title) == ("x.txt", "cp1252", "txt",
                                                                      "x")
    import hashlib

    assert doc.sha256 == hashlib.sha256(raw).hexdigest()
    assert warnings == []


def test_no_text_at_all_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        read_document(b"WEBVTT\n\nNOTE nothing here\n", source="a.vtt", doc_id="A")
    assert str(info.value) == "a.vtt: no transcript text found (vtt format); nothing was ingested"


def test_sentence_after_no_and_abbreviations() -> None:
    raw = b"R: No. I need to see him walk, e.g. On video. Dr. Lie agrees? Yes!\n"
    doc, _ = read_document(raw, source="a.txt", doc_id="D", unit="sentence")
    assert [doc.segment_text(s) for s in doc.segments] == [
        "No.", "I need to see him walk, e.g. On video.", "Dr. Lie agrees?", "Yes!"]


def test_otter_docx_export(tmp_path: Path) -> None:
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("Clinic interview")
    for who, stamp, said in [("Ann Lie", "0:07", "Hello there."), ("Bo", "1:02", "Hi."),
                             ("Ann Lie", "1:09", "Shall we?")]:
        d.add_paragraph(f"{who}  {stamp}")
        d.add_paragraph(said)
    buf = io.BytesIO()
    d.save(buf)
    doc, _ = read_document(buf.getvalue(), source="otter.docx", doc_id="O")
    assert [(t.speaker, doc.text[t.start:t.end], t.time_start) for t in doc.turns] == [
        ("Ann Lie", "Hello there.", 7.0), ("Bo", "Hi.", 62.0), ("Ann Lie", "Shall we?", 69.0)]
    assert doc.title == "Clinic interview"


def test_nbsp_or_tab_after_the_label() -> None:
    parsed = text.read("I:\u00a0Hei.\n\nR:\tJa,\u00a0takk.\n", "a.txt")
    assert [(t.speaker, t.text) for t in parsed.turns] == [("I", "Hei."), ("R", "Ja,\u00a0takk.")]


@pytest.mark.parametrize(("members", "kind"), [
    ({"a.txt": "hi"}, "KeyError"),
    ({"[Content_Types].xml": "<Types", "word/document.xml": "<w:document"}, None),
])
def test_zip_that_is_not_a_word_file(members: dict[str, str], kind: str | None) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    with pytest.raises(InvalidInputError) as info:
        read_document(buf.getvalue(), source="x.docx", doc_id="X")
    assert str(info.value).startswith("x.docx: not a readable .docx file (")
    if kind:
        assert f"({kind})" in str(info.value)

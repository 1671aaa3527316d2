"""A REFI-QDA file without a DTD is read by ElementTree's C parser (issue 19): the tree is
the defused parser's, element for element; a file that has a DTD, another encoding or
an error still goes through the defused parser, with its refusals and messages."""

from __future__ import annotations

from contextlib import AbstractContextManager
from unittest.mock import patch
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.errors import InvalidInputError
from qcode.refiqda.safexml import parse
from tests.builders import DATA


def _defused(data: bytes) -> Element:
    return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def _no_defused() -> AbstractContextManager[object]:
    return patch("qcode.refiqda.safexml.fromstring",
                 side_effect=AssertionError("the defused parser was called"))


def _shape(el: Element) -> tuple[object, ...]:
    return (el.tag, dict(el.attrib), el.text, el.tail, tuple(_shape(c) for c in el))


_FILES = [DATA / "refiqda" / "nvivo-mac-15-project.qde",
          DATA / "refiqda" / "atlasti-23.4-codebook.qdc",
          DATA / "refiqda" / "taguette-codebook.qdc",
          *sorted((DATA / "refiqda" / "export_golden").rglob("*.qde"))]


@pytest.mark.parametrize("path", _FILES, ids=lambda p: p.name)
def test_real_files_give_the_defused_tree(path) -> None:  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    root = "CodeBook" if path.suffix == ".qdc" else "Project"
    with _no_defused():  # ElementTree's C parser reads it
        got = parse(data, "f", root).root
    assert _shape(got) == _shape(_defused(data))


_WORD = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                              blacklist_characters="\ufffe\uffff"), max_size=8)
_CHUNK = st.one_of(_WORD.map(lambda s: s.replace("&", "&amp;").replace("<", "&lt;")),
                   st.sampled_from(["&amp;", "&#10;", "&#x1F600;", "&quot;", "<![CDATA[a<b]]>",
                                    "<!-- c -->", "<?pi x?>", "\r\n", "\t", " "]))


@st.composite
def _documents(draw: st.DrawFn) -> bytes:
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>\n',
                                 "<?xml version='1.0' encoding='utf-8' standalone='yes'?>",
                                 '<?xml version="1.0"?>', ""]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    ns = draw(st.sampled_from(['', ' xmlns="urn:QDA-XML:project:1.0"',
                               ' xmlns:q="urn:x" q:a="1"']))
    kids = []
    for i in range(draw(st.integers(0, 5))):
        value = draw(_WORD).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        body = "".join(draw(st.lists(_CHUNK, max_size=5)))
        kids.append(f'<Code guid="{value}" n="{i}">{body}</Code>{draw(_CHUNK)}')
    text = f'{bom}{head}<Project name="p"{ns}>{"".join(kids)}</Project>'
    return text.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(_documents())
def test_generated_files_give_the_defused_tree(data: bytes) -> None:
    with _no_defused():
        got = parse(data, "f", "Project").root
    assert _shape(got) == _shape(_defused(data))


def test_utf16_and_latin1_files_give_the_defused_tree() -> None:
    text = '<?xml version="1.0" encoding="{}"?><Project name="é"><A b="ø">x</A></Project>'
    for enc, codec in (("UTF-16", "utf-16"), ("ISO-8859-1", "latin-1")):
        data = text.format(enc).encode(codec)
        with patch("qcode.refiqda.safexml.fromstring", wraps=fromstring) as defused:
            got = parse(data, "f", "Project").root
        assert defused.call_count == 1  # the defused parser read it
        assert _shape(got) == _shape(_defused(data))


def test_a_dtd_still_goes_through_the_defused_parser() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "x">]>'
            b"<Project>&a;</Project>")
    with pytest.raises(InvalidInputError) as err:
        parse(data, "f.qde", "Project")
    assert str(err.value).startswith("f.qde: refused: the XML declares XML entities")


@pytest.mark.parametrize("data", [b"<Project><A></Project>", b"<Project>&nope;</Project>",
                                  b'<?xml version="1.0" encoding="UTF-8"?><Project a="1" a="2"/>'])
def test_errors_are_the_defused_parsers(data: bytes) -> None:
    with pytest.raises(InvalidInputError) as err:
        parse(data, "f.qde", "Project")
    try:
        _defused(data)
    except Exception as exc:  # the message the defused parser's error gives
        reason = str(exc).split(":")[0]
    assert f"invalid XML ({reason})" in str(err.value)

"""project.qde written as strings (qcode/refiqda/xmlwrite.py) is what ElementTree wrote:
the same escaping for every character XML can hold (astral ones included), characters it
cannot hold replaced, and an export with every awkward character parses back to the same
values."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding.store import add_codes, set_memo
from qcode.ingest.segmentation import layout
from qcode.models import Document
from qcode.project import Project
from qcode.refiqda import xmlwrite as xw
from qcode.refiqda.exporter import build_qdpx

NS = "{urn:QDA-XML:project:1.0}"
#: characters XML 1.0 can hold: TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, astral planes
_XML_CHAR = st.characters(blacklist_categories=("Cs",)).filter(
    lambda c: c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
_AWKWARD = 'a "q" <b> & c\td\ne\rf \'g\' 😀 é \U0001F9D1\u200d\U0001F4BB'


def _et_leaf(attrs: dict[str, str], body: str | None) -> str:
    el = ET.Element("T", attrs)
    el.text = body
    return ET.tostring(el, encoding="unicode")


@settings(max_examples=300, deadline=None)
@given(st.text(_XML_CHAR, max_size=40), st.text(_XML_CHAR, max_size=40))
def test_leaf_is_what_elementtree_writes(value, body):
    out: list[str] = []
    xw.leaf(out, 0, "T", {"v": value, "w": "x"}, body)
    assert "".join(out) == "\n" + _et_leaf({"v": value, "w": "x"}, body)


def test_awkward_characters_escaped_as_elementtree_does():
    out: list[str] = []
    xw.leaf(out, 2, "T", {"v": _AWKWARD}, _AWKWARD)
    assert "".join(out) == "\n    " + _et_leaf({"v": _AWKWARD}, _AWKWARD)
    assert 'v="a &quot;q&quot; &lt;b&gt; &amp; c&#09;d&#10;e&#13;f' in "".join(out)


def test_characters_xml_cannot_hold_become_replacement_characters():
    bad = "a\x00b\x07c\x0bd\x1fe\ufffef\uffffg\ud800h"
    assert xw.text(bad) == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh"
    assert xw.attr(bad) == xw.text(bad)
    out: list[str] = []
    xw.leaf(out, 0, "T", {"v": bad}, bad)
    el = ET.fromstring("".join(out).encode("utf-8"))  # well-formed, encodable
    assert el.get("v") == el.text == xw.text(bad)


def test_export_with_awkward_characters_parses_back_to_the_same_values(project: Project):
    text, turns, segs = layout("D1", [("I", "Video 😀 <here> & \"there\"."), ("R", "Yes.")],
                               "turn")
    doc = Document(id="D1", title='Title "<&>" 😀', format="txt", text=text,
                   turns=tuple(turns), segments=tuple(segs),
                   attributes={"note": _AWKWARD, "empty": ""})
    project.save_document(doc)
    add_codes(project, "ann", doc, ["D1:0001"], ["ORG-MIC-01"])
    memo = _AWKWARD.replace("\r", "")  # a parser reads a raw CR in text as LF
    set_memo(project, "ann", doc, "D1:0001", memo + "\x07\x1f")
    data, _ = build_qdpx(project)
    root = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
    values = {v.find(f"{NS}VariableRef").get("targetGUID"): v.find(f"{NS}TextValue").text
              for v in root.iter(f"{NS}VariableValue")}
    # as ElementTree wrote it, a CR in text stays raw, so a parser reads it as LF
    assert sorted(values.values(), key=str) == [None, _AWKWARD.replace("\r", "\n")]
    (note,) = root.iter(f"{NS}PlainTextContent")
    assert note.text == memo + "\ufffd\ufffd"
    (source,) = root.iter(f"{NS}TextSource")
    assert 'Title "<&>" 😀' in source.find(f"{NS}Description").text


def test_entries_are_deflated_at_the_fast_level(project: Project):
    import random
    import zlib

    rng = random.Random(7)
    words = ["video", "hospital", "økonomi", "😀", "budget", "nurse", "region", "trust"]
    said = " ".join(rng.choice(words) for _ in range(3000))
    text, turns, segs = layout("D1", [("I", said)], "turn")
    project.save_document(Document(id="D1", title="t", format="txt", text=text,
                                   turns=tuple(turns), segments=tuple(segs)))
    data, _ = build_qdpx(project)
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        raw = zf.read(info)
        size = {}
        for level in (1, 6):
            packer = zlib.compressobj(level, zlib.DEFLATED, -15)
            size[level] = len(packer.compress(raw) + packer.flush())
        assert size[1] != size[6]
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.compress_size == size[1], info.filename

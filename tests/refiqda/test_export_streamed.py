"""The export writes ``project.qde`` into the archive a document at a time and keeps only
what it needs of each document (issue 19): the pieces it builds that way are what the
whole-document path built.

- a document's trailer with the coders' "done" marks spliced in is the JSON of the dict
  with "done" added (keys sorted: "done" goes first);
- every entry of the archive, ``project.qde`` too (written through ``ZipFile.open``), has
  the fixed time, deflate and rw-r--r-- permissions;
- deflate gives the same bytes whichever way its input is cut (what writing the ``.qde``
  in pieces relies on).
"""

from __future__ import annotations

import io
import itertools
import zipfile
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.coding.store import add_codes, mark_done
from qcode.ingest.segmentation import layout
from qcode.models import Document
from qcode.refiqda.codebook_xml import trailer_json
from qcode.refiqda.exporter import ZIP_LEVEL, build_qdpx, doc_trailer, trailer_with_done
from qcode.refiqda.guids import guid


def _doc(doc_id: str, title: str, n: int) -> Document:
    turns = [("I" if k % 2 == 0 else "R", f"Turn {k}: é 😀 \"quoted\"\nline {k}.")
             for k in range(n)]
    text, trs, segs = layout(doc_id, turns, "turn")
    return Document(id=doc_id, title=title, format="txt", unit="turn", text=text,
                    turns=tuple(trs), segments=tuple(segs), sha256="ab" * 32,
                    source_name=f"{doc_id} é.txt", encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=20), n=st.integers(1, 6),
       coders=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4))
def test_done_spliced_into_the_trailer_is_the_dicts_json(title: str, n: int,
                                                          coders: list[str]) -> None:
    trailer = doc_trailer(_doc("D1", title, n))
    done = [guid("coder", c) for c in coders]
    assert trailer_with_done(trailer_json(trailer), done) == \
        trailer_json({**trailer, "done": done})


def test_every_entry_has_the_fixed_time_method_and_mode(project) -> None:
    docs = [_doc(f"D{i}", f"Interview {i}", 3 + i) for i in range(3)]
    codes = [c.id for c in project.codebook.codes]
    for d in docs:
        project.save_document(d)
        add_codes(project, "ann", d, [d.segments[0].id], codes[:2])
    mark_done(project, "ann", docs[1].id)
    data, summary = build_qdpx(project)
    assert summary.documents == 3 and summary.codings == 6
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "project.qde"
        assert len(infos) == 4
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr == 0o644 << 16
            assert info.flag_bits == 0
        qde = zf.read("project.qde").decode("utf-8")
    assert qde.count("<TextSource ") == 3 and qde.endswith("</Project>\n")
    assert '"done": ["' + guid("coder", "ann") + '"], "encoding"' in qde


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=20_000),
       cuts=st.lists(st.integers(0, 20_000), max_size=12))
def test_deflate_is_the_same_however_the_input_is_cut(data: bytes, cuts: list[int]) -> None:
    whole = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    expected = whole.compress(data) + whole.flush()
    pieces = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    bounds = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    got = b"".join(pieces.compress(data[a:b]) for a, b in itertools.pairwise(bounds))
    assert got + pieces.flush() == expected

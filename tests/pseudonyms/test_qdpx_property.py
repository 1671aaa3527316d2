"""Property: after pseudonymisation every coded excerpt of a qdpx export lands on the same
words. A random interview with names in it gets random spans; in the pseudonymised qdpx
each selection's text (read from the source in the archive) is the rewrite of the span's
original words, and a span that starts or ends inside a name covers that name's pseudonym
whole."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from defusedxml import ElementTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcode.coding.store import current_codings
from qcode.project import init_project
from qcode.pseudonyms.rewrite import Rewriter
from qcode.pseudonyms.table import add
from qcode.pseudonyms.variants import Entry
from qcode.pseudonyms.view import pseudonymised
from qcode.refiqda.exporter import build_qdpx
from tests.builders import make_doc
from tests.span_builders import code_spans

NS = "{urn:QDA-XML:project:1.0}"
TABLE = [Entry("Torunn Vollstad", "P07"), Entry("Maren Solbakk-Aune", "P03"),
         Entry("Lofotkysten sykehus", "Hospital A", "organisation", ("Lofotkysten",)),
         Entry("Bodø", "Town B", "place")]
WORDS = ["Torunn Vollstad", "Torunn", "Vollstad's", "Maren", "Solbakk-Aune", "Bodø", "BODO",
         "Lofotkysten", "Lofotkysten sykehus", "the", "clinic", "said", "video", "æøå",
         "per", "and", "it", "Tromsø", "M. S."]
turn = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
CODES = ["GOV-MAC-01", "ORG-MES-01", "ECO-MIC-01"]


def _selections(data: bytes) -> list[tuple[str, int, int]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = ElementTree.fromstring(archive.read("project.qde"))
    out = []
    for source in root.iter(f"{NS}TextSource"):
        text = archive.read("sources/" + source.get("plainTextPath").split("//")[1]
                            ).decode("utf-8")
        for sel in source.iter(f"{NS}PlainTextSelection"):
            out.append((text, int(sel.get("startPosition")), int(sel.get("endPosition"))))
    return out


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(turns=st.lists(turn, min_size=1, max_size=4), data=st.data())
def test_every_selection_lands_on_the_same_words(tmp_path_factory, turns: list[str],  # type: ignore[no-untyped-def]
                                                 data: st.DataObject) -> None:
    root: Path = tmp_path_factory.mktemp("prop") / "study"
    project = init_project(root)
    for entry in TABLE:
        add(project, entry)
    doc = make_doc("D01", [("Respondent", t) for t in turns])
    project.save_document(doc)
    n = len(doc.text)
    spans = set()
    for _ in range(data.draw(st.integers(1, 4))):
        s = data.draw(st.integers(0, n - 1))
        e = data.draw(st.integers(s + 1, n))
        if doc.text[s:e].strip():
            spans.add((s, e, data.draw(st.sampled_from(CODES))))
    if not spans:
        return
    code_spans(project, "ana", doc, sorted(spans))
    rw = Rewriter(TABLE)
    names = [(m.start, m.end) for m in rw.matches(doc.text)]
    with pseudonymised(project) as (view, _):
        qdpx, _ = build_qdpx(view)
    got = sorted({t[s:e] for t, s, e in _selections(qdpx)})
    want = set()
    for c in current_codings(project, "ana"):
        s, e = c.start, c.end
        for a, b in names:  # a span cutting a name covers the whole name
            if a < s < b:
                s = a
            if a < e < b:
                e = b
        want.add(rw.replace(doc.text[s:e]))
    assert got == sorted(want)
    assert all(not rw.matches(t) for t, _, _ in _selections(qdpx))

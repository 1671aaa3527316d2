"""The pseudonymised view (renamed documents, names across a segment boundary, a report's
attributes and speaker labels) and the suggestions for the table."""

from __future__ import annotations

import hashlib
import json

from qcode.coding.store import current_codings
from qcode.documents.moves import rename
from qcode.models import Document, Segment, Turn
from qcode.project import Project
from qcode.pseudonyms.suggest import suggest
from qcode.pseudonyms.table import add
from qcode.pseudonyms.variants import Entry
from qcode.pseudonyms.view import pseudonymised
from tests.builders import make_doc
from tests.span_builders import code_spans, find


def test_codings_of_a_renamed_document_follow_it(project: Project) -> None:
    doc = make_doc("OLD", [("R", "Then Torunn Vollstad phoned the ward nurse.")])
    project.save_document(doc)
    code_spans(project, "ana", doc, [(*find(doc, "phoned the ward"), "GOV-MAC-01")])
    rename(project, "OLD", "NEW")
    add(project, Entry("Torunn Vollstad", "P07"))
    with pseudonymised(project) as (view, _):
        (coding,) = current_codings(view, "ana")
        text = view.load_document("NEW").text
    assert text == "Then P07 phoned the ward nurse."
    assert text[coding.start:coding.end] == coding.quote == "phoned the ward"


def test_a_name_a_segment_boundary_cuts_is_left_and_named(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    text = "Ask T. V. Then Torunn Vollstad came."
    cut = text.index("V. Then")  # sentence segmentation put a boundary inside "T. V."
    doc = Document(id="D1", title="D1", format="txt", text=text,
                   turns=(Turn(speaker="R", start=0, end=len(text)),),
                   segments=(Segment(id="D1:0001", start=0, end=cut, speaker="R", turn=0),
                             Segment(id="D1:0002", start=cut, end=len(text), speaker="R",
                                     turn=0)))
    project.save_document(doc)
    add(project, Entry("Torunn Vollstad", "P07"))
    r = invoke("--project", str(project.root), "show", "D1", "-f", "json")
    assert r.exit_code == 0
    assert r.stderr.splitlines()[1] == (
        "Warning: 1 name(s) left as written because a segment or turn boundary falls "
        "inside them: D1 (1); check the output with qcode pseudonyms check")
    assert [s["text"] for s in json.loads(r.stdout)["segments"]] == ["Ask T. ",
                                                                     "V. Then P07 came."]


def test_report_attributes_and_speakers(invoke, project: Project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = make_doc("L01", [("Torunn Vollstad", "The ward at Lofotkysten sykehus began it.")])
    project.save_document(doc.model_copy(update={"attributes": {
        "hospital": "Lofotkysten sykehus", "participant": "Torunn Vollstad"}}))
    code_spans(project, "ana", doc, [(*find(doc, "The ward"), "GOV-MAC-01")])
    add(project, Entry("Torunn Vollstad", "P07"))
    add(project, Entry("Lofotkysten sykehus", "Hospital A", "organisation"))
    out = tmp_path / "r.md"
    r = invoke("--project", str(project.root), "report", "-o", str(out), "--attributes",
               "hospital,participant", "--date", "2026-01-31")
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "Hospital A" in text and "P07" in text
    assert "Torunn" not in text and "Lofotkysten" not in text
    r = invoke("--project", str(project.root), "pseudonyms", "check", str(out))
    assert r.exit_code == 0


def test_suggest_proposes_names_with_counts_and_variants(project: Project) -> None:
    a = make_doc("A", [("Interviewer", "Who started it?"),
                       ("Torunn Vollstad", "Torunn's colleague in Tromsø. Vollstad, T.V., "
                                           "we said. The Strategy came from Tromsø too.")])
    b = make_doc("B", [("Respondent", "Our people went to Tromsø and to Hamar, then Hamar.")])
    for doc, attrs in ((a, {"hospital": "Lofotkysten sykehus", "role": "head of clinic"}),
                       (b, {"role": "adviser, Ministry of Health and Care Services"})):
        project.save_document(doc.model_copy(update={"attributes": attrs}))
    docs = project.documents()
    found = {s.text: s for s in suggest(docs, project.codebook)}
    assert list(found) == ["Torunn Vollstad", "Lofotkysten sykehus",
                           "Ministry of Health and Care Services", "Tromsø"]
    person = found["Torunn Vollstad"]
    assert (person.kind, person.sources, person.turns, person.documents) == (
        "person", ["speaker"], 1, ["A"])
    assert person.variants == {"Torunn's": 1, "Vollstad": 1, "T.V": 1}
    assert found["Lofotkysten sykehus"].kind == "place"
    assert found["Ministry of Health and Care Services"].sources == ["attribute:role"]
    assert found["Tromsø"].variants == {"Tromsø": 3}
    assert "Hamar" not in found  # in one document only
    assert "Hamar" in {s.text for s in suggest(docs, project.codebook, min_documents=1)}
    assert "Strategy" not in found and "Interviewer" not in found and "Respondent" not in found
    assert "Torunn Vollstad" not in {s.text for s in suggest(
        docs, project.codebook, [Entry("TORUNN VOLLSTAD", "P07")])}


def test_suggest_csv_can_be_imported(invoke, project: Project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = make_doc("A", [("Torunn Vollstad", "We met at Hardangerlia, near Hardangerlia.")])
    project.save_document(doc.model_copy(update={"attributes": {"site": "Hardangerlia"}}))
    p = ("--project", str(project.root))
    r = invoke(*p, "pseudonyms", "suggest", "-f", "csv")
    assert r.stdout == ("real,pseudonym,kind,variants\nTorunn Vollstad,P01,person,\n"
                        "Hardangerlia,Place 1,place,\n")
    names = tmp_path / "names.csv"
    names.write_text(r.stdout, encoding="utf-8")
    r = invoke(*p, "pseudonyms", "import", str(names))
    assert r.stdout == f"Imported {names}: 2 entries added, 0 changed, 0 already there\n"
    r = invoke(*p, "pseudonyms", "suggest")
    assert r.stderr == ("Nothing to suggest: no speaker names, naming attributes or "
                        "recurring capitalised words outside the table\n")


def test_the_real_files_hash_does_not_leave(project: Project) -> None:
    doc = make_doc("D1", [("R", "Torunn Vollstad said so.")])
    project.save_document(doc.model_copy(update={"sha256": "a" * 64,
                                                 "source_name": "torunn_vollstad.docx"}))
    add(project, Entry("Torunn Vollstad", "P07"))
    with pseudonymised(project) as (view, _):
        seen = view.load_document("D1")
    assert (seen.text, seen.source_name) == ("P07 said so.", "P07.docx")
    assert seen.sha256 == hashlib.sha256(b"P07 said so.").hexdigest()

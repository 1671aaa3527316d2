"""Output commands apply the table unless --real-names: show, attributes show, codings
export, search (whose hits are coded in the real text), and --where values given with
real names."""

from __future__ import annotations

import json

import pytest

from qcode.coding.store import current_codings
from qcode.project import Project
from qcode.pseudonyms.table import add
from qcode.pseudonyms.variants import Entry
from tests.builders import make_doc

NOTE = ("Pseudonymised: 2 entries of pseudonyms.csv applied (--real-names to keep real "
        "names)\n")


@pytest.fixture
def p(project: Project) -> tuple[str, ...]:
    doc = make_doc("L01", [("Interviewer", "How did it start at Lofotkysten sykehus?"),
                           ("Torunn Vollstad", "Torunn's team started the video clinic.")])
    project.save_document(doc.model_copy(update={
        "attributes": {"hospital": "Lofotkysten sykehus", "role": "head of clinic"}}))
    add(project, Entry("Torunn Vollstad", "P07"))
    add(project, Entry("Lofotkysten sykehus", "Hospital A", "organisation"))
    return ("--project", str(project.root))


def test_show_and_attributes(invoke, p: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    r = invoke(*p, "show", "L01", "-f", "json")
    assert r.exit_code == 0 and r.stderr == NOTE
    data = json.loads(r.stdout)
    assert data["attributes"]["hospital"] == "Hospital A"
    assert [t["text"] for t in data["turns"]] == ["How did it start at Hospital A?",
                                                  "P07's team started the video clinic."]
    assert [t["speaker"] for t in data["turns"]] == ["Interviewer", "P07"]
    real = invoke(*p, "attributes", "show", "-f", "csv", "--real-names")
    assert real.stdout == ("document,hospital,role\nL01,Lofotkysten sykehus,head of "
                           "clinic\n")
    assert real.stderr == "Real names: the pseudonym table is not applied (--real-names)\n"
    shown = invoke(*p, "attributes", "show", "-f", "csv")
    assert shown.stdout == "document,hospital,role\nL01,Hospital A,head of clinic\n"


def test_search_shows_pseudonyms_and_codes_the_real_text(invoke, p: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                         project: Project) -> None:
    r = invoke(*p, "search", "team", "-f", "json", "--speaker", "Torunn Vollstad",
               "--code", "GOV-MAC-01", "--coder", "ana")
    assert r.exit_code == 0, r.stderr
    (hit,) = json.loads(r.stdout)["hits"]
    assert (hit["speaker"], hit["left"], hit["text"]) == ("P07", "P07's ", "team")
    (coding,) = current_codings(project, "ana")
    doc = project.load_document("L01")
    assert doc.text[coding.start:coding.end] == "team" == coding.quote
    r = invoke(*p, "search", "Torunn", "-f", "json")  # a real name is read as its pseudonym
    assert [h["text"] for h in json.loads(r.stdout)["hits"]] == ["P07"]
    r = invoke(*p, "search", "Torunn", "-f", "json", "--real-names")
    assert [h["text"] for h in json.loads(r.stdout)["hits"]] == ["Torunn"]


def test_codings_export_and_where(invoke, p: tuple[str, ...], project: Project) -> None:  # type: ignore[no-untyped-def]
    doc = project.load_document("L01")
    s = doc.text.index("Torunn's team")
    r = invoke(*p, "tag", "L01", "2", "--span", f"{s}-{s + 13}", "--code", "GOV-MAC-01",
               "--coder", "ana")
    assert r.exit_code == 0, r.stderr
    r = invoke(*p, "codings", "export", "--coder", "ana", "-f", "jsonl")
    (row,) = [json.loads(line) for line in r.stdout.splitlines()]
    assert row["quote"] == "P07's team"
    assert row["end"] - row["start"] == len("P07's team")
    r = invoke(*p, "matrix", "--coder", "ana", "--where", "hospital=Lofotkysten sykehus",
               "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["total"] == 1


def test_a_damaged_table_stops_outputs_but_not_real_names(invoke, p: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                          project: Project) -> None:
    table = project.root / "pseudonyms.csv"
    table.write_text("real,pseudonym\nTorunn Vollstad,\n", encoding="utf-8")
    r = invoke(*p, "show", "L01")
    assert r.exit_code == 3
    assert r.stderr == (f"Error: {table}:2: an entry needs both the real string and its "
                        "pseudonym\nHint: fix the row in pseudonyms.csv by hand (or restore "
                        "the file with git)\n")
    r = invoke(*p, "show", "L01", "--real-names")
    assert r.exit_code == 0 and "Torunn Vollstad" in r.stdout


def test_a_damaged_document_is_named_by_its_own_path(invoke, p: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                     project: Project) -> None:
    path = project.document_path("L01")
    path.write_text('{"id": "L01", "text": ', encoding="utf-8")
    r = invoke(*p, "show", "L01")
    assert r.exit_code == 3
    assert r.stderr == (f"Error: {path}: not a valid qcode document\nHint: restore it from a "
                        "backup, or ingest its transcript again: qcode ingest FILE --id L01 "
                        "--replace\n")


def test_codebook_exports(invoke, p: tuple[str, ...], tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert invoke(*p, "codebook", "add", "Local champion", "--theme", "ORG", "--level",
                  "micro", "--why", "test").exit_code == 0
    assert invoke(*p, "codebook", "edit", "Local champion", "--definition",
                  "A person like Torunn Vollstad who carries a service.").exit_code == 0
    md, qdc = tmp_path / "cb.md", tmp_path / "cb.qdc"
    assert invoke(*p, "codebook", "export", str(md)).exit_code == 0
    assert invoke(*p, "export", "qdc", str(qdc)).exit_code == 0
    assert "A person like P07 who carries a service." in md.read_text(encoding="utf-8")
    r = invoke(*p, "pseudonyms", "check", str(md), str(qdc))
    assert (r.exit_code, r.stderr) == (0, "No identifying string found in 2 files\n")
    assert invoke(*p, "export", "qdc", str(qdc), "--real-names").exit_code == 0
    r = invoke(*p, "pseudonyms", "check", str(qdc))
    assert r.exit_code == 11 and "Torunn Vollstad" in r.stdout

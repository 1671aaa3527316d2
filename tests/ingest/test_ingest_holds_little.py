"""With ``keep_documents=False`` (as ``qcode ingest`` runs it) a run over many files lets
go of each document once it is saved (a report of thousands of documents does not hold
them all), while ``outcome.document`` still gives the document as it was ingested (read
back from the project) and ``summary`` what the report says of it. By default the report
holds every document, as it was when ingested."""

from __future__ import annotations

from pathlib import Path

from qcode.ingest.run import IngestOptions, ingest
from qcode.project import Project, init_project

LEAN = IngestOptions(keep_documents=False)


def _files(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"T{i:03d}.txt").write_text(
            f"Interviewer: How is video used in clinic {i}?\n\n"
            f"Respondent: We use it weekly for follow-ups, case {i}.\n", encoding="utf-8")
    return folder


def test_saved_documents_are_let_go_and_read_back_the_same(tmp_path: Path) -> None:
    project: Project = init_project(tmp_path / "p")
    report = ingest(project, [_files(tmp_path / "in", 30)], LEAN)
    assert len(report.outcomes) == 30 and not report.failures
    assert all(o.held is None for o in report.outcomes)  # none held once saved
    for o in report.outcomes:
        doc = o.document
        assert doc.id == o.path.stem and doc.sha256 and len(doc.turns) == 2
        assert set(doc.speakers) == {"Interviewer", "Respondent"}
        assert doc == project.load_document(o.doc_id)
        assert (o.summary.id, o.summary.format, o.summary.turns, o.summary.speakers,
                o.summary.segments) == (doc.id, doc.format, len(doc.turns),
                                        tuple(doc.speakers), len(doc.segments))
    # new attributes: updated, let go with the version they replaced
    updated = ingest(project, [tmp_path / "in"], IngestOptions(attributes={"site": "n"},
                                                              keep_documents=False))
    assert {o.status for o in updated.outcomes} == {"updated"}
    assert all(o.held is None and o.previous is None for o in updated.outcomes)
    assert all(o.document.attributes == {"site": "n"} for o in updated.outcomes)
    # the same files again: unchanged, and let go as well
    again = ingest(project, [tmp_path / "in"], LEAN)
    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert all(o.held is None for o in again.outcomes)
    assert [o.document for o in again.outcomes] == [o.document for o in report.outcomes]


def test_a_replaced_document_is_held_for_its_re_anchoring(tmp_path: Path) -> None:
    project: Project = init_project(tmp_path / "p")
    folder = _files(tmp_path / "in", 2)
    ingest(project, [folder], LEAN)
    (folder / "T001.txt").write_text("Interviewer: Changed?\n\nRespondent: Yes.\n",
                                     encoding="utf-8")
    report = ingest(project, [folder], IngestOptions(replace=True, keep_documents=False))
    by_id = {o.doc_id: o for o in report.outcomes}
    assert by_id["T001"].status == "replaced" and by_id["T001"].held is not None
    assert by_id["T001"].document == project.load_document("T001")
    assert by_id["T000"].status == "unchanged" and by_id["T000"].held is None


def test_by_default_the_report_holds_each_document_as_it_was_ingested(tmp_path: Path) -> None:
    project: Project = init_project(tmp_path / "p")
    folder = _files(tmp_path / "in", 3)
    report = ingest(project, [folder])
    assert all(o.held is not None for o in report.outcomes)
    before = report.outcomes[1].document
    (folder / "T001.txt").write_text("Interviewer: Changed?\n\nRespondent: Yes.\n",
                                     encoding="utf-8")
    ingest(project, [folder], IngestOptions(replace=True))
    assert report.outcomes[1].document is before != project.load_document("T001")

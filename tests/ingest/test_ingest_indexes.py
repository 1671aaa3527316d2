"""Ingest writes the read index's rows for the documents it saves (the bytes it wrote,
the records it validated), so the first read after it validates nothing again; the rows
answer exactly as the files do, and a file changed afterwards is read from the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode.index import documents as index_docs
from qcode.index.documents import DocMeta, meta_of, project_documents
from qcode.ingest import run as ingest_run
from qcode.ingest.run import IngestOptions, ingest
from qcode.project import Project, init_project


def _files(folder: Path, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"T{i:03d}.txt").write_text(
            f"Interviewer: How is video used in clinic {i}?\n\n"
            f"Respondent: Weekly, for follow-ups ({i}); øre and café too.\n", encoding="utf-8")
    return folder


def _direct(project: Project) -> dict[str, DocMeta]:
    return {i: meta_of(project.load_document(i)) for i in project.document_ids()}


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document was validated again")
    monkeypatch.setattr(index_docs.Document, "model_validate_json", refuse)


@pytest.mark.parametrize("keep", [True, False])
def test_after_an_ingest_the_index_answers_without_validating(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: bool) -> None:
    monkeypatch.setattr(ingest_run, "INDEX_BATCH", 3)  # several batches, and a last one
    project = init_project(tmp_path / "p")
    report = ingest(project, [_files(tmp_path / "in", 10)], IngestOptions(keep_documents=keep))
    assert len(report.outcomes) == 10
    direct = _direct(project)
    with monkeypatch.context() as m:
        _no_validation(m)
        assert project_documents(project, text=True) == direct  # files just written
    # attributes updated by a second ingest: the new file's row, again without validating
    again = ingest(project, [tmp_path / "in"], IngestOptions(attributes={"site": "north"},
                                                            keep_documents=keep))
    assert {o.status for o in again.outcomes} == {"updated"}
    direct = _direct(project)
    assert all(m.attributes == {"site": "north"} for m in direct.values())
    with monkeypatch.context() as m:
        _no_validation(m)
        assert project_documents(project, text=True) == direct


def test_a_file_changed_after_the_ingest_is_read_from_the_file(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p")
    ingest(project, [_files(tmp_path / "in", 2)])
    path = project.document_path("T001")
    data = json.loads(path.read_bytes())
    data["title"] = "Edited by hand"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    got = project_documents(project)
    assert got["T001"].title == "Edited by hand"
    assert got == {i: m._replace(text="") for i, m in _direct(project).items()}


def test_no_row_is_stored_for_a_file_that_is_not_what_was_written(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p")
    ingest(project, [_files(tmp_path / "in", 1)], IngestOptions(keep_documents=True))
    doc = project.load_document("T000")
    other = doc.model_copy(update={"title": "Not in the file"})
    index_docs.remember_saved(project, [(other, b"{}")])  # bytes the file does not hold
    assert project_documents(project)["T000"].title == doc.title

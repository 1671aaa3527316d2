"""A report reads the project's documents from the index once (issue 19, report speed:
they served the agreement's segment check, its segment layout and the excerpts with three
reads); what the agreement takes from them is what it reads itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.counts.doc_info import DocInfo, corpus_documents, indexed_layout
from qcode.index import documents as index_documents
from qcode.index.documents import document_segments
from qcode.project import Project
from qcode.reports import content
from tests.builders import build_known, build_study


@pytest.fixture(params=["known", "study"])
def compared(request: pytest.FixtureRequest, tmp_path: Path) -> Project:
    if request.param == "known":
        return build_known(tmp_path / "known", coders=("ana", "bo"), done=True)
    from qcode.project import init_project

    project = init_project(tmp_path / "study")
    build_study(project)
    return project


def test_the_documents_read_once_give_the_agreement_read_directly(compared: Project) -> None:
    docs = corpus_documents(compared)
    ids = compared.document_ids()
    assert indexed_layout(docs, ids) == document_segments(compared, ids)
    direct = content.agreement_summary(compared, [])
    assert direct is not None
    assert content.agreement_summary(compared, [], docs=docs) == direct


def test_a_document_not_read_from_the_index_is_read_directly(compared: Project) -> None:
    docs = corpus_documents(compared)
    ids = compared.document_ids()
    first = docs[ids[0]]
    plain = dict(docs)
    plain[ids[0]] = DocInfo(id=first.id, title=first.title, attributes=first.attributes,
                            segments=first.segments, bounds=first.bounds,
                            turn_numbers=first.turn_numbers)
    assert indexed_layout(plain, ids) is None
    assert indexed_layout(plain, ids[1:]) == document_segments(compared, ids[1:])
    assert content.agreement_summary(compared, [], docs=plain) == \
        content.agreement_summary(compared, [])


def test_a_report_reads_the_index_once(compared: Project,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    corpus_documents(compared)  # the index made (the first read writes it)
    calls: list[int] = []
    real = index_documents.indexed_documents

    def counted(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(index_documents, "indexed_documents", counted)
    coder = "ana" if (compared.root / "codings" / "ana.jsonl").exists() else None
    report = content.build_report(compared, coder=coder or _a_coder(compared),
                                  date="2026-01-31")
    assert report.agreement is not None
    assert len(calls) == 1


def _a_coder(project: Project) -> str:
    from qcode.coding.store import coder_names

    return coder_names(project)[0]

"""DOCX and XLSX reports stay linear in their length (issue 19): no step scans the whole
document or sheet for each paragraph or row added (a 200-transcript report took a minute
as DOCX and four as XLSX), and the files are the same as before, byte for byte."""

from __future__ import annotations

import pytest
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from openpyxl.worksheet.worksheet import Worksheet

from qcode.coding.store import add_codes
from qcode.project import Project
from qcode.reports import content, docx
from tests.builders import numbered_doc


@pytest.fixture
def long_report(project: Project) -> content.ReportContent:
    """Eight documents x 40 segments, two codes on every respondent turn: 320 excerpts."""
    codes = [c.id for c in project.codebook.codes]
    for d in range(8):
        doc = numbered_doc(f"L{d}", 40)
        project.save_document(doc)
        for k, seg in enumerate(doc.segments[1::2]):
            add_codes(project, "ana", doc, [seg.id], [codes[k % 7], codes[7 + d]],
                      memo="a memo" if k % 5 == 0 else None)
    return content.build_report(project, coder="ana", date="2026-01-01")


def test_docx_never_scans_a_long_body(long_report, monkeypatch):
    widest = [0]
    real = BaseOxmlElement.first_child_found_in

    def first_child_found_in(self, *tagnames):  # type: ignore[no-untyped-def]
        if self.tag == qn("w:body"):  # (the contents' styles are added once to styles)
            widest[0] = max(widest[0], len(self))
        return real(self, *tagnames)

    monkeypatch.setattr(BaseOxmlElement, "first_child_found_in", first_child_found_in)
    data = content.render_report(long_report, "docx")
    assert long_report.n_excerpts == 320
    assert isinstance(data, bytes) and data.startswith(b"PK")
    # the body held every paragraph (over 700) while each new one was placed
    assert widest[0] < 100


def test_docx_is_the_same_with_and_without_parking(long_report, monkeypatch):
    parked = content.render_report(long_report, "docx")
    monkeypatch.setattr(docx._ShortBody, "park", lambda self: None)
    assert content.render_report(long_report, "docx") == parked


def test_xlsx_never_measures_the_sheet_per_row(long_report, monkeypatch):
    measured = [0]
    real = Worksheet.max_row

    def max_row(self):  # type: ignore[no-untyped-def]
        measured[0] += 1
        return real.fget(self)

    monkeypatch.setattr(Worksheet, "max_row", property(max_row))
    data = content.render_report(long_report, "xlsx")
    assert isinstance(data, bytes) and data.startswith(b"PK")
    assert measured[0] < 50  # was once per row: 320 excerpts, 2 sheets

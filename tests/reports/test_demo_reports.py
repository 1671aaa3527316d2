"""The demo's reports as a reader opens them: a table of contents in the HTML and the DOCX,
the [report] attributes the demo chose beside each quote, and a shaded DOCX matrix."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn

from qcode.demo import DemoResult, run_demo
from qcode.reports.settings import read_report_settings

DATE = "2026-01-31"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo-reports") / "qcode-demo", date=DATE)


def test_the_demo_chooses_what_its_reports_show(built: DemoResult) -> None:
    settings = read_report_settings(built.root)
    assert settings.attributes == ("stakeholder_level", "region")
    assert settings.spread_by == "stakeholder_level"
    text = (built.root / "output" / "report.md").read_text(encoding="utf-8")
    assert "- **Attributes shown:** stakeholder\\_level, region\n" in text
    sources = re.findall(r"^> \u2014 (.*)$", text, re.M)
    assert sources and all("stakeholder\\_level: " in s for s in sources)
    assert not any("role: " in s or "hospital: " in s for s in sources)


def test_the_demo_html_report_has_contents(built: DemoResult) -> None:
    page = (built.root / "output" / "report.html").read_text(encoding="utf-8")
    nav = page[page.index('<nav class="toc"'):page.index("</nav>")]
    links = re.findall(r'href="#([^"]+)"', nav)
    assert len(links) == len(set(links)) > 40  # sections, themes, levels, 27 codes
    for target in ("matrix", "agreement", "joint-display", "excerpts", "code-gov-mac-01",
                   "appendix-codebook"):
        assert target in links and f'id="{target}"' in page


def test_the_demo_docx_report_has_contents_and_a_shaded_matrix(built: DemoResult) -> None:
    doc = Document(io.BytesIO((built.root / "output" / "report.docx").read_bytes()))
    body = doc.element.body
    assert [t.text.strip() for t in body.iter(qn("w:instrText"))] == ['TOC \\o "1-4" \\h \\z \\u']
    toc = [p.text for p in doc.paragraphs if re.fullmatch(r"TOC \d", p.style.name)]
    heads = [p.text for p in doc.paragraphs if p.style.name in
             ("Heading 1", "Heading 2", "Heading 3", "Heading 4")]
    assert toc == heads and len(toc) > 40
    fills = [c._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") for row in doc.tables[0].rows[1:4]
             for c in row.cells[1:4]]
    assert all(f is not None for f in fills)

"""`qcode report --memos`: a Memos section per code and per document (md, html, docx);
without --memos the report is unchanged (the report goldens stay as they are)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.memos.journal import add_memo
from qcode.project import Project
from qcode.reports.content import build_report, render_report
from tests.builders import DATA, build_known

DATE = "2026-01-31"


@pytest.fixture
def known(tmp_path: Path) -> Project:
    project = build_known(tmp_path / "known", coders=("ana",))
    add_memo(project, on="project", target=None, text="Round *two* starts", author="ana")
    add_memo(project, on="code", target="G3", text="only national <budgets>", author="bo")
    add_memo(project, on="code", target="E1", text="travel", author="ana")
    add_memo(project, on="doc", target="D3", text="the southern view", author="ana")
    return project


def section(text: str) -> str:
    return text[text.index("## Memos"):text.index("## Appendix")]


def test_markdown_memos_section(known: Project) -> None:
    md = render_report(build_report(known, coder="ana", date=DATE, memos=True), "md")
    assert isinstance(md, str)
    lines = [line for line in section(md).splitlines() if line]
    stamps = [line.split("**")[1] for line in lines if line.startswith("- ")]
    assert all(s.endswith(" UTC") and len(s) == len("2026-12-07 02:11 UTC") for s in stamps)
    assert [line.split("**")[-1] if line.startswith("- ") else line for line in lines] == [
        "## Memos", "### Project", ", ana: Round \\*two\\* starts",
        "### Codes", "#### G3: National strategy", ", bo: only national \\<budgets\\>",
        "#### E1: Travel costs", ", ana: travel",
        "### Documents", "#### D3: Interview D3", ", ana: the southern view"]


def test_the_selection_limits_the_code_and_document_memos(
        known: Project, invoke: Callable[..., Any]) -> None:
    r = invoke("--project", str(known.root), "report", "--coder", "ana", "--memos",
               "--theme", "GOV", "--where", "region=North", "--date", DATE)
    assert r.exit_code == 0, r.output
    memos = section(r.stdout)
    assert "#### G3: National strategy" in memos and "Round" in memos
    assert "E1" not in memos and "D3" not in memos and "### Documents" not in memos


def test_without_memos_the_report_is_the_golden_one(known: Project) -> None:
    plain = render_report(build_report(known, coder="ana", date=DATE), "md")
    assert isinstance(plain, str)
    assert "## Memos" not in plain
    with_memos = render_report(build_report(known, coder="ana", date=DATE, memos=True), "md")
    assert isinstance(with_memos, str)
    # the header says whether memos are shown, each quote is followed by its segment's
    # memos; the rest differs by the section only
    without_section = with_memos.replace(section(with_memos), "").replace(
        "- **Memos:** shown", "- **Memos:** not shown (qcode report --memos)")
    assert "> *Memo (ana):* Anna contrasts" in without_section
    assert re.sub(r"\n>\n> \*Memo \([^)]*\):\*[^\n]*", "", without_section) == plain
    assert (DATA / "reports" / "known.md").is_file()  # the golden tests compare without


def test_html_and_docx_have_the_section(known: Project) -> None:
    content = build_report(known, coder="ana", date=DATE, memos=True, agreement=False)
    html = render_report(content, "html")
    assert isinstance(html, str)
    part = html[html.index('<h2 id="memos">Memos</h2>'):html.index('<h2 id="appendix')]
    assert '<h4 id="memo-g3">G3: National strategy</h4>' in part
    assert ", bo: only national &lt;budgets&gt;</li>" in part
    from docx import Document

    data = render_report(content, "docx")
    assert isinstance(data, bytes)
    paras = [(p.style.name if p.style else "", p.text)
             for p in Document(io.BytesIO(data)).paragraphs]
    at = paras.index(("Heading 1", "Memos"))
    assert [(s, t.split(" UTC")[-1]) for s, t in paras[at:at + 10]] == [
        ("Heading 1", "Memos"), ("Heading 2", "Project"),
        ("List Bullet", ", ana: Round *two* starts"),
        ("Heading 2", "Codes"), ("Heading 3", "G3: National strategy"),
        ("List Bullet", ", bo: only national <budgets>"), ("Heading 3", "E1: Travel costs"),
        ("List Bullet", ", ana: travel"), ("Heading 2", "Documents"),
        ("Heading 3", "D3: Interview D3")]


def test_no_memos_says_so(tmp_path: Path) -> None:
    project = build_known(tmp_path / "bare", coders=("ana",))
    md = render_report(build_report(project, coder="ana", date=DATE, memos=True), "md")
    assert isinstance(md, str)
    assert section(md) == ("## Memos\n\nNo memos on the project, these codes or these "
                           "documents.\n\n")


def test_memos_in_a_csv_report_are_named_as_left_out(
        known: Project, invoke: Callable[..., Any]) -> None:
    r = invoke("--project", str(known.root), "report", "--coder", "ana", "--memos",
               "--format", "csv")
    assert r.exit_code == 0
    assert r.stderr == ("Warning: the Memos section is left out of a csv report (one row per "
                        "excerpt); the segment memos are in its memo columns\n")
    assert "Round" not in r.stdout

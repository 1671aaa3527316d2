"""Paragraphs written as XML directly (qcode/reports/docx_xml.py) are the XML python-docx
writes for the same calls, byte for byte; styles are looked up once; the body is never
searched per paragraph."""

from __future__ import annotations

from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.document import CT_Body
from docx.shared import Pt, RGBColor
from lxml import etree

from qcode.reports.docx_xml import Paragraphs, Run

TEXTS = ["plain", "", " leading", "trailing ", "tab\tin the middle", "two\nlines\r\nand CR",
         "\tstarts with a tab", "ends with a break\n", "\u201cquoted\u201d \u2014 \U0001F600",
         "<b>&amp; not markup</b>"]
RUNS = [Run(t) for t in TEXTS] + [
    Run("bold", bold=True), Run("not bold", bold=False), Run("italic", italic=True),
    Run("both", bold=True, italic=False), Run("small", size=9), Run("big", bold=True, size=12),
    Run("grey", colour="767676"), Run(" grey, small ", size=9, colour="FFFFFF", italic=True)]


def _python_docx(doc: Any, runs: list[Run], style: str | None, keep: bool,
                 right: bool) -> None:
    p = doc.add_paragraph(style=style)
    for run in runs:
        r = p.add_run(run.text)
        if run.bold is not None:
            r.bold = run.bold
        if run.italic is not None:
            r.italic = run.italic
        if run.size:
            r.font.size = Pt(run.size)
        if run.colour:
            r.font.color.rgb = RGBColor.from_string(run.colour)
    if keep:
        p.paragraph_format.keep_with_next = True
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _body(doc: Any) -> bytes:
    return etree.tostring(doc.element.body)


@pytest.mark.parametrize("style", [None, "Quote", "List Bullet", "Heading 3", "Normal"])
@pytest.mark.parametrize(("keep", "right"), [(False, False), (True, False), (True, True)])
def test_paragraphs_are_what_python_docx_writes(style: str | None, keep: bool,
                                                right: bool) -> None:
    ours, theirs = Document(), Document()
    par = Paragraphs(ours)
    cases = [[], *([r] for r in RUNS), RUNS]
    for runs in cases:
        par.add(*runs, style=style, keep_with_next=keep, right=right)
        _python_docx(theirs, runs, style, keep, right)
    assert _body(ours) == _body(theirs)


def test_text_and_heading_are_add_paragraph_and_add_heading() -> None:
    ours, theirs = Document(), Document()
    par = Paragraphs(ours)
    for line in TEXTS:
        par.text(line)
        theirs.add_paragraph(line)
        par.text(line, "Quote")
        theirs.add_paragraph(line, style="Quote")
    for level in range(5):
        par.heading(f"Heading {level}", level)
        theirs.add_heading(f"Heading {level}", level)
    assert _body(ours) == _body(theirs)


def test_each_style_is_looked_up_once_and_unknown_ones_fail(
        monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Document()
    par = Paragraphs(doc)
    looked_up: list[str] = []
    real = doc.part.get_style_id

    def get_style_id(name: str, kind: Any) -> str | None:
        looked_up.append(name)
        return real(name, kind)

    monkeypatch.setattr(doc.part, "get_style_id", get_style_id)
    for _ in range(50):
        par.text("q", "Quote")
        par.text("n", "Normal")
    assert looked_up == ["Quote", "Normal"]
    with pytest.raises(KeyError):
        par.text("x", "No Such Style")


def test_a_long_body_is_not_searched_per_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx searched the body for its section properties before every paragraph
    (quadratic in the report's length); here they are found once, and a paragraph still
    goes before them after the body was emptied and refilled (as reports park it)."""
    doc = Document()
    par = Paragraphs(doc)
    finds = [0]
    real = CT_Body.find

    def find(self: Any, *args: Any) -> Any:
        finds[0] += 1
        return real(self, *args)

    monkeypatch.setattr(CT_Body, "find", find, raising=False)
    for k in range(500):
        par.text(f"paragraph {k}")
    assert finds[0] == 1
    body = doc.element.body
    parked = [el for el in body if not el.tag.endswith("}sectPr")]
    for el in parked:
        body.remove(el)
    last = par.text("after parking")
    assert list(body)[-2] is last and list(body)[-1].tag.endswith("}sectPr")
    assert finds[0] == 1

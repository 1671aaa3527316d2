"""Text outlines of DOCX and XLSX reports, for golden files that compare what a reader
sees (styles, text, table cells, shading, fields) rather than zip bytes."""

from __future__ import annotations

import io
import os
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from tests.builders import DATA

GOLDEN = DATA / "reports"


def golden(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/data/reports/NAME``; ``QCODE_UPDATE_GOLDEN=1``
    rewrites the file instead (review the diff, then commit it)."""
    path: Path = GOLDEN / name
    if os.environ.get("QCODE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


def _paragraph(p: Paragraph) -> str:
    el = p._p
    marks = []
    instr = "".join(t.text or "" for t in el.iter(qn("w:instrText")))
    if instr:
        marks.append(f"{{field:{instr.strip()}}}")
    if any(b.get(qn("w:type")) == "page" for b in el.iter(qn("w:br"))):
        marks.append("{page break}")
    links = [h.get(qn("w:anchor")) for h in el.iter(qn("w:hyperlink"))]
    marks += [f"{{link:{a}}}" for a in links if a]
    if next(el.iter(qn("w:fldChar")), None) is not None and not instr:
        marks.append("{field end}")
    marked = [b.get(qn("w:name")) for b in el.iter(qn("w:bookmarkStart"))]
    marks += [f"{{bookmark:{m}}}" for m in marked]
    text = " ".join([p.text, *marks]).strip()
    return f"[{p.style.name if p.style is not None else '?'}] {text}"


def _cell(cell: object) -> str:
    tc = cell._tc  # type: ignore[attr-defined]
    shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    text = cell.text  # type: ignore[attr-defined]
    return f"{text}{{#{shd.get(qn('w:fill'))}}}" if shd is not None else text


def docx_outline(data: bytes) -> str:
    """Every block of the document body in order: ``[Style] text {marks}`` for a
    paragraph (fields, links, bookmarks, page breaks), ``| a | b |`` rows for a table
    (``{#RRGGBB}`` after a shaded cell); then the settings and properties that matter."""
    doc = Document(io.BytesIO(data))
    lines = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append(_paragraph(Paragraph(block, doc)))
        elif block.tag == qn("w:tbl"):
            table = Table(block, doc)
            lines += ["| " + " | ".join(_cell(c) for c in row.cells) + " |"
                      for row in table.rows]
    settings = doc.settings.element
    update = settings.find(qn("w:updateFields"))
    lines.append(f"settings: updateFields={None if update is None else update.get(qn('w:val'))}")
    props = doc.core_properties
    lines.append(f"properties: title={props.title!r} created={props.created}")
    return "\n".join(lines) + "\n"


def xlsx_outline(data: bytes) -> str:
    """Each sheet: its name, then each row as cells separated by `` | `` (a text cell
    marked quote-prefixed gets a leading ``'``; numbers as numbers)."""
    wb = load_workbook(io.BytesIO(data))
    lines = []
    for ws in wb.worksheets:
        lines.append(f"== {ws.title} (frozen at {ws.freeze_panes})")
        for row in ws.iter_rows():
            cells = []
            for c in row:
                value = "" if c.value is None else str(c.value)
                cells.append(("'" if c.quotePrefix else "") + value)
            lines.append(" | ".join(cells).rstrip())
    return "\n".join(lines) + "\n"

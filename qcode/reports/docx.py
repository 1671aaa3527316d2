"""DOCX with python-docx: real Word headings (Heading 1-4), real tables, Quote paragraphs.

The document's core properties carry the report date, and the zip is written with fixed
member times, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qcode.counts.matrix_notes import matrix_notes
from qcode.reports.agreement_table import mean_per_code_line
from qcode.reports.docx_heatmap import legend, shade_matrix
from qcode.reports.docx_layout import fit_columns
from qcode.reports.docx_toc import Contents
from qcode.reports.docx_xml import Paragraphs, Run
from qcode.reports.joint import TITLE, preamble, registry_line
from qcode.reports.markup import source_line
from qcode.reports.tables import deterministic_zip, matrix_grid

if TYPE_CHECKING:
    from qcode.counts.excerpts import Excerpt
    from qcode.reports.content import ReportContent
    from qcode.reports.memo_section import MemoEntry, MemoSection

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _safe(text: str) -> str:
    """Text without the control characters XML (and so Word) cannot hold."""
    return _NOT_XML.sub("", text)


#: the size of table text (tables of six columns fit the page without breaking a word)
TABLE_PT = 9


def _table(doc: Any, header: list[str], body: list[list[str]], total_row: bool = True,
           right_from: int = 1, right_to: int | None = None) -> Any:
    # python-docx takes ~0.2 s to import: loaded only when a DOCX is written.
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    t = doc.add_table(rows=1 + len(body), cols=len(header))
    t.style = "Table Grid"
    for j, h in enumerate(header):
        cell = t.rows[0].cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold, run.font.size = True, Pt(TABLE_PT)
    for i, row in enumerate(body, start=1):
        for j, value in enumerate(row):
            p = t.rows[i].cells[j].paragraphs[0]
            run = p.add_run(_safe(value))
            run.bold = total_row and i == len(body)
            run.font.size = Pt(TABLE_PT)
            if right_from <= j < (right_to if right_to is not None else len(row)):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fit_columns(doc, t, [header, *body])
    return t


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime(2000, 1, 1)


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


class _ShortBody:
    """Keeps the document body short while a long report is added to it.

    python-docx puts each new paragraph before the body's closing section properties,
    which it finds by scanning the body's children: a report of thousands of excerpts
    took seconds per thousand paragraphs, growing with the square of its length.
    :meth:`park` moves what is written so far out of the body; :meth:`restore` puts it
    back in front of what followed, in the same order (the same document).
    """

    def __init__(self, doc: Any) -> None:
        self.body = doc.element.body
        self.parked: list[Any] = []

    def park(self) -> None:
        blocks = list(self.body)
        if blocks and blocks[-1].tag.endswith("}sectPr"):
            blocks.pop()
        for el in blocks:
            self.body.remove(el)
        self.parked += blocks

    def restore(self) -> None:
        if len(self.body):
            anchor = self.body[0]
            for el in self.parked:
                anchor.addprevious(el)
        else:
            self.body.extend(self.parked)
        self.parked = []


#: the colour of context around a quote (grey)
CONTEXT_GREY = (0x76, 0x76, 0x76)


def _in_context(e: Excerpt) -> list[Run]:
    """A quote paragraph's runs: the context before and after in grey, the quote as it is."""
    grey = "".join(f"{c:02X}" for c in CONTEXT_GREY)
    return [*([Run(_safe(e.before + " "), colour=grey)] if e.before else []),
            Run(_safe(e.quote)),
            *([Run(_safe(" " + e.after), colour=grey)] if e.after else [])]


def _memos(par: Paragraphs, m: MemoSection, toc: Contents) -> None:
    """The report's "Memos" section: the project's journal, memos per code and document."""
    toc.heading("Memos", 1)
    if m.empty:
        par.text("No memos on the project, these codes or these documents.")

    def entries(items: tuple[MemoEntry, ...]) -> None:
        for e in items:
            par.add(Run(_safe(f"{e.when}, {e.author}: "), bold=True), Run(_safe(e.text)),
                    style="List Bullet")

    if m.project:
        toc.heading("Project", 2)
        entries(m.project)
    for title, groups in (("Codes", m.codes), ("Documents", m.documents)):
        if groups:
            toc.heading(title, 2)
            for g in groups:
                toc.heading(_safe(g.title), 3)
                entries(g.entries)


def report_docx(r: ReportContent) -> bytes:
    """The report (a :class:`qcode.reports.content.ReportContent`) as DOCX bytes."""
    # python-docx takes ~0.2 s to import: loaded only when a DOCX is written.
    from docx import Document

    doc = Document()
    props = doc.core_properties
    when = _date(r.date)
    props.created = props.modified = props.last_printed = when
    props.author = props.last_modified_by = "qcode"
    props.title = r.title
    props.revision = 1
    # paragraphs are written as XML directly (docx_xml): python-docx took over 1 ms each
    par = Paragraphs(doc)
    toc = Contents(doc, par)
    par.heading(_safe(r.title), 0)
    for label, value in r.header_lines():
        par.add(Run(f"{label}: ", bold=True), Run(_safe(value)))
    toc.here()

    toc.heading("Theme x level matrix", 1)
    header, body = matrix_grid(r.matrix)
    shade_matrix(_table(doc, header, body), r.matrix)
    for line in matrix_notes(r.matrix):  # the table's footnotes
        par.text(line)
    par.add(Run(legend(r.matrix), size=9))

    if r.agreement is not None:
        a = r.agreement
        toc.heading("Agreement", 1)
        par.text(f"Coders {', '.join(a.coders)} on {a.documents} documents both "
                          f"completed ({a.units} segments, uncoded segments included). "
                          f"Krippendorff's alpha over code sets (MASI): {_num(a.masi_alpha)}.")
        rows = [[row.label, f"{100 * row.prevalence:.1f}%", *(_num(v) for v in row.values)]
                for row in a.rows]
        _table(doc, ["Theme", "Prevalence", *a.metric_labels], rows, total_row=False)
        par.text(mean_per_code_line(a.metric_labels, a.mean_per_code))

    if r.joint is not None:
        toc.heading(TITLE, 1)
        for line in preamble(r.joint):
            par.text(line)
        rows = []
        for row in r.joint.rows:
            iv = row.interviews
            top = "; ".join(f"{q.code} ({q.count})" for q in iv.top_codes)
            rows.append([row.key, registry_line(row), ", ".join(iv.documents),
                         str(iv.codings), top])
        _table(doc, ["Group", "Registry", "Interviews", "Codings", "Most frequent codes"],
               rows, total_row=False, right_from=3, right_to=4)
        for row in r.joint.rows:
            for q in row.interviews.top_codes:
                par.add(Run(f"{row.key}, {q.code}: ", bold=True),
                        Run(_safe(f"\u201c{q.quote}\u201d ({q.doc}, {q.segment})")),
                        style="List Bullet")

    short = _ShortBody(doc)
    toc.heading("Excerpts", 1)
    if not r.groups:
        par.text("No coded excerpts match the selection.")
    for t in r.groups:
        toc.heading(_safe(f"{t.name} ({t.theme})"), 2)
        for lv in t.levels:
            toc.heading(_safe(lv.name), 3)
            for cg in lv.codes:
                toc.heading(_safe(f"{cg.code}: {cg.name} ({cg.count_label})"), 4)
                for e in cg.excerpts:
                    runs = _in_context(e) if e.before or e.after else [Run(_safe(e.quote))]
                    # kept with the next paragraph: its source line
                    par.add(*runs, style="Quote", keep_with_next=True)
                    par.add(Run(_safe(f"\u2014 {source_line(e, r.attribute_names)}"), size=9))
                    for coder, text in r.memos_on(e):
                        par.add(Run(_safe(f"Memo ({coder}): "), italic=True), Run(_safe(text)))
                short.park()

    if r.memos is not None:
        _memos(par, r.memos, toc)
        short.park()

    toc.heading("Appendix: codebook", 1)
    cb = r.codebook
    par.text(cb.name + (f", version {cb.version}" if cb.version else ""))
    levels: list[str | None] = [lv.id for lv in cb.levels] or [None]
    for th in cb.themes:
        codes = [c for c in cb.codes if c.theme == th.id]
        if not codes:
            continue
        toc.heading(_safe(f"{th.name} ({th.id})"), 2)
        for lv_id in levels:
            cell = [c for c in codes if c.level == lv_id]
            if not cell:
                continue
            if lv_id is not None:
                level = cb.level(lv_id)
                # the level as a bold line, not a heading: the contents list the
                # appendix by theme only (each code is listed once, at its excerpts)
                par.add(Run(_safe(level.name if level else lv_id), bold=True,
                            size=12), keep_with_next=True)  # above its codes' lines
            for c in cell:
                par.add(Run(_safe(f"{c.id}: {c.name}"), bold=True), keep_with_next=True)
                if c.definition:
                    par.text(c.definition)
                for label, items in (("Include", c.include), ("Exclude", c.exclude),
                                     ("Example", c.examples)):
                    for item in items:
                        par.add(Run(f"{label}: ", italic=True), Run(item),
                                style="List Bullet")
            short.park()
    short.restore()
    toc.write()
    # the body is saved without its paragraphs and put into the zip as a whole by
    # deterministic_zip: a long report's document.xml is compressed once, not twice
    body = doc.part.blob
    short.park()
    buf = io.BytesIO()
    doc.save(buf)
    short.restore()
    return deterministic_zip(buf.getvalue(), when, {doc.part.partname.membername: body})

"""A Word table of contents: a real TOC field, filled in already, over Heading 1-4.

Every heading a report writes goes through :meth:`Contents.heading`, which adds it in
Word's built-in heading style (so Word's navigation pane lists it) with a bookmark. At
the end, :meth:`Contents.write` puts a ``TOC \\o "1-4" \\h \\z \\u`` field where
:meth:`Contents.here` was called. Its result is filled in already, one "TOC n" paragraph
per heading, each a link to its bookmark, so the contents read and work in any program
before the field is updated; Word updates the field (adding page numbers) when the
document is opened (``w:updateFields`` in the settings), after asking.

python-docx has no API for fields or bookmarks: they are written as WordprocessingML.
"""

from __future__ import annotations

from typing import Any

from qcode.reports.docx_xml import Paragraphs
from qcode.reports.xml_text import escape

#: the heading levels the contents list (Heading 1 to 4: sections, themes, levels, codes)
DEPTH = 4
FIELD = f'TOC \\o "1-{DEPTH}" \\h \\z \\u'
TITLE = "Contents"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = f'xmlns:w="{_W}"'
#: settings.xml children that must come after w:updateFields (the schema's order)
_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
                        "rsids")


class Contents:
    """The headings of one document, and its table of contents."""

    def __init__(self, doc: Any, paragraphs: Paragraphs | None = None) -> None:
        self.doc = doc
        self.paragraphs = paragraphs or Paragraphs(doc)
        self.entries: list[tuple[int, str, str]] = []  # (level, text, bookmark)
        self.anchor: Any = None

    def heading(self, text: str, level: int) -> Any:
        """A heading paragraph (its ``w:p``) in style "Heading <level>", bookmarked for the
        contents."""
        p = self.paragraphs.heading(text, level)
        if level > DEPTH:
            return p
        mark = f"_Toc{len(self.entries) + 1:05d}"
        number = 9000 + len(self.entries)  # ids apart from any the template may hold
        start = _xml(f'<w:bookmarkStart {_NS} w:id="{number}" w:name="{mark}"/>')
        end = _xml(f'<w:bookmarkEnd {_NS} w:id="{number}"/>')
        ppr = p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)
        self.entries.append((level, text, mark))
        return p

    def here(self) -> None:
        """Mark where the contents go (they are written by :meth:`write`, at the end)."""
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph(TITLE, style="TOC Heading")
        self.anchor = self.doc.add_paragraph()._p
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # the report starts anew

    def write(self) -> None:
        """Fill in the contents at the mark, and ask Word to update fields on opening."""
        if self.anchor is None:
            return
        _toc_styles(self.doc)
        paragraphs = [_entry(level, text, mark) for level, text, mark in self.entries]
        if not paragraphs:
            paragraphs = [_xml(f'<w:p {_NS}><w:r><w:t>(no headings)</w:t></w:r></w:p>')]
        begin = _xml(f'<w:r {_NS}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>')
        instr = _xml(f'<w:r {_NS}><w:instrText xml:space="preserve"> {escape(FIELD)} '
                     '</w:instrText></w:r>')
        separate = _xml(f'<w:r {_NS}><w:fldChar w:fldCharType="separate"/></w:r>')
        end = _xml(f'<w:r {_NS}><w:fldChar w:fldCharType="end"/></w:r>')
        first, last = paragraphs[0], paragraphs[-1]
        ppr = first.find(f"{{{_W}}}pPr")
        at = 0 if ppr is None else 1
        for k, run in enumerate((begin, instr, separate)):
            first.insert(at + k, run)
        last.append(end)
        for p in reversed(paragraphs):
            self.anchor.addnext(p)
        self.anchor.getparent().remove(self.anchor)
        self.anchor = None
        _update_fields_on_open(self.doc)


def _xml(text: str) -> Any:
    from docx.oxml import parse_xml  # python-docx is imported only to write a DOCX

    return parse_xml(text)


def _entry(level: int, text: str, mark: str) -> Any:
    return _xml(f'<w:p {_NS}><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>'
                f'<w:hyperlink w:anchor="{mark}" w:history="1"><w:r><w:t xml:space="preserve">'
                f"{escape(text)}</w:t></w:r></w:hyperlink></w:p>")


def _toc_styles(doc: Any) -> None:
    """Word's built-in "TOC 1".."TOC n" paragraph styles (ids TOC1..), indented by level,
    where the template has none (the default template has only "TOC Heading")."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    names = {s.name for s in doc.styles}
    for level in range(1, DEPTH + 1):
        name = f"TOC {level}"
        if name in names:
            continue
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.next_paragraph_style = doc.styles["Normal"]
        fmt = style.paragraph_format
        fmt.left_indent = Pt(11 * (level - 1))
        fmt.space_after = Pt(2 if level > 1 else 4)
        style.font.bold = level == 1
        style.element.get_or_add_uiPriority().val = 39
        style.unhide_when_used = True


def _update_fields_on_open(doc: Any) -> None:
    settings = doc.settings.element
    if settings.find(f"{{{_W}}}updateFields") is not None:
        return
    update = _xml(f'<w:updateFields {_NS} w:val="true"/>')
    for name in _AFTER_UPDATE_FIELDS:
        later = settings.find(f"{{{_W}}}{name}")
        if later is not None:
            later.addprevious(update)
            return
    settings.append(update)

"""Word paragraphs written as WordprocessingML, the XML python-docx would write, directly.

python-docx spends over a millisecond on each paragraph it adds: it looks the paragraph's
style up by name among all the document's styles (about half of it), and places every
child element by searching the schema's order of its siblings. A report of 10,000
excerpts has over 20,000 paragraphs. :class:`Paragraphs` resolves each style name once
(the same way python-docx does: the default style is no ``w:pStyle``) and builds each
paragraph with lxml in the schema's order, giving the same XML, so the same file, as
``doc.add_paragraph(...)`` followed by ``add_run``, ``bold``, ``italic``, ``font.size``,
``font.color.rgb``, ``keep_with_next`` and ``alignment`` (tested byte for byte against
python-docx in ``tests/reports/test_docx_xml.py``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_VAL = f"{{{W}}}val"
(_P, _PPR, _PSTYLE, _KEEP_NEXT, _JC, _R, _RPR, _B, _I, _COLOR, _SZ, _T, _TAB, _BR,
 _SECT_PR) = (f"{{{W}}}{n}" for n in ("p", "pPr", "pStyle", "keepNext", "jc", "r", "rPr",
                                      "b", "i", "color", "sz", "t", "tab", "br", "sectPr"))


class Run(NamedTuple):
    """One run of a paragraph: its text and character formatting (None: not set, as
    python-docx leaves it; ``bold=False`` is written as an explicit "not bold")."""

    text: str
    bold: bool | None = None
    italic: bool | None = None
    size: int | None = None  #: points (whole)
    colour: str | None = None  #: "RRGGBB"


class Paragraphs:
    """Adds paragraphs at the end of a python-docx document's body (before its section
    properties, where ``Document.add_paragraph`` puts them)."""

    def __init__(self, doc: Any) -> None:
        # python-docx and lxml take ~0.2 s to import: only when a DOCX is written
        from docx.enum.style import WD_STYLE_TYPE
        from lxml.etree import SubElement

        self.doc = doc
        self.body = doc.element.body
        self._sub = SubElement
        self._styles: dict[str, str | None] = {}
        self._kind = WD_STYLE_TYPE.PARAGRAPH
        self._end: Any = None  # the body's section properties, found once

    def style_id(self, name: str) -> str | None:
        """The id of the paragraph style called ``name`` (None for the default style),
        looked up once per name; an unknown name raises ``KeyError`` as python-docx does."""
        if name not in self._styles:
            self._styles[name] = self.doc.part.get_style_id(name, self._kind)
        return self._styles[name]

    def add(self, *runs: Run, style: str | None = None, keep_with_next: bool = False,
            right: bool = False) -> Any:
        """A new paragraph of ``runs`` at the end of the body; returns its ``w:p``."""
        p = self.body.makeelement(_P, {})
        end = self._end
        if end is None or end.getparent() is not self.body:
            end = self._end = self.body.find(_SECT_PR)
        if end is not None:
            end.addprevious(p)
        else:
            self.body.append(p)
        self.fill(p, *runs, style=style, keep_with_next=keep_with_next, right=right)
        return p

    def text(self, line: str, style: str | None = None) -> Any:
        """``doc.add_paragraph(line, style)``: one plain run, none for empty text."""
        return self.add(*([Run(line)] if line else []), style=style)

    def heading(self, text: str, level: int) -> Any:
        """``doc.add_heading(text, level)``: style "Title" for level 0, else "Heading n"."""
        return self.text(text, "Title" if level == 0 else f"Heading {level}")

    def fill(self, p: Any, *runs: Run, style: str | None = None,
             keep_with_next: bool = False, right: bool = False) -> None:
        """Give the paragraph element ``p`` (in the document) its properties and runs, as
        python-docx would; a style set writes ``w:pPr`` even when it is the default one."""
        sub = self._sub
        if style is not None or keep_with_next or right:
            ppr = p.makeelement(_PPR, {})
            p.insert(0, ppr)
            style_id = self.style_id(style) if style is not None else None
            if style_id is not None:
                sub(ppr, _PSTYLE).set(_VAL, style_id)
            if keep_with_next:
                sub(ppr, _KEEP_NEXT)
            if right:
                sub(ppr, _JC).set(_VAL, "right")
        for run in runs:
            self.add_run(p, run)

    def add_run(self, p: Any, run: Run) -> Any:
        """Append ``run`` to the paragraph element ``p`` (a ``w:r``, as
        ``Paragraph.add_run`` and the run's font properties write it); return it."""
        sub = self._sub
        r = sub(p, _R)
        if run.bold is not None or run.italic is not None or run.size or run.colour:
            rpr = sub(r, _RPR)
            for tag, value in ((_B, run.bold), (_I, run.italic)):
                if value is not None:
                    el = sub(rpr, tag)
                    if not value:
                        el.set(_VAL, "0")
            if run.colour:
                sub(rpr, _COLOR).set(_VAL, run.colour)
            if run.size:
                sub(rpr, _SZ).set(_VAL, str(2 * run.size))
        text = run.text
        if not text:
            return r
        if "\t" not in text and "\n" not in text and "\r" not in text:
            self._text(r, text)
            return r
        # python-docx's run text: a tab is w:tab, a line break (CR or LF) w:br
        piece: list[str] = []
        for ch in text:
            if ch in "\t\r\n":
                if piece:
                    self._text(r, "".join(piece))
                    piece = []
                sub(r, _TAB if ch == "\t" else _BR)
            else:
                piece.append(ch)
        if piece:
            self._text(r, "".join(piece))
        return r

    def _text(self, r: Any, text: str) -> None:
        t = self._sub(r, _T)
        t.text = text
        if len(text.strip()) < len(text):  # keeps its spaces at either end
            t.set(_XML_SPACE, "preserve")

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
_P, _PPR, _R, _RPR, _T = (f"{{{W}}}{n}" for n in ("p", "pPr", "r", "rPr", "t"))


class Run(NamedTuple):
    """One run of a paragraph: its text and character formatting (None: not set, as
    python-docx leaves it; ``bold=False`` is written as an explicit "not bold")."""

    text: str
    bold: bool | None = None
    italic: bool | None = None
    size: int | None = None  #: points (whole)
    colour: str | None = None  #: "RRGGBB"


def _on_off(parent: Any, name: str, value: bool | None) -> None:
    if value is not None:
        el = _sub(parent, name)
        if not value:
            el.set(_VAL, "0")


def _sub(parent: Any, name: str) -> Any:
    el = parent.makeelement(f"{{{W}}}{name}", {})
    parent.append(el)
    return el


def add_run(p: Any, run: Run) -> Any:
    """Append ``run`` to the paragraph element ``p`` (a ``w:r``, as ``Paragraph.add_run``
    and the run's font properties write it); return the ``w:r``."""
    r = p.makeelement(_R, {})
    p.append(r)
    if run.bold is not None or run.italic is not None or run.size or run.colour:
        rpr = _sub(r, "rPr")
        _on_off(rpr, "b", run.bold)
        _on_off(rpr, "i", run.italic)
        if run.colour:
            _sub(rpr, "color").set(_VAL, run.colour)
        if run.size:
            _sub(rpr, "sz").set(_VAL, str(2 * run.size))
    if run.text:
        _run_text(r, run.text)
    return r


def _run_text(r: Any, text: str) -> None:
    """python-docx's run text: a tab is ``w:tab``, a line break (CR or LF) ``w:br``, the
    rest ``w:t`` (keeping its spaces when it starts or ends with one)."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        _text(r, text)
        return
    piece: list[str] = []
    for ch in text:
        if ch in "\t\r\n":
            if piece:
                _text(r, "".join(piece))
                piece = []
            _sub(r, "tab" if ch == "\t" else "br")
        else:
            piece.append(ch)
    if piece:
        _text(r, "".join(piece))


def _text(r: Any, text: str) -> None:
    t = _sub(r, "t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")


class Paragraphs:
    """Adds paragraphs at the end of a python-docx document's body (before its section
    properties, where ``Document.add_paragraph`` puts them)."""

    def __init__(self, doc: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE  # python-docx: only to write a DOCX

        self.doc = doc
        self.body = doc.element.body
        self._styles: dict[str, str | None] = {}
        self._kind = WD_STYLE_TYPE.PARAGRAPH

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
        self._place(p)
        fill(p, *runs, style_id=self.style_id(style) if style is not None else None,
             styled=style is not None, keep_with_next=keep_with_next, right=right)
        return p

    def text(self, line: str, style: str | None = None) -> Any:
        """``doc.add_paragraph(line, style)``: one plain run, none for empty text."""
        return self.add(*([Run(line)] if line else []), style=style)

    def heading(self, text: str, level: int) -> Any:
        """``doc.add_heading(text, level)``: style "Title" for level 0, else "Heading n"."""
        return self.text(text, "Title" if level == 0 else f"Heading {level}")

    def _place(self, p: Any) -> None:
        last = self.body[-1] if len(self.body) else None
        if last is not None and last.tag == f"{{{W}}}sectPr":
            last.addprevious(p)
        else:
            end = self.body.find(f"{{{W}}}sectPr")
            if end is not None:
                end.addprevious(p)
            else:
                self.body.append(p)


def fill(p: Any, *runs: Run, style_id: str | None = None, styled: bool = False,
         keep_with_next: bool = False, right: bool = False) -> None:
    """Give the paragraph element ``p`` its properties and runs. ``styled``: a style was
    set (python-docx then writes ``w:pPr`` even when the style is the default one)."""
    if styled or keep_with_next or right:
        ppr = p.makeelement(_PPR, {})
        p.insert(0, ppr)
        if style_id is not None:
            _sub(ppr, "pStyle").set(_VAL, style_id)
        if keep_with_next:
            _sub(ppr, "keepNext")
        if right:
            _sub(ppr, "jc").set(_VAL, "right")
    for run in runs:
        add_run(p, run)

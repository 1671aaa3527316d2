"""Word .docx transcripts (Word "Transcribe", Microsoft Teams, Otter, or typed by hand),
read with python-docx.

Paragraphs are taken from the document body in order, table cells included; a table row
``speaker | text`` or ``time | speaker | text`` reads as one labelled turn (text boxes,
comments, deleted tracked changes and hidden text are not spoken words and are left out;
inserted tracked changes are kept). A soft line break (``<w:br/>``) splits a paragraph
into lines. Three layouts are recognised, in this order:

1. older Teams: paragraph triplets ``0:0:4.180 --> 0:0:9.920`` / speaker / text
   (timestamps unpadded, with any number of fraction digits);
2. newer Teams / Word / Otter: a header paragraph ``Speaker 1  00:00:06`` (bold, or with
   two or more spaces before the time), then the text paragraphs;
3. otherwise ``Label: text`` paragraphs, read like plain text (:mod:`qcode.formats.labels`).

Lines before the first turn are the header: the first is the title (unless the file's
own title property is set), ``Key: value`` lines become attributes.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import docx  # this reader is imported only for .docx files (see qcode.formats)
from docx.opc.exceptions import OpcError
from lxml.etree import XMLSyntaxError

from qcode._io import ziplimits
from qcode.errors import InvalidInputError
from qcode.formats import Parsed, RawTurn
from qcode.formats.labels import attribute_key, is_metadata_key, parse_labelled, seconds

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_T, _TAB, _BR, _CR, _R, _RPR = W + "t", W + "tab", W + "br", W + "cr", W + "r", W + "rPr"
_P, _TR, _TC = W + "p", W + "tr", W + "tc"
_OFF = {"0", "false", "off"}
TEAMS_TIMING = re.compile(r"^(\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?)\s*-->\s*"
                          r"(\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?)$")
HEADER = re.compile(r"^(?P<spk>\S.{0,62}?)(?P<gap>[ \t\u00a0]+)"
                    r"(?P<ts>\d{1,2}(?::\d{2}){1,2})$")
KV = re.compile(r"^(?P<k>[^\W\d_][\w .'-]{0,40}?)[ \t]*:[ \t]+(?P<v>.*)$")


def _flag(rpr: Any, tag: str) -> bool:  # rpr: an lxml element (lxml has no types)
    if rpr is None:
        return False
    el = rpr.find(W + tag)
    return el is not None and el.get(W + "val", "true").lower() not in _OFF


def _paragraph(p: Any) -> tuple[str, bool]:
    """(text, whole paragraph bold) of one ``w:p`` element."""
    parts: list[str] = []
    bold_chars = plain_chars = 0
    for r in p.iter(_R):
        rpr = r.find(_RPR)
        if _flag(rpr, "vanish"):
            continue
        bold = _flag(rpr, "b")
        for el in r:
            tag = el.tag
            if tag == _T:
                txt = el.text or ""
                parts.append(txt)
                if txt.strip():
                    if bold:
                        bold_chars += 1
                    else:
                        plain_chars += 1
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
    return "".join(parts), bold_chars > 0 and plain_chars == 0


def paragraphs(data: bytes, source: str) -> tuple[list[tuple[str, bool]], str | None]:
    """The body paragraphs as (text, bold), and the title property, of a .docx file."""
    _check_archive(data, source)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, XMLSyntaxError) as exc:
        raise InvalidInputError(f"{source}: not a readable .docx file ({type(exc).__name__}); "
                                "nothing was ingested",
                                hint="open it in Word and save it again as .docx") from None
    body = document.element.body
    out: list[tuple[str, bool]] = []
    taken: set[object] = set()  # table rows read as one turn
    for el in body.xpath(".//w:p[not(ancestor::w:txbxContent)] | "
                         ".//w:tr[not(ancestor::w:txbxContent)]"):
        if el.tag == _TR:
            line = _row_turn(el)
            if line is not None:
                taken.add(el)
                out += [(line, False), ("", False)]
        elif not any(tr in taken for tr in el.iterancestors(_TR)):
            out.append(_paragraph(el))
    title = (document.core_properties.title or "").strip() or None
    return out, title


def _check_archive(data: bytes, source: str) -> None:
    """Refuse a .docx whose parts expand past the archive bounds, before python-docx
    decompresses them (declared sizes first, then each part streamed and counted)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return  # python-docx reports it as not a readable .docx
    with zf:
        infos = zf.infolist()
        budget = [ziplimits.check_directory(infos, source, "; nothing was ingested")]
        for info in infos:
            ziplimits.read_entry(zf, info, source, budget, "; nothing was ingested")


_TIME_CELL = re.compile(r"^\[?(\d{1,2}(?::\d{2}){1,2})(?:[.,]\d+)?\]?$")


def _row_turn(tr: Any) -> str | None:
    """A table row laid out as ``speaker | text`` or ``time | speaker | text`` (a common
    transcript layout in Word), as a ``[time] Speaker: text`` line; None for other rows."""
    cells = ["\n".join(_paragraph(p)[0] for p in tc.iter(_P)).strip()
             for tc in tr.findall(_TC)]
    filled = [c for c in cells if c]
    if len(filled) not in (2, 3):
        return None
    *heads, text = filled
    time = next((m.group(1) for h in heads if (m := _TIME_CELL.match(h))), None)
    labels = [h.rstrip(":").strip() for h in heads if not _TIME_CELL.match(h)]
    if len(labels) != 1 or len(heads) != len(labels) + (time is not None):
        return None
    label = labels[0]
    if not label or len(label) > 40 or len(label.split()) > 5 or "\n" in label:
        return None
    return (f"[{time}] " if time else "") + f"{label}: {text}"


def read(data: bytes, source: str) -> Parsed:
    paras, title = paragraphs(data, source)
    lines: list[tuple[str, bool]] = []
    for text, bold in paras:
        for ln in text.split("\n"):
            lines.append((ln.strip(), bold))
        lines.append(("", False))
    if any(TEAMS_TIMING.match(t) for t, _ in lines):
        parsed = _teams_triplets(lines)
    elif sum(1 for t, b in lines if _is_header(t, b)) >= 2:
        parsed = _headers(lines)
    else:
        text = "\n".join(t for t, _ in lines)
        res = parse_labelled(text, source)
        parsed = Parsed(turns=res.turns, title=res.title, attributes=res.attributes,
                        warnings=res.warnings)
    if title:
        parsed.title = title
    return parsed


def _is_header(text: str, bold: bool) -> bool:
    m = HEADER.match(text)
    return m is not None and (bold or len(m.group("gap")) >= 2 or "\t" in m.group("gap"))


def _preamble(line: str, parsed: Parsed) -> None:
    m = KV.match(line)
    if m and is_metadata_key(m.group("k")):
        parsed.attributes.setdefault(attribute_key(m.group("k")), m.group("v").strip())
    elif parsed.title is None:
        parsed.title = line


def _close(turn: RawTurn | None, paras: list[list[str]], parsed: Parsed) -> None:
    if turn is None:
        return
    turn.text = "\n\n".join(" ".join(p) for p in paras if p)
    if turn.text:
        parsed.turns.append(turn)


def _teams_triplets(lines: list[tuple[str, bool]]) -> Parsed:
    parsed = Parsed(turns=[])
    turn: RawTurn | None = None
    paras: list[list[str]] = [[]]
    want_speaker = False
    for text, _ in lines:
        m = TEAMS_TIMING.match(text)
        if m:
            _close(turn, paras, parsed)
            turn = RawTurn("", "", seconds(m.group(1)), seconds(m.group(2)))
            paras, want_speaker = [[]], True
        elif not text:
            if turn is not None and paras[-1]:
                paras.append([])
        elif turn is None:
            _preamble(text, parsed)
        elif want_speaker:
            turn.speaker, want_speaker = text, False
        else:
            paras[-1].append(text)
    _close(turn, paras, parsed)
    merged: list[RawTurn] = []
    for t in parsed.turns:
        t.speaker = t.speaker or "unknown"
        if merged and merged[-1].speaker == t.speaker:
            merged[-1].text += " " + t.text
            merged[-1].time_end = t.time_end
        else:
            merged.append(t)
    parsed.turns = merged
    return parsed


def _headers(lines: list[tuple[str, bool]]) -> Parsed:
    parsed = Parsed(turns=[])
    turn: RawTurn | None = None
    paras: list[list[str]] = [[]]
    for text, bold in lines:
        if _is_header(text, bold):
            m = HEADER.match(text)
            assert m is not None
            _close(turn, paras, parsed)
            turn = RawTurn(m.group("spk").strip(), "", seconds(m.group("ts")))
            paras = [[]]
        elif not text:
            if turn is not None and paras[-1]:
                paras.append([])
        elif turn is None:
            _preamble(text, parsed)
        else:
            paras[-1].append(text)
    _close(turn, paras, parsed)
    return parsed

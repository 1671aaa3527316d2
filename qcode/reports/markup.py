"""Text shared by every report format: Markdown escaping and an excerpt's source line.

A low module on purpose: markdown, html, docx and the joint display all import it, and it
imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qcode._io.controls import CONTROLS
from qcode.clock import clock
from qcode.counts.excerpts import Excerpt, format_time, speaker_label

_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|&~!]")


def md_escape(text: str) -> str:
    r"""Backslash-escape Markdown punctuation; newlines become spaces; other control
    characters (an ESC that a terminal showing the file would obey) are written out as
    ``\xNN`` text.

    >>> md_escape("<b>*50%*</b> | x")
    '\\<b\\>\\*50%\\*\\</b\\> \\| x'
    """
    if "\n" in text or "\r" in text or "\t" in text:
        text = " ".join(text.split())
    if CONTROLS.search(text) is not None:
        text = CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if _SPECIAL.search(text) is None:
        return text
    return _SPECIAL.sub(lambda m: "\\" + m.group(), text)


_CHUNK = 512  # texts escaped together (a text with a line break sends only its chunk
# through md_escape one by one)


#: what sends a text through md_escape alone: a control character, a tab or a carriage
#: return (md_escape turns the white space around them into one space)
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_ESCAPED = {ord(ch): "\\" + ch for ch in "\\`*_{}[]<>#|&~!"}  # _SPECIAL's characters


#: the bytes that, in UTF-8 text, can only be a line break, a C0 control or DEL, or
#: Markdown punctuation (every byte of a longer character is 0x80 or more)
_DROP = bytes(range(32)) + b"\x7f" + "".join(map(chr, _ESCAPED)).encode()


def _plain(joined: str, n: int) -> bool:
    """Whether ``n`` texts joined by newlines hold no line break, tab, control character or
    Markdown punctuation: nothing md_escape would change. One pass over the UTF-8 bytes
    (a C1 control, U+0080-U+009F, begins with byte 0xC2: such text takes the long way)."""
    raw = joined.encode("utf-8", "surrogatepass")
    return b"\xc2" not in raw and len(raw) - len(raw.translate(None, _DROP)) == n - 1


def _backslash(m: re.Match[str]) -> str:
    return "\\" + m.group()


def md_escape_many(texts: Sequence[str]) -> list[str]:
    r""":func:`md_escape` of each text. Texts without line breaks, tabs or control
    characters (nearly all quotes) are escaped a chunk at a time: joined by newlines, one
    pass of the pattern, split again (the pattern never touches a newline).

    >>> md_escape_many(["a*b", "c", "d\ne_"])
    ['a\\*b', 'c', 'd e\\_']
    """
    out: list[str] = []
    for i in range(0, len(texts), _CHUNK):
        chunk = texts[i:i + _CHUNK]
        joined = "\n".join(chunk)
        if _plain(joined, len(chunk)):
            out += chunk
        elif joined.count("\n") != len(chunk) - 1 or _UNSAFE.search(joined) is not None:
            out += [md_escape(t) for t in chunk]
        elif joined.isascii():  # str.translate is quick on ASCII text
            out += joined.translate(_ESCAPED).split("\n")
        else:
            out += _SPECIAL.sub(_backslash, joined).split("\n")
    return out


def md_paragraphs(text: str) -> str:
    r"""Like :func:`md_escape` for prose that may hold paragraphs: each paragraph escaped on
    one line, paragraphs kept apart by a blank line.

    >>> md_paragraphs("<script>x</script>\n\nSecond\nline")
    '\\<script\\>x\\</script\\>\n\nSecond line'
    """
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "\n\n".join(md_escape(p) for p in paragraphs if p.strip())


def source_line(e: Excerpt, attribute_names: tuple[str, ...]) -> str:
    """``Speaker, D1, D1:0002, 0:01:05; region: North``: the speaker
    (:attr:`Excerpt.speaker_label`), the document, the segment(s) (``D1:0002-0004`` for a
    span across segments), the time where the transcript has one, and only the attributes
    in ``attribute_names`` (the ones the researcher chose to show). Plain text; the same in
    every format.

    >>> from qcode.counts.excerpts import Excerpt
    >>> e = Excerpt("C", "T", "L", "D1", "Title", "D1:0002", " Ann  Lee", 65.0, None, "q",
    ...             None, {"region": "North", "role": "nurse"})
    >>> source_line(e, ("region",))
    'Ann Lee, D1, D1:0002, 0:01:05; region: North'
    """
    parts = [e.speaker_label, e.doc, e.segments_label]
    t = format_time(e.time_start)
    if t:
        parts.append(t)
    attrs = "; ".join(f"{a}: {e.attributes[a]}" for a in attribute_names if e.attributes.get(a))
    return ", ".join(parts) + (f"; {attrs}" if attrs else "")


def source_lines(excerpts: Sequence[Excerpt], attribute_names: tuple[str, ...]
                 ) -> list[str]:
    """:func:`source_line` of each excerpt (each speaker's label worked out once)."""
    labels: dict[str, str] = {}
    out: list[str] = []
    append = out.append
    for e in excerpts:
        label = labels.get(e.speaker)
        if label is None:
            label = labels[e.speaker] = speaker_label(e.speaker)
        seg, last = e.segment, e.last_segment
        where = seg if not last or last == seg else e.segments_label
        t0 = e.time_start
        line = f"{label}, {e.doc}, {where}" if t0 is None else \
            f"{label}, {e.doc}, {where}, {clock(t0)}"  # format_time
        if attribute_names:
            attrs = "; ".join(f"{a}: {e.attributes[a]}" for a in attribute_names
                              if e.attributes.get(a))
            if attrs:
                line = f"{line}; {attrs}"
        append(line)
    return out


def speaker_variants(excerpts: Iterable[Excerpt]) -> tuple[tuple[str, ...], ...]:
    """Speaker labels that differ only in case or spacing (``RESPONDENT``, ``Respondent``):
    one speaker role shown two ways, which ``qcode speakers rename`` unifies.

    >>> from qcode.counts.excerpts import Excerpt
    >>> def said(who):
    ...     return Excerpt("C", "T", "L", "D", "D", "D:1", who, None, None, "q", None, {})
    >>> speaker_variants([said("RESPONDENT"), said("Respondent"), said("B")])
    (('RESPONDENT', 'Respondent'),)
    """
    seen: dict[str, set[str]] = {}
    for speaker in {e.speaker for e in excerpts}:  # a few speakers, many excerpts
        label = speaker_label(speaker)
        seen.setdefault(label.casefold(), set()).add(label)
    return tuple(tuple(sorted(v)) for _, v in sorted(seen.items()) if len(v) > 1)


def md_quotes(excerpts: Sequence[Excerpt]) -> list[str]:
    """:func:`md_quote` of each excerpt (the quotes escaped together,
    :func:`md_escape_many`)."""
    quotes = md_escape_many([e.quote for e in excerpts])
    for k, e in enumerate(excerpts):
        if e.before or e.after:
            quotes[k] = " ".join(x for x in (
                f"\\[{md_escape(e.before)}\\]" if e.before else "", quotes[k],
                f"\\[{md_escape(e.after)}\\]" if e.after else "") if x)
    return quotes


def md_quote(e: Excerpt) -> str:
    r"""An excerpt's quote in Markdown, its context (if any) in brackets around it.

    >>> from qcode.counts.excerpts import Excerpt
    >>> e = Excerpt("C", "T", "L", "D", "D", "D:1", "A", None, None, "the *plan*", None, {},
    ...             "manual", 4, 14, "D:1", "\u2026 we made", "for 2030")
    >>> md_quote(e)
    '\\[\u2026 we made\\] the \\*plan\\* \\[for 2030\\]'
    """
    quote = md_escape(e.quote)
    if not (e.before or e.after):
        return quote
    return " ".join(x for x in (f"\\[{md_escape(e.before)}\\]" if e.before else "", quote,
                                f"\\[{md_escape(e.after)}\\]" if e.after else "") if x)

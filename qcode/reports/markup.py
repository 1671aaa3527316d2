"""Text shared by every report format: Markdown escaping and an excerpt's source line.

A low module on purpose: markdown, html, docx and the joint display all import it, and it
imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qcode._io.controls import CONTROLS
from qcode.counts.excerpts import Excerpt, format_time

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
    for e in excerpts:
        label = e.speaker_label
        seen.setdefault(label.casefold(), set()).add(label)
    return tuple(tuple(sorted(v)) for _, v in sorted(seen.items()) if len(v) > 1)


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

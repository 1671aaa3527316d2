"""The words around a coded span, for a report that shows an excerpt in its context.

``--context N`` gives the ``N`` words before and after the span; ``--context sentence``
the rest of the sentences the span starts and ends in. Context never reaches outside the
speaker turns the span lies in (another speaker's turn is not this excerpt's context; a
document segmented by sentence or paragraph gives context from the rest of the turn).
Text cut short is marked with an ellipsis on its outer side.
"""

from __future__ import annotations

import re

from qcode.errors import UsageError

ELLIPSIS = "\u2026"
_WORD = re.compile(r"\S+")
#: the end of a sentence: . ! ? or an ellipsis, closing quotes or brackets, then space
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s|$)")

_ENDS_SENTENCE = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s*$")

Context = int | str | None
"""How much context: a number of words, ``"sentence"``, or None (none)."""


def parse_context(value: str | None) -> Context:
    """``--context``'s value: a number of words (0 or more), ``sentence``, or None.

    >>> parse_context("5"), parse_context("sentence"), parse_context(None)
    (5, 'sentence', None)
    """
    if value is None or value == "":
        return None
    if value.strip().casefold() == "sentence":
        return "sentence"
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise UsageError(f"--context '{value}' is neither a number of words nor 'sentence'",
                         hint="for example: --context 10 or --context sentence")
    return n or None


def around(text: str, lo: int, start: int, end: int, hi: int, how: Context
           ) -> tuple[str, str]:
    """(before, after): the context of ``text[start:end]`` inside ``text[lo:hi]``; each
    part stripped, with an ellipsis where it stops short of ``lo`` / ``hi``.

    >>> t = "One two. Three four five six. Seven."
    >>> around(t, 0, 15, 19, len(t), 1)
    ('\u2026 Three', 'five \u2026')
    >>> around(t, 0, 15, 19, len(t), "sentence")
    ('\u2026 Three', 'five six. \u2026')
    >>> around(t, 0, 9, 29, len(t), "sentence")  # a whole sentence: no context
    ('', '')
    """
    if how is None:
        return "", ""
    head, tail = text[lo:start], text[end:hi]
    if how == "sentence":
        ends = list(_SENTENCE_END.finditer(head))
        cut = ends[-1].end() if ends else 0
        stop = _SENTENCE_END.search(tail)
        upto = stop.end() if stop else len(tail)
        if _ENDS_SENTENCE.search(text[start:end]):  # the span ends its sentence
            upto = 0
    else:
        n = int(how)
        words = list(_WORD.finditer(head))
        cut = words[-n].start() if len(words) >= n else 0
        after = list(_WORD.finditer(tail))
        upto = after[n - 1].end() if len(after) >= n else len(tail)
    before, after_text = head[cut:].strip(), tail[:upto].strip()
    if before and head[:cut].strip():
        before = f"{ELLIPSIS} {before}"
    if after_text and tail[upto:].strip():
        after_text = f"{after_text} {ELLIPSIS}"
    return before, after_text

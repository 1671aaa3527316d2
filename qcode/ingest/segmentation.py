"""Speaker turns -> document text, turns with offsets, and numbered segments.

Layout of the document text: the turns' texts joined by one blank line (``"\\n\\n"``).
Speaker names and times live in the Turn records, not in the text, so every offset
addresses spoken words only. Inside a turn, paragraphs are separated by a blank line too.

Units (chosen at ingest, then frozen in the document file):

- ``turn``: one segment per speaker turn;
- ``paragraph``: one segment per paragraph of a turn;
- ``sentence``: one segment per sentence: a sentence ends at ``.``, ``!``, ``?`` or ``…``
  (plus closing quotes or brackets) followed by white space and a capital letter, digit or
  opening quote, except after common abbreviations (``Dr.``, ``e.g.``, ``bl.a.``, ...).

Segments tile their turn: they cover every non-space character of it, never overlap, never
start or end with white space, and never cross a turn. Ids are ``<doc>:0001``, ``<doc>:0002``,
... in text order.

>>> text, turns, segs = layout("D1", [("I", "Hi. How are you?"), ("R", "Fine.")], "sentence")
>>> text
'Hi. How are you?\\n\\nFine.'
>>> [(s["id"], text[s["start"]:s["end"]], s["speaker"]) for s in segs]
[('D1:0001', 'Hi.', 'I'), ('D1:0002', 'How are you?', 'I'), ('D1:0003', 'Fine.', 'R')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

Unit = Literal["turn", "paragraph", "sentence"]
UNITS: tuple[str, ...] = ("turn", "paragraph", "sentence")
TURN_SEPARATOR = "\n\n"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_ABBREVIATION_WORDS = """
dr mr mrs ms prof st nr vs etc eg ie cf ca approx dept jr sr fig vol pp ref
bl dvs mv osv pga ifm evt mht jf ev fx ang nb kl tlf
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'”’»)\]]*(?P<gap>\s+)(?=[\"'“‘„«(\[]?[A-ZÆØÅÄÖÜÉ0-9])")
_LAST_WORD = re.compile(r"(\w+)$")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-empty paragraphs of ``text[start:end]`` as absolute spans, trimmed."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _PARAGRAPH_BREAK.finditer(text, start, end):
        s, e = _strip_span(text, pos, m.start())
        if e > s:
            spans.append((s, e))
        pos = m.end()
    s, e = _strip_span(text, pos, end)
    if e > s:
        spans.append((s, e))
    return spans


def _is_abbreviation(text: str, stop: int, floor: int) -> bool:
    """Does the sentence candidate ending at ``stop`` end with an abbreviation like ``Dr.``?"""
    window = text[max(floor, stop - 12):stop]
    if not window.endswith("."):
        return False
    m = _LAST_WORD.search(window[:-1])
    if not m:
        return False
    word = m.group(1).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of each paragraph in ``text[start:end]`` as absolute, trimmed spans."""
    spans: list[tuple[int, int]] = []
    for ps, pe in paragraph_spans(text, start, end):
        pos = ps
        for m in _SENTENCE_END.finditer(text, ps, pe):
            stop = m.start("gap")
            if _is_abbreviation(text, stop, pos):
                continue
            if stop > pos:
                spans.append((pos, stop))
            pos = m.end("gap")
        if pe > pos:
            spans.append((pos, pe))
    return spans


def segment_id(doc_id: str, number: int) -> str:
    """``segment_id("D03", 12)`` -> ``'D03:0012'`` (more digits past 9999)."""
    return f"{doc_id}:{number:04d}"


def layout(doc_id: str, turns: Sequence[tuple[str, str]], unit: str,
           times: Sequence[tuple[float | None, float | None]] | None = None,
           ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Join turn texts into the document text and cut segments of ``unit``.

    ``turns`` holds ``(speaker, text)`` pairs (texts already stripped and non-empty);
    ``times`` optionally the ``(time_start, time_end)`` of each. Returns the text and the
    turns and segments as plain dicts with the fields of :class:`~qcode.models.Turn` and
    :class:`~qcode.models.Segment`: validating them in one ``Document.model_validate``
    call is faster than building each record in Python.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown segmentation unit {unit!r}")
    pieces: list[str] = []
    turn_records: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    pos = 0
    sep = len(TURN_SEPARATOR)
    for i, (speaker, body) in enumerate(turns):
        if i:
            pieces.append(TURN_SEPARATOR)
            pos += sep
        t0, t1 = times[i] if times is not None else (None, None)
        pieces.append(body)
        turn_records.append({"speaker": speaker, "start": pos, "end": pos + len(body),
                             "time_start": t0, "time_end": t1})
        pos += len(body)
    text = "".join(pieces)
    n = 0
    for index, turn in enumerate(turn_records):
        start, end = turn["start"], turn["end"]
        if unit == "turn":
            spans = [_strip_span(text, start, end)]
        elif unit == "paragraph":
            spans = paragraph_spans(text, start, end)
        else:
            spans = sentence_spans(text, start, end)
        for s, e in spans:
            if e <= s:
                continue
            n += 1
            segments.append({"id": segment_id(doc_id, n), "start": s, "end": e,
                             "speaker": turn["speaker"], "turn": index,
                             "time_start": turn["time_start"], "time_end": turn["time_end"]})
    return text, turn_records, segments

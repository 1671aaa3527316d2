"""Otter.ai text exports: a ``Speaker Name  0:07`` line (name, two or more spaces, ``M:SS``
or ``H:MM:SS``), then the paragraph on the next line(s), then a blank line.

Names may contain digits (``Speaker 1``) and may be ``Unknown Speaker``. The footer
``Transcribed by https://otter.ai`` is dropped. Consecutive blocks of one speaker stay
separate turns, because each has its own time.

>>> p = read("Ann Lie  0:07\\nHello there.\\n\\nBo  1:02:03\\nHi.\\n", "a.txt")
>>> [(t.speaker, t.text, t.time_start) for t in p.turns]
[('Ann Lie', 'Hello there.', 7.0), ('Bo', 'Hi.', 3723.0)]
"""

from __future__ import annotations

import re

from qcode.formats import Parsed, RawTurn
from qcode.formats.labels import MAX_LABEL, seconds
from qcode.formats.text import read as read_text

HEADER = re.compile(
    rf"^(?P<spk>\S.{{0,{MAX_LABEL - 1}}}?)[ \t\u00a0]{{2,}}"
    r"(?P<ts>\d{1,2}(?::\d{2}){1,2})[ \t]*$",
    re.MULTILINE,
)
FOOTER = re.compile(r"(?im)^\s*transcribed by\s+https?://otter\.ai\S*\s*$")


def sniff(head: str) -> int:
    match = HEADER.match
    n = sum(1 for ln in head.split("\n")
            if len(ln) <= MAX_LABEL + 12 and ln[-1:].isdigit() and match(ln))
    if n >= 2:
        return 4
    return 4 if "otter.ai" in head and FOOTER.search(head) else 0


def read(text: str, source: str) -> Parsed:
    text = FOOTER.sub("", text)
    turns: list[RawTurn] = []
    title: str | None = None
    preamble = 0
    turn: RawTurn | None = None
    paragraphs: list[list[str]] = []
    new_para = False

    def close() -> None:
        if turn is not None:
            body = "\n\n".join(" ".join(p) for p in paragraphs if p)
            if body:
                turn.text = body
                turns.append(turn)

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            new_para = True
            continue
        m = HEADER.match(line)
        if m:
            close()
            turn = RawTurn(m.group("spk").strip(), "", seconds(m.group("ts")))
            paragraphs = [[]]
            new_para = False
            continue
        if turn is None:
            if title is None:
                title = stripped
            else:
                preamble += 1
            continue
        if new_para and paragraphs[-1]:
            paragraphs.append([stripped])
        else:
            paragraphs[-1].append(stripped)
        new_para = False
    close()
    parsed = Parsed(turns=turns, title=title)
    if preamble:
        parsed.warnings.append(f"{source}: {preamble} line(s) before the first speaker line "
                               "were not ingested as turns")
    if not turns:
        turns = _name_lines(text)
        parsed.turns = turns
        parsed.title = None
    if not turns:
        parsed.warnings.append(f"{source}: no Otter speaker lines ('Name  0:07') found; "
                               "ingested as one speaker 'unknown'")
        fallback = read_text(text, source)
        parsed.turns = [RawTurn("unknown", t.text) for t in fallback.turns]
    return parsed


def _name_lines(text: str) -> list[RawTurn]:
    """Otter exported without timestamps: each block is a name line, then its paragraph."""
    blocks = [b.split("\n") for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]
    named = [b for b in blocks if len(b) >= 2 and len(b[0].strip()) <= MAX_LABEL
             and b[0].strip()[-1:] not in ".?!,;:" and len(b[0].split()) <= 4]
    names = {b[0].strip() for b in named}
    if len(named) < max(2, int(0.8 * len(blocks))) or len(names) > len(named) / 2 + 1:
        return []
    named_ids = {id(b) for b in named}
    turns: list[RawTurn] = []
    for b in blocks:
        if id(b) in named_ids:
            turns.append(RawTurn(b[0].strip(), _join(b[1:])))
        elif turns:
            turns[-1].text += "\n\n" + _join(b)
    return turns


def _join(lines: list[str]) -> str:
    return " ".join(ln.strip() for ln in lines if ln.strip())

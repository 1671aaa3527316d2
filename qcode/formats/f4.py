"""f4transkript / f5 transcripts: ``I:`` / ``B:`` (or ``IP:``, names) at the start of each
turn, and a time mark ``#hh:mm:ss-d#`` (tenths after the dash) at the **end** of a turn.

The mark closes its turn, so it is the turn's ``time_end``; the next turn starts there.
Marks are removed from the text. Old Windows installs save cp1252, which
:mod:`qcode.ingest.decoding` handles.

>>> p = read("I: Wie geht's? #00:00:04-2#\\nB: Gut (lacht). #00:00:09-5#\\n", "a.txt")
>>> [(t.speaker, t.text, t.time_start, t.time_end) for t in p.turns]
[('I', "Wie geht's?", None, 4.2), ('B', 'Gut (lacht).', 4.2, 9.5)]
"""

from __future__ import annotations

import re

from qcode.formats import Parsed
from qcode.formats.labels import parse_labelled, to_parsed

MARK = re.compile(r"[ \t]*#(\d{1,2}):(\d{2}):(\d{2})[-.,](\d{1,2})#")


def _mark_seconds(m: re.Match[str]) -> float:
    h, mi, s, frac = m.groups()
    return round(int(h) * 3600 + int(mi) * 60 + int(s) + int(frac) / 10 ** len(frac), 3)


def sniff(head: str) -> int:
    return 3 if "#" in head and MARK.search(head) else 0


def read(text: str, source: str) -> Parsed:
    parsed = to_parsed(parse_labelled(text, source))
    previous_end: float | None = None
    for turn in parsed.turns:
        marks = list(MARK.finditer(turn.text))
        if marks:
            turn.time_end = _mark_seconds(marks[-1])
            turn.text = MARK.sub("", turn.text).strip()
        if turn.time_start is None:
            turn.time_start = previous_end
        previous_end = turn.time_end if turn.time_end is not None else previous_end
    parsed.turns = [t for t in parsed.turns if t.text]
    return parsed

"""SubRip (.srt) subtitles, parsed with the ``srt`` package (strict: a broken block is an
error naming its line, never silently skipped).

- Multi-line cues are joined with spaces; ``<i>``/``<font>`` tags and ``{\\an8}`` codes removed.
- Speakers: ``[NAME] text`` or ``NAME: text`` at the start of a line (``[laughs]`` and other
  bracketed sound notes are not names); a line without a label continues the speaker before.
- ``- `` dialogue dashes put two speakers in one cue: each dash line is its own turn, with
  its own label, or ``unknown`` when it has none.
- Cue times may overlap (cue 3 starting before cue 2 ends); file order is kept and times
  are never assumed to increase. Consecutive cues of one speaker become one turn.

>>> p = read("1\\n00:00:01,000 --> 00:00:03,000\\n- [ANN] Where?\\n- [BO] <i>Here.</i>\\n", "a.srt")
>>> [(t.speaker, t.text) for t in p.turns]
[('ANN', 'Where?'), ('BO', 'Here.')]
"""

from __future__ import annotations

import re
from collections import Counter

from qcode.errors import InvalidInputError
from qcode.formats import Parsed, RawTurn
from qcode.formats.labels import KNOWN_SPEAKER, is_metadata_key

CUE_START = re.compile(r"(?:\d+[ \t]*\n)?[0-9]+[,.:][0-9]+[,.:][0-9]+[,.:]?[0-9]*[ \t]*-->")
TAGS = re.compile(r"</?(?:i|b|u|font|s)\b[^>]*>|\{\\[^}]*\}", re.IGNORECASE)
BRACKET = re.compile(r"^\[(?P<label>[^\]\n]{1,63})\][ \t]*(?P<rest>.*)$")
COLON = re.compile(r"^(?P<label>[^\W\d_][\w .'’-]{0,62}?):[ \t]+(?P<rest>.*)$")
DASH = re.compile(r"^[-–][ \t]*")
_SWALLOWED = re.compile(r"\n[ \t]*\n[ \t]*(\d+[ \t]*\n)")  # blank line, then a cue number
_SOUND_WORDS = """inaudible crosstalk laughs laughter laughing music applause pause
unclear silence noise coughs cough sighs sigh chuckles overlapping indistinct"""
SOUNDS = frozenset(_SOUND_WORDS.split())


def sniff(head: str) -> int:
    return 5 if CUE_START.match(head.lstrip()[:200]) else 0


def _label(line: str) -> tuple[str | None, str, str]:
    """(label, kind, rest) of one cue line; kind is 'bracket' or 'colon'."""
    m = BRACKET.match(line)
    if m:
        return m.group("label").strip(), "bracket", m.group("rest")
    m = COLON.match(line)
    if m:
        return m.group("label").strip(), "colon", m.group("rest")
    return None, "", line


def read(text: str, source: str) -> Parsed:
    # the srt library is needed to read only; sniffing a .txt file imports this module too
    import srt

    try:
        subs = list(srt.parse(text))
    except srt.SRTParseError as exc:
        at = exc.expected_start
        while at < len(text) and text[at] in " \t\n":
            at += 1
        line = text.count("\n", 0, at) + 1
        raise InvalidInputError(f"{source}:{line}: a subtitle block that is not 'number / "
                                "start --> end / text'; nothing was ingested",
                                hint="fix or remove that block (check the timing line)"
                                ) from None
    for sub in subs:  # the srt package folds a broken last block into the cue before it
        m = _SWALLOWED.search(sub.content)
        if m:
            at = text.find(sub.content[m.start(1):])
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            raise InvalidInputError(f"{source}:{line}: a subtitle block that is not 'number / "
                                    "start --> end / text'; nothing was ingested",
                                    hint="fix or remove that block (check the timing line)")
    # (start, end, [(is_dash, label, kind, rest)])
    cues: list[tuple[float, float, list[tuple[bool, str | None, str, str]]]] = []
    counts: Counter[str] = Counter()
    for sub in subs:
        content = TAGS.sub("", sub.content)
        lines = [ln.strip() for ln in content.split("\n") if ln.strip()]
        dashes = sum(1 for ln in lines if DASH.match(ln))
        parts: list[tuple[bool, str | None, str, str]] = []
        for ln in lines:
            is_dash = dashes >= 2 and DASH.match(ln) is not None
            if is_dash:
                ln = DASH.sub("", ln, count=1)
            label, kind, rest = _label(ln)
            if label:
                counts[label] += 1
            parts.append((is_dash, label, kind, rest))
        cues.append((sub.start.total_seconds(), sub.end.total_seconds(), parts))
    speakers = {lb for lb, n in counts.items() if _is_speaker(lb, n)}
    turns: list[RawTurn] = []
    current: str | None = None
    dash_turn = False
    for start, end, parts in cues:
        for is_dash, label, _kind, rest in parts:
            if label in speakers:
                speaker, body = label, rest.strip()
            else:
                speaker = "unknown" if is_dash else (current or "unknown")
                body = (f"[{label}] {rest}" if _kind == "bracket" else
                        f"{label}: {rest}") if label else rest
                body = body.strip()
            if not body:
                current = speaker
                continue
            last = turns[-1] if turns else None
            if last is not None and last.speaker == speaker and not is_dash and not dash_turn:
                last.text = f"{last.text} {body}"
                last.time_end = max(last.time_end or end, end)
            else:
                turns.append(RawTurn(speaker, body, round(start, 3), round(end, 3)))
            current = speaker
            dash_turn = is_dash
    warnings = []
    if not speakers and turns:
        warnings.append(f"{source}: no speaker labels found; ingested as one speaker "
                        "'unknown'")
    return Parsed(turns=turns, warnings=warnings)


def _is_speaker(label: str, n: int) -> bool:
    if label.lower() in SOUNDS or is_metadata_key(label):
        return False
    if KNOWN_SPEAKER.match(label):
        return True
    if label.isupper() and len(label.split()) <= 4:
        return True
    return n >= 2 and len(label.split()) <= 4

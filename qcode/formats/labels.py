"""Speaker labels in line-based transcripts (``Interviewer:``, ``I:``, ``P1:``, ``[00:01:02] R:``).

Shared by the plain-text, f4, Markdown and Word readers. A ``Label:`` at the start of a
line is only a speaker when the file makes it plausible, so that ``Date:``, ``Location:``
or ``for example:`` never become speakers:

- a known speaker label (Interviewer, Respondent, I, R, B, IP, P1, Speaker 2, ...) counts
  from its first use;
- any other label (a name such as ``Kari Nordmann``) counts when it starts a line at least
  twice, or once at the start of a paragraph when the file already has two speakers;
- metadata keys (Date, Location, Duration, Title, Note, ...) never count, and a leading
  block of ``Key: value`` lines that contains one is the file's header: its pairs become
  document attributes (``Interviewer: Kari`` inside such a header is metadata too).

Text before the first speaker label is the header (title line, ``Key: value`` attributes).
Lines without a label continue the current turn: a hard-wrapped line joins its paragraph
with a space, a blank line starts a new paragraph of the same turn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import Parsed, RawTurn

MAX_LABEL = 63  # MAXQDA's limit for speaker names

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
LABEL_LINE = re.compile(
    r"^[ \t\u00a0]*(?:[\[(]?(?P<ts>" + _TS + r")[\])]?[ \t]+)?"
    r"(?P<label>@?[^\W\d_][\w .'’()&/-]{0,62}?)[ \t]*:(?:[ \t\u00a0]+(?P<rest>.*)|[ \t]*)$"
)
KNOWN_SPEAKER = re.compile(
    r"(?i)^@?(?:interviewer(?:in)?|interviewee|respondent|moderator|facilitator|"
    r"participant|informant|befragte[rn]?|intervjuer|informant|deltaker|"
    r"i|r|b|ip|iv|int|res|resp|q|a|m|unknown speaker|speaker|"
    r"(?:p|r|i|b|ip|participant|respondent|speaker|interviewer|informant|deltaker)"
    r"[ _-]?\d{1,3})$"
)
_METADATA_WORDS = """
date dato datum time tid zeit location place sted ort venue setting site duration length
varighet dauer title tittel subject topic project study prosjekt transcriber transcribed
transcript transcription recorded recording audio video file filename source note notes
comment comments participants deltakere language språk version id interview intervju
organisation organization organisasjon role rolle region level nivå format keywords
"""
METADATA_KEYS = frozenset(_METADATA_WORDS.split())
_META_PREFIX = re.compile(r"(?i)^(?:transcri|record|interview (?:id|no|number|date))")
_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def seconds(stamp: str) -> float:
    """``1:02:03`` / ``02:03`` / ``0:02:03.5`` -> seconds.

    >>> seconds("1:02:03"), seconds("2:03"), seconds("0:0:19.30")
    (3723.0, 123.0, 19.3)
    """
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for p in parts:
        total = total * 60 + float(p)
    return round(total, 3)


def is_metadata_key(label: str) -> bool:
    key = label.strip().lower()
    return key in METADATA_KEYS or _META_PREFIX.match(key) is not None


def attribute_key(label: str) -> str:
    """``Interview date`` -> ``interview_date``."""
    return re.sub(r"[^\w]+", "_", label.strip().lower()).strip("_") or "field"


@dataclass(slots=True)
class _Line:
    index: int  # 0-based line number in the source
    text: str
    label: str | None = None
    rest: str = ""
    ts: str | None = None


@dataclass
class LabelledResult:
    turns: list[RawTurn]
    title: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    speakers_found: bool = True


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    out: list[list[_Line]] = []
    cur: list[_Line] = []
    for ln in lines:
        if ln.text.strip():
            cur.append(ln)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _plain_label(label: str) -> str:
    return label.strip().lstrip("@").strip()


def choose_speakers(lines: list[_Line], strong: frozenset[str] = frozenset()) -> set[str]:
    """The labels of ``lines`` that are speakers (see the module docstring)."""
    counts = Counter(ln.label for ln in lines if ln.label)
    speakers: set[str] = set()
    for label, n in counts.items():
        if is_metadata_key(label):
            continue
        if label in strong or KNOWN_SPEAKER.match(label) or (n >= 2 and len(label.split()) <= 5):
            speakers.add(label)
    if len(speakers) >= 2:
        prev_blank = True
        for ln in lines:
            if (ln.label and ln.label not in speakers and prev_blank
                    and counts[ln.label] == 1 and not is_metadata_key(ln.label)
                    and len(ln.label.split()) <= 3
                    and all(w[:1].isupper() for w in ln.label.split())):
                speakers.add(ln.label)
            prev_blank = not ln.text.strip()
    return speakers


def split_lines(text: str) -> list[_Line]:
    """Lines with their label candidates (``Label: rest``) already matched."""
    out: list[_Line] = []
    match = LABEL_LINE.match
    for i, raw in enumerate(text.split("\n")):
        ln = _Line(i, raw)
        if ":" in raw:
            m = match(raw)
            if m:
                label = m.group("label")
                ln.label = label.lstrip("@").strip() if label[0] == "@" else label.strip()
                ln.rest = m.group("rest") or ""
                ln.ts = m.group("ts")
        out.append(ln)
    return out


def parse_labelled(lines: list[_Line], source: str, *,
                   strong: frozenset[str] = frozenset(),
                   title: str | None = None) -> LabelledResult:
    """Turns from labelled lines; the header becomes title and attributes."""
    result = LabelledResult(turns=[], title=title)
    blocks = _blocks(lines)
    body_start = 0
    # a leading title line, then leading blocks of Key: value lines with a metadata key
    for bi, block in enumerate(blocks):
        if all(ln.label for ln in block) and any(is_metadata_key(ln.label or "")
                                                 for ln in block):
            for ln in block:
                result.attributes.setdefault(attribute_key(ln.label or ""), ln.rest.strip())
            body_start = bi + 1
            continue
        if bi == 0 and len(block) == 1 and not block[0].label and len(block[0].text) < 120:
            result.title = result.title or block[0].text.strip()
            body_start = 1
            continue
        break
    body = [ln for block in blocks[body_start:] for ln in block]
    first_body = body[0].index if body else len(lines)
    body_lines = [ln for ln in lines if ln.index >= first_body]
    speakers = choose_speakers(body_lines, strong)
    if not speakers:
        result.speakers_found = False
        result.warnings.append(
            f"{source}: no speaker labels found; ingested as one speaker 'unknown' with one "
            "turn per paragraph")
        for block in blocks[body_start:]:
            text = " ".join(ln.text.strip() for ln in block)
            result.turns.append(RawTurn("unknown", text))
        return result
    _fill_turns(body_lines, speakers, result, source)
    return result


def _fill_turns(lines: list[_Line], speakers: set[str], result: LabelledResult,
                source: str) -> None:
    turn: RawTurn | None = None
    paragraphs: list[list[str]] = []
    preamble = 0
    new_para = False

    def close() -> None:
        if turn is not None:
            text = "\n\n".join(" ".join(p) for p in paragraphs if p)
            if text:
                turn.text = text
                result.turns.append(turn)

    for ln in lines:
        stripped = ln.text.strip()
        if not stripped:
            new_para = True
            continue
        if ln.label in speakers:
            close()
            ts = seconds(ln.ts) if ln.ts else None
            turn = RawTurn(ln.label or "", "", ts, None)
            rest = ln.rest.strip()
            paragraphs = [[rest] if rest else []]
            new_para = False
            continue
        if turn is None:
            if ln.label and is_metadata_key(ln.label):
                result.attributes.setdefault(attribute_key(ln.label), ln.rest.strip())
            elif result.title is None and preamble == 0:
                result.title = stripped
            else:
                preamble += 1
            continue
        if new_para and paragraphs[-1]:
            paragraphs.append([stripped])
        else:
            paragraphs[-1].append(stripped)
        new_para = False
    close()
    if preamble:
        result.warnings.append(
            f"{source}: {preamble} line(s) before the first speaker label were not "
            "ingested as turns")


def to_parsed(res: LabelledResult) -> Parsed:
    return Parsed(turns=res.turns, title=res.title, attributes=res.attributes,
                  warnings=res.warnings)

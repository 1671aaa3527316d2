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
  document attributes (``Interviewer: Kari`` inside such a header is metadata too). A
  header line may hold several pairs (``Date: 14 March 2024   Location: video call``):
  a further metadata key after a gap of spaces, a tab, ``;`` or ``|`` (or after one space
  when the key is capitalised) starts a new pair.

Text before the first speaker label is the header (title line, ``Key: value`` attributes).
Lines without a label continue the current turn: a hard-wrapped line joins its paragraph
with a space, a blank line starts a new paragraph of the same turn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from qcode.formats import Parsed, RawTurn

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


_NEXT_KEY = re.compile(
    r"(?<=\S)(?P<sep>[ \t\u00a0]*[;|][ \t\u00a0]*|[ \t\u00a0]+)"
    r"(?=(?P<key>[^\W\d_][\w'’-]*(?: [\w'’-]+){0,2}):(?:[ \t\u00a0]|$))")


def header_pairs(label: str, rest: str) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs of one header line whose first label is ``label``.

    >>> header_pairs("Date", "14 March 2024   Location: video call")
    [('date', '14 March 2024'), ('location', 'video call')]
    >>> header_pairs("Note", "she said: Time will tell; project: pilot")
    [('note', 'she said: Time will tell'), ('project', 'pilot')]
    """
    pairs: list[tuple[str, str]] = []
    key, pos = label, 0
    for m in _NEXT_KEY.finditer(rest):
        nxt, sep = m.group("key"), m.group("sep")
        strong = len(sep) > 1 or sep.strip(" \u00a0") != ""
        if m.start() < pos or not is_metadata_key(nxt) or not (strong or nxt[0].isupper()):
            continue
        pairs.append((attribute_key(key), rest[pos:m.start()].strip()))
        key, pos = nxt, m.end() + len(nxt) + 1
    pairs.append((attribute_key(key), rest[pos:].strip()))
    return pairs


def _add_header_line(result: LabelledResult, m: re.Match[str]) -> None:
    for key, value in header_pairs(_label_of(m), m.group("rest") or ""):
        result.attributes.setdefault(key, value)


_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")  # a run of non-blank lines
_PARA_BREAK = re.compile(r"\n[^\S\n]*\n\s*")  # one or more blank lines
_WRAP = re.compile(r"\s*\n\s*")  # a line break inside a paragraph (hard wrap)


@dataclass
class LabelledResult:
    turns: list[RawTurn]
    title: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    speakers_found: bool = True


def _label_of(m: re.Match[str]) -> str:
    label = m.group("label")
    return label.lstrip("@").strip() if label[0] == "@" else label.strip()


def paragraphs_of(body: str) -> str:
    """Paragraphs separated by one blank line, hard-wrapped lines joined with a space."""
    parts = _PARA_BREAK.split(body.strip())
    return "\n\n".join(_WRAP.sub(" ", p) if "\n" in p else p for p in parts if p)


def _after_blank(text: str, pos: int, floor: int) -> bool:
    """Is the line starting at ``pos`` the first of the body or preceded by a blank line?"""
    if pos <= floor:
        return True
    prev_start = text.rfind("\n", 0, pos - 1) + 1
    return not text[prev_start:pos - 1].strip()


def choose_speakers(labels: list[tuple[str, bool]],
                    strong: frozenset[str] = frozenset()) -> set[str]:
    """The labels that are speakers, from ``(label, starts a paragraph)`` in file order."""
    counts = Counter(label for label, _ in labels)
    speakers: set[str] = set()
    for label, n in counts.items():
        if is_metadata_key(label):
            continue
        if label in strong or KNOWN_SPEAKER.match(label) or (n >= 2 and len(label.split()) <= 5):
            speakers.add(label)
    if len(speakers) >= 2:
        for label, para_start in labels:
            words = label.split()
            if (para_start and label not in speakers and counts[label] == 1
                    and not is_metadata_key(label) and len(words) <= 3
                    and all(w[:1].isupper() for w in words)):
                speakers.add(label)
    return speakers


def _header(text: str, result: LabelledResult) -> tuple[int, int | None]:
    """Read the title line and ``Key: value`` header blocks: the offset where the body starts,
    and the offset of the line taken as the title (None when no line was)."""
    title_at: int | None = None
    for i, block in enumerate(_BLOCK.finditer(text)):
        lines = block.group().split("\n")
        found = [LABEL_LINE.match(ln) for ln in lines]
        if all(found) and any(is_metadata_key(_label_of(m)) for m in found if m):
            for m in found:
                if m:
                    _add_header_line(result, m)
            continue
        if i == 0 and len(lines) == 1 and not found[0] and len(lines[0]) < 120:
            if result.title is None:
                result.title, title_at = lines[0].strip(), block.start()
            continue
        return block.start(), title_at
    return len(text), title_at


def _label_lines(text: str, start: int) -> list[tuple[int, int, re.Match[str]]]:
    """``(line start, line end, match)`` of every ``Label:`` line from offset ``start``."""
    out: list[tuple[int, int, re.Match[str]]] = []
    match = LABEL_LINE.match
    pos = start
    for line in text[start:].split("\n"):
        if ":" in line:
            m = match(line)
            if m:
                out.append((pos, pos + len(line), m))
        pos += len(line) + 1
    return out


def parse_labelled(text: str, source: str, *, strong: frozenset[str] = frozenset(),
                   title: str | None = None) -> LabelledResult:
    """Turns from labelled text; the header becomes title and attributes."""
    result = LabelledResult(turns=[], title=title)
    body_start, title_at = _header(text, result)
    found = _label_lines(text, body_start)
    labels = [(_label_of(m), _after_blank(text, s, body_start)) for s, _, m in found]
    speakers = choose_speakers(labels, strong)
    if not speakers:
        result.speakers_found = False
        result.warnings.append(
            f"{source}: no speaker labels found; ingested as one speaker 'unknown' with one "
            "turn per paragraph")
        paras = _PARA_BREAK.split(text[body_start:].strip())
        if title_at is not None:  # without labels a short first line is speech, not a title
            paras.insert(0, result.title or "")
            result.title = title
        for para in paras:
            if para.strip():
                result.turns.append(RawTurn("unknown", _WRAP.sub(" ", para.strip())))
        return result
    marks = [(s, e, m, label) for (s, e, m), (label, _) in zip(found, labels, strict=True)
             if label in speakers]
    _preamble(text[body_start:marks[0][0]], result, source)
    for i, (_s, e, m, label) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        body = paragraphs_of((m.group("rest") or "") + text[e:stop])
        if body:
            ts = m.group("ts")
            result.turns.append(RawTurn(label, body, seconds(ts) if ts else None, None))
    return result


def _preamble(chunk: str, result: LabelledResult, source: str) -> None:
    """Lines between the header and the first speaker label: metadata, title, or dropped."""
    dropped = 0
    for line in chunk.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        m = LABEL_LINE.match(line)
        if m and is_metadata_key(_label_of(m)):
            _add_header_line(result, m)
        elif result.title is None and dropped == 0:
            result.title = stripped
        else:
            dropped += 1
    if dropped:
        result.warnings.append(f"{source}: {dropped} line(s) before the first speaker label "
                               "were not ingested as turns")


def to_parsed(res: LabelledResult) -> Parsed:
    return Parsed(turns=res.turns, title=res.title, attributes=res.attributes,
                  warnings=res.warnings)

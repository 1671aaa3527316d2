"""Rebuild the DOCX interviews of the bundled sample study from their YAML data.

Usage:
    python transcripts/tools/make_docx.py            # rebuild every tools/<ID>.yaml
    python transcripts/tools/make_docx.py N01 L03    # rebuild only these

Each ``transcripts/tools/<ID>.yaml`` describes one interview and is written to
``transcripts/interviews/<ID>.docx``. Two layouts are supported (key ``style``):

``teams_triplets`` -- the older Microsoft Teams transcript export. After the header
paragraphs, every turn is three plain paragraphs::

    0:0:4.180 --> 0:0:9.920
    Speaker Name
    What the speaker said.

``word_transcribe`` -- Word's "Transcribe" export. Every turn starts with one bold
header paragraph ``Speaker Name  00:00:06`` (two spaces before the time), followed by
one or more text paragraphs. A newline inside a paragraph becomes a soft line break
(``run.add_break()``), not a new paragraph.

YAML keys:

    document: N01                      # file stem of the output
    style: teams_triplets              # or word_transcribe
    properties:                        # core properties, fixed so builds are identical
      title: ...
      author: ...
      created: 2016-10-04T09:00:00Z
    header: [first paragraph, second paragraph, ...]   # before the dialogue
    start_seconds: 3.5                 # optional, when the first turn starts
    turns:
      - speaker: Interviewer
        text: One string, or a list of strings (one per paragraph).
        start: "0:0:4.180"             # optional; otherwise timed from the word count
        end: "0:0:9.920"               # optional (teams_triplets only)

Times that are not given are computed from the number of words (a steady speaking
rate plus a short pause between turns), so the output is deterministic. The zip
entries get a fixed timestamp, so rebuilding an unchanged YAML gives identical bytes.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import yaml
from docx import Document
from docx.shared import Pt

TOOLS_DIR = Path(__file__).resolve().parent
OUT_DIR = TOOLS_DIR.parent / "interviews"
WORDS_PER_SECOND = 2.6
PAUSE_SECONDS = 0.7
ZIP_TIME = (2016, 1, 1, 0, 0, 0)
STYLES = ("teams_triplets", "word_transcribe")


def paragraphs_of(turn: dict) -> list[str]:
    """The text paragraphs of one turn, as a list."""
    text = turn["text"]
    return [text] if isinstance(text, str) else list(text)


def parse_clock(value: str) -> float:
    """Seconds from ``H:M:S.f`` or ``HH:MM:SS`` (any padding, any fraction length)."""
    hours, minutes, seconds = str(value).split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def teams_clock(seconds: float) -> str:
    """Unpadded Teams time: ``0:0:4.180``; a fraction ending in ``00`` loses one zero."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, fraction = divmod(rest, 1000)
    digits = f"{fraction:03d}"
    if digits.endswith("00"):
        digits = digits[:-1]
    return f"{hours}:{minutes}:{whole}.{digits}"


def word_clock(seconds: float) -> str:
    """Padded whole-second time as Word's Transcribe writes it: ``00:00:06``."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def timed_turns(data: dict) -> list[tuple[dict, float, float]]:
    """Each turn with its start and end in seconds (given, or from its word count)."""
    clock = float(data.get("start_seconds", 3.0))
    timed = []
    for turn in data["turns"]:
        words = sum(len(p.split()) for p in paragraphs_of(turn))
        start = parse_clock(turn["start"]) if "start" in turn else clock
        spoken = max(1.5, words / WORDS_PER_SECOND)
        end = parse_clock(turn["end"]) if "end" in turn else start + spoken
        timed.append((turn, start, end))
        clock = end + PAUSE_SECONDS
    return timed


def add_text_paragraph(doc, text: str) -> None:
    """One paragraph; newlines inside it become soft line breaks."""
    paragraph = doc.add_paragraph()
    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()


def build(data: dict):
    """A python-docx Document for one interview description."""
    style = data.get("style")
    if style not in STYLES:
        raise SystemExit(f"{data.get('document')}: style must be one of {', '.join(STYLES)}")
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    props = data.get("properties", {})
    created = props.get("created", datetime(2016, 1, 1, tzinfo=UTC))
    if isinstance(created, str):
        created = datetime.fromisoformat(created.replace("Z", "+00:00"))
    core = doc.core_properties
    core.title = props.get("title", data["document"])
    core.author = props.get("author", "qcode sample study")
    core.last_modified_by = props.get("author", "qcode sample study")
    core.created = created
    core.modified = created
    core.last_printed = created
    core.revision = 1
    core.comments = "Fictional interview written for the qcode sample study."
    for line in data.get("header", []):
        doc.add_paragraph(str(line))
    for turn, start, end in timed_turns(data):
        if style == "teams_triplets":
            doc.add_paragraph(f"{teams_clock(start)} --> {teams_clock(end)}")
            doc.add_paragraph(turn["speaker"])
            for text in paragraphs_of(turn):
                add_text_paragraph(doc, text)
        else:
            header = doc.add_paragraph()
            header.add_run(f"{turn['speaker']}  {word_clock(start)}").bold = True
            for text in paragraphs_of(turn):
                add_text_paragraph(doc, text)
    return doc


def deterministic_bytes(doc) -> bytes:
    """Save the document with fixed zip timestamps so identical input gives identical bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in TOOLS_DIR.glob("*.yaml"))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in names:
        data = yaml.safe_load((TOOLS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        target = OUT_DIR / f"{data['document']}.docx"
        target.write_bytes(deterministic_bytes(build(data)))
        print(f"wrote {target.relative_to(TOOLS_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

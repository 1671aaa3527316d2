"""The table of transcript readers: one module per format, looked up by name or detected.

Every reader turns a file into a :class:`Parsed` transcript: raw speaker turns (speaker,
text, start/end time in seconds when known) plus metadata (title, attributes, warnings).
The ingest core (:mod:`qcode.ingest.run`) lays the turns out as the document text and cuts
segments; readers never compute offsets.

>>> [r.name for r in as_list()]
['txt', 'otter', 'f4', 'md', 'vtt', 'srt', 'docx']
>>> by_name("vtt").extensions
('.vtt',)
>>> detect("interview.txt", b"Jane Doe  0:07\\nHello.\\n\\nBo  0:12\\nHi.\\n").name
'otter'
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType

from qcode.errors import UsageError


@dataclass(slots=True)
class RawTurn:
    """One speaker turn as read from a file. ``text`` holds paragraphs joined by a blank line."""

    speaker: str
    text: str
    time_start: float | None = None
    time_end: float | None = None


@dataclass(slots=True)
class Parsed:
    """What a reader returns."""

    turns: list[RawTurn]
    title: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    #: one sentence each, naming the file (and line), never quoting transcript text
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Reader:
    """A format: its name (the ``--format`` choice), file extensions and parse function.

    Text readers get the decoded, LF-normalised text; binary readers (docx) the raw bytes.
    ``sniff`` scores how much a text head looks like this format (0 = not at all).
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    module: str
    binary: bool = False

    def _mod(self) -> ModuleType:
        return import_module(f"qcode.formats.{self.module}")

    def read_text(self, text: str, source: str) -> Parsed:
        return self._mod().read(text, source)

    def read_bytes(self, data: bytes, source: str) -> Parsed:
        return self._mod().read(data, source)

    def sniff(self, head: str) -> int:
        fn: Callable[[str], int] | None = getattr(self._mod(), "sniff", None)
        return fn(head) if fn else 0


_READERS: tuple[Reader, ...] = (
    Reader("txt", "plain text with speaker labels (Interviewer:, I:/R:, P1:, [hh:mm:ss] I:)",
           (".txt", ".text", ""), "text"),
    Reader("otter", "Otter.ai text export (Name  0:07 line, then the paragraph)",
           (), "otter"),
    Reader("f4", "f4/f5 transcript (I:/B: labels, #hh:mm:ss-d# time marks)", (), "f4"),
    Reader("md", "Markdown with YAML front matter and **Speaker:** labels",
           (".md", ".markdown"), "markdown"),
    Reader("vtt", "WebVTT captions from Zoom (Name: text) or Teams (<v Name>)",
           (".vtt",), "vtt"),
    Reader("srt", "SubRip subtitles ([NAME], NAME:, - dialogue dashes)", (".srt",), "srt"),
    Reader("docx", "Word / Teams / Otter .docx transcript", (".docx",), "docx", binary=True),
)
_BY_NAME = {r.name: r for r in _READERS}


def as_list() -> list[Reader]:
    """Every reader, in the order of ``--format`` choices."""
    return list(_READERS)


def names() -> list[str]:
    return [r.name for r in _READERS]


def by_name(name: str) -> Reader:
    """The reader called ``name``; a UsageError with the choices if there is none."""
    reader = _BY_NAME.get(name.lower().lstrip("."))
    if reader is None:
        raise UsageError(f"unknown format '{name}'",
                         hint=f"choose one of: auto, {', '.join(names())}")
    return reader


def _head_text(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    elif head.startswith(codecs.BOM_UTF16_LE):
        return head[2:].decode("utf-16-le", "ignore")
    elif head.startswith(codecs.BOM_UTF16_BE):
        return head[2:].decode("utf-16-be", "ignore")
    return head.decode("utf-8", "ignore").replace("\r\n", "\n").replace("\r", "\n")


def detect(path: str | Path, head_bytes: bytes) -> Reader:
    """Choose a reader from the file extension and the first bytes of the file.

    Content wins over a misleading extension for the text formats: a ``.txt`` that starts
    with ``WEBVTT`` is read as WebVTT, and Otter / f4 text is recognised by its layout.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".docx" or head_bytes.startswith(b"PK\x03\x04"):
        return _BY_NAME["docx"]
    head = _head_text(head_bytes)
    if head.lstrip().startswith("WEBVTT"):
        return _BY_NAME["vtt"]
    if suffix == ".vtt":
        return _BY_NAME["vtt"]
    if suffix == ".srt":
        return _BY_NAME["srt"]
    if suffix in (".md", ".markdown"):
        return _BY_NAME["md"]
    scores = [(r.sniff(head), -i, r) for i, r in enumerate(_READERS)
              if r.name in ("srt", "otter", "f4")]
    best = max(scores, key=lambda s: (s[0], s[1]))
    if best[0] > 0:
        return best[2]
    return _BY_NAME["txt"]

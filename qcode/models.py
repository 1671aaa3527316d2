"""The domain nouns of qcode as small frozen records.

Records read from files (codebook, documents, log events) are pydantic models, validated at
the file boundary; a :class:`Coding`, of which there are many in hot loops, is a NamedTuple.

Codebook (levels, themes, codes) -> Document (turns, segments) -> Coding.
Offsets are ``[start, end)`` code-point offsets into a document's normalised text, so
``doc.text[seg.start:seg.end]`` is the segment's text in Python.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

Origin = Literal["manual", "auto", "imported", "reconciled", "search"]


class Record(BaseModel):
    """Base for every domain record: immutable, and strict about unknown fields.

    Each record's validator is built on its first use (``defer_build``), not when its
    module is imported: a command pays only for the records it makes (about 1 ms each;
    a read command uses a handful of the forty-odd)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# --------------------------------------------------------------------------- codebook


class Level(Record):
    """One level of the grid, e.g. micro / meso / macro.

    >>> Level(id="macro", name="Macro").id
    'macro'
    """

    id: str
    name: str
    description: str = ""


class Theme(Record):
    """One theme of the grid, e.g. GOV = governance and strategy."""

    id: str
    name: str
    description: str = ""


class Code(Record):
    """A code of the codebook: sits in one theme, and in one level when the study has levels.

    >>> c = Code(id="GOV-MAC-01", name="National strategy", theme="GOV", level="macro")
    >>> (c.theme, c.level, c.keywords)
    ('GOV', 'macro', ())
    """

    id: str
    name: str
    theme: str
    level: str | None = None
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    keywords_no: tuple[str, ...] = ()
    parent: str | None = None
    #: where the code comes from, e.g. ``from_paper`` or ``from_literature``
    source: str | None = None
    variation_relevant: bool = False
    #: retired by ``qcode codebook retire`` (or split): no longer offered; codings kept
    retired: bool = False

    @property
    def all_keywords(self) -> tuple[str, ...]:
        """English and Norwegian keywords together, in codebook order."""
        return self.keywords + self.keywords_no


class Codebook(Record):
    """A faceted codebook: ordered levels, themes, and the codes in the theme x level grid."""

    name: str = "codebook"
    version: str = ""
    description: str = ""
    #: coding rules for the whole codebook (e.g. "code the level of the actor, not the speaker")
    rules: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    themes: tuple[Theme, ...] = ()
    codes: tuple[Code, ...] = ()

    def code(self, code_id: str) -> Code | None:
        """The code with exactly this id, or None."""
        for c in self.codes:
            if c.id == code_id:
                return c
        return None

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def cell(self, theme_id: str, level_id: str | None) -> tuple[Code, ...]:
        """The codes of one theme x level cell, in codebook order."""
        return tuple(c for c in self.codes if c.theme == theme_id and c.level == level_id)

    def empty_cells(self) -> list[tuple[str, str]]:
        """Theme x level cells without any code (only meaningful when there are levels)."""
        return [(t.id, lv.id) for t in self.themes for lv in self.levels
                if not self.cell(t.id, lv.id)]


# --------------------------------------------------------------------------- documents


class Turn(Record):
    """One speaker turn: ``[start, end)`` in the document text; times in seconds when known."""

    speaker: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    time_start: float | None = None
    time_end: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Turn:
        if self.end < self.start:
            raise ValueError("a turn cannot end before it starts")
        return self


class Segment(Record):
    """The unit that is coded: ``D03:0012`` is segment 12 of document D03.

    >>> s = Segment(id="D03:0012", start=10, end=42, speaker="Respondent", turn=3)
    >>> s.end - s.start
    32
    """

    id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    speaker: str
    turn: int = Field(ge=0)
    time_start: float | None = None
    time_end: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Segment:
        if self.end <= self.start:
            raise ValueError("a segment must hold at least one character")
        return self


class Document(Record):
    """An ingested transcript. Its segmentation is frozen at ingest."""

    id: str
    title: str
    format: str
    unit: Literal["turn", "paragraph", "sentence"] = "turn"
    attributes: dict[str, str] = Field(default_factory=dict)
    text: str
    turns: tuple[Turn, ...] = ()
    segments: tuple[Segment, ...] = ()
    sha256: str = ""
    source_name: str = ""
    encoding: str = ""
    #: turn number -> the speaker label it was ingested with, for turns whose label was
    #: changed since (qcode speakers rename)
    original_speakers: dict[int, str] = Field(default_factory=dict)

    def segment(self, segment_id: str) -> Segment | None:
        for s in self.segments:
            if s.id == segment_id:
                return s
        return None

    def segment_text(self, seg: Segment) -> str:
        return self.text[seg.start:seg.end]

    @property
    def speakers(self) -> tuple[str, ...]:
        """Distinct speakers in order of first appearance."""
        return tuple(dict.fromkeys(t.speaker for t in self.turns))


# --------------------------------------------------------------------------- codings


class CodingEvent(Record):
    """One event of a coder's append-only log ``codings/<coder>.jsonl``.

    Each line of the log is one action: a single event object, or a JSON array of the events
    that one action wrote together (so a crash can tear a whole action, never half of one).

    ``op`` is ``add`` / ``remove`` (a code on a span ``[start, end)`` of the text, whose
    first segment is ``segment``; a span across segments lists them in ``segments``; an add
    without offsets, or with its segment's, codes the whole segment), ``memo`` (a note on a
    segment;
    empty text clears it), ``done`` / ``reopen`` (a document marked completely coded, or
    not), or ``undo`` (reverts the event with sequence number ``target``).
    """

    op: Literal["add", "remove", "memo", "done", "reopen", "undo"]
    seq: int = Field(ge=1)
    time: str
    doc: str
    segment: str | None = None
    start: int | None = None
    end: int | None = None
    quote: str | None = None
    #: every segment a span across segments touches (absent for a span in one segment)
    segments: tuple[str, ...] | None = None
    #: a remove of exactly the span ``start``-``end`` (written since spans); a remove
    #: without it (an older log) takes the code off the segment, every span of it there
    span: bool | None = None
    code: str | None = None
    memo: str | None = None
    origin: Origin = "manual"
    target: int | None = None
    #: for origin=reconciled: the id of the reconciliation decision behind this event
    decision: str | None = None
    #: the event's own id (random, unique; absent in logs written before ids): the same
    #: event twice in a merged log is counted once (see qcode.coding.order)
    id: str | None = None
    #: for an undo: the id of the event it reverts (``target`` is that event's seq)
    target_id: str | None = None


class Coding(NamedTuple):
    """The current state: one code on one span ``[start, end)`` by one coder (a fold of the
    log). ``segment`` is the first segment the span lies in (a whole-segment coding has the
    segment's offsets); :func:`qcode.coding.spans.segments_touched` gives every segment it
    touches, and ``quote`` is exactly ``doc.text[start:end]`` when it was coded.

    The one shape of a coding everywhere (folds, counts, agreement, exports). A frozen tuple,
    not a pydantic model: a corpus holds hundreds of thousands of them, built from log events
    that were already checked when the log was read (:mod:`qcode.coding.events`).

    >>> c = Coding("ingrid", "N01", "N01:0003", "GOV-MAC-01", 10, 42, "a quote")
    >>> (c.code, c.origin, c.memo)
    ('GOV-MAC-01', 'manual', None)
    """

    coder: str
    doc: str
    segment: str
    code: str
    start: int
    end: int
    quote: str
    origin: Origin = "manual"
    memo: str | None = None
    decision: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The fields by name (the JSON shape of a coding)."""
        return dict(zip(self._fields, self, strict=True))

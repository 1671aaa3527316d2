"""Coded excerpts: the quotes behind the counts, grouped theme -> level -> code.

Each excerpt is exactly one coded span (a whole segment, part of one, or a stretch across
segments) and carries its document (id and title), speaker, the segment(s) it lies in, time,
the document's attributes, the coder's memo and, when asked, the words around it
(:mod:`qcode.counts.context`). Two codings of the same span under one code are one
excerpt. Order inside a code: document id, then position in the document, so the same
project always gives the same list.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import Field

from qcode.clock import clock
from qcode.codebook.load import resolve_code, resolve_facet
from qcode.counts.context import Context, around
from qcode.counts.matrix import NO_LEVEL, Corpus, select
from qcode.models import Codebook, Record


class Excerpt(NamedTuple):
    """One coded span under one code (a light tuple: reports hold thousands).

    ``segment`` is the first segment the span lies in and ``last_segment`` its last (the
    same for a span inside one segment); ``before`` / ``after`` are the context shown
    around the quote (empty unless a context was asked for)."""

    code: str
    theme: str
    level: str
    doc: str
    title: str
    segment: str
    speaker: str
    time_start: float | None
    time_end: float | None
    quote: str
    memo: str | None
    attributes: dict[str, str]
    origin: str = "manual"
    start: int = 0
    end: int = 0
    last_segment: str = ""
    before: str = ""
    after: str = ""

    @property
    def speaker_label(self) -> str:
        """The speaker as every report format shows it: the document's label (as renamed by
        ``qcode speakers rename``), runs of white space as one space; ``unknown`` for none
        (the label ingest gives a transcript without labels)."""
        return speaker_label(self.speaker)

    @property
    def segments_label(self) -> str:
        """``D01:0003``, or ``D01:0003-0005`` for a span across segments."""
        last = self.last_segment
        if not last or last == self.segment:
            return self.segment
        head, _, tail = last.rpartition(":")
        return f"{self.segment}-{tail}" if self.segment.startswith(f"{head}:") else \
            f"{self.segment}-{last}"


def speaker_label(speaker: str) -> str:
    """:attr:`Excerpt.speaker_label` of a speaker as the document names it."""
    return " ".join(speaker.split()) or "unknown"


_new = tuple.__new__  # builds a NamedTuple from a full tuple without its Python __new__


class CodeGroup(Record):
    code: str
    name: str
    excerpts: tuple[Any, ...]  # Excerpt records
    #: how many excerpts the code has in all (more than shown after ``--per-code``)
    total: int = 0

    @property
    def count_label(self) -> str:
        """``4 excerpts``, or ``3 of 12 excerpts`` when only some are shown."""
        n, total = len(self.excerpts), max(self.total, len(self.excerpts))
        noun = "excerpt" if total == 1 else "excerpts"
        return f"{n} {noun}" if n == total else f"{n} of {total} {noun}"


class LevelGroup(Record):
    level: str
    name: str
    codes: tuple[CodeGroup, ...]


class ThemeGroup(Record):
    theme: str
    name: str
    levels: tuple[LevelGroup, ...]


class Selection(Record):
    """The filters an excerpt list was made with (for report headers)."""

    theme: str | None = None
    level: str | None = None
    codes: tuple[str, ...] = ()
    where: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    def describe(self) -> str:
        parts = []
        if self.theme:
            parts.append(f"theme {self.theme}")
        if self.level:
            parts.append(f"level {self.level}")
        if self.codes:
            parts.append("code " + ", ".join(self.codes))
        for k, vals in self.where.items():
            parts.append(f"{k} = {' or '.join(vals)}")
        return "; ".join(parts) or "all codings"


def resolve_selection(cb: Codebook, theme: str | None = None, level: str | None = None,
                      codes: list[str] | tuple[str, ...] = (),
                      where: dict[str, tuple[str, ...]] | None = None) -> Selection:
    """Resolve names to ids (with "did you mean" errors) into a :class:`Selection`."""
    return Selection(theme=resolve_facet(cb, "theme", theme) if theme else None,
                     level=resolve_facet(cb, "level", level) if level else None,
                     codes=tuple(resolve_code(cb, q).id for q in codes),
                     where=dict(where or {}))


def format_time(seconds: float | None) -> str:
    """The time of an excerpt: :func:`qcode.clock.clock` (``h:mm:ss``)."""
    return clock(seconds)


def apply_selection(corpus: Corpus, sel: Selection) -> Corpus:
    """The corpus with only the codings the selection keeps."""
    corpus = select(corpus, sel.where)
    cb = corpus.codebook
    keep = {c.id for c in cb.codes
            if (sel.theme is None or c.theme == sel.theme)
            and (sel.level is None or c.level == sel.level)
            and (not sel.codes or c.id in sel.codes)}
    if len(keep) == len(cb.codes):
        return corpus
    return Corpus(coder=corpus.coder, codebook=cb, docs=corpus.docs,
                  codings=[c for c in corpus.codings if c.code in keep],
                  omissions=corpus.omissions, attribute_names=corpus.attribute_names)


def excerpts(corpus: Corpus, sel: Selection | None = None,
             context: Context = None) -> list[ThemeGroup]:
    """Excerpts grouped theme -> level -> code, in codebook order; empty groups left out.
    ``context`` (words, ``"sentence"`` or None) adds the text around each span."""
    if sel is not None:
        corpus = apply_selection(corpus, sel)
    cb = corpus.codebook
    by_code: dict[str, list[tuple[str, int, int, int, Excerpt]]] = {}
    seen: set[tuple[str, str, int, int]] = set()
    # per code its list and the theme and level an excerpt carries, looked up once
    facets = {c.id: (c.theme, c.level or NO_LEVEL) for c in cb.codes}
    lists: dict[str, tuple[list[tuple[str, int, int, int, Excerpt]], str, str]] = {}
    docs, new, add = corpus.docs, _new, seen.add
    last_doc: str | None = None
    for c in corpus.codings:  # a coder's codings come document by document, mostly
        _, doc, seg, code_id, start, end, quote, origin, memo, _ = c  # a Coding's fields
        key = (code_id, doc, start, end)
        if key in seen:  # the same span under the same code (codes merged since)
            continue
        add(key)
        if doc != last_doc:
            d = docs[doc]
            segments, bounds, title, attributes = d.segments, d.bounds, d.title, \
                d.attributes
            last_doc = doc
        pos, speaker, t0, t1 = segments[seg]
        b = bounds.get(seg)
        last = seg if b is None or end <= b[1] else d.touched(c)[-1]
        before = after = ""
        if context is not None and d.text:
            lo = d.turns.get(seg, bounds[seg])[0]
            hi = d.turns.get(last, bounds[last])[1]
            before, after = around(d.text, lo, start, end, hi, context)
        entry = lists.get(code_id)
        if entry is None:
            theme_id, level_id = facets[code_id]
            entry = lists[code_id] = by_code.setdefault(code_id, []), theme_id, level_id
        entry[0].append((doc, pos, start, end,
                         new(Excerpt, (code_id, entry[1], entry[2], doc, title, seg,
                                       speaker, t0, t1, quote, memo, attributes,
                                       origin, start, end, last, before, after))))
    level_ids: list[str] = [lv.id for lv in cb.levels]
    if any(c.level is None for c in cb.codes):
        level_ids.append(NO_LEVEL)
    groups = []
    for t in cb.themes:
        levels = []
        for lv in level_ids:
            codes = []
            for code in cb.codes:
                if code.theme != t.id or (code.level or NO_LEVEL) != lv:
                    continue
                items = by_code.get(code.id)
                if items:
                    # (doc, position, start, end) is unique within a code (``seen``), so
                    # the tuples sort by it alone and never compare their excerpts
                    items.sort()
                    codes.append(CodeGroup(code=code.id, name=code.name,
                                           excerpts=tuple([x[4] for x in items]),
                                           total=len(items)))
            if codes:
                level = cb.level(lv)
                levels.append(LevelGroup(level=lv, name=level.name if level else lv,
                                         codes=tuple(codes)))
        if levels:
            groups.append(ThemeGroup(theme=t.id, name=t.name, levels=tuple(levels)))
    return groups


def flat(groups: list[ThemeGroup]) -> list[Excerpt]:
    """Every excerpt of a grouping, in report order."""
    return [e for t in groups for lv in t.levels for c in lv.codes for e in c.excerpts]


def in_context(e: Excerpt) -> str:
    """The quote with its context in brackets: ``[... before] quote [after ...]``."""
    return " ".join(x for x in (f"[{e.before}]" if e.before else "", e.quote,
                                f"[{e.after}]" if e.after else "") if x)


def rows(groups: list[ThemeGroup], attribute_names: list[str],
         context: bool = False, memos: bool = True) -> list[dict[str, Any]]:
    """One flat row per excerpt (for CSV and XLSX), attributes as their own columns; with
    ``context``, an ``in_context`` column after the quote (:func:`in_context`); with
    ``memos``, a ``memo`` column (the coder's memo)."""
    out = []
    for t in groups:
        for lv in t.levels:
            for cg in lv.codes:
                for e in cg.excerpts:
                    row: dict[str, Any] = {
                        "theme": t.theme, "level": lv.level, "code": cg.code,
                        "code_name": cg.name, "document": e.doc, "title": e.title,
                        "segment": e.segments_label, "speaker": e.speaker_label,
                        "time": format_time(e.time_start), "quote": e.quote}
                    if context:
                        row["in_context"] = in_context(e)
                    if memos:
                        row["memo"] = e.memo or ""
                    for a in attribute_names:
                        row[f"attr:{a}"] = e.attributes.get(a, "")
                    out.append(row)
    return out

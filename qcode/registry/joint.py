"""Joint displays: registry figures beside the interview findings, group by group.

A group is a region, a hospital, or any value of a document attribute. Documents join a
group through their attributes (``region``, ``hospital``, or the attribute named); the
registry joins through its ``region`` / ``hospital`` column. For each group the display
holds:

* the registry figures (share, contacts, visits, hospitals using; the regularity class for
  a hospital), when the registry has that group;
* the theme x level counts of the group's interviews, for one coder, counted as
  ``qcode matrix`` counts them (coded segments by default);
* the group's most frequent codes, each with one short quote from its interviews.

:func:`joint_display` is pure: it takes the registry summary and, per group, a
:class:`GroupInterviews` record, which :func:`group_interviews` makes from a group's
codings and its matrix. :func:`build` does all of it for a project.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import Field

from qcode.coding.usable import Omissions
from qcode.counts.matrix import COUNT_MODES, Corpus, Matrix, axis, crosstab, load_corpus
from qcode.errors import NotFoundError, UsageError
from qcode.models import Codebook, Coding, Record
from qcode.project import Project
from qcode.registry import table as registry_files
from qcode.registry.utilisation import (
    GroupFigures,
    Regularity,
    Summary,
    Tally,
    share_pct,
    summarise,
)

REGISTRY_DIMENSIONS = ("region", "hospital")
QUOTE_CHARS = 160  # a "short quote": at most this many characters (cut at a word)
MIN_QUOTE_WORDS = 6  # prefer quotes of at least this many words


class ThemeLevelCounts(Record):
    """A theme x level table of counts: ``counts[i][j]`` is theme ``themes[i]`` at level
    ``levels[j]``.

    >>> m = ThemeLevelCounts(themes=("GOV",), levels=("macro", "micro"), counts=((2, 0),))
    >>> m.total, m.count("GOV", "macro")
    (2, 2)
    """

    themes: tuple[str, ...]
    levels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def count(self, theme: str, level: str) -> int:
        return self.counts[self.themes.index(theme)][self.levels.index(level)]


class CodeQuote(Record):
    """One of a group's most frequent codes, with one short quote where it was applied."""

    code: str
    name: str
    count: int
    doc: str
    segment: str
    quote: str


class GroupInterviews(Record):
    """The qualitative half of one group: its documents, counts and top codes."""

    key: str
    documents: tuple[str, ...]
    codings: int
    matrix: ThemeLevelCounts
    top_codes: tuple[CodeQuote, ...] = ()


class GroupRegistry(Tally):
    """The quantitative half of one group (see :mod:`qcode.registry.utilisation`)."""

    hospitals_using: int
    hospitals_total: int
    regularity: Regularity | None = None  # for a hospital
    first_year: int | None = None  # the first and last registry year with visits
    first_year_share_pct: float | None = None
    last_year: int | None = None
    last_year_share_pct: float | None = None


class JointRow(Record):
    key: str
    registry: GroupRegistry | None
    interviews: GroupInterviews


class JointDisplay(Record):
    by: str  # region | hospital | attr:NAME
    attribute: str  # the document attribute that links documents to groups
    coder: str
    count: str = "segments"  # the unit of the theme x level counts (see qcode.counts.matrix)
    period: tuple[int, ...]  # registry years (empty without registry figures)
    national: Tally | None
    themes: tuple[tuple[str, str], ...]  # (id, name)
    levels: tuple[tuple[str, str], ...]
    rows: tuple[JointRow, ...]
    registry_only: tuple[str, ...] = ()  # registry groups without interviews
    unlinked_documents: tuple[str, ...] = ()  # documents without the linking attribute
    #: what was left out of the coder's codings (reported by the CLI; not in the JSON)
    omissions: Omissions = Field(default_factory=Omissions, exclude=True)


# ------------------------------------------------------------------------ grouping


def parse_by(by: str) -> tuple[str, str | None]:
    """``region`` -> (attribute ``region``, registry dimension ``region``); ``attr:role`` ->
    (``role``, None); ``attr:hospital`` links to the registry like ``hospital``.

    >>> parse_by("attr:stakeholder_level")
    ('stakeholder_level', None)
    """
    if by in REGISTRY_DIMENSIONS:
        return by, by
    if by.startswith("attr:") and by[5:].strip():
        name = by[5:].strip()
        return name, name if name in REGISTRY_DIMENSIONS else None
    raise UsageError(f"--by '{by}' is not region, hospital or attr:NAME",
                     hint="e.g. --by region, --by hospital or --by attr:stakeholder_level")


def documents_by_group(documents: Iterable[Any], attribute: str,
                       known: Iterable[str] = ()) -> tuple[dict[str, list[str]], list[str]]:
    """Document ids per attribute value, and the ids of documents without the attribute.

    ``documents`` are records with ``id`` and ``attributes`` (a :class:`Document`, or the
    lighter ``qcode.counts.matrix.DocInfo``). A value that matches one of the ``known`` group
    names (e.g. the registry's regions) regardless of case is spelled as that name.
    """
    spelling = {k.casefold(): k for k in known}
    groups: dict[str, list[str]] = defaultdict(list)
    unlinked = []
    for doc in documents:
        value = (doc.attributes.get(attribute) or "").strip()
        if value:
            groups[spelling.get(value.casefold(), value)].append(doc.id)
        else:
            unlinked.append(doc.id)
    return dict(groups), unlinked


def short_quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The text on one line, cut at a word boundary to at most ``limit`` characters.

    >>> short_quote("We never had   a budget line for it.", 20)
    'We never had a…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _keyword_hits(sentence: str, keywords: tuple[str, ...]) -> int:
    folded = sentence.casefold()
    return sum(1 for k in keywords if k and k.casefold() in folded)


def excerpt(text: str, keywords: tuple[str, ...] = (), limit: int = QUOTE_CHARS
            ) -> tuple[str, int]:
    """The most telling part of a coded segment, and its keyword score.

    The sentence with the most of the code's keywords (ties: the earlier one; sentences of
    fewer than MIN_QUOTE_WORDS words come last), followed by the next sentences while they
    fit in ``limit``; cut at a word with an ellipsis where needed, and an ellipsis in front
    when it does not start the segment.

    >>> excerpt("Yes. The ISF rate for video was too low. We stopped.", ("ISF",), 60)
    ('…The ISF rate for video was too low. We stopped.', 1)
    """
    sentences = [x for x in (part.removeprefix("(...)").removeprefix("[...]").strip()
                             for part in _SENTENCE_END.split(" ".join(text.split()))) if x]
    if not sentences:
        return "", 0
    scores = [(_keyword_hits(x, keywords), len(x.split()) >= MIN_QUOTE_WORDS)
              for x in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i][1], scores[i][0], -i))
    chosen = sentences[best]
    for following in sentences[best + 1:]:
        if len(chosen) + 1 + len(following) > limit:
            break
        chosen += " " + following
    quote = short_quote(chosen, limit if best == 0 else limit - 1)
    return ("…" + quote if best > 0 else quote), scores[best][0]


def _pick_quote(texts: list[tuple[str, str, str]], keywords: tuple[str, ...]
                ) -> tuple[str, str, str]:
    """(doc, segment, excerpt) of the coding whose excerpt shows the code best: most
    keyword hits, then the shorter excerpt, then document and segment order."""
    scored = []
    for doc, seg, text in texts:
        quote, score = excerpt(text, keywords)
        scored.append((-score, len(quote), doc, seg, quote))
    _, _, doc, seg, quote = min(scored)
    return doc, seg, quote


def group_interviews(key: str, documents: Iterable[str], codings: Iterable[Coding],
                     codebook: Codebook, matrix: ThemeLevelCounts, top: int = 3,
                     quote_of: Callable[[Coding], str] | None = None) -> GroupInterviews:
    """The qualitative half of one group: its documents, its theme x level ``matrix``
    (counted by the caller, e.g. with :func:`qcode.counts.matrix.crosstab`), and its ``top`` most
    frequent codes among ``codings``, each with one short quote.

    ``quote_of`` gives the text of a coding whose stored quote is empty.
    """
    docs = tuple(sorted(documents))
    wanted = set(docs)
    per_code: Counter[str] = Counter()
    texts: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    n = 0
    for c in codings:
        if c.doc not in wanted:
            continue
        n += 1
        per_code[c.code] += 1
        quote = c.quote or (quote_of(c) if quote_of else "")
        texts[c.code].append((c.doc, c.segment, quote))
    by_id = {c.id: c for c in codebook.codes}
    top_codes = []
    for code_id, count in sorted(per_code.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        code = by_id.get(code_id)
        doc, seg, quote = _pick_quote(texts[code_id], code.all_keywords if code else ())
        top_codes.append(CodeQuote(code=code_id, name=code.name if code else code_id,
                                   count=count, doc=doc, segment=seg, quote=quote))
    return GroupInterviews(key=key, documents=docs, codings=n, matrix=matrix,
                           top_codes=tuple(top_codes))


def theme_level_counts(matrix: Matrix, themes: Iterable[str], levels: Iterable[str]
                       ) -> ThemeLevelCounts:
    """A ``qcode.counts.matrix.Matrix`` (rows x cols) laid onto the given themes and levels (0
    where the matrix has no such row or column)."""
    ri = {v: i for i, v in enumerate(matrix.rows)}
    ci = {v: j for j, v in enumerate(matrix.cols)}
    themes, levels = tuple(themes), tuple(levels)
    counts = tuple(tuple(matrix.counts[ri[t]][ci[lv]] if t in ri and lv in ci else 0
                         for lv in levels) for t in themes)
    return ThemeLevelCounts(themes=themes, levels=levels, counts=counts)


# ------------------------------------------------------------------------ the display


def _registry_half(group: GroupFigures, summary: Summary) -> GroupRegistry:
    regularity = None
    if summary.by == "hospital":
        regularity = next((h.regularity for h in summary.hospitals if h.hospital == group.key),
                          None)
    years = [y for y in group.years if y.share_pct is not None]
    return GroupRegistry(outpatient_visits=group.outpatient_visits,
                         telemedicine_contacts=group.telemedicine_contacts,
                         hospitals_using=group.hospitals_using,
                         hospitals_total=group.hospitals_total, regularity=regularity,
                         first_year=years[0].year if years else None,
                         first_year_share_pct=years[0].share_pct if years else None,
                         last_year=years[-1].year if years else None,
                         last_year_share_pct=years[-1].share_pct if years else None)


def joint_display(by: str, coder: str, interviews: Mapping[str, GroupInterviews],
                  themes: Iterable[tuple[str, str]], levels: Iterable[tuple[str, str]],
                  summary: Summary | None = None, unlinked_documents: Iterable[str] = (),
                  count: str = "segments") -> JointDisplay:
    """Put each group's registry figures (from ``summary``, grouped by the registry
    dimension) beside its interviews. Group keys match exactly, else without case.

    ``themes`` and ``levels`` are (id, label) pairs in the order of the matrices. Groups
    are the groups with interviews, in key order; registry groups without any interview
    are listed in ``registry_only``.
    """
    registry: dict[str, GroupFigures] = {}
    if summary is not None:
        registry = {g.key: g for g in summary.groups}
    folded = {k.casefold(): k for k in registry}
    rows = []
    matched: set[str] = set()
    for key in sorted(interviews, key=lambda k: (k.casefold(), k)):
        rkey = key if key in registry else folded.get(key.casefold())
        half = _registry_half(registry[rkey], summary) if rkey and summary else None
        if rkey:
            matched.add(rkey)
        rows.append(JointRow(key=key, registry=half, interviews=interviews[key]))
    return JointDisplay(
        by=by, attribute=parse_by(by)[0], coder=coder, count=count,
        period=summary.period if summary else (),
        national=summary.national if summary else None,
        themes=tuple(themes), levels=tuple(levels), rows=tuple(rows),
        registry_only=tuple(k for k in sorted(registry) if k not in matched),
        unlinked_documents=tuple(sorted(unlinked_documents)))


def build(project: Project, by: str, coder: str | None = None, top: int = 3,
          years: tuple[int, int] | None = None, count: str = "segments") -> JointDisplay:
    """The joint display of a project (library entry point behind ``qcode joint``).

    The coder is chosen as ``qcode matrix`` chooses it (the one named; else the consensus
    coder; else the only coder), and each group's theme x level counts are
    :func:`qcode.counts.matrix.crosstab` counts of the group's documents (``count``: segments,
    codings, documents or speakers). Codings of codes no longer in the codebook are left
    out, as in ``qcode matrix``.
    """
    if count not in COUNT_MODES:
        raise UsageError(f"unknown count '{count}'", hint=f"counts: {', '.join(COUNT_MODES)}")
    attribute, dimension = parse_by(by)
    corpus = load_corpus(project, coder)
    summary = None
    if dimension is not None:
        try:
            summary = summarise(registry_files.load(project.root), dimension, years)  # type: ignore[arg-type]
        except NotFoundError:
            summary = None
    groups, unlinked = documents_by_group(
        corpus.docs.values(), attribute, [g.key for g in summary.groups] if summary else ())
    if not groups:
        raise UsageError(f"no document has the attribute '{attribute}'",
                         hint="give documents attributes with qcode ingest --attr or "
                              "--attributes FILE.csv")
    themes, levels = axis(corpus, "theme"), axis(corpus, "level")
    texts: dict[str, str] = {}

    def quote_of(c: Coding) -> str:
        if c.doc not in texts:
            texts[c.doc] = project.load_document(c.doc).text
        return texts[c.doc][c.start:c.end]

    interviews = {}
    for key, ids in groups.items():
        members = set(ids)
        part = Corpus(coder=corpus.coder, codebook=corpus.codebook,
                      docs={i: corpus.docs[i] for i in ids},
                      codings=[c for c in corpus.codings if c.doc in members])
        counts = theme_level_counts(crosstab(part, "theme", "level", count), themes.values,
                                    levels.values)
        interviews[key] = group_interviews(key, ids, part.codings, corpus.codebook, counts,
                                           top, quote_of)
    display = joint_display(by, corpus.coder, interviews,
                            zip(themes.values, themes.labels, strict=True),
                            zip(levels.values, levels.labels, strict=True), summary,
                            unlinked, count)
    return display.model_copy(update={"omissions": corpus.omissions})


# ------------------------------------------------------------------------ plain data


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def as_dict(d: JointDisplay) -> dict[str, Any]:
    """The display as JSON-ready data (shape documented in the README)."""
    groups = []
    for row in d.rows:
        reg = row.registry
        iv = row.interviews
        groups.append({
            "key": row.key,
            "registry": None if reg is None else {
                "outpatient_visits": reg.outpatient_visits,
                "telemedicine_contacts": reg.telemedicine_contacts,
                "share_pct": _r(reg.share_pct),
                "hospitals_using": reg.hospitals_using,
                "hospitals_total": reg.hospitals_total,
                "regularity": reg.regularity,
                "first_year": reg.first_year,
                "first_year_share_pct": _r(reg.first_year_share_pct),
                "last_year": reg.last_year,
                "last_year_share_pct": _r(reg.last_year_share_pct)},
            "documents": list(iv.documents),
            "codings": iv.codings,
            "matrix": {"themes": list(iv.matrix.themes), "levels": list(iv.matrix.levels),
                       "counts": [list(r) for r in iv.matrix.counts]},
            "top_codes": [{"code": q.code, "name": q.name, "count": q.count,
                           "quote": {"doc": q.doc, "segment": q.segment, "text": q.quote}}
                          for q in iv.top_codes],
        })
    return {
        "by": d.by, "attribute": d.attribute, "coder": d.coder, "count": d.count,
        "period": ({"first": d.period[0], "last": d.period[-1]} if d.period else None),
        "national": None if d.national is None else {
            "outpatient_visits": d.national.outpatient_visits,
            "telemedicine_contacts": d.national.telemedicine_contacts,
            "share_pct": _r(share_pct(d.national.telemedicine_contacts,
                                      d.national.outpatient_visits))},
        "themes": [{"id": i, "name": n} for i, n in d.themes],
        "levels": [{"id": i, "name": n} for i, n in d.levels],
        "groups": groups,
        "registry_only": list(d.registry_only),
        "unlinked_documents": list(d.unlinked_documents),
    }

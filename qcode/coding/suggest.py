"""Keyword suggestions: which codes a segment's words point to, with a score, and how far to
trust them against a human coder.

Each code's English and Norwegian keywords (``keywords`` + ``keywords_no``) are matched
against the words of a segment (case-folded, split on anything but letters, digits and
hyphens). A keyword hit scores:

- 100: the keyword is a word of the segment (a phrase: the same words in a row);
- 95: a word starts with it, i.e. an inflected form of a stem (``reimburs`` ->
  ``reimbursement``, ``pilot`` -> ``pilots``, ``takst`` -> ``takstene``), 3+ letters;
- 90: it sits inside a longer word, i.e. a compound (``konsultasjon`` in
  ``videokonsultasjonene``), 5+ letters;
- 85-99: rapidfuzz ``ratio`` of a word (or, for phrases of 10+ letters, ``partial_ratio`` of
  the text) at 85 or more: spelling variants and irregular forms (``municipality`` ->
  ``municipalities``).

A code's score pools the evidence of its distinct keyword hits: each hit of score ``s`` counts
as a probability ``w * s / 100`` (``w`` = :data:`HIT_WEIGHT`, and a fuzzy hit counts at 80 %
of its ratio), and the code scores ``100 * (1 - prod(1 - p))``. One exact keyword gives 60,
two give 84, three 94: on the sample study a lone keyword is right about one time in eight,
two or more keywords far more often. Interviewer turns are skipped by default: coders code
what respondents say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qcode.coding import store as codings
from qcode.coding.drafts import EventDraft
from qcode.errors import ConflictError
from qcode.models import Codebook, Document, Segment
from qcode.project import Project

WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*-?")
INTERVIEWER_NAMES = frozenset({"interviewer", "intervjuer", "i", "int", "moderator", "q",
                               "question", "spørsmål", "facilitator"})
DEFAULT_MIN_SCORE = 80.0
FUZZY_CUTOFF = 85.0
FUZZY_WEIGHT = 0.8
HIT_WEIGHT = 0.6


def words(text: str) -> list[str]:
    """The case-folded words of a text, hyphenated compounds kept whole.

    >>> words("Helse- og omsorgsdepartementet’s e-helse plan!")
    ['helse-', 'og', 'omsorgsdepartementet’s', 'e-helse', 'plan']
    """
    return WORD_RE.findall(text.casefold())


def is_interviewer(speaker: str) -> bool:
    """Whether a speaker label names the interviewer (``Interviewer``, ``I``, ...)."""
    return speaker.strip().rstrip(":").casefold() in INTERVIEWER_NAMES


@dataclass(frozen=True)
class Suggestion:
    """One code suggested for one segment, with the keywords that support it."""

    doc: str
    segment: str
    code: str
    score: float
    keywords: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"doc": self.doc, "segment": self.segment, "code": self.code,
                "score": round(self.score, 1), "keywords": list(self.keywords)}


@dataclass
class _Keyword:
    text: str  # case-folded
    codes: list[str] = field(default_factory=list)
    phrase: bool = False


class Matcher:
    """Keyword matching for one codebook (build it once, use it on many segments)."""

    def __init__(self, codebook: Codebook) -> None:
        by_text: dict[str, _Keyword] = {}
        for code in codebook.codes:
            if code.retired:  # retired codes are no longer suggested
                continue
            for kw in code.all_keywords:
                k = " ".join(words(kw))
                if not k:
                    continue
                entry = by_text.setdefault(k, _Keyword(k, phrase=" " in k))
                if code.id not in entry.codes:
                    entry.codes.append(code.id)
        self.keywords = list(by_text.values())
        self._fuzzy_words = [k.text for k in self.keywords if not k.phrase and len(k.text) >= 5]
        self._by_text = by_text

    def keyword_scores(self, text: str) -> dict[str, float]:
        """Every keyword that hits ``text`` -> its score (see the module docstring)."""
        # rapidfuzz takes ~50 ms to import: `qcode tag` imports this module (through the
        # session) without matching anything
        from rapidfuzz import fuzz, process

        toks = words(text)
        if not toks:
            return {}
        seq = " " + " ".join(toks) + " "
        hits: dict[str, float] = {}
        for kw in self.keywords:
            k = kw.text
            if k not in seq:
                continue
            if f" {k} " in seq:
                hits[k] = 100.0
            elif f" {k}" in seq and len(k) >= 3:
                hits[k] = 95.0
            elif len(k) >= 5 and not kw.phrase:
                hits[k] = 90.0
        vocab = [w for w in set(toks) if len(w) >= 4]
        if vocab and self._fuzzy_words:
            matrix = process.cdist(self._fuzzy_words, vocab, scorer=fuzz.ratio,
                                   score_cutoff=FUZZY_CUTOFF, dtype="uint8")
            for i, row in enumerate(matrix):
                best = float(row.max())
                if best >= FUZZY_CUTOFF:
                    k = self._fuzzy_words[i]
                    hits[k] = max(hits.get(k, 0.0), best * FUZZY_WEIGHT)
        joined = seq.strip()
        for kw in self.keywords:
            if kw.phrase and len(kw.text) >= 10 and kw.text not in hits:
                s = fuzz.partial_ratio(kw.text, joined, score_cutoff=FUZZY_CUTOFF)
                if s:
                    hits[kw.text] = float(s) * FUZZY_WEIGHT
        return hits

    def code_scores(self, text: str) -> list[tuple[str, float, tuple[str, ...]]]:
        """(code, score, supporting keywords) for every code with a hit, best first."""
        per_code: dict[str, list[tuple[float, str]]] = {}
        for k, s in self.keyword_scores(text).items():
            for code in self._by_text[k].codes:
                per_code.setdefault(code, []).append((s, k))
        out = []
        for code, hits in per_code.items():
            hits.sort(key=lambda h: (-h[0], h[1]))
            miss = 1.0
            for s, _ in hits:
                miss *= 1.0 - HIT_WEIGHT * s / 100.0
            score = round(100.0 * (1.0 - miss), 1)
            out.append((code, score, tuple(k for _, k in hits)))
        out.sort(key=lambda x: (-x[1], x[0]))
        return out

    def for_segment(self, doc: Document, seg: Segment,
                    min_score: float = DEFAULT_MIN_SCORE) -> list[Suggestion]:
        return [Suggestion(doc.id, seg.id, code, score, kws)
                for code, score, kws in self.code_scores(doc.text[seg.start:seg.end])
                if score >= min_score]


def suggest_documents(codebook: Codebook, docs: Iterable[Document], *,
                      min_score: float = DEFAULT_MIN_SCORE,
                      all_speakers: bool = False) -> list[Suggestion]:
    """Suggestions for every segment of ``docs`` (interviewer turns skipped unless
    ``all_speakers``), in document and segment order, best code first."""
    matcher = Matcher(codebook)
    out: list[Suggestion] = []
    for doc in docs:
        for seg in doc.segments:
            if all_speakers or not is_interviewer(seg.speaker):
                out.extend(matcher.for_segment(doc, seg, min_score))
    return out


# ----------------------------------------------------------------------------- applying


def apply_suggestions(project: Project, coder: str, docs: list[Document],
                      suggestions: list[Suggestion]) -> tuple[int, int]:
    """Make pseudo-coder ``coder`` hold exactly ``suggestions`` on ``docs`` (origin auto);
    mark those documents done. Return (codings added, codings removed).

    Refuses a coder who has codings of another origin: a human's work is never replaced.
    """
    state = codings.load_state_or_empty(project, coder)
    human = sum(1 for by in state.codes.values() for ev in by.values()
                if ev.get("origin", "manual") != "auto")
    if human:
        raise ConflictError(f"coder '{coder}' has {human} codings that are not automatic; "
                            "nothing was applied",
                            hint="apply suggestions as a pseudo-coder of their own: --as auto")
    want: dict[tuple[str, str], set[str]] = {}
    for s in suggestions:
        want.setdefault((s.doc, s.segment), set()).add(s.code)
    events: list[EventDraft] = []
    added = removed = 0
    for doc in docs:
        for seg in doc.segments:
            codes = want.get((doc.id, seg.id), set())
            have = set(state.codes_on(doc.id, seg.id))
            new = sorted(codes - have)
            gone = sorted(have - codes)
            events += codings.add_events(state, doc, [seg.id], new, origin="auto")
            events += codings.remove_events(state, doc, [seg.id], gone)
            added += len(new)
            removed += len(gone)
        if doc.id not in state.done:
            events.append({"op": "done", "doc": doc.id, "origin": "auto"})
    codings.append_events(project, coder, events)
    return added, removed


# ----------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 of suggestions for one code (or overall)."""

    code: str
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float | None:
        n = self.true_pos + self.false_pos
        return self.true_pos / n if n else None

    @property
    def recall(self) -> float | None:
        n = self.true_pos + self.false_neg
        return self.true_pos / n if n else None

    @property
    def f1(self) -> float | None:
        """2TP / (2TP + FP + FN): 0 when one side never used the code, None when neither
        did."""
        n = 2 * self.true_pos + self.false_pos + self.false_neg
        return 2 * self.true_pos / n if n else None

    def as_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {"code": self.code, "true_pos": self.true_pos, "false_pos": self.false_pos,
                "false_neg": self.false_neg, "support": self.true_pos + self.false_neg,
                "precision": r(self.precision), "recall": r(self.recall), "f1": r(self.f1)}


@dataclass
class Evaluation:
    """Suggestions against one human coder, segment by segment, on the documents that
    coder marked complete."""

    against: str
    documents: list[str]
    segments: int
    min_score: float
    per_code: list[Score]
    overall: Score
    macro_f1: float | None

    def as_json(self) -> dict[str, Any]:
        return {"against": self.against, "documents": self.documents,
                "segments": self.segments, "min_score": self.min_score,
                "overall": {**self.overall.as_json(), "macro_f1":
                            None if self.macro_f1 is None else round(self.macro_f1, 4)},
                "per_code": [s.as_json() for s in self.per_code]}


def evaluate(codebook: Codebook, docs: list[Document], suggestions: list[Suggestion],
             human: list[Any], against: str, min_score: float) -> Evaluation:
    """Compare suggested (segment, code) pairs with a human coder's codings on ``docs``.

    Every code of the codebook gets a row (codes neither side used have no precision or
    recall); codes the human used that are not in the codebook get one too. Overall is the
    micro average (pooled counts); macro F1 is the mean over codes either side used.
    """
    doc_ids = {d.id for d in docs}
    pred = {(s.doc, s.segment, s.code) for s in suggestions if s.doc in doc_ids}
    gold = {(c.doc, c.segment, c.code) for c in human if c.doc in doc_ids}
    codes = [c.id for c in codebook.codes]
    codes += sorted({c for _, _, c in gold} - set(codes))
    rows = []
    for code in codes:
        p = {x for x in pred if x[2] == code}
        g = {x for x in gold if x[2] == code}
        rows.append(Score(code, len(p & g), len(p - g), len(g - p)))
    overall = Score("overall", sum(r.true_pos for r in rows), sum(r.false_pos for r in rows),
                    sum(r.false_neg for r in rows))
    f1s = [r.f1 for r in rows if r.f1 is not None]
    return Evaluation(against, sorted(doc_ids), sum(len(d.segments) for d in docs), min_score,
                      rows, overall, sum(f1s) / len(f1s) if f1s else None)

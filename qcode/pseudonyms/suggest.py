"""Proposals for the pseudonym table; nothing is applied (the researcher decides).

Three sources, each proposal with its counts and the variants found in the text:

- speaker labels that are not roles (``Interviewer``, ``Respondent``, ``Speaker 2``...);
- document attribute values: the whole value of an attribute whose name says it names a
  person, place or workplace (``hospital``, ``participant``, ``site``...), and runs of
  capitalised words inside any other value (``Helse Nord RHF`` in a role);
- capitalised words, and runs of them, that recur in the text of several documents
  mid-sentence and are not words of the codebook (its code names, definitions, examples
  and keywords) nor common words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from qcode.models import Codebook, Document
from qcode.pseudonyms.rewrite import Rewriter
from qcode.pseudonyms.table import same
from qcode.pseudonyms.variants import Entry, fold

#: attribute names whose whole value identifies someone or somewhere
NAMING_ATTRIBUTES = ("name", "participant", "person", "interviewee", "respondent", "location",
                     "hospital", "site", "place", "workplace", "municipality", "kommune",
                     "town", "city", "village", "employer", "organisation", "organization",
                     "clinic", "school", "ward", "unit", "department")
#: speaker labels that are roles, not people
ROLES = re.compile(r"^(interviewer|interviewee|respondent|participant|moderator|facilitator|"
                   r"speaker|unknown|researcher|informant|intervjuer|informant|deltaker|"
                   r"[a-z]|[a-z]\d*|p\d+|r\d*|i\d*|q|a)(\s*\d+)?$", re.IGNORECASE)
#: capitalised words that are common words, not names (English and Norwegian)
_COMMON_WORDS = """
I I'm I've I'd I'll A An The And But Or So Yes No Okay OK Well Oh Uh Um Mm Hmm Sorry
Thank Thanks Please If When Then There This That These Those It It's We We're You You're
He She They What Why How Who Where Which Because Also And Now Here Honestly Actually
Maybe Of In On At To For From With By As Not All Some Every Each One Two First Second
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mondays Tuesdays Wednesdays
Thursdays Fridays January February March April May June July August September October
November December Christmas Easter Interviewer Respondent Ja Nei Og Men Det Den De Vi
Jeg Du Han Hun Er Som Så Nå Hvis Når Da Mandag Tirsdag Onsdag Torsdag Fredag
"""
COMMON = frozenset(fold(w) for w in _COMMON_WORDS.split())
_CAP = r"[A-ZÆØÅÀ-Þ][\w'’-]*"
#: a run of capitalised words, which may hold "of", "and", "for", "og", "i" between them
_RUN = re.compile(rf"(?<![^\W_]){_CAP}(?:[ ](?:(?:of|and|for|the|og|i|på|for) )?{_CAP})*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“(\[—–-])\s*$")


@dataclass
class Suggestion:
    """One proposed entry: the string, its likely kind, where it was seen (``speaker``,
    ``attribute:NAME``, ``text``), how often and in how many documents, and the variants
    met in the text with their counts."""

    text: str
    kind: str
    sources: list[str] = field(default_factory=list)
    count: int = 0
    documents: list[str] = field(default_factory=list)
    variants: dict[str, int] = field(default_factory=dict)
    #: speaker turns under this label
    turns: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "kind": self.kind, "sources": self.sources,
                "count": self.count, "turns": self.turns, "documents": self.documents,
                "variants": [{"text": v, "count": n} for v, n in self.variants.items()]}


def codebook_words(cb: Codebook) -> set[str]:
    parts: list[str] = [cb.name, cb.description]
    for t in cb.themes:
        parts += [t.id, t.name, t.description]
    for c in cb.codes:
        parts += [c.id, c.name, c.definition, *c.include, *c.exclude, *c.examples,
                  *c.all_keywords]
    return {fold(w) for p in parts for w in re.findall(r"[^\W_]+", p)}


def _capitalised_runs(value: str) -> list[str]:
    return [m.group().strip(" '’-") for m in _RUN.finditer(value)]


def _name_like(run: str, known: set[str]) -> str:
    """``run`` without leading common or codebook words and a final genitive, or "" when
    nothing name-like is left (an acronym or a number alone is not a name)."""
    words = re.sub(r"(?:'s|’s)$", "", run).split()
    while words and (fold(words[0]) in COMMON or fold(words[0]) in known):
        words.pop(0)
    if not any(any(c.islower() for c in w) for w in words):
        return ""
    if all(fold(w) in COMMON or fold(w) in known for w in words):
        return ""
    return " ".join(words)


def _mid_sentence(text: str, at: int) -> bool:
    return not _SENTENCE_END.search(text[max(0, at - 4):at])


def candidates(docs: list[Document], cb: Codebook, *, min_documents: int = 2
               ) -> dict[str, tuple[str, str, list[str]]]:
    """Folded key -> (text as first written, kind, sources) of every proposal."""
    found: dict[str, tuple[str, str, list[str]]] = {}
    known = codebook_words(cb)

    def propose(text: str, kind: str, source: str) -> None:
        text = " ".join(text.split())
        if len(text) < 2 or not any(c.isalpha() for c in text):
            return
        key = fold(text)
        if key not in found:
            found[key] = (text, kind, [])
        if source not in found[key][2]:
            found[key][2].append(source)

    for doc in docs:
        for speaker in {t.speaker for t in doc.turns} | {s.speaker for s in doc.segments}:
            if speaker.strip() and not ROLES.match(speaker.strip()):
                propose(speaker, "person", "speaker")
        for name, value in doc.attributes.items():
            if not value.strip():
                continue
            if any(word in name.lower() for word in NAMING_ATTRIBUTES):
                propose(value, "person" if name.lower() in NAMING_ATTRIBUTES[:5]
                        else "place", f"attribute:{name}")
                continue  # the whole value is proposed: not its words again
            for run in _capitalised_runs(value):  # a name inside a description
                run = _name_like(run, set())
                if run:
                    propose(run, "other", f"attribute:{name}")
    seen_in: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for doc in docs:
        for m in _RUN.finditer(doc.text):
            if not _mid_sentence(doc.text, m.start()):
                continue
            run = _name_like(m.group().strip(" '’-"), known)
            if not run:
                continue
            key = fold(run)
            seen_in.setdefault(key, set()).add(doc.id)
            first.setdefault(key, run)
    for key, ids in seen_in.items():
        if len(ids) >= min_documents:
            propose(first[key], "other", "text")
    return found


def suggest(docs: list[Document], cb: Codebook, table: Iterable[Entry] = (), *,
            min_documents: int = 2) -> list[Suggestion]:
    """Proposals not yet in ``table``, most frequent first, each with its counts and the
    variants (first name, surname, initials, genitives) found in the documents."""
    tabled = list(table)
    out: list[Suggestion] = []
    for text, kind, sources in candidates(docs, cb, min_documents=min_documents).values():
        if any(same(text, e.real) for e in tabled):
            continue
        rw = Rewriter([Entry(text, "?", kind)])
        variants: Counter[str] = Counter()
        in_docs: list[str] = []
        turns = 0
        for doc in docs:
            hits = rw.matches(doc.text)
            for m in hits:
                tail = doc.text[m.end:m.end + 2]
                genitive = "'s" if tail in ("'s", "’s") else \
                    "s" if tail[:1] == "s" and not tail[1:2].isalnum() else ""
                variants[doc.text[m.start:m.end] + genitive] += 1
            turns += sum(1 for t in doc.turns if t.speaker == text)
            if hits or any(t.speaker == text for t in doc.turns) or \
                    any(fold(text) in fold(v) for v in doc.attributes.values()):
                in_docs.append(doc.id)
        out.append(Suggestion(text, kind, sources, sum(variants.values()), in_docs,
                              dict(variants.most_common()), turns))
    order = {"speaker": 0, "attribute": 1, "text": 2}
    out.sort(key=lambda s: (min(order[x.split(":")[0]] for x in s.sources),
                            -len(s.documents), -s.count, fold(s.text)))
    return out

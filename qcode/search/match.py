"""What a search query matches in a folded text: plain words, a regular expression, or
words like the query (fuzzy), each hit as ``[start, end)`` of the original text.

- **plain** (the default): the query's words in order, in the folded text (see
  :mod:`qcode.search.folding`), anywhere (``video`` finds ``videokonsultasjon``); any run
  of white space in the query matches any run of white space in the text;
- **whole word**: the same, where the match neither starts nor ends inside a word;
- **regex**: a Python regular expression matched against the folded text, ignoring case;
  letters outside ASCII in the pattern are folded as the text is (``é`` means ``e``), the
  rest of the pattern is left as written;
- **fuzzy N**: each word of the text (each run of as many consecutive words as the query
  has) is compared with the query by rapidfuzz's ``ratio`` (the normalised Indel
  similarity, 0-100) on the folded text; a word scoring N or more is a hit, so a typo
  (``telemedsin`` for ``telemedisin``: 95) or an inflection (``sykehuset`` for
  ``sykehus``: 88) is found, but not the word inside a longer compound (plain search finds
  that). Of overlapping runs the best scoring is kept.

Matches are not overlapping, left to right; a match of no characters is not a hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

from qcode.errors import UsageError
from qcode.search.folding import Folded, fold_cluster, fold_query, is_mark

Mode = Literal["plain", "regex", "fuzzy"]
_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True)
class Query:
    """What to look for and how (the options of ``qcode search``).

    >>> Query("sykehus").mode, Query("syk.*", regex=True).mode, Query("x", fuzzy=80).mode
    ('plain', 'regex', 'fuzzy')
    """

    text: str
    regex: bool = False
    whole_word: bool = False
    #: the minimum similarity (1-100) of a fuzzy match; None: not fuzzy
    fuzzy: int | None = None

    @property
    def mode(self) -> Mode:
        return "regex" if self.regex else "fuzzy" if self.fuzzy is not None else "plain"


def word_before(text: str, at: int) -> bool:
    """Whether a word character stands just before offset ``at``."""
    return at > 0 and _WORD_CHAR.match(text, at - 1) is not None


def spans(pattern: re.Pattern[str], text: str, *, word_start: bool = False
          ) -> list[tuple[int, int]]:
    r"""Every match of ``pattern`` in ``text``, left to right, not overlapping, none of no
    characters; with ``word_start`` only matches that do not start inside a word.

    The start-of-word test is made here rather than by a look-behind in the pattern: a
    pattern that begins with its literal text lets ``re`` skip ahead to it (some 15 times
    faster on a corpus than a pattern that begins with ``(?<!\w)``)."""
    out: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    search = pattern.search
    while pos <= n:
        m = search(text, pos)
        if m is None:
            break
        a, b = m.span()
        if word_start and word_before(text, a):
            pos = a + 1
            continue
        if a == b:
            pos = a + 1
            continue
        out.append((a, b))
        pos = b
    return out


@dataclass
class Matcher:
    """A compiled query: :meth:`find` gives the hits in one folded text."""

    query: Query
    pattern: re.Pattern[str] | None = None
    #: fuzzy: the folded words of the query, and every word (run) scored so far
    words: tuple[str, ...] = ()
    scored: dict[str, float] = field(default_factory=dict)
    #: fuzzy: the scored words (runs) that reach the cutoff
    good: set[str] = field(default_factory=set)
    #: fuzzy: the words of each white-space separated token seen so far
    token_words: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def find(self, folded: Folded) -> list[tuple[int, int, float | None]]:
        """The hits in ``folded`` as (start, end, score) in the ORIGINAL text's offsets;
        score is the fuzzy similarity, None for plain and regex hits."""
        if self.pattern is not None:
            found = spans(self.pattern, folded.text, word_start=self.query.whole_word)
            return [(a, b, None) for a, b in _mapped(folded, found)]
        return self._fuzzy(folded)

    def _score(self, candidates: Iterable[str]) -> set[str]:
        """Score what was not scored yet; return the candidates that reach the cutoff."""
        from rapidfuzz import fuzz, process  # ~50 ms to import: only a fuzzy search needs it

        candidates = set(candidates)
        new = candidates - self.scored.keys()
        if new:
            cutoff = float(self.query.fuzzy or 0)
            self.scored.update(dict.fromkeys(new, 0.0))
            for word, score, _i in process.extract(" ".join(self.words), list(new),
                                                   scorer=fuzz.ratio, score_cutoff=cutoff,
                                                   limit=None):
                self.scored[word] = score
                if score > 0:
                    self.good.add(word)
        return candidates & self.good

    def _words(self, text: str) -> list[str]:
        r"""The ``\w+`` words of ``text`` in order: its white-space tokens, each distinct
        token split into words once for the whole search."""
        cache = self.token_words
        tokens = text.split()
        for token in set(tokens) - cache.keys():
            cache[token] = tuple(_WORD.findall(token))
        return list(chain.from_iterable(map(cache.__getitem__, tokens)))

    def _vocabulary(self, text: str) -> set[str]:
        """The distinct words of ``text`` (see :meth:`_words`)."""
        cache = self.token_words
        tokens = set(text.split())
        for token in tokens - cache.keys():
            cache[token] = tuple(_WORD.findall(token))
        return set(chain.from_iterable(map(cache.__getitem__, tokens)))

    def _fuzzy(self, folded: Folded) -> list[tuple[int, int, float | None]]:
        text, k = folded.text, len(self.words)
        if k == 1:
            good = self._score(self._vocabulary(text))
        else:
            seq = self._words(text)
            good = self._score(map(" ".join, zip(*(seq[i:] for i in range(k)),
                                                 strict=False)))
        found: list[tuple[float, int, int]] = []
        for run in good:
            pattern = re.compile(r"\W+".join(map(re.escape, run.split(" "))) + r"(?!\w)")
            found.extend((self.scored[run], a, b)
                         for a, b in spans(pattern, text, word_start=True))
        # of overlapping runs the best scoring is kept (one-word hits never overlap)
        found.sort(key=lambda t: (-t[0], t[1]))
        taken: list[tuple[int, int, float]] = []
        for score, a, b in found:
            if k == 1 or all(b <= x or a >= y for x, y, _s in taken):
                taken.append((a, b, score))
        taken.sort()
        scores = {(a, b): sc for a, b, sc in taken}
        return [(a, b, scores[f]) for f, (a, b) in _pairs(folded, scores)]


def _pairs(folded: Folded, spans: Iterable[tuple[int, int]]
           ) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(folded span, original span) of each span that covers whole clusters."""
    out = []
    for a, b in spans:
        if a == b:
            continue
        orig = folded.span(a, b)
        if orig is not None:
            out.append(((a, b), orig))
    return out


def _mapped(folded: Folded, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    return [orig for _f, orig in _pairs(folded, spans)]


def matches_only_empty(matcher: Matcher, texts: Iterable[str]) -> bool:
    """Whether a regex query matches in some of ``texts`` (folded) but never a character
    (``^``, ``\\b``, a look-ahead alone): such matches are no hits, so a search would find
    nothing without saying why. Stops at the first match of one character or more."""
    pattern = matcher.pattern
    if not matcher.query.regex or pattern is None:
        return False
    empty = False
    for text in texts:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                return False
            empty = True
    return empty


def fold_pattern(pattern: str) -> str:
    """A regular expression with its letters outside ASCII folded as the text is (ASCII,
    escapes and classes left as written).

    >>> fold_pattern(r"caf[ée]\\b"), fold_pattern("TROMSØ|Straße")
    ('caf[ee]\\\\b', 'TROMSø|Strasse')
    """
    return _NON_ASCII.sub(lambda m: "" if is_mark(m.group()) else
                          re.escape(fold_cluster(m.group())), pattern)


def compile_query(query: Query) -> Matcher:
    """Check and compile ``query``; a bad one raises :class:`UsageError` (one line: for a
    regular expression, what is wrong and at which position of the pattern)."""
    if query.regex and query.fuzzy is not None:
        raise UsageError("give --regex or --fuzzy, not both",
                         hint="--fuzzy finds words like the query; --regex a pattern")
    if query.fuzzy is not None and not 1 <= query.fuzzy <= 100:
        # 0 would keep every word of every document (and --code would code them all)
        raise UsageError(f"--fuzzy {query.fuzzy} is not a similarity from 1 to 100",
                         hint="for example --fuzzy 80 (100: the word exactly)")
    if not query.text.strip():
        raise UsageError("the search text is empty", hint="give the words to find, in quotes")
    if query.regex:
        try:
            re.compile(query.text)
        except re.error as exc:
            raise UsageError(
                f"bad --regex pattern {query.text!r} at position {exc.pos}: {exc.msg}",
                hint="Python regular expression syntax; put a \\ before ( ) [ ] . * + ? "
                     "to find them as text, or leave out --regex") from None
        body = fold_pattern(query.text)
    elif query.fuzzy is not None:
        words = tuple(_WORD.findall(fold_query(query.text)))
        if not words:
            raise UsageError("--fuzzy needs a word to compare (letters or digits)",
                             hint="give the words to find, in quotes")
        return Matcher(query, None, words)
    else:
        body = r"\s+".join(re.escape(w) for w in fold_query(query.text).split())
        if not body:  # only marks or characters that fold to nothing
            raise UsageError("the search text is empty once folded",
                             hint="give letters or digits to find")
    if query.whole_word:  # the start of a word is checked by spans(), see there
        body = rf"(?:{body})(?!\w)"
    # the text is folded already; a pattern keeps its capitals (\S, [A-Z]), so case is
    # ignored for it alone (re's own folding would also make i match the dotless ı)
    return Matcher(query, re.compile(body, re.IGNORECASE if query.regex else 0))

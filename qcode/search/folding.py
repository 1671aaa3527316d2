"""Folding text for search: case and accents away, with a map back to the original offsets.

The rule (``qcode search --help`` and docs/cli.md say the same):

- case is ignored (Unicode case folding: ``Tromsø`` = ``TROMSØ``; ``ß`` and ``ẞ`` fold to
  ``ss``, so ``Straße`` matches ``strasse``);
- accents are ignored: a letter with a diacritic matches its base letter (``é``, ``è``,
  ``ê``, ``ë`` match ``e``; ``ä`` and ``ö`` match ``a`` and ``o``; ``ñ`` matches ``n``);
- except ``æ``, ``ø`` and ``å``, letters of their own in Norwegian and Danish: each matches
  only itself (in either case). ``œ`` is a letter too and matches only itself;
- typographic ligatures and other compatibility forms match their letters (``ﬁ`` = ``fi``,
  a full-width ``Ａ`` = ``a``);
- combining marks (Unicode non-spacing marks) are ignored, so an ``e`` followed by a
  combining acute accent (U+0301) is the same as ``é`` and as ``e``; a decomposed ``å``
  (``a`` + U+030A) is ``å``.

Folding works on clusters: a character and the combining marks after it. A cluster may
fold to more than one character (``ß`` -> ``ss``) or to none (a lone mark). A hit must
cover whole clusters: a match that would begin or end inside one (the first ``s`` of
``ß``) is not a hit. So every hit ``[start, end)`` of the original text folds to exactly
what was matched in the folded text.

Most text folds character for character; its map is the identity and costs nothing (a
``lower()`` and a few ``replace`` calls). Text with expansions or combining marks goes
through a per-cluster loop and keeps the map as the original offset of each folded
character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: letters that keep their identity: they match only themselves (any case)
OWN_LETTERS = frozenset("æøåœ")


def is_mark(ch: str) -> bool:
    """A combining mark (it belongs to the character before it)."""
    return unicodedata.category(ch).startswith("M")


@lru_cache(maxsize=8192)
def fold_cluster(cluster: str) -> str:
    """The folded form of one character with its combining marks.

    >>> fold_cluster("É"), fold_cluster("Å"), fold_cluster("a\\u030a"), fold_cluster("ß")
    ('e', 'å', 'å', 'ss')
    >>> fold_cluster("ﬁ"), fold_cluster("Ø"), fold_cluster("e\\u0301")
    ('fi', 'ø', 'e')
    """
    text = unicodedata.normalize("NFC", cluster).casefold()
    out = []
    for ch in text:
        if ch in OWN_LETTERS:
            out.append(ch)
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.category(part) != "Mn":
                out.append(part)
    return "".join(out).casefold()


@lru_cache(maxsize=8192)
def _simple(ch: str) -> str | None:
    """The one character ``ch`` folds to when the fast path may fold it (None if not)."""
    if is_mark(ch):
        return None
    low = ch.lower()
    folded = fold_cluster(ch)
    if len(low) != 1 or len(folded) != 1 or fold_cluster(low) != folded:
        return None
    return folded


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and its map back: ``origin[i]`` is the offset in the original text of
    the cluster folded character ``i`` comes from (``origin[len(text)]`` is the original's
    length); ``origin`` is None when folding kept every offset (the usual case)."""

    text: str
    origin: tuple[int, ...] | None = None

    def boundary(self, i: int) -> bool:
        """Whether folded offset ``i`` is at the edge of a cluster (a hit may start or end
        there)."""
        o = self.origin
        return o is None or i == 0 or i >= len(self.text) or o[i] != o[i - 1]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The original ``[start, end)`` of the folded ``[start, end)``; None when either
        end falls inside a cluster."""
        o = self.origin
        if o is None:
            return start, end
        if not (self.boundary(start) and self.boundary(end)):
            return None
        return o[start], o[end]


def fold_slow(text: str) -> Folded:
    """Fold cluster by cluster, keeping the map (any text; :func:`fold` uses it only when
    it must)."""
    pieces: list[str] = []
    origin: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and is_mark(text[j]):
            j += 1
        folded = fold_cluster(text[i:j])
        pieces.append(folded)
        origin.extend([i] * len(folded))
        i = j
    out = "".join(pieces)
    # a cluster that folds to nothing has no folded character: a hit that ends just
    # before it ends where the next cluster starts, so it takes the nothing with it
    origin.append(n)
    return Folded(out, tuple(origin))


def fold(text: str) -> Folded:
    """``text`` folded for search (see the module docstring), with its map.

    >>> fold("Tromsø og Bodø, Café").text
    'tromsø og bodø, cafe'
    >>> f = fold("Straße"); f.text, f.span(4, 6), f.span(4, 5)
    ('strasse', (4, 5), None)
    """
    if text.isascii():
        return Folded(text.lower())
    others = {ch for ch in set(text) if ch > "\x7f"}  # a set of the text: no regex scan
    if any(_simple(ch) is None for ch in others):
        return fold_slow(text)
    # what lower() made of them (one character each, see _simple); Σ may become a final ς
    lowered = {ch.lower() for ch in others} | ({"ς"} if "Σ" in others else set())
    low = text.lower()
    for ch in lowered:
        folded = _simple(ch)
        if folded is None:
            return fold_slow(text)
        if folded != ch:
            low = low.replace(ch, folded)
    return Folded(low)


def fold_query(query: str) -> str:
    """The folded form of what the user typed (the same rule as the text)."""
    return fold(query).text

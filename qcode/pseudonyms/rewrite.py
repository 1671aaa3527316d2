"""Rewriting text with the table: every identifying string (and variant) is replaced by its
pseudonym, the longest match first, and an :class:`OffsetMap` says where each old offset
went, so a span ``[start, end)`` of the old text becomes the span of the same words in the
new one.

Matching runs on the folded text (:func:`.variants.fold`: no case, no accents), at word
edges (letters and digits; ``_`` separates, so ``torunn_vollstad.docx`` matches), and the
words of a name may be separated by any run of spaces or tabs, ``_``, ``.`` or ``-`` (not
a line break). A genitive ``'s`` or ``s`` after a name stays where it is (``Torunns`` ->
``P07s``).

>>> r = Rewriter([Entry("Torunn Vollstad", "P07"), Entry("Bodø", "Town B", "place")])
>>> new, offsets = r.rewrite("Torunn's plan: Vollstad went to BODO.")
>>> new
"P07's plan: P07 went to Town B."
>>> offsets.start(15), offsets.end(23), new[offsets.start(15):offsets.end(23)]
(12, 15, 'P07')
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from qcode.pseudonyms.variants import Entry, fold, variants

SEPARATOR = r"[ \t_.\-]+"
_SEPARATORS = re.compile(SEPARATOR)
_END = ""


def key_of(text: str) -> str:
    """The lookup key of a folded string: separators as one space, none at the ends."""
    return _SEPARATORS.sub(" ", text).strip()


@dataclass(frozen=True)
class Target:
    """What a variant stands for: the pseudonym written in its place, the entries it may
    be (several when two people share a first name), and whether it must start with a
    capital."""

    pseudonym: str
    reals: tuple[str, ...]
    capital: bool


def targets(entries: Iterable[Entry]) -> dict[str, Target]:
    """Variant key -> :class:`Target`. A variant written in full by one entry wins over the
    same string as another's name part; a name part shared by several people is replaced
    by all their pseudonyms (``P03/P07``), so it is never attributed to the wrong one."""
    found: dict[str, list[tuple[Entry, bool]]] = {}
    for entry in entries:
        for variant, capital in variants(entry).items():
            key = key_of(variant)
            if key:
                found.setdefault(key, []).append((entry, capital))
    out: dict[str, Target] = {}
    for key, owners in found.items():
        whole = [e for e, capital in owners if not capital]
        chosen = whole[:1] if whole else [e for e, _ in owners]
        pseudonyms = list(dict.fromkeys(e.pseudonym for e in chosen))
        out[key] = Target("/".join(pseudonyms), tuple(dict.fromkeys(e.real for e in chosen)),
                          capital=not whole)
    return out


#: a trie of the variant keys: character -> the rest ("" marks a key's end)
Trie = dict[str, "Trie"]


def _trie_pattern(keys: Iterable[str]) -> str:
    trie: Trie = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[_END] = {}

    def pattern(node: Trie) -> str:
        alts = [(SEPARATOR if ch == " " else re.escape(ch)) + pattern(child)
                for ch, child in sorted(node.items()) if ch != _END]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if _END in node else body

    return pattern(trie)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    key: str
    target: Target


@dataclass
class OffsetMap:
    """Where offsets of the old text went. Replacements are ``old [s, e) -> new [s', e')``
    in order; an offset inside a replaced name goes to the start of its pseudonym for a
    span's start and to its end for a span's end, so a span never cuts a pseudonym."""

    old_starts: list[int] = field(default_factory=list)
    old_ends: list[int] = field(default_factory=list)
    new_starts: list[int] = field(default_factory=list)
    new_ends: list[int] = field(default_factory=list)

    def start(self, p: int) -> int:
        i = bisect_right(self.old_starts, p) - 1
        if i < 0:
            return p
        if p < self.old_ends[i]:
            return self.new_starts[i]
        return p + self.new_ends[i] - self.old_ends[i]

    def end(self, p: int) -> int:
        i = bisect_left(self.old_ends, p)
        if i < len(self.old_ends) and self.old_starts[i] < p:
            return self.new_ends[i]
        return p if i == 0 else p + self.new_ends[i - 1] - self.old_ends[i - 1]

    @property
    def changed(self) -> bool:
        return bool(self.old_starts)


def apply_matches(text: str, matches: Iterable[Match]) -> tuple[str, OffsetMap]:
    """``text`` with each of ``matches`` (in order, not overlapping) replaced by its
    pseudonym, and the offset map."""
    offsets = OffsetMap()
    pieces: list[str] = []
    at = size = 0
    for m in matches:
        pieces.append(text[at:m.start])
        size += m.start - at
        offsets.old_starts.append(m.start)
        offsets.old_ends.append(m.end)
        offsets.new_starts.append(size)
        pieces.append(m.target.pseudonym)
        size += len(m.target.pseudonym)
        offsets.new_ends.append(size)
        at = m.end
    if not pieces:
        return text, offsets
    pieces.append(text[at:])
    return "".join(pieces), offsets


class Rewriter:
    """The table compiled once: :meth:`rewrite` (text and offset map), :meth:`replace`
    (text only) and :meth:`matches` (where entries occur, for the check)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self.targets = targets(self.entries)
        body = _trie_pattern(sorted(self.targets))
        self._pattern = re.compile(
            rf"(?<![^\W_])(?:{body})(?=(?:'s|s)?(?![^\W_]))") if body else None
        self._short: dict[str, str] = {}

    @property
    def empty(self) -> bool:
        return self._pattern is None

    def matches(self, text: str, *, strict: bool = True) -> list[Match]:
        """Every match in ``text``, left to right; ``strict=False`` also keeps name parts
        written without a capital (the check reports them, the rewrite leaves them)."""
        if self._pattern is None or not text:
            return []
        folded = fold(text)
        found = []
        for m in self._pattern.finditer(folded):
            key = key_of(m.group())
            target = self.targets.get(key)
            if target is None:
                continue
            if strict and target.capital and not text[m.start()].isupper():
                continue
            found.append(Match(m.start(), m.end(), key, target))
        return found

    def rewrite(self, text: str) -> tuple[str, OffsetMap]:
        return apply_matches(text, self.matches(text))

    def replace(self, text: str) -> str:
        """``text`` rewritten (short strings, such as speaker labels and attribute values,
        are remembered: they repeat)."""
        if self._pattern is None or not text:
            return text
        if len(text) > 200:
            return self.rewrite(text)[0]
        done = self._short.get(text)
        if done is None:
            done = self._short[text] = self.rewrite(text)[0]
        return done

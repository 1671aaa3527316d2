"""What one table entry stands for in a text: its variants, and how text is folded so that
case and accents do not matter.

Folding is one character for one character (``Ø`` -> ``o``, ``é`` -> ``e``, ``Å`` -> ``a``),
so an offset into the folded text is an offset into the original: matching runs on the
folded text, replacing on the original.

>>> fold("Torunn Vollstad i BODØ")
'torunn vollstad i bodo'
>>> sorted(variants(Entry("Torunn Vollstad", "P07", "person")))
['t. v.', 't.v.', 'torunn', 'torunn vollstad', 'vollstad']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = ("person", "place", "organisation", "other")
#: letters with no decomposition that still have a plain neighbour to fold to
_PLAIN = {"ø": "o", "đ": "d", "ł": "l", "ı": "i", "’": "'", "‘": "'", "\u00a0": " "}


@dataclass(frozen=True)
class Entry:
    """One row of the table: the identifying string, what replaces it, and its kind. A
    person's first name, surname and initials are variants of it; other kinds match only
    as written (plus a genitive), and ``extra`` lists more spellings to catch."""

    real: str
    pseudonym: str
    kind: str = "person"
    extra: tuple[str, ...] = ()


class _FoldTable(dict[int, str]):
    """``str.translate`` table built on demand: code point -> one folded character."""

    def __missing__(self, key: int) -> str:
        ch = chr(key)
        low = ch.lower()
        if len(low) != 1:
            low = ch
        low = _PLAIN.get(low, low)
        base = unicodedata.normalize("NFD", low)[0]
        if unicodedata.combining(base):
            base = low
        self[key] = base
        return base


_TABLE = _FoldTable()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """``text`` lower-cased and without accents, one character per character."""
    low = text.lower()
    if low.isascii():
        return low
    if len(low) != len(text):  # a letter whose lower case is two characters (İ)
        return text.translate(_TABLE)
    for ch in set(_NON_ASCII.findall(low)):  # a few distinct letters: replace each at once
        folded = _TABLE[ord(ch)]
        if folded != ch:
            low = low.replace(ch, folded)
    return low


def name_parts(real: str) -> list[str]:
    """The words of a name that can stand alone (two letters or more)."""
    return [w for w in real.replace("-", " ").split() if sum(c.isalpha() for c in w) >= 2]


def initials(real: str) -> list[str]:
    """Dotted initials of a name of two or three words: ``T.V.`` and ``T. V.``. Undotted
    initials are not a variant (``TV``, ``MS`` are ordinary words too): where a transcript
    uses them for a person, add them with ``--variant``."""
    words = real.split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isalpha() for w in words):
        return []
    letters = [w[0] for w in words]
    return [".".join(letters) + ".", ". ".join(letters) + "."]


def variants(entry: Entry) -> dict[str, bool]:
    """Folded variant -> whether it must start with a capital in the text (the name parts
    of a person do: ``Per`` the name, not ``per`` the preposition)."""
    found: dict[str, bool] = {}
    for text in (entry.real, *entry.extra):
        found[fold(" ".join(text.split()))] = False
    if entry.kind == "person":
        words = entry.real.split()
        if len(words) > 1:  # the surname whole (Solbakk-Aune), the given names whole
            found.setdefault(fold(" ".join(words[1:])), True)
            found.setdefault(fold(" ".join(words[:-1])), True)
        parts = name_parts(entry.real)
        if len(parts) > 1:
            for part in parts:
                found.setdefault(fold(part), True)
        for ini in initials(entry.real):
            found.setdefault(fold(ini), True)
    return found

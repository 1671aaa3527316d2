"""Coverage: how much text a set of coded spans covers, each character counted once.

Spans are ``(doc, start, end)`` stretches of code points. Their union is what a code (or a
theme x level cell) covers: text coded twice, by two overlapping spans, counts once. Also
here: which codings run beyond their first segment, and the segments such a coding counts
in (the matrix and co-occurrence count a span on every segment it touches).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcode.counts.matrix import Corpus
    from qcode.models import Coding


def merged(stretches: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """(doc, start, end) stretches as their union: sorted, overlapping and touching
    stretches joined, so no character is in two of them.

    >>> merged([("D", 5, 9), ("D", 0, 6), ("D", 12, 14), ("E", 0, 2)])
    [('D', 0, 9), ('D', 12, 14), ('E', 0, 2)]
    """
    out: list[tuple[str, int, int]] = []
    for doc, start, end in sorted(stretches):
        if out and out[-1][0] == doc and start <= out[-1][2]:
            if end > out[-1][2]:
                out[-1] = (doc, out[-1][1], end)
        else:
            out.append((doc, start, end))
    return out


def coverage(texts: Mapping[str, str], stretches: Iterable[tuple[str, int, int]],
             count: str) -> int:
    """The characters (``count="characters"``) or words (``"words"``) of the text inside
    the union of ``stretches``; ``texts`` maps a document id to its text. A word cut by a
    span's edge counts as one word (its part inside).

    >>> coverage({"D": "one two three"}, [("D", 0, 7), ("D", 4, 9)], "words")
    3
    >>> coverage({"D": "one two three"}, [("D", 0, 7), ("D", 4, 9)], "characters")
    9
    """
    union = merged(stretches)
    if count == "characters":
        return sum(end - start for _, start, end in union)
    return sum(len(texts[doc][start:end].split()) for doc, start, end in union)


def shared(a: list[tuple[str, int, int]], b: list[tuple[str, int, int]]) -> int:
    """The characters two unions of stretches (each from :func:`merged`) share.

    >>> shared([("D", 0, 9)], [("D", 5, 12), ("E", 0, 3)])
    4
    """
    i = j = total = 0
    while i < len(a) and j < len(b):
        (da, sa, ea), (db, sb, eb) = a[i], b[j]
        if (da, ea) <= (db, sb):
            i += 1
            continue
        if (db, eb) <= (da, sa):
            j += 1
            continue
        if da == db:
            total += max(0, min(ea, eb) - max(sa, sb))
        if (da, ea) <= (db, eb):
            i += 1
        else:
            j += 1
    return total


def crossing(corpus: Corpus) -> bool:
    """Whether any coding's span runs beyond its first segment."""
    docs = corpus.docs
    for c in corpus.codings:
        b = docs[c.doc].bounds.get(c.segment)
        if b is not None and c.end > b[1]:
            return True
    return False


def units_of(corpus: Corpus, count: str) -> Callable[[Coding], Iterable[Any]] | None:
    """Every unit a coding counts in, when a coding can count in several: with
    ``segments``, each segment its span touches; None when every coding counts in the one
    unit of :func:`unit_key` (always for other modes, and for spans inside one segment)."""
    if count != "segments" or not crossing(corpus):
        return None
    docs = corpus.docs

    def segments(c: Coding) -> Iterable[Any]:
        d = docs[c.doc]
        b = d.bounds.get(c.segment)
        if b is None or c.end <= b[1]:
            return ((c.doc, c.segment),)
        return [(c.doc, s) for s in d.touched(c)]
    return segments

"""Co-occurrence of codes (or theme x level cells) on the same or nearby segments.

A coded span is on every segment it touches. For a window of ``N`` segments, the
neighbourhood of a segment is itself and the ``N``
segments before and after it in the same document. Two items A and B co-occur at a segment
when one of them is on the segment and the other is in its neighbourhood. So:

- ``counts[a][b]`` (a != b) is the number of segments at which A and B co-occur; with
  ``N = 0`` that is the number of segments that have both;
- ``counts[a][a]`` is the number of segments that have A;
- ``jaccard[a][b]`` is ``counts[a][b]`` divided by the number of segments that have A or B
  (the classic Jaccard index of the two segment sets when ``N = 0``); the diagonal is 1 for
  an item that occurs and 0 for one that does not.

Items are codes (``by="code"``) or theme x level cells (``by="cell"``, written
``THEME/level``); every item of the codebook is kept, in codebook order.

By overlap (``overlap=True``, ``qcode cooccur --overlap``) coded spans are compared instead
of segments: ``counts[a][b]`` is the number of pairs of a span of A and a span of B that
share at least one character, ``counts[a][a]`` the number of spans of A, and
``jaccard[a][b]`` the characters coded with both over the characters coded with either
(each item's spans joined first, so overlapping spans of one item count once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qcode.coding.collector import collector_paused
from qcode.counts.coverage import crossing, merged, shared
from qcode.counts.matrix import NO_LEVEL, Corpus, load_corpus, select
from qcode.documents.where import parse_where
from qcode.errors import UsageError
from qcode.project import Project

BY = ("code", "cell")


@dataclass(frozen=True)
class Cooccurrence:
    """Segment co-occurrence of ``items``; matrices are symmetric. (A plain dataclass, as
    :class:`~qcode.counts.matrix.Matrix`: computed, never read from a file.)"""

    by: str
    window: int
    coder: str
    items: tuple[str, ...]
    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    jaccard: tuple[tuple[float, ...], ...]
    #: coded segments considered
    segments: int
    #: "segment" (segments and windows) or "overlap" (overlapping spans)
    unit: str = "segment"

    def pairs(self, min_count: int = 1) -> list[dict[str, Any]]:
        """Off-diagonal pairs with at least ``min_count``: most frequent first, then by
        Jaccard, then in codebook order."""
        out: list[dict[str, Any]] = []
        n = len(self.items)
        for a in range(n):
            for b in range(a + 1, n):
                if self.counts[a][b] >= min_count:
                    out.append({"a": self.items[a], "b": self.items[b],
                                "count": self.counts[a][b], "jaccard": self.jaccard[a][b],
                                "a_segments": self.counts[a][a],
                                "b_segments": self.counts[b][b]})
        out.sort(key=lambda p: (-p["count"], -p["jaccard"]))
        return out

    def as_dict(self, min_count: int = 1) -> dict[str, Any]:
        out = {"by": self.by, "window": self.window, "coder": self.coder,
               "items": list(self.items), "labels": list(self.labels),
               "counts": [list(r) for r in self.counts],
               "jaccard": [list(r) for r in self.jaccard], "segments": self.segments,
               "pairs": self.pairs(min_count)}
        if self.unit != "segment":
            out["unit"] = self.unit
        return out


def _items(corpus: Corpus, by: str) -> tuple[list[str], list[str], dict[str, str]]:
    cb = corpus.codebook
    if by == "code":
        ids = [c.id for c in cb.codes]
        return ids, [c.name for c in cb.codes], {i: i for i in ids}
    if by == "cell":
        levels = [lv.id for lv in cb.levels]
        if any(c.level is None for c in cb.codes):
            levels.append(NO_LEVEL)
        names = {lv.id: lv.name for lv in cb.levels} | {NO_LEVEL: NO_LEVEL}
        items, labels = [], []
        for t in cb.themes:
            for lv in levels:
                items.append(f"{t.id}/{lv}")
                labels.append(f"{t.name} / {names[lv]}")
        of = {c.id: f"{c.theme}/{c.level or NO_LEVEL}" for c in cb.codes}
        return items, labels, of
    raise UsageError(f"unknown --by '{by}'", hint=f"choose one of: {', '.join(BY)}")


@collector_paused()
def cooccurrence(corpus: Corpus, by: str = "code", window: int = 0,
                 overlap: bool = False) -> Cooccurrence:
    """Count co-occurrences in ``corpus`` (see the module for the definition)."""
    if window < 0:
        raise UsageError(f"--window must be 0 or more, not {window}")
    if overlap:
        if window:
            raise UsageError("--window counts segments; it cannot be used with --overlap",
                             hint="leave out --window, or --overlap")
        return _by_overlap(corpus, by)
    items, labels, item_of = _items(corpus, by)
    index = {v: i for i, v in enumerate(items)}
    # per document: position -> set of item indices on that segment
    on: dict[str, dict[int, set[int]]] = {}
    docs = corpus.docs
    several = crossing(corpus)
    for c in corpus.codings:
        d = docs[c.doc]
        item = index[item_of[c.code]]
        if not several:
            on.setdefault(c.doc, {}).setdefault(d.segments[c.segment][0], set()).add(item)
            continue
        for seg in d.touched(c):  # a span counts on every segment it touches
            on.setdefault(c.doc, {}).setdefault(d.segments[seg][0], set()).add(item)
    n = len(items)
    pair = [[0] * n for _ in range(n)]
    either_base = [0] * n
    segments = 0
    for positions in on.values():
        for pos, own in positions.items():
            segments += 1
            for a in own:
                either_base[a] += 1
            if window:
                near: set[int] = set()
                for p in range(pos - window, pos + window + 1):
                    near |= positions.get(p, set())
            else:
                near = own
            # a pair co-occurs here when one is on the segment and the other nearby
            hits = {(min(a, b), max(a, b)) for a in own for b in near if a != b}
            for a, b in hits:
                pair[a][b] += 1
    counts = [[0] * n for _ in range(n)]
    jac = [[0.0] * n for _ in range(n)]
    # segments having A or B, for the Jaccard denominator: |A| + |B| - |A and B on one seg|
    both_same = _same_segment_pairs(on, n) if window else None
    for a in range(n):
        counts[a][a] = either_base[a]
        jac[a][a] = 1.0 if either_base[a] else 0.0
        for b in range(a + 1, n):
            k = pair[a][b]
            same = both_same[a][b] if both_same is not None else k
            union = either_base[a] + either_base[b] - same
            counts[a][b] = counts[b][a] = k
            jac[a][b] = jac[b][a] = round(k / union, 4) if union else 0.0
    return Cooccurrence(by=by, window=window, coder=corpus.coder, items=tuple(items),
                        labels=tuple(labels), counts=tuple(tuple(r) for r in counts),
                        jaccard=tuple(tuple(r) for r in jac), segments=segments)


def _by_overlap(corpus: Corpus, by: str) -> Cooccurrence:
    """Co-occurrence of overlapping spans (see the module)."""
    items, labels, item_of = _items(corpus, by)
    index = {v: i for i, v in enumerate(items)}
    n = len(items)
    pair = [[0] * n for _ in range(n)]
    own: list[list[tuple[str, int, int]]] = [[] for _ in range(n)]
    by_doc: dict[str, list[tuple[int, int, int]]] = {}
    touched: set[tuple[str, str]] = set()
    seen: set[tuple[int, str, int, int]] = set()
    for c in corpus.codings:
        i = index[item_of[c.code]]
        if (i, c.doc, c.start, c.end) in seen:
            continue  # the same span under two codes of one cell
        seen.add((i, c.doc, c.start, c.end))
        own[i].append((c.doc, c.start, c.end))
        by_doc.setdefault(c.doc, []).append((c.start, c.end, i))
        touched.update((c.doc, s) for s in corpus.docs[c.doc].touched(c))
    for spans in by_doc.values():
        spans.sort()
        active: list[tuple[int, int, int]] = []
        for start, end, i in spans:
            active = [x for x in active if x[1] > start]
            for _, _, j in active:
                if i != j:
                    a, b = min(i, j), max(i, j)
                    pair[a][b] += 1
            active.append((start, end, i))
    unions = [merged(x) for x in own]
    size = [sum(e - s for _, s, e in u) for u in unions]
    counts = [[0] * n for _ in range(n)]
    jac = [[0.0] * n for _ in range(n)]
    for a in range(n):
        counts[a][a] = len(own[a])
        jac[a][a] = 1.0 if own[a] else 0.0
        for b in range(a + 1, n):
            both = shared(unions[a], unions[b]) if pair[a][b] else 0
            either = size[a] + size[b] - both
            counts[a][b] = counts[b][a] = pair[a][b]
            jac[a][b] = jac[b][a] = round(both / either, 4) if either else 0.0
    return Cooccurrence(by=by, window=0, coder=corpus.coder, items=tuple(items),
                        labels=tuple(labels), counts=tuple(tuple(r) for r in counts),
                        jaccard=tuple(tuple(r) for r in jac), segments=len(touched),
                        unit="overlap")


def _same_segment_pairs(on: dict[str, dict[int, set[int]]], n: int) -> list[list[int]]:
    both = [[0] * n for _ in range(n)]
    for positions in on.values():
        for own in positions.values():
            for a in own:
                for b in own:
                    if a < b:
                        both[a][b] += 1
    return both


def cooccur(project: Project, *, coder: str | None = None, by: str = "code", window: int = 0,
            where: list[str] | tuple[str, ...] = (), overlap: bool = False) -> Cooccurrence:
    """Library entry point: co-occurrence for the project's (default) coder."""
    return cooccurrence(select(load_corpus(project, coder), parse_where(where)), by, window,
                        overlap)

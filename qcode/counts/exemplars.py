"""Exemplars: at most N excerpts per code (``qcode report --per-code N``).

The rule, stated in the report's header and in ``--help``: **spread first, then length**.
Each pick takes, among the excerpts of the code not picked yet, the one

1. whose group has had the fewest picks so far (the group is the document's value of the
   ``spread_by`` attribute, e.g. its stakeholder level; documents without that value form
   one group of their own; without ``spread_by`` every excerpt is in one group),
2. then whose document has had the fewest picks so far,
3. then the longest quote (in words, then in characters),
4. then the first in report order (document id, then place in the document).

So three exemplars of a code said at the national, regional and local levels come one from
each level, from three different documents where there are three, and are the fullest
statements there. The picks are shown in report order, and every code says how many of
its excerpts are shown (``3 of 12``). Counts (the matrix, the agreement) never change.
"""

from __future__ import annotations

from collections.abc import Sequence

from qcode.counts.excerpts import CodeGroup, Excerpt, LevelGroup, ThemeGroup


def exemplar_rule(per_code: int, spread_by: str | None) -> str:
    """The rule in one line, for a report header.

    >>> exemplar_rule(3, "stakeholder_level")
    'up to 3 per code: spread across stakeholder_level and documents, then the longest'
    """
    across = f"{spread_by} and documents" if spread_by else "documents"
    return f"up to {per_code} per code: spread across {across}, then the longest"


def choose(excerpts: Sequence[Excerpt], n: int, spread_by: str | None = None
           ) -> tuple[Excerpt, ...]:
    """At most ``n`` of a code's excerpts by the module's rule, in their given order.

    >>> from qcode.counts.excerpts import Excerpt
    >>> def ex(doc, quote, level):
    ...     return Excerpt("C", "T", "L", doc, doc, f"{doc}:1", "R", None, None, quote,
    ...                    None, {"level": level})
    >>> picks = choose([ex("A", "short", "local"), ex("A", "a much longer one", "local"),
    ...                 ex("B", "two words", "local"), ex("C", "national view", "national")],
    ...                2, "level")
    >>> [(e.doc, e.quote) for e in picks]
    [('A', 'a much longer one'), ('C', 'national view')]
    """
    if n >= len(excerpts):
        return tuple(excerpts)
    group_picks: dict[str, int] = {}
    doc_picks: dict[str, int] = {}
    picked: set[int] = set()
    for _ in range(max(n, 0)):
        best: tuple[int, int, int, int, int] | None = None
        best_k = -1
        for k, e in enumerate(excerpts):
            if k in picked:
                continue
            key = (group_picks.get(_group(e, spread_by), 0), doc_picks.get(e.doc, 0),
                   -len(e.quote.split()), -len(e.quote), k)
            if best is None or key < best:
                best, best_k = key, k
        e = excerpts[best_k]
        picked.add(best_k)
        group = _group(e, spread_by)
        group_picks[group] = group_picks.get(group, 0) + 1
        doc_picks[e.doc] = doc_picks.get(e.doc, 0) + 1
    return tuple(e for k, e in enumerate(excerpts) if k in picked)


def _group(e: Excerpt, spread_by: str | None) -> str:
    return e.attributes.get(spread_by, "") if spread_by else ""


def limit(groups: Sequence[ThemeGroup], n: int, spread_by: str | None = None
          ) -> list[ThemeGroup]:
    """The grouping with at most ``n`` excerpts per code (:func:`choose`); each code keeps
    its ``total`` (how many it has in all)."""
    out = []
    for t in groups:
        levels = []
        for lv in t.levels:
            codes = tuple(CodeGroup(code=cg.code, name=cg.name,
                                    excerpts=choose(cg.excerpts, n, spread_by),
                                    total=cg.total or len(cg.excerpts))
                          for cg in lv.codes)
            levels.append(LevelGroup(level=lv.level, name=lv.name, codes=codes))
        out.append(ThemeGroup(theme=t.theme, name=t.name, levels=tuple(levels)))
    return out

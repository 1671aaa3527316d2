"""``--where ATTR=VALUE`` conditions: the one parser behind every command that selects
documents by attribute (matrix, cooccur, report, search, agree --unitized).

What a condition may name (an attribute, ``document``, ``speaker``) and whether its values
exist is checked by the caller against the documents it has, with its own hint.
"""

from __future__ import annotations

from collections.abc import Iterable

from qcode.errors import UsageError


def parse_where(items: Iterable[str], docs: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """``["region=North", "region=West", "role=nurse"]`` -> {region: (North, West), role: ...}.

    ``docs`` (from ``--doc``) are the same as ``document=ID`` items.

    >>> parse_where(["region=North", "region=West"], docs=["N01"])
    {'region': ('North', 'West'), 'document': ('N01',)}
    """
    items = [*items, *(f"document={d}" for d in docs)]
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--where '{item}' is not ATTR=VALUE",
                             hint="for example: --where region=North")
        out.setdefault(key.strip(), []).append(value.strip())
    return {k: tuple(v) for k, v in out.items()}

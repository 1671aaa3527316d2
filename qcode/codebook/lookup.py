"""Look codes, themes and levels up by id or name, and suggest near names when none matches.

A light module (no YAML): every package that turns a typed name into a record imports it.
"""

from __future__ import annotations

from qcode.errors import NotFoundError
from qcode.models import Code, Codebook
from qcode.similar import suggestions

__all__ = ["did_you_mean", "resolve_code", "resolve_facet", "suggestions"]


def did_you_mean(word: str, choices: list[str]) -> str:
    """``"; did you mean 'x', 'y'?"`` for the choices near ``word``, or ``""``."""
    best = suggestions(word, choices, limit=3)
    return f"; did you mean {', '.join(repr(b) for b in best)}?" if best else ""


def resolve_code(codebook: Codebook, query: str) -> Code:
    """Find a code by exact id, then by name (case-insensitive), else raise with suggestions.

    >>> from qcode.models import Theme
    >>> cb = Codebook(themes=(Theme(id="T", name="T"),),
    ...               codes=(Code(id="A1", name="Trust in video", theme="T"),))
    >>> resolve_code(cb, "trust in video").id
    'A1'
    """
    q = query.strip()
    hit = codebook.code(q)
    if hit is not None:
        return hit
    by_name = [c for c in codebook.codes if c.name.casefold() == q.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    by_id = [c for c in codebook.codes if c.id.casefold() == q.casefold()]
    if len(by_id) == 1:
        return by_id[0]
    keys = {c.id: c for c in codebook.codes} | {c.name: c for c in codebook.codes}
    near = suggestions(q, list(keys))
    shown = list(dict.fromkeys(f"{keys[k].id} ({keys[k].name})" for k in near))[:3]
    hint = f"did you mean {'; '.join(shown)}?" if shown else "run: qcode codebook show"
    raise NotFoundError(f"unknown code '{q}'", hint=hint)


def resolve_facet(codebook: Codebook, kind: str, query: str) -> str:
    """Resolve a theme or level by id or name (case-insensitive); return its id."""
    items = codebook.themes if kind == "theme" else codebook.levels
    for item in items:
        if query in (item.id,) or query.casefold() in (item.id.casefold(), item.name.casefold()):
            return item.id
    ids = [i.id for i in items]
    raise NotFoundError(f"unknown {kind} '{query}'{did_you_mean(query, ids)}",
                        hint=f"{kind}s: {', '.join(ids) or 'none defined'}")

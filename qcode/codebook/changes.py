"""Codebook changes as records: each ``plan_*`` checks a change against the codebook as it
is and returns the log event's operation fields (``op`` and what redoes it).

The records are applied by :mod:`qcode.codebook.commit` (log first, then the YAML) and
folded into where codings stand now by :mod:`qcode.codebook.history`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from qcode.codebook.history import CodeMap, Proposal
from qcode.codebook.lookup import resolve_code, resolve_facet
from qcode.errors import ConflictError, NotFoundError, UsageError
from qcode.models import Code, Codebook
from qcode.similar import suggestions

Change = dict[str, Any]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<n>\d+)$")
#: fields ``edit`` changes: text, or lists of text
TEXT_FIELDS = ("definition",)
LIST_FIELDS = ("include", "exclude", "examples", "keywords", "keywords_no")


def _check_id(code_id: str) -> str:
    code_id = code_id.strip()
    if not _ID_RE.match(code_id):
        raise UsageError(f"'{code_id}' is not a valid code id",
                         hint="use letters, digits, '_', '-' or '.', at most 64 characters")
    return code_id


def _free(cb: Codebook, code_id: str, cmap: CodeMap) -> str:
    code_id = _check_id(code_id)
    if cb.code(code_id) is not None:
        raise ConflictError(f"code {code_id} is already in the codebook",
                            hint="choose another id, or leave --id out for the next free one")
    if code_id in cmap.renamed:
        raise ConflictError(f"code id {code_id} was used before (now {cmap.current(code_id)}); "
                            "its old codings follow that code",
                            hint="choose another id, or leave --id out for the next free one")
    return code_id


def _taken(cb: Codebook, cmap: CodeMap) -> set[str]:
    return {c.id for c in cb.codes} | set(cmap.renamed) | \
        {str(p.code.get("id")) for p in cmap.proposed.values()}


def next_id(cb: Codebook, theme: str, level: str | None, cmap: CodeMap | None = None) -> str:
    """The next free id in the codebook's pattern for a theme x level cell.

    The cell's numbered ids give the stem (``GOV-MAC-07`` -> ``GOV-MAC-08``); an empty cell
    takes its theme's stem from a code of the same theme and its level part from a code of
    the same level (``GOV`` + ``-MAC-``); else ``THEME-LEVEL-01``.
    """
    taken = _taken(cb, cmap or CodeMap())
    stem, width = "", 2
    for c in reversed(cb.cell(theme, level)):
        m = _NUMBERED.match(c.id)
        if m:
            stem, width = m["stem"], len(m["n"])
            break
    if not stem:
        level_part = None
        for c in cb.codes:
            m = _NUMBERED.match(c.id)
            if c.level == level and m and m["stem"].startswith(c.theme):
                level_part = m["stem"][len(c.theme):]
                width = len(m["n"])
                break
        if level_part is None:
            level_part = f"-{(level or '')[:3].upper()}-" if level else "-"
        stem = f"{theme}{level_part}"
    n = 1
    for used in taken:
        m = _NUMBERED.match(used)
        if m and m["stem"] == stem:
            n = max(n, int(m["n"]) + 1)
    while f"{stem}{n:0{width}d}" in taken:
        n += 1
    return f"{stem}{n:0{width}d}"


def _name_free(cb: Codebook, name: str, but: str | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise UsageError("a code needs a name")
    for c in cb.codes:
        if c.id != but and c.name.casefold() == name.casefold():
            raise ConflictError(f"code {c.id} is already named '{c.name}'",
                                hint="choose another name, or use that code")
    return name


def near_codes(cb: Codebook, name: str) -> list[Code]:
    """Codes whose names are close to ``name`` (to avoid near-duplicates), nearest first."""
    names = {c.name: c for c in cb.codes if not c.retired}
    return [names[n] for n in suggestions(name, list(names), limit=3, cutoff=80)]


def new_code(cb: Codebook, cmap: CodeMap, name: str, theme: str, level: str | None, *,
             code_id: str | None = None, definition: str | None = None,
             fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The fields of a new code, checked: its theme and level exist, id and name are free."""
    theme_id = resolve_facet(cb, "theme", theme)
    level_id = resolve_facet(cb, "level", level) if level else None
    if cb.levels and level_id is None:
        raise UsageError("the codebook has levels: give the new code's --level",
                         hint=f"levels: {', '.join(lv.id for lv in cb.levels)}")
    code = {"id": _free(cb, code_id, cmap) if code_id else next_id(cb, theme_id, level_id,
                                                                   cmap),
            "name": _name_free(cb, name), "theme": theme_id, "level": level_id}
    if definition:
        code["definition"] = definition.strip()
    for key, value in (fields or {}).items():
        if value not in (None, "", [], ()):
            code[key] = value
    return code


def plan_add(cb: Codebook, cmap: CodeMap, name: str, theme: str, level: str | None, *,
             code_id: str | None = None, definition: str | None = None,
             fields: Mapping[str, Any] | None = None, propose: bool = False) -> Change:
    code = new_code(cb, cmap, name, theme, level, code_id=code_id, definition=definition,
                    fields=fields)
    return {"op": "propose" if propose else "add", "new_code": code}


def plan_edit(cb: Codebook, code: str, fields: Mapping[str, Any]) -> Change:
    c = resolve_code(cb, code)
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        raise UsageError(f"nothing to change on {c.id}",
                         hint="give --definition, --include, --exclude or --keywords")
    unknown = set(given) - {*TEXT_FIELDS, *LIST_FIELDS}
    if unknown:
        raise UsageError(f"cannot edit {', '.join(sorted(unknown))} with edit",
                         hint="rename and move change the id, name, theme and level")
    return {"op": "edit", "code": c.id, "fields": given}


def plan_rename(cb: Codebook, cmap: CodeMap, code: str, *, new_id: str | None = None,
                name: str | None = None) -> Change:
    c = resolve_code(cb, code)
    if new_id is None and name is None:
        raise UsageError(f"nothing to rename on {c.id}", hint="give --id NEW or --name NEW")
    change: Change = {"op": "rename", "code": c.id}
    if new_id is not None and new_id.strip() != c.id:
        change["new_id"] = _free(cb, new_id, cmap)
    if name is not None:
        change["name"] = _name_free(cb, name, but=c.id)
    if len(change) == 2:
        raise UsageError(f"{c.id} already has that id", hint="give a different --id")
    return change


def plan_move(cb: Codebook, cmap: CodeMap, code: str, theme: str, level: str | None, *,
              new_id: str | None = None, keep_id: bool = False) -> Change:
    """Move a code to another cell; its id follows the pattern of the new cell unless it
    does not follow the old cell's (or ``keep_id``)."""
    c = resolve_code(cb, code)
    theme_id = resolve_facet(cb, "theme", theme)
    level_id = resolve_facet(cb, "level", level) if level else c.level
    if (theme_id, level_id) == (c.theme, c.level):
        raise UsageError(f"{c.id} is already in {theme_id} x {level_id}")
    change: Change = {"op": "move", "code": c.id, "theme": theme_id, "level": level_id}
    if new_id is not None:
        change["new_id"] = _free(cb, new_id, cmap)
    elif not keep_id:
        m = _NUMBERED.match(c.id)
        siblings = [_NUMBERED.match(o.id) for o in cb.cell(c.theme, c.level) if o.id != c.id]
        own_stem = m["stem"] if m else None
        if own_stem and (not siblings or any(s and s["stem"] == own_stem for s in siblings)) \
                and own_stem.startswith(c.theme):
            change["new_id"] = next_id(cb, theme_id, level_id, cmap)
    return change


def plan_merge(cb: Codebook, codes: Sequence[str], into: str) -> Change:
    target = resolve_code(cb, into)
    sources = list(dict.fromkeys(resolve_code(cb, q).id for q in codes))
    sources = [s for s in sources if s != target.id]
    if not sources:
        raise UsageError(f"nothing to merge into {target.id}",
                         hint="name the codes to merge: qcode codebook merge A B --into C")
    return {"op": "merge", "codes": sources, "into": target.id}


def plan_split(cb: Codebook, cmap: CodeMap, code: str, into: Sequence[str]) -> Change:
    """Split a code: each of ``into`` is an existing code (id or name) or the name of a new
    code in the split code's cell."""
    a = resolve_code(cb, code)
    if a.id in cmap.splits:
        raise ConflictError(f"{a.id} was split already (into {', '.join(cmap.splits[a.id])})")
    parts: list[Any] = []
    ids: list[str] = []
    growing = cb
    for q in (x.strip() for x in into if x.strip()):
        try:
            hit = resolve_code(growing, q)
        except NotFoundError:
            new = new_code(growing, cmap, q, a.theme, a.level)
            growing = growing.model_copy(update={"codes": (*growing.codes, Code(**new))})
            parts.append(new)
            ids.append(new["id"])
            continue
        if hit.id == a.id:
            raise UsageError(f"{a.id} cannot be split into itself")
        parts.append(hit.id)
        ids.append(hit.id)
    if len(set(ids)) < 2:
        raise UsageError(f"split {a.id} into at least two codes",
                         hint=f"qcode codebook split {a.id} --into 'First part,Second part'")
    return {"op": "split", "code": a.id, "parts": parts}


def plan_retire(cb: Codebook, code: str) -> Change:
    c = resolve_code(cb, code)
    if c.retired:
        raise ConflictError(f"{c.id} is retired already")
    return {"op": "retire", "code": c.id}


def find_proposal(cmap: CodeMap, ident: str) -> Proposal:
    """A pending proposal by its id or a unique prefix of it."""
    hits = [p for pid, p in cmap.proposed.items() if pid.startswith(ident.strip())]
    if len(hits) != 1:
        pending = ", ".join(cmap.proposed) or "none"
        raise NotFoundError(f"no {'single ' if hits else ''}pending proposal '{ident}'",
                            hint=f"pending: {pending} (list them with: qcode codebook review)")
    return hits[0]


def plan_accept(cb: Codebook, cmap: CodeMap, ident: str) -> Change:
    p = find_proposal(cmap, ident)
    code = dict(p.code)
    if cb.code(str(code.get("id"))) is not None:
        raise ConflictError(f"proposal {p.id}: code {code.get('id')} is in the codebook now",
                            hint=f"merge it instead: qcode codebook review --merge {p.id} "
                                 f"--into {code.get('id')}")
    code["name"] = _name_free(cb, str(code.get("name", "")))
    return {"op": "accept", "proposal": p.id, "new_code": code}


def plan_merge_proposal(cb: Codebook, cmap: CodeMap, ident: str, into: str) -> Change:
    p = find_proposal(cmap, ident)
    return {"op": "merge_proposal", "proposal": p.id, "code": str(p.code.get("id")),
            "into": resolve_code(cb, into).id}


def plan_reject(cmap: CodeMap, ident: str) -> Change:
    p = find_proposal(cmap, ident)
    return {"op": "reject", "proposal": p.id, "code": str(p.code.get("id"))}

"""A Codebook -> codebook YAML text that ``qcode.codebook.load.load`` reads back to the same record.

Keys follow ``codebooks/template.yaml``; empty fields are left out. Text is written by
PyYAML's safe dumper, which quotes anything YAML would otherwise read as a number,
boolean or null.
"""

from __future__ import annotations

from typing import Any

import yaml

from qcode.models import Code, Codebook

_LISTS = ("include", "exclude", "examples", "keywords", "keywords_no")


def _code(c: Code) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "name": c.name, "theme": c.theme}
    if c.level is not None:
        out["level"] = c.level
    if c.parent:
        out["parent"] = c.parent
    if c.source:
        out["source"] = c.source
    if c.definition:
        out["definition"] = c.definition
    for key in _LISTS:
        items = getattr(c, key)
        if items:
            out[key] = list(items)
    if c.variation_relevant:
        out["variation_relevant"] = True
    return out


def codebook_dict(cb: Codebook) -> dict[str, Any]:
    data: dict[str, Any] = {"name": cb.name}
    if cb.version:
        data["version"] = cb.version
    if cb.description:
        data["description"] = cb.description
    if cb.rules:
        data["rules"] = list(cb.rules)
    if cb.levels:
        data["levels"] = [_facet(lv.id, lv.name, lv.description) for lv in cb.levels]
    data["themes"] = [_facet(t.id, t.name, t.description) for t in cb.themes]
    data["codes"] = [_code(c) for c in cb.codes]
    return data


def _facet(fid: str, name: str, description: str) -> dict[str, str]:
    out = {"id": fid, "name": name}
    if description:
        out["description"] = description
    return out


def dump(cb: Codebook, header: str = "") -> str:
    """The codebook as YAML text (with an optional ``#`` comment header)."""
    body = yaml.safe_dump(codebook_dict(cb), sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return lines + body

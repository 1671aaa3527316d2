"""The codebook as plain data (JSON, CSV rows) and as Markdown.

Codebook text is untrusted like transcript text (a shared codebook can name a code
``<img src=x onerror=...>``): in Markdown every name, id, definition and criterion is
escaped (:func:`qcode.reports.markup.md_escape`), so it can never become raw HTML, a link
or a heading.
"""

from __future__ import annotations

from typing import Any

from qcode.models import Code, Codebook
from qcode.reports.markup import md_escape, md_paragraphs

CSV_FIELDS = ("id", "name", "theme", "level", "parent", "source", "definition", "include",
              "exclude", "examples", "keywords", "keywords_no")


def filtered(cb: Codebook, theme: str | None = None, level: str | None = None) -> Codebook:
    """The codebook with only the codes of one theme and/or level."""
    codes = tuple(c for c in cb.codes
                  if (theme is None or c.theme == theme) and (level is None or c.level == level))
    return cb.model_copy(update={"codes": codes})


def as_dict(cb: Codebook) -> dict[str, Any]:
    """The whole codebook as a JSON-ready object with ``levels``, ``themes`` and ``codes``."""
    return cb.model_dump(mode="json")


def as_rows(cb: Codebook) -> list[dict[str, str]]:
    """One flat row per code; list fields joined with ' | '."""
    rows = []
    for c in cb.codes:
        d = c.model_dump(mode="json")
        rows.append({k: " | ".join(d[k]) if isinstance(d[k], list) else
                     ("" if d[k] is None else str(d[k])) for k in CSV_FIELDS})
    return rows


def _code_md(c: Code, h: str) -> list[str]:
    """One code; ``h`` is the Markdown heading prefix of the code itself."""
    lines = [f"{h} {md_escape(c.id)}: {md_escape(c.name)}"
             + (" (retired)" if c.retired else ""), ""]
    if c.definition:
        lines += [md_paragraphs(c.definition), ""]
    for label, items in (("Include", c.include), ("Exclude", c.exclude),
                         ("Example", c.examples)):
        for item in items:
            lines.append(f"- *{label}:* {md_escape(item)}")
    kws = ", ".join(c.all_keywords)
    if kws:
        lines.append(f"- *Keywords:* {md_escape(kws)}")
    if c.source:
        lines.append(f"- *Basis:* {md_escape(c.source)}")
    lines.append("")
    return lines


def as_markdown(cb: Codebook, heading_level: int = 1) -> str:
    """A readable codebook: themes, then levels, then codes with their criteria."""
    h = "#" * heading_level
    out = [f"{h} Codebook: {md_escape(cb.name)}"
           + (f" (version {md_escape(cb.version)})" if cb.version else ""), ""]
    if cb.description:
        out += [md_paragraphs(cb.description), ""]
    level_ids: list[str | None] = [lv.id for lv in cb.levels] or [None]
    for t in cb.themes:
        codes_in_theme = [c for c in cb.codes if c.theme == t.id]
        if not codes_in_theme:
            continue
        out += [f"{h}# {md_escape(t.name)} ({md_escape(t.id)})", ""]
        if t.description:
            out += [md_paragraphs(t.description), ""]
        for lv in level_ids:
            cell = [c for c in codes_in_theme if c.level == lv]
            if not cell:
                continue
            if lv is not None:
                level = cb.level(lv)
                out += [f"{h}## {md_escape(level.name if level else lv)}", ""]
            code_heading = f"{h}###" if lv is not None else f"{h}##"  # no level: no gap
            for c in cell:
                out += _code_md(c, code_heading)
    return "\n".join(out).rstrip() + "\n"

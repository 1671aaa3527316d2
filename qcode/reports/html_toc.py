"""Headings with ids, and the table of contents an HTML report builds from them.

Each heading gets an id made from its key (``excerpts``, ``GOV``, ``GOV-MAC-01``: letters,
digits and dashes; a repeat gets ``-2``), so a reader can link to a code's excerpts
(``report.html#code-gov-mac-01``) and the contents link to every section. The links are
fragment links inside the page: nothing is fetched (the page's Content-Security-Policy
still forbids every remote resource).
"""

from __future__ import annotations

import re
from html import escape

TITLE = "Contents"
#: the deepest heading the contents list (h2 sections, h3 themes, h4 levels, h5 codes)
DEPTH = 5
_JUNK = re.compile(r"[^a-z0-9]+")

CSS = """
nav.toc{background:#f7f9fc;border:1px solid #c8ced6;padding:.5rem 1.2rem;margin:1rem 0}
nav.toc h2{margin:.3rem 0 .4rem;font-size:1.1rem;color:#111}
nav.toc ul{list-style:none;margin:0;padding-left:1.1rem}nav.toc>ul{padding-left:0}
nav.toc li{margin:.1rem 0}nav.toc a{color:#08457e;text-decoration:none}
nav.toc a:hover{text-decoration:underline}nav.toc>ul>li>a{font-weight:bold}
"""


def slug(key: str) -> str:
    """An id from a key: lower case, runs of other characters as one dash.

    >>> slug("GOV-MAC-01"), slug("Appendix: codebook"), slug("Økonomi")
    ('gov-mac-01', 'appendix-codebook', 'konomi')
    """
    return _JUNK.sub("-", key.casefold()).strip("-")


class Headings:
    """The headings of one page, in order, with unique ids."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, str, str]] = []  # (level, id, text)
        self.used: set[str] = set()

    def heading(self, level: int, text: str, key: str, toc: bool = True) -> str:
        """``<hN id="...">text</hN>`` (text escaped here); listed in the contents when
        ``toc`` and ``level`` is at most :data:`DEPTH`."""
        base = slug(key) or "section"
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = f"{base}-{n}"
        self.used.add(ident)
        if toc and level <= DEPTH:
            self.entries.append((level, ident, text))
        return f'<h{level} id="{ident}">{escape(text)}</h{level}>'

    def mark(self, level: int, text: str, key: str) -> str:
        """An id for a heading written elsewhere (the joint display's), listed in the
        contents; the caller puts the id on an element around that heading."""
        self.heading(level, text, key)
        return self.entries[-1][1]

    def nav(self) -> str:
        """The contents as nested lists of links (empty when there are no headings)."""
        if not self.entries:
            return ""
        top = min(level for level, _, _ in self.entries)
        out = [f'<nav class="toc" aria-label="{TITLE}">', f"<h2>{TITLE}</h2>", "<ul>"]
        depth = top
        first = True
        for level, ident, text in self.entries:
            level = max(level, top)
            if level > depth:
                out.append("<ul>" * (level - depth))
            elif not first:
                out.append("</li>" + "</ul></li>" * (depth - level))
            depth = level
            first = False
            out.append(f'<li><a href="#{ident}">{escape(text)}</a>')
        out.append("</li>" + "</ul></li>" * (depth - top) + "</ul>")
        out.append("</nav>")
        return "\n".join(out) + "\n"

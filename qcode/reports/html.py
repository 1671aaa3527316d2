"""HTML: one self-contained file (inline CSS, inline SVG, no scripts, no external links).

Every piece of transcript text, memo, name and attribute goes through :func:`html.escape`;
a Content-Security-Policy forbids scripts and remote resources as a second line of defence.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from qcode.counts.matrix import Matrix
from qcode.counts.matrix_notes import matrix_notes
from qcode.reports import html_toc
from qcode.reports.agreement_table import mean_per_code_line
from qcode.reports.heatmap_svg import matrix_svg
from qcode.reports.html_toc import Headings
from qcode.reports.joint import CSS as JOINT_CSS
from qcode.reports.joint import TITLE as JOINT_TITLE
from qcode.reports.joint import as_html_section
from qcode.reports.markup import source_lines
from qcode.reports.tables import matrix_grid

if TYPE_CHECKING:
    from qcode.counts.excerpts import Excerpt
    from qcode.models import Codebook
    from qcode.reports.content import AgreementSummary, ReportContent
    from qcode.reports.memo_section import MemoEntry, MemoSection

CSS = """
body{font-family:Helvetica,Arial,'Liberation Sans','DejaVu Sans',sans-serif;color:#111;
max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.7rem;border-bottom:2px solid #08457e;padding-bottom:.3rem}
h2{font-size:1.35rem;margin-top:2rem;color:#08457e}h3{font-size:1.15rem}
h4{font-size:1.02rem;color:#333}h5{font-size:.95rem;margin-bottom:.4rem}
table{border-collapse:collapse;margin:.6rem 0}th,td{border:1px solid #c8ced6;padding:.3rem .6rem}
th{background:#eef2f7;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;background:#f6f8fa}dl.meta{display:grid;
grid-template-columns:max-content auto;gap:.2rem 1rem}dl.meta dt{font-weight:bold}
dl.meta dd{margin:0}blockquote{margin:.6rem 0 1rem;padding:.4rem .9rem;
border-left:4px solid #6a9fd4;background:#f7f9fc}blockquote p{margin:.2rem 0}
.src{color:#444;font-size:.88rem}.memo{font-size:.88rem;color:#5a4a00}
.note{color:#444;font-size:.9rem}figure{margin:1rem 0}svg{max-width:100%;height:auto}
h2,h3,h4,h5{break-after:avoid}blockquote,tr,figure{break-inside:avoid}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def page(title: str, body: str, extra_css: str = "") -> str:
    return f"{_head(title, extra_css)}\n{body}{_TAIL}"


def page_lines(title: str, lines: list[str], extra_css: str = "") -> list[str]:
    """:func:`page` of the body ``"\\n".join(lines) + "\\n"``, as pieces to be joined by
    newlines (a report's body is tens of megabytes at 2,000 transcripts: it is never
    copied whole for the page, and may be written a chunk at a time)."""
    return [_head(title, extra_css), *lines, _TAIL]


_TAIL = "</body>\n</html>\n"


def _head(title: str, extra_css: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n"
            "<body>")


def grid_html(header: list[str], body: list[list[str]], total_row: bool = True,
              numeric_from: int = 1) -> str:
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header)
           + "</tr></thead>", "<tbody>"]
    for k, row in enumerate(body):
        cls = ' class="total"' if total_row and k == len(body) - 1 else ""
        cells = "".join(f'<td class="n">{escape(c)}</td>' if j >= numeric_from
                        else f"<td>{escape(c)}</td>" for j, c in enumerate(row))
        out.append(f"<tr{cls}>{cells}</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out) + "\n"


def matrix_fragment(m: Matrix) -> str:
    """The matrix as a table plus its heatmap (an inline SVG without the XML prolog)."""
    header, body = matrix_grid(m)
    svg = matrix_svg(m).split("\n", 1)[1]
    notes = "".join(f'<p class="note">{escape(n)}</p>\n' for n in matrix_notes(m))
    return grid_html(header, body) + notes + f"<figure>\n{svg}</figure>\n"


def matrix_page(m: Matrix) -> str:
    return page(f"Matrix: {m.row_dim} x {m.col_dim}",
                f"<h1>{escape(m.row_dim)} x {escape(m.col_dim)}</h1>\n" + matrix_fragment(m))


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def _agreement(a: AgreementSummary) -> str:
    header = ["Theme", "Prevalence", *a.metric_labels]
    body = [[r.label, f"{100 * r.prevalence:.1f}%", *(_num(v) for v in r.values)]
            for r in a.rows]
    mean = mean_per_code_line(a.metric_labels, a.mean_per_code)  # apart from the themes
    return (f"<p>Coders {escape(', '.join(a.coders))} on {a.documents} documents both "
            f"completed ({a.units} segments, uncoded segments included). Krippendorff's "
            f"alpha over code sets (MASI): {_num(a.masi_alpha)}.</p>\n"
            + grid_html(header, body, total_row=False) + f'<p class="note">{escape(mean)}</p>\n')


def _joint_css() -> str:
    """The joint display's own table styles (its page-level rules left out)."""
    return "\n".join(line for line in JOINT_CSS.splitlines()
                     if line.strip() and not line.startswith("body"))


def _codebook(cb: Codebook, h: Headings | None = None) -> str:
    out = [f"<p>{escape(cb.name)}" + (f", version {escape(cb.version)}" if cb.version
                                       else "") + "</p>"]
    if cb.description:
        out.append(f"<p>{escape(cb.description)}</p>")
    levels: list[str | None] = [lv.id for lv in cb.levels] or [None]
    for t in cb.themes:
        codes = [c for c in cb.codes if c.theme == t.id]
        if not codes:
            continue
        out.append(h.heading(3, f"{t.name} ({t.id})", f"codebook-{t.id}") if h else
                   f"<h3>{escape(t.name)} ({escape(t.id)})</h3>")
        for lv in levels:
            cell = [c for c in codes if c.level == lv]
            if not cell:
                continue
            if lv is not None:
                level = cb.level(lv)
                out.append(f"<h4>{escape(level.name if level else lv)}</h4>")
            for c in cell:
                out.append(f"<h5>{escape(c.id)}: {escape(c.name)}</h5>")
                if c.definition:
                    out.append(f"<p>{escape(c.definition)}</p>")
                items = [(lab, x) for lab, xs in (("Include", c.include),
                                                  ("Exclude", c.exclude),
                                                  ("Example", c.examples)) for x in xs]
                if items:
                    out.append("<ul>" + "".join(f"<li><i>{lab}:</i> {escape(x)}</li>"
                                                for lab, x in items) + "</ul>")
    return "\n".join(out) + "\n"


def report_html(r: ReportContent) -> str:
    """The whole report (a :class:`qcode.reports.content.ReportContent`) as one HTML file,
    with a table of contents linking every section, theme, level and code."""
    return "\n".join(html_lines(r))


def html_lines(r: ReportContent) -> list[str]:
    """:func:`report_html` as pieces to be joined by newlines (each excerpt is one piece),
    for writing a chunk at a time."""
    h = Headings()
    body = [f"<h1>{escape(r.title)}</h1>", '<dl class="meta">']
    body += [f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in r.header_lines()]
    body.append("</dl>")
    toc_at = len(body)  # the contents go here once every heading is written
    body += [h.heading(2, "Theme x level matrix", "matrix"), matrix_fragment(r.matrix)]
    if r.agreement is not None:
        body += [h.heading(2, "Agreement", "agreement"), _agreement(r.agreement)]
    extra_css = html_toc.CSS
    if r.joint is not None:
        ident = h.mark(2, JOINT_TITLE, "joint-display")
        body.append(f'<div id="{ident}">{as_html_section(r.joint, 2)}</div>')
        extra_css += _joint_css() + "\n"
    body.append(h.heading(2, "Excerpts", "excerpts"))
    if not r.groups:
        body.append("<p>No coded excerpts match the selection.</p>")
    body += _excerpts_html(r, h)
    if r.memos is not None:
        body.append(memos_html(r.memos, h))
    body += [h.heading(2, "Appendix: codebook", "appendix-codebook"), _codebook(r.codebook, h)]
    if r.context is not None:
        extra_css += CONTEXT_CSS
    body.insert(toc_at, h.nav().rstrip("\n"))
    return page_lines(r.title, body, extra_css)


#: context around a quote is grey (added only to a report that shows context)
CONTEXT_CSS = ".ctx{color:#767676}\n"


def _excerpts_html(r: ReportContent, h: Headings) -> list[str]:
    """The headings and blockquotes of the excerpts: a span under several codes is written
    once and its text reused; quotes and source lines are escaped together
    (:func:`escape_many`)."""
    out: list[str | int] = []  # headings, and for each excerpt the number of its block
    block_of: dict[tuple[str, str, int, int], int] = {}
    firsts: list[Excerpt] = []  # the first excerpt of each span, in report order
    for t in r.groups:
        out.append(h.heading(3, f"{t.name} ({t.theme})", f"theme-{t.theme}"))
        for lv in t.levels:
            out.append(h.heading(4, lv.name, f"{t.theme}-{lv.level}"))
            for cg in lv.codes:
                out.append(h.heading(5, f"{cg.code}: {cg.name} ({cg.count_label})",
                                     f"code-{cg.code}"))
                for e in cg.excerpts:
                    key = (e.doc, e.segment, e.start, e.end)
                    k = block_of.get(key)
                    if k is None:
                        k = block_of[key] = len(firsts)
                        firsts.append(e)
                    out.append(k)
    quotes = escape_many([e.quote for e in firsts])
    sources = escape_many(source_lines(firsts, r.attribute_names))
    blocks = []
    for e, quote, source in zip(firsts, quotes, sources, strict=True):
        if e.before or e.after:
            quote = _quote(e, quote)
        memos = "".join(f'<p class="memo"><i>Memo ({escape(c)}):</i> {escape(m)}</p>'
                        for c, m in r.memos_on(e)) if r.show_memos else ""
        blocks.append(f"<blockquote><p>{quote}</p><p class=\"src\">\u2014 {source}</p>"
                      f"{memos}</blockquote>")
    return [blocks[x] if isinstance(x, int) else x for x in out]


def escape_many(texts: Sequence[str]) -> list[str]:
    """``html.escape`` of each text: a chunk of texts joined by newlines, escaped at once and
    split again (a text holding a newline sends its chunk through escape one by one).

    >>> escape_many(["<b>", "a & b", "x\\ny"])
    ['&lt;b&gt;', 'a &amp; b', 'x\\ny']
    """
    out: list[str] = []
    for i in range(0, len(texts), 512):
        chunk = texts[i:i + 512]
        joined = "\n".join(chunk)
        raw = joined.encode("utf-8", "surrogatepass")
        if len(raw) - len(raw.translate(None, b"&<>\"'\n")) == len(chunk) - 1:
            out += chunk  # no character to escape, and no text holds a newline
        elif joined.count("\n") != len(chunk) - 1:
            out += [escape(t) for t in chunk]
        else:
            out += escape(joined).split("\n")
    return out


def _quote(e: Excerpt, quote: str | None = None) -> str:
    """An excerpt's quote (``quote``: escaped already), its context (if any) in grey
    around it."""
    quote = escape(e.quote) if quote is None else quote
    if not (e.before or e.after):
        return quote
    return " ".join(x for x in (f'<span class="ctx">{escape(e.before)}</span>' if e.before
                                else "", quote,
                                f'<span class="ctx">{escape(e.after)}</span>' if e.after
                                else "") if x)


def _memo_list(entries: tuple[MemoEntry, ...]) -> str:
    return "<ul>" + "".join(f"<li><b>{escape(e.when)}</b>, {escape(e.author)}: "
                            f"{escape(e.text)}</li>" for e in entries) + "</ul>"


def memos_html(m: MemoSection, h: Headings | None = None) -> str:
    """The report's "Memos" section: the project's journal, memos per code and document."""
    h = h or Headings()
    out = [h.heading(2, "Memos", "memos")]
    if m.empty:
        out.append("<p>No memos on the project, these codes or these documents.</p>")
    if m.project:
        out += [h.heading(3, "Project", "memos-project"), _memo_list(m.project)]
    for title, groups in (("Codes", m.codes), ("Documents", m.documents)):
        if groups:
            out.append(h.heading(3, title, f"memos-{title}"))
            for g in groups:
                out += [h.heading(4, g.title, f"memo-{g.title.partition(':')[0]}"),
                        _memo_list(g.entries)]
    return "\n".join(out)

"""The joint display as Markdown and as HTML (a whole page, or a section for a report)."""

from __future__ import annotations

from html import escape

from qcode.registry.joint import JointDisplay, JointRow
from qcode.reports.markup import md_escape

TITLE = "Joint display: registry figures beside the interviews"
COUNT_WORDS = {"segments": "coded segments (a segment counts once per cell)",
               "codings": "codings (one per code per coded segment)",
               "documents": "documents with a coding in the cell",
               "speakers": "speakers with a coding in the cell"}
#: under the summary table, whose theme columns add up a theme's level cells
SUMMED_NOTE = ("Theme columns: the sum of the theme's level cells, so a segment coded at two "
               "levels of one theme counts twice there.")
USE_WORDS = {"every_year": "used every year", "sporadic": "used sporadically",
             "never": "never used"}


def pct(value: float | None) -> str:
    """A share in percent with 3 decimals ('-' when there is none).

    >>> pct(0.09784), pct(None)
    ('0.098 %', '-')
    """
    return "-" if value is None else f"{value:.3f} %"


def group_label(by: str) -> str:
    return by[5:] if by.startswith("attr:") else by


def column_label(by: str) -> str:
    """The group column's heading: the attribute name as written, first letter up
    (``str.capitalize`` lowered the rest: HospitalType became Hospitaltype)."""
    label = group_label(by)
    return label[:1].upper() + label[1:]


def registry_line(row: JointRow) -> str:
    """The registry half of one group in one line of plain text."""
    reg = row.registry
    if reg is None:
        return "no registry figures"
    parts = [f"share {pct(reg.share_pct)}",
             f"{reg.telemedicine_contacts:,} contacts / {reg.outpatient_visits:,} visits"]
    if reg.regularity is not None:
        parts.append(USE_WORDS[reg.regularity])
    else:
        parts.append(f"{reg.hospitals_using} of {reg.hospitals_total} hospitals using")
    if reg.first_year != reg.last_year:
        parts.append(f"{reg.first_year} {pct(reg.first_year_share_pct)} -> {reg.last_year} "
                     f"{pct(reg.last_year_share_pct)}")
    return "; ".join(parts)


def preamble(d: JointDisplay) -> list[str]:
    """Sentences that say what the display shows (shared by every rendering)."""
    lines = [f"Groups by {group_label(d.by)} (documents linked through their "
             f"'{d.attribute}' attribute); theme x level counts are "
             f"{COUNT_WORDS.get(d.count, d.count)}, coded by {d.coder}."]
    if d.national is not None and d.period:
        lines.append(f"Registry {d.period[0]}-{d.period[-1]}: national telemedicine share "
                     f"{pct(d.national.share_pct)} of outpatient visits.")
    elif d.by in ("region", "hospital") or d.attribute in ("region", "hospital"):
        lines.append("No registry data in this project: import it with "
                     "qcode registry import FILE.csv.")
    if d.registry_only:
        lines.append(f"In the registry but without interviews: {', '.join(d.registry_only)}.")
    if d.unlinked_documents:
        lines.append(f"Documents without a '{d.attribute}' attribute (not shown): "
                     f"{', '.join(d.unlinked_documents)}.")
    return lines


def _md_cell(text: str) -> str:
    """Transcript text and names in Markdown: never live HTML, links or table breaks."""
    return md_escape(text)


def as_markdown(d: JointDisplay, heading_level: int = 1) -> str:
    h = "#" * heading_level
    out = [f"{h} {TITLE}", ""]
    out += [*(_md_cell(line) for line in preamble(d)), ""]
    theme_ids = [_md_cell(t) for t, _ in d.themes]
    out.append(f"| {column_label(d.by)} | Telemedicine share | Use | Interviews "
               f"| Codings | " + " | ".join(theme_ids) + " |")
    out.append("|---|---:|---|---|---:|" + "---:|" * len(theme_ids))
    for row in d.rows:
        reg, iv = row.registry, row.interviews
        use = ("-" if reg is None else USE_WORDS[reg.regularity]
               if reg.regularity else f"{reg.hospitals_using} of {reg.hospitals_total} "
               "hospitals using")
        totals = [str(sum(r)) for r in iv.matrix.counts]
        out.append(f"| {_md_cell(row.key)} | {pct(reg.share_pct) if reg else '-'} | {use} | "
                   f"{_md_cell(', '.join(iv.documents))} | {iv.codings} | "
                   + " | ".join(totals) + " |")
    out += ["", "*" + md_escape(SUMMED_NOTE) + "*", ""]
    level_names = [_md_cell(n or "codes") for _, n in d.levels]
    for row in d.rows:
        iv = row.interviews
        out += [f"{h}# {_md_cell(row.key)}", "", f"Registry: {registry_line(row)}.", "",
                f"Interviews: {_md_cell(', '.join(iv.documents))} ({iv.codings} codings).", ""]
        out.append("| Theme | " + " | ".join(level_names) + " |")
        out.append("|---|" + "---:|" * len(level_names))
        for (tid, tname), counts in zip(d.themes, iv.matrix.counts, strict=True):
            out.append(f"| {_md_cell(tname)} ({_md_cell(tid)}) | "
                       + " | ".join(map(str, counts)) + " |")
        out.append("")
        if iv.top_codes:
            out.append("Most frequent codes:")
            out.append("")
            for q in iv.top_codes:
                out.append(f"- **{_md_cell(q.code)}** {_md_cell(q.name)} ({q.count}): "
                           f"\u201c{_md_cell(q.quote)}\u201d "
                           f"({_md_cell(q.doc)}, {_md_cell(q.segment)})")
            out.append("")
    return "\n".join(out)


# Every rule but the page's own body rule is scoped to the display's <section>: the report
# embeds this CSS with --joint, and an unscoped blockquote rule restyled every quote in it.
CSS = """
body { font-family: Arial, Helvetica, sans-serif; margin: 2em; color: #111; }
.joint-display table.joint { border-collapse: collapse; width: 100%; }
.joint-display table.joint > thead > tr > th, .joint-display table.joint > tbody > tr > td {
  border: 1px solid #999; padding: 0.5em; vertical-align: top; text-align: left; }
.joint-display table.tl { border-collapse: collapse; }
.joint-display table.tl th, .joint-display table.tl td {
  border: 1px solid #ccc; padding: 0.15em 0.5em; text-align: right; }
.joint-display table.tl th[scope=row] { text-align: left; }
.joint-display td.zero { color: #aaa; }
.joint-display blockquote { margin: 0.2em 0 0.6em 1em; font-style: italic; }
.joint-display .source { color: #555; font-size: 0.9em; }
.joint-display p.note { color: #333; }
"""


def _matrix_html(d: JointDisplay, row: JointRow) -> str:
    iv = row.interviews
    head = "".join(f'<th scope="col">{escape(n or "codes")}</th>' for _, n in d.levels)
    body = []
    for (tid, tname), counts in zip(d.themes, iv.matrix.counts, strict=True):
        cells = "".join(f'<td class="zero">{c}</td>' if c == 0 else f"<td>{c}</td>"
                        for c in counts)
        body.append(f'<tr><th scope="row" title="{escape(tname)}">{escape(tid)}</th>{cells}'
                    "</tr>")
    return (f'<table class="tl"><thead><tr><th scope="col">Theme</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _registry_html(row: JointRow) -> str:
    reg = row.registry
    if reg is None:
        return "<p>no registry figures</p>"
    use = (USE_WORDS[reg.regularity] if reg.regularity
           else f"{reg.hospitals_using} of {reg.hospitals_total} hospitals using")
    trend = ""
    if reg.first_year != reg.last_year:
        trend = (f"<br>{reg.first_year}: {pct(reg.first_year_share_pct)}; {reg.last_year}: "
                 f"{pct(reg.last_year_share_pct)}")
    return (f"<p><strong>{pct(reg.share_pct)}</strong> of outpatient visits<br>"
            f"{reg.telemedicine_contacts:,} contacts / {reg.outpatient_visits:,} visits<br>"
            f"{use}{trend}</p>")


def _codes_html(row: JointRow) -> str:
    items = []
    for q in row.interviews.top_codes:
        items.append(f"<li><strong>{escape(q.code)}</strong> {escape(q.name)} ({q.count})"
                     f"<blockquote>\u201c{escape(q.quote)}\u201d "
                     f'<span class="source">({escape(q.doc)}, {escape(q.segment)})</span>'
                     "</blockquote></li>")
    return f"<ol>{''.join(items)}</ol>" if items else "<p>no codings</p>"


def as_html_section(d: JointDisplay, heading_level: int = 2) -> str:
    """The display as an HTML ``<section>`` (for inclusion in a report)."""
    h = f"h{heading_level}"
    notes = "".join(f'<p class="note">{escape(line)}</p>' for line in preamble(d))
    rows = []
    for row in d.rows:
        iv = row.interviews
        rows.append(
            f'<tr><th scope="row">{escape(row.key)}<br><span class="source">'
            f"{escape(', '.join(iv.documents))}; {iv.codings} codings</span></th>"
            f"<td>{_registry_html(row)}</td><td>{_matrix_html(d, row)}</td>"
            f"<td>{_codes_html(row)}</td></tr>")
    label = escape(column_label(d.by))
    return (f'<section class="joint-display"><{h}>{escape(TITLE)}</{h}>{notes}'
            f'<table class="joint"><thead><tr><th scope="col">{label}</th>'
            '<th scope="col">Registry</th><th scope="col">Interviews: theme x level</th>'
            '<th scope="col">Most frequent codes</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def as_html(d: JointDisplay) -> str:
    """A whole, self-contained HTML page."""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(TITLE)}</title><style>{CSS}</style></head><body>"
            f"{as_html_section(d, 1)}</body></html>\n")

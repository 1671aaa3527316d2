"""Markdown: matrices as pipe tables, and the full report of coded excerpts.

Transcript text is escaped with backslashes (CommonMark lets any ASCII punctuation be
escaped), so a quote can never become a heading, a link or raw HTML.
"""

from __future__ import annotations

from itertools import count
from operator import itemgetter
from typing import TYPE_CHECKING

from qcode.counts.excerpts import Excerpt
from qcode.counts.matrix import Matrix
from qcode.counts.matrix_notes import matrix_notes
from qcode.reports.agreement_table import mean_per_code_line
from qcode.reports.codebook import as_markdown as codebook_markdown
from qcode.reports.joint import as_markdown as joint_markdown
from qcode.reports.markup import (
    md_escape,
    md_escape_many,
    md_quotes,
    source_line,
    source_lines,
)
from qcode.reports.tables import matrix_grid

if TYPE_CHECKING:
    from qcode.reports.content import AgreementSummary, ReportContent
    from qcode.reports.memo_section import MemoEntry, MemoSection

__all__ = ["agreement_markdown", "markdown_lines", "matrix_markdown", "md_escape",
           "report_markdown", "source_line", "table"]


def table(header: list[str], body: list[list[str]], align_right_from: int = 1) -> str:
    """A pipe table; columns from ``align_right_from`` on are right-aligned."""
    lines = ["| " + " | ".join(md_escape(h) for h in header) + " |",
             "|" + "|".join(":---" if k < align_right_from else "---:"
                            for k in range(len(header))) + "|"]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def matrix_markdown(m: Matrix) -> str:
    """The pipe table, then its footnotes (qcode.counts.matrix_notes), one paragraph each."""
    header, body = matrix_grid(m)
    return table(header, body) + "".join(f"\n*{md_escape(n)}*\n" for n in matrix_notes(m))


def _num(v: float | None, digits: int = 3) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def agreement_markdown(a: AgreementSummary) -> str:
    """The agreement summary (a :class:`qcode.reports.content.AgreementSummary`)."""
    lines = [f"Coders {', '.join(a.coders)} on {a.documents} documents both completed "
             f"({a.units} segments, uncoded segments included). Krippendorff's alpha over "
             f"code sets (MASI): {_num(a.masi_alpha)}.", ""]
    header = ["Theme", "Prevalence", *a.metric_labels]
    body = [[r.label, f"{100 * r.prevalence:.1f}%", *(_num(v) for v in r.values)]
            for r in a.rows]
    mean = mean_per_code_line(a.metric_labels, a.mean_per_code)  # apart from the themes
    return ("\n".join(md_escape(x) for x in lines[:1]) + "\n\n" + table(header, body)
            + f"\n{md_escape(mean)}\n")


def report_markdown(r: ReportContent) -> str:
    """The whole report (a :class:`qcode.reports.content.ReportContent`) as Markdown."""
    return "\n".join(markdown_lines(r))


def markdown_lines(r: ReportContent) -> list[str]:
    """:func:`report_markdown` as pieces to be joined by newlines (each excerpt's
    blockquote is one piece), for writing a chunk at a time."""
    out = [f"# {md_escape(r.title)}", ""]
    out += [f"- **{k}:** {md_escape(v)}" for k, v in r.header_lines()]
    out += ["", "## Theme x level matrix", "", matrix_markdown(r.matrix).rstrip(), ""]
    if r.agreement is not None:
        out += ["## Agreement", "", agreement_markdown(r.agreement).rstrip(), ""]
    if r.joint is not None:
        out += [joint_markdown(r.joint, heading_level=2).rstrip(), ""]
    out += ["## Excerpts", ""]
    if not r.groups:
        out += ["No coded excerpts match the selection.", ""]
    out += _excerpts_md(r)
    if r.memos is not None:
        out += [memos_markdown(r.memos).rstrip(), ""]
    appendix = codebook_markdown(r.codebook, heading_level=2)
    out += [appendix.replace("## Codebook: ", "## Appendix. Codebook: ", 1).rstrip(), ""]
    return out


#: an excerpt's span: its document, first segment, start and end
_SPAN = itemgetter(*map(Excerpt._fields.index, ("doc", "segment", "start", "end")))


def _excerpts_md(r: ReportContent) -> list[str]:
    """The headings and blockquotes of the excerpts. A span under several codes is
    written once and its text reused; the quotes and source lines are escaped together
    (:func:`md_escape_many`). Each blockquote is one string of lines: its context, if any,
    in brackets around the quote; then its memos (``--memos``). Each excerpt is looked up
    by its span in C (``map``), not a Python step apiece."""
    heads: list[tuple[list[str], int]] = []  # per code: the lines before its excerpts, and
    # how many excerpts it has
    lines: list[str] = []
    every: list[Excerpt] = []  # the excerpts in report order
    for t in r.groups:
        lines += [f"### {md_escape(t.name)} ({md_escape(t.theme)})", ""]
        for lv in t.levels:
            lines += [f"#### {md_escape(lv.name)}", ""]
            for cg in lv.codes:
                lines += [f"##### {md_escape(cg.code)}: {md_escape(cg.name)} "
                          f"({cg.count_label})", ""]
                heads.append((lines, len(cg.excerpts)))
                lines = []
                every += cg.excerpts
    if lines:
        heads.append((lines, 0))
    # each excerpt's span numbered by the position of its first excerpt
    first_of: dict[tuple[str, str, int, int], int] = {}
    ids = list(map(first_of.setdefault, map(_SPAN, every), count()))
    firsts = [every[i] for i in first_of.values()]  # the first excerpt of each span
    quotes = md_quotes(firsts)
    sources = md_escape_many(source_lines(firsts, r.attribute_names))
    blocks = [f"> {q}\n>\n> \u2014 {s}\n" for q, s in zip(quotes, sources, strict=True)]
    if r.show_memos:
        for k, e in enumerate(firsts):
            memos = "".join(f"\n>\n> *Memo ({md_escape(coder)}):* {md_escape(memo)}"
                            for coder, memo in r.memos_on(e))
            if memos:
                blocks[k] = f"{blocks[k][:-1]}{memos}\n"
    block_of = dict(zip(first_of.values(), blocks, strict=True))
    out: list[str] = []
    at = 0
    for before, n in heads:
        out += before
        out += map(block_of.__getitem__, ids[at:at + n])
        at += n
    return out


def _memo_md(e: MemoEntry) -> str:
    return f"- **{md_escape(e.when)}**, {md_escape(e.author)}: {md_escape(e.text)}"


def memos_markdown(m: MemoSection) -> str:
    """The report's "Memos" section: the project's journal, then memos per code and per
    document."""
    out = ["## Memos", ""]
    if m.empty:
        out += ["No memos on the project, these codes or these documents.", ""]
    if m.project:
        out += ["### Project", "", *(_memo_md(e) for e in m.project), ""]
    for title, groups in (("Codes", m.codes), ("Documents", m.documents)):
        if groups:
            out += [f"### {title}", ""]
            for g in groups:
                out += [f"#### {md_escape(g.title)}", "", *(_memo_md(e) for e in g.entries),
                        ""]
    return "\n".join(out)

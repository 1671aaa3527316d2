"""``qcode report``: coded excerpts in Markdown, HTML, DOCX, CSV or XLSX."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from qcode.cli.console import emit, note, warn, warn_omissions
from qcode.cli.options import doc_set_option, outgoing, outgoing_values, real_names_option


class ReportFormat(str, Enum):
    md = "md"
    html = "html"
    docx = "docx"
    csv = "csv"
    xlsx = "xlsx"


def report(
    ctx: typer.Context,
    coder: str | None = typer.Option(None, "--coder", "-c", help="Whose codings (default: "
                                     "the consensus coder, else the only coder)."),
    fmt: ReportFormat | None = typer.Option(None, "--format", "-f",
                                            help="Output format (default: from the "
                                                 "extension of --output, else md)."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to FILE (required for docx and xlsx; md, "
                                            "html and csv go to stdout without it)."),
    theme: str | None = typer.Option(None, "--theme", "-t", help="Only this theme (id or "
                                                                 "name)."),
    level: str | None = typer.Option(None, "--level", "-l", help="Only this level (id or "
                                                                 "name)."),
    code: list[str] = typer.Option([], "--code", help="Only these codes (id or name; "
                                                      "repeat)."),
    doc: list[str] = typer.Option([], "--doc", "-d", metavar="DOC",
                                  help="Only this document (repeat for several)."),
    doc_set: list[str] = doc_set_option(),
    where: list[str] = typer.Option([], "--where", "-w", metavar="ATTR=VALUE",
                                    help="Only documents with this attribute value (repeat: "
                                         "same ATTR = any of, different ATTRs = all of)."),
    joint: str | None = typer.Option(None, "--joint", metavar="BY",
                                     help="Include the joint display by region, hospital "
                                          "or attr:NAME (needs registry data for figures)."),
    date: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                    help="The date printed in the header (default: today); "
                                         "fix it to get identical files."),
    title: str | None = typer.Option(None, "--title", help="Report title."),
    no_agreement: bool = typer.Option(False, "--no-agreement",
                                      help="Leave out the agreement summary."),
    memos: bool = typer.Option(False, "--memos",
                               help="Show memos (off by default): under each quote the "
                                    "coder's memo and the other coders' (consensus "
                                    "included) on its segment, and a Memos section (md, "
                                    "html, docx): the project's journal, memos on the "
                                    "selected codes and documents. CSV/XLSX: memo columns."),
    context: str | None = typer.Option(None, "--context", metavar="N|sentence",
                                       help="Show N words (or the rest of the sentence) "
                                            "around each quote, marked as context."),
    attributes: list[str] = typer.Option([], "--attributes", metavar="NAMES",
                                         help="Document attributes each quote's source "
                                              "line shows (comma list or repeat; 'all', "
                                              "'none'). Default: [report] attributes in "
                                              "qcode.toml, else none."),
    per_code: int | None = typer.Option(None, "--per-code", min=1, metavar="N",
                                        help="At most N exemplars per code: spread across "
                                             "--spread-by groups, then documents, then "
                                             "the longest quotes."),
    spread_by: str | None = typer.Option(None, "--spread-by", metavar="ATTR",
                                         help="With --per-code: the attribute exemplars "
                                              "are spread across (default: [report] "
                                              "spread_by in qcode.toml, else documents "
                                              "only)."),
    real_names: bool = real_names_option(),
) -> None:
    """Report of coded excerpts, grouped theme -> level -> code.

    Each quote is exactly the coded span (a whole segment, a phrase, or a stretch across
    segments) and comes with a source line: the speaker (the same label in every format;
    unify labels with qcode speakers rename), the document, the segment(s) it lies in
    (D01:0003, or D01:0003-0005), the time where the transcript has one, and only the
    attributes chosen with --attributes (or [report] attributes = [...] in qcode.toml;
    none otherwise: attributes can identify people). With --memos the coder's memo and
    the other coders' memos on the segment follow each quote.

    --per-code N keeps at most N exemplars per code, chosen so: each pick takes the quote
    whose --spread-by group (e.g. stakeholder_level) has had the fewest picks, then whose
    document has had the fewest, then the longest (in words); the report says how many of
    each code's excerpts it shows ("3 of 12 excerpts") and states the rule. The matrix
    and agreement still count every coding.

    HTML and DOCX reports open with a table of contents (DOCX: a Word TOC field over
    Heading 1-4, filled in already; Word adds page numbers when it updates the field), and
    the DOCX matrix is a heatmap: its cells shaded by count.

    With --context N (words) or --context sentence the text around the span within its
    segments is shown and marked as context: grey in HTML and DOCX, in brackets with an
    ellipsis where it is cut in Markdown, and in an in_context column of CSV and XLSX.
    Markdown, HTML and DOCX reports also hold a header
    (coder, coders, codebook version, date), the theme x level matrix (segments), the
    agreement summary when two or more coders completed documents, with --memos a
    "Memos" section (memos on the project, per code and per document; qcode memo add),
    and the codebook as an appendix. HTML is one self-contained file (all transcript text
    escaped, no scripts); DOCX has real Word headings and tables. CSV and XLSX have one
    row per excerpt, and any cell starting with = + - @ is prefixed with ' so spreadsheets
    never run it. The same inputs and --date give the same bytes.

    Examples:

      qcode report -o report.html

      qcode report --coder consensus --format docx -o report.docx --date 2026-01-31

      qcode report --theme GOV --level macro --where region=North -o gov-macro.md

      qcode report --format xlsx -o excerpts.xlsx

      qcode report --code GOV-MAC-01 --context 12 -o strategy.md

      qcode report --per-code 3 --spread-by stakeholder_level --attributes role -o paper.docx
    """
    from datetime import date as Date

    from qcode.counts.context import parse_context
    from qcode.counts.excerpts import resolve_selection
    from qcode.documents.sets import selected_documents
    from qcode.documents.where import parse_where
    from qcode.errors import UsageError
    from qcode.reports.content import build_report, report_output
    from qcode.reports.settings import parse_attribute_option

    if spread_by is not None and per_code is None:  # it had no effect, and said nothing
        raise UsageError(f"--spread-by {spread_by} works with --per-code N only",
                         hint=f"add --per-code N (e.g. --per-code 3 --spread-by {spread_by})")
    kind = fmt.value if fmt else _from_suffix(output)
    if kind in ("docx", "xlsx") and output is None:
        raise UsageError(f"--format {kind} writes a binary file; give --output FILE.{kind}")
    if date is not None:
        try:
            Date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"--date '{date}' is not a date like 2026-01-31") from None
    if memos and kind in ("csv", "xlsx"):
        warn(f"the Memos section is left out of a {kind} report (one row per excerpt); the "
             "segment memos are in its memo columns")
    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    chosen = parse_where(outgoing_values(ctx, where), selected_documents(project, doc, doc_set))
    sel = resolve_selection(project.codebook, theme, level, code, chosen)
    content = build_report(project, coder=coder, selection=sel, date=date, title=title,
                           agreement=not no_agreement and kind in ("md", "html", "docx"),
                           joint_by=joint, memos=memos, context=parse_context(context),
                           attributes=parse_attribute_option(attributes), per_code=per_code,
                           spread_by=spread_by)
    warn_omissions(content.omissions, project.root)
    for labels in content.speaker_variants:
        warn(f"speaker labels differ only in case: {', '.join(labels)}; the report shows "
             f"them as they are (unify them: qcode speakers rename --all '{labels[0]}' "
             f"'{labels[-1]}')")
    if content.memos is not None:
        from qcode.cli.memo_cmd import warn_damaged

        warn_damaged(content.memos.unreadable, project.root)
    n, of, by = content.n_excerpts, content.n_available, content.coder
    data = report_output(content, kind)
    del content  # the excerpts are in the text now: freed before it is written
    if output is None:
        assert not isinstance(data, bytes)
        emit(data, None)
        return
    from qcode.outputs import write_output

    write_output(output, data)
    shown = f"{n} excerpt{'' if n == 1 else 's'}" if n == of else f"{n} of {of} excerpts"
    note(f"Wrote {output}: {shown} coded by {by}")


def _from_suffix(output: Path | None) -> str:
    if output is None:
        return "md"
    suffix = output.suffix.lower().lstrip(".")
    aliases = {"markdown": "md", "htm": "html"}
    suffix = aliases.get(suffix, suffix)
    if suffix in {f.value for f in ReportFormat}:
        return suffix
    from qcode.errors import UsageError

    raise UsageError(f"cannot tell the format from '{output.name}'",
                     hint="give --format md, html, docx, csv or xlsx")


def register(app: typer.Typer) -> None:
    app.command("report")(report)

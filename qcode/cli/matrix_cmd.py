"""``qcode matrix`` and ``qcode cooccur``: frequency matrices and code co-occurrence."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import typer

from qcode.cli.console import (
    echo_json,
    emit,
    json_text,
    note,
    out,
    print_whole,
    state,
    warn_omissions,
)
from qcode.cli.options import doc_set_option, outgoing, outgoing_values, real_names_option


class Count(str, Enum):
    segments = "segments"
    codings = "codings"
    documents = "documents"
    speakers = "speakers"
    characters = "characters"
    words = "words"


class Percent(str, Enum):
    none = "none"
    row = "row"
    col = "col"
    total = "total"


class MatrixFormat(str, Enum):
    table = "table"
    csv = "csv"
    md = "md"
    latex = "latex"
    json = "json"
    html = "html"
    svg = "svg"


class By(str, Enum):
    code = "code"
    cell = "cell"


class CooccurFormat(str, Enum):
    table = "table"
    csv = "csv"
    md = "md"
    json = "json"
    svg = "svg"


def _check_output_format(fmt: str, output: Path | None, formats: str) -> None:
    """``-o FILE`` writes a file; the terminal table is not a file format (the named file
    was silently not written). Worded as ``registry summary`` and ``joint`` say it."""
    if output is not None and fmt == "table":
        from qcode.errors import UsageError

        raise UsageError(f"--output needs --format {formats}",
                         hint="tables are for the terminal")


def matrix(
    ctx: typer.Context,
    coder: str | None = typer.Option(None, "--coder", "-c", help="Whose codings (default: "
                                     "the consensus coder, else the only coder)."),
    rows: str = typer.Option("theme", "--rows", metavar="DIM",
                             help="Row dimension: theme, level, code, document, speaker or "
                                  "attr:NAME."),
    cols: str = typer.Option("level", "--cols", metavar="DIM", help="Column dimension."),
    count: Count = typer.Option(Count.segments, "--count", help="What a cell counts."),
    doc: list[str] = typer.Option([], "--doc", "-d", metavar="DOC",
                                  help="Only this document (repeat for several)."),
    doc_set: list[str] = doc_set_option(),
    where: list[str] = typer.Option([], "--where", "-w", metavar="ATTR=VALUE",
                                    help="Only documents with this attribute value (repeat: "
                                         "same ATTR = any of, different ATTRs = all of)."),
    split_by: str | None = typer.Option(None, "--split-by", metavar="ATTR",
                                        help="One matrix per value of a document attribute."),
    percent: Percent = typer.Option(Percent.none, "--percent",
                                    help="Show cells as a share of the row, column or grand "
                                         "total."),
    fmt: MatrixFormat = typer.Option(MatrixFormat.table, "--format", "-f",
                                     help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to FILE instead of stdout."),
    real_names: bool = real_names_option(),
) -> None:
    """Frequency matrix: theme x level (or any two dimensions) of one coder's codings.

    Counting rules: --count segments counts a segment once in a cell however many codes of
    that cell it has (a coded span counts each segment it touches); codings counts every
    coded span (on whole segments: every code on every segment); documents and speakers
    count the distinct documents, or speakers (a speaker within one document), with at least
    one coded segment in the cell; characters and words measure coverage, the text inside
    the union of the cell's spans (text coded twice in a cell counts once). Totals count
    distinct units the same way, so a segment
    coded in two cells of a row counts once in the row total (totals can be less than the
    sum of their cells). --percent divides each cell by its row total, column total or the
    grand total. Every row and column is shown, with 0 for empty cells; themes, levels and
    codes keep codebook order. Dimensions: theme, level, code, document, speaker, attr:NAME.
    --where also accepts document=ID and speaker=NAME.

    JSON: {"rows", "cols", "counts", "row_totals", "col_totals", "total", "count", "coder"}
    (plus "percent" and "percents" with --percent); with --split-by: {"split_by", "splits":
    {VALUE: {...}}}.

    Examples:

      qcode matrix

      qcode matrix --split-by stakeholder_level --percent row

      qcode matrix --rows code --cols attr:region --count documents --format csv

      qcode matrix --where region=North --format svg -o matrix.svg
    """
    from qcode.counts.matrix import load_corpus, select, split_matrices
    from qcode.documents.sets import selected_documents
    from qcode.documents.where import parse_where

    _check_output_format(fmt.value, output, "md, csv, latex, json, html or svg")
    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    corpus = load_corpus(project, coder)
    warn_omissions(corpus.omissions, project.root)
    corpus = select(corpus, parse_where(outgoing_values(ctx, where),
                                        selected_documents(project, doc, doc_set)))
    if split_by:
        parts = split_matrices(corpus, split_by, rows, cols, count.value, percent.value)
    else:
        from qcode.counts.matrix import crosstab

        parts = [("", crosstab(corpus, rows, cols, count.value, percent.value))]
    _render_matrices(parts, split_by, fmt, output)


def _split_csv(parts: list[tuple[str, Any]], name: str) -> str:
    """One CSV for every split: the split value is the first column (a plain table that
    any CSV reader takes, rather than several tables between comment lines)."""
    from qcode._io.csvfile import write_rows
    from qcode.reports.tables import matrix_csv_rows

    header: list[object] = [name]
    body: list[list[object]] = []
    for k, (value, m) in enumerate(parts):
        head, rows = matrix_csv_rows(m)
        if k == 0:
            header += head
        body += [[value, *row] for row in rows]
    return write_rows(header, body)


def _render_matrices(parts: list[tuple[str, Any]], split_by: str | None, fmt: MatrixFormat,
                     output: Path | None) -> None:
    name = split_by[5:] if split_by and split_by.startswith("attr:") else split_by
    if fmt is MatrixFormat.json:
        if split_by:
            data: Any = {"split_by": name, "splits": {v: m.as_dict() for v, m in parts}}
        else:
            data = parts[0][1].as_dict()
        if output is None:
            echo_json(data)
        else:
            emit(json_text(data), output)
        return
    if fmt is MatrixFormat.table:
        _tables(parts, name)
        return
    if fmt is MatrixFormat.svg:
        from qcode.reports.heatmap_svg import matrix_svg

        if len(parts) > 1 and output is None:
            from qcode.errors import UsageError

            raise UsageError("--format svg with --split-by draws one file per value; "
                             "give --output FILE.svg (a suffix per value is added)")
        for value, m in parts:
            title = f"{m.count.capitalize()} coded by {m.coder}" + \
                (f": {name} = {value}" if split_by else "")
            target = output
            if output is not None and split_by:
                safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in value)
                target = output.with_name(f"{output.stem}-{safe}{output.suffix}")
            emit(matrix_svg(m, title), target)
        return
    from qcode.reports import html, markdown, tables

    if fmt is MatrixFormat.csv and split_by:
        emit(_split_csv(parts, name or ""), output)
        return
    chunks = []
    for value, m in parts:
        if fmt is MatrixFormat.csv:
            text = tables.matrix_csv(m)
            chunks.append((f"# {name} = {value}\n" if split_by else "") + text)
        elif fmt is MatrixFormat.md:
            chunks.append((f"## {name} = {markdown.md_escape(value)}\n\n" if split_by else "")
                          + markdown.matrix_markdown(m))
        elif fmt is MatrixFormat.latex:
            chunks.append((f"% {name} = {value}\n" if split_by else "")
                          + tables.matrix_latex(m))
        else:  # html
            from html import escape

            chunks.append((f"<h2>{escape(name or '')} = {escape(value)}</h2>\n"
                           if split_by else "") + html.matrix_fragment(m))
    if fmt is MatrixFormat.html:
        m0 = parts[0][1]
        emit(html.page(f"Matrix: {m0.row_dim} x {m0.col_dim}",
                        f"<h1>{m0.row_dim} x {m0.col_dim}</h1>\n" + "".join(chunks)), output)
    else:
        emit("\n".join(chunks), output)


def _tables(parts: list[tuple[str, Any]], name: str | None) -> None:
    from rich.table import Table

    from qcode.counts.matrix_notes import matrix_notes
    from qcode.reports.tables import matrix_grid

    console = out()
    for value, m in parts:
        header, body = matrix_grid(m)
        title = f"{m.count} coded by {m.coder}" + (f" | {name} = {value}" if name else "")
        table = Table(title=title)
        header, body, fits = _fit_heads(header, body, console.width)
        for k, h in enumerate(header):
            left = k == 0  # labels fold; count columns keep their width (set by _fit_heads)
            table.add_column(h, justify="left" if left else "right",
                             style="bold" if k == len(header) - 1 else None,
                             overflow="fold", no_wrap=not left)
        for k, row in enumerate(body):
            table.add_row(*row, style="bold" if k == len(body) - 1 else None)
        # too narrow even for the counts' words: wider than the terminal (which wraps the
        # lines) rather than 190 folded into 1/9/0 or a column of counts dropped
        least = 3 * len(header) + 1 + 5 + sum(
            max(len(line) for cell in (header[k], *(row[k] for row in body))
                for line in cell.split("\n")) for k in range(1, len(header)))
        if fits or least <= console.width:
            console.print(table)
        else:  # rich prints no wider than its console: widen it for this table only
            width = console.width
            console.width = least
            console.print(table)
            console.width = width
        for line in matrix_notes(m):  # the table's footnotes, wrapped at the width
            console.print(line, markup=False)


def _fit_heads(header: list[str], body: list[list[str]], width: int
               ) -> tuple[list[str], list[list[str]], bool]:
    """Heads and cells of the count columns as they fit ``width`` without cutting a word:
    whole when the table fits, else broken at spaces into lines (``Helse`` over
    ``Midt-Norge``, not ``Midt-Nor…``); the label column takes what is left and folds.
    False when even that is too wide (then every column folds: nothing is cut off)."""
    def words(text: str) -> int:
        return max((len(w) for w in text.split()), default=1)

    cols = range(1, len(header))
    whole = [max(len(header[k]), *(len(row[k]) for row in body)) for k in cols]
    room = width - (3 * len(header) + 1) - 12  # borders and padding; 12 for the labels
    if sum(whole) <= room:
        return header, body, True
    need = {k: max([words(header[k]), *(words(row[k]) for row in body)]) for k in cols}

    def broken(text: str, k: int) -> str:
        return text.replace(" ", "\n") if len(text) > need[k] else text

    return ([header[0], *(broken(header[k], k) for k in cols)],
            [[row[0], *(broken(row[k], k) for k in cols)] for row in body],
            sum(need.values()) <= room)


def cooccur(
    ctx: typer.Context,
    coder: str | None = typer.Option(None, "--coder", "-c", help="Whose codings (default: "
                                     "the consensus coder, else the only coder)."),
    by: By = typer.Option(By.code, "--by", help="Items: codes, or theme x level cells."),
    window: int = typer.Option(0, "--window", metavar="N",
                               help="Count pairs within N segments of each other in the "
                                    "same document (0: on the same segment)."),
    overlap: bool = typer.Option(False, "--overlap",
                                 help="Count pairs of coded spans that overlap (share text) "
                                      "instead of segments."),
    doc: list[str] = typer.Option([], "--doc", "-d", metavar="DOC",
                                  help="Only this document (repeat for several)."),
    doc_set: list[str] = doc_set_option(),
    where: list[str] = typer.Option([], "--where", "-w", metavar="ATTR=VALUE",
                                    help="Only documents with this attribute value."),
    min_count: int = typer.Option(1, "--min", metavar="N",
                                  help="Table, CSV and Markdown: only pairs seen N times or "
                                       "more."),
    top: int = typer.Option(25, "--top", metavar="N", help="Table: show the N most frequent "
                                                           "pairs (0: all)."),
    fmt: CooccurFormat = typer.Option(CooccurFormat.table, "--format", "-f",
                                      help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to FILE instead of stdout."),
) -> None:
    """Co-occurrence: which codes (or theme x level cells) travel together.

    With --window 0 two items co-occur on a segment that has both; with --window N, at a
    segment that has one of them when the other is on that segment or within N segments
    before or after it in the same document. The count of a pair is the number of such
    segments; its Jaccard index is that count over the number of segments with either item
    (with --window 0, the classic |A and B| / |A or B|). The diagonal counts segments per
    item. With --overlap coded spans are compared instead: the count of a pair is the
    number of pairs of spans (one of each item) that share text, the diagonal the number
    of spans per item, and the Jaccard index the characters coded with both over the
    characters coded with either; JSON then has "unit": "overlap".

    JSON: {"by", "window", "coder", "items", "labels", "counts", "jaccard", "segments",
    "pairs": [{"a", "b", "count", "jaccard", "a_segments", "b_segments"}]}.

    Examples:

      qcode cooccur

      qcode cooccur --by cell --window 2

      qcode cooccur --overlap

      qcode cooccur --coder consensus --format json > cooccur.json

      qcode cooccur --by cell --format svg -o cells.svg
    """
    from qcode.counts.cooccur import cooccurrence
    from qcode.counts.matrix import load_corpus, select
    from qcode.documents.sets import selected_documents
    from qcode.documents.where import parse_where

    _check_output_format(fmt.value, output, "md, csv, json or svg")
    project = state(ctx).project()
    corpus = load_corpus(project, coder)
    warn_omissions(corpus.omissions, project.root)
    chosen = parse_where(where, selected_documents(project, doc, doc_set))
    co = cooccurrence(select(corpus, chosen), by.value, window, overlap)
    if fmt is CooccurFormat.json:
        data = co.as_dict(min_count)
        if output is None:
            echo_json(data)
        else:
            emit(json_text(data), output)
        return
    if fmt is CooccurFormat.svg:
        from qcode.reports.heatmap_svg import heatmap_svg

        where_txt = f" within {_segments(window)}" if window else " on one segment"
        if overlap:
            where_txt = " of overlapping spans"
        emit(heatmap_svg(co.items, co.items, co.counts, title=f"Co-occurrence{where_txt} "
                          f"({co.coder})", row_axis=by.value, col_axis=by.value), output)
        return
    pairs = co.pairs(min_count)
    header = ["a", "b", "count", "jaccard", "a_segments", "b_segments"]
    if fmt is CooccurFormat.csv:
        from qcode.reports.tables import rows_csv

        emit(rows_csv(pairs, header), output)
        return
    shown = pairs[:top] if top else pairs
    if fmt is CooccurFormat.md:
        from qcode.reports.markdown import table

        body = [[p["a"], p["b"], str(p["count"]), f"{p['jaccard']:.3f}"] for p in shown]
        emit(table(["A", "B", "Span pairs" if overlap else "Segments", "Jaccard"], body,
                   align_right_from=2), output)
        return
    from rich.table import Table

    labels = dict(zip(co.items, co.labels, strict=True)) if by is By.code else \
        dict.fromkeys(co.items, "")
    span = f"within {_segments(window)}" if window else "on the same segment"
    if overlap:
        span = "of overlapping spans"
    t = Table(title=f"Co-occurrence {span}, {co.coder} ({co.segments} coded segments)")
    for h, just in (("A", "left"), ("B", "left"),
                    ("Span pairs" if overlap else "Segments", "right"), ("Jaccard", "right")):
        t.add_column(h, justify=just)  # type: ignore[arg-type]
    for p in shown:
        t.add_row(f"{p['a']} {labels[p['a']]}".rstrip(), f"{p['b']} {labels[p['b']]}".rstrip(),
                  str(p["count"]),
                  f"{p['jaccard']:.3f}")
    print_whole(out(), t)
    if len(shown) < len(pairs):
        note(f"{len(pairs) - len(shown)} more pairs; see them all with --top 0 or --format csv")


def _segments(n: int) -> str:
    return f"{n} segment{'s' if n != 1 else ''}"


def register(app: typer.Typer) -> None:
    app.command("matrix")(matrix)
    app.command("cooccur")(cooccur)

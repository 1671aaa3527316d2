"""``qcode agree``: inter-coder agreement on the project, or on any ratings CSV."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import (
    echo_json,
    emit,
    json_text,
    note,
    out,
    progress_steps,
    state,
    warn_omissions,
)
from qcode.cli.options import CODERS_METAVAR, coders_given

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.agreement.coefficients import CoefficientResult
    from qcode.agreement.generic import RatingsAgreement
    from qcode.agreement.project import ProjectAgreement


class Level(str, Enum):
    nominal = "nominal"
    ordinal = "ordinal"
    interval = "interval"
    ratio = "ratio"
    masi = "masi"


class WeightScheme(str, Enum):
    identity = "identity"
    linear = "linear"
    quadratic = "quadratic"
    ordinal = "ordinal"
    ratio = "ratio"
    radical = "radical"
    circular = "circular"
    bipolar = "bipolar"


class By(str, Enum):
    code = "code"
    theme = "theme"
    level = "level"
    document = "document"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [p.strip() for p in text.split(",") if p.strip()]


def _names_something(option: str, values: list[str], what: str, example: str) -> None:
    """Refuse a list option given with no name in it (``--metric ''``, ``--coder ,``):
    read as not given it would quietly run the default."""
    from qcode.errors import UsageError

    for value in values:
        if not _split(value):
            raise UsageError(f"{option} {value!r} names no {what}",
                             hint=f"name one or more, e.g. {option} {example}, or leave "
                                  f"{option} out for the default")


def agree(
    ctx: typer.Context,
    ratings: Path | None = typer.Option(
        None, "--ratings", "-r", metavar="FILE.csv",
        help="Generic mode: a CSV with the header unit,coder,value (one rating per row; a "
             "missing rating is a missing row)."),
    level: Level | None = typer.Option(
        None, "--level", help="Generic mode: alpha's level of measurement (default nominal); "
                              "masi reads several rows per unit and coder as a set."),
    weights: WeightScheme | None = typer.Option(
        None, "--weights", help="Generic mode: report the weighted coefficients (and alpha "
                                "with these weights)."),
    categories: str | None = typer.Option(
        None, "--categories", metavar="V1,V2,...",
        help="Generic mode: the category domain, in order (values outside it are errors)."),
    coder: list[str] | None = typer.Option(
        None, "--coder", "-c", metavar=CODERS_METAVAR,
        help="Project mode: coders to compare; repeatable, or A,B (default: all who "
             "completed a document, except consensus coders made by qcode reconcile)."),
    old_coders: str | None = typer.Option(None, "--coders", hidden=True,
                                          help="Deprecated: use --coder A,B."),
    by: By = typer.Option(By.code, "--by", help="Project mode: one row per code, theme, "
                                                "level or document."),
    metric: str | None = typer.Option(
        None, "--metric", metavar="NAME,...",
        help="Project mode: coefficients to show (default: percent_agreement, cohen_kappa "
             "or fleiss_kappa, gwet_ac1, krippendorff_alpha)."),
    ci: float = typer.Option(0.95, "--ci", help="Confidence level of the bootstrap "
                                                "intervals."),
    bootstrap: int = typer.Option(1000, "--bootstrap", metavar="N",
                                  help="Bootstrap resamples (0: no intervals)."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed, to reproduce the "
                                                         "intervals."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write the md, csv or json to FILE instead of "
                                            "stdout."),
    overlap: str | None = typer.Option(
        None, "--overlap", metavar="any|N%",
        help="Project mode: when a coder's span of a code makes it present in a segment: "
             "any overlap (default), or its spans cover at least N% of the segment's "
             "characters."),
    spans: Path | None = typer.Option(
        None, "--spans", metavar="FILE.csv",
        help="Unitized agreement on a CSV with the header coder,start,end,code[,doc] (one "
             "span per row, end exclusive)."),
    continuum: str | None = typer.Option(
        None, "--continuum", metavar="START-END",
        help="With --spans: the continuum (default: smallest start to largest end seen)."),
    unitized: bool = typer.Option(
        False, "--unitized", help="Project mode: Krippendorff's unitized alpha family on the "
                                  "coders' spans (a document's continuum is its text)."),
    doc: list[str] = typer.Option([], "--doc", "-d", metavar="DOC",
                                  help="With --unitized: only these documents (repeatable)."),
    where: list[str] = typer.Option([], "--where", "-w", metavar="ATTR=VALUE",
                                    help="With --unitized: only documents with this "
                                         "attribute value (repeatable)."),
    doc_intervals: bool = typer.Option(
        True, "--doc-intervals/--no-doc-intervals",
        help="Unitized, two or more documents: bootstrap intervals per document too, "
             "from its own blocks (default; on 200 documents about 8x the time of the "
             "pooled intervals alone, which --no-doc-intervals keeps)."),
) -> None:
    """Inter-coder agreement with bootstrap confidence intervals.

    Project mode (no --ratings): units are all segments of the documents every selected
    coder marked complete, including segments nobody coded. Each code is presence or
    absence per segment (a coder's span of the code overlapping the segment; --overlap N%:
    the coder's spans of it covering at least N% of the segment's characters; --by
    theme/level: any code of it; --by document: segment x code cells); overall,
    Krippendorff's alpha with MASI over each coder's set of codes, and the mean of the
    per-code values. Values are marked against Krippendorff's thresholds:
    ✓ >= .800, ~ >= .667, ✗ below.

    Generic mode (--ratings FILE.csv): every coefficient on any rating data. Without
    --weights: percent_agreement, cohen_kappa, scott_pi, fleiss_kappa, conger_kappa,
    krippendorff_alpha, gwet_ac1, brennan_prediger; with --weights the weighted ones.
    A coefficient that does not apply is null (the table says why).

    Intervals: alpha by Hayes & Krippendorff (2007) resampling of pairable values (with
    the probability that alpha is below .667 and .800); the others by resampling units
    (percentile intervals).

    Examples:

      qcode agree

      qcode agree --coder ingrid,ola --by theme --seed 7

      qcode agree --metric krippendorff_alpha,gwet_ac1 --format json

      qcode agree --ratings ratings.csv --level ordinal --categories low,mid,high

      qcode agree --ratings ratings.csv --weights quadratic --format csv

      qcode agree --format md -o output/agreement.md

    Unitized agreement (--spans FILE.csv, or --unitized on the project): Krippendorff's
    alpha_U (2004) and the 2016 family u-alpha, |u-alpha, cu-alpha and (k)u-alpha per code,
    pooled over documents and per document, with bootstrap intervals resampling documents
    (one document: its coded stretches); each document's own intervals resample its
    blocks (--no-doc-intervals: pooled intervals only, faster on many documents).

      qcode agree --spans spans.csv --continuum 0-2400 --format json

      qcode agree --unitized --coder ingrid,lars --seed 7
    """
    from qcode.errors import UsageError

    _names_something("--coder", list(coder or []), "coder", "ingrid,lars")
    _names_something("--coders", [old_coders] if old_coders is not None else [], "coder",
                     "ingrid,lars")
    _names_something("--metric", [metric] if metric is not None else [], "metric",
                     "krippendorff_alpha,gwet_ac1")
    coders = coders_given(coder, old_coders)
    if output is not None:  # refused before the bootstrap, not after it
        from qcode.outputs import guard_output

        if fmt is Format.table:
            raise UsageError("--output needs --format md, csv or json",
                             hint="tables are for the terminal")
        guard_output(output)
    if seed is None and bootstrap > 0:
        import secrets

        seed = secrets.randbelow(2**31)
    if spans is not None or unitized or continuum is not None:
        from qcode.cli.agree_unitized import run_unitized

        given = [name for name, on in (("--ratings", ratings), ("--level", level),
                                       ("--weights", weights),
                                       ("--categories", categories is not None),
                                       ("--by", by is not By.code),
                                       ("--metric", metric is not None),
                                       ("--overlap", overlap is not None)) if on]
        run_unitized(ctx, spans=spans, continuum=continuum, unitized=unitized,
                     coders=coders, docs=doc, where=where, not_here=given, ci=ci,
                     n_boot=bootstrap, seed=seed, fmt=fmt.value,
                     doc_intervals=doc_intervals, output=output)
        return
    if doc or where:
        raise UsageError(f"{'--doc' if doc else '--where'} applies to --unitized only")
    if not doc_intervals:
        raise UsageError("--no-doc-intervals applies to unitized agreement (--spans, "
                         "--unitized) only")
    if ratings is not None:
        project_only = [name for name, given in (("--coder", coders),
                                                 ("--metric", metric is not None),
                                                 ("--by", by is not By.code),
                                                 ("--overlap", overlap is not None))
                        if given]
        if project_only:
            raise UsageError(f"{project_only[0]} applies to project mode, not to --ratings")
        _generic(ratings, level, weights, _split(categories), ci, bootstrap, seed, fmt,
                 output)
        return
    generic_only = [name for name, given in (("--level", level), ("--weights", weights),
                                             ("--categories", categories is not None))
                        if given]
    if generic_only:
        raise UsageError(f"{generic_only[0]} applies to --ratings FILE.csv only",
                         hint="in project mode codes are presence/absence (nominal)")
    _project(ctx, coders, by, _split(metric), ci, bootstrap, seed, fmt, overlap, output)


# ------------------------------------------------------------------ generic mode


def _generic(path: Path, level: Level | None, weights: WeightScheme | None,
             categories: list[str] | None, ci: float, n_boot: int, seed: int | None,
             fmt: Format, output: Path | None = None) -> None:
    from qcode.agreement.generic import agree_on_file
    from qcode.agreement.output import ratings_json, ratings_rows
    from qcode.errors import UsageError

    if categories is not None:
        twice = [c for i, c in enumerate(categories) if c in categories[:i]]
        if twice:
            raise UsageError(f"--categories lists '{twice[0]}' twice",
                             hint="give each category once, in order, e.g. "
                                  "--categories low,mid,high")
        if not categories:
            raise UsageError("--categories is empty",
                             hint="give the categories in order, e.g. --categories low,mid,high")
    rep = agree_on_file(path, level=level.value if level else None,
                        weights=weights.value if weights else None, categories=categories,
                        ci=ci, n_boot=n_boot, seed=seed)
    if fmt is Format.json:
        _write_json(ratings_json(rep), output)
    elif fmt is Format.csv:
        _write_csv(ratings_rows(rep), output)
    elif fmt is Format.md:
        _ratings_markdown(rep, output)
    else:
        _ratings_table(rep)


def _ratings_table(rep: RatingsAgreement) -> None:
    from rich.table import Table

    how = f"weights {rep.weights}" if rep.weights else f"level {rep.level}"
    title = (f"Agreement: {rep.n_units} units, {rep.n_coders} coders "
             f"({', '.join(rep.coders)}), {len(rep.categories)} categories, {how}")
    table = Table()  # the title is a line of its own: wider than this narrow table
    table.add_column("Coefficient")
    table.add_column("Value", justify="right")
    table.add_column(f"{rep.ci_level:.0%} CI", justify="right")
    notes = []
    for r in rep.coefficients:
        table.add_row(r.label, _value(r), _interval(r.ci))
        if r.reason:
            notes.append(f"{r.label}: n/a, {r.reason}.")
        if r.p_below_667 is not None:
            notes.append(f"{r.label}: P(alpha < .667) = {r.p_below_667:.3f}, "
                         f"P(alpha < .800) = {r.p_below_800:.3f} (bootstrap).")
    console = out()
    console.print(title, markup=False)
    console.print(table, markup=False)
    for line in notes:
        console.print(line, soft_wrap=True, markup=False)
    console.print(MARKS, soft_wrap=True, markup=False)
    console.print(_footer(rep.bootstrap, rep.seed), soft_wrap=True, markup=False)


def _ratings_markdown(rep: RatingsAgreement, output: Path | None = None) -> None:
    from qcode.agreement.table import interval, value_text
    from qcode.reports.agreement_table import ratings_markdown

    how = f"weights {rep.weights}" if rep.weights else f"level {rep.level}"
    notes = [f"{r.label}: n/a, {r.reason}." for r in rep.coefficients if r.reason]
    notes += [f"Intervals: {rep.ci_level:.0%}. " + MARKS, _footer(rep.bootstrap, rep.seed)]
    emit(ratings_markdown(
        f"Agreement: {rep.n_units} units, {rep.n_coders} coders ({', '.join(rep.coders)}), "
        f"{len(rep.categories)} categories, {how}",
        [(r.label, value_text(r), interval(r.ci)) for r in rep.coefficients], notes), output)


# ------------------------------------------------------------------ project mode


def _project(ctx: typer.Context, coders: list[str] | None, by: By,
             metrics: list[str] | None, ci: float, n_boot: int, seed: int | None,
             fmt: Format, overlap: str | None = None, output: Path | None = None) -> None:
    from qcode.agreement.generic import check_ci
    from qcode.agreement.output import project_json, project_rows
    from qcode.agreement.project import agreement_for_project, check_metrics, parse_overlap

    share = parse_overlap("any" if overlap is None else overlap)  # '' is refused, not any
    check_ci(ci, n_boot)
    if metrics is not None:
        check_metrics(metrics)
    project = state(ctx).project()
    with progress_steps("Agreement (bootstrap)" if n_boot else "Agreement") as update:
        rep = agreement_for_project(project, coders=coders, by=by.value, metrics=metrics,
                                    ci=ci, n_boot=n_boot, seed=seed, progress=update,
                                    overlap=share)
    warn_omissions(rep.omissions, project.root)
    if rep.not_compared:
        shown = [f"{d} ({', '.join(who)})" for d, who in list(rep.not_compared.items())[:8]]
        more = len(rep.not_compared) - len(shown)
        note(f"Note: not compared, not yet marked complete by every coder (who lacks it): "
             f"{', '.join(shown)}" + (f" and {more} more" if more > 0 else ""))
    if rep.left_out:
        names = ", ".join(rep.left_out)
        note(f"Note: left out the consensus coder{'s' if len(rep.left_out) > 1 else ''} "
             f"{names} (built from the others' codings); to compare with it, name it: "
             f"--coder {','.join([*rep.coders[:1], *rep.left_out])}")
    if fmt is Format.json:
        _write_json(project_json(rep), output)
    elif fmt is Format.csv:
        _write_csv(project_rows(rep), output)
    elif fmt is Format.md:
        from qcode.agreement.table import agreement_table
        from qcode.reports.agreement_table import agreement_table_markdown

        emit(agreement_table_markdown(agreement_table(rep)), output)
    else:
        _project_table(rep)


def _project_table(rep: ProjectAgreement) -> None:
    """The reader's table (qcode.agreement.table) at the terminal's width: rows nobody
    applied named in one line, overall rows apart, special cases as lettered footnotes."""
    from rich import box
    from rich.table import Table

    from qcode.agreement.table import agreement_table

    t = agreement_table(rep)
    console = out()
    table = Table(title=t.title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=(0, 1, 0, 0))
    ids = [r.id for r in (*t.rows, *t.overall)] + [t.by]
    width = max(len(x) for x in ids)
    cols = [max([len(h), *(len(c.value) for r in (*t.rows, *t.overall)
                           for c in r.cells[k:k + 1]),
                 *(len(c.interval) for r in t.rows for c in r.cells[k:k + 1])])
            for k, h in enumerate(t.heads)]
    # columns are 2 apart (a right padding and the box's blank divider)
    room = console.width - (width + 5 + sum(cols) + 2 * (len(cols) + 1)) - 2
    table.add_column(t.by, no_wrap=True, min_width=width)
    if room >= 12:  # the name column only where it fits (else the ids say it)
        table.add_column("Name", no_wrap=True, overflow="ellipsis", max_width=min(28, room))
    table.add_column("Prev.", justify="right", no_wrap=True, min_width=5)
    for head, w in zip(t.heads, cols, strict=True):
        table.add_column(head, justify="right", no_wrap=True, min_width=w)
    named = room >= 12
    for r in t.rows:
        marks = f"({', '.join(r.notes)})" if r.notes else ""
        first = [f"{r.id}\n{marks}".rstrip(), *([r.label] if named else []), r.prevalence]
        table.add_row(*first, *(f"{c.value}\n{c.interval}".rstrip() for c in r.cells))
    table.add_section()
    for r in t.overall:
        marks = f" ({', '.join(r.notes)})" if r.notes else ""
        first = [r.id + marks, *([r.label] if named else []), r.prevalence]
        table.add_row(*first, *(f"{c.value}\n{c.interval}".rstrip() for c in r.cells))
    least = width + 5 + sum(cols) + 2 * (len(cols) + 1) + 2
    if least <= console.width:
        console.print(table, markup=False)
    else:  # wider than the terminal (which wraps it) rather than coefficients cut off
        shown_width = console.width
        console.width = least
        console.print(table, markup=False)
        console.width = shown_width
    lines = [*([t.unused] if t.unused else []),
             *(f"({letter}) {text}" for letter, text in t.notes), *t.legend]
    for line in lines:  # prose: wrapped at the terminal's width
        console.print(line, markup=False, overflow="fold")


# ------------------------------------------------------------------ shared rendering

SHORT = {"percent_agreement": "Agree", "cohen_kappa": "Cohen k", "scott_pi": "Scott pi",
         "fleiss_kappa": "Fleiss k", "conger_kappa": "Conger k", "krippendorff_alpha": "Alpha",
         "gwet_ac1": "AC1", "brennan_prediger": "BP"}
MARKS = "Marks (Krippendorff): ✓ >= .800 reliable, ~ >= .667 tentative, ✗ below."


def _fmt(v: float | None) -> str:
    return "-" if v is None else _3(v)


def _value(r: CoefficientResult) -> str:
    if r.value is None:
        return "n/a"
    if r.name == "percent_agreement":
        return _3(r.value)
    mark = "✓" if r.value >= 0.800 else ("~" if r.value >= 0.667 else "✗")
    return f"{_3(r.value)} {mark}"


def _3(x: float) -> str:
    """Three decimals; -0.000 (a rounding error below zero) shows as 0.000."""
    return f"{round(x, 3) + 0.0:.3f}"


def _interval(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f"[{_3(ci[0])}, {_3(ci[1])}]"


def _footer(n_boot: int, seed: int | None) -> str:
    if n_boot <= 0:
        return "No bootstrap intervals (--bootstrap 0)."
    return f"Bootstrap: {n_boot} resamples, seed {seed} (--seed {seed} reproduces them)."


def _write_csv(rows: list[dict[str, Any]], output: Path | None = None) -> None:
    from qcode._io.csvfile import write_dicts  # a code label '=cmd|...' must not run

    emit(write_dicts(rows), output)


def _write_json(data: dict[str, Any], output: Path | None) -> None:
    if output is None:
        echo_json(data)
    else:
        emit(json_text(data), output)


def register(app: typer.Typer) -> None:
    app.command("agree")(agree)

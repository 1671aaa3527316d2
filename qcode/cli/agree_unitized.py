"""``qcode agree --spans FILE.csv`` and ``qcode agree --unitized``: Krippendorff's unitized
alpha family on span data (registered from :mod:`qcode.cli.agree_cmd`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from qcode.agreement.unitized import UnitizedAgreement
    from qcode.agreement.unitized_boot import Value



def run_unitized(ctx: typer.Context, *, spans: Path | None, continuum: str | None,
                 unitized: bool, coders: list[str] | None, docs: Sequence[str],
                 where: Sequence[str], not_here: Sequence[str], ci: float, n_boot: int,
                 seed: int | None, fmt: str, doc_intervals: bool = True,
                 output: Path | None = None) -> None:
    """Check the options, measure, render (md, csv and json to ``output`` when given).
    ``not_here``: other agree options given (they do not apply to span agreement)."""
    from qcode.agreement.generic import check_ci
    from qcode.errors import UsageError

    if spans is not None and unitized:
        raise UsageError("--spans and --unitized are two modes; give one of them",
                         hint="--spans FILE.csv reads spans from a file, --unitized from "
                              "the project")
    if spans is None and not unitized:
        raise UsageError("--continuum applies to --spans FILE.csv only")
    if not_here:
        raise UsageError(f"{not_here[0]} does not apply to unitized agreement "
                         f"({'--spans' if spans is not None else '--unitized'})")
    check_ci(ci, n_boot)
    if spans is not None:
        from qcode.agreement.spans_csv import parse_continuum, read_spans_csv
        from qcode.agreement.unitized import unitized_agreement
        from qcode.agreement.unitized_data import joined_spans

        for name, given in (("--coder", coders), ("--doc", docs), ("--where", where)):
            if given:
                raise UsageError(f"{name} applies to project mode (--unitized), not to "
                                 "--spans")
        bounds = parse_continuum(continuum) if continuum is not None else None
        continua, file_coders = read_spans_csv(spans, bounds)
        joined = joined_spans(continua)
        if joined:  # one unit each, as the coefficients require: said, not done silently
            n = sum(joined.values())
            who = ", ".join(f"{c}: {k}" for c, k in joined.items())
            note(f"Note: {n} span{'s' if n > 1 else ''} overlapping another of the same code "
                 f"by the same coder joined into one unit with it ({who}); the coefficients "
                 "take a coder's units of a code as not overlapping")
        rep = unitized_agreement(continua, file_coders, ci=ci, n_boot=n_boot, seed=seed,
                                 inferred=bounds is None, per_document_ci=doc_intervals)
    else:
        from qcode.agreement.unitized_project import unitized_for_project
        from qcode.documents.sets import selected_documents
        from qcode.documents.where import parse_where

        if continuum is not None:
            raise UsageError("--continuum applies to --spans FILE.csv only",
                             hint="in the project the continuum of a document is its text")
        project = state(ctx).project()
        chosen = parse_where(where)
        if "speaker" in chosen:
            raise UsageError("--where speaker=... does not apply to --unitized (the "
                             "continuum is the whole text of a document)")
        rep, omitted, left_out = unitized_for_project(
            project, coders=coders, docs=selected_documents(project, docs), where=chosen,
            ci=ci, n_boot=n_boot, seed=seed, per_document_ci=doc_intervals)
        warn_omissions(omitted, project.root)
        if left_out:
            note(f"Note: consensus coder{'s' if len(left_out) > 1 else ''} "
                 f"{', '.join(left_out)} left out (--coder names it to compare).")
    if fmt == "json":
        from qcode.agreement.unitized_output import unitized_json

        if output is None:
            echo_json(unitized_json(rep))
        else:
            emit(json_text(unitized_json(rep)), output)
    elif fmt == "csv":
        from qcode._io.csvfile import write_dicts
        from qcode.agreement.unitized_output import unitized_rows

        emit(write_dicts(unitized_rows(rep)), output)
    elif fmt == "md":
        from qcode.reports.unitized_markdown import unitized_markdown

        emit(unitized_markdown(rep), output)
    else:
        render_table(rep)


def render_table(rep: UnitizedAgreement) -> None:
    """The coefficients, then one row per code, then per document; reasons as notes."""
    from rich.table import Table

    from qcode.agreement import unitized_table as ut

    console = out()
    table = Table(title=ut.title(rep))
    table.add_column("Coefficient")
    table.add_column("Value", justify="right")
    table.add_column(f"{rep.ci_level:.0%} CI", justify="right")
    table.add_column("P(<.667)", justify="right")
    table.add_column("P(<.800)", justify="right")
    for c in rep.coefficients:
        if c.name == "k_u_alpha":
            continue
        v = c.overall
        table.add_row(c.label, ut.cell(v), ut.interval(v), ut.prob(v.p_below_667),
                      ut.prob(v.p_below_800))
    print_whole(console, table, markup=False)
    by = {c.name: c.by_code for c in rep.coefficients}
    keys = ut.code_keys(rep)
    if keys:
        codes = Table(title="By code")
        codes.add_column("Code", overflow="fold")
        for name in ut.BY_CODE:
            codes.add_column(ut.SHORT[name], justify="right", no_wrap=True, min_width=13)
        for key in keys:
            got = [by[name].get(key) for name in ut.BY_CODE]
            codes.add_row(key, *("-" if v is None else _stacked(v) for v in got))
        print_whole(console, codes, markup=False)
    if rep.per_document:
        per = Table(title="By document" + ("" if rep.per_document_ci else
                                           " (point values)"))
        per.add_column("Document", overflow="fold")
        for name in ut.BY_DOC:
            per.add_column(ut.SHORT[name], justify="right", no_wrap=True,
                           min_width=13 if rep.per_document_ci else None)
        for doc, coefs in rep.per_document.items():
            overall = {c.name: c.overall for c in coefs}
            per.add_row(doc, *(_stacked(overall[n]) for n in ut.BY_DOC))
        print_whole(console, per, markup=False)
    for line in [*ut.null_notes(rep), *ut.legend(rep)]:
        console.print(line, markup=False, overflow="fold")


def _stacked(v: Value) -> str:
    """The value (marked), its interval on the line below when there is one."""
    from qcode.agreement.unitized_table import cell, interval

    return cell(v) + (f"\n{interval(v)}" if v.ci else "")

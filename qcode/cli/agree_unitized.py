"""``qcode agree --spans FILE.csv`` and ``qcode agree --unitized``: Krippendorff's unitized
alpha family on span data (registered from :mod:`qcode.cli.agree_cmd`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.console import echo_json, note, out, state, warn_omissions

if TYPE_CHECKING:
    from qcode.agreement.unitized import UnitizedAgreement
    from qcode.agreement.unitized_boot import Value

MARKS = "Marks (Krippendorff): ✓ >= .800 reliable, ~ >= .667 tentative, ✗ below."
SHORT = {"alpha_u_2004": "alpha_U 2004", "u_alpha": "u-alpha",
         "binary_u_alpha": "|u-alpha", "cu_alpha": "cu-alpha", "k_u_alpha": "(k)u-alpha"}


def run_unitized(ctx: typer.Context, *, spans: Path | None, continuum: str | None,
                 unitized: bool, coders: list[str] | None, docs: Sequence[str],
                 where: Sequence[str], not_here: Sequence[str], ci: float, n_boot: int,
                 seed: int | None, fmt: str) -> None:
    """Check the options, measure, render. ``not_here``: other agree options given (they
    do not apply to span agreement)."""
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
    if fmt not in ("table", "json", "csv"):
        raise UsageError(f"--format {fmt} is not available for unitized agreement",
                         hint="use --format table, json or csv")
    check_ci(ci, n_boot)
    if spans is not None:
        from qcode.agreement.spans_csv import parse_continuum, read_spans_csv
        from qcode.agreement.unitized import unitized_agreement

        for name, given in (("--coder", coders), ("--doc", docs), ("--where", where)):
            if given:
                raise UsageError(f"{name} applies to project mode (--unitized), not to "
                                 "--spans")
        bounds = parse_continuum(continuum) if continuum is not None else None
        continua, file_coders = read_spans_csv(spans, bounds)
        rep = unitized_agreement(continua, file_coders, ci=ci, n_boot=n_boot, seed=seed,
                                 inferred=bounds is None)
    else:
        from qcode.agreement.unitized_project import unitized_for_project
        from qcode.counts.matrix import parse_where
        from qcode.documents.sets import selected_documents

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
            ci=ci, n_boot=n_boot, seed=seed)
        warn_omissions(omitted, project.root)
        if left_out:
            note(f"Note: left out the consensus coder{'s' if len(left_out) > 1 else ''} "
                 f"{', '.join(left_out)}; to compare with it, name it with --coder")
    if fmt == "json":
        from qcode.agreement.unitized_output import unitized_json

        echo_json(unitized_json(rep))
    elif fmt == "csv":
        from qcode._io.csvfile import write_dicts
        from qcode.agreement.unitized_output import unitized_rows

        typer.echo(write_dicts(unitized_rows(rep)), nl=False)
    else:
        render_table(rep)


def _3(x: float) -> str:
    return f"{round(x, 3) + 0.0:.3f}"


def _cell(v: Value, mark: bool = True) -> str:
    if v.value is None:
        return "n/a"
    if not mark:
        return _3(v.value)
    sign = "✓" if v.value >= 0.800 else ("~" if v.value >= 0.667 else "✗")
    return f"{_3(v.value)} {sign}"


def _ci(v: Value) -> str:
    return "" if v.ci is None else f"[{_3(v.ci[0])}, {_3(v.ci[1])}]"


def render_table(rep: UnitizedAgreement) -> None:
    """The coefficients, then one row per code, then per document; reasons as notes."""
    from rich.table import Table

    console = out()
    ndocs = len(rep.documents)
    where = (f"{ndocs} documents, {rep.continuum_length} positions in all" if ndocs > 1
             else "continuum {}-{} ({} positions)".format(*next(iter(rep.continua.values())),
                                                         rep.continuum_length))
    table = Table(title=f"Unitized agreement: {len(rep.coders)} coders "
                        f"({', '.join(rep.coders)}); {where}")
    table.add_column("Coefficient")
    table.add_column("Value", justify="right")
    table.add_column(f"{rep.ci_level:.0%} CI", justify="right")
    table.add_column("P(<.667)", justify="right")
    table.add_column("P(<.800)", justify="right")
    notes = []
    for c in rep.coefficients:
        if c.name == "k_u_alpha":
            continue
        v = c.overall
        table.add_row(c.label, _cell(v), _ci(v),
                      "" if v.p_below_667 is None else _3(v.p_below_667),
                      "" if v.p_below_800 is None else _3(v.p_below_800))
        if v.value is None:
            notes.append(f"{c.label}: n/a, {v.reason}.")
    console.print(table, markup=False)
    by = {c.name: c.by_code for c in rep.coefficients}
    keys = list(dict.fromkeys([*rep.codes, *by["k_u_alpha"]]))
    if keys:
        codes = Table(title="By code")
        codes.add_column("Code", no_wrap=True)
        for name in ("alpha_u_2004", "u_alpha", "k_u_alpha"):
            codes.add_column(SHORT[name], justify="right", no_wrap=True, min_width=13)
        for key in keys:
            cells = []
            for name in ("alpha_u_2004", "u_alpha", "k_u_alpha"):
                got = by[name].get(key)
                if got is None:
                    cells.append("-")
                    continue
                cells.append(_cell(got) + (f"\n{_3(got.ci[0])}-{_3(got.ci[1])}"
                                           if got.ci else ""))
                if got.value is None:
                    notes.append(f"{SHORT[name]} of {key}: n/a, {got.reason}.")
            codes.add_row(key, *cells)
        console.print(codes, markup=False)
    if rep.per_document:
        per = Table(title="By document (point values)")
        per.add_column("Document", no_wrap=True)
        names = [n for n in SHORT if n != "k_u_alpha"]
        for name in names:
            per.add_column(SHORT[name], justify="right")
        for doc, coefs in rep.per_document.items():
            overall = {c.name: c.overall for c in coefs}
            per.add_row(doc, *(_cell(overall[n], mark=False) for n in names))
        console.print(per, markup=False)
    for line in notes:
        console.print(line, soft_wrap=True, markup=False)
    for line in _legend(rep):
        console.print(line, soft_wrap=True, markup=False)


def _legend(rep: UnitizedAgreement) -> list[str]:
    lines = ["By code: alpha_U 2004 is c-alpha_U of that code; u-alpha is measured on that "
             "code's units alone (= |u-alpha); (k)u-alpha is agreement on the code where "
             "coders' units overlap (cu-alpha's breakdown)."]
    if rep.inferred:
        lines.append("The continuum was not given (--continuum): it runs from the smallest "
                     "start to the largest end in the file" +
                     (", per document." if len(rep.documents) > 1 else "."))
    if rep.compound_share > 0:
        lines.append(f"{rep.compound_share:.1%} of coder x position cells lie where one "
                     "coder's spans of different codes overlap; the 2016 coefficients read "
                     "them as one value, the set of codes (A+B).")
    lines.append(MARKS)
    if rep.bootstrap <= 0:
        lines.append("No bootstrap intervals (--bootstrap 0).")
    else:
        what = ("documents" if rep.resampled == "documents" else
                "blocks (stretches between positions nobody coded) of the one document")
        lines.append(f"Bootstrap: {rep.bootstrap} resamples of the {rep.n_resampled} "
                     f"{what}, seed {rep.seed} (--seed {rep.seed} reproduces them); "
                     "alpha_U 2004 keeps its expected disagreement fixed.")
    return lines

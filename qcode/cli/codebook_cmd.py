"""``qcode codebook show|check``: view and validate the codebook."""

from __future__ import annotations

import csv
import sys
from enum import Enum
from pathlib import Path

import typer

from qcode.cli.console import echo_json, out, state, warn

codebook_app = typer.Typer(help="View and validate the codebook.", no_args_is_help=True)


class ShowFormat(str, Enum):
    table = "table"
    md = "md"
    json = "json"
    csv = "csv"


@codebook_app.command("show")
def show(
    ctx: typer.Context,
    theme: str | None = typer.Option(None, "--theme", "-t", help="Only this theme (id or "
                                                                 "name)."),
    level: str | None = typer.Option(None, "--level", "-l", help="Only this level (id or "
                                                                 "name)."),
    fmt: ShowFormat = typer.Option(ShowFormat.table, "--format", "-f", help="Output format."),
    path: Path | None = typer.Option(None, "--file", metavar="PATH",
                                     help="Show this codebook file instead of the project's."),
) -> None:
    """Show the codebook as a theme x level grid, Markdown, JSON or CSV.

    Examples:

      qcode codebook show

      qcode codebook show --theme GOV --level macro --format md

      qcode codebook show --format json > codebook.json
    """
    from qcode.codebook import load, resolve_facet
    from qcode.reports.codebook import as_dict, as_markdown, as_rows, filtered

    cb = load(path) if path else state(ctx).project().codebook
    theme_id = resolve_facet(cb, "theme", theme) if theme else None
    level_id = resolve_facet(cb, "level", level) if level else None
    cb = filtered(cb, theme_id, level_id)
    if fmt is ShowFormat.json:
        echo_json(as_dict(cb))
    elif fmt is ShowFormat.csv:
        rows = as_rows(cb)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif fmt is ShowFormat.md:
        typer.echo(as_markdown(cb), nl=False)
    else:
        _grid(cb)


def _grid(cb) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    levels = list(cb.levels) or [None]
    table = Table(title=f"{cb.name} {cb.version}".strip(), show_lines=True)
    table.add_column("Theme", style="bold")
    for lv in levels:
        table.add_column(lv.name if lv else "Codes")
    for t in cb.themes:
        cells = []
        for lv in levels:
            codes = cb.cell(t.id, lv.id if lv else None)
            cells.append("\n".join(f"{c.id} {c.name}" for c in codes) or "-")
        table.add_row(f"{t.id}\n{t.name}", *cells)
    console = out()
    console.print(table)
    console.print(f"{len(cb.codes)} codes, {len(cb.themes)} themes, {len(cb.levels)} levels")


@codebook_app.command("check")
def check(
    ctx: typer.Context,
    path: Path | None = typer.Argument(None, metavar="[PATH]",
                                       help="Codebook file (default: the project's)."),
) -> None:
    """Validate a codebook and report every problem with file, line and field.

    Errors (duplicate ids, unknown themes or levels, missing names, malformed entries) give
    a non-zero exit; warnings (empty theme x level cells, unknown fields) do not.

    Examples:

      qcode codebook check

      qcode codebook check codebooks/template.yaml
    """
    from qcode.codebook import check_file
    from qcode.errors import CodebookError

    target = path or state(ctx).project().codebook_path
    result = check_file(target)
    for w in result.warnings:
        warn(str(w))
    if result.errors:
        n = len(result.errors)
        raise CodebookError(f"{target} has {n} problem{'s' if n != 1 else ''}",
                            details=[str(p) for p in result.errors],
                            hint="fix each line above, then run qcode codebook check again")
    cb = result.codebook
    assert cb is not None
    typer.echo(f"OK: {target}: {len(cb.codes)} codes, {len(cb.themes)} themes, "
               f"{len(cb.levels)} levels, {len(result.warnings)} warnings")


def register(app: typer.Typer) -> None:
    app.add_typer(codebook_app, name="codebook")

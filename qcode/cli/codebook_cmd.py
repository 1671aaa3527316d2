"""``qcode codebook show|check|export``: view, validate and export the codebook."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import echo_json, out, state, warn
from qcode.cli.groups import SuggestingGroup
from qcode.cli.options import outgoing, real_names_option

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.codebook.load import Problem
    from qcode.models import Codebook, Level

codebook_app = typer.Typer(help="View, validate, export and change the codebook (with a "
                                "history).",
                           no_args_is_help=True, cls=SuggestingGroup)


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
    from qcode._io.csvfile import write_dicts
    from qcode.codebook.load import load, resolve_facet
    from qcode.reports.codebook import CSV_FIELDS, as_dict, as_markdown, as_rows, filtered

    cb = load(path) if path else state(ctx).project().codebook
    theme_id = resolve_facet(cb, "theme", theme) if theme else None
    level_id = resolve_facet(cb, "level", level) if level else None
    cb = filtered(cb, theme_id, level_id)
    if fmt is ShowFormat.json:
        echo_json(as_dict(cb))
    elif fmt is ShowFormat.csv:
        typer.echo(write_dicts(as_rows(cb), CSV_FIELDS), nl=False)
    elif fmt is ShowFormat.md:
        typer.echo(as_markdown(cb), nl=False)
    else:
        _grid(cb)


def _grid(cb: Codebook) -> None:
    from rich.table import Table

    levels: list[Level | None] = list(cb.levels) or [None]
    table = Table(title=f"{cb.name} {cb.version}".strip(), show_lines=True)
    table.add_column("Theme", style="bold")
    for lv in levels:
        table.add_column(lv.name if lv else "Codes")
    for t in cb.themes:
        cells = []
        for lv in levels:
            codes = cb.cell(t.id, lv.id if lv else None)
            cells.append("\n".join(f"{c.id} {c.name}" + (" (retired)" if c.retired else "")
                                   for c in codes) or "-")
        table.add_row(f"{t.id}\n{t.name}", *cells)
    console = out()
    console.print(table, markup=False)
    console.print(f"{len(cb.codes)} codes, {len(cb.themes)} themes, {len(cb.levels)} levels",
                  markup=False)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@codebook_app.command("check")
def check(
    ctx: typer.Context,
    path: Path | None = typer.Argument(None, metavar="[PATH]",
                                       help="Codebook file (default: the project's)."),
    fmt: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f",
                                    help="Output format (json: every problem, for scripts)."),
) -> None:
    """Validate a codebook and report every problem with file, line and field.

    Errors (duplicate ids, unknown themes or levels, missing names, malformed entries) give
    a non-zero exit; warnings (empty theme x level cells, unknown fields) do not. With
    --format json the result is printed on stdout either way, as {"file", "ok", "codes",
    "themes", "levels", "errors": [{"line", "field", "message"}], "warnings": [...]}, and
    the exit code still tells whether there were errors.

    Examples:

      qcode codebook check

      qcode codebook check codebooks/template.yaml

      qcode codebook check my-codebook.yaml --format json
    """
    from qcode.codebook.load import check_file
    from qcode.errors import CodebookError

    target = path or state(ctx).project().codebook_path
    try:
        result = check_file(target)
    except CodebookError as exc:  # unreadable, or not YAML at all
        if fmt is not CheckFormat.json:
            raise
        echo_json({"file": str(target), "ok": False, "codes": None, "themes": None,
                   "levels": None, "errors": [{"line": None, "field": "",
                                               "message": str(exc)}], "warnings": []})
        raise
    if fmt is CheckFormat.json:
        cb = result.codebook

        def found(ps: list[Problem]) -> list[dict[str, Any]]:
            return [{"line": p.line, "field": p.field, "message": p.message} for p in ps]

        echo_json({"file": str(target), "ok": not result.errors,
                   "codes": len(cb.codes) if cb else None,
                   "themes": len(cb.themes) if cb else None,
                   "levels": len(cb.levels) if cb else None,
                   "errors": found(result.errors), "warnings": found(result.warnings)})
        if result.errors:
            raise typer.Exit(int(CodebookError.exit_code))
        return
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


class ExportFormat(str, Enum):
    yaml = "yaml"
    md = "md"
    json = "json"
    csv = "csv"
    qdc = "qdc"


_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".md": "md", ".json": "json", ".csv": "csv",
             ".qdc": "qdc"}


@codebook_app.command("export")
def export(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="The file to write."),
    fmt: ExportFormat | None = typer.Option(
        None, "--format", "-f", help="File format (default: from FILE's extension: .yaml, "
                                     ".md, .json, .csv or .qdc)."),
    real_names: bool = real_names_option(),
) -> None:
    """Write the project's codebook to a file: YAML (as it is), Markdown (a codebook
    appendix for a paper), JSON, CSV (one code a row) or a REFI-QDA .qdc.

    The file is written atomically (a crash leaves the old file or the whole new one).
    With a pseudonym table (qcode pseudonyms), names in definitions and examples are
    pseudonymised; --real-names keeps them.

    Examples:

      qcode codebook export appendix.md

      qcode codebook export codes.csv

      qcode codebook export shared.yaml

      qcode codebook export for-nvivo.qdc
    """
    from qcode._io.csvfile import write_dicts
    from qcode.errors import UsageError
    from qcode.outputs import write_output
    from qcode.reports.codebook import CSV_FIELDS, as_dict, as_markdown, as_rows

    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    if file.is_dir():
        raise UsageError(f"{file} is a folder", hint="give a file name, e.g. codebook.md")
    kind = fmt.value if fmt is not None else _SUFFIXES.get(file.suffix.lower())
    if kind is None:
        raise UsageError(f"cannot tell the format of {file} from its extension",
                         hint="end the name in .yaml, .md, .json, .csv or .qdc, or give "
                              "--format")
    cb = project.codebook
    if kind == "yaml":
        data = project.codebook_path.read_bytes()
    elif kind == "md":
        data = as_markdown(cb).encode("utf-8")
    elif kind == "json":
        import json

        data = (json.dumps(as_dict(cb), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    elif kind == "csv":
        data = write_dicts(as_rows(cb), CSV_FIELDS).encode("utf-8")
    else:
        from qcode.refiqda.codebook_exchange import ORIGIN
        from qcode.refiqda.codebook_xml import qdc_bytes

        data = qdc_bytes(cb, ORIGIN)
    write_output(file, data)  # a file it cannot write is a one-line error
    typer.echo(f"Wrote {file} ({kind}): {len(cb.codes)} codes, {len(cb.themes)} themes, "
               f"{len(cb.levels)} levels")


def register(app: typer.Typer) -> None:
    from qcode.cli.codebook_edit_cmd import add_commands

    add_commands(codebook_app)
    app.add_typer(codebook_app, name="codebook")

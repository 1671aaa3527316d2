"""``qcode export qdc|qdpx`` and ``qcode import qdc|qdpx``: REFI-QDA exchange with NVivo,
ATLAS.ti, MAXQDA, QualCoder and other tools."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.console import echo_json, note, say, state, warn, warn_omissions
from qcode.cli.groups import SuggestingGroup
from qcode.cli.options import CODERS_METAVAR, outgoing, real_names_option, split_names

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.refiqda.report import ImportReport

export_app = typer.Typer(help="Export the codebook (.qdc) or the whole project (.qdpx) "
                              "in the REFI-QDA exchange format.", no_args_is_help=True,
                         cls=SuggestingGroup)
import_app = typer.Typer(help="Import a REFI-QDA codebook (.qdc) or project (.qdpx, .qde) "
                              "from another QDA tool.", no_args_is_help=True,
                         cls=SuggestingGroup)


class OutFormat(str, Enum):
    text = "text"
    json = "json"


class LineEndings(str, Enum):
    lf = "lf"
    crlf = "crlf"


_FORMAT = typer.Option(OutFormat.text, "--format", "-f", help="Output format of the summary.")
_MAP_LEVELS = typer.Option(
    None, "--map-levels", metavar="NAME=level,...",
    help="Nodes with these names are levels, e.g. \"Macro=macro,Meso=meso,Micro=micro\"; "
         "\"*=meso\" puts every code no level node places at that level. Without it, "
         "top-level nodes become themes and the rest a plain hierarchy.")


@export_app.command("qdc")
def export_qdc(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="The .qdc file to write."),
    fmt: OutFormat = _FORMAT,
    real_names: bool = real_names_option(),
) -> None:
    """Export the project's codebook as a REFI-QDA codebook (.qdc).

    Themes and levels become the code hierarchy (theme > level > code, sub-codes nested);
    definitions, criteria and keywords go to each code's Description, ending with a
    'qcode: {...}' line that lets qcode import the file back exactly. GUIDs are stable.

    Examples:

      qcode export qdc codebook.qdc

      qcode --project study export qdc /tmp/telemedicine.qdc --format json
    """
    from qcode.refiqda.codebook_exchange import export_qdc as run

    cb = outgoing(ctx, real_names).codebook  # pseudonymised when the table has entries
    n = run(cb, file)
    if fmt is OutFormat.json:
        echo_json({"file": str(file), "codes": n, "themes": len(cb.themes),
                   "levels": len(cb.levels)})
    else:
        typer.echo(f"Exported {n} codes ({len(cb.themes)} themes x {len(cb.levels)} levels) "
                   f"to {file}")


@export_app.command("qdpx")
def export_qdpx(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="The .qdpx file to write."),
    coder: list[str] | None = typer.Option(None, "--coder", "-c", metavar=CODERS_METAVAR,
                                           help="Only these coders' codings: repeatable, "
                                                "or A,B."),
    line_endings: LineEndings = typer.Option(
        LineEndings.lf, "--line-endings",
        help="Line ends of the source texts; crlf for tools that expect Windows text "
             "(offsets are adjusted)."),
    fmt: OutFormat = _FORMAT,
    real_names: bool = real_names_option(),
) -> None:
    """Export the whole project as a REFI-QDA project (.qdpx).

    Coders become Users, documents TextSources (UTF-8 text in sources/), every coded
    segment a PlainTextSelection with one Coding per coder and code, memos Notes, and
    document attributes Variables with one Case per document. The file is deterministic:
    exporting the same project twice gives identical bytes. When the project has a
    pseudonym table (qcode pseudonyms), each source's text, title, speaker labels and
    attributes are pseudonymised and every selection's offsets recomputed, so each coding
    still covers the same words; --real-names exports the real text.

    Examples:

      qcode export qdpx study.qdpx

      qcode export qdpx for-nvivo.qdpx --coder ingrid --coder ola --line-endings crlf
    """
    from qcode.refiqda.exporter import export_qdpx as run

    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    summary = run(project, file, split_names(coder) or None, line_endings.value)
    warn_omissions(summary.omissions, project.root)
    for line in summary.skipped:
        warn(f"not exported: {line}")
    if fmt is OutFormat.json:
        echo_json(summary.as_dict())
    else:
        typer.echo(f"Exported {summary.documents} documents, {summary.codes} codes, "
                   f"{summary.codings} codings on {summary.selections} selections and "
                   f"{summary.memos} memos by {len(summary.coders)} coders to {file}")


@import_app.command("qdc")
def import_qdc(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="The .qdc file to read."),
    map_levels: str | None = _MAP_LEVELS,
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="PATH",
        help="Write the codebook to this YAML file instead of the project's codebook."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only; write nothing."),
    fmt: OutFormat = _FORMAT,
) -> None:
    """Import a REFI-QDA codebook (.qdc) as the project's codebook.

    The project's codebook is replaced (the old one is kept as
    codebook.before-import-<time>.yaml); the import is refused, changing nothing, if a code
    that has codings would disappear. With --output, a YAML codebook file is written
    instead (no project needed), e.g. for 'qcode init --codebook'.

    Examples:

      qcode import qdc from-nvivo.qdc --dry-run

      qcode import qdc atlas.qdc --output codebook-from-atlas.yaml

      qcode import qdc tree.qdc --map-levels "Macro=macro,Meso=meso,Micro=micro"
    """
    from qcode.errors import ConflictError
    from qcode.outputs import write_output
    from qcode.refiqda.codebook_exchange import apply_codebook
    from qcode.refiqda.codebook_exchange import import_qdc as run
    from qcode.refiqda.codebook_map import parse_level_map

    levels = parse_level_map(map_levels)
    cb, text, report = run(file, levels)
    if not dry_run:
        if output is not None:
            if output.exists():
                raise ConflictError(f"{output} already exists; nothing was written",
                                    hint="choose another --output file")
            write_output(output, text)
            report.target, report.written = str(output), True
        else:
            apply_codebook(state(ctx).project(), cb, text, report)
    _show(report, fmt)


@import_app.command("qdpx")
def import_qdpx(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE",
                                help="The .qdpx (or a bare .qde project file) to read."),
    into: Path | None = typer.Option(
        None, "--into", metavar="DIR",
        help="Create a new project in DIR from the file (default: the current project)."),
    map_levels: str | None = _MAP_LEVELS,
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only; write nothing."),
    fmt: OutFormat = _FORMAT,
) -> None:
    """Import a REFI-QDA project: documents, codebook, every coder's codings and memos.

    Into the current project, codes merge into its codebook by id, a source whose text
    equals a project document is mapped onto it, and a source whose document id is taken
    by a different text refuses the import. With --into DIR a new project is created.
    Offsets counted as UTF-16 (NVivo) or with CRLF as one character (ATLAS.ti) are
    detected per source. Nothing is written unless the whole file reads and maps
    cleanly; the report says what was taken and what was dropped, and why.

    Crash safety: new documents and the codebook are written first (each file
    atomically), codings last (one fsynced append per coder). If the import is
    interrupted (crash, Ctrl-C, kill), the project stays readable and running the same
    command again completes it without writing anything twice; until then another
    file's import is refused. With --into the new project appears whole or not at all.

    Examples:

      qcode import qdpx from-nvivo.qdpx --into study-nvivo

      qcode import qdpx colleague.qdpx --dry-run --format json

      qcode import qdpx project.qde --into study2 --map-levels "Macro=macro,Micro=micro"
    """
    from qcode.outputs import guard_folder
    from qcode.refiqda.codebook_map import parse_level_map
    from qcode.refiqda.importer import import_qdpx as run

    levels = parse_level_map(map_levels)
    if into is not None:
        guard_folder(into)  # a new project, never inside a project's data folders
    # an interrupted import of this file is completed by the import itself
    project = None if into is not None else state(ctx).project(resuming_import=True)
    report = run(file, project=project, into=into, level_map=levels, dry_run=dry_run)
    _show(report, fmt)


def _show(report: ImportReport, fmt: OutFormat) -> None:
    if fmt is OutFormat.json:
        echo_json(report.as_dict())
        _partial(report)
        return
    order = ["documents", "documents_matched", "codes", "themes", "levels", "coders",
             "selections", "codings", "memos", "completion_marks"]
    keys = sorted(report.taken, key=lambda k: (order.index(k) if k in order else 99, k))
    taken = ", ".join(f"{report.taken[k]} {k.replace('_', ' ')}" for k in keys
                      if report.taken[k])
    origin = f" (written by {report.origin})" if report.origin else ""
    if report.written:
        say(f"Imported {report.file}{origin} into {report.target}: {taken or 'nothing'}")
    else:
        say(f"Would import {report.file}{origin}: {taken or 'nothing'} "
            "(dry run: nothing written)")
    for s in report.sources:
        target = f" -> {s.document} ({s.status})" if s.document else f" ({s.status})"
        offsets = f"; offsets: {s.offsets}, {s.evidence}" if s.offsets else ""
        say(f"  source '{s.name}'{target}{offsets}")
    if report.dropped:
        say(f"Dropped ({len(report.dropped)}):")
        for kind, reason, n in report.dropped_by_reason():
            say(f"  {n} x {kind}: {reason}")
    for line in report.notes:
        note(f"Note: {line}")
    _partial(report)


def _partial(report: ImportReport) -> None:
    """An import that left anything out exits PARTIAL (7), after its report."""
    from qcode.errors import PartialFailureError

    if not report.dropped:
        return
    n = len(report.dropped)
    items = f"{n} item{'s' if n != 1 else ''} of {report.file}"
    if report.written:
        raise PartialFailureError(f"{items} could not be imported (listed under 'Dropped'); "
                                  "the rest was imported")
    raise PartialFailureError(f"{items} would not be imported (listed under 'Dropped'); "
                              "dry run: nothing was written")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")

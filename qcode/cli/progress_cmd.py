"""``qcode progress``: a document x coder grid of how far each coder has got."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import typer

from qcode.cli.console import echo_json, note, out, state, warn_omissions
from qcode.cli.options import CODERS_METAVAR, split_names

if TYPE_CHECKING:  # the core is imported inside the command (start-up time)
    from qcode.coding.progress import Cell, CoderTotal


class ProgressFormat(str, Enum):
    table = "table"
    json = "json"


def cell_text(cell: Cell) -> str:
    """``not started``, ``3 of 12 (5 codings)`` or ``done (14 codings)``."""
    n = f"{cell.codings} coding{'' if cell.codings == 1 else 's'}"
    if cell.status == "done":
        return f"done ({n})"
    if cell.status == "not_started":
        return "not started"
    return f"{cell.visited} of {cell.segments} ({n})"


def total_text(t: CoderTotal) -> str:
    """``1/2 done, 7 of 10, 3 codings``: documents done, segments visited, codings."""
    return (f"{t.documents_done}/{t.documents} done, {t.visited} of {t.segments}, "
            f"{t.codings} coding{'' if t.codings == 1 else 's'}")


def progress(
    ctx: typer.Context,
    coder: list[str] | None = typer.Option(None, "--coder", "-c", metavar=CODERS_METAVAR,
                                           help="Only these coders (default: every coder "
                                                "but the consensus ones)."),
    doc: list[str] | None = typer.Option(None, "--doc", "-d", metavar="DOC[,DOC...]",
                                         help="Only these documents (default: all)."),
    fmt: ProgressFormat = typer.Option(ProgressFormat.table, "--format", "-f",
                                       help="Output format."),
) -> None:
    """How far each coder has got: one row per document, one column per coder.

    A cell is "done" (the coder marked the document complete), "n of m" segments visited
    with the number of codings, or "not started"; the last row totals each coder
    (documents done, segments visited, codings). A segment is visited when the coder coded
    it, wrote a memo on it, or the coding session moved past it (the session's position is
    kept on this machine only).

    JSON: {"documents", "coders", "cells": [{"document", "coder", "status", "visited",
    "segments", "codings"}], "totals": [{"coder", "documents", "documents_done",
    "documents_started", "visited", "segments", "codings"}]}; status is done, started or
    not_started.

    Examples:

      qcode progress

      qcode progress --coder ingrid --format json
    """
    from qcode.coding.progress import progress as grid
    from qcode.coding.store import coder_names, log_path
    from qcode.coding.usable import load_usable, omissions
    from qcode.reconcile.consensus import consensus_coders

    project = state(ctx).project()
    coders = split_names(coder)
    for name in coders:
        log_path(project, name)  # an unknown coder is named, with a hint
    if not coders:
        derived = set(consensus_coders(project))
        coders = [c for c in coder_names(project) if c not in derived]
    docs = ([project.load_document(project.resolve_document(d)) for d in split_names(doc)]
            if doc else project.documents())
    states = load_usable(project, coders)
    warn_omissions(omissions(states), project.root)
    result = grid(project, states, docs)
    if fmt is ProgressFormat.json:
        echo_json({"documents": list(result.documents), "coders": list(result.coders),
                   "cells": [c.as_dict() for c in result.cells],
                   "totals": [t.as_dict() for t in result.totals]})
        return
    if not result.coders:
        note("No coder has coded yet. Start with: qcode code DOC --coder NAME")
        return
    if not result.documents:
        note("No documents yet. Start with: qcode ingest TRANSCRIPTS...")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Progress: documents x coders")
    table.add_column("document")
    for name in result.coders:
        table.add_column(escape(name))
    for d in result.documents:
        table.add_row(escape(d), *(cell_text(result.cell(d, c)) for c in result.coders))
    table.add_section()
    table.add_row("total", *(total_text(t) for t in result.totals))
    out().print(table)


def register(app: typer.Typer) -> None:
    app.command("progress")(progress)

"""``qcode code``, ``undo``, ``done``, ``coders``, ``codings export|import`` and ``suggest``
(``tag`` and ``untag`` are in :mod:`qcode.cli.tag_cmd`): coding from the terminal."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import (
    echo_json,
    emit,
    note,
    out,
    safe_text,
    say,
    state,
    warn_omissions,
)
from qcode.cli.groups import SuggestingGroup
from qcode.cli.options import ActionFormat, doc_set_option, outgoing, real_names_option, said
from qcode.cli.stdin import require_stdin

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.coding.session import Session
    from qcode.models import Document
    from qcode.project import Project

codings_app = typer.Typer(help="Export and import a coder's codings (CSV, JSONL).",
                          no_args_is_help=True, cls=SuggestingGroup)

CODER_HELP = "The coder (a name: letters, digits, '-', '_')."


class TableFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


# ----------------------------------------------------------------------------- code


def code(
    ctx: typer.Context,
    doc: str = typer.Argument(..., metavar="DOC", help="The document to code."),
    coder: str = typer.Option(..., "--coder", "-c", help=CODER_HELP),
    skip_interviewer: bool = typer.Option(False, "--skip-interviewer",
                                          help="Step over the interviewer's turns."),
    context: int = typer.Option(1, "--context", min=0, max=5,
                                help="Segments of context shown before and after."),
    suggestions: int = typer.Option(5, "--suggestions", min=0, max=9,
                                    help="How many keyword suggestions to number."),
    plain: bool = typer.Option(False, "--plain",
                               help="The line-based session instead of the full-screen app "
                                    "(screen readers, dumb terminals)."),
    recode: str | None = typer.Option(None, "--recode", metavar="CODE",
                                      help="Re-assign your codings of a split CODE in DOC "
                                           "to its parts, one by one."),
) -> None:
    """Code a document interactively; resumes where you stopped.

    On a terminal this opens the full-screen app: the transcript with your codings marked,
    the codebook as a tree with a filter, suggestions and a progress line (keys are shown at
    the bottom; README "The coding app"). --plain, piped input or TERM=dumb give the
    line-based session described below.

    The screen shows the segment (id, speaker, time), some context before and after, YOUR
    codes on it (never another coder's: coding is blind) and numbered keyword suggestions.
    Type a code id, a suggestion number or (part of) a code name; an ambiguous name asks
    which one. Several codes: A, B. Every action is saved the moment you make it.

    "exact words" CODE codes just those words of the segment (a span). Keys: Enter/n
    next, p previous, g SEGMENT jump, -CODE or r CODE remove, m TEXT memo
    (m - clears), u undo, c [TEXT] list codes, + NAME a new code (theme and level asked),
    done mark complete, ? help, q quit. Going past the last segment asks whether to mark
    the document complete.

    With --recode CODE (a code split with qcode codebook split), walk your codings of CODE
    in DOC and answer which part each one is (a line-based walk).

    Without a terminal (a script on stdin) the screen is plain lines and each prompt is a
    line of its own.

    Examples:

      qcode code N01 --coder ingrid

      printf 'GOV-MAC-01\\n\\nq\\n' | qcode code N01 --coder ingrid
    """
    from qcode.coding.session import Session

    require_stdin("qcode code cannot read your answers",
                  hint=f"run it in a terminal, or pipe the answers in: printf 'CODE\\nq\\n' | "
                       f"qcode code {doc} --coder {coder}")
    project = state(ctx).project()
    doc = project.resolve_document(doc)  # an id, or a unique prefix of one
    document = project.load_document(doc)
    if recode is not None:
        _run_recode(project, document, coder, recode)
        return
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if terminal and not plain and os.environ.get("TERM", "") not in ("dumb", ""):
        _run_app(project, document, coder, suggestions, skip_interviewer)
        return
    session = Session(project, document, coder, n_suggestions=suggestions, context=context,
                      skip_interviewer=skip_interviewer)
    if terminal:
        _run_terminal(session)
    else:
        _run_plain(session)


def _run_app(project: Project, document: Document, coder: str, suggestions: int,
             skip_interviewer: bool) -> None:
    # Textual is imported here only: no other command pays for it at start-up
    from qcode.cli.tui.app import CodingApp
    from qcode.coding.app_state import AppState

    app_state = AppState(project, document, coder, n_suggestions=suggestions,
                         skip_interviewer=skip_interviewer)
    message = CodingApp(app_state).run()
    say(message or app_state.quit())


def _run_recode(project: Project, document: Document, coder: str, code: str) -> None:
    from qcode.coding.recode import Recode

    walk = Recode(project, document, coder, code)
    turn = walk.start()
    while True:
        for line in turn.lines:
            say(line)
        if turn.quit:
            return
        say(turn.prompt.rstrip())
        answer = sys.stdin.readline()
        turn = walk.handle(answer.rstrip("\n") if answer else "q")  # end of input: like q


def _run_plain(session: Session) -> None:
    from qcode.cli.coding_screen import plain
    from qcode.coding.quote_line import handle_line  # "exact words" CODE: a span

    reply = session.start()
    while True:
        for m in reply.messages:
            say(m)
        if reply.view is not None:
            for line in plain(reply.view):
                say(line)
        if reply.quit:
            return
        say(reply.prompt.rstrip())
        line = sys.stdin.readline()
        if not line:  # end of input: like q
            reply = session.handle("q")
            continue
        reply = handle_line(session, line.rstrip("\n"))


def _run_terminal(session: Session) -> None:
    import contextlib

    from qcode.cli.coding_screen import draw
    from qcode.cli.safe_console import SafeConsole
    from qcode.coding.quote_line import handle_line

    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    console = SafeConsole(highlight=False)  # transcript text cannot drive the terminal
    reply = session.start()
    while True:
        if reply.view is not None:
            draw(console, reply.view)
        for m in reply.messages:
            console.print(m, style="bold red" if reply.error else None, markup=False,
                          highlight=False)
        if reply.quit:
            return
        try:
            line = input(safe_text(reply.prompt))
        except EOFError:
            line = "q"
        reply = handle_line(session, line)


# ----------------------------------------------------------------------------- tag / untag


def _events(written: list[Any]) -> list[dict[str, Any]]:
    """The log events a command wrote, for its JSON output (no quotes: transcript text)."""
    return [{"seq": e.seq, "op": e.op, "document": e.doc, "segment": e.segment,
             "code": e.code} for e in written]


# ----------------------------------------------------------------------------- undo / done


def undo(
    ctx: typer.Context,
    coder: str = typer.Option(..., "--coder", "-c", help=CODER_HELP),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Revert the coder's last action (a whole tag command, one session input, ...).

    Undo again to go further back. The log keeps everything: an undo is an event too.

    Examples:

      qcode undo --coder ingrid
    """
    from qcode.coding import store as codings
    from qcode.errors import NotFoundError

    project = state(ctx).project()
    batch = codings.undo_last(project, coder)
    if not batch:
        raise NotFoundError(f"nothing to undo for {coder}")
    last = batch[-1]
    what = {"add": f"added {last.code} on {last.segment}",
            "remove": f"removed {last.code} from {last.segment}",
            "memo": f"memo on {last.segment}", "done": f"marked {last.doc} complete",
            "reopen": f"reopened {last.doc}"}.get(last.op, last.op)
    more = f" (and {len(batch) - 1} more change{'s' if len(batch) > 2 else ''} made with it)" \
        if len(batch) > 1 else ""
    said(fmt, f"Undone for {coder}: {what}{more}.",
         {"coder": coder, "undone": _events(batch)})


def done(
    ctx: typer.Context,
    doc: str = typer.Argument(..., metavar="DOC", help="The document."),
    coder: str = typer.Option(..., "--coder", "-c", help=CODER_HELP),
    reopen: bool = typer.Option(False, "--reopen", help="Mark it not complete again."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Mark a document completely coded by a coder (segments without codes count as coded
    'nothing'); agreement uses only documents both coders completed.

    Examples:

      qcode done N01 --coder ingrid

      qcode done N01 --coder ingrid --reopen
    """
    from qcode.coding import store as codings

    project = state(ctx).project()
    doc = project.resolve_document(doc)  # an id, or a unique prefix of one
    document = project.load_document(doc)
    st = codings.load_state_or_empty(project, coder)
    coded = sum(1 for (d, _s), v in st.codes.items() if d == document.id and v)
    data = {"coder": coder, "document": document.id, "complete": not reopen,
            "changed": (document.id in st.done) == reopen, "segments_coded": coded,
            "segments_total": len(document.segments)}
    if not data["changed"]:
        said(fmt, f"{document.id} is already {'open' if reopen else 'marked complete'} for "
                  f"{coder}.", data)
        return
    codings.mark_done(project, coder, document.id, done=not reopen)
    if reopen:
        said(fmt, f"Reopened {document.id} for {coder}.", data)
    else:
        said(fmt, f"Marked {document.id} complete for {coder} ({coded} of "
                  f"{len(document.segments)} segments coded).", data)


# ----------------------------------------------------------------------------- coders


def coders(
    ctx: typer.Context,
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="Output "
                                                                              "format."),
) -> None:
    """List the coders: codings, documents coded and completed, last activity.

    Examples:

      qcode coders

      qcode coders --format json
    """
    from qcode.coding import store as codings
    from qcode.coding.usable import load_usable, omissions

    project = state(ctx).project()
    rows: list[dict[str, Any]] = []
    states = load_usable(project, codings.coder_names(project))
    warn_omissions(omissions(states), project.root)
    for st in states:
        name = st.coder
        origins: dict[str, int] = {}
        for by in st.spans.values():  # one coding per span (a whole segment is one)
            for ev in by.values():
                o = ev.get("origin", "manual")
                origins[o] = origins.get(o, 0) + 1
        rows.append({"coder": name, "codings": sum(origins.values()), "origins": origins,
                     "documents_coded": sorted({d for (d, _), v in st.codes.items() if v}),
                     "completed": sorted(st.done), "memos": len(st.memos),
                     "events": st.n_events, "last_activity": st.last_time,
                     "unreadable_lines": len(st.problems)})
    if fmt is TableFormat.json:
        echo_json({"coders": rows})
        return
    if not rows:
        note("No coder has coded yet. Start with: qcode code DOC --coder NAME")
        return
    from rich.table import Table

    t = Table(box=None, header_style="bold")
    for col in ("coder", "codings", "documents", "completed", "memos", "last activity"):
        t.add_column(col, justify="left" if col in ("coder", "last activity") else "right")
    for r in rows:
        t.add_row(r["coder"], str(r["codings"]), str(len(r["documents_coded"])),
                  str(len(r["completed"])), str(r["memos"]),
                  (r["last_activity"] or "-")[:19].replace("T", " "))
    out().print(t)


# ----------------------------------------------------------------------------- export/import


@codings_app.command("export")
def export(
    ctx: typer.Context,
    coder: str = typer.Option(..., "--coder", "-c", help=CODER_HELP),
    fmt: ExportFormat = typer.Option(ExportFormat.csv, "--format", "-f", help="csv or jsonl."),
    doc: list[str] = typer.Option([], "--doc", "-d", help="Only this document (repeatable)."),
    doc_set: list[str] = doc_set_option(),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to FILE (atomically) instead of stdout."),
    real_names: bool = real_names_option(),
) -> None:
    """Export a coder's current codings: one row per code on a segment.

    Columns: coder, doc, segment, code, start, end, origin, memo, quote. With a
    pseudonym table the quotes and memos are pseudonymised and the offsets are those of
    the pseudonymised text: to move codings into another copy of the project, export with
    --real-names.

    Examples:

      qcode codings export --coder ingrid > ingrid.csv

      qcode codings export --coder lars --format jsonl --doc N01 -o lars-N01.jsonl
    """
    from qcode.coding.exchange import export_text
    from qcode.coding.usable import load_usable, omissions
    from qcode.documents.sets import selected_documents

    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    docs = set(selected_documents(project, doc, doc_set))
    (st,) = load_usable(project, [coder])
    warn_omissions(omissions([st]), project.root)
    records = [c for c in st.codings() if not docs or c.doc in docs]
    text = export_text(records, fmt.value)
    if output is None:
        emit(text, None)  # a terminal gets no raw control characters
    else:
        from qcode.outputs import write_output

        write_output(output, text)
        note(f"Wrote {len(records)} codings of {coder} to {output}")


@codings_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="A CSV or JSONL file of codings."),
    coder: str = typer.Option(..., "--coder", "-c", help=CODER_HELP),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Import codings for a coder (origin 'imported'); all or nothing.

    Needs columns (or keys) doc, segment, code; memo is optional; other columns (as written
    by qcode codings export) are ignored. Every unknown document, segment or code is listed
    with its line number, and then nothing is imported.

    Examples:

      qcode codings import ingrid.csv --coder ingrid

      qcode codings import lars.jsonl --coder lars
    """
    from qcode.coding.exchange import import_file

    project = state(ctx).project()
    rows, added = import_file(project, file, coder)
    said(fmt, f"Imported {file} for {coder}: {rows} row{'' if rows == 1 else 's'}, "
              f"{added} coding{'' if added == 1 else 's'} added"
              + (f", {rows - added} already there" if rows > added else "") + ".",
         {"file": str(file), "coder": coder, "rows_read": rows, "added": added,
          "already_there": rows - added})


def register(app: typer.Typer) -> None:
    from qcode.cli import suggest_cmd, tag_cmd

    app.command("code")(code)
    app.command("tag")(tag_cmd.tag)
    app.command("untag")(tag_cmd.untag)
    app.command("undo")(undo)
    app.command("done")(done)
    app.command("coders")(coders)
    app.add_typer(codings_app, name="codings")
    app.command("suggest")(suggest_cmd.suggest)

"""``qcode sets add|remove|list``: named sets of documents, used with --set."""

from __future__ import annotations

import typer

from qcode.cli.console import echo_json, note, out, state
from qcode.cli.groups import SuggestingGroup
from qcode.cli.ingest_cmd import ListFormat
from qcode.cli.options import ActionFormat, said

sets_app = typer.Typer(help="Named sets of documents (then --set NAME wherever --doc is "
                            "taken).", no_args_is_help=True, cls=SuggestingGroup)


@sets_app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The set (created if new)."),
    docs: list[str] = typer.Argument(..., metavar="DOC...", help="Document ids (or unique "
                                                                 "prefixes)."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Add documents to a set (sets.json in the project).

    JSON: {"schema_version", "set", "added_documents", "documents"}.

    Examples:

      qcode sets add north N01 N02 N03

      qcode matrix --set north
    """
    from qcode.documents.sets import add_to_set

    added, members = add_to_set(state(ctx).project(), name, docs)
    said(fmt, f"Set {name}: added {len(added)} document{'' if len(added) == 1 else 's'}"
              f"{': ' + ', '.join(added) if added else ''} ({len(members)} in the set)",
         {"set": name, "added_documents": added, "documents": members})


@sets_app.command("remove")
def remove(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The set."),
    docs: list[str] | None = typer.Argument(None, metavar="[DOC...]",
                                            help="Documents to take out (none: the whole "
                                                 "set; the documents stay in the project)."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Take documents out of a set, or remove the set (never the documents).

    JSON: {"schema_version", "set", "removed_documents", "set_removed"}.

    Examples:

      qcode sets remove north N03

      qcode sets remove north
    """
    from qcode.documents.sets import remove_from_set

    taken, gone = remove_from_set(state(ctx).project(), name, docs or [])
    line = (f"Removed the set {name} (its documents stay in the project)" if gone else
            f"Set {name}: took out {', '.join(taken)}")
    said(fmt, line, {"set": name, "removed_documents": taken, "set_removed": gone})


@sets_app.command("list")
def list_sets(
    ctx: typer.Context,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the document sets and their documents (renamed documents under their new id,
    archived ones left out).

    JSON: {"schema_version", "sets": [{"name", "documents"}]}.

    Examples:

      qcode sets list
    """
    from qcode.documents.sets import current_sets

    sets = current_sets(state(ctx).project())
    if fmt is ListFormat.json:
        echo_json({"sets": [{"name": k, "documents": v} for k, v in sets.items()]})
        return
    if not sets:
        note("No document sets yet; make one with: qcode sets add NAME DOC...")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table()
    for col in ("set", "documents", "ids"):
        table.add_column(col, justify="right" if col == "documents" else "left")
    for k, v in sets.items():
        table.add_row(escape(k), str(len(v)), escape(", ".join(v)))
    out().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(sets_app, name="sets")

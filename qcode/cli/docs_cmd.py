"""``qcode docs`` (list), ``docs rename``, ``docs remove`` and ``docs restore``."""

from __future__ import annotations

import typer

from qcode.cli.console import state
from qcode.cli.groups import SuggestingGroup
from qcode.cli.ingest_cmd import ListFormat
from qcode.cli.ingest_cmd import docs as list_documents
from qcode.cli.options import ActionFormat, said

docs_app = typer.Typer(help="List the documents; rename, remove (to the archive) and "
                            "restore them.", cls=SuggestingGroup)


@docs_app.callback(invoke_without_command=True)
def docs_group(
    ctx: typer.Context,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the documents (the same as: qcode docs list), or rename, remove and restore them.

    Examples:

      qcode docs

      qcode docs rename MANIFEST N07

      qcode docs remove MANIFEST
    """
    if ctx.invoked_subcommand is None:
        list_documents(ctx, fmt)


docs_app.command("list")(list_documents)


@docs_app.command("rename")
def rename(
    ctx: typer.Context,
    old: str = typer.Argument(..., metavar="OLD", help="The document's id (or a unique "
                                                       "prefix of it)."),
    new: str = typer.Argument(..., metavar="NEW", help="Its new id."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Give a document a new id: documents/NEW.json, segments NEW:0001...

    Codings, memos and reconciliation decisions follow: the rename is recorded in
    documents.log.jsonl and applied whenever codings are read (coder logs are never
    rewritten). A former id is not used again.

    JSON: {"schema_version", "op", "document", "new_id", "path"}.

    Examples:

      qcode docs rename interview-3 N03
    """
    from qcode.documents.moves import rename as rename_document

    moved = rename_document(state(ctx).project(), old, new)
    said(fmt, f"Renamed {moved.document} to {moved.new_id} ({moved.path}); its codings, "
              "memos and decisions follow", moved.as_dict())


@docs_app.command("remove")
def remove(
    ctx: typer.Context,
    doc: str = typer.Argument(..., metavar="DOC", help="The document's id (or a unique "
                                                       "prefix of it)."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Move a document out of the analyses, into archive/documents/ (nothing is deleted).

    Its codings stay in the coder logs and are left out while it is archived (commands
    that read codings say so in a note); qcode docs restore DOC brings both back.

    JSON: {"schema_version", "op", "document", "new_id", "path"}.

    Examples:

      qcode docs remove MANIFEST
    """
    from qcode.documents.moves import remove as remove_document

    moved = remove_document(state(ctx).project(), doc)
    said(fmt, f"Moved {moved.document} to {moved.path}; its codings are kept and left out "
              f"until: qcode docs restore {moved.document}", moved.as_dict())


@docs_app.command("restore")
def restore(
    ctx: typer.Context,
    doc: str = typer.Argument(..., metavar="DOC", help="The archived document's id."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Bring an archived document and its codings back into the analyses.

    JSON: {"schema_version", "op", "document", "new_id", "path"}.

    Examples:

      qcode docs restore MANIFEST
    """
    from qcode.documents.moves import restore as restore_document

    moved = restore_document(state(ctx).project(), doc)
    said(fmt, f"Restored {moved.document} ({moved.path}) with its codings", moved.as_dict())


def register(app: typer.Typer) -> None:
    app.add_typer(docs_app, name="docs")

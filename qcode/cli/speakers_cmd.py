"""``qcode speakers [DOC]`` and ``qcode speakers rename DOC|--all OLD NEW``."""

from __future__ import annotations

import typer

from qcode.cli.console import echo_json, note, out, state
from qcode.cli.ingest_cmd import ListFormat
from qcode.cli.options import ActionFormat, said
from qcode.errors import UsageError

USAGE = "qcode speakers [DOC] | qcode speakers rename DOC|--all OLD NEW"


def speakers(
    ctx: typer.Context,
    words: list[str] | None = typer.Argument(None, metavar="[DOC] | rename DOC|--all OLD NEW",
                                             help="A document (id or unique prefix) to list; "
                                                  "or 'rename' and what to rename."),
    all_docs: bool = typer.Option(False, "--all", help="rename: in every document."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the speakers and their turns (count, words); or unify speaker labels.

    'qcode speakers rename DOC OLD NEW' renames a label in one document, 'qcode speakers
    rename --all OLD NEW' in every document. The new label shows everywhere (show, matrix
    --rows speaker, reports, exports); the label each turn was ingested with stays in the
    document (original_speakers). Segment ids, text and codings do not change.

    JSON (list): {"schema_version", "speakers": [{"document", "speaker", "turns", "words",
    "original_labels"}]}; (rename): {"schema_version", "old", "new", "documents"}.

    Examples:

      qcode speakers

      qcode speakers N01

      qcode speakers rename --all RESPONDENT Respondent

      qcode speakers rename N03 B Respondent
    """
    args = list(words or [])
    if args[:1] == ["rename"]:
        _rename(ctx, args[1:], all_docs, fmt)
        return
    if all_docs or len(args) > 1:
        raise UsageError("--all and more than one document are for renaming",
                         hint=f"usage: {USAGE}")
    from qcode.documents.speakers import speakers as speaker_rows

    rows = speaker_rows(state(ctx).project(), args[0] if args else None)
    if fmt is ListFormat.json:
        echo_json({"speakers": [r.as_dict() for r in rows]})
        return
    if not rows:
        note("No documents yet; bring transcripts in with: qcode ingest PATH...")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table()
    for col in ("document", "speaker", "turns", "words", "ingested as"):
        table.add_column(col, justify="right" if col in ("turns", "words") else "left")
    for r in rows:
        table.add_row(r.document, escape(r.speaker), str(r.turns), str(r.words),
                      escape(", ".join(r.original_labels)))
    out().print(table)


def _rename(ctx: typer.Context, args: list[str], all_docs: bool, fmt: ListFormat) -> None:
    from qcode.documents.speakers import rename_speaker

    want = 2 if all_docs else 3
    if len(args) != want:
        raise UsageError("speakers rename takes DOC OLD NEW, or --all OLD NEW",
                         hint="for example: qcode speakers rename --all RESPONDENT Respondent")
    doc = None if all_docs else args[0]
    old, new = args[-2:]
    changed = rename_speaker(state(ctx).project(), doc, old, new)
    n = len(changed)
    said(ActionFormat(fmt.value),
         f"Renamed speaker '{old}' to '{new}' in {n} document{'' if n == 1 else 's'}: "
         f"{', '.join(changed)}", {"old": old, "new": new.strip(), "documents": changed})


def register(app: typer.Typer) -> None:
    app.command("speakers")(speakers)

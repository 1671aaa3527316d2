"""``qcode pseudonyms add|import|list|remove|suggest|check``: the table of identifying
strings and their pseudonyms, applied to every output, and the check that an output file
holds none of them."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import echo_json, note, out, say, state, warn
from qcode.cli.groups import SuggestingGroup
from qcode.cli.options import ActionFormat, said

if TYPE_CHECKING:
    from qcode.pseudonyms.table import Change
    from qcode.pseudonyms.variants import Entry

pseudonyms_app = typer.Typer(
    help="Identifying strings -> pseudonyms, applied to every report and export "
         "(--real-names opts out); check scans output files for them.",
    no_args_is_help=True, cls=SuggestingGroup)


class Kind(str, Enum):
    person = "person"
    place = "place"
    organisation = "organisation"
    other = "other"


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _entry_dict(e: Entry) -> dict[str, Any]:
    from qcode.pseudonyms.variants import variants

    return {"real": e.real, "pseudonym": e.pseudonym, "kind": e.kind,
            "variants": list(e.extra), "matches": sorted(variants(e))}


def _change_dict(change: Change) -> dict[str, Any]:
    return {"added_entries": [_entry_dict(e) for e in change.added],
            "replaced_entries": [_entry_dict(e) for e in change.replaced],
            "removed_entries": [_entry_dict(e) for e in change.removed],
            "entries_unchanged": change.unchanged}


def _n(count: int, noun: str = "entry") -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{count} {noun if count == 1 else plural}"


@pseudonyms_app.command("add")
def add(
    ctx: typer.Context,
    real: str = typer.Argument(..., metavar="REAL", help="The identifying string (a name, "
                                                         "a workplace, a place)."),
    pseudonym: str = typer.Argument(..., metavar="PSEUDONYM", help="What replaces it."),
    kind: Kind = typer.Option(Kind.person, "--kind", "-k",
                              help="person: first name, surname and dotted initials are "
                                   "replaced too; place, organisation, other: only the "
                                   "string as written (and its genitive)."),
    variant: list[str] = typer.Option([], "--variant", metavar="TEXT",
                                      help="Another spelling to replace (repeatable)."),
    replace: bool = typer.Option(False, "--replace", help="Change an entry already there."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Add an entry to the pseudonym table (pseudonyms.csv in the project).

    From then on every report, show, search, export and joint display of the project
    prints PSEUDONYM for REAL, its variants (first name, surname, initials, genitive
    's and -s), in any case and with or without accents; --real-names on a command opts
    out. The table itself is identifying: it is never exported.

    JSON: {"schema_version", "added_entries", "replaced_entries", "removed_entries",
    "entries_unchanged"}; each entry {"real", "pseudonym", "kind", "variants", "matches"}.

    Examples:

      qcode pseudonyms add "Torunn Vollstad" P07

      qcode pseudonyms add "Lofotkysten sykehus" "Hospital A" -k organisation
    """
    from qcode.pseudonyms.table import add as add_entry
    from qcode.pseudonyms.variants import Entry

    change = add_entry(state(ctx).project(), Entry(real, pseudonym, kind.value,
                                                   tuple(variant)), replace=replace)
    e = (change.added or change.replaced or (None,))[0]
    line = (f"Added {e.real} -> {e.pseudonym}" if change.added and e else
            f"Changed {e.real} -> {e.pseudonym}" if e else
            f"{real} -> {pseudonym} is already in the table")
    said(fmt, line, _change_dict(change))


@pseudonyms_app.command("import")
def import_(
    ctx: typer.Context,
    path: Path = typer.Argument(..., metavar="FILE.csv",
                                help="Columns real,pseudonym[,kind][,variants] (variants "
                                     "separated by |)."),
    replace: bool = typer.Option(False, "--replace",
                                 help="Change entries already there (else a conflict)."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Add every row of a CSV file to the pseudonym table (checked in full first: a bad
    row changes nothing).

    JSON: as pseudonyms add.

    Examples:

      qcode pseudonyms suggest --format csv > names.csv   # edit, then:

      qcode pseudonyms import names.csv
    """
    from qcode.pseudonyms.table import import_file

    change = import_file(state(ctx).project(), path, replace=replace)
    said(fmt, f"Imported {path}: {_n(len(change.added))} added, {len(change.replaced)} "
              f"changed, {change.unchanged} already there", _change_dict(change))


@pseudonyms_app.command("remove")
def remove(
    ctx: typer.Context,
    real: list[str] = typer.Argument(..., metavar="REAL...", help="Entries to remove."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Remove entries from the pseudonym table.

    JSON: as pseudonyms add.

    Examples:

      qcode pseudonyms remove "Torunn Vollstad"
    """
    from qcode.pseudonyms.table import remove as remove_entries

    change = remove_entries(state(ctx).project(), real)
    said(fmt, f"Removed {', '.join(e.real for e in change.removed)}", _change_dict(change))


@pseudonyms_app.command("list")
def list_(
    ctx: typer.Context,
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f",
                                    help="Output format (csv can be imported again)."),
) -> None:
    """List the pseudonym table with the variants each entry matches.

    JSON: {"schema_version", "entries": [{"real", "pseudonym", "kind", "variants",
    "matches"}]}.

    Examples:

      qcode pseudonyms list
    """
    from qcode.pseudonyms.table import HEADER, load

    entries = load(state(ctx).project())
    if fmt is TableFormat.json:
        echo_json({"entries": [_entry_dict(e) for e in entries]})
        return
    if fmt is TableFormat.csv:
        from qcode._io.csvfile import write_rows

        typer.echo(write_rows(HEADER, [[e.real, e.pseudonym, e.kind, "|".join(e.extra)]
                                       for e in entries]), nl=False)
        return
    if not entries:
        note('The pseudonym table is empty; add one with: qcode pseudonyms add "NAME" P01')
        return
    _table(["real", "pseudonym", "kind", "matches"],
           [[e.real, e.pseudonym, e.kind, ", ".join(_entry_dict(e)["matches"])]
            for e in entries])


def _table(columns: list[str], rows: list[list[str]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table()
    for col in columns:
        table.add_column(col, justify="right" if col in ("count", "documents") else "left")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    out().print(table)


@pseudonyms_app.command("suggest")
def suggest(
    ctx: typer.Context,
    min_documents: int = typer.Option(2, "--min-documents", min=1, metavar="N",
                                      help="A capitalised word of the text is proposed when "
                                           "it recurs in at least N documents."),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f",
                                    help="table, json, or csv (rows to edit and import)."),
) -> None:
    """Propose entries for the table; nothing is applied.

    Proposals: speaker labels that are not roles; attribute values that name a person,
    place or workplace (hospital, site, participant...) and capitalised names inside other
    values; capitalised words that recur mid-sentence in several documents and are not
    words of the codebook. Each comes with its counts and the variants met in the text
    (first name, surname, initials, genitive). The csv format proposes pseudonyms
    (P01..., Place 1..., Organisation 1...) to edit before: qcode pseudonyms import.

    JSON: {"schema_version", "suggestions": [{"text", "kind", "sources", "count", "turns",
    "documents", "variants": [{"text", "count"}]}]}.

    Examples:

      qcode pseudonyms suggest

      qcode pseudonyms suggest --format csv > names.csv
    """
    from qcode.pseudonyms.suggest import suggest as propose
    from qcode.pseudonyms.table import HEADER, load

    project = state(ctx).project()
    found = propose(project.documents(), project.codebook, load(project),
                    min_documents=min_documents)
    if fmt is TableFormat.json:
        echo_json({"suggestions": [s.as_dict() for s in found]})
        return
    if fmt is TableFormat.csv:
        from qcode._io.csvfile import write_rows

        numbers: dict[str, int] = {}
        rows = []
        for s in found:
            numbers[s.kind] = numbers.get(s.kind, 0) + 1
            k = numbers[s.kind]
            name = f"P{k:02d}" if s.kind == "person" else f"{s.kind.capitalize()} {k}"
            rows.append([s.text, name, s.kind, ""])
        typer.echo(write_rows(HEADER, rows), nl=False)
        return
    if not found:
        note("Nothing to suggest: no speaker names, naming attributes or recurring "
             "capitalised words outside the table")
        return
    _table(["text", "kind", "seen as", "count", "documents", "variants"],
           [[s.text, s.kind, ", ".join(s.sources), str(s.count), str(len(s.documents)),
             ", ".join(f"{v} ({n})" for v, n in s.variants.items())] for s in found])
    note(f"{len(found)} suggestion{'' if len(found) == 1 else 's'}; nothing is applied: "
         'add the ones you choose with qcode pseudonyms add "TEXT" PSEUDONYM')


@pseudonyms_app.command("check")
def check(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., metavar="FILE...",
                                       help="Output files: md, html, docx, xlsx, csv, json, "
                                            "qdpx (or plain text); a folder: every file "
                                            "in it."),
    fuzzy: int = typer.Option(88, "--fuzzy", min=50, max=100, metavar="N",
                              help="Also report near spellings from N% similarity "
                                   "(rapidfuzz ratio)."),
    no_fuzzy: bool = typer.Option(False, "--no-fuzzy", help="Exact matches only."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: one line per hit; json: every hit."),
) -> None:
    """Scan output files for any entry of the pseudonym table or a variant of one.

    Each hit is named with its file and place (line and column; the part of a docx,
    xlsx or qdpx; the JSON path) and the entry it is, exact or fuzzy. Exits 0 when
    nothing is found, 11 (LEAKS_FOUND) when something is, and 7 (PARTIAL) when a file
    could not be scanned (named on stderr).

    JSON: {"schema_version", "files", "hits": [{"file", "place", "found", "entry",
    "how"}], "unscanned": {file: reason}}.

    Examples:

      qcode report -o report.docx && qcode pseudonyms check report.docx

      qcode pseudonyms check output/ study.qdpx
    """
    from qcode.errors import ExitCode, InsufficientDataError
    from qcode.pseudonyms.check import check_files
    from qcode.pseudonyms.table import rewriter

    rw = rewriter(state(ctx).project())
    if rw.empty:
        raise InsufficientDataError("the pseudonym table is empty: there is nothing to "
                                    "check for",
                                    hint='add entries with: qcode pseudonyms add "NAME" P01')
    result = check_files(rw, files, fuzzy=None if no_fuzzy else float(fuzzy))
    if fmt is ActionFormat.json:
        echo_json({"files": result.files,
                   "hits": [{"file": h.file, "place": h.place, "found": h.found,
                             "entry": h.entry, "how": h.how} for h in result.hits],
                   "unscanned": result.unscanned})
    else:
        for h in result.hits:
            say(h.line())
    for name, why in result.unscanned.items():
        warn(f"{name} was not scanned: {why}")
    n = len(result.hits)
    scanned = len(result.files) - len(result.unscanned)
    summary = (f"{n} identifying string{'' if n == 1 else 's'} found in "
               f"{len({h.file for h in result.hits})} of {_n(scanned, 'file')}" if n else
               f"No identifying string found in {_n(scanned, 'file')}")
    note(summary)
    if n:
        raise typer.Exit(ExitCode.LEAKS_FOUND)
    if result.unscanned:
        raise typer.Exit(ExitCode.PARTIAL)


def register(app: typer.Typer) -> None:
    app.add_typer(pseudonyms_app, name="pseudonyms")

"""``qcode ingest``, ``qcode docs``, ``qcode show`` and ``qcode attributes import|show``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.console import (
    echo_json,
    note,
    note_finished,
    out,
    progress,
    say,
    state,
    warn,
    warn_omissions,
)
from qcode.cli.groups import SuggestingGroup
from qcode.cli.options import ActionFormat, outgoing, real_names_option

if TYPE_CHECKING:
    from qcode.ingest.run import IngestReport

#: the --format choices of ingest; tests check that this equals qcode.formats.names()
FORMAT_CHOICES = ("auto", "txt", "otter", "f4", "md", "vtt", "srt", "docx")

InFormat = Enum("InFormat", {n: n for n in FORMAT_CHOICES}, type=str)  # type: ignore[misc]


class Unit(str, Enum):
    turn = "turn"
    paragraph = "paragraph"
    sentence = "sentence"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class ShowFormat(str, Enum):
    text = "text"
    json = "json"


class AttrFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., metavar="PATH",
                                       help="Transcript files, or folders to walk."),
    source: InFormat = typer.Option("auto", "--from",
                                    help="Transcript format, the reader to use (default: "
                                         "from extension and content)."),
    fmt: str = typer.Option("table", "--format", "-f", metavar="[table|json]",
                            help="Output: lines for people, or json (what was ingested)."),
    unit: Unit | None = typer.Option(None, "--unit", "-u",
                                     help="Segment unit (default: the project's, 'turn')."),
    attr: list[str] = typer.Option([], "--attr", "-a", metavar="KEY=VALUE",
                                   help="Set an attribute on every ingested document "
                                        "(repeatable)."),
    attributes: Path | None = typer.Option(None, "--attributes", metavar="FILE.csv",
                                           help="Attributes CSV: a 'document' column plus "
                                                "one column per attribute."),
    doc_id: str | None = typer.Option(None, "--id", metavar="ID",
                                      help="Document id (one file only; default: file name)."),
    replace: bool = typer.Option(False, "--replace",
                                 help="Replace a document ingested from other bytes; its "
                                      "codings are re-anchored."),
    exclude: list[str] = typer.Option([], "--exclude", "-x", metavar="PATTERN",
                                      help="Leave out files (or folders) whose name or path "
                                           "in the folder matches this glob, e.g. 'README*' "
                                           "(repeatable; case ignored)."),
) -> None:
    """Ingest transcripts: each file becomes a document with speaker turns and segments.

    Formats: txt (Interviewer:/R:/P1:/[hh:mm:ss] I: labels), otter (Otter.ai
    'Name  0:07'), f4 (I:/B: with #hh:mm:ss-d#), md (YAML front matter, **Speaker:**),
    vtt (Zoom 'Name: text', Teams <v Name>), srt ([NAME], NAME:, - dashes), docx (Word,
    Teams, Otter, or a table of [time |] speaker | text rows). Folders are walked;
    there every file with a transcript extension (.txt .text .md .markdown .vtt .srt
    .docx or none) is taken, a README or MANIFEST too, unless --exclude leaves it out
    (--exclude 'README*' --exclude 'MANIFEST*'); hidden files, Word lock files (~$x.docx)
    and other extensions (.csv, .pdf, ...) are skipped. One line says which files were
    taken, one which were skipped or excluded and why.

    Segments (ids DOC:0001, DOC:0002, ...) are cut by --unit: turn (one per speaker
    turn, the default), paragraph, or sentence. They never cross a turn.

    A file without any recognisable speaker label is ingested with one speaker 'unknown'
    and one turn per paragraph, with a warning (it is not refused).

    Segmentation is frozen: ingesting the same bytes again does nothing; other bytes under
    an existing id are refused unless --replace. If some files fail, the others are still
    ingested, each failure is reported on its own line, and the exit code is 7 (PARTIAL).

    Examples:

      qcode ingest interviews/ --attributes attributes.csv

      qcode ingest interviews/ --exclude 'README*' --exclude 'drafts/*'

      qcode ingest N01.docx --attr stakeholder_level=national --unit paragraph

      qcode ingest corrected/N01.docx --id N01 --replace
    """
    from qcode.errors import PartialFailureError
    from qcode.ingest.attributes import parse_assignment
    from qcode.ingest.run import IngestOptions
    from qcode.ingest.run import ingest as run
    from qcode.ingest.walk import find_files

    project = state(ctx).project()  # finishes an interrupted --replace first
    reader, as_json = _ingest_formats(source.value, fmt)
    options = IngestOptions(
        fmt=reader, unit=unit.value if unit else None,
        attributes=dict(parse_assignment(a) for a in attr),
        attributes_csv=attributes, doc_id=doc_id, replace=replace, exclude=tuple(exclude),
        keep_documents=False)  # what is said of each document is its summary
    found = find_files(paths, options.exclude)
    files = found.files
    if not files and found.excluded:  # the patterns, not the folder, left nothing to take
        from qcode.errors import UsageError

        used = ", ".join(dict.fromkeys(f"'{pattern}'" for _, pattern in found.excluded))
        left = _listed([_name(path) for path, _ in found.excluded])
        raise UsageError(f"--exclude {used} left out every file ({len(found.excluded)} left "
                         f"out: {left}); nothing was ingested",
                         hint="a pattern matches a file's name or its path in the folder; "
                              "narrow it (e.g. --exclude 'README*')")
    with progress(len(files), "Ingesting") as advance:
        report = run(project, paths, options, advance=advance)
    for finished in report.finished:  # interrupted by a process that died meanwhile
        note_finished(finished)
    unchanged = [o for o in report.outcomes if o.status == "unchanged"]
    for o in report.outcomes:
        for w in o.warnings:
            warn(w)
        d = o.summary
        if o.status == "unchanged":
            if len(unchanged) == 1:
                note(f"Unchanged {d.id}: {o.path} has the same bytes as before; nothing to do")
        elif o.status == "updated":
            note(f"Updated the attributes of {d.id} (text unchanged)")
        else:
            verb = "Replaced" if o.status == "replaced" else "Added"
            note(f"{verb} {d.id} from {o.path} ({d.format}, {_n(d.turns, 'turn')}, "
                 f"{_n(len(d.speakers), 'speaker')}, {_n(d.segments, 'segment')})")
    if len(unchanged) > 1:
        ids = ", ".join(o.doc_id for o in unchanged[:5])
        more = f" and {len(unchanged) - 5} more" if len(unchanged) > 5 else ""
        note(f"Unchanged {len(unchanged)} documents ({ids}{more}): the same bytes as before; "
             "nothing to do")
    for line in walk_lines(report):
        note(line)
    if report.links:
        names = ", ".join(str(p) for p in report.links[:5])
        more = f" and {len(report.links) - 5} more" if len(report.links) > 5 else ""
        note(f"Skipped {_n(len(report.links), 'symbolic link')} in the folder (qcode does "
             f"not follow links there; name a file to ingest it): {names}{more}")
    for o in report.replaced:
        if o.set_aside is not None:
            note(f"Kept a copy of the damaged document {o.doc_id} as {o.set_aside}")
        if o.reanchor is not None:
            for line in o.reanchor.lines():
                note(line)
    if as_json:
        echo_json(_ingest_json(report))
    if not report.failures:
        if len(report.outcomes) > 1:
            added = sum(o.status in ("added", "replaced") for o in report.outcomes)
            note(f"{len(report.outcomes)} documents in {project.root.name}: {added} new or "
                 "replaced")
        return
    total = len(report.outcomes) + len(report.failures)
    if total == 1:
        raise report.failures[0].error
    what = (f"none of the {total} files could be ingested" if not report.outcomes else
            f"{len(report.failures)} of {total} files could not be ingested; the others were")
    raise PartialFailureError(
        what,
        details=[str(f.error) for f in report.failures],
        hint="fix those files and run the same command again (files already in are "
             "skipped as unchanged)")


#: names listed on the "Took" and "Skipped" lines before "and N more"
LISTED = 8


def walk_lines(report: IngestReport) -> list[str]:
    """What a folder ingest took and what it skipped, one line each (with the reason for
    each skipped file: the --exclude pattern, hidden, a Word lock file, not a transcript).
    """
    found = report.found
    lines = []
    if found.walked:
        taken = [p.name for p in found.files]
        lines.append(f"Took {_n(len(taken), 'file')}" + (f": {_listed(taken)}" if taken
                                                         else ""))
    left = [f"{_name(p)} (--exclude {pattern})" for p, pattern in found.excluded]
    left += [f"{_name(p)} ({why})" for p, why in found.skipped]
    if left:
        lines.append(f"Skipped {_n(len(left), 'file')}: {_listed(left)}")
    return lines


def _name(path: Path) -> str:
    """A file's name; a folder's with a slash (``drafts/``)."""
    return f"{path.name}/" if path.is_dir() and not path.is_symlink() else path.name


def _listed(names: list[str]) -> str:
    more = f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _ingest_formats(source: str, fmt: str) -> tuple[str, bool]:
    """The reader (``--from``) and whether the output is JSON (``--format``); ``--format
    vtt`` (an input format) is the old spelling of ``--from vtt``."""
    from qcode.cli.options import deprecated
    from qcode.errors import UsageError

    if fmt in ("table", "json"):
        return source, fmt == "json"
    if fmt in FORMAT_CHOICES:
        deprecated(f"ingest --format {fmt}", f"--from {fmt} (--format is the output format)")
        return fmt, False
    raise UsageError(f"--format: '{fmt}' is not table or json",
                     hint=f"the transcript format is --from {'|'.join(FORMAT_CHOICES)}")


def _ingest_json(report: IngestReport) -> dict[str, object]:
    """What ingest did: each document added, replaced, updated or unchanged; files skipped
    and files that failed (no transcript text); how replaced documents' codings moved."""
    return {
        "documents": [{"id": o.summary.id, "path": str(o.path), "status": o.status,
                       "format": o.summary.format, "turns": o.summary.turns,
                       "speakers": list(o.summary.speakers),
                       "segments": o.summary.segments, "warnings": list(o.warnings)}
                      for o in report.outcomes],
        "skipped": [str(p) for p in report.skipped],
        "excluded": [str(p) for p in report.excluded],
        "failures": [{"path": str(f.path), "error": f.error.message}
                     for f in report.failures],
        # how the codings on each replaced document were re-anchored (moved, re-anchored,
        # orphaned, per coder), with any interrupted replace this run finished first
        "reanchorings": [
            *({**r.as_json(), "interrupted_earlier": True, "damaged_copy": None}
              for r in report.finished),
            *({**o.reanchor.as_json(), "interrupted_earlier": False,
               "damaged_copy": str(o.set_aside) if o.set_aside else None}
              for o in report.replaced if o.reanchor is not None)],
    }


def docs(
    ctx: typer.Context,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the documents: id, format, turns, segments, words, speakers, attributes.

    Examples:

      qcode docs

      qcode docs --format json
    """
    from qcode.ingest.document_view import summaries

    rows = summaries(state(ctx).project().documents())
    if fmt is ListFormat.json:
        echo_json({"documents": rows})
        return
    if not rows:
        note("No documents yet; bring transcripts in with: qcode ingest PATH...")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(rows)} document{'' if len(rows) == 1 else 's'}")
    for col in ("id", "format", "turns", "segments", "words", "speakers", "attributes"):
        table.add_column(col, justify="right" if col in ("turns", "segments", "words")
                         else "left")
    for r in rows:
        table.add_row(r["id"], r["format"], str(r["turns"]), str(r["segments"]),
                      str(r["words"]), escape(", ".join(r["speakers"])),
                      escape(", ".join(f"{k}={v}" for k, v in r["attributes"].items())))
    out().print(table)


def show(
    ctx: typer.Context,
    doc: str = typer.Argument(..., metavar="DOC", help="Document id."),
    fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f", help="Output format."),
    coder: str | None = typer.Option(None, "--coder", "-c",
                                     help="Also show this coder's codes and memos."),
    real_names: bool = real_names_option(),
) -> None:
    """Show one document: every segment with its id and speaker, or the whole record as JSON.

    With --coder, each segment also shows that coder's codes and memo: codes on the whole
    segment in a "=> CODE" line under it, coded spans that are part of a segment (or run
    across segments) marked in the text as [[coded words]]{CODE}, with a legend. In JSON:
    "codes" (every code whose span touches the segment) and "memo" on each segment, and
    "codings": [{"code", "start", "end", "quote", "segments"}] for the document.
    Memos on the document (qcode memo add --doc) are shown
    under its header (in JSON: "memos", as in qcode memo list).

    JSON: {"id", "title", "format", "attributes", "speakers", "turns": [{"speaker",
    "start", "end", "text", "time"}], "segments": [{"id", "start", "end", "speaker",
    "text"}], "memos": [...]}; offsets are [start, end) code points into the text, "time" is
    {"start", "end"} in seconds or null.

    Examples:

      qcode show N01

      qcode show N01 --format json | jq '.segments[3].text'

      qcode show N01 --coder ingrid
    """
    from qcode.ingest.document_view import as_json, as_text_lines

    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    doc = project.resolve_document(doc)  # an id, or a unique prefix of one
    document = project.load_document(doc)
    codes = spans = None
    if coder is not None:
        from qcode.coding.usable import load_usable, omissions
        from qcode.ingest.document_view import spans_of

        (st,) = load_usable(project, [coder])
        warn_omissions(omissions([st]), project.root)
        codes = {s.id: (sorted(st.codes_on(document.id, s.id)),
                        st.memo_on(document.id, s.id)) for s in document.segments}
        spans = spans_of(document, st.codings(document.id))
    from qcode.cli.memo_cmd import memo_lines, warn_damaged
    from qcode.memos.journal import read_journal

    journal = read_journal(project)
    warn_damaged(journal.bad, project.root)
    memos = journal.on("doc", document.id)
    if fmt is ShowFormat.json:
        echo_json(as_json(document, codes, spans) | {"memos": [m.as_dict() for m in memos]})
    else:
        from qcode.ingest.document_view import partial_spans, whole_codes

        if codes is not None and spans is not None:
            lines = as_text_lines(document, whole_codes(document, spans, {
                k: v[1] for k, v in codes.items()}), partial_spans(document, spans))
        else:
            lines = as_text_lines(document)
        at = lines.index("")  # the document's memos go under its header
        for line in lines[:at] + memo_lines(memos, "  memo ") + lines[at:]:
            say(line)


attributes_app = typer.Typer(help="Document attributes: import a CSV, show them.",
                             no_args_is_help=True, cls=SuggestingGroup)


@attributes_app.command("import")
def attributes_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE.csv",
                                help="A 'document' column plus one column per attribute."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Set document attributes from a CSV (checked whole before anything is written).

    Examples:

      qcode attributes import attributes.csv
    """
    from qcode.ingest.attributes import apply_table, read_table

    project = state(ctx).project()
    table = read_table(file)
    changed = apply_table(project, table)
    if fmt is ActionFormat.json:
        echo_json({"file": str(file), "documents_changed": list(changed)})
    if changed:
        note(f"Updated the attributes of {_n(len(changed), 'document')}: {', '.join(changed)}")
    else:
        note("Attributes unchanged: every document already had these values")


@attributes_app.command("show")
def attributes_show(
    ctx: typer.Context,
    fmt: AttrFormat = typer.Option(AttrFormat.table, "--format", "-f", help="Output format."),
    real_names: bool = real_names_option(),
) -> None:
    """Show every document's attributes (csv output can be edited and imported again;
    a value starting with = + - @ is written with a leading ' that import takes off).
    With a pseudonym table the values are pseudonymised: to edit and import them again,
    show them with --real-names.

    JSON: {"schema_version": 1, "documents": [{"document": id, "attributes": {name:
    value}}, ...]}.

    Examples:

      qcode attributes show

      qcode attributes show --format csv > attributes.csv
    """
    from qcode.ingest.attributes import attribute_table

    keys, rows = attribute_table(outgoing(ctx, real_names).documents())
    if fmt is AttrFormat.json:
        echo_json({"documents": [
            {"document": r["document"],
             "attributes": {k: v for k, v in r.items() if k != "document"}} for r in rows]})
    elif fmt is AttrFormat.csv:
        from qcode._io.csvfile import write_dicts  # '=HYPERLINK(..)' must not run in Excel

        typer.echo(write_dicts(rows, ["document", *keys]), nl=False)
    else:
        from rich.markup import escape
        from rich.table import Table

        table = Table()
        for col in ("document", *keys):
            table.add_column(escape(col))
        for r in rows:
            table.add_row(*(escape(r.get(k, "")) for k in ("document", *keys)))
        out().print(table)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    # docs: registered by qcode.cli.docs_cmd (a group: list, rename, remove, restore)
    app.command("show")(show)
    app.add_typer(attributes_app, name="attributes")

"""``qcode tag`` and ``qcode untag``: coding from scripts, whole segments or spans.

A span is given by its words (``--quote``, found inside the segment(s) named) or by its
offsets in the document text (``--span START-END``, code points, as ``qcode show --format
json`` gives segments' offsets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import state
from qcode.cli.options import ActionFormat, said

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.models import Document, Segment
    from qcode.project import Project

CODER_HELP = "The coder (a name: letters, digits, '-', '_')."
QUOTE_HELP = ("Code only these words, found inside the segment(s) (white space may differ; "
              "more than one match is an error unless --occurrence picks one).")
SPAN_HELP = "Code only the span START-END of the document text (code points)."
OCCURRENCE_HELP = "With --quote: which match to take when the words occur several times."


def resolve_codes(project: Project, queries: list[str]) -> list[str]:
    """Code ids from ids or names (each resolved through the codebook), without repeats."""
    from qcode.codebook.load import resolve_code

    return list(dict.fromkeys(resolve_code(project.codebook, q).id for q in queries))


def written_events(written: list[Any], *, offsets: bool = False) -> list[dict[str, Any]]:
    """The log events a command wrote, for its JSON output (no quotes: transcript text);
    with ``offsets``, each add and remove also gives its span's start and end."""
    return [{"seq": e.seq, "op": e.op, "document": e.doc, "segment": e.segment,
             "code": e.code} | ({"start": e.start, "end": e.end}
                                if offsets and e.op in ("add", "remove") else {})
            for e in written]


def _run(document: Document, seg_ids: list[str]) -> list[Segment]:
    """The named segments as a run of consecutive segments (a quote or span lies in it)."""
    from qcode.errors import UsageError

    index = {s.id: i for i, s in enumerate(document.segments)}
    places = sorted(index[s] for s in seg_ids)
    if places != list(range(places[0], places[0] + len(places))):
        raise UsageError(f"{', '.join(seg_ids)} are not consecutive segments of {document.id}",
                         hint="a quote or span lies in one segment or a run of them, "
                              f"e.g. {document.segments[places[0]].id}-"
                              f"{document.segments[places[-1]].id.rsplit(':', 1)[-1]}")
    return [document.segments[i] for i in places]


def _span(document: Document, seg_ids: list[str], quote: str | None, span: str | None,
          occurrence: int | None) -> tuple[int, int] | None:
    """The span a command is about (None: the whole segments)."""
    from qcode.coding import quotes
    from qcode.errors import UsageError

    if quote is not None and span is not None:
        raise UsageError("give --quote or --span, not both",
                         hint="--quote finds the words; --span gives their offsets")
    if occurrence is not None and quote is None:
        raise UsageError("--occurrence goes with --quote", hint="add --quote \"the words\"")
    if quote is None and span is None:
        return None
    run = _run(document, seg_ids)
    if span is not None:
        start, end = quotes.parse_span(span)
        quotes.within(run, start, end)
        return start, end
    assert quote is not None
    found = quotes.locate(document, run, quote, occurrence)
    return found.start, found.end


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def tag(
    ctx: typer.Context,
    doc: str = typer.Argument(..., metavar="DOC", help="The document."),
    segments: list[str] = typer.Argument(..., metavar="SEGMENT...",
                                         help="Segments: D01:0003, ranges D01:0003-0007, "
                                              "or numbers 3 3-7."),
    codes: list[str] = typer.Option(..., "--code", "-k", help="A code id or name "
                                                              "(repeatable)."),
    coder: str = typer.Option(..., "--coder", "-c", help=CODER_HELP),
    memo: str | None = typer.Option(None, "--memo", "-m", help="Also set this memo on each "
                                                               "segment."),
    quote: str | None = typer.Option(None, "--quote", "-q", help=QUOTE_HELP),
    span: str | None = typer.Option(None, "--span", metavar="START-END", help=SPAN_HELP),
    occurrence: int | None = typer.Option(None, "--occurrence", "-n", min=1,
                                          help=OCCURRENCE_HELP),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Put codes on segments, or on a span of them (for scripts); codes already there are
    left alone.

    All codes and segments are checked before anything is written; the whole command is one
    action for qcode undo.

    Examples:

      qcode tag N01 N01:0012 --code GOV-MAC-01 --coder ingrid

      qcode tag N01 N01:0003-0007 --code "National strategy" --code ECO-MAC-01 --coder lars

      qcode tag N01 12 --code GOV-MES-02 --coder ingrid --memo "pilot never became routine"

      qcode tag N01 12 --code GOV-MAC-01 --coder ingrid --quote "no national strategy"

      qcode tag N01 12-13 --code GOV-MAC-01 --coder ingrid --span 4120-4388
    """
    from qcode.coding import store as codings
    from qcode.coding.session import resolve_segments
    from qcode.coding.spans import segment_ids_touched

    project = state(ctx).project()
    doc = project.resolve_document(doc)  # an id, or a unique prefix of one
    document = project.load_document(doc)
    seg_ids = resolve_segments(document, segments)
    code_ids = resolve_codes(project, codes)
    where = _span(document, seg_ids, quote, span, occurrence)
    if where is None:
        written = codings.add_codes(project, coder, document, seg_ids, code_ids, memo=memo)
        added = sum(1 for e in written if e.op == "add")
        already = len(seg_ids) * len(code_ids) - added
        said(fmt, f"Tagged {_plural(len(seg_ids), 'segment')} of "
                  f"{document.id} with {', '.join(code_ids)} for {coder}: {added} added"
                  + (f", {already} already there" if already else "") + ".",
             {"coder": coder, "document": document.id, "segments": seg_ids,
              "codes": code_ids, "added": added, "already_there": already,
              "events": written_events(written)})
        return
    start, end = where
    touched = segment_ids_touched(document, start, end)
    written = codings.add_span(project, coder, document, start, end, code_ids, memo=memo)
    added = sum(1 for e in written if e.op == "add")
    already = len(code_ids) - added
    said(fmt, f"Tagged {start}-{end} ({_plural(end - start, 'character')} in "
              f"{', '.join(touched)}) of {document.id} with {', '.join(code_ids)} for "
              f"{coder}: {added} added" + (f", {already} already there" if already else "")
              + ".",
         {"coder": coder, "document": document.id, "segments": touched,
          "span": {"start": start, "end": end}, "codes": code_ids, "added": added,
          "already_there": already, "events": written_events(written, offsets=True)})


def untag(
    ctx: typer.Context,
    doc: str = typer.Argument(..., metavar="DOC", help="The document."),
    segments: list[str] = typer.Argument(..., metavar="SEGMENT...",
                                         help="Segments, as for qcode tag."),
    codes: list[str] = typer.Option([], "--code", "-k", help="A code id or name (repeatable;"
                                                             " default: all of the coder's)."),
    coder: str = typer.Option(..., "--coder", "-c", help=CODER_HELP),
    quote: str | None = typer.Option(None, "--quote", "-q",
                                     help="Take codes off only the span of these words (as "
                                          "for qcode tag)."),
    span: str | None = typer.Option(None, "--span", metavar="START-END",
                                    help="Take codes off only the span START-END."),
    occurrence: int | None = typer.Option(None, "--occurrence", "-n", min=1,
                                          help=OCCURRENCE_HELP),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: what was done."),
) -> None:
    """Take codes off segments, or off one span (for scripts). Without --quote or --span,
    every span of the codes that starts in the segments is taken off.

    Examples:

      qcode untag N01 N01:0012 --code GOV-MAC-01 --coder ingrid

      qcode untag N01 3-7 --coder lars

      qcode untag N01 12 --code GOV-MAC-01 --coder ingrid --quote "no national strategy"
    """
    from qcode.coding import store as codings
    from qcode.coding.session import resolve_segments

    project = state(ctx).project()
    doc = project.resolve_document(doc)  # an id, or a unique prefix of one
    document = project.load_document(doc)
    seg_ids = resolve_segments(document, segments)
    code_ids = resolve_codes(project, codes) if codes else None
    where = _span(document, seg_ids, quote, span, occurrence)
    if where is None:
        written = codings.remove_codes(project, coder, document, seg_ids, code_ids)
        said(fmt, f"Removed {_plural(len(written), 'coding')} from "
                  f"{_plural(len(seg_ids), 'segment')} of {document.id} for {coder}.",
             {"coder": coder, "document": document.id, "segments": seg_ids,
              "removed": len(written), "events": written_events(written)})
        return
    start, end = where
    written = codings.remove_span(project, coder, document, start, end, code_ids)
    said(fmt, f"Removed {_plural(len(written), 'coding')} from {start}-{end} of "
              f"{document.id} for {coder}.",
         {"coder": coder, "document": document.id, "segments": seg_ids,
          "span": {"start": start, "end": end}, "removed": len(written),
          "events": written_events(written, offsets=True)})

"""``qcode search``: text search over the documents (keyword in context), optionally coding
every hit as one action.

Parse -> :func:`qcode.search.run.search` (and :func:`qcode.search.code_hits.code_hits`)
-> render. Every word of a hit and its speaker reach the output through :func:`hit_view`,
the one place they are rendered from (table, JSON, CSV and the dry run alike).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import typer

from qcode.cli.console import (
    echo_json,
    emit,
    json_text,
    note,
    out,
    say,
    state,
    warn_omissions,
)
from qcode.cli.hit_table import HitRow, print_hits
from qcode.cli.options import doc_set_option, outgoing, outgoing_values, real_names_option
from qcode.clock import clock

if TYPE_CHECKING:  # the core is imported inside the command (start-up time)
    from qcode.search.code_hits import HitCoding
    from qcode.search.run import Hit, SearchResult


class SearchFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class HitView(NamedTuple):
    """A hit's words and speaker as they are shown."""

    left: str
    text: str
    right: str
    speaker: str


def hit_view(hit: Hit) -> HitView:
    """The one place a hit's words (context, match) and speaker become output."""
    return HitView(hit.left, hit.text, hit.right, hit.speaker)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _score(hit: Hit) -> float | None:
    return None if hit.score is None else round(hit.score, 1)


def hit_rows(result: SearchResult) -> list[dict[str, Any]]:
    """The hits as JSON/CSV rows."""
    rows = []
    for h in result.hits:
        v = hit_view(h)
        rows.append({"doc": h.doc, "segment": h.segment, "segments": list(h.segments),
                     "speaker": v.speaker, "time_start": h.time_start, "start": h.start,
                     "end": h.end, "left": v.left, "text": v.text, "right": v.right,
                     "score": _score(h)})
    return rows


def _coding_dict(coding: HitCoding) -> dict[str, Any]:
    return {"coder": coding.coder, "codes": coding.codes, "whole": coding.whole,
            "dry_run": coding.dry_run, "added": coding.added,
            "already_there": coding.already,
            "spans": [{"document": e["doc"], "segment": e["segment"], "start": e["start"],
                       "end": e["end"], "code": e["code"]} for e in coding.events],
            "events": [{"seq": e.seq, "op": e.op, "document": e.doc, "segment": e.segment,
                        "code": e.code, "start": e.start, "end": e.end}
                       for e in coding.written]}


def result_dict(result: SearchResult, coding: HitCoding | None) -> dict[str, Any]:
    q = result.query
    data: dict[str, Any] = {
        "query": q.text, "mode": q.mode, "whole_word": q.whole_word, "fuzzy": q.fuzzy,
        "documents_searched": result.documents_searched, "total_hits": len(result.hits),
        "hits_outside_segments": result.outside,
        "documents": [{"document": t.document, "hits": t.hits} for t in result.totals],
        "hits": hit_rows(result)}
    if coding is not None:
        data["coding"] = _coding_dict(coding)
    return data


def _csv(result: SearchResult) -> str:
    from qcode._io.csvfile import write_rows

    header = ["doc", "segment", "speaker", "time", "start", "end", "left", "text", "right",
              "score"]
    rows = []
    for h in result.hits:
        v = hit_view(h)
        rows.append([h.doc, h.segment, v.speaker, clock(h.time_start), h.start, h.end,
                     v.left, v.text, v.right, _score(h)])
    return write_rows(header, rows)


def _fit(left: str, text: str, right: str, side: int) -> tuple[str, str, str]:
    """The hit whole (white space runs made one space) with at most ``side`` characters
    of context each side (the left side keeps its end, the right its start)."""
    text = " ".join(text.split())
    if len(left) > side:
        left = ("…" + left[len(left) - side + 1:]) if side > 1 else left[len(left) - side:]
    if len(right) > side:
        right = (right[:side - 1] + "…") if side > 1 else right[:side]
    return left, text, right


def _table(result: SearchResult) -> None:
    from rich.table import Table
    from rich.text import Text

    console = out()
    if result.hits:
        views = [hit_view(h) for h in result.hits]
        seg_w = max(max(len(h.segment) for h in result.hits), len("Segment"))
        spk_w = max(min(max(len(v.speaker) for v in views), 16), len("Speaker"))
        time_w = max(max(len(clock(h.time_start)) for h in result.hits), len("Time"))
        longest = max(len(" ".join(v.text.split())) for v in views)
        want = longest + 2 * 8  # the hit whole and a little context each side
        if console.width - seg_w - spk_w - time_w - 3 < want:
            spk_w = len("Speaker")  # a narrow terminal: the speaker's name gives way first
        rest = max(console.width - seg_w - spk_w - time_w - 3, want)
        side = (rest - longest) // 2
        fitted = [_fit(v.left, v.text, v.right, side) for v in views]
        pad = max(len(f[0]) for f in fitted)  # the hits line up under each other
        # every column has its width, so the table comes out wider than a terminal too
        # narrow for it instead of cutting the hit (as rich would)
        print_hits(console, [HitRow(h.segment, v.speaker, clock(h.time_start),
                                    left.rjust(pad), text, right)
                             for h, v, (left, text, right)
                             in zip(result.hits, views, fitted, strict=True)],
                   (seg_w, spk_w, time_w, rest))
        totals = Table(box=None, show_header=True, pad_edge=False)
        totals.add_column("Document")
        totals.add_column("Hits", justify="right")
        for t in result.totals:
            totals.add_row(Text(t.document), str(t.hits))
        console.print()
        console.print(totals)
    q = result.query
    what = f"'{q.text}'" + (" (regex)" if q.regex else f" (fuzzy {q.fuzzy})"
                            if q.fuzzy is not None else "")
    say(f"{_plural(len(result.hits), 'hit')} for {what} in {len(result.totals)} of "
        f"{_plural(result.documents_searched, 'document')}.")


def _coding_line(coding: HitCoding) -> str:
    where = "whole segments" if coding.whole else "spans"
    n = len(coding.targets)
    docs = len({t.doc for t in coding.targets})
    head = (f"Would code {n} {where[:-1] if n == 1 else where}" if coding.dry_run else
            f"Coded {n} {where[:-1] if n == 1 else where}")
    line = (f"{head} in {_plural(docs, 'document')} with {', '.join(coding.codes)} for "
            f"{coding.coder}: {coding.added} {'to add' if coding.dry_run else 'added'}")
    if coding.already:
        line += f", {coding.already} already there"
    if coding.dry_run:
        return line + " (dry run: nothing was written)."
    if coding.written:
        return line + f" (one action: qcode undo --coder {coding.coder} reverts it)."
    return line + "."


def _dry_run_lines(coding: HitCoding) -> None:
    for e in coding.events:
        say(f"  + {e['code']} {e['doc']} {e['segment']} {e['start']}-{e['end']}")


def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., metavar="QUERY", help="The words (or pattern) to find."),
    regex: bool = typer.Option(False, "--regex", help="QUERY is a regular expression "
                                                       "(Python syntax; case ignored)."),
    whole_word: bool = typer.Option(False, "--whole-word", "-W",
                                    help="Only matches that neither start nor end inside a "
                                         "word."),
    fuzzy: int | None = typer.Option(None, "--fuzzy", metavar="N",
                                     help="Words like QUERY: similarity N (1-100) or more "
                                          "(misspellings, inflections)."),
    doc: list[str] = typer.Option([], "--doc", "-d", help="Only this document (repeatable)."),
    doc_set: list[str] = doc_set_option(),
    where: list[str] = typer.Option([], "--where", "-w", metavar="ATTR=VALUE",
                                    help="Only documents with this attribute value "
                                         "(repeatable)."),
    speaker: list[str] = typer.Option([], "--speaker", metavar="NAME",
                                      help="Only hits in this speaker's turns (repeatable)."),
    in_code: list[str] = typer.Option([], "--in-code", metavar="CODE",
                                      help="Only hits inside text the coder coded with CODE "
                                           "(repeatable: any of them)."),
    uncoded: bool = typer.Option(False, "--uncoded",
                                 help="Only hits in text the coder has not coded."),
    coder: str | None = typer.Option(None, "--coder", "-c",
                                     help="The coder of --in-code/--uncoded, and who codes "
                                          "the hits with --code."),
    code: list[str] = typer.Option([], "--code", "-k",
                                   help="Code every hit with this code (repeatable; needs "
                                        "--coder): one action for qcode undo."),
    whole: bool = typer.Option(False, "--whole", help="With --code: code the whole segments "
                                                      "of the hits, not only their words."),
    dry_run: bool = typer.Option(False, "--dry-run", help="With --code: show what would be "
                                                          "coded; write nothing."),
    context: int = typer.Option(30, "--context", min=0, max=400, metavar="N",
                                help="Characters of context each side of a hit."),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "--format", "-f",
                                     help="table (keyword in context), json or csv."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Write the json or csv there."),
    real_names: bool = real_names_option(),
) -> None:
    """Find words in the transcripts: keyword in context with document, segment,
    speaker and time, and the hits per document.

    Case and accents are ignored (é matches e, Straße matches strasse) except that æ, ø
    and å match only themselves; white space in QUERY matches any white space. A hit lies
    inside the segments; --speaker looks at the segment a hit starts in, --in-code keeps
    hits wholly inside a span coded with CODE, --uncoded hits touching none of the coder's
    spans. --fuzzy compares each word (or run of as many words as QUERY has) with QUERY
    by rapidfuzz's ratio and keeps those scoring N or more.

    With --code X --coder C every hit is coded (its exact words, or with --whole its
    segments) as ONE action with origin "search": qcode undo --coder C reverts it all.

    With a pseudonym table (qcode pseudonyms) the hits are those of the pseudonymised
    text (context, speaker labels, offsets); a real name in QUERY, --where or --speaker is
    read as its pseudonym; the hits are coded in the real text. --real-names shows the
    real text.

    JSON: {"schema_version", "query", "mode", "whole_word", "fuzzy", "documents_searched",
    "total_hits", "hits_outside_segments", "documents": [{"document", "hits"}], "hits":
    [{"doc", "segment", "segments", "speaker", "time_start", "start", "end", "left",
    "text", "right", "score"}], "coding" (with --code)}.

    Examples:

      qcode search "video consultation"

      qcode search sykehus --fuzzy 80 --where region="Helse Nord"

      qcode search "no (national|regional) strategy" --regex --speaker "Torunn Vollstad"

      qcode search budget --uncoded --coder ingrid

      qcode search "ferry" --code ECO-MIC-01 --coder ingrid --dry-run
    """
    from qcode.errors import UsageError
    from qcode.search.code_hits import code_hits
    from qcode.search.match import Query
    from qcode.search.run import search as run_search

    if code and not coder:
        raise UsageError("--code needs --coder", hint="who codes the hits, e.g. --coder ingrid")
    if (whole or dry_run) and not code:
        raise UsageError(f"{'--whole' if whole else '--dry-run'} goes with --code",
                         hint="add --code CODE --coder NAME")
    if output is not None and fmt is SearchFormat.table:
        raise UsageError("--output writes json or csv", hint="add --format json or csv")
    project = outgoing(ctx, real_names)  # pseudonymised when the table has entries
    shown = query if regex else outgoing_values(ctx, [query])[0]
    result = run_search(project, Query(shown, regex=regex, whole_word=whole_word,
                                       fuzzy=fuzzy),
                        docs=doc, sets=doc_set, where=outgoing_values(ctx, where),
                        speakers=outgoing_values(ctx, speaker),
                        in_codes=in_code, uncoded=uncoded, coder=coder, context=context)
    warn_omissions(result.omissions, project.root)
    if result.outside:
        n = result.outside
        note(f"Note: {n} match{'' if n == 1 else 'es'} in the white space between segments "
             f"not listed (no segment holds {'it' if n == 1 else 'them'}).")
    coding = None
    if code:
        assert coder is not None
        real = state(ctx).project()  # hits are coded in the real text, at its offsets
        hits = result.hits if real is project else run_search(
            real, Query(query, regex=regex, whole_word=whole_word, fuzzy=fuzzy), docs=doc,
            sets=doc_set, where=where, speakers=speaker, in_codes=in_code, uncoded=uncoded,
            coder=coder, context=context).hits
        coding = code_hits(real, hits, coder, code, whole=whole, dry_run=dry_run)
    if fmt is SearchFormat.json:
        data = result_dict(result, coding)
        if output is None:
            echo_json(data)
        else:
            emit(json_text(data), output)
        if coding is not None:
            note(_coding_line(coding))
        return
    if fmt is SearchFormat.csv:
        emit(_csv(result), output)
        if coding is not None:
            note(_coding_line(coding))
        return
    _table(result)
    if coding is not None:
        if coding.dry_run:
            _dry_run_lines(coding)
        say(_coding_line(coding))


def register(app: typer.Typer) -> None:
    app.command("search")(search)

"""``qcode diff`` and ``qcode reconcile``: disagreements between coders, and a consensus."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from qcode.cli.console import (
    echo_json,
    note,
    out,
    print_whole,
    safe_text,
    say,
    state,
    warn,
    warn_omissions,
)
from qcode.cli.options import (
    CODERS_INSTEAD,
    CODERS_METAVAR,
    coders_given,
    deprecated,
    doc_set_option,
    split_names,
)
from qcode.cli.reconcile_views import TableOrJson, show_status, show_summary
from qcode.cli.stdin import is_terminal, require_stdin
from qcode.clock import clock

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from collections.abc import Iterable

    from qcode.models import Codebook
    from qcode.project import Project
    from qcode.reconcile.ask import Screen
    from qcode.reconcile.run import ReconcileResult, Reconciliation


def _codes(codes: Iterable[str]) -> str:
    return ", ".join(codes) or "-"


def _n(count: int, noun: str) -> str:
    """``1 decision``, ``2 decisions``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# ----------------------------------------------------------------------------- diff

#: the least width of diff's text columns (a narrower terminal gets a wider table)
TEXT_WIDTH = 24


def diff_cmd(
    ctx: typer.Context,
    words: list[str] | None = typer.Argument(
        None, metavar="[A B] [DOC...]", show_default=False,
        help="Deprecated: coders and documents as arguments (use --coder and --doc)."),
    coder: list[str] | None = typer.Option(
        None, "--coder", "-c", metavar=CODERS_METAVAR,
        help="The two coders to compare: --coder A --coder B, or --coder A,B."),
    doc: list[str] | None = typer.Option(None, "--doc", "-d", metavar="DOC",
                                         help="Only this document; repeatable."),
    doc_set: list[str] = doc_set_option(),
    code: list[str] | None = typer.Option(None, "--code", "-k", metavar="CODE",
                                          help="Only this code (id or name); repeatable."),
    all_docs: bool = typer.Option(False, "--all-docs",
                                  help="Also compare documents not marked complete by both."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", "-f",
                                    help="Output format."),
) -> None:
    """Show every segment where two coders' codes or coded words differ, and counts per code.

    Segments are compared in the documents both coders have marked complete (qcode done);
    --all-docs adds every document either of them touched, and naming documents compares
    exactly those. Each differing segment shows the codes only A gave, only B gave and both
    gave, with its speaker and text; where they marked different words (spans), a second
    table shows the words only one of them marked, in [brackets] within their context. The
    per-code table counts, over all segments compared, how often each code was given by
    both, only by A and only by B.

    Examples:

      qcode diff --coder ingrid,lars

      qcode diff --coder ingrid --coder lars --doc N01 --code GOV-MAC-01

      qcode diff --coder ingrid,consensus --all-docs --format json
    """
    from qcode.documents.sets import selected_documents
    from qcode.reconcile.pair_diff import diff

    a, b, docs = _diff_coders(split_names(coder, unique=False), list(words or []),
                              list(doc or []))
    project = state(ctx).project()
    docs = selected_documents(project, docs, doc_set)
    result = diff(project, a, b, docs, list(code or []), all_docs)
    warn_omissions(result.omissions, project.root)
    for s in result.skipped_documents:
        note(f"Skipped {s.doc}: {s.reason} (add --all-docs to include it)")
    for w in result.warnings:
        warn(w)
    if fmt is TableOrJson.json:
        echo_json(result.as_dict())
        return
    from qcode.cli.fast_table import FastTable, print_table

    console = out()
    if result.disagreements:  # one row per segment: FastTable lays out rich's table
        table = FastTable(title=f"{a} vs {b}: segments that differ", show_lines=True,
                          expand=True)
        # the speaker's name under the segment id wraps, the id never does
        seg_w = max(len("Segment"), *(len(d.segment) for d in result.disagreements))
        for col in ("Segment", "Text", f"Only {a}", f"Only {b}", "Both"):
            # the text takes the room the other columns leave (one code a line), at
            # least TEXT_WIDTH: print_table prints wider than a terminal too narrow for
            # that and the ids (never broken: no word is longer than its column)
            table.add_column(col, ratio=1 if col == "Text" else None,
                             min_width=TEXT_WIDTH if col == "Text" else None,
                             max_width=seg_w if col == "Segment" else None,
                             overflow="fold")
        for d in result.disagreements:
            table.add_row(f"{d.segment}\n{d.speaker}".strip(), d.text,
                          *("\n".join(c) or "-" for c in (d.only_a, d.only_b, d.both)))
        print_table(console, table)
    marked = [(d, x) for d in result.disagreements for x in d.spans
              if x["before"] or x["after"]]  # the whole segment is in the table above
    if marked:  # spans: the words only one of them marked, in the segment's context
        table = FastTable(title="Words only one coder marked", show_lines=True, expand=True)
        for col in ("Segment", "Code", "Only", "Words in context"):
            quote = col.startswith("Words")
            table.add_column(col, overflow="fold", ratio=1 if quote else None,
                             min_width=TEXT_WIDTH if quote else None)
        for d, x in marked:
            table.add_row(d.segment, x["code"], x["coder"],
                          f"{x['before']}[{x['text']}]{x['after']}".replace("\n", " "))
        print_table(console, table)
    if result.per_code:  # a rich table (right-justified counts) of literal code names
        counts = FastTable(title="Per code")
        for col in ("Code", "Name", "Both", f"Only {a}", f"Only {b}"):
            counts.add_column(col, justify="right" if col not in ("Code", "Name") else "left")
        for c in result.per_code:
            counts.add_row(c.code, c.name, str(c.both), str(c.only_a), str(c.only_b))
        print_whole(console, counts, markup=False)
    docs_text = ", ".join(result.documents) or "none"
    console.print(f"{len(result.disagreements)} of {result.segments_compared} segments differ "
                  f"(documents: {docs_text})", soft_wrap=True, markup=False)


def _diff_coders(coders: list[str], words: list[str],
                 docs: list[str]) -> tuple[str, str, list[str]]:
    """The two coders and the documents of ``diff``; the old positional ``A B [DOC...]``
    still works, with a note."""
    from qcode.errors import UsageError

    if not coders and len(words) >= 2:
        deprecated("qcode diff A B", CODERS_INSTEAD)
        coders, words = words[:2], words[2:]
    if words:
        deprecated("qcode diff ... DOC", "--doc DOC (repeatable)")
        docs = docs + [w for w in words if w not in docs]
    if len(coders) != 2:
        raise UsageError(f"diff compares two coders; {len(coders)} given",
                         hint="qcode diff --coder A --coder B (or --coder A,B)")
    return coders[0], coders[1], docs


# ----------------------------------------------------------------------------- reconcile


def reconcile_cmd(
    ctx: typer.Context,
    coder: list[str] | None = typer.Option(
        None, "--coder", "-c", metavar=CODERS_METAVAR,
        help="The coders to reconcile: --coder A --coder B, or --coder A,B."),
    old_coders: str | None = typer.Option(None, "--coders", hidden=True,
                                          help="Deprecated: use --coder A,B."),
    as_name: str | None = typer.Option(None, "--as", metavar="NAME",
                                       help="The consensus coder (and reconciliation) name."),
    strategy: str | None = typer.Option(
        None, "--strategy", "-s", metavar="STRATEGY",
        help="ask | union | intersection | majority | prefer:CODER "
             "(default: ask on a terminal)."),
    doc: list[str] | None = typer.Option(None, "--doc", "-d", metavar="DOC",
                                         help="Only this document; repeatable."),
    doc_set: list[str] = doc_set_option(),
    code: list[str] | None = typer.Option(None, "--code", "-k", metavar="CODE",
                                          help="Only this code (id or name); repeatable."),
    all_docs: bool = typer.Option(False, "--all-docs",
                                  help="Also take documents not completed by every coder."),
    require_rationale: bool = typer.Option(False, "--require-rationale",
                                           help="ask: every decision needs a rationale."),
    rationale: str | None = typer.Option(None, "--rationale", metavar="TEXT",
                                         help="A rationale recorded with every decision "
                                              "of a non-interactive strategy."),
    by: str | None = typer.Option(None, "--by", metavar="PERSON",
                                  help="Who decides (default: $USER)."),
    status_name: str | None = typer.Option(None, "--status", metavar="NAME",
                                           help="Show stale decisions and new "
                                                "disagreements of a reconciliation."),
    summary_name: str | None = typer.Option(None, "--summary", metavar="NAME",
                                            help="Summarise a reconciliation's decisions."),
    remove_name: str | None = typer.Option(None, "--remove", metavar="NAME",
                                           help="Move a (trial) reconciliation and its "
                                                "consensus coder to archive/."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", "-f",
                                    help="Output format."),
) -> None:
    """Reconcile coders into a consensus coder, recording every decision.

    Segments where every coder gave the same codes go to the consensus automatically
    (outcome "agreed"). The others are decided by the strategy: union, intersection,
    majority (a code is kept when more than half of the coders gave it; on an even split
    it is left out and the decision is flagged "tie" for review), prefer:CODER (that
    coder's codes), or ask: a walk through the disagreements showing each coder's codes,
    where you accept a coder (1..N), take the union (u) or intersection (i), pick codes
    (p), or defer (d), with a rationale. Quitting keeps every decision; running the same
    command again continues with what is left. ask is the default on a terminal; when
    stdin is not a terminal a strategy must be named.

    Decisions go to reconciliations/NAME.jsonl, the result to the coder NAME (origin
    reconciled), which every other command uses like any coder. By default the documents
    every coder has marked complete are reconciled (--all-docs: any document touched).
    --status NAME shows decisions made stale by later coding and new disagreements;
    --summary NAME shows decisions by outcome and code and each coder against the consensus.
    --remove NAME moves a reconciliation (its decision log and its consensus coder's log) to
    archive/, so that a trial run no longer counts as a consensus coder; nothing is deleted.

    Examples:

      qcode reconcile --coder ingrid,lars --as consensus

      qcode reconcile --coder ingrid,lars,maja --as consensus --strategy majority

      qcode reconcile --status consensus

      qcode reconcile --summary consensus --format json

      qcode reconcile --remove trial
    """
    from qcode.errors import UsageError

    coders = coders_given(coder, old_coders)
    modes = [m for m in (status_name, summary_name) if m is not None]
    if len(modes) > 1:
        raise UsageError("--status and --summary cannot be used together",
                         hint="run them one after the other")
    if remove_name is not None:
        _remove(ctx, remove_name, bool(modes or coders or as_name or strategy), fmt)
        return
    if modes:
        extra = [opt for opt, v in (("--coder", coders), ("--as", as_name),
                                    ("--strategy", strategy), ("--by", by),
                                    ("--rationale", rationale)) if v is not None]
        if summary_name is not None and (doc or doc_set or code or all_docs):
            extra += ["--doc/--code/--all-docs"]
        if extra:
            raise UsageError(f"{extra[0]} cannot be used with "
                             f"{'--status' if status_name else '--summary'}",
                             hint="--status and --summary only report; they change nothing")
    from qcode.documents.sets import selected_documents

    project = state(ctx).project()
    doc = selected_documents(project, doc or [], doc_set)
    if status_name is not None:
        from qcode.reconcile.status import status

        report = status(project, status_name, list(doc or []), list(code or []), all_docs)
        warn_omissions(report.omissions, project.root)
        show_status(report, fmt)
        return
    if summary_name is not None:
        from qcode.reconcile.status import summary

        summary_report = summary(project, summary_name)
        warn_omissions(summary_report.omissions, project.root)
        show_summary(summary_report, fmt)
        return
    if not coders or not as_name:
        raise UsageError("name the coders and the consensus coder: --coder A,B --as NAME",
                         hint="or report on one with --status NAME / --summary NAME")
    names = coders
    if strategy is None:
        if not is_terminal():
            raise UsageError("stdin is not a terminal, so decisions cannot be asked: name a "
                             "strategy with --strategy",
                             hint="union, intersection, majority, prefer:CODER, or ask to "
                                  "read answers from stdin")
        strategy = "ask"
    if strategy == "ask":
        require_stdin("decisions cannot be asked",
                      hint="name another strategy with --strategy (union, intersection, "
                           "majority, prefer:CODER), or pipe the answers in")
    from qcode.reconcile.run import Reconciliation

    with Reconciliation(project, names, as_name, strategy, list(doc or []) or None,
                        list(code or []) or None, by, all_docs) as run:
        result = _run(run, project, fmt, require_rationale, rationale)
    if run.result.repaired:
        note(f"Applied {_n(run.result.repaired, 'decision')} that an interrupted run had "
             "saved.")
    if fmt is TableOrJson.json:
        echo_json(result.as_dict())
    else:
        _show_result(result)


def _run(run: Reconciliation, project: Project, fmt: TableOrJson, require_rationale: bool,
         rationale: str | None) -> ReconcileResult:
    from qcode.coding.usable import omissions
    from qcode.errors import UsageError

    warn_omissions(omissions(run.plan.states), project.root)
    for s in run.plan.scope.skipped:
        note(f"Skipped {s.doc}: {s.reason} (add --all-docs to include it)")
    for w in run.result.warnings:
        warn(w)
    if run.kind == "ask":
        if fmt is TableOrJson.json:
            raise UsageError("--format json cannot be used with the ask strategy",
                             hint="use it with --status or --summary to read the decisions")
        result = _ask(run, project.codebook, require_rationale)
    else:
        run.start()
        result = run.decide_all(rationale)
    return result


def _show_result(result: ReconcileResult) -> None:
    console = out()
    counts = ", ".join(f"{n} {o}" for o, n in result.by_outcome.items()) or "nothing new"
    console.print(f"Reconciled {', '.join(result.coders)} into '{result.name}' "
                  f"(strategy {result.strategy}): {_n(len(result.decided), 'decision')} "
                  f"({counts}).", soft_wrap=True, markup=False)
    if result.ties:
        console.print(f"{_n(len(result.ties), 'decision')} left a code out on a tie "
                      "(even split): "
                      + ", ".join(f"{d.id} {d.segment}" for d in result.ties),
                      soft_wrap=True, markup=False)
    if result.deferred or result.remaining:
        console.print(f"{_n(result.remaining, 'disagreement')} left ({result.deferred} "
                      "deferred): "
                      "run the same command again to continue.", soft_wrap=True, markup=False)
    if result.done:
        console.print(f"Done for {result.name}: {', '.join(result.done)}.",
                      soft_wrap=True, markup=False)
    if result.reopened:
        console.print(f"Reopened for {result.name} (segments wait for a decision again): "
                      f"{', '.join(result.reopened)}.", soft_wrap=True, markup=False)


# ----------------------------------------------------------------------------- ask


def _read_line(prompt: str) -> str | None:
    if sys.stdin is None or sys.stdin.closed:  # closed standard input: like end of input
        return None
    if sys.stdin.isatty():
        try:
            return input(safe_text(prompt))
        except EOFError:
            return None
    say(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        typer.echo("")
        return None
    return line.rstrip("\r\n")


def _render(screen: Screen) -> None:
    from rich.table import Table

    console = out()
    p = screen.pending
    seg = p.unit.segment
    when = ""
    if seg.time_start is not None:
        when = f"  {clock(seg.time_start)}"
    console.print(f"\nDisagreement {screen.index} of {screen.total}: {seg.id}  "
                  f"{seg.speaker}{when}", style="bold", markup=False, soft_wrap=True)
    if screen.note:
        console.print(f"({screen.note})", markup=False, soft_wrap=True)
    before = [s for s in p.unit.doc.segments if s.end <= seg.start]
    if before:  # the turn before, for context (often the question)
        prev = p.unit.doc.segment_text(before[-1])
        prev = prev if len(prev) <= 160 else prev[:157] + "..."
        console.print(f"  {before[-1].speaker}: {prev}", style="dim", markup=False, soft_wrap=True)
    console.print(p.unit.doc.segment_text(seg), markup=False)
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("Code")
    for i, c in enumerate(screen.coders, start=1):
        table.add_column(f"[{i}] {c}", justify="center")
    for row in screen.rows:
        table.add_row(str(row.number), f"{row.code} {row.name}".strip(),
                      *("x" if g else "" for g in row.given_by))
    if not screen.rows:
        table.add_row("", "(no codes)", *("" for _ in screen.coders))
    console.print(table, markup=False)
    for coder, memo in screen.memos:  # each coder's segment memo beside the disagreement
        console.print(f"  memo by {coder}: {memo}", markup=False, soft_wrap=True)
    text = p.unit.doc.text
    for coder, code, spans in screen.spans:  # the words each coder marked (spans)
        number = screen.coders.index(coder) + 1
        words = " | ".join(f"{s}-{e} \"{_words(text[s:e])}\"" for s, e in spans)
        console.print(f"  [{number}] {coder} {code}: {words}", markup=False, soft_wrap=True)


def _words(text: str, limit: int = 70) -> str:
    """A stretch of text on one line, its middle left out when it is long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit // 2 - 2]} ... {text[-limit // 2 + 3:]}"


def _render_draft(spans: list[tuple[int, str, int, int]], text: str) -> None:
    say("Consensus spans:")
    for number, code, s, e in spans:
        say(f"  {number}  {code} {s}-{e} \"{_words(text[s:e])}\"")


def _ask(run: Reconciliation, codebook: Codebook, require_rationale: bool
         ) -> ReconcileResult:
    from qcode.reconcile.ask import AskSession, coder_memos

    run.start()
    session = AskSession(list(run.queue), list(run.plan.coders), codebook, require_rationale,
                         memos=coder_memos(run.plan.states))
    if session.finished:
        note("No disagreements wait for a decision.")
    try:
        show = True
        while not session.finished:
            if show:
                _render(session.screen())
            step = session.feed(_read_line(session.prompt()))
            if step.message:
                say(step.message)
            if step.spans and session.current is not None:
                _render_draft(session.draft_spans(), session.current.unit.doc.text)
            if step.choice is not None and step.pending is not None:
                dec = run.commit(step.pending, step.choice, step.rationale)
                what = "deferred" if dec.outcome == "deferred" else _codes(dec.chosen)
                say(f"Saved {dec.id}: {dec.segment} -> {what}")
            if step.quit:
                break
            show = step.show
    finally:
        result = run.finish()
    return result


def _remove(ctx: typer.Context, name: str, other: bool, fmt: TableOrJson) -> None:
    from qcode.cli.options import ActionFormat, said
    from qcode.errors import UsageError
    from qcode.reconcile.remove import remove_reconciliation

    if other:
        raise UsageError("--remove cannot be used with other reconcile options",
                         hint="run: qcode reconcile --remove NAME")
    removed = remove_reconciliation(state(ctx).project(), name)
    moved = "; ".join(f"{a} -> {b}" for a, b in removed.moved)
    said(ActionFormat(fmt.value), f"Removed reconciliation '{name}' to the archive: {moved}",
         removed.as_dict())


def register(app: typer.Typer) -> None:
    app.command("diff")(diff_cmd)
    app.command("reconcile")(reconcile_cmd)

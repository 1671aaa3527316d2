"""How ``qcode reconcile --status`` and ``--summary`` are shown: tables for people, or the
core's JSON."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING

from qcode.cli.console import echo_json, out, warn

if TYPE_CHECKING:
    from qcode.reconcile.status import StatusReport, Summary


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


def _listed(codes: Iterable[str]) -> str:
    return ", ".join(codes) or "-"


def _count(count: int, noun: str) -> str:
    """``1 decision``, ``2 decisions``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def show_status(report: StatusReport, fmt: TableOrJson) -> None:
    for w in report.warnings:
        warn(w)
    if fmt is TableOrJson.json:
        echo_json(report.as_dict())
        return
    from rich.table import Table

    console = out()
    console.print(f"Reconciliation '{report.name}' of {', '.join(report.coders)}: "
                  f"{_count(report.decisions, 'decision')} in force.", soft_wrap=True, markup=False)
    if report.stale:
        table = Table(title=f"Stale decisions ({len(report.stale)}): a coder changed their "
                            "codes since", show_lines=True)
        for col in ("Decision", "Segment", "Outcome", "Chosen", "Then", "Now"):
            table.add_column(col, overflow="fold")
        for s in report.stale:
            then = "\n".join(f"{c}: {_listed(v)}" for c, v in s.then.items())
            now = "\n".join(f"{c}: {_listed(v)}" for c, v in s.now.items())
            table.add_row(s.decision, s.segment, s.outcome, _listed(s.chosen), then, now)
        console.print(table, markup=False)
    if report.pending:
        table = Table(title=f"Waiting for a decision ({len(report.pending)})")
        table.add_column("Segment")
        table.add_column("Reason")
        for c in report.coders:
            table.add_column(c, overflow="fold")
        for p in report.pending:
            reason = p.reason + (" (agreed)" if p.agreed else "")
            table.add_row(p.segment, reason, *(_listed(p.codes[c]) for c in report.coders))
        console.print(table, markup=False)
    if report.consensus_edits:
        console.print(f"The consensus coder was edited by hand on "
                      f"{len(report.consensus_edits)} codes:", soft_wrap=True, markup=False)
        for e in report.consensus_edits:
            change = "on other words" if e.other_words else \
                "removed" if e.in_decision else "added"
            console.print(f"  {e.segment} {e.code}: {change} (decision {e.decision})",
                          soft_wrap=True, markup=False)
    if report.unapplied:
        console.print(f"{_count(report.unapplied, 'decision')} saved but not yet in the "
                      "consensus coder's log (an interrupted run); the next run applies them.",
                      soft_wrap=True, markup=False)
    if report.clean:
        console.print("Nothing is stale or waiting: the consensus is up to date.",
                      soft_wrap=True, markup=False)
    else:
        console.print(f"Decide them with: qcode reconcile --coder {','.join(report.coders)} "
                      f"--as {report.name}", soft_wrap=True, markup=False)


def show_summary(summary: Summary, fmt: TableOrJson) -> None:
    for w in summary.warnings:
        warn(w)
    if fmt is TableOrJson.json:
        echo_json(summary.as_dict())
        return
    from rich.table import Table

    console = out()
    outcomes = ", ".join(f"{n} {o}" for o, n in summary.by_outcome.items()) or "none"
    console.print(f"Reconciliation '{summary.name}' of {', '.join(summary.coders)}: "
                  f"{_count(summary.decisions, 'decision')} in force ({outcomes}); {summary.ties} "
                  f"with ties, {summary.deferred} deferred, {summary.stale} stale, "
                  f"{summary.superseded} superseded.", soft_wrap=True, markup=False)
    if summary.by_code:
        table = Table(title="By code")
        for col in ("Code", "Name", "Consensus", "Contested", "Kept", "Dropped", "Ties"):
            table.add_column(col, justify="left" if col in ("Code", "Name") else "right")
        for c in summary.by_code:
            table.add_row(c.code, c.name, str(c.consensus), str(c.contested), str(c.kept),
                          str(c.dropped), str(c.ties))
        console.print(table, markup=False)
    table = Table(title="Each coder against the consensus")
    for col in ("Coder", "Segments", "Equal", "Equal (coded)", "Precision", "Recall", "F1"):
        table.add_column(col, justify="left" if col == "Coder" else "right")
    for s in summary.coders_vs_consensus:
        table.add_row(s.coder, str(s.segments), _pct(s.equal_share),
                      _pct(s.equal_coded_share), _num(s.precision), _num(s.recall),
                      _num(s.f1))
    console.print(table, markup=False)

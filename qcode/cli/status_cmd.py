"""``qcode status``: what changed since this machine last looked (after a git pull)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from qcode.cli.console import echo_json, note, safe_text, say, state, warn
from qcode.cli.options import ActionFormat

if TYPE_CHECKING:  # the core is imported inside the command (start-up time)
    from qcode.team.status import Status


def _counts(by_doc: dict[str, int]) -> str:
    docs = sorted(by_doc)
    shown = ", ".join(f"{d} {by_doc[d]}" for d in docs[:6])
    return shown + (f" and {len(docs) - 6} more documents" if len(docs) > 6 else "")


def status_lines(result: Status) -> list[str]:
    """The report for people, one fact a line."""
    lines: list[str] = []
    for c in result.coders:
        if not c:
            continue
        head = f"{c.coder}{' (new coder)' if c.new_coder else ''}:"
        if c.added:
            lines.append(f"{head} {sum(c.added.values())} new coding"
                         f"{'s' if sum(c.added.values()) != 1 else ''} ({_counts(c.added)})")
            head = f"{c.coder}:"
        if c.removed:
            lines.append(f"{head} {sum(c.removed.values())} coding"
                         f"{'s' if sum(c.removed.values()) != 1 else ''} removed "
                         f"({_counts(c.removed)})")
            head = f"{c.coder}:"
        if c.done:
            lines.append(f"{head} marked done: {', '.join(c.done)}")
        if c.reopened:
            lines.append(f"{head} reopened: {', '.join(c.reopened)}")
    for label, docs in (("added", result.docs_added), ("replaced", result.docs_replaced),
                        ("removed", result.docs_removed)):
        if docs:
            lines.append(f"documents {label}: {', '.join(docs)}")
    for ch in result.codebook_changes:
        what = " ".join(str(ch[k]) for k in ("op", "code") if ch.get(k))
        if ch.get("new_id"):
            what += f" -> {ch['new_id']}"
        if ch.get("into"):
            what += f" into {ch['into']}"
        lines.append(f"codebook: {what}" + (f" (by {ch['by']})" if ch.get("by") else ""))
    if result.codebook_edited and not result.codebook_changes:
        lines.append("codebook: codebook.yaml was edited")
    for name, stale, new in result.stale:
        if new:
            lines.append(f"reconciliation {name}: {new} decision{'s' if new != 1 else ''} "
                         f"went stale ({stale} stale in all; see: qcode reconcile --status "
                         f"{name})")
    return lines


def status(
    ctx: typer.Context,
    peek: bool = typer.Option(False, "--peek", help="Report without recording this look "
                                                    "(the next status reports the same "
                                                    "changes again)."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: lines for people; json: every change."),
) -> None:
    """What changed since this machine last looked: run it after git pull.

    Reports new and removed codings per coder (with their documents), documents marked
    done or reopened, documents added, replaced or removed, codebook changes (from the
    codebook's change log, or an edit of codebook.yaml), reconciliation decisions that went
    stale, and coder logs that need attention (git conflict markers, or lines gone that
    this machine had read: see qcode check). Every status is a look: the next status
    reports what changed after it (the look is kept in .status.seen, on this machine
    only); --peek reports without recording. The first status on a machine reports
    everything as new.

    JSON: {"schema_version", "since", "changed", "marked_seen", "coders": [{"coder",
    "new_coder", "codings_added", "codings_removed", "documents", "completed",
    "reopened_documents"}], "documents_added", "documents_replaced", "documents_removed",
    "codebook": {"edited", "changes": [{"op", "code", "by", "at", ...}]},
    "stale_reconciliations": [{"name", "stale_decisions", "new_stale_decisions"}],
    "log_problems": [{"coder", "kind", "message"}]}.

    Examples:

      git pull && qcode status

      qcode status --peek --format json
    """
    from qcode.team.status import project_status

    project = state(ctx).project()
    result = project_status(project, mark_seen=not peek)
    for coder, kind, message in result.log_problems:
        warn(f"codings/{coder}.jsonl: {message} "
             f"({'git conflict' if kind == 'log_conflict' else 'not an append'}; see: "
             "qcode check)")
    if fmt is ActionFormat.json:
        echo_json(result.as_dict())
        return
    lines = status_lines(result)
    if not lines:
        note(f"Nothing changed since {result.since}." if result.since else
             "Nothing here yet.")
        return
    say(f"Changes since {result.since}:" if result.since else
        "Everything (this machine has not looked before):")
    for line in lines:
        say(f"  {safe_text(line)}")


def register(app: typer.Typer) -> None:
    app.command("status")(status)

"""``qcode memo add|list|remove``: memos on documents, codes and the project (a dated journal)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from qcode.cli.console import echo_json, out, say, state, warn, warn_omissions
from qcode.cli.groups import SuggestingGroup
from qcode.cli.options import ActionFormat, said, split_names

if TYPE_CHECKING:  # the core is imported inside the commands (start-up time)
    from qcode.memos.journal import Memo
    from qcode.memos.log import BadLine

memo_app = typer.Typer(
    help="Memos on documents, codes and the project: a dated journal, one file per author "
         "(memos/<author>.jsonl), never rewritten.",
    no_args_is_help=True, cls=SuggestingGroup)

AUTHOR_HELP = "Who writes (default: $USER, else the login name)."


class MemoFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"


def subject_label(memo: Memo) -> str:
    """``document N01``, ``code GOV-MAC-01``, ``the project``, ``segment N01:0003``."""
    if memo.on == "project":
        return "the project"
    if memo.on == "segment":
        return f"segment {memo.segment}"
    return f"{'document' if memo.on == 'doc' else 'code'} {memo.target}"


def when(memo: Memo) -> str:
    """The memo's time to the minute (``2026-12-07 02:11``), ``edited`` marked."""
    if memo.time is None:
        return ""
    shown = memo.time[:16].replace("T", " ")
    return f"{shown} (edited {memo.edited[:16].replace('T', ' ')})" if memo.edited else shown


def warn_damaged(bad_lines: Iterable[BadLine], root: Path) -> None:
    """One warning line per memo log with lines that could not be read."""
    by_log: dict[Path, list[int]] = {}
    for bad in bad_lines:
        by_log.setdefault(bad.path, []).append(bad.line)
    for log, lines in by_log.items():
        shown = log.relative_to(root) if log.is_relative_to(root) else log
        n = len(lines)
        listed = ", ".join(str(x) for x in lines[:10]) + (
            f" and {n - 10} more" if n > 10 else "")
        warn(f"skipped {n} unreadable line{'' if n == 1 else 's'} in {shown} "
             f"(line{'' if n == 1 else 's'} {listed}): the memos there are left out until "
             "those lines are repaired or removed")


def memo_lines(memos: list[Memo], indent: str = "") -> list[str]:
    """Plain lines for people: ``[time] author: text`` (a segment memo says its segment)."""
    lines = []
    for m in memos:
        head = f"[{when(m)}] " if m.time else ""
        where = f" on {m.segment}" if m.on == "segment" else ""
        lines.append(f"{indent}{head}{m.author}{where}: {m.text}")
    return lines


@memo_app.command("add")
def add(
    ctx: typer.Context,
    text: list[str] = typer.Argument(..., metavar="TEXT...", help="The memo's text."),
    doc: str | None = typer.Option(None, "--doc", "-d", help="A memo on this document."),
    code: str | None = typer.Option(None, "--code", help="A memo on this code (id or name)."),
    on_project: bool = typer.Option(False, "--project",
                                    help="A memo on the project (the journal)."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: the memo."),
) -> None:
    """Write a memo on a document, a code or the project, with its author and time.

    The memo is appended to memos/<author>.jsonl and fsynced before the command says so.

    Examples:

      qcode memo add --doc N01 "The nurse's story contradicts the manager's"

      qcode memo add --code GOV-MAC-01 Narrower than we thought: only national budgets

      qcode memo add --project "Second round: start with the regional interviews"
    """
    from qcode.errors import UsageError
    from qcode.memos.journal import add_memo

    subjects = [on for on, given in (("doc", doc is not None), ("code", code is not None),
                                     ("project", on_project)) if given]
    if len(subjects) != 1:
        raise UsageError("give one of --doc, --code or --project",
                         hint='qcode memo add --doc N01 "TEXT"')
    on = subjects[0]
    project = state(ctx).project()
    memo = add_memo(project, on=on, target=doc if on == "doc" else code, text=" ".join(text),
                    author=author)
    said(fmt, f"Memo {memo.id} on {subject_label(memo)} by {memo.author}.",
         {"memo": memo.as_dict()})


@memo_app.command("remove")
def remove(
    ctx: typer.Context,
    memo_id: str = typer.Argument(..., metavar="ID", help="The memo's id (or its first "
                                                          "4+ characters)."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: the memo."),
) -> None:
    """Remove a memo: a tombstone in your memo log (the memo stays in the history).

    Examples:

      qcode memo remove 3f9c2a
    """
    from qcode.memos.journal import remove_memo

    project = state(ctx).project()
    memo = remove_memo(project, memo_id, author=author)
    said(fmt, f"Removed memo {memo.id} on {subject_label(memo)} by {memo.author}.",
         {"removed": memo.as_dict()})


@memo_app.command("edit")
def edit(
    ctx: typer.Context,
    memo_id: str = typer.Argument(..., metavar="ID", help="The memo's id (or its first "
                                                          "4+ characters)."),
    text: list[str] = typer.Argument(..., metavar="TEXT...", help="The memo's new text."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: a line for people; json: the memo."),
) -> None:
    """Give a memo new text: an edit event in your memo log (the old text stays in the
    history; the memo keeps its id, author and time, and shows when it was edited).

    Examples:

      qcode memo edit 3f9c2a "Narrower: national budgets only"
    """
    from qcode.memos.journal import edit_memo

    project = state(ctx).project()
    memo = edit_memo(project, memo_id, " ".join(text), author=author)
    said(fmt, f"Edited memo {memo.id} on {subject_label(memo)}.", {"memo": memo.as_dict()})


@memo_app.command("list")
def list_(
    ctx: typer.Context,
    doc: list[str] | None = typer.Option(None, "--doc", "-d", metavar="DOC[,DOC...]",
                                         help="Memos on these documents, and the coders' "
                                              "segment memos in them."),
    code: list[str] | None = typer.Option(None, "--code", metavar="CODE[,CODE...]",
                                          help="Memos on these codes (id or name)."),
    on_project: bool = typer.Option(False, "--project", help="Memos on the project."),
    author: list[str] | None = typer.Option(None, "--author", metavar="NAME[,NAME...]",
                                            help="Only memos by these authors (coders, for "
                                                 "segment memos)."),
    fmt: MemoFormat = typer.Option(MemoFormat.table, "--format", "-f",
                                   help="table, json, or md (a dated journal)."),
) -> None:
    """List memos, oldest first: on documents, codes and the project, and the coders'
    segment memos (written with 'm TEXT' while coding) labelled by coder and segment.

    Without --doc, --code or --project every memo is listed.

    JSON: {"memos": [{"id", "on", "target", "segment", "author", "time", "edited",
    "text"}], "unreadable_lines": [{"log", "line"}]}; "on" is doc, code, project or
    segment (a segment memo has no id or time).

    Examples:

      qcode memo list --doc N01

      qcode memo list --project --format md
    """
    from qcode.codebook.lookup import resolve_code
    from qcode.coding.store import coder_names
    from qcode.coding.usable import load_usable, omissions
    from qcode.memos.journal import read_journal, segment_memos, select

    project = state(ctx).project()
    # an id or a unique prefix; an unknown document is named, with a hint
    docs = [project.resolve_document(d) for d in split_names(doc)]
    codes = [resolve_code(project.codebook, c).id for c in split_names(code)]
    authors = split_names(author)
    journal = read_journal(project)
    warn_damaged(journal.bad, project.root)
    memos = select(journal, docs=docs, codes=codes, project_memos=on_project,
                   authors=authors)
    if docs or not (codes or on_project):
        coders = [c for c in coder_names(project) if not authors or c in authors]
        states = load_usable(project, coders)
        warn_omissions(omissions(states), project.root)
        memos += segment_memos(states, docs or None)
    if fmt is MemoFormat.json:
        echo_json({"memos": [m.as_dict() for m in memos],
                   "unreadable_lines": [{"log": str(b.path), "line": b.line}
                                        for b in journal.bad]})
    elif fmt is MemoFormat.md:
        say(journal_markdown(memos).rstrip("\n"))
    else:
        print_table(memos)


def journal_markdown(memos: list[Memo]) -> str:
    """The memos as a Markdown journal: one section per subject, entries oldest first."""
    from qcode.reports.markup import md_escape

    if not memos:
        return "No memos.\n"
    groups: dict[str, list[Memo]] = {}
    for m in memos:
        key = "Segment memos" if m.on == "segment" else subject_label(m)
        groups.setdefault(key[0].upper() + key[1:], []).append(m)
    parts = ["# Memos", ""]
    for title, items in groups.items():
        parts += [f"## {md_escape(title)}", ""]
        for m in items:
            head = f"**{when(m)}**, {md_escape(m.author)}" if m.time else \
                f"**{md_escape(m.segment or '')}**, {md_escape(m.author)}"
            ident = f" `{m.id}`" if m.id else ""
            parts.append(f"- {head}{ident}: {md_escape(m.text)}")
        parts.append("")
    return "\n".join(parts)


def print_table(memos: list[Memo]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not memos:
        say("No memos.")
        return
    table = Table(title=f"{len(memos)} memo{'' if len(memos) == 1 else 's'}")
    for col in ("id", "when", "author", "on", "memo"):
        table.add_column(col)
    for m in memos:
        table.add_row(m.id or "", when(m), escape(m.author), escape(subject_label(m)),
                      escape(m.text))
    out().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(memo_app, name="memo")

"""Option spellings shared by every command (the contract in docs/cli.md), and the
deprecation notes of the spellings they replace.

One name per thing: ``--coder`` (repeatable, and ``A,B`` lists where a command takes
several coders), ``--doc``, ``--where``, ``--format`` (output) and ``-o/--output``;
``ingest --from`` is the transcript input format. Old spellings keep working for one
release and print one ``Note: ... is deprecated; use ...`` line on stderr.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import echo_json, note, say

if TYPE_CHECKING:
    from qcode.project import Project

#: the metavar of an option that takes several coders
CODERS_METAVAR = "NAME[,NAME...]"
#: what to type instead of an old spelling of several coders
CODERS_INSTEAD = "--coder A --coder B (or --coder A,B)"


def deprecated(old: str, instead: str) -> None:
    """The one-line note for an old spelling that still works (stderr)."""
    note(f"Note: {old} is deprecated; use {instead}")


def split_names(values: Iterable[str] | None, *, unique: bool = True) -> list[str]:
    """``["a,b", "c"]`` -> ``["a", "b", "c"]``: repeated options and comma lists, in order,
    each name once (unless ``unique`` is false).

    >>> split_names(["ingrid,lars", "maja", "lars"])
    ['ingrid', 'lars', 'maja']
    """
    names: list[str] = []
    for value in values or ():
        for part in value.split(","):
            part = part.strip()
            if part and (not unique or part not in names):
                names.append(part)
    return names


def coders_given(coder: list[str] | None, old_coders: str | None) -> list[str] | None:
    """The coders of ``--coder`` (repeatable, comma lists) and of the deprecated
    ``--coders A,B``; ``None`` when neither was given."""
    if old_coders is not None:
        deprecated("--coders", CODERS_INSTEAD)
    values = list(coder or []) + ([old_coders] if old_coders is not None else [])
    if not values:
        return None
    return split_names(values)


def doc_set_option() -> Any:
    """``--set NAME`` (repeatable): the documents of a named set (``qcode sets``), beside
    ``--doc``; both become ids in :func:`qcode.documents.sets.selected_documents`."""
    return typer.Option([], "--set", metavar="NAME",
                        help="Only the documents of this set (qcode sets; repeatable).")


class ActionFormat(str, Enum):
    """``--format`` of a command that changes the project: a line for people, or JSON."""

    table = "table"
    json = "json"


def said(fmt: ActionFormat, line: str, data: dict[str, Any]) -> None:
    """What a command that changed the project did: ``line`` on stdout for people, or
    ``data`` as JSON on stdout with ``line`` on stderr."""
    if fmt is ActionFormat.json:
        note(line)
        echo_json(data)
    else:
        say(line)


def real_names_option() -> Any:
    """``--real-names``: this output keeps the real names (the pseudonym table is not
    applied). Without it, every output command pseudonymises when the table has entries."""
    return typer.Option(False, "--real-names",
                        help="Keep real names in this output (the project's pseudonym "
                             "table, qcode pseudonyms, is otherwise applied).")


def outgoing(ctx: typer.Context, real_names: bool) -> Project:
    """The project as it may leave: the pseudonymised view (a temporary copy deleted when
    the command ends) when the pseudonym table has entries, unless ``real_names``."""
    from qcode.cli.console import state, warn

    project = state(ctx).project()
    if real_names:  # the table is not even read: a damaged one does not stand in the way
        if project.pseudonym_table.exists():
            note("Real names: the pseudonym table is not applied (--real-names)")
        return project
    if not os.path.lexists(project.pseudonym_table):
        return project  # no table: nothing to apply (nor its modules to load)
    from qcode.pseudonyms.table import load

    entries = load(project)
    if not entries:
        return project
    from qcode.pseudonyms.rewrite import Rewriter
    from qcode.pseudonyms.view import pseudonymised  # the view's copy: only when applied

    rewriter = Rewriter(entries)
    ctx.meta["qcode.pseudonymise"] = rewriter.replace
    view, report = ctx.with_resource(pseudonymised(project, rewriter))
    n = len(entries)
    note(f"Pseudonymised: {n} entr{'y' if n == 1 else 'ies'} of pseudonyms.csv applied "
         "(--real-names to keep real names)")
    if report is not None and report.left:
        left = ", ".join(f"{d} ({k})" for d, k in sorted(report.left.items()))
        warn(f"{sum(report.left.values())} name(s) left as written because a segment or "
             f"turn boundary falls inside them: {left}; check the output with qcode "
             "pseudonyms check")
    return view


def outgoing_values(ctx: typer.Context, values: list[str]) -> list[str]:
    """``--where`` values as they read in the pseudonymised view (a real value the user
    typed becomes its pseudonym; a pseudonym stays), after :func:`outgoing`."""
    replace = ctx.meta.get("qcode.pseudonymise")
    return [replace(v) for v in values] if replace is not None else list(values)

"""``qcode codebook add|edit|rename|move|merge|split|retire|review|history|diff``: a
codebook that grows with the analysis, every change recorded in ``codebook.log.jsonl``."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from qcode.cli.console import echo_json, out, say, state
from qcode.cli.options import ActionFormat, said, split_names

if TYPE_CHECKING:
    from qcode.codebook.changes import Change
    from qcode.codebook.history import CodeMap
    from qcode.models import Codebook
    from qcode.project import Project

FORMAT = typer.Option(ActionFormat.table, "--format", "-f",
                      help="Output format (json: the log event, for scripts).")
WHY = typer.Option(None, "--why", help="Why the change was made (kept in the history).")


def _commit(project: Project, plan: Any, fmt: ActionFormat, why: str | None) -> dict[str, Any]:
    from qcode.codebook.commit import commit, summary

    event = commit(project.root, project.codebook_path, plan, why=why)
    said(fmt, f"{summary(event)[0].upper()}{summary(event)[1:]}.",
         {"event": event, "summary": summary(event)})
    return event


def _opened(ctx: typer.Context) -> Project:
    """The project, with a codebook change a kill interrupted finished (commands that do
    not read the codebook itself; :attr:`Project.codebook` does it for the others)."""
    from qcode.codebook.commit import finish_pending

    project = state(ctx).project()
    finish_pending(project.root, project.codebook_path)
    return project


def _editor(project: Project) -> None:
    from qcode.codebook.commit import require_editor
    from qcode.codebook.history import who

    require_editor(project.root, who())


def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The new code's name."),
    theme: str = typer.Option(..., "--theme", "-t", help="Its theme (id or name)."),
    level: str | None = typer.Option(None, "--level", "-l", help="Its level (id or name)."),
    code_id: str | None = typer.Option(None, "--id", help="Its id (default: the next free "
                                                          "id in the codebook's pattern)."),
    definition: str | None = typer.Option(None, "--definition", help="What it covers."),
    keywords: list[str] | None = typer.Option(None, "--keywords", help="Keywords for "
                                              "suggestions (repeatable, or A,B)."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """Add a code to the codebook (codebook.yaml is rewritten keeping your comments).

    When qcode.toml reserves codebook changes to named people ([codebook] editors), anyone
    else's new code is recorded as a proposal for them to review (qcode codebook review).

    Examples:

      qcode codebook add "Staff felt watched" --theme ORG --level micro

      qcode codebook add "Waiting lists" -t ECO -l meso --id ECO-MES-09 --why "N04, N07"
    """
    from qcode.codebook.changes import plan_add
    from qcode.codebook.commit import may_edit
    from qcode.codebook.history import who

    project = state(ctx).project()
    propose = not may_edit(project.root, who())
    fields = {"keywords": split_names(keywords)} if keywords else None

    def plan(cb: Codebook, cmap: CodeMap) -> Change:
        return plan_add(cb, cmap, name, theme, level, code_id=code_id, definition=definition,
                        fields=fields, propose=propose)

    _commit(project, plan, fmt, why)


def edit(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="CODE", help="The code (id or name)."),
    definition: str | None = typer.Option(None, "--definition", help="New definition."),
    include: list[str] | None = typer.Option(None, "--include", help="Include rules "
                                             "(repeatable; replace the list)."),
    exclude: list[str] | None = typer.Option(None, "--exclude", help="Exclude rules "
                                             "(repeatable; replace the list)."),
    keywords: list[str] | None = typer.Option(None, "--keywords", help="Keywords "
                                              "(repeatable, or A,B; replace the list)."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """Change a code's definition, include and exclude rules or keywords.

    Examples:

      qcode codebook edit GOV-MAC-01 --definition "National plans and their follow-up"

      qcode codebook edit ORG-MIC-02 --keywords "watched,monitored" --why "new wording"
    """
    from qcode.codebook.changes import plan_edit

    project = state(ctx).project()
    _editor(project)
    fields = {"definition": definition, "include": include, "exclude": exclude,
              "keywords": split_names(keywords) if keywords else None}
    _commit(project, lambda cb, _m: plan_edit(cb, code, fields), fmt, why)


def rename(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="CODE", help="The code (id or name)."),
    new_id: str | None = typer.Option(None, "--id", help="Its new id."),
    name: str | None = typer.Option(None, "--name", help="Its new name."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """Give a code a new id or name; its codings follow (coders' logs are not rewritten).

    Examples:

      qcode codebook rename GOV-MAC-01 --name "National strategy"

      qcode codebook rename ORG-MIC-09 --id ORG-MIC-03
    """
    from qcode.codebook.changes import plan_rename

    project = state(ctx).project()
    _editor(project)
    _commit(project, lambda cb, m: plan_rename(cb, m, code, new_id=new_id, name=name), fmt,
            why)


def move(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="CODE", help="The code (id or name)."),
    theme: str = typer.Option(..., "--theme", "-t", help="The theme to move it to."),
    level: str | None = typer.Option(None, "--level", "-l", help="The level to move it to "
                                                                 "(default: its own)."),
    new_id: str | None = typer.Option(None, "--id", help="Its new id (default: the next "
                                                         "free id of the new cell)."),
    keep_id: bool = typer.Option(False, "--keep-id", help="Keep the id as it is."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """Move a code to another theme x level cell; its codings follow.

    Examples:

      qcode codebook move GOV-MES-04 --theme ORG --level meso
    """
    from qcode.codebook.changes import plan_move

    project = state(ctx).project()
    _editor(project)
    _commit(project, lambda cb, m: plan_move(cb, m, code, theme, level, new_id=new_id,
                                             keep_id=keep_id), fmt, why)


def merge(
    ctx: typer.Context,
    codes: list[str] = typer.Argument(..., metavar="CODE...", help="The codes to merge."),
    into: str = typer.Option(..., "--into", help="The code they become."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """Merge codes into one: their codings become its codings (one coding where a segment
    had several of them); the merged codes leave the codebook.

    Examples:

      qcode codebook merge ECO-MES-02 ECO-MES-03 --into ECO-MES-01
    """
    from qcode.codebook.changes import plan_merge

    project = state(ctx).project()
    _editor(project)
    _commit(project, lambda cb, _m: plan_merge(cb, codes, into), fmt, why)


def split(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="CODE", help="The code to split."),
    into: str = typer.Option(..., "--into", help="Its parts, comma-separated: existing "
                                                 "codes, or names of new codes in its cell."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """Split a code in two or more: its codings wait for each coder to re-assign them
    (qcode code DOC --coder C --recode CODE); until then they count as CODE, with a warning.

    Examples:

      qcode codebook split ORG-MIC-01 --into "Trust in video,Trust in colleagues"
    """
    from qcode.codebook.changes import plan_split

    project = state(ctx).project()
    _editor(project)
    parts = [p for p in into.split(",") if p.strip()]
    _commit(project, lambda cb, m: plan_split(cb, m, code, parts), fmt, why)


def retire(
    ctx: typer.Context,
    code: str = typer.Argument(..., metavar="CODE", help="The code to retire."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """Retire a code: no longer offered or suggested; its codings are kept and counted.

    Examples:

      qcode codebook retire GOV-MIC-03 --why "never used after pilot"
    """
    from qcode.codebook.changes import plan_retire

    project = state(ctx).project()
    _editor(project)
    _commit(project, lambda cb, _m: plan_retire(cb, code), fmt, why)


def review(
    ctx: typer.Context,
    accept: str | None = typer.Option(None, "--accept", metavar="ID",
                                      help="Add the proposed code to the codebook."),
    merge_id: str | None = typer.Option(None, "--merge", metavar="ID",
                                        help="Merge the proposed code into --into CODE."),
    into: str | None = typer.Option(None, "--into", help="The code for --merge."),
    reject: str | None = typer.Option(None, "--reject", metavar="ID",
                                      help="Reject the proposal."),
    why: str | None = WHY,
    fmt: ActionFormat = FORMAT,
) -> None:
    """List codes proposed by people who may not change the codebook, or decide one.

    Examples:

      qcode codebook review

      qcode codebook review --accept 3f9c2a

      qcode codebook review --merge 3f9c2a --into ORG-MIC-02
    """
    from qcode.codebook.changes import plan_accept, plan_merge_proposal, plan_reject
    from qcode.codebook.history import code_map
    from qcode.errors import UsageError

    project = _opened(ctx)
    chosen = [x for x in (accept, merge_id, reject) if x is not None]
    if len(chosen) > 1:
        raise UsageError("give one of --accept, --merge and --reject")
    if merge_id is not None and into is None:
        raise UsageError("--merge needs --into CODE", hint=f"qcode codebook review --merge "
                                                           f"{merge_id} --into CODE")
    if not chosen:
        props = list(code_map(project.root).proposed.values())
        rows = [{"id": p.id, "code": p.code.get("id"), "name": p.code.get("name"),
                 "theme": p.code.get("theme"), "level": p.code.get("level"), "by": p.by,
                 "at": p.at, "why": p.why} for p in props]
        if fmt is ActionFormat.json:
            echo_json({"proposals": rows})
            return
        if not rows:
            say("No proposed codes are waiting for review.")
            return
        for r in rows:
            say(f"{r['id']}  {r['code']}  '{r['name']}'  ({r['theme']} x {r['level']})  "
                f"by {r['by']} {r['at']}" + (f"  why: {r['why']}" if r["why"] else ""))
        say(f"{len(rows)} proposal{'' if len(rows) == 1 else 's'}: decide with --accept ID, "
            "--merge ID --into CODE or --reject ID")
        return
    _editor(project)

    def plan(cb: Codebook, cmap: CodeMap) -> Change:
        if accept is not None:
            return plan_accept(cb, cmap, accept)
        if merge_id is not None and into is not None:
            return plan_merge_proposal(cb, cmap, merge_id, into)
        assert reject is not None
        return plan_reject(cmap, reject)

    _commit(project, plan, fmt, why)


class HistoryFormat(str, Enum):
    table = "table"
    json = "json"


def history(
    ctx: typer.Context,
    code: str | None = typer.Option(None, "--code", "-k", help="Only the changes that "
                                    "concern this code (under any of its ids)."),
    fmt: HistoryFormat = typer.Option(HistoryFormat.table, "--format", "-f",
                                      help="Output format."),
) -> None:
    """The codebook's change history: who changed what, when and why.

    Examples:

      qcode codebook history

      qcode codebook history --code GOV-MAC-01 --format json
    """
    from qcode.cli.console import warn
    from qcode.codebook.commit import summary
    from qcode.codebook.history import aliases, fold, involves, read_history

    project = _opened(ctx)
    hist = read_history(project.root)
    events = list(hist.events)
    if code is not None:
        ids = aliases(fold(events), code.strip())
        events = [e for e in events if involves(e, ids)]
    if hist.damaged_lines:
        n = len(hist.damaged_lines)
        warn(f"skipped {n} unreadable line{'' if n == 1 else 's'} in codebook.log.jsonl "
             f"(line{'' if n == 1 else 's'} {', '.join(map(str, hist.damaged_lines))})")
    if fmt is HistoryFormat.json:
        echo_json({"events": [{**e, "summary": summary(e)} for e in events],
                   "unreadable_lines": list(hist.damaged_lines)})
        return
    if not events:
        say("No codebook changes recorded" + (f" for {code}." if code else "."))
        return
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("when", "who", "change", "why"):
        table.add_column(col)
    for e in events:
        table.add_row(str(e.get("at", "")), str(e.get("by", "")), summary(e),
                      str(e.get("why") or ""))
    out().print(table, markup=False)


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


def diff(
    ctx: typer.Context,
    old: str = typer.Argument(..., metavar="OLD", help="A codebook file, or a git revision "
                                                       "of the project's codebook.yaml."),
    new: str = typer.Argument(..., metavar="NEW", help="The same for the newer one."),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Compare two codebooks: codes added, removed, renamed, moved and changed.

    Examples:

      qcode codebook diff old.yaml codebook.yaml

      qcode codebook diff HEAD~3 HEAD
    """
    from qcode.codebook.compare import compare, read_version
    from qcode.errors import ProjectNotFoundError

    try:
        project: Project | None = _opened(ctx)
    except ProjectNotFoundError:
        project = None
    root = project.root if project is not None else None
    yaml_name = project.settings.codebook if project is not None else "codebook.yaml"
    old_label, old_cb = read_version(old, root, yaml_name)
    new_label, new_cb = read_version(new, root, yaml_name)
    result = compare(old_cb, new_cb, old_label, new_label)
    if fmt is DiffFormat.json:
        echo_json(result.as_dict())
        return
    for c in result.added:
        say(f"added    {c.id} '{c.name}' ({c.theme} x {c.level})")
    for c in result.removed:
        say(f"removed  {c.id} '{c.name}'")
    for a, b in result.renamed:
        say(f"renamed  {a.id} -> {b.id}" + (f" ('{a.name}' -> '{b.name}')"
                                            if a.name != b.name else ""))
    for a, b in result.moved:
        say(f"moved    {b.id}: {a.theme} x {a.level} -> {b.theme} x {b.level}")
    for _a, b, fields in result.changed:
        say(f"changed  {b.id}: {', '.join(fields)}")
    if not result:
        say(f"No differences in codes between {old_label} and {new_label}.")


def add_commands(app: typer.Typer) -> None:
    for fn in (add, edit, rename, move, merge, split, retire, review, history, diff):
        app.command(fn.__name__)(fn)

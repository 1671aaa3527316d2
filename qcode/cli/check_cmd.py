"""``qcode check``: the project doctor."""

from __future__ import annotations

import typer

from qcode.cli.console import echo_json, note, say, state, warn
from qcode.cli.options import ActionFormat
from qcode.errors import ExitCode


def check(
    ctx: typer.Context,
    fix: bool = typer.Option(False, "--fix", help="Do what is safe: finish interrupted "
                                                  "steps, remove leftover temp files, add "
                                                  "missing .gitignore lines."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: lines for people; json: every finding."),
) -> None:
    """Check the whole project: read every file and report what is wrong.

    Finds unreadable coder-log lines, codings whose code, document or segment is not in
    the project or whose quote no longer matches the text, stale reconciliation decisions,
    temp files of killed writes, unfinished imports or replaces, symbolic links in data
    folders and git conflict markers in codebook.yaml, qcode.toml or documents/*.json.
    Changes nothing unless --fix is given; --fix does only what cannot lose anything.

    Exit status: 0 when the project is clean, 10 (problems found) otherwise.

    JSON: {"schema_version", "clean", "problem_counts": {kind: n}, "problems": [{"kind",
    "path", "line", "count", "message", "hint", "fixable"}], "fixed": [line, ...]}.

    Examples:

      qcode check

      qcode check --fix
    """
    from qcode.doctor.fix import fix_project
    from qcode.doctor.run import check_project
    from qcode.project import open_project

    # opened as it is: the usual opening would settle pending steps before they are seen
    project = open_project(state(ctx).project_dir)
    report = fix_project(project) if fix else check_project(project)
    if fmt is ActionFormat.json:
        echo_json(report.as_dict())
        for line in report.fixed:
            note(f"Fixed: {line}")
    else:
        for line in report.fixed:
            say(f"Fixed: {line}")
        for p in report.problems:
            where = f"{p.path}:{p.line}" if p.line is not None else p.path
            say(f"{p.kind}: {where}: {p.message}")
            if p.hint:
                say(f"  Hint: {p.hint}")
    if report.clean:
        note("No problems found." if not report.fixed else "No problems left.")
        return
    n = len(report.problems)
    fixable = sum(p.fixable for p in report.problems)
    warn(f"{n} problem{'s' if n != 1 else ''} found"
         + (f"; {fixable} can be fixed with: qcode check --fix" if fixable else ""))
    raise typer.Exit(int(ExitCode.PROBLEMS_FOUND))


def register(app: typer.Typer) -> None:
    app.command("check")(check)

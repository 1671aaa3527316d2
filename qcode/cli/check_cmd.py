"""``qcode check``: the project doctor."""

from __future__ import annotations

from pathlib import PurePosixPath

import typer

from qcode.cli.console import echo_json, note, say, state, warn
from qcode.cli.options import CODERS_METAVAR, ActionFormat, split_names
from qcode.errors import ExitCode, UsageError

ACCEPT = "qcode check --accept-lost-lines --coder"


def check(
    ctx: typer.Context,
    fix: bool = typer.Option(False, "--fix", help="Do what is safe: finish interrupted "
                                                  "steps, remove leftover temp files, add "
                                                  "missing .gitignore lines."),
    accept: bool = typer.Option(False, "--accept-lost-lines",
                                help="Accept the log of each --coder that lost lines this "
                                     "machine had read as it is now (what it lost stays "
                                     "in git's history). Never done by --fix."),
    coder: list[str] | None = typer.Option(None, "--coder", "-c", metavar=CODERS_METAVAR,
                                           help="With --accept-lost-lines: the coders whose "
                                                "logs to accept."),
    fmt: ActionFormat = typer.Option(ActionFormat.table, "--format", "-f",
                                     help="table: lines for people; json: every finding."),
) -> None:
    """Check the whole project: read every file and report what is wrong.

    Finds unreadable coder-log lines, codings whose code, document or segment is not in
    the project or whose quote no longer matches the text, stale reconciliation decisions,
    temp files of killed writes, unfinished imports or replaces, symbolic links in data
    folders and git conflict markers in codebook.yaml, qcode.toml or documents/*.json.
    Changes nothing unless --fix is given; --fix does only what cannot lose anything.
    A coder log that lost lines stays reported after --fix: accepting it silences a
    data-loss warning, so it takes --accept-lost-lines with the coder named.

    Exit status: 0 when the project is clean, 10 (problems found) otherwise.

    JSON: {"schema_version", "clean", "problem_counts": {kind: n}, "problems": [{"kind",
    "path", "line", "count", "message", "hint", "fixable"}], "fixed": [line, ...]}.

    Examples:

      qcode check

      qcode check --fix

      qcode check --accept-lost-lines --coder ingrid
    """
    from qcode.doctor.fix import accept_lost_lines, fix_project
    from qcode.doctor.run import CheckReport, check_project
    from qcode.project import open_project

    names = split_names(coder)
    if accept and not names:
        raise UsageError("--accept-lost-lines needs the coder whose log to accept",
                         hint=f"name it: {ACCEPT} NAME (qcode check lists the logs that "
                              "lost lines)")
    if names and not accept:
        raise UsageError("qcode check takes --coder only with --accept-lost-lines",
                         hint=f"{ACCEPT} NAME")
    # opened as it is: the usual opening would settle pending steps before they are seen
    project = open_project(state(ctx).project_dir)
    accepted = accept_lost_lines(project, names) if accept else None
    report = fix_project(project) if fix else check_project(project)
    if accepted is not None:
        report = CheckReport(report.problems, accepted.done + report.fixed)
        for rel in accepted.nothing_lost:
            note(f"Nothing to accept: {rel} has lost no lines this machine read")
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
    lost = [PurePosixPath(p.path).stem for p in report.problems if p.kind == "rewritten_log"]
    warn(f"{n} problem{'s' if n != 1 else ''} found"
         + (f"; {fixable} can be fixed with: qcode check --fix" if fixable else "")
         + (f"; {len(lost)} log{'s' if len(lost) != 1 else ''} that lost lines can be "
            f"accepted with: {ACCEPT} {','.join(lost)}" if lost else ""))
    raise typer.Exit(int(ExitCode.PROBLEMS_FOUND))


def register(app: typer.Typer) -> None:
    app.command("check")(check)

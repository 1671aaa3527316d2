"""Consoles, output helpers and the per-invocation state shared by every command.

Commands print tables for people to stdout with rich, machine output (JSON, CSV) with
plain ``echo`` so it is never wrapped or coloured, and diagnostics to stderr. rich honours
NO_COLOR by itself; progress bars appear only when stderr is a terminal.

Transcripts and codebooks are untrusted, and a terminal obeys escape sequences: an ESC,
CSI, OSC or BEL in a code name or a quote could recolour the screen, retitle the window or
hide text. Everything printed for people goes through :func:`safe_text` (control
characters other than tab and newline written out as ``\\xNN``): the consoles of
:func:`out` and :func:`err` apply it to every piece of text they render (table cells
included), and :func:`say`, :func:`note` and :func:`warn` to their lines.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from qcode._io.controls import visible

if TYPE_CHECKING:
    from rich.console import Console

    from qcode.coding.usable import Omissions
    from qcode.ingest.reanchor import ReanchorReport
    from qcode.outputs import Lines
    from qcode.project import Project


@dataclass
class State:
    """What the root callback parsed: reachable from every command as ``ctx.obj``."""

    project_dir: Path | None = None
    debug: bool = False
    _project: Project | None = field(default=None, repr=False)

    def project(self, *, resuming_import: bool = False) -> Project:
        """The project named by --project / QCODE_PROJECT, else the one around the cwd.

        What a killed command left unfinished is settled first (an interrupted replace is
        re-anchored, with a note; an interrupted import is refused unless
        ``resuming_import``), so no command reads codings that do not match their text.
        """
        if self._project is None:
            from qcode._io.leftovers import sweep_project
            from qcode.pending import finish_pending
            from qcode.project import DATA_FOLDERS, open_project

            project = open_project(self.project_dir)
            sweep_project(project.root, DATA_FOLDERS)  # temp files of killed runs
            for finished in finish_pending(project, resuming_import=resuming_import):
                note_finished(finished)
            self._project = project
        return self._project


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State(project_dir=_env_project())
    return root.obj


def _env_project() -> Path | None:
    env = os.environ.get("QCODE_PROJECT")
    return Path(env) if env else None


def safe_text(text: str) -> str:
    r"""``text`` made safe for a terminal: every C0/C1 control character and DEL but tab and
    newline is written out as ``\xNN``, so no escape sequence from data reaches the screen.

    >>> safe_text("Trust\x1b]0;pwned\x07 \x1b[2Jin video\tok")
    'Trust\\x1b]0;pwned\\x07 \\x1b[2Jin video\tok'
    """
    return visible(text)


def out() -> Console:
    """A console on stdout (created per call, so test runners that swap stdout work);
    rich is imported here, by the commands that render with it (safe_console)."""
    from qcode.cli.safe_console import SafeConsole

    return SafeConsole(highlight=False, soft_wrap=False)


def err() -> Console:
    from qcode.cli.safe_console import SafeConsole

    return SafeConsole(stderr=True, highlight=False)


def print_whole(console: Console, renderable: object, **kwargs: Any) -> None:
    """Print ``renderable`` (a table) no narrower than its longest words: at a terminal too
    narrow for them the lines come out wider (the terminal wraps them) instead of rich
    cutting a value (``0.456`` to ``0.…``) or folding a count into digits."""
    from rich.measure import Measurement

    least = Measurement.get(console, console.options.update_width(10**6),
                            renderable).minimum  # type: ignore[arg-type]
    if least <= console.width:
        console.print(renderable, **kwargs)
        return
    width = console.width
    console.width = least
    try:
        console.print(renderable, **kwargs)
    finally:
        console.width = width


def say(message: str = "", *, nl: bool = True) -> None:
    """A line for people on stdout (control characters made visible, see safe_text)."""
    typer.echo(safe_text(message), nl=nl)


_C1 = re.compile(r"[\x7f-\x9f]")

#: the version of every command's JSON output (docs/cli.md); raised when keys change
SCHEMA_VERSION = 1


def json_text(data: dict[str, Any]) -> str:
    """A command's JSON output: an object whose first key is "schema_version"; sorted only
    where the caller sorted, UTF-8, two-space indent, a final newline."""
    body = {k: v for k, v in data.items() if k != "schema_version"}
    text = json.dumps({"schema_version": SCHEMA_VERSION, **body}, indent=2,
                      ensure_ascii=False) + "\n"
    # json escapes C0 controls itself but leaves DEL and the C1 range (U+009B is a CSI)
    if text.isascii() and "\x7f" not in text:  # nothing to escape (both checks in C)
        return text
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo_json(data: dict[str, Any]) -> None:
    """Print a command's JSON output (see :func:`json_text`) on stdout."""
    typer.echo(json_text(data), nl=False)


def emit(text: str | Lines, output: Path | None) -> None:
    """Machine or document output: to stdout, or atomically to ``output`` with a note
    (:class:`~qcode.outputs.Lines` a chunk at a time)."""
    if output is None:  # a document on a terminal is for reading: no escape sequences
        tty = sys.stdout.isatty()
        for piece in (text,) if isinstance(text, str) else text.chunks():
            typer.echo(safe_text(piece) if tty else piece, nl=False)
        return
    from qcode.outputs import write_output

    write_output(output, text)  # refuses the project's own files and symbolic links
    note(f"Wrote {output}")


def warn(message: str) -> None:
    typer.echo(f"Warning: {safe_text(message)}", err=True)


def _listed(items: list[str], limit: int) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more"
                                       if len(items) > limit else "")


def omission_lines(om: Omissions, root: Path | None = None) -> list[str]:
    """The warnings for what a command left out of the codings it read: one line per log
    with unreadable lines, one per coder with codings that refer to what is not in the
    project. Paths are shown relative to ``root`` (the project folder)."""
    lines = []
    for d in om.damaged:
        log = d.log
        if root is not None and log.is_relative_to(root):
            log = log.relative_to(root)
        n = len(d.lines)
        where = ("line " if n == 1 else "lines ") + _listed([str(x) for x in d.lines], 10)
        lines.append(f"skipped {n} unreadable line{'' if n == 1 else 's'} in {log} ({where}; "
                     f"{d.events} event{'' if d.events == 1 else 's'} lost): they are left "
                     "out until those lines are repaired or removed")
    for lo in om.left_out:
        if not lo.total:  # only codings of archived documents: archived_lines
            continue
        named = _listed([f"{kind} {ident} ({n})" for kind, ident, n in lo.missing
                         if kind != "archived"], 5)
        lines.append(f"left out {lo.total} coding{'' if lo.total == 1 else 's'} by {lo.coder} "
                     f"whose code, document or segment is not in the project: {named}")
    for coder, code, n in om.awaiting_recode:
        lines.append(f"{n} coding{'' if n == 1 else 's'} by {coder} of {code}, which was split, "
                     f"still count as {code} until re-assigned: qcode code DOC --coder "
                     f"{coder} --recode {code}")
    for coder, what in om.not_append:
        lines.append(f"codings/{coder}.jsonl is not an append of what this machine read: "
                     f"{what}; see: qcode check")
    return lines


def warn_omissions(om: Omissions, root: Path | None = None) -> None:
    """Print :func:`omission_lines` as warnings on stderr (nothing when nothing was left
    out). Every command that reads codings calls this with what the core returned."""
    for line in omission_lines(om, root):
        warn(line)
    for line in archived_lines(om):
        note(line)


def archived_lines(om: Omissions) -> list[str]:
    """One note per coder whose codings of archived documents (``qcode docs remove``) were
    left out: deliberate, so a note rather than a warning."""
    lines = []
    for lo in om.left_out:
        docs = [(ident, n) for kind, ident, n in lo.missing if kind == "archived"]
        if docs:
            total = sum(n for _, n in docs)
            lines.append(f"Note: {total} coding{'' if total == 1 else 's'} by {lo.coder} on "
                         f"archived documents left out: "
                         f"{_listed([f'{d} ({n})' for d, n in docs], 5)}")
    return lines


def note(message: str) -> None:
    """A diagnostic for people on stderr (never mixed into machine output on stdout)."""
    typer.echo(safe_text(message), err=True)


def note_finished(report: ReanchorReport) -> None:
    """Say that the re-anchoring of an interrupted ``ingest --replace`` was finished."""
    note(f"Finishing the re-anchoring of {report.doc}, interrupted earlier:")
    for line in report.lines():
        note(line)


@contextmanager
def progress(total: int, description: str) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; silent when piped or under tests.

    Yields a callable ``advance(n=1)``.
    """
    if not sys.stderr.isatty() or total <= 1:
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=err(),
                  transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


@contextmanager
def progress_steps(description: str) -> Iterator[Any]:
    """Like :func:`progress`, for work that learns its total as it goes.

    Yields a callable ``update(done, total)``; silent unless stderr is a terminal.
    """
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=err(),
                  transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)

"""The root ``qcode`` command (without its commands) and the one error boundary of the CLI.

Every expected failure (a :class:`qcode.errors.QcodeError`) is caught in
:meth:`QcodeGroup.invoke`, printed as ``Error: ...`` (plus ``Hint: ...``) on stderr, and
turned into its named exit code. Anything else is a bug: one line without a traceback,
unless ``--debug`` is given. Tracebacks never show local variables (transcripts are
confidential).

:func:`make_app` builds the root with no commands: :mod:`qcode.cli.app` registers every
command module on it, and :mod:`qcode.cli.entry` registers only the module of the command
being run (see :mod:`qcode.cli.commands`), so a read command does not import the others.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import typer
from typer.exceptions import TyperException

from qcode import __version__
from qcode._io.write_errors import write_failed
from qcode.cli.console import State, safe_text, state
from qcode.cli.groups import SuggestingGroup
from qcode.cli.quick_params import install
from qcode.errors import ExitCode, QcodeError

#: OS errors only a write can raise (EIO and EACCES can come from a read as well)
WRITE_ONLY_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


#: the detail lines an error shows at most (an import of a file with the wrong codebook
#: has one problem per row: tens of thousands)
MOST_DETAILS = 20


def report_error(exc: QcodeError) -> None:
    """The error's lines on stderr (at most :data:`MOST_DETAILS` details, then how many
    more); a value quoted from a file cannot carry an escape sequence to the terminal
    (safe_text)."""
    typer.echo(f"Error: {safe_text(exc.message)}", err=True)
    details = exc.details
    shown = details if len(details) <= MOST_DETAILS + 1 else details[:MOST_DETAILS]
    for line in shown:
        typer.echo(f"  {safe_text(line)}", err=True)
    if len(shown) < len(details):
        typer.echo(f"  ... and {len(details) - len(shown):,} more", err=True)
    if exc.hint:
        typer.echo(f"Hint: {safe_text(exc.hint)}", err=True)


#: the order of ``qcode --help``: the pipeline, from a new project to the exchange formats
COMMAND_ORDER = (
    "demo", "init", "codebook", "ingest", "docs", "sets", "speakers", "pseudonyms", "show",
    "search",
    "attributes", "code", "tag", "untag", "undo", "done", "coders", "progress", "codings", "memo",
    "suggest",
    "agree", "diff", "reconcile", "matrix", "cooccur", "report", "methods",
    "export", "import", "registry", "joint", "check", "status",
)


class QcodeGroup(SuggestingGroup):
    """The root group: commands listed in pipeline order, and the error funnel."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install(self)  # plain values converted without building pydantic adapters

    def list_commands(self, ctx: Any) -> list[str]:
        known = [name for name in COMMAND_ORDER if name in self.commands]
        return known + [name for name in self.commands if name not in COMMAND_ORDER]

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QcodeError as exc:
            if _debug(ctx):
                raise
            report_error(exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted: every action confirmed before this point is saved.",
                       err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except TyperException as exc:
            # typer validates choices with pydantic, whose messages start "Value error, "
            message = getattr(exc, "message", None)
            if isinstance(message, str) and message.startswith("Value error, "):
                exc.message = message.removeprefix("Value error, ")
            raise
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            raise typer.Exit(int(ExitCode.OK)) from None
        except Exception as exc:
            if _debug(ctx):
                raise
            if isinstance(exc, OSError) and exc.errno in WRITE_ONLY_ERRORS:
                # a write not yet mapped where it happens: still the write-failure family
                report_error(write_failed(exc.filename or "a file", exc,
                                          "what was saved before it is kept"))
                raise typer.Exit(int(ExitCode.WRITE_FAILED)) from None
            typer.echo(f"Error: unexpected failure ({type(exc).__name__}); this is a bug "
                       "in qcode", err=True)
            typer.echo("Hint: run the command again with --debug for the traceback, and "
                       "report it (check it for transcript text before sharing)", err=True)
            raise typer.Exit(int(ExitCode.FAILURE)) from None


def _debug(ctx: Any) -> bool:
    obj = ctx.find_root().obj
    return isinstance(obj, State) and obj.debug


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qcode {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    project: Path | None = typer.Option(
        None, "--project", "-P", envvar="QCODE_PROJECT", metavar="DIR",
        help="The project folder (default: found by walking up from the current folder).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of failures."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Global options come before the command: qcode --project study docs."""
    st = state(ctx)
    st.project_dir = project
    st.debug = debug


def make_app() -> typer.Typer:
    """The root ``qcode`` group with its global options and no commands yet."""
    app = typer.Typer(
        cls=QcodeGroup,
        name="qcode",
        help="qcode: code interview transcripts in the terminal, measure agreement, count, "
             "report.\n\nExamples:\n\n  qcode demo /tmp/demo\n\n  qcode init study && cd study"
             "\n\n  qcode codebook show --format json",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    return app

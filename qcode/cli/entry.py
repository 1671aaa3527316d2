"""The ``qcode`` console script: answer ``qcode --version`` before the command tree is built.

Building the command tree (typer, rich and every command module) costs most of qcode's
start-up; a bare ``--version``, which scripts call to check the install, needs none of it.
Any other command is run on a root that has only that command's module registered
(:mod:`qcode.cli.commands`); ``qcode --help`` and unknown names get the whole tree
(:func:`qcode.cli.app.main`).
"""

from __future__ import annotations

import os
import sys
import threading


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from qcode import __version__

        sys.stdout.write(f"qcode {__version__}\n")
        return
    # qcode installs no pydantic plugin; without this, building the first validator reads
    # the entry points of every installed distribution to look for one (10-20 ms)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from qcode.cli.commands import MODULE_OF, command_name

    module = MODULE_OF.get(command_name(sys.argv[1:]) or "")
    if module is None:  # qcode --help, a bare qcode, a name to suggest for: the whole tree
        from qcode.cli.app import main as run

        run()
        return
    # only the command being run: its module alone is imported and inspected by typer
    from importlib import import_module

    from qcode.cli.root import make_app

    app = make_app()
    import_module(f"qcode.cli.{module}").register(app)
    try:
        app(prog_name="qcode")
    except SystemExit as exc:
        end_quickly(exc.code)
        raise
    end_quickly(0)


def end_quickly(code: object) -> None:
    """End the process now with ``code`` (None is 0), without Python freeing every object
    the command made: at 2,000 transcripts that teardown alone is 0.14-0.22 s of a 2 s
    ``diff``, ``report`` or ``agree``. Only once nothing is left for it to do: the command
    has returned or exited (its files written, closed and synced, its locks released, its
    temporary folders removed by their own ``finally``), no other thread runs, and stdout
    and stderr flush; otherwise this returns and Python ends as usual (a string exit code,
    a broken pipe, an exception, or a profiler or coverage watching the run)."""
    code = 0 if code is None else code
    if (not isinstance(code, int) or threading.active_count() > 1
            or sys.gettrace() is not None or sys.getprofile() is not None):
        return  # a tracer or profiler (coverage, cProfile) writes its data at the end
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)

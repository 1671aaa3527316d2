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
    app(prog_name="qcode")

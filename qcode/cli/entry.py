"""The ``qcode`` console script: answer ``qcode --version`` before the command tree is built.

Building the command tree (typer, rich and every command module) costs most of qcode's
start-up; a bare ``--version``, which scripts call to check the install, needs none of it.
Every other invocation goes to :func:`qcode.cli.app.main` unchanged.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from qcode import __version__

        sys.stdout.write(f"qcode {__version__}\n")
        return
    from qcode.cli.app import main as run

    run()

"""Standard input for the interactive commands (``code``, ``reconcile --strategy ask``).

A script may run qcode with standard input closed (``qcode code N03 --coder x <&-``):
Python then has no ``sys.stdin`` at all. The commands that read answers refuse that with
one line instead of failing inside the session.
"""

from __future__ import annotations

import sys

from qcode.errors import UsageError


def require_stdin(what: str, hint: str) -> None:
    """A UsageError saying that ``what`` needs standard input, when it is closed."""
    if sys.stdin is None or sys.stdin.closed:
        raise UsageError(f"standard input is closed, so {what}", hint=hint)


def is_terminal() -> bool:
    """Standard input is open and a terminal."""
    return sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty()

"""The whole ``qcode`` command tree: the root of :mod:`qcode.cli.root` with every command
module registered on it.

The console script (:mod:`qcode.cli.entry`) registers only the module of the command being
run; this tree serves ``qcode --help``, a command name that needs suggestions, the tests and
``python -m qcode.cli.app``-style callers. The one error boundary is
:class:`qcode.cli.root.QcodeGroup`.
"""

from __future__ import annotations

from qcode.cli.root import COMMAND_ORDER, QcodeGroup, make_app, report_error

__all__ = ["COMMAND_ORDER", "QcodeGroup", "app", "main", "report_error"]

app = make_app()

# Command modules register themselves here; each keeps heavy imports inside its commands.
from qcode.cli import codebook_cmd, project_cmd  # noqa: E402

project_cmd.register(app)
codebook_cmd.register(app)
# (more command modules are registered below as they are added)
from qcode.cli import ingest_cmd  # noqa: E402

ingest_cmd.register(app)
from qcode.cli import registry_cmd  # noqa: E402

registry_cmd.register(app)
from qcode.cli import agree_cmd  # noqa: E402

agree_cmd.register(app)
from qcode.cli import matrix_cmd  # noqa: E402

matrix_cmd.register(app)
from qcode.cli import report_cmd  # noqa: E402

report_cmd.register(app)
from qcode.cli import demo_cmd  # noqa: E402

demo_cmd.register(app)
from qcode.cli import reconcile_cmd  # noqa: E402

reconcile_cmd.register(app)
from qcode.cli import exchange_cmd  # noqa: E402

exchange_cmd.register(app)
from qcode.cli import coding_cmd  # noqa: E402

coding_cmd.register(app)
from qcode.cli import check_cmd  # noqa: E402

check_cmd.register(app)
from qcode.cli import status_cmd  # noqa: E402

status_cmd.register(app)
from qcode.cli import docs_cmd  # noqa: E402

docs_cmd.register(app)
from qcode.cli import sets_cmd  # noqa: E402

sets_cmd.register(app)
from qcode.cli import speakers_cmd  # noqa: E402

speakers_cmd.register(app)
from qcode.cli import memo_cmd  # noqa: E402

memo_cmd.register(app)
from qcode.cli import progress_cmd  # noqa: E402

progress_cmd.register(app)
from qcode.cli import search_cmd  # noqa: E402

search_cmd.register(app)
from qcode.cli import pseudonyms_cmd  # noqa: E402

pseudonyms_cmd.register(app)
from qcode.cli import methods_cmd  # noqa: E402

methods_cmd.register(app)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="qcode")

"""Which command module registers which top-level command, so the console script builds
only the command being run.

Building the whole tree imports every command module and has typer inspect every command's
signature (about sixty commands); a read command such as ``qcode matrix`` needs one module.
:func:`command_name` finds the command in the arguments (after the global options of
:func:`qcode.cli.root.root`), and :data:`MODULE_OF` names its module. A name not listed
here, ``qcode --help`` and a bare ``qcode`` get the whole tree (:mod:`qcode.cli.app`), so a
command added there without an entry here still works, only slower;
tests/project/test_startup.py checks that this table matches the tree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

#: top-level command -> the qcode.cli module whose ``register(app)`` adds it
MODULE_OF: dict[str, str] = {
    "init": "project_cmd",
    "codebook": "codebook_cmd",
    "ingest": "ingest_cmd", "show": "ingest_cmd", "attributes": "ingest_cmd",
    "joint": "registry_cmd", "registry": "registry_cmd",
    "agree": "agree_cmd",
    "matrix": "matrix_cmd", "cooccur": "matrix_cmd",
    "report": "report_cmd",
    "demo": "demo_cmd",
    "diff": "reconcile_cmd", "reconcile": "reconcile_cmd",
    "export": "exchange_cmd", "import": "exchange_cmd",
    "code": "coding_cmd", "tag": "coding_cmd", "untag": "coding_cmd", "undo": "coding_cmd",
    "done": "coding_cmd", "coders": "coding_cmd", "suggest": "coding_cmd",
    "codings": "coding_cmd",
    "check": "check_cmd",
    "status": "status_cmd",
    "docs": "docs_cmd",
    "sets": "sets_cmd",
    "speakers": "speakers_cmd",
    "memo": "memo_cmd",
    "progress": "progress_cmd",
    "search": "search_cmd",
    "pseudonyms": "pseudonyms_cmd",
    "methods": "methods_cmd",
}

#: the root's options that take a value (``--project DIR``); the others are flags
VALUE_OPTIONS = frozenset({"--project", "-P"})
#: the root's flags that stop before any command (these need the whole tree or none)
ROOT_ONLY = frozenset({"--help", "-h", "--version"})


def command_name(args: Sequence[str]) -> str | None:
    """The command the arguments run (None: no command, or a root-only flag such as
    ``--help`` comes first, or an option this table does not know)."""
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ROOT_ONLY:
            return None
        if arg in VALUE_OPTIONS:
            if not rest:
                return None
            rest.pop(0)
            continue
        if arg.startswith("--project=") or arg == "--debug":
            continue
        if arg.startswith("-"):
            return None
        return arg
    return None

"""Start-up: the console script builds only the command being run, and a read command
imports none of the heavy libraries it does not use (issue 19).

Each run is a fresh interpreter that goes through :func:`qcode.cli.entry.main` exactly as
the ``qcode`` script does, then lists what ``sys.modules`` holds; no timing is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from qcode.cli import app as full
from qcode.cli.commands import MODULE_OF, command_name
from qcode.cli.root import make_app
from qcode.demo import run_demo

# libraries only writing, exchange, fuzzy matching or the coding app need (ruamel: a
# codebook rewrite); numpy only the agreement coefficients
HEAVY = ("textual", "docx", "openpyxl", "lxml", "ruamel", "numpy", "rapidfuzz", "srt")
# modules of the exchange formats' writing side, never needed to read a project
WRITE_SIDE = ("qcode.refiqda.import_write", "qcode.refiqda.importer", "qcode.refiqda.exporter")
READ_COMMANDS = (
    (("matrix",), ()),
    (("cooccur",), ()),
    (("agree", "--coder", "ingrid,lars"), ("numpy",)),
    (("report", "--format", "md"), ("numpy",)),
)

PROBE = """
import json, sys
sys.argv = ["qcode", *json.loads(sys.argv[1])]
from qcode.cli import entry
from qcode.cli.entry import main
entry.end_quickly = lambda code: None  # end through here, to list what was imported
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + " " + str(code) + "\\n")
"""


def loaded(args: list[str]) -> tuple[set[str], int]:
    """The modules a fresh ``qcode ARGS`` has imported when it ends, and its exit code."""
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)],
                          capture_output=True, text=True, timeout=120, check=False)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("MODULES ")][-1]
    names, code = line.removeprefix("MODULES ").rsplit(" ", 1)
    return set(json.loads(names)), int(code)


def heavy(modules: set[str], needed: tuple[str, ...] = ()) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & (set(HEAVY) - set(needed)))


def other_commands(modules: set[str], own: str) -> list[str]:
    return sorted(m for m in modules if m.startswith("qcode.cli.")
                  and m.removeprefix("qcode.cli.") in set(MODULE_OF.values()) - {own})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("startup") / "demo"
    run_demo(root)
    return root


@pytest.mark.parametrize(("command", "needed"), READ_COMMANDS,
                         ids=[c[0] for c, _ in READ_COMMANDS])
def test_a_read_command_imports_no_heavy_library(demo: Path, command: tuple[str, ...],
                                                 needed: tuple[str, ...]) -> None:
    modules, code = loaded(["--project", str(demo), *command])
    assert code == 0
    assert heavy(modules, needed) == []
    assert sorted(modules & set(WRITE_SIDE)) == []
    assert other_commands(modules, MODULE_OF[command[0]]) == []
    assert "qcode.cli.app" not in modules  # the whole tree was not built


def test_a_command_help_builds_only_that_command() -> None:
    modules, code = loaded(["matrix", "--help"])
    assert code == 0
    assert heavy(modules) == []
    assert other_commands(modules, "matrix_cmd") == []


@pytest.mark.parametrize("args", [["matrix", "--help"], ["codebook", "show", "--help"],
                                  ["--project", "nowhere", "matrix", "--bogus"]],
                         ids=["help", "sub-command help", "usage error"])
def test_help_and_usage_errors_need_neither_pydantic_nor_rich(args: list[str]) -> None:
    """typer would convert every parameter (--help and the root's --project too) through
    pydantic; qcode.cli.quick_params converts plain values itself (a value typer refuses
    still goes to typer, for its message). rich is imported only
    by what renders with it (qcode.cli.safe_console)."""
    modules, code = loaded(args)
    assert code in (0, 2)
    assert sorted(m for m in modules if m.split(".")[0] in ("pydantic", "rich")) == []
    assert "importlib.metadata" not in modules


RECORDS_BUILT = """
import json, sys
import qcode.cli.matrix_cmd, qcode.counts.matrix, qcode.project, qcode.reconcile.status
from qcode.models import Record
def every(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from every(sub)
print(json.dumps(sorted(c.__name__ for c in every(Record) if c.__pydantic_complete__)))
"""


def test_importing_records_builds_no_validator() -> None:
    """A record's validator (a pydantic schema, about 1 ms each) is built when the record
    is first made, not when its module is imported (Record's defer_build)."""
    done = subprocess.run([sys.executable, "-c", RECORDS_BUILT], capture_output=True,
                          text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == []


def test_machine_output_needs_no_rich(demo: Path) -> None:
    modules, code = loaded(["--project", str(demo), "matrix", "--format", "json"])
    assert code == 0
    assert sorted(m for m in modules if m.split(".")[0] == "rich") == []


def test_the_root_help_still_lists_every_command() -> None:
    modules, code = loaded(["--help"])
    assert code == 0
    assert "qcode.cli.app" in modules
    assert other_commands(modules, "") != []


def names_of(app: typer.Typer) -> set[str]:
    group = typer.main.get_group(app)
    return set(group.commands)


def test_the_table_names_every_command_and_its_module() -> None:
    """A command added to qcode.cli.app without its line in MODULE_OF fails here."""
    assert set(MODULE_OF) == names_of(full.app)
    for module in sorted(set(MODULE_OF.values())):
        app = make_app()
        __import__(f"qcode.cli.{module}", fromlist=["register"]).register(app)
        assert names_of(app) == {n for n, m in MODULE_OF.items() if m == module}, module


@pytest.mark.parametrize(("args", "name"), [
    (["matrix"], "matrix"),
    (["--project", "p", "matrix", "--coder", "a"], "matrix"),
    (["-P", "p", "--debug", "agree"], "agree"),
    (["--project=p", "report"], "report"),
    (["--help"], None),
    (["--debug", "--help", "matrix"], None),
    (["--project"], None),
    ([], None),
    (["--unknown", "matrix"], None),
])
def test_command_name(args: list[str], name: str | None) -> None:
    assert command_name(args) == name

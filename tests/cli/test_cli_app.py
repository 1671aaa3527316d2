"""The CLI as a whole: error boundary, --version, help texts, README coverage."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer

from qcode.cli.app import app
from qcode.errors import ExitCode
from tests.builders import ROOT

ROOT = ROOT


def _commands() -> list[tuple[str, Any]]:
    """Every leaf command as ('codebook show', command)."""
    root = typer.main.get_command(app)
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            out.append((prefix, cmd))

    walk("", root)
    return out


def test_the_command_tree_is_walked() -> None:
    names = [name for name, _ in _commands()]
    assert {"init", "codebook show", "codebook check"} <= set(names)


def test_every_command_has_help_with_examples() -> None:
    missing = [name for name, cmd in _commands() if not (cmd.help or "").strip()]
    assert missing == []
    no_examples = [name for name, cmd in _commands() if "Examples:" not in (cmd.help or "")]
    assert no_examples == []


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _ in _commands() if f"qcode {name}" not in readme]
    assert missing == []


def test_help_runs_for_every_command(invoke) -> None:  # type: ignore[no-untyped-def]
    for name, _ in _commands():
        result = invoke(*name.split(), "--help")
        assert result.exit_code == 0, name
        assert "Usage: " in result.stdout


def test_version(invoke) -> None:  # type: ignore[no-untyped-def]
    from qcode import __version__

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"qcode {__version__}\n"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## Quick start.*?```(?:sh|bash)?\n(.*?)```", readme, re.S | re.M)
    assert block is not None
    commands = [ln for ln in block.group(1).splitlines() if ln.strip() and
                not ln.startswith("#")]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_unexpected_failure_is_one_line_without_traceback(invoke, monkeypatch,
                                                          tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import qcode.project

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret transcript words")

    monkeypatch.setattr(qcode.project, "init_project", boom)
    result = invoke("init", str(tmp_path / "x"))
    assert result.exit_code == ExitCode.FAILURE
    assert "secret transcript words" not in result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == ("Error: unexpected failure (RuntimeError); this is "
                                             "a bug in qcode")
    debug = invoke("--debug", "init", str(tmp_path / "y"))
    assert isinstance(debug.exception, RuntimeError)


def test_python_dash_m_and_no_color(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("QCODE_PROJECT", None)
    proc = subprocess.run([sys.executable, "-m", "qcode", "codebook", "show"], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == ExitCode.NO_PROJECT
    assert proc.stderr.startswith("Error: not inside a qcode project")
    assert "\x1b[" not in proc.stderr + proc.stdout


def test_bad_choice_is_a_usage_error_without_pydantic_prefix(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("codebook", "show", "--format", "foo")
    assert result.exit_code == ExitCode.USAGE
    assert "Value error" not in result.stderr
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for '--format' / '-f': 'foo' "
                                              "is not one of 'table', 'md', 'json', 'csv'.")


def test_help_lists_commands_in_pipeline_order(invoke) -> None:  # type: ignore[no-untyped-def]
    from qcode.cli.app import COMMAND_ORDER

    lines = invoke("--help").stdout.split("Commands:")[1].splitlines()
    names = [ln.split()[0] for ln in lines if ln.strip()]
    assert names == [n for n in COMMAND_ORDER if n in names]
    assert set(names) == set(COMMAND_ORDER)

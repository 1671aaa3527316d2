"""Shared fixtures: an in-process CLI runner and fresh projects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcode.cli.app import app
from qcode.project import Project, init_project

DATA = Path(__file__).parent / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """Run ``qcode ARGS...`` in-process; QCODE_PROJECT from the environment is ignored."""
    monkeypatch.delenv("QCODE_PROJECT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str, input: str | None = None) -> object:
        return runner.invoke(app, list(args), input=input)

    return run


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A new project with the bundled telemedicine codebook."""
    return init_project(tmp_path / "study")

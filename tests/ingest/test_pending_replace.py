"""An interrupted `ingest --replace` (or `import qdpx`) is settled by whatever command next
opens the project (issue 12 item 3, issue 13 item 4).

Was: a replace killed after the new text was saved, before re-anchoring, left `report`,
`agree`, `matrix`, `export qdpx` computing on codings whose quotes were not their
segments' text, without a word; only the next `ingest` repaired it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qcode.cli.app import app
from qcode.errors import ExitCode, ProjectDamagedError
from qcode.ingest import reanchor
from qcode.ingest.replace import finish_pending, marker_path
from qcode.pending import finish_pending as settle
from qcode.project import Project, open_project
from qcode.refiqda import import_write
from qcode.refiqda.exporter import export_qdpx
from qcode.refiqda.importer import import_qdpx
from tests.ingest.replace_builders import (
    CODERS,
    DOC,
    ORIGINAL,
    VERSION_A,
    assert_anchored,
    coded_project,
    snapshot,
    write,
)

pytestmark = pytest.mark.slow  # real SIGKILLs of real processes


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _killed_child(work: Callable[[], None]) -> None:
    """Run ``work`` in a child process that SIGKILLs itself at the fault point."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            work()
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def kill_between_save_and_reanchor(project: Project, source: Path) -> None:
    """`qcode ingest SOURCE --id N01 --replace`, killed (SIGKILL) once the new text is
    saved and before any coding is re-anchored."""
    def work() -> None:
        reanchor.reanchor_project = lambda *a, **k: _die()  # type: ignore[assignment]
        CliRunner().invoke(app, ["--project", str(project.root), "ingest", str(source),
                                 "--id", DOC, "--replace"])

    _killed_child(work)
    assert marker_path(project, DOC).exists()
    text, found = snapshot(project)
    assert text == open_project(project.root).load_document(DOC).text
    assert "Welcome, and thank you." in text  # the new version is saved ...
    assert sum(text[s:e] != q for _, _, _, s, e, q in found) > 20  # ... the codings are not


@pytest.fixture
def killed(tmp_path: Path) -> Project:
    project = coded_project(tmp_path / "study", write(tmp_path / "in" / "O.txt", ORIGINAL))
    kill_between_save_and_reanchor(project, write(tmp_path / "in" / "A.txt", VERSION_A))
    return project


FIRST = "Finishing the re-anchoring of N01, interrupted earlier:\nRe-anchoring N01: 0 " \
        "unchanged, 28 moved, 2 re-anchored, 0 orphaned.\n"


@pytest.mark.parametrize("command", [
    ["matrix", "--coder", "ana"],
    ["report", "--coder", "ben"],
    ["agree", "--coder", "ana", "--coder", "ben", "--bootstrap", "0"],
    ["export", "qdpx", "{tmp}/out.qdpx"],
    ["reconcile", "--coder", "ana,ben", "--as", "joint", "--strategy", "union"],
    ["coders"],
])
def test_any_command_finishes_an_interrupted_replace_first(
        killed: Project, invoke: Callable[..., Any], tmp_path: Path,
        command: list[str]) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = invoke("--project", str(killed.root), *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(FIRST)
    assert not marker_path(killed, DOC).exists()
    found = assert_anchored(killed)  # (reconcile adds a consensus coder's codings)
    assert len([c for c in found if c[0] in CODERS]) == 30
    again = invoke("--project", str(killed.root), *args)
    assert again.exit_code == 0
    assert "Finishing" not in again.stderr


def test_the_library_call_finishes_it(killed: Project) -> None:
    reports = settle(open_project(killed.root))
    assert [(r.doc, r.counts()) for r in reports] == [
        (DOC, {"unchanged": 0, "moved": 28, "reanchored": 2, "orphaned": 0})]
    assert set(reports[0].by_coder()) == {"ana", "ben", "cai"}
    assert_anchored(killed, 30)
    assert settle(open_project(killed.root)) == []  # once


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of its own, so the test can make it read-only (needs root; else skipped)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "none", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_project_refuses_clearly_until_it_can_be_finished(
        small_disk: Path, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    project = coded_project(small_disk / "study", write(tmp_path / "in" / "O.txt", ORIGINAL))
    kill_between_save_and_reanchor(project, write(tmp_path / "in" / "A.txt", VERSION_A))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        for args in (["matrix", "--coder", "ana"], ["report"], ["docs"]):
            result = invoke("--project", str(project.root), *args)
            assert result.exit_code == ExitCode.NO_PROJECT, (args, result.stderr)
            assert result.stderr.startswith(
                "Error: the re-anchoring of the codings on N01 after `qcode ingest --replace` "
                "was interrupted, and this project cannot be written here to finish it; "
                "nothing was read\n"), result.stderr
            assert result.stderr.endswith(
                "Hint: run any qcode command (for example `qcode docs`) where the project "
                "can be written: it finishes the re-anchoring first\n")
        with pytest.raises(ProjectDamagedError):
            finish_pending(open_project(project.root))
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    result = invoke("--project", str(project.root), "docs")
    assert result.exit_code == 0
    assert result.stderr.startswith(FIRST)
    assert_anchored(project, 30)


def test_a_replace_killed_before_saving_leaves_the_old_text_and_codings(
        tmp_path: Path, invoke: Callable[..., Any]) -> None:
    project = coded_project(tmp_path / "study", write(tmp_path / "in" / "O.txt", ORIGINAL))
    before = snapshot(project)

    def work() -> None:
        project.save_document = lambda doc: _die()  # type: ignore[method-assign]
        from qcode.ingest.run import IngestOptions, ingest

        ingest(project, [write(tmp_path / "in" / "A.txt", VERSION_A)],
               IngestOptions(doc_id=DOC, replace=True))

    _killed_child(work)
    result = invoke("--project", str(project.root), "matrix", "--coder", "ana")
    assert result.exit_code == 0
    assert result.stderr.startswith("Finishing the re-anchoring of N01, interrupted earlier:\n"
                                    "Re-anchoring N01: 30 unchanged, 0 moved")
    assert snapshot(project) == before
    assert not marker_path(project, DOC).exists()


def test_an_interrupted_import_is_refused_until_the_import_completes_it(
        tmp_path: Path, invoke: Callable[..., Any]) -> None:
    source = coded_project(tmp_path / "src", write(tmp_path / "in" / "O.txt", ORIGINAL))
    qdpx = tmp_path / "colleague.qdpx"
    export_qdpx(source, qdpx)
    target = tmp_path / "target"
    shutil.copytree(source.root, target)
    for log in (target / "codings").glob("*.jsonl"):
        log.unlink()

    def work() -> None:
        calls = []

        def append_then_die(*args: object, **kwargs: object) -> None:
            calls.append(1)
            if len(calls) == 2:  # one coder's codings are in, the others' are not
                _die()
            real(*args, **kwargs)

        real = import_write.append_events
        import_write.append_events = append_then_die  # type: ignore[assignment]
        import_qdpx(qdpx, project=open_project(target))

    _killed_child(work)
    marker = target / import_write.MARKER
    assert json.loads(marker.read_text(encoding="utf-8"))["file"] == str(qdpx.resolve())
    for args in (["matrix", "--coder", "ana"], ["agree", "--bootstrap", "0"], ["docs"]):
        result = invoke("--project", str(target), *args)
        assert result.exit_code == ExitCode.CONFLICT, args
        assert result.stderr == (
            f"Error: an import of {qdpx.resolve()} into this project was interrupted (marker "
            f"{marker}); nothing was done, as some coders' codings may be missing\n"
            f"Hint: complete it first with: qcode import qdpx {qdpx.resolve()} (with the "
            "options you gave it), or delete the marker to give it up; what it wrote so far "
            "stays\n")
    result = invoke("--project", str(target), "import", "qdpx", str(qdpx))
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()
    result = invoke("--project", str(target), "matrix", "--coder", "ana")
    assert result.exit_code == 0
    assert snapshot(open_project(target)) == snapshot(source)

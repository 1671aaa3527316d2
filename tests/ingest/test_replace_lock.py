"""Changing a document's text holds the project lock; coding writes respect it.

Issue 12 item 2: two processes replacing one document gave codings that matched neither
order (duplicates, quotes that were not their segment's text), and a `tag` racing a replace
could write a coding on the old offsets that was never re-anchored.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode._io import project_lock
from qcode.coding import store as codings
from qcode.errors import ConflictError, ExitCode
from qcode.ingest.run import IngestOptions, ingest
from qcode.project import Project, open_project
from tests.ingest.replace_builders import (
    CODES,
    DOC,
    ORIGINAL,
    VERSION_A,
    VERSION_B,
    assert_anchored,
    coded_project,
    fork_cli,
    snapshot,
    wait,
    write,
)

REPLACE = ["ingest", "--id", DOC, "--replace"]


def _replace(project: Project, source: Path) -> None:
    report = ingest(open_project(project.root), [source], IngestOptions(doc_id=DOC,
                                                                        replace=True))
    assert not report.failures


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    return {"O": write(tmp_path / "in" / "O.txt", ORIGINAL),
            "A": write(tmp_path / "in" / "A.txt", VERSION_A),
            "B": write(tmp_path / "in" / "B.txt", VERSION_B)}


@pytest.mark.slow
def test_two_replaces_of_one_document_give_one_of_the_two_orders(
        tmp_path: Path, sources: dict[str, Path]) -> None:
    base = coded_project(tmp_path / "base", sources["O"])
    before = assert_anchored(base, 30)
    assert len(before) == 30
    expected = {}
    for order in ("AB", "BA"):
        copy = tmp_path / f"seq{order}"
        shutil.copytree(base.root, copy)
        for version in order:
            _replace(open_project(copy), sources[version])
        expected[order] = snapshot(open_project(copy))
        assert_anchored(open_project(copy), 30)
    assert expected["AB"] != expected["BA"]
    seen = set()
    for trial in range(8):  # without the lock about half the trials went wrong
        root = tmp_path / f"race{trial}"
        shutil.copytree(base.root, root)
        go_r, go_w = os.pipe()
        pids = [fork_cli(["--project", str(root), *REPLACE[:1], str(sources[v]), *REPLACE[1:]],
                         go_r) for v in "AB"]
        os.write(go_w, b"gg")
        assert [wait(pid) for pid in pids] == [0, 0], trial
        os.close(go_r)
        os.close(go_w)
        project = open_project(root)
        assert_anchored(project, 30)  # no duplicates, every quote is its segment's text
        got = snapshot(project)
        assert got in (expected["AB"], expected["BA"]), trial
        seen.add("AB" if got == expected["AB"] else "BA")
    assert seen  # (which order wins is up to the scheduler)


@pytest.mark.slow
def test_a_tag_racing_a_replace_is_re_anchored_or_refused(
        tmp_path: Path, sources: dict[str, Path]) -> None:
    base = coded_project(tmp_path / "base", sources["O"])
    outcomes: dict[int, int] = {}
    for trial in range(12):
        root = tmp_path / f"race{trial}"
        shutil.copytree(base.root, root)
        go_r, go_w = os.pipe()
        replace = fork_cli(["--project", str(root), "ingest", str(sources["A"]), "--id", DOC,
                            "--replace"], go_r)
        # started a little later each trial, so it meets the replace at every stage
        tag = fork_cli(["--project", str(root), "tag", DOC, "7", "8", "--code", CODES[0],
                        "--coder", "dora"], go_r, delay=0.004 * trial)
        os.write(go_w, b"gg")
        codes = wait(replace), wait(tag)
        os.close(go_r)
        os.close(go_w)
        assert codes[0] == 0 and codes[1] in (0, ExitCode.CONFLICT), (trial, codes)
        outcomes[codes[1]] = outcomes.get(codes[1], 0) + 1
        project = open_project(root)
        found = assert_anchored(project, 30 + (2 if codes[1] == 0 else 0))
        dora = sorted((seg, quote) for coder, seg, _, _, _, quote in found if coder == "dora")
        if codes[1] == 0:  # on the segments that hold those answers, in either text
            assert len(dora) == 2
            assert {q for _, q in dora} <= {ORIGINAL[6], ORIGINAL[7], ORIGINAL[5]
                                            .replace("slow", "sluggish")}, trial
    assert sum(outcomes.values()) == 12


def test_a_tag_computed_on_the_old_text_is_refused(
        tmp_path: Path, sources: dict[str, Path], invoke: Callable[..., Any]) -> None:
    # deterministic form of the race: the tagger read the document, then the replace ran
    project = coded_project(tmp_path / "study", sources["O"])
    old = project.load_document(DOC)
    state = codings.load_state_or_empty(project, "dora")
    _replace(project, sources["A"])
    with pytest.raises(ConflictError) as caught:
        codings.add_codes(project, "dora", old, [old.segments[7].id], [CODES[0]], state=state)
    assert str(caught.value) == (f"the text of {DOC} was replaced (qcode ingest --replace) "
                                 "while this command ran; nothing was saved")
    assert caught.value.hint == "run the command again: it will use the new text"
    assert "dora" not in codings.coder_names(project)
    # opened again, the command reads the new text and its coding is right
    again = open_project(project.root)
    new = again.load_document(DOC)
    codings.add_codes(again, "dora", new, [new.segments[7].id], [CODES[0]])
    assert_anchored(again, 31)


def _hold_lock(root: Path, seconds: float, ready_w: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    try:  # pragma: no cover - the child
        fd = os.open(root / project_lock.LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(ready_w, b"x")
        time.sleep(seconds)
    finally:  # pragma: no cover
        os._exit(0)


def test_a_tag_waits_for_a_replace_then_is_refused_after_the_timeout(
        project: Project, tmp_path: Path, invoke: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "in" / "N01.txt", ORIGINAL)
    assert invoke("--project", str(project.root), "ingest", str(source)).exit_code == 0
    monkeypatch.setattr(project_lock, "WAIT_SECONDS", 0.3)
    ready_r, ready_w = os.pipe()
    holder = _hold_lock(project.root, 3.0, ready_w)
    os.read(ready_r, 1)
    started = time.monotonic()
    result = invoke("--project", str(project.root), "tag", DOC, "2", "--code", CODES[0],
                    "--coder", "dora")
    waited = time.monotonic() - started
    os.kill(holder, 9)
    wait(holder)
    assert result.exit_code == ExitCode.CONFLICT
    assert result.stderr == ("Error: a transcript is being replaced; nothing was saved\n"
                             "Hint: try again when `qcode ingest` finishes\n")
    assert 0.3 <= waited < 2.5
    assert "dora" not in codings.coder_names(project)
    # the lock is free again (its holder died): the same command works
    result = invoke("--project", str(project.root), "tag", DOC, "2", "--code", CODES[0],
                    "--coder", "dora")
    assert result.exit_code == 0, result.stderr


def test_a_tag_waits_while_the_lock_is_held_briefly(
        project: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    source = write(tmp_path / "in" / "N01.txt", ORIGINAL)
    assert invoke("--project", str(project.root), "ingest", str(source)).exit_code == 0
    ready_r, ready_w = os.pipe()
    holder = _hold_lock(project.root, 0.5, ready_w)
    os.read(ready_r, 1)
    started = time.monotonic()
    result = invoke("--project", str(project.root), "tag", DOC, "2", "--code", CODES[0],
                    "--coder", "dora")
    assert wait(holder) == 0
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started >= 0.3  # it waited for the holder to let go
    assert codings.load_state(project, "dora").codes_on(DOC, f"{DOC}:0002") == [CODES[0]]


def test_the_lock_file_is_git_ignored_and_never_a_link(
        project: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    source = write(tmp_path / "in" / "N01.txt", ORIGINAL)
    assert invoke("--project", str(project.root), "ingest", str(source)).exit_code == 0
    assert (project.root / project_lock.LOCK_NAME).is_file()
    ignored = (project.root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".*.lock" in ignored  # .qcode.lock stays out of git
    (project.root / project_lock.LOCK_NAME).unlink()
    outside = tmp_path / "outside"
    (project.root / project_lock.LOCK_NAME).symlink_to(outside)
    result = invoke("--project", str(project.root), "ingest", str(source), "--replace")
    assert result.exit_code == ExitCode.NO_PROJECT
    assert result.stderr == (
        f"Error: {project.root / project_lock.LOCK_NAME} is a symbolic link; qcode never "
        "follows links in a project\n"
        "Hint: delete it (it is only a lock file; qcode makes a new one)\n")
    assert not outside.exists()


def test_a_folder_at_the_lock_files_path_is_named(
        project: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    source = write(tmp_path / "in" / "N01.txt", ORIGINAL)
    assert invoke("--project", str(project.root), "ingest", str(source)).exit_code == 0
    lock = project.root / project_lock.LOCK_NAME
    lock.unlink()
    lock.mkdir()
    for args in (["ingest", str(source), "--replace"],
                 ["tag", DOC, "2", "--code", CODES[0], "--coder", "dora"]):
        result = invoke("--project", str(project.root), *args)
        assert result.exit_code == ExitCode.NO_PROJECT, args
        assert result.stderr == (
            f"Error: {lock} is a folder, but the project keeps a lock file there\n"
            f"Hint: move the folder {lock} out of the way (look inside first), then repeat "
            "the command\n")


def test_attributes_import_waits_for_a_replace(
        project: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    # it rewrites documents: done during a replace, it could bring the old text back
    source = write(tmp_path / "in" / "N01.txt", ORIGINAL)
    assert invoke("--project", str(project.root), "ingest", str(source)).exit_code == 0
    table = tmp_path / "attributes.csv"
    table.write_text("document,region\nN01,Nord\n", encoding="utf-8")
    ready_r, ready_w = os.pipe()
    holder = _hold_lock(project.root, 0.6, ready_w)
    os.read(ready_r, 1)
    started = time.monotonic()
    result = invoke("--project", str(project.root), "attributes", "import", str(table))
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started >= 0.4
    assert wait(holder) == 0
    assert project.load_document(DOC).attributes == {"region": "Nord"}

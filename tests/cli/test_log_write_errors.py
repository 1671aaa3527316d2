"""What a coding command says when the disk refuses its write (issue 12, item 6): nothing
is left half-written, and a line that reached the log is not called "not saved"."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

import pytest

from qcode.coding import log_file
from qcode.coding import store as codings
from qcode.project import Project
from tests.builders import interview


@pytest.fixture
def coded(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    project.save_document(interview("T01"))
    codings.add_codes(project, "ingrid", interview("T01"), ["T01:0002"], ["GOV-MAC-01"])
    monkeypatch.chdir(project.root)
    return project


def test_an_unconfirmed_fsync_says_the_action_is_in_the_log(
        coded: Project, invoke: Callable[..., object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync
    log = codings.log_path(coded, "ingrid")

    def fsync(fd: int) -> None:
        if os.path.samefile(f"/proc/self/fd/{fd}", log):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(log_file.os, "fsync", fsync)
    r = invoke("tag", "T01", "4", "--code", "GOV-MAC-02", "--coder", "ingrid")
    monkeypatch.undo()
    assert r.exit_code == 9
    assert r.stderr.splitlines()[0] == (
        f"Error: the last action was written to {log} but the disk did not confirm it "
        "(Input/output error): it is in the log now and may be lost if the computer stops "
        "before the disk recovers")
    assert codings.load_state(coded, "ingrid").codes_on("T01", "T01:0004") == ["GOV-MAC-02"]


def test_a_full_disk_part_way_saves_nothing_and_leaves_no_partial_line(
        coded: Project, invoke: Callable[..., object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    log = codings.log_path(coded, "ingrid")
    before = log.read_bytes()
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if os.path.samefile(f"/proc/self/fd/{fd}", log):
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(log_file.os, "write", write)
    r = invoke("tag", "T01", "4-6", "--code", "GOV-MAC-02", "--coder", "ingrid")
    monkeypatch.undo()
    assert r.exit_code == 9
    assert "the last action was not saved" in r.stderr.splitlines()[0]
    assert log.read_bytes() == before
    assert codings.load_state(coded, "ingrid").problems == []

"""Coding search hits is one action on disk: a full disk part-way leaves the log as it was
(exit 9), and a kill at any moment leaves either every hit coded or none."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from qcode.coding import log_file
from qcode.coding import store as codings
from qcode.project import Project
from tests.builders import ROOT, make_doc

SAID = "We waited for the ferry. The ferry was late, and the video link was down."


def study(project: Project, docs: int, turns: int) -> int:
    """``docs`` documents of ``turns`` turns each; returns how many hits 'ferry' has."""
    for d in range(docs):
        project.save_document(make_doc(f"F{d:02d}", [("Respondent", SAID)] * turns))
    return docs * turns * 2


def test_a_full_disk_part_way_codes_no_hit(project: Project, invoke: Callable[..., Any],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    study(project, 2, 3)
    monkeypatch.chdir(project.root)
    codings.add_codes(project, "ingrid", project.load_document("F00"), ["F00:0001"],
                      ["GOV-MAC-01"])
    log = codings.log_path(project, "ingrid")
    before = log.read_bytes()
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if os.path.samefile(f"/proc/self/fd/{fd}", log):
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(log_file.os, "write", write)
    r = invoke("search", "ferry", "--code", "ECO-MAC-01", "--coder", "ingrid")
    monkeypatch.undo()
    assert r.exit_code == 9
    assert log.read_bytes() == before
    assert [c.code for c in codings.current_codings(project, "ingrid")] == ["GOV-MAC-01"]


@pytest.mark.slow
def test_a_kill_at_any_moment_codes_every_hit_or_none(project: Project) -> None:
    hits = study(project, 20, 60)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QCODE_PROJECT": str(project.root)}
    argv = [sys.executable, "-m", "qcode", "search", "ferry", "--code", "ECO-MAC-01",
            "--coder", "lars", "--format", "json"]
    rng = random.Random(5)
    for k in range(6):
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.5) + 0.2 * k)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if (project.codings_dir / "lars.jsonl").exists():
            n = len(codings.current_codings(project, "lars"))
            assert n in (0, hits)
            if n:
                assert codings.undo_last(project, "lars")  # the whole action, at once
                assert codings.current_codings(project, "lars") == []
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    now = codings.current_codings(project, "lars")
    assert len(now) == hits and {c.origin for c in now} == {"search"}
    # a kill may tear the line it was writing: the fold skips it, and it was never counted
    torn = codings.load_state(project, "lars").problems
    assert len(torn) <= 6

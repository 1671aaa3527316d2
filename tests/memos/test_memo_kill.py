"""The memo logs under SIGKILL and concurrent writers (real processes)."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcode.memos.journal import read_journal
from qcode.memos.log import read_events
from qcode.project import Project
from tests.builders import ROOT

pytestmark = pytest.mark.slow  # real kills of real processes; CI runs them too

#: a child that writes memos one after the other and reports each confirmed one on stdout
CHILD = """
import sys
from qcode.memos.journal import add_memo
from qcode.project import open_project

project = open_project(sys.argv[1])
tag, n = sys.argv[2], int(sys.argv[3])
for i in range(n):
    memo = add_memo(project, on="project", target=None, text=f"{tag} {i}", author=sys.argv[4])
    sys.stdout.write(f"{memo.id} {tag} {i}\\n")
    sys.stdout.flush()
"""


def child(project: Project, tag: str, n: int, author: str = "ana") -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(project.root), tag, str(n),
                             author], stdout=subprocess.PIPE, cwd=ROOT)


def test_every_confirmed_memo_survives_sigkills(project: Project) -> None:
    rng = random.Random(20261207)
    confirmed: dict[str, str] = {}
    kills = 0
    deadline = time.monotonic() + 60
    while kills < 25 and time.monotonic() < deadline:
        proc = child(project, f"r{kills}", 10**6)
        assert proc.stdout is not None
        select.select([proc.stdout], [], [], 20)  # at least one memo saved (start-up done)
        time.sleep(rng.uniform(0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        out = proc.stdout.read()
        for line in out.split(b"\n")[:-1]:  # a half-written report is not a confirmation
            memo_id, tag, i = line.decode().split()
            confirmed[memo_id] = f"{tag} {i}"
    assert kills >= 10, "the machine is too slow to kill often enough"
    assert len(confirmed) > kills  # the children did real work between kills
    journal = read_journal(project)
    for memo_id, text in confirmed.items():
        assert journal.memos[memo_id].text == text
    # a kill mid-write leaves at most a torn line per kill, each one skipped and named
    assert len(journal.bad) <= kills
    ids = [e["id"] for e in read_events(project).events]
    assert len(ids) == len(set(ids))  # every event has its own id
    # the log stays writable and readable
    proc = child(project, "after", 3)
    assert proc.wait() == 0
    assert sum(m.text.startswith("after ") for m in read_journal(project).memos.values()) == 3


def test_two_writers_of_one_log_lose_nothing(project: Project) -> None:
    procs = [child(project, tag, 300) for tag in ("a", "b")]
    for proc in procs:
        assert proc.wait() == 0
    logs = read_events(project)
    assert logs.bad == []
    texts = [e["text"] for e in logs.events]
    assert sorted(texts) == sorted(f"{t} {i}" for t in "ab" for i in range(300))
    assert Path(project.root / "memos" / "ana.jsonl").read_bytes().endswith(b"\n")

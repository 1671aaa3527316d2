"""Durability of the coder logs under SIGKILL and concurrent writers (real processes)."""

from __future__ import annotations

import os
import random
import select
import signal
import time
from itertools import pairwise

import pytest

from qcode.coding import store as codings
from qcode.project import Project
from tests.builders import numbered_doc

pytestmark = pytest.mark.slow  # real kills of real processes; .ci/run runs them too

DOC = numbered_doc("D01", 40)


def _child_adding(project: Project, wfd: int, round_no: int) -> None:
    """In a forked child: add codings one by one, report each saved one on the pipe."""
    try:
        for i in range(10**6):
            seg = DOC.segments[i % len(DOC.segments)].id
            code = f"R{round_no}-{i}"
            recs = codings.add_codes(project, "killed", DOC, [seg], [code])
            os.write(wfd, f"{recs[0].seq} {seg} {code}\n".encode())
    finally:
        os._exit(0)


def _read_all(rfd: int) -> bytes:
    out = b""
    while True:
        chunk = os.read(rfd, 65536)
        if not chunk:
            return out
        out += chunk


def test_every_confirmed_coding_survives_200_sigkills(project: Project) -> None:
    rng = random.Random(20261125)
    confirmed: list[tuple[int, str, str]] = []
    deadline = time.monotonic() + 30
    kills = 0
    while kills < 200 and time.monotonic() < deadline:
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(rfd)
            _child_adding(project, wfd, kills)
        os.close(wfd)
        # wait until the child has saved at least one coding, then kill it at a random moment
        select.select([rfd], [], [], 5)
        time.sleep(rng.uniform(0, 0.02))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        kills += 1
        data = _read_all(rfd)
        os.close(rfd)
        for line in data.split(b"\n")[:-1]:  # a half-written report line is not a confirmation
            seq, seg, code = line.decode().split()
            confirmed.append((int(seq), seg, code))
    assert kills == 200 or time.monotonic() >= deadline
    assert kills >= 100, "the machine is too slow to kill often enough"
    path = codings.log_path(project, "killed")
    read = codings.read_log(path)
    by_seq = {e["seq"]: e for e in read.events}
    for seq, seg, code in confirmed:
        assert (by_seq[seq]["segment"], by_seq[seq]["code"]) == (seg, code)
    st = codings.load_state(project, "killed")
    for _, seg, code in confirmed:
        assert code in st.codes_on("D01", seg)
    seqs = [e["seq"] for e in read.events]
    assert seqs == sorted(set(seqs))  # no seq given twice
    assert len(confirmed) > kills  # the children did real work between kills


def _child_appending(project: Project, tag: str, n: int, go_fd: int) -> None:
    try:
        os.read(go_fd, 1)  # start together
        for i in range(n):
            codings.append_events(project, "shared", [{
                "op": "add", "doc": "D01", "segment": DOC.segments[i % 40].id,
                "code": f"{tag}{i}", "quote": "q", "start": 0, "end": 1}])
    finally:
        os._exit(0)


def test_two_processes_appending_1000_each_lose_nothing(project: Project) -> None:
    go_r, go_w = os.pipe()
    pids = []
    for tag in ("a", "b"):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            _child_appending(project, tag, 1000, go_r)
        pids.append(pid)
    os.write(go_w, b"go")
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    read = codings.read_log(codings.log_path(project, "shared"))
    assert read.problems == []
    assert [e["seq"] for e in read.events] == list(range(1, 2001))
    codes = {e["code"] for e in read.events}
    assert codes == {f"{t}{i}" for t in "ab" for i in range(1000)}
    # they really interleaved (the lock serialised them, it did not run one after the other)
    firsts = [e["code"][0] for e in read.events]
    assert sum(1 for x, y in pairwise(firsts) if x != y) > 10

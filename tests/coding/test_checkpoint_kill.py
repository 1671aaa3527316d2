"""A kill -9 while a coder's checkpoint is being written (a new one, or the stamp of an
old one recorded) leaves a usable project: the next load gives exactly the direct fold,
whether it finds the old checkpoint, the new one, or none."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcode.coding import store as codings
from qcode.coding.fold import fold_bytes
from qcode.project import init_project
from tests.builders import ROOT

pytestmark = pytest.mark.slow

#: writes the checkpoint of the coder's log over and over (each time without the stamp,
#: then the stamp recorded), until killed; says "writing" just before each write
CHILD = """
import os, sys, time
from pathlib import Path
from qcode._io import atomic
from qcode.coding import checkpoint, store
from qcode.coding.stamped import read_stamped
from qcode.project import open_project
project = open_project(sys.argv[1])
path = store.log_path(project, "ana")
ck = store.checkpoint_path(path)
write = atomic.write_bytes
def announced(target, data):
    print("writing", flush=True)  # the parent kills within the next few ms
    with open(str(target) + ".part", "wb") as fh:  # slow the write down: half, pause, all
        fh.write(data[: len(data) // 2])
    os.unlink(str(target) + ".part")
    time.sleep(0.05)
    write(target, data)
atomic.write_bytes = announced
n = 0
while True:
    n += 1
    data, stamp, read_ns = read_stamped(path)
    st = store.state_from_bytes("ana", data, path)
    checkpoint.save(ck, st, data)  # without the stamp
    checkpoint.restamp(ck, "ana", data, stamp, read_ns)  # the stamp recorded
    print(n, flush=True)
"""


def _log(root: Path, n: int) -> Path:
    """A log of ``n`` adds (several codes per segment, a memo, a completed document),
    modified long enough ago for its stamp to be trusted."""
    path = root / "codings" / "ana.jsonl"
    lines = []
    for i in range(1, n + 1):
        lines.append({"op": "add", "seq": i, "time": f"2026-01-01T00:{i // 60 % 60:02d}:"
                      f"{i % 60:02d}.{i:06d}Z", "doc": f"D{i % 7}",
                      "segment": f"D{i % 7}:{i % 97:04d}", "start": i, "end": i + 5,
                      "quote": f"quote {i}", "code": f"C{i % 5}", "origin": "manual",
                      "id": f"{i:016x}"})
    lines.append({"op": "memo", "seq": n + 1, "time": "2026-01-02T00:00:00Z", "doc": "D1",
                  "segment": "D1:0001", "memo": "m", "id": f"{n + 1:016x}"})
    lines.append({"op": "done", "seq": n + 2, "time": "2026-01-02T00:00:01Z", "doc": "D2",
                  "id": f"{n + 2:016x}"})
    path.write_bytes(b"".join(json.dumps(e).encode() + b"\n" for e in lines))
    old = os.stat(path).st_mtime_ns - 10 * 10**9
    os.utime(path, ns=(old, old))
    return path


def test_a_kill_during_a_checkpoint_write_leaves_the_direct_fold(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p")
    path = _log(project.root, 6_000)
    direct = fold_bytes("ana", path.read_bytes(), path)
    want = (direct.codings(), direct.memos, direct.done, direct.last_seq, direct.n_events)
    rng = random.Random(19)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    for _round in range(6):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(project.root)],
                                 stdout=subprocess.PIPE, text=True, env=env)
        assert child.stdout is not None
        writes = rng.randint(1, 3)
        for line in child.stdout:
            if line.strip() == "writing":
                writes -= 1
                if writes == 0:
                    time.sleep(rng.uniform(0.0, 0.06))
                    child.kill()
                    kills += 1
                    break
        child.wait()
        st = codings.load_state(project, "ana")
        assert (st.codings(), st.memos, st.done, st.last_seq, st.n_events) == want
        columns = codings.unchanged_columns(project, "ana")
        if columns is not None:
            assert sorted(zip(columns.key, columns.code, columns.start, strict=True)) == \
                sorted(((c.doc, c.segment), c.code, c.start) for c in direct.codings())
    assert kills == 6

"""Benchmark a team's pull-and-status cycle over real git.

    python benchmarks/bench_team.py [--docs 50] [--coders 5] [--codings 2000] [--new 100]

A bare remote and two clones: ``lead`` holds the project (D documents of 40 turns, C coders
with N codings each, written as qcode writes them: one line per action, every event with its
id, one reconciliation of the first two coders); ``me`` is a coder's machine. Every coder
then adds ``--new`` codings in the lead's clone (one commit each, pushed), while ``me``
codes ``--new`` codings of its own under the first coder's name (the same log: the pull is
a union merge). Timed on ``me``: ``git pull`` (git's time, reported beside), then ``qcode
status`` in-process (the core call and its rendering: qcode's time) and as a fresh
``qcode status`` process (with Python's start-up). The goal (issue 18): the cycle under
1 s of qcode time. A second status (nothing new) is timed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from qcode.coding import store
from qcode.models import Document, Segment, Turn
from qcode.project import Project, init_project

CODES = [f"{t}-{lv}-0{i}" for t in ("GOV", "ORG", "ECO") for lv in ("MIC", "MES", "MAC")
         for i in range(1, 4)]
QCODE = str(Path(sys.executable).with_name("qcode"))


def git(where: Path, *args: str) -> float:
    t = time.perf_counter()
    subprocess.run(["git", *args], cwd=where, check=True, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"})
    return time.perf_counter() - t


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU user+system) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if done.returncode:
        sys.exit(f"{' '.join(cmd[1:])} failed: {done.stderr.strip()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def document(doc_id: str, turns: int = 40) -> Document:
    parts, segs, trs, pos = [], [], [], 0
    for i in range(turns):
        said = f"Turn {i + 1} of {doc_id}: the video clinic, the budget and the takst. " * 3
        segs.append(Segment(id=f"{doc_id}:{i + 1:04d}", start=pos, end=pos + len(said),
                            speaker="R" if i % 2 else "I", turn=i))
        trs.append(Turn(speaker="R" if i % 2 else "I", start=pos, end=pos + len(said)))
        parts.append(said)
        pos += len(said) + 2
    return Document(id=doc_id, title=doc_id, format="text", text="\n\n".join(parts),
                    turns=tuple(trs), segments=tuple(segs))


def write_log(path: Path, docs: list[Document], n: int, seed: int, t0: float) -> None:
    """``n`` add events as qcode writes them (ids, times in order), a few done marks."""
    import random

    rng = random.Random(seed)
    lines = []
    seen: set[tuple[str, str, str]] = set()
    seq = 0
    while len(seen) < n:
        doc = rng.choice(docs)
        seg = rng.choice(doc.segments)
        code = rng.choice(CODES)
        if (doc.id, seg.id, code) in seen:
            continue
        seen.add((doc.id, seg.id, code))
        seq += 1
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0 + seq)) + ".000000Z"
        lines.append(orjson.dumps({
            "op": "add", "seq": seq, "time": stamp, "doc": doc.id, "segment": seg.id,
            "start": seg.start, "end": seg.end, "quote": doc.text[seg.start:seg.end],
            "code": code, "origin": "manual", "id": secrets.token_hex(8)}))
    for doc in docs:
        seq += 1
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0 + seq)) + ".000000Z"
        lines.append(orjson.dumps({"op": "done", "seq": seq, "time": stamp, "doc": doc.id,
                                   "origin": "manual", "id": secrets.token_hex(8)}))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + b"\n")


def code_more(project: Project, coder: str, docs: list[Document], n: int, seed: int) -> None:
    import random

    rng = random.Random(seed)
    for _ in range(n):
        doc = rng.choice(docs)
        store.add_codes(project, coder, doc, [rng.choice(doc.segments).id],
                        [rng.choice(CODES)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--coders", type=int, default=5)
    ap.add_argument("--codings", type=int, default=2000)
    ap.add_argument("--new", type=int, default=100, help="codings each coder adds")
    args = ap.parse_args()
    if shutil.which("git") is None:
        sys.exit("git is not installed")
    from qcode.cli.status_cmd import status_lines
    from qcode.team.status import project_status

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        git(root, "init", "-q", "--bare", "remote.git")
        git(root / "remote.git", "symbolic-ref", "HEAD", "refs/heads/main")
        git(root, "clone", "-q", "remote.git", "lead")
        lead = init_project(root / "lead", name="bench")
        docs = [document(f"D{i:02d}") for i in range(1, args.docs + 1)]
        for doc in docs:
            lead.save_document(doc)
        coders = [f"coder{i}" for i in range(1, args.coders + 1)]
        t0 = time.time() - 86400
        for i, coder in enumerate(coders):
            write_log(lead.codings_dir / f"{coder}.jsonl", docs, args.codings, i, t0)
        subprocess.run([QCODE, "--project", str(lead.root), "reconcile", "--coder",
                        f"{coders[0]},{coders[1]}", "--as", "consensus", "--strategy", "union",
                        "--all-docs"], check=True, capture_output=True)
        for where in (lead.root,):
            git(where, "config", "user.name", "lead")
            git(where, "config", "user.email", "lead@example.org")
            git(where, "add", "-A")
            git(where, "commit", "-q", "-m", "project")
            git(where, "push", "-q", "origin", "HEAD:main")
        git(root, "clone", "-q", "remote.git", "me")
        me = Project(root / "me")
        for key, value in (("user.name", "me"), ("user.email", "me@example.org"),
                           ("pull.rebase", "false")):
            git(me.root, "config", key, value)
        project_status(me)  # the first look: everything new
        # the others code and push; me codes under the first coder's name meanwhile
        for i, coder in enumerate(coders):
            code_more(lead, coder, docs, args.new, 100 + i)
            git(lead.root, "add", "codings")
            git(lead.root, "commit", "-q", "-m", coder)
        git(lead.root, "push", "-q", "origin", "HEAD:main")
        code_more(me, coders[0], docs, args.new, 999)
        git(me.root, "add", "codings")
        git(me.root, "commit", "-q", "-m", "me")
        t_pull = git(me.root, "pull", "-q", "--no-edit")
        load = os.getloadavg()[0]
        t = time.perf_counter()
        c = time.process_time()
        result = project_status(me, mark_seen=False)
        lines = status_lines(result)
        t_status, c_status = time.perf_counter() - t, time.process_time() - c
        t_proc, c_proc = timed([QCODE, "--project", str(me.root), "status"])
        t_again, c_again = timed([QCODE, "--project", str(me.root), "status"])
        t_docs, c_docs = timed([QCODE, "--project", str(me.root), "docs"])
        events = sum(store.load_state(me, c).n_events for c in coders)
        print(f"{args.docs} documents x {args.coders} coders x {args.codings:,} codings "
              f"(+{args.new} each, and +{args.new} merged into {coders[0]}'s log); "
              f"{events:,} events; load average {load:.1f}")
        print(f"git pull (a union merge): {t_pull:.2f} s")
        print(f"qcode status, in-process: {t_status:.2f} s wall, {c_status:.2f} s CPU "
              f"({len(lines)} lines reported)")
        print(f"qcode status, a fresh process: {t_proc:.2f} s wall, {c_proc:.2f} s CPU; "
              f"again with nothing new: {t_again:.2f} s wall, {c_again:.2f} s CPU")
        print(f"reference, qcode docs in a fresh process: {t_docs:.2f} s wall, "
              f"{c_docs:.2f} s CPU")
        print(f"pull-and-status cycle: {t_pull + t_proc:.2f} s wall "
              f"(qcode's share {t_proc:.2f} s wall, {c_proc:.2f} s CPU; goal < 1 s of qcode "
              "time)")
        for line in lines[:8]:
            print("  " + line)


if __name__ == "__main__":
    main()

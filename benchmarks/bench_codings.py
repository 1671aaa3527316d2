"""Benchmark the coder event logs: append latency, and loading a 1,000,000-event log.

    python benchmarks/bench_codings.py [--events N] [--appends N] [--repeats N]

Append: single fsynced appends through ``qcode.coding.store.append_events`` (lock, tail read,
one write, fsync), against the floor of a bare ``os.write`` + ``fsync`` of the same line.
Load: ``qcode.coding.store.load_state`` on a synthetic log of N events (about 70 % add, 13 %
remove, 10 % memo, 3 % undo, 1 % done over 30 documents x 400 segments x 40 codes), first
replaying every line, then from the checkpoint written by that load; the reference is the
stdlib ``json.loads`` of every line (no fold at all).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from qcode.coding import store as codings
from qcode.coding.checkpoint import MIN_EVENTS
from qcode.coding.events import gc_paused
from qcode.project import Project, init_project


def _project(root: Path) -> Project:
    """A real project (appends take its lock and check the text generation, as in use)."""
    folder = root / "project"
    return Project(folder) if (folder / "qcode.toml").exists() else init_project(folder)


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def bench_append(root: Path, n: int) -> None:
    project = _project(root)
    ev = {"op": "add", "doc": "D01", "segment": "D01:0001", "start": 0, "end": 180,
          "quote": "so we had the video room but nobody booked it " * 4, "code": "GOV-MES-01"}
    lat = []
    for i in range(n):
        t = time.perf_counter()
        codings.append_events(project, "bench", [{**ev, "segment": f"D01:{i % 400 + 1:04d}"}])
        lat.append(time.perf_counter() - t)
    line = orjson.dumps({**ev, "seq": 1, "time": "2026-01-01T00:00:00.000000Z"}) + b"\n"
    fd = os.open(root / "floor.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    floor = []
    for _ in range(n):
        t = time.perf_counter()
        os.write(fd, line)
        os.fsync(fd)
        floor.append(time.perf_counter() - t)
    os.close(fd)
    med, p95 = statistics.median(lat), _percentile(lat, 0.95)
    fmed = statistics.median(floor)
    print(f"append ({n} single fsynced appends): median {med * 1e3:.2f} ms, "
          f"p95 {p95 * 1e3:.2f} ms; bare write+fsync median {fmed * 1e3:.2f} ms "
          f"(ratio {med / fmed:.2f})")


def make_log(path: Path, n: int, seed: int = 1, ids: bool = False) -> None:
    """A synthetic log of ``n`` events; with ``ids``, every line is written as qcode writes
    it now (the model's key order, an id on every event, an undo naming its target's id, a
    remove of one span marked ``span``; the times increase with seq, so the log is in fold
    order, as on one machine)."""
    rng = random.Random(seed)
    words = ["the", "video", "consultation", "hospital", "patient", "clinic", "budget",
             "ministry", "takst", "samhandling", "we", "they", "it", "was", "and", "so"]
    docs = [f"D{i:02d}" for i in range(1, 31)]
    quotes = {}
    for d in docs:
        for s in range(1, 401):
            quotes[(d, s)] = " ".join(rng.choices(words, k=rng.randint(10, 60)))
    codes = [f"C{i:02d}" for i in range(40)]
    last_id = None
    with path.open("wb") as fh:
        buf = []
        for seq in range(1, n + 1):
            d, s = rng.choice(docs), rng.randint(1, 400)
            t = (f"2026-11-{1 + seq // 86400:02d}T{(seq // 3600) % 24:02d}:"
                 f"{(seq // 60) % 60:02d}:{seq % 60:02d}.{seq % 999983:06d}Z")
            sid = f"{d}:{s:04d}"
            r = rng.random()
            if r < 0.73:
                q = quotes[(d, s)]
                ev = {"op": "add", "seq": seq, "time": t, "doc": d, "segment": sid,
                      "start": s * 100, "end": s * 100 + len(q), "quote": q,
                      "code": rng.choice(codes), "origin": "manual"}
            elif r < 0.86:
                ev = {"op": "remove", "seq": seq, "time": t, "doc": d, "segment": sid,
                      "start": s * 100, "end": s * 100 + 1, "code": rng.choice(codes),
                      "origin": "manual"}
                if ids:  # a remove of exactly one span, as qcode writes it since spans
                    ev = {**dict(list(ev.items())[:7]), "span": True, **dict(
                        list(ev.items())[7:])}
            elif r < 0.96:
                ev = {"op": "memo", "seq": seq, "time": t, "doc": d, "segment": sid,
                      "memo": "reads as a barrier here", "origin": "manual"}
            elif r < 0.99:
                ev = {"op": "undo", "seq": seq, "time": t, "doc": d, "origin": "manual",
                      "target": max(1, seq - 1)}
            else:
                ev = {"op": "done", "seq": seq, "time": t, "doc": d, "origin": "manual"}
            if ids:
                ev["id"] = f"{rng.getrandbits(64):016x}"
                if ev["op"] == "undo" and last_id is not None:
                    ev["target_id"] = last_id
                last_id = ev["id"]
            buf.append(orjson.dumps(ev))
            if len(buf) >= 50_000:
                fh.write(b"\n".join(buf) + b"\n")
                buf = []
        if buf:
            fh.write(b"\n".join(buf) + b"\n")


def bench_load(root: Path, n: int, repeats: int = 3, ids: bool = False) -> None:
    project = _project(root)
    path = project.codings_dir / "big.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    make_log(path, n, ids=ids)
    size = path.stat().st_size
    ck = codings.checkpoint_path(path)
    ck.unlink(missing_ok=True)

    t = time.perf_counter()
    data = path.read_bytes()
    with gc_paused():
        ref = [json.loads(line) for line in data.splitlines()]
    t_ref = time.perf_counter() - t
    del ref

    fulls, twos = [], []
    for _ in range(repeats):  # alternate with the previous method, the same conditions
        t = time.perf_counter()
        st = codings.state_from_bytes("big", codings.read_log_bytes(path), path)
        fulls.append(time.perf_counter() - t)
        del st
        t = time.perf_counter()  # the previous method: parse every line, then replay
        with gc_paused():
            read = codings.parse_lines(codings.read_log_bytes(path), path)
            two = codings.fold("big", read.events)
            del read
        twos.append(time.perf_counter() - t)
        del two
    st = codings.state_from_bytes("big", codings.read_log_bytes(path), path)
    two = codings.fold("big", codings.read_log(path).events)
    assert two.codes == st.codes and two.memos == st.memos and two.done == st.done
    del two
    t_full = statistics.median(fulls)
    t_two = statistics.median(twos)
    n_live = sum(len(v) for v in st.codes.values())

    codings.load_state(project, "big")  # writes the checkpoint (n >= MIN_EVENTS)
    if not ck.exists():
        print(f"(no checkpoint: fewer than {MIN_EVENTS} events)")
    cks = []
    for _ in range(repeats):
        t = time.perf_counter()
        st2 = codings.load_state(project, "big")
        cks.append(time.perf_counter() - t)
    t_ck = statistics.median(cks)
    assert st2.codes == st.codes and st2.memos == st.memos and st2.done == st.done

    t = time.perf_counter()
    records = st2.codings()
    t_rec = time.perf_counter() - t
    print(f"log: {n:,} events, {size / 1e6:.0f} MB, {n_live:,} live codings; "
          f"checkpoint {ck.stat().st_size / 1e6 if ck.exists() else 0:.0f} MB")
    print(f"fold, replaying every line (median of {repeats}): {t_full:.2f} s "
          f"(stdlib json.loads of every line, no fold: {t_ref:.2f} s; "
          f"ratio {t_full / t_ref:.2f})")
    print(f"  (parse every line first, then replay: {t_two:.2f} s; ratio {t_full / t_two:.2f})")
    print(f"fold from the checkpoint (hash-checked, median of {repeats}): {t_ck:.2f} s "
          f"(ratio to json.loads {t_ck / t_ref:.2f})")
    print(f"then {len(records):,} Coding records: {t_rec:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--appends", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3, help="loads to take the median of")
    ap.add_argument("--ids", action="store_true", help="every event with an id (as written now)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        bench_append(Path(tmp), args.appends)
        bench_load(Path(tmp), args.events, max(1, args.repeats), args.ids)


if __name__ == "__main__":
    main()

"""Benchmark unitized agreement (``qcode agree --spans`` / ``--unitized``).

    python benchmarks/bench_unitized.py [--docs 200] [--spans 50] [--boot 1000]

The study: N documents of 20,000 positions, 2 coders, S spans per coder and document over
10 codes; the second coder moves each boundary of the first's spans by up to 6
positions, gives 15 % of the spans another code, leaves 5 % out and adds 5 % of its own.
Timed (best of 3): every coefficient per code, per document and pooled, no bootstrap
(goal < 1 s); the same with B bootstrap resamples, intervals pooled and per document
(goal < 5 s), and pooled only (``--no-doc-intervals``).

Reference in the same run: u-alpha of each of the first 20 documents by
krippendorff-unitized-alpha 0.1.0 (PyPI; an independent implementation of the 2016
u-alpha, pure Python) when it can be imported (it pins numpy < 2, so it is not a
dependency: unpack its wheel and give the folder in ``KUA_PATH``); the values are checked
equal and the time per document compared. Without it, a direct per-position count of
u-alpha (one array cell per position and coder) is the reference.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qcode.agreement.unitized import unitized_agreement
from qcode.agreement.unitized_data import Continuum, Span

LENGTH = 20_000
CODES = [f"C{i:02d}" for i in range(10)]


def build(n_docs: int, n_spans: int, seed: int = 7) -> list[Continuum]:
    rng = np.random.default_rng(seed)
    out = []
    for d in range(n_docs):
        cuts = np.sort(rng.choice(np.arange(20, LENGTH - 20), size=2 * n_spans, replace=False))
        first = [(int(cuts[2 * i]), int(cuts[2 * i + 1]), str(rng.choice(CODES)))
                 for i in range(n_spans)]
        spans = [Span("x", s, e, c) for s, e, c in first]
        prev_end = 0
        for i, (s, e, c) in enumerate(first):
            if rng.random() < 0.05:
                continue
            nxt = first[i + 1][0] if i + 1 < len(first) else LENGTH
            s2 = int(np.clip(s + rng.integers(-6, 7), prev_end, e - 1))
            e2 = int(np.clip(e + rng.integers(-6, 7), s2 + 1, nxt))
            code = str(rng.choice(CODES)) if rng.random() < 0.15 else c
            spans.append(Span("y", s2, e2, code))
            prev_end = e2
        for _ in range(max(1, n_spans // 20)):  # y's own units, inside x's gaps
            gap = int(rng.integers(0, n_spans - 1))
            lo, hi = first[gap][1], first[gap + 1][0]
            taken = [(sp.start, sp.end) for sp in spans if sp.coder == "y"]
            if hi - lo > 4 and not any(a < hi and lo < b for a, b in taken):
                spans.append(Span("y", lo + 1, hi - 1, str(rng.choice(CODES))))
        out.append(Continuum(f"D{d + 1:03d}", 0, LENGTH, tuple(spans)))
    return out


def best(fn, runs: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall, CPU) seconds of the fastest of ``runs`` calls (the machine is shared: CPU
    time shows the work, wall time what a user waits)."""
    times = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t, time.process_time() - c))
    return min(times)


def positional_u_alpha(c: Continuum) -> float:
    """u-alpha counted position by position (two coders): the straightforward reference."""
    values = {code: k + 1 for k, code in enumerate(sorted({s.code for s in c.spans}))}
    v = len(values) + 1
    grid = np.zeros((2, c.length), dtype=np.int64)
    self_pairs = np.zeros(v)
    for i, who in enumerate(("x", "y")):
        for s in c.spans:
            if s.coder == who:
                grid[i, s.start - c.begin:s.end - c.begin] = values[s.code]
                self_pairs[values[s.code]] += (s.end - s.start) ** 2
        self_pairs[0] += int((grid[i] == 0).sum())
    o = np.zeros((v, v))
    np.add.at(o, (grid[0], grid[1]), 1.0)
    o = o + o.T
    total = o.sum()
    e = (np.outer(o.sum(1), o.sum(0)) - np.diag(self_pairs)) / (total - self_pairs.sum() / total)
    return 1.0 - (total - np.trace(o)) / (e.sum() - np.trace(e))


def independent(c: Continuum, kua: object) -> float:
    seg, empty = kua.Segment, kua.EMPTY_TAG  # type: ignore[attr-defined]
    data = {}
    for who in ("x", "y"):
        pos, parts = c.begin, []
        for s in sorted((s for s in c.spans if s.coder == who), key=lambda s: s.start):
            if s.start > pos:
                parts.append(seg(empty, pos, s.start))
            parts.append(seg(s.code, s.start, s.end))
            pos = s.end
        if pos < c.end:
            parts.append(seg(empty, pos, c.end))
        data[who] = parts
    return float(kua.KrippendorffUnitizedAlpha(data).result)  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--spans", type=int, default=50)
    ap.add_argument("--boot", type=int, default=1000)
    args = ap.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    continua = build(args.docs, args.spans)
    n = sum(len(c.spans) for c in continua)
    print(f"{args.docs} documents x {LENGTH} positions, 2 coders, {n} spans, "
          f"{len(CODES)} codes")
    rep = unitized_agreement(continua, ["x", "y"], n_boot=0)
    t_point = best(lambda: unitized_agreement(continua, ["x", "y"], n_boot=0))
    t_boot = best(lambda: unitized_agreement(continua, ["x", "y"], n_boot=args.boot, seed=1))
    t_pooled = best(lambda: unitized_agreement(continua, ["x", "y"], n_boot=args.boot,
                                               seed=1, per_document_ci=False))
    for c in rep.coefficients:
        v = c.overall.value
        print(f"  {c.name:15s} {'n/a' if v is None else f'{v:.4f}'}  "
              f"({len(c.by_code)} by code)")
    print(f"all coefficients, per code, per document and pooled: {t_point[0]:.3f} s wall, "
          f"{t_point[1]:.3f} s CPU (goal < 1 s)")
    print(f"with {args.boot} bootstrap resamples, pooled and per document: {t_boot[0]:.3f} s "
          f"wall, {t_boot[1]:.3f} s CPU (goal < 5 s)")
    print(f"with {args.boot} bootstrap resamples, pooled only (--no-doc-intervals): "
          f"{t_pooled[0]:.3f} s wall, {t_pooled[1]:.3f} s CPU")

    sample = continua[:20]
    ours = [dict((c.name, c) for c in rep.per_document[d.doc])["u_alpha"].overall.value
            for d in sample]
    t_ours = best(lambda: [unitized_agreement([d], ["x", "y"], n_boot=0) for d in sample])[1]
    kua = None
    if os.environ.get("KUA_PATH"):
        sys.path.insert(0, os.environ["KUA_PATH"])
    try:
        kua = importlib.import_module(
            "krippendorff_unitized_alpha.krippendorffs_unitized_alpha")
    except ImportError:
        kua = None
    if kua is not None:
        name, fn = "krippendorff-unitized-alpha 0.1.0", (lambda d: independent(d, kua))
    else:
        name, fn = "per-position reference", positional_u_alpha
    theirs = [fn(d) for d in sample]
    t_ref = best(lambda: [fn(d) for d in sample], runs=1)[1]
    worst = max(abs(a - b) for a, b in zip(ours, theirs, strict=True))  # type: ignore[operator]
    print(f"u-alpha of {len(sample)} documents, one at a time (CPU): qcode {t_ours:.3f} s "
          f"(every coefficient), {name} {t_ref:.3f} s (u-alpha only); ratio "
          f"{t_ref / t_ours:.1f}x; largest difference {worst:.2e}")


if __name__ == "__main__":
    main()

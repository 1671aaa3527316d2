"""Benchmark reconciliation on a synthetic study, against a pandas majority vote.

    python benchmarks/bench_reconcile.py [--docs N] [--segments N] [--coders K] [--spans]
                                         [--build-only DIR]

The study: N documents x N segments, K coders; about 40 % of segments carry 1-3 codes
(of 39), and each coder departs from a shared "true" coding on about 20 % of those.
Timed: ``qcode.reconcile.pair_diff.diff`` of two coders; a first ``reconcile(..., "majority")``
(every decision appended and fsynced, the consensus coder's log written, documents marked
done); a second run that finds nothing to do; ``status`` and ``summary``. The reference is
pandas computing the same majority consensus from the coders' codings in long form
(no decision log, no files written): the ratio shows what the audit trail costs.
The consensus sets of both are checked to be equal.

``--spans``: each coder puts their codes on a stretch of words of the segment (from a
word in its first half to one in its second, drawn per coder) instead of the whole
segment, so reconciliation works on positions; the pandas check is skipped (it votes on
segments, not positions).

``--build-only DIR``: build the study in ``DIR/study`` (a new folder), read each coder's log
once so that their checkpoints are in place, and stop (nothing timed): for timing the
CLI on copies of it, e.g. ``qcode reconcile --coder coder1,coder2,coder3,coder4 --as
consensus --strategy majority --format json``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qcode.coding import store as codings
from qcode.models import Document, Segment, Turn
from qcode.project import init_project


def build(root: Path, n_docs: int, n_segs: int, k: int, seed: int = 7,
          spans: bool = False) -> tuple:
    rng = random.Random(seed)
    project = init_project(root / "study")
    codes = [c.id for c in project.codebook.codes]
    coders = [f"coder{i + 1}" for i in range(k)]
    long_rows: list[tuple[str, str, str]] = []  # coder, segment, code
    events: dict[str, list[dict]] = {c: [] for c in coders}
    for d in range(n_docs):
        doc_id = f"D{d + 1:03d}"
        text, segs, turns = "", [], []
        for s in range(n_segs):
            words = f"Segment {s} of {doc_id}: we talked about video and funding. "
            segs.append(Segment(id=f"{doc_id}:{s + 1:04d}", start=len(text),
                                end=len(text) + len(words) - 1, speaker="R", turn=s))
            turns.append(Turn(speaker="R", start=len(text), end=len(text) + len(words) - 1))
            text += words
        doc = Document(id=doc_id, title=doc_id, format="txt", text=text, turns=tuple(turns),
                       segments=tuple(segs))
        project.save_document(doc)
        for seg in segs:
            truth = set(rng.sample(codes, rng.randint(1, 3))) if rng.random() < 0.4 else set()
            for c in coders:
                mine = set(truth)
                if rng.random() < 0.2:
                    if mine and rng.random() < 0.5:
                        mine.discard(rng.choice(sorted(mine)))
                    else:
                        mine.add(rng.choice(codes))
                if mine and spans:
                    cut = [seg.start + i for i, ch in enumerate(text[seg.start:seg.end])
                           if ch == " "]
                    lo = rng.choice([seg.start, *cut[:len(cut) // 2]])
                    hi = rng.choice([*cut[len(cut) // 2:], seg.end])
                    events[c] += codings.span_add_events(codings.CoderState(coder=c), doc,
                                                         lo + (lo > seg.start), hi,
                                                         sorted(mine))
                    long_rows += [(c, seg.id, code) for code in mine]
                elif mine:
                    events[c] += codings.add_events(codings.CoderState(coder=c), doc,
                                                    [seg.id], sorted(mine))
                    long_rows += [(c, seg.id, code) for code in mine]
    for c in coders:
        codings.append_events(project, c, events[c])
        for d in range(n_docs):
            codings.mark_done(project, c, f"D{d + 1:03d}")
    return project, coders, long_rows


def pandas_majority(rows: list[tuple[str, str, str]], k: int) -> dict[str, set[str]]:
    import pandas as pd  # imported before timing starts (see main)

    frame = pd.DataFrame(rows, columns=["coder", "segment", "code"])
    votes = frame.groupby(["segment", "code"]).size()
    kept = votes[votes * 2 > k].reset_index()
    out: dict[str, set[str]] = {}
    for seg, code in zip(kept["segment"], kept["code"], strict=True):
        out.setdefault(seg, set()).add(code)
    return out


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    value = fn()
    dt = time.perf_counter() - t
    print(f"{label:<38} {dt * 1000:9.1f} ms")
    return value, dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=30)
    ap.add_argument("--segments", type=int, default=300)
    ap.add_argument("--coders", type=int, default=3)
    ap.add_argument("--spans", action="store_true", help="code stretches of words")
    ap.add_argument("--build-only", type=Path, metavar="DIR",
                    help="build the study in DIR/study, read each coder once, and stop")
    args = ap.parse_args()
    if args.build_only is not None:
        project, coders, _ = build(args.build_only, args.docs, args.segments, args.coders,
                                   spans=args.spans)
        for c in coders:  # the first read writes the coder's checkpoint
            codings.load_state(project, c)
        print(f"built {project.root}")
        return
    import pandas  # noqa: F401  (the import is not part of the reference's time)

    from qcode.reconcile.pair_diff import diff
    from qcode.reconcile.run import reconcile
    from qcode.reconcile.status import status, summary

    with tempfile.TemporaryDirectory() as tmp:
        project, coders, rows = build(Path(tmp), args.docs, args.segments, args.coders,
                                      spans=args.spans)
        n = args.docs * args.segments
        print(f"{args.docs} documents x {args.segments} segments = {n} segments, "
              f"{len(coders)} coders, {len(rows)} codings")
        d, _ = timed("diff (2 coders)", lambda: diff(project, coders[0], coders[1]))
        print(f"  {len(d.disagreements)} segments differ")
        r, t_qcode = timed("reconcile majority (first run)",
                           lambda: reconcile(project, coders, "consensus", "majority"))
        print(f"  {len(r.decided)} decisions: {r.by_outcome}")
        timed("reconcile again (nothing to do)",
              lambda: reconcile(project, coders, "consensus", "majority"))
        timed("status", lambda: status(project, "consensus"))
        timed("summary", lambda: summary(project, "consensus"))
        ref, t_ref = timed("pandas majority vote (reference)",
                           lambda: pandas_majority(rows, len(coders)))
        if args.spans:
            print(f"spans: consensus on positions; qcode / pandas (segments) = "
                  f"{t_qcode / t_ref:.1f}x")
            return
        st = codings.load_state(project, "consensus")
        ours = {seg: set(c) for (_, seg), c in st.codes.items() if c}
        assert ours == ref, "the consensus differs from the pandas majority vote"
        print(f"consensus equal to pandas: yes; qcode / pandas = {t_qcode / t_ref:.1f}x")


if __name__ == "__main__":
    main()

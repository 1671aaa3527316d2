"""Benchmark the full-screen coding app (``qcode code``).

    python benchmarks/bench_app.py [--words N] [--codings N] [--keys N]

First paint: a 10,000-word transcript (400 turns of 25 words) with 500 of the coder's
codings. Measured twice: in-process (load the document and the coder's state, build the
app, run it headless until the first screen is composed and painted), and as a user sees
it (``qcode code`` started in a tmux terminal until the screen shows the side pane; this
includes starting Python and importing qcode and Textual).

Keystroke: a code applied with one key (Enter codes the highlighted code) through Textual's
pilot, timed until the press is processed and the screen refreshed; the new code is then
checked on screen (untimed). Median and 95th percentile over N keystrokes, each on a turn
that did not have the code (the move there is untimed). Each one is a real fsynced append.

Start-up: ``qcode --version`` wall time (best of 10) and whether Textual is imported.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qcode.cli.tui.app import CodingApp, Transcript  # noqa: E402
from qcode.coding import store as codings  # noqa: E402
from qcode.coding.app_state import AppState  # noqa: E402
from qcode.coding.drafts import EventDraft  # noqa: E402
from qcode.models import Document, Segment, Turn  # noqa: E402
from qcode.project import Project, init_project  # noqa: E402

WORDS = ["video", "clinic", "budget", "region", "hospital", "nurse", "patient", "consultation",
         "steering", "funding", "pilot", "routine", "takst", "leader", "distance", "follow-up",
         "kidney", "dialysis", "screen", "booking", "the", "and", "of", "we", "they", "it",
         "was", "not", "but", "so", "because", "then"]


def build(root: Path, n_words: int, n_codings: int) -> Project:
    rng = random.Random(7)
    project = init_project(root / "study")
    per_turn = 25
    parts, turns, segs, pos = [], [], [], 0
    for i in range(n_words // per_turn):
        said = " ".join(rng.choice(WORDS) for _ in range(per_turn)).capitalize() + "."
        if i:
            parts.append("\n\n")
            pos += 2
        speaker = "Interviewer" if i % 2 == 0 else "Respondent"
        turns.append(Turn(speaker=speaker, start=pos, end=pos + len(said),
                          time_start=i * 15.0, time_end=i * 15.0 + 15))
        segs.append(Segment(id=f"B01:{i + 1:04d}", start=pos, end=pos + len(said),
                            speaker=speaker, turn=i, time_start=i * 15.0,
                            time_end=i * 15.0 + 15))
        parts.append(said)
        pos += len(said)
    doc = Document(id="B01", title="bench", format="text", text="".join(parts),
                   turns=tuple(turns), segments=tuple(segs))
    project.save_document(doc)
    codes = [c.id for c in project.codebook.codes][1:]  # the first code is kept for the keys
    state = codings.CoderState(coder="bench")
    events: list[EventDraft] = []
    seen: set[tuple[str, str]] = set()
    while len(events) < n_codings:
        seg, code = rng.choice(segs), rng.choice(codes)
        if (seg.id, code) not in seen:
            seen.add((seg.id, code))
            events.extend(codings.add_events(state, doc, [seg.id], [code]))
    codings.append_events(project, "bench", events)
    return project


async def first_paint(project: Project) -> tuple[float, float]:
    """Wall and CPU seconds from loading the document to the first painted screen."""
    t0, c0 = time.perf_counter(), time.process_time()
    state = AppState(project, project.load_document("B01"), "bench")
    app = CodingApp(state)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        took = time.perf_counter() - t0, time.process_time() - c0
        pane = app.query_one("#transcript", Transcript)
        assert any(pane.render_line(i).text.strip() for i in range(3))  # a turn is painted
    return took


async def keystrokes(project: Project, n: int) -> tuple[list[float], list[float], list[float]]:
    """Wall and CPU seconds per code-applying key (press, then the next screen refresh), and
    the wall time of an unbound key through the same pilot calls (the pilot's own cost)."""
    key_code = project.codebook.codes[0].id
    state = AppState(project, project.load_document("B01"), "bench")
    app = CodingApp(state)
    targets = [i for i, s in enumerate(state.doc.segments)
               if key_code not in state.session.state.codes_on("B01", s.id)][:n]
    wall, cpu, idle = [], [], []
    async with app.run_test(size=(160, 48)) as pilot:
        for index in targets:
            state.goto(index)
            app.highlighted = key_code
            app.refresh_state()
            await pilot.pause()
            t0 = time.perf_counter()
            await pilot.press("z")  # bound to nothing
            await pilot.pause()
            idle.append(time.perf_counter() - t0)
            t0, c0 = time.perf_counter(), time.process_time()
            await pilot.press("enter")
            await pilot.pause()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            view = app.query_one("#transcript", Transcript)
            shown = "\n".join(view.render_line(y).text for y in range(view.size.height))
            assert key_code in shown, "the code is not on the screen"
    return wall, cpu, idle


def terminal_first_paint(root: Path, repeats: int = 5) -> float | None:
    if shutil.which("tmux") is None:
        return None
    best = float("inf")
    for k in range(repeats):
        sock = f"qcode-bench-{os.getpid()}-{k}"
        cmd = f"{sys.executable} -m qcode --project {root} code B01 --coder bench"
        t0 = time.perf_counter()
        subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-s", "b", "-x", "160",
                        "-y", "48", "-e", "TERM=xterm-256color", "-e", f"PYTHONPATH={ROOT}",
                        cmd], check=True)
        while "On this turn" not in subprocess.run(
                ["tmux", "-L", sock, "capture-pane", "-p", "-t", "b"], capture_output=True,
                text=True).stdout:
            time.sleep(0.01)
        best = min(best, time.perf_counter() - t0)
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    return best


def version_startup() -> tuple[float, bool]:
    best = float("inf")
    for _ in range(10):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qcode", "--version"], check=True,
                       capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    trace = subprocess.run([sys.executable, "-X", "importtime", "-m", "qcode", "--version"],
                           capture_output=True, text=True, cwd=ROOT).stderr
    return best, " textual" in trace


def ms(values: list[float], q: float = 0.5) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=10_000)
    ap.add_argument("--codings", type=int, default=500)
    ap.add_argument("--keys", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = build(Path(tmp), args.words, args.codings)
        runs = [asyncio.run(first_paint(project)) for _ in range(5)]
        paints, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"first paint, in-process ({args.words:,} words, {args.codings} codings; target "
              f"< 0.5 s): wall best {min(paints):.3f} s, median {statistics.median(paints):.3f}"
              f" s; CPU median {statistics.median(cpus):.3f} s")
        term = terminal_first_paint(project.root)
        if term is not None:
            print(f"first paint, qcode code in a tmux terminal (Python start-up included): "
                  f"best of 5 {term:.3f} s")
        wall, cpu, idle = asyncio.run(keystrokes(project, args.keys))
        print(f"keystroke to screen, {len(wall)} codes applied (target median < 50 ms): "
              f"median {ms(wall)} wall, {ms(cpu)} CPU; p95 {ms(wall, 0.95)} wall; "
              f"an unbound key through the same pilot calls: median {ms(idle)}")
    start, textual = version_startup()
    print(f"qcode --version: best of 10 {start * 1000:.0f} ms; Textual imported: {textual}")


if __name__ == "__main__":
    main()

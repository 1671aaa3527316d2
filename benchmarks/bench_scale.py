"""Scaling benchmark (issue 19): every whole-project command through the CLI at 200 and
2,000 transcripts (10,000 with ``--huge``; never in CI), with its time, peak memory and
growth for ten times the work.

The study is the same at every size, only longer: each transcript has 100 turns
(interviewer and respondent in turn, 6-20 words a sentence); two coders, ``alice`` and
``bob``, each put about 52 codings on a document (about 10,500 each at 200 transcripts,
105,000 at 2,000), agreeing on about 80 % of the coded turns; both mark every document
complete. Each size is built from the same seed, so 2,000 is ten times 200.

Timed through the CLI, one subprocess per command (``python -m qcode``, start-up
included), wall time and the command's own peak RSS (``os.wait4``), median of ``--runs``
runs, each run on a fresh project (the writing commands change it):

``ingest`` (the folder of .txt files), ``codings import`` (both coders' CSVs, summed),
``matrix``, ``cooccur`` (alice), ``agree`` without and with the default bootstrap,
``diff``, ``reconcile --strategy majority``, ``report`` in md, html, csv, docx and xlsx
(alice), ``export qdpx`` and ``import qdpx --into`` a new folder.

The first read command after the import (``agree --bootstrap 0``, row "first read") builds
the read index and both coders' checkpoints; it is timed on its own row, and the rows after
it (the issue's goals among them) are reads of a project whose index and checkpoints are in
place, as every read is until the files change again. A fresh clone pays the first read
once (nothing under ``.qcode-index`` or ``codings/.*.checkpoint`` is committed).

**The reference**, run in the same runs: a plain Python subprocess that reads every
document JSON and every coder log with the standard library's ``json`` (every line
parsed, nothing validated, nothing computed). Every whole-project command has to read
those files at least once, so this is the floor a command cannot go under without an
index; a command's ratio to it says how much it costs beyond reading the project, and
the reference's own growth shows what "linear" looks like on this machine at that moment.

A command whose time grows more than 12x for 10x the work is flagged ``SUPERLINEAR``.
Commands other work adds (``agree --unitized``, ``search``, ``status``, ``check``) are left
out with a note where this qcode does not have them. After each size the issue's goals
are listed against the medians, with the load average before and after.
Benchmarks are not tests: pytest never runs this file.

Usage::

    python benchmarks/bench_scale.py [--sizes 200,2000] [--runs 3] [--huge] [--src DIR]

``--src DIR`` runs the qcode source tree in DIR instead of this checkout (e.g. a
``git archive`` of an older commit, for before/after figures).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
GROWTH_LIMIT = 12.0
_VOCABULARY = ("the we telemedicine video consultation hospital region patient clinic "
               "nurse doctor budget funding strategy national regional local ministry trust "
               "because when there is no one who pays for it and that was the problem in the "
               "north we had distances ferry winter specialist follow-up platform security "
               "record really actually")
WORDS = _VOCABULARY.split()

REFERENCE = """
import json, sys
from pathlib import Path
root = Path(sys.argv[1])
n = 0
for p in sorted((root / "documents").glob("*.json")):
    n += len(json.loads(p.read_bytes())["segments"])
for p in sorted((root / "codings").glob("*.jsonl")):
    for line in p.read_bytes().splitlines():
        if line.strip():
            json.loads(line)
            n += 1
print(n)
"""

#: seconds between the last write and the first read (qcode.coding.checkpoint.RACY_NS, 2 s)
RACY_WAIT = 2.1
#: the first read command after the import: it builds the read index (``.qcode-index``) and
#: both coders' checkpoints, which every later read uses while the files stay as they are
FIRST_READ = "first read: agree --bootstrap 0 (builds the index, checkpoints)"

DONE = """
import sys
from qcode.coding import store
from qcode.project import open_project
project = open_project(sys.argv[1])
for coder in ("alice", "bob"):
    store.append_events(project, coder,
                        [{"op": "done", "doc": d} for d in project.document_ids()])
"""


def build_inputs(folder: Path, n_docs: int, codes: list[str], seed: int = 19) -> int:
    """Write the transcripts and both coders' codings CSVs; return codings per coder."""
    rng = random.Random(seed)
    (folder / "transcripts").mkdir(parents=True)
    rows: dict[str, list[tuple[str, str, str]]] = {"alice": [], "bob": []}
    for n in range(n_docs):
        doc = f"T{n:05d}"
        turns = []
        for k in range(100):
            sentences = 1 if k % 2 == 0 else rng.randint(2, 6)
            body = " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 20)))
                            .capitalize() + "." for _ in range(sentences))
            turns.append(f"{'Interviewer' if k % 2 == 0 else 'Respondent'}: {body}")
            if k % 2 == 1 and rng.random() < 0.79:
                seg = f"{doc}:{k + 1:04d}"
                first = rng.sample(codes, rng.choice((1, 1, 2)))
                second = first if rng.random() < 0.8 else rng.sample(codes, rng.randint(1, 2))
                rows["alice"] += [(doc, seg, c) for c in first]
                rows["bob"] += [(doc, seg, c) for c in second]
        (folder / "transcripts" / f"{doc}.txt").write_text("\n\n".join(turns) + "\n")
    for coder, got in rows.items():
        with open(folder / f"{coder}.csv", "w", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["doc", "segment", "code"])
            out.writerows(got)
    return len(rows["alice"])


class Sample(NamedTuple):
    wall: float
    cpu: float
    mb: float


class Runner:
    def __init__(self, src: Path) -> None:
        self.env = dict(os.environ, PYTHONPATH=str(src), NO_COLOR="1")
        self.env.pop("QCODE_PROJECT", None)

    def run(self, args: list[str], cwd: Path, *, python: bool = False) -> Sample:
        """Wall seconds, CPU seconds and peak RSS (MB) of one subprocess; it must succeed."""
        cmd = [sys.executable, *args] if python else [sys.executable, "-m", "qcode", *args]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 7):  # 7: PARTIAL (nothing here should drop anything)
            raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n"
                             f"{err.decode(errors='replace')[-2000:]}")
        return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)

    def run_if_there(self, args: list[str], cwd: Path) -> Sample | None:
        """:meth:`run` for a command other work may not have added yet: None (and a note)
        when this qcode has no such command or option, or the command fails."""
        try:
            return self.run(args, cwd)
        except SystemExit as exc:
            print(f"  (left out: qcode {' '.join(args)}: {str(exc).splitlines()[0]})",
                  flush=True)
            return None


def one_run(runner: Runner, inputs: Path, work: Path, skip: tuple[str, ...] = ()
            ) -> dict[str, Sample]:
    """Every command once on a fresh project (but those whose label starts with one in
    ``skip``)."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    runner.run(["init", "study"], work)
    p = work / "study"
    out: dict[str, Sample] = {}
    out["qcode --version"] = runner.run(["--version"], p)
    out["ingest (all files)"] = runner.run(["ingest", str(inputs / "transcripts")], p)
    a = runner.run(["codings", "import", str(inputs / "alice.csv"), "--coder", "alice"], p)
    b = runner.run(["codings", "import", str(inputs / "bob.csv"), "--coder", "bob"], p)
    out["codings import (2 coders)"] = Sample(a.wall + b.wall, a.cpu + b.cpu, max(a.mb, b.mb))
    runner.run(["-c", DONE, str(p)], p, python=True)  # setup: both coders complete all
    # a log written less than two seconds before it is read is not taken on its stamp (the
    # racy-write rule, RACY_NS), so the read after the first would read it again: wait that
    # out, as any read a person runs after an import does
    time.sleep(RACY_WAIT)
    out["REFERENCE: read every JSON"] = runner.run(["-c", REFERENCE, str(p)], p, python=True)
    pair = ["--coder", "alice,bob"]
    out[FIRST_READ] = runner.run(["agree", *pair, "--bootstrap", "0"], p)
    out["matrix --coder alice"] = runner.run(["matrix", "--coder", "alice"], p)
    out["cooccur --coder alice"] = runner.run(["cooccur", "--coder", "alice"], p)
    out["agree --bootstrap 0"] = runner.run(["agree", *pair, "--bootstrap", "0"], p)
    out["agree (bootstrap 1000)"] = runner.run(["agree", *pair], p)
    out["diff"] = runner.run(["diff", *pair], p)
    optional = {"agree --unitized": ["agree", *pair, "--unitized", "--bootstrap", "0"],
                "search (one word, every hit)": ["search", "telemedicine"],
                "status": ["status"], "check": ["check"]}
    for label, args in optional.items():
        if not label.startswith(skip):
            got = runner.run_if_there(args, p)
            if got is not None:
                out[label] = got
    for fmt in ("md", "html", "csv", "docx", "xlsx"):
        args = ["report", "--coder", "alice", "--format", fmt]
        if fmt in ("docx", "xlsx"):
            args += ["--output", str(work / f"report.{fmt}")]
        if not f"report --format {fmt}".startswith(skip):
            out[f"report --format {fmt}"] = runner.run(args, p)
    out["export qdpx"] = runner.run(["export", "qdpx", str(work / "study.qdpx")], p)
    out["import qdpx --into"] = runner.run(["import", "qdpx", str(work / "study.qdpx"),
                                            "--into", str(work / "copy")], work)
    out["reconcile --strategy majority"] = runner.run(
        ["reconcile", *pair, "--strategy", "majority", "--as", "consensus"], p)
    return out


def codebook_codes(runner: Runner, tmp: Path) -> list[str]:
    runner.run(["init", "probe"], tmp)
    proc = subprocess.run([sys.executable, "-m", "qcode", "codebook", "show", "--format",
                           "json"], cwd=tmp / "probe", env=runner.env, capture_output=True,
                          check=True)
    return [c["id"] for c in json.loads(proc.stdout)["codes"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="200,2000")
    ap.add_argument("--huge", action="store_true", help="also 10,000 transcripts (slow)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--src", type=Path, default=ROOT, help="the qcode source tree to run")
    ap.add_argument("--skip", default="", help="leave out commands whose label starts with "
                    "one of these (comma-separated), e.g. 'report --format xlsx'")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000] if args.huge else [])
    runner = Runner(args.src.resolve())
    skip = tuple(x.strip() for x in args.skip.split(",") if x.strip())
    results: dict[int, dict[str, Sample]] = {}
    with tempfile.TemporaryDirectory(prefix="qcode-scale-") as tmp_name:
        tmp = Path(tmp_name)
        codes = codebook_codes(runner, tmp)
        for size in sizes:
            inputs = tmp / f"inputs-{size}"
            per_coder = build_inputs(inputs, size, codes)
            print(f"\n{size} transcripts x 100 turns, 2 coders, {per_coder} codings each "
                  f"({args.runs} runs; source {args.src})", flush=True)
            print(f"  load average before: {load_average()}", flush=True)
            runs = []
            for r in range(args.runs):
                runs.append(one_run(runner, inputs, tmp / f"run-{size}", skip))
                print(f"  run {r + 1}: " + ", ".join(f"{k.split(' ')[0]} {v.wall:.2f}"
                                                    for k, v in runs[-1].items()), flush=True)
            results[size] = {k: Sample(statistics.median(r[k].wall for r in runs),
                                       statistics.median(r[k].cpu for r in runs),
                                       max(r[k].mb for r in runs))
                             for k in runs[0] if all(k in r for r in runs)}
            print(f"  load average after: {load_average()}", flush=True)
            shutil.rmtree(inputs)
            report(results)  # so far: a long run that is stopped still shows a table
            goals(results)


#: issue 19's goals: (size, command label, seconds wall, MB peak or None)
GOALS = [(200, "qcode --version", 0.08, None)]
GOALS += [(200, c, 0.25, None) for c in ("matrix --coder alice", "cooccur --coder alice",
                                          "agree --bootstrap 0", "diff", "report --format md")]
GOALS += [(200, "export qdpx", 1.0, None)]
GOALS += [(2000, c, 2.0, 400.0) for c in ("matrix --coder alice", "cooccur --coder alice",
                                           "agree --bootstrap 0", "diff",
                                           "report --format md")]
GOALS += [(2000, "export qdpx", 8.0, None), (2000, "agree (bootstrap 1000)", 5.0, None)]


def goals(results: dict[int, dict[str, Sample]]) -> None:
    """The issue's goals against this run's medians (wall time, as the issue measures)."""
    print("\n| goal | measured | met |\n|---|---|---|")
    for size, label, secs, mb in GOALS:
        x = results.get(size, {}).get(label)
        if x is None:
            continue
        want = f"`{label}` at {size:,}: < {secs:g} s" + (f", < {mb:g} MB" if mb else "")
        ok = x.wall < secs and (mb is None or x.mb < mb)
        got = f"{x.wall:.2f} s wall ({x.cpu:.2f} s CPU)" + (f", {x.mb:.0f} MB" if mb else "")
        print(f"| {want} | {got} | {'yes' if ok else 'no'} |")


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on this platform
        return "unknown"


def report(results: dict[int, dict[str, Sample]]) -> None:
    """A Markdown table: medians of wall (and CPU) time, ratio to the reference, growth."""
    sizes = sorted(results)
    ref = "REFERENCE: read every JSON"
    head = "| command | " + " | ".join(f"{s:,}: wall (cpu), x ref" for s in sizes)
    if len(sizes) > 1:
        head += " | growth wall (cpu)"
    head += f" | peak MB at {sizes[-1]:,} |"
    print("\n" + head)
    print("|" + "---|" * (len(sizes) + 2 + (len(sizes) > 1)))
    for label in results[sizes[0]]:
        if any(label not in results[s] for s in sizes):
            continue  # a command that failed or was missing at some size
        cells = []
        for s in sizes:
            x = results[s][label]
            cells.append(f"{x.wall:.2f} ({x.cpu:.2f}) s, {x.wall / results[s][ref].wall:.1f}x")
        if len(sizes) > 1:
            a, b = results[sizes[-2]][label], results[sizes[-1]][label]
            g = b.wall / a.wall
            flag = (" SUPERLINEAR" if label != "qcode --version" and
                    g > GROWTH_LIMIT * sizes[-1] / sizes[-2] / 10 else "")
            cells.append(f"{g:.1f}x ({b.cpu / a.cpu:.1f}x){flag}")
        print(f"| `{label}` | " + " | ".join(cells) + f" | {results[sizes[-1]][label].mb:.0f} |")


if __name__ == "__main__":
    main()

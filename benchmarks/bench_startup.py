"""Start-up of the ``qcode`` script: median wall time of fresh processes, two trees compared.

    git archive <before-commit> qcode | tar -x -C /tmp/before
    git archive HEAD qcode | tar -x -C /tmp/after
    qcode demo /tmp/demo
    python benchmarks/bench_startup.py /tmp/before /tmp/after /tmp/demo [runs] [A,B]

(``A,B``: two coders of the project, ``ingrid,lars`` for the demo's; the 200-transcript
study of ``bench_scale.py`` has ``alice,bob``.)

Each tree is put first on PYTHONPATH of the installed ``qcode`` script, and the runs of the
two trees alternate, so a loaded machine slows both alike; the load average is printed, and
the CPU time (user + system) of each run, which a busy machine inflates less.

In the same runs, the floor of the stack qcode is built on: a bare interpreter, and one that
only imports typer, pydantic and rich (the CLI, the records, the tables), then numpy as
well (agreement and reports). No qcode command on this stack can start faster than that.

Bytecode is cached as an installed package has it (compiled once, under a folder per tree
in the temporary directory, so the trees stay untouched), even where the environment sets
PYTHONDONTWRITEBYTECODE: compiling qcode's modules again in every run costs about 0.1 s
and is not what a user's ``qcode`` pays.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

STACK = "import typer, pydantic, rich.console, rich.table"


def main() -> None:
    before, after, project = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    script = shutil.which("qcode", path=os.path.dirname(sys.executable)) or "qcode"
    pair = sys.argv[5] if len(sys.argv) > 5 else "ingrid,lars"  # two coders of the project
    first = pair.split(",")[0]
    cases = {"qcode --version": ["--version"], "qcode matrix --help": ["matrix", "--help"],
             "qcode --project P matrix --coder A": ["--project", project, "matrix",
                                                    "--coder", first],
             "qcode --project P cooccur --coder A": ["--project", project, "cooccur",
                                                     "--coder", first],
             "qcode --project P agree --coder A,B": ["--project", project, "agree", "--coder",
                                                     pair],
             "qcode --project P agree --coder A,B --bootstrap 0": [
                 "--project", project, "agree", "--coder", pair, "--bootstrap", "0"],
             "qcode --project P diff --coder A,B": ["--project", project, "diff", "--coder",
                                                    pair],
             "qcode --project P report --coder A --format md": [
                 "--project", project, "report", "--coder", first, "--format", "md"],
             "qcode --project P matrix --coder A --format json": [
                 "--project", project, "matrix", "--coder", first, "--format", "json"]}
    trees = {"before": before, "after": after}
    floors = {"python -c pass": [sys.executable, "-c", "pass"],
              "import typer, pydantic, rich": [sys.executable, "-c", STACK],
              "... and numpy": [sys.executable, "-c", STACK + ", numpy"]}
    cache = tempfile.mkdtemp(prefix="qcode-bench-pyc-")
    envs = {tree: {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                   "PYTHONPATH": path, "PYTHONPYCACHEPREFIX": os.path.join(cache, tree)}
            for tree, path in trees.items()}
    times: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in cases}
    cpu: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in cases}
    for tree in trees:  # compile the .pyc files once
        for args in cases.values():
            subprocess.run([script, *args], env=envs[tree], capture_output=True, check=True)
    floor_times: dict[str, list[float]] = {f: [] for f in floors}
    floor_cpu: dict[str, list[float]] = {f: [] for f in floors}
    print("load average at start:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for _ in range(runs):
        for floor, argv in floors.items():
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, env=envs["after"], capture_output=True, check=True)
            floor_times[floor].append(time.perf_counter() - start)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            floor_cpu[floor].append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
        for case, args in cases.items():
            for tree in trees:
                used = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run([script, *args], env=envs[tree], capture_output=True,
                               check=True)
                times[(tree, case)].append(time.perf_counter() - start)
                now = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[(tree, case)].append(now.ru_utime + now.ru_stime
                                         - used.ru_utime - used.ru_stime)
    print("load average at end:  ", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"| command (median of {runs}) | wall before | wall after | after/before "
          "| CPU before | CPU after | after/before |")
    print("|---|---|---|---|---|---|---|")
    for case in cases:
        b = statistics.median(times[("before", case)])
        a = statistics.median(times[("after", case)])
        cb = statistics.median(cpu[("before", case)])
        ca = statistics.median(cpu[("after", case)])
        print(f"| `{case}` | {b:.3f} s | {a:.3f} s | {a / b:.2f} | {cb:.3f} s | {ca:.3f} s "
              f"| {ca / cb:.2f} |")
    print(f"\n| the stack alone (median of {runs}) | wall | CPU |")
    print("|---|---|---|")
    for floor in floors:
        print(f"| `{floor}` | {statistics.median(floor_times[floor]):.3f} s "
              f"| {statistics.median(floor_cpu[floor]):.3f} s |")


if __name__ == "__main__":
    main()

"""Start-up of the ``qcode`` script: median wall time of fresh processes, two trees compared.

    git archive <before-commit> qcode | tar -x -C /tmp/before
    git archive HEAD qcode | tar -x -C /tmp/after
    qcode demo /tmp/demo
    python benchmarks/bench_startup.py /tmp/before /tmp/after /tmp/demo [runs]

Each tree is put first on PYTHONPATH of the installed ``qcode`` script, and the runs of the
two trees alternate, so a loaded machine slows both alike; the load average is printed, and
the CPU time (user + system) of each run, which a busy machine inflates less.

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


def main() -> None:
    before, after, project = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    script = shutil.which("qcode", path=os.path.dirname(sys.executable)) or "qcode"
    cases = {"qcode --version": ["--version"], "qcode matrix --help": ["matrix", "--help"],
             "qcode --project P matrix": ["--project", project, "matrix"],
             "qcode --project P cooccur": ["--project", project, "cooccur"],
             "qcode --project P agree --coder A,B": ["--project", project, "agree", "--coder",
                                                     "ingrid,lars"],
             "qcode --project P matrix --format json": ["--project", project, "matrix",
                                                        "--format", "json"]}
    trees = {"before": before, "after": after}
    cache = tempfile.mkdtemp(prefix="qcode-bench-pyc-")
    envs = {tree: {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                   "PYTHONPATH": path, "PYTHONPYCACHEPREFIX": os.path.join(cache, tree)}
            for tree, path in trees.items()}
    times: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in cases}
    cpu: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in cases}
    for tree in trees:  # compile the .pyc files once
        for args in cases.values():
            subprocess.run([script, *args], env=envs[tree], capture_output=True, check=True)
    print("load average at start:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for _ in range(runs):
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


if __name__ == "__main__":
    main()

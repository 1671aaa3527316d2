"""Benchmark: ingest 200 generated transcripts of about 5,000 words each.

Runs, in one process and one temporary folder:

1. qcode through the library (``qcode.ingest.run.ingest`` into a fresh project), several runs,
   reporting the median time and files per second;
2. qcode once through the CLI in a subprocess (``qcode ingest DIR``, start-up included);
3. the reference tool ``qc`` (qualitative-coding 1.7.8, ``qc corpus import -r -i verbatim``)
   if it is installed in a separate venv (default ``/work/venv-qc``; override with
   ``QC_BIN``), else the issue's measured 3.8 s, clearly labelled as a reference figure.

Usage::

    python benchmarks/bench_ingest.py [--files 200] [--words 5000] [--runs 5] [--format txt]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QC_REFERENCE_SECONDS = 3.8  # issue 3: qc 1.7.8 on this machine class, 200 x ~5,000 words

_VOCABULARY = ("the we telemedicine video consultation hospital region patient clinic nurse doctor "
          "budget funding strategy national regional local ministry directorate trust because "
          "when there is no one who pays for it and that was the problem in the north we had "
          "distances enormous ferry winter specialist follow-up rehabilitation dermatology "
          "helse nord vest midt sør-øst oppdragsdokument takst ISF samhandling ildsjel "
          "infrastructure platform security record nobody asked really actually uh well so "
          "of course yes think know mean said years ago since pilot project evaluation")
_WORDS = _VOCABULARY.split()


def _sentence(rng: random.Random) -> str:
    n = rng.randint(6, 22)
    words = [rng.choice(_WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def transcript(rng: random.Random, words: int, fmt: str) -> str:
    """One fictional interview of about ``words`` words in plain text or WebVTT."""
    out: list[str] = []
    count = 0
    turn = 0
    clock = 0.0
    if fmt == "txt":
        out.append("Date: 2016-03-09\nLocation: Hamar\n")
    else:
        out.append("WEBVTT\n")
    while count < words:
        speaker = "Interviewer" if turn % 2 == 0 else "Respondent"
        paras = 1 if speaker == "Interviewer" else rng.randint(1, 3)
        sentences = [[_sentence(rng) for _ in range(rng.randint(1, 2 if turn % 2 == 0 else 5))]
                     for _ in range(paras)]
        if fmt == "txt":
            body = "\n\n".join(" ".join(p) for p in sentences)
            out.append(f"{speaker}: {body}\n")
        else:
            for p in sentences:
                for s in p:
                    end = clock + 0.3 * len(s.split())
                    out.append(f"{_stamp(clock)} --> {_stamp(end)}\n{speaker}: {s}\n")
                    clock = end + 0.2
        count += sum(len(s.split()) for p in sentences for s in p)
        turn += 1
    return "\n".join(out)


def _stamp(t: float) -> str:
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def make_corpus(folder: Path, files: int, words: int, fmt: str) -> None:
    rng = random.Random(20161109)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (folder / f"T{i + 1:03d}.{fmt}").write_text(transcript(rng, words, fmt),
                                                    encoding="utf-8")


def time_library(corpus: Path, work: Path, runs: int) -> list[float]:
    from qcode.ingest.run import ingest
    from qcode.project import init_project

    times = []
    for r in range(runs):
        project = init_project(work / f"lib{r}")
        t0 = time.perf_counter()
        report = ingest(project, [corpus])
        times.append(time.perf_counter() - t0)
        assert not report.failures, report.failures[0].error
    return times


def time_cli(corpus: Path, work: Path) -> float:
    from qcode.project import init_project

    init_project(work / "cli")
    qcode_bin = Path(sys.executable).with_name("qcode")
    cmd = ([str(qcode_bin)] if qcode_bin.exists() else [sys.executable, "-m", "qcode"])
    t0 = time.perf_counter()
    subprocess.run([*cmd, "--project", str(work / "cli"), "ingest", str(corpus)], check=True,
                   capture_output=True)
    return time.perf_counter() - t0


def time_qc(corpus: Path, work: Path) -> float | None:
    qc = Path(os.environ.get("QC_BIN", "/work/venv-qc/bin/qc"))
    if not qc.exists():
        return None
    folder = work / "qc"
    folder.mkdir()
    subprocess.run([str(qc), "init"], cwd=folder, check=True, capture_output=True)
    t0 = time.perf_counter()
    done = subprocess.run([str(qc), "corpus", "import", "-r", "-i", "verbatim", str(corpus)],
                          cwd=folder, capture_output=True)
    elapsed = time.perf_counter() - t0
    imported = len(list((folder / "corpus").rglob("*.txt")))
    if done.returncode != 0 or imported == 0:
        print(f"qc failed (exit {done.returncode}, {imported} files imported); "
              "using the reference figure")
        return None
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--format", choices=("txt", "vtt"), default="txt")
    ap.add_argument("--no-qc", action="store_true", help="skip running qc")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qcode-bench-ingest-"))
    try:
        corpus = work / "corpus"
        make_corpus(corpus, args.files, args.words, args.format)
        size = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
        print(f"corpus: {args.files} {args.format} files, ~{args.words} words each, "
              f"{size:.1f} MB")
        lib = time_library(corpus, work, args.runs)
        med = statistics.median(lib)
        print(f"qcode library: median {med:.3f} s of {args.runs} runs "
              f"(min {min(lib):.3f}, max {max(lib):.3f}); {args.files / med:.0f} files/s")
        cli = time_cli(corpus, work)
        print(f"qcode CLI (subprocess, once): {cli:.3f} s; {args.files / cli:.0f} files/s")
        qc = None if args.no_qc or args.format != "txt" else time_qc(corpus, work)
        if qc is not None:
            print(f"qc 1.7.8 (same run): {qc:.3f} s; {args.files / qc:.0f} files/s")
            ref, label = qc, "qc measured now"
        else:
            ref, label = QC_REFERENCE_SECONDS, "qc reference figure from issue 3, not run here"
            print(f"qc 1.7.8: {ref:.1f} s ({label})")
        print(f"speed-up vs {label}: library {ref / med:.1f}x, CLI {ref / cli:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Search benchmark (issue 17 item 5): 200 transcripts of 5,000 words searched through the
library, plain (goal < 0.2 s) and fuzzy (goal < 1 s), against ``grep -i`` over the same
text in the same run, with the ratio.

The corpus: 200 documents of 100 turns (interviewer and respondent in turn), 5,000 words
each, drawn from a seeded vocabulary of English and Norwegian interview words (æ, ø, å and
é among them, so folding takes its non-ASCII path), saved as ``documents/<id>.json`` of a
fresh project. The same texts are written as 200 ``.txt`` files for grep.

Timed, best of ``--runs`` (wall time, ``time.perf_counter``):

- ``search(project, Query(...))``: the whole library call from the project folder (the
  documents read, folded, searched, hits with context and totals), timed inside a new
  process each run so no in-process cache helps: with the machine-local read index
  (``qcode.index``) in place, and with it removed first (the first read after an ingest
  builds it); and again in the same process (its caches warm);
- the same search over documents already in memory (what the coding app does on ``/``;
  folding cached after the first search);
- ``grep -i -o -w WORD`` over the 200 text files, a subprocess. grep has no fuzzy search:
  the fuzzy rows are set against the plain grep of one word, named as such.

Wall time and CPU time (this process plus the children it waited for) are both printed:
on the shared machine CPU time is the steadier figure, and the ratio is taken on it.

Benchmarks are not tests: pytest never runs this file.

Usage::

    python benchmarks/bench_search.py [--docs 200] [--words 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qcode.index.store import INDEX_DIR  # noqa: E402
from qcode.models import Document, Segment, Turn  # noqa: E402
from qcode.project import Project, init_project  # noqa: E402
from qcode.search.match import Query, compile_query  # noqa: E402
from qcode.search.run import hits_in, search  # noqa: E402

_WORDS = (
    "the we telemedicine video consultation hospital region patient clinic nurse doctor "
    "budget funding strategy national regional local ministry because when there is no one "
    "who pays for it and that was the problem in the north we had distances ferry winter "
    "specialist follow-up platform security record really actually sykehuset pasientene "
    "fastlegen kommunen helseforetaket videokonsultasjon økonomi tjenester behandling "
    "både også være får så når må gjøre første året Tromsø Bodø Helse Nord Sør-Øst "
    "café résumé oppfølging sykepleier legene ønsket"
)
VOCABULARY = _WORDS.split()


def transcript(rng: random.Random, words: int) -> list[tuple[str, str]]:
    turns, left = [], words
    for i in range(100):
        n = max(1, left // (100 - i))
        turns.append(("Interviewer" if i % 2 == 0 else "Respondent",
                      " ".join(rng.choice(VOCABULARY) for _ in range(n)) + "."))
        left -= n
    return turns


def document(doc_id: str, turns: list[tuple[str, str]]) -> Document:
    parts, turn_recs, segs, pos = [], [], [], 0
    for i, (speaker, said) in enumerate(turns):
        if i:
            parts.append("\n\n")
            pos += 2
        start, end = pos, pos + len(said)
        parts.append(said)
        pos = end
        turn_recs.append(Turn(speaker=speaker, start=start, end=end, time_start=i * 20.0))
        segs.append(Segment(id=f"{doc_id}:{i + 1:04d}", start=start, end=end,
                            speaker=speaker, turn=i, time_start=i * 20.0))
    return Document(id=doc_id, title=doc_id, format="text", text="".join(parts),
                    turns=tuple(turn_recs), segments=tuple(segs))


def build(root: Path, n_docs: int, words: int) -> tuple[Project, Path]:
    project = init_project(root / "study")
    texts = root / "texts"
    texts.mkdir()
    rng = random.Random(17)
    for k in range(n_docs):
        doc = document(f"D{k + 1:03d}", transcript(rng, words))
        project.save_document(doc)
        (texts / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
    return project, texts


def best(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(best wall time, best CPU time, the result): CPU time counts this process and the
    children it waited for (grep), so it is steadier than wall time on a shared machine."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        c0 = time.process_time()
        k0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
        k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(time.process_time() - c0 + (k1.ru_utime - k0.ru_utime)
                    + (k1.ru_stime - k0.ru_stime))
    return min(walls), min(cpus), result


CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from qcode.project import Project
from qcode.search.match import Query
from qcode.search.run import search
project = Project(sys.argv[2])
query = Query(**json.loads(sys.argv[3]))
c0, t0 = time.process_time(), time.perf_counter()
n = len(search(project, query).hits)
print(time.perf_counter() - t0, time.process_time() - c0, n)
"""


def fresh(root: Path, query: Query, runs: int, *, cold_index: bool) -> tuple[float, float]:
    """(best wall, best CPU) of the library call alone in a new process each time (no
    in-process cache helps); ``cold_index``: the read index removed before each run."""
    walls, cpus = [], []
    spec = json.dumps({"text": query.text, "regex": query.regex,
                       "whole_word": query.whole_word, "fuzzy": query.fuzzy})
    for _ in range(runs):
        if cold_index:
            shutil.rmtree(root / INDEX_DIR, ignore_errors=True)
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(root), spec],
                             capture_output=True, text=True, check=True).stdout.split()
        walls.append(float(out[0]))
        cpus.append(float(out[1]))
    return min(walls), min(cpus)


def grep(texts: Path, word: str) -> int:
    files = sorted(str(p) for p in texts.glob("*.txt"))
    done = subprocess.run(["grep", "-i", "-o", "-w", word, *files], capture_output=True,
                          check=False)
    return done.stdout.count(b"\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if shutil.which("grep") is None:
        sys.exit("grep is needed as the reference")
    with tempfile.TemporaryDirectory() as tmp:
        project, texts = build(Path(tmp), args.docs, args.words)
        docs = project.documents()
        n_words = sum(len(d.text.split()) for d in docs)
        print(f"{args.docs} transcripts, {n_words:,} words, "
              f"{sum(len(d.text) for d in docs):,} characters; load average "
              f"{os.getloadavg()[0]:.2f}; best of {args.runs}")
        print()
        print(f"{'case':60} {'qcode wall':>10} {'(CPU)':>7} {'grep wall':>9} {'(CPU)':>7} "
              f"{'ratio CPU':>9} {'hits':>6}")
        cases = [("plain 'sykehuset'", Query("sykehuset", whole_word=True), "sykehuset"),
                 ("plain 'økonomi'", Query("økonomi", whole_word=True), "økonomi"),
                 ("fuzzy 80 'sykehus'", Query("sykehus", fuzzy=80), "sykehuset"),
                 ("fuzzy 85 'video consultation'", Query("video consultation", fuzzy=85),
                  "consultation")]
        for label, query, word in cases:
            g_wall, g_cpu, n_grep = best(lambda w=word: grep(texts, w), args.runs)
            l_wall, l_cpu, res = best(lambda q=query: search(project, q), args.runs)
            matcher = compile_query(query)
            m_wall, m_cpu, _ = best(lambda m=matcher: [hits_in(d, m) for d in docs], args.runs)
            goal = 1.0 if query.fuzzy is not None else 0.2
            f_wall, f_cpu = fresh(project.root, query, args.runs, cold_index=False)
            c_wall, c_cpu = fresh(project.root, query, min(args.runs, 2), cold_index=True)
            for where, wall, cpu in (("new process, read index there", f_wall, f_cpu),
                                     ("new process, no read index yet", c_wall, c_cpu),
                                     ("same process again", l_wall, l_cpu),
                                     ("documents in memory", m_wall, m_cpu)):
                ok = "ok" if wall < goal else "over"
                print(f"{label + ', ' + where:60} {wall:9.3f}s {cpu:6.3f}s {g_wall:8.3f}s "
                      f"{g_cpu:6.3f}s {cpu / g_cpu:8.1f}x {len(res.hits):6d}  "
                      f"goal {goal} s (wall): {ok}")
            print(f"{'':60} grep -i -o -w {word}: {n_grep} lines")
        t_load, c_load, _ = best(project.documents, args.runs)
        print()
        print(f"reading and validating the {args.docs} documents alone: {t_load:.3f} s "
              f"(CPU {c_load:.3f} s); load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Search benchmark (issue 17 item 5): 200 transcripts of 5,000 words searched through the
library, plain (goal < 0.2 s) and fuzzy (goal < 1 s), against ``grep -i`` over the same
text in the same run, with the ratio.

The corpus: 200 documents of 100 turns (interviewer and respondent in turn), 5,000 words
each, drawn from a seeded vocabulary of English and Norwegian interview words (æ, ø, å and
é among them, so folding takes its non-ASCII path), saved as ``documents/<id>.json`` of a
fresh project. The same texts are written as 200 ``.txt`` files for grep.

Timed, best of ``--runs`` (wall time, ``time.perf_counter``):

- ``search(project, Query(...))``: the whole library call, from the project folder: every
  document read and validated, folded, searched, hits with context and totals;
- the same search over documents already in memory (what the coding app does on ``/``;
  folding cached after the first search);
- ``grep -i -o -w`` (plain) over the 200 text files, a subprocess; for fuzzy the reference
  is ``agrep``-less: grep -i with a regex of the query's one-letter edits is not the same
  work, so fuzzy is set against the same plain grep, named as such.

Benchmarks are not tests: pytest never runs this file.

Usage::

    python benchmarks/bench_search.py [--docs 200] [--words 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
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

from qcode.models import Document, Segment, Turn  # noqa: E402
from qcode.project import Project, init_project  # noqa: E402
from qcode.search.match import Query, compile_query  # noqa: E402
from qcode.search.run import hits_in, search  # noqa: E402

VOCABULARY = (
    "the we telemedicine video consultation hospital region patient clinic nurse doctor "
    "budget funding strategy national regional local ministry because when there is no one "
    "who pays for it and that was the problem in the north we had distances ferry winter "
    "specialist follow-up platform security record really actually sykehuset pasientene "
    "fastlegen kommunen helseforetaket videokonsultasjon økonomi tjenester behandling "
    "både også være får så når må gjøre første året Tromsø Bodø Helse Nord Sør-Øst "
    "café résumé oppfølging sykepleier legene ønsket"
).split()


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


def best(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


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
        print(f"{'case':48} {'qcode':>9} {'grep -i':>9} {'ratio':>7} {'hits':>7}")
        cases = [("plain 'sykehuset'", Query("sykehuset", whole_word=True), "sykehuset"),
                 ("plain 'økonomi'", Query("økonomi", whole_word=True), "økonomi"),
                 ("fuzzy 80 'sykehus'", Query("sykehus", fuzzy=80), "sykehuset"),
                 ("fuzzy 85 'video consultation'", Query("video consultation", fuzzy=85),
                  "consultation")]
        for label, query, word in cases:
            t_grep, n_grep = best(lambda w=word: grep(texts, w), args.runs)
            t_lib, res = best(lambda q=query: search(project, q), args.runs)
            matcher = compile_query(query)
            t_mem, _ = best(lambda m=matcher: [hits_in(d, m) for d in docs], args.runs)
            goal = 1.0 if query.fuzzy is not None else 0.2
            ok = "ok" if t_lib < goal else "OVER"
            print(f"{label + ' (from the project)':48} {t_lib:8.3f}s {t_grep:8.3f}s "
                  f"{t_lib / t_grep:6.1f}x {len(res.hits):7d}  goal {goal} s: {ok}")
            print(f"{label + ' (documents in memory)':48} {t_mem:8.3f}s {t_grep:8.3f}s "
                  f"{t_mem / t_grep:6.1f}x   (grep -i -o -w: {n_grep} lines)")
        t_load, _ = best(project.documents, args.runs)
        print()
        print(f"reading and validating the {args.docs} documents alone: {t_load:.3f} s")


if __name__ == "__main__":
    main()

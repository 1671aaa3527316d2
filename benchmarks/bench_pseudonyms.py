"""Pseudonymisation benchmark (issue 17 item 5): a pseudonymised ``export qdpx`` of 200
transcripts of 5,000 words (goal < 2 s), against the plain export of the same project in
the same run, with the ratio.

The corpus: 200 documents of 100 turns (interviewer and respondent in turn, 50 words each,
5,000 words a document) from a seeded vocabulary with æ, ø and å, where about one turn in
four names a participant, a hospital or a town (full names, first names, genitives); two
coders with 40 spans each per document (parts of a turn, some across two turns): 16,000
codings. The pseudonym table: 10 participants, 29 hospitals (each with its first word as a
variant) and 3 towns, 42 entries.

Timed, best of ``--runs`` (wall time, ``time.perf_counter``), through the library:

- plain: ``export_qdpx(project, path)``: read and validate every document and coder log,
  build the codebook tree, sources and selections, zip, write;
- pseudonymised: ``with pseudonymised(project) as (view, _): export_qdpx(view, path)``:
  the view (every document rewritten with its offset map, every log line's span moved,
  all written to a temporary folder) and then the same export from it;
- the view alone, and ``qcode pseudonyms check`` (exact and fuzzy) over the pseudonymised
  file, for information.

Benchmarks are not tests: pytest never runs this file.

Usage::

    python benchmarks/bench_pseudonyms.py [--docs 200] [--words 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qcode.coding.store import append_events  # noqa: E402
from qcode.models import Document, Segment, Turn  # noqa: E402
from qcode.project import Project, init_project  # noqa: E402
from qcode.pseudonyms.check import check_files  # noqa: E402
from qcode.pseudonyms.rewrite import Rewriter  # noqa: E402
from qcode.pseudonyms.table import merge  # noqa: E402
from qcode.pseudonyms.variants import Entry  # noqa: E402
from qcode.pseudonyms.view import pseudonymised  # noqa: E402
from qcode.refiqda.exporter import export_qdpx  # noqa: E402

_VOCABULARY_TEXT = (
    "the we telemedicine video consultation hospital region patient clinic nurse doctor "
    "budget funding strategy national regional local ministry because when there is no one "
    "who pays for it and that was the problem in the north we had distances ferry winter "
    "specialist follow-up platform security record really actually sykehuset pasientene "
    "fastlegen kommunen helseforetaket videokonsultasjon økonomi tjenester behandling "
    "både også være får så når må gjøre første året oppfølging sykepleier legene ønsket"
)
VOCABULARY = _VOCABULARY_TEXT.split()
PEOPLE = ["Torunn Vollstad", "Hildegunn Åsvik", "Halvard Strømsvik", "Maren Solbakk-Aune",
          "Torill Havmyr", "Eirik Nordbø", "Siri Løvhaug", "Anders Kjærnes", "Ingvild Fossum",
          "Per Håkon Lie"]
TOWNS = ["Tromsø", "Hamar", "Bodø"]


def hospitals() -> list[str]:
    import csv

    with (ROOT / "transcripts" / "hospitals.csv").open(encoding="utf-8") as fh:
        return [row["hospital_name"] for row in csv.DictReader(fh)]


def table() -> list[Entry]:
    entries = [Entry(p, f"P{i:02d}") for i, p in enumerate(PEOPLE, 1)]
    entries += [Entry(h, f"Hospital {i}", "organisation", (h.split()[0],))
                for i, h in enumerate(hospitals(), 1)]
    entries += [Entry(t, f"Town {i}", "place") for i, t in enumerate(TOWNS, 1)]
    return entries


def mention(rng: random.Random, names: list[str]) -> str:
    name = rng.choice(names)
    form = rng.random()
    if form < 0.5:
        return name
    if form < 0.75:
        return name.split()[0]
    return name.split()[-1] + rng.choice(["s", "'s"])


def build(root: Path, n_docs: int, words: int) -> Project:
    rng = random.Random(20261207)
    project = init_project(root / "study")
    codes = [c.id for c in project.codebook.codes]
    names = PEOPLE + hospitals() + TOWNS
    per_turn = max(1, words // 100)
    for d in range(n_docs):
        doc_id = f"T{d:03d}"
        parts, turns, segs, at = [], [], [], 0
        for t in range(100):
            said = [rng.choice(VOCABULARY) for _ in range(per_turn)]
            if rng.random() < 0.25:
                said[rng.randrange(per_turn)] = mention(rng, names)
            body = " ".join(said) + "."
            speaker = "Interviewer" if t % 2 == 0 else rng.choice(PEOPLE[:5])
            turns.append(Turn(speaker=speaker, start=at, end=at + len(body)))
            segs.append(Segment(id=f"{doc_id}:{t + 1:04d}", start=at, end=at + len(body),
                                speaker=speaker, turn=t))
            parts.append(body)
            at += len(body) + 1
        text = "\n".join(parts) + "\n"
        doc = Document(id=doc_id, title=f"Interview with {rng.choice(PEOPLE)}", format="txt",
                       text=text, turns=tuple(turns), segments=tuple(segs),
                       attributes={"hospital": rng.choice(hospitals()),
                                   "town": rng.choice(TOWNS)})
        project.save_document(doc)
        for coder in ("ann", "bob"):
            events: list[Any] = []
            for _ in range(40):
                first = rng.randrange(len(segs) - 1)
                seg = segs[first]
                across = rng.random() < 0.2
                s = rng.randrange(seg.start, seg.end - 1)
                e = segs[first + 1].start + 5 if across else rng.randrange(s + 1, seg.end)
                ev = {"op": "add", "doc": doc_id, "segment": seg.id, "start": s, "end": e,
                      "quote": text[s:e], "code": rng.choice(codes)}
                if across:
                    ev["segments"] = [seg.id, segs[first + 1].id]
                events.append(ev)
            append_events(project, coder, events)
    merge(project, table(), replace=False)
    return project


def best(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system of this process) of ``runs`` calls:
    on a shared machine the CPU time is the steadier figure."""
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qcode-bench-pseudonyms-"))
    try:
        t0 = time.perf_counter()
        project = build(work, args.docs, args.words)
        print(f"corpus: {args.docs} documents x {args.words} words, 2 coders "
              f"({time.perf_counter() - t0:.1f} s to build); load average "
              f"{os.getloadavg()[0]:.2f}")
        rw = Rewriter(table())
        plain_file, pseudo_file = work / "plain.qdpx", work / "pseudonymised.qdpx"

        def plain() -> None:
            export_qdpx(Project(project.root), plain_file)

        def pseudo() -> None:
            with pseudonymised(Project(project.root), rw) as (view, _):
                export_qdpx(view, pseudo_file)

        def view_only() -> None:
            with pseudonymised(Project(project.root), rw):
                pass

        results: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.runs):  # alternate, so both meet the same load
            results.setdefault("plain", []).append(best(plain, 1))
            results.setdefault("pseudo", []).append(best(pseudo, 1))
        view_wall, view_cpu = best(view_only, args.runs)
        check_wall, check_cpu = best(lambda: check_files(rw, [pseudo_file]), 1)
        hits = check_files(rw, [pseudo_file]).hits
        pw, pc = (min(x[i] for x in results["plain"]) for i in (0, 1))
        qw, qc = (min(x[i] for x in results["pseudo"]) for i in (0, 1))
        print(f"plain export qdpx:          wall {pw:.2f} s, CPU {pc:.2f} s (best of "
              f"{args.runs})")
        print(f"pseudonymised export qdpx:  wall {qw:.2f} s, CPU {qc:.2f} s (best of "
              f"{args.runs}); goal < 2 s: {'met' if qw < 2 else 'NOT met'} (wall), "
              f"{'met' if qc < 2 else 'NOT met'} (CPU); {qw / pw:.2f}x (wall), "
              f"{qc / pc:.2f}x (CPU) the plain export")
        print(f"  of which the view:        wall {view_wall:.2f} s, CPU {view_cpu:.2f} s")
        print(f"pseudonyms check (exact + fuzzy) of the pseudonymised file: wall "
              f"{check_wall:.2f} s, CPU {check_cpu:.2f} s, {len(hits)} hits; load average "
              f"{os.getloadavg()[0]:.2f}")
        print(f"sizes: plain {plain_file.stat().st_size / 1e6:.1f} MB, pseudonymised "
              f"{pseudo_file.stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

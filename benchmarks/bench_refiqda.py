"""Benchmark: REFI-QDA export and import, qcode vs a bare-minimum reference reader.

Run: python benchmarks/bench_refiqda.py [--quick]

In one process, on a synthetic project (fixed seed): 60 interviews of ~25,000 characters
each (emoji included), 3 coders, ~9,000 codings. Timed, best of ``REPEATS``:

1. ``qcode export qdpx`` (``build_qdpx``: codebook tree, sources, selections, notes, zip);
2. ``qcode import qdpx`` planning (``plan_import`` into a new project: safe zip reading,
   defusedxml parsing, offset-model detection over 7 counting models per source,
   segment mapping, codebook checks; nothing written), on the LF export and on a CRLF one;
3. the reference: the least any reader must do with the same file: ``zipfile`` reads
   every entry, ``xml.etree`` parses project.qde, and each selection's text is sliced
   with the spec's code-point offsets (no safety limits, no detection, no mapping).

The ratio is qcode's import time over the reference's.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPEATS = 3
SEED = 20261125
WORDS = ["video", "consultation", "hospital", "patient", "doctor", "nurse", "region",
         "budget", "😀", "money", "strategy", "trust", "reimbursement", "distance", "travel",
         "👍🏽", "leader", "ward", "system"]


def best(fn: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return min(times), value


def build(root: Path, n_docs: int) -> Any:
    from qcode.coding.store import append_events
    from qcode.ingest.segmentation import layout
    from qcode.models import Document
    from qcode.project import init_project

    rng = random.Random(SEED)
    project = init_project(root / "study")
    codes = [c.id for c in project.codebook.codes]
    for i in range(n_docs):
        turns = []
        for t in range(60):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120))) + "."
            turns.append(("Interviewer" if t % 2 == 0 else "Respondent", body))
        text, trs, segs = layout(f"D{i:03d}", turns, "turn")
        doc = Document(id=f"D{i:03d}", title=f"Interview {i}", format="txt", text=text,
                       turns=tuple(trs), segments=tuple(segs))
        project.save_document(doc)
        for coder in ("ann", "bob", "kari"):
            events = []
            for seg in rng.sample(doc.segments, 20):
                for code in rng.sample(codes, 2):
                    events.append({"op": "add", "doc": doc.id, "segment": seg.id,
                                   "start": seg.start, "end": seg.end,
                                   "quote": text[seg.start:seg.end], "code": code})
            append_events(project, coder, events)
    return project


def reference_read(path: Path) -> int:
    import xml.etree.ElementTree as ET

    ns = "{urn:QDA-XML:project:1.0}"
    with zipfile.ZipFile(path) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    root = ET.fromstring(files["project.qde"])
    n = 0
    for src in root.iter(f"{ns}TextSource"):
        name = src.get("plainTextPath", "").split("://")[-1]
        text = files[f"sources/{name}"].decode("utf-8")
        for sel in src.iter(f"{ns}PlainTextSelection"):
            n += len(text[int(sel.get("startPosition")):int(sel.get("endPosition"))])
    return n


def main() -> None:
    from qcode.refiqda.exporter import build_qdpx
    from qcode.refiqda.importer import plan_import

    n_docs = 12 if "--quick" in sys.argv else 60
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = build(root, n_docs)
        t_export, (data, summary) = best(lambda: build_qdpx(project))
        lf = root / "lf.qdpx"
        lf.write_bytes(data)
        crlf = root / "crlf.qdpx"
        crlf.write_bytes(build_qdpx(project, line_endings="crlf")[0])
        t_import, (_plan, report) = best(lambda: plan_import(lf))
        t_import_crlf, _ = best(lambda: plan_import(crlf))
        t_ref, _ = best(lambda: reference_read(lf))
        assert report.dropped == [] and report.taken["codings"] == summary.codings
        chars = sum(len(d.text) for d in project.documents())
        print(f"project: {summary.documents} documents, {chars:,} characters, "
              f"{summary.selections:,} selections, {summary.codings:,} codings, "
              f"{len(data):,} bytes qdpx")
        print(f"qcode export qdpx            {t_export:8.3f} s")
        print(f"qcode import qdpx (plan, LF) {t_import:8.3f} s")
        print(f"qcode import qdpx (CRLF)     {t_import_crlf:8.3f} s")
        print(f"reference zip+etree+slice    {t_ref:8.3f} s")
        print(f"ratio import / reference     {t_import / t_ref:8.1f} x")


if __name__ == "__main__":
    main()

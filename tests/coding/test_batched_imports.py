"""Batched durability of the commands that record many events at once (issue 19):
``codings import`` and ``search --code`` write all their events as one fsynced append to
the coder's log (one line: a JSON array), however many there are, and a kill -9 at any
moment leaves either none of an import or all of it."""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding.store import load_state, load_state_or_empty, log_path
from qcode.errors import ExitCode
from qcode.project import Project, init_project
from tests.builders import ROOT, numbered_doc

CODES = ["GOV-MAC-01", "ORG-MIC-01", "ECO-MES-01", "ECO-MAC-01", "GOV-MES-01"]


def _study(project: Project, docs: int, segments: int) -> None:
    for d in range(docs):
        project.save_document(numbered_doc(f"I{d:02d}", segments))


def _csv(path: Path, project: Project, rows: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    segs = [(d, s.id) for d in project.document_ids()
            for s in project.load_document(d).segments]
    chosen = rng.sample(segs, rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["doc", "segment", "code"])
        out.writerows((d, s, rng.choice(CODES)) for d, s in chosen)
    return path


def _counting_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = os.fsync

    def fsync(fd: int) -> None:
        calls[0] += 1
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


@pytest.mark.parametrize("rows", [20, 600])
def test_codings_import_is_one_fsynced_line_whatever_its_size(
        project: Project, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, rows: int) -> None:
    _study(project, 6, 120)
    source = _csv(tmp_path / "in.csv", project, rows)
    calls = _counting_fsyncs(monkeypatch)
    r = invoke("--project", str(project.root), "codings", "import", str(source),
               "--coder", "ana")
    assert r.exit_code == ExitCode.OK, r.output
    log = log_path(project, "ana")
    assert len(log.read_bytes().splitlines()) == 1  # the whole import is one line
    assert len(load_state(project, "ana").codings()) == rows
    # the log's append and its folder entry; the checkpoint of a large fold; the
    # .gitignore of a new folder: a handful, never one per event
    assert calls[0] <= 6, calls[0]


def test_search_coding_is_one_fsynced_line_whatever_the_hits(
        project: Project, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
        ) -> None:
    _study(project, 4, 80)
    calls = _counting_fsyncs(monkeypatch)
    r = invoke("--project", str(project.root), "search", "video", "--code", CODES[0],
               "--coder", "ana")
    if r.exit_code == ExitCode.USAGE and "No such command" in r.output:
        pytest.skip("qcode search is not in this tree yet")
    assert r.exit_code == ExitCode.OK, r.output
    hits = load_state(project, "ana").codings()
    assert len(hits) >= 300  # every numbered turn says "video"
    assert len(log_path(project, "ana").read_bytes().splitlines()) == 1
    assert calls[0] <= 6, calls[0]



def _keys(project: Project) -> set[tuple[str, str, str]]:
    return {(c.doc, c.segment, c.code) for c in load_state_or_empty(project, "ana").codings()}


def _import(project: Project, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "qcode", "--project", str(project.root), "codings", "import",
         str(source), "--coder", "ana"], env=dict(os.environ, PYTHONPATH=str(ROOT)),
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_a_killed_import_leaves_all_of_it_or_none(tmp_path: Path) -> None:
    project = init_project(tmp_path / "study")
    _study(project, 20, 200)
    t = time.perf_counter()  # how long a whole import takes here, to kill across it
    assert _import(project, _csv(tmp_path / "first.csv", project, 1500, seed=99)).wait() == 0
    took = time.perf_counter() - t
    rng = random.Random(19)
    outcomes = []
    for round_ in range(10):
        source = _csv(tmp_path / f"in{round_}.csv", project, 1500, seed=round_)
        with open(source, encoding="utf-8") as fh:
            rows = {(r["doc"], r["segment"], r["code"]) for r in csv.DictReader(fh)}
        before = _keys(project)
        child = _import(project, source)
        time.sleep(rng.uniform(0.3, 1.1) * took)
        child.kill()
        child.wait()
        st = load_state_or_empty(project, "ana")
        assert not st.problems, "a torn line"
        after = _keys(project)
        assert after in (before, before | rows), f"round {round_}: half an import"
        outcomes.append("all" if after != before else "none")

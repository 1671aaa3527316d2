"""Batched durability (issue 19): a non-interactive reconciliation writes its decisions as
one fsynced append per file, whatever their number, and a kill -9 at any moment of it
loses no confirmed decision and leaves no half decision.

"Confirmed" for a batch: :func:`reconcile` has returned (its one append of the decisions
was fsynced before it went on to apply them). The child reports the decision ids only
then; the parent kills it at a random moment, checks that the ledger holds whole lines
only (a torn last line is reported and skipped), and that the next run, after repairing
what the kill cut short, gives the same consensus as an uninterrupted run.
"""

from __future__ import annotations

import os
import random
import select
import signal
import time
from pathlib import Path

import pytest

from qcode.coding import store
from qcode.coding.drafts import DoneDraft, EventDraft
from qcode.coding.store import CoderState, add_events, append_events, load_state
from qcode.project import Project, init_project
from qcode.reconcile.ledger import read_ledger
from qcode.reconcile.run import reconcile
from tests.builders import numbered_doc

CODES = ["GOV-MAC-01", "ORG-MIC-01", "ECO-MES-01", "ECO-MAC-01", "GOV-MES-01"]
CODERS = ["ann", "bob", "cy"]


def _study(root: Path, docs: int, segments: int) -> Project:
    """Three coders who agree on about half the segments; one append per coder."""
    project = init_project(root)
    rng = random.Random(docs * 1000 + segments)
    events: dict[str, list[EventDraft]] = {c: [] for c in CODERS}
    for d in range(docs):
        doc = numbered_doc(f"B{d}", segments)
        project.save_document(doc)
        for seg in doc.segments:
            shared = sorted(rng.sample(CODES, rng.randint(1, 2)))
            for coder in CODERS:
                codes = shared if rng.random() < 0.8 else rng.sample(CODES, rng.randint(1, 2))
                events[coder] += add_events(CoderState(coder=coder), doc, [seg.id], codes)
        for coder in CODERS:
            events[coder].append(DoneDraft(op="done", doc=doc.id))
    for coder in CODERS:
        append_events(project, coder, events[coder])
    return project


def _fsyncs_of_a_reconciliation(project: Project, monkeypatch: pytest.MonkeyPatch
                                ) -> tuple[int, int]:
    calls = [0]
    real = os.fsync

    def fsync(fd: int) -> None:
        calls[0] += 1
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = reconcile(project, CODERS, "consensus", "majority")
    monkeypatch.setattr(os, "fsync", real)
    return len(result.decided), calls[0]


def test_fsyncs_do_not_grow_with_the_decisions(tmp_path, monkeypatch):
    small = _fsyncs_of_a_reconciliation(_study(tmp_path / "s", 2, 20), monkeypatch)
    large = _fsyncs_of_a_reconciliation(_study(tmp_path / "l", 8, 100), monkeypatch)
    assert large[0] > 10 * small[0] > 0  # ten times the decisions...
    assert large[1] == small[1]          # ...and the same few fsynced appends


def _child(project: Project, wfd: int) -> None:
    try:
        result = reconcile(project, CODERS, "consensus", "majority")
        os.write(wfd, (" ".join(d.id for d in result.decided) + "\n").encode())
    finally:
        os._exit(0)


@pytest.mark.slow
def test_a_killed_batch_keeps_what_was_confirmed_and_no_half_decision(tmp_path):
    clean = _study(tmp_path / "clean", 4, 80)
    reconcile(clean, CODERS, "consensus", "majority")
    want = {k: set(v) for k, v in load_state(clean, "consensus").codes.items() if v}
    project = _study(tmp_path / "killed", 4, 80)
    rng = random.Random(19)
    confirmed: set[str] = set()
    kills = interrupted = 0
    for k in range(12):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(rfd)
            _child(project, wfd)
        os.close(wfd)
        # a first run takes about 0.1-0.3 s: the early kills land inside it
        time.sleep(rng.uniform(0, 0.08 if k < 6 else 0.3))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        kills += 1
        select.select([rfd], [], [], 0)
        data = b""
        while chunk := os.read(rfd, 65536):
            data += chunk
        os.close(rfd)
        if data.endswith(b"\n"):  # the whole report: the run was confirmed
            confirmed |= set(data.decode().split())
        else:
            interrupted += 1
        ledger = read_ledger(project, "consensus")
        assert all("incomplete last line (torn by a crash or kill)" in str(p)
                   for p in ledger.problems)
        assert confirmed <= {d.id for d in ledger.decisions}
    assert kills == 12 and interrupted >= 1
    reconcile(project, CODERS, "consensus", "majority")  # repairs, decides what is left
    got = {k: set(v) for k, v in load_state(project, "consensus").codes.items() if v}
    assert got == want
    assert reconcile(project, CODERS, "consensus", "majority").decided == []


def test_a_run_does_not_fold_the_consensus_log_it_writes(tmp_path, monkeypatch):
    """A first run does not read the consensus log (missing before it) back: the
    disagreements are applied on the state the agreed segments left
    (``tests/reconcile/test_consensus_reuse.py``), and finishing the run (the done marks)
    does not fold it either (it once was folded twice for these)."""
    project = _study(tmp_path / "p", 2, 20)
    folds: list[str] = []
    real = store.state_from_bytes

    def state_from_bytes(coder, data, path, **kw):  # type: ignore[no-untyped-def]
        folds.append(coder)
        return real(coder, data, path, **kw)

    monkeypatch.setattr(store, "state_from_bytes", state_from_bytes)
    result = reconcile(project, CODERS, "consensus", "majority")
    assert {d.outcome for d in result.decided} == {"agreed", "majority"}
    assert result.done == ["B0", "B1"]
    assert folds.count("consensus") == 0

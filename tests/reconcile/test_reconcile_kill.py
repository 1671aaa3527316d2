"""QA: ``qcode reconcile`` keeps every confirmed decision when its process is SIGKILLed at a
random moment (a real kill of a real process, as in tests/test_coding_durability.py).

A child process walks the disagreement queue the way the ``ask`` session does (one
:meth:`Reconciliation.commit` per segment) and reports each decision on a pipe once
``commit`` has returned. The parent kills it at a random moment, then checks that the
project is readable, that the run lock died with the process, that every reported decision
is in the ledger, and, after the next run has repaired what the kill interrupted, that the
consensus coder holds exactly the chosen codes of every decided segment. (Measured while
writing this test: about a third of the kills land between a decision and its ``applied``
mark, so the repair path is exercised.)
"""

from __future__ import annotations

import os
import random
import select
import signal
import time

import pytest

from qcode.coding.store import add_codes, load_state, mark_done
from qcode.project import Project
from qcode.reconcile.ledger import read_ledger
from qcode.reconcile.run import Choice, Reconciliation
from tests.builders import numbered_doc

pytestmark = pytest.mark.slow  # real kills of real processes; .ci/run runs them too

CODES = ["GOV-MAC-01", "ORG-MIC-01", "ECO-MES-01", "ECO-MAC-01"]


def _study(project: Project) -> int:
    """Two coders who disagree on many segments of three documents; returns how many."""
    rng = random.Random(7)
    n = 0
    for doc_id in ("K1", "K2", "K3"):
        doc = numbered_doc(doc_id, 60)
        project.save_document(doc)
        for coder in ("ann", "bob"):
            for seg in doc.segments:
                add_codes(project, coder, doc, [seg.id], rng.sample(CODES, rng.randint(1, 2)))
            mark_done(project, coder, doc_id)
    for doc_id in ("K1", "K2", "K3"):
        a, b = load_state(project, "ann"), load_state(project, "bob")
        n += sum(1 for k in a.codes if k[0] == doc_id and set(a.codes[k]) != set(b.codes[k]))
    return n


def _child(project: Project, wfd: int, rng_seed: int) -> None:
    try:
        rng = random.Random(rng_seed)
        run = Reconciliation(project, ["ann", "bob"], "consensus", "ask", by="qa")
        run.start()
        for pending in list(run.queue):
            sets = list(pending.unit.sets.values())
            pick = rng.choice([frozenset(sets[0]), frozenset(sets[1]), sets[0] | sets[1]])
            dec = run.commit(pending, Choice("manual", pick), rationale="qa")
            os.write(wfd, f"{dec.id} {dec.segment} {','.join(sorted(dec.chosen))}\n".encode())
        run.finish()
    finally:
        os._exit(0)


def test_every_confirmed_decision_survives_sigkill(project: Project) -> None:
    total = _study(project)
    assert total > 100
    rng = random.Random(20261125)
    confirmed: dict[str, tuple[str, set[str]]] = {}
    kills = 0
    deadline = time.monotonic() + 40
    while kills < 25 and time.monotonic() < deadline:
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(rfd)
            _child(project, wfd, kills)
        os.close(wfd)
        select.select([rfd], [], [], 10)  # the first decision of this run is saved
        time.sleep(rng.uniform(0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        kills += 1
        data = b""
        while chunk := os.read(rfd, 65536):
            data += chunk
        os.close(rfd)
        for line in data.split(b"\n")[:-1]:  # a half-written report line confirms nothing
            dec_id, seg, codes = line.decode().split(" ")
            confirmed[dec_id] = (seg, set(filter(None, codes.split(","))))
        ledger = read_ledger(project, "consensus")
        assert all("incomplete last line (torn by a crash or kill)" in str(p)
                   for p in ledger.problems)
        ids = {d.id for d in ledger.decisions}
        assert set(confirmed) <= ids
        if len(confirmed) >= total:
            break
    assert kills >= 3 and confirmed
    # the next run (the run lock was released by the kill) repairs what was cut short
    with Reconciliation(project, ["ann", "bob"], "consensus", "ask", by="qa") as run:
        run.start()
        left = len(run.queue)
        run.finish()
    ledger = read_ledger(project, "consensus")
    decided = {d.segment: set(d.chosen) for d in ledger.live() if d.outcome == "manual"}
    assert left == total - len(decided)
    assert {seg: chosen for seg, chosen in confirmed.values()}.items() <= decided.items()
    consensus = load_state(project, "consensus")
    assert all("incomplete last line" in str(p) for p in consensus.problems)
    for seg, chosen in decided.items():
        doc = seg.split(":")[0]
        assert set(consensus.codes.get((doc, seg), {})) == chosen, seg

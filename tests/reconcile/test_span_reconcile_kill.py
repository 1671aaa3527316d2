"""QA: a real ``qcode reconcile`` process walking span disagreements (the ``ask`` walk,
answers typed on its stdin) is SIGKILLed at random moments; no decision it confirmed
("Saved R...") is lost, and no half decision stays: every ledger line is a whole decision,
and after the next run (which applies what a kill cut short) the consensus coder holds
exactly the spans of every decision in force. ``reconcile --status`` reads the project
after each kill.
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import time

import pytest

from qcode.coding import store
from qcode.project import Project
from qcode.reconcile.consensus_write import wanted
from qcode.reconcile.ledger import read_ledger
from tests.builders import ROOT, numbered_doc

pytestmark = pytest.mark.slow  # real kills of real processes

X = "GOV-MAC-01"
CHOOSE, ADJUST, WHY = b"? help> ", b"< goes back> ", b"< to go back): "
SAVED = re.compile(rb"Saved (R\d+): (\S+) -> ")


def _study(project: Project) -> int:
    """Two coders marking different words of every segment with one code."""
    rng = random.Random(15)
    n = 0
    for doc_id in ("K1", "K2"):
        doc = numbered_doc(doc_id, 30)
        project.save_document(doc)
        for seg in doc.segments:
            found = list(re.finditer(r"\S+", doc.text[seg.start:seg.end]))
            for coder in ("ann", "bob"):
                i = rng.randrange(len(found) - 1)
                j = rng.randrange(i, len(found))
                store.add_span(project, coder, doc, seg.start + found[i].start(),
                               seg.start + found[j].end(), [X])
            n += 1
        for coder in ("ann", "bob"):
            store.mark_done(project, coder, doc_id)
    return n


def _qcode(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qcode", "--project", str(project.root),
                           *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def _answer(buf: bytes, rng: random.Random) -> bytes | None:
    if buf.endswith(CHOOSE):
        return rng.choice([b"1", b"2", b"u", b"i"]) + b"\n"
    if buf.endswith(ADJUST):
        return rng.choice([b"", b"a 1 -1 +1", b"a 1 0 -1"]) + b"\n"
    if buf.endswith(WHY):
        return b"qa\n"
    return None


def _walk_and_kill(project: Project, rng: random.Random, after: int) -> list[str]:
    """Walk until ``after`` decisions are confirmed, answer once more, kill; return the
    ids of the decisions the process confirmed."""
    proc = subprocess.Popen([sys.executable, "-m", "qcode", "--project", str(project.root),
                             "reconcile", "--coder", "ann,bob", "--as", "consensus",
                             "--strategy", "ask", "--by", "qa"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    assert proc.stdin is not None and proc.stdout is not None
    out, confirmed, deadline = b"", [], time.monotonic() + 60
    fd = proc.stdout.fileno()
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 30)
            chunk = os.read(fd, 65536) if ready else b""
            if not chunk:
                break
            out += chunk
            confirmed = [m.group(1).decode() for m in SAVED.finditer(out)]
            answer = _answer(out, rng)
            if answer is None:
                continue
            proc.stdin.write(answer)
            proc.stdin.flush()
            if len(confirmed) >= after and answer == b"qa\n":
                time.sleep(rng.uniform(0, 0.03))  # often inside the commit just asked for
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # what the process printed before it died: a decision it confirmed is on disk
    rest = proc.stdout.read()
    return [m.group(1).decode() for m in SAVED.finditer(out + rest)]


def test_confirmed_span_decisions_survive_sigkill(project: Project) -> None:
    total = _study(project)
    rng = random.Random(20261207)
    confirmed: set[str] = set()
    for kill in range(5):
        confirmed |= set(_walk_and_kill(project, rng, after=rng.randint(1, 4)))
        ledger = read_ledger(project, "consensus")
        # no half decision: a line is a whole decision or (a torn tail) skipped and named
        assert all("incomplete last line" in p for p in ledger.problems), ledger.problems
        assert confirmed <= {d.id for d in ledger.decisions}, kill
        status = _qcode(project, "reconcile", "--status", "consensus", "--format", "json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["stale"] == []
    assert len(confirmed) >= 5
    # the next run applies what a kill cut short, and decides what is left
    final = _qcode(project, "reconcile", "--coder", "ann,bob", "--as", "consensus",
                   "--strategy", "union", "--format", "json")
    assert final.returncode == 0, final.stderr
    status = json.loads(_qcode(project, "reconcile", "--status", "consensus", "--format",
                               "json").stdout)
    assert (status["unapplied"], status["pending"], status["stale"]) == (0, [], [])
    ledger = read_ledger(project, "consensus")
    live = ledger.live()
    assert len(live) == total and confirmed <= {d.id for d in ledger.decisions}
    state = store.load_state(project, "consensus")
    docs = {d: project.load_document(d) for d in ("K1", "K2")}
    for d in live:
        seg = docs[d.doc].segment(d.segment)
        assert seg is not None
        have = set(state.spans.get(d.key, {}))
        assert have == wanted(d, (seg.start, seg.end)), d.id

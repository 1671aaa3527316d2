"""``qcode status`` folds each coder log once: the look and the stale-decision check of
every reconciliation share the states (it folded each log twice, once more per
reconciliation a coder takes part in, the consensus coder's included), and each decision
log is read once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store
from qcode.reconcile import ledger as ledger_module
from qcode.reconcile import status as reconcile_status
from qcode.reconcile.run import reconcile
from qcode.team import status as team_status
from tests.builders import build_known


@pytest.fixture
def folds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Coder -> how many times its log was folded (every load of a state folds it)."""
    counted: Counter[str] = Counter()
    real = store.state_from_bytes

    def state_from_bytes(coder, data, path, **kw):  # type: ignore[no-untyped-def]
        counted[coder] += 1
        return real(coder, data, path, **kw)

    monkeypatch.setattr(store, "state_from_bytes", state_from_bytes)
    return counted


@pytest.fixture
def ledger_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Reconciliation -> how many times its decision log was read, wherever from."""
    counted: Counter[str] = Counter()
    real = ledger_module.read_ledger

    def read_ledger(project, name, *args, **kw):  # type: ignore[no-untyped-def]
        counted[name] += 1
        return real(project, name, *args, **kw)

    for module in (ledger_module, team_status, reconcile_status):
        monkeypatch.setattr(module, "read_ledger", read_ledger)
    return counted


def test_status_folds_each_log_once_and_still_finds_stale_decisions(
        tmp_path: Path, folds: Counter[str], ledger_reads: Counter[str],
        invoke: Callable[..., Any]) -> None:
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    reconcile(project, ["ana", "bo"], "consensus", "union")
    reconcile(project, ["ana", "bo"], "second", "intersection")
    root = str(project.root)
    assert invoke("--project", root, "status").exit_code == 0  # the first look
    # ana takes a code back: the decisions on that segment are stale in both
    coding = store.current_codings(project, "ana")[0]
    store.remove_codes(project, "ana", project.load_document(coding.doc), [coding.segment],
                       [coding.code])
    folds.clear()
    ledger_reads.clear()
    r = invoke("--project", root, "status", "--format", "json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["stale_reconciliations"] == [
        {"name": "consensus", "stale_decisions": 1, "new_stale_decisions": 1},
        {"name": "second", "stale_decisions": 1, "new_stale_decisions": 1}]
    assert [(c["coder"], c["codings_removed"]) for c in got["coders"]] == [("ana", 1)]
    assert folds == {"ana": 1, "bo": 1, "consensus": 1, "second": 1}
    assert ledger_reads == {"consensus": 1, "second": 1}  # each decision log read once too

"""``qcode status`` reads an unchanged log's codings from its checkpoint's columns: the look
it records is the look of the folded logs, and stale decisions are still found (the states
are folded when a reconciliation needs them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import store
from qcode.project import Project
from qcode.reconcile.run import reconcile
from qcode.team import status as team_status
from tests.builders import build_known


def _warm(project: Project) -> None:
    for coder in store.coder_names(project):
        path = store.log_path(project, coder)
        old = os.stat(path).st_mtime_ns - 10 * 10**9
        os.utime(path, ns=(old, old))
        store.load_state(project, coder)


def _without_time(look: dict) -> dict:
    return {k: v for k, v in look.items() if k != "time"}


def test_the_look_from_columns_is_the_look_from_the_folded_logs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 1)
    project = build_known(tmp_path / "p", coders=("ana", "bo"), done=True)
    reconcile(project, ["ana", "bo"], "consensus", "union")
    store.add_codes(project, "ana", project.load_document(sorted(project.document_ids())[0]),
                    [f"{sorted(project.document_ids())[0]}:0001"], ["E2"])  # a stale decision
    _warm(project)
    assert all(store.unchanged_columns(project, c) is not None
               for c in store.coder_names(project))
    quick, quick_problems = team_status.take_look(project)
    monkeypatch.setattr(team_status, "unchanged_columns", lambda *a, **k: None)
    folded, folded_problems = team_status.take_look(project)
    assert _without_time(quick) == _without_time(folded)
    assert quick_problems == folded_problems
    assert quick["coders"]["ana"]["codings"] and quick["stale"]["consensus"]

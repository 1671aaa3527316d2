"""A load that resumes from an old checkpoint and replays the events after it writes the
checkpoint again (so later loads take it on the log's stamp); a young checkpoint is left as
it is (a run of small writes does not rewrite it each time). Either way the state is the
direct fold of the log."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import checkpoint as log_checkpoint
from qcode.coding import store as codings
from qcode.coding.fold import fold_bytes
from qcode.project import Project
from tests.builders import build_known, counted_log_reads


def _set_age(path: Path, seconds: float) -> None:
    then = time.time_ns() - int(seconds * 10**9)
    os.utime(path, ns=(then, then))


def _head(path: Path) -> dict[str, Any]:
    head: dict[str, Any] = json.loads(path.read_bytes().split(b"\n", 1)[0])
    return head


def _after_a_small_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         checkpoint_age: float) -> tuple[Project, Path, Path, int]:
    """ana's log read once (its checkpoint written), then one more event appended (fewer
    than MIN_EVENTS); the checkpoint's age set; returns the log's size before the write."""
    monkeypatch.setattr(log_checkpoint, "MIN_EVENTS", 3)
    project = build_known(tmp_path / "p", coders=("ana",), done=True)
    path = codings.log_path(project, "ana")
    codings.load_state(project, "ana")
    ck = codings.checkpoint_path(path)
    assert _head(ck)["log_bytes"] == path.stat().st_size  # the whole log, as it was
    before = path.stat().st_size
    codings.mark_done(project, "ana", project.document_ids()[0], False)
    _set_age(path, 10)  # old enough for its stamp to be trusted
    _set_age(ck, checkpoint_age)
    return project, path, ck, before


def _same_as_direct(project: Project, path: Path) -> None:
    direct = fold_bytes("ana", path.read_bytes(), path)
    loaded = codings.load_state(project, "ana")
    assert loaded.codings() == direct.codings() and loaded.codings()
    assert loaded.done == direct.done and loaded.memos == direct.memos
    assert (loaded.last_seq, loaded.n_events) == (direct.last_seq, direct.n_events)


def test_an_old_checkpoint_is_renewed_by_a_load_that_resumes_from_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, path, ck, before = _after_a_small_write(tmp_path, monkeypatch, 60)
    assert codings.unchanged_columns(project, "ana") is None  # the log grew
    codings.load_state(project, "ana")
    assert _head(ck)["log_bytes"] == path.stat().st_size > before
    reads = counted_log_reads(monkeypatch)
    assert codings.unchanged_columns(project, "ana") is not None  # on the stamp alone
    assert reads == []
    _same_as_direct(project, path)


def test_a_young_checkpoint_is_not_rewritten_by_a_load_that_resumes_from_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, path, ck, before = _after_a_small_write(tmp_path, monkeypatch, 5)
    codings.load_state(project, "ana")
    assert _head(ck)["log_bytes"] == before < path.stat().st_size
    assert codings.unchanged_columns(project, "ana") is None
    _same_as_direct(project, path)


def test_the_age_of_a_checkpoint_is_its_modification_time(tmp_path: Path) -> None:
    ck = tmp_path / ".c.checkpoint"
    assert not log_checkpoint.worth_renewing(ck)  # none at all
    ck.write_bytes(b"{}\n")
    assert not log_checkpoint.worth_renewing(ck)
    _set_age(ck, log_checkpoint.RENEW_NS / 10**9 + 1)
    assert log_checkpoint.worth_renewing(ck)

"""`ingest --replace` in the core, over a damaged document, and with a new unit.

Issue 13 item 4: re-anchoring ran only in the CLI, so the library call left codings on the
old offsets. Issue 12 item 12: the hint for a damaged documents/N01.json said to ingest
again with --replace, which failed with the same error. Issue 12 item 19: `--unit sentence
--replace` on unchanged bytes said "nothing to do" and ignored the new unit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.ingest.replace import marker_path
from qcode.project import Project
from tests.ingest.replace_builders import (
    DOC,
    ORIGINAL,
    VERSION_A,
    assert_anchored,
    coded_project,
    snapshot,
    write,
)


@pytest.fixture
def study(tmp_path: Path) -> Project:
    return coded_project(tmp_path / "study", write(tmp_path / "in" / "O.txt", ORIGINAL))


def test_the_library_call_re_anchors_and_reports_per_coder(study: Project,
                                                           tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from qcode.ingest.run import IngestOptions\n"  # binds qcode.ingest to the package
        "import qcode\n"
        "report = qcode.ingest(qcode.open_project(sys.argv[1]), [Path(sys.argv[2])],\n"
        "                      IngestOptions(doc_id='N01', replace=True))\n"
        "(outcome,) = report.outcomes\n"
        "print(json.dumps([outcome.status, outcome.reanchor.by_coder()]))\n")
    source = write(tmp_path / "in" / "A.txt", VERSION_A)
    done = subprocess.run([sys.executable, "-c", code, str(study.root), str(source)],
                          capture_output=True, text=True, check=True)
    status, by_coder = json.loads(done.stdout)
    assert status == "replaced"
    assert by_coder == {
        "ana": {"unchanged": 0, "moved": 9, "reanchored": 1, "orphaned": 0},
        "ben": {"unchanged": 0, "moved": 9, "reanchored": 1, "orphaned": 0},
        "cai": {"unchanged": 0, "moved": 10, "reanchored": 0, "orphaned": 0}}
    assert_anchored(study, 30)
    assert not marker_path(study, DOC).exists()


def _damage(study: Project) -> bytes:
    damaged = b'{"id": "N01", "title": "N01", "text": "Budg'
    study.document_path(DOC).write_bytes(damaged)
    return damaged


def test_a_damaged_document_is_repaired_by_the_replace_its_hint_names(
        study: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    damaged = _damage(study)
    path = study.document_path(DOC)
    result = invoke("--project", str(study.root), "matrix", "--coder", "ana")
    assert result.exit_code == ExitCode.NO_PROJECT
    assert f"Error: {path}: not a valid qcode document" in result.stderr
    assert result.stderr.endswith(
        f"Hint: restore it from a backup, or ingest its transcript again: qcode ingest FILE "
        f"--id {DOC} --replace\n")
    source = write(tmp_path / "in" / "A.txt", VERSION_A)
    result = invoke("--project", str(study.root), "ingest", str(source), "--id", DOC)
    assert result.exit_code == ExitCode.NO_PROJECT  # without --replace: still refused
    result = invoke("--project", str(study.root), "ingest", str(source), "--id", DOC,
                    "--replace")
    assert result.exit_code == 0, result.stderr
    (aside,) = study.documents_dir.glob(f".{DOC}.json.damaged-*")
    assert aside.read_bytes() == damaged
    lines = result.stderr.splitlines()
    assert lines[0] == f"Replaced {DOC} from {source} (txt, 15 turns, 2 speakers, 15 segments)"
    assert lines[1] == f"Kept a copy of the damaged document {DOC} as {aside}"
    assert lines[2] == ("Re-anchoring N01: 0 unchanged, 28 moved, 2 re-anchored, "
                        "0 orphaned.")
    assert_anchored(study, 30)  # placed by their quotes alone
    assert not marker_path(study, DOC).exists()
    assert invoke("--project", str(study.root), "matrix", "--coder", "ana").exit_code == 0


def test_the_same_bytes_over_a_damaged_document_restore_it(
        study: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    before = snapshot(study)
    _damage(study)
    result = invoke("--project", str(study.root), "ingest", str(tmp_path / "in" / "O.txt"),
                    "--id", DOC, "--replace")
    assert result.exit_code == 0, result.stderr
    assert "Re-anchoring N01: 30 unchanged, 0 moved, 0 re-anchored, 0 orphaned." \
        in result.stderr
    assert snapshot(study) == before


def test_a_new_unit_with_replace_segments_again_and_re_anchors(
        study: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    source = tmp_path / "in" / "O.txt"
    result = invoke("--project", str(study.root), "ingest", str(source), "--id", DOC,
                    "--unit", "sentence", "--replace")
    assert result.exit_code == 0, result.stderr
    doc = study.load_document(DOC)
    assert doc.unit == "sentence" and len(doc.segments) == 14 * 62
    lines = result.stderr.splitlines()
    assert lines[0] == (f"Replaced {DOC} from {source} (txt, 14 turns, 2 speakers, "
                        f"{14 * 62} segments)")
    assert lines[1] == "Re-anchoring N01: 0 unchanged, 30 moved, 0 re-anchored, 0 orphaned."
    found = assert_anchored(study, 30)
    # each coding is on a sentence of the turn it was on
    for _, seg, _, start, _, _ in found:
        turn = next(t for t in doc.turns if t.start <= start < t.end)
        assert doc.segment(seg) is not None and doc.text[turn.start:turn.end].find(
            doc.text[start:doc.segment(seg).end]) >= 0  # type: ignore[union-attr]
    # the same unit again: nothing to do
    result = invoke("--project", str(study.root), "ingest", str(source), "--id", DOC,
                    "--unit", "sentence", "--replace")
    assert result.stderr == f"Unchanged {DOC}: {source} has the same bytes as before; " \
                            "nothing to do\n"


def test_ingest_json_says_how_the_codings_were_re_anchored(
        study: Project, tmp_path: Path, invoke: Callable[..., Any]) -> None:
    source = write(tmp_path / "in" / "A.txt", VERSION_A)
    result = invoke("--project", str(study.root), "ingest", str(source), "--id", DOC,
                    "--replace", "--format", "json")
    assert result.exit_code == 0, result.stderr
    (entry,) = json.loads(result.stdout)["reanchorings"]
    placements = entry.pop("placements")
    assert entry == {
        "doc": DOC, "unchanged": 0, "moved": 28, "reanchored": 2, "orphaned": 0,
        "coders": {"ana": {"unchanged": 0, "moved": 9, "reanchored": 1, "orphaned": 0},
                   "ben": {"unchanged": 0, "moved": 9, "reanchored": 1, "orphaned": 0},
                   "cai": {"unchanged": 0, "moved": 10, "reanchored": 0, "orphaned": 0}},
        "interrupted_earlier": False, "damaged_copy": None}
    assert len(placements) == 30
    assert placements[0] == {"coder": "ana", "code": "ECO-MES-02", "old_segment": "N01:0002",
                             "new_segment": "N01:0003", "outcome": "moved", "score": 100.0}

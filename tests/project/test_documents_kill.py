"""``docs rename`` and ``docs remove`` killed (SIGKILL) between the record in
documents.log.jsonl and the file move: the next command finishes the move and every coding
is kept (issue 16.4)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qcode.documents.log import document_map
from qcode.project import Project
from tests.builders import ROOT, build_known

pytestmark = pytest.mark.slow

#: runs the CLI with the file step of a move replaced by a SIGKILL of the process itself
KILLED = """
import os, signal, sys
from qcode.documents import moves
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
moves.{step} = die
from qcode.cli.app import main
sys.argv = ["qcode", *sys.argv[1:]]
main()
"""


def run(root: Path, *args: str, step: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("QCODE_PROJECT", None)
    code = (KILLED.format(step=step) if step else
            "import sys\nfrom qcode.cli.app import main\nsys.argv = ['qcode', *sys.argv[1:]]"
            "\nmain()\n")
    return subprocess.run([sys.executable, "-c", code, "--project", str(root), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def counts(root: Path) -> str:
    r = run(root, "matrix", "--coder", "ana", "--rows", "code", "--cols", "theme",
            "--count", "codings", "--format", "csv")
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known", coders=("ana",))


def test_a_rename_killed_after_its_record_is_finished(known: Project) -> None:
    before = counts(known.root)
    logs = {p.name: p.read_bytes() for p in known.codings_dir.glob("*.jsonl")}
    r = run(known.root, "docs", "rename", "D1", "N1", step="_finish_rename")
    assert r.returncode == -signal.SIGKILL
    assert document_map(known).renamed == {"D1": "N1"}  # the record is on disk ...
    assert known.document_ids() == ["D1", "D2", "D3"]  # ... the file has not moved
    r = run(known.root, "check", "--format", "json")
    assert r.returncode == 10 and '"pending_rename"' in r.stdout
    assert counts(known.root) == before  # opening the project finished the move
    assert known.document_ids() == ["D2", "D3", "N1"]
    assert run(known.root, "check").returncode == 0
    assert {p.name: p.read_bytes() for p in known.codings_dir.glob("*.jsonl")} == logs


def test_a_remove_killed_after_its_record_is_finished(known: Project) -> None:
    r = run(known.root, "docs", "remove", "D2", step="_move")
    assert r.returncode == -signal.SIGKILL
    assert document_map(known).archived == {"D2"} and known.has_document("D2")
    r = run(known.root, "check", "--fix")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "Fixed: finished moving documents/D2.json\n"
    assert known.document_ids() == ["D1", "D3"]
    assert (known.root / "archive" / "documents" / "D2.json").is_file()
    r = run(known.root, "docs", "restore", "D2", step="_move")
    assert r.returncode == -signal.SIGKILL
    assert counts(known.root)  # the next command brings it back
    assert known.document_ids() == ["D1", "D2", "D3"]

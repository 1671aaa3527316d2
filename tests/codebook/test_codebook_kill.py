"""A codebook change killed (SIGKILL) between its log line and the YAML rewrite is finished
by the next command that opens the codebook; nothing is lost (issue 16.1)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qcode.codebook.history import read_history
from qcode.codebook.load import load
from qcode.coding import store as codings
from qcode.project import Project, init_project
from tests.builders import ROOT, numbered_doc

pytestmark = pytest.mark.slow


def qcode(root: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "USER": "lead", "NO_COLOR": "1"}
    env.pop("QCODE_PROJECT", None)
    if fault:
        env["QCODE_CODEBOOK_FAULT"] = fault
    return subprocess.run([sys.executable, "-m", "qcode", "--project", str(root), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Project, Project]:
    """Two identical projects with one coder's codings: one to kill, one to compare with."""
    out = []
    for name in ("killed", "clean"):
        project = init_project(tmp_path / name)
        doc = numbered_doc("D1", 6)
        project.save_document(doc)
        codings.add_codes(project, "ana", doc, ["D1:0002"], ["GOV-MAC-01", "GOV-MAC-02"])
        out.append(project)
    return out[0], out[1]


@pytest.mark.parametrize("change", [
    ["rename", "GOV-MAC-01", "--id", "GOV-MAC-07"],
    ["merge", "GOV-MAC-01", "--into", "GOV-MAC-02"],
    ["split", "GOV-MAC-01", "--into", "One part,Another part"],
    ["add", "Staff felt watched", "--theme", "ORG", "--level", "micro"],
])
def test_a_kill_after_the_log_line_is_finished_by_the_next_command(
        twins: tuple[Project, Project], change: list[str]) -> None:
    killed, clean = twins
    before = killed.codebook_path.read_bytes()
    done = qcode(killed.root, "codebook", *change, fault="after-log")
    assert done.returncode == -signal.SIGKILL
    (event,) = read_history(killed.root).events  # the log line is on disk ...
    assert killed.codebook_path.read_bytes() == before  # ... the YAML rewrite is not
    assert qcode(clean.root, "codebook", *change).returncode == 0

    # the next command that opens the codebook finishes the rewrite, then works as usual
    shown = qcode(killed.root, "matrix", "--rows", "code", "--cols", "document", "--count",
                  "codings", "--coder", "ana", "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    assert killed.codebook_path.read_bytes() == clean.codebook_path.read_bytes()
    assert [e["op"] for e in read_history(killed.root).events] == [event["op"]]
    assert shown.stdout == qcode(clean.root, "matrix", "--rows", "code", "--cols", "document",
                                 "--count", "codings", "--coder", "ana", "--format",
                                 "csv").stdout
    # and the next change builds on it
    assert qcode(killed.root, "codebook", "retire", "GOV-MAC-03").returncode == 0
    assert len(read_history(killed.root).events) == 2


def test_a_yaml_edited_by_hand_after_a_change_is_left_alone(
        twins: tuple[Project, Project]) -> None:
    killed, _ = twins
    assert qcode(killed.root, "codebook", "retire", "GOV-MAC-03").returncode == 0
    edited = killed.codebook_path.read_text(encoding="utf-8").replace(
        "name: National strategy and policy direction", "name: National strategy")
    killed.codebook_path.write_text(edited, encoding="utf-8")
    assert qcode(killed.root, "codebook", "show", "--format", "json").returncode == 0
    assert killed.codebook_path.read_text(encoding="utf-8") == edited


def test_a_kill_then_a_copy_of_the_project_is_finished_too(
        twins: tuple[Project, Project], tmp_path: Path) -> None:
    killed, clean = twins
    assert qcode(killed.root, "codebook", "retire", "GOV-MAC-01",
                 fault="after-log").returncode == -signal.SIGKILL
    copy = tmp_path / "copy"
    shutil.copytree(killed.root, copy)
    assert qcode(clean.root, "codebook", "retire", "GOV-MAC-01").returncode == 0
    assert qcode(copy, "codebook", "history").returncode == 0
    assert (copy / "codebook.yaml").read_bytes() == clean.codebook_path.read_bytes()


def test_changes_from_racing_processes_are_all_kept(tmp_path: Path) -> None:
    project = init_project(tmp_path / "race")
    env = {**os.environ, "USER": "lead", "NO_COLOR": "1"}
    env.pop("QCODE_PROJECT", None)
    procs = [subprocess.Popen(
        [sys.executable, "-c", (
            "import sys\nfrom qcode.cli.app import main\n"
            f"for i in range(4):\n"
            f"    sys.argv = ['qcode', '--project', {str(project.root)!r}, 'codebook', 'add',"
            f" 'Racer {n} code ' + str(i), '--theme', 'ORG', '--level', 'micro']\n"
            "    try:\n        main()\n    except SystemExit as e:\n"
            "        assert not e.code, e.code\n")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n in range(3)]
    for p in procs:
        _out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    events = read_history(project.root).events
    assert len(events) == 12
    names = {c.name for c in load(project.codebook_path).codes}
    assert {f"Racer {n} code {i}" for n in range(3) for i in range(4)} <= names
    ids = [e["new_code"]["id"] for e in events]
    assert len(set(ids)) == 12

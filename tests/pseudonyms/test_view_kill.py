"""A command killed while its pseudonymised view exists leaves the view behind; the next
view deletes it (its process is gone), so no copy of the transcripts outlives the command
that made it. A live command's view, and one just made, are left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcode.project import Project
from qcode.pseudonyms.table import add
from qcode.pseudonyms.variants import Entry
from qcode.pseudonyms.view import OWNER, PREFIX, pseudonymised, sweep_stale_views
from tests.builders import ROOT, make_doc

pytestmark = pytest.mark.slow

HOLD = """
import sys, time
from qcode.project import Project
from qcode.pseudonyms.view import pseudonymised
with pseudonymised(Project(sys.argv[1])) as (view, _):
    print(view.root, flush=True)
    time.sleep(60)
"""


def test_a_killed_commands_view_is_swept_by_the_next(project: Project) -> None:
    project.save_document(make_doc("D1", [("Torunn Vollstad", "Torunn said so.")]))
    add(project, Entry("Torunn Vollstad", "P07"))
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(project.root)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    left = Path(proc.stdout.readline().strip())
    assert (left / "documents" / "D1.json").is_file()
    with pseudonymised(project):  # the holder is alive: its view stays
        assert left.is_dir()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert left.is_dir()  # nothing ran to delete it
    with pseudonymised(project) as (view, _):
        assert not left.exists()
        assert view.root.is_dir()
    assert not view.root.exists()


def test_fresh_and_foreign_folders_are_left(tmp_path: Path) -> None:
    fresh = tmp_path / (PREFIX + "fresh")
    fresh.mkdir()  # no owner yet, just made
    dead = tmp_path / (PREFIX + "dead")
    dead.mkdir()
    (dead / OWNER).write_text("999999999", encoding="ascii")
    old = tmp_path / (PREFIX + "old")
    old.mkdir()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    mine = tmp_path / (PREFIX + "mine")
    mine.mkdir()
    (mine / OWNER).write_text(str(os.getpid()), encoding="ascii")
    assert sorted(sweep_stale_views(tmp_path)) == sorted([dead, old])
    assert fresh.is_dir() and mine.is_dir()

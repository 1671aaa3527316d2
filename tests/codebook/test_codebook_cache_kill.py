"""A kill -9 while the checked codebook is being stored in the index leaves a project
whose codebook is the one its YAML says: read back from a whole row, or checked again."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcode.codebook.load import load
from qcode.index.documents import project_documents
from qcode.project import INDEX_DIR, INDEX_FILE, Project, init_project
from tests.builders import HELD_COMMIT, ROOT, numbered_doc

pytestmark = pytest.mark.slow

#: edits the codebook's name and reads documents through the index (which stores the
#: codebook checked in that round), over and over, until killed
CHILD = HELD_COMMIT + """
import sys
from qcode.index import documents
from qcode.project import Project
root = sys.argv[1]
remember = documents.remember_codebook
def announced(con, *args):
    remember(HeldCommit(con), *args)
documents.remember_codebook = announced
n = 0
while True:
    n += 1
    project = Project(root)
    path = project.codebook_path
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("\\nname: ")
    path.write_text(head + f"\\nname: Round {n}\\n" + rest.partition("\\n")[2],
                    encoding="utf-8")
    project = Project(root)
    assert project.codebook.name == f"Round {n}"
    documents.project_documents(project)
    print(n, flush=True)
"""


def test_kill_while_the_codebook_is_stored_keeps_the_yaml_s_codebook(tmp_path: Path) -> None:
    project = init_project(tmp_path / "study")
    for d in range(5):
        project.save_document(numbered_doc(f"K{d:02d}", 20))
    rng = random.Random(7)
    torn = 0
    for round_ in range(6):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(project.root)],
                                 cwd=ROOT, stdout=subprocess.PIPE)
        assert child.stdout is not None
        while not child.stdout.readline().startswith(b"writing"):
            pass
        time.sleep(rng.uniform(0.0, 0.03))
        child.kill()
        child.wait()
        assert child.returncode == -9
        journal = project.root / INDEX_DIR / (INDEX_FILE + "-journal")
        torn += journal.exists() and journal.stat().st_size > 0
        checked = load(project.codebook_path)
        assert Project(project.root).codebook == checked, f"round {round_}"
        reader = Project(project.root)
        assert reader.codebook == checked
        project_documents(reader)  # rolls a torn write back, then stores this codebook
        with sqlite3.connect(project.root / INDEX_DIR / INDEX_FILE) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        again = Project(project.root)
        assert again.codebook == checked
        assert again.codebook_to_index is None, "the stored row was not read back"
    assert torn >= 1, "no kill landed inside a codebook write (the test did not test)"

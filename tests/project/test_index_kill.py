"""A kill -9 while the read index is being written leaves a usable project: the next reads
give what the documents say, and the index is whole (SQLite rolls the torn update back)
or made anew."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcode.index.documents import meta_of, project_documents
from qcode.index.store import INDEX_DIR, INDEX_FILE
from qcode.project import Project
from tests.builders import HELD_COMMIT, ROOT, numbered_doc

pytestmark = pytest.mark.slow

#: rewrites documents and reads them through the index, over and over, until killed
CHILD = HELD_COMMIT + """
import shutil, sys
from pathlib import Path
from qcode.index import documents
from qcode.index.documents import project_documents
from qcode.project import open_project
project = open_project(sys.argv[1])
write = documents._write
def announced(con, *args):
    write(HeldCommit(con), *args)
documents._write = announced
n = 0
while True:
    n += 1
    if n % 3 == 0:  # now and then the whole index is made from nothing
        shutil.rmtree(project.root / ".qcode-index", ignore_errors=True)
    for k, doc_id in enumerate(project.document_ids()):
        if (k + n) % 4 == 0:
            doc = project.load_document(doc_id)
            project.save_document(doc.model_copy(update={"title": f"round {n}"}))
    project_documents(project, text=True)
    print(n, flush=True)
"""


def _study(root: Path) -> Project:
    from qcode.project import init_project
    project = init_project(root)
    for d in range(40):
        project.save_document(numbered_doc(f"K{d:02d}", 150))
    return project


def test_kill_during_index_updates_leaves_a_usable_project(tmp_path: Path) -> None:
    project = _study(tmp_path / "study")
    rng = random.Random(19)
    killed_while_running = torn = 0
    for round_ in range(10):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(project.root)],
                                 cwd=ROOT, stdout=subprocess.PIPE)
        assert child.stdout is not None
        while not child.stdout.readline().startswith(b"writing"):
            pass
        if round_ % 2:  # a whole round first, then into the next write
            child.stdout.readline()
            while not child.stdout.readline().startswith(b"writing"):
                pass
        time.sleep(rng.uniform(0.0, 0.03))
        child.kill()
        child.wait()
        killed_while_running += child.returncode == -9
        journal = project.root / INDEX_DIR / (INDEX_FILE + "-journal")
        torn += journal.exists() and journal.stat().st_size > 0
        direct = {i: meta_of(project.load_document(i)) for i in project.document_ids()}
        assert project_documents(project, text=True) == direct, f"round {round_}"
        db = project.root / INDEX_DIR / INDEX_FILE
        with sqlite3.connect(db) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(direct)
        assert project_documents(project, text=True) == direct  # and again, from the index
    assert killed_while_running == 10
    assert torn >= 1, "no kill landed inside an index write (the test did not test)"

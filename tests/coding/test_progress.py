"""`qcode progress`: the document x coder grid (visited, done, codings, totals)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from qcode.coding import store as codings
from qcode.coding.progress import position_path, progress
from qcode.coding.usable import load_usable
from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import numbered_doc

Invoke = Callable[..., Any]
CODE_A, CODE_B = "GOV-MAC-01", "ORG-MIC-01"


@pytest.fixture
def study(project: Project, invoke: Invoke) -> Project:
    d1, d2 = numbered_doc("D01", 6), numbered_doc("D02", 4)
    project.save_document(d1)
    project.save_document(d2)
    # ana: a session on D01 moves to the third segment and quits; a coding on the fifth
    r = invoke("--project", str(project.root), "code", "D01", "--coder", "ana",
               input="n\nn\nq\n")
    assert r.exit_code == 0, r.output
    codings.add_codes(project, "ana", d1, ["D01:0005"], [CODE_A])
    codings.add_codes(project, "ana", d2, ["D02:0001"], [CODE_A, CODE_B])
    codings.mark_done(project, "ana", "D02")
    # ben: one segment memo on D02 and one coding on D02
    codings.set_memo(project, "ben", d2, "D02:0003", "later")
    codings.add_codes(project, "ben", d2, ["D02:0004"], [CODE_B])
    return project


def test_the_grid_counts_visits_codings_and_completion(study: Project) -> None:
    grid = progress(study, load_usable(study, ["ana", "ben"]), study.documents())
    cells = {(c.document, c.coder): (c.status, c.visited, c.segments, c.codings)
             for c in grid.cells}
    assert cells == {
        ("D01", "ana"): ("started", 3, 6, 1),  # D01:0001-0002 passed, D01:0005 coded
        ("D02", "ana"): ("done", 4, 4, 2),
        ("D01", "ben"): ("not_started", 0, 6, 0),
        ("D02", "ben"): ("started", 2, 4, 1),  # a memo and a coding
    }
    ana, ben = grid.totals
    assert (ana.documents_done, ana.documents_started, ana.visited, ana.segments,
            ana.codings) == (1, 1, 7, 10, 3)
    assert (ben.documents_done, ben.documents_started, ben.visited, ben.codings) == (0, 1, 2, 1)


def test_a_damaged_or_foreign_position_file_counts_nothing(study: Project) -> None:
    position_path(study, "ben").write_text('{"D01": "D01:0004", "D02": 7}')
    grid = progress(study, load_usable(study, ["ben"]), study.documents())
    assert grid.cell("D01", "ben").visited == 3
    position_path(study, "ben").write_text("not json")
    grid = progress(study, load_usable(study, ["ben"]), study.documents())
    assert grid.cell("D01", "ben").status == "not_started"


def test_progress_cli_table_and_json(study: Project, invoke: Invoke) -> None:
    root = str(study.root)
    r = invoke("--project", root, "progress")
    assert r.exit_code == 0, r.output
    rows = [line for line in r.stdout.splitlines() if line.startswith("│")]
    assert [[cell.strip() for cell in row.split("│")[1:-1]] for row in rows] == [
        ["D01", "3 of 6 (1 coding)", "not started"],
        ["D02", "done (2 codings)", "2 of 4 (1 coding)"],
        ["total", "1/2 done, 7 of 10, 3 codings", "0/2 done, 2 of 10, 1 coding"],
    ]
    data = json.loads(invoke("--project", root, "progress", "--coder", "ben", "--doc", "D02",
                             "--format", "json").stdout)
    assert data["documents"] == ["D02"] and data["coders"] == ["ben"]
    assert data["cells"] == [{"document": "D02", "coder": "ben", "status": "started",
                              "visited": 2, "segments": 4, "codings": 1}]
    assert data["totals"][0]["documents_started"] == 1


def test_progress_refuses_unknown_names(study: Project, invoke: Invoke) -> None:
    root = str(study.root)
    r = invoke("--project", root, "progress", "--coder", "bem")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr == "Error: no coder 'bem' in this project\nHint: did you mean ben?\n"
    r = invoke("--project", root, "progress", "--doc", "D09")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr.startswith("Error: no document 'D09' in this project\n")


def test_progress_with_no_coder_says_how_to_start(project: Project, invoke: Invoke) -> None:
    project.save_document(numbered_doc("D01", 2))
    r = invoke("--project", str(project.root), "progress")
    assert r.exit_code == 0
    assert r.stderr == "No coder has coded yet. Start with: qcode code DOC --coder NAME\n"


def test_consensus_coders_are_left_out_unless_named(project: Project, invoke: Invoke) -> None:
    from tests.builders import build_study

    build_study(project)
    root = str(project.root)
    r = invoke("--project", root, "reconcile", "--coder", "ingrid,lars", "--as", "agreed",
               "--strategy", "union")
    assert r.exit_code == 0, r.output
    data = json.loads(invoke("--project", root, "progress", "-f", "json").stdout)
    assert data["coders"] == ["ingrid", "lars", "maja"]
    named = json.loads(invoke("--project", root, "progress", "-c", "agreed", "-f",
                              "json").stdout)
    assert named["coders"] == ["agreed"]
    assert "done" in {c["status"] for c in named["cells"]}


def test_a_renamed_document_keeps_its_progress(study: Project, invoke: Invoke) -> None:
    r = invoke("--project", str(study.root), "docs", "rename", "D01", "K01")
    assert r.exit_code == 0, r.stderr
    grid = progress(study, load_usable(study, ["ana"]), study.documents())
    assert grid.cell("K01", "ana").visited == 3  # two passed by the session, one coded


def test_doc_takes_a_unique_prefix(study: Project, invoke: Invoke) -> None:
    study.save_document(numbered_doc("K07", 3))
    r = invoke("--project", str(study.root), "progress", "--doc", "D0")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr.startswith("Error: ambiguous document prefix 'D0': D01, D02\n")
    one = json.loads(invoke("--project", str(study.root), "progress", "--doc", "K", "-c",
                            "ben", "-f", "json").stdout)
    assert one["documents"] == ["K07"]
    assert one["cells"][0]["segments"] == 3

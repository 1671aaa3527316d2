"""The scriptable coding commands: tag, untag, undo, done, coders, codings export|import."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from qcode.coding import store as codings
from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import DATA as TESTDATA
from tests.builders import interview

DATA = TESTDATA / "coding"


@pytest.fixture
def run(project: Project, invoke: Callable[..., object]) -> Callable[..., object]:
    project.save_document(interview("T01"))

    def go(*args: str, input: str | None = None) -> object:
        return invoke("--project", str(project.root), *args, input=input)

    return go


def test_tag_untag_undo_done(run: Callable[..., object], project: Project) -> None:
    r = run("tag", "T01", "T01:0002-0004", "6", "--code", "GOV-MAC-02", "--code",
            "Budget constraints and competing priorities", "--coder", "ingrid",
            "--memo", "check")
    budget = next(c.id for c in project.codebook.codes
                  if c.name == "Budget constraints and competing priorities")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"Tagged 4 segments of T01 with GOV-MAC-02, {budget} for ingrid: 8 added.\n"
    st = codings.load_state(project, "ingrid")
    assert st.codes_on("T01", "T01:0003") == ["GOV-MAC-02", budget]
    assert st.memo_on("T01", "T01:0006") == "check"
    r = run("tag", "T01", "2", "--code", "GOV-MAC-02", "--coder", "ingrid")
    assert r.stdout == ("Tagged 1 segment of T01 with GOV-MAC-02 for ingrid: 0 added, "
                        "1 already there.\n")
    r = run("untag", "T01", "T01:0003", "--coder", "ingrid")
    assert r.stdout == "Removed 2 codings from 1 segment of T01 for ingrid.\n"
    r = run("undo", "--coder", "ingrid")
    assert r.stdout == (f"Undone for ingrid: removed {budget} from T01:0003 (and 1 more change "
                        "made with it).\n")
    assert codings.load_state(project, "ingrid").codes_on("T01", "T01:0003") == [
        "GOV-MAC-02", budget]
    r = run("done", "T01", "--coder", "ingrid")
    assert r.stdout == "Marked T01 complete for ingrid (4 of 6 segments coded).\n"
    assert run("done", "T01", "--coder", "ingrid").stdout == \
        "T01 is already marked complete for ingrid.\n"
    assert codings.completed_documents(project, "ingrid") == {"T01"}
    assert run("done", "T01", "--coder", "ingrid", "--reopen").stdout == \
        "Reopened T01 for ingrid.\n"
    assert codings.completed_documents(project, "ingrid") == set()


def test_tag_errors(run: Callable[..., object]) -> None:
    r = run("tag", "T01", "T01:0002", "--code", "national strateg", "--coder", "ingrid")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr.startswith("Error: unknown code 'national strateg'\nHint: did you mean "
                               "GOV-MAC-01 (National strategy and policy direction)")
    r = run("tag", "T01", "T01:0009", "--code", "GOV-MAC-01", "--coder", "ingrid")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr == ("Error: no segment T01:0009 in document T01\n"
                        "Hint: segments run from T01:0001 to T01:0006\n")
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "../etc")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr.startswith("Error: '../etc' is not a valid coder name\n")
    r = run("undo", "--coder", "nobody")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr == "Error: no coder 'nobody' in this project\nHint: no coder has coded yet\n"


def test_coders_lists_codings_completion_and_activity(run: Callable[..., object]) -> None:
    run("tag", "T01", "2", "4", "--code", "GOV-MAC-02", "--coder", "lars")
    run("done", "T01", "--coder", "lars")
    run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "Ingrid")
    r = run("coders", "--format", "json")
    rows = json.loads(r.stdout)["coders"]
    assert [(x["coder"], x["codings"], x["documents_coded"], x["completed"]) for x in rows] == [
        ("Ingrid", 1, ["T01"], []), ("lars", 2, ["T01"], ["T01"])]
    assert rows[1]["origins"] == {"manual": 2} and rows[1]["last_activity"].endswith("Z")
    table = run("coders").stdout
    assert table.splitlines()[0].split() == ["coder", "codings", "documents", "completed",
                                             "memos", "last", "activity"]
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid")
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr == ("Error: coder 'ingrid' clashes with existing coder 'Ingrid' (names are "
                        "compared without case)\nHint: use --coder Ingrid\n")


def test_export_csv_and_jsonl_round_trip(run: Callable[..., object], project: Project,
                                         tmp_path: Path) -> None:
    run("tag", "T01", "2", "--code", "GOV-MAC-02", "--code", "GOV-MAC-01", "--coder", "ingrid",
        "--memo", "a, \"quoted\" memo")
    run("tag", "T01", "4", "--code", "ECO-MIC-03", "--coder", "ingrid")
    r = run("codings", "export", "--coder", "ingrid")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["segment"], x["code"], x["memo"]) for x in rows] == [
        ("T01:0002", "GOV-MAC-01", 'a, "quoted" memo'),
        ("T01:0002", "GOV-MAC-02", 'a, "quoted" memo'), ("T01:0004", "ECO-MIC-03", "")]
    doc = project.load_document("T01")
    assert rows[2]["quote"] == doc.segment_text(doc.segment("T01:0004"))
    out = tmp_path / "ingrid.jsonl"
    r = run("codings", "export", "--coder", "ingrid", "--format", "jsonl", "-o", str(out))
    assert r.stderr == f"Wrote 3 codings of ingrid to {out}\n"
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert lines[0]["coder"] == "ingrid" and lines[0]["origin"] == "manual"
    r = run("codings", "import", str(out), "--coder", "copy")
    assert r.stdout == f"Imported {out} for copy: 3 rows, 3 codings added.\n"
    copy = codings.load_state(project, "copy")
    orig = codings.load_state(project, "ingrid")
    assert {k: set(v) for k, v in copy.codes.items()} == {k: set(v) for k, v in
                                                          orig.codes.items()}
    assert copy.memos == orig.memos
    assert {ev["origin"] for by in copy.codes.values() for ev in by.values()} == {"imported"}
    csv_file = tmp_path / "ingrid.csv"
    csv_file.write_text(run("codings", "export", "--coder", "ingrid").stdout)
    r = run("codings", "import", str(csv_file), "--coder", "copy")
    assert r.stdout == f"Imported {csv_file} for copy: 3 rows, 0 codings added, 3 already " \
                       "there.\n"


def test_import_is_all_or_nothing_and_lists_every_problem(run: Callable[..., object],
                                                          project: Project) -> None:
    bad = DATA / "codings_bad.csv"
    r = run("codings", "import", str(bad), "--coder", "ingrid")
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr.splitlines() == [
        f"Error: {bad}: 4 problems; nothing was imported",
        f"  {bad}:3: unknown document 'T09' (did you mean T01?)",
        f"  {bad}:4: unknown segment 'T01:0099' in document T01 (it has T01:0001 to "
        "T01:0006)",
        f"  {bad}:5: unknown code 'GOV-MAC-99' (did you mean GOV-MAC-01, GOV-MAC-02, "
        "GOV-MAC-03?)",
        f"  {bad}:6: missing code",
        "Hint: fix those rows (qcode docs lists documents, qcode codebook show the codes)"]
    assert codings.coder_names(project) == []
    good = DATA / "codings_good.csv"
    r = run("codings", "import", str(good), "--coder", "ingrid")
    assert r.exit_code == 0, r.output
    st = codings.load_state(project, "ingrid")
    assert st.codes_on("T01", "T01:0002") == ["GOV-MAC-02", "ECO-MAC-01"]
    assert st.memo_on("T01", "T01:0002") == "set by the ministry"
    r = run("undo", "--coder", "ingrid")  # one import is one action
    assert codings.load_state(project, "ingrid").codes == {}

"""qcode pseudonyms add|import|list|remove: the table in pseudonyms.csv, with exact
messages and exit codes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from qcode.pseudonyms.table import add, load, table_path
from qcode.pseudonyms.variants import Entry


@pytest.fixture
def p(project: Project) -> tuple[str, ...]:
    return ("--project", str(project.root))


def test_add_list_remove(invoke, p: tuple[str, ...], project: Project) -> None:  # type: ignore[no-untyped-def]
    r = invoke(*p, "pseudonyms", "add", "Torunn Vollstad", "P07")
    assert (r.exit_code, r.stdout) == (0, "Added Torunn Vollstad -> P07\n")
    r = invoke(*p, "pseudonyms", "add", "Lofotkysten sykehus", "Hospital A", "--kind",
               "organisation", "--variant", "Lofotkysten", "-f", "json")
    assert r.exit_code == 0 and r.stderr == "Added Lofotkysten sykehus -> Hospital A\n"
    assert json.loads(r.stdout) == {
        "schema_version": 1, "replaced_entries": [], "removed_entries": [],
        "entries_unchanged": 0,
        "added_entries": [{"real": "Lofotkysten sykehus", "pseudonym": "Hospital A",
                   "kind": "organisation", "variants": ["Lofotkysten"],
                   "matches": ["lofotkysten", "lofotkysten sykehus"]}]}
    assert table_path(project).read_text(encoding="utf-8") == (
        "real,pseudonym,kind,variants\nTorunn Vollstad,P07,person,\n"
        "Lofotkysten sykehus,Hospital A,organisation,Lofotkysten\n")
    listed = json.loads(invoke(*p, "pseudonyms", "list", "-f", "json").stdout)
    assert [e["real"] for e in listed["entries"]] == ["Torunn Vollstad", "Lofotkysten sykehus"]
    assert listed["entries"][0]["matches"] == ["t. v.", "t.v.", "torunn", "torunn vollstad",
                                               "vollstad"]
    r = invoke(*p, "pseudonyms", "remove", "torunn  VOLLSTAD")
    assert (r.exit_code, r.stdout) == (0, "Removed Torunn Vollstad\n")
    assert [e.real for e in load(project)] == ["Lofotkysten sykehus"]


def test_add_again_conflicts_unless_replace(invoke, p: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    invoke(*p, "pseudonyms", "add", "Torunn Vollstad", "P07")
    again = invoke(*p, "pseudonyms", "add", "Torunn Vollstad", "P07")
    assert (again.exit_code, again.stdout) == (0, "Torunn Vollstad -> P07 is already in the "
                                                  "table\n")
    r = invoke(*p, "pseudonyms", "add", "TORUNN VOLLSTAD", "P08")
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr == ("Error: 'Torunn Vollstad' is already in the table as 'P07'\n"
                        "Hint: add --replace to change it\n")
    r = invoke(*p, "pseudonyms", "add", "Torunn Vollstad", "P08", "--replace")
    assert (r.exit_code, r.stdout) == (0, "Changed Torunn Vollstad -> P08\n")


def test_refused_entries(invoke, p: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    invoke(*p, "pseudonyms", "add", "Torunn Vollstad", "P07")
    r = invoke(*p, "pseudonyms", "add", "Anne Berg", "Torunn")
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr == ("Error: the pseudonym 'Torunn' contains 'Torunn Vollstad', an "
                        "identifying string of the table\n"
                        "Hint: choose a pseudonym that names nobody\n")
    r = invoke(*p, "pseudonyms", "add", "Bodø", "bodo", "--kind", "place")
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == "Error: pseudonyms add: the pseudonym of 'Bodø' is the name itself\n"
    r = invoke(*p, "pseudonyms", "remove", "Nobody Here")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr == ("Error: 'Nobody Here' is not in the pseudonym table\n"
                        "Hint: list it with: qcode pseudonyms list\n")


def test_import_is_checked_in_full_first(invoke, p: tuple[str, ...], project: Project,  # type: ignore[no-untyped-def]
                                         tmp_path: Path) -> None:
    good = tmp_path / "names.csv"
    good.write_text("Real;Pseudonym;Kind\nTorunn Vollstad;P07;person\nBodø;Town B;place\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("real,pseudonym\nHalvard Strømsvik,P02\nMaren Aune,\n", encoding="utf-8")
    r = invoke(*p, "pseudonyms", "import", str(bad))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr.startswith(f"Error: {bad}:3: an entry needs both the real string and its "
                               "pseudonym\n")
    assert load(project) == []
    r = invoke(*p, "pseudonyms", "import", str(good), "-f", "json")
    assert r.exit_code == 0
    assert r.stderr == f"Imported {good}: 2 entries added, 0 changed, 0 already there\n"
    assert [e.pseudonym for e in load(project)] == ["P07", "Town B"]


def test_a_damaged_table_is_named(invoke, p: tuple[str, ...], project: Project) -> None:  # type: ignore[no-untyped-def]
    table_path(project).write_text("real,pseudonym\nTorunn,P07\nTorunn,P08\n", encoding="utf-8")
    r = invoke(*p, "pseudonyms", "list")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr == (f"Error: {table_path(project)}:3: 'Torunn' is in the table twice\n"
                        "Hint: fix the row in pseudonyms.csv by hand (or restore the file "
                        "with git)\n")


def test_two_adds_at_once_both_land(project: Project) -> None:
    names = [f"Person Number{i}" for i in range(8)]
    threads = [threading.Thread(target=add, args=(project, Entry(n, f"P{i:02d}")))
               for i, n in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(e.real for e in load(project)) == names

"""QA: ``qcode reconcile`` sentences are not broken at 80 columns when piped (scripts read
them line by line), and a consensus name that clashes with a coder gets a usable hint."""

from __future__ import annotations

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import build_study


def test_result_lines_are_whole_when_piped(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    r = invoke("--project", str(project.root), "reconcile", "--coder", "ingrid,lars,maja",
               "--as", "a-rather-long-consensus-name", "--strategy", "union")
    assert r.exit_code == 0
    first = r.stdout.splitlines()[0]
    assert len(first) > 80
    assert first == ("Reconciled ingrid, lars, maja into 'a-rather-long-consensus-name' "
                     "(strategy union): 5 decisions (1 agreed, 4 union).")


def test_consensus_named_like_a_coder(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    base = ("--project", str(project.root), "reconcile", "--strategy", "union")
    r = invoke(*base, "--coder", "ingrid,lars", "--as", "lars")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: the consensus coder 'lars' cannot also be one of the coders\n"
                        "Hint: choose another name with --as, e.g. --as consensus\n")
    r = invoke(*base, "--coder", "ingrid,lars,consensus", "--as", "consensus")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: the consensus coder 'consensus' cannot also be one of the "
                        "coders\nHint: choose another name with --as, e.g. --as "
                        "consensus-merged\n")


def test_diff_table_keeps_bracketed_transcript_notes(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    """rich read "[laughs]" or "[inaudible]" in a transcript as markup and dropped it."""
    from qcode.coding.store import add_codes, mark_done
    from tests.builders import make_doc

    doc = make_doc("B1", [("Interviewer", "Was it used?"),
                          ("Respondent", "Yes [laughs] but [inaudible 00:03] rarely.")])
    project.save_document(doc)
    add_codes(project, "ann", doc, ["B1:0002"], ["ORG-MIC-01"])
    add_codes(project, "bob", doc, ["B1:0002"], ["ECO-MAC-01"])
    for c in ("ann", "bob"):
        mark_done(project, c, "B1")
    r = invoke("--project", str(project.root), "diff", "--coder", "ann,bob")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    body = lines[next(i for i, ln in enumerate(lines) if ln.startswith("┡")) + 1:
                 next(i for i, ln in enumerate(lines) if ln.startswith("└"))]
    text = " ".join(ln.split("│")[2] for ln in body)
    assert " ".join(text.split()) == "Yes [laughs] but [inaudible 00:03] rarely."


def test_summary_warns_about_unreadable_ledger_lines(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    """--status warned about a damaged line of the decision log; --summary was silent."""
    build_study(project)
    p = ("--project", str(project.root))
    assert invoke(*p, "reconcile", "--coder", "ingrid,lars", "--as", "consensus",
                  "--strategy", "union").exit_code == 0
    ledger = project.reconciliations_dir / "consensus.jsonl"
    n = len(ledger.read_bytes().splitlines())
    with ledger.open("ab") as fh:
        fh.write(b'{"kind": "decision", "broken\n')
    want = (f"Warning: {ledger}:{n + 1}: unreadable line; the line was skipped\n")
    for fmt in ("table", "json"):
        r = invoke(*p, "reconcile", "--summary", "consensus", "--format", fmt)
        assert r.exit_code == 0
        assert r.stderr == want


def test_damaged_document_names_the_count_in_the_singular(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    import json

    path = project.documents_dir / "D01.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["unit"] = "chapter"  # one field wrong: one problem
    path.write_text(json.dumps(data), encoding="utf-8")
    r = invoke("--project", str(project.root), "diff", "--coder", "ingrid,lars")
    assert r.exit_code == ExitCode.NO_PROJECT
    assert r.stderr == (f"Error: {path}: not a valid qcode document (1 problem)\n"
                        "Hint: restore it from a backup, or ingest its transcript again: "
                        "qcode ingest FILE --id D01 --replace\n")


@pytest.mark.parametrize("module", ["qcode.reconcile.strategies", "qcode.reconcile.ledger",
                                    "qcode.reconcile.run", "qcode.reconcile.span_rows"])
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


def test_lock_files_stay_out_of_git_and_a_refused_name_makes_none(
        invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    folder = project.reconciliations_dir
    r = invoke("--project", str(project.root), "reconcile", "--coder", "ingrid,lars",
               "--as", "lars", "--strategy", "union")
    assert r.exit_code == ExitCode.USAGE
    assert not list(folder.glob(".*.lock"))
    r = invoke("--project", str(project.root), "reconcile", "--coder", "ingrid,lars",
               "--as", "consensus", "--strategy", "union")
    assert r.exit_code == 0
    assert sorted(p.name for p in folder.glob(".*.lock")) == [".consensus.lock",
                                                               ".consensus.run.lock"]
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == [".*.lock"]

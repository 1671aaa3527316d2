"""QA: ``qcode reconcile`` sentences are not broken at 80 columns when piped (scripts read
them line by line), and a consensus name that clashes with a coder gets a usable hint."""

from __future__ import annotations

from qcode.errors import ExitCode
from qcode.project import Project
from tests.test_reconcile_core import build_study


def test_result_lines_are_whole_when_piped(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    r = invoke("--project", str(project.root), "reconcile", "--coders", "ingrid,lars,maja",
               "--as", "a-rather-long-consensus-name", "--strategy", "union")
    assert r.exit_code == 0
    first = r.stdout.splitlines()[0]
    assert len(first) > 80
    assert first == ("Reconciled ingrid, lars, maja into 'a-rather-long-consensus-name' "
                     "(strategy union): 5 decisions (1 agreed, 4 union).")


def test_consensus_named_like_a_coder(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    base = ("--project", str(project.root), "reconcile", "--strategy", "union")
    r = invoke(*base, "--coders", "ingrid,lars", "--as", "lars")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: the consensus coder 'lars' cannot also be one of the coders\n"
                        "Hint: choose another name with --as, e.g. --as consensus\n")
    r = invoke(*base, "--coders", "ingrid,lars,consensus", "--as", "consensus")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: the consensus coder 'consensus' cannot also be one of the "
                        "coders\nHint: choose another name with --as, e.g. --as "
                        "consensus-merged\n")


def test_diff_table_keeps_bracketed_transcript_notes(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    """rich read "[laughs]" or "[inaudible]" in a transcript as markup and dropped it."""
    from qcode.codings import add_codes, mark_done
    from tests.coding_support import make_doc

    doc = make_doc("B1", [("Interviewer", "Was it used?"),
                          ("Respondent", "Yes [laughs] but [inaudible 00:03] rarely.")])
    project.save_document(doc)
    add_codes(project, "ann", doc, ["B1:0002"], ["ORG-MIC-01"])
    add_codes(project, "bob", doc, ["B1:0002"], ["ECO-MAC-01"])
    for c in ("ann", "bob"):
        mark_done(project, c, "B1")
    r = invoke("--project", str(project.root), "diff", "ann", "bob")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    body = lines[next(i for i, ln in enumerate(lines) if ln.startswith("┡")) + 1:
                 next(i for i, ln in enumerate(lines) if ln.startswith("└"))]
    text = " ".join(ln.split("│")[2] for ln in body)
    assert " ".join(text.split()) == "Yes [laughs] but [inaudible 00:03] rarely."

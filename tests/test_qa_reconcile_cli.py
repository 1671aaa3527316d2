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

"""QA: ``qcode agree`` after ``qcode reconcile`` compares the independent coders only.

Before the fix the default selection ("every coder who completed a document") took in the
consensus coder, whose codings are built from the others': agreement came out inflated
(on the demo study Fleiss' kappa over ingrid, lars and consensus instead of Cohen's kappa
over ingrid and lars). The consensus coder is still compared when named with --coders.
"""

from __future__ import annotations

import json

from qcode.agreement.project import agreement_for_project
from qcode.project import Project
from qcode.reconcile import reconcile
from tests.test_reconcile_core import CODERS3, build_study


def test_default_coders_leave_out_the_consensus_coder(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    before = invoke("--project", str(project.root), "agree", "--format", "json",
                    "--bootstrap", "0")
    assert before.exit_code == 0
    reconcile(project, CODERS3, "consensus", "majority", by="qa")
    after = invoke("--project", str(project.root), "agree", "--format", "json",
                   "--bootstrap", "0")
    assert after.exit_code == 0
    assert json.loads(after.stdout)["coders"] == CODERS3
    assert after.stdout == before.stdout
    assert after.stderr == ("Note: left out the consensus coder consensus (built from the "
                            "others' codings); to compare with it, name it: --coders "
                            "ingrid,consensus\n")
    named = invoke("--project", str(project.root), "agree", "--format", "json",
                   "--bootstrap", "0", "--coders", "ingrid,consensus")
    assert named.exit_code == 0 and named.stderr == ""
    assert json.loads(named.stdout)["coders"] == ["ingrid", "consensus"]


def test_library_call_reports_who_was_left_out(project: Project) -> None:
    build_study(project)
    reconcile(project, CODERS3, "consensus", "union", by="qa")
    rep = agreement_for_project(project, n_boot=0)
    assert (rep.coders, rep.left_out) == (tuple(CODERS3), ("consensus",))
    rep = agreement_for_project(project, coders=["lars", "consensus"], n_boot=0)
    assert (rep.coders, rep.left_out) == (("lars", "consensus"), ())

"""One definition of a consensus coder (qcode.reconcile.consensus), used by agree, matrix,
cooccur, report and joint alike.

Before, agree took "named by a file in reconciliations/" and matrix and report took "that,
or a log with reconciled codings": with the decision log lost (deleted, or renamed by hand),
matrix chose the consensus coder by default while agree compared it with the coders it was
built from, inflating agreement.
"""

from __future__ import annotations

from qcode.agreement.project import agreement_for_project
from qcode.counts.matrix import default_coder
from qcode.project import Project
from qcode.reconcile.consensus import consensus_coders
from qcode.reconcile.run import reconcile
from tests.builders import CODERS3, build_study


def _reconciled(project: Project) -> Project:
    build_study(project)
    reconcile(project, CODERS3, "consensus", "majority", by="qa")
    return project


def test_a_reconciliation_log_names_the_consensus_coder(project: Project) -> None:
    _reconciled(project)
    assert consensus_coders(project) == ["consensus"]
    assert default_coder(project) == "consensus"
    assert agreement_for_project(project, n_boot=0).left_out == ("consensus",)


def test_without_its_decision_log_the_consensus_coder_is_still_one(project: Project) -> None:
    _reconciled(project)
    (project.reconciliations_dir / "consensus.jsonl").unlink()
    assert consensus_coders(project) == ["consensus"]
    assert default_coder(project) == "consensus"
    result = agreement_for_project(project, n_boot=0)
    assert result.left_out == ("consensus",)
    assert list(result.coders) == CODERS3


def test_independent_coders_are_not_consensus_coders(project: Project) -> None:
    build_study(project)
    assert consensus_coders(project) == []
    assert agreement_for_project(project, n_boot=0).left_out == ()

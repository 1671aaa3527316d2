"""QA: ``qcode agree`` after ``qcode reconcile`` compares the independent coders only.

Before the fix the default selection ("every coder who completed a document") took in the
consensus coder, whose codings are built from the others': agreement came out inflated
(on the demo study Fleiss' kappa over ingrid, lars and consensus instead of Cohen's kappa
over ingrid and lars). The consensus coder is still compared when named with --coders.
"""

from __future__ import annotations

import json

from qcode.agreement.project import agreement_for_project
from qcode.errors import ExitCode
from qcode.project import Project
from qcode.reconcile.run import reconcile
from tests.builders import CODERS3, build_study


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
                            "others' codings); to compare with it, name it: --coder "
                            "ingrid,consensus\n")
    named = invoke("--project", str(project.root), "agree", "--format", "json",
                   "--bootstrap", "0", "--coder", "ingrid,consensus")
    assert named.exit_code == 0 and named.stderr == ""
    assert json.loads(named.stdout)["coders"] == ["ingrid", "consensus"]


def test_library_call_reports_who_was_left_out(project: Project) -> None:
    build_study(project)
    reconcile(project, CODERS3, "consensus", "union", by="qa")
    rep = agreement_for_project(project, n_boot=0)
    assert (rep.coders, rep.left_out) == (tuple(CODERS3), ("consensus",))
    rep = agreement_for_project(project, coders=["lars", "consensus"], n_boot=0)
    assert (rep.coders, rep.left_out) == (("lars", "consensus"), ())


def test_a_zero_coefficient_never_prints_as_minus_zero(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Conger's kappa is exactly 0 here (p_a = p_e = 1/3) but came out as -1e-17 and was
    shown as -0.000 in the table, -0.0 in JSON and CSV."""
    f = tmp_path / "r.csv"
    f.write_text("unit,coder,value\n1,A,x\n1,B,y\n1,C,x\n2,A,y\n2,B,y\n2,C,x\n",
                 encoding="utf-8")
    base = ("agree", "--ratings", str(f), "--seed", "1")
    table = invoke(*base)
    assert table.exit_code == 0
    row = next(ln for ln in table.stdout.splitlines() if "Conger" in ln)
    assert "0.000 ✗" in row and "-0.000" not in row
    data = json.loads(invoke(*base, "--format", "json").stdout)
    assert str(data["coefficients"]["conger_kappa"]["value"]) == "0.0"
    csv_out = invoke(*base, "--format", "csv").stdout
    assert "conger_kappa,0.0," in csv_out and "-0.0" not in csv_out


def test_categories_listed_twice_or_empty(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--categories x,x reported every 'y' row as outside the domain (x, x)."""
    f = tmp_path / "r.csv"
    f.write_text("unit,coder,value\n1,A,x\n1,B,y\n", encoding="utf-8")
    r = invoke("agree", "--ratings", str(f), "--categories", "x,y,x")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: --categories lists 'x' twice\n"
                        "Hint: give each category once, in order, e.g. "
                        "--categories low,mid,high\n")
    r = invoke("agree", "--ratings", str(f), "--categories", " , ")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: --categories is empty\n"
                        "Hint: give the categories in order, e.g. --categories low,mid,high\n")


def test_overall_line_has_no_trailing_space_without_intervals(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    r = invoke("--project", str(project.root), "agree", "--bootstrap", "0")
    assert r.exit_code == 0
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("All codes "))
    assert line == line.rstrip() and line.endswith(("✓", "~", "✗", "n/a"))


def test_documents_not_complete_for_every_coder_are_named(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    """They were left out silently; a researcher saw fewer documents and did not know why."""
    from qcode.coding.store import mark_done

    build_study(project)
    mark_done(project, "ingrid", "D03")
    r = invoke("--project", str(project.root), "agree", "--bootstrap", "0", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["documents"] == ["D01", "D02"]
    assert r.stderr == ("Note: not compared, not yet marked complete by every coder (who "
                        "lacks it): D03 (lars, maja)\n")
    rep = agreement_for_project(project, n_boot=0)
    assert rep.not_compared == {"D03": ("lars", "maja")}

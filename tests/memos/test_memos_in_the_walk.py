"""The reconciliation walk shows each coder's segment memo beside the disagreement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qcode.coding.store import set_memo
from qcode.project import Project
from qcode.reconcile.ask import AskSession, coder_memos
from qcode.reconcile.run import Reconciliation
from tests.builders import build_study


def test_each_coders_memo_is_shown_beside_the_disagreement(
        invoke: Callable[..., Any], project: Project) -> None:
    docs = build_study(project)
    set_memo(project, "lars", docs["D01"], "D01:0002", "funding, not steering")
    set_memo(project, "ingrid", docs["D01"], "D01:0002", "both?")
    set_memo(project, "maja", docs["D01"], "D01:0002", "not in this walk")
    r = invoke("--project", str(project.root), "reconcile", "--coder", "ingrid,lars",
               "--as", "consensus", "--strategy", "ask", "--by", "ann", input="q\n")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    at = lines.index("  memo by ingrid: both?")
    assert lines[at + 1] == "  memo by lars: funding, not steering"
    assert "not in this walk" not in r.stdout
    assert any(line.startswith("Disagreement 1 of ") and "D01:0002" in line
               for line in lines[:at])


def test_the_screen_carries_the_memos_in_the_coders_order(project: Project) -> None:
    docs = build_study(project)
    set_memo(project, "lars", docs["D01"], "D01:0002", "l")
    set_memo(project, "ingrid", docs["D01"], "D01:0002", "i")
    run = Reconciliation(project, ["lars", "ingrid"], "consensus", strategy="union")
    try:
        run.start()
        queue = [p for p in run.queue if p.unit.key == ("D01", "D01:0002")]
        session = AskSession(queue, ["lars", "ingrid"], memos=coder_memos(run.plan.states))
        assert session.screen().memos == (("lars", "l"), ("ingrid", "i"))
        assert AskSession(queue, ["lars", "ingrid"]).screen().memos == ()
    finally:
        run.finish()

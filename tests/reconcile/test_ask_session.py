"""The ask walk: the pure state machine, and an interrupted and resumed session that ends
with the same consensus as an uninterrupted one."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding.store import completed_documents
from qcode.project import Project, init_project
from qcode.reconcile.ask import AskSession
from qcode.reconcile.ledger import read_ledger
from qcode.reconcile.run import Reconciliation
from tests.builders import CODERS3, build_study, consensus

# One answer (choice line, rationale line) per disagreement, in queue order:
# D01:0002, D01:0005, D02:0002 (deferred), D02:0003; then the deferred one comes back.
ANSWERS = [("1", "ingrid saw the funding point"), ("p GOV-MES-01", ""), ("d", "ask Kari"),
           ("i", "")]
DEFERRED = [("u", "both readings hold")]


def _lines(answers: list[tuple[str, str]]) -> str:
    return "".join(f"{choice}\n{why}\n" for choice, why in answers)


def _walk(invoke, project: Project, text: str):  # type: ignore[no-untyped-def]
    return invoke("--project", str(project.root), "reconcile", "--coders", "ingrid,lars,maja",
                  "--as", "consensus", "--strategy", "ask", "--by", "ann", input=text)


def _decided(project: Project) -> list[tuple[str, str, tuple[str, ...], str | None]]:
    ledger = read_ledger(project, "consensus")
    return [(d.segment, d.outcome, d.chosen, d.rationale) for d in ledger.live()]


def test_interrupted_and_resumed_session_equals_an_uninterrupted_one(
        invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    straight = init_project(tmp_path / "straight")
    build_study(straight)
    assert _walk(invoke, straight, _lines(ANSWERS)).exit_code == 0
    assert _walk(invoke, straight, _lines(DEFERRED)).exit_code == 0

    broken = init_project(tmp_path / "broken")
    build_study(broken)
    first = _walk(invoke, broken, _lines(ANSWERS[:1]) + "q\n")
    assert first.exit_code == 0
    assert "3 disagreements left (0 deferred): run the same command again to continue." \
        in first.stdout
    # the second session ends mid-rationale (end of input): that choice is not saved
    second = _walk(invoke, broken, _lines(ANSWERS[1:3]) + "i\n")
    assert second.exit_code == 0
    assert "Disagreement 1 of 3: D01:0005" in second.stdout
    assert "2 disagreements left (1 deferred)" in second.stdout
    third = _walk(invoke, broken, _lines(DEFERRED) + _lines(ANSWERS[3:]))
    assert third.exit_code == 0
    assert "Disagreement 1 of 2: D02:0002" in third.stdout  # the deferred one is back
    assert "(deferred earlier)" in third.stdout

    assert consensus(broken) == consensus(straight) == {
        "D01:0002": {"GOV-MAC-01", "ECO-MAC-01"}, "D01:0003": {"ECO-MIC-02"},
        "D01:0005": {"GOV-MES-01"}, "D02:0002": {"ORG-MIC-01", "ECO-MIC-03"}}
    assert sorted(_decided(broken)) == sorted(_decided(straight))
    assert completed_documents(broken, "consensus") == {"D01", "D02"}
    assert completed_documents(straight, "consensus") == {"D01", "D02"}
    d = {x.segment: x for x in read_ledger(broken, "consensus").live()}
    assert (d["D01:0002"].outcome, d["D01:0002"].accepted, d["D01:0002"].by) == (
        "accept", "ingrid", "ann")
    assert d["D01:0005"].outcome == "manual"


def test_require_rationale_refuses_an_empty_one(invoke, project: Project) -> None:  # type: ignore[no-untyped-def]
    build_study(project)
    result = invoke("--project", str(project.root), "reconcile", "--coders", "ingrid,lars",
                    "--as", "consensus", "--strategy", "ask", "--require-rationale",
                    input="u\n\nbecause\nq\n")
    assert result.exit_code == 0
    assert "a rationale is required (--require-rationale): type one, or < to go back" \
        in result.stdout
    [dec] = [d for d in read_ledger(project, "consensus").decisions if d.outcome == "union"]
    assert dec.rationale == "because"


@pytest.fixture
def session(project: Project) -> AskSession:
    build_study(project)
    run = Reconciliation(project, CODERS3, "consensus", "ask")
    return AskSession(run.queue, CODERS3, project.codebook)


def test_state_machine_choices(session: AskSession) -> None:
    screen = session.screen()
    assert (screen.index, screen.total, screen.pending.unit.segment_id) == (1, 4, "D01:0002")
    assert [(r.number, r.code, r.given_by) for r in screen.rows] == [
        (1, "GOV-MAC-01", (True, True, True)), (2, "ECO-MAC-01", (True, False, True))]
    assert session.feed("9").message == "there are 3 coders: type 1 to 3"
    assert session.feed("zz").message == "'zz' is not a choice; type ? for help"
    assert session.feed("p 7").message == ("there is no code number 7 in the list "
                                           "(numbers run from 1 to 2)")
    assert session.feed("p").message.startswith("name the codes after p")
    assert session.feed("p reimbursment").message.startswith("unknown code 'reimbursment'")
    assert session.feed("p 2").choice is None  # now the rationale
    assert session.prompt().startswith("Rationale (Enter to skip")
    back = session.feed("<")
    assert back.show and session.stage == "choose" and session.position == 0
    session.feed("p Reimbursement and activity-based financing rules")
    step = session.feed("funding")
    assert step.choice is not None
    assert (step.choice.outcome, step.choice.chosen, step.rationale) == (
        "manual", frozenset({"ECO-MAC-01"}), "funding")
    assert session.position == 1
    session.feed("2")
    step = session.feed("")
    assert (step.choice.outcome, step.choice.accepted, step.rationale) == ("accept", "lars",
                                                                            None)
    session.feed("p -")
    assert session.feed("").choice.chosen == frozenset()
    session.feed("d")
    step = session.feed("")
    assert step.choice.outcome == "deferred" and session.finished and not step.show
    assert session.feed("u").quit


def test_end_of_input_quits(session: AskSession) -> None:
    assert session.feed(None).quit
    session.feed("u")
    assert session.feed(None).quit and session.position == 0

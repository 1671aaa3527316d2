"""The interactive coding session: scripted over stdin through the CLI, and the state machine."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from qcode.coding import store as codings
from qcode.coding.session import Session, resolve_segments
from qcode.coding.suggest import Matcher
from qcode.errors import ExitCode, NotFoundError, UsageError
from qcode.project import Project
from tests.builders import interview, numbered_doc


@pytest.fixture
def coded_project(project: Project) -> Project:
    project.save_document(interview("T01"))
    return project


def _id(project: Project, name: str) -> str:
    return next(c.id for c in project.codebook.codes if c.name == name)


def test_scripted_session_codes_a_whole_document_and_resumes(
        coded_project: Project, invoke: Callable[..., object]) -> None:
    p = coded_project
    doc = p.load_document("T01")
    rha = _id(p, "Regional health authority steering and priorities")
    champions = _id(p, "Local champions and enthusiasts")
    budget = _id(p, "Budget constraints and competing priorities")
    national = [c for c in p.codebook.codes if "national" in c.name.casefold()]
    seg2 = doc.segments[1]
    first_suggestion = next(c for c, s, _ in Matcher(p.codebook).code_scores(
        doc.text[seg2.start:seg2.end]) if s >= 50)
    assert first_suggestion == rha  # keywords: regional health authorit, oppdragsdokument...
    script = "\n".join([
        "",                   # T01:0001 (interviewer): next
        rha,                  # T01:0002: a code id
        "1",                  # suggestion 1 is rha: already there
        "2",                  # numbers are stable: 2 is still the second suggestion
        "national",           # ambiguous name: asks
        "2",                  # ... the second choice
        f"-{rha}",            # remove
        "u",                  # undo the removal
        "m the RHF steers through the assignment letter",
        "n", "n",             # to T01:0004
        "q",
    ]) + "\n"
    r = invoke("--project", str(p.root), "code", "T01", "--coder", "ingrid", input=script)
    assert r.exit_code == 0, r.output
    assert "'national' matches several codes:" in r.stdout
    for n, c in enumerate(national[:3], start=1):
        assert f"  {n}. {c.id}  {c.name}" in r.stdout
    assert "Undone: removed " + rha + " on T01:0002." in r.stdout
    assert f"{rha} is already on this segment." in r.stdout
    assert f"suggest: 1={rha} (" in r.stdout and ", on)  2=" in r.stdout
    assert r.stdout.rstrip().endswith("Saved. Resume with: qcode code T01 --coder ingrid")
    st = codings.load_state(p, "ingrid")
    second = next(c for c, s, _ in Matcher(p.codebook).code_scores(
        doc.text[seg2.start:seg2.end]) if s >= 50 and c != rha)
    assert set(st.codes_on("T01", "T01:0002")) == {rha, second, national[1].id}
    assert st.memo_on("T01", "T01:0002") == "the RHF steers through the assignment letter"
    assert "T01" not in st.done

    # resume: the session starts on T01:0004, where the coder quit
    script2 = "\n".join(["budgt constraints", "n", "n", "local champions", "", "y"]) + "\n"
    r = invoke("--project", str(p.root), "code", "T01", "--coder", "ingrid", input=script2)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("== T01 4/6 T01:0004  Respondent  0:00:30\n")
    assert "mark T01 complete? [y/n]" in r.stdout
    assert "Marked T01 complete for ingrid (3 of 6 segments coded)." in r.stdout
    st = codings.load_state(p, "ingrid")
    assert st.codes_on("T01", "T01:0004") == [budget]
    assert st.codes_on("T01", "T01:0006") == [champions]
    assert st.done == {"T01"}
    assert codings.coder_names(p) == ["ingrid"]  # blind: nothing written for anyone else


def test_session_shows_only_the_coders_own_codes(coded_project: Project) -> None:
    doc = coded_project.load_document("T01")
    codings.add_codes(coded_project, "lars", doc, ["T01:0002"], ["GOV-MAC-01"])
    s = Session(coded_project, doc, "ingrid")
    s.handle("g 2")
    assert s.view().codes == ()
    s.handle("GOV-MAC-03")
    assert [c for c, _ in s.view().codes] == ["GOV-MAC-03"]


def test_session_sees_writes_from_another_terminal(coded_project: Project) -> None:
    doc = coded_project.load_document("T01")
    s = Session(coded_project, doc, "ingrid")
    s.handle("GOV-MAC-01")
    codings.add_codes(coded_project, "ingrid", doc, ["T01:0001"], ["ECO-MAC-01"])
    reply = s.handle("GOV-MAC-02")
    assert [c for c, _ in reply.view.codes] == ["GOV-MAC-01", "ECO-MAC-01", "GOV-MAC-02"]
    assert codings.load_state(coded_project, "ingrid").codes_on("T01", "T01:0001") == [
        "GOV-MAC-01", "ECO-MAC-01", "GOV-MAC-02"]


def test_session_errors_are_messages_not_exits(coded_project: Project) -> None:
    doc = coded_project.load_document("T01")
    s = Session(coded_project, doc, "ingrid")
    r = s.handle("zzzqqq")
    assert r.error and r.messages == ["no code matches 'zzzqqq' (c lists the codes; ? helps)"]
    assert s.handle("7").messages[0].startswith("there is no suggestion 7 here")
    assert s.handle("g T01:0099").messages == [
        "no segment T01:0099 in document T01 (segments run from T01:0001 to T01:0006)"]
    assert s.handle("p").messages == ["This is the first segment."]
    assert s.handle("u").messages == ["Nothing to undo."]
    other = numbered_doc("D02", 2)
    codings.add_codes(coded_project, "ingrid", other, ["D02:0001"], ["GOV-MAC-01"])
    r = s.handle("u")
    assert r.error and r.messages[0].startswith(
        "your last action was on document D02, not T01; nothing was undone")
    assert s.handle("-GOV-MAC-01").messages == ["No codes on this segment."]


def test_skip_interviewer_and_several_codes_at_once(coded_project: Project) -> None:
    doc = coded_project.load_document("T01")
    s = Session(coded_project, doc, "lars", skip_interviewer=True)
    assert s.current.id == "T01:0002"
    s.handle("GOV-MAC-02, ECO-MAC-01")
    s.handle("n")
    assert s.current.id == "T01:0004"
    s.handle("GOV-MAC-05 ECO-MIC-03")
    st = codings.load_state(coded_project, "lars")
    assert st.codes_on("T01", "T01:0002") == ["GOV-MAC-02", "ECO-MAC-01"]
    assert st.codes_on("T01", "T01:0004") == ["GOV-MAC-05", "ECO-MIC-03"]
    # one input is one action: undo takes both codes off
    s.handle("u")
    assert codings.load_state(coded_project, "lars").codes_on("T01", "T01:0004") == []


def test_resolve_segments() -> None:
    doc = numbered_doc("D01", 12)
    assert resolve_segments(doc, ["D01:0003-0005", "7", "D01:0011-D01:0012", "3"]) == [
        "D01:0003", "D01:0004", "D01:0005", "D01:0007", "D01:0011", "D01:0012"]
    with pytest.raises(NotFoundError, match="no segment D01:0013 in document D01"):
        resolve_segments(doc, ["10-13"])
    with pytest.raises(UsageError, match="'D02:0001' is not a segment of D01"):
        resolve_segments(doc, ["D02:0001"])
    with pytest.raises(UsageError, match="the range '5-3' runs backwards"):
        resolve_segments(doc, ["5-3"])


def test_code_command_refuses_unknown_document(coded_project: Project,
                                               invoke: Callable[..., object]) -> None:
    r = invoke("--project", str(coded_project.root), "code", "T02", "--coder", "ingrid",
               input="q\n")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr.startswith("Error: no document 'T02' in this project\n")

"""New codes while coding, proposals for review, retired codes no longer offered, and the
re-assignment of a split code's codings (issue 16, items 1 and 2)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from qcode.codebook.history import code_map, read_history
from qcode.codebook.load import load
from qcode.coding import store as codings
from qcode.coding.new_code import wants_new
from qcode.coding.session import Session
from qcode.coding.suggest import Matcher
from qcode.errors import NotFoundError
from qcode.models import Code, Codebook, Theme
from qcode.project import Project
from tests.builders import interview


@pytest.fixture
def study(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    project.save_document(interview("T01"))
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("USER", "lead")
    return project


def reserve(project: Project, *editors: str) -> None:
    toml = project.root / "qcode.toml"
    names = ", ".join(f'"{e}"' for e in editors)
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[codebook]\neditors = [{names}]\n",
                    encoding="utf-8")


def test_a_new_code_is_created_and_applied_on_the_spot(study: Project) -> None:
    s = Session(study, study.load_document("T01"), "ana")
    s.handle("n")
    r = s.handle("+ Staff felt watched")
    assert (r.messages, r.prompt) == ([], "theme for 'Staff felt watched'? (GOV, ORG, ECO; "
                                          "Enter cancels)> ")
    r = s.handle("organizational and professional")  # a theme by name
    assert r.prompt == "level for 'Staff felt watched'? (micro, meso, macro; Enter cancels)> "
    r = s.handle("micro")
    assert r.messages == ["New code ORG-MIC-08 'Staff felt watched' (ORG x micro) added to the "
                          "codebook.", "+ ORG-MIC-08 Staff felt watched"]
    assert r.view is not None and r.view.codes == (("ORG-MIC-08", "Staff felt watched"),)
    assert load(study.codebook_path).code("ORG-MIC-08") is not None
    (event,) = read_history(study.root).events
    assert (event["op"], event["by"]) == ("add", "ana")
    assert codings.load_state(study, "ana").codes_on("T01", "T01:0002") == ["ORG-MIC-08"]


def test_a_near_duplicate_asks_before_a_new_code_is_made(study: Project) -> None:
    s = Session(study, study.load_document("T01"), "ana")
    s.handle("n")
    r = s.handle("new National strategy")
    assert r.prompt == ("close to 'National strategy and policy direction' (GOV-MAC-01); use "
                        "it? [y/N]> ")
    r = s.handle("y")
    assert r.messages == ["+ GOV-MAC-01 National strategy and policy direction"]
    assert not (study.root / "codebook.log.jsonl").exists()
    r = s.handle("+ National strategy")
    r = s.handle("")  # No: go on making a new code
    assert r.prompt.startswith("theme for 'National strategy'?")
    r = s.handle("")  # Enter cancels
    assert (r.messages, s.mode) == (["Cancelled; no code was created."], "code")
    assert not (study.root / "codebook.log.jsonl").exists()


def test_an_unknown_theme_is_asked_again(study: Project) -> None:
    s = Session(study, study.load_document("T01"), "ana")
    s.handle("+ Staff felt watched")
    r = s.handle("GOVV")
    assert r.messages == ["unknown theme 'GOVV'; did you mean 'GOV'?"]
    assert r.prompt.startswith("theme for 'Staff felt watched'?")


def test_others_new_codes_are_proposals_usable_by_their_proposer(
        study: Project, invoke: Callable[..., object]) -> None:
    reserve(study, "lead")
    before = study.codebook_path.read_bytes()
    s = Session(study, study.load_document("T01"), "ana")
    s.handle("n")
    s.handle("+ Staff felt watched")
    s.handle("ORG")
    r = s.handle("micro")
    (event,) = read_history(study.root).events
    assert r.messages[0] == (f"Proposed new code ORG-MIC-08 'Staff felt watched' (ORG x micro) "
                             f"for review (proposal {event['id']}): you can use it meanwhile.")
    assert study.codebook_path.read_bytes() == before
    # ana is offered it in a new session; ben is not
    assert Session(study, study.load_document("T01"), "ana")._find("Staff felt watched")
    with pytest.raises(NotFoundError):
        Session(study, study.load_document("T01"), "ben")._find("ORG-MIC-08")

    r = invoke("codebook", "review")
    assert r.stdout.startswith(f"{event['id']}  ORG-MIC-08  'Staff felt watched'  (ORG x "
                               f"micro)  by ana ")
    assert json.loads(invoke("codebook", "review", "-f", "json").stdout)["proposals"][0][
        "code"] == "ORG-MIC-08"
    matrix = ["matrix", "--rows", "code", "--cols", "document", "--count", "codings",
              "--coder", "ana", "--format", "json"]
    left = invoke(*matrix)
    assert "left out 1 coding by ana" in left.stderr  # not in the codebook yet: named

    r = invoke("codebook", "review", "--accept", event["id"][:6])
    assert r.stdout == (f"Accepted proposal {event['id']}: added ORG-MIC-08 'Staff felt "
                        f"watched'.\n")
    assert load(study.codebook_path).code("ORG-MIC-08") is not None
    assert code_map(study.root).proposed == {}
    data = json.loads(invoke(*matrix).stdout)
    assert dict(zip(data["row_labels"], data["row_totals"], strict=True))["ORG-MIC-08"] == 1


def test_a_proposal_merged_into_a_code_takes_its_codings_along(
        study: Project, invoke: Callable[..., object]) -> None:
    reserve(study, "lead")
    s = Session(study, study.load_document("T01"), "ana")
    s.handle("n")
    for line in ("+ Steering letters", "", "GOV", "macro"):
        s.handle(line)
    (event,) = read_history(study.root).events
    r = invoke("codebook", "review", "--merge", event["id"], "--into", "GOV-MAC-02")
    assert r.stdout == f"Merged proposal {event['id']} (GOV-MAC-06) into GOV-MAC-02.\n"
    r = invoke("report", "--coder", "ana", "--format", "csv")
    assert [line.split(",")[2] for line in r.stdout.splitlines()[1:]] == ["GOV-MAC-02"]
    assert r.stderr == ""


def test_only_editors_change_the_codebook(study: Project,
                                          invoke: Callable[..., object],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    reserve(study, "lead", "kari")
    monkeypatch.setenv("USER", "ben")
    r = invoke("codebook", "rename", "GOV-MAC-01", "--name", "Strategy")
    assert (r.exit_code, r.stderr) == (2, (
        "Error: ben may not change the codebook (qcode.toml [codebook] editors: lead, kari)\n"
        "Hint: propose a new code instead (qcode codebook add), or ask lead to make the "
        "change\n"))
    r = invoke("codebook", "add", "Waiting lists", "--theme", "ECO", "--level", "meso")
    assert r.exit_code == 0
    assert r.stdout.startswith("Proposed ECO-MES-05 'Waiting lists' (ECO x meso) [proposal ")
    r = invoke("codebook", "review", "--reject", "x")
    assert r.exit_code == 2 and r.stderr.startswith("Error: ben may not change the codebook")


def test_retired_codes_are_not_offered_or_suggested(study: Project,
                                                    invoke: Callable[..., object]) -> None:
    assert invoke("codebook", "retire", "GOV-MAC-02").exit_code == 0
    s = Session(study, study.load_document("T01"), "ana")
    with pytest.raises(NotFoundError):
        s._find("GOV-MAC-02")
    doc = study.load_document("T01")
    seg = doc.segments[1]
    cb = load(study.codebook_path)
    assert "GOV-MAC-02" not in [c for c, _s, _k in Matcher(cb).code_scores(
        doc.text[seg.start:seg.end])]
    r = invoke("suggest", "T01", "--format", "json")
    assert "GOV-MAC-02" not in r.stdout


def test_recode_walks_a_split_codes_codings(study: Project,
                                            invoke: Callable[..., object]) -> None:
    doc = study.load_document("T01")
    codings.add_codes(study, "ana", doc, ["T01:0002", "T01:0004", "T01:0006"], ["GOV-MAC-02"])
    assert invoke("codebook", "split", "GOV-MAC-02", "--into", "Targets,Follow-up").exit_code \
        == 0
    r = invoke("matrix", "--coder", "ana")
    assert r.stderr == ("Warning: 3 codings by ana of GOV-MAC-02, which was split, still count "
                        "as GOV-MAC-02 until re-assigned: qcode code DOC --coder ana --recode "
                        "GOV-MAC-02\n")
    r = invoke("code", "T01", "--coder", "ana", "--recode", "GOV-MAC-02", input="1\n1,2\n")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[2] == "GOV-MAC-02 was split: 1=GOV-MAC-06 (Targets)  2=GOV-MAC-07 (Follow-up)"
    assert "T01:0004: GOV-MAC-02 -> GOV-MAC-06, GOV-MAC-07" in lines
    assert lines[-2:] == ["Re-assigned 2 of 3 codings of GOV-MAC-02 in T01.",
                          "1 left as GOV-MAC-02: run this again to finish them."]
    st = codings.load_state(study, "ana")
    assert {seg: set(c) for (_d, seg), c in st.codes.items() if c} == {
        "T01:0002": {"GOV-MAC-06"}, "T01:0004": {"GOV-MAC-06", "GOV-MAC-07"},
        "T01:0006": {"GOV-MAC-02"}}
    r = invoke("code", "T01", "--coder", "ana", "--recode", "GOV-MAC-02", input="2\n")
    assert r.stdout.splitlines()[-1] == "Re-assigned 1 of 1 coding of GOV-MAC-02 in T01."
    assert invoke("matrix", "--coder", "ana").stderr == ""
    r = invoke("code", "T01", "--coder", "ana", "--recode", "GOV-MAC-03")
    assert (r.exit_code, r.stderr) == (2, (
        "Error: GOV-MAC-03 was not split, so there is nothing to re-assign\n"
        "Hint: codes split: GOV-MAC-02; split one with: qcode codebook split CODE --into "
        "B,C\n"))


def test_new_asks_for_a_new_code_only_when_no_name_holds_the_words() -> None:
    cb = Codebook(themes=(Theme(id="T", name="T"),),
                  codes=(Code(id="T1", name="New ways of working", theme="T"),))
    assert wants_new("+ Staff felt watched", cb)
    assert wants_new("new Staff felt watched", cb)
    assert not wants_new("new ways", cb)  # a code's name: found as usual
    assert not wants_new("T1", cb)

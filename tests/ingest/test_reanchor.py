"""Re-anchoring codings when a corrected transcript replaces a document."""

from __future__ import annotations

from rapidfuzz import fuzz

from qcode.coding import store as codings
from qcode.ingest.reanchor import locate, reanchor_project
from qcode.project import Project
from tests.builders import INTERVIEW, interview, make_doc


def _corrected():
    turns = [("Interviewer", "Thank you for coming, let us begin."), *INTERVIEW]
    # turn 4 (now 5): a transcription fix; turn 6 (now 7): rewritten completely
    turns[4] = ("Respondent", turns[4][1].replace("Honestly, nobody knew", "Honestly nobody "
                                                   "knew").replace("lower", "lower still"))
    turns[6] = ("Respondent", "I would rather not say more about that part.")
    return make_doc("T01", turns)


def test_reanchor_reports_moved_reanchored_orphaned_and_drops_nothing(project: Project) -> None:
    old, new = interview("T01"), _corrected()
    project.save_document(old)
    codings.add_codes(project, "ingrid", old, ["T01:0002"], ["GOV-MAC-02"], memo="RHF")
    codings.add_codes(project, "ingrid", old, ["T01:0004"], ["ECO-MIC-03", "ECO-MAC-01"])
    codings.add_codes(project, "lars", old, ["T01:0006"], ["GOV-MES-01"])
    codings.add_codes(project, "lars", old, ["T01:0001"], ["GOV-MAC-01"])
    project.save_document(new)
    report = reanchor_project(project, old, new)
    sim = fuzz.ratio(old.segment_text(old.segment("T01:0004")),
                     new.segment_text(new.segment("T01:0005")))
    assert 80 <= sim < 100
    assert report.counts() == {"unchanged": 0, "moved": 3, "reanchored": 2, "orphaned": 1}
    assert report.lines() == [
        "Re-anchoring T01: 0 unchanged, 3 moved, 2 re-anchored, 1 orphaned.",
        "  moved       ingrid GOV-MAC-02: T01:0002 -> T01:0003",
        f"  re-anchored ingrid ECO-MAC-01: T01:0004 -> T01:0005 (similarity {sim:.0f})",
        f"  re-anchored ingrid ECO-MIC-03: T01:0004 -> T01:0005 (similarity {sim:.0f})",
        "  moved       ingrid memo: T01:0002 -> T01:0003",
        "  moved       lars GOV-MAC-01: T01:0001 -> T01:0002",
        "  orphaned    lars GOV-MES-01: T01:0006 (kept as it was; its quote is no longer in "
        "the transcript: place it by hand)"]
    ing = codings.load_state(project, "ingrid")
    assert ing.codes_on("T01", "T01:0003") == ["GOV-MAC-02"]
    assert ing.memo_on("T01", "T01:0003") == "RHF" and ing.memo_on("T01", "T01:0002") is None
    assert sorted(ing.codes_on("T01", "T01:0005")) == ["ECO-MAC-01", "ECO-MIC-03"]
    moved = ing.codes[("T01", "T01:0005")]["ECO-MIC-03"]
    seg = new.segment("T01:0005")
    assert (moved["start"], moved["end"], moved["quote"]) == (seg.start, seg.end,
                                                              new.segment_text(seg))
    lars = codings.load_state(project, "lars")
    assert lars.codes_on("T01", "T01:0006") == ["GOV-MES-01"]  # orphaned: kept, not dropped
    assert lars.codes_on("T01", "T01:0002") == ["GOV-MAC-01"]
    assert lars.codes_on("T01", "T01:0001") == []
    # running it again on identical documents changes nothing
    again = reanchor_project(project, new, new)
    assert again.counts()["moved"] == again.counts()["reanchored"] == 0
    # the re-anchoring is one action per coder: undo puts it back
    codings.undo(project, "ingrid")
    assert codings.load_state(project, "ingrid").codes_on("T01", "T01:0002") == ["GOV-MAC-02"]


def test_locate_prefers_the_occurrence_nearest_the_old_place() -> None:
    doc = make_doc("D", [("A", "yes."), ("B", "something else"), ("A", "yes.")])
    assert locate(doc, "yes.", 0)[0] == "D:0001"
    assert locate(doc, "yes.", 30)[0] == "D:0003"
    assert locate(doc, "completely different words here", 0) is None


def test_reanchoring_a_document_onto_itself_recovers_an_interrupted_run(
        project: Project) -> None:
    old, new = interview("T01"), _corrected()
    codings.add_codes(project, "ingrid", old, ["T01:0002"], ["GOV-MAC-02"])
    project.save_document(new)  # replaced, but the re-anchoring never ran
    report = reanchor_project(project, new, new)  # the quotes in the log are enough
    assert report.lines() == [
        "Re-anchoring T01: 0 unchanged, 1 moved, 0 re-anchored, 0 orphaned.",
        "  moved       ingrid GOV-MAC-02: T01:0002 -> T01:0003"]
    assert codings.load_state(project, "ingrid").codes_on("T01", "T01:0003") == ["GOV-MAC-02"]
    assert reanchor_project(project, new, new).counts()["unchanged"] == 1

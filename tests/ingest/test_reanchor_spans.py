"""Re-anchoring span codings (part of a segment, or across segments) after a replace."""

from __future__ import annotations

from qcode.coding import store as codings
from qcode.ingest.reanchor import reanchor_project
from qcode.models import Document
from qcode.project import Project
from tests.builders import INTERVIEW, interview, make_doc


def _at(doc: Document, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


def _spans(project: Project, coder: str) -> list[tuple[str, str, int, int, str]]:
    return [(c.segment, c.code, c.start, c.end, c.quote)
            for c in codings.load_state(project, coder).codings()]


def _corrected() -> Document:
    turns = [("Interviewer", "Thank you for coming, let us begin."), *INTERVIEW]
    # turn 2 (now 3) kept word for word; turn 4 (now 5) corrected; turn 6 (now 7) rewritten
    turns[4] = ("Respondent", turns[4][1].replace("video consultation", "video consultaton"))
    turns[6] = ("Respondent", "I would rather not say more about that part.")
    return make_doc("T01", turns)


def test_spans_move_by_their_words_and_are_orphaned_never_widened(project: Project) -> None:
    old, new = interview("T01"), _corrected()
    project.save_document(old)
    target = _at(old, "sets the target in the oppdragsdokument")
    video = _at(old, "register a video consultation")
    budget = _at(old, "the budget cuts")
    codings.add_span(project, "ingrid", old, *target, ["GOV-MAC-02"])
    codings.add_span(project, "ingrid", old, *video, ["ECO-MIC-03"])
    codings.add_span(project, "lars", old, *budget, ["ECO-MAC-01"])
    codings.add_codes(project, "lars", old, ["T01:0002"], ["GOV-MAC-01"])  # a whole segment
    project.save_document(new)
    report = reanchor_project(project, old, new)
    new_target = _at(new, "sets the target in the oppdragsdokument")
    new_video = _at(new, "register a video consultaton")
    assert report.counts() == {"unchanged": 0, "moved": 2, "reanchored": 1, "orphaned": 1}
    score = next(p.score for p in report.placements if p.outcome == "reanchored")
    assert 90 <= score < 100
    assert report.lines() == [
        "Re-anchoring T01: 0 unchanged, 2 moved, 1 re-anchored, 1 orphaned.",
        f"  moved       ingrid GOV-MAC-02: T01:0002 {target[0]}-{target[1]} -> "
        f"T01:0003 {new_target[0]}-{new_target[1]}",
        f"  re-anchored ingrid ECO-MIC-03: T01:0004 {video[0]}-{video[1]} -> "
        f"T01:0005 {new_video[0]}-{new_video[1]} (similarity {score:.0f})",
        "  moved       lars GOV-MAC-01: T01:0002 -> T01:0003",
        f"  orphaned    lars ECO-MAC-01: T01:0006 {budget[0]}-{budget[1]} (kept as it was; "
        "its quote is no longer in the transcript: place it by hand)"]
    assert _spans(project, "ingrid") == [
        ("T01:0003", "GOV-MAC-02", *new_target, "sets the target in the oppdragsdokument"),
        ("T01:0005", "ECO-MIC-03", *new_video, "register a video consultaton")]
    lars = _spans(project, "lars")
    seg = new.segment("T01:0003")
    assert seg is not None
    assert lars == [("T01:0003", "GOV-MAC-01", seg.start, seg.end, new.segment_text(seg)),
                    ("T01:0006", "ECO-MAC-01", *budget, "the budget cuts")]  # kept as it was
    json = report.as_json()["placements"]
    assert json[0] == {"coder": "ingrid", "code": "GOV-MAC-02", "old_segment": "T01:0002",
                       "new_segment": "T01:0003", "outcome": "moved", "score": 100.0,
                       "old_span": list(target), "new_span": list(new_target)}
    assert "old_span" not in json[2]  # a whole segment: no offsets to report
    assert json[3]["new_span"] is None and json[3]["outcome"] == "orphaned"
    # once more on the same text: every span is where it was
    again = reanchor_project(project, new, new)
    assert again.counts() == {"unchanged": 3, "moved": 0, "reanchored": 0, "orphaned": 1}
    # one action per coder: undo puts ingrid's spans back where they were
    codings.undo(project, "ingrid")
    assert [s[2:4] for s in _spans(project, "ingrid")] == [target, video]


def test_the_occurrence_nearest_the_old_place_is_taken(project: Project) -> None:
    turns = [("A", "yes, the video room"), ("B", "other words entirely"),
             ("A", "again yes, the video room")]
    old = make_doc("D", turns)
    project.save_document(old)
    second = old.text.rindex("the video room")
    codings.add_span(project, "ana", old, second, second + 14, ["GOV-MAC-01"])
    new = make_doc("D", [("A", "yes, the video room"), ("B", "other words, entirely"),
                         ("A", "again yes, the video room")])
    project.save_document(new)
    report = reanchor_project(project, old, new)
    at = new.text.rindex("the video room")
    assert report.counts()["moved"] == 1
    assert _spans(project, "ana") == [("D:0003", "GOV-MAC-01", at, at + 14, "the video room")]


def test_a_span_across_segments_moves_with_its_segments(project: Project) -> None:
    old = make_doc("D", [("A", "first turn ends here"), ("B", "second turn starts here")])
    project.save_document(old)
    start, end = old.text.index("ends here"), old.text.index(" starts")
    codings.add_span(project, "ana", old, start, end, ["GOV-MAC-01"])
    assert codings.load_state(project, "ana").codes_on("D", "D:0002") == ["GOV-MAC-01"]
    new = make_doc("D", [("Q", "a new first turn"), ("A", "first turn ends here"),
                         ("B", "second turn starts here")])
    project.save_document(new)
    report = reanchor_project(project, old, new)
    assert report.counts()["moved"] == 1
    st = codings.load_state(project, "ana")
    (c,) = st.codings()
    assert (c.segment, c.quote) == ("D:0002", old.text[start:end])
    assert st.codes_on("D", "D:0003") == ["GOV-MAC-01"]  # still touches the next turn
    assert st.codes_on("D", "D:0001") == []


def test_a_span_that_would_leave_the_segments_is_orphaned(project: Project) -> None:
    old = make_doc("D", [("A", "we tried the video clinic"), ("B", "and then it stopped")])
    project.save_document(old)
    start = old.text.index("video clinic")
    codings.add_span(project, "ana", old, start, start + 12, ["GOV-MAC-01"])
    # the words now lie across the blank line between two turns: not inside a segment
    new = make_doc("D", [("A", "we tried the video"), ("B", "clinic and then it stopped")])
    project.save_document(new)
    report = reanchor_project(project, old, new)
    assert report.counts() == {"unchanged": 0, "moved": 0, "reanchored": 0, "orphaned": 1}
    assert _spans(project, "ana") == [("D:0001", "GOV-MAC-01", start, start + 12,
                                       "video clinic")]

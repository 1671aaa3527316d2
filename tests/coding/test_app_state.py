"""The coding app's state machine without the app: selection, filter, undo/redo, resume."""

from __future__ import annotations

import json
from pathlib import Path

from qcode.coding import store as codings
from qcode.coding.app_state import AppState
from qcode.coding.session import Session
from qcode.project import Project, init_project
from tests.builders import interview, make_doc


def _project(tmp_path: Path) -> Project:
    project = init_project(tmp_path / "study")
    project.save_document(interview("T01"))
    return project


def test_filter_puts_names_starting_with_the_query_first(tmp_path: Path) -> None:
    st = _state(tmp_path)
    names = [c.name for c in st.filter_codes("budget")]
    assert names[0] == "Budget constraints and competing priorities"
    assert "Misaligned incentives across budgets" in names
    assert [c.id for c in st.filter_codes("")] == [
        c.id for c in st.codebook.codes if not c.retired]
    assert st.filter_codes("zzzzqqq") == []


def _state(tmp_path: Path, coder: str = "ana") -> AppState:
    project = _project(tmp_path)
    return AppState(project, project.load_document("T01"), coder)


def test_words_sentences_and_turns(tmp_path: Path) -> None:
    project = init_project(tmp_path / "study")
    project.save_document(make_doc("S01", [("Respondent", "First one here. Second one, "
                                            "longer! Third?"), ("Interviewer", "Next.")]))
    st = AppState(project, project.load_document("S01"), "ana")
    text = st.doc.text
    st.word(1)
    st.word(1)
    assert text[st.cursor:].startswith("here.")
    st.select_sentence()
    assert text[slice(*st.selection or (0, 0))] == "First one here."
    st.word(1)
    st.word(1, extend=True)
    st.word(1, extend=True)
    assert text[slice(*st.selection or (0, 0))] == "Second one,"
    st.select_sentence()
    assert text[slice(*st.selection or (0, 0))] == "Second one, longer!"
    st.select_segment()
    assert st.selection == (st.current.start, st.current.end)
    st.word(-1)  # a plain move drops the selection
    assert st.selection is None


def test_undo_redo_and_a_new_action_drops_the_redo(tmp_path: Path) -> None:
    st = _state(tmp_path)
    st.move(1)
    st.apply("GOV-MAC-02")
    st.apply("ECO-MES-02")
    st.undo()
    assert st.session.state.codes_on("T01", "T01:0002") == ["GOV-MAC-02"]
    st.redo()
    assert sorted(st.session.state.codes_on("T01", "T01:0002")) == ["ECO-MES-02",
                                                                    "GOV-MAC-02"]
    st.undo()
    st.apply("ORG-MIC-05")
    st.redo()
    assert st.message == "Nothing to redo."
    on_disk = codings.load_state(st.project, "ana").codes_on("T01", "T01:0002")
    assert sorted(on_disk) == ["GOV-MAC-02", "ORG-MIC-05"]


def test_remove_without_a_code_takes_the_latest_and_memo_round_trip(tmp_path: Path) -> None:
    st = _state(tmp_path)
    st.move(1)
    st.apply("GOV-MAC-02")
    st.apply("ECO-MES-02")
    st.remove()
    assert st.session.state.codes_on("T01", "T01:0002") == ["GOV-MAC-02"]
    st.set_memo("why")
    st.set_memo("why")
    assert st.message == "Memo unchanged."
    st.set_memo("")
    assert st.message == "Memo cleared."
    assert st.memo(st.current) is None


def test_the_app_and_the_plain_session_share_the_position(tmp_path: Path) -> None:
    st = _state(tmp_path)
    st.goto(3)
    st.quit()
    plain = Session(st.project, st.doc, "ana")
    assert plain.current.id == "T01:0004"
    plain.go(1)
    assert AppState(st.project, st.doc, "ana").current.id == "T01:0002"


def test_a_selection_is_coded_as_exactly_that_span_and_removed_under_the_cursor(
        tmp_path: Path) -> None:
    st = _state(tmp_path)
    text = st.doc.text
    a = text.index("regional health")
    st.select(a, a + len("regional health") + 1)  # a trailing space is left out
    st.apply("GOV-MAC-02")
    st.goto(1)
    st.apply("ECO-MES-02")  # the whole turn
    # across turns: the last words of T01:0002 to the first of T01:0004
    b = text.index("owner meeting.")
    c = text.index("Honestly,") + len("Honestly,")
    st.select(b, c)
    st.apply("ORG-MIC-05")
    adds = [e for e in _events(st) if e["op"] == "add"]
    first = adds[0]
    assert (first["start"], first["end"], first["quote"]) == (a, a + 15, "regional health")
    assert adds[2]["segments"] == ["T01:0002", "T01:0003", "T01:0004"]
    assert adds[2]["quote"] == text[b:c]
    assert [s.code for s in st.spans(st.doc.segments[3])] == ["ORG-MIC-05"]
    # x with the cursor in the phrase takes off the phrase's code, not the turn's
    st.goto(1)
    st.click(a + 3)
    st.remove()
    assert [s.code for s in st.spans(st.current)] == ["ECO-MES-02", "ORG-MIC-05"]
    st.remove("ORG-MIC-05")  # the cursor is on no span of it: the turn's span of it
    assert [s.code for s in st.spans(st.doc.segments[3])] == []


def _events(st: AppState) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for line in (st.project.codings_dir / f"{st.coder}.jsonl").read_text().splitlines():
        item = json.loads(line)
        out.extend(item if isinstance(item, list) else [item])
    return out


def test_a_code_added_in_another_terminal_is_seen_before_deciding(tmp_path: Path) -> None:
    st = _state(tmp_path)
    st.goto(1)
    codings.add_codes(st.project, "ana", st.doc, ["T01:0002"], ["GOV-MAC-02"])  # elsewhere
    st.apply("GOV-MAC-02")
    assert st.message == "GOV-MAC-02 is already there."
    assert [s.code for s in st.spans(st.current)] == ["GOV-MAC-02"]

"""The coding app's state machine without the app: selection, filter, undo/redo, resume."""

from __future__ import annotations

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

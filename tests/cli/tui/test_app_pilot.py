"""The coding app driven by keystrokes through Textual's pilot, checked against the log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from qcode.cli.tui.app import CodingApp
from qcode.coding import store as codings
from qcode.project import Project
from tests.builders import make_doc
from tests.cli.tui.helpers import (
    codes_now,
    log_events,
    make_project,
    open_app,
    side_text,
    transcript_text,
)

RHA = "GOV-MAC-02"  # Regional health authority steering and priorities


Script = Callable[[Pilot[str]], Awaitable[None]]


def _run(app: CodingApp, script: Script, size: tuple[int, int] = (120, 36)) -> None:
    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await script(pilot)
    asyncio.run(go())


def test_select_code_change_undo_redo_memo_quit_resume_done(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    doc = project.load_document("T01")
    budget = next(c for c in project.codebook.codes if c.name.startswith("Budget"))
    app = open_app(project)
    st = app.state

    async def session(p: Pilot[str]) -> None:
        # T01:0002, two words on, then a phrase of two words: "regional health"
        await p.press("down", "right", "right", "shift+right", "shift+right")
        assert st.selection is not None
        assert doc.text[slice(*st.selection)] == "regional health"
        # the filter finds the code as one types; Enter codes the selection
        await p.press("tab", *"regional health auth", "enter")
        assert codes_now(project) == {"T01:0002": [RHA]}
        assert st.message == f"+ {RHA} on 2 words of T01:0002"
        assert st.selection is None  # applied: the selection is spent
        # the phrase is exactly the span in the log
        add = log_events(project)[-1]
        assert (add["op"], add["segment"], add["code"]) == ("add", "T01:0002", RHA)
        assert (add["start"], add["end"], add["quote"]) == (55, 70, "regional health")
        assert doc.text[55:70] == "regional health"
        # change it: remove the code highlighted in the tree, code the budget one instead
        await p.press("x")
        assert codes_now(project) == {}
        await p.press("tab", *budget.name[:20], "enter")
        assert codes_now(project) == {"T01:0002": [budget.id]}
        await p.press("u")
        assert codes_now(project) == {}
        assert st.message == f"Undone: add {budget.id}."
        await p.press("r")
        assert codes_now(project) == {"T01:0002": [budget.id]}
        assert st.message == f"Redone: add {budget.id}."
        await p.press("m")
        await p.pause()
        await p.press(*"the RHF steers", "enter")
        await p.pause()
        assert codings.load_state(project, "ingrid").memo_on("T01", "T01:0002") == \
            "the RHF steers"
        await p.press("q")

    _run(app, session)
    assert app.return_value == "Saved. Resume with: qcode code T01 --coder ingrid"
    ops = [(e["op"], e.get("code")) for e in log_events(project)]
    assert ops == [("add", RHA), ("remove", RHA), ("add", budget.id), ("undo", None),
                   ("add", budget.id), ("memo", None)]
    pos = json.loads((project.codings_dir / ".ingrid.position.json").read_text())
    assert pos == {"T01": "T01:0002"}

    # resume: the app opens on the turn it was left on; d marks the document done
    again = open_app(project)
    assert again.state.current.id == "T01:0002"

    async def finish(pilot: Pilot[str]) -> None:
        await pilot.press("d", "q")

    _run(again, finish)
    assert log_events(project)[-1]["op"] == "done"
    assert "T01" in codings.load_state(project, "ingrid").done
    assert again.state.message.startswith("Marked T01 complete (1 of 6 segments coded)")


def test_suggestion_sentence_turn_find_and_next_uncoded(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    doc = project.load_document("T01")
    app = open_app(project)
    st = app.state

    async def session(p: Pilot[str]) -> None:
        await p.press("down")
        first = st.suggestions()[0][0]
        await p.press("1")
        assert codes_now(project) == {"T01:0002": [first]}
        await p.press("down", "down", "s")
        assert st.current.id == "T01:0004"
        assert doc.text[slice(*st.selection or (0, 0))] == (
            "Honestly, nobody knew how to register a video consultation, and the takst for "
            "video was lower, so the ISF income dropped.")
        await p.press("escape", "a")
        seg = st.current
        assert st.selection == (seg.start, seg.end)
        await p.press("escape", "f")
        await p.pause()
        await p.press(*"clinic leader", "enter")
        await p.pause()
        assert st.current.id == "T01:0006"
        assert doc.text[slice(*st.selection or (0, 0))] == "clinic leader"
        await p.press("escape", "up", "up", "up", "up", "n")
        assert st.current.id == "T01:0004"  # 0002 is coded; interviewer turns are passed

    _run(app, session)


def test_mouse_click_and_shift_click_select_words(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    doc = project.load_document("T01")
    app = open_app(project)
    st = app.state

    async def session(p: Pilot[str]) -> None:
        # line 0 heading of T01:0001, 1 its text, 2 gap, 3 heading of T01:0002, 4 its text
        await p.click("#transcript", offset=(5 + 12, 4))
        assert st.current.id == "T01:0002"
        assert doc.text[st.cursor:st.cursor + 8] == "regional"
        await p.click("#transcript", offset=(5 + 28, 4), shift=True)
        assert doc.text[slice(*st.selection or (0, 0))] == "regional health authority"

    _run(app, session)


def test_another_coders_codings_never_reach_the_screen(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    doc = project.load_document("T01")
    mine, theirs = "GOV-MAC-01", "ECO-MES-01"
    codings.add_codes(project, "lars", doc, ["T01:0002", "T01:0004"], [theirs])
    codings.set_memo(project, "lars", doc, "T01:0004", "lars was here")
    codings.add_codes(project, "ingrid", doc, ["T01:0004"], [mine])
    app = open_app(project)
    st = app.state
    shown: list[str] = []

    async def session(p: Pilot[str]) -> None:
        await p.press(*["up"] * 6)  # it resumed after ingrid's last coded turn
        for _ in range(6):
            shown.append(transcript_text(app))
            shown.append(side_text(app))
            await p.press("down")

    _run(app, session)
    screen = "\n".join(shown)
    assert f"██ {mine} " in screen  # this coder's own coding is listed for its turn
    assert theirs not in screen and "lars" not in screen and "✎" not in screen
    assert [s.code for s in st.spans(doc.segments[1])] == []
    assert [s.code for s in st.spans(doc.segments[3])] == [mine]


def test_codes_marked_in_the_transcript(tmp_path: Path) -> None:
    project: Project = make_project(tmp_path)
    doc = project.load_document("T01")
    codings.add_codes(project, "ingrid", doc, ["T01:0002"], [RHA])
    app = open_app(project)

    async def session(p: Pilot[str]) -> None:
        text = transcript_text(app)
        assert f"T01:0002  Respondent  0:00:10  {RHA}" in text
        assert "▌" in text.splitlines()[4]  # the stripe beside the coded turn's lines
        assert "▌" not in text.splitlines()[1]

    _run(app, session)


def test_control_characters_in_a_transcript_never_reach_the_terminal(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    project.save_document(make_doc("T01", [("Ana\x1b[2J", "Evil \x1b]0;title\x07 text here."),
                                           ("Bo", "Plain.")]))
    app = open_app(project)
    shown: list[str] = []

    async def session(p: Pilot[str]) -> None:
        await p.press("m")
        await p.pause()
        await p.press("escape")
        shown.append(transcript_text(app) + side_text(app))

    _run(app, session)
    assert "Evil  ]0;title  text here." in shown[0]
    assert not any(ord(ch) < 32 and ch != "\n" for ch in shown[0])


def test_enter_on_a_filter_without_matches_codes_nothing_and_says_so(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    app = open_app(project)

    async def session(p: Pilot[str]) -> None:
        await p.press("down", "tab", *"zzqqxx", "enter")
        assert app.state.message == "No code matches the filter; nothing was coded."

    _run(app, session)
    assert log_events(project) == []

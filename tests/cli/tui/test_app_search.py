"""The app's search (/): the same folding search as qcode search over the open document,
its hits walked with ] and [, one coded with h, all of them with H as one action."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from qcode.cli.tui.app import CodingApp
from qcode.coding import store as codings
from qcode.coding.app_state import AppState
from qcode.errors import UsageError
from qcode.project import Project, init_project
from qcode.search.app_hits import parse_prompt
from tests.builders import make_doc
from tests.cli.tui.helpers import log_events

RHA = "GOV-MAC-02"
TURNS = [
    ("Interviewer", "Hvordan kom videokonsultasjon til sykehuset?"),
    ("Respondent", "Sykehuset hadde VIDEO lenge, men ingen brukte vidéo før pandemien."),
    ("Interviewer", "Og sykehusene i nord?"),
    ("Respondent", "Alle sykehus fulgte etter, med video hjemme hos pasienten."),
]

Script = Callable[[Pilot[str]], Awaitable[None]]


def _run(app: CodingApp, script: Script) -> None:
    async def go() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await script(pilot)
    asyncio.run(go())


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = init_project(tmp_path / "study")
    p.save_document(make_doc("V01", TURNS))
    return p


def open_app(project: Project) -> CodingApp:
    return CodingApp(AppState(project, project.load_document("V01"), "ingrid"))


def test_search_walk_code_one_hit_then_all_and_undo(project: Project) -> None:
    doc = project.load_document("V01")
    app = open_app(project)
    st = app.state

    async def session(p: Pilot[str]) -> None:
        await p.press("slash")
        await p.pause()
        await p.press(*"video", "enter")  # case and accents folded: VIDEO, vidéo, video
        await p.pause()
        assert doc.text[slice(*st.selection or (0, 0))] == "video"  # in videokonsultasjon
        assert st.message.startswith("Hit 1 of 4 in V01:0001")
        await p.press("right_square_bracket")
        assert doc.text[slice(*st.selection or (0, 0))] == "VIDEO"
        await p.press("right_square_bracket", "left_square_bracket")
        assert st.message.startswith("Hit 2 of 4 in V01:0002")
        # the code to use: highlighted through the codebook filter (tab)
        await p.press("tab", *RHA, "escape")
        assert app.highlighted == RHA
        await p.press("h")  # codes hit 2, goes to hit 3
        assert st.message.startswith(f"+ {RHA} on hit 2; Hit 3 of 4")
        assert doc.text[slice(*st.selection or (0, 0))] == "vidéo"
        await p.press("H")  # every hit, one action (hit 2 is there already)
        assert st.message == f"+ {RHA} on 3 of 4 hit(s)"

    _run(app, session)
    events = log_events(project)
    assert [(e["op"], e["origin"], doc.text[e["start"]:e["end"]]) for e in events] == [
        ("add", "search", "VIDEO"), ("add", "search", "video"), ("add", "search", "vidéo"),
        ("add", "search", "video")]
    lines = (project.codings_dir / "ingrid.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2  # h: one action; H: one action
    codings.undo_last(project, "ingrid")
    assert [c.quote for c in codings.current_codings(project, "ingrid")] == ["VIDEO"]


def test_search_options_and_messages(project: Project) -> None:
    doc = project.load_document("V01")
    app = open_app(project)
    st = app.state

    async def session(p: Pilot[str]) -> None:
        await p.press("h")
        assert st.message == "No search yet: / searches the document."
        await p.press("slash")
        await p.pause()
        await p.press(*"--whole-word sykehus", "enter")
        await p.pause()
        assert doc.text[slice(*st.selection or (0, 0))] == "sykehus"
        assert st.message.startswith("Hit 1 of 1 in V01:0004")
        await p.press("slash")
        await p.pause()
        # the last query is offered again; replace it
        await p.press(*(["backspace"] * 30), *"--fuzzy 85 sykehus", "enter")
        await p.pause()
        assert st.message.startswith("Hit 1 of 3")
        await p.press("slash")
        await p.pause()
        await p.press(*(["backspace"] * 30), *"--regex syke(", "enter")
        await p.pause()
        assert st.message == ("bad --regex pattern 'syke(' at position 4: missing ), "
                              "unterminated subpattern")
        await p.press("slash")
        await p.pause()
        await p.press(*(["backspace"] * 30), *"fjord", "enter")
        await p.pause()
        assert st.message == "No hits for fjord."

    _run(app, session)
    assert log_events(project) == []


def test_the_prompt_takes_the_options_of_qcode_search() -> None:
    q = parse_prompt("--regex --whole-word syke\\w+")
    assert (q.text, q.regex, q.whole_word, q.fuzzy) == ("syke\\w+", True, True, None)
    assert parse_prompt("--fuzzy 80 helse nord").fuzzy == 80
    with pytest.raises(UsageError) as err:
        parse_prompt("--fuzy 80 helse")
    assert err.value.message == "unknown search option --fuzy"


def test_coding_a_hit_twice_or_with_a_code_not_in_the_codebook(project: Project) -> None:
    doc = project.load_document("V01")
    app = open_app(project)
    st = app.state
    walk = app.hits

    async def session(p: Pilot[str]) -> None:
        await p.press("slash")
        await p.pause()
        await p.press(*"--whole-word sykehus", "enter")
        await p.pause()
        walk.code("NOPE-01")
        assert st.message == "NOPE-01 is not in the codebook."
        walk.code(RHA)
        assert st.message == f"+ {RHA} on hit 1."
        walk.code(RHA)
        assert st.message == f"{RHA} is already on hit 1."
        assert doc.text[slice(*st.selection or (0, 0))] == "sykehus"

    _run(app, session)
    assert len(log_events(project)) == 1

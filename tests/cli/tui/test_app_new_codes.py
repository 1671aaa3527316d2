"""New codes, in-vivo codes and the project's memos in the coding app (issue 16, items 2
and 5), driven by keystrokes through Textual's pilot and checked against the files."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from qcode.cli.tui.app import CodingApp
from qcode.codebook.history import code_map
from qcode.codebook.load import load
from qcode.memos.journal import add_memo
from qcode.project import Project
from tests.cli.tui.helpers import codes_now, log_events, make_project, open_app, side_text

Script = Callable[[Pilot[str]], Awaitable[None]]


def _run(app: CodingApp, script: Script) -> None:
    async def go() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await script(pilot)
    asyncio.run(go())


def _changes(project: Project) -> list[dict[str, Any]]:
    path = project.root / "codebook.log.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] \
        if path.exists() else []


async def _type(p: Pilot[str], text: str) -> None:
    await p.pause()
    await p.press(*text, "enter")
    await p.pause()


def test_plus_makes_a_new_code_asks_theme_and_level_and_codes_the_turn(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    app = open_app(project, "ana")
    st = app.state

    async def session(p: Pilot[str]) -> None:
        await p.press("down", "plus")
        await _type(p, "Staff felt watched")
        await _type(p, "ORG")
        await _type(p, "micro")
        assert st.message == ("New code ORG-MIC-08 'Staff felt watched' (ORG x micro) added "
                              "to the codebook. + ORG-MIC-08 on T01:0002")
        await p.press("q")

    _run(app, session)
    code = load(project.codebook_path).code("ORG-MIC-08")
    assert code is not None and code.name == "Staff felt watched"
    (change,) = _changes(project)
    assert (change["op"], change["by"]) == ("add", "ana")
    assert codes_now(project, "ana") == {"T01:0002": ["ORG-MIC-08"]}
    add = log_events(project, "ana")[-1]
    assert (add["op"], add["code"], add["start"], add["end"]) == ("add", "ORG-MIC-08", 45, 183)


def test_a_near_name_is_offered_and_taken_instead(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    app = open_app(project, "ana")

    async def session(p: Pilot[str]) -> None:
        await p.press("down", "plus")
        await _type(p, "National strategy")
        assert "close to 'National strategy and policy direction' (GOV-MAC-01); use it?" \
            in str(app.screen.query_one("Label").render())
        await _type(p, "y")
        await p.press("q")

    _run(app, session)
    assert _changes(project) == []  # no code was made
    assert codes_now(project, "ana") == {"T01:0002": ["GOV-MAC-01"]}


def test_in_vivo_names_a_code_from_the_selection_and_codes_exactly_it(tmp_path: Path,
                                                                      ) -> None:
    project = make_project(tmp_path)
    doc = project.load_document("T01")
    app = open_app(project, "ana")
    st = app.state

    async def session(p: Pilot[str]) -> None:
        # T01:0004: "nobody knew how to register" (words 2-6)
        await p.press("down", "down", "down", "right", "shift+right", "shift+right",
                      "shift+right", "shift+right", "shift+right")
        assert st.selection is not None
        await p.press("v")
        # the core's near-name check finds a (loose) near name: not it
        assert "close to" in str(app.screen.query_one("Label").render())
        await _type(p, "n")
        assert "theme for 'nobody knew how to register'?" in \
            str(app.screen.query_one("Label").render())
        await _type(p, "ECO")
        await _type(p, "meso")
        await p.press("q")

    _run(app, session)
    code = next(c for c in load(project.codebook_path).codes
                if c.name == "nobody knew how to register")
    assert code.theme == "ECO" and code.level == "meso"
    assert [e["op"] for e in _changes(project)] == ["add"]
    add = log_events(project, "ana")[-1]
    assert (add["op"], add["segment"], add["code"]) == ("add", "T01:0004", code.id)
    assert doc.text[add["start"]:add["end"]] == add["quote"] == "nobody knew how to register"


def test_in_vivo_without_a_selection_says_so(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    app = open_app(project, "ana")

    async def session(p: Pilot[str]) -> None:
        await p.press("v")
        assert app.state.message.startswith("Select the words first")
        await p.press("q")

    _run(app, session)
    assert _changes(project) == [] and log_events(project, "ana") == []


def test_a_non_editors_new_code_is_a_proposal_they_can_use(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    toml = project.root / "qcode.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[codebook]\neditors = ["lead"]\n',
                    encoding="utf-8")
    app = open_app(project, "ana")

    async def session(p: Pilot[str]) -> None:
        await p.press("down", "plus")
        await _type(p, "Staff felt watched")
        await _type(p, "ORG")
        await _type(p, "micro")
        assert app.state.message.startswith("Proposed new code ORG-MIC-08 'Staff felt "
                                            "watched' (ORG x micro) for review")
        await p.press("q")

    _run(app, session)
    assert load(project.codebook_path).code("ORG-MIC-08") is None  # not in the codebook
    assert [p.code["id"] for p in code_map(project.root).proposed_by("ana")] == ["ORG-MIC-08"]
    assert codes_now(project, "ana") == {"T01:0002": ["ORG-MIC-08"]}


def test_escape_cancels_a_new_code(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    app = open_app(project, "ana")

    async def session(p: Pilot[str]) -> None:
        await p.press("plus")
        await _type(p, "Staff felt watched")
        await p.press("escape")
        await p.pause()
        assert app.state.message == "Cancelled; no code was created."
        await p.press("q")

    _run(app, session)
    assert _changes(project) == [] and log_events(project, "ana") == []


def test_document_and_code_memos_show_in_the_side_pane(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path)
    add_memo(project, on="doc", target="T01", text="recorded in the clinic", author="lead")
    add_memo(project, on="code", target="GOV-MAC-02", text="the RHF, not the ministry",
             author="lead")
    add_memo(project, on="doc", target="T01", text="x", author="lead")
    app = open_app(project, "ana")

    async def session(p: Pilot[str]) -> None:
        await p.pause()
        text = side_text(app)
        assert "Memo on T01 (lead) recorded in the clinic" in text
        assert "the RHF, not the ministry" not in text  # no such code under the cursor
        await p.press("down", "tab", *"GOV-MAC-02", "enter")  # coded: now under it
        await p.pause()
        assert "Memo on GOV-MAC-02 (lead) the RHF, not the ministry" in side_text(app)
        await p.press("q")

    _run(app, session)


def test_a_new_code_goes_on_the_selection_when_there_is_one(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    doc = project.load_document("T01")
    app = open_app(project, "ana")

    async def session(p: Pilot[str]) -> None:
        await p.press("down", "right", "right", "shift+right", "shift+right")  # 2 words
        await p.press("plus")
        await _type(p, "Staff felt watched")
        await _type(p, "ORG")
        await _type(p, "micro")
        assert app.state.message.endswith("+ ORG-MIC-08 on 2 words of T01:0002")
        await p.press("q")

    _run(app, session)
    add = log_events(project, "ana")[-1]
    assert (add["code"], add["start"], add["end"]) == ("ORG-MIC-08", 55, 70)
    assert doc.text[55:70] == add["quote"] == "regional health"

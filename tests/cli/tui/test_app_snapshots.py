"""SVG snapshots of the coding app's main screens at 80x24 and 160x48.

Deterministic: the interview's times are fixed, nothing shows a clock, and the codings are
made before the app opens. Update after a deliberate change of the screens with
``pytest tests/cli/tui/test_app_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from qcode.cli.tui.app import CodingApp
from qcode.coding import store as codings
from qcode.project import Project
from tests.cli.tui.helpers import make_project, open_app

SIZES = [(80, 24), (160, 48)]


def _at(index: int) -> Callable[[Pilot[str]], None]:
    """Before the keys: make turn ``index`` current (the app resumes after the last coded)."""
    def go(pilot: Pilot[str]) -> None:
        app = pilot.app
        assert isinstance(app, CodingApp)
        app.state.goto(index)
        app.refresh_state()
    return go


@pytest.fixture
def coded(tmp_path: Path) -> Project:
    project = make_project(tmp_path)
    doc = project.load_document("T01")
    codings.add_codes(project, "ingrid", doc, ["T01:0002"], ["GOV-MAC-02", "ECO-MAC-01"])
    codings.add_codes(project, "ingrid", doc, ["T01:0004"], ["ECO-MES-01"])
    codings.set_memo(project, "ingrid", doc, "T01:0004", "takst lower for video")
    phrase = doc.text.index("oppdragsdokument every January")  # a span inside a turn
    codings.add_span(project, "ingrid", doc, phrase, phrase + 30, ["GOV-MAC-04"])
    codings.add_codes(project, "lars", doc, ["T01:0006"], ["ORG-MIC-05"])  # never shown
    return project


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(coded: Project, size: tuple[int, int],
                     snap_compare: Callable[..., bool]) -> None:
    """A coded turn with a coded phrase in it, a memo, and a phrase being selected."""
    assert snap_compare(open_app(coded), terminal_size=size,
                        run_before=_at(1),
                        press=["right", "right", "shift+right", "shift+right"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filter_and_code_info(coded: Project, size: tuple[int, int],
                              snap_compare: Callable[..., bool]) -> None:
    """The codebook filtered as one types, with the highlighted code's definition."""
    assert snap_compare(open_app(coded), terminal_size=size,
                        run_before=_at(3), press=["i", "tab", *"reimburs"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_memo_prompt(coded: Project, size: tuple[int, int],
                     snap_compare: Callable[..., bool]) -> None:
    """The memo prompt over the transcript, holding the turn's memo."""
    assert snap_compare(open_app(coded), terminal_size=size,
                        run_before=_at(3), press=["m"])

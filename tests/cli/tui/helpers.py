"""Shared by the app tests: a project with one short interview, the app on it, the log."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.widgets import Static

from qcode.cli.tui.app import CodingApp, Transcript
from qcode.coding import store as codings
from qcode.coding.app_state import AppState
from qcode.project import Project, init_project
from tests.builders import interview


def make_project(root: Path) -> Project:
    project = init_project(root / "study")
    project.save_document(interview("T01"))
    return project


def open_app(project: Project, coder: str = "ingrid") -> CodingApp:
    return CodingApp(AppState(project, project.load_document("T01"), coder))


def log_events(project: Project, coder: str = "ingrid") -> list[dict[str, Any]]:
    """Every event of the coder's log, in order (arrays of one action flattened)."""
    out: list[dict[str, Any]] = []
    path = project.codings_dir / f"{coder}.jsonl"
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        out.extend(item if isinstance(item, list) else [item])
    return out


def codes_now(project: Project, coder: str = "ingrid") -> dict[str, list[str]]:
    """segment -> codes, folded from the log as every other command reads it."""
    state = codings.load_state(project, coder)
    return {seg: sorted(v) for (_d, seg), v in sorted(state.codes.items()) if v}


def side_text(app: CodingApp) -> str:
    """The characters of the side pane below the codebook (codes on the turn, suggestions)."""
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(app.query_one("#info", Static).content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def transcript_text(app: CodingApp) -> str:
    """The characters the transcript pane shows now."""
    t = app.query_one("#transcript", Transcript)
    return "\n".join(t.render_line(y).text for y in range(t.size.height))

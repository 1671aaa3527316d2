"""The rich console of every table and text for people, with escape sequences from data
made visible (see :func:`qcode.cli.console.safe_text`).

Kept apart from :mod:`qcode.cli.console` so that importing rich (about 25 ms) is paid only
by a command that renders with it: JSON, CSV, Markdown, ``--help`` and errors need none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from qcode._io.controls import visible


class SafeConsole(Console):
    """A rich console that passes text through ``safe_text``: every string it is given
    (printed, or a table cell) before layout, so columns keep their widths, and the text
    of every segment before it is written, which also catches ``Text`` built elsewhere.
    Only rich's own control segments (cursor moves of a progress bar) and the styles it
    renders itself still reach the terminal as escape sequences."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(visible(text), **kwargs)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            seg if seg.control else Segment(visible(seg.text), seg.style)
            for seg in buffer)

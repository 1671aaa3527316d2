"""The transcript pane: every turn with its id, speaker and time, this coder's codings as
coloured highlights and margin stripes, the selection and the cursor.

A Line API widget: the document is laid out once per width (:func:`layout`), and only the
lines on screen are drawn, so a long transcript costs no more per keystroke than a short one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.segment import Segment as RichSegment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qcode.clock import clock
from qcode.coding.app_state import AppState, Span
from qcode.models import Document

#: background colours of codes, by their place in the codebook (cycled)
PALETTE = ("#1f4e79", "#7b3f00", "#2e6b30", "#6a1b9a", "#8b1e3f", "#00695c", "#6d5d00",
           "#37474f", "#9e4a00", "#283593")
STRIPES = 3
MARGIN = STRIPES + 2  # current-turn bar, stripes, a space
_WORD = re.compile(r"\S+")
_CONTROL = {c: " " for c in (*range(32), *range(127, 160))}


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True)
class Line:
    seg: int  # index in doc.segments
    kind: Literal["head", "text", "gap"]
    start: int = 0  # offsets in the document text (text lines)
    end: int = 0


def layout(doc: Document, width: int) -> list[Line]:
    """The document's lines at ``width`` columns: a heading per turn, its words wrapped."""
    width = max(8, width)
    lines: list[Line] = []
    append, words, text = lines.append, _WORD.finditer, doc.text
    for i, seg in enumerate(doc.segments):
        append(Line(i, "head"))
        line_start = line_end = -1
        for m in words(text, seg.start, seg.end):
            pos, w_end = m.span()
            if line_start < 0:
                line_start, line_end = pos, w_end
            elif w_end - line_start <= width:
                line_end = w_end
                continue
            else:
                append(Line(i, "text", line_start, line_end))
                line_start, line_end = pos, w_end
            while line_end - line_start > width:  # a word longer than the line
                append(Line(i, "text", line_start, line_start + width))
                line_start += width
        if line_start >= 0:
            append(Line(i, "text", line_start, line_end))
        append(Line(i, "gap"))
    return lines


def _fit(parts: list[RichSegment], width: int, base: Style) -> Strip:
    """One line of exactly ``width`` cells."""
    used = sum(cell_len(p.text) for p in parts)
    if used > width:
        return Strip(parts).crop(0, width)
    if used < width:
        parts.append(RichSegment(" " * (width - used), base))
    return Strip(parts, width)


class TranscriptView(ScrollView, can_focus=True):
    """See the module docstring; the app binds the keys and calls :meth:`redraw`."""

    DEFAULT_CSS = """
    TranscriptView { background: $surface; scrollbar-gutter: stable; }
    """

    def __init__(self, state: AppState, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.state = state
        self._lines: list[Line] = []
        self._width = -1
        self._heads: dict[int, int] = {}
        self._sigs: dict[int, tuple[object, ...]] = {}
        self._dragging = False

    # ------------------------------------------------------------------ layout

    def _relayout(self) -> None:
        full = self.scrollable_content_region.width
        width = max(8, full - MARGIN - 1)
        if width == self._width:
            return
        self._width = width
        self._lines = layout(self.state.doc, width)
        self._heads = {ln.seg: y for y, ln in enumerate(self._lines) if ln.kind == "head"}
        self.virtual_size = Size(full, len(self._lines))

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self.show_current()

    def show_current(self) -> None:
        """Scroll so the current turn's heading is on screen (a little below the top)."""
        self._relayout()
        y = self._heads.get(self.state.current_index, 0)
        cursor_y = self._line_of(self.state.cursor, y)
        top, height = int(self.scroll_offset.y), max(1, self.size.height)
        if not top <= y < top + height - 2 or not top <= cursor_y < top + height:
            self.scroll_to(y=max(0, min(y - 2, cursor_y - height + 2)), animate=False)

    def _line_of(self, offset: int, head: int) -> int:
        y = head + 1
        while y < len(self._lines) and self._lines[y].kind == "text" and \
                self._lines[y].end < offset:
            y += 1
        return y

    def redraw(self) -> None:
        """Repaint the turns on screen whose look changed (all of them after a scroll)."""
        top = int(self.scroll_offset.y)
        self.show_current()
        new_top = int(self.scroll_offset.y)
        height = self.size.height
        shown = sorted({ln.seg for ln in self._lines[new_top:new_top + height]})
        for i in shown:
            sig = self._signature(i)
            if self._sigs.get(i) == sig and new_top == top:
                continue
            self._sigs[i] = sig
            first = self._heads[i]
            last = self._heads.get(i + 1, len(self._lines))
            self.refresh_lines(first - new_top, last - first)

    def _signature(self, index: int) -> tuple[object, ...]:
        """What a turn's lines depend on: current or not, codings, memo, selection, cursor."""
        st = self.state
        seg = st.doc.segments[index]
        sel = st.selection
        if sel is not None and not (sel[0] < seg.end and sel[1] > seg.start):
            sel = None
        current = index == st.current_index
        return (current, tuple(st.spans(seg)), bool(st.memo(seg)), sel,
                st.cursor if current else None)

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        self._relayout()
        n = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= n < len(self._lines):
            return Strip.blank(width, base)
        ln = self._lines[n]
        st = self.state
        seg = st.doc.segments[ln.seg]
        current = ln.seg == st.current_index
        bar = RichSegment("┃" if current else " ", base + Style(color="#e0a526", bold=True))
        if ln.kind == "gap":
            return Strip([bar], 1).extend_cell_length(width, base)
        spans = st.spans(seg)
        if ln.kind == "head":
            return self._head(bar, seg.id, current, spans, base, width)
        stripes = [s for s in spans if s.start < ln.end and s.end > ln.start][:STRIPES]
        parts = [bar]
        for s in stripes:
            parts.append(RichSegment("▌", base + Style(color=colour(st.code_index(s.code)))))
        parts.append(RichSegment(" " * (MARGIN - 1 - len(stripes)), base))
        parts.extend(self._text(ln, spans, base, current))
        return _fit(parts, width, base)

    def _head(self, bar: RichSegment, seg_id: str, current: bool, spans: list[Span],
              base: Style, width: int) -> Strip:
        st = self.state
        seg = st.doc.segment(seg_id)
        assert seg is not None
        when = f"  {clock(seg.time_start)}" if seg.time_start is not None else ""
        memo = "  ✎ memo" if st.memo(seg) else ""
        label = f"{seg.id}  {seg.speaker}{when}".translate(_CONTROL)
        style = base + (Style(bold=True, reverse=True) if current else Style(bold=True,
                                                                             dim=True))
        parts = [bar, RichSegment(" " * (MARGIN - 1), base), RichSegment(label, style)]
        if memo:
            parts.append(RichSegment(memo, base + Style(color="#e0a526")))
        codes = " ".join(dict.fromkeys(s.code for s in spans))
        if codes:
            parts.append(RichSegment("  " + codes, base + Style(color="#8fbf8f", italic=True)))
        return _fit(parts, width, base)

    def _text(self, ln: Line, spans: list[Span], base: Style, current: bool
              ) -> list[RichSegment]:
        st = self.state
        text = st.doc.text[ln.start:ln.end].translate(_CONTROL)
        sel = st.selection
        cuts = {0, len(text)}
        for s in spans:
            cuts.update((min(max(s.start - ln.start, 0), len(text)),
                         min(max(s.end - ln.start, 0), len(text))))
        if sel:
            cuts.update((min(max(sel[0] - ln.start, 0), len(text)),
                         min(max(sel[1] - ln.start, 0), len(text))))
        cur = st.cursor - ln.start
        show_cursor = current and sel is None and 0 <= cur < len(text)
        if show_cursor:
            cuts.update((cur, cur + 1))
        order = sorted(cuts)
        out = []
        for a, b in itertools.pairwise(order):
            if a == b:
                continue
            at = ln.start + a
            style = base
            covering = [s for s in spans if s.start <= at < s.end]
            if covering:
                style += Style(bgcolor=colour(st.code_index(covering[-1].code)),
                               color="#ffffff")
            if sel and sel[0] <= at < sel[1]:
                style += Style(reverse=True)
            if show_cursor and a == cur:
                style += Style(underline=True, bold=True)
            out.append(RichSegment(text[a:b], style))
        return out

    # ------------------------------------------------------------------ the mouse

    def _offset_at(self, event: events.MouseEvent) -> int | None:
        at = event.get_content_offset(self)
        if at is None:
            return None
        n = at.y + int(self.scroll_offset.y)
        if not 0 <= n < len(self._lines):
            return None
        ln = self._lines[n]
        seg = self.state.doc.segments[ln.seg]
        if ln.kind != "text":
            return seg.start
        return min(ln.start + max(0, at.x - MARGIN), ln.end)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at(event)
        if offset is None:
            return
        self.focus()
        self.state.click(offset, extend=event.shift)
        self._dragging = True
        self.capture_mouse()
        self.app.call_later(self.app.refresh_state)  # type: ignore[attr-defined]

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging or not event.button:
            return
        offset = self._offset_at(event)
        if offset is not None:
            self.state.click(offset, extend=True)
            self.refresh()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            self.app.call_later(self.app.refresh_state)  # type: ignore[attr-defined]

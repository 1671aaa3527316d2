"""The coding app: transcript, codebook tree with a fuzzy filter, what is on the turn,
suggestions, a progress line and the keys. Every key calls one intent of the
:class:`qcode.coding.app_state.AppState`, then the screen is redrawn from its state."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, Tree
from textual.widgets.tree import TreeNode

from qcode.cli.tui.transcript import TranscriptView, colour
from qcode.coding.app_state import AppState, Span
from qcode.coding.new_code import Step
from qcode.errors import QcodeError
from qcode.memos.journal import Memo, read_journal
from qcode.models import Code
from qcode.search.app_hits import HitWalk

KEYS = ("←→ word  ⇧←→ select  s sentence  a turn  ↑↓ turn  ⏎ code  1-9 accept  x remove  "
        "+ new code  v in-vivo  m memo  u undo  r redo  n uncoded  / search  ][ hit  "
        "h code hit  H all hits  d done  tab filter  i info  q quit")
KeyList = list[Binding | tuple[str, str] | tuple[str, str, str]]
_CONTROL = {c: " " for c in (*range(32), *range(127, 160))}


def _clean(text: str) -> str:
    """Transcript or codebook text made safe to show (no control characters)."""
    return text.translate(_CONTROL)


class Prompt(ModalScreen[str | None]):
    """One line of input (a memo, a search); Enter gives it, Escape cancels."""

    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 70%; height: auto; border: round $accent; padding: 0 1;
                        background: $panel; }
    """
    BINDINGS: ClassVar[KeyList] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, label: str, value: str = "") -> None:
        super().__init__()
        self.label, self.value = label, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.label)
            yield Input(value=self.value, id="prompt")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FilterInput(Input):
    """The codebook filter: typing filters, ↓ goes to the tree, Enter codes the best match."""

    BINDINGS: ClassVar[KeyList] = [Binding("down", "to_tree", show=False)]

    def action_to_tree(self) -> None:
        self.app.query_one("#codes", Tree).focus()


class CodingApp(App[str]):
    """See the module docstring."""

    TITLE = "qcode code"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #top { height: 1; background: $primary; color: $text; }
    #main { height: 1fr; }
    #transcript { width: 2fr; }
    #side { width: 1fr; min-width: 28; border-left: solid $primary; }
    #codes { height: 1fr; }
    #info { height: 45%; padding: 0 1; }
    #status { height: 1; background: $boost; }
    #keys { height: auto; max-height: 3; color: $text-muted; }
    """
    BINDINGS: ClassVar[KeyList] = [
        Binding("escape", "to_transcript", show=False),
    ]

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.hits = HitWalk(state)
        self.show_info = False
        self.highlighted: str | None = None
        self._codes: list[Code] = []
        self._shown: dict[str, object] = {}
        self._memos: list[Memo] = []

    def compose(self) -> ComposeResult:
        yield Static(id="top")
        with Horizontal(id="main"):
            yield Transcript(self.state, id="transcript")
            with Vertical(id="side"):
                yield FilterInput(placeholder="tab: filter codes", id="filter")
                yield Tree("codebook", id="codes")
                yield Static(id="info")
        yield Static(id="status")
        yield Static(KEYS, id="keys")

    def on_mount(self) -> None:
        tree = self.query_one("#codes", Tree)
        tree.show_root = False
        self._fill_tree("")
        self._read_memos()
        self.query_one("#transcript", Transcript).focus()
        self.refresh_state()

    # ------------------------------------------------------------------ drawing

    def refresh_state(self) -> None:
        """Redraw everything from the state (cheap: only the lines on screen are drawn)."""
        st = self.state
        p = st.progress()
        title = f"  {_clean(st.doc.title)}" if st.doc.title and st.doc.title != st.doc.id \
            else ""
        done = " · complete" if p.done else ""
        self._show("#top", Text(
            f" {st.doc.id}{title} · coder {st.coder} · turn {st.current_index + 1}/{p.total}"
            f" · {p.coded}/{p.total} coded · {p.codes_used} codes used{done}",
            no_wrap=True, overflow="ellipsis"))
        self._show("#status", Text(" " + _clean(st.message), no_wrap=True,
                                   overflow="ellipsis"))
        self._show("#info", self._info())
        self.query_one("#transcript", Transcript).redraw()

    def _show(self, selector: str, content: Text | Group) -> None:
        """Update a pane only when its text changed, without a new layout (their sizes
        are fixed): a keystroke repaints what it changed, not the whole screen."""
        parts = content.renderables if isinstance(content, Group) else [content]
        key = tuple((t.plain, tuple(t.spans)) if isinstance(t, Text) else repr(t)
                    for t in parts)
        if self._shown.get(selector) != key:
            self._shown[selector] = key
            self.query_one(selector, Static).update(content, layout=False)

    def _info(self) -> Group:
        """The highlighted code's criteria (with i), then what is on the turn and the
        suggestions, one line each."""
        st = self.state
        seg = st.current
        parts: list[Text] = []
        code = st.code(self.highlighted) if self.show_info and self.highlighted else None
        if code is not None:
            detail = Text()
            detail.append(f"{code.id} {_clean(code.name)}\n", style="bold")
            if code.definition:
                detail.append(_clean(code.definition) + "\n")
            for head, items in (("include", code.include), ("exclude", code.exclude)):
                for item in items:
                    detail.append(f"{head}: ", style="bold green" if head == "include"
                                  else "bold red")
                    detail.append(_clean(item) + "\n")
            parts.append(detail)
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append("On this turn\n", style="bold")
        spans = st.spans(seg)
        if not spans:
            out.append("  (no codes)\n", style="dim")
        for s in spans:
            c = st.code(s.code)
            out.append("██", style=colour(st.code_index(s.code)))
            if (s.start, s.end) == (seg.start, seg.end):
                out.append(f" {s.code} {_clean(c.name) if c else '(not in codebook)'}\n")
            else:  # part of the turn (or a stretch across turns): its words
                words = " ".join(st.doc.text[s.start:s.end].split())
                out.append(f" {s.code} “{_clean(words)}”\n", style="italic")
        memo = st.memo(seg)
        if memo:
            out.append("Memo ", style="bold")
            out.append(_clean(memo) + "\n", style="italic")
        self._memo_lines(out, spans)
        sugg = st.suggestions()
        if sugg:
            out.append("Suggestions (1-9 accepts)\n", style="bold")
            have = {s.code for s in spans}
            for n, (cid, score) in enumerate(sugg, start=1):
                c = st.code(cid)
                out.append(f"{n} {cid} {score:3.0f} {_clean(c.name) if c else ''}\n",
                           style="dim" if cid in have else "")
        out.rstrip()
        parts.append(out)
        return Group(*parts)

    def _read_memos(self) -> None:
        """The document's and the codes' memos (qcode memo add), read once: shown, not
        written, here."""
        try:
            journal = read_journal(self.state.project)
        except QcodeError as exc:
            self.state.message = f"Memos not shown: {exc.message}"
            return
        self._memos = [m for m in journal.memos.values() if m.on in ("doc", "code")]

    def _memo_lines(self, out: Text, spans: list[Span]) -> None:
        """The memos on this document, then on the codes under the cursor (or, with i, the
        highlighted code), each with its author."""
        st = self.state
        codes = [s.code for s in spans if s.start <= st.cursor < s.end]
        if self.show_info and self.highlighted:
            codes.append(self.highlighted)
        shown = [m for m in self._memos if m.on == "doc" and m.target == st.doc.id]
        shown += [m for c in dict.fromkeys(codes) for m in self._memos
                  if m.on == "code" and m.target == c]
        for m in shown:
            out.append(f"Memo on {m.target} ", style="bold")
            out.append(f"({m.author}) ", style="dim")
            out.append(_clean(m.text) + "\n", style="italic")

    def _fill_tree(self, query: str) -> None:
        """The codebook as theme > level > code, only the codes matching ``query``."""
        tree = self.query_one("#codes", Tree)
        tree.clear()
        codes = self.state.filter_codes(query)
        self._codes = codes
        themes = {t.id: t for t in self.state.codebook.themes}
        by_theme: dict[str, dict[str, list[Code]]] = {}
        for c in sorted(codes, key=self.state.codebook.codes.index) if not query else codes:
            by_theme.setdefault(c.theme, {}).setdefault(c.level or "", []).append(c)
        first = None
        for theme, levels in by_theme.items():
            t = themes.get(theme)
            tnode = tree.root.add(_clean(f"{theme} {t.name}" if t else theme), expand=True)
            for level, items in levels.items():
                parent = tnode.add(_clean(level), expand=True) if level else tnode
                for c in items:
                    leaf = parent.add_leaf(_clean(f"{c.id} {c.name}"), data=c.id)
                    first = first or leaf
        if query and codes:
            best = next((n for n in _leaves(tree) if n.data == codes[0].id), None)
            if best is not None:
                tree.move_cursor(best)
        self.highlighted = codes[0].id if codes else None

    # ------------------------------------------------------------------ events

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill_tree(event.value)
        self._show("#info", self._info())

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self.highlighted:
            self.state.apply(self.highlighted)
        else:
            self.state.message = "No code matches the filter; nothing was coded."
        self.action_to_transcript()

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        if isinstance(event.node.data, str):
            self.highlighted = event.node.data
            if self.show_info:
                self._show("#info", self._info())

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected) -> None:
        if isinstance(event.node.data, str):
            self.state.apply(event.node.data)
            self.refresh_state()

    def action_to_transcript(self) -> None:
        t = self.query_one("#transcript", Transcript)
        if t.has_focus:
            self.state.clear_selection()
        t.focus()
        self.refresh_state()

    def ask(self, label: str, value: str, then: str) -> None:
        def done(text: str | None) -> None:
            if text is not None:
                getattr(self.state, then)(text)
            self.refresh_state()
        self.push_screen(Prompt(label, value), done)

    def ask_search(self) -> None:
        """The search prompt (the last query again); the hits are then walked with ] [."""
        def done(text: str | None) -> None:
            if text is not None:
                self.hits.search(text)
            self.refresh_state()
        self.push_screen(Prompt("Search the document (--regex, --whole-word, --fuzzy N as "
                                "in qcode search)", self.hits.query), done)

    def new_code(self, step: Step | None) -> None:
        """Carry the new-code dialogue on: ask its next question, or show the result with
        the codebook tree filled again (it has the new code)."""
        if step is None:
            self.refresh_state()
            return
        if step.prompt is not None:
            label = " ".join([*step.messages, step.prompt.rstrip("> ").rstrip()])

            def answered(text: str | None) -> None:
                self.new_code(self.state.answer_new_code(text))
            self.push_screen(Prompt(label), answered)
            self.refresh_state()
            return
        self._fill_tree(self.query_one("#filter", Input).value)
        self.refresh_state()


def _leaves(tree: Tree[str]) -> list[TreeNode[str]]:
    out, todo = [], [tree.root]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(reversed(node.children))
    return out


class Transcript(TranscriptView):
    """The transcript with the app's keys (they act on the state, then redraw)."""

    BINDINGS: ClassVar[KeyList] = [
        Binding("up,k", "turn(-1)", show=False),
        Binding("down,j", "turn(1)", show=False),
        Binding("left", "word(-1)", show=False),
        Binding("right", "word(1)", show=False),
        Binding("shift+left", "extend(-1)", show=False),
        Binding("shift+right", "extend(1)", show=False),
        Binding("s", "sentence", show=False),
        Binding("a", "whole_turn", show=False),
        Binding("enter,c", "code", show=False),
        *(Binding(str(n), f"accept({n})", show=False) for n in range(1, 10)),
        Binding("x,delete", "remove", show=False),
        Binding("m", "memo", show=False),
        Binding("plus", "new_code", show=False),
        Binding("v", "in_vivo", show=False),
        Binding("u", "undo", show=False),
        Binding("r,ctrl+y", "redo", show=False),
        Binding("n", "next_uncoded", show=False),
        Binding("slash,f,ctrl+f", "search", show=False),
        Binding("right_square_bracket", "hit(1)", show=False),
        Binding("left_square_bracket", "hit(-1)", show=False),
        Binding("h", "code_hit", show=False),
        Binding("H", "code_all_hits", show=False),
        Binding("d", "done", show=False),
        Binding("tab", "filter", show=False),
        Binding("i", "info", show=False),
        Binding("q", "quit_app", show=False),
    ]

    @property
    def coding_app(self) -> CodingApp:
        app = self.app
        assert isinstance(app, CodingApp)
        return app

    def _then(self) -> None:
        self.coding_app.refresh_state()

    def action_turn(self, step: int) -> None:
        self.state.move(step)
        self._then()

    def action_word(self, step: int) -> None:
        self.state.word(step)
        self._then()

    def action_extend(self, step: int) -> None:
        self.state.word(step, extend=True)
        self._then()

    def action_sentence(self) -> None:
        self.state.select_sentence()
        self._then()

    def action_whole_turn(self) -> None:
        self.state.select_segment()
        self._then()

    def action_code(self) -> None:
        code = self.coding_app.highlighted
        if code is None:
            self.state.message = "No code matches the filter."
        else:
            self.state.apply(code)
        self._then()

    def action_accept(self, n: int) -> None:
        self.state.accept(n)
        self._then()

    def action_remove(self) -> None:
        code = self.coding_app.highlighted
        here = {s.code for s in self.state.spans(self.state.current)}
        self.state.remove(code if code in here else None)
        self._then()

    def action_memo(self) -> None:
        st = self.state
        self.coding_app.ask(f"Memo on {st.current.id} (empty clears it)",
                               st.memo(st.current) or "", "set_memo")

    def action_new_code(self) -> None:
        app = self.coding_app

        def named(text: str | None) -> None:
            app.new_code(self.state.new_code(text) if text and text.strip() else None)
        app.push_screen(Prompt("New code: its name (Escape cancels)"), named)

    def action_in_vivo(self) -> None:
        self.coding_app.new_code(self.state.in_vivo())

    def action_undo(self) -> None:
        self.state.undo()
        self._then()

    def action_redo(self) -> None:
        self.state.redo()
        self._then()

    def action_next_uncoded(self) -> None:
        self.state.next_uncoded()
        self._then()

    def action_search(self) -> None:
        self.coding_app.ask_search()

    def action_hit(self, step: int) -> None:
        self.coding_app.hits.step(step)
        self._then()

    def action_code_hit(self) -> None:
        self.coding_app.hits.code(self.coding_app.highlighted)
        self._then()

    def action_code_all_hits(self) -> None:
        self.coding_app.hits.code_all(self.coding_app.highlighted)
        self._then()

    def action_done(self) -> None:
        self.state.mark_done()
        self._then()

    def action_filter(self) -> None:
        self.coding_app.query_one("#filter", Input).focus()

    def action_info(self) -> None:
        self.coding_app.show_info = not self.coding_app.show_info
        self._then()

    def action_quit_app(self) -> None:
        self.coding_app.exit(self.state.quit())

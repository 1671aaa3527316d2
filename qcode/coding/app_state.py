"""The full-screen coding app's state machine: intents in, state and one message out.

The app (:mod:`qcode.cli.tui`) only draws an :class:`AppState` and calls its intent methods
(move, select, apply, remove, memo, undo, redo, done; a search's hits are walked by
:mod:`qcode.search.app_hits`, which codes them through :meth:`AppState.code_spans`); this
module decides and writes the coder's log through the same
:class:`qcode.coding.session.Session` the plain ``qcode code --plain`` session uses, so both
resume from the same position file and every action is appended and fsynced before the
method that made it returns. Only this coder's state is ever read: another coder's codings
cannot reach the screen.

Offsets are code points in the document text, as segments are. The cursor is an offset;
a selection is ``[start, end)`` between an anchor and the cursor.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from qcode.codebook.load import load
from qcode.coding import store as codings
from qcode.coding.drafts import AddDraft, EventDraft, RemoveDraft
from qcode.coding.new_code import NewCode, Step, session_codebook
from qcode.coding.session import Session
from qcode.coding.suggest import is_interviewer
from qcode.errors import QcodeError
from qcode.models import Code, Codebook, CodingEvent, Document, Origin, Segment
from qcode.project import Project

_WORD = re.compile(r"\S+")
IN_VIVO_MAX = 60  # characters of the selected words an in-vivo code's name keeps
IN_VIVO_TRIM = " \t\n\"'“”‘’.,;:!?…()[]-–—"
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)]*(?=\s|$)")


@dataclass(frozen=True)
class Span:
    """One of this coder's codings as the screen marks it."""

    start: int
    end: int
    code: str
    seq: int = 0  # of the add event: the latest span is the one a bare remove takes


@dataclass(frozen=True)
class Progress:
    coded: int  # segments of the document with at least one of this coder's codes
    total: int
    codes_used: int
    done: bool


def _redo_draft(ev: CodingEvent) -> EventDraft | None:
    """The event that does again what an undone event did (None for what cannot recur)."""
    if ev.op == "add" and ev.segment and ev.code:
        add: AddDraft = {"op": "add", "doc": ev.doc, "segment": ev.segment, "code": ev.code,
                         "start": ev.start or 0, "end": ev.end or 0, "quote": ev.quote or "",
                         "origin": ev.origin}
        if ev.segments:
            add["segments"] = list(ev.segments)
        return add
    if ev.op == "remove" and ev.segment and ev.code:
        rm: RemoveDraft = {"op": "remove", "doc": ev.doc, "segment": ev.segment,
                           "code": ev.code, "start": ev.start, "end": ev.end}
        if ev.span:  # a remove of exactly one span (see qcode.coding.fold.remove_keys)
            rm["span"] = True
        return rm
    if ev.op == "memo" and ev.segment:
        return {"op": "memo", "doc": ev.doc, "segment": ev.segment, "memo": ev.memo or ""}
    if ev.op in ("done", "reopen"):
        return {"op": ev.op, "doc": ev.doc}
    return None


def _where(doc: Document, ev: CodingEvent) -> str:
    """``N01:0002`` for a whole turn, ``3 words of N01:0002`` for part of one (or more)."""
    seg = doc.segment(ev.segment or "")
    if seg is not None and (ev.start, ev.end) == (seg.start, seg.end):
        return seg.id
    n = len((ev.quote or "").split())
    more = f"-{ev.segments[-1]}" if ev.segments else ""
    return f"{n} word{'' if n == 1 else 's'} of {ev.segment}{more}"


class AppState:
    """One coder's place, cursor and selection in one document; see the module docstring."""

    def __init__(self, project: Project, doc: Document, coder: str, *,
                 n_suggestions: int = 5, skip_interviewer: bool = False) -> None:
        self.session = Session(project, doc, coder, n_suggestions=n_suggestions, context=0,
                               skip_interviewer=skip_interviewer)
        self.project, self.doc, self.coder = project, doc, coder
        self.codebook = self._codebook(fresh=False)
        self._code_index = {c.id: i for i, c in enumerate(self.codebook.codes)}
        self._new: NewCode | None = None
        words = [(m.start(), m.end()) for m in _WORD.finditer(doc.text)]
        self._word_starts = [a for a, _ in words]
        self._word_ends = [b for _, b in words]
        self._seg_starts = [s.start for s in doc.segments]
        self.cursor = self.current.start
        self.anchor: int | None = None
        self.message = ""
        self.version = 0  # bumped on every change the screen must show
        self._redo: list[list[CodingEvent]] = []
        if self.session.state.problems:
            self.message = (f"note: {len(self.session.state.problems)} unreadable line(s) in "
                            "your log were skipped (see qcode coders)")
        self.session.go(self.session.pos)

    def _codebook(self, *, fresh: bool) -> Codebook:
        """The whole codebook (retired codes too, to name old codings) with this coder's
        proposed codes, which the proposer may use (:func:`session_codebook`)."""
        offered = session_codebook(self.project, self.coder, fresh=fresh)
        full = load(self.project.codebook_path) if fresh else self.project.codebook
        own = tuple(c for c in offered.codes if full.code(c.id) is None)
        return full.model_copy(update={"codes": full.codes + own})

    # ------------------------------------------------------------------ reading

    @property
    def current(self) -> Segment:
        return self.session.current

    @property
    def current_index(self) -> int:
        """Index of the current segment in ``doc.segments``."""
        return self.session.order[self.session.pos]

    @property
    def selection(self) -> tuple[int, int] | None:
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return (min(self.anchor, self.cursor), max(self.anchor, self.cursor))

    def segment_at(self, offset: int) -> int:
        """Index of the segment holding ``offset`` (the one before it in a gap)."""
        return max(0, bisect.bisect_right(self._seg_starts, offset) - 1)

    def spans(self, seg: Segment) -> list[Span]:
        """This coder's spans that overlap ``seg`` (never another coder's); a coding from a
        log written before spans is the whole segment."""
        out = []
        for (code, start, end), ev in self.session.state.spans_on(self.doc.id, seg.id):
            if start < 0 or end < 0:
                start, end = seg.start, seg.end
            out.append(Span(start, end, code, ev.get("seq", 0)))
        return sorted(out, key=lambda s: s.seq)  # in the order they were coded

    def memo(self, seg: Segment) -> str | None:
        return self.session.state.memo_on(self.doc.id, seg.id)

    def code_index(self, code_id: str) -> int:
        """A stable number per code (its place in the codebook), for its colour."""
        return self._code_index.get(code_id, len(self._code_index))

    def code(self, code_id: str) -> Code | None:
        return self.codebook.code(code_id)

    def suggestions(self) -> list[tuple[str, float]]:
        """Keyword suggestions for the current segment: (code id, score), best first."""
        return self.session.suggestions(self.current)

    def progress(self) -> Progress:
        st, d = self.session.state, self.doc.id
        coded = [v for (doc, _s), v in st.codes.items() if doc == d and v]
        used = {c for v in coded for c in v}
        return Progress(len(coded), len(self.doc.segments), len(used), d in st.done)

    def filter_codes(self, query: str) -> list[Code]:
        """The codes matching ``query``: in their id or name, then in their keywords, then
        near their id and name (rapidfuzz); all live codes when ``query`` is empty."""
        live = [c for c in self.codebook.codes if not c.retired]
        q = query.strip().casefold()
        if not q:
            return live
        exact = sorted((c for c in live if q in c.id.casefold() or q in c.name.casefold()),
                       key=lambda c: (not c.id.casefold().startswith(q),
                                      not c.name.casefold().startswith(q)))
        exact += [c for c in live if c not in exact and any(q in k.casefold()
                                                             for k in c.keywords)]
        from rapidfuzz import fuzz, process, utils  # ~50 ms to import: needed once typed

        hits = process.extract(q, [f"{c.id} {c.name}" for c in live], scorer=fuzz.WRatio,
                               processor=utils.default_process, limit=None, score_cutoff=70)
        return list(dict.fromkeys(exact + [live[h[2]] for h in hits]))

    # ------------------------------------------------------------------ moving

    def _land(self, index: int) -> None:
        """Make segment ``index`` current (adding it to the order when it was skipped)."""
        order = self.session.order
        if index not in order:
            self.session.order = order = sorted({*order, index})
        if order[self.session.pos] != index:
            self.session.go(order.index(index))

    def move(self, step: int) -> None:
        """To the previous/next segment; the cursor goes to its start."""
        pos = min(max(self.session.pos + step, 0), len(self.session.order) - 1)
        self.session.go(pos)
        self.cursor, self.anchor = self.current.start, None
        self.version += 1

    def goto(self, index: int) -> None:
        self._land(index)
        self.cursor, self.anchor = self.current.start, None
        self.version += 1

    def next_uncoded(self) -> None:
        """To the next segment without any of this coder's codes (interviewer turns passed)."""
        order, st, d = self.session.order, self.session.state, self.doc.id
        n = len(order)
        for k in range(1, n + 1):
            seg = self.doc.segments[order[(self.session.pos + k) % n]]
            if not st.codes.get((d, seg.id)) and not is_interviewer(seg.speaker):
                self.goto(order[(self.session.pos + k) % n])
                return
        self.message = "Every segment has a code."

    def word(self, step: int, extend: bool = False) -> None:
        """The cursor one word on (step 1) or back (-1); ``extend`` grows the selection."""
        if extend and self.anchor is None:
            self.anchor = self.cursor
        if not extend:
            self.anchor = None
        if step > 0:
            bounds = self._word_ends if extend else self._word_starts
            i = bisect.bisect_right(bounds, self.cursor)
            if i < len(bounds):
                self.cursor = bounds[i]
        else:
            i = bisect.bisect_left(self._word_starts, self.cursor) - 1
            if i >= 0:
                self.cursor = self._word_starts[i]
        if not extend:
            idx = self.segment_at(self.cursor)
            if idx != self.current_index:
                self._land(idx)
        self.version += 1

    def select(self, start: int, end: int) -> None:
        self.anchor, self.cursor = start, end
        idx = self.segment_at(start)
        if idx != self.current_index:
            self._land(idx)
        self.version += 1

    def select_sentence(self) -> None:
        """Select the sentence of the current segment that holds the cursor."""
        seg = self.current
        text = self.doc.text[seg.start:seg.end]
        at = min(max(self.cursor, seg.start), seg.end) - seg.start
        start = 0
        for m in _SENTENCE_END.finditer(text):
            if m.end() > at or m.end() == len(text.rstrip()):
                end = m.end()
                break
            start = m.end()
        else:
            end = len(text.rstrip())
        while start < end and text[start].isspace():
            start += 1
        self.select(seg.start + start, seg.start + end)

    def select_segment(self) -> None:
        self.select(self.current.start, self.current.end)

    def click(self, offset: int, extend: bool = False) -> None:
        """A mouse press (or drag, with ``extend``) at ``offset``: snapped to words."""
        if extend:
            if self.anchor is None:
                self.anchor = self.cursor
            i = bisect.bisect_left(self._word_ends, offset)
            self.cursor = self._word_ends[i] if offset > self.anchor and i < len(
                self._word_ends) else offset
        else:
            i = bisect.bisect_right(self._word_starts, offset) - 1
            self.cursor, self.anchor = (self._word_starts[i] if i >= 0 else offset), None
            idx = self.segment_at(offset)
            if idx != self.current_index:
                self._land(idx)
        self.version += 1

    def clear_selection(self) -> None:
        self.anchor = None
        self.version += 1

    # ------------------------------------------------------------------ writing

    def _write(self, events: list[EventDraft]) -> list[CodingEvent]:
        written = self.session.write(events)
        if written:
            self._redo.clear()
        self.version += 1
        return written

    def apply_to_selection(self, code_ids: list[str]) -> list[CodingEvent]:
        """Code exactly the selection ``[start, end)`` (white space at its ends left out):
        part of a turn, a whole turn, or a stretch across turns (one action)."""
        sel = self.selection
        assert sel is not None
        start, end = sel
        text = self.doc.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return self._write(list(codings.span_add_events(self.session.state, self.doc, start,
                                                        end, code_ids)))

    def apply(self, code_id: str) -> None:
        """Put a code on the selection, or on the whole current segment when none."""
        self.session.sync()  # another terminal may have written: decide on the log as it is
        if self.code(code_id) is None:
            self.message = f"{code_id} is not in the codebook."
            return
        try:
            if self.selection is not None:
                written = self.apply_to_selection([code_id])
                self.anchor = None
            else:
                written = self._write(list(codings.add_events(
                    self.session.state, self.doc, [self.current.id], [code_id])))
        except QcodeError as exc:
            self.message = exc.message
            return
        self.message = f"+ {code_id} on {_where(self.doc, written[0])}" if written \
            else f"{code_id} is already there."

    def code_spans(self, spans: list[tuple[int, int]], code_id: str, *,
                   origin: Origin = "manual") -> list[CodingEvent]:
        """Code every span ``[start, end)`` with ``code_id`` as ONE action (the hits of a
        search: qcode.search.app_hits); spans that have it already are left alone."""
        self.session.sync()
        if self.code(code_id) is None:
            self.message = f"{code_id} is not in the codebook."
            return []
        events: list[EventDraft] = []
        try:
            for start, end in dict.fromkeys(spans):
                events += codings.span_add_events(self.session.state, self.doc, start, end,
                                                  [code_id], origin=origin)
            written = self._write(events)
        except QcodeError as exc:
            self.message = exc.message
            return []
        self.message = f"+ {code_id} on {len(written)} of {len(set(spans))} hit(s)"
        return written

    def accept(self, n: int) -> None:
        """Apply suggestion number ``n`` (1-based)."""
        sugg = self.suggestions()
        if not 1 <= n <= len(sugg):
            self.message = f"There is no suggestion {n} here."
            return
        self.apply(sugg[n - 1][0])

    def remove(self, code_id: str | None = None) -> None:
        """Take one span of ``code_id`` (any code when None) off: the innermost under the
        selection or the cursor, else the latest coded on the current turn."""
        self.session.sync()
        seg = self.current
        here = self.spans(seg)
        a, b = self.selection or (self.cursor, self.cursor + 1)
        mine = [s for s in here if code_id is None or s.code == code_id]
        under = [s for s in mine if s.start < b and s.end > a]
        if not mine:
            self.message = f"{code_id} is not here." if code_id else "No codes here."
            return
        # the innermost span under the cursor, else the latest coded on the turn
        span = min(under, key=lambda s: (s.end - s.start, -s.seq)) if under else \
            max(mine, key=lambda s: s.seq)
        try:
            written = self._write(list(codings.span_remove_events(
                self.session.state, self.doc, span.start, span.end, [span.code])))
        except QcodeError as exc:
            self.message = exc.message
            return
        self.anchor = None
        self.message = f"- {span.code}" if written else f"{span.code} is not here."

    def set_memo(self, text: str) -> None:
        """Set (empty text: clear) the memo on the current segment."""
        self.session.sync()
        seg = self.current
        if (self.memo(seg) or "") == text:
            self.message = "Memo unchanged."
            return
        self._write([{"op": "memo", "doc": self.doc.id, "segment": seg.id, "memo": text}])
        self.message = "Memo saved." if text else "Memo cleared."

    def mark_done(self) -> None:
        self.session.sync()
        if self.doc.id in self.session.state.done:
            self.message = f"{self.doc.id} is already marked complete."
            return
        self._write([{"op": "done", "doc": self.doc.id}])
        p = self.progress()
        self.message = f"Marked {self.doc.id} complete ({p.coded} of {p.total} segments coded)."

    def undo(self) -> None:
        """Revert this coder's last action in this document (it can be redone)."""
        try:
            undone = (codings.undo_last(self.project, self.coder, doc=self.doc.id)
                      if self.session.path.exists() else [])
        except QcodeError as exc:
            self.message = exc.message
            return
        self.session.sync(force=True)
        self.version += 1
        if not undone:
            self.message = "Nothing to undo."
            return
        self._redo.append(undone)
        ev = undone[-1]
        if ev.segment is not None and self.doc.segment(ev.segment) is not None:
            seg = self.doc.segment(ev.segment)
            if seg is not None and seg.id != self.current.id:
                self.goto(self.doc.segments.index(seg))
        self.message = f"Undone: {ev.op} {ev.code or ''}".rstrip() + "."

    def redo(self) -> None:
        """Do again the last action undone here (written as new events)."""
        if not self._redo:
            self.message = "Nothing to redo."
            return
        batch = self._redo.pop()
        drafts = [d for d in (_redo_draft(e) for e in batch) if d is not None]
        rest = list(self._redo)
        self._write(drafts)
        self._redo = rest  # a redo keeps the older undos redoable
        ev = batch[-1]
        self.message = f"Redone: {ev.op} {ev.code or ''}".rstrip() + "."

    # ------------------------------------------------------------------ new codes

    def new_code(self, name: str) -> Step:
        """Start a new code named ``name`` (the plain session's ``+ NAME`` dialogue,
        :class:`qcode.coding.new_code.NewCode`): the returned step asks the next question
        (a near name to use instead, the theme, the level), answered with
        :meth:`answer_new_code`. The code goes on the selection, else the current turn."""
        self._new = NewCode(self.project, self.coder, "+" + name,
                            session_codebook(self.project, self.coder, fresh=True))
        return self._new_step(self._new.start())

    def in_vivo(self) -> Step | None:
        """Start a new code named from the selected words (None, with a message, when
        nothing is selected); it is applied to exactly that selection."""
        sel = self.selection
        if sel is None:
            self.message = "Select the words first (⇧←→, s): in-vivo names a code from them."
            return None
        words = " ".join(self.doc.text[sel[0]:sel[1]].split()).strip(IN_VIVO_TRIM)
        if len(words) > IN_VIVO_MAX:  # cut at a word, never inside one
            words = words[:IN_VIVO_MAX + 1].rsplit(" ", 1)[0].rstrip(IN_VIVO_TRIM) \
                or words[:IN_VIVO_MAX]
        if not words:
            self.message = "The selection has no words to name a code."
            return None
        return self.new_code(words)

    def answer_new_code(self, text: str | None) -> Step:
        """The answer to the new code's last question (None: cancelled)."""
        if self._new is None:
            return Step()
        if text is None:
            self._new = None
            step = Step(["Cancelled; no code was created."])
            self.message = step.messages[0]
            return step
        return self._new_step(self._new.answer(text))

    def _new_step(self, step: Step) -> Step:
        if step.prompt is None:
            self._new = None
        if step.code is not None:
            self.codebook = self._codebook(fresh=True)
            self._code_index = {c.id: i for i, c in enumerate(self.codebook.codes)}
            self.apply(step.code.id)
            step.messages.append(self.message)
        if step.messages:
            self.message = " ".join(step.messages)
        return step

    def quit(self) -> str:
        self.session.go(self.session.pos)
        return f"Saved. Resume with: qcode code {self.doc.id} --coder {self.coder}"

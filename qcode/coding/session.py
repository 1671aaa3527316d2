"""The interactive coding session as a state machine: input lines in, screens and messages out.

:class:`Session` holds one coder's place in one document. :meth:`Session.start` and
:meth:`Session.handle` return a :class:`Reply` (messages, the segment view to show, the
prompt, whether to quit); the CLI only renders replies and reads lines. Every change is
appended to the coder's log before the reply that reports it is returned; the position is
saved on every move (``codings/.<coder>.position.json``), so a session resumes where the
coder stopped.

Input (one line): a code id, the number of a suggestion, or a code name (fuzzy; an
ambiguous name asks which one); several codes separated by commas. Commands: Enter or
``n`` next, ``p`` previous, ``g SEGMENT`` jump, ``-CODE`` or ``r CODE`` remove, ``m TEXT``
memo (``m -`` clears it), ``u`` undo, ``c [TEXT]`` list codes, ``?`` help, ``done`` mark the
document complete, ``q`` quit.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from qcode._io.atomic import write_text
from qcode._io.nofollow import read_nofollow
from qcode.coding import store as codings
from qcode.coding.drafts import EventDraft
from qcode.coding.new_code import NewCode, session_codebook, wants_new
from qcode.coding.progress import position_path
from qcode.coding.suggest import Matcher, is_interviewer
from qcode.errors import ConflictError, NotFoundError, ProjectDamagedError, QcodeError, UsageError
from qcode.models import Code, Document, Segment
from qcode.project import Project

HELP = (
    "CODE / 1-9 / name   add a code: id, suggestion number, or (part of) its name;"
    " several: A, B",
    "Enter or n          next segment          p  previous segment",
    "g D01:0012 or g 12  jump to a segment     c [TEXT]  list codes (matching TEXT)",
    "-CODE or r CODE     remove a code (r alone: all codes on this segment)",
    "m TEXT              memo on this segment  (m - clears it)",
    "+ NAME or new NAME  a new code: theme and level are asked; it is added here",
    "u                   undo your last action in this document",
    "done                mark the document completely coded     q  quit (resume later)",
)

Mode = Literal["code", "choose", "confirm_done", "new"]


@dataclass(frozen=True)
class Shown:
    """A segment as the screen shows it."""

    id: str
    speaker: str
    time_start: float | None
    text: str


@dataclass(frozen=True)
class View:
    """What the screen shows for the current segment."""

    doc: str
    title: str
    coder: str
    index: int  # 1-based
    total: int
    segment: Shown
    before: tuple[Shown, ...]
    after: tuple[Shown, ...]
    codes: tuple[tuple[str, str], ...]  # (id, name): this coder's codes only
    memo: str | None
    #: (n, id, name, score); numbers are stable, codes already on the segment included
    suggestions: tuple[tuple[int, str, str, float], ...]
    coded_segments: int
    done: bool


@dataclass
class Reply:
    messages: list[str] = field(default_factory=list)
    view: View | None = None
    prompt: str = "> "
    quit: bool = False
    error: bool = False
    choices: list[str] = field(default_factory=list)


_RANGE = re.compile(r"^(?:(?P<doc>[^:\s]+):)?(?P<a>\d+)(?:-(?:(?P<doc2>[^:\s]+):)?(?P<b>\d+))?$")


def resolve_segments(doc: Document, specs: list[str]) -> list[str]:
    """Segment ids from ``D01:0003``, ``D01:0003-0007``, ``D01:0003-D01:0007``, ``3`` or
    ``3-7``, in the order given, without repeats; unknown ones raise NotFoundError."""
    out: list[str] = []
    ids = {s.id: i for i, s in enumerate(doc.segments)}
    width = len(doc.segments[0].id.rsplit(":", 1)[-1]) if doc.segments else 4
    for spec in specs:
        m = _RANGE.match(spec.strip())
        if m is None or any(d not in (None, doc.id) for d in (m["doc"], m["doc2"])):
            raise UsageError(f"'{spec}' is not a segment of {doc.id}",
                             hint=f"write {doc.id}:0003, a range {doc.id}:0003-0007, or 3-7")
        a = int(m["a"])
        b = int(m["b"]) if m["b"] else a
        if b < a:
            raise UsageError(f"the range '{spec}' runs backwards", hint="write the lower first")
        for n in range(a, b + 1):
            sid = f"{doc.id}:{n:0{width}d}"
            if sid not in ids:
                first, last = doc.segments[0].id, doc.segments[-1].id
                raise NotFoundError(f"no segment {sid} in document {doc.id}",
                                    hint=f"segments run from {first} to {last}")
            if sid not in out:
                out.append(sid)
    return out


class Session:
    """One coder coding one document; see the module docstring."""

    def __init__(self, project: Project, doc: Document, coder: str, *, n_suggestions: int = 5,
                 min_score: float = 50.0, context: int = 1, skip_interviewer: bool = False
                 ) -> None:
        if not doc.segments:
            raise UsageError(f"document {doc.id} has no segments to code")
        self.project, self.doc, self.coder = project, doc, coder
        self.codebook = session_codebook(project, coder)  # no retired codes; own proposals
        self._new: NewCode | None = None
        self.path = codings.log_path(project, coder, create=True)
        self.n_suggestions, self.min_score, self.context = n_suggestions, min_score, context
        self._matcher = Matcher(self.codebook)
        self._is_interviewer = is_interviewer
        self._suggest_cache: dict[str, list[tuple[str, float]]] = {}
        self.order = [i for i, s in enumerate(doc.segments)
                      if not (skip_interviewer and is_interviewer(s.speaker))] or \
            list(range(len(doc.segments)))
        self.mode: Mode = "code"
        self._pending: list[Code] = []
        self._size = -1
        self.state = codings.CoderState(coder=coder)
        self._sync()
        self.pos = self._resume_index()

    # ------------------------------------------------------------------ state & storage

    def _sync(self, force: bool = False) -> None:
        """Reload the coder's state if the log changed behind our back (another terminal)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if force or size != self._size:
            self.state = (codings.load_state(self.project, self.coder) if size
                          else codings.CoderState(coder=self.coder))
            self._size = size

    def _append(self, events: Sequence[EventDraft]) -> list[codings.CodingEvent]:
        if not events:
            return []
        done = codings.append(self.project, self.coder, events)
        if done.start == self._size:  # nobody else wrote in between: apply what we wrote
            codings.replay(self.state, [r.model_dump(exclude_none=True) for r in done.records],
                           set())
            self._size = done.end
        else:
            self._sync(force=True)
        return done.records

    @property
    def _position_file(self) -> Any:
        return position_path(self.project, self.coder)

    def _resume_index(self) -> int:
        seg_id = None
        with contextlib.suppress(OSError, ValueError, AttributeError, ProjectDamagedError):
            seg_id = json.loads(read_nofollow(self._position_file)).get(self.doc.id)
        ids = [self.doc.segments[i].id for i in self.order]
        if seg_id in ids:
            return ids.index(seg_id)
        coded = [k for k, sid in enumerate(ids) if self.state.codes.get((self.doc.id, sid))]
        return min(coded[-1] + 1, len(ids) - 1) if coded else 0

    def _save_position(self) -> None:
        try:
            data = json.loads(read_nofollow(self._position_file))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError, ProjectDamagedError):  # a link: replaced by the write
            data = {}
        data[self.doc.id] = self.current.id
        with contextlib.suppress(OSError):  # the position is a convenience; codings are safe
            write_text(self._position_file, json.dumps(data, indent=1, sort_keys=True) + "\n")

    # ------------------------------------------------------------------ for the app's core

    def write(self, events: Sequence[EventDraft]) -> list[codings.CodingEvent]:
        """Append ``events`` as one action (fsynced) and apply them to :attr:`state`."""
        return self._append(events)

    def sync(self, force: bool = False) -> None:
        """Reload :attr:`state` if the log changed on disk (another terminal, an undo)."""
        self._sync(force)

    def go(self, pos: int) -> None:
        """Make ``order[pos]`` the current segment and remember it for resuming."""
        self.pos = pos
        self._save_position()

    # ------------------------------------------------------------------ the view

    @property
    def current(self) -> Segment:
        return self.doc.segments[self.order[self.pos]]

    def _shown(self, seg: Segment) -> Shown:
        return Shown(seg.id, seg.speaker, seg.time_start, self.doc.text[seg.start:seg.end])

    def suggestions(self, seg: Segment) -> list[tuple[str, float]]:
        if self._is_interviewer(seg.speaker):
            return []
        if seg.id not in self._suggest_cache:
            scored = self._matcher.code_scores(self.doc.text[seg.start:seg.end])
            self._suggest_cache[seg.id] = [(c, s) for c, s, _ in scored if s >= self.min_score]
        # numbers stay put while codes are added: a code taken keeps its number (shown as on)
        return self._suggest_cache[seg.id][:self.n_suggestions]

    def _name(self, code_id: str) -> str:
        c = self.codebook.code(code_id) or self.project.codebook.code(code_id)
        return (c.name + (" (retired)" if c.retired else "")) if c else "(not in the codebook)"

    def view(self) -> View:
        seg = self.current
        i = self.order[self.pos]
        segs = self.doc.segments
        before = tuple(self._shown(s) for s in segs[max(0, i - self.context):i])
        after = tuple(self._shown(s) for s in segs[i + 1:i + 1 + self.context])
        codes = tuple((c, self._name(c)) for c in self.state.codes_on(self.doc.id, seg.id))
        sugg = tuple((n, c, self._name(c), s)
                     for n, (c, s) in enumerate(self.suggestions(seg), start=1))
        coded = sum(1 for (d, _s), v in self.state.codes.items() if d == self.doc.id and v)
        return View(self.doc.id, self.doc.title, self.coder, self.pos + 1, len(self.order),
                    self._shown(seg), before, after, codes,
                    self.state.memo_on(self.doc.id, seg.id), sugg, coded,
                    self.doc.id in self.state.done)

    def _reply(self, *messages: str, error: bool = False, show: bool = True) -> Reply:
        prompt = {"code": f"{self.current.id}> ", "choose": "which one? (number, Enter to "
                  "cancel)> ", "confirm_done": f"mark {self.doc.id} complete? [y/n]> ",
                  "new": "new code> "}
        return Reply(list(messages), self.view() if show else None, prompt[self.mode],
                     error=error)

    # ------------------------------------------------------------------ input

    def start(self) -> Reply:
        self._save_position()
        msgs = []
        if self.doc.id in self.state.done:
            msgs.append(f"{self.doc.id} is marked complete; changes are still saved.")
        if self.state.problems:
            msgs.append(f"note: {len(self.state.problems)} unreadable line(s) in your log "
                        "were skipped (see qcode coders)")
        return self._reply(*msgs)

    def handle(self, line: str) -> Reply:
        """Act on one input line; the reply says what happened and what to show."""
        text = line.strip()
        try:
            self._sync()
            if self.mode == "choose":
                return self._choose(text)
            if self.mode == "confirm_done":
                return self._confirm(text)
            if self.mode == "new":
                return self._new_code(text)
            return self._command(text)
        except QcodeError as exc:
            self.mode = "code"
            msg = exc.message + (f" ({exc.hint})" if exc.hint else "")
            return self._reply(msg, error=True, show=False)

    def _command(self, text: str) -> Reply:
        low = text.casefold()
        if low in ("", "n", "next"):
            return self._move(+1)
        if low in ("p", "prev", "previous"):
            return self._move(-1)
        if low in ("q", "quit", "exit"):
            self._save_position()
            return Reply([f"Saved. Resume with: qcode code {self.doc.id} --coder {self.coder}"],
                         None, "", quit=True)
        if low in ("?", "h", "help"):
            return self._reply(*HELP, show=False)
        if low == "done":
            return self._mark_done()
        if low == "u" or low == "undo":
            return self._undo()
        if low.startswith("g ") or low.startswith("goto "):
            sid = resolve_segments(self.doc, [text.split(None, 1)[1]])[0]
            idx = self.doc.segments.index(self.doc.segment(sid))
            if idx not in self.order:
                self.order = sorted({*self.order, idx})
            self.pos = self.order.index(idx)
            self._save_position()
            return self._reply()
        if low == "c" or low.startswith("c "):
            return self._list_codes(text[1:].strip())
        if low == "m" or low.startswith("m "):
            return self._memo(text[1:].strip())
        if text.startswith("-") and len(text) > 1:
            return self._remove(text[1:].strip())
        if low == "r" or low.startswith("r "):
            return self._remove(text[1:].strip())
        if wants_new(text, self.codebook):
            self._new = NewCode(self.project, self.coder, text, self.codebook)
            return self._new_code(None)
        return self._add_query(text)

    def _new_code(self, text: str | None) -> Reply:
        """One step of the new-code dialogue (:mod:`qcode.coding.new_code`)."""
        flow = self._new
        assert flow is not None
        step = flow.start() if text is None else flow.answer(text)
        self.mode = "new" if step.prompt else "code"
        if step.code is None:
            return Reply(step.messages, None, step.prompt or self._reply(show=False).prompt)
        self.codebook = session_codebook(self.project, self.coder, fresh=True)
        self._matcher = Matcher(self.codebook)
        self._suggest_cache.clear()
        reply = self._add([step.code])
        reply.messages[:0] = step.messages
        return reply

    def _move(self, step: int) -> Reply:
        new = self.pos + step
        if new < 0:
            return self._reply("This is the first segment.", show=False)
        if new >= len(self.order):
            if self.doc.id in self.state.done:
                return self._reply("This is the last segment; the document is marked "
                                   "complete. q quits.", show=False)
            self.mode = "confirm_done"
            return self._reply("That was the last segment.", show=False)
        self.pos = new
        self._save_position()
        return self._reply()

    def _mark_done(self) -> Reply:
        self.mode = "code"
        if self.doc.id in self.state.done:
            return self._reply(f"{self.doc.id} is already marked complete.", show=False)
        self._append([{"op": "done", "doc": self.doc.id}])
        coded = self.view().coded_segments
        return self._reply(f"Marked {self.doc.id} complete for {self.coder} ({coded} of "
                           f"{len(self.doc.segments)} segments coded).", show=False)

    def _confirm(self, text: str) -> Reply:
        if text.casefold() in ("y", "yes", "j", "ja"):
            reply = self._mark_done()
            reply.messages.append(f"Saved. Reopen with: qcode code {self.doc.id} "
                                  f"--coder {self.coder}")
            reply.quit, reply.prompt = True, ""
            return reply
        self.mode = "code"
        return self._reply("Not marked complete (type done when it is).", show=False)

    def _undo(self) -> Reply:
        undone = codings.undo_last(self.project, self.coder, doc=self.doc.id) \
            if self.path.exists() else []
        self._sync(force=True)
        if not undone:
            return self._reply("Nothing to undo.", show=False)
        ev = undone[-1]
        if ev.segment is not None:
            ids = [self.doc.segments[i].id for i in self.order]
            if ev.segment in ids:
                self.pos = ids.index(ev.segment)
                self._save_position()
        what = {"add": f"added {ev.code}", "remove": f"removed {ev.code}", "memo": "memo",
                "done": "marked complete", "reopen": "reopened"}.get(ev.op, ev.op)
        k = len(undone) - 1
        more = f" (and {k} more change{'' if k == 1 else 's'} made with it)" if k else ""
        where = f" on {ev.segment}" if ev.segment else ""
        return self._reply(f"Undone: {what}{where}{more}.")

    def _memo(self, text: str) -> Reply:
        seg = self.current
        old = self.state.memo_on(self.doc.id, seg.id)
        if not text:
            return self._reply(f"Memo: {old}" if old else "No memo here (m TEXT adds one).",
                               show=False)
        new = "" if text == "-" else text
        if (old or "") == new:
            return self._reply("Memo unchanged.", show=False)
        self._append([{"op": "memo", "doc": self.doc.id, "segment": seg.id, "memo": new}])
        return self._reply("Memo cleared." if not new else "Memo saved.")

    def _list_codes(self, query: str) -> Reply:
        q = query.casefold()
        lines = [f"{c.id:<12} {c.name}" for c in self.codebook.codes
                 if not q or q in c.id.casefold() or q in c.name.casefold()
                 or q == c.theme.casefold() or q == (c.level or "").casefold()]
        return self._reply(*(lines or [f"No code matches '{query}'."]), show=False)

    # ------------------------------------------------------------------ codes

    def _find(self, query: str, among: list[Code] | None = None) -> list[Code]:
        """Codes matching ``query``: one when it is clear, several when ambiguous."""
        # rapidfuzz takes ~50 ms to import: loaded when a code is looked up by text
        from rapidfuzz import fuzz, process, utils

        pool = among if among is not None else list(self.codebook.codes)
        q = query.strip()
        ql = q.casefold()
        exact = [c for c in pool if c.id.casefold() == ql or c.name.casefold() == ql]
        if exact:
            return exact[:1]
        if q.isdigit() and among is None:
            sugg = self.suggestions(self.current)
            n = int(q)
            if not 1 <= n <= len(sugg):
                raise NotFoundError(f"there is no suggestion {n} here"
                                    + (f" (1-{len(sugg)})" if sugg else ""))
            return [c for c in pool if c.id == sugg[n - 1][0]]
        prefix = [c for c in pool if c.id.casefold().startswith(ql)]
        if len(prefix) == 1:
            return prefix
        inside = [c for c in pool if ql in c.name.casefold()]
        if len(inside) == 1:
            return inside
        if inside or len(prefix) > 1:
            return (prefix + [c for c in inside if c not in prefix])[:9]
        hits = process.extract(q, [c.name for c in pool], scorer=fuzz.WRatio,
                               processor=utils.default_process, limit=5, score_cutoff=70)
        if not hits:
            raise NotFoundError(f"no code matches '{q}'", hint="c lists the codes; ? helps")
        if len(hits) == 1 or hits[0][1] - hits[1][1] >= 8:
            return [pool[hits[0][2]]]
        return [pool[h[2]] for h in hits]

    def _add_query(self, text: str) -> Reply:
        parts = [p for p in re.split(r"\s*,\s*", text) if p]
        if len(parts) == 1 and " " in text:
            words = text.split()
            if all(self.codebook.code(w) or w.isdigit() for w in words):
                parts = words
        chosen: list[Code] = []
        for part in parts:
            found = self._find(part)
            if len(found) > 1:
                if len(parts) > 1:
                    raise UsageError(f"'{part}' matches several codes",
                                     hint="give its id, or add codes one at a time")
                self.mode, self._pending = "choose", found
                return Reply([f"'{part}' matches several codes:"] +
                             [f"  {n}. {c.id}  {c.name}" for n, c in enumerate(found, 1)],
                             None, "which one? (number, Enter to cancel)> ",
                             choices=[c.id for c in found])
            chosen.extend(found)
        return self._add(chosen)

    def _choose(self, text: str) -> Reply:
        pending, self._pending, self.mode = self._pending, [], "code"
        if text.isdigit() and 1 <= int(text) <= len(pending):
            return self._add([pending[int(text) - 1]])
        picked = [c for c in pending if c.id.casefold() == text.casefold()]
        if picked:
            return self._add(picked)
        return self._reply("Cancelled; nothing was added.", show=False)

    def _add(self, codes: list[Code]) -> Reply:
        seg = self.current
        ids = [c.id for c in codes]
        have = self.state.codes_on(self.doc.id, seg.id)
        written = self._append(codings.add_events(self.state, self.doc, [seg.id], ids))
        new = [e.code for e in written]
        msgs = [f"+ {c} {self._name(c)}" for c in new if c]
        msgs += [f"{c} is already on this segment." for c in ids if c in have]
        return self._reply(*msgs)

    def _remove(self, query: str) -> Reply:
        seg = self.current
        have = self.state.codes_on(self.doc.id, seg.id)
        if not have:
            return self._reply("No codes on this segment.", show=False)
        if not query:
            targets = have
        else:
            pool = [self.codebook.code(c) or Code(id=c, name=c, theme="?") for c in have]
            found = self._find(query, among=pool)
            if len(found) > 1:
                raise ConflictError(f"'{query}' matches several of the codes here: "
                                    + ", ".join(c.id for c in found),
                                    hint="give the code id")
            targets = [found[0].id]
        written = self._append(codings.remove_events(self.state, self.doc, [seg.id], targets))
        return self._reply(*[f"- {e.code} {self._name(e.code or '')}" for e in written])

"""Re-assigning the codings of a split code (``qcode code DOC --coder C --recode CODE``).

After ``qcode codebook split A --into B,C`` a coder's codings of A stay A (counted, and
flagged in a warning) until the coder decides, one by one, which of B and C each one is.
:class:`Recode` walks the coder's codings of A in one document and asks; each answer is
one action in the coder's log (the new codes on the same span, A taken off), so ``u``
in the coding session or ``qcode undo`` takes it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qcode.codebook.history import code_map
from qcode.coding import store as codings
from qcode.coding.drafts import EventDraft
from qcode.errors import UsageError
from qcode.models import Code, Document
from qcode.project import Project


@dataclass
class Turn:
    """What to show and ask next (``quit``: the walk is over)."""

    lines: list[str] = field(default_factory=list)
    prompt: str = ""
    quit: bool = False


class Recode:
    def __init__(self, project: Project, doc: Document, coder: str, code: str) -> None:
        cmap = code_map(project.root)
        self.code = cmap.current(code.strip())
        if self.code not in cmap.splits:
            split = ", ".join(cmap.splits) or "none"
            raise UsageError(f"{code} was not split, so there is nothing to re-assign",
                             hint=f"codes split: {split}; split one with: qcode codebook "
                                  "split CODE --into B,C")
        self.project, self.doc, self.coder = project, doc, coder
        cb = project.codebook
        self.into: list[Code] = [c for i in cmap.splits[self.code]
                                 if (c := cb.code(cmap.current(i))) is not None]
        state = codings.load_state_or_empty(project, coder)
        self.state = state
        #: (segment id, raw code ids in the log that now read as the split code)
        self.queue: list[tuple[str, list[str]]] = []
        for seg in doc.segments:
            raw = [c for c in state.codes.get((doc.id, seg.id), {})
                   if cmap.current(c) == self.code]
            if raw:
                self.queue.append((seg.id, raw))
        self.pos = 0
        self.moved = 0
        self.elsewhere = sorted({d for (d, _s), by in state.codes.items() if d != doc.id and
                                 any(cmap.current(c) == self.code for c in by)})

    def _ask(self) -> Turn:
        if self.pos >= len(self.queue):
            return self._end()
        sid, _raw = self.queue[self.pos]
        seg = self.doc.segment(sid)
        assert seg is not None
        text = " ".join(self.doc.text[seg.start:seg.end].split())
        lines = [f"== {self.doc.id} {self.pos + 1}/{len(self.queue)} {sid}  {seg.speaker}",
                 f"   {text}",
                 f"{self.code} was split: " + "  ".join(
                     f"{n}={c.id} ({c.name})" for n, c in enumerate(self.into, start=1))]
        return Turn(lines, "which? (numbers or ids, several: 1,2; s skip; q quit)> ")

    def _end(self) -> Turn:
        left = len(self.queue) - self.moved
        lines = [f"Re-assigned {self.moved} of {len(self.queue)} coding"
                 f"{'' if len(self.queue) == 1 else 's'} of {self.code} in {self.doc.id}."]
        if left:
            lines.append(f"{left} left as {self.code}: run this again to finish them.")
        if self.elsewhere:
            lines.append(f"{self.code} is also on {', '.join(self.elsewhere)}: qcode code DOC "
                         f"--coder {self.coder} --recode {self.code}")
        return Turn(lines, quit=True)

    def start(self) -> Turn:
        if not self.queue:
            turn = self._end()
            turn.lines[0] = f"No codings of {self.code} by {self.coder} in {self.doc.id}."
            return turn
        return self._ask()

    def _chosen(self, text: str) -> list[Code]:
        out: list[Code] = []
        for part in (p.strip() for p in text.replace(" ", ",").split(",") if p.strip()):
            hit = [c for n, c in enumerate(self.into, start=1)
                   if part == str(n) or part.casefold() == c.id.casefold()]
            if not hit:
                raise UsageError(f"'{part}' is not one of the parts of {self.code}",
                                 hint="answer 1-" + str(len(self.into)) + ", s or q")
            out.extend(c for c in hit if c not in out)
        return out

    def handle(self, line: str) -> Turn:
        text = line.strip()
        if text.casefold() in ("q", "quit"):
            return self._end()
        if text.casefold() in ("s", "skip", ""):
            self.pos += 1
            return self._ask()
        try:
            chosen = self._chosen(text)
        except UsageError as exc:
            return Turn([f"{exc.message} ({exc.hint})"], self._ask().prompt)
        sid, raw = self.queue[self.pos]
        have = self.state.codes.get((self.doc.id, sid), {})
        first = have[raw[0]]
        events: list[EventDraft] = []
        for c in chosen:
            if c.id not in have:
                events.append({"op": "add", "doc": self.doc.id, "segment": sid,
                               "start": first.get("start") or 0, "end": first.get("end") or 0,
                               "quote": first.get("quote") or "", "code": c.id,
                               "origin": "manual"})
        events.extend(codings.remove_events(self.state, self.doc, [sid], raw))
        codings.append_events(self.project, self.coder, events)
        self.moved += 1
        self.pos += 1
        nxt = self._ask()
        return Turn([f"{sid}: {self.code} -> {', '.join(c.id for c in chosen)}", *nxt.lines],
                    nxt.prompt, nxt.quit)

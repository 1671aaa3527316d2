"""The ``ask`` walk through a disagreement queue, as a pure state machine.

The session never reads, prints or writes: a driver (``qcode reconcile`` on a terminal, or
a test) shows :meth:`AskSession.screen` and :meth:`AskSession.prompt`, passes each line the
person types to :meth:`AskSession.feed` (None at end of input), and commits the
:class:`Step`'s choice (``Reconciliation.commit``) before reading the next line. So every
decision is on disk the moment it is made, quitting keeps them all, and a new session over
what is left continues the walk (deferred segments come back).

At the choice prompt: ``1``..``N`` accept that coder's codes; ``u`` union; ``i``
intersection; ``p`` pick codes by hand (``p 1,3`` or ``p GOV-MAC-01 ECO-MIC-02``: numbers
from the code list, ids or names; ``p -`` for no code); ``d`` defer; ``s`` show the segment
again; ``?`` help; ``q`` quit. Then a rationale: Enter skips it (unless required), ``<``
goes back to the choice.

Where a coder marked less than the whole segment (spans), the choices work on positions:
``1``..``N`` take that coder's spans, ``u`` the positions any coder marked, ``i`` those
every coder marked, ``p`` the positions any coder marked with the codes picked (a code
nobody gave: the whole segment). The consensus spans are then listed, numbered, and can be
adjusted by words before the rationale: ``a 2 -1 +3`` moves span 2's start one word left
and its end three words right (``a 2 0 -1``: only the end); Enter keeps them, ``<`` goes
back to the choice.

>>> s = AskSession([], ["a", "b"])
>>> s.finished, s.feed("q").quit
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from qcode.codebook.lookup import resolve_code
from qcode.coding.fold import CoderState
from qcode.errors import QcodeError
from qcode.models import Codebook
from qcode.reconcile.assess import Pending
from qcode.reconcile.positions import Spans, adjust, merge
from qcode.reconcile.run import Choice
from qcode.reconcile.strategies import decide_spans
from qcode.reconcile.units import code_name, code_sort_key

HELP = ("1..{n}  accept that coder's codes    u  union (every code any coder gave)\n"
        "i      intersection (codes every coder gave)\n"
        "p      pick codes by hand: p 1,3 (numbers from the code list), p GOV-MAC-01, "
        "p - (no code)\n"
        "d      defer (the segment comes back next time)    s  show the segment again\n"
        "q      quit (every decision made so far is kept)    ?  this help\n"
        "spans: 1..{n}, u, i and p work on the words marked; then a K -S +E moves span K's "
        "start S words and its end E words (- left, + right), Enter keeps them")


def coder_memos(states: Iterable[CoderState]
                ) -> dict[tuple[str, str], dict[str, str]]:
    """(document, segment) -> coder -> the coder's segment memo, for the walk to show each
    coder's memo beside the disagreement."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for st in states:
        for key, text in st.memos.items():
            if text:
                out.setdefault(key, {})[st.coder] = text
    return out


@dataclass(frozen=True)
class CodeRow:
    """One code in play on the segment: its number, id, name and which coders gave it."""

    number: int
    code: str
    name: str
    given_by: tuple[bool, ...]


@dataclass(frozen=True)
class Screen:
    """What to show for the current segment."""

    index: int
    total: int
    pending: Pending
    coders: tuple[str, ...]
    rows: tuple[CodeRow, ...]
    #: (coder, memo) for each coder who wrote a segment memo here, in the coders' order
    memos: tuple[tuple[str, str], ...] = ()
    #: (coder, code, positions) where a coder marked less than the whole segment (else
    #: empty: the code table says it all)
    spans: tuple[tuple[str, str, Spans], ...] = ()

    @property
    def note(self) -> str | None:
        notes = []
        if self.pending.reason == "stale":
            ids = ", ".join(d.id for d in self.pending.stale)
            notes.append(f"decided before ({ids}), but a coder has changed their codes since")
        elif self.pending.reason == "deferred":
            notes.append("deferred earlier")
        if self.pending.settled:
            kept = ", ".join(f"{c} ({'in' if v else 'out'})"
                             for c, v in sorted(self.pending.settled.items()))
            notes.append(f"already decided, kept as decided: {kept}")
        return "; ".join(notes) or None


@dataclass
class Step:
    """The answer to one line: a message, a choice to commit now, a quit, or nothing."""

    message: str | None = None
    pending: Pending | None = None
    choice: Choice | None = None
    rationale: str | None = None
    quit: bool = False
    show: bool = False
    #: show the draft's consensus spans (:meth:`AskSession.draft_spans`) to adjust them
    spans: bool = False


@dataclass
class AskSession:
    """Walk ``queue`` in order; one :class:`Step` per line typed."""

    queue: list[Pending]
    coders: list[str]
    codebook: Codebook | None = None
    require_rationale: bool = False
    position: int = 0
    stage: str = "choose"
    draft: Choice | None = field(default=None, repr=False)
    #: (document, segment) -> coder -> that coder's segment memo (see :func:`coder_memos`)
    memos: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.queue)

    @property
    def current(self) -> Pending | None:
        return None if self.finished else self.queue[self.position]

    def _codes(self) -> list[str]:
        assert self.current is not None
        play = set().union(*self.current.unit.sets.values())
        return sorted(play, key=code_sort_key(self.codebook))

    def screen(self) -> Screen:
        pending = self.current
        assert pending is not None, "no segment left"
        sets = pending.unit.sets
        rows = tuple(CodeRow(i, c, code_name(self.codebook, c),
                             tuple(c in sets[k] for k in self.coders))
                     for i, c in enumerate(self._codes(), start=1))
        on = self.memos.get(pending.unit.key, {})
        memos = tuple((k, on[k]) for k in self.coders if on.get(k))
        unit = pending.unit
        spans = tuple((k, code, unit.coverage(k, code)) for k in self.coders
                      for code in sorted(sets[k])) if unit.spans is not None else ()
        return Screen(self.position + 1, len(self.queue), pending, tuple(self.coders), rows,
                      memos, spans)

    def draft_spans(self) -> list[tuple[int, str, int, int]]:
        """The consensus spans of the choice being made, numbered: (number, code, start,
        end); a chosen code without positions covers the whole segment."""
        pending, draft = self.current, self.draft
        if pending is None or draft is None:
            return []
        whole = (pending.unit.bounds,)
        spans = draft.spans or {}
        rows = [(code, s, e) for code in sorted(pending.final(draft.chosen))
                for s, e in spans.get(code, pending.settled_spans.get(code, whole))]
        return [(i, code, s, e) for i, (code, s, e) in enumerate(rows, start=1)]

    def prompt(self) -> str:
        if self.stage == "adjust":
            return "a K -S +E adjusts span K by words, Enter keeps them, < goes back> "
        if self.stage == "rationale":
            return ("Rationale (required, < to go back): " if self.require_rationale and
                    self.draft is not None and self.draft.outcome != "deferred"
                    else "Rationale (Enter to skip, < to go back): ")
        n = len(self.coders)
        return f"[1-{n}] accept coder, u union, i intersection, p pick, d defer, q quit, ? help> "

    def feed(self, line: str | None) -> Step:
        """Handle one line typed by the person (None: end of input, which quits)."""
        if line is None:
            return Step(quit=True)
        text = line.strip()
        if self.stage == "rationale":
            return self._rationale(text)
        if self.stage == "adjust":
            return self._adjust(text)
        if self.finished:
            return Step(quit=True)
        word, _, rest = text.partition(" ")
        word = word.lower()
        pending = self.current
        assert pending is not None
        sets = pending.unit.sets
        on_spans = pending.unit.spans is not None
        cover = pending.unit.coverages() if on_spans else {}
        if word in ("q", "quit", "exit"):
            return Step(quit=True)
        if word in ("?", "h", "help"):
            return Step(message=HELP.format(n=len(self.coders)))
        if word in ("s", "show"):
            return Step(show=True)
        if word.isdigit() and not rest:
            k = int(word)
            if not 1 <= k <= len(self.coders):
                return Step(message=f"there are {len(self.coders)} coders: type 1 to "
                                    f"{len(self.coders)}")
            coder = self.coders[k - 1]
            if on_spans:
                return self._choose(decide_spans("prefer", cover, coder))
            return self._choose(Choice("accept", sets[coder], accepted=coder))
        if word in ("u", "union"):
            if on_spans:
                return self._choose(decide_spans("union", cover))
            return self._choose(Choice("union", frozenset().union(*sets.values())))
        if word in ("i", "intersection"):
            if on_spans:
                return self._choose(decide_spans("intersection", cover))
            return self._choose(Choice("intersection",
                                       frozenset.intersection(*sets.values())))
        if word in ("d", "defer"):
            return self._choose(Choice("deferred", frozenset()))
        if word in ("p", "pick"):
            if not rest.strip():
                return Step(message="name the codes after p: p 1,3 (numbers from the code "
                                    "list), p GOV-MAC-01, or p - for no code")
            try:
                chosen = self._pick(rest)
            except QcodeError as exc:
                hint = f" ({exc.hint})" if exc.hint else ""
                return Step(message=f"{exc.message}{hint}")
            if on_spans:  # the positions any coder marked with each code picked
                every = decide_spans("union", cover).spans or {}
                return self._choose(Choice("manual", chosen, spans={
                    c: every[c] for c in chosen if c in every}))
            return self._choose(Choice("manual", chosen))
        return Step(message=f"'{text}' is not a choice; type ? for help" if text
                    else "type a choice, or ? for help")

    # ------------------------------------------------------------------ helpers

    def _choose(self, choice: Choice) -> Step:
        self.draft = choice
        pending = self.current
        if (pending is not None and pending.unit.spans is not None
                and choice.outcome != "deferred" and self.draft_spans()):
            self.stage = "adjust"
            return Step(spans=True)
        self.stage = "rationale"
        return Step()

    def _adjust(self, text: str) -> Step:
        """One line at the adjust stage: ``a K S E``, Enter (keep) or ``<`` (back)."""
        pending, draft = self.current, self.draft
        assert pending is not None and draft is not None
        if text == "<":
            self.draft, self.stage = None, "choose"
            return Step(show=True)
        if not text:
            self.stage = "rationale"
            return Step()
        parts = text.split()
        if parts[0].lower() in ("a", "adjust"):
            parts = parts[1:]
        rows = self.draft_spans()
        try:
            k, by_start, by_end = (int(x) for x in parts)
        except ValueError:
            return Step(message="type a K -S +E (e.g. a 1 -2 +1: span 1 starts two words "
                                "earlier and ends one word later), Enter to keep, < to go "
                                "back")
        if not 1 <= k <= len(rows):
            return Step(message=f"there is no span {k}: spans run from 1 to {len(rows)}")
        _, code, s, e = rows[k - 1]
        unit = pending.unit
        moved = adjust((s, e), unit.doc.text, unit.bounds, by_start, by_end)
        if moved is None:
            return Step(message=f"span {k} would hold no word; nothing was changed")
        spans = {c: sp for c, sp in (draft.spans or {}).items()}
        current = spans.get(code, pending.settled_spans.get(code, (unit.bounds,)))
        spans[code] = merge([x for x in current if x != (s, e)] + [moved])
        self.draft = Choice("manual", draft.chosen | {code}, spans=spans)
        return Step(spans=True)

    def _rationale(self, text: str) -> Step:
        assert self.draft is not None
        if text == "<":
            self.draft, self.stage = None, "choose"
            return Step(show=True)
        if not text and self.require_rationale and self.draft.outcome != "deferred":
            return Step(message="a rationale is required (--require-rationale): type one, "
                                "or < to go back")
        choice, pending = self.draft, self.current
        self.draft, self.stage = None, "choose"
        self.position += 1
        return Step(pending=pending, choice=choice, rationale=text or None,
                    show=not self.finished)

    def _pick(self, rest: str) -> frozenset[str]:
        if "," in rest:
            tokens = [t.strip() for t in rest.split(",") if t.strip()]
        else:
            tokens = rest.split()
            ids = {c.id for c in self.codebook.codes} if self.codebook is not None else set()
            if len(tokens) > 1 and not all(t.isdigit() or t in ids for t in tokens):
                tokens = [rest.strip()]  # a code name with spaces
        if tokens == ["-"]:
            return frozenset()
        codes = self._codes()
        chosen: set[str] = set()
        for tok in tokens:
            if tok.isdigit():
                k = int(tok)
                if not 1 <= k <= len(codes):
                    raise QcodeError(f"there is no code number {k} in the list",
                                     hint=f"numbers run from 1 to {len(codes)}")
                chosen.add(codes[k - 1])
            elif self.codebook is not None:
                chosen.add(resolve_code(self.codebook, tok).id)
            else:
                chosen.add(tok)
        return frozenset(chosen)

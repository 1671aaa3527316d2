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
from qcode.reconcile.run import Choice, Pending
from qcode.reconcile.units import code_name, code_sort_key

HELP = ("1..{n}  accept that coder's codes    u  union (every code any coder gave)\n"
        "i      intersection (codes every coder gave)\n"
        "p      pick codes by hand: p 1,3 (numbers from the code list), p GOV-MAC-01, "
        "p - (no code)\n"
        "d      defer (the segment comes back next time)    s  show the segment again\n"
        "q      quit (every decision made so far is kept)    ?  this help")


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
        return Screen(self.position + 1, len(self.queue), pending, tuple(self.coders), rows,
                      memos)

    def prompt(self) -> str:
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
        if self.finished:
            return Step(quit=True)
        word, _, rest = text.partition(" ")
        word = word.lower()
        pending = self.current
        assert pending is not None
        sets = pending.unit.sets
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
            return self._choose(Choice("accept", sets[coder], accepted=coder))
        if word in ("u", "union"):
            return self._choose(Choice("union", frozenset().union(*sets.values())))
        if word in ("i", "intersection"):
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
            return self._choose(Choice("manual", chosen))
        return Step(message=f"'{text}' is not a choice; type ? for help" if text
                    else "type a choice, or ? for help")

    # ------------------------------------------------------------------ helpers

    def _choose(self, choice: Choice) -> Step:
        self.draft = choice
        self.stage = "rationale"
        return Step()

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

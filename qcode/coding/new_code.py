"""A new code made while coding (``+ NAME`` or ``new NAME`` in the session).

:class:`NewCode` is a small state machine the session hands its input lines to: it checks
the name against the codes there are (a near name asks "use it?"), asks the theme and the
level, and records the code through :func:`qcode.codebook.commit.commit` -- added to the
codebook, or, when qcode.toml reserves codebook changes to named editors and the coder is
not one, proposed for review (``qcode codebook review``); the proposer may use a proposed
code meanwhile. :func:`session_codebook` is the codebook a coder is offered: no retired
codes, and the coder's own proposals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from qcode.codebook.changes import near_codes, plan_add
from qcode.codebook.commit import commit, may_edit
from qcode.codebook.history import CodeMap, code_map
from qcode.codebook.load import load
from qcode.codebook.lookup import resolve_facet
from qcode.errors import QcodeError
from qcode.models import Code, Codebook
from qcode.project import Project


def session_codebook(project: Project, coder: str, *, fresh: bool = False) -> Codebook:
    """The codes offered to ``coder``: the codebook without retired codes, with the codes
    ``coder`` proposed that are waiting for review."""
    cb = load(project.codebook_path) if fresh else project.codebook
    own = [Code(**{k: v for k, v in p.code.items() if k in Code.model_fields})
           for p in code_map(project.root).proposed_by(coder) if cb.code(str(p.code.get("id")))
           is None]
    codes = tuple(c for c in cb.codes if not c.retired) + tuple(own)
    return cb.model_copy(update={"codes": codes})


def wants_new(text: str, offered: Codebook) -> bool:
    """Whether a session input asks for a new code: ``+ NAME``, or ``new NAME`` when no
    code's name holds what was typed (``new tech`` still finds "New technology ...")."""
    if text.startswith("+"):
        return True
    low = text.casefold()
    return low.startswith("new ") and not any(low in c.name.casefold() for c in offered.codes)


@dataclass
class Step:
    """What the new-code dialogue says next: messages, and the next question (None: the
    dialogue is over, with ``code`` to apply or nothing)."""

    messages: list[str] = field(default_factory=list)
    prompt: str | None = None
    code: Code | None = None


Stage = Literal["near", "theme", "level"]


class NewCode:
    def __init__(self, project: Project, coder: str, name: str, offered: Codebook) -> None:
        self.project, self.coder = project, coder
        typed = name.strip()  # as typed: "+ NAME" or "new NAME"
        if typed.startswith("+"):
            typed = typed[1:]
        elif typed.casefold().startswith("new "):
            typed = typed[4:]
        self.name = " ".join(typed.split())
        self.offered = offered
        self.codebook = offered
        self.stage: Stage = "theme"
        self.near: Code | None = None
        self.theme: str | None = None

    def _theme_prompt(self) -> str:
        themes = ", ".join(t.id for t in self.codebook.themes)
        return f"theme for '{self.name}'? ({themes}; Enter cancels)> "

    def _level_prompt(self) -> str:
        levels = ", ".join(lv.id for lv in self.codebook.levels)
        return f"level for '{self.name}'? ({levels}; Enter cancels)> "

    def start(self) -> Step:
        if not self.name:
            return Step(["Give the new code a name: + NAME"])
        for c in self.offered.codes:
            if c.name.casefold() == self.name.casefold():
                return Step([f"{c.id} is named '{c.name}' already; using it."], code=c)
        near = near_codes(self.offered, self.name)
        if near:
            self.stage, self.near = "near", near[0]
            return Step(prompt=f"close to '{near[0].name}' ({near[0].id}); use it? [y/N]> ")
        return Step(prompt=self._theme_prompt())

    def answer(self, text: str) -> Step:
        text = text.strip()
        if self.stage == "near":
            if text.casefold() in ("y", "yes") and self.near is not None:
                return Step(code=self.near)
            self.stage = "theme"
            return Step(prompt=self._theme_prompt())
        if not text:
            return Step(["Cancelled; no code was created."])
        kind = self.stage
        try:
            facet = resolve_facet(self.codebook, kind, text)
        except QcodeError as exc:
            again = self._theme_prompt() if kind == "theme" else self._level_prompt()
            return Step([exc.message], prompt=again)
        if kind == "theme":
            self.theme = facet
            if self.codebook.levels:
                self.stage = "level"
                return Step(prompt=self._level_prompt())
            return self._create(None)
        return self._create(facet)

    def _create(self, level: str | None) -> Step:
        assert self.theme is not None
        root = self.project.root
        propose = not may_edit(root, self.coder)
        theme, name = self.theme, self.name

        def plan(cb: Codebook, cmap: CodeMap) -> dict[str, object]:
            return plan_add(cb, cmap, name, theme, level, propose=propose)

        try:
            event = commit(root, self.project.codebook_path, plan, by=self.coder)
        except QcodeError as exc:
            return Step([exc.message + (f" ({exc.hint})" if exc.hint else "")])
        new = event["new_code"]
        code = Code(**{k: v for k, v in new.items() if k in Code.model_fields})
        where = f"{code.theme} x {code.level}" if code.level else code.theme
        if propose:
            return Step([f"Proposed new code {code.id} '{code.name}' ({where}) for review "
                         f"(proposal {event['id']}): you can use it meanwhile."], code=code)
        return Step([f"New code {code.id} '{code.name}' ({where}) added to the codebook."],
                    code=code)

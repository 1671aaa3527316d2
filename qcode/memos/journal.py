"""Memos on documents, codes and the project: the journal folded from every author's log.

The logs (:mod:`qcode.memos.log`) hold events; the journal is their fold: each ``add`` makes
a memo (its id is the event's id), a later ``edit`` replaces its text (the memo remembers
when), a ``remove`` drops it. Events are applied in time order across authors (then file
and line order), so a journal folded from a git merge of two people's files is the same on
every machine.

Segment memos are not kept here: a coder writes them in the coding session (``m TEXT``),
into the coder's own log. :func:`segment_memos` turns them into the same :class:`Memo`
records, labelled by coder and segment, so ``memo list --doc D`` shows both kinds.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from qcode.codebook.history import code_map
from qcode.codebook.lookup import resolve_code
from qcode.coding.fold import CoderState
from qcode.coding.store import validate_coder_name
from qcode.documents.log import document_map
from qcode.errors import NotFoundError, UsageError
from qcode.memos.log import BadLine, append_event, read_events
from qcode.project import Project

#: the shortest id prefix ``memo remove`` accepts
MIN_PREFIX = 4


@dataclass(frozen=True, slots=True)
class Memo:
    """One memo as it stands now. ``on`` is doc, code, project or segment; ``target`` the
    document or code id (None for the project); ``segment`` the segment id of a segment
    memo, whose ``id`` and ``time`` are None (it lives in the coder's log)."""

    id: str | None
    on: str
    target: str | None
    author: str
    time: str | None
    text: str
    segment: str | None = None
    edited: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "on": self.on, "target": self.target, "segment": self.segment,
                "author": self.author, "time": self.time, "edited": self.edited,
                "text": self.text}


@dataclass
class Journal:
    """The memos of a project now (in the order they were written), what was removed, and
    the log lines that could not be read."""

    memos: dict[str, Memo] = field(default_factory=dict)
    removed: dict[str, Memo] = field(default_factory=dict)
    bad: list[BadLine] = field(default_factory=list)

    def on(self, subject: str, target: str | None = None) -> list[Memo]:
        return [m for m in self.memos.values()
                if m.on == subject and (target is None or m.target == target)]


def default_author() -> str:
    """``$USER``, else the login name the system knows."""
    name = os.environ.get("USER", "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):  # no USER, LOGNAME... and no passwd entry
            name = ""
    if not name:
        raise UsageError("cannot tell who is writing this memo",
                         hint="name the author: --author NAME")
    return name


def resolve_author(author: str | None) -> str:
    """The author of a new event: ``author`` or :func:`default_author`, checked as a file
    name (the author's log is ``memos/<author>.jsonl``)."""
    name = author if author is not None else default_author()
    try:
        return validate_coder_name(name)
    except UsageError as exc:
        raise UsageError(f"'{name}' is not a valid memo author",
                         hint=(exc.hint or "") + (
                             "; name the author with --author NAME" if author is None
                             else "")) from None


def read_journal(project: Project) -> Journal:
    """Fold every author's memo log into the journal. A memo on a code follows the code
    through the codebook's changes (renamed, moved to a new id, merged: it is on the code
    that holds the codings now), and a memo on a document follows a ``docs rename``, as
    codings do."""
    logs = read_events(project)
    journal = Journal(bad=logs.bad)
    codes = code_map(project.root)
    docs = document_map(project)
    order = sorted(range(len(logs.events)), key=lambda i: (logs.events[i]["time"], i))
    for i in order:
        ev = logs.events[i]
        if ev["op"] == "add":
            if ev["id"] not in journal.memos and ev["id"] not in journal.removed:
                target = ev.get("target")
                if ev["on"] == "code" and target is not None:
                    target = codes.current(target)
                elif ev["on"] == "doc" and target is not None:
                    target = docs.current(target)
                journal.memos[ev["id"]] = Memo(ev["id"], ev["on"], target,
                                               ev["author"], ev["time"], ev["text"])
        elif ev["op"] == "edit":
            memo = journal.memos.get(ev["memo"])
            if memo is not None:
                journal.memos[memo.id or ""] = replace(memo, text=ev["text"],
                                                       edited=ev["time"])
        else:
            memo = journal.memos.pop(ev["memo"], None)
            if memo is not None:
                journal.removed[ev["memo"]] = memo
    return journal


def _subject(project: Project, on: str, target: str | None) -> str | None:
    """The stored target of a new memo: a document id that exists, a code's id (looked up
    by id or name), or None for the project."""
    if on == "project":
        return None
    if target is None or not target.strip():
        what = "document" if on == "doc" else "code"
        raise UsageError(f"name the {what} of the memo",
                         hint=f"--{on} {'N01' if on == 'doc' else 'GOV-MAC-01'}")
    if on == "code":
        return resolve_code(project.codebook, target).id
    return project.resolve_document(target)  # an id or a unique prefix, else named


def _text(text: str) -> str:
    if not text.strip():
        raise UsageError("the memo is empty", hint="write the memo's text after the options")
    return text.strip()


def add_memo(project: Project, *, on: str, target: str | None, text: str,
             author: str | None = None) -> Memo:
    """Write a new memo on a document, a code or the project; return it once it is saved."""
    if on not in ("doc", "code", "project"):
        raise UsageError(f"a memo is on a doc, a code or the project, not '{on}'")
    body = _text(text)
    subject = _subject(project, on, target)
    who = resolve_author(author)
    ev = append_event(project, who, {"op": "add", "on": on, "target": subject, "text": body})
    return Memo(ev["id"], on, subject, who, ev["time"], body)


def find_memo(journal: Journal, memo_id: str) -> Memo:
    """The memo with this id, or the one whose id starts with it (at least
    :data:`MIN_PREFIX` characters)."""
    wanted = memo_id.strip().lower()
    if wanted in journal.memos:
        return journal.memos[wanted]
    if wanted in journal.removed:
        raise NotFoundError(f"memo {wanted} was removed already",
                            hint="list the memos: qcode memo list")
    hits = [m for k, m in journal.memos.items() if len(wanted) >= MIN_PREFIX
            and k.startswith(wanted)]
    gone = [k for k in journal.removed if len(wanted) >= MIN_PREFIX and k.startswith(wanted)]
    if not hits and len(gone) == 1:
        raise NotFoundError(f"memo {gone[0]} was removed already",
                            hint="list the memos: qcode memo list")
    if len(hits) > 1:
        raise UsageError(f"memo id '{wanted}' is ambiguous: "
                         f"{', '.join(sorted(m.id or '' for m in hits))}",
                         hint="give more of the id")
    if not hits:
        raise NotFoundError(f"no memo '{wanted}' in this project",
                            hint="list the memos and their ids: qcode memo list")
    return hits[0]


def remove_memo(project: Project, memo_id: str, author: str | None = None) -> Memo:
    """Remove a memo: a tombstone event in the remover's log (the text stays in history)."""
    memo = find_memo(read_journal(project), memo_id)
    who = resolve_author(author)
    append_event(project, who, {"op": "remove", "memo": memo.id})
    return memo


def edit_memo(project: Project, memo_id: str, text: str, author: str | None = None) -> Memo:
    """Give a memo new text: an edit event in the editor's log."""
    memo = find_memo(read_journal(project), memo_id)
    body = _text(text)
    who = resolve_author(author)
    ev = append_event(project, who, {"op": "edit", "memo": memo.id, "text": body})
    return replace(memo, text=body, edited=ev["time"])


def segment_memos(states: Iterable[CoderState], docs: Iterable[str] | None = None
                  ) -> list[Memo]:
    """The coders' segment memos (from their logs), by document, segment and coder."""
    wanted = None if docs is None else set(docs)
    out = [Memo(None, "segment", doc, st.coder, None, text, segment=seg)
           for st in states for (doc, seg), text in st.memos.items()
           if text and (wanted is None or doc in wanted)]
    return sorted(out, key=lambda m: (m.target or "", m.segment or "", m.author))


def select(journal: Journal, *, docs: Iterable[str] = (), codes: Iterable[str] = (),
           project_memos: bool = False, authors: Iterable[str] = ()) -> list[Memo]:
    """The journal's memos that match: on one of ``docs`` or ``codes``, or on the project
    when ``project_memos`` (no subject given: every memo); by one of ``authors`` if given."""
    docs, codes, who = set(docs), set(codes), set(authors)
    every = not (docs or codes or project_memos)
    return [m for m in journal.memos.values()
            if (every or (m.on == "doc" and m.target in docs)
                or (m.on == "code" and m.target in codes)
                or (m.on == "project" and project_memos))
            and (not who or m.author in who)]

"""``qcode status``: what changed in the project since this machine last looked.

After a ``git pull`` a coder or the lead wants to know what came in: new and removed
codings per coder, documents added, replaced or removed, codebook changes, reconciliation
decisions that went stale, and documents coders marked done. A *look* is a snapshot of
those facts kept in ``.status.seen`` at the project root (machine-local: ignored by git, as
each clone has its own last look). :func:`project_status` compares the project with it.

The decision, as git does it for ``git fetch`` and ``FETCH_HEAD``: every ``qcode status``
is a look, so it reports what changed since the previous status and then records now as
seen; ``qcode status --peek`` reports without recording. The first status in a clone
reports everything as new.

Problems that are not changes (a coder log with git conflict markers, a log that lost
lines this machine had read) are reported on every status until they are settled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode._io import atomic
from qcode._io.nofollow import read_nofollow
from qcode.codebook.history import read_history
from qcode.coding.checkpoint import Columns
from qcode.coding.conflicts import CONFLICT
from qcode.coding.fold import CoderState
from qcode.coding.store import coder_names, load_state, unchanged_columns
from qcode.coding.usable import Known, known_parts, usable_state
from qcode.errors import QcodeError
from qcode.project import Project, now_iso
from qcode.reconcile.ledger import read_ledger, reconciliation_names
from qcode.reconcile.status import StaleDecision
from qcode.reconcile.status import status as reconciliation_status

SEEN_FILE = ".status.seen"
FORMAT = 1


@dataclass
class CoderChange:
    """One coder's changes: codings added and removed (per document), documents marked
    done or reopened."""

    coder: str
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    new_coder: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.done or self.reopened)

    def as_dict(self) -> dict[str, Any]:
        return {"coder": self.coder, "new_coder": self.new_coder,
                "codings_added": sum(self.added.values()),
                "codings_removed": sum(self.removed.values()),
                "documents": sorted(set(self.added) | set(self.removed)),
                "completed": self.done, "reopened_documents": self.reopened}


@dataclass
class Status:
    """What changed since ``since`` (None: this machine never looked)."""

    since: str | None
    coders: list[CoderChange]
    docs_added: list[str]
    docs_replaced: list[str]
    docs_removed: list[str]
    codebook_changes: list[dict[str, Any]]
    codebook_edited: bool
    stale: list[tuple[str, int, int]]  # (reconciliation, stale now, newly stale)
    log_problems: list[tuple[str, str, str]]  # (coder, kind, message)
    marked_seen: bool = False

    @property
    def changed(self) -> bool:
        return bool(any(self.coders) or self.docs_added or self.docs_replaced
                    or self.docs_removed or self.codebook_changes or self.codebook_edited
                    or any(new for _, _, new in self.stale))

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since, "changed": self.changed, "marked_seen": self.marked_seen,
            "coders": [c.as_dict() for c in self.coders if c],
            "documents_added": self.docs_added, "documents_replaced": self.docs_replaced,
            "documents_removed": self.docs_removed,
            "codebook": {"edited": self.codebook_edited, "changes": self.codebook_changes},
            "stale_reconciliations": [{"name": n, "stale_decisions": s,
                                       "new_stale_decisions": new}
                                      for n, s, new in self.stale],
            "log_problems": [{"coder": c, "kind": k, "message": m}
                             for c, k, m in self.log_problems],
        }


def _short(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def _coder_look(st: CoderState) -> dict[str, Any]:
    by_doc: dict[str, list[str]] = {}
    for (doc, seg), on in st.spans.items():
        keys = by_doc.setdefault(doc, [])
        keys.extend(_short(f"{seg}\t{code}\t{s}\t{e}") for code, s, e in on)
    return {"codings": by_doc, "done": sorted(st.done)}


def _columns_look(cols: Columns) -> dict[str, Any]:
    """:func:`_coder_look` of the state the checkpoint's columns hold (the same codings in
    the same order; a span without offsets is keyed -1, -1 in the state)."""
    by_doc: dict[str, list[str]] = {}
    for (doc, seg), code, s, e in zip(cols.key, cols.code, cols.start, cols.end,
                                      strict=True):
        by_doc.setdefault(doc, []).append(
            _short(f"{seg}\t{code}\t{-1 if s is None else s}\t{-1 if e is None else e}"))
    return {"codings": by_doc, "done": sorted(cols.rest.done)}


def _file_hash(path: Path) -> str | None:
    try:
        return _short(read_nofollow(path))
    except (OSError, QcodeError):
        return None


def take_look(project: Project) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The facts a look records, and the coder logs' problems (not recorded)."""
    coders: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    folded: dict[str, CoderState] = {}
    for coder in coder_names(project):
        # an unchanged log's codings straight from its checkpoint (no event dicts); the
        # state is folded later only if a reconciliation needs it
        cols = unchanged_columns(project, coder, quotes=False)
        if cols is not None:
            coders[coder], st = _columns_look(cols), cols.rest
        else:
            st = folded[coder] = load_state(project, coder)
            coders[coder] = _coder_look(st)
        for p in st.problems:
            if p.reason.startswith(CONFLICT):
                problems.append((coder, "log_conflict", f"line {p.line}: {p.reason}"))
        if st.not_append:
            problems.append((coder, "rewritten_log", st.not_append))
    docs = {d: _file_hash(project.document_path(d)) for d in project.document_ids()}
    stale: dict[str, list[str]] = {}
    usable = _Usable(project, folded, set(coders))
    for name in reconciliation_names(project):
        with contextlib.suppress(QcodeError):  # qcode check names what cannot be read
            stale[name] = sorted(d.decision for d in _stale(project, name, usable))
    look = {"format": FORMAT, "time": now_iso(), "coders": coders, "documents": docs,
            "codebook": _file_hash(project.codebook_path),
            "codebook_events": [str(ev["id"]) for ev in read_history(project.root).events],
            "stale": stale}
    return look, problems


class _Usable:
    """The usable states of the coders folded for the look, each made once, on demand
    (codings of what is not in the project left out, as a reconciliation reads them)."""

    def __init__(self, project: Project, folded: dict[str, CoderState],
                 logged: set[str]) -> None:
        self.project, self.folded, self.logged = project, folded, logged
        self._known: Known | None = None
        self._made: dict[str, CoderState] = {}

    def state(self, coder: str) -> CoderState | None:
        """The coder's folded log (folded now if the look read it from its checkpoint);
        None for a coder without a log."""
        if coder not in self.folded and coder in self.logged:
            self.folded[coder] = load_state(self.project, coder)
        return self.folded.get(coder)

    def states(self, coders: list[str]) -> list[CoderState] | None:
        """The usable states of ``coders``, in order; None when one has no log (the
        reconciliation's own reading then names it)."""
        if any(self.state(c) is None for c in coders):
            return None
        if self._known is None:
            self._known = known_parts(self.project)
        for c in coders:
            if c not in self._made:
                self._made[c] = usable_state(self.folded[c], self._known)
        return [self._made[c] for c in coders]


def _stale(project: Project, name: str, usable: _Usable) -> list[StaleDecision]:
    """The stale decisions of reconciliation ``name``, from the states the look folded
    (each coder log is folded once per status, not again for each reconciliation)."""
    ledger = read_ledger(project, name)
    coders = list(ledger.coders or ())
    report = reconciliation_status(project, name, ledger=ledger,
                                   states=usable.states(coders) if coders else None,
                                   consensus=usable.state(name))
    return list(report.stale)


def _last_look(project: Project) -> dict[str, Any] | None:
    try:
        look = json.loads(read_nofollow(project.root / SEEN_FILE))
    except (OSError, QcodeError, ValueError):
        return None
    return look if isinstance(look, dict) and look.get("format") == FORMAT else None


def _coder_change(coder: str, now: dict[str, Any], then: dict[str, Any] | None
                  ) -> CoderChange:
    change = CoderChange(coder, new_coder=then is None)
    before = (then or {}).get("codings", {})
    for doc in sorted(set(now["codings"]) | set(before)):
        a, b = Counter(now["codings"].get(doc, ())), Counter(before.get(doc, ()))
        if n := sum((a - b).values()):
            change.added[doc] = n
        if n := sum((b - a).values()):
            change.removed[doc] = n
    done_then = set((then or {}).get("done", ()))
    change.done = sorted(set(now["done"]) - done_then)
    change.reopened = sorted(done_then - set(now["done"]))
    return change


def _codebook_changes(project: Project, seen: set[str]) -> list[dict[str, Any]]:
    out = []
    for ev in read_history(project.root).events:
        if str(ev["id"]) in seen:
            continue
        item = {"op": ev.get("op"), "code": ev.get("code"), "by": ev.get("by"),
                "at": ev.get("at")}
        for key in ("new_id", "into", "codes"):
            if ev.get(key) is not None:
                item[key] = ev[key]
        out.append(item)
    return out


def project_status(project: Project, *, mark_seen: bool = True) -> Status:
    """What changed since this machine's last look; with ``mark_seen``, now is recorded as
    the last look (a file that cannot be written is no reason to fail: it is skipped)."""
    look, problems = take_look(project)
    then = _last_look(project)
    prev: dict[str, Any] = then or {}
    coders = [_coder_change(c, now, prev.get("coders", {}).get(c))
              for c, now in look["coders"].items()]
    docs_then: dict[str, Any] = prev.get("documents", {})
    docs_now: dict[str, Any] = look["documents"]
    stale = []
    for name, ids in look["stale"].items():
        new = len(set(ids) - set(prev.get("stale", {}).get(name, ())))
        if ids:
            stale.append((name, len(ids), new))
    result = Status(
        since=prev.get("time"), coders=coders,
        docs_added=sorted(set(docs_now) - set(docs_then)),
        docs_replaced=sorted(d for d in docs_now if d in docs_then
                             and docs_now[d] != docs_then[d]),
        docs_removed=sorted(set(docs_then) - set(docs_now)),
        codebook_changes=_codebook_changes(project, set(prev.get("codebook_events", ()))),
        codebook_edited=then is not None and look["codebook"] != prev.get("codebook"),
        stale=stale, log_problems=problems)
    if mark_seen:
        with contextlib.suppress(OSError, QcodeError):
            atomic.write_bytes(project.root / SEEN_FILE, json.dumps(look).encode("utf-8"))
            result.marked_seen = True
    return result

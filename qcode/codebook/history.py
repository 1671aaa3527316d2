"""The codebook's change log, ``codebook.log.jsonl`` at the project root.

One JSON object a line, appended under the codebook lock with fsync and never rewritten:
who (``$USER``, else the login name), when, the operation and its arguments, an optional
why, and the SHA-256 of ``codebook.yaml`` before and after the change (how a change whose
YAML rewrite a kill interrupted is found and redone: :mod:`qcode.codebook.changes`).

Coders' logs are never rewritten either: :func:`code_map` folds this log into a
:class:`CodeMap` (old id -> current id, retired codes, codes split and waiting for their
codings to be re-assigned, proposed codes waiting for review), and codings follow it when
they are read (:mod:`qcode.coding.usable`).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode._io.atomic import fsync_dir
from qcode._io.locking import exclusive
from qcode._io.nofollow import open_nofollow, read_nofollow
from qcode._io.write_errors import REFUSED, write_failed

LOG_NAME = "codebook.log.jsonl"
LOCK_NAME = ".codebook.lock"

#: operations that change codebook.yaml (a proposal and a rejection do not)
YAML_OPS = frozenset({"add", "edit", "rename", "move", "merge", "split", "retire", "accept"})


def log_path(root: Path) -> Path:
    return root / LOG_NAME


def lock_path(root: Path) -> Path:
    return root / LOCK_NAME


def who() -> str:
    """The person making a change: ``$USER``, else the login name."""
    name = os.environ.get("USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name on this system
        return "unknown"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class History:
    """The events of the log in order, and the lines that could not be read."""

    events: tuple[dict[str, Any], ...]
    damaged_lines: tuple[int, ...] = ()


def read_history(root: Path) -> History:
    """Every readable event of the project's codebook log (an absent log: none)."""
    try:
        data = read_nofollow(log_path(root))
    except FileNotFoundError:
        return History(())
    events: list[dict[str, Any]] = []
    damaged: list[int] = []
    for n, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            damaged.append(n)
            continue
        if not isinstance(ev, dict) or not isinstance(ev.get("op"), str) \
                or not isinstance(ev.get("id"), str):
            damaged.append(n)
            continue
        events.append(ev)
    return History(tuple(events), tuple(damaged))


def append_event(root: Path, event: Mapping[str, Any]) -> None:
    """Append one event as one line and fsync it (the caller holds the codebook lock)."""
    path = log_path(root)
    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        is_new = not path.exists()
        fd = open_nofollow(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
        try:
            size = os.fstat(fd).st_size
            if size:
                os.lseek(fd, size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":  # close a torn line so it cannot swallow ours
                    payload = b"\n" + payload
            view = memoryview(payload + b"\n")
            try:
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, size)
                raise
        finally:
            os.close(fd)
        if is_new:
            fsync_dir(root)
    except OSError as exc:
        if exc.errno in REFUSED:
            raise write_failed(path, exc, "the codebook was not changed") from None
        raise


def locked(root: Path) -> Any:
    """The codebook lock (exclusive): one change at a time."""
    return exclusive(lock_path(root))


# ------------------------------------------------------------------ the code map


@dataclass(frozen=True)
class Proposal:
    """A code proposed by someone who may not change the codebook, waiting for review."""

    id: str  # the proposal event's id
    code: dict[str, Any]
    by: str
    at: str
    why: str | None = None


@dataclass(frozen=True)
class CodeMap:
    """Where codings of each code id stand now, folded from the codebook log."""

    #: old id -> current id (rename, move with a new id, merge, a proposal merged)
    renamed: Mapping[str, str] = field(default_factory=dict)
    #: current ids of retired codes (their codings are kept and shown as retired)
    retired: frozenset[str] = frozenset()
    #: current id of a split code -> the ids its codings are to be re-assigned to
    splits: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: proposals not yet accepted, merged or rejected, by proposal id
    proposed: Mapping[str, Proposal] = field(default_factory=dict)

    def current(self, code: str) -> str:
        return self.renamed.get(code, code)

    def proposed_by(self, person: str) -> list[Proposal]:
        return [p for p in self.proposed.values() if p.by == person]

    def follow(self, by_code: dict[str, Any]) -> dict[str, Any]:
        """One segment's ``{code: coding}`` with each code under its current id; two codes
        merged into one give one coding (the one already under the current id, else the
        first)."""
        if not self.renamed or self.renamed.keys().isdisjoint(by_code):
            return by_code
        out: dict[str, Any] = {}
        for code, ev in by_code.items():
            now = self.renamed.get(code, code)
            if now not in out or code == now:
                out[now] = ev
        return out


def _rename(renamed: dict[str, str], old: str, new: str) -> None:
    for k, v in list(renamed.items()):
        if v == old:
            renamed[k] = new
    renamed.pop(new, None)  # an id in use again is its own code
    if old != new:
        renamed[old] = new


def fold(events: Iterable[Mapping[str, Any]]) -> CodeMap:
    """The :class:`CodeMap` after ``events`` (oldest first)."""
    renamed: dict[str, str] = {}
    retired: set[str] = set()
    splits: dict[str, tuple[str, ...]] = {}
    proposed: dict[str, Proposal] = {}

    def moved(old: str, new: str) -> None:
        _rename(renamed, old, new)
        if old in retired:
            retired.discard(old)
            retired.add(new)
        if old in splits:
            splits[new] = splits.pop(old)
        for a, into in list(splits.items()):
            splits[a] = tuple(new if c == old else c for c in into)

    for ev in events:
        op = ev.get("op")
        if op in ("rename", "move") and ev.get("new_id") and ev.get("code"):
            moved(str(ev["code"]), str(ev["new_id"]))
        elif op == "merge":
            into = str(ev.get("into"))
            for src in ev.get("codes") or ():
                if src != into:  # a merged code's pending split or retirement ends with it
                    splits.pop(str(src), None)
                    retired.discard(str(src))
                    moved(str(src), into)
        elif op == "split":
            a = str(ev.get("code"))
            splits[a] = tuple(str(c["id"]) if isinstance(c, dict) else str(c)
                              for c in ev.get("parts") or ())
            retired.add(a)
        elif op == "retire":
            retired.add(str(ev.get("code")))
        elif op == "propose" and isinstance(ev.get("new_code"), dict):
            proposed[str(ev["id"])] = Proposal(str(ev["id"]), dict(ev["new_code"]),
                                               str(ev.get("by", "")), str(ev.get("at", "")),
                                               ev.get("why"))
        elif op in ("accept", "reject") and ev.get("proposal"):
            proposed.pop(str(ev["proposal"]), None)
        elif op == "merge_proposal" and ev.get("proposal"):
            prop = proposed.pop(str(ev["proposal"]), None)
            if prop is not None:
                moved(str(prop.code.get("id")), str(ev.get("into")))
    return CodeMap(renamed, frozenset(retired), splits, proposed)


def code_map(root: Path) -> CodeMap:
    """The project's :class:`CodeMap` (an empty one when the codebook has no log)."""
    return fold(read_history(root).events)


def involves(ev: Mapping[str, Any], ids: set[str]) -> bool:
    """Whether a log event concerns one of ``ids`` (for ``codebook history --code``)."""
    named: set[str] = set()
    for key in ("code", "new_id", "into"):
        if isinstance(ev.get(key), str):
            named.add(ev[key])
    for key in ("codes", "parts"):
        if isinstance(ev.get(key), list):
            named.update(c["id"] if isinstance(c, dict) else str(c) for c in ev[key])
    for key in ("new_code",):
        if isinstance(ev.get(key), dict):
            named.add(str(ev[key].get("id")))
    return not named.isdisjoint(ids)


def aliases(cmap: CodeMap, code: str) -> set[str]:
    """``code`` and every id whose codings now follow it (for history of one code)."""
    now = cmap.current(code)
    return {code, now, *(old for old, new in cmap.renamed.items() if new == now)}

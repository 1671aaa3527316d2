"""The memo logs, ``memos/<author>.jsonl``: one append-only journal per author.

One file per author, as one per coder for codings, so two people never write the same file
and a git merge of two journals never conflicts. Every line is one JSON event with its own
``id``; a memo is never rewritten: an edit is an ``edit`` event naming the memo, a removal a
``remove`` event (a tombstone). The memo's text stays in the history.

An append takes the author's lock exclusively, opens the file without following links, with
``O_APPEND``, closes a torn last line (a killed write) with a newline first so it cannot
swallow the new line, writes the whole line with one loop, and fsyncs the file (and the
folder when the file is new) before it returns: a memo a command confirmed survives a crash,
Ctrl-C or kill. Readers take the lock shared; a line that cannot be read (torn by a kill, a
bad hand edit) is skipped and counted with its file and line, never silently.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qcode._io.atomic import fsync_dir
from qcode._io.gitignore import ensure_gitignore
from qcode._io.locking import exclusive, shared
from qcode._io.nofollow import open_nofollow, read_nofollow, refuse_linked_folder
from qcode._io.write_errors import REFUSED, write_failed
from qcode.errors import ProjectDamagedError
from qcode.project import Project

FOLDER = "memos"
#: what a memo is about; segment memos live in the coder logs (``m TEXT`` in a session)
SUBJECTS = ("doc", "code", "project")
OPS = ("add", "edit", "remove")


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line of a memo log that could not be read (skipped)."""

    path: Path
    line: int


@dataclass
class LogsRead:
    """Every readable event of every author's log, and the lines that were not."""

    events: list[dict[str, Any]] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)


def memos_dir(project: Project) -> Path:
    return project.root / FOLDER


def log_path(project: Project, author: str) -> Path:
    return memos_dir(project) / f"{author}.jsonl"


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.lock")


def new_id() -> str:
    """A fresh event id: 12 hex digits of a random UUID (unique across authors' files)."""
    return uuid.uuid4().hex[:12]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def event_ok(ev: object) -> bool:
    """Whether a parsed line is an event qcode can use (untrusted JSON from a shared file)."""
    if not isinstance(ev, dict):
        return False
    if not all(isinstance(ev.get(k), str) and ev.get(k) for k in ("id", "op", "author", "time")):
        return False
    op = ev["op"]
    if op == "add":
        return (ev.get("on") in SUBJECTS and isinstance(ev.get("text"), str)
                and (ev.get("target") is None if ev["on"] == "project"
                     else isinstance(ev.get("target"), str) and bool(ev["target"])))
    if op == "edit":
        return isinstance(ev.get("memo"), str) and isinstance(ev.get("text"), str)
    if op == "remove":
        return isinstance(ev.get("memo"), str)
    return False


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def append_event(project: Project, author: str, draft: Mapping[str, Any]) -> dict[str, Any]:
    """Append one event (``draft`` without id, author, time) to ``author``'s log; return the
    event as written, once it is on disk."""
    folder = memos_dir(project)
    refuse_linked_folder(folder)
    path = log_path(project, author)
    event = {"id": new_id(), **draft, "author": author, "time": now()}
    line = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ensure_gitignore(project.root)  # its '.*.lock' keeps the lock files out of git
        with exclusive(lock_path(path)):
            is_new = not path.exists()
            fd = open_nofollow(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = b"\n" + line  # close a torn line so it cannot swallow ours
                try:
                    _write_all(fd, line)
                except OSError:
                    # never leave part of a line behind (e.g. a full disk)
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, size)
                    raise
                os.fsync(fd)
                if is_new:
                    fsync_dir(folder)  # the new file's name must survive a power cut
            finally:
                os.close(fd)
    except OSError as exc:
        if exc.errno in REFUSED:
            raise write_failed(path, exc, "the memo was not saved") from None
        raise ProjectDamagedError(
            f"cannot write {path} ({exc.strerror or type(exc).__name__}); the memo was not "
            "saved", hint="check the folder's permissions and the free disk space, then "
                          "repeat it") from None
    return event


def read_events(project: Project) -> LogsRead:
    """The events of every author's log (file by file, in line order), skipping and naming
    lines that cannot be read."""
    folder = memos_dir(project)
    out = LogsRead()
    if not folder.is_dir():
        return out
    refuse_linked_folder(folder)
    for path in sorted(folder.glob("*.jsonl")):
        with shared(lock_path(path)):
            try:
                data = read_nofollow(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise ProjectDamagedError(
                    f"cannot read {path} ({exc.strerror or type(exc).__name__})",
                    hint="check the file and its permissions") from None
        for number, raw in enumerate(data.split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                ev = json.loads(raw)
            except ValueError:
                ev = None
            if event_ok(ev):
                out.events.append(ev)
            else:
                out.bad.append(BadLine(path, number))
    return out

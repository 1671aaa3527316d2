"""``documents.log.jsonl``: the append-only record of document renames, removals (to the
archive) and restores, and :class:`DocMap`, what readers of codings make of it.

One JSON object per line: ``{"op": "rename", "old": ID, "new": ID, "at": TIME}``,
``{"op": "remove", "doc": ID, "at": TIME}`` or ``{"op": "restore", "doc": ID, "at": TIME}``.
Appends are locked and fsynced; a torn or damaged line is skipped and counted in
``DocMap.unreadable`` (``qcode check`` names it). Being append-only, two people's
additions merge in git without rewriting each other's lines.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from qcode._io.nofollow import NOFOLLOW, read_nofollow
from qcode._io.write_errors import write_failed
from qcode.project import Project, now_iso

LOG_NAME = "documents.log.jsonl"
V = TypeVar("V")


@dataclass(frozen=True)
class DocMap:
    """Where documents named in codings stand now: ``renamed`` maps every former id to the
    current one (chains followed), ``archived`` holds the current ids of removed
    documents. Empty (false) in a project that never renamed or removed one."""

    renamed: Mapping[str, str] = field(default_factory=dict)
    archived: frozenset[str] = frozenset()
    unreadable: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.renamed or self.archived)

    def current(self, doc: str) -> str:
        return self.renamed.get(doc, doc)

    def key(self, doc: str, segment: str) -> tuple[str, str]:
        """``(doc, segment)`` under the document's current id (``OLD:0003`` -> ``NEW:0003``)."""
        new = self.renamed.get(doc)
        if new is None:
            return doc, segment
        if segment.startswith(doc + ":"):
            segment = new + segment[len(doc):]
        return new, segment

    def follow_keys(self, by_key: Mapping[tuple[str, str], V]
                    ) -> tuple[dict[tuple[str, str], V], dict[str, int]]:
        """``by_key`` under current ids, without the archived documents' entries, and how
        many entries each archived document had. Two former ids of one segment cannot
        both hold values (a former id is never used again), so nothing is overwritten."""
        out: dict[tuple[str, str], V] = {}
        archived: dict[str, int] = {}
        for (doc, seg), value in by_key.items():
            key = self.key(doc, seg)
            if key[0] in self.archived:
                archived[key[0]] = archived.get(key[0], 0) + (
                    len(value) if isinstance(value, dict) else 1)
                continue
            out[key] = value
        return out, archived

    def follow_ids(self, ids: Iterable[str]) -> set[str]:
        """Document ids (a coder's completed documents) under current ids, archived out."""
        return {c for c in (self.current(d) for d in ids) if c not in self.archived}


#: the map of a project that never renamed or removed a document
UNCHANGED = DocMap()


def log_path(project: Project) -> Path:
    return project.root / LOG_NAME


def read_events(project: Project) -> tuple[list[dict[str, Any]], list[int]]:
    """The log's events in order, and the numbers of the lines that could not be read."""
    try:
        data = read_nofollow(log_path(project))
    except FileNotFoundError:
        return [], []
    events: list[dict[str, Any]] = []
    bad: list[int] = []
    for n, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            bad.append(n)
            continue
        if not _valid(ev):
            bad.append(n)
            continue
        events.append(ev)
    return events, bad


def _valid(ev: object) -> bool:
    if not isinstance(ev, dict):
        return False
    if ev.get("op") == "rename":
        return isinstance(ev.get("old"), str) and isinstance(ev.get("new"), str)
    return ev.get("op") in ("remove", "restore") and isinstance(ev.get("doc"), str)


def doc_map_of(events: Iterable[dict[str, Any]], unreadable: Iterable[int] = ()) -> DocMap:
    renamed: dict[str, str] = {}
    archived: set[str] = set()
    for ev in events:
        if ev["op"] == "rename":
            old, new = ev["old"], ev["new"]
            for former, now in renamed.items():
                if now == old:
                    renamed[former] = new
            renamed[old] = new
            renamed.pop(new, None)
            if old in archived:
                archived.discard(old)
                archived.add(new)
        elif ev["op"] == "remove":
            archived.add(ev["doc"])
        else:
            archived.discard(ev["doc"])
    return DocMap(renamed, frozenset(archived), tuple(unreadable))


def document_map(project: Project) -> DocMap:
    """The project's :class:`DocMap` (empty when it has no ``documents.log.jsonl``)."""
    events, bad = read_events(project)
    return doc_map_of(events, bad) if events or bad else DocMap()


def append_event(project: Project, event: dict[str, Any]) -> None:
    """Append one event, locked and fsynced; a torn last line left by a kill is closed
    first so the new event starts on a line of its own."""
    path = log_path(project)
    line = json.dumps({**event, "at": now_iso()}, ensure_ascii=False) + "\n"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | NOFOLLOW, 0o644)
    except OSError as exc:
        raise write_failed(path, exc, "nothing was changed") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        prefix = b""
        if size and os.pread(fd, 1, size - 1) != b"\n":
            prefix = b"\n"
        os.write(fd, prefix + line.encode("utf-8"))
        os.fsync(fd)
    except OSError as exc:
        raise write_failed(path, exc, "the change may not have been recorded") from None
    finally:
        os.close(fd)

"""Coders' append-only event logs (``codings/<coder>.jsonl``) and their current state.

Each line is one :class:`qcode.models.CodingEvent` in JSON. Appends take an exclusive file
lock, end with flush + fsync, and only then report success, so every action a command
confirms survives a crash, Ctrl-C or kill. A torn last line (a crash mid-write) is
detected on reading, reported, and skipped; the next append starts on a fresh line, so it
never takes good lines with it. The current state of a coder is the fold of the log.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ConflictError, NotFoundError, UsageError
from .locking import exclusive
from .models import Coding, CodingEvent, Document, Origin

try:  # orjson parses large logs about three times faster; json is the fallback
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads

CODER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


# ----------------------------------------------------------------------------- coders


def validate_coder_name(name: str) -> str:
    """Check that a coder name is a safe file name; return it unchanged.

    >>> validate_coder_name("ingrid")
    'ingrid'
    """
    if not CODER_RE.match(name) or name.lower() in _RESERVED:
        raise UsageError(
            f"'{name}' is not a valid coder name",
            hint="use 1-32 letters, digits, '-' or '_', starting with a letter or digit",
        )
    return name


def coder_names(project: Any) -> list[str]:
    """Every coder with a log in the project, sorted case-insensitively."""
    folder: Path = project.codings_dir
    if not folder.is_dir():
        return []
    return sorted((p.stem for p in folder.glob("*.jsonl") if CODER_RE.match(p.stem)),
                  key=str.casefold)


def log_path(project: Any, coder: str, *, create: bool = False) -> Path:
    """The log file of ``coder``. Names are unique regardless of case: ``Ingrid`` and
    ``ingrid`` are refused as two coders."""
    validate_coder_name(coder)
    for existing in coder_names(project):
        if existing.casefold() == coder.casefold() and existing != coder:
            raise ConflictError(f"coder '{coder}' clashes with existing coder '{existing}' "
                                "(names are compared without case)",
                                hint=f"use --coder {existing}")
    path = project.codings_dir / f"{coder}.jsonl"
    if not create and not path.exists():
        near = [c for c in coder_names(project)]
        hint = f"coders in this project: {', '.join(near)}" if near else "no coder has coded yet"
        raise NotFoundError(f"no coder '{coder}' in this project", hint=hint)
    return path


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.lock")


# ----------------------------------------------------------------------------- reading


@dataclass
class LogProblem:
    """A line of a log that could not be read (e.g. torn by a crash); it is skipped."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}; the line was skipped"


@dataclass
class LogRead:
    events: list[dict[str, Any]]
    problems: list[LogProblem] = field(default_factory=list)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Millions of small acyclic dicts: the cyclic collector would only cost time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_log(path: Path) -> LogRead:
    """Read every good event of a log as plain dicts (fast); report unreadable lines."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LogRead([])
    if not data:
        return LogRead([])
    lines = data.split(b"\n")
    torn_tail = lines[-1] != b""
    if not torn_tail:
        lines.pop()
    # Fast path: every line parses (the usual case).
    try:
        events = [_loads(raw) for raw in lines]
        if all(type(e) is dict and "seq" in e and "op" in e for e in events):
            return LogRead(events)
    except ValueError:
        pass
    events = []
    problems: list[LogProblem] = []
    last = len(lines)
    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            ev = _loads(raw)
            if not isinstance(ev, dict) or "seq" not in ev or "op" not in ev:
                raise ValueError("not an event")
        except ValueError:
            reason = ("incomplete last line (torn by a crash or kill)"
                      if i == last and torn_tail else "unreadable line")
            problems.append(LogProblem(path, i, reason))
            continue
        events.append(ev)
    return LogRead(events, problems)


# ----------------------------------------------------------------------------- folding


@dataclass
class CoderState:
    """The fold of one coder's log: what is on each segment now."""

    coder: str
    #: (doc, segment) -> {code: add-event dict}
    codes: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)
    memos: dict[tuple[str, str], str] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    last_time: str | None = None
    last_seq: int = 0
    n_events: int = 0
    problems: list[LogProblem] = field(default_factory=list)

    def codes_on(self, doc: str, segment: str) -> list[str]:
        return list(self.codes.get((doc, segment), {}))

    def codings(self) -> list[Coding]:
        """The current codings as records, ordered by document, segment and code.

        The events were validated when they were written, so records are built without
        validating again (``model_construct``): a large log folds in about a second.
        """
        out = []
        for (doc, seg), by_code in sorted(self.codes.items()):
            memo = self.memos.get((doc, seg))
            for code, ev in sorted(by_code.items()):
                out.append(Coding.model_construct(coder=self.coder, doc=doc, segment=seg,
                                  code=code,
                                  start=ev.get("start") or 0, end=ev.get("end") or 0,
                                  quote=ev.get("quote") or "", origin=ev.get("origin", "manual"),
                                  memo=memo, decision=ev.get("decision")))
        return out


def undone_seqs(events: Iterable[dict[str, Any]]) -> set[int]:
    return {e["target"] for e in events if e["op"] == "undo" and e.get("target") is not None}


def fold(coder: str, events: list[dict[str, Any]]) -> CoderState:
    """Replay events in order; events reverted by an ``undo`` are skipped."""
    st = CoderState(coder=coder, n_events=len(events))
    undone = undone_seqs(events)
    live: dict[tuple[str, str, str], dict[str, Any]] = {}
    memos, done = st.memos, st.done
    for ev in events:
        op = ev["op"]
        if op == "add":
            if not undone or ev["seq"] not in undone:
                live[(ev["doc"], ev["segment"], ev["code"])] = ev
        elif op == "remove":
            if not undone or ev["seq"] not in undone:
                live.pop((ev["doc"], ev["segment"], ev["code"]), None)
        elif op == "undo" or ev["seq"] in undone:
            continue
        elif op == "memo":
            key = (ev["doc"], ev["segment"])
            if ev.get("memo"):
                memos[key] = ev["memo"]
            else:
                memos.pop(key, None)
        elif op == "done":
            done.add(ev["doc"])
        elif op == "reopen":
            done.discard(ev["doc"])
    codes = st.codes
    for (doc, seg, code), ev in live.items():
        on = codes.get((doc, seg))
        if on is None:
            codes[(doc, seg)] = {code: ev}
        else:
            on[code] = ev
    if events:
        st.last_time = events[-1].get("time")
        st.last_seq = events[-1]["seq"]
    return st


def load_state(project: Any, coder: str) -> CoderState:
    path = log_path(project, coder)
    with _gc_paused():
        read = read_log(path)
        st = fold(coder, read.events)
    st.problems = read.problems
    return st


def current_codings(project: Any, coder: str) -> list[Coding]:
    """The coder's current codings (the fold of their log)."""
    return load_state(project, coder).codings()


def completed_documents(project: Any, coder: str) -> set[str]:
    """Documents the coder has marked complete (``qcode done``)."""
    return set(load_state(project, coder).done)


# ----------------------------------------------------------------------------- writing


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _tail_state(fh: Any) -> tuple[int, bool]:
    """(last good seq, whether the file ends with a newline), reading only the tail."""
    size = fh.seek(0, os.SEEK_END)
    if size == 0:
        return 0, True
    fh.seek(size - 1)
    ends_clean = fh.read(1) == b"\n"
    chunk = 4096
    while True:
        start = max(0, size - chunk)
        fh.seek(start)
        tail = fh.read(size - start)
        lines = tail.split(b"\n")
        candidates = lines if start == 0 else lines[1:]
        for raw in reversed(candidates):
            if not raw.strip():
                continue
            try:
                ev = json.loads(raw)
                return int(ev["seq"]), ends_clean
            except (ValueError, KeyError, TypeError):
                continue
        if start == 0:
            return 0, ends_clean
        chunk *= 4


def append_events(project: Any, coder: str, events: list[dict[str, Any]]) -> list[CodingEvent]:
    """Append events to the coder's log under a lock; return them once they are on disk.

    Each dict gives the event fields except ``seq`` and ``time``, which are assigned here.
    """
    if not events:
        return []
    path = log_path(project, coder, create=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(_lock_path(path)):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        with os.fdopen(fd, "r+b") as fh:
            seq, ends_clean = _tail_state(fh)
            now = _now()
            records = []
            for ev in events:
                seq += 1
                records.append(CodingEvent(seq=seq, time=now, **ev))
            payload = b"".join(r.model_dump_json(exclude_none=True).encode("utf-8") + b"\n"
                               for r in records)
            if not ends_clean:
                payload = b"\n" + payload  # close a torn line so it cannot swallow ours
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    return records


# ----------------------------------------------------------------------------- actions


def _segment(doc: Document, segment_id: str) -> Any:
    seg = doc.segment(segment_id)
    if seg is None:
        raise NotFoundError(f"no segment '{segment_id}' in document {doc.id}",
                            hint=f"segments run from {doc.segments[0].id} to "
                                 f"{doc.segments[-1].id}" if doc.segments else None)
    return seg


def add_codes(project: Any, coder: str, doc: Document, segment_ids: list[str],
              code_ids: list[str], *, origin: Origin = "manual", memo: str | None = None,
              decision: str | None = None) -> list[CodingEvent]:
    """Put codes on segments (codes already there are left alone); optional memo."""
    state = load_state(project, coder) if log_path(project, coder, create=True).exists() \
        else CoderState(coder=coder)
    events: list[dict[str, Any]] = []
    for sid in segment_ids:
        seg = _segment(doc, sid)
        have = state.codes_on(doc.id, sid)
        for code in code_ids:
            if code in have:
                continue
            events.append({"op": "add", "doc": doc.id, "segment": sid, "start": seg.start,
                           "end": seg.end, "quote": doc.text[seg.start:seg.end], "code": code,
                           "origin": origin, "decision": decision})
        if memo is not None and state.memos.get((doc.id, sid)) != memo:
            events.append({"op": "memo", "doc": doc.id, "segment": sid, "memo": memo,
                           "origin": origin})
    return append_events(project, coder, events)


def remove_codes(project: Any, coder: str, doc: Document, segment_ids: list[str],
                 code_ids: list[str] | None = None) -> list[CodingEvent]:
    """Take codes off segments (all of the coder's codes there when ``code_ids`` is None)."""
    state = load_state(project, coder)
    events: list[dict[str, Any]] = []
    for sid in segment_ids:
        seg = _segment(doc, sid)
        have = state.codes_on(doc.id, sid)
        for code in (have if code_ids is None else [c for c in code_ids if c in have]):
            events.append({"op": "remove", "doc": doc.id, "segment": sid, "start": seg.start,
                           "end": seg.end, "code": code})
    return append_events(project, coder, events)


def set_memo(project: Any, coder: str, doc: Document, segment_id: str,
             memo: str) -> list[CodingEvent]:
    _segment(doc, segment_id)
    return append_events(project, coder, [{"op": "memo", "doc": doc.id,
                                           "segment": segment_id, "memo": memo}])


def mark_done(project: Any, coder: str, doc_id: str, done: bool = True) -> list[CodingEvent]:
    """Mark a document completely coded by ``coder`` (or reopen it)."""
    return append_events(project, coder, [{"op": "done" if done else "reopen", "doc": doc_id}])


def undo(project: Any, coder: str) -> CodingEvent | None:
    """Revert the coder's last action that is not yet undone; None if nothing is left.

    Events appended together by one command (e.g. ``tag`` on a range) are one action: they
    share a timestamp, and all of them are undone together.
    """
    read = read_log(log_path(project, coder))
    undone = undone_seqs(read.events)
    live = [e for e in read.events if e["op"] != "undo" and e["seq"] not in undone]
    if not live:
        return None
    last_time = live[-1]["time"]
    batch = [e for e in live if e["time"] == last_time]
    records = append_events(project, coder, [{"op": "undo", "doc": e["doc"],
                                              "target": e["seq"]} for e in batch])
    return CodingEvent.model_validate(batch[-1]) if records else None

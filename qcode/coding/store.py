"""Coders' append-only event logs (``codings/<coder>.jsonl``) and their current state.

Each line is one :class:`qcode.models.CodingEvent` in JSON, or, when one action writes
several events (``tag`` on a range, an import, a re-anchoring), a JSON array of them: a crash
can then tear an action only as a whole, never leave half of it. An append takes the coder's
exclusive lock, writes its line(s) with ``write`` on an ``O_APPEND`` descriptor,
fsyncs the file (and the folder when the file is new), and only then reports success: every
action a command confirms survives a crash, Ctrl-C or kill. Readers take the lock shared, so
they never mistake a batch being written for a torn line.

A torn last line (a crash mid-write) is detected on reading, reported, and skipped; the next
append first closes it with a newline, so it never takes good lines with it. An unreadable
line elsewhere (a bad hand edit) is reported and skipped the same way.

The current state of a coder is the fold of the log: events in order, minus the ones an
``undo`` reverted. A checkpoint of the fold (``codings/.<coder>.checkpoint``, see
:mod:`qcode.coding.checkpoint`) lets large logs load without replaying every line; it is used
only when the log still starts with exactly the bytes it was made from.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcode._io.locking import shared
from qcode._io.nofollow import read_nofollow
from qcode.coding.log_file import (
    Appended,
    append_locked,
    is_event,
    last_action,
    line_events,
    lock_path,
    open_for_append,
)
from qcode.errors import ConflictError, NotFoundError, ProjectDamagedError, UsageError
from qcode.models import Coding, CodingEvent, Document, Origin

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
    ``ingrid`` are refused as two coders. Without ``create``, a coder without a log is an
    error."""
    validate_coder_name(coder)
    for existing in coder_names(project):
        if existing.casefold() == coder.casefold() and existing != coder:
            raise ConflictError(f"coder '{coder}' clashes with existing coder '{existing}' "
                                "(names are compared without case)",
                                hint=f"use --coder {existing}")
    path = project.codings_dir / f"{coder}.jsonl"
    if not create and not path.exists():
        from qcode.codebook.load import suggestions

        names = coder_names(project)
        near = suggestions(coder, names)
        hint = (f"did you mean {', '.join(near)}?" if near else
                f"coders in this project: {', '.join(names)}" if names else
                "no coder has coded yet")
        raise NotFoundError(f"no coder '{coder}' in this project", hint=hint)
    return path


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


def parse_lines(data: bytes, path: Path, first_line: int = 1) -> LogRead:
    """Parse log bytes (whole lines, the last one possibly torn) into event dicts.

    ``first_line`` is the line number of the first line of ``data`` in the file.
    """
    if not data:
        return LogRead([])
    lines = data.split(b"\n")
    torn_tail = lines[-1] != b""
    if not torn_tail:
        lines.pop()
    try:  # fast path: every line parses (the usual case)
        parsed = [_loads(raw) for raw in lines]
    except ValueError:
        parsed = None
    if parsed is not None and all(is_event(e) for e in parsed):
        return LogRead(parsed)
    events: list[dict[str, Any]] = []
    problems: list[LogProblem] = []
    for i, raw in enumerate(lines):
        if not raw.strip():
            continue
        if parsed is not None:
            evs = line_events(parsed[i])
        else:
            try:
                evs = line_events(_loads(raw))
            except ValueError:
                evs = None
        if evs is None:
            reason = ("incomplete last line (torn by a crash or kill)"
                      if i == len(lines) - 1 and torn_tail else "unreadable line")
            problems.append(LogProblem(path, first_line + i, reason))
            continue
        events.extend(evs)
    return LogRead(events, problems)


def read_log_bytes(path: Path) -> bytes:
    """The bytes of a log, read while no writer is in the middle of an append."""
    with shared(lock_path(path)):
        try:
            return read_nofollow(path)
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise ProjectDamagedError(
                f"cannot read {path} ({exc.strerror or type(exc).__name__})",
                hint="check the file and its permissions") from None


def read_log(path: Path) -> LogRead:
    """Read every good event of a log as plain dicts (fast); report unreadable lines."""
    return parse_lines(read_log_bytes(path), path)


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

    def memo_on(self, doc: str, segment: str) -> str | None:
        return self.memos.get((doc, segment))

    def codings(self, doc: str | None = None) -> list[Coding]:
        """The current codings as records, ordered by document, segment and code.

        The events were validated when they were written, so records are built without
        validating again (a large log gives hundreds of thousands of records).
        """
        out = []
        items = sorted(self.codes.items()) if doc is None else \
            sorted((k, v) for k, v in self.codes.items() if k[0] == doc)
        make, coder, memos = _trusted_coding, self.coder, self.memos
        for (d, seg), by_code in items:
            memo = memos.get((d, seg))
            for code, ev in sorted(by_code.items()):
                get = ev.get
                out.append(make({"coder": coder, "doc": d, "segment": seg, "code": code,
                                 "start": get("start") or 0, "end": get("end") or 0,
                                 "quote": get("quote") or "", "origin": get("origin", "manual"),
                                 "memo": memo, "decision": get("decision")}))
        return out


_CODING_FIELDS = frozenset(Coding.model_fields)


def _fast_coding(fields: dict[str, Any], _new: Any = Coding.__new__, _cls: Any = Coding,
                 _set: Any = object.__setattr__, _fs: frozenset[str] = _CODING_FIELDS
                 ) -> Coding:
    """A Coding from already-valid fields, about four times faster than model_construct
    (which re-applies defaults field by field)."""
    obj = _new(_cls)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", _fs)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def _slow_coding(fields: dict[str, Any]) -> Coding:
    return Coding.model_construct(**fields)


def _pick_constructor() -> Any:
    """Use the fast path only if this pydantic builds records equal to validated ones."""
    sample = {"coder": "c", "doc": "D", "segment": "D:0001", "code": "X", "start": 0,
              "end": 1, "quote": "q", "origin": "manual", "memo": None, "decision": None}
    try:
        fast = _fast_coding(dict(sample))
        if fast == Coding(**sample) and fast.model_dump() == sample and hash(fast) is not None:
            return _fast_coding
    except Exception:  # pragma: no cover - a future pydantic
        pass
    return _slow_coding  # pragma: no cover


_trusted_coding = _pick_constructor()


def undone_seqs(events: Iterable[dict[str, Any]]) -> set[int]:
    return {e["target"] for e in events if e["op"] == "undo" and e.get("target") is not None}


def apply_event(codes: dict[tuple[str, str], dict[str, Any]],
                memos: dict[tuple[str, str], str], done: set[str], op: str,
                ev: dict[str, Any]) -> None:
    """Apply one event that is not undone to a coder's state (in place).

    Unknown ops (written by a newer qcode) are left alone.
    """
    if op == "add":
        key = (ev["doc"], ev["segment"])
        on = codes.get(key)
        if on is None:
            codes[key] = {ev["code"]: ev}
        else:
            on[ev["code"]] = ev
    elif op == "remove":
        key = (ev["doc"], ev["segment"])
        on = codes.get(key)
        if on is not None and on.pop(ev["code"], None) is not None and not on:
            del codes[key]
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


def replay(st: CoderState, events: list[dict[str, Any]], undone: set[int]) -> CoderState:
    """Apply ``events`` in order to ``st`` (in place), skipping the seqs in ``undone``."""
    codes, memos, done = st.codes, st.memos, st.done
    for ev in events:
        op = ev["op"]
        if op == "undo" or (undone and ev["seq"] in undone):
            continue
        apply_event(codes, memos, done, op, ev)
    st.n_events += len(events)
    if events:
        st.last_time = events[-1].get("time")
        st.last_seq = events[-1]["seq"]
    return st


def fold(coder: str, events: list[dict[str, Any]]) -> CoderState:
    """Replay events in order; events reverted by an ``undo`` are skipped."""
    return replay(CoderState(coder=coder), events, undone_seqs(events))


def state_from_bytes(coder: str, data: bytes, path: Path, *,
                     checkpoint: Path | None = None) -> CoderState:
    """The fold of log bytes, starting from a valid checkpoint when one is given."""
    from qcode.coding import checkpoint as log_checkpoint
    from qcode.coding.fold import fold_bytes

    with _gc_paused():
        resumed = log_checkpoint.resume(checkpoint, coder, data, path) if checkpoint else None
        if resumed is not None:
            st, replayed = resumed
        else:
            st = fold_bytes(coder, data, path)
            replayed = st.n_events
        if checkpoint is not None and replayed >= log_checkpoint.MIN_EVENTS:
            log_checkpoint.save(checkpoint, st, data)
    return st


def checkpoint_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.checkpoint")


def load_state(project: Any, coder: str) -> CoderState:
    """The coder's current state (every code, memo and completed document)."""
    path = log_path(project, coder)
    return state_from_bytes(coder, read_log_bytes(path), path,
                            checkpoint=checkpoint_path(path))


def load_state_or_empty(project: Any, coder: str) -> CoderState:
    """Like :func:`load_state`, but a coder without a log yet has an empty state."""
    path = log_path(project, coder, create=True)
    if not path.exists():
        return CoderState(coder=coder)
    return load_state(project, coder)


def current_codings(project: Any, coder: str) -> list[Coding]:
    """The coder's current codings (the fold of their log)."""
    return load_state(project, coder).codings()


def completed_documents(project: Any, coder: str) -> set[str]:
    """Documents the coder has marked complete (``qcode done``)."""
    return set(load_state(project, coder).done)


# ----------------------------------------------------------------------------- writing


@contextmanager
def _locked_log(project: Any, coder: str) -> Iterator[int]:
    """The coder's log opened for appending, under the exclusive lock."""
    with open_for_append(log_path(project, coder, create=True)) as fd:
        yield fd


def append(project: Any, coder: str, events: list[dict[str, Any]]) -> Appended:
    """Append events as one batch; return them, with offsets, once they are on disk."""
    if not events:
        return Appended([], -1, -1)
    with _locked_log(project, coder) as fd:
        return append_locked(fd, events)


def append_events(project: Any, coder: str, events: list[dict[str, Any]]) -> list[CodingEvent]:
    """Append events to the coder's log under a lock; return them once they are on disk.

    Each dict gives the event fields except ``seq`` and ``time``, which are assigned here.
    """
    return append(project, coder, events).records


# ----------------------------------------------------------------------------- actions


def _segment(doc: Document, segment_id: str) -> Any:
    seg = doc.segment(segment_id)
    if seg is None:
        raise NotFoundError(f"no segment '{segment_id}' in document {doc.id}",
                            hint=f"segments run from {doc.segments[0].id} to "
                                 f"{doc.segments[-1].id}" if doc.segments else None)
    return seg


def add_events(state: CoderState, doc: Document, segment_ids: list[str],
               code_ids: list[str], *, origin: Origin = "manual", memo: str | None = None,
               decision: str | None = None) -> list[dict[str, Any]]:
    """The events that put codes (and a memo) on segments, given the coder's state."""
    events: list[dict[str, Any]] = []
    for sid in segment_ids:
        seg = _segment(doc, sid)
        have = state.codes.get((doc.id, sid), {})
        for code in dict.fromkeys(code_ids):
            if code in have:
                continue
            events.append({"op": "add", "doc": doc.id, "segment": sid, "start": seg.start,
                           "end": seg.end, "quote": doc.text[seg.start:seg.end], "code": code,
                           "origin": origin, "decision": decision})
        if memo is not None and state.memos.get((doc.id, sid), "") != memo:
            events.append({"op": "memo", "doc": doc.id, "segment": sid, "memo": memo,
                           "origin": origin})
    return events


def remove_events(state: CoderState, doc: Document, segment_ids: list[str],
                  code_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The events that take codes off segments (all the coder's codes there if None)."""
    events: list[dict[str, Any]] = []
    for sid in segment_ids:
        seg = _segment(doc, sid)
        have = state.codes_on(doc.id, sid)
        for code in (have if code_ids is None else [c for c in code_ids if c in have]):
            events.append({"op": "remove", "doc": doc.id, "segment": sid, "start": seg.start,
                           "end": seg.end, "code": code})
    return events


def add_codes(project: Any, coder: str, doc: Document, segment_ids: list[str],
              code_ids: list[str], *, origin: Origin = "manual", memo: str | None = None,
              decision: str | None = None,
              state: CoderState | None = None) -> list[CodingEvent]:
    """Put codes on segments (codes already there are left alone); optional memo.

    ``state`` (the coder's current state) saves reading the log again.
    """
    state = state if state is not None else load_state_or_empty(project, coder)
    return append_events(project, coder, add_events(state, doc, segment_ids, code_ids,
                                                    origin=origin, memo=memo,
                                                    decision=decision))


def remove_codes(project: Any, coder: str, doc: Document, segment_ids: list[str],
                 code_ids: list[str] | None = None, *,
                 state: CoderState | None = None) -> list[CodingEvent]:
    """Take codes off segments (all of the coder's codes there when ``code_ids`` is None)."""
    state = state if state is not None else load_state_or_empty(project, coder)
    return append_events(project, coder, remove_events(state, doc, segment_ids, code_ids))


def set_memo(project: Any, coder: str, doc: Document, segment_id: str,
             memo: str) -> list[CodingEvent]:
    """Set (or, with empty text, clear) the coder's memo on a segment."""
    _segment(doc, segment_id)
    return append_events(project, coder, [{"op": "memo", "doc": doc.id,
                                           "segment": segment_id, "memo": memo}])


def mark_done(project: Any, coder: str, doc_id: str, done: bool = True) -> list[CodingEvent]:
    """Mark a document completely coded by ``coder`` (or reopen it)."""
    return append_events(project, coder, [{"op": "done" if done else "reopen", "doc": doc_id}])


def undo_last(project: Any, coder: str, *, doc: str | None = None) -> list[CodingEvent]:
    """Revert the coder's last action that is not yet undone; return its events ([] if
    nothing is left).

    Events appended together by one command (e.g. ``tag`` on a range) are one action and
    are undone together. With ``doc``, refuse when the last action was on another document.
    The choice and the undo are made under the lock, so two terminals cannot undo the same
    action twice.
    """
    log_path(project, coder)  # a coder without a log is an error
    with _locked_log(project, coder) as fd:
        batch = last_action(fd, os.fstat(fd).st_size)
        if not batch:
            return []
        if doc is not None and batch[-1]["doc"] != doc:
            raise ConflictError(
                f"your last action was on document {batch[-1]['doc']}, not {doc}; "
                "nothing was undone", hint=f"undo it with: qcode undo --coder {coder}")
        append_locked(fd, [{"op": "undo", "doc": e["doc"], "target": e["seq"]}
                            for e in batch])
    return [CodingEvent.model_validate(e) for e in batch]


def undo(project: Any, coder: str) -> CodingEvent | None:
    """Revert the coder's last action; return its last event, None if nothing is left."""
    batch = undo_last(project, coder)
    return batch[-1] if batch else None

"""The log file itself: locked, fsynced appends and reading lines back from the end.

:mod:`qcode.coding.store` decides what to write; this module makes sure it lands whole. An
append runs under the coder's exclusive lock, reads only the file's tail (for the next
sequence number and whether a torn line needs closing), writes the whole batch with one
``write`` loop on an ``O_APPEND`` descriptor, and fsyncs before it returns.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from qcode._io.atomic import fsync_dir, write_text
from qcode._io.gitignore import ensure_gitignore
from qcode._io.locking import exclusive
from qcode._io.nofollow import open_nofollow
from qcode._io.write_errors import REFUSED, write_failed
from qcode.coding.add_lines import adds_line
from qcode.coding.events import line_events, parse_line
from qcode.coding.order import is_undone, undo_key
from qcode.errors import ProjectDamagedError, WriteFailedError
from qcode.models import CodingEvent


def lock_path(path: Path) -> Path:
    """The lock file that serialises writers of the log at ``path``."""
    return path.with_name(f".{path.stem}.lock")



def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def read_back(fd: int, size: int) -> Iterator[tuple[dict[str, Any] | None, bool]]:
    """Events from the end of the file backwards: (event or None for an unreadable line,
    ends_clean) -- ``ends_clean`` tells whether the file ends with a newline."""
    if size == 0:
        return
    ends_clean = os.pread(fd, 1, size - 1) == b"\n"
    end, chunk, carry = size, 65536, b""
    while end > 0:
        start = max(0, end - chunk)
        block = os.pread(fd, end - start, start) + carry
        lines = block.split(b"\n")
        carry = lines[0] if start > 0 else b""
        for raw in reversed(lines if start == 0 else lines[1:]):
            if not raw.strip():
                continue
            evs = line_events(parse_line(raw))
            if evs is None:
                yield None, ends_clean
            else:
                for ev in reversed(evs):
                    yield ev, ends_clean
        end = start
        chunk = min(chunk * 2, 8 << 20)


def _last_event(fd: int, size: int) -> tuple[int, str, bool]:
    """(last good seq, its time if it has an id (else ""), whether the file ends with a
    newline)."""
    ends_clean = True
    for ev, ends_clean in read_back(fd, size):
        if ev is not None:
            return int(ev["seq"]), ev["time"] if ev.get("id") else "", ends_clean
    return 0, "", ends_clean


def new_ids(n: int) -> list[str]:
    """``n`` random event ids (64 bits each, as ``secrets.token_hex(8)`` gives one): two
    events are never the same line, even when one coder name writes on two machines (see
    :mod:`qcode.coding.order`). The randomness of a batch is read at once (a reconciliation
    writes tens of thousands of events).

    >>> [len(i) for i in new_ids(2)]
    [16, 16]
    """
    raw = secrets.token_hex(8 * n)
    return [raw[i:i + 16] for i in range(0, 16 * n, 16)]


@cache
def batch_adapter() -> TypeAdapter[list[CodingEvent]]:
    """Validates and writes a batch of events (built on first use: not at start-up)."""
    return TypeAdapter(list[CodingEvent])


class Appended:
    """Events now on disk, and where they are in the log (byte offsets); ``after``: the
    log file's status just after they were written and fsynced, under the lock.
    ``records``: the events as validated records; for a batch written without them
    (:func:`qcode.coding.add_lines.adds_line`), validated from ``drafts`` on first use."""

    def __init__(self, records: list[CodingEvent] | None, start: int, end: int,
                 after: os.stat_result | None = None, *,
                 drafts: list[dict[str, Any]] | None = None) -> None:
        self._records = records
        self._drafts = drafts
        self.start, self.end, self.after = start, end, after

    @property
    def records(self) -> list[CodingEvent]:
        if self._records is None:
            self._records = batch_adapter().validate_python(self._drafts or [])
            self._drafts = None
        return self._records


@dataclass
class _Tail:
    """The last line this process appended to one log file: its bytes (newline included,
    and the newline that closed a torn line before it), last seq and time."""

    file: tuple[int, int]  # device, inode
    payload: bytes
    seq: int
    time: str


#: the last append of this process (one log): lets the next append to the same log skip
#: reading its last line back (a reconciliation's is tens of thousands of events)
_last: list[_Tail] = []


def _known_tail(fd: int, st: os.stat_result) -> tuple[int, str, bool] | None:
    """(last seq, its time, ends clean) as :func:`_last_event` would find them, when the
    log ends with exactly the line this process appended last (compared byte for byte);
    else None."""
    if not _last:
        return None
    tail = _last[0]
    n = len(tail.payload)
    if tail.file != (st.st_dev, st.st_ino) or st.st_size < n or \
            os.pread(fd, n, st.st_size - n) != tail.payload:
        return None
    return tail.seq, tail.time, True


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def append_locked(fd: int, events: Sequence[Mapping[str, Any]], path: Path | None = None
                  ) -> Appended:
    """Append one action's events (caller holds the lock); they share one timestamp and,
    when there are several, one line. ``path`` (the log's) is named in messages.

    A write that fails part-way is cut back to the last whole line before the error goes
    on; a failed fsync after the whole line was written raises :class:`WriteFailedError`
    saying that the line is in the log but not confirmed on disk."""
    before = os.fstat(fd)
    size = before.st_size
    seq, last_time, ends_clean = _known_tail(fd, before) or _last_event(fd, size)
    # never before the last line: on one machine the fold order is the order of the lines
    # even when the clock is set back (qcode.coding.order)
    now = max(_now(), last_time)
    drafts = []
    for ev, event_id in zip(events, new_ids(len(events)), strict=True):
        seq += 1
        drafts.append({**ev, "seq": seq, "time": now, "id": event_id})
    # one line per action: a batch is a JSON array, so a crash can tear it only as a whole.
    # Usual adds are vouched for and written without a model each (add_lines); any other
    # batch is validated as CodingEvents, in one call (a third of the time of a model
    # built per event), and the adapter writes the array exactly as the events joined:
    # compact, each without its None fields
    records: list[CodingEvent] | None = None
    line = adds_line(drafts)
    if line is None:
        records = batch_adapter().validate_python(drafts)
        line = records[0].model_dump_json(exclude_none=True).encode("utf-8") \
            if len(records) == 1 else batch_adapter().dump_json(records, exclude_none=True)
    payload = line + b"\n"
    if not ends_clean:
        payload = b"\n" + payload  # close a torn line so it cannot swallow ours
    try:
        _write_all(fd, payload)
    except OSError:
        cut_back(fd, size)  # never leave part of a line behind (e.g. a full disk)
        raise
    _last.clear()
    try:
        os.fsync(fd)
    except OSError as exc:
        # the line is in the file (every reader sees it) but the disk did not confirm it
        raise WriteFailedError(
            f"the last action was written to {path or 'the coder log'} but the disk did not "
            f"confirm it ({exc.strerror or type(exc).__name__}): it is in the log now and may "
            "be lost if the computer stops before the disk recovers",
            hint="check the disk (free space, errors) and look at your codings again "
                 "before going on") from None
    after = os.fstat(fd)
    _last.append(_Tail((after.st_dev, after.st_ino), payload, seq, now))
    return Appended(records, size, size + len(payload), after,
                    drafts=drafts if records is None else None)


def cut_back(fd: int, size: int) -> None:
    """Truncate the log back to ``size`` bytes, its last whole line before a failed append.

    If even that fails, the partial line stays and is read as a torn line (skipped and
    reported); the next append closes it with a newline first.
    """
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        pass


GITIGNORE = """# qcode: machine-local files (locks, load checkpoints, session positions)
.*.lock
.*.checkpoint
.*.position.json
.*.tmp
.*.seen
"""


def _ignore_local_files(folder: Path) -> None:
    """Keep lock, checkpoint and position files out of git (codings/*.jsonl are shared)."""
    target = folder / ".gitignore"
    if not target.exists():
        write_text(target, GITIGNORE)
    ensure_gitignore(folder.parent)  # the project root's covers every folder



@contextmanager
def open_for_append(path: Path) -> Iterator[int]:
    """The log at ``path`` opened for appending, under its exclusive lock."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _ignore_local_files(path.parent)
        with exclusive(lock_path(path)):
            is_new = not path.exists()
            fd = open_nofollow(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
            try:
                if is_new:
                    fsync_dir(path.parent)  # the new file's name must survive a power cut
                yield fd
            finally:
                os.close(fd)
    except OSError as exc:
        if exc.errno in REFUSED:
            raise write_failed(path, exc, "the last action was not saved") from None
        raise ProjectDamagedError(  # e.g. a folder where the log should be
            f"cannot write {path} ({exc.strerror or type(exc).__name__}); the last action "
            "was not saved", hint="check the folder's permissions and the free disk space, "
                                  "then repeat it") from None


def last_action(fd: int, size: int) -> list[dict[str, Any]]:
    """The events of the last action not yet undone (one appended batch), oldest first.

    Reads backwards: every undo of an event comes after it, so by the time the scan reaches
    an event it has seen every undo that reverts it.
    """
    undone: set[str | int] = set()
    batch: list[dict[str, Any]] = []
    for ev, _ in read_back(fd, size):
        if ev is None:
            continue
        if batch and ev.get("time") != batch[0]["time"]:
            break
        if ev["op"] == "undo":
            if batch:
                break
            target = undo_key(ev)
            if target is not None:
                undone.add(target)
            continue
        if not is_undone(ev, undone):
            batch.insert(0, ev)
    return batch

"""The decision log of a reconciliation: ``reconciliations/<name>.jsonl``.

One JSON object a line, each with a ``kind``:

``run``
    a reconciliation was started: the coders, the strategy, who ran it, the documents and
    codes in scope. The first run fixes the coders of the reconciliation.
``decision``
    one segment decided (or deferred): each coder's codes at decision time, the outcome,
    the codes chosen for the consensus, the strategy or person that decided, the rationale.
``applied``
    the consensus coder's log (``codings/<name>.jsonl``) now holds the listed decisions.
    A decision saved without this mark (a crash between the two writes) is applied again
    by the next run, so nothing confirmed is lost.

Appends are serialised with an exclusive lock, flushed and fsynced before they return; a
torn last line (a crash mid-write) is reported and skipped, and the next append starts on
a fresh line so it never swallows good lines.

>>> d = Decision(id="R00002", seq=2, time="2026-01-01T00:00:00Z", doc="D01",
...              segment="D01:0003", coders={"ingrid": ("A",), "lars": ()},
...              outcome="union", chosen=("A",), strategy="union")
>>> d.covers("A"), d.covers("B")
(True, True)
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, Literal

import orjson
from orjson import loads as _loads  # a dependency: reads long ledgers faster than json
from pydantic import TypeAdapter, ValidationError

from qcode._io.atomic import write_text
from qcode._io.gitignore import ensure_gitignore
from qcode._io.locking import exclusive
from qcode._io.nofollow import open_nofollow, read_nofollow
from qcode._io.write_errors import folder_in_the_way, write_failed
from qcode.coding.add_lines import PLAIN_ONLY
from qcode.coding.store import validate_coder_name
from qcode.documents.log import document_map
from qcode.errors import ConflictError, NotFoundError
from qcode.models import Record
from qcode.project import Project, now_iso

Outcome = Literal["agreed", "accept", "union", "intersection", "majority", "manual",
                  "deferred"]
OUTCOMES: tuple[str, ...] = ("agreed", "accept", "union", "intersection", "majority",
                             "manual", "deferred")


class Decision(Record):
    """One decided (or deferred) segment of a reconciliation.

    ``scope`` is the codes the decision is about (``--code``), or None for every code;
    ``coders`` holds each coder's codes within that scope when the decision was made.
    ``accepted`` names the coder whose codes were taken (outcome ``accept``); ``tie`` lists
    codes a majority vote split evenly (left out of the consensus, flagged for review).
    ``strategy`` is the strategy of the run (``ask`` when a person decided: see ``by``).

    Spans (positions of the document text, ``[start, end)`` pairs within the segment):
    ``spans`` holds each coder's positions per code when any of them marked less than the
    whole segment; ``chosen_spans`` the consensus positions of each chosen code, and
    ``tie_spans`` the positions a majority vote split evenly. Absent (the decisions of
    whole-segment codings, and every decision written before spans), each code a coder
    gave, and each code chosen, covers the whole segment.
    """

    kind: Literal["decision"] = "decision"
    id: str
    seq: int
    time: str
    doc: str
    segment: str
    scope: tuple[str, ...] | None = None
    coders: dict[str, tuple[str, ...]]
    outcome: Outcome
    chosen: tuple[str, ...] = ()
    accepted: str | None = None
    tie: tuple[str, ...] = ()
    strategy: str
    by: str | None = None
    rationale: str | None = None
    spans: dict[str, dict[str, tuple[tuple[int, int], ...]]] | None = None
    chosen_spans: dict[str, tuple[tuple[int, int], ...]] | None = None
    tie_spans: dict[str, tuple[tuple[int, int], ...]] | None = None

    def covers(self, code: str) -> bool:
        return self.scope is None or code in self.scope

    def coder_coverage(self, coder: str, code: str,
                       bounds: tuple[int, int]) -> tuple[tuple[int, int], ...]:
        """The positions ``coder`` had marked with ``code`` (``bounds``: the segment's)."""
        if self.spans is not None and coder in self.spans:
            return self.spans[coder].get(code, ())
        return (bounds,) if code in self.coders.get(coder, ()) else ()

    def chosen_coverage(self, code: str,
                        bounds: tuple[int, int]) -> tuple[tuple[int, int], ...]:
        """The consensus positions of ``code`` (none when it was not chosen)."""
        if code not in self.chosen:
            return ()
        if self.chosen_spans is not None and code in self.chosen_spans:
            return self.chosen_spans[code]
        return (bounds,)

    @property
    def key(self) -> tuple[str, str]:
        return (self.doc, self.segment)


class Run(Record):
    """A reconciliation run: who ran which strategy over which coders and documents."""

    kind: Literal["run"] = "run"
    seq: int
    time: str
    coders: tuple[str, ...]
    strategy: str
    by: str | None = None
    docs: tuple[str, ...] = ()
    codes: tuple[str, ...] | None = None


class Applied(Record):
    """A mark that the consensus coder's log holds these decisions."""

    kind: Literal["applied"] = "applied"
    seq: int
    time: str
    ids: tuple[str, ...]


Entry = Decision | Run | Applied
_KINDS: dict[str, type[Record]] = {"decision": Decision, "run": Run, "applied": Applied}


# ----------------------------------------------------------------------------- index


@dataclass
class Ledger:
    """A reconciliation's log read into memory, indexed by segment."""

    name: str
    path: Path
    runs: list[Run] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    applied: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    #: (doc, segment) -> decisions that are not deferrals, oldest first
    by_unit: dict[tuple[str, str], list[Decision]] = field(default_factory=dict)
    #: (doc, segment) -> seq of the last deferral
    deferred: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        if isinstance(entry, Run):
            self.runs.append(entry)
        elif isinstance(entry, Applied):
            self.applied.update(entry.ids)
        else:
            self.decisions.append(entry)
            if entry.outcome == "deferred":
                self.deferred[entry.key] = entry.seq
            else:
                self.by_unit.setdefault(entry.key, []).append(entry)

    @property
    def coders(self) -> tuple[str, ...] | None:
        """The coders of the reconciliation (fixed by its first run)."""
        return self.runs[0].coders if self.runs else None

    def effective(self, key: tuple[str, str], code: str) -> Decision | None:
        """The decision in force for one code on one segment: the latest that covers it."""
        for d in reversed(self.by_unit.get(key, ())):
            if d.covers(code):
                return d
        return None

    def live(self) -> list[Decision]:
        """Decisions still in force for at least one code, in log order."""
        out: dict[str, Decision] = {}
        for key, decs in self.by_unit.items():
            codes = set().union(*(set(d.chosen) | {c for v in d.coders.values() for c in v}
                                  for d in decs))
            whole = [d for d in decs if d.scope is None]
            if whole:  # the latest whole-segment decision is in force for codes nobody gave
                out.setdefault(whole[-1].id, whole[-1])
            for code in codes:
                d = self.effective(key, code)
                if d is not None:
                    out.setdefault(d.id, d)
        return sorted(out.values(), key=lambda d: d.seq)

    def deferred_open(self, key: tuple[str, str]) -> bool:
        """True when the segment's last word is a deferral."""
        seq = self.deferred.get(key)
        if seq is None:
            return False
        decs = self.by_unit.get(key)
        return not decs or decs[-1].seq < seq


# ----------------------------------------------------------------------------- files


def log_file(project: Project, name: str) -> Path:
    validate_coder_name(name)
    return project.reconciliations_dir / f"{name}.jsonl"


def reconciliation_names(project: Project) -> list[str]:
    folder: Path = project.reconciliations_dir
    if not folder.is_dir():
        return []
    return sorted((p.stem for p in folder.glob("*.jsonl")), key=str.casefold)


def _lock(path: Path) -> Path:
    return path.with_name(f".{path.stem}.lock")


GITIGNORE = "# qcode: machine-local lock files (the *.jsonl decision logs are shared)\n.*.lock\n"


def _prepare(folder: Path) -> None:
    """Create the folder, with a .gitignore that keeps the lock files out of git."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ".gitignore"
    if not target.exists():
        write_text(target, GITIGNORE)
    ensure_gitignore(folder.parent)  # the project root's covers every folder


@contextmanager
def run_lock(project: Project, name: str) -> Iterator[None]:
    """Held for a whole run, so two runs cannot decide the same segments at once. It is
    not waited for: a second run stops at once with a clear error."""
    path = log_file(project, name).with_name(f".{name}.run.lock")
    try:
        _prepare(path.parent)
        fd = open_nofollow(path, os.O_RDWR | os.O_CREAT)
    except IsADirectoryError:
        raise folder_in_the_way(path, "a lock file") from None
    except OSError as exc:
        raise write_failed(path, exc, "nothing was changed") from None
    try:
        try:
            if sys.platform != "win32":
                import fcntl  # POSIX only: imported on the platform that has it

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                import msvcrt  # Windows only

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise ConflictError(f"reconciliation '{name}' is being run by another process; "
                                "nothing was changed",
                                hint="wait for it to finish (or quit it), then run this "
                                     "again") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def read_ledger(project: Project, name: str, *, must_exist: bool = False) -> Ledger:
    """Read a reconciliation's log; unreadable lines are reported in ``problems``."""
    path = log_file(project, name)
    ledger = Ledger(name=name, path=path)
    try:
        data = read_nofollow(path)
    except FileNotFoundError:
        if must_exist:
            names = reconciliation_names(project)
            raise NotFoundError(f"no reconciliation '{name}' in this project",
                                hint=f"reconciliations: {', '.join(names)}" if names else
                                "start one with: qcode reconcile --coder A,B --as NAME"
                                ) from None
        return ledger
    lines = data.split(b"\n")
    torn_tail = lines[-1] != b""
    docs = document_map(project)  # decisions follow renamed documents
    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = _loads(raw)
            entry = _KINDS[obj["kind"]].model_validate(obj)
        except (ValueError, KeyError, TypeError, ValidationError):
            torn = i == len(lines) and torn_tail
            ledger.problems.append(
                f"{path}:{i}: " + ("incomplete last line (torn by a crash or kill)" if torn
                                   else "unreadable line") + "; the line was skipped")
            continue
        if docs and isinstance(entry, Decision) and docs.key(*entry.key) != entry.key:
            doc, seg = docs.key(*entry.key)
            entry = entry.model_copy(update={"doc": doc, "segment": seg})
        ledger.add(entry)  # type: ignore[arg-type]
    return ledger


def last_seq(data: bytes) -> int:
    """The seq of the last readable line (0: none), read from the end: the lines before it
    are not split off (a reconciliation's log holds tens of thousands)."""
    end = len(data)
    while end > 0:
        start = data.rfind(b"\n", 0, end) + 1
        raw = data[start:end]
        if raw.strip():
            try:
                return int(json.loads(raw)["seq"])
            except (ValueError, KeyError, TypeError):
                pass
        end = start - 1
    return 0


def append(project: Project, name: str, drafts: Iterable[dict[str, Any]]) -> list[Entry]:
    """Append entries under the log's lock; ``seq``, ``time`` and decision ``id`` are
    assigned here. Returns the records once they are on disk."""
    drafts = list(drafts)
    if not drafts:
        return []
    path = log_file(project, name)
    with _opened(path) as fh:
        data = fh.read()
        seq = last_seq(data)
        now = now_iso()
        full: list[dict[str, Any]] = []
        for draft in drafts:
            seq += 1
            extra: dict[str, Any] = {"seq": seq, "time": now}
            if draft["kind"] == "decision":
                extra["id"] = f"R{seq:05d}"
            full.append(draft | extra)
        records = _validate(full)
        lines = bytearray()  # each line freed once copied (orjson's hold spare room)
        for r in records:
            lines += entry_line(r)
        payload = bytes(lines)
        del lines
        if data and not data.endswith(b"\n"):
            payload = b"\n" + payload
        _write(fh, payload, len(data), path)
    return records


def _validate(entries: list[dict[str, Any]]) -> list[Entry]:
    """Entries as records, each validated by its kind's model; a run of decisions (a
    reconciliation writes tens of thousands at once) in one call of a list adapter."""
    kinds = {e["kind"] for e in entries}
    if len(entries) > 1 and kinds == {"decision"}:
        return list(_decisions().validate_python(entries))
    return [_KINDS[e["kind"]].model_validate(e) for e in entries]  # type: ignore[misc]


#: a line of plain values only (:data:`qcode.coding.add_lines.PLAIN_ONLY`), with its newline
_LINE = PLAIN_ONLY | orjson.OPT_APPEND_NEWLINE


def entry_line(entry: Entry) -> bytes:
    """An entry's line: exactly ``model_dump_json(exclude_none=True)`` and a newline.

    Written with orjson from the validated fields (their order is the model's; None left
    out), half the time of pydantic's dump: the fields of :data:`Entry` hold only texts,
    integers, None, and tuples and text-keyed dicts of them, which both write alike
    (``tests/reconcile/test_entry_line.py``). A value orjson refuses (a lone surrogate, an
    integer beyond 64 bits) is left to pydantic.
    """
    try:
        return orjson.dumps({k: v for k, v in entry.__dict__.items() if v is not None},
                            option=_LINE)
    except TypeError:
        return entry.model_dump_json(exclude_none=True).encode("utf-8") + b"\n"


@cache
def _decisions() -> TypeAdapter[list[Decision]]:
    return TypeAdapter(list[Decision])


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """The log at ``path`` open for appending under its lock; an OS error on the way (a
    full disk, a read-only folder) is the one write failure: nothing was saved."""
    try:
        _prepare(path.parent)
        with exclusive(_lock(path)):
            fd = open_nofollow(path, os.O_RDWR | os.O_CREAT | os.O_APPEND)
            with os.fdopen(fd, "r+b") as fh:
                yield fh
    except OSError as exc:
        raise write_failed(path, exc, "these decisions were not saved") from None


def _write(fh: BinaryIO, payload: bytes, size: int, path: Path) -> None:
    """Append ``payload`` and fsync; a failed write is cut back to ``size`` (no partial
    line stays) and both failures say what became of the decisions. Written unbuffered,
    so closing the file after a failure cannot write part of it again."""
    fd = fh.fileno()
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        with contextlib.suppress(OSError):  # else a partial line stays: skipped, reported
            os.ftruncate(fd, size)
        raise write_failed(path, exc, "these decisions were not saved") from None
    try:
        os.fsync(fd)
    except OSError as exc:
        raise write_failed(path, exc, "these decisions are in the log, but the disk did "
                           "not confirm them") from None

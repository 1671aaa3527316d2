"""Lines of a coder log as events: parsing, and the cheap check that an event can be folded.

The bottom of the coding package: ``events`` <- ``fold`` <- ``checkpoint`` <- ``store``, and
``log_file`` reads lines back with the same rules. A line is one event object or a JSON array
of the events one action wrote. Lines are written by qcode through the validated
:class:`qcode.models.CodingEvent`; on reading, :func:`event_ok` checks only what folding
relies on (each op's fields and their types), without building a pydantic model per line,
so that a hand-edited or damaged line is skipped and reported like a torn one.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

try:  # orjson parses large logs about three times faster; json is the fallback
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None  # type: ignore[assignment]

loads: Callable[[bytes | str], Any] = json.loads if _orjson is None else _orjson.loads


def dumps(obj: Any) -> bytes:
    """Compact JSON bytes (orjson when it is installed)."""
    if _orjson is None:  # pragma: no cover
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _orjson.dumps(obj)

ORIGINS = frozenset(("manual", "auto", "imported", "reconciled", "search"))
TORN = "incomplete last line (torn by a crash or kill)"
UNREADABLE = "unreadable line"

#: the keys of an add event as qcode writes it (the fold's fast path reads them in one go)
ADD_KEYS = ("seq", "time", "doc", "segment", "start", "end", "quote", "code", "origin")
#: the types allowed for an optional integer / text field
OPT_INT = frozenset((int, type(None)))
OPT_STR = frozenset((str, type(None)))
OPT_BOOL = frozenset((bool, type(None)))


def _add_ok(ev: dict[str, Any]) -> bool:
    # the fold checks adds inline with the same rules (qcode.coding.fold.fold_pass)
    get = ev.get
    origin = get("origin", "manual")
    return (type(get("doc")) is str and type(get("segment")) is str
            and type(get("code")) is str and type(get("start")) in OPT_INT
            and type(get("end")) in OPT_INT and type(get("quote")) in OPT_STR
            and type(origin) is str and origin in ORIGINS
            and type(get("decision")) in OPT_STR and type(get("memo")) in OPT_STR
            and segments_ok(get("segments")))


def segments_ok(value: Any) -> bool:
    """An add event's ``segments`` (a span across segments): absent, or a list of ids."""
    return value is None or (type(value) is list and all(type(s) is str for s in value))


def _remove_ok(ev: dict[str, Any]) -> bool:
    get = ev.get
    return type(get("doc")) is str and type(get("segment")) is str and \
        type(get("code")) is str and type(get("start")) in OPT_INT and \
        type(get("end")) in OPT_INT and type(get("span")) in OPT_BOOL


def _memo_ok(ev: dict[str, Any]) -> bool:
    get = ev.get
    return type(get("doc")) is str and type(get("segment")) is str and \
        type(get("memo")) in OPT_STR


def _doc_ok(ev: dict[str, Any]) -> bool:
    return type(ev.get("doc")) is str


def _undo_ok(ev: dict[str, Any]) -> bool:
    return type(ev.get("target")) in OPT_INT and type(ev.get("target_id")) in OPT_STR


def _any_ok(ev: dict[str, Any]) -> bool:
    return True


#: what each op needs beyond op, seq and time; an op not listed here (written by a newer
#: qcode) is kept and ignored (:data:`ANY_OK`)
OP_CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "add": _add_ok, "remove": _remove_ok, "memo": _memo_ok, "done": _doc_ok,
    "reopen": _doc_ok, "undo": _undo_ok}
ANY_OK: Callable[[dict[str, Any]], bool] = _any_ok

#: the fields each op needs, with the types allowed (for naming what is wrong)
_NEEDS: dict[str, tuple[tuple[str, tuple[type, ...], bool], ...]] = {
    "add": (("doc", (str,), True), ("segment", (str,), True), ("code", (str,), True),
            ("start", (int,), False), ("end", (int,), False), ("quote", (str,), False),
            ("decision", (str,), False), ("memo", (str,), False), ("segments", (list,), False)),
    "remove": (("doc", (str,), True), ("segment", (str,), True), ("code", (str,), True),
               ("start", (int,), False), ("end", (int,), False), ("span", (bool,), False)),
    "memo": (("doc", (str,), True), ("segment", (str,), True), ("memo", (str,), False)),
    "done": (("doc", (str,), True),),
    "reopen": (("doc", (str,), True),),
    "undo": (("target", (int,), False), ("target_id", (str,), False)),
}


def looks_like_event(ev: Any) -> bool:
    """Whether a parsed value claims to be an event: an object with a string op and an
    integer seq (its other fields are checked by :func:`event_ok`)."""
    return type(ev) is dict and type(ev.get("seq")) is int and type(ev.get("op")) is str


def event_ok(ev: Any) -> bool:
    """Whether a parsed value is an event that can be folded: an op, a positive seq, a time,
    and the fields its op needs with the right types. Cheap: no model is built."""
    if type(ev) is not dict:
        return False
    seq = ev.get("seq")
    op = ev.get("op")
    if type(seq) is not int or seq < 1 or type(op) is not str or \
            type(ev.get("time")) is not str or type(ev.get("id")) not in OPT_STR:
        return False
    return OP_CHECKS.get(op, ANY_OK)(ev)


def event_fault(ev: Any) -> str:
    """What is wrong with a value :func:`event_ok` refused, in a few words (slow path)."""
    if type(ev) is not dict:
        return "not an event object"
    op = ev.get("op")
    if type(op) is not str:
        return "no valid 'op'"
    seq = ev.get("seq")
    if type(seq) is not int or seq < 1:
        return f"{op} event without a valid 'seq'"
    if type(ev.get("time")) is not str:
        return f"{op} event without a valid 'time'"
    if type(ev.get("id")) not in OPT_STR:
        return f"{op} event without a valid 'id'"
    for name, types, required in _NEEDS.get(op, ()):
        value = ev.get(name)
        if value is None and not required:
            continue
        if type(value) not in types:
            return f"{op} event without a valid '{name}'"
    origin = ev.get("origin", "manual")
    if op == "add" and not (type(origin) is str and origin in ORIGINS):
        return "add event without a valid 'origin'"
    if op == "add" and not segments_ok(ev.get("segments")):
        return "add event without a valid 'segments'"
    return "not a valid event"  # pragma: no cover - event_ok and this list agree


def line_events(parsed: Any) -> list[dict[str, Any]] | None:
    """The events of one parsed line: a valid event, or a non-empty batch (a JSON array) of
    valid events; None when the line is not that (a batch with one bad event is refused
    whole: an action is kept or lost as a whole)."""
    if event_ok(parsed):
        return [parsed]
    if type(parsed) is list and parsed and batch_ok(parsed):
        return parsed
    return None


def batch_ok(values: list[Any]) -> bool:
    """Whether every value of a batch is an event :func:`event_ok` accepts, with the
    fields of an add that has them all looked up at once and checked inline (an import or
    a reconciliation writes batches of tens of thousands of adds)."""
    pick, t, is_int, is_str = itemgetter(*ADD_KEYS), type, int, str
    opt_int, opt_str, origins = OPT_INT, OPT_STR, ORIGINS
    for ev in values:
        if t(ev) is not dict or ev.get("op") != "add":
            if not event_ok(ev):
                return False
            continue
        try:
            seq, time, doc, seg, start, end, quote, code, origin = pick(ev)
        except KeyError:  # an optional field absent: the general check
            if not event_ok(ev):
                return False
            continue
        get = ev.get
        if not (t(seq) is is_int and seq > 0 and t(time) is is_str and t(doc) is is_str
                and t(seg) is is_str and t(code) is is_str and t(start) in opt_int
                and t(end) in opt_int and t(quote) in opt_str and t(origin) is is_str
                and origin in origins and t(get("id")) in opt_str
                and t(get("decision")) in opt_str and t(get("memo")) in opt_str
                and segments_ok(get("segments"))):
            return False
    return True


@dataclass(frozen=True, slots=True)
class LogProblem:
    """A line of a log that could not be read (torn by a crash, damaged, or holding an event
    with missing or mistyped fields); it is skipped.

    ``events`` is how many events the line held (estimated when it is not valid JSON).
    """

    path: Path
    line: int
    reason: str
    events: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}; the line was skipped"


def line_problem(path: Path, line: int, raw: bytes, parsed: Any, *, last: bool) -> LogProblem:
    """The problem of a line :func:`line_events` refused (``parsed`` is None when the
    line is not JSON; ``last`` when it is the file's last line without a newline)."""
    if parsed is None:
        # count the events a damaged line held by their "op" keys (at least one)
        events = max(1, raw.count(b'"op"'))
        return LogProblem(path, line, TORN if last else UNREADABLE, events)
    if type(parsed) is list and parsed and any(looks_like_event(e) for e in parsed):
        bad = next(e for e in parsed if not event_ok(e))
        return LogProblem(path, line, f"batch of {len(parsed)} events, one of them not valid "
                                      f"({event_fault(bad)})", len(parsed))
    if looks_like_event(parsed) or (type(parsed) is dict and "op" in parsed):
        return LogProblem(path, line, f"not a valid event ({event_fault(parsed)})")
    return LogProblem(path, line, UNREADABLE)


def parse_line(raw: bytes) -> Any:
    """A line's JSON value, or None when it is not JSON."""
    try:
        return loads(raw)
    except ValueError:
        return None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Millions of small acyclic dicts: the cyclic collector would only cost time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class LogRead:
    """Every good event of a log, in order, and the lines that were skipped."""

    events: list[dict[str, Any]]
    problems: list[LogProblem] = field(default_factory=list)


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
    try:  # fast path: every line parses and holds one good event (the usual case)
        parsed = [loads(raw) for raw in lines]
    except ValueError:
        parsed = None
    if parsed is not None and all(event_ok(e) for e in parsed):
        return LogRead(parsed)
    events: list[dict[str, Any]] = []
    problems: list[LogProblem] = []
    for i, raw in enumerate(lines):
        if not raw.strip():
            continue
        value = parsed[i] if parsed is not None else parse_line(raw)
        evs = line_events(value)
        if evs is None:
            problems.append(line_problem(path, first_line + i, raw, value,
                                         last=i == len(lines) - 1 and torn_tail))
            continue
        events.extend(evs)
    return LogRead(events, problems)

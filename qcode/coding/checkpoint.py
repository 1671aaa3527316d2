"""Checkpoints of a coder's fold, so that a large log loads without replaying every line.

``codings/.<coder>.checkpoint`` holds the fold of the log's first ``log_bytes`` bytes and the
SHA-256 of exactly those bytes. Loading checks the hash against the log as it is now; if the
log was edited, replaced (a git checkout, a restore) or cut short, the checkpoint is ignored
and the log is replayed in full. After the checkpoint, only the new lines are replayed. An
``undo`` in the new lines that reverts an event inside the checkpoint also sends the load
back to a full replay (the checkpoint keeps the state, not the history).

When the checkpoint was made of the whole log, its header also records the log's stamp (size,
modification and change time, inode) at that read. A log whose stamp is still that one, and
which had not been modified within :data:`RACY_NS` before the read, is not read or hashed at
all (:func:`load_unchanged`; the read index's rule, :mod:`qcode.index.documents`).

The file is a one-line JSON header (format, coder, the log's length, hash and stamp, and
the byte length of each line after it), a line with the state as columns (one list per
field, :func:`_columns`), which loads with a few Python steps per coding, a line with the
add events' seq, time and id, and a line with the spans' quotes. Each line after the
header is read only by the loads that need it: codings read as columns
(:func:`load_columns`) skip the events, and agreement skips the quotes as well (most of
the file: at 2,000 transcripts, 26 of a coder's 39 MB). The checkpoint is a cache:
deleting it loses nothing. It is written atomically, after a load that replayed at least
:data:`MIN_EVENTS` events, or that resumed from a checkpoint older than :data:`RENEW_NS`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from itertools import accumulate, chain, pairwise, repeat
from pathlib import Path
from typing import Any, NamedTuple

from qcode._io import atomic
from qcode._io.nofollow import open_nofollow
from qcode.coding.events import LogProblem, dumps, loads
from qcode.coding.fold import CoderState, fold_pass, rebuild_view, span_key
from qcode.coding.order import MissedUndo, OutOfOrder, undo_targets
from qcode.errors import ProjectDamagedError, QcodeError

try:  # orjson parses the body where it lies (a memoryview); json is the fallback
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    _orjson = None  # type: ignore[assignment]

#: 5: spans; 6: event ids; 8: a header line, spans as columns, events' seq/time/id;
#: 9: the quotes on a line of their own, every line's length in the header
FORMAT = 9
#: the lines after the header, in order
SECTIONS = ("body", "events", "quotes")
#: write a checkpoint after a load that had to replay at least this many events
#: (5,000: a 200-transcript study's coder, 10,000 codings, has one: a warm load 0.12 -> 0.06 s)
MIN_EVENTS = 5_000
#: a log modified less than this before it was read for a checkpoint is not trusted by its
#: stamp (size and times) alone: as the read index's rule (:mod:`qcode.index.documents`)
RACY_NS = 2_000_000_000
#: a load that resumed from a checkpoint at least this old (by its modification time) and
#: replayed events after it writes the checkpoint again, so the next loads take it on the
#: log's stamp instead of reading and hashing the log and folding the state in full (at
#: 2,000 transcripts: 1.1 s and 425 MB for a matrix, against 0.8 s and 250 MB); a run of
#: small writes (a script tagging segment after segment) rewrites it at most this often
RENEW_NS = 30_000_000_000


class LogStamp(NamedTuple):
    """What the file system says of a log: size, modification and change time (ns), inode.

    Any write to the file changes its change time, which no program can set back."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int


def stamp_of(st: os.stat_result) -> LogStamp:
    return LogStamp(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _prefix_end(data: bytes) -> int:
    """Length of the complete lines at the start of ``data`` (a torn tail is left out)."""
    return data.rfind(b"\n") + 1


def _shared(values: list[Any]) -> list[Any]:
    """``values`` with equal strings made one object (codes, documents, times and origins
    repeat over a coder's codings: one object each saves memory and compares faster)."""
    seen: dict[Any, Any] = {}
    get = seen.setdefault
    return [get(v, v) for v in values]


def _interned(values: list[str]) -> list[str]:
    """``values`` as the interpreter's one object for each string (as :func:`_shared`, and
    the same objects in every coder's columns: comparing two coders' codings then mostly
    finds the very same strings). TypeError for a value that is not a string."""
    return list(map(sys.intern, values))


def _columns(st: CoderState) -> dict[str, Any]:
    """The live spans as columns, in the state's order: per (doc, first segment) its spans,
    per span its offsets, quote (stored once: most spans carry several codes) and codes,
    per code the fields of its add event. ``multi`` and ``decision`` list only the spans
    (codes) that have one, by position."""
    k_doc: list[str] = []
    k_seg: list[str] = []
    k_n: list[int] = []
    s_start: list[int | None] = []
    s_end: list[int | None] = []
    s_quote: list[str | None] = []
    s_n: list[int] = []
    multi: list[list[Any]] = []
    position: dict[int, int] = {}  # id of a span-across-segments event -> its position
    code: list[str] = []
    seq: list[int] = []
    when: list[str | None] = []
    origin: list[str] = []
    eid: list[str | None] = []
    decision: list[list[Any]] = []
    for (doc, seg), by_key in st.spans.items():
        # the codes of one span, as far as they follow each other: the spans keep their
        # order in the segment, so the state loads exactly as the fold left it
        groups: list[tuple[tuple[Any, Any, Any, Any], list[dict[str, Any]]]] = []
        for ev in by_key.values():
            several = ev.get("segments")
            key = (ev.get("start"), ev.get("end"), ev.get("quote"),
                   tuple(several) if several else None)
            if groups and groups[-1][0] == key:
                groups[-1][1].append(ev)
            else:
                groups.append((key, [ev]))
        k_doc.append(doc)
        k_seg.append(seg)
        k_n.append(len(groups))
        for (start, end, quote, several), evs in groups:
            if several:
                multi.append([len(s_n), list(several)])
            s_start.append(start)
            s_end.append(end)
            s_quote.append(quote)
            s_n.append(len(evs))
            for ev in evs:
                if several:
                    position[id(ev)] = len(code)
                if ev.get("decision") is not None:
                    decision.append([len(code), ev["decision"]])
                code.append(ev["code"])
                seq.append(ev["seq"])
                when.append(ev.get("time"))
                origin.append(ev.get("origin", "manual"))
                eid.append(ev.get("id"))
    # the spans across segments in the order the fold holds them (it decides which of two
    # such spans of a code stands for the code on a later segment they both cover)
    order = [position[id(ev)] for by_key in st.multi.values() for ev in by_key.values()]
    return {"keys": [k_doc, k_seg, k_n], "spans": [s_start, s_end, s_n],
            "multi": multi, "multi_order": order, "codes": [code, origin],
            "events": [seq, when, eid], "quotes": s_quote,
            "decision": decision}


def save(path: Path, st: CoderState, data: bytes, *, stamp: LogStamp | None = None,
         read_ns: int = 0) -> None:
    """Write a checkpoint of ``st``, the fold of every complete line of ``data``.

    ``stamp``: the log file's stamp when ``data`` (all of it) was read, and ``read_ns``
    the time just before that read; a later load whose log has the same stamp (and was not
    modified within :data:`RACY_NS` of that read) uses the checkpoint without reading the
    log (:func:`load_unchanged`). Best effort: a checkpoint that cannot be written
    (read-only project) is skipped.
    """
    end = _prefix_end(data)
    if end != len(data):
        return  # the fold included nothing from the torn tail, but keep it simple: skip
    head = {
        "format": FORMAT,
        "coder": st.coder,
        "log_bytes": end,
        "log_sha256": hashlib.sha256(memoryview(data)[:end]).hexdigest(),
        "stamp": list(stamp) if stamp is not None and stamp.size == end else None,
        "read_ns": read_ns,
    }
    body = {
        "n_lines": data.count(b"\n", 0, end),
        "last_seq": st.last_seq,
        "last_time": st.last_time,
        "n_events": st.n_events,
        **_columns(st),
        "memos": [[d, s, m] for (d, s), m in st.memos.items()],
        "done": sorted(st.done),
        # an undo may name a seq that comes later (qcode never writes one, a hand edit may)
        "undone": list(undo_targets(data)),
        "problems": [[p.line, p.reason, p.events] for p in st.problems],
        "keyed": st.keyed,
        "duplicates": st.duplicates,
    }
    with contextlib.suppress(OSError, QcodeError):
        # the add events' seq, time and id, and the quotes, on lines of their own: the
        # loads that do not need them do not read them
        events, quotes = body.pop("events"), body.pop("quotes")
        _write(path, head, [dumps(body), dumps(events), dumps(quotes)])


def _write(path: Path, head: dict[str, Any], sections: list[bytes]) -> None:
    """The checkpoint file: the header, with every section's length, then the sections,
    each on its own line (atomically)."""
    head = head | {"sections": [len(b) for b in sections]}
    atomic.write_bytes(path, b"\n".join([dumps(head), *sections]))


def _parse(section: bytes) -> Any:
    """One section of the checkpoint, parsed."""
    return loads(section) if _orjson is None else _orjson.loads(section)


def _whole(sections: dict[str, bytes]) -> dict[str, Any] | None:
    """The body with the events and the quotes put back in (None: not a body)."""
    ck = _parse(sections["body"])
    if not isinstance(ck, dict):
        return None
    ck["events"] = _parse(sections["events"])
    ck["quotes"] = _parse(sections["quotes"])
    return ck


def _read(path: Path, coder: str, want: tuple[str, ...] = SECTIONS
          ) -> tuple[dict[str, Any], dict[str, bytes]] | None:
    """The checkpoint's header (checked: this format, this coder) and the bytes of the
    sections in ``want`` (of :data:`SECTIONS`), the others not read; None when the file
    is not a whole checkpoint of this coder."""
    try:
        fd = open_nofollow(path, os.O_RDONLY)
    except (OSError, ProjectDamagedError):  # a link is not read; the next save replaces it
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            line = fh.readline(1 << 16)
            head = loads(line) if line.endswith(b"\n") else None
            if not isinstance(head, dict) or head.get("format") != FORMAT \
                    or head.get("coder") != coder:
                return None
            sizes = head.get("sections")
            if not (isinstance(sizes, list) and len(sizes) == len(SECTIONS)
                    and all(isinstance(n, int) and n >= 0 for n in sizes)):
                return None
            got: dict[str, bytes] = {}
            offset = len(line)
            for name, size in zip(SECTIONS, sizes, strict=True):
                if name in want:
                    fh.seek(offset)
                    got[name] = fh.read(size)
                    if len(got[name]) != size:
                        return None  # cut short: not a checkpoint qcode wrote
                offset += size + 1
            if offset - 1 != os.fstat(fh.fileno()).st_size:
                return None
            return head, got
    except (OSError, ValueError):
        return None


def vouches(path: Path, coder: str, stamp: LogStamp) -> bool:
    """Whether the checkpoint at ``path`` vouches for a log with ``stamp`` (:func:`trusted`),
    from its header alone."""
    found = _read(path, coder, ())
    return found is not None and trusted(found[0], stamp)


def holds_whole(path: Path, coder: str, size: int) -> bool:
    """Whether the checkpoint at ``path`` says it was made of a log of ``size`` bytes (its
    header alone; :func:`restamp` checks the bytes themselves)."""
    found = _read(path, coder, ())
    return found is not None and found[0].get("log_bytes") == size


def _expand(per_span: list[Any], counts: list[int]) -> list[Any]:
    """A per-span column repeated for each code of its span (in C)."""
    return list(chain.from_iterable(map(repeat, per_span, counts)))


def _state(coder: str, ck: dict[str, Any], log: Path) -> CoderState:
    """The state a checkpoint body holds (its events are the add events the fold had),
    built column by column: a few Python steps per coding, not a dozen."""
    st = CoderState(coder=coder, last_time=ck["last_time"], last_seq=ck["last_seq"],
                    n_events=ck["n_events"], keyed=ck["keyed"],
                    duplicates=ck["duplicates"])
    k_doc, k_seg, k_n = ck["keys"]
    s_start, s_end, s_n = ck["spans"]
    s_quote = ck["quotes"]
    code, origin = ck["codes"]
    seq, when, eid = ck["events"]
    k_doc, code, when, origin = _shared(k_doc), _shared(code), _shared(when), _shared(origin)
    first_span = [0, *accumulate(k_n)]  # where each segment's spans start
    first_code = [0, *accumulate(s_n)]  # where each span's codes start
    if not (len(k_doc) == len(k_seg) == len(k_n) and first_span[-1] == len(s_n)
            == len(s_start) == len(s_end) == len(s_quote) and first_code[-1] == len(code)
            == len(seq) == len(when) == len(origin) == len(eid)):
        raise ValueError("checkpoint columns of different lengths")
    # each segment's key and each span's fields, repeated (the same object) for its codes
    per_key = [first_code[j] - first_code[i] for i, j in pairwise(first_span)]
    e_key = _expand(list(zip(k_doc, k_seg, strict=True)), per_key)
    e_span = _expand(list(zip(s_start, s_end, s_quote, strict=True)), s_n)
    spans, view = st.spans, st.codes
    last_key: object = None
    on: dict[Any, dict[str, Any]] = {}
    seen: dict[str, dict[str, Any]] = {}
    for key, span, c, q, t, o, i in zip(e_key, e_span, code, seq, when, origin, eid,
                                        strict=True):
        start, end, quote = span
        ev = {"op": "add", "seq": q, "time": t, "doc": key[0], "segment": key[1],
              "start": start, "end": end, "quote": quote, "code": c, "origin": o, "id": i}
        if i is None:  # written before ids: no "id", as the fold has it
            del ev["id"]
        if key is not last_key:
            on = spans[key] = {}
            seen = view[key] = {}
            last_key = key
        on[(c, -1 if start is None else start, -1 if end is None else end)] = seen[c] = ev
    if ck["decision"] or ck["multi"]:
        events = [ev for on in spans.values() for ev in on.values()]
        if len(events) != len(code):  # two codes with one key: not a checkpoint qcode wrote
            raise ValueError("checkpoint holds a span twice")
        for j, value in ck["decision"]:
            events[j]["decision"] = value
        for i, several in ck["multi"]:  # spans across segments
            for j in range(first_code[i], first_code[i + 1]):
                events[j]["segments"] = list(several)
        for j in ck["multi_order"]:
            ev = events[j]
            if not ev.get("segments"):
                raise ValueError("checkpoint lists a span across segments that is not one")
            st.multi.setdefault(e_key[j], {})[span_key(ev)] = ev
    st.memos.update(((d, s), m) for d, s, m in ck["memos"])
    st.done.update(ck["done"])
    st.problems = [LogProblem(log, line, reason, events)
                   for line, reason, events in ck["problems"]]
    return st


def _before(target: object, last_seq: int, tail: bytes) -> bool:
    """Whether an undo in the lines after the checkpoint reverts an event inside it: a seq
    up to the checkpoint's last (a log without ids), or an id not among the lines after."""
    if isinstance(target, int):
        return target <= last_seq
    return tail.find(b'"id":"' + str(target).encode() + b'"') < 0


def resume(path: Path, coder: str, data: bytes, log: Path) -> tuple[CoderState, int] | None:
    """The fold of ``data`` from the checkpoint at ``path``, and the number of events
    replayed after it; None when the checkpoint does not apply."""
    found = _read(path, coder)
    if found is None:
        return None
    head, sections = found
    try:
        end = int(head["log_bytes"])
        if end > len(data) or \
                hashlib.sha256(memoryview(data)[:end]).hexdigest() != head["log_sha256"]:
            return None
        ck = _whole(sections)
        if ck is None:
            return None
        tail = data[end:]
        first_line = int(ck["n_lines"]) + 1
        undone = undo_targets(tail)
        if any(_before(t, ck["last_seq"], tail) for t in undone):
            return None
        undone.update(ck["undone"])
        st = _state(coder, ck, log)
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    try:
        replayed = fold_pass(st, tail, log, first_line, undone) if tail else 0
        if st.multi and not tail:
            rebuild_view(st)  # spans across segments are on the later segments' views too
    except (MissedUndo, OutOfOrder):  # an undo the byte scan could not see, or lines not
        return None  # in fold order after the checkpoint (a merge): replay everything
    return st, replayed


def worth_renewing(path: Path) -> bool:
    """Whether the checkpoint at ``path`` was written at least :data:`RENEW_NS` ago."""
    try:
        return time.time_ns() - os.lstat(path).st_mtime_ns >= RENEW_NS
    except OSError:
        return False


def trusted(head: dict[str, Any], stamp: LogStamp) -> bool:
    """Whether a checkpoint's header vouches for a log with ``stamp`` without reading it:
    the checkpoint holds the whole log as it was read (same size, times and inode), and the
    log had not been modified within :data:`RACY_NS` before that read (a write in the same
    clock tick as an earlier one could leave the modification time as it was)."""
    recorded = head.get("stamp")
    read_ns = head.get("read_ns")
    return (isinstance(recorded, list) and recorded == list(stamp)
            and head.get("log_bytes") == stamp.size and isinstance(read_ns, int)
            and stamp.mtime_ns < read_ns - RACY_NS)


def load_unchanged(path: Path, coder: str, stamp: LogStamp, log: Path) -> CoderState | None:
    """The fold of the log at ``log`` from the checkpoint alone, when the checkpoint was made
    of the whole log and the log's stamp is still the one recorded (see :func:`trusted`):
    the log is then neither read nor hashed. None when that cannot be vouched for."""
    found = _read(path, coder)
    if found is None or not trusted(found[0], stamp):
        return None
    try:
        ck = _whole(found[1])
        if ck is None:
            return None
        st = _state(coder, ck, log)
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    if st.multi:
        rebuild_view(st)  # spans across segments are on the later segments' views too
    return st


class Columns(NamedTuple):
    """A coder's live spans as columns, one entry per coding, in the order of the state's
    spans (:attr:`CoderState.spans`, segment by segment): what analyses that read codings
    as records need, without the fold's per-coding event dicts."""

    #: the (doc, first segment) of each coding (one tuple object per segment)
    key: list[tuple[str, str]]
    code: list[str]
    start: list[int | None]
    end: list[int | None]
    #: empty when the columns were read without quotes (``load_columns(quotes=False)``)
    quote: list[str | None]
    origin: list[str]
    decision: list[str | None]
    #: the state without its spans: memos, completed documents, unreadable lines
    rest: CoderState
    #: how many spans (each with all its codes) cross from their first segment into later
    #: ones (the columns list each under its first segment only)
    crossing: int = 0


def load_columns(path: Path, coder: str, stamp: LogStamp, log: Path, *,
                 quotes: bool = True) -> Columns | None:
    """The checkpoint's spans as :class:`Columns`, when it vouches for the log as
    :func:`load_unchanged` does (else None); without ``quotes`` the quotes are not read
    (``quote`` is then empty)."""
    found = _read(path, coder, ("body", "quotes") if quotes else ("body",))
    if found is None or not trusted(found[0], stamp):
        return None
    try:
        ck = _parse(found[1]["body"])
        s_quote = _parse(found[1]["quotes"]) if quotes else None
        found = None  # the file's bytes are not needed any more: freed before the columns
        if not isinstance(ck, dict):
            return None
        k_doc, k_seg, k_n = ck["keys"]
        s_start, s_end, s_n = ck["spans"]
        code, origin = ck["codes"]
        first_span = [0, *accumulate(k_n)]
        first_code = [0, *accumulate(s_n)]
        if not (len(k_doc) == len(k_seg) == len(k_n) and first_span[-1] == len(s_n)
                == len(s_start) == len(s_end) and first_code[-1] == len(code) == len(origin)
                and (s_quote is None or len(s_quote) == len(s_n))):
            return None
        per_key = [first_code[j] - first_code[i] for i, j in pairwise(first_span)]
        decision: list[str | None] = [None] * len(code)
        for j, value in ck["decision"]:
            decision[j] = value
        rest = CoderState(coder=coder, last_time=ck["last_time"], last_seq=ck["last_seq"],
                          n_events=ck["n_events"], keyed=ck["keyed"],
                          duplicates=ck["duplicates"])
        rest.memos.update(((d, s), m) for d, s, m in ck["memos"])
        rest.done.update(ck["done"])
        rest.problems = [LogProblem(log, line, reason, events)
                         for line, reason, events in ck["problems"]]
        return Columns(_expand(list(zip(_interned(k_doc), _interned(k_seg), strict=True)),
                               per_key),
                       _interned(code), _expand(s_start, s_n), _expand(s_end, s_n),
                       [] if s_quote is None else _expand(s_quote, s_n), _shared(origin),
                       decision, rest, len(ck["multi"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def restamp(path: Path, coder: str, data: bytes, stamp: LogStamp, read_ns: int) -> None:
    """Record ``stamp`` in a checkpoint that holds exactly the fold of ``data`` (all the log
    as it was read, just before ``read_ns``), so that the next load can trust it without
    reading the log; done only when the stamp could be trusted then (:func:`trusted`).
    The body is kept as it is. Best effort, like :func:`save`."""
    found = _read(path, coder)
    if found is None or stamp.size != len(data):
        return
    head, sections = found
    new = head | {"stamp": list(stamp), "read_ns": read_ns}
    if head.get("log_bytes") != len(data) or not trusted(new, stamp) or \
            hashlib.sha256(data).hexdigest() != head.get("log_sha256"):
        return
    with contextlib.suppress(OSError, QcodeError):
        _write(path, new, [sections[name] for name in SECTIONS])

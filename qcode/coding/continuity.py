"""Whether a coder log is still everything this machine read from it before.

A coder log only grows: qcode appends, and a git merge (``union``) adds the other side's
lines. A log that lost lines this machine had read was changed some other way: an older
version checked out, history rewritten (a reset, a rebase that dropped commits), or a hand
edit. Codings would then vanish without a word; this module notices.

``codings/.<coder>.seen`` (machine-local, kept out of git) records the log as last read:
its size, the SHA-256 of those bytes, and an 8-byte fingerprint of each complete line (for
logs of up to :data:`LINE_CAP` lines). On the next read:

- the log starts with exactly those bytes: it was appended to (the usual case; only the new
  lines are fingerprinted);
- otherwise every line fingerprinted before must still be there, in any order (a merge):
  the record is then renewed;
- if some are gone, :func:`check` says how many and which lines (of the version read
  before) and the record is kept, so the finding stays until the lines are back (the newer
  version checked out again) or ``qcode check --fix`` accepts the log as it is now
  (:func:`accept`).

A log above :data:`LINE_CAP` lines keeps only its size and hash: a change that is not an
append is then reported once, without telling a merge from a loss. The record is a cache
like the checkpoint: deleting it loses nothing but the memory of what was read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zlib
from array import array
from pathlib import Path

from qcode._io import atomic
from qcode._io.nofollow import read_nofollow
from qcode.errors import QcodeError

FORMAT = 1
#: logs with more lines than this keep no line fingerprints (the first read of a very
#: large log stays fast; see the module text)
LINE_CAP = 200_000


def seen_path(log: Path) -> Path:
    """The record of what this machine read from ``log`` (``.<coder>.seen``)."""
    return log.with_name(f".{log.stem}.seen")


def _complete(data: bytes) -> memoryview:
    """The complete lines of ``data`` (a torn last line left out), without a copy."""
    return memoryview(data)[:data.rfind(b"\n") + 1]


def _stat(log: Path | None) -> list[int] | None:
    try:
        st = log.stat() if log is not None else None
    except OSError:
        return None
    return None if st is None else [st.st_size, st.st_mtime_ns, st.st_ino]


def fingerprints(data: bytes | memoryview) -> array:
    """An 8-byte fingerprint (CRC-32 and Adler-32) of each non-blank line of ``data``."""
    crc, adler = zlib.crc32, zlib.adler32
    return array("Q", ((crc(line) << 32) | adler(line)
                       for line in bytes(data).split(b"\n") if line.strip()))


def _read(record: Path) -> tuple[dict[str, object], array] | None:
    try:
        raw = read_nofollow(record)
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            return None
        prints = array("Q")
        prints.frombytes(body)
        if meta.get("lines") is not None and len(prints) != meta["lines"]:
            return None
        return meta, prints
    except (OSError, QcodeError, ValueError):
        return None


def _write(record: Path, data: memoryview, prints: array | None, *, sha: str | None = None,
           stat: list[int] | None = None) -> None:
    meta = {"format": FORMAT, "size": len(data),
            "sha256": sha or hashlib.sha256(data).hexdigest(),
            "lines": None if prints is None else len(prints), "stat": stat}
    body = json.dumps(meta).encode() + b"\n" + (b"" if prints is None else prints.tobytes())
    with contextlib.suppress(OSError, QcodeError):  # a cache: a read-only project reads on
        atomic.write_bytes(record, body)


def accept(record: Path, data: bytes, log: Path | None = None) -> None:
    """Take the log as it is now as what this machine has read (``log``: the log's path,
    whose size, time and inode let an unchanged log skip the next check)."""
    whole = _complete(data)
    n = data.count(b"\n", 0, len(whole))
    _write(record, whole, fingerprints(whole) if n <= LINE_CAP else None, stat=_stat(log))


def unchanged(record: Path, size: int, log: Path) -> bool:
    """Whether ``log`` (``size`` bytes now) is, by its size, modification time and inode,
    the log this machine read last (:func:`check` would then find nothing, without
    reading the log)."""
    found = _read(record)
    now = _stat(log)
    return found is not None and now is not None and found[0].get("size") == size \
        and found[0].get("stat") == now


def check(record: Path, data: bytes, log: Path | None = None) -> str | None:
    """Compare the log's bytes with what this machine read before; None when it holds all
    of it (the record is brought up to date), else what is gone, in a few words."""
    whole = _complete(data)
    found = _read(record)
    if found is None:
        accept(record, data, log)
        return None
    meta, prints = found
    size = meta.get("size")
    if not isinstance(size, int):
        accept(record, data, log)
        return None
    stat = _stat(log)
    if size == len(whole) and stat is not None and meta.get("stat") == stat:
        return None  # not touched since it was read (size, modification time, inode)
    sha = hashlib.sha256(whole[:size]).hexdigest() if size <= len(whole) else None
    if sha == meta.get("sha256"):
        if size < len(whole):  # appended to: fingerprint the new lines only
            if meta.get("lines") is None or \
                    len(prints) + data.count(b"\n", size, len(whole)) > LINE_CAP:
                _write(record, whole, None, stat=stat)
            else:
                prints.extend(fingerprints(whole[size:]))
                _write(record, whole, prints, stat=stat)
        elif meta.get("stat") != stat:
            _write(record, whole, prints if meta.get("lines") is not None else None,
                   sha=sha, stat=stat)
        return None
    if meta.get("lines") is None:
        accept(record, data, log)
        return (f"the log is not an append of the {size:,} bytes this machine read before "
                f"(it has {len(whole):,} now; too large to tell which lines changed)")
    now = set(fingerprints(whole))
    gone = [i + 1 for i, p in enumerate(prints) if p not in now]
    if not gone:  # a merge: every line read before is still there
        accept(record, data, log)
        return None
    shown = ", ".join(map(str, gone[:5])) + (f" and {len(gone) - 5} more" if len(gone) > 5
                                             else "")
    return (f"{len(gone)} line{'s' if len(gone) != 1 else ''} this machine read before "
            f"{'are' if len(gone) != 1 else 'is'} gone or changed (line"
            f"{'s' if len(gone) != 1 else ''} {shown} of the {len(prints)} it had then)")

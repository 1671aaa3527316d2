"""Git conflict markers in an append-only log, and settling them as a union of both sides.

With the ``.gitattributes`` qcode writes, git merges coder logs with its ``union`` driver
and never leaves markers. A project without it (made by an older qcode, or merged where the
attributes were not yet committed) can get them: ``<<<<<<< ours``, ``=======`` and
``>>>>>>> theirs`` lines around the lines each side added. A log holding them is read up to
the first marker (:func:`cut_at_markers`) and the rest is reported; :func:`union_of_sides`
gives the log with both sides kept, which ``qcode check --fix`` writes when every line of
both sides is a readable event (each side a valid append).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qcode.coding.events import line_events, parse_line

#: a line git writes around a conflict (``|||||||`` opens the base of a diff3 conflict)
MARKER = re.compile(rb"^(<{7}(?: |$)|\|{7}(?: |$)|={7}$|>{7}(?: |$))", re.MULTILINE)
#: the reason given for the lines after the first marker
CONFLICT = "git conflict markers"


@dataclass(frozen=True)
class Cut:
    """The readable part of a log with conflict markers, and what was left out."""

    data: bytes
    line: int  # 1-based line of the first marker
    lines: int  # lines from the first marker to the end
    events: int  # events (estimated) on those lines


def cut_at_markers(data: bytes) -> Cut | None:
    """The log up to its first git conflict marker (None when it holds none)."""
    if b"<<<<<<<" not in data:
        return None
    m = MARKER.search(data)
    if m is None:
        return None
    rest = data[m.start():]
    return Cut(data[:m.start()], data.count(b"\n", 0, m.start()) + 1,
               rest.count(b"\n") + (not rest.endswith(b"\n")),
               rest.count(b'"op"'))


def _valid(line: bytes) -> bool:
    return not line.strip() or line_events(parse_line(line)) is not None


def union_of_sides(data: bytes) -> bytes | None:
    """The log with every conflict settled by keeping both sides (ours, then the lines of
    theirs not already in ours; a diff3 base section is dropped); None when a side holds a
    line that is not a readable event (it needs a person) or the markers do not pair up."""
    out: list[bytes] = []
    ours: list[bytes] = []
    theirs: list[bytes] = []
    state = "common"
    for line in data.split(b"\n"):
        if line.startswith(b"<<<<<<<") and MARKER.match(line):
            if state != "common":
                return None
            state, ours, theirs = "ours", [], []
        elif line.startswith(b"|||||||") and MARKER.match(line):
            if state != "ours":
                return None
            state = "base"
        elif line == b"=======" and state in ("ours", "base"):
            state = "theirs"
        elif line.startswith(b">>>>>>>") and MARKER.match(line):
            if state != "theirs":
                return None
            if not all(_valid(x) for x in ours + theirs):
                return None
            have = set(ours)
            out += ours + [x for x in theirs if x not in have]
            state = "common"
        elif state == "ours":
            ours.append(line)
        elif state == "theirs":
            theirs.append(line)
        elif state == "common":
            out.append(line)
    if state != "common":
        return None
    text = b"\n".join(x for x in out if x.strip())
    return text + b"\n" if text else b""

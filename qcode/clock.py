"""The one clock format of qcode: a position in a recording as ``h:mm:ss``.

Used wherever a time is shown to people: ``qcode show``, the coding screen, the
reconciliation walk, reports and excerpts. JSON carries the seconds as numbers.
"""

from __future__ import annotations


def clock(seconds: float | None) -> str:
    """``h:mm:ss`` (hours unpadded, never left out); empty when the time is unknown.

    >>> clock(3725.4), clock(65), clock(0), clock(None)
    ('1:02:05', '0:01:05', '0:00:00', '')
    """
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"

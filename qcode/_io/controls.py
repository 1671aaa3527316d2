"""Control characters in text that came from users: find them, and make them visible.

Transcripts and codebooks are untrusted: an ESC in a code name is a terminal escape
sequence (it can recolour the screen, set the window title, hide text or, in some
terminals, write files); a NUL in a coder name splits a C string. C0 controls (U+0000 to
U+001F), DEL and the C1 controls (U+0080 to U+009F) count, tab and newline only where the
caller keeps them.
"""

from __future__ import annotations

import re

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every C0/C1 control and DEL except tab (U+0009) and newline (U+000A)."""

CONTROLS_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Every C0/C1 control and DEL, tab and newline included (for one-line names)."""


def visible(text: str, *, keep_layout: bool = True) -> str:
    r"""``text`` with each control character written out as ``\xNN``.

    Tab and newline stay as they are when ``keep_layout`` (the default).

    >>> visible("red \x1b[31mflag\x07\tend")
    'red \\x1b[31mflag\\x07\tend'
    >>> visible("a\tb", keep_layout=False)
    'a\\x09b'
    """
    pattern = CONTROLS if keep_layout else CONTROLS_ALL
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def first_control(text: str) -> str | None:
    r"""The first control character of ``text`` (tab and newline included), or None.

    >>> first_control("ingrid\x00"), first_control("fine")
    ('\x00', None)
    """
    hit = CONTROLS_ALL.search(text)
    return hit.group() if hit else None

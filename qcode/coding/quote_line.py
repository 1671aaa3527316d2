"""Span coding by quote in the line session (``qcode code --plain``, piped input).

A line ``"exact words" CODE`` (several codes: ``"exact words" A, B``) codes exactly those
words of the current segment, found as ``tag --quote`` finds them
(:func:`qcode.coding.quotes.locate`: white space runs match any white space; several
matches or none are an error, a near miss gets a did-you-mean). Every other line goes to
:meth:`qcode.coding.session.Session.handle` unchanged. The events are appended (fsynced)
before the reply that reports them is returned.
"""

from __future__ import annotations

import re

from qcode.codebook.lookup import resolve_code
from qcode.coding import store as codings
from qcode.coding.quotes import locate
from qcode.coding.session import Reply, Session
from qcode.errors import QcodeError, UsageError

_QUOTED = re.compile(r'^["“](?P<quote>[^"”]+)["”]\s*(?P<codes>.*)$')
HELP = '"WORDS" CODE        code exactly those words of this segment (several codes: A, B)'


def handle_line(session: Session, line: str) -> Reply:
    """The session's reply to one input line, quoted words coded as a span."""
    text = line.strip()
    if session.mode != "code" or not text.startswith(('"', "“")):
        reply = session.handle(line)
        if text.casefold() in ("?", "h", "help"):
            reply.messages.append(HELP)
        return reply
    seg = session.current
    try:
        session.sync()
        m = _QUOTED.match(text)
        codes = [q.strip() for q in (m["codes"] if m else "").split(",") if q.strip()]
        if m is None or not codes:
            raise UsageError("a quote is coded as \"exact words\" CODE",
                             hint="the words in double quotes, then a code id or name "
                                  "(several: A, B)")
        try:
            found = locate(session.doc, [seg], m["quote"])
        except QcodeError as exc:  # its hints name tag's options: say what to type here
            near = (exc.hint or "").split("? ", 1)[0] + "?" if "did you mean" in (
                exc.hint or "") else None
            raise type(exc)(exc.message, hint=near or "give more of the words, in quotes"
                            ) from None
        ids = list(dict.fromkeys(resolve_code(session.codebook, q).id for q in codes))
        written = session.write(codings.span_add_events(session.state, session.doc,
                                                        found.start, found.end, ids))
    except QcodeError as exc:
        msg = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return Reply([msg], None, f"{seg.id}> ", error=True)
    n = len(m["quote"].split())
    where = f"{n} word{'' if n == 1 else 's'} ({found.start}-{found.end})"
    msgs = [f"+ {e.code} on {where}" for e in written if e.op == "add"]
    msgs += [f"{c} is already on these words." for c in ids
             if c not in {e.code for e in written}]
    return Reply(msgs, session.view(), f"{session.current.id}> ")

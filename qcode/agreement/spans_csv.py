"""Read span data from a CSV for unitized agreement: ``coder,start,end,code[,doc]``.

One span per row: positions ``[start, end)`` (end exclusive, whole numbers, start < end)
marked by ``coder`` with ``code``; the optional ``doc`` column names the continuum (one
per document). The file is read by :mod:`qcode._io.csvfile` like every CSV qcode reads
(comma, semicolon or tab; ``rater`` for ``coder``); every problem is named ``file:line``.

The continuum of each document is ``continuum`` when given (every span must lie in it),
else it runs from the smallest start to the largest end seen in that document.
"""

from __future__ import annotations

from pathlib import Path

from qcode._io.csvfile import name_problem, parse_table
from qcode._io.textfile import read_user_text
from qcode.agreement.unitized_data import Continuum, Span
from qcode.errors import InsufficientDataError, InvalidInputError, UsageError, located

HEADER = ("coder", "start", "end", "code")
_MAX_REPORTED = 20
_HINT = "one span per row: coder,start,end,code (and optionally doc); end is exclusive"
#: the largest position taken: far past any transcript, and small enough that squared
#: distances between positions stay exact in 64-bit integers (10**12 gave alpha_U 1.0)
MAX_POSITION = 10**9


def parse_continuum(text: str) -> tuple[int, int]:
    """``--continuum START-END`` -> (start, end), end exclusive.

    >>> parse_continuum("150-450")
    (150, 450)
    """
    start, sep, end = text.strip().partition("-")
    try:
        if not sep:
            raise ValueError
        lo, hi = int(start), int(end)
    except ValueError:
        raise UsageError(f"--continuum {text!r} is not START-END",
                         hint="for example --continuum 0-2400 (end exclusive)") from None
    if lo < 0 or hi <= lo:
        raise UsageError(f"--continuum {text!r}: END must be larger than START (both 0 or "
                         "more)", hint="for example --continuum 0-2400 (end exclusive)")
    if hi > MAX_POSITION:
        raise UsageError(f"--continuum {text!r}: END is past {MAX_POSITION:,}, the largest "
                         "position qcode takes", hint="give positions in characters of the text")
    return lo, hi


def read_spans_csv(path: Path, continuum: tuple[int, int] | None = None,
                   ) -> tuple[list[Continuum], list[str]]:
    """The continua (documents in order of first appearance) and coders of the file."""
    text = read_user_text(path, "a spans CSV", hint="give the path of a CSV with columns "
                                                    "coder,start,end,code[,doc]")
    return parse_spans_csv(text, str(path), continuum)


def parse_spans_csv(text: str, name: str = "spans.csv",
                    continuum: tuple[int, int] | None = None,
                    ) -> tuple[list[Continuum], list[str]]:
    """Parse CSV text (see :func:`read_spans_csv`)."""
    table = parse_table(text, name, required=HEADER, optional=("document",),
                        empty_hint="the first line must be the header coder,start,end,code")
    table.require(" (the header must be coder,start,end,code[,doc])", hint=_HINT)
    problems = list(table.problems)
    spans: dict[str, list[Span]] = {}
    for row in table.rows:
        where = table.where(row)
        if len(row.cells) != len(table.header):  # e.g. a doc column the header lacks
            problems.append(f"{where}: expected {len(table.header)} fields (as the header "
                            f"has), found {len(row.cells)}")
            continue
        coder, code = table.value(row, "coder"), table.value(row, "code")
        doc = table.value(row, "document") if "document" in table.columns else ""
        bad = next((p for p in (name_problem(v, c) for c, v in
                                (("coder", coder), ("code", code), ("doc", doc))) if p), None)
        if bad:
            problems.append(f"{where}: {bad}")
            continue
        if not coder or not code:
            problems.append(f"{where}: empty {'coder' if not coder else 'code'}")
            continue
        start, end = _int(table.value(row, "start")), _int(table.value(row, "end"))
        if start is None or end is None:
            which = "start" if start is None else "end"
            problems.append(f"{where}: {which} '{table.value(row, which)}' is not a whole "
                            "number 0 or more")
            continue
        if end > MAX_POSITION:
            problems.append(f"{where}: end is past {MAX_POSITION:,}, the largest position "
                            "qcode takes")
            continue
        if end <= start:
            problems.append(f"{where}: end {end} is not after start {start} (end is "
                            "exclusive: a span of one position is start,start+1)")
            continue
        if continuum is not None and (start < continuum[0] or end > continuum[1]):
            problems.append(f"{where}: span {start}-{end} lies outside the continuum "
                            f"{continuum[0]}-{continuum[1]}")
            continue
        spans.setdefault(doc, []).append(Span(coder, start, end, code))
        if len(problems) > _MAX_REPORTED:
            break
    if problems:
        if len(problems) == 1:
            raise InvalidInputError(problems[0], hint="fix the line and run again")
        shown = problems[:_MAX_REPORTED]
        if len(problems) > _MAX_REPORTED:
            shown.append("... (stopped after the first problems)")
        raise InvalidInputError(f"{name} has {len(problems)} problems", details=shown,
                                hint="fix each line above and run again")
    if not spans:
        raise InsufficientDataError(f"{located(name, table.header_line)}: no spans, only "
                                    "the header", hint=_HINT)
    coders = list(dict.fromkeys(s.coder for doc_spans in spans.values() for s in doc_spans))
    out = []
    for doc, doc_spans in spans.items():
        lo, hi = continuum if continuum is not None else (
            min(s.start for s in doc_spans), max(s.end for s in doc_spans))
        out.append(Continuum(doc, lo, hi, tuple(doc_spans)))
    return out, coders


def _int(text: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value >= 0 else None

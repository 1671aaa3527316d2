"""The one CSV writer and the one CSV reader of qcode.

Writing: :func:`write_rows` and :func:`write_dicts` give comma-separated text with LF line
ends. A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, the OWASP list, or a full-width ``＝＋－＠``)
gets a leading ``'``: transcripts and codebooks are untrusted, and ``=HYPERLINK(...)``
in a quote is text, not a formula. Numbers stay numbers. :func:`unguard` takes the
``'`` off again when qcode reads its own export back.

Reading: :func:`read_table` (a file) and :func:`parse_table` (text) find the delimiter
(comma, semicolon as Excel writes in many locales, or tab) from the header line, drop a
byte-order mark, keep newlines inside quoted cells, match header names without regard to
case, spaces or hyphens, and resolve the aliases of :data:`ALIASES` (``document``, ``doc``
and ``document_id`` all name the document column) the same way for every table. Each
row keeps the physical line it starts on, so every problem can be named ``file:line``.
:func:`name_problem` refuses control characters in names, :func:`unknown` words an
unknown value with a did-you-mean.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qcode._io.controls import first_control, visible
from qcode._io.textfile import read_user_text
from qcode.errors import InvalidInputError, located
from qcode.similar import suggestions

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_FIRST = frozenset(FORMULA_STARTS)  # each of them one character

ALIASES: dict[str, tuple[str, ...]] = {
    "document": ("document", "doc", "document_id", "doc_id", "id"),
    "segment": ("segment", "segment_id", "seg"),
    "code": ("code", "code_id"),
    "coder": ("coder", "rater"),
}
"""Canonical column name -> the header names that mean it, preferred first. A name not
listed here is its own only alias."""

DELIMITERS = (",", ";", "\t")
_MAX_SHOWN = 40  # longest cell value quoted back in a message


# ----------------------------------------------------------------------------- writing


def guard(value: object) -> object:
    r"""A cell value that no spreadsheet will evaluate; non-strings are returned as they are.

    >>> guard("=1+1"), guard("-2 hours"), guard("fine"), guard(-2), guard("\tx")
    ("'=1+1", "'-2 hours", 'fine', -2, "'\tx")
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unguard(text: str) -> str:
    """Undo :func:`guard` on a cell qcode wrote: ``'=x`` -> ``=x``; other text as it is.

    >>> unguard("'=SUM(A1)"), unguard("'quoted"), unguard("=x")
    ('=SUM(A1)', "'quoted", '=x')
    """
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_rows(header: Sequence[object], rows: Iterable[Sequence[object]], *,
               guarded: bool = True) -> str:
    """CSV text: the header, then each row; ``None`` is an empty cell.

    ``guarded=False`` is only for files qcode reads back itself (the project's stored
    registry table), never for output a person opens.

    >>> print(write_rows(["code", "n"], [["=cmd|' /C calc'!A0", 3], ["a,b", None]]), end="")
    code,n
    '=cmd|' /C calc'!A0,3
    "a,b",
    """
    clean = guard if guarded else _same
    lines = [",".join(_quoted(clean(h)) for h in header)]
    starts = _FIRST if guarded else frozenset()
    for row in rows:
        # each cell's text as _quoted(clean(v)) sees it: a plain string that guard leaves
        # alone is its own text (the usual case, no call); a row whose cells hold no comma,
        # quote or line break is joined as it is, the others quote the cells that need it
        cells = [v if type(v) is str and not (v and v[0] in starts) else
                 "" if v is None else str(clean(v)) for v in row]
        line = ",".join(cells)
        if ('"' in line or "\n" in line or "\r" in line
                or line.count(",") != len(cells) - 1):
            line = ",".join(['"' + c.replace('"', '""') + '"'
                             if "," in c or '"' in c or "\n" in c or "\r" in c else c
                             for c in cells])
        lines.append(line or '""')  # a row of one empty cell is "", not a blank line
    return "\n".join(lines) + "\n"


def write_dicts(rows: Sequence[Mapping[str, object]],
                fields: Sequence[str] | None = None) -> str:
    """CSV text of dict rows; the columns are ``fields`` or every key in first-seen order."""
    names = list(fields) if fields is not None else \
        list(dict.fromkeys(k for row in rows for k in row))
    return write_rows(names, ([row.get(n) for n in names] for row in rows))


def _same(value: object) -> object:
    return value


def _quoted(value: object) -> str:
    r"""One cell, quoted when it holds a comma, a quote, or a line break of any kind (the
    csv module leaves a lone carriage return unquoted when rows end in LF, and readers then
    split the row there).

    >>> _quoted("a\rb"), _quoted('a"b'), _quoted(2.5)
    ('"a\rb"', '"a""b"', '2.5')
    """
    text = str(value)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Row:
    """One data row: the physical line it starts on and its cells (stripped)."""

    line: int
    cells: tuple[str, ...]


@dataclass
class Table:
    """A CSV file read by :func:`parse_table`.

    ``header``: the column names as written (stripped); ``columns``: canonical name ->
    index, for every wanted column the header has; ``missing``: the required ones it lacks.
    """

    source: str
    header: tuple[str, ...]
    header_line: int
    delimiter: str
    columns: dict[str, int] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def value(self, row: Row, name: str) -> str:
        """The cell of canonical column ``name`` in ``row`` ("" if absent or short)."""
        i = self.columns.get(name)
        return row.cells[i] if i is not None and i < len(row.cells) else ""

    def where(self, row: Row) -> str:
        return located(self.source, row.line)

    def require(self, consequence: str = "", hint: str | None = None) -> None:
        """Raise when the header lacks a required column (one line naming them all)."""
        if self.missing:
            raise InvalidInputError(
                f"{located(self.source, self.header_line)}: the header lacks "
                f"{', '.join(self.missing)}{consequence}", hint=hint)


def header_key(name: str) -> str:
    """How header names are compared: ``' Document ID '`` -> ``'document_id'``.

    >>> header_key(" Document-ID "), header_key("Doc")
    ('document_id', 'doc')
    """
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: the most frequent of comma, semicolon and tab.

    >>> sniff_delimiter("doc;segment;code"), sniff_delimiter("x"), sniff_delimiter("a\\tb")
    (';', ',', '\\t')
    """
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: Path | str, what: str, *, required: Sequence[str] = (),
               optional: Sequence[str] = (), consequence: str = "",
               hint: str | None = None, empty_hint: str | None = None) -> Table:
    """Read ``path`` (see :func:`read_user_text`) and parse it with :func:`parse_table`."""
    text = read_user_text(path, what, hint=hint, consequence=consequence)
    return parse_table(text, str(path), required=required, optional=optional,
                       consequence=consequence, empty_hint=empty_hint)


def parse_table(text: str, source: str, *, required: Sequence[str] = (),
                optional: Sequence[str] = (), consequence: str = "",
                empty_hint: str | None = None) -> Table:
    """Split CSV text into a header and rows; blank rows are left out.

    A file with no header refuses with ``"{source} is empty{consequence}"``; a row the
    csv module cannot read (a quote never closed, text after a closing quote) is a
    problem in ``table.problems``, located on the line the row starts, and ends the
    reading.

    >>> t = parse_table('Doc;Segment;CODE\\nN01;3;"a\\nb"\\n\\nN02;4;c\\n', "x.csv",
    ...                 required=("document", "segment", "code"))
    >>> t.delimiter, t.columns
    (';', {'document': 0, 'segment': 1, 'code': 2})
    >>> [(r.line, r.cells) for r in t.rows]
    [(2, ('N01', '3', 'a\\nb')), (5, ('N02', '4', 'c'))]
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InvalidInputError(f"{source} is empty{consequence}", hint=empty_hint)
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = sniff_delimiter(first)
    # strict: a quote never closed is an error on its line, not the rest of the file
    # swallowed into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    table = Table(source=source, header=(), header_line=1, delimiter=delimiter)
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            stripped = tuple(c.strip() for c in cells)
            if header is None:
                header = list(stripped)
                table.header, table.header_line = stripped, start
                continue
            table.rows.append(Row(start, stripped))
    except csv.Error as exc:
        table.problems.append(f"{located(source, end + 1)}: cannot be read as CSV ({exc})")
    if header is None:
        raise InvalidInputError(f"{source} is empty{consequence}", hint=empty_hint)
    keys = [header_key(h) for h in header]
    for name in (*required, *optional):
        index = next((keys.index(a) for a in ALIASES.get(name, (name,)) if a in keys), None)
        if index is not None:
            table.columns[name] = index
    table.missing = tuple(n for n in required if n not in table.columns)
    return table


# ----------------------------------------------------------------------------- checks


def shown(value: str) -> str:
    r"""A cell value as quoted back in a message: shortened, control characters visible.

    >>> shown("ingrid\x00"), shown("x" * 50)[-3:]
    ('ingrid\\x00', 'xx…')
    """
    value = visible(value.strip(), keep_layout=False)
    return value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN - 1] + "…"


def name_problem(value: str, column: str) -> str | None:
    r"""Why ``value`` cannot be a name (coder, code, document, unit): it holds a control
    character; None when it is fine.

    >>> name_problem("ingrid\x00", "coder")
    "coder 'ingrid\\x00' holds a control character (U+0000)"
    """
    bad = first_control(value)
    if bad is None:
        return None
    return f"{column} '{shown(value)}' holds a control character (U+{ord(bad):04X})"


def unknown(what: str, value: str, known: Iterable[str], tail: str = "") -> str:
    """``unknown code 'GOV-MAC-99' (did you mean GOV-MAC-01, ...?)``; ``tail`` follows the
    value (``" in document N01"``)."""
    near = suggestions(value, sorted(set(known)))
    return (f"unknown {what} '{shown(value)}'{tail}"
            + (f" (did you mean {', '.join(near)}?)" if near else ""))

"""Read reliability data from a long CSV: ``unit,coder,value``, one rating per row.

A missing rating is a missing row. With ``level="masi"`` a unit/coder pair may have several
rows, one per label, and the rating is the set of labels. Values are read as numbers for
ordinal / interval / ratio levels where every value parses; ``categories`` fixes the domain
and its order (values outside it are errors). Every problem is reported with ``file:line``.
The file is read by :mod:`qcode._io.csvfile` like every CSV qcode reads (comma, semicolon
or tab; ``rater`` for ``coder``); a unit, coder or value holding a control character (a
NUL...) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qcode._io.csvfile import name_problem, parse_table
from qcode._io.textfile import read_user_text
from qcode.agreement.ratings import Ratings
from qcode.errors import InsufficientDataError, InvalidInputError, located

HEADER = ("unit", "coder", "value")
_MAX_REPORTED = 20


def read_ratings_csv(path: Path, *, level: str = "nominal",
                     categories: Sequence[str] | None = None,
                     reason: str | None = None) -> Ratings:
    """Parse the CSV into :class:`Ratings` (units and coders in order of first appearance)."""
    text = read_user_text(path, "a ratings CSV",
                          hint="give the path of a CSV with columns unit,coder,value")
    return parse_ratings_csv(text, str(path), level=level, categories=categories,
                             reason=reason)


def parse_ratings_csv(text: str, name: str = "ratings.csv", *, level: str = "nominal",
                      categories: Sequence[str] | None = None,
                      reason: str | None = None) -> Ratings:
    """Parse CSV text; ``reason`` names the option that needs ordered values (messages)."""
    problems: list[str] = []
    cells: dict[tuple[str, str], list[str]] = {}
    first_line: dict[tuple[str, str], int] = {}
    domain = list(categories) if categories is not None else None
    allowed = set(domain) if domain is not None else None
    table = parse_table(text, name, required=HEADER,
                        empty_hint="the first line must be the header unit,coder,value")
    if table.missing or len(table.header) != len(HEADER):
        raise InvalidInputError(
            f"{located(name, table.header_line)}: the header must be unit,coder,value ("
            + (f"it lacks {', '.join(table.missing)}" if table.missing else
               f"it has {len(table.header)} columns")  # not its text: it may be a transcript
            + ")", hint="one rating per row: unit,coder,value")
    order = [table.columns[c] for c in HEADER]
    problems += table.problems
    for row in table.rows:
        line = row.line
        fields = list(row.cells)
        if len(fields) != 3:
            problems.append(f"{located(name, line)}: expected 3 fields (unit,coder,value), "
                            f"found {len(fields)}")
            continue
        unit, coder, value = (fields[i] for i in order)
        bad = next((p for p in (name_problem(v, c) for c, v in zip(HEADER, (unit, coder, value),
                                                                   strict=True)) if p), None)
        if bad:
            problems.append(f"{located(name, line)}: {bad}")
            continue
        if not unit or not coder:
            problems.append(f"{located(name, line)}: empty {'unit' if not unit else 'coder'}")
            continue
        if not value:
            problems.append(f"{located(name, line)}: empty value (leave the row out for a "
                            "missing rating)")
            continue
        if allowed is not None and value not in allowed:
            problems.append(f"{located(name, line)}: value {value!r} is not one of the "
                            f"declared categories ({', '.join(domain or [])})")
            continue
        key = (unit, coder)
        if key in cells:
            if level != "masi":
                problems.append(f"{located(name, line)}: coder {coder!r} already rated unit "
                                f"{unit!r} on line {first_line[key]} (only --level masi "
                                "takes several labels per unit and coder)")
                continue
            if value in cells[key]:
                problems.append(f"{located(name, line)}: label {value!r} repeated for unit "
                                f"{unit!r} and coder {coder!r}")
                continue
            cells[key].append(value)
        else:
            cells[key] = [value]
            first_line[key] = line
        if len(problems) > _MAX_REPORTED:
            break
    if problems:
        n = len(problems)
        shown = problems[:_MAX_REPORTED]
        if n > _MAX_REPORTED:
            shown.append("... (stopped after the first problems)")
        if n == 1:
            raise InvalidInputError(problems[0], hint="fix the line and run again")
        raise InvalidInputError(f"{name} has {n if n <= _MAX_REPORTED else 'many'} problems",
                                details=shown, hint="fix each line above and run again")
    if not cells:
        raise InsufficientDataError(f"{name} has no ratings, only the header")
    return _build(cells, first_line, name, level, domain, reason or f"--level {level}")


def _build(cells: dict[tuple[str, str], list[str]], first_line: dict[tuple[str, str], int],
           name: str, level: str, domain: list[str] | None, reason: str) -> Ratings:
    units = list(dict.fromkeys(u for u, _ in cells))
    coders = list(dict.fromkeys(c for _, c in cells))
    u_index = {u: i for i, u in enumerate(units)}
    c_index = {c: i for i, c in enumerate(coders)}
    matrix = np.full((len(units), len(coders)), None, dtype=object)
    numeric = level in ("ordinal", "interval", "ratio")
    if level == "masi":
        for (u, c), labels in cells.items():
            matrix[u_index[u], c_index[c]] = frozenset(labels)
        return Ratings.from_matrix(matrix, coders=coders, units=units)
    parsed: dict[str, Any] | None = {}
    if numeric:
        parsed = _numbers({v for vs in cells.values() for v in vs})
    if numeric and domain is None and parsed is None:
        bad_key = next(k for k, vs in cells.items() if _number(vs[0]) is None)
        raise InvalidInputError(
            f"{located(name, first_line[bad_key])}: value {cells[bad_key][0]!r} is not a "
            f"number; {reason} needs numbers or an order given with --categories",
            hint="declare the categories in order, e.g. --categories low,mid,high")
    for (u, c), labels in cells.items():
        v = labels[0]
        matrix[u_index[u], c_index[c]] = parsed[v] if (numeric and parsed) else v
    cats: list[Any] | None = domain
    if domain is not None and numeric and parsed:
        dnum = _numbers(set(domain))
        cats = [dnum[d] for d in domain] if dnum else domain
        if not dnum:
            # labels with a declared order: keep labels, values become their ranks
            for (u, c), labels in cells.items():
                matrix[u_index[u], c_index[c]] = labels[0]
    return Ratings.from_matrix(matrix, coders=coders, units=units, categories=cats)


def _number(text: str) -> int | float | None:
    try:
        f = float(text)
    except ValueError:
        return None
    if f != f or f in (float("inf"), float("-inf")):
        return None
    return int(f) if f.is_integer() else f


def _numbers(values: set[str]) -> dict[str, Any] | None:
    """Every value as a number, or None when any does not parse."""
    out: dict[str, Any] = {}
    for v in values:
        n = _number(v)
        if n is None:
            return None
        out[v] = n
    return out

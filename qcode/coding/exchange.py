"""A coder's codings to and from CSV / JSONL files (``qcode codings export|import``).

Both formats carry one coding per row: ``doc``, ``segment``, ``code`` (required on import),
``start``, ``end``, ``quote`` and ``memo`` (optional); export adds ``coder`` and ``origin``.
On import, ``start`` and ``end`` (document offsets in code points) define the span, checked
against the text (and against ``quote`` when it is given too: the same words); a ``quote``
without offsets is found inside the segment (:mod:`qcode.coding.quotes`); a row without
them (an old CSV) codes the whole segment, as do offsets ``0``-``0`` (exported from a log
that had none). CSV goes through
:mod:`qcode._io.csvfile`: on export a text cell starting with = + - @ gets a leading ``'``
so spreadsheets never run it (import takes it off the memo again); on import the
delimiter, a byte-order mark and the header aliases (``document``, ``doc``,
``document_id``...) are recognised as in every CSV qcode reads. Import is all or nothing:
every unknown document, segment or code (with a did-you-mean), every name holding a
control character, and every malformed row, is listed with its line number and value,
and nothing is written unless there is none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qcode._io.csvfile import (
    ALIASES,
    header_key,
    name_problem,
    parse_table,
    shown,
    unguard,
    unknown,
    write_rows,
)
from qcode._io.textfile import read_user_text
from qcode.coding import store as codings
from qcode.coding.drafts import EventDraft
from qcode.coding.quotes import locate
from qcode.coding.spans import check_span
from qcode.errors import InvalidInputError, QcodeError
from qcode.models import Coding, Document
from qcode.project import Project

COLUMNS = ("coder", "doc", "segment", "code", "start", "end", "origin", "memo", "quote")
REQUIRED = ("document", "segment", "code")
OPTIONAL = ("memo", "start", "end", "quote")
COLUMNS_HINT = "the columns are doc, segment, code (and optionally start, end, quote, memo)"


def export_text(records: list[Coding], fmt: str) -> str:
    """Codings as CSV (header + one row each) or JSONL (one object per line)."""
    if fmt == "jsonl":
        return "".join(json.dumps({k: getattr(c, k) for k in COLUMNS}, ensure_ascii=False)
                       + "\n" for c in records)
    # a quote or memo like '=HYPERLINK(...)' must not run in a spreadsheet
    return write_rows(COLUMNS, ([getattr(c, k) for k in COLUMNS] for c in records))


def _rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) for every data row of a CSV or JSONL file."""
    text = read_user_text(path, "a codings file (CSV or JSONL)",
                          consequence="; nothing was imported")
    is_jsonl = path.suffix.lower() in (".jsonl", ".ndjson", ".json") or \
        text.lstrip().startswith("{")
    rows: list[tuple[int, dict[str, Any]]] = []
    if is_jsonl:
        bad = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                bad.append(f"{path}:{n}: not a JSON object")
                continue
            rows.append((n, obj))
        if bad:
            raise InvalidInputError(f"{path}: {len(bad)} unreadable lines; nothing was imported",
                                    details=bad)
        return rows
    table = parse_table(text, str(path), required=REQUIRED, optional=OPTIONAL,
                        consequence="; nothing was imported")
    table.require("; nothing was imported",
                  hint=COLUMNS_HINT)
    if table.problems:
        raise InvalidInputError(f"{table.problems[0]}; nothing was imported",
                                hint="check the quotes on that line: a cell that starts "
                                     "with \" must end with \"")
    for row in table.rows:
        values = {k: table.value(row, k) for k in (*REQUIRED, *OPTIONAL)}
        values["memo"] = unguard(values["memo"])
        values["quote"] = unguard(values["quote"])
        rows.append((row.line, values))
    return rows


def _cell(row: dict[str, Any], name: str) -> str:
    """The value of canonical column ``name`` in a CSV row or a JSONL object (whose keys
    may be any alias: ``doc``, ``document``, ``document_id``...)."""
    if name in row:
        value = row[name]
    else:
        keys = {header_key(k): k for k in row}
        alias = next((keys[a] for a in ALIASES.get(name, (name,)) if a in keys), None)
        value = row[alias] if alias is not None else None
    return "" if value is None else str(value).strip()


def _segment_range(doc: Document) -> str:
    """`` (it has T01:0001 to T01:0012)``: segment ids are numbered, so the range is the
    useful did-you-mean."""
    if not doc.segments:
        return " (it has no segments)"
    return f" (it has {doc.segments[0].id} to {doc.segments[-1].id})"


def plan_import(project: Project, path: Path, coder: str) -> list[EventDraft]:
    """The events that import ``path`` for ``coder`` (origin imported); raise listing every
    problem when there is any."""
    rows = _rows(path)
    if not rows:
        raise InvalidInputError(f"{path}: no codings in the file (it is empty, or holds only "
                                "a header); nothing was imported",
                                hint=COLUMNS_HINT)
    problems: list[str] = []
    docs: dict[str, Any] = {}
    known = {c.id for c in project.codebook.codes}
    wanted: dict[tuple[str, str, int | None, int | None], dict[str, Any]] = {}
    for line, row in rows:
        vals = {k: _cell(row, k) for k in (*REQUIRED, *OPTIONAL)}
        bad = [p for p in (name_problem(vals[k], k) for k in REQUIRED) if p]
        if bad:
            problems += [f"{path}:{line}: {p}" for p in bad]
            continue
        empty = [k for k in REQUIRED if not vals[k]]
        if empty:
            problems.append(f"{path}:{line}: missing {', '.join(empty)}")
            continue
        doc_id, seg_id, code = vals["document"], vals["segment"], vals["code"]
        if doc_id not in docs:
            docs[doc_id] = project.load_document(doc_id) if project.has_document(doc_id) \
                else None
        doc = docs[doc_id]
        if doc is None:
            problems.append(f"{path}:{line}: {unknown('document', doc_id, project.document_ids())}")
            continue
        if seg_id.isdigit() and doc.segments:  # '12' as in qcode tag
            width = len(doc.segments[0].id.rsplit(":", 1)[-1])
            seg_id = f"{doc_id}:{int(seg_id):0{width}d}"
        if doc.segment(seg_id) is None:
            problems.append(f"{path}:{line}: unknown segment '{shown(seg_id)}' in document "
                            f"{doc_id}" + _segment_range(doc))
        if code not in known:
            problems.append(f"{path}:{line}: {unknown('code', code, known)}")
        if doc.segment(seg_id) is None or code not in known:
            continue
        try:
            start, end = row_span(doc, seg_id, vals)
        except QcodeError as exc:
            problems.append(f"{path}:{line}: {exc.message}")
            continue
        entry = wanted.setdefault((doc_id, seg_id, start, end), {"codes": [], "memo": None})
        if code not in entry["codes"]:
            entry["codes"].append(code)
        if vals["memo"]:
            entry["memo"] = vals["memo"]
    if problems:
        raise InvalidInputError(
            f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was "
            "imported", details=problems,
            hint="fix those rows (qcode docs lists documents, qcode codebook show the codes)")
    state = codings.load_state_or_empty(project, coder)
    events: list[EventDraft] = []
    for (doc_id, seg_id, start, end), entry in wanted.items():
        if start is None or end is None:
            events += codings.add_events(state, docs[doc_id], [seg_id], entry["codes"],
                                         origin="imported", memo=entry["memo"])
        else:
            events += codings.span_add_events(state, docs[doc_id], start, end,
                                              entry["codes"], origin="imported",
                                              memo=entry["memo"])
    return events


def _offset(value: str, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInputError(f"{name} '{shown(value)}' is not a whole number",
                                hint="offsets are code points into the document text") from None


def row_span(doc: Document, seg_id: str, vals: dict[str, str]) -> tuple[int | None, int | None]:
    """The span a row codes: ``(start, end)``, or ``(None, None)`` for its whole segment."""
    start, end = _offset(vals["start"], "start"), _offset(vals["end"], "end")
    quote = vals["quote"]
    seg = doc.segment(seg_id)
    assert seg is not None
    if (start is None) != (end is None):
        raise InvalidInputError("give both start and end, or neither",
                                hint="leave both empty to code the whole segment")
    if start is None or end is None or (start == 0 and end == 0):
        if not quote:
            return None, None
        found = locate(doc, [seg], quote)
        start, end = found.start, found.end
    else:
        touched = check_span(doc, start, end)
        if seg_id not in [s.id for s in touched]:
            raise InvalidInputError(f"span {start}-{end} does not lie in segment {seg_id}",
                                    hint=f"{seg_id} runs from {seg.start} to {seg.end}")
        if quote and quote.split() != doc.text[start:end].split():
            raise InvalidInputError(f"the quote is not the text at {start}-{end} of {doc.id}",
                                    hint="correct the offsets, or leave them empty to find "
                                         "the quote in the segment")
    if start == seg.start and end == seg.end:
        return None, None
    return start, end


def import_file(project: Project, path: Path, coder: str) -> tuple[int, int]:
    """Import codings for ``coder`` in one batch; return (rows read, codings added)."""
    events = plan_import(project, path, coder)
    written = codings.append_events(project, coder, events)
    return len(_rows(path)), sum(1 for e in written if e.op == "add")

"""A coder's codings to and from CSV / JSONL files (``qcode codings export|import``).

Both formats carry one coding per row: ``doc``, ``segment``, ``code`` (required on import),
and ``memo`` (optional); export adds ``coder``, ``start``, ``end``, ``origin`` and ``quote``
(ignored on import: the segment in the project defines them). CSV goes through
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
from qcode.errors import InvalidInputError
from qcode.models import Coding, Document
from qcode.project import Project

COLUMNS = ("coder", "doc", "segment", "code", "start", "end", "origin", "memo", "quote")
REQUIRED = ("document", "segment", "code")


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
    table = parse_table(text, str(path), required=REQUIRED, optional=("memo",),
                        consequence="; nothing was imported")
    table.require("; nothing was imported",
                  hint="the columns are doc, segment, code (and optionally memo)")
    if table.problems:
        raise InvalidInputError(f"{table.problems[0]}; nothing was imported",
                                hint="check the quotes on that line: a cell that starts "
                                     "with \" must end with \"")
    for row in table.rows:
        values = {k: table.value(row, k) for k in (*REQUIRED, "memo")}
        values["memo"] = unguard(values["memo"])
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
                                hint="the columns are doc, segment, code (and optionally memo)")
    problems: list[str] = []
    docs: dict[str, Any] = {}
    known = {c.id for c in project.codebook.codes}
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for line, row in rows:
        vals = {k: _cell(row, k) for k in (*REQUIRED, "memo")}
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
        entry = wanted.setdefault((doc_id, seg_id), {"codes": [], "memo": None})
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
    for (doc_id, seg_id), entry in wanted.items():
        events += codings.add_events(state, docs[doc_id], [seg_id], entry["codes"],
                                     origin="imported", memo=entry["memo"])
    return events


def import_file(project: Project, path: Path, coder: str) -> tuple[int, int]:
    """Import codings for ``coder`` in one batch; return (rows read, codings added)."""
    events = plan_import(project, path, coder)
    written = codings.append_events(project, coder, events)
    return len(_rows(path)), sum(1 for e in written if e.op == "add")

"""A coder's codings to and from CSV / JSONL files (``qcode codings export|import``).

Both formats carry one coding per row: ``doc``, ``segment``, ``code`` (required on import),
and ``memo`` (optional); export adds ``coder``, ``start``, ``end``, ``origin`` and ``quote``
(ignored on import: the segment in the project defines them). In CSV, a text cell starting
with = + - @ gets a leading ``'`` so spreadsheets never run it (import takes it off the
memo again). Import is all or nothing:
every unknown document, segment or code, and every malformed row, is listed with its line
number, and nothing is written unless there is none.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from qcode.errors import InvalidInputError, NotFoundError
from qcode.models import Coding

COLUMNS = ("coder", "doc", "segment", "code", "start", "end", "origin", "memo", "quote")
REQUIRED = ("doc", "segment", "code")


def export_text(records: list[Coding], fmt: str) -> str:
    """Codings as CSV (header + one row each) or JSONL (one object per line)."""
    if fmt == "jsonl":
        return "".join(json.dumps({k: getattr(c, k) for k in COLUMNS}, ensure_ascii=False)
                       + "\n" for c in records)
    from qcode.reports.tables import neutralise

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for c in records:  # a quote or memo like '=HYPERLINK(...)' must not run in a spreadsheet
        w.writerow(["" if getattr(c, k) is None else neutralise(getattr(c, k))
                    for k in COLUMNS])
    return buf.getvalue()


def _memo_from_csv(memo: str) -> str:
    """Undo the export's spreadsheet guard: ``'=x`` was written for the memo ``=x``."""
    from qcode.reports.tables import FORMULA_STARTS

    return memo[1:] if memo.startswith("'") and memo[1:].startswith(FORMULA_STARTS) else memo


def _rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) for every data row of a CSV or JSONL file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not UTF-8 text", hint="save it as UTF-8") from None
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
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # Excel in many locales writes ';'
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if reader.fieldnames:  # 'Doc', ' Segment ' are the same columns
        reader.fieldnames = [(f or "").strip().lower() for f in reader.fieldnames]
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInputError(f"{path}:1: the header lacks {', '.join(missing)}; nothing was "
                                "imported", hint="the columns are doc, segment, code "
                                "(and optionally memo)")
    for row in reader:
        if row.get("memo"):
            row["memo"] = _memo_from_csv(row["memo"])
        rows.append((reader.line_num, row))
    return rows


def plan_import(project: Any, path: Path, coder: str) -> list[dict[str, Any]]:
    """The events that import ``path`` for ``coder`` (origin imported); raise listing every
    problem when there is any."""
    from qcode.coding import store as codings

    rows = _rows(path)
    problems: list[str] = []
    docs: dict[str, Any] = {}
    known = {c.id for c in project.codebook.codes}
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for line, row in rows:
        vals = {k: str(row.get(k) or "").strip() for k in (*REQUIRED, "memo")}
        empty = [k for k in REQUIRED if not vals[k]]
        if empty:
            problems.append(f"{path}:{line}: missing {', '.join(empty)}")
            continue
        doc_id, seg_id, code = vals["doc"], vals["segment"], vals["code"]
        if doc_id not in docs:
            docs[doc_id] = project.load_document(doc_id) if project.has_document(doc_id) \
                else None
        doc = docs[doc_id]
        if doc is None:
            problems.append(f"{path}:{line}: unknown document '{doc_id}'")
            continue
        if seg_id.isdigit() and doc.segments:  # '12' as in qcode tag
            width = len(doc.segments[0].id.rsplit(":", 1)[-1])
            seg_id = f"{doc_id}:{int(seg_id):0{width}d}"
        if doc.segment(seg_id) is None:
            problems.append(f"{path}:{line}: unknown segment '{seg_id}' in document {doc_id}")
        if code not in known:
            from qcode.codebook.load import suggestions

            near = suggestions(code, sorted(known))
            problems.append(f"{path}:{line}: unknown code '{code}'"
                            + (f" (did you mean {', '.join(near)}?)" if near else ""))
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
    events: list[dict[str, Any]] = []
    for (doc_id, seg_id), entry in wanted.items():
        events += codings.add_events(state, docs[doc_id], [seg_id], entry["codes"],
                                     origin="imported", memo=entry["memo"])
    return events


def import_file(project: Any, path: Path, coder: str) -> tuple[int, int]:
    """Import codings for ``coder`` in one batch; return (rows read, codings added)."""
    from qcode.coding import store as codings

    events = plan_import(project, path, coder)
    written = codings.append_events(project, coder, events)
    return len(_rows(path)), sum(1 for e in written if e.op == "add")

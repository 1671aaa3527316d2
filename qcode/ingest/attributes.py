"""Document attributes (stakeholder level, region, role, ...) from a CSV table.

The table has a ``document`` column (the document id) and one column per attribute::

    document,stakeholder_level,region,organisation_type,role
    N01,national,all,directorate,senior adviser

The table is read by :mod:`qcode._io.csvfile` as every CSV qcode reads: commas,
semicolons (Excel in Norwegian locales) and tabs are accepted as delimiters, the document
column may be called ``document``, ``doc``, ``document_id`` or ``id``, and a quoted cell
keeps its line breaks. An empty cell leaves that attribute as it was. The whole table
is checked before anything is written: a duplicate or empty column name, a row with the
wrong number of cells, a repeated document, a control character in a document id, or a
document the project does not have, each refuses the table with one line naming the file
and line.

Precedence when a document gets attributes from several places (later wins): the file's
own front matter / header, then the attributes CSV, then ``--attr KEY=VALUE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qcode._io.csvfile import header_key, name_problem, parse_table, unguard
from qcode._io.project_lock import changing_text
from qcode._io.textfile import read_user_bytes
from qcode.codebook.load import suggestions
from qcode.errors import ConflictError, InvalidInputError, NotFoundError, UsageError
from qcode.ingest.decoding import decode
from qcode.models import Document
from qcode.project import Project


@dataclass
class AttributeTable:
    """``rows``: document id -> {attribute: value}; ``lines``: document id -> CSV line."""

    path: Path
    columns: list[str]
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def parse_assignment(text: str) -> tuple[str, str]:
    """``--attr region=north`` -> ``('region', 'north')``.

    >>> parse_assignment("stakeholder_level = national")
    ('stakeholder_level', 'national')
    """
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--attr '{text}' is not KEY=VALUE",
                         hint="for example: --attr stakeholder_level=national")
    return key.strip(), value.strip()


def read_table(path: Path) -> AttributeTable:
    """Read and check an attributes CSV (nothing is applied here)."""
    path = Path(path)
    data = read_user_bytes(path, "an attributes CSV", consequence="; nothing was changed",
                           hint="check the path of the CSV")
    if not data.strip():
        raise InvalidInputError(f"{path}: the attributes file is empty; nothing was changed",
                                hint="line 1 names the columns: document,<attribute>,...")
    csv_table = parse_table(decode(data, str(path)).text, str(path), optional=("document",),
                            consequence="; nothing was changed")
    if csv_table.problems:
        raise InvalidInputError(f"{csv_table.problems[0]}; nothing was changed",
                                hint="check the quotes on that line: a cell that starts "
                                     "with \" must end with \"")
    header = list(csv_table.header)
    doc_col = csv_table.columns.get("document")
    if doc_col is None:
        raise InvalidInputError(f"{path}:{csv_table.header_line}: no 'document' column; "
                                "nothing was changed",
                                hint="the first line must name the columns, one of them "
                                     "'document' (the document id)")
    seen: set[str] = set()
    for i, name in enumerate(header):
        if not name:
            raise InvalidInputError(f"{path}:1: column {i + 1} has no name; nothing was "
                                    "changed", hint="give every column a name in line 1")
        if header_key(name) in seen:
            raise InvalidInputError(f"{path}:1: the column '{name}' appears twice; nothing "
                                    "was changed", hint="remove or rename one of them")
        seen.add(header_key(name))
    table = AttributeTable(path=path, columns=[h for i, h in enumerate(header) if i != doc_col])
    for line_no, row in ((r.line, r.cells) for r in csv_table.rows):
        if len(row) != len(header):
            raise InvalidInputError(f"{path}:{line_no}: {len(row)} cells where the header has "
                                    f"{len(header)}; nothing was changed",
                                    hint="quote values that contain the delimiter")
        doc_id = row[doc_col]
        if not doc_id:
            raise InvalidInputError(f"{path}:{line_no}: the document cell is empty; nothing "
                                    "was changed")
        problem = name_problem(doc_id, "document")
        if problem:
            raise InvalidInputError(f"{path}:{line_no}: {problem}; nothing was changed",
                                    hint="document ids are plain text; list them with: "
                                         "qcode docs")
        if doc_id in table.rows:
            raise InvalidInputError(f"{path}:{line_no}: document '{doc_id}' is listed again "
                                    f"(first on line {table.lines[doc_id]}); nothing was "
                                    "changed", hint="keep one row per document")
        # unguard: '=x was written by attributes show --format csv for the value =x
        table.rows[doc_id] = {header[i]: unguard(cell) for i, cell in enumerate(row)
                              if i != doc_col and cell}
        table.lines[doc_id] = line_no
    return table


def check_known(table: AttributeTable, known: set[str]) -> None:
    """Refuse a table that names a document outside ``known``."""
    for doc_id, line in table.lines.items():
        if doc_id not in known:
            near = suggestions(doc_id, sorted(known))
            hint = (f"did you mean {', '.join(near)}?" if near else
                    "the document column holds document ids; list them with: qcode docs")
            raise NotFoundError(f"{table.path}:{line}: no document '{doc_id}' in this project; "
                                "nothing was changed", hint=hint)


def use_project_names(project: Project, table: AttributeTable) -> None:
    """Name the table's columns as the project already does: 'Region' in a spreadsheet is
    the project's 'region', not a second attribute."""
    existing = {k.casefold(): k for d in project.documents() for k in d.attributes}
    if not existing:
        return
    table.columns = [existing.get(c.casefold(), c) for c in table.columns]
    for doc_id, values in table.rows.items():
        table.rows[doc_id] = {existing.get(k.casefold(), k): v for k, v in values.items()}


def apply_table(project: Project, table: AttributeTable) -> list[str]:
    """Merge the table into the project's documents; the ids whose attributes changed."""
    check_known(table, set(project.document_ids()))
    use_project_names(project, table)
    updated: list[Document] = []
    for doc_id, values in table.rows.items():
        doc = project.load_document(doc_id)
        merged = {**doc.attributes, **values}
        if merged != doc.attributes:
            updated.append(doc.model_copy(update={"attributes": merged}))
    with changing_text(project.root):  # a replace must not run between load and save
        for doc in updated:
            if project.load_document(doc.id).text != doc.text:
                raise ConflictError(
                    f"document {doc.id} was replaced while its attributes were read; "
                    "nothing was changed", hint="run the command again")
        for doc in updated:
            project.save_document(doc)
    return [d.id for d in updated]


def attribute_table(docs: list[Document]) -> tuple[list[str], list[dict[str, str]]]:
    """(attribute names in first-seen order, one ``{"document": id, ...}`` row per doc)."""
    keys: dict[str, None] = {}
    for d in docs:
        keys.update(dict.fromkeys(d.attributes))
    rows = [{"document": d.id, **d.attributes} for d in docs]
    return list(keys), rows

"""The project's pseudonym table, ``pseudonyms.csv`` at the project root.

One row per identifying string: ``real,pseudonym,kind,variants`` (kind: person, place,
organisation or other; variants: more spellings, separated by ``|``). The file is tracked
with the project (the team needs the same table) but is itself identifying: it is never
part of an export, and a project folder shared outside the team must leave it out.
Changes are written atomically under a lock, so two ``add`` at once both land.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qcode._io import atomic
from qcode._io.csvfile import Table, name_problem, parse_table, read_table, unguard, write_rows
from qcode._io.locking import exclusive
from qcode._io.nofollow import read_nofollow
from qcode.errors import ConflictError, InvalidInputError, NotFoundError, ProjectDamagedError
from qcode.project import PSEUDONYM_TABLE as TABLE_FILE
from qcode.project import Project
from qcode.pseudonyms.rewrite import Rewriter, key_of
from qcode.pseudonyms.variants import KINDS, Entry, fold

HEADER = ("real", "pseudonym", "kind", "variants")
#: the fewest letters or digits of an identifying string: one letter is also a word ("a",
#: "I") replaced everywhere, while two-letter names exist (Bo, Li, Ås)
MIN_REAL = 2


def table_path(project: Project) -> Path:
    return project.pseudonym_table


def _lock(project: Project) -> Path:
    return project.root / f".{TABLE_FILE}.lock"


def same(a: str, b: str) -> bool:
    """Whether two identifying strings are one entry (case, accents and spacing aside)."""
    return key_of(fold(a)) == key_of(fold(b))


def check_entry(entry: Entry, where: str) -> Entry:
    """The entry with its fields tidied, or InvalidInputError naming ``where``."""
    real, pseudonym = " ".join(entry.real.split()), " ".join(entry.pseudonym.split())
    kind = entry.kind.strip().lower() or "person"
    for value, column in ((real, "real"), (pseudonym, "pseudonym")):
        problem = name_problem(value, column)
        if problem:
            raise InvalidInputError(f"{where}: {problem}")
    if not real or not pseudonym:
        raise InvalidInputError(f"{where}: an entry needs both the real string and its "
                                "pseudonym", hint='qcode pseudonyms add "Torunn Vollstad" P07')
    if not any(c.isalnum() for c in real):
        raise InvalidInputError(f"{where}: '{real}' has no letter or digit to match")
    extra = tuple(dict.fromkeys(" ".join(v.split()) for v in entry.extra if v.strip()))
    for value in (real, *extra):
        if sum(c.isalnum() for c in value) < MIN_REAL:
            raise InvalidInputError(
                f"{where}: '{value}' is too short to pseudonymise (at least {MIN_REAL} "
                "letters or digits)", hint="one letter is also an ordinary word ('a', 'I') "
                "and would be replaced everywhere; give the name in full")
    if kind not in KINDS:
        raise InvalidInputError(f"{where}: unknown kind '{kind}'",
                                hint=f"use one of {', '.join(KINDS)}")
    if same(real, pseudonym):
        raise InvalidInputError(f"{where}: the pseudonym of '{real}' is the name itself")
    return Entry(real, pseudonym, kind, extra)


def parse(text: str, source: str) -> list[Entry]:
    table = parse_table(text, source, required=("real", "pseudonym"),
                        optional=("kind", "variants"))
    table.require(hint="the columns are real,pseudonym[,kind][,variants]")
    if table.problems:
        raise InvalidInputError(table.problems[0])
    return _entries(table)


def _entries(table: Table) -> list[Entry]:
    entries: list[Entry] = []
    for row in table.rows:
        # unguard: pseudonyms.csv is written with the formula guard ('=x for the value =x)
        cell = {name: unguard(table.value(row, name)) for name in HEADER}
        extra = tuple(v for v in cell["variants"].split("|") if v.strip())
        entry = check_entry(Entry(cell["real"], cell["pseudonym"], cell["kind"] or "person",
                                  extra),
                            table.where(row))
        if any(same(entry.real, e.real) for e in entries):
            raise InvalidInputError(f"{table.where(row)}: '{entry.real}' is in the table "
                                    "twice", hint="keep one row per identifying string")
        entries.append(entry)
    return entries


def load(project: Project) -> list[Entry]:
    """The table, in file order; an empty list when the project has none."""
    path = table_path(project)
    try:
        text = read_nofollow(path).decode("utf-8")
    except FileNotFoundError:
        return []
    except UnicodeDecodeError:
        raise ProjectDamagedError(f"{path}: not UTF-8 text",
                                  hint="fix the file or restore it from a backup") from None
    if not text.strip():
        return []
    try:
        return parse(text, str(path))
    except InvalidInputError as exc:
        raise ProjectDamagedError(exc.message, hint=f"fix the row in {TABLE_FILE} by hand "
                                  "(or restore the file with git)") from None


def rewriter(project: Project) -> Rewriter:
    return Rewriter(load(project))


def _save(project: Project, entries: Iterable[Entry]) -> None:
    rows = [[e.real, e.pseudonym, e.kind, "|".join(e.extra)] for e in entries]
    # guarded like every CSV qcode writes: the table is opened in spreadsheets
    atomic.write_text(table_path(project), write_rows(HEADER, rows))


def _refuse_identifying_pseudonym(entry: Entry, others: list[Entry]) -> None:
    shown = key_of(fold(entry.pseudonym))
    own = next((r for r in (entry.real, *entry.extra) if key_of(fold(r)) in shown), None)
    if own is None and Rewriter([entry]).matches(entry.pseudonym, strict=False):
        own = entry.real  # a part of the name (the first name, the surname) as a word
    if own is not None:
        raise ConflictError(f"the pseudonym '{entry.pseudonym}' contains '{own}', the "
                            "identifying string it replaces",
                            hint="choose a pseudonym that names nobody")
    hits = Rewriter(others).matches(entry.pseudonym, strict=False)
    if hits:
        raise ConflictError(f"the pseudonym '{entry.pseudonym}' contains "
                            f"'{hits[0].target.reals[0]}', an identifying string of the "
                            "table", hint="choose a pseudonym that names nobody")


@dataclass(frozen=True)
class Change:
    """What an edit of the table did."""

    added: tuple[Entry, ...] = ()
    replaced: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    unchanged: int = 0


def merge(project: Project, new: list[Entry], *, replace: bool) -> Change:
    """Add ``new`` to the table. An entry already there with another pseudonym is a
    conflict unless ``replace``; the same entry again changes nothing."""
    with exclusive(_lock(project)):
        entries = load(project)
        added: list[Entry] = []
        replaced: list[Entry] = []
        unchanged = 0
        for entry in new:
            at = next((i for i, e in enumerate(entries) if same(e.real, entry.real)), None)
            if at is not None and entries[at] == entry:
                unchanged += 1
                continue
            if at is not None and not replace:
                raise ConflictError(f"'{entries[at].real}' is already in the table as "
                                    f"'{entries[at].pseudonym}'",
                                    hint="add --replace to change it")
            others = [e for i, e in enumerate(entries) if i != at]
            _refuse_identifying_pseudonym(entry, others)
            if at is None:
                entries.append(entry)
                added.append(entry)
            else:
                entries[at] = entry
                replaced.append(entry)
        if added or replaced:
            _save(project, entries)
    return Change(tuple(added), tuple(replaced), unchanged=unchanged)


def add(project: Project, entry: Entry, *, replace: bool = False) -> Change:
    return merge(project, [check_entry(entry, "pseudonyms add")], replace=replace)


def import_file(project: Project, path: Path, *, replace: bool = False) -> Change:
    """Add every row of a CSV file (``real,pseudonym[,kind][,variants]``); the file is
    checked in full before the table changes."""
    table = read_table(path, "a pseudonym table (CSV)", required=("real", "pseudonym"),
                       optional=("kind", "variants"))
    table.require(hint="the columns are real,pseudonym[,kind][,variants]")
    if table.problems:
        raise InvalidInputError(table.problems[0])
    return merge(project, _entries(table), replace=replace)


def remove(project: Project, reals: list[str]) -> Change:
    with exclusive(_lock(project)):
        entries = load(project)
        gone: list[Entry] = []
        for real in reals:
            hit = next((e for e in entries if same(e.real, real)), None)
            if hit is None:
                raise NotFoundError(f"'{real}' is not in the pseudonym table",
                                    hint="list it with: qcode pseudonyms list")
            entries.remove(hit)
            gone.append(hit)
        _save(project, entries)
    return Change(removed=tuple(gone))

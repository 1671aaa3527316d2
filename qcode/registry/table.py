"""Registry data: outpatient visits and telemedicine contacts, read, checked and stored.

A registry file is a CSV table with one row per year, region, hospital and specialty::

    year,region,hospital,specialty,outpatient_visits,telemedicine_contacts
    2009,Helse Nord,HN-01,Rehabilitation,5120,31

``outpatient_visits`` counts all outpatient activity of that cell, telemedicine contacts
included, so the telemedicine share is ``telemedicine_contacts / outpatient_visits``. Any
further columns are kept as they are (and written back when the data are stored). The file
is read by :mod:`qcode._io.csvfile` like every CSV qcode reads: commas, semicolons or tabs
separate the fields; it is UTF-8 (a byte-order mark is allowed); a region, hospital or
specialty holding a control character is refused.

Reading checks every row and reports every problem at once, each with its line number;
a file with any problem is refused as a whole.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from qcode._io import atomic
from qcode._io.csvfile import header_key, name_problem, parse_table, write_rows
from qcode._io.gitignore import ensure_gitignore
from qcode._io.nofollow import linked_error
from qcode._io.textfile import read_user_text
from qcode.bundled import bundled_dir
from qcode.errors import ConflictError, InvalidInputError, NotFoundError, located
from qcode.models import Record

REQUIRED_COLUMNS: tuple[str, ...] = ("year", "region", "hospital", "specialty",
                                     "outpatient_visits", "telemedicine_contacts")
COUNT_COLUMNS: tuple[str, ...] = ("outpatient_visits", "telemedicine_contacts")
TEXT_COLUMNS: tuple[str, ...] = ("region", "hospital", "specialty")
#: where a project keeps its registry data (relative to the project root)
PROJECT_FILE = Path("registry") / "registry.csv"
MIN_YEAR, MAX_YEAR = 1900, 2100
_MAX_SHOWN = 40  # longest cell value quoted back in an error message


class RegistryRow(Record):
    """One registry cell: a hospital's outpatient activity in one specialty and year.

    >>> r = RegistryRow(year=2012, region="Helse Nord", hospital="HN-01",
    ...                 specialty="Neurosurgery", outpatient_visits=2000,
    ...                 telemedicine_contacts=8)
    >>> r.key
    (2012, 'Helse Nord', 'HN-01', 'Neurosurgery')
    """

    year: int
    region: str
    hospital: str
    specialty: str
    outpatient_visits: int = Field(ge=0)
    telemedicine_contacts: int = Field(ge=0)
    #: the values of any further columns, by column name
    extra: dict[str, str] = Field(default_factory=dict)
    #: the 1-based line of the row in the file it was read from (0 if not from a file)
    line: int = 0

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.year, self.region, self.hospital, self.specialty)


class Registry(Record):
    """A whole registry table: its column names (in file order) and its rows."""

    columns: tuple[str, ...] = REQUIRED_COLUMNS
    rows: tuple[RegistryRow, ...] = ()

    @property
    def extra_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in REQUIRED_COLUMNS)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({r.year for r in self.rows}))


# ------------------------------------------------------------------------ reading


def _shown(value: str) -> str:
    value = value.strip()
    return value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN - 1] + "…"


def _count(value: str, column: str, where: str, problems: list[str]) -> int | None:
    text = value.strip()
    if text == "":
        problems.append(f"{where}: {column} is empty; give a whole number (0 or more)")
        return None
    try:
        number = int(text, 10)
    except ValueError:
        problems.append(f"{where}: {column} '{_shown(text)}' is not a whole number")
        return None
    if number < 0:
        problems.append(f"{where}: {column} is negative ({number})")
        return None
    return number


def _year(value: str, where: str, problems: list[str]) -> int | None:
    text = value.strip()
    try:
        year = int(text, 10)
    except ValueError:
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(f"{where}: year '{_shown(text)}' is not a year between {MIN_YEAR} "
                        f"and {MAX_YEAR}")
        return None
    return year


def _header_problems(header: list[str], where: str) -> list[str]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(f"{where}:1: column '{name}' appears more than once")
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(f"{where}:1: required column '{name}' is missing")
    return problems


def parse(text: str, source: str = "<registry>") -> Registry:
    """Read registry CSV text; raise :class:`InvalidInputError` listing every problem.

    Column names are matched without regard to case or surrounding spaces. Blank lines
    are skipped. Line numbers in messages are the physical lines of the file.
    """
    table = parse_table(text, source, consequence="; nothing was imported",
                        empty_hint="the first line must name the columns: "
                                   + ",".join(REQUIRED_COLUMNS))
    header = [header_key(h) for h in table.header]
    problems = _header_problems(header, source)
    if problems:
        raise _refused(source, problems)

    rows: list[RegistryRow] = []
    first_line: dict[tuple[int, str, str, str], int] = {}
    hospital_region: dict[str, tuple[str, int]] = {}
    index = {name: i for i, name in enumerate(header)}
    for data in table.rows:
        fields, start = list(data.cells), data.line
        where = located(source, start)
        if len(fields) != len(header):
            problems.append(f"{where}: {len(fields)} fields, but the header has "
                            f"{len(header)}")
            continue
        row = _row(fields, index, header, where, start, problems)
        if row is None:
            continue
        if row.key in first_line:
            problems.append(f"{where}: repeats year {row.year}, region {row.region}, "
                            f"hospital {row.hospital}, specialty {row.specialty} from "
                            f"line {first_line[row.key]}")
            continue
        first_line[row.key] = start
        region, seen_at = hospital_region.setdefault(row.hospital, (row.region, start))
        if region != row.region:
            problems.append(f"{where}: hospital {row.hospital} is in region {row.region} "
                            f"here but in region {region} on line {seen_at}")
            continue
        rows.append(row)
    problems += table.problems
    if problems:
        raise _refused(source, problems)
    if not rows:
        raise InvalidInputError(f"{source} has a header but no data rows; nothing was "
                                "imported")
    return Registry(columns=tuple(header), rows=tuple(rows))


def _row(fields: list[str], index: dict[str, int], header: list[str], where: str,
         line: int, problems: list[str]) -> RegistryRow | None:
    before = len(problems)
    year = _year(fields[index["year"]], where, problems)
    texts = {}
    for column in TEXT_COLUMNS:
        texts[column] = fields[index[column]].strip()
        bad = name_problem(texts[column], column)
        if not texts[column]:
            problems.append(f"{where}: {column} is empty")
        elif bad:
            problems.append(f"{where}: {bad}")
    visits = _count(fields[index["outpatient_visits"]], "outpatient_visits", where, problems)
    contacts = _count(fields[index["telemedicine_contacts"]], "telemedicine_contacts", where,
                      problems)
    if visits is not None and contacts is not None and contacts > visits:
        problems.append(f"{where}: telemedicine_contacts ({contacts}) is more than "
                        f"outpatient_visits ({visits}); contacts are part of the visits")
    if len(problems) > before:
        return None
    assert year is not None and visits is not None and contacts is not None
    extra = {name: fields[i] for i, name in enumerate(header) if name not in REQUIRED_COLUMNS}
    return RegistryRow(year=year, outpatient_visits=visits, telemedicine_contacts=contacts,
                       extra=extra, line=line, **texts)


def _refused(source: str, problems: list[str]) -> InvalidInputError:
    n = len(problems)
    return InvalidInputError(
        f"{source} has {n} problem{'s' if n != 1 else ''}; nothing was imported",
        details=problems,
        hint="fix each line above, then run qcode registry import again",
    )


def read(path: Path | str) -> Registry:
    """Read and check a registry CSV file (see :func:`parse`)."""
    text = read_user_text(path, "a registry CSV", consequence="; nothing was imported",
                          hint="give the path of the registry CSV")
    return parse(text.replace("\r\n", "\n").replace("\r", "\n"), str(path))


# ------------------------------------------------------------------------ writing / project


def to_csv(registry: Registry) -> str:
    """The registry as comma-separated UTF-8 text with LF line ends, columns in file order."""
    def cells(r: RegistryRow) -> list[object]:
        values = {**r.extra, "year": str(r.year), "region": r.region, "hospital": r.hospital,
                  "specialty": r.specialty, "outpatient_visits": str(r.outpatient_visits),
                  "telemedicine_contacts": str(r.telemedicine_contacts)}
        return [values.get(c, "") for c in registry.columns]

    # the project's own copy, read back by parse(): stored exactly as imported
    return write_rows(registry.columns, (cells(r) for r in registry.rows), guarded=False)


def project_path(root: Path) -> Path:
    return Path(root) / PROJECT_FILE


def store(root: Path, registry: Registry, *, replace: bool = False) -> Path:
    """Save ``registry`` into the project at ``root`` atomically; refuse to overwrite
    existing registry data unless ``replace``."""
    path = project_path(root)
    if path.exists() and not replace:
        raise ConflictError(f"{path} already holds registry data; nothing was imported",
                            hint="pass --replace to replace it with the new file")
    ensure_gitignore(Path(root))  # a project made before qcode wrote one gets it now
    atomic.write_text(path, to_csv(registry))
    return path


def load(root: Path) -> Registry:
    """The registry data stored in the project at ``root``."""
    path = project_path(root)
    if path.is_symlink() or path.parent.is_symlink():
        raise linked_error(path if path.is_symlink() else path.parent)
    if not path.is_file():
        raise NotFoundError("this project has no registry data yet",
                            hint="import a file with: qcode registry import FILE.csv")
    return read(path)


def bundled_registry() -> Path:
    """The fictional registry data set shipped beside the sample study."""
    path = bundled_dir("transcripts") / "registry" / "registry.csv"
    if not path.is_file():
        raise NotFoundError("the bundled registry data set is missing from this installation",
                            hint="reinstall qcode: pip install --force-reinstall qcode")
    return path

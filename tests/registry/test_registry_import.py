"""Reading, checking and storing registry CSV files (qcode.registry.table, registry import)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.errors import ConflictError, ExitCode, InvalidInputError, NotFoundError
from qcode.registry.table import (
    PROJECT_FILE,
    REQUIRED_COLUMNS,
    Registry,
    RegistryRow,
    load,
    parse,
    read,
    store,
    to_csv,
)
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "registry"


def test_known_file_is_read_row_by_row() -> None:
    reg = read(DATA / "known_shares.csv")
    assert len(reg.rows) == 15
    assert reg.columns == (*REQUIRED_COLUMNS, "note")
    assert reg.extra_columns == ("note",)
    assert reg.years == (2010, 2011, 2012)
    first = reg.rows[0]
    assert first.key == (2010, "North", "N1", "Rehabilitation")
    assert (first.outpatient_visits, first.telemedicine_contacts, first.line) == (1000, 10, 2)
    assert reg.rows[4].extra == {"note": "unit opened late 2011"}


def test_semicolons_crlf_blank_lines_and_header_case() -> None:
    reg = read(DATA / "semicolon_crlf.csv")
    assert [(r.year, r.specialty, r.outpatient_visits, r.telemedicine_contacts, r.line)
            for r in reg.rows] == [(2014, "Skin and venereal diseases", 400, 4, 2),
                                   (2015, "Skin and venereal diseases", 600, 0, 4)]


def test_byte_order_mark_and_quoted_comma() -> None:
    reg = read(DATA / "bom.csv")
    assert reg.columns == REQUIRED_COLUMNS
    assert reg.rows[0].specialty == "Ear, nose and throat diseases"


def test_every_problem_is_reported_with_its_line() -> None:
    path = DATA / "every_problem.csv"
    with pytest.raises(InvalidInputError) as info:
        read(path)
    exc = info.value
    assert exc.message == f"{path} has 10 problems; nothing was imported"
    assert exc.details == [
        f"{path}:3: outpatient_visits is negative (-5)",
        f"{path}:4: outpatient_visits '12.5' is not a whole number",
        f"{path}:5: telemedicine_contacts 'abc' is not a whole number",
        f"{path}:6: telemedicine_contacts (20) is more than outpatient_visits (10); "
        "contacts are part of the visits",
        f"{path}:7: repeats year 2010, region North, hospital N1, specialty Rehabilitation "
        "from line 2",
        f"{path}:8: year 'twenty' is not a year between 1900 and 2100",
        f"{path}:9: region is empty",
        f"{path}:10: 5 fields, but the header has 6",
        f"{path}:11: hospital N1 is in region South here but in region North on line 2",
        f"{path}:12: outpatient_visits is empty; give a whole number (0 or more)",
    ]
    assert exc.exit_code == ExitCode.INVALID_INPUT


def test_missing_columns_are_each_named() -> None:
    path = DATA / "missing_columns.csv"
    with pytest.raises(InvalidInputError) as info:
        read(path)
    assert info.value.details == [f"{path}:1: required column 'specialty' is missing",
                                  f"{path}:1: required column 'outpatient_visits' is missing"]


@pytest.mark.parametrize(("text", "message"), [
    ("", "<registry> is empty; nothing was imported"),
    ("year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n",
     "<registry> has a header but no data rows; nothing was imported"),
])
def test_empty_inputs(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse(text)
    assert info.value.message == message


def test_repeated_column_and_year_out_of_range() -> None:
    text = ("year,region,hospital,specialty,outpatient_visits,telemedicine_contacts,year\n")
    with pytest.raises(InvalidInputError) as info:
        parse(text, "r.csv")
    assert info.value.details == ["r.csv:1: column 'year' appears more than once"]
    text = ("year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n"
            "1850,A,H,S,1,0\n")
    with pytest.raises(InvalidInputError) as info:
        parse(text, "r.csv")
    assert info.value.details == ["r.csv:2: year '1850' is not a year between 1900 and 2100"]


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n"
                     b"2010,Helse S\xf8r-\xd8st,HS-01,Surgery,1,0\n")
    with pytest.raises(InvalidInputError) as info:
        read(path)
    assert info.value.message == f"{path}:2: not UTF-8 text; nothing was imported"


def test_store_and_load_round_trip(tmp_path: Path) -> None:
    reg = read(DATA / "known_shares.csv")
    path = store(tmp_path, reg)
    assert path == tmp_path / PROJECT_FILE
    assert path.read_text(encoding="utf-8") == (DATA / "known_shares.csv").read_text("utf-8")
    again = load(tmp_path)
    assert [r.model_dump(exclude={"line"}) for r in again.rows] == \
        [r.model_dump(exclude={"line"}) for r in reg.rows]
    with pytest.raises(ConflictError):
        store(tmp_path, reg)
    store(tmp_path, reg, replace=True)


def test_load_without_data(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        load(tmp_path)
    assert info.value.hint == "import a file with: qcode registry import FILE.csv"


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                 min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    keys = draw(st.lists(st.tuples(st.integers(1990, 2030), st.sampled_from(["A", "B"]),
                                   _names), min_size=1, max_size=12,
                         unique_by=lambda k: (k[0], k[2])))
    rows = []
    for i, (year, region, specialty) in enumerate(keys):
        visits = draw(st.integers(0, 10**9))
        rows.append(RegistryRow(year=year, region=region, hospital=f"H-{region}",
                                specialty=specialty, outpatient_visits=visits,
                                telemedicine_contacts=draw(st.integers(0, visits)),
                                extra={"note": draw(_names)}, line=i + 2))
    return Registry(columns=(*REQUIRED_COLUMNS, "note"), rows=tuple(rows))


@settings(max_examples=60, deadline=None)
@given(registries())
def test_write_then_read_gives_the_same_rows(reg: Registry) -> None:
    assert parse(to_csv(reg)) == reg


# ------------------------------------------------------------------------ CLI


def test_cli_import_reports_what_was_imported(invoke, project) -> None:  # type: ignore[no-untyped-def]
    src = DATA / "known_shares.csv"
    result = invoke("--project", str(project.root), "registry", "import", str(src))
    assert result.exit_code == ExitCode.OK
    assert result.stdout == ""
    assert result.stderr == ("Imported 15 rows from known_shares.csv: 2010-2012, 2 regions, "
                             "4 hospitals, 3 specialties, 17,500 outpatient visits, 70 "
                             "telemedicine contacts (extra columns kept: note)\n")
    assert (project.root / "registry" / "registry.csv").read_bytes() == src.read_bytes()


def test_cli_import_refuses_a_bad_file_and_stores_nothing(invoke, project) -> None:  # type: ignore[no-untyped-def]
    src = DATA / "every_problem.csv"
    result = invoke("--project", str(project.root), "registry", "import", str(src))
    assert result.exit_code == ExitCode.INVALID_INPUT
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: {src} has 10 problems; nothing was imported"
    assert lines[1] == f"  {src}:3: outpatient_visits is negative (-5)"
    assert len(lines) == 12
    assert lines[-1] == "Hint: fix each line above, then run qcode registry import again"
    assert not (project.root / "registry").exists()


def test_cli_import_keeps_old_data_unless_replace(invoke, project) -> None:  # type: ignore[no-untyped-def]
    root = str(project.root)
    assert invoke("--project", root, "registry", "import",
                  str(DATA / "known_shares.csv")).exit_code == 0
    stored = project.root / "registry" / "registry.csv"
    before = stored.read_bytes()
    result = invoke("--project", root, "registry", "import", str(DATA / "bom.csv"))
    assert result.exit_code == ExitCode.CONFLICT
    assert result.stderr == (f"Error: {stored} already holds registry data; nothing was "
                             "imported\nHint: pass --replace to replace it with the new "
                             "file\n")
    assert stored.read_bytes() == before
    bad = invoke("--project", root, "registry", "import", str(DATA / "missing_columns.csv"),
                 "--replace")
    assert bad.exit_code == ExitCode.INVALID_INPUT
    assert stored.read_bytes() == before
    result = invoke("--project", root, "registry", "import", str(DATA / "bom.csv"),
                    "--replace")
    assert result.exit_code == 0
    assert len(load(project.root).rows) == 1


def test_cli_import_missing_file(invoke, project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nope.csv"
    result = invoke("--project", str(project.root), "registry", "import", str(missing))
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == (f"Error: {missing} does not exist; nothing was imported\n"
                             "Hint: give the path of the registry CSV\n")


def test_cli_import_header_only(invoke, project) -> None:  # type: ignore[no-untyped-def]
    src = DATA / "header_only.csv"
    result = invoke("--project", str(project.root), "registry", "import", str(src))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == f"Error: {src} has a header but no data rows; nothing was imported\n"
    assert not (project.root / "registry").exists()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(["2010", "-1", "1.5", "", "x", "7", "0"]),
                                   st.text(max_size=6)), min_size=0, max_size=8),
                max_size=6))
def test_any_table_is_read_or_refused_with_located_problems(cells: list[list[str]]) -> None:
    header = ",".join(REQUIRED_COLUMNS)
    text = header + "\n" + "\n".join(",".join(row) for row in cells) + "\n"
    try:
        reg = parse(text, "f.csv")
    except InvalidInputError as exc:
        assert exc.message.startswith("f.csv")
        assert all(line.startswith("f.csv:") for line in exc.details)
    else:
        assert all(0 <= r.telemedicine_contacts <= r.outpatient_visits for r in reg.rows)
        assert len({r.key for r in reg.rows}) == len(reg.rows)

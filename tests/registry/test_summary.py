"""Utilisation figures on hand-made registry data where every number is known.

tests/data/registry/known_shares.csv, by hand:

    hospital region  2010       2011              2012       visits contacts class
    N1       North   R 1000/10  R 1000/20         R 1000/10  6000   50       every_year
                     S 1000/0   S 1000/0          S 1000/10
                                Neuro 0/0
    N2       North   R 500/0    R 500/10          R 500/0    1500   10       sporadic
    S1       South   S 3000/0   S 3000/0          S 3000/0   9000   0        never
    S2       South   R 500/5    (no rows)         R 500/5    1000   10       sporadic

North 7500 visits / 60 contacts = 0.8 %; South 10000 / 10 = 0.1 %; national 17500 / 70 =
0.4 %. Years: 2010 6000 / 15, 2011 5500 / 30, 2012 6000 / 25. Rehabilitation 5500 / 60,
Surgery 12000 / 10, Neurosurgery 0 / 0 (no share).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.errors import ExitCode, UsageError
from qcode.registry.table import REQUIRED_COLUMNS, Registry, RegistryRow, read
from qcode.registry.utilisation import as_dict, parse_years, summarise
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "registry"


@pytest.fixture
def known() -> Registry:
    return read(DATA / "known_shares.csv")


def test_national_and_regional_shares(known: Registry) -> None:
    s = summarise(known, "region")
    assert (s.national.outpatient_visits, s.national.telemedicine_contacts) == (17500, 70)
    assert s.national.share_pct == pytest.approx(0.4)
    assert [(g.key, g.outpatient_visits, g.telemedicine_contacts) for g in s.groups] == [
        ("North", 7500, 60), ("South", 10000, 10)]
    assert [g.share_pct for g in s.groups] == [pytest.approx(0.8), pytest.approx(0.1)]
    assert [(g.hospitals_using, g.hospitals_total) for g in s.groups] == [(2, 2), (1, 2)]
    north_years = [(y.year, y.outpatient_visits, y.telemedicine_contacts)
                   for y in s.groups[0].years]
    assert north_years == [(2010, 2500, 10), (2011, 2500, 30), (2012, 2500, 20)]
    assert [y.share_pct for y in s.groups[1].years] == [
        pytest.approx(100 * 5 / 3500), pytest.approx(0.0), pytest.approx(100 * 5 / 3500)]


def test_adoption_and_regularity(known: Registry) -> None:
    s = summarise(known)
    assert (s.regions_using, s.regions_total) == (2, 2)
    assert (s.hospitals_using, s.hospitals_total) == (3, 4)
    assert [(h.hospital, h.region, h.outpatient_visits, h.telemedicine_contacts,
             h.years_with_contacts, h.years_in_period, h.regularity) for h in s.hospitals] == [
        ("N1", "North", 6000, 50, 3, 3, "every_year"),
        ("N2", "North", 1500, 10, 1, 3, "sporadic"),
        ("S1", "South", 9000, 0, 0, 3, "never"),
        ("S2", "South", 1000, 10, 2, 3, "sporadic"),
    ]
    assert s.regularity_counts() == {"every_year": 1, "sporadic": 2, "never": 1}


def test_regularity_depends_on_the_period(known: Registry) -> None:
    s = summarise(known, years=(2012, 2012))
    assert s.period == (2012,)
    assert {h.hospital: h.regularity for h in s.hospitals} == {
        "N1": "every_year", "N2": "never", "S1": "never", "S2": "every_year"}
    assert (s.hospitals_using, s.hospitals_total) == (2, 4)
    s = summarise(known, years=(2010, 2011))
    assert {h.hospital: h.regularity for h in s.hospitals} == {
        "N1": "every_year", "N2": "sporadic", "S1": "never", "S2": "sporadic"}


def test_specialties_ranked_by_contacts_and_share(known: Registry) -> None:
    s = summarise(known)
    assert [(sp.specialty, sp.outpatient_visits, sp.telemedicine_contacts,
             sp.rank_by_contacts, sp.rank_by_share) for sp in s.specialties] == [
        ("Rehabilitation", 5500, 60, 1, 1),
        ("Surgery", 12000, 10, 2, 2),
        ("Neurosurgery", 0, 0, 3, None),
    ]
    assert s.specialties[2].share_pct is None


def test_trend(known: Registry) -> None:
    t = summarise(known).trend
    assert [(y.year, y.outpatient_visits, y.telemedicine_contacts) for y in t.years] == [
        (2010, 6000, 15), (2011, 5500, 30), (2012, 6000, 25)]
    assert t.share_change_pp == pytest.approx(100 * 25 / 6000 - 100 * 15 / 6000)
    assert t.contacts_change_pct == pytest.approx(100 * 10 / 15)
    assert t.visits_change_pct == pytest.approx(0.0)
    shares = [100 * 15 / 6000, 100 * 30 / 5500, 100 * 25 / 6000]
    assert t.share_slope_pp_per_year == pytest.approx((shares[2] - shares[0]) / 2)


def test_groups_by_other_dimensions(known: Registry) -> None:
    by_year = summarise(known, "year")
    assert [(g.key, g.telemedicine_contacts, g.hospitals_using, g.hospitals_total, g.years)
            for g in by_year.groups] == [("2010", 15, 2, 4, ()), ("2011", 30, 2, 3, ()),
                                         ("2012", 25, 2, 4, ())]
    by_hospital = summarise(known, "hospital")
    assert [g.key for g in by_hospital.groups] == ["N1", "N2", "S1", "S2"]
    assert by_hospital.groups[3].years[1].outpatient_visits == 0
    assert by_hospital.groups[3].years[1].share_pct is None
    by_specialty = summarise(known, "specialty")
    assert [(g.key, g.hospitals_using, g.hospitals_total) for g in by_specialty.groups] == [
        ("Neurosurgery", 0, 1), ("Rehabilitation", 3, 3), ("Surgery", 1, 2)]


@pytest.mark.parametrize(("text", "expected"), [("2009-2015", (2009, 2015)),
                                                ("2012", (2012, 2012)),
                                                (" 2010 - 2011 ", (2010, 2011))])
def test_parse_years(text: str, expected: tuple[int, int]) -> None:
    assert parse_years(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("2015-2009", "--years '2015-2009' ends before it starts"),
    ("last year", "--years 'last year' is not a year or a range of years"),
])
def test_bad_years(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_years(text)
    assert info.value.message == message


def test_years_outside_the_data(known: Registry) -> None:
    with pytest.raises(UsageError) as info:
        summarise(known, years=(2020, 2021))
    assert (info.value.message, info.value.hint) == (
        "the registry has no rows in 2020-2021", "the data cover 2010-2012")


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    cells = draw(st.lists(st.tuples(st.integers(2000, 2004), st.sampled_from("ABCDEF"),
                                    st.sampled_from(["x", "y", "z"])),
                          min_size=1, max_size=40, unique=True))
    rows = []
    for year, hospital, specialty in cells:
        visits = draw(st.integers(0, 5000))
        rows.append(RegistryRow(year=year, region="R" + str("ABCDEF".index(hospital) % 2),
                                hospital=hospital, specialty=specialty,
                                outpatient_visits=visits,
                                telemedicine_contacts=draw(st.integers(0, visits))))
    return Registry(columns=REQUIRED_COLUMNS, rows=tuple(rows))


@settings(max_examples=80, deadline=None)
@given(registries(), st.sampled_from(["year", "region", "hospital", "specialty"]))
def test_groups_add_up_to_the_national_figures(reg: Registry, by: str) -> None:
    s = summarise(reg, by)  # type: ignore[arg-type]
    assert sum(g.outpatient_visits for g in s.groups) == s.national.outpatient_visits
    assert sum(g.telemedicine_contacts for g in s.groups) == s.national.telemedicine_contacts
    assert sum(y.telemedicine_contacts for y in s.trend.years) == \
        s.national.telemedicine_contacts
    for g in s.groups:
        assert sum(y.telemedicine_contacts for y in g.years) in (0, g.telemedicine_contacts)
    counts = s.regularity_counts()
    assert sum(counts.values()) == s.hospitals_total
    assert s.hospitals_using == counts["every_year"] + counts["sporadic"]
    for h in s.hospitals:
        assert (h.regularity == "never") == (h.telemedicine_contacts == 0)
        assert (h.regularity == "every_year") == (h.years_with_contacts == len(s.period))
    ranks = [sp.rank_by_contacts for sp in s.specialties]
    assert ranks == sorted(ranks) and ranks[0] == 1


# ------------------------------------------------------------------------ CLI


@pytest.fixture
def imported(invoke, project):  # type: ignore[no-untyped-def]
    result = invoke("--project", str(project.root), "registry", "import",
                    str(DATA / "known_shares.csv"))
    assert result.exit_code == 0
    return project


def test_cli_json_shape(invoke, imported) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(imported.root), "registry", "summary", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["schema_version", "period", "by", "national", "adoption",
                          "regularity_rule", "trend", "groups", "hospitals", "specialties"]
    assert data["period"] == {"first": 2010, "last": 2012, "years": [2010, 2011, 2012]}
    assert data["national"] == {"outpatient_visits": 17500, "telemedicine_contacts": 70,
                                "share_pct": 0.4}
    assert data["adoption"] == {"regions_using": 2, "regions_total": 2, "hospitals_using": 3,
                                "hospitals_total": 4, "every_year": 1, "sporadic": 2,
                                "never": 1}
    assert data["groups"][0] == {
        "key": "North", "outpatient_visits": 7500, "telemedicine_contacts": 60,
        "share_pct": 0.8, "hospitals_using": 2, "hospitals_total": 2,
        "years": [{"year": 2010, "outpatient_visits": 2500, "telemedicine_contacts": 10,
                   "share_pct": 0.4},
                  {"year": 2011, "outpatient_visits": 2500, "telemedicine_contacts": 30,
                   "share_pct": 1.2},
                  {"year": 2012, "outpatient_visits": 2500, "telemedicine_contacts": 20,
                   "share_pct": 0.8}]}
    assert data["hospitals"][3] == {"hospital": "S2", "region": "South",
                                    "outpatient_visits": 1000, "telemedicine_contacts": 10,
                                    "share_pct": 1.0, "years_with_contacts": 2,
                                    "years_in_period": 3, "regularity": "sporadic"}
    assert data["specialties"][2] == {"specialty": "Neurosurgery", "outpatient_visits": 0,
                                      "telemedicine_contacts": 0, "share_pct": None,
                                      "contacts_rank": 3, "share_rank": None}
    assert data["trend"]["years"][1]["share_pct"] == round(100 * 30 / 5500, 4)
    assert data["trend"]["contacts_change_pct"] == 66.67
    assert data == {"schema_version": 1, **as_dict(summarise(read(DATA / "known_shares.csv")))}


def test_cli_csv(invoke, imported) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(imported.root), "registry", "summary", "--format", "csv",
                    "--by", "hospital", "--years", "2011-2012")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0] == {"by": "national", "key": "all", "year": "all",
                       "outpatient_visits": "11500", "telemedicine_contacts": "55",
                       "share_pct": f"{100 * 55 / 11500:.4f}"}
    s2 = [r for r in rows if r["key"] == "S2"]
    assert [(r["year"], r["outpatient_visits"], r["share_pct"]) for r in s2] == [
        ("all", "500", "1.0000"), ("2011", "0", ""), ("2012", "500", "1.0000")]


def test_cli_table(invoke, imported) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(imported.root), "registry", "summary")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == ("Telemedicine share of outpatient visits, 2010-2012: 0.400 % "
                        "(70 contacts / 17,500 visits)")
    assert lines[1] == ("Regions using telemedicine: 2 of 2; hospitals: 3 of 4 "
                        "(1 every year, 2 sporadic, 1 never)")
    assert "Every year (1): N1" in lines
    assert "Sporadic (2): N2, S2" in lines
    assert "Never (1): S1" in lines
    assert any(line.startswith("│ North ") and "0.800" in line for line in lines)


def test_cli_help_states_the_regularity_rule(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("registry", "summary", "--help")
    text = " ".join(result.stdout.split())
    assert "every_year = contacts > 0 in every year" in text
    assert "sporadic = contacts > 0 in some years but not all" in text
    assert "never = no contacts in any year" in text


def test_cli_without_registry_data(invoke, project) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(project.root), "registry", "summary")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == ("Error: this project has no registry data yet\n"
                             "Hint: import a file with: qcode registry import FILE.csv\n")


def test_cli_bad_years(invoke, imported) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(imported.root), "registry", "summary", "--years", "2013")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: the registry has no rows in 2013-2013\n"
                             "Hint: the data cover 2010-2012\n")


def test_cli_output_file(invoke, imported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "summary.json"
    result = invoke("--project", str(imported.root), "registry", "summary", "--format",
                    "json", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text("utf-8"))["national"]["share_pct"] == 0.4
    result = invoke("--project", str(imported.root), "registry", "summary", "-o",
                    str(tmp_path / "t.txt"))
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("Error: --output needs --format json, csv or svg\n")

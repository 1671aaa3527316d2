"""Utilisation figures from registry data: shares, adoption, regularity, rankings, trend.

The telemedicine *share* of a group is ``100 * telemedicine_contacts / outpatient_visits``
summed over the group's rows (a percentage; ``None`` when the group has no visits).

A hospital's *regularity* over a period (the years of the period that appear in the data):

* ``every_year``: telemedicine contacts > 0 in every year of the period;
* ``sporadic``: contacts > 0 in some years of the period, but not in all;
* ``never``: no contacts in any year of the period.

A year in which a hospital reports no rows counts as a year without contacts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Literal

from qcode.errors import UsageError
from qcode.models import Record
from qcode.registry.table import Registry, RegistryRow

Dimension = Literal["year", "region", "hospital", "specialty"]
Regularity = Literal["every_year", "sporadic", "never"]
DIMENSIONS: tuple[str, ...] = ("year", "region", "hospital", "specialty")
REGULARITY_CLASSES: tuple[Regularity, ...] = ("every_year", "sporadic", "never")
REGULARITY_RULE = ("every_year: telemedicine contacts > 0 in every year of the period; "
                   "sporadic: contacts > 0 in some but not all years; never: no contacts in "
                   "any year (a year without rows counts as a year without contacts)")
JSON_DECIMALS = 4  # share_pct in JSON and CSV: 4 decimals (0.1 % shows as 0.1; 0.0123 kept)


def share_pct(contacts: int, visits: int) -> float | None:
    """Telemedicine contacts as a percentage of outpatient visits.

    >>> share_pct(5, 5000)
    0.1
    >>> share_pct(0, 0) is None
    True
    """
    return 100.0 * contacts / visits if visits else None


class Tally(Record):
    """Outpatient visits and telemedicine contacts of one cell (a group, a year...)."""

    outpatient_visits: int = 0
    telemedicine_contacts: int = 0

    @property
    def share_pct(self) -> float | None:
        return share_pct(self.telemedicine_contacts, self.outpatient_visits)


class YearTally(Tally):
    year: int


class GroupFigures(Tally):
    """One group of the chosen dimension: totals, hospitals using, and the figures by year."""

    key: str
    hospitals_using: int
    hospitals_total: int
    years: tuple[YearTally, ...] = ()


class HospitalUse(Tally):
    hospital: str
    region: str
    years_with_contacts: int
    years_in_period: int
    regularity: Regularity


class SpecialtyRank(Tally):
    specialty: str
    rank_by_contacts: int
    rank_by_share: int | None


class Trend(Record):
    """National figures by year, and how they moved from the first to the last year."""

    years: tuple[YearTally, ...]
    share_change_pp: float | None  # last-year share minus first-year share (percentage points)
    contacts_change_pct: float | None
    visits_change_pct: float | None
    share_slope_pp_per_year: float | None  # least-squares slope of the yearly share


class Summary(Record):
    by: Dimension
    period: tuple[int, ...]
    national: Tally
    regions_using: int
    regions_total: int
    hospitals_using: int
    hospitals_total: int
    trend: Trend
    groups: tuple[GroupFigures, ...]
    hospitals: tuple[HospitalUse, ...]
    specialties: tuple[SpecialtyRank, ...]

    def regularity_counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(REGULARITY_CLASSES, 0)
        for h in self.hospitals:
            counts[h.regularity] += 1
        return counts


# ------------------------------------------------------------------------ period


def parse_years(text: str) -> tuple[int, int]:
    """``"2009-2015"`` -> ``(2009, 2015)``; ``"2012"`` -> ``(2012, 2012)``.

    >>> parse_years("2009-2015")
    (2009, 2015)
    """
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–:]\s*(\d{4})\s*)?", text)
    if not m:
        raise UsageError(f"--years '{text}' is not a year or a range of years",
                         hint="write it like 2009-2015 or 2012")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise UsageError(f"--years '{text}' ends before it starts",
                         hint=f"did you mean {last}-{first}?")
    return first, last


def select_years(registry: Registry, years: tuple[int, int] | None) -> list[RegistryRow]:
    """The rows inside ``years`` (inclusive); all rows when ``years`` is None."""
    if years is None:
        return list(registry.rows)
    first, last = years
    rows = [r for r in registry.rows if first <= r.year <= last]
    if not rows:
        have = registry.years
        span = f"{have[0]}-{have[-1]}" if have else "no years"
        raise UsageError(f"the registry has no rows in {first}-{last}",
                         hint=f"the data cover {span}")
    return rows


# ------------------------------------------------------------------------ figures


class _Counts:
    """Running sums of one cell: [visits, contacts]; a plain list keeps the one pass fast."""

    __slots__ = ("contacts", "visits")

    def __init__(self) -> None:
        self.visits = 0
        self.contacts = 0

    def add(self, row: RegistryRow) -> None:
        self.visits += row.outpatient_visits
        self.contacts += row.telemedicine_contacts


def _year_tallies(per_year: dict[int, _Counts], period: tuple[int, ...]
                  ) -> tuple[YearTally, ...]:
    empty = _Counts()
    return tuple(YearTally(year=y, outpatient_visits=per_year.get(y, empty).visits,
                           telemedicine_contacts=per_year.get(y, empty).contacts)
                 for y in period)


def _change_pct(first: int, last: int) -> float | None:
    return 100.0 * (last - first) / first if first else None


def _slope(points: list[tuple[int, float]]) -> float | None:
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def _trend(years: tuple[YearTally, ...]) -> Trend:
    first, last = years[0], years[-1]
    shares = [(y.year, y.share_pct) for y in years if y.share_pct is not None]
    change = (last.share_pct - first.share_pct
              if last.share_pct is not None and first.share_pct is not None else None)
    return Trend(years=years, share_change_pp=change,
                 contacts_change_pct=_change_pct(first.telemedicine_contacts,
                                                 last.telemedicine_contacts),
                 visits_change_pct=_change_pct(first.outpatient_visits, last.outpatient_visits),
                 share_slope_pp_per_year=_slope(shares))


def regularity(contacts_by_year: dict[int, int], period: tuple[int, ...]) -> Regularity:
    """The regularity class of one hospital (see the module docstring for the rule).

    >>> regularity({2010: 3, 2011: 1}, (2010, 2011))
    'every_year'
    >>> regularity({2010: 3}, (2010, 2011))
    'sporadic'
    >>> regularity({}, (2010, 2011))
    'never'
    """
    used = sum(1 for y in period if contacts_by_year.get(y, 0) > 0)
    if used == 0:
        return "never"
    return "every_year" if used == len(period) else "sporadic"


def _competition_ranks(values: dict[str, float | None]) -> dict[str, int | None]:
    """1 for the largest value, equal values share a rank ("1224"); None stays unranked."""
    ranked = sorted((v for v in values.values() if v is not None), reverse=True)
    first_at: dict[float, int] = {}
    for i, v in enumerate(ranked, start=1):
        first_at.setdefault(v, i)
    return {k: (first_at[v] if v is not None else None) for k, v in values.items()}


def _specialty_ranking(per_specialty: dict[str, _Counts]) -> tuple[SpecialtyRank, ...]:
    """Specialties ranked by contacts (the order returned) and by share."""
    by_contacts = _competition_ranks({s: float(t.contacts) for s, t in per_specialty.items()})
    by_share = _competition_ranks({s: share_pct(t.contacts, t.visits)
                                   for s, t in per_specialty.items()})
    out = [SpecialtyRank(specialty=s, outpatient_visits=t.visits,
                         telemedicine_contacts=t.contacts,
                         rank_by_contacts=by_contacts[s] or 0, rank_by_share=by_share[s])
           for s, t in per_specialty.items()]
    return tuple(sorted(out, key=lambda x: (x.rank_by_contacts, x.specialty)))


def summarise(registry: Registry, by: Dimension = "region",
              years: tuple[int, int] | None = None) -> Summary:
    """Every figure of ``qcode registry summary`` for the rows within ``years``.

    One pass over the rows collects the sums; groups, hospitals and years are then
    sorted by key.
    """
    if by not in DIMENSIONS:
        raise UsageError(f"cannot group registry figures by '{by}'",
                         hint=f"choose one of {', '.join(DIMENSIONS)}")
    rows = select_years(registry, years)
    national = _Counts()
    per_year: dict[int, _Counts] = defaultdict(_Counts)
    per_group: dict[str, _Counts] = defaultdict(_Counts)
    per_group_year: dict[str, dict[int, _Counts]] = defaultdict(lambda: defaultdict(_Counts))
    group_hospitals: dict[str, set[str]] = defaultdict(set)
    group_users: dict[str, set[str]] = defaultdict(set)
    per_hospital: dict[str, _Counts] = defaultdict(_Counts)
    hospital_region: dict[str, str] = {}
    hospital_years: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_specialty: dict[str, _Counts] = defaultdict(_Counts)
    regions: set[str] = set()
    regions_using: set[str] = set()
    for r in rows:
        key = str(r.year) if by == "year" else getattr(r, by)
        national.add(r)
        per_year[r.year].add(r)
        per_group[key].add(r)
        per_group_year[key][r.year].add(r)
        group_hospitals[key].add(r.hospital)
        per_hospital[r.hospital].add(r)
        hospital_region.setdefault(r.hospital, r.region)
        per_specialty[r.specialty].add(r)
        regions.add(r.region)
        if r.telemedicine_contacts:
            group_users[key].add(r.hospital)
            hospital_years[r.hospital][r.year] += r.telemedicine_contacts
            regions_using.add(r.region)
    period = tuple(sorted(per_year))
    hospitals = tuple(
        HospitalUse(hospital=h, region=hospital_region[h], outpatient_visits=t.visits,
                    telemedicine_contacts=t.contacts,
                    years_with_contacts=sum(1 for y in period if hospital_years[h].get(y)),
                    years_in_period=len(period),
                    regularity=regularity(hospital_years[h], period))
        for h, t in sorted(per_hospital.items()))
    groups = tuple(
        GroupFigures(key=k, outpatient_visits=t.visits, telemedicine_contacts=t.contacts,
                     hospitals_using=len(group_users[k]),
                     hospitals_total=len(group_hospitals[k]),
                     years=() if by == "year" else _year_tallies(per_group_year[k], period))
        for k, t in sorted(per_group.items()))
    return Summary(
        by=by, period=period,
        national=Tally(outpatient_visits=national.visits,
                       telemedicine_contacts=national.contacts),
        regions_using=len(regions_using), regions_total=len(regions),
        hospitals_using=sum(1 for h in hospitals if h.regularity != "never"),
        hospitals_total=len(hospitals), trend=_trend(_year_tallies(per_year, period)),
        groups=groups, hospitals=hospitals, specialties=_specialty_ranking(per_specialty))


# ------------------------------------------------------------------------ plain data


def _r(value: float | None, decimals: int = JSON_DECIMALS) -> float | None:
    return None if value is None else round(value, decimals)


def _tally_dict(t: Tally) -> dict[str, Any]:
    return {"outpatient_visits": t.outpatient_visits,
            "telemedicine_contacts": t.telemedicine_contacts, "share_pct": _r(t.share_pct)}


def _year_dict(y: YearTally) -> dict[str, Any]:
    return {"year": y.year, **_tally_dict(y)}


def as_dict(s: Summary) -> dict[str, Any]:
    """The summary as JSON-ready data (shape documented in the README)."""
    t = s.trend
    return {
        "period": {"first": s.period[0], "last": s.period[-1], "years": list(s.period)},
        "by": s.by,
        "national": _tally_dict(s.national),
        "adoption": {"regions_using": s.regions_using, "regions_total": s.regions_total,
                     "hospitals_using": s.hospitals_using,
                     "hospitals_total": s.hospitals_total, **s.regularity_counts()},
        "regularity_rule": REGULARITY_RULE,
        "trend": {"years": [_year_dict(y) for y in t.years],
                  "share_change_pp": _r(t.share_change_pp),
                  "contacts_change_pct": _r(t.contacts_change_pct, 2),
                  "visits_change_pct": _r(t.visits_change_pct, 2),
                  "share_slope_pp_per_year": _r(t.share_slope_pp_per_year)},
        "groups": [{"key": g.key, **_tally_dict(g), "hospitals_using": g.hospitals_using,
                    "hospitals_total": g.hospitals_total,
                    "years": [_year_dict(y) for y in g.years]} for g in s.groups],
        "hospitals": [{"hospital": h.hospital, "region": h.region, **_tally_dict(h),
                       "years_with_contacts": h.years_with_contacts,
                       "years_in_period": h.years_in_period, "regularity": h.regularity}
                      for h in s.hospitals],
        "specialties": [{"specialty": sp.specialty, **_tally_dict(sp),
                         "contacts_rank": sp.rank_by_contacts,
                         "share_rank": sp.rank_by_share} for sp in s.specialties],
    }


CSV_FIELDS = ("by", "key", "year", "outpatient_visits", "telemedicine_contacts", "share_pct")


def as_rows(s: Summary) -> list[dict[str, str]]:
    """Long-format rows: national and per-group figures, each by year and for 'all' years."""

    def row(by: str, key: str, year: str, t: Tally) -> dict[str, str]:
        share = _r(t.share_pct)
        return {"by": by, "key": key, "year": year,
                "outpatient_visits": str(t.outpatient_visits),
                "telemedicine_contacts": str(t.telemedicine_contacts),
                "share_pct": "" if share is None else f"{share:.{JSON_DECIMALS}f}"}

    rows = [row("national", "all", "all", s.national)]
    rows += [row("national", "all", str(y.year), y) for y in s.trend.years]
    for g in s.groups:
        rows.append(row(s.by, g.key, "all", g))
        rows += [row(s.by, g.key, str(y.year), y) for y in g.years]
    return rows

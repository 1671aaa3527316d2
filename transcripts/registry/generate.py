"""Generate the bundled FICTIONAL registry data set (registry.csv beside this file).

The numbers are invented. They are drawn with a fixed seed from a simple model whose
parameters were chosen so that the totals match what the seed study (Alami et al. 2017,
BMC Med Inform Decis Mak 17:180) reports in its abstract for 2009-2015:

* all 4 health regions used telemedicine;
* 24 of the 29 hospitals used it at least once, some of them only sporadically;
* the telemedicine share of outpatient activity was at most 0.5 % in every region (here:
  in every region and every year) and about 0.1 % nationally;
* rehabilitation, neurosurgery, and skin and venereal diseases were among the specialties
  with most telemedicine contacts.

Everything else (hospital sizes, which hospitals used telemedicine when, yearly patterns,
the other specialties) is made up; see README.md beside this file. The hospitals and
regions come from ../hospitals.csv (shared with the sample interviews).

Run ``python transcripts/registry/generate.py`` to rewrite registry.csv, or with
``--check`` to verify that the file is what the generator makes (exit status 1 if not).
Only the Python standard library is used, so the output does not depend on numpy versions.
"""

from __future__ import annotations

import csv
import io
import math
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOSPITALS_CSV = HERE.parent / "hospitals.csv"
OUTPUT = HERE / "registry.csv"
SEED = 20170180  # BMC Med Inform Decis Mak 2017;17:180
YEARS = tuple(range(2009, 2016))
COLUMNS = ("year", "region", "hospital", "hospital_name", "specialty", "outpatient_visits",
           "telemedicine_contacts")

# specialty: (share of a hospital's outpatient visits, relative telemedicine propensity,
#             where it is offered: "all", "most" (70 % of local hospitals) or "university")
SPECIALTIES: dict[str, tuple[float, float, str]] = {
    "Internal medicine": (0.18, 0.40, "all"),
    "General surgery": (0.10, 0.20, "all"),
    "Orthopaedic surgery": (0.12, 0.30, "all"),
    "Obstetrics and gynaecology": (0.08, 0.20, "all"),
    "Rehabilitation": (0.03, 12.0, "all"),
    "Geriatrics": (0.02, 1.00, "all"),
    "Heart diseases": (0.06, 0.60, "all"),
    "Lung diseases": (0.04, 0.50, "all"),
    "Paediatrics": (0.06, 1.50, "most"),
    "Ear, nose and throat diseases": (0.05, 1.20, "most"),
    "Eye diseases": (0.06, 0.30, "most"),
    "Skin and venereal diseases": (0.04, 8.00, "most"),
    "Neurology": (0.04, 2.50, "most"),
    "Rheumatology": (0.03, 0.80, "most"),
    "Urology": (0.04, 0.20, "most"),
    "Oncology": (0.05, 1.50, "university"),
    "Neurosurgery": (0.02, 25.0, "university"),
    "Plastic surgery": (0.02, 0.30, "university"),
}

# yearly outpatient visits around 2009 (thousands): university hospital, local hospitals
REGION_SIZE = {"Helse Nord": (280, 60), "Helse Midt-Norge": (350, 90),
               "Helse Vest": (450, 90), "Helse Sør-Øst": (900, 150)}
VISIT_GROWTH = 0.028  # per year (the predecessor study saw +11.8 % over 2009-2013)
# the telemedicine share each region's model aims at over the whole period (percent)
REGION_TARGET_SHARE = {"Helse Nord": 0.38, "Helse Vest": 0.12, "Helse Midt-Norge": 0.07,
                       "Helse Sør-Øst": 0.065}
# relative telemedicine activity by year (Helse Nord dips in 2010, Helse Vest keeps growing)
REGION_YEAR_PROFILE = {
    "Helse Nord": (1.20, 0.60, 0.80, 0.95, 1.00, 1.10, 1.15),
    "Helse Vest": (0.25, 0.40, 0.60, 0.90, 1.30, 1.50, 1.70),
    "Helse Midt-Norge": (1.00, 0.90, 1.10, 0.80, 1.00, 1.20, 0.90),
    "Helse Sør-Øst": (0.90, 0.80, 0.90, 1.00, 1.05, 1.15, 1.20),
}
# how each hospital used telemedicine in 2009-2015 (chosen, not drawn: 24 of 29 used it)
NEVER = ("HM-05", "HV-07", "HS-06", "HS-09", "HS-11")
SPORADIC = ("HN-05", "HM-02", "HM-04", "HV-05", "HV-06", "HS-04", "HS-07", "HS-10")


def read_hospitals() -> list[dict[str, str]]:
    with HOSPITALS_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw: Knuth's method for small means, a rounded normal for large ones."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def is_university(name: str) -> bool:
    return "universitetssykehus" in name


def generate_rows(seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    hospitals = read_hospitals()
    cells = []  # (hospital row, specialty, year index, visits, expected contacts before scaling)
    hospital_factor = {}
    active_years: dict[str, set[int]] = {}
    for h in hospitals:
        uni = is_university(h["hospital_name"])
        university_size, local_size = REGION_SIZE[h["region"]]
        size = 1000 * (university_size if uni else local_size * rng.lognormvariate(0, 0.35))
        offered = [s for s, (_, _, where) in SPECIALTIES.items()
                   if where == "all" or uni or (where == "most" and rng.random() < 0.7)]
        weight_sum = sum(SPECIALTIES[s][0] for s in offered)
        hospital_factor[h["hospital"]] = 1.5 if uni else rng.lognormvariate(0, 0.5)
        if h["hospital"] in SPORADIC:
            active_years[h["hospital"]] = set(rng.sample(range(len(YEARS)), rng.randint(2, 4)))
        for s in offered:
            weight, propensity, _ = SPECIALTIES[s]
            for t, _year in enumerate(YEARS):
                visits = round(size * weight / weight_sum * (1 + VISIT_GROWTH) ** t
                               * rng.lognormvariate(0, 0.08))
                expected = (visits * propensity * hospital_factor[h["hospital"]]
                            * REGION_YEAR_PROFILE[h["region"]][t])
                cells.append((h, s, t, visits, expected))

    # scale each region's expected contacts so that its share meets its target
    scale = {}
    for region, target in REGION_TARGET_SHARE.items():
        visits = sum(c[3] for c in cells if c[0]["region"] == region)
        expected = sum(c[4] for c in cells if c[0]["region"] == region)
        scale[region] = target / 100 * visits / expected

    rows: list[dict[str, object]] = []
    for h, s, t, visits, expected in cells:
        hid = h["hospital"]
        lam = expected * scale[h["region"]]
        if hid in NEVER or (hid in SPORADIC and t not in active_years[hid]):
            contacts = 0
        else:
            contacts = min(visits, poisson(rng, lam))
        rows.append({"year": YEARS[t], "region": h["region"], "hospital": hid,
                     "hospital_name": h["hospital_name"], "specialty": s,
                     "outpatient_visits": visits, "telemedicine_contacts": contacts})
    _ensure_use_in_active_years(rows, active_years)
    rows.sort(key=lambda r: (r["year"], _order(hospitals, r["hospital"]),
                             list(SPECIALTIES).index(str(r["specialty"]))))
    return rows


def _order(hospitals: list[dict[str, str]], hid: object) -> int:
    return next(i for i, h in enumerate(hospitals) if h["hospital"] == hid)


def _ensure_use_in_active_years(rows: list[dict[str, object]],
                                active_years: dict[str, set[int]]) -> None:
    """Regular users have contacts every year, sporadic users in each of their active years:
    where a year drew none, the hospital's highest-propensity specialty gets one contact."""
    by_hospital_year: dict[tuple[object, object], list[dict[str, object]]] = {}
    for r in rows:
        by_hospital_year.setdefault((r["hospital"], r["year"]), []).append(r)
    for (hid, year), hrows in by_hospital_year.items():
        if hid in NEVER:
            continue
        if hid in SPORADIC and YEARS.index(int(str(year))) not in active_years[str(hid)]:
            continue
        if not any(r["telemedicine_contacts"] for r in hrows):
            top = max(hrows, key=lambda r: SPECIALTIES[str(r["specialty"])][1])
            top["telemedicine_contacts"] = 1


def to_csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def calibration(rows: list[dict[str, object]]) -> dict[str, object]:
    """The figures the data set is calibrated to (checked by ``main`` and by the tests)."""

    def share(sel: list[dict[str, object]]) -> float:
        visits = sum(int(str(r["outpatient_visits"])) for r in sel)
        return 100 * sum(int(str(r["telemedicine_contacts"])) for r in sel) / visits

    regions = sorted({str(r["region"]) for r in rows})
    hospitals = sorted({str(r["hospital"]) for r in rows})
    used = [h for h in hospitals if any(r["telemedicine_contacts"] for r in rows
                                        if r["hospital"] == h)]
    contacts_by_specialty: dict[str, int] = {}
    for r in rows:
        s = str(r["specialty"])
        contacts_by_specialty[s] = (contacts_by_specialty.get(s, 0)
                                    + int(str(r["telemedicine_contacts"])))
    return {
        "national_share_pct": share(rows),
        "region_share_pct": {g: share([r for r in rows if r["region"] == g]) for g in regions},
        "max_region_year_share_pct": max(share([r for r in rows if r["region"] == g
                                                and r["year"] == y])
                                         for g in regions for y in YEARS),
        "hospitals_using": len(used),
        "hospitals_total": len(hospitals),
        "top_specialties": sorted(contacts_by_specialty, key=lambda s:
                                  -contacts_by_specialty[s])[:3],
    }


def check_targets(figures: dict[str, object]) -> list[str]:
    problems = []
    national = float(str(figures["national_share_pct"]))
    if not 0.05 <= national <= 0.15:
        problems.append(f"national share {national:.3f} % is outside 0.05-0.15 %")
    regional = figures["region_share_pct"]
    assert isinstance(regional, dict)
    for region, value in regional.items():
        if value > 0.5 or value <= 0:
            problems.append(f"{region} share {value:.3f} % is not in (0, 0.5] %")
    worst = float(str(figures["max_region_year_share_pct"]))
    if worst > 0.5:
        problems.append(f"a region's share in one year is {worst:.3f} %, above 0.5 %")
    if max(regional, key=lambda g: regional[g]) != "Helse Nord":
        problems.append("Helse Nord does not have the highest share")
    if (figures["hospitals_using"], figures["hospitals_total"]) != (24, 29):
        problems.append(f"{figures['hospitals_using']} of {figures['hospitals_total']} "
                        "hospitals used telemedicine, not 24 of 29")
    wanted = {"Rehabilitation", "Neurosurgery", "Skin and venereal diseases"}
    top = figures["top_specialties"]
    assert isinstance(top, list)
    if set(top) != wanted:
        problems.append(f"the top 3 specialties are {top}, not {sorted(wanted)}")
    return problems


def main(argv: list[str]) -> int:
    rows = generate_rows()
    problems = check_targets(calibration(rows))
    if problems:
        print("calibration failed: " + "; ".join(problems), file=sys.stderr)
        return 1
    text = to_csv(rows)
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is not what generate.py makes; run it again", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is current")
        return 0
    OUTPUT.write_text(text, encoding="utf-8", newline="\n")
    figures = calibration(rows)
    print(f"wrote {OUTPUT} ({len(rows)} rows); national share "
          f"{figures['national_share_pct']:.3f} %, {figures['hospitals_using']} of "
          f"{figures['hospitals_total']} hospitals used telemedicine")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

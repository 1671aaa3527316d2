"""Benchmark the registry strand: read + check a registry CSV, and summarise it.

    python benchmarks/bench_registry.py [--copies 50] [--runs 5]

The bundled fictional registry (2,744 rows) is copied ``--copies`` times under distinct
hospital ids (50 copies: 137,200 rows, 1,450 hospitals), written to a temporary CSV, then:

1. qcode: ``qcode.registry.table.read`` (every row checked) and
   ``qcode.registry.utilisation.summarise`` by region
   (shares by group and year, adoption, regularity, specialty ranks, trend);
2. the reference, pandas: ``read_csv`` plus the same figures with ``groupby`` (no row
   checks), so the ratio shows what the per-row validation and records cost.

Both must agree on the national share, the regional shares and the regularity counts.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qcode.registry.table import bundled_registry, read
from qcode.registry.utilisation import summarise


def _write_copies(target: Path, copies: int) -> int:
    with bundled_registry().open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for k in range(copies):
        for r in rows:
            writer.writerow({**r, "hospital": f"{r['hospital']}-{k:03d}"})
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return len(rows) * copies


def _qcode(path: Path) -> dict[str, object]:
    s = summarise(read(path), "region")
    return {"national": s.national.share_pct,
            "regions": {g.key: g.share_pct for g in s.groups},
            "classes": s.regularity_counts()}


def _pandas(path: Path) -> dict[str, object]:
    import pandas as pd  # imported (and warmed up) by main before timing

    df = pd.read_csv(path)
    national = 100 * df.telemedicine_contacts.sum() / df.outpatient_visits.sum()
    regions = df.groupby("region")[["outpatient_visits", "telemedicine_contacts"]].sum()
    shares = (100 * regions.telemedicine_contacts / regions.outpatient_visits).to_dict()
    df.groupby(["region", "year"])[["outpatient_visits", "telemedicine_contacts"]].sum()
    df.groupby("specialty")[["outpatient_visits", "telemedicine_contacts"]].sum()
    years = df.year.nunique()
    used = (df[df.telemedicine_contacts > 0].groupby("hospital").year.nunique()
            .reindex(df.hospital.unique(), fill_value=0))
    classes = {"every_year": int((used == years).sum()),
               "sporadic": int(((used > 0) & (used < years)).sum()),
               "never": int((used == 0).sum())}
    return {"national": national, "regions": shares, "classes": classes}


def _time(fn, path: Path, runs: int) -> tuple[float, dict[str, object]]:  # type: ignore[no-untyped-def]
    times, result = [], {}
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import pandas  # noqa: F401  (import time is not part of the measurement)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry.csv"
        n = _write_copies(path, args.copies)
        q_time, q = _time(_qcode, path, args.runs)
        p_time, p = _time(_pandas, path, args.runs)
    same = (abs(q["national"] - p["national"]) < 1e-9  # type: ignore[operator]
            and all(abs(q["regions"][k] - v) < 1e-9  # type: ignore[index]
                    for k, v in p["regions"].items())  # type: ignore[union-attr]
            and q["classes"] == p["classes"])
    print(f"rows: {n:,}; median of {args.runs} runs")
    print(f"qcode read+check+summarise: {q_time:.3f} s ({n / q_time:,.0f} rows/s)")
    print(f"pandas read_csv+groupby:    {p_time:.3f} s ({n / p_time:,.0f} rows/s)")
    print(f"ratio qcode/pandas: {q_time / p_time:.1f}x; same figures: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate the irrCAC-derived fixtures of this folder (run from anywhere).

The data come from ``irrCAC.datasets`` (the Python port of Gwet's irrCAC package); the
test ``test_agreement_published.py::test_fixtures_match_irrcac`` proves they still match.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

HERE = Path(__file__).parent


def write(name: str, rows: list[tuple[str, str, str]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["unit", "coder", "value"])
        w.writerows(rows)


def from_frame(df) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    rows = []
    for i, (_, rec) in enumerate(df.iterrows(), start=1):
        for coder, v in rec.items():
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            value = str(int(v)) if isinstance(v, float) else str(v)
            rows.append((str(i), str(coder), value))
    return rows


def from_table(df) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    rows, unit = [], 0
    for a in df.index:
        for b in df.columns:
            for _ in range(int(df.loc[a, b])):
                unit += 1
                rows += [(str(unit), "A", str(a)), (str(unit), "B", str(b))]
    return rows


def main() -> None:
    from irrCAC import datasets

    write("gwet_raw_4raters.csv", from_frame(datasets.raw_4raters()))
    write("gwet_cont3x3abstractors.csv", from_table(datasets.table_cont3x3abstractors()))


if __name__ == "__main__":
    main()

"""Published worked examples, reproduced from the CSV fixtures in tests/data/agreement/."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qcode.agreement import (
    Ratings,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    percent_agreement,
    read_ratings_csv,
    scott_pi,
)
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "agreement"


def load(name: str, level: str = "nominal") -> Ratings:
    return read_ratings_csv(DATA / name, level=level)


@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_four_levels(level: str, published: float) -> None:
    r = load("krippendorff2011.csv", level)
    assert (r.n_units, r.n_coders) == (12, 4)
    assert round(krippendorff_alpha(r, level), 3) == published


def test_fleiss_1971() -> None:
    r = load("fleiss1971.csv")
    assert (r.n_units, r.n_coders, r.q) == (30, 6, 5)
    assert round(fleiss_kappa(r), 3) == 0.430


def test_cohen_1960() -> None:
    """The fixture's cells were reconstructed (see the README): check that they give each
    published summary value, p_o .70, p_c .41 and kappa .492, from first principles."""
    import csv
    from collections import Counter
    from fractions import Fraction

    pairs: dict[str, dict[str, str]] = {}
    with (DATA / "cohen1960.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pairs.setdefault(row["unit"], {})[row["coder"]] = row["value"]
    n = len(pairs)
    cells = Counter((p["A"], p["B"]) for p in pairs.values())
    p_o = Fraction(sum(cells[(k, k)] for k in "123"), n)
    rows = {k: Fraction(sum(cells[(k, b)] for b in "123"), n) for k in "123"}
    cols = {k: Fraction(sum(cells[(a, k)] for a in "123"), n) for k in "123"}
    p_c = sum(rows[k] * cols[k] for k in "123")
    assert (n, p_o, p_c) == (200, Fraction(70, 100), Fraction(41, 100))
    assert (rows["1"], rows["2"], rows["3"]) == (Fraction(60, 100), Fraction(30, 100),
                                                 Fraction(10, 100))
    assert (cols["1"], cols["2"], cols["3"]) == (Fraction(50, 100), Fraction(30, 100),
                                                 Fraction(20, 100))
    r = load("cohen1960.csv")
    assert r.n_units == 200
    assert percent_agreement(r) == pytest.approx(0.70, abs=1e-12)
    assert cohen_kappa(r) == pytest.approx(float((p_o - p_c) / (1 - p_c)), abs=1e-12)
    assert round(cohen_kappa(r), 3) == 0.492


def test_gwet_raw_4raters_docstring_values() -> None:
    r = load("gwet_raw_4raters.csv")
    assert round(gwet_ac1(r), 5) == 0.77544
    assert round(fleiss_kappa(r), 5) == 0.76117
    assert round(gwet_ac2(r, "bipolar"), 5) == 0.90037


def test_gwet_cont3x3abstractors_vignette_values() -> None:
    r = load("gwet_cont3x3abstractors.csv")
    assert r.categories == ("Ectopic", "AIU", "NIU")
    assert round(cohen_kappa(r), 7) == 0.7964094
    assert round(scott_pi(r), 7) == 0.7962397
    assert round(gwet_ac1(r), 7) == 0.8493305
    assert round(brennan_prediger(r), 3) == 0.835
    assert round(krippendorff_alpha(r), 7) == 0.7972585
    assert round(percent_agreement(r), 2) == 0.89
    assert round(gwet_ac2(r, "quadratic"), 5) == 0.94024


def test_fixtures_match_irrcac() -> None:
    from irrCAC import datasets

    raw = datasets.raw_4raters()
    r = load("gwet_raw_4raters.csv")
    expected = Ratings.from_matrix(raw.values, coders=list(raw.columns))
    order = [r.coders.index(c) for c in expected.coders]
    assert r.categories == tuple(str(c) for c in expected.categories)
    assert np.array_equal(r.codes[:, order], expected.codes)
    table = datasets.table_cont3x3abstractors()
    r2 = load("gwet_cont3x3abstractors.csv")
    counts = np.zeros((3, 3), dtype=int)
    np.add.at(counts, (r2.codes[:, 0], r2.codes[:, 1]), 1)
    assert counts.tolist() == table.values.tolist()


def test_alpha_equals_weighted_alpha_for_matching_weights() -> None:
    """Quadratic weights give interval alpha; ratio weights give ratio alpha (Gwet 2014)."""
    from qcode.agreement.weights import weight_matrix

    r = load("krippendorff2011.csv", "interval")
    vals = r.numeric_values()
    assert math.isclose(krippendorff_alpha(r, weights=weight_matrix("quadratic", vals)),
                        krippendorff_alpha(r, "interval"))
    assert math.isclose(krippendorff_alpha(r, weights=weight_matrix("ratio", vals)),
                        krippendorff_alpha(r, "ratio"))

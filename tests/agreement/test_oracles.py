"""Hypothesis: qcode's coefficients equal the reference packages on random rating data.

The reference packages (krippendorff, statsmodels, nltk, irrCAC) are dev-only oracles,
imported here and nowhere in qcode.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qcode.agreement import (
    Ratings,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    masi_distance,
    percent_agreement,
    scott_pi,
    weighted_brennan_prediger,
    weighted_cohen_kappa,
    weighted_conger_kappa,
    weighted_fleiss_kappa,
)
from qcode.errors import InsufficientDataError

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(draw: st.DrawFn, *, missing: bool = True, min_coders: int = 2,
             max_coders: int = 5) -> np.ndarray:
    """units x coders float matrices with categories 1..q and NaN for missing ratings."""
    n = draw(st.integers(3, 40))
    m = draw(st.integers(min_coders, max_coders))
    q = draw(st.integers(2, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # some agreement: each unit has a "true" category that coders often choose
    truth = rng.integers(1, q + 1, size=(n, 1))
    noise = rng.integers(1, q + 1, size=(n, m))
    x = np.where(rng.random((n, m)) < draw(st.floats(0, 1)), truth, noise).astype(float)
    if missing:
        x[rng.random((n, m)) < draw(st.floats(0, 0.4))] = np.nan
    return x


def ratings_of(x: np.ndarray) -> Ratings:
    r = Ratings.from_matrix(x)
    try:
        r.check_usable()
    except InsufficientDataError:
        assume(False)
    return r


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def defined(f, *args, **kw) -> float:  # type: ignore[no-untyped-def]
    try:
        return f(*args, **kw)
    except InsufficientDataError:
        assume(False)
        raise


def irr(x: np.ndarray, weights: str = "identity"):  # type: ignore[no-untyped-def]
    import pandas as pd
    from irrCAC.raw import CAC

    cats = sorted(set(x[~np.isnan(x)].tolist()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CAC(pd.DataFrame(x), weights=weights, categories=cats, digits=12)


def irr_value(call) -> float:  # type: ignore[no-untyped-def]
    """An irrCAC coefficient; its variance formula divides by zero on tiny data: skip those."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(call()["est"]["coefficient_value"])
        except ZeroDivisionError:
            return float("nan")


@FAST
@given(matrices(), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_krippendorff_package(x: np.ndarray, level: str) -> None:
    import krippendorff

    r = ratings_of(x)
    ours = defined(krippendorff_alpha, r, level)
    theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
    assert close(ours, float(theirs))


@FAST
@given(matrices(missing=False))
def test_fleiss_matches_statsmodels(x: np.ndarray) -> None:
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    r = ratings_of(x)
    ours = defined(fleiss_kappa, r)
    table, _ = aggregate_raters(x.astype(int))
    assert close(ours, float(sm_fleiss(table, method="fleiss")))
    assert close(brennan_prediger(r), float(sm_fleiss(table, method="randolph")))


@FAST
@given(matrices(missing=False, max_coders=2), st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_matches_statsmodels(x: np.ndarray, wt: str | None) -> None:
    from statsmodels.stats.inter_rater import cohens_kappa, to_table

    r = ratings_of(x)
    q = r.q
    table, _ = to_table(r.codes, bins=np.arange(q + 1) - 0.5)
    # statsmodels weighs by category index; qcode by value: use index-valued categories
    r_idx = Ratings(r.codes, tuple(range(q)), r.coders, None, np.arange(q, dtype=float))
    ours = (defined(cohen_kappa, r_idx) if wt is None
            else defined(weighted_cohen_kappa, r_idx, wt))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = float(cohens_kappa(table, wt=wt).kappa)
    assume(not math.isnan(theirs))
    assert close(ours, theirs)


@FAST
@given(matrices(missing=False))
def test_nltk_agreement(x: np.ndarray) -> None:
    from nltk.metrics.agreement import AnnotationTask

    r = ratings_of(x)
    data = [(f"c{j}", str(i), int(x[i, j])) for i in range(x.shape[0])
            for j in range(x.shape[1])]
    task = AnnotationTask(data=data)
    assert close(percent_agreement(r), task.avg_Ao())
    assert close(defined(krippendorff_alpha, r), task.alpha())
    assert close(defined(fleiss_kappa, r), task.pi())
    assert close(defined(conger_kappa, r), task.multi_kappa())
    if r.n_coders == 2:
        assert close(defined(cohen_kappa, r), task.kappa())
        assert close(defined(scott_pi, r), task.pi())


@FAST
@given(matrices(), st.sampled_from(["identity", "linear", "quadratic", "ordinal", "radical",
                                    "circular", "bipolar", "ratio"]))
def test_gwet_family_matches_irrcac(x: np.ndarray, weights: str) -> None:
    r = ratings_of(x)
    cac = irr(x, weights)
    if weights == "identity":
        pairs = [(gwet_ac1, cac.gwet), (fleiss_kappa, cac.fleiss), (conger_kappa, cac.conger),
                 (brennan_prediger, cac.bp)]
    else:
        pairs = [(lambda r: gwet_ac2(r, weights), cac.gwet),
                 (lambda r: weighted_fleiss_kappa(r, weights), cac.fleiss),
                 (lambda r: weighted_conger_kappa(r, weights), cac.conger),
                 (lambda r: weighted_brennan_prediger(r, weights), cac.bp)]
    for ours_f, theirs_f in pairs:
        try:
            ours = ours_f(r)
        except InsufficientDataError:
            continue
        theirs = irr_value(theirs_f)
        if not math.isnan(theirs):
            assert math.isclose(ours, theirs, abs_tol=1e-9), ours_f


@FAST
@given(matrices(), st.sampled_from(["linear", "quadratic", "ordinal"]))
def test_weighted_alpha_matches_irrcac(x: np.ndarray, weights: str) -> None:
    from qcode.agreement.weights import weight_matrix

    r = ratings_of(x)
    ours = defined(krippendorff_alpha, r, weights=weight_matrix(weights, r.numeric_values()))
    theirs = irr_value(irr(x, weights).krippendorff)
    assume(not math.isnan(theirs))
    assert math.isclose(ours, theirs, abs_tol=1e-9)


@FAST
@given(matrices(max_coders=2, min_coders=2))
def test_cohen_with_missing_is_conger_for_two_coders(x: np.ndarray) -> None:
    r = ratings_of(x)
    theirs = irr_value(irr(x).conger)
    assume(not math.isnan(theirs))
    assert math.isclose(defined(cohen_kappa, r), theirs, abs_tol=1e-9)


# NLTK divides by zero on two empty sets; qcode calls them identical (tested elsewhere)
labels = st.frozensets(st.sampled_from("abcd"), min_size=1, max_size=4)


@FAST
@given(labels, labels)
def test_masi_distance_matches_nltk(a: frozenset, b: frozenset) -> None:
    from nltk.metrics.distance import masi_distance as nltk_masi

    # NLTK rounds the monotonicity weights 2/3 and 1/3 to 0.67 and 0.33
    assert math.isclose(masi_distance(a, b), nltk_masi(set(a), set(b)), abs_tol=0.01)


@FAST
@given(st.lists(st.tuples(labels, labels, labels), min_size=3, max_size=15))
def test_masi_alpha_matches_nltk(units: list[tuple[frozenset, frozenset, frozenset]]) -> None:
    from nltk.metrics.agreement import AnnotationTask

    matrix = np.empty((len(units), 3), dtype=object)
    for i, row in enumerate(units):
        for j, s in enumerate(row):
            matrix[i, j] = s
    r = Ratings.from_matrix(matrix)
    assume(r.q >= 2)
    ours = defined(krippendorff_alpha, r, "masi")
    data = [(f"c{j}", str(i), s) for i, row in enumerate(units) for j, s in enumerate(row)]
    task = AnnotationTask(data=data, distance=masi_distance)
    try:
        theirs = task.alpha()
    except ZeroDivisionError:
        assume(False)
    assert math.isclose(ours, theirs, abs_tol=1e-9)


@pytest.mark.parametrize("q_declared", [3, 6])
def test_declared_domain_changes_ac1_and_bp_only(q_declared: int) -> None:
    x = np.array([[1, 1], [2, 2], [1, 2], [2, 2], [1, 1]], dtype=float)
    base = Ratings.from_matrix(x)
    wide = Ratings.from_matrix(x, categories=list(range(1, q_declared + 1)))
    assert fleiss_kappa(wide) == fleiss_kappa(base)
    assert krippendorff_alpha(wide) == krippendorff_alpha(base)
    assert brennan_prediger(wide) > brennan_prediger(base)
    assert math.isclose(brennan_prediger(wide),
                        (percent_agreement(wide) - 1 / q_declared) / (1 - 1 / q_declared))
    assert gwet_ac1(wide) != gwet_ac1(base)

"""Bootstrap intervals: reproducible, vectorised correctly, and Hayes & Krippendorff's alpha."""

from __future__ import annotations

import numpy as np
import pytest

from qcode.agreement import Ratings, fleiss_kappa, gwet_ac1
from qcode.agreement import bootstrap as boot
from qcode.agreement.alpha import alpha_parts
from qcode.agreement.coefficients import UNWEIGHTED, compute
from qcode.agreement.gwet import gwet_from_tally
from qcode.agreement.kappa import fleiss_from_tally


def noisy(n: int, m: int, q: int, agree: float, seed: int) -> Ratings:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, q + 1, size=(n, 1))
    x = np.where(rng.random((n, m)) < agree, truth, rng.integers(1, q + 1, size=(n, m)))
    x = x.astype(float)
    x[rng.random((n, m)) < 0.1] = np.nan
    return Ratings.from_matrix(x)


def test_same_seed_same_intervals_and_other_seed_differs() -> None:
    r = noisy(300, 3, 4, 0.6, 1)
    a = compute(r, UNWEIGHTED, n_boot=200, seed=7)
    b = compute(r, UNWEIGHTED, n_boot=200, seed=7)
    c = compute(r, UNWEIGHTED, n_boot=200, seed=8)
    assert [x.ci for x in a] == [x.ci for x in b]
    assert [x.ci for x in a] != [x.ci for x in c]


@pytest.mark.parametrize("many_patterns", [False, True])
def test_each_replicate_is_the_coefficient_of_a_resample_of_units(
        many_patterns: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if many_patterns:
        monkeypatch.setattr(boot, "MULTINOMIAL_MAX_PATTERNS", 0)
    r = noisy(60, 3, 3, 0.7, 2)
    t = r.tally
    (chunk,) = list(boot.resampled_multiplicities(t, 5, np.random.default_rng(3),
                                                  max_cells=10**9))
    assert chunk.shape == (5, t.patterns.shape[0])
    assert (chunk.sum(axis=1) == r.n_units).all()
    vector_fleiss = fleiss_from_tally(t, chunk, np.eye(r.q))
    vector_ac1 = gwet_from_tally(t, chunk, np.eye(r.q))
    for b in range(5):
        rows = np.repeat(t.patterns, chunk[b].astype(int), axis=0)
        resample = Ratings(rows, r.categories, r.coders)
        assert np.isclose(vector_fleiss[b], fleiss_kappa(resample))
        assert np.isclose(vector_ac1[b], gwet_ac1(resample))


def test_many_pattern_path_is_chunked_and_reproducible(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setattr(boot, "MULTINOMIAL_MAX_PATTERNS", 0)
    r = noisy(100, 4, 6, 0.5, 4)
    chunks = list(boot.resampled_multiplicities(r.tally, 25, np.random.default_rng(5),
                                                max_cells=1000))
    assert sum(c.shape[0] for c in chunks) == 25
    assert len(chunks) > 1
    again = list(boot.resampled_multiplicities(r.tally, 25, np.random.default_rng(5),
                                               max_cells=1000))
    assert all(np.array_equal(a, b) for a, b in zip(chunks, again, strict=True))


def test_alpha_bootstrap_follows_hayes_krippendorff() -> None:
    r = noisy(2000, 3, 4, 0.8, 6)
    o, delta, d_e = alpha_parts(r)
    alpha = 1 - (o * delta).sum() / o.sum() / d_e
    pairs = boot.pair_count(r.tally)
    m = r.codes >= 0
    assert pairs == sum(k * (k - 1) // 2 for k in m.sum(axis=1))
    samples = boot.alpha_replicates(o, delta, d_e, pairs, 4000, np.random.default_rng(0))
    # D_e fixed, pairs drawn from o: the replicates centre on alpha
    assert abs(samples.mean() - alpha) < 0.01
    assert samples.min() >= -1.0
    lo, hi = boot.percentile_interval(samples, 0.95)
    assert lo < alpha < hi
    # M = the number of pairs: alpha_b is 1 - (mean of M drawn distances) / D_e
    cell_sd = np.sqrt(((delta - (o * delta).sum() / o.sum()) ** 2 * o).sum() / o.sum())
    assert np.isclose(samples.std(), cell_sd / np.sqrt(pairs) / d_e, rtol=0.1)


def test_alpha_without_variation_in_a_replicate_counts_as_zero() -> None:
    o = np.array([[10.0, 0.0], [0.0, 10.0]])
    delta = 1 - np.eye(2)
    samples = boot.alpha_replicates(o, delta, 0.5, 10, 2000, np.random.default_rng(1))
    # M = 10 pairs; all on one diagonal cell with probability 2 * .5^10
    share_zero = (samples == 0).mean()
    assert set(np.unique(samples)) <= {0.0, 1.0}
    assert 0 < share_zero < 0.01


def test_probabilities_below_thresholds() -> None:
    r = noisy(400, 3, 3, 0.75, 9)
    (res,) = compute(r, ["krippendorff_alpha"], n_boot=1000, seed=1)
    assert res.p_below_667 is not None and res.p_below_800 is not None
    assert 0 <= res.p_below_667 <= res.p_below_800 <= 1
    assert res.ci is not None and res.ci[0] <= res.value <= res.ci[1]


def test_percentile_interval_ignores_undefined_replicates() -> None:
    samples = np.array([np.nan, 0.1, 0.2, 0.3, 0.4, np.nan])
    assert boot.percentile_interval(samples, 0.5) == tuple(np.quantile([.1, .2, .3, .4],
                                                                        [.25, .75]))
    assert boot.percentile_interval(np.array([np.nan]), 0.95) is None

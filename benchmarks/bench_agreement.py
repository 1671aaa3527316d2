"""Benchmark: Krippendorff's alpha (nominal) and bootstrap intervals, qcode vs references.

Run: python benchmarks/bench_agreement.py [--quick]

In one process, on random data with a fixed seed (categories 1..5, 10% of ratings missing):

1. nominal alpha on 1,000,000 units x 5 coders and on 100,000 units x 3 coders, timed from
   the same units x coders float matrix (NaN = missing) for qcode
   (``Ratings.from_matrix`` + ``krippendorff_alpha``), the ``krippendorff`` package,
   irrCAC (``CAC(...).krippendorff()``) and NLTK (``AnnotationTask.alpha``; building its
   list of (coder, unit, label) triples is not timed). NLTK is run on at most 200,000
   units; larger sizes are extrapolated linearly from two measured sizes and labelled
   "extrapolated".
2. the bootstrap: 1,000 resamples on 100,000 units x 3 coders, for alpha alone (Hayes &
   Krippendorff) and for all eight unweighted coefficients together (goal: under 3 s).

Every alpha is checked against the krippendorff package's value. Each timing is the best
of ``REPEATS`` runs.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

SEED = 20261125
REPEATS = 3
NLTK_MAX_UNITS = 200_000


def best(fn: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return min(times), value


def data(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    x = rng.integers(1, 6, size=(n, m)).astype(float)
    x[rng.random((n, m)) < 0.10] = np.nan
    return x


def qcode_alpha(x: np.ndarray) -> float:
    from qcode.agreement import Ratings, krippendorff_alpha

    return krippendorff_alpha(Ratings.from_matrix(x), "nominal")


def kripp_alpha(x: np.ndarray) -> float:
    import krippendorff

    return float(krippendorff.alpha(reliability_data=x.T, level_of_measurement="nominal"))


def irrcac_alpha(x: np.ndarray) -> float:
    import pandas as pd
    from irrCAC.raw import CAC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(CAC(pd.DataFrame(x), digits=12).krippendorff()["est"]
                     ["coefficient_value"])


def nltk_time(x: np.ndarray) -> tuple[float, float]:
    from nltk.metrics.agreement import AnnotationTask

    n, m = x.shape
    triples = [(j, i, int(x[i, j])) for i in range(n) for j in range(m)
               if not np.isnan(x[i, j])]
    t0 = time.perf_counter()
    value = AnnotationTask(data=triples).alpha()
    return time.perf_counter() - t0, value


def alpha_case(n: int, m: int, rng: np.random.Generator, quick: bool) -> None:
    x = data(n, m, rng)
    print(f"\nNominal alpha, {n:,} units x {m} coders")
    t_q, v_q = best(lambda: qcode_alpha(x))
    t_k, v_k = best(lambda: kripp_alpha(x), 1 if quick else REPEATS)
    t_i, v_i = best(lambda: irrcac_alpha(x), 1)
    assert abs(v_q - v_k) < 1e-9 and abs(v_q - v_i) < 1e-9, (v_q, v_k, v_i)
    if n <= NLTK_MAX_UNITS:
        t_n, v_n = nltk_time(x)
        assert abs(v_q - v_n) < 1e-9
        nltk_note = f"{t_n:8.3f} s"
    else:
        small, large = NLTK_MAX_UNITS // 2, NLTK_MAX_UNITS
        t_small, _ = nltk_time(x[:small])
        t_large, _ = nltk_time(x[:large])
        t_n = t_large * n / large
        nltk_note = (f"{t_n:8.3f} s  (extrapolated linearly from {large:,} units: "
                     f"{t_large:.3f} s; {small:,} units: {t_small:.3f} s)")
    print(f"  qcode        {t_q:8.3f} s   alpha = {v_q:.6f}")
    print(f"  krippendorff {t_k:8.3f} s   ratio {t_k / t_q:6.1f}x")
    print(f"  irrCAC       {t_i:8.3f} s   ratio {t_i / t_q:6.1f}x")
    print(f"  NLTK         {nltk_note}   ratio {t_n / t_q:6.1f}x")
    fastest = min(t_k, t_i, t_n)
    verdict = "met" if t_q <= fastest else "NOT met"
    print(f"  goal (qcode no slower than the fastest reference): {verdict} "
          f"({fastest / t_q:.1f}x faster than the fastest)")


def bootstrap_case(rng: np.random.Generator) -> None:
    from qcode.agreement import Ratings
    from qcode.agreement.coefficients import UNWEIGHTED, compute

    x = data(100_000, 3, rng)
    print("\nBootstrap, 1,000 resamples, 100,000 units x 3 coders")
    t_a, res_a = best(lambda: compute(Ratings.from_matrix(x), ["krippendorff_alpha"],
                                      n_boot=1000, seed=SEED))
    t_all, _ = best(lambda: compute(Ratings.from_matrix(x), UNWEIGHTED, n_boot=1000,
                                      seed=SEED))
    print(f"  alpha alone (Hayes & Krippendorff): {t_a:.3f} s  CI {res_a[0].ci}")
    print(f"  all 8 unweighted coefficients:      {t_all:.3f} s  (goal < 3 s: "
          f"{'met' if t_all < 3 else 'NOT met'})")
    # the worst case for unit resampling: every unit a distinct rating pattern
    y = rng.integers(1, 40, size=(100_000, 4)).astype(float)
    t_w, _ = best(lambda: compute(Ratings.from_matrix(y), UNWEIGHTED, n_boot=1000,
                                  seed=SEED), 1)
    print(f"  worst case, 100,000 distinct patterns (39 categories, 4 coders): {t_w:.3f} s")


def main() -> None:
    quick = "--quick" in sys.argv
    rng = np.random.default_rng(SEED)
    print(f"numpy {np.__version__}; seed {SEED}; best of {REPEATS}")
    alpha_case(1_000_000, 5, rng, quick)
    alpha_case(100_000, 3, rng, quick)
    bootstrap_case(rng)


if __name__ == "__main__":
    main()

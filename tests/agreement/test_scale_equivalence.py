"""Agreement made linear in the project (issue 19) gives exactly what it gave before:
the MASI code-set numbering and the alpha bootstrap are checked against the plain
formulations they replaced, on data with many distinct code sets."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import bootstrap as boot
from qcode.agreement.project import code_sets


def sets_by_loop(presence: np.ndarray) -> tuple[np.ndarray, tuple[frozenset, ...]]:
    """Each (coder, unit)'s set numbered in the order met, coder by coder."""
    m, n, _ = presence.shape
    index: dict[frozenset, int] = {}
    codes = np.empty((n, m), dtype=np.int64)
    for g in range(m):
        for i in range(n):
            s = frozenset(np.flatnonzero(presence[g, i]).tolist())
            codes[i, g] = index.setdefault(s, len(index))
    return codes, tuple(index)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 60), st.integers(1, 20), st.integers(0, 2**32 - 1),
       st.floats(0.0, 0.5))
def test_code_sets_numbers_sets_in_the_order_met(m, n, k, seed, share):
    presence = np.random.default_rng(seed).random((m, n, k)) < share
    codes, sets = code_sets(presence)
    want_codes, want_sets = sets_by_loop(presence)
    assert sets == want_sets
    assert codes.dtype == want_codes.dtype and np.array_equal(codes, want_codes)


def replicates_over_every_cell(o: np.ndarray, delta: np.ndarray, d_e: float, n_pairs: int,
                               n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Hayes & Krippendorff's draw over all q (q + 1) / 2 cells, zero cells included."""
    iu = np.triu_indices(o.shape[0])
    cell_p = np.where(iu[0] == iu[1], o[iu], 2.0 * o[iu]) / o.sum()
    cell_p = np.clip(cell_p, 0, None)
    cell_p /= cell_p.sum()
    m = max(1, int(n_pairs))
    draws = rng.multinomial(m, cell_p, size=n_boot)
    alphas = 1.0 - (draws @ delta[iu]) / (m * d_e)
    alphas[(draws[:, iu[0] == iu[1]] == m).any(axis=1)] = 0.0
    return np.maximum(alphas, -1.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 40), st.integers(0, 2**32 - 1), st.floats(0.02, 1.0),
       st.integers(1, 500))
def test_alpha_replicates_equal_the_draw_over_every_cell(q, seed, density, pairs):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.integers(1, 9, (q, q)) * (rng.random((q, q)) < density))
    o = (upper + upper.T).astype(float)
    o[-1, -1] = 0.0  # the last cell empty too: it still takes what is left of a draw
    if o.sum() == 0:
        o[0, 0] = 2.0
    delta = 1.0 - np.eye(q) * 1.0 + rng.random((q, q)) * 0.1
    delta = (delta + delta.T) / 2
    np.fill_diagonal(delta, 0.0)
    d_e = float((o.sum(axis=0)[:, None] * o.sum(axis=0)[None, :] * delta).sum()
                / o.sum() / max(o.sum() - 1, 1)) or 1.0
    got = boot.alpha_replicates(o, delta, d_e, pairs, 50, np.random.default_rng(seed))
    want = replicates_over_every_cell(o, delta, d_e, pairs, 50, np.random.default_rng(seed))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_alpha_replicates_memory_follows_the_cells_that_occur():
    """300 code sets, each only agreed with itself: 300 cells occur out of 45,150. The
    full draw held 1,000 x 45,150 counts (361 MB); the cells that occur need 2.4 MB."""
    import tracemalloc

    q = 300
    o = np.diag(np.arange(2.0, 2.0 + q))
    o[0, 1] = o[1, 0] = 1.0
    delta = 1.0 - np.eye(q)
    tracemalloc.start()
    try:
        samples = boot.alpha_replicates(o, delta, 0.9, 1000, 1000, np.random.default_rng(3))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert samples.shape == (1000,)
    assert peak < 40 * 2**20

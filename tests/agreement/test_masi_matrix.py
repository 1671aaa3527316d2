"""The vectorised MASI matrix equals the pairwise definition."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement.distances import masi_distance, masi_matrix

label_sets = st.lists(st.frozensets(st.sampled_from("abcdef"), max_size=4), min_size=1,
                      max_size=12)


@settings(max_examples=60, deadline=None)
@given(label_sets)
def test_masi_matrix_matches_pairwise_distance(sets: list[frozenset]) -> None:
    expected = np.array([[masi_distance(a, b) for b in sets] for a in sets])
    assert np.allclose(masi_matrix(sets), expected)


def test_masi_matrix_published_cases() -> None:
    # Passonneau (2006): identical 0, subset 1 - 1/2 * 2/3, overlap 1 - 1/3 * 1/3, disjoint 1
    sets = [frozenset("ab"), frozenset("a"), frozenset("bc"), frozenset("d")]
    m = masi_matrix(sets)
    assert m[0, 0] == 0.0
    assert np.isclose(m[0, 1], 1 - 0.5 * 2 / 3)
    assert np.isclose(m[0, 2], 1 - 1 / 3 * 1 / 3)
    assert m[0, 3] == 1.0

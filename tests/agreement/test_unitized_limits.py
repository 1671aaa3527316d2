"""Limiting cases of the unitized coefficients (Krippendorff et al. 2016): identical
unitizations give 1, independent ones about 0, and shifting one coder's units lowers
u-alpha step by step; and the bootstrap's intervals behave."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement.unitized import Coefficient, unitized_agreement
from qcode.agreement.unitized_data import Continuum, Span

CODES = ("A", "B", "C")


def random_units(rng: np.random.Generator, length: int, n: int) -> list[tuple[int, int, str]]:
    """n non-overlapping units with random lengths, gaps and codes."""
    cuts = np.sort(rng.choice(np.arange(1, length), size=2 * n, replace=False))
    return [(int(cuts[2 * i]), int(cuts[2 * i + 1]), str(rng.choice(CODES)))
            for i in range(n)]


def values(continua: list[Continuum], coders: list[str], n_boot: int = 0,
           seed: int | None = None) -> dict[str, Coefficient]:
    rep = unitized_agreement(continua, coders, n_boot=n_boot, seed=seed)
    return {c.name: c for c in rep.coefficients}


def test_identical_spans_give_one_everywhere() -> None:
    rng = np.random.default_rng(5)
    continua = []
    for d in range(4):
        units = random_units(rng, 2000, 12)
        spans = tuple(Span(who, s, e, c) for who in ("x", "y", "z") for s, e, c in units)
        continua.append(Continuum(f"D{d}", 0, 2000, spans))
    got = values(continua, ["x", "y", "z"], n_boot=200, seed=1)
    for name in ("alpha_u_2004", "u_alpha", "binary_u_alpha", "cu_alpha"):
        coef = got[name]
        assert coef.overall.value == pytest.approx(1.0), name
        assert coef.overall.ci == pytest.approx((1.0, 1.0)), name
        assert coef.overall.p_below_800 == 0.0
    for code in CODES:
        assert got["k_u_alpha"].by_code[code].value == pytest.approx(1.0)
        assert got["alpha_u_2004"].by_code[code].value == pytest.approx(1.0)


def _random_study(seed: int, n_docs: int, length: int, n_units: int) -> list[Continuum]:
    rng = np.random.default_rng(seed)
    return [Continuum(f"D{d}", 0, length, tuple(
        Span(who, s, e, c) for who in ("x", "y") for s, e, c in random_units(rng, length,
                                                                              n_units)))
        for d in range(n_docs)]


def test_independent_random_spans_give_about_zero() -> None:
    got = values(_random_study(11, 120, 1500, 8), ["x", "y"], n_boot=300, seed=2)
    for name in ("u_alpha", "binary_u_alpha", "cu_alpha"):
        coef = got[name].overall
        assert coef.value is not None and coef.ci is not None
        assert abs(coef.value) < 0.05, (name, coef.value)
        assert coef.ci[0] < 0.05 and coef.ci[1] > -0.05, (name, coef.ci)
        assert coef.p_below_667 == 1.0


def test_the_2004_alpha_of_independent_coders_nears_zero_as_units_grow() -> None:
    """Krippendorff's 2004 alpha_U is not centred on 0 when each category has few units
    per continuum (its D_e models every placement of every unit in every gap): with 8
    units per document over three codes independent coders get about -.11, with 100
    units about 0. The 2016 family, built on coincidence matrices, is near 0 throughout
    (the test above). Measured here, not taken from a source."""
    few = values(_random_study(11, 120, 1500, 8), ["x", "y"], n_boot=0)
    many = values(_random_study(11, 120, 6000, 100), ["x", "y"], n_boot=0)
    a_few = few["alpha_u_2004"].overall.value
    a_many = many["alpha_u_2004"].overall.value
    assert a_few is not None and a_many is not None
    assert -0.2 < a_few < -0.05
    assert abs(a_many) < 0.03


@st.composite
def unitization(draw: st.DrawFn) -> list[tuple[int, int, str]]:
    n = draw(st.integers(1, 8))
    pos, units = 20, []
    for _ in range(n):
        pos += draw(st.integers(40, 90))  # gaps longer than any shift: units never meet
        length = draw(st.integers(5, 40))
        units.append((pos, pos + length, draw(st.sampled_from(CODES))))
        pos += length
    return units


@settings(max_examples=40, deadline=None)
@given(unitization())
def test_shifting_one_coders_units_lowers_u_alpha_monotonically(
        units: list[tuple[int, int, str]]) -> None:
    end = units[-1][1] + 60
    previous = None
    for k in range(0, 21, 2):
        spans = tuple(Span("x", s, e, c) for s, e, c in units) + \
            tuple(Span("y", s + k, e + k, c) for s, e, c in units)
        got = values([Continuum("D", 0, end, spans)], ["x", "y"], n_boot=0)
        u = got["u_alpha"].overall.value
        binary = got["binary_u_alpha"].overall.value
        assert u is not None and binary is not None
        if previous is None:
            assert u == pytest.approx(1.0)
        else:
            assert u < previous[0] + 1e-12 and binary < previous[1] + 1e-12
            if k <= min(e - s for s, e, _ in units):
                assert u < previous[0]  # while units still overlap, every step costs
        previous = (u, binary)


def test_the_same_seed_gives_the_same_intervals() -> None:
    rng = np.random.default_rng(3)
    continua = [Continuum(f"D{d}", 0, 800, tuple(
        Span(who, s, e, c) for who in ("x", "y") for s, e, c in random_units(rng, 800, 5)))
        for d in range(6)]
    a = unitized_agreement(continua, ["x", "y"], n_boot=300, seed=9)
    b = unitized_agreement(continua, ["x", "y"], n_boot=300, seed=9)
    assert a.coefficients == b.coefficients
    assert a.resampled == "documents" and a.n_resampled == 6


def test_one_document_resamples_its_blocks() -> None:
    spans = (Span("x", 0, 10, "A"), Span("y", 2, 10, "A"), Span("x", 30, 40, "B"),
             Span("y", 30, 38, "B"), Span("x", 60, 70, "A"))
    rep = unitized_agreement([Continuum("D", 0, 100, spans)], ["x", "y"], n_boot=100, seed=1)
    # blocks: [0,10) coded, [10,30) empty, [30,40) coded, [40,60) empty, [60,70), [70,100)
    assert (rep.resampled, rep.n_resampled) == ("blocks", 6)


def test_alpha_u_2004_is_undefined_without_variation() -> None:
    # Both coders mark the whole continuum with A: one value everywhere. The 2004 formula
    # would still give cD_e > 0 (its (N_c - 1) term shifts units where there is no room)
    # and so 1.000; qcode takes cD_e = 0 and alpha_U undefined, as alpha without variation
    # is everywhere else and as the 2016 coefficients are here.
    whole = Continuum("d", 0, 10, (Span("x", 0, 10, "A"), Span("y", 0, 10, "A")))
    got = values([whole], ["x", "y"])
    for name in ("alpha_u_2004", "u_alpha", "binary_u_alpha"):
        assert got[name].overall.value is None, name
    assert got["alpha_u_2004"].overall.reason == (
        "no expected disagreement (no variation: every coder marked all of the continuum)")
    assert got["alpha_u_2004"].by_code["A"].value is None
    assert got["alpha_u_2004"].by_code["A"].reason == (
        "no expected disagreement (no variation: every coder marked all of the continuum "
        "with it)")


def test_alpha_u_2004_without_variation_adds_nothing_to_the_pooled_value() -> None:
    # d1: no variation (whole continuum A for both); d2: real disagreement on B. Pooled,
    # A still has gaps in d2, so it stays defined; d1 on its own is n/a.
    d1 = Continuum("d1", 0, 10, (Span("x", 0, 10, "A"), Span("y", 0, 10, "A")))
    d2 = Continuum("d2", 0, 40, (Span("x", 5, 15, "B"), Span("y", 8, 20, "B"),
                                 Span("x", 25, 30, "A"), Span("y", 25, 30, "A")))
    rep = unitized_agreement([d1, d2], ["x", "y"], n_boot=0)
    doc1 = {c.name: c for c in rep.per_document["d1"]}
    assert doc1["alpha_u_2004"].overall.value is None
    doc2 = {c.name: c for c in rep.per_document["d2"]}
    assert doc2["alpha_u_2004"].overall.value is not None
    assert doc2["alpha_u_2004"].overall.value < 1.0

"""The unitized coefficients from O(V) sufficient statistics equal those of the dense
V x V coincidence matrices they replaced.

``tests/data/unitized/dense_reference.json`` holds every result (pooled, per code and
value, per document, intervals) of :func:`unitized_agreement` on the data sets of
:data:`CASES`, written by the dense implementation (commit 7c022ce, before the change;
remade with ``python -m tests.agreement.test_unitized_sparse --write``, which only a
change of the data sets calls for). The data cover one coder's overlapping codes (values
``A+B``), 2 and 3 coders, one document (blocks resampled) and many (documents resampled,
each document's own blocks for its intervals), documents without spans and a code
covering the whole continuum, all with fixed seeds: the same seed must give the same
intervals (the random draws are unchanged).
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import unitized_2016 as u16
from qcode.agreement.unitized import unitized_agreement
from qcode.agreement.unitized_data import (
    GAP,
    Continuum,
    Partition,
    Span,
    block_starts,
    overlay,
)
from tests.agreement.test_unitized_published import fig_12_11
from tests.builders import DATA

REFERENCE = DATA / "unitized" / "dense_reference.json"


def random_continua(seed: int, n_docs: int, coders: tuple[str, ...], n_codes: int,
                    n_spans: int, length: int) -> list[Continuum]:
    """Documents of ``n_spans`` passages; each coder marks most of them, moving the
    boundaries by up to 3 positions, now and then with another code, and now and then
    adds an overlapping span of another code (a set value ``A+B``)."""
    rng = np.random.default_rng(seed)
    codes = [chr(ord("A") + k) for k in range(n_codes)]
    out = []
    for d in range(n_docs):
        cuts = np.sort(rng.choice(np.arange(4, length - 4), size=2 * n_spans, replace=False))
        passages = [(int(cuts[2 * i]), int(cuts[2 * i + 1]), codes[int(rng.integers(n_codes))])
                    for i in range(n_spans)]
        spans = []
        for coder in coders:
            for s, e, code in passages:
                if rng.random() < 0.1:
                    continue
                s2 = int(np.clip(s + rng.integers(-3, 4), 0, length - 1))
                e2 = int(np.clip(e + rng.integers(-3, 4), s2 + 1, length))
                if rng.random() < 0.2:
                    code = codes[int(rng.integers(n_codes))]
                spans.append(Span(coder, s2, e2, code))
                if rng.random() < 0.15:
                    mid = (s2 + e2) // 2
                    spans.append(Span(coder, mid, min(length, e2 + 2),
                                      codes[int(rng.integers(n_codes))]))
        out.append(Continuum(f"d{d}", 0, length, tuple(spans)))
    return out


def _edge_cases() -> list[Continuum]:
    whole = tuple(Span(c, 0, 50, "A") for c in ("x", "y"))
    usual = (Span("x", 5, 20, "A"), Span("x", 10, 30, "B"), Span("y", 6, 22, "A"),
             Span("y", 40, 45, "B"), Span("x", 41, 44, "B"))
    one_coder = (Span("x", 0, 10, "B"), Span("x", 20, 30, "C"))
    return [Continuum("empty", 0, 40, ()), Continuum("whole", 0, 50, whole),
            Continuum("usual", 0, 60, usual), Continuum("one coder", 0, 35, one_coder)]


#: name -> (continua, coders, keyword arguments of unitized_agreement)
CASES: dict[str, Callable[[], tuple[list[Continuum], list[str], dict[str, Any]]]] = {
    "fig_12_11 blocks": lambda: ([fig_12_11()], ["alex", "paul", "suzan"],
                                 {"n_boot": 300, "seed": 5}),
    "2 coders, 6 documents": lambda: (random_continua(1, 6, ("a", "b"), 4, 12, 300),
                                      ["a", "b"], {"n_boot": 200, "seed": 7}),
    "3 coders, 4 documents": lambda: (random_continua(2, 4, ("a", "b", "c"), 3, 10, 200),
                                      ["a", "b", "c"], {"n_boot": 150, "seed": 3}),
    "3 coders, pooled intervals": lambda: (
        random_continua(2, 4, ("a", "b", "c"), 3, 10, 200), ["a", "b", "c"],
        {"n_boot": 150, "seed": 3, "per_document_ci": False}),
    "one document, many blocks": lambda: (random_continua(3, 1, ("a", "b"), 5, 40, 2000),
                                          ["a", "b"], {"n_boot": 250, "seed": 9, "ci": 0.9}),
    "no bootstrap, 8 documents": lambda: (
        random_continua(4, 8, ("a", "b", "c"), 6, 15, 400), ["a", "b", "c"], {"n_boot": 0}),
    "edge cases": lambda: (_edge_cases(), ["x", "y"], {"n_boot": 100, "seed": 1}),
}


def _result(name: str) -> Any:
    continua, coders, kwargs = CASES[name]()
    rep = unitized_agreement(continua, coders, **kwargs)
    return json.loads(json.dumps(dataclasses.asdict(rep)))


def _same(got: Any, want: Any, where: str) -> None:
    if isinstance(want, float) and isinstance(got, float):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), where
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), where
        for k in want:
            _same(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_results_equal_the_dense_implementations(name: str) -> None:
    want = json.loads(REFERENCE.read_text(encoding="utf-8"))[name]
    _same(_result(name), want, name)


def test_the_reference_data_have_what_they_claim() -> None:
    want = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert sorted(want) == sorted(CASES)
    # sets of one coder's overlapping codes, per-document intervals, block resampling
    assert any("+" in v for c in want.values()
               for v in c["coefficients"][4]["by_code"])
    assert want["2 coders, 6 documents"]["per_document_ci"]
    assert want["one document, many blocks"]["resampled"] == "blocks"
    assert want["3 coders, 4 documents"]["resampled"] == "documents"


# ------------------------------------------------ O(V) statistics against dense matrices


@st.composite
def partitions(draw: st.DrawFn) -> list[Partition]:
    """2 or 3 coders' sections over one continuum of up to 30 positions, values 0 (gap)
    to 4; neighbouring gaps joined, as :func:`valued_partition` makes them."""
    length = draw(st.integers(1, 30))
    out = []
    for _ in range(draw(st.integers(2, 3))):
        cuts = sorted(draw(st.sets(st.integers(1, length - 1), max_size=8))) if length > 1 \
            else []
        bounds = [0, *cuts, length]
        vals = [draw(st.integers(0, 4)) for _ in range(len(cuts) + 1)]
        starts, ends, values = [], [], []
        for s, e, v in zip(bounds[:-1], bounds[1:], vals, strict=True):
            if v == GAP and values and values[-1] == GAP:
                ends[-1] = e
            else:
                starts.append(s)
                ends.append(e)
                values.append(v)
        out.append(Partition(*(np.asarray(a, dtype=np.int64) for a in (starts, ends, values))))
    return out


def _dense(parts: list[Partition], n_values: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Position by position: the coincidences o (x (m - 1)), S_c and S*_c."""
    m = len(parts)
    at = np.stack([np.repeat(p.values, p.lengths) for p in parts])
    o = np.zeros((n_values, n_values))
    for i in range(m):
        for j in range(m):
            if i != j:
                np.add.at(o, (at[i], at[j]), 1.0)
    s = np.zeros(n_values)
    star = np.zeros(n_values)
    for i, p in enumerate(parts):
        other_unit = np.delete(at, i, axis=0).max(axis=0) > 0 if m > 1 else at[i] < 0
        for a, b, v in zip(p.starts, p.ends, p.values, strict=True):
            s[v] += (b - a) ** 2 if v != GAP else b - a
            if v != GAP:
                star[v] += float(other_unit[a:b].sum()) ** 2
    return o, s, star


def _dense_alphas(o: np.ndarray, s: np.ndarray, star: np.ndarray,
                  m: int) -> tuple[float, float, float, np.ndarray]:
    """u-alpha, |u-alpha, cu-alpha and (k)u-alpha from the V x V matrices (module
    docstring of :mod:`qcode.agreement.unitized_2016`)."""
    def expected(lm: np.ndarray, sv: np.ndarray) -> np.ndarray:
        tot = lm.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.outer(lm.sum(axis=1), lm.sum(axis=0)) - np.diag(sv)) / (tot - sv.sum() / tot)

    def nominal(lm: np.ndarray, e: np.ndarray) -> float:
        with np.errstate(invalid="ignore"):
            d_e = e.sum() - np.trace(e)
        return float(1 - (lm.sum() - np.trace(lm)) / d_e) if d_e > 1e-12 else np.nan

    def collapse(x: np.ndarray) -> np.ndarray:
        return np.array([[x[0, 0], x[0, 1:].sum()], [x[1:, 0].sum(), x[1:, 1:].sum()]])

    lm = o / (m - 1)
    e = expected(lm, s)
    ls, es = lm[1:, 1:], expected(lm[1:, 1:], star[1:])
    with np.errstate(divide="ignore", invalid="ignore"):
        col = ls.sum(axis=0)
        d_o = (col - np.diag(ls)) / col
        d_e = (es.sum(axis=0) - np.diag(es)) / es.sum(axis=0)
        # e*_.k exactly 0 leaves (k)u-alpha undefined; summed here it may round off zero
        e_col = es.sum(axis=0)
        zero = np.abs(e_col) <= 1e-9 * np.abs(es).sum(axis=0)
        k = np.where((d_e > 1e-12) & (col > 0) & ~zero, 1 - d_o / d_e, np.nan)
    return nominal(lm, e), nominal(collapse(lm), collapse(e)), nominal(ls, es), k


@settings(max_examples=300, deadline=None)
@given(partitions())
def test_the_sufficient_statistics_give_the_dense_matrices_coefficients(
        parts: list[Partition]) -> None:
    m, n_values = len(parts), 5
    o, s, star = _dense(parts, n_values)
    assert (o == o.T).all()  # symmetric: column sums are row sums, l_c0 = l_0c
    blocks = block_starts(parts)
    t, s_blocks = u16.section_tallies(parts, blocks, 0)
    assert t.row.max() < len(blocks) and set(t.row) == set(range(len(blocks)))
    got = t.totals(n_values)
    assert (got[:, 0] == o.sum(axis=1)).all() and (got[:, 1] == o[0]).all()
    assert (got[:, 2] == np.diag(o)).all() and (got[:, 3] == star).all()
    assert s_blocks.sum() == s.sum()
    tallies = u16.Tallies.of(got[None], np.array([s.sum()]))
    want_u, want_b, want_cu, want_k = _dense_alphas(o, s, star, m)
    close = {"rtol": 1e-9, "atol": 1e-12, "equal_nan": True}
    assert np.allclose(u16.u_alpha(tallies, m), want_u, **close)
    assert np.allclose(u16.binary_u_alpha(tallies, m), want_b, **close)
    assert np.allclose(u16.cu_alpha(tallies, m), want_cu, **close)
    assert np.allclose(u16.k_u_alpha(tallies, m)[0], want_k, **close)
    # one code's binary statistics: value 1 against the gap
    binary = [Partition(p.starts, p.ends, (p.values == 1).astype(np.int64)) for p in parts]
    ob, sb, _ = _dense(binary, 2)
    assert ob[0, 1] == ob[1, 0]
    code = u16.code_tallies(binary, blocks, overlay(binary)).sum(axis=0)
    assert (code[:5] == [ob[0, 0], ob[0, 1], ob[1, 1], sb[0], sb[1]]).all()
    want = _dense_alphas(ob, sb, sb, m)[1]
    assert np.allclose(u16.binary_alpha(*(code[:3] / (m - 1)), code[3] + code[4]), want,
                       **close)


def _write() -> None:
    data = {name: _result(name) for name in sorted(CASES)}
    REFERENCE.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    _write()
    print(f"wrote {REFERENCE} ({Path(REFERENCE).stat().st_size:,} bytes)")

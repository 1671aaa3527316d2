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

from qcode.agreement.unitized import unitized_agreement
from qcode.agreement.unitized_data import Continuum, Span
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


def _write() -> None:
    data = {name: _result(name) for name in sorted(CASES)}
    REFERENCE.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    _write()
    print(f"wrote {REFERENCE} ({Path(REFERENCE).stat().st_size:,} bytes)")

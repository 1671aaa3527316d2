"""The batched pieces of unitized agreement give what their one-at-a-time forms give, to
the bit: chained binary partitions (every code of a document laid end to end) and the
2004 D_e of every document and code at once (including groups too large for the batched
sums, computed one by one)."""

from __future__ import annotations

import numpy as np
import pytest

from qcode.agreement.unitized_2004 import Sections2004, SectionTable, expected_disagreement
from qcode.agreement.unitized_data import binary_partition, chained_binary, merged


def random_units(rng: np.random.Generator, begin: int, end: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(int(rng.integers(0, 5)) if end > begin else 0):
        a = int(rng.integers(begin, end))
        out.append((a, int(rng.integers(a + 1, end + 1))))
    return merged(out)


@pytest.mark.parametrize("seed", range(4))
def test_chained_binary_is_binary_partitions_end_to_end(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(300):
        begin = int(rng.integers(0, 5))
        length = int(rng.integers(0, 30))
        lists = [random_units(rng, begin, begin + length)
                 for _ in range(int(rng.integers(1, 5)))]
        got, which = chained_binary(lists, begin, begin + length)
        parts = [binary_partition(u, begin, begin + length) for u in lists]
        for f in ("starts", "ends"):
            want = np.concatenate([getattr(p, f) + j * length for j, p in enumerate(parts)])
            assert getattr(got, f).tolist() == want.tolist()
        assert got.values.tolist() == np.concatenate([p.values for p in parts]).tolist()
        assert which.tolist() == [j for j, p in enumerate(parts) for _ in p.starts]


def table_of(docs: list[list[list[list[tuple[int, int]]]]], lengths: list[int]
             ) -> tuple[SectionTable, list[list[Sections2004]]]:
    """docs[d][code][coder]: units; the table and each (document, code)'s Sections2004."""
    tables: list[SectionTable] = []
    secs: list[list[Sections2004]] = []
    for d, (codes, length) in enumerate(zip(docs, lengths, strict=True)):
        secs.append([])
        for k, coders in enumerate(codes):
            sec = Sections2004([], [])
            parts = [binary_partition(u, 0, length) for u in coders]
            sec.add(parts)
            secs[d].append(sec)
            for i, p in enumerate(parts):
                n = len(p.starts)
                tables.append(SectionTable(np.full(n, d), np.full(n, i), np.full(n, k),
                                           p.lengths, p.values != 0))
    return SectionTable.joined(tables), secs


def same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b


@pytest.mark.parametrize("scale", [1, 10**6])
def test_expected_disagreement_of_every_document_at_once(scale: int) -> None:
    """``scale``: lengths so large that every group is computed one by one."""
    rng = np.random.default_rng(7)
    m, n_codes = 2, 3
    lengths = [int(rng.integers(1, 40)) * scale for _ in range(25)]
    docs = [[[[(a * scale, b * scale) for a, b in random_units(rng, 0, n // scale)]
              for _ in range(m)] for _ in range(n_codes)] for n in lengths]
    docs[0][0] = [[(0, lengths[0])]] * m  # no variation: each coder one unit, no gap
    table, secs = table_of(docs, lengths)
    got = table.by_continuum(m, np.array(lengths), n_codes)
    for d, length in enumerate(lengths):
        for k in range(n_codes):
            assert same(got[d, k], expected_disagreement(secs[d][k], m, length))
    for k in range(n_codes):
        pooled = Sections2004([], [])
        for d in range(len(lengths)):
            pooled.units += secs[d][k].units
            pooled.gaps += secs[d][k].gaps
        assert same(table.pooled(k, m, sum(lengths)),
                    expected_disagreement(pooled, m, sum(lengths)))

"""Every row's rating patterns counted at once from the presence array (issue 19) give
exactly the tallies, coefficients, intervals and prevalences of counting each row's own
units x coders matrix, for every --by and with the bootstrap; MASI's tally no longer
builds its patterns x code-sets count matrix; the alpha bootstrap drawn in blocks gives the
replicates of one draw."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement import bootstrap as boot
from qcode.agreement.alpha import alpha_parts
from qcode.agreement.coefficients import compute
from qcode.agreement.project import BINARY, code_sets, project_agreement
from qcode.agreement.ratings import Ratings
from qcode.agreement.row_tallies import pattern_keys, tally_of_keys, tally_of_matrix
from qcode.agreement.tally import UnitTally
from qcode.models import Code, Codebook, Coding, Level, Theme


def same_tally(a: UnitTally, b: UnitTally) -> None:
    for name in ("patterns", "multiplicity", "counts", "rated"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), name
    assert a.q == b.q


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(0, 80), st.integers(1, 6), st.integers(0, 2**32 - 1),
       st.floats(0.0, 1.0))
def test_keyed_tallies_equal_the_tallies_of_each_rows_codes(m, n, k, seed, share):
    presence = np.random.default_rng(seed).random((m, n, k)) < share
    keys = pattern_keys(presence)
    assert keys is not None
    for col in range(k):
        x = presence[:, :, col].T
        want = UnitTally.from_codes(x.astype(np.int64), 2)
        same_tally(tally_of_keys(keys[:, col], m), want)
        same_tally(tally_of_matrix(x), want)


def test_more_coders_than_a_key_holds_are_counted_from_the_codes() -> None:
    presence = np.random.default_rng(3).random((17, 50, 2)) < 0.3
    assert pattern_keys(presence) is None
    x = presence[:, :, 1].T
    same_tally(tally_of_matrix(x), UnitTally.from_codes(x.astype(np.int64), 2))


CB = Codebook(
    themes=(Theme(id="T1", name="One"), Theme(id="T2", name="Two"),
            Theme(id="T3", name="Empty")),
    levels=(Level(id="micro", name="Micro"), Level(id="macro", name="Macro")),
    codes=tuple(Code(id=f"C{i}", name=f"Code {i}", theme=f"T{1 + i % 2}",
                     level=("micro", "macro")[i % 2]) for i in range(6)))


def random_project(seed: int, m: int) -> tuple[dict, dict, dict]:
    rng = np.random.default_rng(seed)
    segments = {f"D{d}": [f"D{d}:{s:04d}" for s in range(1, int(rng.integers(1, 12)))]
                for d in range(4)}
    coders = [f"c{g}" for g in range(m)]
    codings = {}
    for g, coder in enumerate(coders):
        rows = []
        for segs in segments.values():
            for seg in segs:
                for code in CB.codes[:5]:  # C5 is never applied
                    if rng.random() < 0.15 + 0.1 * g:
                        rows.append(Coding(coder=coder, doc=seg.split(":")[0], segment=seg,
                                           code=code.id, start=0, end=1, quote=""))
        codings[coder] = rows
    return segments, codings, {c: set(segments) for c in coders}


def rows_one_by_one(rep, segments, codings, by: str, n_boot: int, seed: int):  # type: ignore[no-untyped-def]
    """The rows as before: each row's matrix as int64 codes, counted on its own."""
    coders = list(rep.coders)
    units = [(d, s) for d in rep.documents for s in segments[d]]
    code_ids = [c.id for c in CB.codes]
    presence = np.zeros((len(coders), len(units), len(code_ids)), dtype=bool)
    where = {u: i for i, u in enumerate(units)}
    for g, coder in enumerate(coders):
        for c in codings[coder]:
            presence[g, where[(c.doc, c.segment)], code_ids.index(c.code)] = True
    if by == "code":
        mats = [presence[:, :, k].T for k in range(len(code_ids))]
    elif by in ("theme", "level"):
        facets = CB.themes if by == "theme" else CB.levels
        mats = []
        for f in facets:
            cols = [k for k, c in enumerate(CB.codes) if (c.theme if by == "theme"
                                                           else c.level) == f.id]
            mats.append(presence[:, :, cols].any(axis=2).T if cols else
                        np.zeros((len(units), len(coders)), dtype=bool))
    else:
        doc_of = np.array([d for d, _ in units])
        mats = [presence[:, np.flatnonzero(doc_of == d), :].reshape(len(coders), -1).T
                for d in rep.documents]
    child = np.random.SeedSequence(seed).spawn(len(mats) + 1)
    out = []
    for x, s in zip(mats, child[:-1], strict=True):
        prevalence = float(x.mean()) if x.size else 0.0
        if not x.any():
            out.append((prevalence, None))
            continue
        ratings = Ratings(x.astype(np.int64), BINARY, tuple(coders), None,
                          np.array([0.0, 1.0]))
        out.append((prevalence, compute(ratings, rep.metrics, ci=0.9, n_boot=n_boot,
                                        seed=np.random.default_rng(s))))
    return out


@pytest.mark.parametrize("by", ["code", "theme", "level", "document"])
@pytest.mark.parametrize(("seed", "m", "n_boot"), [(1, 2, 0), (2, 3, 40), (3, 2, 40),
                                                   (4, 4, 0)])
def test_project_rows_equal_rows_counted_one_by_one(by, seed, m, n_boot) -> None:  # type: ignore[no-untyped-def]
    segments, codings, done = random_project(seed, m)
    rep = project_agreement(segments, codings, done, CB, by=by, ci=0.9, n_boot=n_boot,
                            seed=seed)
    want = rows_one_by_one(rep, segments, codings, by, n_boot, seed)
    assert len(rep.rows) == len(want)
    for row, (prevalence, results) in zip(rep.rows, want, strict=True):
        assert row.prevalence == prevalence  # exactly: x.mean()
        if results is None:
            assert row.note == "no coder applied it"
        else:
            assert list(row.coefficients) == results


def test_masi_tally_leaves_its_count_matrix_uncounted() -> None:
    presence = np.random.default_rng(5).random((2, 300, 12)) < 0.2
    codes, sets = code_sets(presence)
    ratings = Ratings(codes, sets, ("a", "b"))
    compute(ratings, ["krippendorff_alpha"], level="masi")
    assert "counts" not in ratings.tally.__dict__  # P x q floats alpha never reads
    assert np.array_equal(ratings.tally.rated, ratings.tally.counts.sum(axis=1))


def one_draw_replicates(o: np.ndarray, delta: np.ndarray, d_e: float, n_pairs: int,
                        n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """The alpha bootstrap as it was: one integer draw of every replicate at once."""
    iu = np.triu_indices(o.shape[0])
    cell_p = np.where(iu[0] == iu[1], o[iu], 2.0 * o[iu]) / o.sum()
    cell_p = np.clip(cell_p, 0, None)
    cell_p /= cell_p.sum()
    keep = cell_p > 0
    keep[-1] = True
    cell_p, cell_d, diagonal = cell_p[keep], delta[iu][keep], (iu[0] == iu[1])[keep]
    draws = rng.multinomial(n_pairs, cell_p, size=n_boot)
    alphas = 1.0 - (draws @ cell_d) / (n_pairs * d_e)
    alphas[(draws[:, diagonal] == n_pairs).any(axis=1)] = 0.0
    return np.maximum(alphas, -1.0)


@pytest.mark.parametrize("block", [1, 7, 64, 1000])
def test_alpha_replicates_drawn_in_blocks_equal_one_draw(monkeypatch, block) -> None:  # type: ignore[no-untyped-def]
    presence = np.random.default_rng(11).random((3, 400, 9)) < 0.25
    codes, sets = code_sets(presence)
    o, delta, d_e = alpha_parts(Ratings(codes, sets, ("a", "b", "c")), "masi")
    cells = int((np.triu(o) > 0).sum()) + 1
    monkeypatch.setattr(boot, "_CHUNK_CELLS", block * cells)
    got = boot.alpha_replicates(o, delta, d_e, 600, 300, np.random.default_rng(4))
    want = one_draw_replicates(o, delta, d_e, 600, 300, np.random.default_rng(4))
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_chance_corrected_marks_chance_one_as_isclose_does() -> None:
    from qcode.agreement.observed import chance_corrected

    near = 1.0 + np.array([0.0, 1e-5, 1.0001e-5, 1.002e-5, -1e-5, -1.002e-5, 1e-9, 0.5, -2.0])
    p_e = np.concatenate([near, [np.nan, np.inf, -np.inf, 0.0]])
    p_a = np.linspace(0.1, 0.9, p_e.size)
    got = chance_corrected(p_a, p_e)
    with np.errstate(invalid="ignore", divide="ignore"):
        want = np.where(np.isclose(p_e, 1.0), np.nan, (p_a - p_e) / (1.0 - p_e))
    assert np.array_equal(got, want, equal_nan=True)
    for one in p_e:  # and on a scalar, as the point estimate passes it
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(np.isclose(one, 1.0), np.nan, (0.5 - one) / (1.0 - one))
        assert np.array_equal(chance_corrected(np.float64(0.5), one), w, equal_nan=True)

"""Project mode as a pure function: units are all segments of documents everyone finished."""

from __future__ import annotations

import numpy as np
import pytest

from qcode.agreement import Ratings, cohen_kappa, fleiss_kappa, krippendorff_alpha
from qcode.agreement.project import code_sets, project_agreement
from qcode.errors import InsufficientDataError, NotFoundError, UsageError
from qcode.models import Code, Codebook, Coding, Level, Theme

CB = Codebook(
    themes=(Theme(id="GOV", name="Governance"), Theme(id="ECO", name="Economy")),
    levels=(Level(id="micro", name="Micro"), Level(id="macro", name="Macro")),
    codes=(Code(id="G1", name="Strategy", theme="GOV", level="macro"),
           Code(id="G2", name="Leadership", theme="GOV", level="micro"),
           Code(id="E1", name="Funding", theme="ECO", level="macro"),
           Code(id="E2", name="Unused", theme="ECO", level="micro")))

SEGMENTS = {"D1": [f"D1:{i:04d}" for i in range(1, 9)],
            "D2": [f"D2:{i:04d}" for i in range(1, 5)],
            "D3": ["D3:0001", "D3:0002"]}


def coding(coder: str, seg: str, code: str) -> Coding:
    return Coding(coder=coder, doc=seg.split(":")[0], segment=seg, code=code, start=0,
                  end=1, quote="")


def codings(spec: dict[str, list[tuple[str, str]]]) -> dict[str, list[Coding]]:
    return {coder: [coding(coder, s, c) for s, c in pairs] for coder, pairs in spec.items()}


CODINGS = codings({
    "ingrid": [("D1:0001", "G1"), ("D1:0002", "G1"), ("D1:0003", "E1"), ("D2:0001", "G2"),
               ("D1:0001", "G2"), ("D3:0001", "G1")],
    "ola": [("D1:0001", "G1"), ("D1:0003", "E1"), ("D1:0004", "E1"), ("D2:0001", "G2"),
            ("D2:0002", "G1")],
})
DONE = {"ingrid": {"D1", "D2", "D3"}, "ola": {"D1", "D2"}}


def run(**kw):  # type: ignore[no-untyped-def]
    kw.setdefault("n_boot", 0)
    return project_agreement(SEGMENTS, CODINGS, DONE, CB, **kw)


def presence(coder: str, code: str, segs: list[str]) -> list[int]:
    have = {(c.segment) for c in CODINGS[coder] if c.code == code}
    return [int(s in have) for s in segs]


def test_units_include_uncoded_segments_of_documents_both_finished() -> None:
    rep = run()
    assert rep.documents == ("D1", "D2")  # D3 is finished by ingrid only
    assert rep.n_units == 12
    segs = SEGMENTS["D1"] + SEGMENTS["D2"]
    x = np.array([presence("ingrid", "G1", segs), presence("ola", "G1", segs)]).T
    expected = cohen_kappa(Ratings(x, ("absent", "present"), ("ingrid", "ola")))
    g1 = next(r for r in rep.rows if r.id == "G1")
    assert g1.n_units == 12
    assert g1.prevalence == pytest.approx(x.mean())
    values = {c.name: c.value for c in g1.coefficients}
    assert values["cohen_kappa"] == pytest.approx(expected)
    assert values["percent_agreement"] == pytest.approx((x[:, 0] == x[:, 1]).mean())
    assert rep.metrics == ("percent_agreement", "cohen_kappa", "gwet_ac1",
                           "krippendorff_alpha")


def test_unused_code_has_no_values_and_is_left_out_of_the_mean() -> None:
    rep = run()
    e2 = next(r for r in rep.rows if r.id == "E2")
    assert e2.note == "no coder applied it" and e2.prevalence == 0
    assert all(c.value is None for c in e2.coefficients)
    used = [next(c.value for c in r.coefficients if c.name == "krippendorff_alpha")
            for r in rep.rows if r.id != "E2"]
    assert rep.mean_per_code["krippendorff_alpha"] == pytest.approx(np.mean(used))


def test_overall_alpha_is_masi_over_each_coders_code_sets() -> None:
    rep = run()
    segs = SEGMENTS["D1"] + SEGMENTS["D2"]
    sets = {c: [frozenset(x.code for x in CODINGS[c] if x.segment == s) for s in segs]
            for c in ("ingrid", "ola")}
    matrix = np.empty((len(segs), 2), dtype=object)
    for j, c in enumerate(("ingrid", "ola")):
        for i, s in enumerate(sets[c]):
            matrix[i, j] = s
    expected = krippendorff_alpha(Ratings.from_matrix(matrix), "masi")
    assert rep.masi_alpha.value == pytest.approx(expected)


def test_by_theme_level_and_document() -> None:
    theme = run(by="theme")
    assert [r.id for r in theme.rows] == ["GOV", "ECO"]
    segs = SEGMENTS["D1"] + SEGMENTS["D2"]
    gov = np.array([[max(presence(c, "G1", segs)[i], presence(c, "G2", segs)[i])
                     for c in ("ingrid", "ola")] for i in range(len(segs))])
    assert theme.rows[0].prevalence == pytest.approx(gov.mean())
    level = run(by="level")
    assert [r.id for r in level.rows] == ["micro", "macro"]
    doc = run(by="document")
    assert [r.id for r in doc.rows] == ["D1", "D2"]
    assert doc.rows[0].n_units == 8 * 4 and doc.rows[1].n_units == 4 * 4
    # the overall mean is always over codes, whatever the rows
    assert doc.mean_per_code == run().mean_per_code


def test_default_coders_and_a_consensus_coder_is_a_coder_like_any_other() -> None:
    cod = {**CODINGS, **codings({"consensus": [("D1:0001", "G1")], "idle": []})}
    done = {**DONE, "consensus": {"D1", "D2"}, "idle": set()}
    rep = project_agreement(SEGMENTS, cod, done, CB, n_boot=0)
    assert rep.coders == ("ingrid", "ola", "consensus")
    assert "fleiss_kappa" in rep.metrics
    g1 = next(r for r in rep.rows if r.id == "G1")
    segs = SEGMENTS["D1"] + SEGMENTS["D2"]
    x = np.array([presence("ingrid", "G1", segs), presence("ola", "G1", segs),
                  [int(s == "D1:0001") for s in segs]]).T
    value = next(c.value for c in g1.coefficients if c.name == "fleiss_kappa")
    assert value == pytest.approx(fleiss_kappa(Ratings(x, ("absent", "present"),
                                                       ("a", "b", "c"))))


def test_seed_reproduces_intervals() -> None:
    a = run(n_boot=200, seed=4)
    b = run(n_boot=200, seed=4)
    assert a == b
    assert a.masi_alpha.ci is not None
    assert all(c.ci is not None for r in a.rows if r.note is None for c in r.coefficients)


def test_errors_name_what_is_missing() -> None:
    with pytest.raises(NotFoundError) as e:
        run(coders=["ingrid", "olaa"])
    assert e.value.message == "no coder 'olaa' in this project"
    assert e.value.hint == "did you mean ola?"
    with pytest.raises(InsufficientDataError) as e:
        project_agreement(SEGMENTS, CODINGS, {"ingrid": {"D1"}, "ola": set()}, CB)
    assert e.value.message == ("agreement needs at least 2 coders who completed documents "
                               "(found: ingrid)")
    with pytest.raises(InsufficientDataError) as e:
        project_agreement(SEGMENTS, CODINGS, {"ingrid": {"D1"}, "ola": {"D2"}}, CB)
    assert e.value.message == ("no document is marked complete by every selected coder "
                               "(ingrid, ola)")
    with pytest.raises(UsageError) as e:
        run(metrics=["krippendorf_alpha"])
    assert e.value.message.startswith("unknown metric 'krippendorf_alpha' for project "
                                      "agreement")
    assert e.value.hint is not None and "krippendorff_alpha" in e.value.hint


def test_code_sets_builds_one_category_per_distinct_set() -> None:
    p = np.zeros((2, 3, 2), dtype=bool)
    p[0, 0, 0] = p[1, 0, 0] = p[1, 1, 1] = True
    codes, sets = code_sets(p)
    assert sets == (frozenset({0}), frozenset(), frozenset({1}))
    assert codes.tolist() == [[0, 0], [1, 2], [1, 1]]


def test_progress_is_reported_up_to_the_total() -> None:
    calls: list[tuple[int, int]] = []
    run(by="theme", n_boot=20, seed=1,
        progress=lambda done, total: calls.append((done, total)))
    # two theme rows, four per-code rows for the means, and the overall MASI alpha
    assert calls[-1] == (7, 7)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

"""Per-document intervals of unitized agreement (each document's own blocks resampled),
the batched summaries, ``--no-doc-intervals``, and golden files of every format of
``qcode agree --spans`` (the terminal at 80 columns, Markdown, CSV, JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qcode.agreement.unitized import unitized_agreement
from qcode.agreement.unitized_boot import Units, Value, draw_within, summaries, summarise
from qcode.agreement.unitized_data import Continuum, Span
from qcode.agreement.unitized_sparse import Triplets
from qcode.coding import store
from qcode.errors import ExitCode
from tests.builders import DATA, build_known
from tests.golden import check_golden, terminal

SPANS = ("coder,start,end,code,doc\n"
         "ana,10,20,A,d1\nbo,12,20,A,d1\nana,40,50,B,d1\nbo,40,52,B,d1\n"
         "ana,5,15,A,d2\nbo,5,15,A,d2\nana,30,44,B,d2\nbo,31,44,A,d2\n")
SEED = ["--seed", "4", "--bootstrap", "200"]


def _same(doc: str) -> Continuum:
    """Two coders marking the same four units: perfect agreement in every block."""
    units = [(10, 30, "A"), (50, 60, "B"), (80, 95, "A"), (120, 140, "B")]
    return Continuum(doc, 0, 160, tuple(Span(c, s, e, k) for c in ("x", "y")
                                        for s, e, k in units))


def _unsure(doc: str) -> Continuum:
    """Units that agree in some blocks and not in others."""
    x = [(10, 30, "A"), (50, 60, "B"), (80, 95, "A"), (120, 140, "B"), (150, 170, "A")]
    y = [(14, 30, "A"), (50, 58, "A"), (80, 95, "A"), (110, 140, "B"), (160, 175, "B")]
    return Continuum(doc, 0, 200, tuple([Span("x", *u) for u in x] +
                                        [Span("y", *u) for u in y]))


def _blocks(n: int) -> Units:
    """A document of n blocks of length 1, block b with b in the row sum of value 1."""
    w = np.zeros((n, 4))
    w[:, 0] = np.arange(n)
    return Units(Triplets(np.arange(n), np.ones(n, dtype=np.int64), w), 2, np.ones(n),
                 np.zeros((n, 0, 6)), np.ones(n))


def test_a_document_resamples_as_many_of_its_blocks_as_it_has() -> None:
    got = draw_within(_blocks(5), 2, 200, np.random.default_rng(2))
    assert (got.length == 5).all()  # as many blocks as the document has
    # which blocks are drawn varies: sums of the block numbers 0..4, five at a time
    sums = got.tallies.rows[:, 1]
    assert len(np.unique(sums)) > 5 and sums.min() >= 0 and sums.max() <= 5 * 4
    assert (got.tallies.rows[:, 0] == 0).all()


def test_batched_summaries_equal_one_at_a_time() -> None:
    rng = np.random.default_rng(5)
    samples = rng.normal(0.7, 0.1, size=(4, 300, 3))
    samples[1, :40, 0] = np.nan
    samples[2, :, 1] = np.nan  # no defined replicate: no interval
    got = summaries(samples, 0.9)
    for i in range(4):
        for k in range(3):
            one = summarise(Value(0.7), samples[i, :, k], 0.9)
            batched = got.value(Value(0.7), (i, k))
            assert batched == one
    assert got.value(Value(0.7), (2, 1)).ci is None
    assert got.value(Value(None, "why"), (0, 0)) == Value(None, "why")


def test_per_document_intervals_are_each_documents_own() -> None:
    rep = unitized_agreement([_same("same"), _unsure("unsure")], ["x", "y"], n_boot=400,
                             seed=3)
    assert rep.per_document_ci
    same = {c.name: c for c in rep.per_document["same"]}
    unsure = {c.name: c for c in rep.per_document["unsure"]}
    for name in ("alpha_u_2004", "u_alpha", "binary_u_alpha", "cu_alpha"):
        v = same[name].overall
        assert (v.value, v.ci, v.p_below_667, v.p_below_800) == (1.0, (1.0, 1.0), 0.0, 0.0)
    u = unsure["u_alpha"].overall
    assert u.value is not None and u.ci is not None
    assert u.ci[0] < u.value < 1.0 and u.ci[0] < u.ci[1]
    assert u.p_below_800 is not None and u.p_below_800 > 0
    # by code too
    a = unsure["u_alpha"].by_code["A"]
    assert a.ci is not None and a.p_below_667 is not None
    # the pooled figures do not depend on whether the documents get intervals
    alone = unitized_agreement([_same("same"), _unsure("unsure")], ["x", "y"], n_boot=400,
                               seed=3, per_document_ci=False)
    assert alone.coefficients == rep.coefficients
    assert not alone.per_document_ci
    assert alone.per_document["unsure"][1].overall.ci is None
    assert alone.per_document["unsure"][1].overall.value == u.value


@pytest.fixture
def spans_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    path = tmp_path / "spans.csv"
    path.write_text(SPANS, encoding="utf-8")
    return str(path)


def test_json_per_document_entries_have_intervals(invoke: Callable[..., Any],
                                                  spans_file: str) -> None:
    result = invoke("agree", "--spans", spans_file, "--format", "json", *SEED)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["per_document_ci"] is True
    for doc in ("d1", "d2"):
        coefs = out["per_document"][doc]["coefficients"]
        assert list(coefs) == list(out["coefficients"])
        for name, entry in coefs.items():
            assert list(entry) == list(out["coefficients"][name])
        u = coefs["u_alpha"]
        assert u["ci"][0] <= u["ci"][1]
        assert u["p_below_667"] is not None
    off = json.loads(invoke("agree", "--spans", spans_file, "--format", "json",
                            "--no-doc-intervals", *SEED).stdout)
    assert off["per_document_ci"] is False
    assert off["per_document"]["d1"]["coefficients"]["u_alpha"]["ci"] is None
    assert off["coefficients"] == out["coefficients"]


def test_no_doc_intervals_outside_unitized_is_refused(invoke: Callable[..., Any]) -> None:
    result = invoke("agree", "--ratings", str(DATA / "agreement" / "fleiss1971.csv"),
                    "--no-doc-intervals")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[0] == (
        "Error: --no-doc-intervals applies to unitized agreement (--spans, --unitized) only")


def test_terminal_table_at_80_columns(invoke: Callable[..., Any], spans_file: str) -> None:
    result = invoke("agree", "--spans", spans_file, *SEED)
    assert result.exit_code == 0, result.output
    text = terminal(result.stdout)
    assert max(len(line) for line in text.splitlines()) <= 80
    check_golden("agreement/unitized.txt", text)


@pytest.mark.parametrize(("args", "name"), [
    (["--format", "md"], "unitized.md"), (["--format", "csv"], "unitized.csv"),
    (["--format", "json"], "unitized.json"),
    (["--format", "md", "--no-doc-intervals"], "unitized-no-doc-intervals.md"),
    (["--format", "md", "--bootstrap", "0"], "unitized-no-bootstrap.md")])
def test_formats(invoke: Callable[..., Any], spans_file: str, args: list[str],
                 name: str) -> None:
    result = invoke("agree", "--spans", spans_file, *SEED, *args)
    assert result.exit_code == 0, result.output
    check_golden(f"agreement/{name}", result.stdout)


def test_markdown_names_every_null_with_its_reason(invoke: Callable[..., Any],
                                                   tmp_path: Path) -> None:
    path = tmp_path / "same.csv"
    path.write_text("coder,start,end,code,doc\nana,0,10,A,d1\nbo,0,10,A,d1\n"
                    "ana,0,5,A,d2\nbo,0,5,A,d2\nana,5,9,B,d2\nbo,5,9,B,d2\n", encoding="utf-8")
    result = invoke("agree", "--spans", str(path), "--format", "md", "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert ("u-alpha of document d1: n/a, no expected disagreement (every position has the "
            "same value for everyone).") in lines
    # alpha_U 2004 is n/a there too: no variation, not 1.000 (unitized_2004, "No variation")
    assert "| d1 | n/a | n/a | n/a | n/a |" in lines
    assert ("alpha\\_U 2004 of document d1: n/a, no expected disagreement (no variation: "
            "every coder marked all of the continuum).") in lines


def test_project_mode_table_at_80_columns(invoke: Callable[..., Any], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    project = build_known(tmp_path / "known", coders=("ana", "bo"), done=True)
    doc = project.load_document("D1")
    seg = doc.segments[0]
    store.add_span(project, "bo", doc, seg.start + 2, seg.start + 9,
                   [project.codebook.codes[0].id])
    result = invoke("--project", str(project.root), "agree", "--unitized", "--seed", "2",
                    "--bootstrap", "100")
    assert result.exit_code == 0, result.output
    text = terminal(result.stdout)
    assert max(len(line) for line in text.splitlines()) <= 80
    check_golden("agreement/unitized-project.txt", text)


def _jittered(doc: str, seed: int) -> Continuum:
    """40 units of coder x; y moves each boundary by up to 5 positions and recodes some."""
    rng = np.random.default_rng(seed)
    spans = []
    for i in range(40):
        s, e = 100 * i + 10, 100 * i + 60
        code = "AB"[i % 2]
        spans.append(Span("x", s, e, code))
        if rng.random() < 0.9:
            other = code if rng.random() < 0.8 else "AB"[(i + 1) % 2]
            spans.append(Span("y", s + int(rng.integers(-5, 6)), e + int(rng.integers(-5, 6)),
                              other))
    return Continuum(doc, 0, 4000, tuple(spans))


def test_a_documents_interval_is_that_of_the_document_studied_alone() -> None:
    """The per-document replicates (uniform block indices, batched) follow the same
    distribution as the one-document study's (multinomial draws of its blocks): with
    4,000 resamples each, the intervals and probabilities agree to sampling noise."""
    docs = [_jittered("p", 1), _jittered("q", 2)]
    rep = unitized_agreement(docs, ["x", "y"], n_boot=4000, seed=5)
    for d in docs:
        alone = {c.name: c.overall for c in
                 unitized_agreement([d], ["x", "y"], n_boot=4000, seed=9).coefficients}
        for c in rep.per_document[d.doc]:
            if c.name == "k_u_alpha":
                continue
            mine, theirs = c.overall, alone[c.name]
            assert mine.value == theirs.value
            assert mine.ci is not None and theirs.ci is not None
            assert abs(mine.ci[0] - theirs.ci[0]) < 0.03, (d.doc, c.name)
            assert abs(mine.ci[1] - theirs.ci[1]) < 0.03, (d.doc, c.name)
            assert mine.p_below_800 is not None and theirs.p_below_800 is not None
            assert abs(mine.p_below_800 - theirs.p_below_800) < 0.04, (d.doc, c.name)


def test_batched_quantiles_equal_numpys_to_the_bit() -> None:
    rng = np.random.default_rng(8)
    samples = rng.normal(0.5, 0.3, size=(3, 257, 40))
    gaps = rng.random(samples.shape) < rng.random((3, 1, 40))  # 0 to all undefined
    samples[gaps] = np.nan
    samples[0, :, 0] = 0.25  # ties
    got = summaries(samples, 0.95)
    for i in range(3):
        for k in range(40):
            ok = samples[i, :, k][~np.isnan(samples[i, :, k])]
            if ok.size == 0:
                assert np.isnan(got.low[i, k]) and np.isnan(got.high[i, k])
                continue
            lo, hi = np.quantile(ok, [(1 - 0.95) / 2, (1 + 0.95) / 2])
            assert (got.low[i, k], got.high[i, k]) == (lo, hi)

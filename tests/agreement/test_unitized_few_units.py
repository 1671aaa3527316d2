"""The note on intervals resting on few resampled units (fewer than ``FEW_UNITS``
documents pooled, or blocks of one document): when it appears, what it names, and the
count behind it in JSON and CSV."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qcode.agreement.unitized import unitized_agreement
from qcode.agreement.unitized_boot import FEW_UNITS
from qcode.agreement.unitized_data import Continuum, Span
from qcode.agreement.unitized_table import few_units_note, legend

NOTE = f"Intervals resting on fewer than {FEW_UNITS} resampled units: "


def _doc(name: str, n_units: int, shift: int = 0) -> Continuum:
    """Two coders, ``n_units`` units 10 apart (one coder's shifted by ``shift``): 2n + 1
    blocks (units and the uncoded stretches around them)."""
    spans = []
    for k in range(n_units):
        spans += [Span("x", 10 + 20 * k, 20 + 20 * k, "A"),
                  Span("y", 10 + 20 * k + shift, 20 + 20 * k, "A")]
    return Continuum(name, 0, 20 * n_units + 10, tuple(spans))


def test_enough_documents_and_blocks_give_no_note() -> None:
    rep = unitized_agreement([_doc(f"D{i}", 5, i % 3) for i in range(FEW_UNITS)],
                             ["x", "y"], n_boot=50, seed=1)
    assert rep.n_resampled == FEW_UNITS
    assert set(rep.blocks.values()) == {11}
    assert few_units_note(rep) == []
    assert not any(line.startswith(NOTE) for line in legend(rep))


def test_few_documents_and_few_blocks_are_named() -> None:
    rep = unitized_agreement([_doc("D1", 5, 1), _doc("D2", 2, 2), _doc("D3", 1, 3)],
                             ["x", "y"], n_boot=50, seed=1)
    assert rep.blocks == {"D1": 11, "D2": 5, "D3": 3}
    (line,) = few_units_note(rep)
    assert line.startswith(NOTE + "the pooled ones (3 documents); documents D2 (5 blocks), "
                           "D3 (3 blocks). A percentile bootstrap")
    assert line in legend(rep)
    assert "Efron & Tibshirani 1993" in line


def test_one_document_names_its_blocks_and_more_than_five_are_counted() -> None:
    one = unitized_agreement([_doc("D1", 2, 1)], ["x", "y"], n_boot=50, seed=1)
    assert (one.resampled, one.n_resampled) == ("blocks", 5)
    assert few_units_note(one)[0].startswith(NOTE + "the pooled ones (5 blocks). ")
    many = unitized_agreement([_doc(f"D{i}", 1, 1) for i in range(12)], ["x", "y"],
                              n_boot=50, seed=1)
    assert few_units_note(many)[0].startswith(
        NOTE + "documents D0 (3 blocks), D1 (3 blocks), D2 (3 blocks), D3 (3 blocks), "
        "D4 (3 blocks) and 7 more. ")


def test_no_bootstrap_or_no_document_intervals_say_nothing_of_documents() -> None:
    docs = [_doc("D1", 2, 1), _doc("D2", 2, 2)]
    assert few_units_note(unitized_agreement(docs, ["x", "y"], n_boot=0)) == []
    pooled_only = unitized_agreement(docs, ["x", "y"], n_boot=50, seed=1,
                                     per_document_ci=False)
    assert few_units_note(pooled_only)[0].startswith(NOTE + "the pooled ones (2 documents). ")


def test_json_and_csv_carry_the_count(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    path.write_text("coder,start,end,code,doc\nana,10,20,A,d1\nbo,12,20,A,d1\n"
                    "ana,5,15,A,d2\nbo,5,15,A,d2\nana,30,44,A,d2\nbo,31,44,A,d2\n",
                    encoding="utf-8")
    args = ("agree", "--spans", str(path), "--continuum", "0-60", "--seed", "2",
            "--bootstrap", "50")
    out = json.loads(invoke(*args, "--format", "json").stdout)
    assert out["n_resampled"] == 2
    assert {d: v["n_resampled"] for d, v in out["per_document"].items()} == {"d1": 3, "d2": 5}
    rows = invoke(*args, "--format", "csv").stdout.splitlines()
    assert rows[0].endswith(",note,n_resampled")
    assert any(r.startswith("(pooled),u_alpha,,") and r.endswith(",2") for r in rows)
    assert any(r.startswith("d2,u_alpha,,") and r.endswith(",5") for r in rows)
    table = " ".join(invoke(*args).stdout.split())
    assert ("Intervals resting on fewer than 10 resampled units: the pooled ones (2 "
            "documents); documents d1 (3 blocks), d2 (5 blocks).") in table

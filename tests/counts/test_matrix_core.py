"""Matrices on a hand-made project in which every cell is known (tests/data/matrix/).

Segments and their codes (coder ana):

    D1:0001 I     G1 G2        GOV/micro
    D1:0002 Anna  G1 G3 E1     GOV/micro GOV/macro ECO/micro
    D1:0004 Anna  E2           ECO/macro
    D2:0002 Bo    G1           GOV/micro
    D2:0003 I     G3 E2        GOV/macro ECO/macro
    D3:0002 Cy    G2 E1        GOV/micro ECO/micro
    D3:0004 Cy    G1 G2        GOV/micro

D1 and D2 are region North, D3 South; group: D1 national, D2 local, D3 missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding import store as codings
from qcode.counts.matrix import (
    crosstab,
    default_coder,
    load_corpus,
    matrix,
    select,
    split_matrices,
)
from qcode.documents.where import parse_where
from qcode.errors import NotFoundError, UsageError
from qcode.project import Project
from tests.builders import DATA as TESTDATA
from tests.builders import build_known

DATA = TESTDATA / "matrix"




@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known")


def grid(m) -> list[list[int]]:  # type: ignore[no-untyped-def]
    return [list(r) for r in m.counts]


def test_default_is_theme_by_level_segments(known: Project) -> None:
    m = matrix(known)
    assert m.rows == ("GOV", "ECO", "ORG")  # codebook order, the empty theme kept
    assert m.cols == ("micro", "macro")
    assert m.row_labels == ("Governance", "Economy", "Organisation")
    assert grid(m) == [[5, 2], [2, 2], [0, 0]]
    # a segment counts once per row/column total: D1:0002 is in GOV/micro and GOV/macro
    assert m.row_totals == (6, 4, 0)
    assert m.col_totals == (5, 3)
    assert m.total == 7
    assert (m.count, m.coder) == ("segments", "ana")


@pytest.mark.parametrize(("count", "cells", "row_totals", "col_totals", "total"), [
    ("codings", [[7, 2], [2, 2], [0, 0]], (9, 4, 0), (9, 4), 13),
    ("documents", [[3, 2], [2, 2], [0, 0]], (3, 3, 0), (3, 2), 3),
    # (document, speaker) pairs: GOV/micro = D1 I, D1 Anna, D2 Bo, D3 Cy
    ("speakers", [[4, 2], [2, 2], [0, 0]], (5, 3, 0), (4, 2), 5),
])
def test_count_modes(known: Project, count: str, cells: list[list[int]],
                     row_totals: tuple[int, ...], col_totals: tuple[int, ...],
                     total: int) -> None:
    m = matrix(known, count=count)
    assert grid(m) == cells
    assert (m.row_totals, m.col_totals, m.total) == (row_totals, col_totals, total)


def test_where_keeps_matching_documents(known: Project) -> None:
    m = matrix(known, where=["region=North"])
    assert grid(m) == [[3, 2], [1, 2], [0, 0]]
    assert m.total == 5


def test_where_same_key_is_or_and_different_keys_and(known: Project) -> None:
    assert grid(matrix(known, where=["region=North", "region=South"])) == \
        grid(matrix(known))
    assert grid(matrix(known, where=["region=North", "group=local"])) == \
        [[1, 1], [0, 1], [0, 0]]
    # speaker is a pseudo-attribute: only Anna's segments D1:0002 and D1:0004
    assert grid(matrix(known, where=["speaker=Anna"])) == [[1, 1], [1, 1], [0, 0]]


def test_where_unknown_attribute_suggests(known: Project) -> None:
    with pytest.raises(NotFoundError) as exc:
        matrix(known, where=["regoin=North"])
    assert str(exc.value) == "--where: no document attribute 'regoin'; did you mean 'region'?"
    assert exc.value.hint == "attributes: group, region"
    with pytest.raises(UsageError, match="is not ATTR=VALUE"):
        parse_where(["region"])


def test_split_by_shares_rows_and_columns(known: Project) -> None:
    parts = split_matrices(load_corpus(known), "region")
    assert [v for v, _ in parts] == ["North", "South"]
    north, south = parts[0][1], parts[1][1]
    assert grid(north) == [[3, 2], [1, 2], [0, 0]]
    assert grid(south) == [[2, 0], [1, 0], [0, 0]]
    assert south.cols == ("micro", "macro")


def test_split_by_document_rows_keeps_all_documents(known: Project) -> None:
    parts = dict(split_matrices(load_corpus(known), "group", rows="document"))
    assert list(parts) == ["local", "national", "(missing)"]
    assert parts["local"].rows == ("D1", "D2", "D3")
    assert grid(parts["local"]) == [[0, 0], [1, 1], [0, 0]]


@pytest.mark.parametrize(("percent", "expected"), [
    ("row", [[83.33, 33.33], [50.0, 50.0], [0.0, 0.0]]),
    ("col", [[100.0, 66.67], [40.0, 66.67], [0.0, 0.0]]),
    ("total", [[71.43, 28.57], [28.57, 28.57], [0.0, 0.0]]),
    ("none", [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]),
])
def test_percentages(known: Project, percent: str, expected: list[list[float]]) -> None:
    m = matrix(known, percent=percent)
    assert m.percents() == expected
    assert ("cells_pct" in m.as_dict()) == (percent != "none")


@pytest.mark.parametrize(("rows", "cols", "expected_rows", "cells"), [
    ("code", "level", ("G1", "G2", "G3", "E1", "E2", "O1"),
     [[4, 0], [3, 0], [0, 2], [2, 0], [0, 2], [0, 0]]),
    ("document", "theme", ("D1", "D2", "D3"), [[2, 2, 0], [2, 1, 0], [2, 1, 0]]),
    ("speaker", "theme", ("Anna", "Bo", "Cy", "I"), [[1, 2, 0], [1, 0, 0], [2, 1, 0],
                                                     [2, 1, 0]]),
    ("attr:group", "level", ("local", "national", "(missing)"), [[1, 1], [2, 2], [2, 0]]),
])
def test_other_dimensions(known: Project, rows: str, cols: str,
                          expected_rows: tuple[str, ...], cells: list[list[int]]) -> None:
    m = matrix(known, rows=rows, cols=cols)
    assert m.rows == expected_rows
    assert grid(m) == cells


def test_unknown_dimension(known: Project) -> None:
    with pytest.raises(UsageError) as exc:
        matrix(known, rows="theem")
    assert str(exc.value) == "unknown dimension 'theem'; did you mean 'theme'?"


def test_json_shape(known: Project) -> None:
    d = matrix(known).as_dict()
    assert d == {"row_labels": ["GOV", "ECO", "ORG"], "col_labels": ["micro", "macro"],
                 "counts": [[5, 2], [2, 2], [0, 0]], "row_totals": [6, 4, 0],
                 "col_totals": [5, 3], "total": 7, "count": "segments", "coder": "ana"}


def test_default_coder_rules(tmp_path: Path) -> None:
    one = build_known(tmp_path / "one")
    assert default_coder(one) == "ana"
    two = build_known(tmp_path / "two", coders=("ana", "bo"))
    with pytest.raises(UsageError) as exc:
        default_coder(two)
    assert str(exc.value) == "this project has several coders; choose one with --coder"
    assert exc.value.hint == "coders: ana, bo"
    # a coder with reconciled codings is the consensus coder, chosen by default
    doc = two.load_document("D1")
    codings.add_codes(two, "consensus", doc, ["D1:0001"], ["G1"], origin="reconciled")
    assert default_coder(two) == "consensus"
    with pytest.raises(NotFoundError):
        default_coder(two, "nobody")


def test_default_coder_named_in_reconciliations(tmp_path: Path) -> None:
    p = build_known(tmp_path / "p", coders=("ana", "bo"))
    (p.reconciliations_dir / "bo.jsonl").write_text("", encoding="utf-8")
    assert default_coder(p) == "bo"


def test_codings_of_unknown_codes_are_skipped(known: Project) -> None:
    doc = known.load_document("D3")
    codings.append_events(known, "ana", [{"op": "add", "doc": "D3", "segment": "D3:0001",
                                          "start": 0, "end": 5, "quote": "x",
                                          "code": "GONE"}])
    corpus = load_corpus(known)
    assert corpus.skipped == 1
    assert crosstab(select(corpus, {})).total == 7
    assert doc.id == "D3"

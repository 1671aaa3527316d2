"""Co-occurrence and excerpts on the known project (see test_matrix_core.py for its table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.counts.cooccur import cooccur
from qcode.counts.excerpts import excerpts, flat, format_time, resolve_selection, rows
from qcode.counts.matrix import load_corpus
from qcode.errors import UsageError
from qcode.project import Project
from tests.builders import build_known


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known")


def pair(co, a: str, b: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    i, j = co.items.index(a), co.items.index(b)
    assert co.counts[i][j] == co.counts[j][i]
    assert co.jaccard[i][j] == co.jaccard[j][i]
    return co.counts[i][j], co.jaccard[i][j]


def test_same_segment_counts_and_jaccard(known: Project) -> None:
    co = cooccur(known)
    assert co.items == ("G1", "G2", "G3", "E1", "E2", "O1")
    # diagonal: segments with the code
    assert [co.counts[i][i] for i in range(6)] == [4, 3, 2, 2, 2, 0]
    assert pair(co, "G1", "G2") == (2, 0.4)      # D1:0001, D3:0004; 2 / (4 + 3 - 2)
    assert pair(co, "G1", "G3") == (1, 0.2)      # D1:0002; 1 / (4 + 2 - 1)
    assert pair(co, "G3", "E1") == (1, 0.3333)   # 1 / (2 + 2 - 1)
    assert pair(co, "G2", "E1") == (1, 0.25)     # D3:0002; 1 / (3 + 2 - 1)
    assert pair(co, "G1", "E2") == (0, 0.0)
    assert pair(co, "O1", "G1") == (0, 0.0)
    assert co.segments == 7


def test_window_of_one_segment(known: Project) -> None:
    co = cooccur(known, window=1)
    # G1 on D2:0002 next to E2 on D2:0003: counted at both segments; 2 / (4 + 2 - 0)
    assert pair(co, "G1", "E2") == (2, 0.3333)
    # D1:0001 (both), D1:0002 (G1, G2 next door), D3:0004 (both); 3 / (4 + 3 - 2)
    assert pair(co, "G1", "G2") == (3, 0.6)
    # D1:0004 (E2) is two segments from D1:0002 (E1): not within 1
    assert pair(co, "E1", "E2") == (0, 0.0)
    assert pair(cooccur(known, window=2), "E1", "E2") == (2, 0.5)


def test_cells(known: Project) -> None:
    co = cooccur(known, by="cell")
    assert co.items == ("GOV/micro", "GOV/macro", "ECO/micro", "ECO/macro", "ORG/micro",
                        "ORG/macro")
    assert co.labels[0] == "Governance / Micro"
    assert [co.counts[i][i] for i in range(6)] == [5, 2, 2, 2, 0, 0]
    # GOV/micro with ECO/micro: D1:0002 and D3:0002; 2 / (5 + 2 - 2)
    assert pair(co, "GOV/micro", "ECO/micro") == (2, 0.4)
    assert pair(co, "GOV/macro", "ECO/macro") == (1, 0.3333)


def test_pairs_sorted_and_bad_options(known: Project) -> None:
    pairs = cooccur(known).pairs()
    assert (pairs[0]["a"], pairs[0]["b"], pairs[0]["count"]) == ("G1", "G2", 2)
    assert all(p["count"] >= 1 for p in pairs)
    with pytest.raises(UsageError, match="--window must be 0 or more"):
        cooccur(known, window=-1)
    with pytest.raises(UsageError, match="unknown --by 'codes'"):
        cooccur(known, by="codes")


def test_excerpts_grouped_in_codebook_order(known: Project) -> None:
    corpus = load_corpus(known)
    groups = excerpts(corpus)
    assert [g.theme for g in groups] == ["GOV", "ECO"]  # ORG has no excerpt
    gov = groups[0]
    assert [lv.level for lv in gov.levels] == ["micro", "macro"]
    assert [c.code for c in gov.levels[0].codes] == ["G1", "G2"]
    g1 = gov.levels[0].codes[0]
    assert [e.segment for e in g1.excerpts] == ["D1:0001", "D1:0002", "D2:0002", "D3:0004"]
    second = g1.excerpts[1]
    assert (second.speaker, second.time_start, second.title) == ("Anna", 65, "Interview D1")
    assert second.memo == "Anna contrasts the <b>ministry</b> & the clinic"
    assert second.quote.startswith("<script>")
    assert second.attributes == {"region": "North", "group": "national"}
    assert len(flat(groups)) == 13


def test_excerpt_selection(known: Project) -> None:
    corpus = load_corpus(known)
    cb = corpus.codebook
    sel = resolve_selection(cb, theme="economy", where={"region": ("North",)})
    got = flat(excerpts(corpus, sel))
    assert [(e.code, e.segment) for e in got] == [("E1", "D1:0002"), ("E2", "D1:0004"),
                                                  ("E2", "D2:0003")]
    sel = resolve_selection(cb, level="macro", codes=["National strategy"])
    assert [e.segment for e in flat(excerpts(corpus, sel))] == ["D1:0002", "D2:0003"]
    assert sel.describe() == "level macro; code G3"


def test_excerpt_rows_and_time() -> None:
    assert format_time(3725) == "1:02:05"
    assert format_time(0) == "0:00:00"


def test_rows_have_attribute_columns(known: Project) -> None:
    corpus = load_corpus(known)
    r = rows(excerpts(corpus), corpus.attribute_names)
    assert list(r[0]) == ["theme", "level", "code", "code_name", "document", "title",
                          "segment", "speaker", "time", "quote", "memo", "attr:group",
                          "attr:region"]
    assert r[1]["time"] == "0:01:05"
    assert r[-1]["segment"] == "D2:0003" and r[-1]["attr:group"] == "local"
    assert {x["attr:group"] for x in r if x["document"] == "D3"} == {""}

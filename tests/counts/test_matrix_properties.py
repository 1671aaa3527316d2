"""Properties of matrices and co-occurrence on random in-memory corpora (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.codebook.load import load
from qcode.counts.cooccur import cooccurrence
from qcode.counts.matrix import Corpus, DocInfo, crosstab, split_matrices
from qcode.models import Coding
from tests.builders import DATA

CODEBOOK = load(DATA / "matrix" / "codebook.yaml")
CODES = [c.id for c in CODEBOOK.codes]
SPEAKERS = ["I", "Anna", "Bo"]


@st.composite
def corpora(draw: st.DrawFn) -> Corpus:
    n_docs = draw(st.integers(1, 4))
    docs, codings = {}, []
    for d in range(n_docs):
        doc_id = f"D{d}"
        n_segs = draw(st.integers(1, 8))
        segs = {f"{doc_id}:{k:04d}": (k, draw(st.sampled_from(SPEAKERS)), None, None)
                for k in range(n_segs)}
        attrs = {"region": draw(st.sampled_from(["North", "South"]))}
        docs[doc_id] = DocInfo(id=doc_id, title=doc_id, attributes=attrs, segments=segs)
        for sid in segs:
            for code in draw(st.sets(st.sampled_from(CODES), max_size=3)):
                codings.append(Coding("c", doc_id, sid, code, 0, 1, "q"))
    return Corpus(coder="c", codebook=CODEBOOK, docs=docs, codings=codings,
                  attribute_names=["region"])


@settings(max_examples=60, deadline=None)
@given(corpora(), st.sampled_from(["segments", "codings", "documents", "speakers"]),
       st.sampled_from(["theme", "level", "code", "document", "speaker", "attr:region"]),
       st.sampled_from(["theme", "level", "code"]))
def test_totals_bound_the_cells(corpus: Corpus, count: str, rows: str, cols: str) -> None:
    m = crosstab(corpus, rows, cols, count)
    for i, row in enumerate(m.counts):
        assert max(row, default=0) <= m.row_totals[i] <= sum(row)
    for j in range(len(m.cols)):
        column = [row[j] for row in m.counts]
        assert max(column, default=0) <= m.col_totals[j] <= sum(column)
    assert max(m.row_totals, default=0) <= m.total <= sum(m.row_totals)
    if count == "codings":
        assert m.total == len(corpus.codings)  # every coding lands in exactly one cell
    for pct in ("row", "col", "total"):
        assert all(0 <= v <= 100 for r in m.percents(pct) for v in r)


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_splits_add_up_for_documents(corpus: Corpus) -> None:
    whole = crosstab(corpus, count="codings")
    parts = split_matrices(corpus, "region", count="codings")
    summed = [[sum(m.counts[i][j] for _, m in parts) for j in range(len(whole.cols))]
              for i in range(len(whole.rows))]
    assert summed == [list(r) for r in whole.counts]


@settings(max_examples=40, deadline=None)
@given(corpora(), st.sampled_from(["code", "cell"]), st.integers(0, 3))
def test_cooccurrence_is_symmetric_bounded_and_grows_with_the_window(
        corpus: Corpus, by: str, window: int) -> None:
    co = cooccurrence(corpus, by, window)
    wider = cooccurrence(corpus, by, window + 1)
    n = len(co.items)
    for a in range(n):
        for b in range(n):
            assert co.counts[a][b] == co.counts[b][a]
            assert 0.0 <= co.jaccard[a][b] <= 1.0
            assert wider.counts[a][b] >= co.counts[a][b]
            if a != b:
                # never more than the segments that carry either item
                assert co.counts[a][b] <= co.counts[a][a] + co.counts[b][b]

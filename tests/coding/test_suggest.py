"""Keyword suggestions: matching rules, scores, applying as a pseudo-coder, evaluation."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as hst

from qcode.coding import store as codings
from qcode.coding.suggest import Matcher, Suggestion, evaluate, words
from qcode.errors import ConflictError, ExitCode
from qcode.models import Code, Codebook, Coding, Theme
from qcode.project import Project
from tests.builders import interview

CB = Codebook(themes=(Theme(id="T", name="T"),), codes=(
    Code(id="FIN", name="Financing", theme="T", keywords=("reimburs", "activity-based financing"),
         keywords_no=("takst", "konsultasjon")),
    Code(id="MUN", name="Municipalities", theme="T", keywords=("municipality", "agreement")),
    Code(id="LAW", name="Law", theme="T", keywords=("law",)),
))


@pytest.mark.parametrize(("text", "keyword", "score"), [
    ("They cut the takst.", "takst", 100.0),                         # exact word
    ("Reimbursement was the issue", "reimburs", 95.0),               # stem -> inflection
    ("Taksten for video var lav", "takst", 95.0),                    # Norwegian inflection
    ("videokonsultasjonene ble færre", "konsultasjon", 90.0),        # compound
    ("Activity-based financing rules", "activity-based financing", 100.0),  # phrase
    ("the municipalty signed", "municipality", 95.65 * 0.8),        # fuzzy: a typo
])
def test_keyword_hits(text: str, keyword: str, score: float) -> None:
    hits = Matcher(CB).keyword_scores(text)
    assert hits[keyword] == pytest.approx(score, abs=0.5)


def test_short_keywords_do_not_hit_inside_words() -> None:
    assert "law" not in Matcher(CB).keyword_scores("a small flaw in the outlaw")
    assert Matcher(CB).keyword_scores("Lawyers read it")["law"] == 95.0


def test_scores_pool_evidence_and_rank() -> None:
    m = Matcher(CB)
    one = m.code_scores("the takst")
    two = m.code_scores("the takst and reimbursement")
    assert one == [("FIN", 60.0, ("takst",))]
    assert two[0][0] == "FIN" and two[0][1] == pytest.approx(100 * (1 - 0.4 * 0.43), abs=0.1)
    assert m.code_scores("nothing relevant here") == []


@given(hst.text(max_size=200))
def test_any_text_gives_scores_between_0_and_100(text: str) -> None:
    for _, score, kws in Matcher(CB).code_scores(text):
        assert 0 < score <= 100 and kws
    assert all(w == w.casefold() for w in words(text))


def test_evaluate_counts_per_code_and_overall() -> None:
    doc = interview()
    sugg = [Suggestion("T01", "T01:0002", "FIN", 90, ()), Suggestion("T01", "T01:0004", "FIN",
                                                                     90, ()),
            Suggestion("T01", "T01:0004", "MUN", 90, ())]
    human = [Coding(coder="h", doc="T01", segment="T01:0004", code="FIN", start=0, end=1,
                    quote=""),
             Coding(coder="h", doc="T01", segment="T01:0006", code="LAW", start=0, end=1,
                    quote="")]
    ev = evaluate(CB, [doc], sugg, human, "h", 80)
    rows = {s.code: (s.true_pos, s.false_pos, s.false_neg) for s in ev.per_code}
    assert rows == {"FIN": (1, 1, 0), "MUN": (0, 1, 0), "LAW": (0, 0, 1)}
    assert (ev.overall.precision, ev.overall.recall) == (pytest.approx(1 / 3), 0.5)
    assert ev.overall.f1 == pytest.approx(0.4)
    fin = ev.as_json()["per_code"][0]
    assert fin == {"code": "FIN", "true_pos": 1, "false_pos": 1, "false_neg": 0, "support": 1,
                   "precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert ev.macro_f1 == pytest.approx((2 / 3 + 0 + 0) / 3)


@pytest.fixture
def run(project: Project, invoke: Callable[..., object]) -> Callable[..., object]:
    project.save_document(interview("T01"))

    def go(*args: str) -> object:
        return invoke("--project", str(project.root), *args)

    return go


def test_suggest_json_apply_and_evaluate(run: Callable[..., object], project: Project) -> None:
    r = run("suggest", "T01", "--format", "json", "--min-score", "60")
    data = json.loads(r.stdout)
    assert data["min_score"] == 60 and data["documents"] == ["T01"]
    segs = {s["segment"] for s in data["suggestions"]}
    assert segs and segs <= {"T01:0002", "T01:0004", "T01:0006"}  # respondents only
    first = data["suggestions"][0]
    assert set(first) == {"doc", "segment", "code", "score", "keywords"}
    assert first["segment"] == "T01:0002" and first["code"] == "GOV-MAC-02"

    r = run("suggest", "T01", "--min-score", "60", "--apply", "--as", "auto")
    assert r.exit_code == 0, r.output
    auto = codings.load_state(project, "auto")
    assert {(k[1], c) for k, v in auto.codes.items() for c in v} == \
        {(s["segment"], s["code"]) for s in data["suggestions"]}
    assert auto.done == {"T01"}
    # applying again at a higher threshold removes what no longer qualifies
    run("suggest", "T01", "--min-score", "90", "--apply", "--as", "auto")
    kept = {(k[1], c) for k, v in codings.load_state(project, "auto").codes.items() for c in v}
    assert kept == {(s["segment"], s["code"]) for s in data["suggestions"] if s["score"] >= 90}

    r = run("suggest", "--evaluate", "--against", "ingrid")
    assert r.exit_code == ExitCode.NOT_FOUND
    run("tag", "T01", "2", "--code", "GOV-MAC-02", "--coder", "ingrid")
    r = run("suggest", "--evaluate", "--against", "ingrid")
    assert r.exit_code == ExitCode.INSUFFICIENT_DATA
    assert r.stderr.startswith("Error: coder 'ingrid' has not marked any documents complete")
    run("done", "T01", "--coder", "ingrid")
    r = run("suggest", "--evaluate", "--against", "ingrid", "--format", "json")
    ev = json.loads(r.stdout)
    assert ev["documents"] == ["T01"] and ev["overall"]["true_pos"] == 1
    assert ev["overall"]["recall"] == 1.0
    table = run("suggest", "--evaluate", "--against", "ingrid").stdout
    assert "overall (micro)" in table and "GOV-MAC-02" in table


def test_apply_refuses_a_human_coder(run: Callable[..., object], project: Project) -> None:
    run("tag", "T01", "2", "--code", "GOV-MAC-02", "--coder", "ingrid")
    r = run("suggest", "--apply", "--as", "ingrid")
    assert r.exit_code == ExitCode.CONFLICT
    assert r.stderr.startswith("Error: coder 'ingrid' has 1 codings that are not automatic; "
                               "nothing was applied\n")
    with pytest.raises(ConflictError):
        from qcode.coding.suggest import apply_suggestions
        apply_suggestions(project, "ingrid", [], [])

"""Replaying the sample study's fictional coders into a project."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding import store as codings
from qcode.coding.sample_coders import apply_sample_coders
from qcode.errors import InvalidInputError
from qcode.project import Project
from tests.builders import DATA as TESTDATA
from tests.builders import ROOT, interview, make_doc

DATA = TESTDATA / "coding" / "sample_coders"


def _t02():
    return make_doc("T02", [("Interviewer", "Who pushed it?"),
                            ("Respondent", "Our clinic leader made it a priority. I think "
                                           "it’s the only way.")])


def test_apply_sample_coders_on_a_fixture(project: Project) -> None:
    project.save_document(interview("T01"))
    project.save_document(_t02())
    summary = apply_sample_coders(project, DATA)
    assert summary.as_json() == {
        "files": 2, "documents": ["T01", "T02"], "coders": ["ingrid", "lars"], "entries": 4,
        "matched_exact": 4, "matched_normalised": 0, "unmatched": 0, "agreed_entries": 3,
        "appended": {"ingrid": 4, "lars": 5}, "codings": {"ingrid": 4, "lars": 5}}
    ing, lars = codings.load_state(project, "ingrid"), codings.load_state(project, "lars")
    assert ing.codes_on("T01", "T01:0002") == ["GOV-MAC-02"]
    assert ing.codes_on("T01", "T01:0004") == ["ECO-MIC-03", "ECO-MAC-01"]  # two anchors
    assert lars.codes_on("T01", "T01:0004") == ["GOV-MAC-05", "ECO-MIC-03", "ECO-MAC-01"]
    assert ing.done == lars.done == {"T01", "T02"}
    assert {ev["origin"] for by in lars.codes.values() for ev in by.values()} == {"manual"}
    # deterministic and idempotent
    again = apply_sample_coders(project, DATA)
    assert again.appended == {"ingrid": 0, "lars": 0}
    assert codings.load_state(project, "lars").codes == lars.codes


def test_anchor_with_other_quotes_matches_after_normalising(project: Project,
                                                            tmp_path: Path) -> None:
    project.save_document(_t02())
    (tmp_path / "T02.yaml").write_text(
        "document: T02\ncoders: [ingrid, lars]\ncodings:\n"
        "  - anchor: \"I think it's  the only way\"\n    ingrid: [GOV-MES-01]\n"
        "    lars: [GOV-MES-02]\n    note: differ\n")
    s = apply_sample_coders(project, tmp_path)
    assert (s.matched_exact, s.matched_normalised, s.agreed) == (0, 1, 0)
    assert codings.load_state(project, "lars").codes_on("T02", "T02:0002") == ["GOV-MES-02"]


def test_unmatched_anchors_and_unknown_codes_write_nothing(project: Project,
                                                           tmp_path: Path) -> None:
    project.save_document(_t02())
    f = tmp_path / "T02.yaml"
    f.write_text("document: T02\ncoders: [ingrid, lars]\ncodings:\n"
                 "  - anchor: Our clinic leader\n    ingrid: [GOV-MES-01]\n    lars: [GOV-MES-9]\n"
                 "  - anchor: words that are not there\n    ingrid: [GOV-MES-01]\n"
                 "    lars: [GOV-MES-01]\n")
    with pytest.raises(InvalidInputError) as exc:
        apply_sample_coders(project, tmp_path)
    assert exc.value.message == ("2 problems in the sample coder files; nothing was written")
    assert exc.value.details[0].startswith(f"{f}:4: entry 1: unknown code 'GOV-MES-9'")
    assert exc.value.details[1] == f"{f}:7: entry 2: anchor not found in document T02"
    assert codings.coder_names(project) == []


def test_the_bundled_sample_study_replays_completely(project: Project) -> None:
    root = ROOT / "transcripts"
    files = sorted((root / "interviews").glob("*.*"))
    if not files or not (root / "coders").is_dir():
        pytest.skip("the sample study is not in this tree")
    from qcode.ingest.run import ingest

    ingest(project, [root / "interviews"])
    s = apply_sample_coders(project, root / "coders")
    assert s.matched_exact + s.matched_normalised == s.entries > 0
    assert 0.6 <= s.agreed / s.entries < 1.0  # mostly agreeing, with real disagreements
    for coder in s.coders:
        assert codings.completed_documents(project, coder) == set(s.documents)
    # and suggestions can be scored against each of them, code by code
    from qcode.coding.suggest import evaluate, suggest_documents

    docs = project.documents()
    found = suggest_documents(project.codebook, docs)
    for coder in s.coders:
        ev = evaluate(project.codebook, docs, found, codings.current_codings(project, coder),
                      coder, 80)
        assert [r.code for r in ev.per_code][:len(project.codebook.codes)] == [
            c.id for c in project.codebook.codes]
        assert ev.overall.true_pos + ev.overall.false_neg == s.codings[coder]
        assert 0 < ev.overall.precision < 1 and 0 < ev.overall.recall < 1

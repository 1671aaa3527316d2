"""``qcode diff`` and ``qcode reconcile`` in-process: exact messages, exit codes, JSON."""

from __future__ import annotations

import json

import pytest

from qcode.coding.store import add_codes, remove_codes
from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import build_study, consensus


@pytest.fixture
def study(project: Project) -> Project:
    build_study(project)
    return project


@pytest.fixture
def q(invoke, study: Project):  # type: ignore[no-untyped-def]
    def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return invoke("--project", str(study.root), *args, input=input)

    return run


SKIPPED_D03 = "Skipped D03: not marked complete by {} (add --all-docs to include it)\n"


# ----------------------------------------------------------------------------- diff


def test_diff_json_shape(q, study: Project) -> None:  # type: ignore[no-untyped-def]
    result = q("diff", "--coder", "ingrid,lars", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == SKIPPED_D03.format("ingrid, lars")
    data = json.loads(result.stdout)
    assert list(data) == ["schema_version", "coders", "documents", "codes",
                          "segments_compared", "segments_differing", "disagreements", "per_code",
                          "skipped_documents", "warnings"]
    assert (data["coders"], data["documents"], data["codes"]) == (["ingrid", "lars"],
                                                                  ["D01", "D02"], None)
    assert (data["segments_compared"], data["segments_differing"]) == (8, 4)
    first = data["disagreements"][0]
    text = "The white paper said video first, but nobody funded it."
    start = study.load_document("D01").segment("D01:0002").start  # type: ignore[union-attr]
    assert first == {"doc": "D01", "segment": "D01:0002", "speaker": "Respondent",
                     "time_start": 20.0, "text": text,
                     "only_a": ["ECO-MAC-01"], "only_b": [], "both": ["GOV-MAC-01"],
                     # whole segments: the words only ingrid marked are the segment's
                     "spans": [{"code": "ECO-MAC-01", "coder": "ingrid", "start": start,
                                "end": start + len(text), "text": text, "before": "",
                                "after": ""}]}
    assert [d["segment"] for d in data["disagreements"]] == ["D01:0002", "D01:0005",
                                                             "D02:0002", "D02:0003"]
    per = {c["code"]: c for c in data["per_code"]}
    assert per["ECO-MIC-03"] == {"code": "ECO-MIC-03",
                                 "name": "Activity registration and coding by clinicians",
                                 "both": 0, "only_a": 1, "only_b": 1}
    assert per["GOV-MAC-01"]["both"] == 1
    assert data["skipped_documents"] == [{"doc": "D03",
                                          "reason": "not marked complete by ingrid, lars"}]


def test_diff_filters_by_document_and_code(q) -> None:  # type: ignore[no-untyped-def]
    result = q("diff", "--coder", "ingrid,lars", "--doc", "D02", "--code",
               "Activity registration and coding by clinicians", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["codes"] == ["ECO-MIC-03"]
    assert [(d["segment"], d["only_a"], d["only_b"]) for d in data["disagreements"]] == [
        ("D02:0002", [], ["ECO-MIC-03"]), ("D02:0003", ["ECO-MIC-03"], [])]
    assert data["segments_compared"] == 3


def test_diff_all_docs_and_named_unfinished_document(q) -> None:  # type: ignore[no-untyped-def]
    result = q("diff", "--coder", "ingrid,lars", "--all-docs", "--format", "json")
    assert json.loads(result.stdout)["documents"] == ["D01", "D02", "D03"]
    result = q("diff", "--coder", "ingrid", "--coder", "lars", "--doc", "D03", "--format", "json")
    assert result.stderr == ("Warning: D03 is not marked complete by ingrid, lars; its "
                             "uncoded segments count as coded with nothing\n")


def test_diff_table(q) -> None:  # type: ignore[no-untyped-def]
    result = q("diff", "--coder", "ingrid,lars")
    assert result.exit_code == 0
    assert "Only ingrid" in result.stdout and "Only lars" in result.stdout
    assert result.stdout.endswith("4 of 8 segments differ (documents: D01, D02)\n")


@pytest.mark.parametrize(("args", "code", "stderr"), [
    (["--coder", "lars", "--coder", "lars"], ExitCode.USAGE,
     "Error: cannot compare coder 'lars' with itself\nHint: name two different coders: "
     "qcode diff --coder A --coder B\n"),
    (["--coder", "lars,nobody"], ExitCode.NOT_FOUND,
     "Error: no coder 'nobody' in this project\nHint: coders in this project: ingrid, lars, "
     "maja\n"),
    (["-c", "lars,maja", "--doc", "D09"], ExitCode.NOT_FOUND,
     "Error: no document 'D09' in this project\nHint: did you mean D01, D02, D03?\n"),
    (["-c", "lars", "-c", "maja", "--code", "nonsense"], ExitCode.NOT_FOUND, None),
])
def test_diff_errors(q, args, code, stderr) -> None:  # type: ignore[no-untyped-def]
    result = q("diff", *args)
    assert result.exit_code == code
    if stderr is not None:
        assert result.stderr == stderr
    else:
        assert result.stderr.startswith("Error: unknown code 'nonsense'\n")


# ----------------------------------------------------------------------------- reconcile


def test_reconcile_majority_output(q, study: Project) -> None:  # type: ignore[no-untyped-def]
    result = q("reconcile", "--coder", "ingrid,lars", "--as", "consensus", "--strategy",
               "majority")
    assert result.exit_code == 0
    assert result.stderr == SKIPPED_D03.format("ingrid, lars")
    assert result.stdout == (
        "Reconciled ingrid, lars into 'consensus' (strategy majority): 5 decisions (1 "
        "agreed, 4 majority).\n"
        "4 decisions left a code out on a tie (even split): R00004 D01:0002, R00005 "
        "D01:0005, R00006 D02:0002, R00007 D02:0003\n"
        "Done for consensus: D01, D02.\n")
    assert consensus(study)["D01:0002"] == {"GOV-MAC-01"}


def test_reconcile_json(q) -> None:  # type: ignore[no-untyped-def]
    result = q("reconcile", "--coder", "ingrid,lars,maja", "--as", "consensus",
               "--strategy", "prefer:maja", "--by", "ann", "--rationale", "maja is senior",
               "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data | {"skipped_documents": None} == {
        "schema_version": 1, "name": "consensus", "coders": ["ingrid", "lars", "maja"],
        "strategy": "prefer:maja",
        "by": "ann", "documents": ["D01", "D02"], "skipped_documents": None,
        "decisions": 5, "by_outcome": {"agreed": 1, "accept": 4}, "ties": [], "deferred": 0,
        "remaining": 0, "repaired": 0, "documents_done": ["D01", "D02"],
        "documents_reopened": [], "warnings": []}


@pytest.mark.parametrize(("args", "code", "stderr"), [
    (["--coder", "ingrid,lars", "--as", "c"], ExitCode.USAGE,
     "Error: stdin is not a terminal, so decisions cannot be asked: name a strategy with "
     "--strategy\nHint: union, intersection, majority, prefer:CODER, or ask to read answers "
     "from stdin\n"),
    (["--coder", "ingrid,lars", "--as", "c", "--strategy", "vote"], ExitCode.USAGE,
     "Error: unknown strategy 'vote'\nHint: choose one of: ask, union, intersection, "
     "majority, prefer:CODER\n"),
    (["--coder", "ingrid,lars", "--as", "c", "--strategy", "prefer:maja"], ExitCode.USAGE,
     "Error: --strategy prefer:maja: 'maja' is not one of the coders ingrid, lars\n"
     "Hint: use e.g. --strategy prefer:ingrid\n"),
    (["--coder", "ingrid,lars", "--as", "maja", "--strategy", "union"], ExitCode.CONFLICT,
     "Error: coder 'maja' already has codings and is not a reconciliation; nothing was "
     "changed\nHint: choose another name with --as\n"),
    (["--coder", "ingrid", "--as", "c", "--strategy", "union"], ExitCode.USAGE,
     "Error: reconciliation needs at least two coders\nHint: give them as "
     "--coder A,B[,C...]\n"),
    (["--as", "c"], ExitCode.USAGE,
     "Error: name the coders and the consensus coder: --coder A,B --as NAME\n"
     "Hint: or report on one with --status NAME / --summary NAME\n"),
    (["--status", "c", "--summary", "c"], ExitCode.USAGE,
     "Error: --status and --summary cannot be used together\n"
     "Hint: run them one after the other\n"),
    (["--status", "c", "--coder", "a,b"], ExitCode.USAGE,
     "Error: --coder cannot be used with --status\n"
     "Hint: --status and --summary only report; they change nothing\n"),
    (["--summary", "nope"], ExitCode.NOT_FOUND,
     "Error: no reconciliation 'nope' in this project\n"
     "Hint: start one with: qcode reconcile --coder A,B --as NAME\n"),
    (["--coder", "ingrid,lars", "--as", "c", "--strategy", "ask", "--format", "json"],
     ExitCode.USAGE, "Skipped D03: not marked complete by ingrid, lars (add --all-docs to "
     "include it)\nError: --format json cannot be used with the ask strategy\n"
     "Hint: use it with --status or --summary to read the decisions\n"),
])
def test_reconcile_errors(q, args, code, stderr) -> None:  # type: ignore[no-untyped-def]
    result = q("reconcile", *args)
    assert result.exit_code == code
    assert result.stderr == stderr


def test_status_shows_stale_and_new_then_clean(q, study: Project) -> None:  # type: ignore[no-untyped-def]
    q("reconcile", "--coder", "ingrid,lars,maja", "--as", "consensus", "--strategy",
      "majority")
    d01 = study.load_document("D01")
    remove_codes(study, "maja", d01, ["D01:0005"], ["GOV-MES-01"])
    add_codes(study, "lars", d01, ["D01:0004"], ["ORG-MIC-01"])
    result = q("reconcile", "--status", "consensus", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["schema_version", "name", "coders", "documents", "decisions",
                          "stale", "pending", "unapplied", "consensus_edits", "warnings"]
    assert data["stale"] == [{"decision": "R00005", "doc": "D01", "segment": "D01:0005",
                              "outcome": "majority", "chosen": ["GOV-MES-01"],
                              "then": {"ingrid": ["GOV-MAC-02"], "lars": ["GOV-MES-01"],
                                       "maja": ["GOV-MES-01"]},
                              "now": {"ingrid": ["GOV-MAC-02"], "lars": ["GOV-MES-01"],
                                      "maja": []}}]
    assert data["pending"] == [{"doc": "D01", "segment": "D01:0004", "reason": "new",
                                "agreed": False, "codes": {"ingrid": [], "lars": ["ORG-MIC-01"],
                                                           "maja": []}}]
    table = q("reconcile", "--status", "consensus").stdout
    assert "Stale decisions (1)" in table and "Waiting for a decision (1)" in table
    assert table.endswith("Decide them with: qcode reconcile --coder ingrid,lars,maja --as "
                          "consensus\n")
    add_codes(study, "consensus", d01, ["D01:0001"], ["GOV-MAC-01"])  # a hand edit
    q("reconcile", "--coder", "ingrid,lars,maja", "--as", "consensus", "--strategy",
      "majority")
    data = json.loads(q("reconcile", "--status", "consensus", "--format", "json").stdout)
    assert (data["stale"], data["pending"], data["unapplied"]) == ([], [], 0)
    assert data["consensus_edits"] == []  # D01:0001 has no decision: not an edit of one
    remove_codes(study, "consensus", d01, ["D01:0002"], ["ECO-MAC-01"])
    data = json.loads(q("reconcile", "--status", "consensus", "--format", "json").stdout)
    assert data["consensus_edits"] == [{"doc": "D01", "segment": "D01:0002",
                                        "code": "ECO-MAC-01", "decision": "R00004",
                                        "in_decision": True, "in_consensus": False,
                                        "other_words": False}]


def test_summary_json_shape(q) -> None:  # type: ignore[no-untyped-def]
    q("reconcile", "--coder", "ingrid,lars", "--as", "consensus", "--strategy", "majority")
    result = q("reconcile", "--summary", "consensus", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["schema_version", "name", "coders", "documents", "decisions",
                          "by_outcome", "ties", "deferred", "stale", "superseded", "by_code",
                          "coders_vs_consensus"]
    assert data["by_outcome"] == {"agreed": 1, "majority": 4}
    assert (data["decisions"], data["ties"], data["deferred"], data["stale"],
            data["superseded"]) == (5, 4, 0, 0, 0)
    by_code = {c["code"]: c for c in data["by_code"]}
    assert by_code["ECO-MIC-03"] == {"code": "ECO-MIC-03",
                                     "name": "Activity registration and coding by clinicians",
                                     "consensus": 0, "contested": 2, "kept": 0, "dropped": 2,
                                     "ties": 2}
    ingrid, lars = data["coders_vs_consensus"]
    # consensus = the 3 codes both gave (GOV-MAC-01, ECO-MIC-02, ORG-MIC-01)
    assert list(lars) == ["coder", "segments", "equal", "equal_share", "coded_segments",
                          "equal_coded", "equal_coded_share", "precision", "recall", "f1",
                          "per_code"]
    assert (ingrid["coder"], ingrid["segments"], ingrid["equal"]) == ("ingrid", 8, 5)
    assert ingrid["equal_share"] == 0.625
    assert (ingrid["precision"], ingrid["recall"]) == (0.5, 1.0)  # 3 of 6 codes kept
    assert (lars["precision"], lars["recall"]) == (0.6, 1.0)
    per = {c["code"]: c for c in lars["per_code"]}
    assert per["ECO-MIC-03"] == {"code": "ECO-MIC-03", "tp": 0, "fp": 1, "fn": 0,
                                 "precision": 0.0, "recall": None, "f1": 0.0}
    table = q("reconcile", "--summary", "consensus").stdout
    assert "Each coder against the consensus" in table

"""Spans in ``qcode diff`` (the words only one coder marked, in context) and in the ``ask``
walk (a coder's spans, union, intersection, adjusting the consensus spans by words),
driven through the CLI with scripted input."""

from __future__ import annotations

import json
from pathlib import Path

from qcode.project import Project
from qcode.reconcile.ledger import read_ledger
from tests.reconcile.span_builders import X, Y, consensus_spans, span_study, words

MARKS = {"a": [(X, words("beta", "delta")), (X, words("iota", "lambda")),
               (Y, words("rho", "tau"))],
         "b": [(X, words("gamma", "zeta")), (X, words("kappa", "mu")),
               (Y, words("sigma", "upsilon"))]}


def _study(tmp_path: Path) -> Project:
    return span_study(tmp_path / "p", MARKS)


def _q(invoke, project: Project, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return invoke("--project", str(project.root), *args, input=input)


def _walk(invoke, project: Project, lines: list[str]):  # type: ignore[no-untyped-def]
    return _q(invoke, project, "reconcile", "--coder", "a,b", "--as", "consensus",
              "--strategy", "ask", "--by", "ann", input="".join(f"{x}\n" for x in lines))


# ----------------------------------------------------------------------------- diff


def test_diff_json_lists_the_words_only_one_coder_marked(invoke, tmp_path: Path) -> None:
    project = _study(tmp_path)
    result = _q(invoke, project, "diff", "--coder", "a,b", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["segments_differing"] == 3
    first = data["disagreements"][0]
    assert (first["segment"], first["only_a"], first["only_b"], first["both"]) == (
        "S:0001", [], [], [X])
    beta, eps = words("beta", "beta"), words("epsilon", "zeta")
    assert first["spans"] == [
        {"code": X, "coder": "a", "start": beta[0], "end": beta[1], "text": "beta",
         "before": "alpha ", "after": " gamma delta epsilon zeta eta theta"},
        {"code": X, "coder": "b", "start": eps[0], "end": eps[1], "text": "epsilon zeta",
         "before": "alpha beta gamma delta ", "after": " eta theta"}]
    # per code still counts segments: X given by both on S:0001 and S:0002
    per = {c["code"]: c for c in data["per_code"]}
    assert (per[X]["both"], per[X]["only_a"], per[X]["only_b"]) == (2, 0, 0)


def test_diff_table_shows_the_words_in_context(invoke, tmp_path: Path) -> None:
    project = _study(tmp_path)
    result = _q(invoke, project, "diff", "--coder", "a,b")
    assert result.exit_code == 0
    flat = " ".join(result.stdout.split())
    assert "Words only one coder marked" in flat
    assert "alpha [beta] gamma delta" in flat
    assert "alpha beta gamma delta [epsilon zeta] eta" in flat
    assert "iota kappa lambda [mu] nu xi omicron pi" in flat
    assert result.stdout.endswith("3 of 3 segments differ (documents: S)\n")


def test_diff_of_equal_spans_finds_nothing(invoke, tmp_path: Path) -> None:
    same = {"a": MARKS["a"], "b": MARKS["a"]}
    project = span_study(tmp_path / "same", same)
    data = json.loads(_q(invoke, project, "diff", "--coder", "a,b", "--format", "json").stdout)
    assert (data["segments_differing"], data["disagreements"]) == (0, [])


# ----------------------------------------------------------------------------- ask


def test_ask_walk_span_choices(invoke, tmp_path: Path) -> None:
    project = _study(tmp_path)
    result = _walk(invoke, project, [
        # S:0001: take coder 1's spans, keep them, a rationale
        "1", "", "a saw it first",
        # S:0002: the intersection (kappa lambda), widened a word each way (iota .. mu)
        "i", "a 1 -1 +1", "", "",
        # S:0003: the union, back, then coder 2's spans with the end a word earlier
        "u", "<", "2", "a 1 0 -1", "", "narrowed",
    ])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    beta_delta = words("beta", "delta")
    assert f'[1] a {X}: {beta_delta[0]}-{beta_delta[1]} "beta gamma delta"' in out
    assert "Consensus spans:" in out
    kl, im = words("kappa", "lambda"), words("iota", "mu")
    assert f'  1  {X} {kl[0]}-{kl[1]} "kappa lambda"' in out
    assert f'  1  {X} {im[0]}-{im[1]} "iota kappa lambda mu"' in out
    assert "Saved R00002: S:0001 -> " + X in out
    assert consensus_spans(project) == sorted([(X, *beta_delta), (X, *im),
                                               (Y, *words("sigma", "tau"))])
    decisions = {d.segment: d for d in read_ledger(project, "consensus").live()}
    one, two, three = decisions["S:0001"], decisions["S:0002"], decisions["S:0003"]
    assert (one.outcome, one.accepted, one.rationale, one.by) == ("accept", "a",
                                                                  "a saw it first", "ann")
    assert one.chosen_spans == {X: (beta_delta,)}
    assert one.spans == {"a": {X: (beta_delta,)}, "b": {X: (words("gamma", "zeta"),)}}
    assert (two.outcome, two.chosen_spans) == ("manual", {X: (im,)})
    assert (three.outcome, three.chosen, three.rationale) == ("manual", (Y,), "narrowed")


def test_ask_walk_adjust_messages(invoke, tmp_path: Path) -> None:
    project = _study(tmp_path)
    result = _walk(invoke, project, ["1", "a 9 0 0", "a 1 x", "a 1 +5 -5", "q"])
    assert result.exit_code == 0
    assert "there is no span 9: spans run from 1 to 1" in result.stdout
    assert ("type a K -S +E (e.g. a 1 -2 +1: span 1 starts two words earlier and ends one "
            "word later), Enter to keep, < to go back") in result.stdout
    assert "span 1 would hold no word; nothing was changed" in result.stdout
    assert read_ledger(project, "consensus").live() == []  # quit before any decision


def test_ask_pick_takes_the_positions_any_coder_marked(invoke, tmp_path: Path) -> None:
    project = _study(tmp_path)
    result = _walk(invoke, project, [f"p {X}", "", "", "q"])
    assert result.exit_code == 0, result.stderr
    (d,) = read_ledger(project, "consensus").live()
    assert (d.outcome, d.chosen_spans) == ("manual", {X: (words("beta", "zeta"),)})

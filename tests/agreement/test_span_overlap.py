"""Segment-based agreement from spans: ``agree --overlap any|N%``.

A code is present in a segment for a coder when one of the coder's spans of it overlaps
the segment (``any``), or when the union of the coder's spans of it covers at least N% of
the segment's characters. On whole-segment codings the figures are exactly those of the
code before spans were read this way: ``tests/data/agreement/whole_segment_golden.json``
was written by that code (the study of tests/data/reconcile and the demo's sample study,
seed 7, 200 resamples), and every number must come out the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qcode.agreement.project import (
    covered,
    parse_overlap,
    presence_from_spans,
    project_agreement,
)
from qcode.coding import store
from qcode.errors import ExitCode, UsageError
from qcode.models import Code, Codebook, Coding, Document, Level, Segment, Theme
from qcode.project import Project, init_project
from tests.builders import DATA, build_study

GOLDEN = DATA / "agreement" / "whole_segment_golden.json"
NEW_KEYS = ("overlap", "overlap_rule")


def _agree(invoke, root: Path, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(root), "agree", "--seed", "7", "--bootstrap", "200",
                    "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _without_new(data: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in data.items() if k not in NEW_KEYS}


def test_whole_segment_figures_equal_the_golden_output(invoke, project: Project,
                                                       tmp_path: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    build_study(project)
    got = {}
    for by in ("code", "theme", "level", "document"):
        got[f"study:{by}"] = _agree(invoke, project.root, "--by", by)
        got[f"study2:{by}"] = _agree(invoke, project.root, "--by", by, "--coder", "ingrid,lars")
    demo = tmp_path / "demo"
    assert invoke("demo", str(demo), "--date", "2026-01-01", "--format", "json").exit_code == 0
    for by in ("code", "theme"):
        got[f"demo:{by}"] = _agree(invoke, demo, "--by", by)
    assert set(got) == set(golden)
    for key, data in got.items():
        assert (data["overlap"], data["overlap_rule"].endswith("(--overlap any)")) == \
            ("any", True)
        assert _without_new(data) == golden[key], key
    # a share changes nothing on whole segments: every coded segment is covered in full
    assert _without_new(_agree(invoke, project.root, "--overlap", "100%")) == \
        golden["study:code"]


# ----------------------------------------------------------------------------- spans

CB = Codebook(themes=(Theme(id="T", name="Theme"),), levels=(Level(id="L", name="Level"),),
              codes=(Code(id="A", name="Alpha", theme="T", level="L"),
                     Code(id="B", name="Beta", theme="T", level="L")))
# three segments of 10, 10 and 20 characters (a gap of one between them)
SEGS = [(0, 10), (11, 21), (22, 42)]
IDS = ["D:0001", "D:0002", "D:0003"]


def span(coder: str, code: str, start: int, end: int, seg: str = "D:0001") -> Coding:
    return Coding(coder=coder, doc="D", segment=seg, code=code, start=start, end=end,
                  quote="")


def presence(codings: list[Coding], overlap: float | None) -> np.ndarray:
    out = np.zeros((1, 3, 2), dtype=bool)
    presence_from_spans(out, 0, codings, [("D", s) for s in IDS], SEGS, {"A": 0, "B": 1},
                        overlap)
    return out[0]


def test_any_overlap_marks_every_segment_a_span_touches() -> None:
    # 5-15 touches segments 1 and 2; 21-22 lies in the gap: no segment; 30-31 one char
    got = presence([span("a", "A", 5, 15), span("a", "B", 21, 22),
                    span("a", "B", 30, 31, "D:0003")], None)
    assert got.tolist() == [[True, False], [True, False], [False, True]]


def test_share_is_the_union_of_the_coders_spans_of_that_code() -> None:
    # segment 3 (20 chars): 22-28 and 25-32 cover 22-32 = 10 chars = 50 %
    pieces = [span("a", "A", 22, 28, "D:0003"), span("a", "A", 25, 32, "D:0003")]
    assert presence(pieces, 0.5)[2].tolist() == [True, False]
    assert presence(pieces, 0.51)[2].tolist() == [False, False]
    # another code's span does not count towards A's share
    assert presence([*pieces[:1], span("a", "B", 28, 42, "D:0003")], 0.5)[2].tolist() == \
        [False, True]
    # a span across segments counts for each segment by its own part: 8-15 holds 2 of
    # segment 1's 10 characters (20 %) and 4 of segment 2's (40 %)
    assert presence([span("a", "A", 8, 15)], 0.3)[:2, 0].tolist() == [False, True]


def test_coding_without_offsets_covers_its_segment() -> None:
    assert presence([span("a", "A", 0, 0, "D:0002")], 1.0)[:, 0].tolist() == \
        [False, True, False]


def test_covered_counts_each_character_once() -> None:
    assert covered([]) == 0
    assert covered([(5, 9), (0, 3), (2, 6), (9, 10)]) == 10


@pytest.mark.parametrize(("text", "share"), [("any", None), (" ANY ", None), ("50%", 0.5),
                                             ("100", 1.0), ("0.5%", 0.005)])
def test_parse_overlap(text: str, share: float | None) -> None:
    assert parse_overlap(text) == share


@pytest.mark.parametrize("text", ["0", "0%", "101%", "half", "-5%", ""])
def test_parse_overlap_refuses(text: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_overlap(text)
    assert err.value.message == (f"--overlap {text!r} is not 'any' or a share of the "
                                 "segment like 50%")


def test_pure_function_rule_changes_kappa() -> None:
    codings = {"a": [span("a", "A", 0, 3)], "b": [span("b", "A", 0, 10)]}
    done = {"a": {"D"}, "b": {"D"}}
    segs = {"D": IDS}
    bounds = {"D": SEGS}
    anyr = project_agreement(segs, codings, done, CB, n_boot=0, bounds=bounds)
    half = project_agreement(segs, codings, done, CB, n_boot=0, bounds=bounds, overlap=0.5)
    pct = {r.id: r.coefficients[0].value for r in anyr.rows}
    assert (anyr.overlap, half.overlap) == ("any", "50%")
    assert pct["A"] == 1.0  # both mark A in segment 1
    assert {r.id: r.coefficients[0].value for r in half.rows}["A"] == pytest.approx(2 / 3)


# ----------------------------------------------------------------------------- CLI


def spans_project(root: Path) -> Project:
    project = init_project(root / "p")
    text = "one two three four five six seven eight nine ten\nalpha beta gamma delta\n"
    segs = (Segment(id="S:0001", start=0, end=48, speaker="R", turn=0),
            Segment(id="S:0002", start=49, end=71, speaker="I", turn=1))
    doc = Document(id="S", title="S", format="txt", text=text, segments=segs)
    project.save_document(doc)
    code = project.codebook.codes[0].id
    store.add_span(project, "ana", doc, 0, 9, [code])      # "one two t": 9 of 48
    store.add_span(project, "bo", doc, 4, 48, [code])      # most of segment 1
    store.add_span(project, "bo", doc, 40, 60, [code])     # across into segment 2
    for c in ("ana", "bo"):
        store.mark_done(project, c, "S")
    return project


def test_cli_overlap_option_and_footer(invoke, tmp_path: Path) -> None:
    project = spans_project(tmp_path)
    code = project.codebook.codes[0].id
    anyr = _agree(invoke, project.root, "--metric", "percent_agreement")
    half = _agree(invoke, project.root, "--metric", "percent_agreement", "--overlap", "50%")
    rows_any = {r["id"]: r for r in anyr["rows"]}
    rows_half = {r["id"]: r for r in half["rows"]}
    # any: ana has segment 1, bo segments 1 and 2 -> agree on 1 of 2
    assert rows_any[code]["coefficients"]["percent_agreement"]["value"] == 0.5
    # 50 %: ana's 9 of 48 is not enough, bo's 44 of 48 is; bo's 11 of 22 in segment 2 is
    assert rows_half[code]["coefficients"]["percent_agreement"]["value"] == 0.0
    assert (anyr["overlap"], half["overlap"]) == ("any", "50%")
    assert half["overlap_rule"] == ("a code is present in a segment for a coder when the "
                                    "coder's spans of it cover at least 50% of the "
                                    "segment's characters (--overlap 50%)")
    table = invoke("--project", str(project.root), "agree", "--bootstrap", "0",
                   "--overlap", "50%")
    assert table.exit_code == 0
    assert ("Spans: a code is present in a segment for a coder when the coder's spans of "
            "it cover at least 50% of the segment's characters (--overlap 50%).") in \
        " ".join(table.stdout.split())


def test_cli_overlap_errors(invoke, tmp_path: Path) -> None:
    project = spans_project(tmp_path)
    bad = invoke("--project", str(project.root), "agree", "--overlap", "200%")
    assert (bad.exit_code, bad.stderr) == (
        ExitCode.USAGE, "Error: --overlap '200%' is not 'any' or a share of the segment like "
        "50%\nHint: use --overlap any (one character is enough) or --overlap N% with 0 < N "
        "<= 100\n")
    csv = tmp_path / "r.csv"
    csv.write_text("unit,coder,value\n1,a,x\n1,b,x\n", encoding="utf-8")
    bad = invoke("agree", "--ratings", str(csv), "--overlap", "any")
    assert (bad.exit_code, bad.stderr) == (
        ExitCode.USAGE, "Error: --overlap applies to project mode, not to --ratings\n")

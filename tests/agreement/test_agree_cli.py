"""``qcode agree`` in-process: exact JSON keys, messages and exit codes, both modes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from qcode.errors import ExitCode
from qcode.models import Document, Segment, Turn
from qcode.project import Project
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "agreement"
UNWEIGHTED = ["percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "conger_kappa",
              "krippendorff_alpha", "gwet_ac1", "brennan_prediger"]
WEIGHTED = ["percent_agreement", "weighted_cohen_kappa", "weighted_fleiss_kappa",
            "weighted_conger_kappa", "krippendorff_alpha", "gwet_ac2",
            "weighted_brennan_prediger"]


def as_json(result) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_generic_json_shape_and_published_value(invoke) -> None:  # type: ignore[no-untyped-def]
    out = as_json(invoke("agree", "--ratings", str(DATA / "krippendorff2011.csv"),
                         "--level", "ordinal", "--format", "json", "--seed", "1"))
    assert list(out) == ["schema_version", "n_units", "n_coders", "coefficients"]
    assert (out["n_units"], out["n_coders"]) == (12, 4)
    assert list(out["coefficients"]) == UNWEIGHTED
    for name, entry in out["coefficients"].items():
        extra = ["p_below_667", "p_below_800"] if name == "krippendorff_alpha" else []
        assert list(entry) == ["value", "ci", *extra]
    alpha = out["coefficients"]["krippendorff_alpha"]
    assert round(alpha["value"], 3) == 0.815
    assert alpha["ci"][0] <= alpha["value"] <= alpha["ci"][1]
    # Cohen's kappa and Scott's pi need exactly 2 coders: null
    assert out["coefficients"]["cohen_kappa"] == {"value": None, "ci": None}
    assert out["coefficients"]["scott_pi"] == {"value": None, "ci": None}


def test_generic_weighted_names(invoke) -> None:  # type: ignore[no-untyped-def]
    out = as_json(invoke("agree", "--ratings", str(DATA / "gwet_raw_4raters.csv"),
                         "--weights", "bipolar", "--format", "json", "--bootstrap", "0"))
    assert list(out["coefficients"]) == WEIGHTED
    assert out["coefficients"]["gwet_ac2"] == {"value": 0.900373, "ci": None}


def test_generic_seed_reproduces(invoke) -> None:  # type: ignore[no-untyped-def]
    args = ("agree", "--ratings", str(DATA / "cohen1960.csv"), "--format", "json",
            "--seed", "11")
    assert as_json(invoke(*args)) == as_json(invoke(*args))


def test_generic_table_says_why_a_coefficient_is_null(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("agree", "--ratings", str(DATA / "fleiss1971.csv"), "--seed", "3")
    assert result.exit_code == 0
    assert "needs exactly 2 coders (the data has 6)" in result.stdout
    assert "0.430" in result.stdout
    assert "Bootstrap: 1000 resamples, seed 3 (--seed 3 reproduces them)." in result.stdout


def test_generic_csv_format(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("agree", "--ratings", str(DATA / "cohen1960.csv"), "--format", "csv",
                    "--bootstrap", "0")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["coefficient", "value", "ci_low", "ci_high", "note"]
    kappa = next(r for r in rows if r["coefficient"] == "cohen_kappa")
    assert kappa["value"] == "0.491525" and kappa["ci_low"] == ""


def test_masi_level_reads_sets(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "sets.csv"
    f.write_text("unit,coder,value\n1,A,x\n1,A,y\n1,B,x\n1,B,y\n2,A,x\n2,B,y\n"
                 "3,A,y\n3,B,y\n", encoding="utf-8")
    out = as_json(invoke("agree", "--ratings", str(f), "--level", "masi", "--format",
                         "json", "--bootstrap", "0"))
    assert out["coefficients"]["krippendorff_alpha"]["value"] is not None
    assert out["coefficients"]["fleiss_kappa"] == {"value": None, "ci": None}


@pytest.mark.parametrize(("args", "code", "stderr"), [
    (["--level", "ordinal", "--weights", "linear"], ExitCode.USAGE,
     "Error: --level and --weights both set alpha's distance; give one of them\n"),
    (["--by", "theme"], ExitCode.USAGE,
     "Error: --by applies to project mode, not to --ratings\n"),
    (["--ci", "95"], ExitCode.USAGE,
     "Error: --ci must be between 0 and 1, e.g. 0.95 (got 95.0)\n"),
])
def test_generic_usage_errors(invoke, args, code, stderr) -> None:  # type: ignore[no-untyped-def]
    result = invoke("agree", "--ratings", str(DATA / "cohen1960.csv"), *args)
    assert result.exit_code == code
    assert result.stderr == stderr


def test_csv_error_is_located_with_invalid_input_exit(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "r.csv"
    f.write_text("unit,coder,value\n1,A,a\n1,B\n", encoding="utf-8")
    result = invoke("agree", "--ratings", str(f))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (f"Error: {f}:3: expected 3 fields (unit,coder,value), found 2\n"
                             "Hint: fix the line and run again\n")


@pytest.mark.parametrize(("text", "message"), [
    ("unit,coder,value\n1,A,a\n2,A,b\n",
     "Error: the ratings come from 1 coder (A); agreement needs at least 2\n"),
    ("unit,coder,value\n1,A,a\n2,B,b\n",
     "Error: no unit was rated by 2 or more coders; agreement needs units rated by at least "
     "2\n"),
    ("unit,coder,value\n1,A,a\n1,B,a\n",
     "Error: every rating uses a single category ('a'); agreement needs at least 2 "
     "categories\n"),
])
def test_insufficient_data_names_what_is_missing(invoke, tmp_path: Path, text: str,
                                                 message: str) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "r.csv"
    f.write_text(text, encoding="utf-8")
    result = invoke("agree", "--ratings", str(f))
    assert result.exit_code == ExitCode.INSUFFICIENT_DATA
    assert result.stderr.splitlines()[0] == message.rstrip("\n")


def test_single_category_with_declared_domain_reports_what_is_defined(
        invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "r.csv"
    f.write_text("unit,coder,value\n1,A,a\n1,B,a\n2,A,a\n2,B,a\n", encoding="utf-8")
    out = as_json(invoke("agree", "--ratings", str(f), "--categories", "a,b", "--format",
                         "json", "--bootstrap", "0"))
    c = out["coefficients"]
    assert c["percent_agreement"]["value"] == 1.0
    assert c["brennan_prediger"]["value"] == 1.0
    assert c["cohen_kappa"]["value"] is None and c["krippendorff_alpha"]["value"] is None
    table = invoke("agree", "--ratings", str(f), "--categories", "a,b", "--bootstrap", "0")
    assert "every rating is 'a', so chance agreement is 1" in table.stdout


# ------------------------------------------------------------------ project mode


def _document(doc_id: str, n: int) -> Document:
    text = "".join(f"Segment {i}. " for i in range(n))
    segs, pos = [], 0
    for i in range(n):
        length = len(f"Segment {i}. ")
        segs.append(Segment(id=f"{doc_id}:{i + 1:04d}", start=pos, end=pos + length,
                            speaker="R", turn=0))
        pos += length
    return Document(id=doc_id, title=doc_id, format="txt", text=text,
                    turns=(Turn(speaker="R", start=0, end=len(text)),), segments=tuple(segs))


@pytest.fixture
def coded(project: Project) -> Project:
    from qcode.coding import store as codings

    d1, d2 = _document("D01", 6), _document("D02", 4)
    project.save_document(d1)
    project.save_document(d2)
    codes = [c.id for c in project.codebook.codes]
    codings.add_codes(project, "ingrid", d1, ["D01:0001", "D01:0002"], [codes[0]])
    codings.add_codes(project, "ingrid", d1, ["D01:0003"], [codes[5]])
    codings.add_codes(project, "ola", d1, ["D01:0001"], [codes[0]])
    codings.add_codes(project, "ola", d1, ["D01:0003"], [codes[5], codes[1]])
    codings.add_codes(project, "ola", d2, ["D02:0001"], [codes[0]])
    for coder in ("ingrid", "ola"):
        codings.mark_done(project, coder, "D01")
    codings.mark_done(project, "ingrid", "D02")
    return project


def test_project_json(invoke, coded: Project) -> None:  # type: ignore[no-untyped-def]
    out = as_json(invoke("--project", str(coded.root), "agree", "--format", "json",
                         "--seed", "5", "--bootstrap", "200"))
    assert list(out) == ["schema_version", "coders", "documents", "n_units", "by",
                         "metrics", "ci_level", "bootstrap", "seed", "overlap", "overlap_rule",
                         "overall", "rows"]
    assert out["coders"] == ["ingrid", "ola"] and out["documents"] == ["D01"]
    assert out["n_units"] == 6 and out["seed"] == 5
    assert list(out["overall"]) == ["masi_alpha", "mean_per_code"]
    assert list(out["overall"]["masi_alpha"]) == ["value", "ci", "p_below_667",
                                                  "p_below_800"]
    assert len(out["rows"]) == len(coded.codebook.codes)
    first = out["rows"][0]
    assert list(first) == ["id", "label", "prevalence", "n_units", "coefficients", "note"]
    assert list(first["coefficients"]) == ["percent_agreement", "cohen_kappa", "gwet_ac1",
                                           "krippendorff_alpha"]
    assert first["prevalence"] == pytest.approx(3 / 12)
    assert first["coefficients"]["percent_agreement"]["value"] == pytest.approx(5 / 6)


def test_project_table_by_theme_and_metric(invoke, coded: Project) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(coded.root), "agree", "--by", "theme", "--metric",
                    "krippendorff_alpha,gwet_ac1", "--seed", "2")
    assert result.exit_code == 0, result.output
    assert "Agreement by theme: ingrid, ola; 1 documents, 6 segments" in result.stdout
    # the overall rows stand apart from the theme rows and say what they are
    prose = " ".join(result.stdout.split())  # footnotes wrap at the terminal's width
    assert "All codes: Krippendorff's alpha with the MASI distance" in prose
    assert "the rows above are themes, the mean is over codes" in prose
    assert "Marks (Krippendorff): ✓ >= .800 reliable" in result.stdout


def test_project_csv(invoke, coded: Project) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(coded.root), "agree", "--format", "csv", "--bootstrap",
                    "0", "--metric", "percent_agreement")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:5] == ["id", "label", "prevalence", "n_units", "percent_agreement"]
    assert rows[-2]["id"] == "(mean per code)" and rows[-1]["id"] == "(code sets, MASI)"


def test_project_errors(invoke, coded: Project, project: Project) -> None:  # type: ignore[no-untyped-def]
    result = invoke("--project", str(coded.root), "agree", "--coder", "ingrid,oal")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == "Error: no coder 'oal' in this project\nHint: did you mean ola?\n"
    result = invoke("--project", str(coded.root), "agree", "--metric", "kappa_cohen")
    assert result.exit_code == ExitCode.USAGE
    result = invoke("--project", str(coded.root), "agree", "--weights", "linear")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("Error: --weights applies to --ratings FILE.csv only\n")


def test_project_without_coders(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from qcode.project import init_project

    p = init_project(tmp_path / "empty")
    result = invoke("--project", str(p.root), "agree")
    assert result.exit_code == ExitCode.INSUFFICIENT_DATA
    assert result.stderr.splitlines()[0] == ("Error: agreement needs at least 2 coders who "
                                             "completed documents (found: none)")

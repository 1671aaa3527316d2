"""``qcode matrix`` and ``qcode cooccur`` in-process, on the known project."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import build_known

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def known(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known")


@pytest.fixture
def qc(invoke: Callable[..., Any], known: Project) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        return invoke("--project", str(known.root), *args)

    return run


def test_matrix_json_is_the_documented_shape(qc: Callable[..., Any]) -> None:
    result = qc("matrix", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "schema_version": 1, "row_labels": ["GOV", "ECO", "ORG"],
        "col_labels": ["micro", "macro"],
        "counts": [[5, 2], [2, 2], [0, 0]], "row_totals": [6, 4, 0], "col_totals": [5, 3],
        "total": 7, "count": "segments", "coder": "ana"}


def test_matrix_split_json(qc: Callable[..., Any]) -> None:
    result = qc("matrix", "--split-by", "region", "--count", "documents", "--format", "json")
    data = json.loads(result.stdout)
    assert data["split_by"] == "region"
    assert list(data["splits"]) == ["North", "South"]
    assert data["splits"]["South"]["counts"] == [[1, 0], [1, 0], [0, 0]]
    assert data["splits"]["North"]["count"] == "documents"


def test_matrix_percent_json_and_table(qc: Callable[..., Any]) -> None:
    data = json.loads(qc("matrix", "--percent", "col", "--format", "json").stdout)
    assert data["cells_pct"] == [[100.0, 66.67], [40.0, 66.67], [0.0, 0.0]]
    table = qc("matrix", "--percent", "col").stdout
    assert "Governance (GOV)" in table and "5 (100.0%)" in table and "2 (40.0%)" in table


def test_matrix_where_and_text_formats(qc: Callable[..., Any]) -> None:
    csv_out = qc("matrix", "--where", "region=North", "--format", "csv").stdout
    assert csv_out == ("theme\\level,micro,macro,total\nGOV,3,2,4\nECO,1,2,3\nORG,0,0,0\n"
                       "total,3,3,5\n")
    md = qc("matrix", "--format", "md").stdout
    assert md.splitlines()[:3] == ["| Theme / Level | Micro | Macro | Total |",
                                   "|:---|---:|---:|---:|",
                                   "| Governance (GOV) | 5 | 2 | 6 |"]
    latex = qc("matrix", "--format", "latex").stdout
    assert "Governance (GOV) & 5 & 2 & 6 \\\\" in latex
    assert "\\end{tabular}\n\\par\\smallskip\n{\\footnotesize\n" in latex
    assert latex.endswith("(here the grand total is 7 and the cells add up to 11).\\par\n}\n")


def test_matrix_svg_is_plain_labelled_svg(qc: Callable[..., Any]) -> None:
    result = qc("matrix", "--format", "svg")
    root = ElementTree.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert "sans-serif" in root.get("font-family", "")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Governance", "Economy", "Organisation", "Micro", "Macro"} <= set(texts)
    assert texts.count("5") == 1 and texts.count("0") == 2
    assert not list(root.iter(f"{SVG}script"))


def test_matrix_svg_split_writes_one_file_per_value(qc: Callable[..., Any],
                                                   tmp_path: Path) -> None:
    result = qc("matrix", "--split-by", "region", "--format", "svg")
    assert result.exit_code == ExitCode.USAGE
    target = tmp_path / "m.svg"
    result = qc("matrix", "--split-by", "region", "--format", "svg", "-o", str(target))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.glob("m-*.svg")) == ["m-North.svg", "m-South.svg"]


def test_matrix_html_is_a_page(qc: Callable[..., Any]) -> None:
    page = qc("matrix", "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" not in page


def test_matrix_errors(invoke: Callable[..., Any], tmp_path: Path) -> None:
    two = build_known(tmp_path / "two", coders=("ana", "bo"))
    result = invoke("--project", str(two.root), "matrix")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: this project has several coders; choose one with "
                             "--coder\nHint: coders: ana, bo\n")
    result = invoke("--project", str(two.root), "matrix", "--coder", "bo", "--rows", "cod")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("Error: unknown dimension 'cod'; did you mean 'code'?")
    result = invoke("--project", str(two.root), "matrix", "--coder", "ana", "--where",
                    "regoin=North")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == ("Error: --where: no document attribute 'regoin'; did you mean "
                             "'region'?\nHint: attributes: group, region\n")
    result = invoke("--project", str(two.root), "matrix", "--coder", "zed")
    assert result.exit_code == ExitCode.NOT_FOUND


def test_cooccur_json_and_csv(qc: Callable[..., Any]) -> None:
    data = json.loads(qc("cooccur", "--format", "json").stdout)
    assert set(data) == {"schema_version", "by", "window", "coder", "items", "labels",
                         "counts", "jaccard", "segments", "pairs"}
    assert data["pairs"][0] == {"a": "G1", "b": "G2", "count": 2, "jaccard": 0.4,
                                "a_segments": 4, "b_segments": 3}
    csv_out = qc("cooccur", "--by", "cell", "--format", "csv").stdout
    assert csv_out.splitlines()[:2] == ["a,b,count,jaccard,a_segments,b_segments",
                                        "GOV/micro,ECO/micro,2,0.4,5,2"]
    table = qc("cooccur", "--window", "1").stdout
    assert "within 1 segment," in table and "G1 Local leadership" in table


def test_cooccur_svg(qc: Callable[..., Any]) -> None:
    root = ElementTree.fromstring(qc("cooccur", "--format", "svg").stdout.encode("utf-8"))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels.count("G1") == 2  # a row and a column


@pytest.mark.parametrize("command", ["matrix", "cooccur", "report"])
def test_help_states_examples(invoke: Callable[..., Any], command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout


@pytest.mark.parametrize("command", ["matrix", "cooccur"])
def test_output_without_a_file_format_is_refused(invoke: Any, tmp_path: Path,
                                                 command: str) -> None:
    """-o with the terminal table wrote nothing and said nothing; now it is refused."""
    project = build_known(tmp_path / "p")
    target = tmp_path / "out.txt"
    result = invoke("--project", str(project.root), command, "-o", str(target))
    assert result.exit_code == 2
    formats = "md, csv, latex, json, html or svg" if command == "matrix" else "md, csv, json or svg"
    assert result.output == (f"Error: --output needs --format {formats}\n"
                             "Hint: tables are for the terminal\n")
    assert not target.exists()

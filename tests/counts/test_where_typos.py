"""QA round 2, matrices and reports: a --where value no document has is a typo, not zeros."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import build_known


@pytest.fixture
def qc(invoke: Callable[..., Any], tmp_path: Path) -> Callable[..., Any]:
    known: Project = build_known(tmp_path / "known")

    def run(*args: str) -> Any:
        return invoke("--project", str(known.root), *args)
    return run


def test_where_value_no_document_has_is_an_error(qc: Callable[..., Any]) -> None:
    # was: an all-zero matrix (or a report of 0 excerpts) for a typo like 'north'
    result = qc("matrix", "--where", "region=north")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stdout == ""
    assert result.stderr == ("Error: --where region=north: no such value of region in this "
                             "project; did you mean 'North'?\n"
                             "Hint: region values: North, South\n")


@pytest.mark.parametrize("command", [["cooccur"], ["report", "--format", "md"]])
def test_where_typo_is_an_error_for_cooccur_and_report(qc: Callable[..., Any],
                                                        command: list[str]) -> None:
    result = qc(*command, "--where", "document=D9")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr.startswith("Error: --where document=D9: no such document in this "
                                    "project")


def test_where_known_value_without_codings_still_counts_zero(qc: Callable[..., Any]) -> None:
    # group=local exists (D2); speaker Cy exists (D3) but not in D2: an empty, valid selection
    result = qc("matrix", "--where", "group=local", "--where", "speaker=Cy",
                "--format", "json")
    assert result.exit_code == ExitCode.OK
    assert json.loads(result.stdout)["total"] == 0


def test_where_empty_value_selects_documents_without_the_attribute(
        qc: Callable[..., Any]) -> None:
    result = qc("matrix", "--where", "group=", "--format", "json")
    assert result.exit_code == ExitCode.OK
    # only D3 has no group: its coded segments D3:0002 (G2, E1) and D3:0004 (G1, G2)
    assert json.loads(result.stdout)["total"] == 2


def test_split_csv_is_one_table_with_the_split_value_first(qc: Callable[..., Any]) -> None:
    # was: one CSV table per value between '# region = North' comment lines
    import csv
    import io

    result = qc("matrix", "--split-by", "region", "--format", "csv")
    assert result.exit_code == ExitCode.OK
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["region", "theme\\level", "micro", "macro", "total"]
    # by hand: North = D1, D2 (GOV micro D1:1 D1:2 D2:2; GOV macro D1:2 D2:3; ECO micro
    # D1:2; ECO macro D1:4 D2:3); South = D3 (GOV micro D3:2 D3:4; ECO micro D3:2)
    assert rows[1:] == [
        ["North", "GOV", "3", "2", "4"], ["North", "ECO", "1", "2", "3"],
        ["North", "ORG", "0", "0", "0"], ["North", "total", "3", "3", "5"],
        ["South", "GOV", "2", "0", "2"], ["South", "ECO", "1", "0", "1"],
        ["South", "ORG", "0", "0", "0"], ["South", "total", "2", "0", "2"]]

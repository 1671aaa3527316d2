"""``qcode demo``: the whole pipeline on the bundled sample study."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.demo import DemoResult, run_demo
from qcode.errors import ConflictError, ExitCode
from qcode.project import open_project

DATE = "2026-01-31"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo") / "qcode-demo", date=DATE)


def test_demo_builds_every_stage(built: DemoResult) -> None:
    assert built.documents == 9
    assert set(built.codings) == {"ingrid", "lars", "consensus"}
    assert all(n > 0 for n in built.codings.values())
    # union keeps every code either coder gave: at least as many as either coder
    assert built.codings["consensus"] >= max(built.codings["ingrid"], built.codings["lars"])
    assert set(built.decisions) <= {"agreed", "union"} and built.decisions["agreed"] > 0
    assert built.decisions.get("union", 0) > 0  # the shipped coders disagree somewhere
    assert built.masi_alpha is not None and 0 < built.masi_alpha <= 1
    m = built.matrix
    assert (m.rows, m.cols) == (("GOV", "ORG", "ECO"), ("micro", "meso", "macro"))
    assert all(n > 0 for row in m.counts for n in row)  # the study fills every cell
    assert m.coder == "consensus"
    assert built.timings["total"] < 30


def test_demo_files_exist_and_open(built: DemoResult) -> None:
    from docx import Document

    out = built.root / "output"
    for name in ("report.md", "report.html", "report.docx", "matrix.md", "matrix.svg",
                 "matrix.json", "matrix-by-stakeholder-level.json", "cooccur-cells.json",
                 "cooccur-cells.svg", "cooccur-codes-window1.json", "agreement.json"):
        assert (out / name).is_file(), name
    assert all(p.is_file() for p in built.files.values())
    matrix = json.loads((out / "matrix.json").read_text(encoding="utf-8"))
    assert matrix["coder"] == "consensus" and matrix["count"] == "segments"
    split = json.loads((out / "matrix-by-stakeholder-level.json").read_text(encoding="utf-8"))
    assert list(split["splits"]) == ["local", "national", "regional"]
    doc = Document(io.BytesIO((out / "report.docx").read_bytes()))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["Theme x level matrix", "Agreement",
                  "Joint display: registry figures beside the interviews", "Excerpts",
                  "Appendix: codebook"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Helse Nord" in html and "<script" not in html


def test_demo_reconciliation_is_recorded(built: DemoResult) -> None:
    project = open_project(built.root)
    lines = (project.reconciliations_dir / "consensus.jsonl").read_text(
        encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["kind"] == "run" and records[0]["strategy"] == "union"
    assert any(r.get("outcome") == "union" for r in records)


def test_demo_reports_are_reproducible(built: DemoResult, tmp_path: Path) -> None:
    again = run_demo(tmp_path / "again", date=DATE)
    for name in ("report.md", "report.html", "report.docx", "matrix.svg"):
        assert (again.root / "output" / name).read_bytes() == \
            (built.root / "output" / name).read_bytes(), name


def test_demo_refuses_a_project_or_a_busy_folder(built: DemoResult, tmp_path: Path) -> None:
    with pytest.raises(ConflictError) as exc:
        run_demo(built.root)
    assert str(exc.value) == (f"{built.root} already holds a qcode project; the demo builds "
                              "a new one and changed nothing")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConflictError, match="is not empty"):
        run_demo(busy)
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]


def test_demo_cli_tour(invoke: Callable[..., Any], tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # bundled data must be found without the source tree
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("demo", str(empty), "--date", DATE)
    assert result.exit_code == 0, result.output
    assert "Ingested 9 fictional interviews" in result.stdout
    assert "output/report.html" in result.stdout and "Try next" in result.stdout
    result = invoke("demo", str(empty))
    assert result.exit_code == ExitCode.CONFLICT
    assert result.stderr == (f"Error: {empty} already holds a qcode project; the demo "
                             "builds a new one and changed nothing\nHint: give a new "
                             "folder: qcode demo /tmp/qcode-demo\n")
    result = invoke("demo", "--format", "json")  # default folder ./qcode-demo
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 9 and data["strategy"] == "union"
    assert (tmp_path / "qcode-demo" / "qcode.toml").is_file()

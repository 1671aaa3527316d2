"""QA: ``qcode codebook export`` (the DESIGN's show|check|export) and ``codebook check
--format json`` for scripts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from qcode.codebook.load import load
from qcode.errors import ExitCode
from qcode.project import Project
from qcode.refiqda.codebook_exchange import import_qdc
from tests.builders import DATA as TESTDATA

DATA = TESTDATA / "codebook"


@pytest.mark.parametrize("name", ["cb.yaml", "cb.md", "cb.json", "cb.csv", "cb.qdc"])
def test_export_by_extension_round_trips(invoke, project: Project, tmp_path: Path,  # type: ignore[no-untyped-def]
                                         name: str) -> None:
    target = tmp_path / "out" / name
    r = invoke("--project", str(project.root), "codebook", "export", str(target))
    assert r.exit_code == 0
    kind = target.suffix[1:]
    assert r.stdout == f"Wrote {target} ({kind}): 39 codes, 3 themes, 3 levels\n"
    cb = project.codebook
    if kind == "yaml":
        assert target.read_bytes() == project.codebook_path.read_bytes()
        assert load(target) == cb
    elif kind == "json":
        data = json.loads(target.read_text(encoding="utf-8"))
        assert [c["id"] for c in data["codes"]] == [c.id for c in cb.codes]
    elif kind == "csv":
        with target.open(encoding="utf-8") as fh:
            assert [row["id"] for row in csv.DictReader(fh)] == [c.id for c in cb.codes]
    elif kind == "md":
        text = target.read_text(encoding="utf-8")
        assert all(c.id in text for c in cb.codes)
    else:
        assert import_qdc(target)[0].codes == cb.codes


def test_export_format_option_and_bad_names(invoke, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = ("--project", str(project.root), "codebook", "export")
    r = invoke(*p, str(tmp_path / "appendix.txt"))
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == (f"Error: cannot tell the format of {tmp_path / 'appendix.txt'} from "
                        "its extension\nHint: end the name in .yaml, .md, .json, .csv or "
                        ".qdc, or give --format\n")
    assert not (tmp_path / "appendix.txt").exists()
    r = invoke(*p, str(tmp_path))
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == (f"Error: {tmp_path} is a folder\n"
                        "Hint: give a file name, e.g. codebook.md\n")
    r = invoke(*p, str(tmp_path / "appendix.txt"), "--format", "md")
    assert r.exit_code == 0
    assert (tmp_path / "appendix.txt").read_text(encoding="utf-8").startswith("# Codebook: ")


def test_check_json_reports_every_problem_and_keeps_the_exit_code(invoke) -> None:  # type: ignore[no-untyped-def]
    bad = DATA / "three-problems.yaml"
    r = invoke("codebook", "check", str(bad), "--format", "json")
    assert r.exit_code == ExitCode.INVALID_INPUT
    data = json.loads(r.stdout)
    assert (data["file"], data["ok"], data["codes"]) == (str(bad), False, None)
    assert len(data["errors"]) == 3
    assert all(isinstance(e["line"], int) and e["message"] for e in data["errors"])
    text = invoke("codebook", "check", str(bad))
    assert [ln.split(": ", 1)[1] for ln in text.stderr.splitlines()[1:4]] == [
        f"{e['field']}: {e['message']}" for e in data["errors"]]


def test_check_json_on_a_good_and_an_unparsable_codebook(invoke, project: Project,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    r = invoke("--project", str(project.root), "codebook", "check", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {"schema_version": 1,
                                    "file": str(project.codebook_path), "ok": True,
                                    "codes": 39, "themes": 3, "levels": 3, "errors": [],
                                    "warnings": []}
    broken = tmp_path / "broken.yaml"
    broken.write_text("codes: [\n", encoding="utf-8")
    r = invoke("codebook", "check", str(broken), "--format", "json")
    assert r.exit_code == ExitCode.INVALID_INPUT
    data = json.loads(r.stdout)
    assert data["ok"] is False
    assert data["errors"][0]["message"].startswith(f"{broken}:2: YAML syntax error")


def test_a_qdc_given_as_yaml_codebook_says_what_to_do(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """It was 'YAML syntax error: mapping values are not allowed' at some line."""
    qdc = TESTDATA / "refiqda" / "taguette-codebook.qdc"
    want = (f"Error: {qdc} is XML (a REFI-QDA .qdc codebook?), not a YAML codebook\n"
            f"Hint: convert it with: qcode import qdc {qdc} --output codebook.yaml\n")
    r = invoke("codebook", "check", str(qdc))
    assert (r.exit_code, r.stderr) == (ExitCode.INVALID_INPUT, want)
    r = invoke("init", str(tmp_path / "s"), "--codebook", str(qdc))
    assert (r.exit_code, r.stderr) == (ExitCode.INVALID_INPUT, want)
    assert not (tmp_path / "s").exists()

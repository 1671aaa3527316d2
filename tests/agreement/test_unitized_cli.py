"""``qcode agree --spans`` and ``qcode agree --unitized`` in-process: JSON shape, the
inferred continuum, exact messages and exit codes, project mode with --doc/--where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcode.coding import store
from qcode.errors import ExitCode
from qcode.project import Project
from tests.builders import build_known

NAMES = ["alpha_u_2004", "u_alpha", "binary_u_alpha", "cu_alpha", "k_u_alpha"]
ENTRY = ["value", "ci", "p_below_667", "p_below_800"]


def write(tmp_path: Path, text: str, name: str = "spans.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def flat(text: str) -> str:
    """The terminal text with its wrapped lines joined (notes wrap at the width)."""
    return " ".join(text.split())


def as_json(result) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


SPANS = ("coder,start,end,code,doc\n"
         "ana,10,20,A,d1\nbo,12,20,A,d1\nana,40,50,B,d1\nbo,40,52,B,d1\n"
         "ana,5,15,A,d2\nbo,5,15,A,d2\nana,30,44,B,d2\nbo,31,44,A,d2\n")


def test_json_shape(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = as_json(invoke("agree", "--spans", write(tmp_path, SPANS), "--format", "json",
                         "--seed", "4", "--bootstrap", "200"))
    assert list(out)[:4] == ["schema_version", "n_coders", "continuum_length", "coefficients"]
    assert out["n_coders"] == 2
    # no --continuum: each document runs from its smallest start to its largest end
    assert out["documents"] == [{"id": "d1", "start": 10, "end": 52},
                                {"id": "d2", "start": 5, "end": 44}]
    assert out["continuum_length"] == 42 + 39 and out["continuum_inferred"] is True
    assert list(out["coefficients"]) == NAMES
    for entry in out["coefficients"].values():
        assert list(entry) == [*ENTRY, "by_code"]
        for code_entry in entry["by_code"].values():
            assert list(code_entry) == ENTRY
    assert out["coefficients"]["k_u_alpha"]["value"] is None
    assert sorted(out["coefficients"]["u_alpha"]["by_code"]) == ["A", "B"]
    assert out["coefficients"]["cu_alpha"]["by_code"] == {}
    u = out["coefficients"]["u_alpha"]
    assert u["ci"][0] <= u["value"] <= u["ci"][1]
    assert (out["resampled"], out["n_resampled"]) == ("documents", 2)
    assert sorted(out["per_document"]) == ["d1", "d2"]


def test_the_table_says_the_continuum_was_inferred(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("agree", "--spans", write(tmp_path, SPANS), "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    assert ("The continuum was not given (--continuum): it runs from the smallest start to "
            "the largest end in the file, per document.") in flat(result.stdout)
    assert "No bootstrap intervals (--bootstrap 0)." in result.stdout
    given = invoke("agree", "--spans", write(tmp_path, SPANS), "--bootstrap", "0",
                   "--continuum", "0-100")
    assert "The continuum was not given" not in given.stdout


def test_an_undefined_coefficient_is_null_with_its_reason(  # type: ignore[no-untyped-def]
        invoke, tmp_path: Path) -> None:
    text = "coder,start,end,code\nana,0,10,A\nbo,0,10,A\n"
    result = invoke("agree", "--spans", write(tmp_path, text), "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    # both coders mark the whole continuum with one code: no variation anywhere
    assert ("u-alpha: n/a, no expected disagreement (every position has the same value for "
            "everyone).") in flat(result.stdout)
    out = as_json(invoke("agree", "--spans", write(tmp_path, text), "--bootstrap", "0",
                         "--format", "json"))
    assert out["coefficients"]["u_alpha"]["value"] is None


def test_csv_rows(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("agree", "--spans", write(tmp_path, SPANS), "--bootstrap", "0",
                    "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("document,coefficient,code,value,ci_low,ci_high,p_below_667,"
                        "p_below_800,note,n_resampled")
    assert lines[1].startswith("(pooled),alpha_u_2004,,")


@pytest.mark.parametrize(("text", "message"), [
    ("coder,start,end,code\nana,9,5,A\n",
     "Error: {f}:2: end 5 is not after start 9 (end is exclusive: a span of one position "
     "is start,start+1)"),
    ("coder,start,end,code\nana,x,5,A\n",
     "Error: {f}:2: start 'x' is not a whole number 0 or more"),
    ("coder,start,code\nana,1,A\n",
     "Error: {f}:1: the header lacks end (the header must be coder,start,end,code[,doc])"),
    ("coder,start,end,code\n", "Error: {f}:1: no spans, only the header"),
])
def test_csv_problems_name_file_and_line(invoke, tmp_path: Path, text: str,  # type: ignore[no-untyped-def]
                                         message: str) -> None:
    path = write(tmp_path, text)
    result = invoke("agree", "--spans", path)
    assert result.exit_code in (ExitCode.INVALID_INPUT, ExitCode.INSUFFICIENT_DATA)
    assert result.stderr.splitlines()[0] == message.format(f=path)


def test_a_span_outside_the_given_continuum(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "coder,start,end,code\nana,0,10,A\nbo,5,120,A\n")
    result = invoke("agree", "--spans", path, "--continuum", "0-100")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}:3: span 5-120 lies outside the continuum 0-100")


@pytest.mark.parametrize(("args", "message"), [
    (["--continuum", "100-50"], "Error: --continuum '100-50': END must be larger than START "
                                "(both 0 or more)"),
    (["--continuum", "abc"], "Error: --continuum 'abc' is not START-END"),
    (["--unitized"], "Error: --spans and --unitized are two modes; give one of them"),
    (["--coder", "ana"], "Error: --coder applies to project mode (--unitized), not to --spans"),
    (["--by", "theme"], "Error: --by does not apply to unitized agreement (--spans)"),
])
def test_options_that_do_not_fit(invoke, tmp_path: Path, args: list[str],  # type: ignore[no-untyped-def]
                                 message: str) -> None:
    result = invoke("agree", "--spans", write(tmp_path, SPANS), *args)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[0] == message


def test_doc_without_unitized_is_refused(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke("agree", "--doc", "D1")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[0] == "Error: --doc applies to --unitized only"


@pytest.fixture
def spans_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    project = build_known(tmp_path / "known", coders=("ana", "bo"), done=True)
    # bo also marks a phrase inside D1's first segment that ana did not
    doc = project.load_document("D1")
    seg = doc.segments[0]
    store.add_span(project, "bo", doc, seg.start + 2, seg.start + 9,
                   [project.codebook.codes[0].id])
    monkeypatch.chdir(project.root)
    return project


def test_project_mode(invoke, spans_project: Project) -> None:  # type: ignore[no-untyped-def]
    out = as_json(invoke("agree", "--unitized", "--format", "json", "--seed", "2",
                         "--bootstrap", "100"))
    assert out["coders"] == ["ana", "bo"]
    docs = {d["id"]: d for d in out["documents"]}
    assert sorted(docs) == ["D1", "D2", "D3"]
    d1 = spans_project.load_document("D1")
    assert (docs["D1"]["start"], docs["D1"]["end"]) == (0, len(d1.text))
    assert out["continuum_inferred"] is False
    for name in ("alpha_u_2004", "u_alpha", "binary_u_alpha", "cu_alpha"):
        entry = out["coefficients"][name]
        assert entry["value"] is not None and entry["ci"] is not None, name
    table = invoke("agree", "--unitized", "--seed", "2", "--bootstrap", "100")
    assert table.exit_code == 0, table.output
    assert "Bootstrap: 100 resamples of the 3 documents, seed 2" in flat(table.stdout)


def test_project_mode_doc_and_where(invoke, spans_project: Project) -> None:  # type: ignore[no-untyped-def]
    out = as_json(invoke("agree", "--unitized", "--format", "json", "--bootstrap", "0",
                         "--where", "region=North"))
    assert [d["id"] for d in out["documents"]] == ["D1", "D2"]
    out = as_json(invoke("agree", "--unitized", "--format", "json", "--bootstrap", "0",
                         "--doc", "D3"))
    assert [d["id"] for d in out["documents"]] == ["D3"]
    assert "per_document" not in out
    bad = invoke("agree", "--unitized", "--where", "colour=red")
    assert bad.exit_code == ExitCode.NOT_FOUND
    assert bad.stderr.splitlines()[0] == (
        "Error: --where: no compared document has the attribute 'colour'")

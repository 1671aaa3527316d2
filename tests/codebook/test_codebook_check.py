"""The faceted codebook: validation with located problems, and code lookup."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.codebook.load import check_file, check_text, load, resolve_code, resolve_facet
from qcode.errors import CodebookError, ExitCode, NotFoundError
from tests.builders import DATA

CB = DATA / "codebook"


def test_three_problems_are_all_located() -> None:
    result = check_file(CB / "three-problems.yaml")
    assert result.codebook is None
    assert [str(p) for p in result.errors] == [
        f"{CB / 'three-problems.yaml'}:15: codes[1] (GOV-01).id: duplicate id 'GOV-01' "
        "(first at line 11)",
        f"{CB / 'three-problems.yaml'}:22: codes[2] (GOV-02).level: unknown level 'mezzo' "
        "(levels: micro, macro)",
        f"{CB / 'three-problems.yaml'}:23: codes[3] (GOV-03).name: missing (required)",
    ]


def test_malformed_entries_are_reported_not_raised() -> None:
    result = check_file(CB / "malformed.yaml")
    fields = [p.field for p in result.errors]
    assert fields == ["themes[0]", "codes[0]", "codes[1] (X1).theme", "codes[1] (X1).include"]
    assert [p.line for p in result.errors] == [2, 4, 7, 8]


def test_yaml_syntax_error_names_file_and_line() -> None:
    with pytest.raises(CodebookError) as exc:
        check_file(CB / "syntax-error.yaml")
    assert str(exc.value).startswith(f"{CB / 'syntax-error.yaml'}:9: YAML syntax error")
    assert "starts at line 7" in str(exc.value)


def test_study_without_levels_and_with_subcodes() -> None:
    cb = load(CB / "no-levels.yaml")
    assert cb.levels == ()
    assert [c.id for c in cb.codes] == ["T1", "T2", "T2a"]
    assert cb.code("T2a").parent == "T2"
    assert cb.empty_cells() == []


def test_empty_cell_is_a_warning_not_an_error() -> None:
    text = (CB / "three-problems.yaml").read_text().split("  - id: GOV-01\n    name: Strategy "
                                                         "again")[0]
    result = check_text(text, "one-cell.yaml")
    assert result.codebook is not None
    assert [str(w) for w in result.warnings] == ["one-cell.yaml: codes: no code in cell GOV x "
                                                 "micro"]


def test_unknown_parent_and_theme_suggestion() -> None:
    text = """
themes: [{id: GOV, name: Governance}]
codes:
  - {id: A, name: A, theme: GOVV}
  - {id: B, name: B, theme: GOV, parent: Z}
"""
    errors = [str(p) for p in check_text(text, "x.yaml").errors]
    assert errors == [
        "x.yaml:4: codes[0] (A).theme: unknown theme 'GOVV'; did you mean 'GOV'?",
        "x.yaml:5: codes[1] (B).parent: unknown parent code 'Z'",
    ]


def test_load_raises_with_every_problem_as_details() -> None:
    with pytest.raises(CodebookError) as exc:
        load(CB / "three-problems.yaml")
    assert exc.value.exit_code == ExitCode.INVALID_INPUT
    assert len(exc.value.details) == 3


def test_resolve_code_by_id_name_and_suggestion() -> None:
    cb = load(CB / "no-levels.yaml")
    assert resolve_code(cb, "T1").id == "T1"
    assert resolve_code(cb, "waiting TIME").id == "T2"
    assert resolve_code(cb, "t2A").id == "T2a"
    with pytest.raises(NotFoundError) as exc:
        resolve_code(cb, "Trust in tech")
    assert str(exc.value) == "unknown code 'Trust in tech'"
    assert exc.value.hint is not None and exc.value.hint.startswith("did you mean T1 (Trust in "
                                                                    "technology)")


def test_resolve_facet() -> None:
    cb = load(CB / "no-levels.yaml")
    assert resolve_facet(cb, "theme", "trust") == "TRUST"
    with pytest.raises(NotFoundError, match="unknown theme 'TRUSTT'"):
        resolve_facet(cb, "theme", "TRUSTT")


@given(st.text(max_size=200))
def test_any_text_gives_problems_or_a_codebook_never_a_crash(text: str) -> None:
    try:
        result = check_text(text, "fuzz.yaml")
    except CodebookError as exc:
        assert "fuzz.yaml" in str(exc)
    else:
        assert (result.codebook is None) == bool(result.errors)


# ------------------------------------------------------------------------------ CLI


def test_cli_check_three_problems(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = CB / "three-problems.yaml"
    result = invoke("codebook", "check", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path} has 3 problems\n"
        f"  {path}:15: codes[1] (GOV-01).id: duplicate id 'GOV-01' (first at line 11)\n"
        f"  {path}:22: codes[2] (GOV-02).level: unknown level 'mezzo' (levels: micro, macro)\n"
        f"  {path}:23: codes[3] (GOV-03).name: missing (required)\n"
        "Hint: fix each line above, then run qcode codebook check again\n"
    )


def test_cli_check_syntax_error_is_one_line_no_traceback(invoke) -> None:  # type: ignore[no-untyped-def]
    path = CB / "syntax-error.yaml"
    result = invoke("codebook", "check", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}:9: YAML syntax error")
    assert "Traceback" not in result.output


def test_cli_check_ok(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("codebook", "check", str(CB / "no-levels.yaml"))
    assert result.exit_code == 0
    assert result.stdout == (f"OK: {CB / 'no-levels.yaml'}: 3 codes, 2 themes, 0 levels, "
                             "0 warnings\n")


def test_cli_check_missing_file(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("codebook", "check", "nope.yaml")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == ("Error: nope.yaml does not exist\n"
                             "Hint: give the path of a YAML codebook\n")


def test_cli_show_json_of_file(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke("codebook", "show", "--file", str(CB / "no-levels.yaml"), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) >= {"levels", "themes", "codes"}
    assert data["codes"][0]["id"] == "T1"
    assert {"id", "name", "theme", "level", "definition", "keywords"} <= set(data["codes"][0])


def test_cli_show_filters_and_formats(invoke, project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(project.root)
    result = invoke("codebook", "show", "--theme", "GOV", "--level", "macro", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,name,theme,level")
    assert len(lines) > 1
    assert all(",GOV,macro," in line for line in lines[1:] if line.startswith("GOV-"))
    md = invoke("codebook", "show", "--format", "md")
    assert md.stdout.startswith("# Codebook: ")
    table = invoke("codebook", "show")
    assert table.exit_code == 0 and "Theme" in table.stdout
    bad = invoke("codebook", "show", "--level", "mezzo")
    assert bad.exit_code == ExitCode.NOT_FOUND
    assert bad.stderr.startswith("Error: unknown level 'mezzo'")


def test_codebook_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.yaml"
    path.write_bytes(b"themes:\n  - id: GOV\n    name: Styring og \xf8konomi\n")
    with pytest.raises(Exception) as exc:
        check_file(path)
    assert str(exc.value) == f"{path}:3: not UTF-8 text"


def test_markdown_headings_never_skip_a_level() -> None:
    from qcode.reports.codebook import as_markdown

    md = as_markdown(load(CB / "no-levels.yaml"))
    depths = [len(line) - len(line.lstrip("#")) for line in md.splitlines()
              if line.startswith("#")]
    assert all(b - a <= 1 for a, b in pairwise(depths)), depths
    assert "### T1: Trust in technology" in md

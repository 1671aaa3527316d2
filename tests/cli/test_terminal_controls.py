"""Issue 12 item 15: escape sequences in codebook or transcript text never reach the
terminal raw; control characters are written out as ``\\xNN`` (tab and newline kept)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from qcode.cli.console import json_text, safe_text
from qcode.coding import store as codings
from qcode.errors import ExitCode
from qcode.project import Project, open_project
from tests.builders import make_doc

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile(project: Project, invoke: Callable[..., Any]) -> Callable[..., Any]:
    """Theme GOV named with a blink CSI, code GOV-MAC-01 with an OSC title change, a BEL
    and a C1 CSI; a transcript line with a clear-screen CSI and a BEL."""
    text = project.codebook_path.read_text(encoding="utf-8")
    theme = "    name: Governance and strategy"
    code = "name: National strategy and policy direction"
    assert theme in text and code in text
    text = text.replace(theme, '    name: "Gov\\e[5mX"', 1)
    text = text.replace(code, 'name: "S\\e]0;pwned\\a\\x9b2J"', 1)
    project.codebook_path.write_text(text, encoding="utf-8")
    project = open_project(project.root)
    doc = make_doc("T01", [("Respondent", "hello \x1b[2J there \x07 bell")])
    project.save_document(doc.model_copy(update={"attributes": {"region": "N\x1b[8m"}}))
    codings.add_codes(project, "ingrid", doc, [doc.segments[0].id], ["GOV-MAC-01"])

    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)

    return run


def test_codebook_show_prints_no_control_characters(hostile: Callable[..., Any]) -> None:
    # was: the theme and code names reached the terminal with their ESC sequences
    result = hostile("codebook", "show")
    assert result.exit_code == ExitCode.OK
    assert RAW.findall(result.stdout) == []
    assert "Gov\\x1b[5mX" in result.stdout
    assert "S\\x1b]0;pwned\\x" in result.stdout  # the cell is cut at its width


def test_matrix_prints_no_control_characters(hostile: Callable[..., Any]) -> None:
    result = hostile("matrix", "--coder", "ingrid")
    assert result.exit_code == ExitCode.OK
    assert RAW.findall(result.stdout) == []
    assert "Gov\\x1b[5mX (GOV)" in result.stdout
    by_region = hostile("matrix", "--coder", "ingrid", "--rows", "attr:region")
    assert RAW.findall(by_region.stdout) == []
    assert "N\\x1b[8m" in by_region.stdout


def test_show_prints_transcript_controls_visibly(hostile: Callable[..., Any]) -> None:
    result = hostile("show", "T01")
    assert result.exit_code == ExitCode.OK
    assert RAW.findall(result.stdout) == []
    assert "hello \\x1b[2J there \\x07 bell" in result.stdout


def test_report_markdown_writes_controls_as_text(hostile: Callable[..., Any]) -> None:
    result = hostile("report", "--format", "md", "--coder", "ingrid")
    assert result.exit_code == ExitCode.OK
    assert RAW.findall(result.stdout) == []


def test_an_error_quoting_a_value_prints_no_control_characters(
        hostile: Callable[..., Any]) -> None:
    result = hostile("tag", "T01", "1", "--code", "no\x1b[31mpe", "--coder", "ingrid")
    assert result.exit_code != ExitCode.OK
    assert RAW.findall(result.stderr) == []
    assert "no\\x1b[31mpe" in result.stderr


def test_safe_text_keeps_tab_and_newline() -> None:
    assert safe_text("a\tb\nc\x1b[0m\x7f\x85") == "a\tb\nc\\x1b[0m\\x7f\\x85"


def test_json_escapes_c1_controls_too(hostile: Callable[..., Any]) -> None:
    # json.dumps(ensure_ascii=False) escapes C0 controls but wrote U+009B (a CSI) raw
    result = hostile("codebook", "show", "--format", "json")
    assert result.exit_code == ExitCode.OK
    assert RAW.findall(result.stdout) == []
    assert '"name": "S\\u001b]0;pwned\\u0007\\u009b2J"' in result.stdout


@pytest.mark.parametrize("text", ["plain words", "DEL \x7f alone", "C1 \x9b2J", "å \x85 ø",
                                  "ÆØÅ only"])
def test_json_text_escapes_del_and_c1_wherever_they_are(text: str) -> None:
    """An ASCII output without DEL is returned as json wrote it (nothing to look for)."""
    import json

    out = json_text({"t": text})
    assert RAW.findall(out) == []
    assert json.loads(out)["t"] == text
    expected = json.dumps(text, ensure_ascii=False)
    for c in "\x7f\x85\x9b":
        expected = expected.replace(c, f"\\u{ord(c):04x}")
    assert f'"t": {expected}' in out


def test_a_document_on_a_terminal_is_made_safe_but_a_pipe_gets_it_whole(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from qcode.cli.console import emit

    emit("quote \x07 here\n", None)
    assert capsys.readouterr().out == "quote \x07 here\n"  # a file or pipe: the data
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    emit("quote \x1b[2J \x07 here\n", None)
    assert capsys.readouterr().out == "quote \\x1b[2J \\x07 here\n"

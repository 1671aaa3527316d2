"""Issue 12 item 17: one reader for every CSV qcode reads (codings, attributes, ratings,
registry): delimiters, BOM, quoted newlines, header aliases, bad rows named with their line
and value, did-you-mean, control characters in names refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode._io.csvfile import parse_table
from qcode.agreement.ratings_csv import parse_ratings_csv
from qcode.coding import store as codings
from qcode.errors import ExitCode, InvalidInputError
from qcode.project import Project
from qcode.registry.table import parse as parse_registry
from tests.builders import interview


@pytest.fixture
def q(project: Project, invoke: Callable[..., Any]) -> Callable[..., Any]:
    project.save_document(interview("T01"))

    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)

    return run


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


# ----------------------------------------------------------------------------- the reader


def test_parse_table_keeps_quoted_newlines_and_physical_lines() -> None:
    text = '\ufeffDocument ID\tNotes\n\nT01\t"first line\nsecond line"\nT02\tshort\n'
    table = parse_table(text, "a.tsv", required=("document",), optional=("notes",))
    assert table.delimiter == "\t"
    assert table.columns == {"document": 0, "notes": 1}
    assert [(r.line, r.cells) for r in table.rows] == [
        (3, ("T01", "first line\nsecond line")), (5, ("T02", "short"))]


@pytest.mark.parametrize("name", ["document", "doc", "Document_ID", "DOC"])
def test_every_alias_names_the_document_column(name: str) -> None:
    table = parse_table(f"{name};segment;code\nT01;2;X\n", "a.csv",
                        required=("document", "segment", "code"))
    assert table.missing == ()
    assert table.value(table.rows[0], "document") == "T01"


# ----------------------------------------------------------------------------- codings import


def test_codings_import_accepts_a_document_column(q: Callable[..., Any], project: Project,
                                                  tmp_path: Path) -> None:
    # was: "the header lacks doc" for the column name 'document'
    path = _write(tmp_path, "in.csv", "document,segment,code\nT01,T01:0002,GOV-MAC-02\n")
    result = q("codings", "import", str(path), "--coder", "kari")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert codings.load_state(project, "kari").codes_on("T01", "T01:0002") == ["GOV-MAC-02"]


def test_codings_import_names_each_bad_row_with_line_and_value(q: Callable[..., Any],
                                                                tmp_path: Path) -> None:
    path = _write(tmp_path, "in.csv", "doc,segment,code,memo\n"
                  'T01,2,"GOV-MAC-02","a memo\nover two lines"\n'
                  "T01,3,GOV\x00MAC-01,\n"
                  "T1,3,GOV-MAC-01,\n"
                  "T01,3,GOV-MAC-9,\n")
    result = q("codings", "import", str(path), "--coder", "kari")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.splitlines()[:4] == [
        f"Error: {path}: 3 problems; nothing was imported",
        f"  {path}:4: code 'GOV\\x00MAC-01' holds a control character (U+0000)",
        f"  {path}:5: unknown document 'T1' (did you mean T01?)",
        f"  {path}:6: unknown code 'GOV-MAC-9' (did you mean GOV-MAC-01, GOV-MAC-02, "
        "GOV-MAC-03?)"]


@pytest.mark.parametrize(("bad", "listed"), [(21, 21), (22, 20), (500, 20)])
def test_an_error_lists_twenty_problems_then_how_many_more(
        q: Callable[..., Any], tmp_path: Path, bad: int, listed: int) -> None:
    rows = "".join(f"T01,T01:0002,NOPE-{i}\n" for i in range(bad))
    path = _write(tmp_path, "in.csv", "doc,segment,code\n" + rows)
    result = q("codings", "import", str(path), "--coder", "kari")
    assert result.exit_code == ExitCode.INVALID_INPUT
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: {path}: {bad} problems; nothing was imported"
    details = [line for line in lines[1:] if line.startswith(f"  {path}:")]
    assert len(details) == listed
    assert details[-1].startswith(f"  {path}:{listed + 1}: unknown code 'NOPE-{listed - 1}'")
    more = [line for line in lines if line.startswith("  ... and")]
    assert more == ([] if listed == bad else [f"  ... and {bad - listed:,} more"])
    assert lines[-1].startswith("Hint: fix those rows")


def test_codings_import_jsonl_takes_the_same_aliases(q: Callable[..., Any], project: Project,
                                                     tmp_path: Path) -> None:
    path = _write(tmp_path, "in.jsonl",
                  '{"document_id": "T01", "segment": 2, "code": "GOV-MAC-02"}\n')
    result = q("codings", "import", str(path), "--coder", "kari")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert codings.load_state(project, "kari").codes_on("T01", "T01:0002") == ["GOV-MAC-02"]


# ----------------------------------------------------------------------------- attributes


def test_attributes_import_keeps_quoted_newlines(q: Callable[..., Any], project: Project,
                                                 tmp_path: Path) -> None:
    # was: the table was split on newlines first, so the row broke in two
    path = _write(tmp_path, "attrs.csv",
                  'doc;role;note\nT01;adviser;"met twice;\nonce by video"\n')
    result = q("attributes", "import", str(path))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert project.load_document("T01").attributes == {
        "role": "adviser", "note": "met twice;\nonce by video"}


def test_attributes_import_refuses_a_control_character_in_a_document_id(
        q: Callable[..., Any], project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path, "attrs.csv", "document,role\nT01\x1b[2J,adviser\n")
    result = q("attributes", "import", str(path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}:2: document 'T01\\x1b[2J' holds a control character (U+001B); "
        "nothing was changed")


# ----------------------------------------------------------------------------- ratings


def test_ratings_refuse_a_nul_in_a_coder_name() -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_ratings_csv("unit,coder,value\n1,ana,a\n1,ola\x00,a\n", "r.csv")
    assert info.value.message == "r.csv:3: coder 'ola\\x00' holds a control character (U+0000)"


def test_ratings_read_semicolons_and_the_rater_alias() -> None:
    ratings = parse_ratings_csv("Unit;Rater;Value\n1;ana;a\n1;ola;b\n2;ana;a\n2;ola;a\n",
                                "r.csv")
    assert list(ratings.coders) == ["ana", "ola"]


# ----------------------------------------------------------------------------- registry


def test_registry_names_a_control_character_with_its_line() -> None:
    text = ("year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n"
            "2012,Nord,H1,Neuro\x07logy,100,4\n")
    with pytest.raises(InvalidInputError) as info:
        parse_registry(text, "r.csv")
    assert info.value.details == [
        "r.csv:2: specialty 'Neuro\\x07logy' holds a control character (U+0007)"]


def test_registry_reads_quoted_newlines_on_the_line_they_start() -> None:
    text = ("year;region;hospital;specialty;outpatient_visits;telemedicine_contacts;note\n"
            '2012;Nord;H1;Neurology;100;4;"two\nlines"\n'
            "2012;Nord;H1;Surgery;x;4;\n")
    with pytest.raises(InvalidInputError) as info:
        parse_registry(text, "r.csv")
    assert info.value.details == ["r.csv:4: outpatient_visits 'x' is not a whole number"]


def test_codings_import_reads_excel_unicode_text(q: Callable[..., Any], project: Project,
                                                 tmp_path: Path) -> None:
    # Excel's "Unicode text": UTF-16 LE with a byte-order mark, tab-separated
    path = tmp_path / "in.txt"
    path.write_bytes("Doc\tSegment\tCode\r\nT01\t2\tGOV-MAC-02\r\n".encode("utf-16"))
    result = q("codings", "import", str(path), "--coder", "kari")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert codings.load_state(project, "kari").codes_on("T01", "T01:0002") == ["GOV-MAC-02"]


def test_an_unclosed_quote_is_named_not_swallowed(q: Callable[..., Any], project: Project,
                                                  tmp_path: Path) -> None:
    # was: the rest of the file became one memo cell
    path = _write(tmp_path, "in.csv", 'doc,segment,code,memo\nT01,2,GOV-MAC-02,ok\n'
                  'T01,3,GOV-MAC-01,"never closed\nT01,4,GOV-MAC-01,\n')
    result = q("codings", "import", str(path), "--coder", "kari")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        f"Error: {path}:3: cannot be read as CSV (unexpected end of data); nothing was "
        "imported\nHint: check the quotes on that line: a cell that starts with \" must end "
        "with \"\n")
    assert codings.coder_names(project) == []

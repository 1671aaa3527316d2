"""``agree --spans FILE.csv`` (and the other user-file readers) on bad input, tried as a
new user would: one line naming the file and line, a named exit code, no "bug" message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode

HEADER = "coder,start,end,code\n"


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "spans.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("option", ["--spans", "--ratings"])
def test_a_folder_is_named_not_a_bug(invoke: Callable[..., Any], tmp_path: Path,
                                     option: str) -> None:
    """Linux opens a folder read-only: the reader failed later, as an IsADirectoryError."""
    folder = tmp_path / "spans.csv"
    folder.mkdir()
    what = "a spans CSV" if option == "--spans" else "a ratings CSV"
    r = invoke("agree", option, str(folder))
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr.splitlines()[0] == f"Error: {folder} is a folder, not {what}"
    assert r.stderr.splitlines()[1].startswith("Hint: give the path of")
    assert len(r.stderr.splitlines()) == 2


@pytest.mark.parametrize("end", ["99999999999999999999999999", "1000000000000"])
def test_a_position_past_the_limit_is_refused(invoke: Callable[..., Any], tmp_path: Path,
                                             end: str) -> None:
    """The first overflowed numpy (a 'bug' message); the second gave alpha_U 1.0 from
    squared distances that wrapped around in 64-bit integers."""
    path = _write(tmp_path, f"{HEADER}a,0,{end},X\nb,2,12,X\n")
    r = invoke("agree", "--spans", path)
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: {path}:2: end is past 1,000,000,000, the largest position "
                        "qcode takes\nHint: fix the line and run again\n")


def test_a_continuum_past_the_limit_is_refused(invoke: Callable[..., Any],
                                               tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEADER}a,0,10,X\nb,2,12,X\n")
    r = invoke("agree", "--spans", path, "--continuum", "0-2000000000")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: --continuum '0-2000000000': END is past 1,000,000,000, the "
                        "largest position qcode takes\n"
                        "Hint: give positions in characters of the text\n")


def test_rows_longer_or_shorter_than_the_header_are_named(
        invoke: Callable[..., Any], tmp_path: Path) -> None:
    """A doc column the header lacks was dropped: two documents became one continuum."""
    path = _write(tmp_path, f"{HEADER}a,0,10,X,d1\nb,2,12,X,d2\na,0,10\n")
    r = invoke("agree", "--spans", path)
    assert r.exit_code == ExitCode.INVALID_INPUT
    assert r.stderr == (f"Error: {path} has 3 problems\n"
                        f"  {path}:2: expected 4 fields (as the header has), found 5\n"
                        f"  {path}:3: expected 4 fields (as the header has), found 5\n"
                        f"  {path}:4: expected 4 fields (as the header has), found 3\n"
                        "Hint: fix each line above and run again\n")


def test_overlapping_spans_of_one_coder_and_code_are_joined_and_said(
        invoke: Callable[..., Any], tmp_path: Path) -> None:
    """They were joined into one unit (as the coefficients need) without a word."""
    path = _write(tmp_path, f"{HEADER}a,0,10,X\na,5,15,X\na,0,10,X\nb,2,12,X\nb,12,14,X\n")
    r = invoke("agree", "--spans", path, "--bootstrap", "0", "--format", "csv")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert r.stderr == ("Note: 2 spans overlapping another of the same code by the same "
                        "coder joined into one unit with it (a: 2); the coefficients take a "
                        "coder's units of a code as not overlapping\n")
    r = invoke("agree", "--spans", _write(tmp_path, f"{HEADER}a,0,10,X\nb,2,12,X\n"),
               "--bootstrap", "0", "--format", "csv")
    assert r.exit_code == ExitCode.OK and r.stderr == ""

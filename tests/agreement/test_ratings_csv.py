"""Reading unit,coder,value CSVs: located errors, missing rows, sets, domains."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.agreement.ratings_csv import parse_ratings_csv, read_ratings_csv
from qcode.errors import InsufficientDataError, InvalidInputError, NotFoundError


def parse(text: str, **kw):  # type: ignore[no-untyped-def]
    return parse_ratings_csv(text, "r.csv", **kw)


def test_missing_row_is_a_missing_rating() -> None:
    r = parse("unit,coder,value\nu1,A,x\nu1,B,x\nu2,A,y\n")
    assert r.units == ("u1", "u2") and r.coders == ("A", "B")
    assert r.codes.tolist() == [[0, 0], [1, -1]]
    assert r.categories == ("x", "y")


def test_bom_crlf_spaces_and_header_case() -> None:
    r = parse("\ufeffUnit, Coder ,VALUE\r\n1, A ,a\r\n1,B,b\r\n")
    assert r.coders == ("A", "B") and r.categories == ("a", "b")


def test_wrong_header_is_located() -> None:
    with pytest.raises(InvalidInputError) as e:
        parse("item,rater,label\n1,A,a\n")
    assert e.value.message == ("r.csv:1: the header must be unit,coder,value (it lacks "
                               "unit, value)")
    with pytest.raises(InvalidInputError) as e:
        parse("unit,coder,value,note\n1,A,a,x\n")
    assert e.value.message == ("r.csv:1: the header must be unit,coder,value (it has 4 "
                               "columns)")


def test_a_transcript_given_as_ratings_is_not_quoted(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The first line of the file was quoted back: a transcript's names, in an error."""
    path = tmp_path / "N01.txt"
    path.write_text("Interviewer: Kari Nordmann, born 1970\nR: yes\n", encoding="utf-8")
    r = invoke("agree", "--ratings", str(path))
    assert r.exit_code == 4
    assert r.stderr == (f"Error: {path}:1: the header must be unit,coder,value (it lacks "
                        "unit, coder, value)\nHint: one rating per row: unit,coder,value\n")


def test_each_bad_line_is_reported_with_file_and_line() -> None:
    text = "unit,coder,value\n1,A,a\n1,A,b\n2,B\n3,,a\n4,B,\n"
    with pytest.raises(InvalidInputError) as e:
        parse(text)
    assert e.value.message == "r.csv has 4 problems"
    assert e.value.details == [
        "r.csv:3: coder 'A' already rated unit '1' on line 2 (only --level masi takes "
        "several labels per unit and coder)",
        "r.csv:4: expected 3 fields (unit,coder,value), found 2",
        "r.csv:5: empty coder",
        "r.csv:6: empty value (leave the row out for a missing rating)",
    ]


def test_single_problem_is_the_message() -> None:
    with pytest.raises(InvalidInputError) as e:
        parse("unit,coder,value\n1,A,a\n1,B,z\n", categories=["a", "b"])
    assert e.value.message == ("r.csv:3: value 'z' is not one of the declared categories "
                               "(a, b)")


def test_ordinal_needs_numbers_or_declared_order() -> None:
    text = "unit,coder,value\n1,A,low\n1,B,high\n"
    with pytest.raises(InvalidInputError) as e:
        parse(text, level="ordinal")
    assert e.value.message == ("r.csv:2: value 'low' is not a number; --level ordinal needs "
                               "numbers or an order given with --categories")
    r = parse(text, level="ordinal", categories=["low", "mid", "high"])
    assert r.categories == ("low", "mid", "high")
    assert r.codes.tolist() == [[0, 2]]
    assert r.numeric_values().tolist() == [1.0, 2.0, 3.0]


def test_numbers_are_read_as_numbers_for_interval() -> None:
    r = parse("unit,coder,value\n1,A,10\n1,B,2.5\n2,A,2.5\n2,B,10\n", level="interval")
    assert r.categories == (2.5, 10)
    assert r.numeric_values().tolist() == [2.5, 10.0]


def test_masi_reads_sets_and_rejects_repeated_labels() -> None:
    r = parse("unit,coder,value\n1,A,x\n1,A,y\n1,B,x\n", level="masi")
    assert set(r.categories) == {frozenset({"x", "y"}), frozenset({"x"})}
    with pytest.raises(InvalidInputError) as e:
        parse("unit,coder,value\n1,A,x\n1,A,x\n", level="masi")
    assert e.value.message == "r.csv:3: label 'x' repeated for unit '1' and coder 'A'"


def test_empty_and_header_only() -> None:
    with pytest.raises(InvalidInputError, match=r"r\.csv is empty"):
        parse("")
    with pytest.raises(InsufficientDataError, match="has no ratings, only the header"):
        parse("unit,coder,value\n")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        read_ratings_csv(tmp_path / "nope.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("unit,coder,value\n1,A,\xe6\n".encode("latin-1"))
    with pytest.raises(InvalidInputError) as e:
        read_ratings_csv(bad)
    assert e.value.message == f"{bad}:2: not UTF-8 text"
    assert e.value.hint == "save a ratings CSV as UTF-8 and try again"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 8), st.sampled_from("ABC"), st.sampled_from("xyz")),
                min_size=1, max_size=30, unique_by=lambda t: (t[0], t[1])))
def test_round_trip_of_random_long_tables(rows: list[tuple[int, str, str]]) -> None:
    text = "unit,coder,value\n" + "".join(f"{u},{c},{v}\n" for u, c, v in rows)
    r = parse(text)
    got = {(r.units[i], r.coders[j], r.categories[r.codes[i, j]])
           for i, j in zip(*np.nonzero(r.codes >= 0), strict=True)}
    assert got == {(str(u), c, v) for u, c, v in rows}
    assert (r.codes >= 0).sum() == len(rows)

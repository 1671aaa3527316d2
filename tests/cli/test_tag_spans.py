"""qcode tag / untag --quote and --span: coding exactly a phrase from the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from qcode.coding import store as codings
from qcode.errors import ExitCode
from qcode.models import Document
from qcode.project import Project
from tests.builders import make_doc

TURNS = [("Interviewer", "How is the video clinic used?"),
         ("Respondent", "The video clinic is used, the video clinic is booked, but "
                        "nobody knew how to register a video consultation."),
         ("Interviewer", "And the takst?"),
         ("Respondent", "The takst for video was lower, so the ISF income dropped.")]


@pytest.fixture
def doc(project: Project) -> Document:
    d = make_doc("T01", TURNS)
    project.save_document(d)
    return d


@pytest.fixture
def run(project: Project, doc: Document, invoke: Callable[..., Any]) -> Callable[..., Any]:
    def go(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)
    return go


def _spans(project: Project) -> list[tuple[str, str, int, int, str]]:
    return [(c.segment, c.code, c.start, c.end, c.quote)
            for c in codings.load_state(project, "ingrid").codings()]


def test_tag_quote_codes_exactly_the_words(run: Callable[..., Any], project: Project,
                                           doc: Document) -> None:
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "nobody knew how to  register")
    at = doc.text.index("nobody knew")
    end = at + len("nobody knew how to register")
    assert r.exit_code == 0, r.output
    assert r.stdout == (f"Tagged {at}-{end} (27 characters in T01:0002) of T01 with "
                        "GOV-MAC-01 for ingrid: 1 added.\n")
    assert _spans(project) == [("T01:0002", "GOV-MAC-01", at, end,
                                "nobody knew how to register")]
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "nobody knew how to register", "--format", "json")
    out = json.loads(r.stdout)
    assert (out["added"], out["already_there"], out["span"]) == (0, 1, {"start": at,
                                                                       "end": end})
    r = run("untag", "T01", "2", "--coder", "ingrid", "--quote", "nobody knew how to register")
    assert r.stdout == f"Removed 1 coding from {at}-{end} of T01 for ingrid.\n"
    assert _spans(project) == []


def test_a_quote_found_several_times_is_listed_and_occurrence_picks_one(
        run: Callable[..., Any], project: Project, doc: Document) -> None:
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "video clinic")
    s2 = doc.segments[1]
    first = doc.text.index("video clinic", s2.start)
    second = doc.text.index("video clinic", first + 1)
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == (f"Error: the quote occurs 2 times in T01:0002 (1: {first}-{first + 12} "
                        f"in T01:0002; 2: {second}-{second + 12} in T01:0002)\n"
                        "Hint: pick one with --occurrence N (1-2), give more words, or give "
                        "the span with --span START-END\n")
    assert not (project.codings_dir / "ingrid.jsonl").exists()
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "video clinic", "--occurrence", "2")
    assert r.exit_code == 0, r.output
    assert _spans(project) == [("T01:0002", "GOV-MAC-01", second, second + 12,
                                "video clinic")]
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "video clinic", "--occurrence", "3")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: there is no occurrence 3 of the quote in T01:0002: it occurs "
                        "2 times\nHint: give --occurrence 1 to 2\n")


def test_a_near_miss_gets_a_did_you_mean_no_longer_than_what_was_typed(
        run: Callable[..., Any], project: Project, doc: Document) -> None:
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "registr a vidoe consultation")
    at = doc.text.index("register a video consultation")
    assert r.exit_code == ExitCode.NOT_FOUND
    end = at + len("register a video consultation")
    # the stretch is 29 characters, the quote typed 28: the words shown stop before that
    assert r.stderr == (f"Error: the quote is not in T01:0002 word for word; the closest "
                        f"stretch is {at}-{end} (93% alike)\n"
                        'Hint: did you mean "register a video"? Give those words with --quote, '
                        f"or the span with --span {at}-{end}\n")
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "completely unrelated sentence about fishing")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr == ("Error: the quote is not in T01:0002\n"
                        "Hint: check the words and the segment (qcode show T01 lists the "
                        "segments)\n")
    assert not (project.codings_dir / "ingrid.jsonl").exists()


def test_a_quote_is_looked_for_only_in_the_named_segments(run: Callable[..., Any],
                                                          doc: Document) -> None:
    r = run("tag", "T01", "1", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "ISF income dropped")
    assert r.exit_code == ExitCode.NOT_FOUND
    r = run("tag", "T01", "2", "4", "--code", "GOV-MAC-01", "--coder", "ingrid",
            "--quote", "ISF income")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: T01:0002, T01:0004 are not consecutive segments of T01\n"
                        "Hint: a quote or span lies in one segment or a run of them, e.g. "
                        "T01:0002-0004\n")


def test_span_codes_across_segments_and_untag_span_takes_it_off(
        run: Callable[..., Any], project: Project, doc: Document) -> None:
    s2, s3 = doc.segments[1], doc.segments[2]
    start, end = s2.end - 13, s3.start + 7
    r = run("tag", "T01", "2-3", "--code", "ECO-MAC-01", "--coder", "ingrid",
            "--span", f"{start}-{end}", "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["segments"] == ["T01:0002", "T01:0003"]
    assert out["events"] == [{"seq": 1, "op": "add", "document": "T01",
                              "segment": "T01:0002", "code": "ECO-MAC-01",
                              "start": start, "end": end}]
    st = codings.load_state(project, "ingrid")
    assert st.codes_on("T01", "T01:0003") == ["ECO-MAC-01"]
    r = run("tag", "T01", "2", "--code", "ECO-MAC-01", "--coder", "ingrid",
            "--span", f"{start}-{end}")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == (f"Error: span {start}-{end} is not inside T01:0002 "
                        f"({s2.start}-{s2.end})\nHint: give a span inside "
                        f"{s2.start}-{s2.end}, or name the segment(s) it lies in\n")
    r = run("untag", "T01", "2-3", "--coder", "ingrid", "--span", f"{start}-{end}")
    assert r.stdout == f"Removed 1 coding from {start}-{end} of T01 for ingrid.\n"
    assert codings.load_state(project, "ingrid").codes == {}


@pytest.mark.parametrize(("args", "message"), [
    (("--span", "20-10"), "Error: the span '20-10' is empty or runs backwards\n"
                          "Hint: write START-END with START < END\n"),
    (("--span", "abc"), "Error: 'abc' is not a span\nHint: write START-END, e.g. --span "
                        "120-164\n"),
    (("--span", "1-2", "--quote", "x"), "Error: give --quote or --span, not both\n"
                                        "Hint: --quote finds the words; --span gives their "
                                        "offsets\n"),
    (("--occurrence", "2",), "Error: --occurrence goes with --quote\n"
                             "Hint: add --quote \"the words\"\n"),
    (("--quote", "   "), "Error: the quote is empty\n"
                        "Hint: give the exact words to code, in quotes\n"),
])
def test_bad_span_options(run: Callable[..., Any], project: Project, args: tuple[str, ...],
                          message: str) -> None:
    r = run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid", *args)
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == message
    assert not (project.codings_dir / "ingrid.jsonl").exists()


def test_untag_of_a_segment_takes_off_every_span_starting_there(
        run: Callable[..., Any], project: Project, doc: Document) -> None:
    for words in ("video clinic is used", "video clinic is booked"):
        run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid", "--quote", words)
    run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid")  # the whole turn
    assert len(_spans(project)) == 3
    r = run("untag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid")
    assert r.stdout == "Removed 3 codings from 1 segment of T01 for ingrid.\n"
    assert _spans(project) == []
    r = run("undo", "--coder", "ingrid")
    assert r.exit_code == 0 and len(_spans(project)) == 3


def test_codings_csv_carries_spans_both_ways(run: Callable[..., Any], project: Project,
                                             doc: Document, tmp_path: Any) -> None:
    run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid", "--quote",
        "nobody knew")
    run("tag", "T01", "4", "--code", "ECO-MAC-01", "--coder", "ingrid")
    out = tmp_path / "ingrid.csv"
    assert run("codings", "export", "--coder", "ingrid", "-o", str(out)).exit_code == 0
    r = run("codings", "import", str(out), "--coder", "kari")
    assert r.exit_code == 0, r.output
    kari = [(c.segment, c.code, c.start, c.end, c.quote)
            for c in codings.load_state(project, "kari").codings()]
    assert kari == _spans(project)
    at = doc.text.index("ISF income")
    rows = tmp_path / "rows.csv"
    rows.write_text("doc,segment,code,start,end,quote\n"
                    "T01,4,GOV-MES-01,,,the ISF income\n"
                    f"T01,4,GOV-MES-02,{at},{at + 10},\n"
                    "T01,2,GOV-MAC-02,,,\n"
                    f"T01,4,GOV-MAC-03,{at},{at + 10},ISF outcome\n"
                    "T01,2,GOV-MAC-03,,,video clinic\n", encoding="utf-8")
    r = run("codings", "import", str(rows), "--coder", "ola")
    assert r.exit_code == ExitCode.INVALID_INPUT
    s2 = doc.segments[1]
    second = doc.text.index("video clinic", doc.text.index("video clinic", s2.start) + 1)
    first = doc.text.index("video clinic", s2.start)
    assert r.stderr.splitlines()[1:-1] == [
        f"  {rows}:5: the quote is not the text at {at}-{at + 10} of T01",
        f"  {rows}:6: the quote occurs 2 times in T01:0002 (1: {first}-{first + 12} in "
        f"T01:0002; 2: {second}-{second + 12} in T01:0002)"]
    rows.write_text("\n".join(rows.read_text(encoding="utf-8").splitlines()[:4]) + "\n",
                    encoding="utf-8")
    r = run("codings", "import", str(rows), "--coder", "ola")
    assert r.exit_code == 0, r.output
    ola = [(c.segment, c.code, c.start, c.end, c.quote)
           for c in codings.load_state(project, "ola").codings()]
    start = doc.text.index("the ISF income")
    assert ola == [("T01:0002", "GOV-MAC-02", s2.start, s2.end, doc.segment_text(s2)),
                   ("T01:0004", "GOV-MES-01", start, start + 14, "the ISF income"),
                   ("T01:0004", "GOV-MES-02", at, at + 10, "ISF income")]


def test_coders_counts_one_coding_per_span(run: Callable[..., Any], doc: Document) -> None:
    run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid", "--quote",
        "video clinic is used")
    run("tag", "T01", "2", "--code", "GOV-MAC-01", "--coder", "ingrid", "--quote",
        "video clinic is booked")
    run("tag", "T01", "4", "--code", "ECO-MAC-01", "--coder", "ingrid")
    r = run("coders", "--format", "json")
    (row,) = json.loads(r.stdout)["coders"]
    assert (row["codings"], row["origins"]) == (3, {"manual": 3})

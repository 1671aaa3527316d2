"""The line session codes quoted words as a span: "exact words" CODE."""

from __future__ import annotations

import json
from collections.abc import Callable

from qcode.project import Project
from tests.builders import interview


def test_quoted_words_are_coded_as_exactly_that_span(
        project: Project, invoke: Callable[..., object]) -> None:
    project.save_document(interview("T01"))
    text = project.load_document("T01").text
    script = "\n".join([
        "",                                        # to T01:0002
        '"regional  health" GOV-MAC-02',           # any white space matches
        '"the" GOV-MAC-01',                        # several matches: an error, nothing saved
        '"regional helth authority" GOV-MAC-01',   # a near miss: did you mean
        '"owner meeting"',                         # no code
        '"regional health" Regional health authority steering and priorities',  # again
        "?",
        "q",
    ]) + "\n"
    r = invoke("--project", str(project.root), "code", "T01", "--coder", "ingrid",
               "--plain", input=script)
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    out = r.stdout  # type: ignore[attr-defined]
    a = text.index("regional health")
    assert f"+ GOV-MAC-02 on 2 words ({a}-{a + 15})" in out
    assert "the quote occurs 5 times in T01:0002 (1: 51-54 in T01:0002; " in out
    assert "(give more of the words, in quotes)" in out
    assert 'the closest stretch is 55-80 (96% alike) (did you mean "regional health"?)' in out
    assert 'a quote is coded as "exact words" CODE' in out
    assert "GOV-MAC-02 is already on these words." in out
    assert '"WORDS" CODE        code exactly those words of this segment' in out  # in ?
    lines = (project.codings_dir / "ingrid.jsonl").read_text().splitlines()
    assert len(lines) == 1
    ev = json.loads(lines[0])
    assert (ev["op"], ev["segment"], ev["code"], ev["start"], ev["end"], ev["quote"]) == (
        "add", "T01:0002", "GOV-MAC-02", a, a + 15, "regional health")

"""What a report shows is the researcher's choice: attributes (--attributes, or [report] in
qcode.toml), exemplars per code (--per-code, --spread-by), memos (--memos); speaker labels
the same in every format; the DOCX contents and heatmap; the HTML contents."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from qcode.counts.excerpts import Excerpt
from qcode.counts.exemplars import choose
from qcode.errors import ExitCode, ProjectDamagedError
from qcode.models import Document as QDocument
from qcode.models import Segment, Turn
from qcode.project import Project
from qcode.reports.content import build_report, render_report
from qcode.reports.settings import read_report_settings
from tests.builders import build_known

DATE = "2026-01-31"


@pytest.fixture
def two(tmp_path: Path) -> Project:
    return build_known(tmp_path / "known", coders=("ana", "bo"), done=True)


def _report(invoke: Callable[..., Any], project: Project, *args: str) -> Any:
    return invoke("--project", str(project.root), "report", "--coder", "ana", "--date", DATE,
                  *args)


def _settings(project: Project, text: str) -> None:
    path = project.root / "qcode.toml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# ----------------------------------------------------------------------------- attributes


def test_no_attribute_is_shown_unless_chosen(invoke: Callable[..., Any], two: Project) -> None:
    plain = _report(invoke, two).stdout
    assert "> — Anna, D1, D1:0002, 0:01:05\n" in plain
    assert "North" not in plain.split("## Excerpts")[1]
    chosen = _report(invoke, two, "--attributes", "group,region").stdout
    assert "> — Anna, D1, D1:0002, 0:01:05; group: national; region: North\n" in chosen
    assert "- **Attributes shown:** group, region\n" in chosen
    one = _report(invoke, two, "--attributes", "region").stdout
    assert "> — Anna, D1, D1:0002, 0:01:05; region: North\n" in one
    every = _report(invoke, two, "--attributes", "all").stdout
    assert every.count("; group: national; region: North") == \
        chosen.count("; group: national; region: North")


def test_the_project_setting_chooses_the_default(invoke: Callable[..., Any],
                                                 two: Project) -> None:
    _settings(two, '\n[report]\nattributes = ["region"]\n')
    assert read_report_settings(two.root).attributes == ("region",)
    text = _report(invoke, two).stdout
    assert "> — Anna, D1, D1:0002, 0:01:05; region: North\n" in text
    # the option wins over the setting, and 'none' shows none
    assert "> — Anna, D1, D1:0002, 0:01:05\n" in _report(invoke, two, "--attributes",
                                                          "none").stdout


def test_an_unknown_attribute_is_refused_with_the_near_name(invoke: Callable[..., Any],
                                                            two: Project) -> None:
    result = _report(invoke, two, "--attributes", "regoin")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == ("Error: --attributes: no document has the attribute 'regoin'; "
                             "did you mean 'region'?\nHint: attributes: group, region\n")
    _settings(two, '\n[report]\nattributes = ["grup"]\n')
    result = _report(invoke, two)
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr.startswith("Error: qcode.toml [report] attributes: no document has "
                                    "the attribute 'grup'; did you mean 'group'?")


@pytest.mark.parametrize(("table", "message"), [
    ('[report]\nattributes = "region"\n', "[report] attributes must be a list of attribute "
                                          "names"),
    ('[report]\natributes = ["region"]\n', "[report] has no setting 'atributes'; did you "
                                           "mean 'attributes'?"),
    ('[report]\nspread_by = 3\n', "[report] spread_by must be an attribute name"),
])
def test_a_bad_report_table_is_named(two: Project, table: str, message: str) -> None:
    _settings(two, "\n" + table)
    with pytest.raises(ProjectDamagedError) as caught:
        read_report_settings(two.root)
    assert str(caught.value) == f"{two.root / 'qcode.toml'}: {message}"


# ----------------------------------------------------------------------------- exemplars


def _ex(doc: str, quote: str, level: str, seg: int = 1) -> Excerpt:
    return Excerpt("C", "T", "L", doc, doc, f"{doc}:{seg:04d}", "R", None, None, quote, None,
                   {"level": level} if level else {})


def test_exemplars_spread_across_groups_then_documents_then_length() -> None:
    items = [_ex("L1", "one two three four five six", "local"),
             _ex("L1", "one two three four five six seven", "local", 2),
             _ex("L2", "one two three", "local"),
             _ex("N1", "one two", "national"),
             _ex("N2", "one two three four", "national"),
             _ex("X1", "one", "")]
    picks = choose(items, 3, "level")
    # longest local, longest national, then the group without the attribute
    assert [(e.doc, e.segment) for e in picks] == [("L1", "L1:0002"), ("N2", "N2:0001"),
                                                   ("X1", "X1:0001")]
    # four: every group has one, so the next goes to a document not picked yet (L2 over
    # L1's longer quote)
    assert [e.doc for e in choose(items, 4, "level")] == ["L1", "L2", "N2", "X1"]
    # without a spread attribute: documents first, then length (L1:0002, N2, L2; shown in
    # the given order)
    assert [e.doc for e in choose(items, 3)] == ["L1", "L2", "N2"]
    assert choose(items, 10, "level") == tuple(items)


def test_per_code_keeps_counts_and_says_how_many(invoke: Callable[..., Any],
                                                 two: Project) -> None:
    result = _report(invoke, two, "--per-code", "1", "--spread-by", "region")
    text = result.stdout
    assert "##### G1: Local leadership (1 of 4 excerpts)" in text
    assert "##### G3: National strategy (1 of 2 excerpts)" in text
    assert "- **Excerpts:** 5 of 13\n" in text
    assert ("- **Exemplars:** up to 1 per code: spread across region and documents, then "
            "the longest\n") in text
    assert "| Governance (GOV) | 5 | 2 | 6 |" in text  # the matrix still counts everything
    result = _report(invoke, two, "--per-code", "0")
    assert result.exit_code == ExitCode.USAGE
    result = _report(invoke, two, "--per-code", "2", "--spread-by", "regoin")
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr.startswith("Error: --spread-by: no document has the attribute "
                                    "'regoin'; did you mean 'region'?")


def test_per_code_note_on_a_written_file(invoke: Callable[..., Any], two: Project,
                                         tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = _report(invoke, two, "--per-code", "1", "-o", str(out))
    assert result.stderr == f"Wrote {out}: 5 of 13 excerpts coded by ana\n"
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))) == 5


# ----------------------------------------------------------------------------- memos


def test_memos_only_with_the_option(invoke: Callable[..., Any], two: Project,
                                    tmp_path: Path) -> None:
    from qcode.coding.store import set_memo

    set_memo(two, "bo", two.load_document("D1"), "D1:0002", "bo's reading")
    plain = _report(invoke, two).stdout
    assert "Memo" not in plain.split("## Excerpts")[1]
    text = _report(invoke, two, "--memos").stdout
    assert ("> *Memo (ana):* Anna contrasts the \\<b\\>ministry\\</b\\> \\& the clinic\n>\n"
            "> *Memo (bo):* bo's reading\n") in text
    assert "## Memos" in text
    out = tmp_path / "r.csv"
    result = _report(invoke, two, "--memos", "-o", str(out))
    assert result.stderr.startswith("Warning: the Memos section is left out of a csv report "
                                    "(one row per excerpt); the segment memos are in its "
                                    "memo columns\n")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {(r["memo"], r["memo:bo"]) for r in rows if r["segment"] == "D1:0002"} == {
        ("Anna contrasts the <b>ministry</b> & the clinic", "bo's reading")}
    out.unlink()
    _report(invoke, two, "-o", str(out))
    assert "memo" not in out.read_text(encoding="utf-8").splitlines()[0]


# ----------------------------------------------------------------------------- speakers


def _speakers_project(project: Project) -> None:
    from qcode.coding.store import add_codes

    code = project.codebook.codes[0].id
    for doc_id, label in (("A", "RESPONDENT"), ("B", "Respondent"), ("C", "")):
        text = f"{doc_id} says something."
        doc = QDocument(id=doc_id, title=doc_id, format="txt", attributes={}, text=text,
                        turns=(Turn(speaker=label, start=0, end=len(text)),),
                        segments=(Segment(id=f"{doc_id}:0001", start=0, end=len(text),
                                          speaker=label, turn=0),))
        project.save_document(doc)
        add_codes(project, "ana", doc, [f"{doc_id}:0001"], [code])


def test_speaker_labels_are_the_same_in_every_format(invoke: Callable[..., Any],
                                                     project: Project, tmp_path: Path) -> None:
    _speakers_project(project)
    content = build_report(project, coder="ana", date=DATE)
    md = render_report(content, "md")
    html = render_report(content, "html")
    rows = list(csv.DictReader(io.StringIO(str(render_report(content, "csv")))))
    docx = Document(io.BytesIO(bytes(render_report(content, "docx"))))
    sources = [p.text for p in docx.paragraphs if p.text.startswith("\u2014 ")]
    for label, doc_id in (("RESPONDENT", "A"), ("Respondent", "B"), ("unknown", "C")):
        line = f"\u2014 {label}, {doc_id}, {doc_id}:0001"
        assert f"> {line}" in str(md) and line in str(html) and line in sources
        assert {r["speaker"] for r in rows if r["document"] == doc_id} == {label}
    result = invoke("--project", str(project.root), "report", "--coder", "ana")
    assert result.exit_code == 0
    assert result.stderr == ("Warning: speaker labels differ only in case: RESPONDENT, "
                             "Respondent; the report shows them as they are (unify them: "
                             "qcode speakers rename --all 'RESPONDENT' 'Respondent')\n")


# ----------------------------------------------------------------------------- contents


def test_docx_contents_field_headings_and_heatmap(two: Project) -> None:
    data = render_report(build_report(two, coder="ana", date=DATE), "docx")
    doc = Document(io.BytesIO(bytes(data)))
    body = doc.element.body
    instr = [t.text for t in body.iter(qn("w:instrText"))]
    assert instr == [' TOC \\o "1-4" \\h \\z \\u ']
    kinds = [f.get(qn("w:fldCharType")) for f in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    entries = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("TOC")]
    assert entries[:4] == [("TOC Heading", "Contents"), ("TOC 1", "Theme x level matrix"),
                           ("TOC 1", "Agreement"), ("TOC 1", "Excerpts")]
    assert ("TOC 4", "G1: Local leadership (4 excerpts)") in entries
    # every entry links to a bookmark on its heading, in Word's built-in heading styles
    marks = {b.get(qn("w:name")): b.getparent() for b in body.iter(qn("w:bookmarkStart"))}
    for link in body.iter(qn("w:hyperlink")):
        heading = marks[link.get(qn("w:anchor"))]
        style = heading.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val"))
        assert style in {"Heading1", "Heading2", "Heading3", "Heading4"}
    update = doc.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    matrix = doc.tables[0]
    fills = [[c._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") for c in row.cells]
             for row in matrix.rows]
    assert [[f.get(qn("w:fill")) if f is not None else None for f in row] for row in fills] \
        == [[None] * 4, [None, "084594", "97B2D4", None], [None, "97B2D4", "97B2D4", None],
            [None, "F7FBFF", "F7FBFF", None], [None] * 4]


def test_html_contents_link_every_heading_of_the_excerpts(two: Project) -> None:
    page = str(render_report(build_report(two, coder="ana", date=DATE, per_code=1), "html"))
    nav = page[page.index('<nav class="toc"'):page.index("</nav>")]
    assert '<a href="#code-g1">G1: Local leadership (1 of 4 excerpts)</a>' in nav
    assert '<h5 id="code-g1">G1: Local leadership (1 of 4 excerpts)</h5>' in page
    assert page.index("</dl>") < page.index('<nav class="toc"') < page.index('id="matrix"')


def test_spread_by_without_per_code_is_refused(invoke: Callable[..., Any],
                                               two: Project) -> None:
    """--spread-by without --per-code had no effect and said nothing (an unknown attribute
    was not even checked)."""
    result = _report(invoke, two, "--spread-by", "nope")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: --spread-by nope works with --per-code N only\n"
                             "Hint: add --per-code N (e.g. --per-code 3 --spread-by nope)\n")

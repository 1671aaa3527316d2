"""``qcode methods`` on a small study: formats, what the records cannot support, errors."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from qcode.errors import ExitCode
from qcode.methods.render import apa, listing
from qcode.project import Project
from tests.builders import build_study, interview


def test_apa_numbers() -> None:
    # two decimals, no leading zero; never 1.00 for a value below 1
    assert [apa(x) for x in (0.8149, -0.043, 1.0, 0.0, 0.9966, -1.0)] == [
        ".81", "-.04", "1.00", ".00", ".997", "-1.00"]
    assert listing(["a", "b", "c"], "; ") == "a; b; and c"


def test_small_study_paragraph_and_notes(invoke: Callable[..., Any], project: Project) -> None:
    build_study(project)
    r = invoke("--project", str(project.root), "methods", "--format", "txt", "--seed", "3",
               "--bootstrap", "200")
    assert r.exit_code == 0, r.output
    text = r.stdout
    assert ("Three coders (ingrid, lars, and maja) coded the documents: ingrid made 7 codings "
            "in 3 documents and marked 2 documents complete;") in text
    assert ("Of the 3 documents, 2 were completed by two or more coders (double-coded): D01 "
            "and D02." in text)
    assert "Coding and agreement were done with qcode" in text
    assert "The codebook's history records no change to it." in text
    # no reconciliation yet: said in the list of what the records cannot support
    assert "- reconciliation: no reconciliation is recorded (qcode reconcile)" in text
    assert "Reconciliation." not in text
    assert "Fleiss, J. L. (1971)." in text  # three coders: Fleiss' kappa, with its reference


def test_json_and_docx(invoke: Callable[..., Any], project: Project, tmp_path: Any) -> None:
    build_study(project)
    p = ["--project", str(project.root), "methods"]
    data = json.loads(invoke(*p, "--format", "json", "--bootstrap", "0").stdout)
    assert list(data) == ["schema_version", "qcode_version", "project", "documents",
                          "segments", "units", "groups", "codebook", "coders",
                          "double_coded_documents", "agreement", "reconciliations",
                          "not_in_records"]
    assert data["double_coded_documents"] == ["D01", "D02"]
    assert data["agreement"]["bootstrap"] == 0
    r = invoke(*p, "--format", "docx")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: --format docx needs --output FILE.docx\n"
                        "Hint: a Word file is not written to the terminal\n")
    out = tmp_path / "methods.docx"
    r = invoke(*p, "-o", str(out), "--bootstrap", "0")
    assert r.exit_code == 0, r.output
    from docx import Document

    doc = Document(io.BytesIO(out.read_bytes()))
    texts = [para.text for para in doc.paragraphs]
    assert texts[0] == "Methods (written by qcode from the project's records)"
    assert any(t.startswith("Inter-coder agreement. Agreement between ingrid, lars, and maja")
               for t in texts)
    assert len(doc.tables) == 1 and doc.tables[0].rows[0].cells[0].text == "Theme"


def test_unknown_group_attribute(invoke: Callable[..., Any], project: Project) -> None:
    build_study(project)
    r = invoke("--project", str(project.root), "methods", "--group-by", "role")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr == ("Error: no document has the attribute 'role'\n"
                        "Hint: attributes: none yet\n")


def test_codebook_changes_after_coding_began(invoke: Callable[..., Any],
                                            project: Project) -> None:
    build_study(project)  # coders code first
    p = ["--project", str(project.root)]
    assert invoke(*p, "codebook", "add", "Staff felt watched", "--theme", "ORG", "--level",
                  "micro").exit_code == 0
    assert invoke(*p, "codebook", "rename", "Staff felt watched", "--name",
                  "Staff felt observed").exit_code == 0
    data = json.loads(invoke(*p, "methods", "--format", "json", "--bootstrap", "0").stdout)
    book = data["codebook"]
    assert book["changes"] == {"add": 1, "rename": 1}
    assert book["changes_after_coding_began"] == 2
    text = invoke(*p, "methods", "--format", "txt", "--bootstrap", "0").stdout
    day = book["first_change"][:10]
    assert (f"The codebook's history records 2 changes on {day}: 1 added and 1 renamed "
            "(counts of changes, not of distinct codes); 2 of them after coding began "
            f"({book['coding_began'][:10]}).") in " ".join(text.split())


def test_codebook_change_before_coding_is_not_after(invoke: Callable[..., Any],
                                                   project: Project) -> None:
    import time

    p = ["--project", str(project.root)]
    assert invoke(*p, "codebook", "add", "Staff felt watched", "--theme", "ORG", "--level",
                  "micro").exit_code == 0
    time.sleep(1.1)  # the codebook log's times are to the second
    build_study(project)
    book = json.loads(invoke(*p, "methods", "--format", "json", "--bootstrap",
                             "0").stdout)["codebook"]
    assert book["changes"] == {"add": 1} and book["changes_after_coding_began"] == 0
    text = " ".join(invoke(*p, "methods", "--format", "txt", "--bootstrap", "0").stdout.split())
    assert "1 added (counts of changes, not of distinct codes); none of them after coding " \
           "began" in text


def test_an_output_name_whose_format_is_unknown_is_refused(
        invoke: Callable[..., Any], project: Project) -> None:
    """-o methods.pdf wrote Markdown into a file named .pdf; .MD and .markdown are Markdown."""
    build_study(project)
    r = invoke("--project", str(project.root), "methods", "-o", str(project.root / "m.pdf"))
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == ("Error: cannot tell the format from 'm.pdf'\n"
                        "Hint: give --format md, txt, docx or json\n")
    assert not (project.root / "m.pdf").exists()
    for name in ("m.MD", "m.markdown"):
        r = invoke("--project", str(project.root), "methods", "-o", str(project.root / name))
        assert r.exit_code == ExitCode.OK, r.stderr
        assert (project.root / name).read_text().startswith("## Methods")


def test_a_project_without_documents_is_refused(invoke: Callable[..., Any],
                                                project: Project) -> None:
    """It wrote 'The corpus comprises 0 transcripts (0 segments, segmented by ).'"""
    r = invoke("--project", str(project.root), "methods")
    assert r.exit_code == ExitCode.INSUFFICIENT_DATA
    assert r.stderr == ("Error: the project has no documents yet, so there is no method to "
                        "describe\nHint: ingest the transcripts first: qcode ingest FOLDER\n")


def test_coding_alone_was_done(invoke: Callable[..., Any], project: Project) -> None:
    """'Coding were done with qcode' when nothing was agreed or reconciled."""
    project.save_document(interview("T01"))
    r = invoke("--project", str(project.root), "methods", "--format", "txt")
    assert r.exit_code == ExitCode.OK, r.stderr
    assert "Software. Coding was done with qcode " in r.stdout


def test_an_unknown_coder_is_refused(invoke: Callable[..., Any], project: Project) -> None:
    """--coder nobody wrote the paragraph without agreement (a bullet said why), exit 0."""
    build_study(project)
    r = invoke("--project", str(project.root), "methods", "--coder", "ingrid,nobody")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert r.stderr == ("Error: no coder 'nobody' in this project\n"
                        "Hint: coders: ingrid, lars, maja\n")

"""Issue 12 item 14: codebook text in Markdown (report.md, codebook export cb.md) is
escaped like transcript text, never raw HTML; HTML output escapes it too; and the joint
display's CSS stays inside its own section (item 19)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.coding import store as codings
from qcode.errors import ExitCode
from qcode.project import Project, open_project
from qcode.reports.joint import CSS as JOINT_CSS
from tests.builders import interview

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
IFRAME = "<iframe src=javascript:alert(3)>"


@pytest.fixture
def hostile(project: Project, invoke: Callable[..., Any]) -> Callable[..., Any]:
    text = project.codebook_path.read_text(encoding="utf-8")
    name = "name: National strategy and policy direction"
    definition = "National plans, white papers"
    assert name in text and definition in text
    text = text.replace(name, f'name: "Strategy {SCRIPT}"', 1)
    text = text.replace(definition, f"{IMG} {IFRAME} [x](javascript:alert(4)) plans", 1)
    project.codebook_path.write_text(text, encoding="utf-8")
    project = open_project(project.root)
    doc = interview("T01")
    project.save_document(doc)
    codings.add_codes(project, "ingrid", doc, [doc.segments[0].id], ["GOV-MAC-01"])

    def run(*args: str) -> Any:
        return invoke("--project", str(project.root), *args)

    return run


def _no_live_html(text: str) -> None:
    """No tag or link that a Markdown renderer would make live (an escaped ``\\<`` is text)."""
    assert re.findall(r"(?<!\\)(<script|<img|<iframe|\]\(javascript:)", text) == []


def test_codebook_export_md_escapes_code_names_and_definitions(hostile: Callable[..., Any],
                                                              tmp_path: Path) -> None:
    # was: '#### GOV-MAC-01: Strategy <script>alert(1)</script>' in cb.md
    out = tmp_path / "cb.md"
    assert hostile("codebook", "export", str(out)).exit_code == ExitCode.OK
    text = out.read_text(encoding="utf-8")
    _no_live_html(text)
    assert "#### GOV-MAC-01: Strategy \\<script\\>alert(1)\\</script\\>\n" in text
    assert ("\\<img src=x onerror=alert(2)\\> \\<iframe src=javascript:alert(3)\\> "
            "\\[x\\](javascript:alert(4)) plans") in text


def test_report_md_escapes_codebook_text(hostile: Callable[..., Any]) -> None:
    result = hostile("report", "--format", "md", "--coder", "ingrid")
    assert result.exit_code == ExitCode.OK
    _no_live_html(result.stdout)
    assert "##### GOV-MAC-01: Strategy \\<script\\>alert(1)\\</script\\> (1 excerpt)" \
        in result.stdout
    assert "\\<img src=x onerror=alert(2)\\>" in result.stdout


def test_codebook_show_md_escapes(hostile: Callable[..., Any]) -> None:
    result = hostile("codebook", "show", "--format", "md")
    assert result.exit_code == ExitCode.OK
    _no_live_html(result.stdout)
    assert "GOV-MAC-01: Strategy \\<script\\>alert(1)\\</script\\>\n" in result.stdout


def test_html_report_escapes_codebook_text(hostile: Callable[..., Any]) -> None:
    result = hostile("report", "--format", "html", "--coder", "ingrid")
    assert result.exit_code == ExitCode.OK
    assert re.findall(r"<script|<img|<iframe", result.stdout) == []
    assert "Strategy &lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout
    assert "&lt;img src=x onerror=alert(2)&gt;" in result.stdout


def _selectors(css: str) -> list[str]:
    return [s.strip() for block in re.findall(r"([^{}]+)\{", css) for s in block.split(",")]


def test_joint_css_is_scoped_to_its_section() -> None:
    # was: 'blockquote { margin: ...; font-style: italic; }' restyled every report quote
    assert [s for s in _selectors(JOINT_CSS) if not s.startswith(".joint-display ")] == \
        ["body"]


def test_joint_markdown_escapes_registry_and_codebook_names(project: Project) -> None:
    # was: the registry-only region and the level name went into joint.md raw
    from qcode.registry.joint import build
    from qcode.registry.table import parse, store
    from qcode.reports.joint import as_markdown
    from tests.builders import make_doc

    text = project.codebook_path.read_text(encoding="utf-8")
    assert "  - id: macro\n    name: Macro\n" in text
    project.codebook_path.write_text(
        text.replace("  - id: macro\n    name: Macro\n",
                     f'  - id: macro\n    name: "Macro {IMG}"\n', 1), encoding="utf-8")
    project = open_project(project.root)
    doc = make_doc("T01", [("Respondent", "The ministry wrote a strategy.")])
    project.save_document(doc.model_copy(update={"attributes": {"region": "North"}}))
    codings.add_codes(project, "ann", doc, [doc.segments[0].id], ["GOV-MAC-01"])
    store(project.root, parse(
        "year,region,hospital,specialty,outpatient_visits,telemedicine_contacts\n"
        "2012,North,N1,Surgery,100,1\n"
        f'2012,"South {SCRIPT}",S1,Surgery,100,2\n', "r.csv"))
    md = as_markdown(build(project, "region", "ann"))
    _no_live_html(md)
    assert "In the registry but without interviews: South \\<script\\>alert(1)\\</script\\>." \
        in md
    assert "Macro \\<img src=x onerror=alert(2)\\>" in md

"""Golden files for every report format, as a reader gets them.

Two reports of the known project (coders ana and bo, every document completed):

- ``known.*``: the defaults (no attributes in the source lines, no memos, every excerpt);
- ``known-chosen.*``: ``--attributes region --per-code 2 --spread-by region --memos``
  (bo has a memo on D1:0002, where ana's own memo is).

Markdown, HTML and CSV are compared as text; DOCX and XLSX through their outlines
(``tests/reports/outline.py``: styles, text, table cells with their shading, the contents
field, sheets and cells), not their zip bytes. Regenerate after an intended change with
``QCODE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports/test_report_golden.py``
and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding.store import set_memo
from qcode.reports.content import ReportContent, build_report, render_report
from tests.builders import build_known
from tests.reports.outline import docx_outline, golden, xlsx_outline

DATE = "2026-01-31"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportContent]:
    project = build_known(tmp_path_factory.mktemp("golden") / "known", coders=("ana", "bo"),
                          done=True)
    set_memo(project, "bo", project.load_document("D1"), "D1:0002",
             "bo: the ministry plan, read as a local matter")
    return {"known": build_report(project, coder="ana", date=DATE),
            "known-chosen": build_report(project, coder="ana", date=DATE, memos=True,
                                         attributes=["region"], per_code=2,
                                         spread_by="region")}


def _render(content: ReportContent, kind: str) -> str:
    data = render_report(content, kind)
    if kind == "docx":
        assert isinstance(data, bytes)
        return docx_outline(data)
    if kind == "xlsx":
        assert isinstance(data, bytes)
        return xlsx_outline(data)
    assert isinstance(data, str)
    return data


@pytest.mark.parametrize("kind", ["md", "csv", "docx", "xlsx"])
@pytest.mark.parametrize("name", ["known", "known-chosen"])
def test_report_matches_golden(reports: dict[str, ReportContent], name: str,
                               kind: str) -> None:
    suffix = {"docx": "docx.txt", "xlsx": "xlsx.txt"}.get(kind, kind)
    golden(f"{name}.{suffix}", _render(reports[name], kind))


def test_chosen_html_matches_golden(reports: dict[str, ReportContent]) -> None:
    # (the default HTML golden is known.html, without the agreement section)
    golden("known-chosen.html", _render(reports["known-chosen"], "html"))


def test_the_goldens_differ_where_the_options_say(reports: dict[str, ReportContent]) -> None:
    """A guard on the golden files themselves: the chosen report shows the region, the
    memos of both coders and two of G1's four excerpts; the default shows none of them."""
    plain, chosen = (_render(reports[n], "md") for n in ("known", "known-chosen"))
    assert "region: North" not in plain and "*Memo (" not in plain
    assert "##### G1: Local leadership (4 excerpts)" in plain
    assert "region: North" in chosen
    assert "> *Memo (ana):* Anna contrasts" in chosen
    assert "> *Memo (bo):* bo: the ministry plan, read as a local matter" in chosen
    assert "##### G1: Local leadership (2 of 4 excerpts)" in chosen
    assert "- **Exemplars:** up to 2 per code: spread across region and documents, then " \
        "the longest" in chosen


def test_golden_files_exist_for_every_format() -> None:
    from tests.reports.outline import GOLDEN

    names = {p.name for p in Path(GOLDEN).iterdir()}
    for stem in ("known", "known-chosen"):
        assert {f"{stem}.{s}" for s in ("md", "html", "csv", "docx.txt", "xlsx.txt")} <= names


def test_known_html_golden_is_the_default_page(reports: dict[str, ReportContent],
                                               tmp_path: Path) -> None:
    """known.html (test_report_formats) is the default report without agreement; its
    contents link every section, theme, level and code of the page."""
    page = (Path(__file__).parents[1] / "data" / "reports" / "known.html").read_text(
        encoding="utf-8")
    nav = page[page.index('<nav class="toc"'):page.index("</nav>")]
    for target in ("#matrix", "#excerpts", "#theme-gov", "#gov-micro", "#code-g1",
                   "#appendix-codebook", "#codebook-gov"):
        assert f'href="{target}"' in nav
        assert f'id="{target[1:]}"' in page

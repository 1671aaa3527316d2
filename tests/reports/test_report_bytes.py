"""The DOCX and XLSX reports of the known project are, byte for byte, the files the
python-docx and openpyxl calls wrote before those reports were made fast (issue 19:
paragraphs written as XML directly, rows in one go).

The golden outlines (test_report_golden.py) compare styles, text, shading and sheets; these
files pin everything else too: bold, italic, sizes and colours of runs, "keep with next",
alignment, column widths, cell formats. The expected files in tests/data/reports/bytes/
were written by the reports as they were before that change (commit 7ccb1d4), by this
module's :func:`write_expected` run against that tree; regenerate them only for a
deliberate change of the reports (QCODE_WRITE_GOLDEN=1), and check the golden outlines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from qcode.coding.store import add_span, set_memo
from qcode.reports.content import ReportContent, build_report, render_report
from tests.builders import DATA, build_known

EXPECTED = DATA / "reports" / "bytes"
DATE = "2026-01-31"
KINDS = ("docx", "xlsx")


def contents(root: Path) -> dict[str, ReportContent]:
    """The defaults, and everything a report can show: attributes, memos (with one on a
    quote), context around quotes (words and whole sentences), joint display, --per-code.
    """
    project = build_known(root / "known", coders=("ana", "bo"), done=True)
    set_memo(project, "bo", project.load_document("D1"), "D1:0002",
             "bo: the ministry plan,\tread as a local matter\nsecond line")
    d2 = project.load_document("D2")  # a span inside a segment: context around its quote
    at = d2.text.index("the budget office")
    add_span(project, "ana", d2, at, at + len("the budget"), [project.codebook.codes[0].id])
    return {"known": build_report(project, coder="ana", date=DATE),
            "known-all": build_report(project, coder="ana", date=DATE, memos=True,
                                      attributes=["region"], spread_by="region", context=4),
            "known-sentence": build_report(project, coder="ana", date=DATE, per_code=2,
                                           context="sentence")}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportContent]:
    return contents(tmp_path_factory.mktemp("bytes"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["known", "known-all", "known-sentence"])
def test_report_bytes_unchanged(reports: dict[str, ReportContent], name: str,
                                kind: str) -> None:
    data = render_report(reports[name], kind)
    assert isinstance(data, bytes)
    path = EXPECTED / f"{name}.{kind}"
    if os.environ.get("QCODE_WRITE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes()


def write_expected(folder: Path, tmp: Path) -> None:
    """Write the expected files with whatever qcode is importable (the old tree)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents(tmp).items():
        for kind in KINDS:
            data = render_report(content, kind)
            assert isinstance(data, bytes)
            (folder / f"{name}.{kind}").write_bytes(data)


if __name__ == "__main__":  # python -m tests.reports.test_report_bytes OUT TMP
    write_expected(Path(sys.argv[1]), Path(sys.argv[2]))

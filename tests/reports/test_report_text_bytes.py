"""The Markdown, HTML and CSV reports of the known project, with everything a report can
show (attributes, memos with a tab and a line break, context in words and sentences,
--per-code), are byte for byte what the reports wrote before the excerpts were escaped in
batches and the CSV rows written as lists (issue 19, report speed).

The expected files in tests/data/reports/text/ were written by :func:`write_expected` run
against the tree of commit b70d7a5; regenerate them only for a deliberate change of the
reports (QCODE_WRITE_GOLDEN=1).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from qcode.reports.content import ReportContent, render_report
from tests.builders import DATA
from tests.reports.test_report_bytes import contents

EXPECTED = DATA / "reports" / "text"
KINDS = ("md", "html", "csv")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportContent]:
    return contents(tmp_path_factory.mktemp("text"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["known", "known-all", "known-sentence"])
def test_report_text_unchanged(reports: dict[str, ReportContent], name: str,
                               kind: str) -> None:
    data = render_report(reports[name], kind)
    assert isinstance(data, str)
    path = EXPECTED / f"{name}.{kind}"
    if os.environ.get("QCODE_WRITE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode())
    assert data.encode() == path.read_bytes()


@pytest.mark.parametrize("name", ["known", "known-all", "known-sentence"])
def test_excerpt_table_is_excerpt_rows(reports: dict[str, ReportContent], name: str) -> None:
    """CSV and XLSX write the rows as lists; they are the dict rows' values in order."""
    r = reports[name]
    rows = r.excerpt_rows()
    assert rows, "the known project has excerpts"
    assert r.excerpt_fields() == list(rows[0])
    assert r.excerpt_table() == [list(row.values()) for row in rows]


def write_expected(folder: Path, tmp: Path) -> None:
    """Write the expected files with whatever qcode is importable (the old tree)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents(tmp).items():
        for kind in KINDS:
            data = render_report(content, kind)
            assert isinstance(data, str)
            (folder / f"{name}.{kind}").write_bytes(data.encode())


if __name__ == "__main__":  # python tests/reports/test_report_text_bytes.py OUT TMP
    write_expected(Path(sys.argv[1]), Path(sys.argv[2]))

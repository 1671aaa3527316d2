"""The DOCX report opened by LibreOffice (runs only where Debian's soffice is installed:
`apt-get install libreoffice-writer-nogui`): it converts without complaint, and its text
starts with the contents, filled in, before the first heading."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from qcode.reports.content import build_report, render_report
from tests.builders import build_known

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def test_docx_report_opens_in_libreoffice_with_its_contents(tmp_path: Path) -> None:
    project = build_known(tmp_path / "known", coders=("ana", "bo"), done=True)
    report = tmp_path / "report.docx"
    data = render_report(build_report(project, coder="ana", date="2026-01-31"), "docx")
    assert isinstance(data, bytes)
    report.write_bytes(data)
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([str(SOFFICE), f"-env:UserInstallation={Path(profile).as_uri()}",
                               "--headless", "--convert-to", "txt:Text", "--outdir",
                               str(tmp_path), str(report)],
                              capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "report.txt").read_text(encoding="utf-8-sig")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    start = lines.index("Contents")
    assert lines[start + 1:start + 4] == ["Theme x level matrix", "Agreement", "Excerpts"]
    assert "G1: Local leadership (4 excerpts)" in lines[start:]
    # the contents come before the sections they list
    assert lines.index("Theme x level matrix", start + 2) > lines.index(
        "G1: Local leadership (4 excerpts)")

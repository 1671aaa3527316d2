"""The HTML report in headless Chromium (runs only where /usr/bin/chromium exists).

Chromium parses the file, and its DOM must hold the matrix table, the heatmap and the
quotes, with the hostile quote present as text and no script element; a screenshot is
taken and must not be a blank page.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

from qcode.reports.content import build_report, render_report
from tests.builders import build_known

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian chromium is not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(*args: str) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, timeout=90, check=False)


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    project = build_known(tmp_path / "known")
    page = tmp_path / "report.html"
    page.write_text(render_report(build_report(project, date="2026-01-31"), "html"),  # type: ignore[arg-type]
                    encoding="utf-8")
    dom = _chromium("--dump-dom", page.as_uri()).stdout.decode("utf-8")
    assert "<table>" in dom and "Governance (GOV)" in dom
    assert "<svg" in dom and ">Governance</text>" in dom
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; the ministry's" in dom
    assert "<script" not in dom
    assert "D3 segment 4, said Cy." in dom
    # the contents: a nav of links to the headings' ids, parsed as such
    nav = dom[dom.index('<nav class="toc"'):dom.index("</nav>")]
    assert '<a href="#code-g1">G1: Local leadership (4 excerpts)</a>' in nav
    assert '<h5 id="code-g1">' in dom

    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 30_000  # a blank page compresses to a few kilobytes

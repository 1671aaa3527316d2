"""qcode.reports.xml_text.escape gives what xml.sax.saxutils.escape gives (it replaced it
to keep urllib and ssl out of every report's start-up)."""

from __future__ import annotations

import random
import subprocess
import sys
from xml.sax.saxutils import escape as sax_escape

import pytest

from qcode.reports.xml_text import escape
from tests.builders import ROOT


@pytest.mark.parametrize("entities", [None, {'"': "&quot;"}, {'"': "&quot;", "'": "&apos;"}])
def test_escape_is_saxutils_escape(entities: dict[str, str] | None) -> None:
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice("a<>&\"'; amp#\u00e9") for _ in range(rng.randrange(14)))
        assert escape(text, entities) == sax_escape(text, entities or {})


def test_reports_do_not_import_ssl() -> None:
    code = "import sys, qcode.reports.content; print('ssl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"

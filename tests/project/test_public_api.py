"""`import qcode` stays light, and every public name resolves."""

from __future__ import annotations

import subprocess
import sys

import qcode


def test_every_public_name_resolves() -> None:
    for name in qcode.__all__:
        assert getattr(qcode, name) is not None, name


def test_import_and_version_do_not_load_heavy_libraries() -> None:
    code = ("import sys, qcode.cli.app; "
            "print(sorted(m for m in ('numpy', 'pydantic', 'rapidfuzz', 'yaml', 'docx', "
            "'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"

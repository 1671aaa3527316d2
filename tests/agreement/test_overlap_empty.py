"""``agree --overlap ''`` is refused like any other value that is not ``any`` or ``N%``
(it used to be taken as the default, ``any``), in every mode that names --overlap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcode.errors import ExitCode
from tests.agreement.test_span_overlap import spans_project

Invoke = Callable[..., Any]


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_overlap_is_refused_like_abc(invoke: Invoke, tmp_path: Path,
                                              value: str) -> None:
    root = str(spans_project(tmp_path).root)
    good = invoke("--project", root, "agree", "--bootstrap", "0", "--overlap", "any")
    assert good.exit_code == 0, good.stderr  # the project itself is fine
    for bad_value in ("abc", value):
        bad = invoke("--project", root, "agree", "--bootstrap", "0", "--overlap", bad_value)
        assert (bad.exit_code, bad.stderr) == (
            ExitCode.USAGE, f"Error: --overlap {bad_value!r} is not 'any' or a share of the "
            "segment like 50%\nHint: use --overlap any (one character is enough) or "
            "--overlap N% with 0 < N <= 100\n")
        assert bad.stdout == ""


def test_an_empty_overlap_is_named_where_it_does_not_apply(invoke: Invoke,
                                                           tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text("unit,coder,value\n1,a,x\n1,b,x\n", encoding="utf-8")
    bad = invoke("agree", "--ratings", str(csv), "--overlap", "")
    assert (bad.exit_code, bad.stderr) == (
        ExitCode.USAGE, "Error: --overlap applies to project mode, not to --ratings\n")

"""Markdown and HTML reports are written a chunk of lines at a time (issue 19, report
speed: a 40 MB report is never joined into one string and encoded whole): the chunks must
make exactly the text that joining every line gives, in a file and on stdout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode import outputs
from qcode.outputs import Lines, write_output
from qcode.reports.content import ReportContent, render_report, report_output
from tests.reports.test_report_bytes import DATE, contents
from tests.reports.test_report_text_bytes import EXPECTED

lines_of_text = st.lists(st.text(alphabet=st.sampled_from(list("ab \n\r\u00e9\u2014"))),
                         max_size=40)


@given(lines=lines_of_text, size=st.integers(min_value=1, max_value=7))
def test_chunks_make_the_joined_text(lines: list[str], size: int) -> None:
    pieces = list(Lines(lines).chunks(size))
    assert "".join(pieces) == "\n".join(lines) == Lines(lines).text()
    assert len(pieces) == -(-len(lines) // size)  # whole chunks of ``size`` lines


@given(lines=lines_of_text, size=st.integers(min_value=1, max_value=7))
def test_written_lines_are_the_encoded_text(tmp_path_factory: pytest.TempPathFactory,
                                            lines: list[str], size: int) -> None:
    path = tmp_path_factory.mktemp("out") / "out.md"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outputs, "LINES_PER_CHUNK", size)
        write_output(path, Lines(lines))
    assert path.read_bytes() == "\n".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportContent]:
    return contents(tmp_path_factory.mktemp("chunked"))


@pytest.mark.parametrize("size", [1, 2, 5, 2048])
@pytest.mark.parametrize("kind", ["md", "html"])
@pytest.mark.parametrize("name", ["known", "known-all", "known-sentence"])
def test_report_written_in_chunks_is_the_report(reports: dict[str, ReportContent],
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                name: str, kind: str, size: int) -> None:
    monkeypatch.setattr(outputs, "LINES_PER_CHUNK", size)
    data = report_output(reports[name], kind)
    assert isinstance(data, Lines)
    write_output(tmp_path / f"r.{kind}", data)
    expected = (EXPECTED / f"{name}.{kind}").read_bytes()
    assert (tmp_path / f"r.{kind}").read_bytes() == expected
    assert render_report(reports[name], kind) == expected.decode()


@pytest.mark.parametrize("kind", ["md", "html"])
def test_report_on_stdout_is_the_file(invoke: Callable[..., Any], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    contents(tmp_path)  # the known project, with memos and a span inside a segment
    monkeypatch.setattr(outputs, "LINES_PER_CHUNK", 3)
    args = ("--project", str(tmp_path / "known"), "report", "--coder", "ana", "--date", DATE,
            "--format", kind)
    shown = invoke(*args)
    written = invoke(*args, "-o", str(tmp_path / f"r.{kind}"))
    assert shown.exit_code == written.exit_code == 0, (shown.output, written.output)
    assert shown.stdout == (tmp_path / f"r.{kind}").read_text(encoding="utf-8")
    assert shown.stdout == (EXPECTED / f"known.{kind}").read_text(encoding="utf-8")

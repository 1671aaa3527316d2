"""Unitized agreement on spans whose values (codes and sets of one coder's overlapping
codes) would need more memory than ``MAX_COINCIDENCE_BYTES`` for one coincidence array is
refused with the sizes (exit 8), not left to fail on memory: the 200-transcript benchmark
study, 773 values in 15,734 blocks, asked numpy for 70 GiB and ended as an unexpected
failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.agreement import unitized
from qcode.agreement.unitized_data import Continuum, Span
from qcode.errors import ExitCode

# ana codes A and B over one stretch (a set A+B), bo codes A: values A, B, A+B
SPANS = ("coder,start,end,code,doc\n"
         "ana,0,10,A,d1\nana,5,15,B,d1\nbo,0,10,A,d1\nbo,20,30,B,d1\n"
         "ana,0,10,A,d2\nbo,0,12,A,d2\n")


def test_spans_past_the_limit_are_refused_with_the_sizes(tmp_path: Path, invoke,
                                                         monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "spans.csv"
    path.write_text(SPANS, encoding="utf-8")
    monkeypatch.setattr(unitized, "MAX_COINCIDENCE_BYTES", 4 * 4 * 8 * 99)
    ok = invoke("agree", "--spans", str(path), "--bootstrap", "0", "--format", "json")
    assert ok.exit_code == 0, ok.output  # 4 blocks x 4 x 4 values fit
    result = invoke("agree", "--spans", str(path), "--bootstrap", "100", "--seed", "1")
    assert result.exit_code == ExitCode.INSUFFICIENT_DATA
    assert result.stderr.splitlines() == [
        "Error: unitized agreement on these spans would need 0.0 GiB of memory for 200 "
        "resamples of documents on their own x 3 values squared (2 codes and 1 sets of "
        "one coder's overlapping codes)",
        "Hint: narrow it with --doc or --where or --no-doc-intervals; segment agreement "
        "(qcode agree without --unitized) has no such limit"]
    pooled = invoke("agree", "--spans", str(path), "--bootstrap", "100", "--seed", "1",
                    "--no-doc-intervals")
    assert pooled.exit_code == ExitCode.INSUFFICIENT_DATA
    assert pooled.stderr.splitlines()[0].startswith(
        "Error: unitized agreement on these spans would need 0.0 GiB of memory for 100 "
        "resamples x 3 values squared")


@pytest.mark.parametrize("n_boot", [0, 100])
def test_data_within_the_limit_are_measured_as_before(n_boot: int) -> None:
    c = Continuum("d", 0, 40, (Span("a", 0, 10, "A"), Span("a", 5, 15, "B"),
                               Span("b", 0, 10, "A")))
    rep = unitized.unitized_agreement([c], ["a", "b"], n_boot=n_boot, seed=2)
    assert rep.codes == ("A", "B")

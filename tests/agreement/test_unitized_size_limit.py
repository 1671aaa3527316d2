"""Unitized agreement holds O(V) statistics per block, document and bootstrap replicate
(V: the values, codes and sets of one coder's overlapping codes), never V x V matrices:
the 200-transcript benchmark study, 773 values in 15,734 blocks, which the dense
matrices refused (70 GiB), is measured. What still grows with V is the bootstrap's
replicates (B vectors over the values); past ``MAX_REPLICATE_BYTES`` they are refused
with the sizes (exit 8), not left to fail on memory."""

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


def test_resamples_past_the_limit_are_refused_with_the_sizes(tmp_path: Path, invoke,
                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "spans.csv"
    path.write_text(SPANS, encoding="utf-8")
    # 100 resamples x (16 vectors x (4 values + 2 codes) + 2 x 3 blocks) x 8 bytes fit
    monkeypatch.setattr(unitized, "MAX_REPLICATE_BYTES", 100 * (16 * 6 + 6) * 8)
    for boot in ("0", "100"):
        ok = invoke("agree", "--spans", str(path), "--bootstrap", boot, "--seed", "1",
                    "--format", "json")
        assert ok.exit_code == 0, ok.output
    result = invoke("agree", "--spans", str(path), "--bootstrap", "2000", "--seed", "1")
    assert result.exit_code == ExitCode.INSUFFICIENT_DATA
    assert result.stderr.splitlines() == [
        "Error: unitized agreement on these spans would need 2 MB of memory for 2,000 "
        "resamples x 3 values (2 codes and 1 sets of one coder's overlapping codes)",
        "Hint: use fewer resamples (--bootstrap), or narrow the data with --doc or --where"]


def test_many_values_without_a_bootstrap_are_never_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(unitized, "MAX_REPLICATE_BYTES", 1)
    # 40 codes; one coder's overlapping pairs of them make 39 sets more, in 40 blocks
    spans = [Span(coder, 10 * k, 10 * k + 8, f"C{k:02d}") for k in range(40)
             for coder in ("a", "b")]
    spans += [Span("a", 10 * k + 4, 10 * k + 12, f"C{k + 1:02d}") for k in range(39)]
    rep = unitized.unitized_agreement([Continuum("d", 0, 400, tuple(spans))], ["a", "b"],
                                      n_boot=0)
    assert len(rep.coefficients[4].by_code) == 40 + 39


@pytest.mark.parametrize("n_boot", [0, 100])
def test_data_within_the_limit_are_measured_as_before(n_boot: int) -> None:
    c = Continuum("d", 0, 40, (Span("a", 0, 10, "A"), Span("a", 5, 15, "B"),
                               Span("b", 0, 10, "A")))
    rep = unitized.unitized_agreement([c], ["a", "b"], n_boot=n_boot, seed=2)
    assert rep.codes == ("A", "B")

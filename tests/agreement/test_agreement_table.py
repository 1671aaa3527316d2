"""The reader's agreement table (qcode.agreement.table): each special case gets its
footnote, rows nobody applied go into one line, the overall rows stand apart."""

from __future__ import annotations

from qcode.agreement.coefficients import CoefficientResult
from qcode.agreement.project import ProjectAgreement, RowAgreement
from qcode.agreement.table import agreement_table, interval

METRICS = ("percent_agreement", "cohen_kappa", "krippendorff_alpha")
LABELS = {"percent_agreement": "Percent agreement", "cohen_kappa": "Cohen's kappa",
          "krippendorff_alpha": "Krippendorff's alpha"}


def coef(name: str, value: float | None, ci: tuple[float, float] | None = None,
         reason: str | None = None) -> CoefficientResult:
    return CoefficientResult(name=name, label=LABELS[name], value=value, ci=ci, reason=reason)


def row(rid: str, prevalence: float, values: tuple[float | None, ...],
        cis: tuple[tuple[float, float] | None, ...] = (None, None, None),
        reason: str | None = None, note: str | None = None) -> RowAgreement:
    return RowAgreement(id=rid, label=f"name of {rid}", prevalence=prevalence, n_units=100,
                        note=note, coefficients=tuple(
                            coef(n, v, c, reason if v is None else None)
                            for n, v, c in zip(METRICS, values, cis, strict=True)))


def report(*rows: RowAgreement) -> ProjectAgreement:
    return ProjectAgreement(
        coders=("a", "b"), documents=("D1",), n_units=100, by="code", metrics=METRICS,
        ci_level=0.95, bootstrap=500, seed=3,
        masi_alpha=coef("krippendorff_alpha", 0.8, (0.7, 0.9)),
        mean_per_code=dict(zip(METRICS, (0.95, 0.7, 0.71), strict=True)), rows=rows)


def test_intervals_never_read_as_a_range() -> None:
    assert interval((-1.0, 0.0)) == "[-1.00, 0.00]"
    assert interval((-1e-17, 0.5)) == "[0.00, 0.50]"  # no -0.00


def test_each_special_case_is_a_footnote() -> None:
    t = agreement_table(report(
        row("C1", 0.30, (0.95, 0.9, 0.9), (None, (0.8, 1.0), (0.8, 1.0))),
        row("C2", 0.01, (1.0, 1.0, 1.0), (None, (1.0, 1.0), (0.0, 1.0))),  # 0.00 bound, few
        row("C3", 0.04, (0.96, 0.3, 0.31)),  # rare (8 of 200 cells): high agreement, low kappa
        row("C4", 0.50, (1.0, None, None), reason="chance agreement is 1"),
        row("C5", 0.0, (None, None, None), reason="no coder applied it",
            note="no coder applied it"),
        row("C6", 0.0, (None, None, None), reason="no coder applied it",
            note="no coder applied it")))
    marks = {r.id: r.notes for r in t.rows}
    texts = dict(t.notes)
    assert marks["C1"] == ()
    assert [texts[m][:30] for m in marks["C2"]] == ["Alpha's interval reaches 0.00 ",
                                                  "Applied fewer than 5 times (se"]
    assert [texts[m][:15] for m in marks["C3"]] == ["Low prevalence "]
    assert [texts[m] for m in marks["C4"]] == [
        "Cohen's kappa: n/a, chance agreement is 1.",
        "Krippendorff's alpha: n/a, chance agreement is 1."]
    assert [r.id for r in t.rows] == ["C1", "C2", "C3", "C4"]  # nobody applied C5, C6
    assert t.unused == "Not applied by any coder (2 codes, no values): C5, C6."
    assert [(r.id, r.label) for r in t.overall] == [
        ("All codes", "MASI alpha over code sets"),
        ("Code mean", "mean of 4 per-code values")]
    assert [c.value for c in t.overall[0].cells] == ["", "", "0.800 ✓"]
    assert [c.value for c in t.overall[1].cells] == ["0.950", "0.700", "0.710"]

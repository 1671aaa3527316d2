"""The agreement table a reader sees: the rows, the overall rows and every footnote.

Pure: a :class:`~qcode.agreement.project.ProjectAgreement` in, an :class:`AgreementTable`
of plain strings out; the terminal (``cli/agree_cmd.py``) and Markdown
(:mod:`qcode.reports.agreement_table`) render the same record, so they say the same thing.

What the table does for a reader:

- rows nobody applied (no values) are not rows of dashes: they are named once, in one line;
- intervals are written ``[-1.00, 0.00]`` (a minus sign never reads as a range dash);
- each special case is marked on its row and explained in a footnote: alpha's lower bound
  0.00 from bootstrap resamples without variation (Krippendorff's rule: such a resample
  counts as alpha = 0), the low-prevalence paradox (high agreement, low kappa or alpha on a
  rare code; Feinstein & Cicchetti 1990), a code applied only a few times, and a
  coefficient that does not apply (with its reason);
- the overall rows say what they are (alpha with the MASI distance over each coder's set of
  codes per segment; the unweighted mean of the per-code values) and stand apart from the
  code, theme, level or document rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from qcode.agreement.coefficients import CoefficientResult
from qcode.agreement.project import ProjectAgreement

#: short column heads of the coefficients
SHORT = {"percent_agreement": "Agree", "cohen_kappa": "Cohen k", "scott_pi": "Scott pi",
         "fleiss_kappa": "Fleiss k", "conger_kappa": "Conger k", "krippendorff_alpha": "Alpha",
         "gwet_ac1": "AC1", "brennan_prediger": "BP"}
MARKS = "Marks (Krippendorff): ✓ >= .800 reliable, ~ >= .667 tentative, ✗ below."
#: below this prevalence, high agreement with a low kappa or alpha is the rare-code paradox
RARE = 0.05
#: a row whose code was applied fewer times than this (segment x coder cells) rests on few
#: decisions; its interval is wide
FEW = 5
CHANCE_CORRECTED = ("cohen_kappa", "scott_pi", "fleiss_kappa", "conger_kappa",
                    "krippendorff_alpha")

NOTE_TEXT = {
    "no-variation": "Alpha's interval reaches 0.00 because some bootstrap resamples drew only "
                    "agreeing pairs of one value (a code absent for every coder): such a "
                    "resample has no variation and, by Krippendorff's rule, counts as "
                    "alpha = 0 (Hayes & Krippendorff 2007). Alpha 1.000 with [0.00, 1.00] "
                    "means perfect agreement on too few applications to be sure of it.",
    "rare": f"Low prevalence (under {RARE:.0%} of segment x coder cells): agreement is high "
            "but kappa or alpha is low, because chance agreement on a rare code is near 1 "
            "(Feinstein & Cicchetti 1990); read it beside percent agreement and AC1.",
    "few": f"Applied fewer than {FEW} times (segment x coder cells): the value rests on a "
           "handful of decisions and its interval is wide.",
}


@dataclass(frozen=True)
class Cell:
    value: str  # "0.922 ✓", "0.997", "n/a" or "" (no value in this column)
    interval: str  # "[0.77, 1.00]" or ""


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    prevalence: str
    cells: tuple[Cell, ...]
    notes: tuple[str, ...] = ()  # footnote marks (letters) of this row


@dataclass(frozen=True)
class AgreementTable:
    title: str
    by: str  # the first column's head: Code, Theme, Level or Document
    heads: tuple[str, ...]  # one short head per metric
    rows: tuple[Row, ...]
    overall: tuple[Row, ...]  # shown apart: MASI alpha over code sets, mean per code
    unused: str | None  # the one line naming rows nobody applied
    notes: tuple[tuple[str, str], ...]  # (mark, text) in order of first use
    legend: tuple[str, ...]  # columns, marks, prevalence, bootstrap


def fmt3(x: float) -> str:
    """Three decimals; -0.000 (a rounding error below zero) shows as 0.000."""
    return f"{round(x, 3) + 0.0:.3f}"


def fmt2(x: float) -> str:
    return f"{round(x, 2) + 0.0:.2f}"


def interval(ci: tuple[float, float] | None) -> str:
    """``[-1.00, 0.00]``: brackets and a comma, never ``-1.00-0.00``."""
    return "" if ci is None else f"[{fmt2(ci[0])}, {fmt2(ci[1])}]"


def mark(value: float) -> str:
    return "✓" if value >= 0.800 else ("~" if value >= 0.667 else "✗")


def value_text(r: CoefficientResult) -> str:
    if r.value is None:
        return "n/a"
    if r.name == "percent_agreement":
        return fmt3(r.value)
    return f"{fmt3(r.value)} {mark(r.value)}"


def bootstrap_line(n_boot: int, seed: int | None) -> str:
    if n_boot <= 0:
        return "No bootstrap intervals (--bootstrap 0)."
    return f"Bootstrap: {n_boot:,} resamples, seed {seed} (--seed {seed} reproduces them)."


class _Notes:
    """Footnote letters handed out in order of first use; the same note keeps its letter."""

    def __init__(self) -> None:
        self.order: dict[str, tuple[str, str]] = {}

    def mark(self, key: str, text: str) -> str:
        if key not in self.order:
            self.order[key] = (chr(ord("a") + len(self.order)), text)
        return self.order[key][0]


def _row_notes(row_cells: list[CoefficientResult], prevalence: float, applied: int,
               notes: _Notes) -> tuple[str, ...]:
    marks = []
    by_name = {r.name: r for r in row_cells}
    alpha = by_name.get("krippendorff_alpha")
    if alpha is not None and alpha.value is not None and alpha.ci is not None \
            and alpha.ci[0] == 0.0 and alpha.value > 0.0:
        marks.append(notes.mark("no-variation", NOTE_TEXT["no-variation"]))
    agree = by_name.get("percent_agreement")
    chance = [r.value for n, r in by_name.items() if n in CHANCE_CORRECTED and r.value is not None]
    if prevalence < RARE and chance and min(chance) < 0.667 and (
            agree is None or (agree.value is not None and agree.value >= 0.9)):
        marks.append(notes.mark("rare", NOTE_TEXT["rare"]))
    if 0 < applied < FEW:
        marks.append(notes.mark("few", NOTE_TEXT["few"]))
    for r in row_cells:
        if r.value is None and r.reason:
            marks.append(notes.mark(f"na:{r.name}:{r.reason}", f"{r.label}: n/a, {r.reason}."))
    return tuple(sorted(set(marks)))


def agreement_table(rep: ProjectAgreement) -> AgreementTable:
    """The reader's table of a project agreement (see the module)."""
    notes = _Notes()
    labels: dict[str, str] = {}
    rows = []
    unused = []
    n_coders = len(rep.coders)
    for row in rep.rows:
        for r in row.coefficients:
            labels[r.name] = r.label
        if row.note:  # nobody applied it: no values, named once below the table
            unused.append(row.id)
            continue
        by_name = {r.name: r for r in row.coefficients}
        cells = []
        for name in rep.metrics:
            found = by_name.get(name)
            cells.append(Cell("", "") if found is None else
                         Cell(value_text(found), interval(found.ci)))
        applied = round(row.prevalence * row.n_units * n_coders)
        rows.append(Row(row.id, row.label, f"{row.prevalence:.1%}", tuple(cells),
                        _row_notes(list(row.coefficients), row.prevalence, applied, notes)))
    masi = rep.masi_alpha
    masi_cells = tuple(Cell(value_text(masi) if masi.value is not None else "n/a",
                            interval(masi.ci)) if name == "krippendorff_alpha" else Cell("", "")
                       for name in rep.metrics)
    masi_notes: tuple[str, ...] = ()
    if masi.value is None and masi.reason:
        masi_notes = (notes.mark("masi-na", f"Alpha over code sets: n/a, {masi.reason}."),)
    n_valued = len(rows) if rep.by == "code" else None
    means = [rep.mean_per_code.get(n) for n in rep.metrics]
    mean_cells = tuple(Cell("" if v is None else fmt3(v), "") for v in means)
    # short enough for the name column (28 characters at most)
    mean_label = ("mean of per-code values" if n_valued is None
                  else f"mean of {n_valued} per-code values")
    overall = (Row("All codes", "MASI alpha over code sets", "", masi_cells, masi_notes),
               Row("Code mean", mean_label, "", mean_cells))
    what = {"code": "codes", "theme": "themes", "level": "levels", "document": "documents"}
    unused_line = None
    if unused:
        kind = what.get(rep.by, rep.by) if len(unused) > 1 else rep.by
        unused_line = (f"Not applied by any coder ({len(unused)} {kind}, no values): "
                       f"{', '.join(unused)}.")
    legend = [
        "Columns: " + ", ".join(f"{SHORT.get(n, n)} = {labels.get(n, n)}" for n in rep.metrics)
        + f"; each value with its {rep.ci_level:.0%} interval.",
        "All codes: Krippendorff's alpha with the MASI distance over each coder's set of "
        "codes per segment. Code mean: the unweighted mean of the per-code values "
        "(codes nobody applied left out; no interval)"
        + ("" if rep.by == "code" else f"; the rows above are {what.get(rep.by, rep.by)}, "
           "the mean is over codes") + ".",
    ]
    if "krippendorff_alpha" not in rep.metrics and masi.value is not None:
        legend.append(f"All codes, alpha (MASI) over code sets: {value_text(masi)} "
                      f"{interval(masi.ci)}".rstrip() + ".")
    if masi.p_below_667 is not None:
        legend.append(f"All codes, bootstrap: P(alpha < .667) = {masi.p_below_667:.3f}, "
                      f"P(alpha < .800) = {masi.p_below_800:.3f}.")
    legend += [f"Spans: {rep.overlap_rule}.",  # the --overlap rule (issue 15, B)
               MARKS + " Prev. = share of segment x coder cells coded.",
               bootstrap_line(rep.bootstrap, rep.seed)]
    return AgreementTable(
        title=(f"Agreement by {rep.by}: {', '.join(rep.coders)}; {len(rep.documents)} "
               f"documents, {rep.n_units} segments"),
        by=rep.by.capitalize(), heads=tuple(SHORT.get(n, n) for n in rep.metrics),
        rows=tuple(rows), overall=overall, unused=unused_line,
        notes=tuple(notes.order.values()), legend=tuple(legend))

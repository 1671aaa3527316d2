"""What a reader of unitized agreement sees besides the numbers: the cell texts, the notes
giving the reason for every value that cannot be computed, and the legend (what the by-code
columns mean, the inferred continuum, overlapping codes, the marks, the bootstrap).

Pure: a :class:`~qcode.agreement.unitized.UnitizedAgreement` in, strings out; the terminal
(``cli/agree_unitized.py``) and Markdown (:mod:`qcode.reports.unitized_markdown`) tables
use the same texts, so they say the same thing.
"""

from __future__ import annotations

from qcode.agreement.table import MARKS, fmt3, mark
from qcode.agreement.table import interval as ci_text
from qcode.agreement.unitized import UnitizedAgreement
from qcode.agreement.unitized_boot import FEW_UNITS, Value

SHORT = {"alpha_u_2004": "alpha_U 2004", "u_alpha": "u-alpha",
         "binary_u_alpha": "|u-alpha", "cu_alpha": "cu-alpha", "k_u_alpha": "(k)u-alpha"}
#: the columns of the by-code table, and of the by-document table
BY_CODE = ("alpha_u_2004", "u_alpha", "k_u_alpha")
BY_DOC = ("alpha_u_2004", "u_alpha", "binary_u_alpha", "cu_alpha")


def cell(v: Value, marked: bool = True) -> str:
    """``0.912 ✓`` (``marked``), ``0.912``, or ``n/a``."""
    if v.value is None:
        return "n/a"
    return f"{fmt3(v.value)} {mark(v.value)}" if marked else fmt3(v.value)


def interval(v: Value) -> str:
    """``[-0.36, 0.97]`` or ``""``: two decimals in brackets, as every agreement table
    writes intervals (:func:`qcode.agreement.table.interval`)."""
    return ci_text(v.ci)


def prob(x: float | None) -> str:
    return "" if x is None else fmt3(x)


def title(rep: UnitizedAgreement) -> str:
    ndocs = len(rep.documents)
    where = (f"{ndocs} documents, {rep.continuum_length} positions in all" if ndocs > 1
             else "continuum {}-{} ({} positions)".format(*next(iter(rep.continua.values())),
                                                         rep.continuum_length))
    return f"Unitized agreement: {len(rep.coders)} coders ({', '.join(rep.coders)}); {where}"


def code_keys(rep: UnitizedAgreement) -> list[str]:
    """The rows of the by-code table: every code, then any code set only (k)u-alpha has."""
    by = {c.name: c.by_code for c in rep.coefficients}
    return list(dict.fromkeys([*rep.codes, *by["k_u_alpha"]]))


def null_notes(rep: UnitizedAgreement) -> list[str]:
    """One line per value that cannot be computed, with its reason: pooled, by code, and
    per document (documents with the same reason named together)."""
    lines = []
    for c in rep.coefficients:
        if c.name != "k_u_alpha" and c.overall.value is None:
            lines.append(f"{c.label}: n/a, {c.overall.reason}.")
    by = {c.name: c.by_code for c in rep.coefficients}
    for key in code_keys(rep):
        for name in BY_CODE:
            got = by[name].get(key)
            if got is not None and got.value is None:
                lines.append(f"{SHORT[name]} of {key}: n/a, {got.reason}.")
    grouped: dict[tuple[str, str | None], list[str]] = {}
    for doc, coefs in rep.per_document.items():
        for c in coefs:
            if c.name in BY_DOC and c.overall.value is None:
                grouped.setdefault((c.name, c.overall.reason), []).append(doc)
    for (name, reason), docs in grouped.items():
        lines.append(f"{SHORT[name]} of document{'s' if len(docs) > 1 else ''} "
                     f"{', '.join(docs)}: n/a, {reason}.")
    return lines


def legend(rep: UnitizedAgreement) -> list[str]:
    lines = ["By code: alpha_U 2004 is c-alpha_U of that code; u-alpha is measured on that "
             "code's units alone (= |u-alpha); (k)u-alpha is agreement on the code where "
             "coders' units overlap (cu-alpha's breakdown)."]
    if rep.inferred:
        lines.append("The continuum was not given (--continuum): it runs from the smallest "
                     "start to the largest end in the file" +
                     (", per document." if len(rep.documents) > 1 else "."))
    if rep.compound_share > 0:
        lines.append(f"{rep.compound_share:.1%} of coder x position cells lie where one "
                     "coder's spans of different codes overlap; the 2016 coefficients read "
                     "them as one value, the set of codes (A+B).")
    lines.append(MARKS)
    if rep.bootstrap <= 0:
        lines.append("No bootstrap intervals (--bootstrap 0).")
        return lines
    what = ("documents" if rep.resampled == "documents" else
            "blocks (stretches between positions nobody coded) of the one document")
    lines.append(f"Bootstrap: {rep.bootstrap} resamples of the {rep.n_resampled} "
                 f"{what}, seed {rep.seed} (--seed {rep.seed} reproduces them); "
                 "alpha_U 2004 keeps its expected disagreement fixed.")
    if rep.per_document_ci:
        lines.append("By document: each document's intervals resample its own blocks "
                     "(stretches between positions nobody coded), never cutting a unit.")
    elif rep.per_document:
        lines.append("By document: point values (--no-doc-intervals).")
    return lines + few_units_note(rep)


#: documents named one by one in the few-units note; the rest are counted
NAMED = 5


def few_units_note(rep: UnitizedAgreement) -> list[str]:
    """One line when an interval rests on fewer than ``FEW_UNITS`` resampled units: the
    pooled one (documents, or the one document's blocks) and each document's own (its
    blocks); why such intervals are rough is in :mod:`qcode.agreement.unitized_boot`."""
    if rep.bootstrap <= 0:
        return []
    where = []
    if rep.n_resampled < FEW_UNITS:
        unit = "documents" if rep.resampled == "documents" else "blocks"
        where.append(f"the pooled ones ({rep.n_resampled} {unit})")
    few = ([(d, rep.blocks[d]) for d in rep.per_document if rep.blocks.get(d, 0) < FEW_UNITS]
           if rep.per_document_ci else [])
    if few:
        shown = ", ".join(f"{d} ({n} block{'s' if n != 1 else ''})" for d, n in few[:NAMED])
        more = f" and {len(few) - NAMED} more" if len(few) > NAMED else ""
        where.append(f"document{'s' if len(few) > 1 else ''} {shown}{more}")
    if not where:
        return []
    return [f"Intervals resting on fewer than {FEW_UNITS} resampled units: "
            f"{'; '.join(where)}. A "
            "percentile bootstrap from so few units is rough: there are few distinct "
            "resamples, so an interval can be too narrow or lie almost wholly on one "
            "side of its value (Efron & Tibshirani 1993, ch. 13-14). Read these "
            "intervals and P(<.667), P(<.800) as indications, not bounds."]

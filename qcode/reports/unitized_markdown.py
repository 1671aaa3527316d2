"""Unitized agreement (:mod:`qcode.agreement.unitized`) as Markdown, for ``qcode agree
--spans/--unitized --format md``: the pooled coefficients, the by-code and by-document
tables with their intervals, then the reasons for every n/a and the legend (the texts of
:mod:`qcode.agreement.unitized_table`, as in the terminal)."""

from __future__ import annotations

from qcode.agreement import unitized_table as ut
from qcode.agreement.unitized import UnitizedAgreement
from qcode.agreement.unitized_boot import Value
from qcode.reports.markup import md_escape


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _value(v: Value | None) -> str:
    if v is None:
        return "-"
    return f"{ut.cell(v)} {ut.interval(v)}".strip()


def unitized_markdown(rep: UnitizedAgreement) -> str:
    """A title line, the pooled table, By code, By document, then notes and legend."""
    lines = [f"**{md_escape(ut.title(rep))}**", "",
             _line(["Coefficient", "Value", f"{rep.ci_level:.0%} CI", "P(<.667)",
                    "P(<.800)"]), "|:---|---:|---:|---:|---:|"]
    for c in rep.coefficients:
        if c.name == "k_u_alpha":
            continue
        v = c.overall
        lines.append(_line([md_escape(c.label), ut.cell(v), ut.interval(v),
                            ut.prob(v.p_below_667), ut.prob(v.p_below_800)]))
    by = {c.name: c.by_code for c in rep.coefficients}
    keys = ut.code_keys(rep)
    if keys:
        lines += ["", "By code:", "",
                  _line(["Code", *(md_escape(ut.SHORT[n]) for n in ut.BY_CODE)]),
                  "|:---|" + "---:|" * len(ut.BY_CODE)]
        lines += [_line([md_escape(key), *(_value(by[n].get(key)) for n in ut.BY_CODE)])
                  for key in keys]
    if rep.per_document:
        lines += ["", "By document" + ("" if rep.per_document_ci else " (point values)")
                  + ":", "",
                  _line(["Document", *(md_escape(ut.SHORT[n]) for n in ut.BY_DOC)]),
                  "|:---|" + "---:|" * len(ut.BY_DOC)]
        for doc, coefs in rep.per_document.items():
            overall = {c.name: c.overall for c in coefs}
            lines.append(_line([md_escape(doc), *(_value(overall[n]) for n in ut.BY_DOC)]))
    lines.append("")
    for text in [*ut.null_notes(rep), *ut.legend(rep)]:
        lines += [md_escape(text), ""]
    return "\n".join(lines).rstrip() + "\n"

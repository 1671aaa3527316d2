"""The methods paragraph and its table, written from a :class:`~qcode.methods.facts.Methods`
record: Markdown, plain text and DOCX.

The text states only what the record holds. Coefficients are written as journals print
them (APA: two decimals, no leading zero for values that cannot exceed 1, e.g. ".81, 95%
CI [.76, .85]"), each with its method and reference; the references are listed at the end.
What the records cannot support is listed under "Not in qcode's records".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from qcode.methods.facts import Coefficient, Methods
from qcode.reports.markup import md_escape
from qcode.reports.tables import deterministic_zip

REFERENCES = {
    "cohen": "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational "
             "and Psychological Measurement, 20(1), 37-46.",
    "fleiss": "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. "
              "Psychological Bulletin, 76(5), 378-382.",
    "gwet": "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the "
            "presence of high agreement. British Journal of Mathematical and Statistical "
            "Psychology, 61(1), 29-48.",
    "krippendorff": "Krippendorff, K. (2019). Content analysis: An introduction to its "
                    "methodology (4th ed.). SAGE.",
    "hayes": "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard "
             "reliability measure for coding data. Communication Methods and Measures, 1(1), "
             "77-89.",
    "passonneau": "Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for "
                  "semantic and pragmatic annotation. Proceedings of the Fifth International "
                  "Conference on Language Resources and Evaluation (LREC 2006).",
    "efron": "Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. "
             "Chapman & Hall.",
    "scott": "Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale "
             "coding. Public Opinion Quarterly, 19(3), 321-325.",
    "conger": "Conger, A. J. (1980). Integration and generalization of kappas for multiple "
              "raters. Psychological Bulletin, 88(2), 322-328.",
    "brennan": "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, "
               "misuses, and alternatives. Educational and Psychological Measurement, 41(3), "
               "687-699.",
}
#: the in-text citation and the reference key of each coefficient
CITES = {"cohen_kappa": ("Cohen, 1960", "cohen"), "fleiss_kappa": ("Fleiss, 1971", "fleiss"),
         "gwet_ac1": ("Gwet, 2008", "gwet"),
         "krippendorff_alpha": ("Krippendorff, 2019", "krippendorff"),
         "scott_pi": ("Scott, 1955", "scott"), "conger_kappa": ("Conger, 1980", "conger"),
         "brennan_prediger": ("Brennan & Prediger, 1981", "brennan")}
UNIT_WORDS = {"turn": "speaker turn", "paragraph": "paragraph", "sentence": "sentence"}
SHORT = {"percent_agreement": "Agreement", "cohen_kappa": "Cohen's κ",
         "fleiss_kappa": "Fleiss' κ", "gwet_ac1": "Gwet's AC1", "krippendorff_alpha": "α",
         "scott_pi": "Scott's π", "conger_kappa": "Conger's κ", "brennan_prediger": "B-P"}


def apa(x: float, digits: int = 2) -> str:
    """Two decimals without the leading zero (values within [-1, 1]): .81, -.04, 1.00; a
    value below 1 that two decimals would show as 1.00 gets three (.997), so perfect
    agreement is never claimed by rounding.

    >>> apa(0.8149), apa(-0.043), apa(1.0), apa(0.0), apa(0.9966)
    ('.81', '-.04', '1.00', '.00', '.997')
    """
    if x < 1.0 and round(x, digits) >= 1.0:
        digits += 1
    text = f"{round(x, digits) + 0.0:.{digits}f}"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def number(n: int) -> str:
    return f"{n:,}"


def ci_text(c: Coefficient, level: float) -> str:
    return "" if c.ci is None else f", {level:.0%} CI [{apa(c.ci[0])}, {apa(c.ci[1])}]"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{number(n)} {one if n == 1 else (many or one + 's')}"


def listing(items: Sequence[str], sep: str = ", ") -> str:
    """APA's series: "a and b", "a, b, and c" (with ``sep="; "``: "a; b; and c").

    >>> listing(["a"]), listing(["a", "b"]), listing(["a", "b", "c"])
    ('a', 'a and b', 'a, b, and c')
    """
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return sep.join(items[:-1]) + f"{sep.rstrip()} and {items[-1]}"


@dataclass(frozen=True)
class Section:
    title: str
    text: str


@dataclass(frozen=True)
class MethodsText:
    """What every format writes: titled paragraphs, the agreement table, the references
    cited, and what the records cannot support."""

    sections: tuple[Section, ...]
    table_title: str
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    table_note: str
    references: tuple[str, ...]
    not_in_records: tuple[str, ...]


def _data(m: Methods) -> str:
    units = [f"{UNIT_WORDS.get(u, u)} ({plural(n, 'document')})" for u, n in m.units.items()]
    unit_text = (f"segmented by {UNIT_WORDS.get(next(iter(m.units)), next(iter(m.units)))}"
                 if len(m.units) == 1 else f"segmented by {listing(units)}")
    text = (f"The corpus comprises {plural(m.documents, 'transcript')} "
            f"({plural(m.segments, 'segment')}, {unit_text}).")
    by: dict[str, list[str]] = {}
    for g in m.groups:
        value = "not recorded" if g.value == "(missing)" else g.value
        by.setdefault(g.attribute, []).append(
            f"{value}, {plural(g.documents, 'document')} ({plural(g.segments, 'segment')})")
    for attribute, parts in by.items():
        text += f" By {attribute}: {listing(parts, '; ')}."
    return text


def _codebook(m: Methods) -> str:
    cb = m.codebook
    text = (f"The codebook holds {plural(cb.codes, 'code')} in a grid of "
            f"{plural(len(cb.themes), 'theme')} ({listing([n for _, n in cb.themes], '; ')}) "
            f"by {plural(len(cb.levels), 'level')} ({listing([n for _, n in cb.levels], '; ')}).")
    empty = sum(1 for row in cb.codes_per_cell for n in row if n == 0)
    if cb.themes and cb.levels:
        text += (" Every theme x level cell has at least one code." if not empty else
                 f" {plural(empty, 'theme x level cell')} of {len(cb.themes) * len(cb.levels)} "
                 f"{'has' if empty == 1 else 'have'} no code.")
    if cb.changes:
        ops = {"add": "added", "edit": "edited", "rename": "renamed", "move": "moved",
               "merge": "merged", "split": "split", "retire": "retired",
               "accept": "accepted from proposals"}
        parts = [f"{n} {ops.get(op, op)}" for op, n in sorted(cb.changes.items())]
        span = ""
        if cb.first_change and cb.last_change:
            span = (f" between {cb.first_change[:10]} and {cb.last_change[:10]}"
                    if cb.first_change[:10] != cb.last_change[:10] else
                    f" on {cb.first_change[:10]}")
        total = sum(cb.changes.values())
        text += (f" The codebook's history records {plural(total, 'change')}{span}: "
                 f"{listing(parts)} (counts of changes, not of distinct codes)")
        if cb.changes_after_coding_began is not None and cb.coding_began:
            n = cb.changes_after_coding_began
            text += (f"; {'none' if n == 0 else number(n)} of them after coding began "
                     f"({cb.coding_began[:10]})")
        text += "."
    else:
        text += " The codebook's history records no change to it."
    return text


def _coding(m: Methods) -> str:
    humans = [c for c in m.coders if not c.consensus]
    if not humans:
        return "No coder has coded yet."
    words = ["One coder", "Two coders", "Three coders", "Four coders", "Five coders"]
    who = words[len(humans) - 1] if len(humans) <= len(words) else f"{len(humans)} coders"
    each = [f"{c.coder} made {plural(c.codings, 'coding')} in "
            f"{plural(c.documents_coded, 'document')} and marked "
            f"{plural(len(c.completed_documents), 'document')} complete" for c in humans]
    # "independently" is not said: the records cannot show that coders did not confer
    text = (f"{who} ({listing([c.coder for c in humans])}) coded the documents: "
            f"{'; '.join(each)}.")
    if m.double_coded_documents:
        n = len(m.double_coded_documents)
        # a sentence never starts with a numeral (APA)
        lead = (f"All {number(n)} documents were" if n == m.documents and n > 1 else
                f"Of the {plural(m.documents, 'document')}, {number(n)} "
                f"{'was' if n == 1 else 'were'}")
        text += (f" {lead} completed by two or more coders (double-coded): "
                 f"{listing(list(m.double_coded_documents))}.")
    else:
        text += " No document was completed by two or more coders."
    return text


def _agreement(m: Methods, refs: dict[str, None]) -> str:
    a = m.agreement
    if a is None:
        return ""
    masi = a.masi_alpha
    boot = (f"{number(a.bootstrap)} bootstrap resamples, seed {a.seed}" if a.bootstrap
            else "no bootstrap intervals")
    text = (f"Agreement between {listing(list(a.coders))} was measured on the "
            f"{plural(a.n_units, 'segment')} of the {plural(len(a.documents), 'document')} "
            f"{'both' if len(a.coders) == 2 else 'all'} completed, uncoded segments included; "
            f"each code's presence or absence in a segment is one rating.")
    if masi.value is not None:
        refs.update(dict.fromkeys(["krippendorff", "passonneau"]))
        if a.bootstrap:
            refs["hayes"] = None
        text += (f" Over each coder's set of codes per segment, Krippendorff's alpha with the "
                 f"MASI distance was {apa(masi.value)}{ci_text(masi, a.ci_level)} ({boot}; "
                 f"Krippendorff, 2019; Passonneau, 2006"
                 + ("; Hayes & Krippendorff, 2007" if a.bootstrap else "") + ").")
    else:
        text += f" Krippendorff's alpha over code sets is not defined here: {masi.reason}."
    means = []
    for name in a.metrics:
        v = a.mean_per_code.get(name)
        if v is None:
            continue
        label = next((c.label for t in a.themes for c in t.coefficients if c.name == name),
                     name)
        if name == "krippendorff_alpha":
            label = "Krippendorff's alpha (nominal)"
        elif name == "percent_agreement":
            label = "percent agreement"
        cite = CITES.get(name)
        if cite:
            refs[cite[1]] = None
        means.append(f"{label} {apa(v)}" + (f" ({cite[0]})" if cite else ""))
    if means:
        text += (f" The means of the per-code values (codes nobody applied left out) were: "
                 f"{listing(means)}.")
    if a.themes and a.bootstrap:
        text += (f" Table 1 gives each theme's coefficients with {a.ci_level:.0%} intervals "
                 "(percentile bootstrap over segments, Efron & Tibshirani, 1993; for alpha, "
                 "Hayes & Krippendorff, 2007).")
        refs.update(dict.fromkeys(["efron", "hayes"]))
    elif a.themes:
        text += " Table 1 gives each theme's coefficients (no bootstrap intervals)."
    return text


def _reconciliation(m: Methods) -> str:
    outcome_words = {"agreed": "the coders agreed", "accept": "one coder's codes were accepted",
                     "union": "the union of the coders' codes was taken",
                     "intersection": "the codes common to all coders were kept",
                     "majority": "a majority vote decided", "manual": "a person decided",
                     "deferred": "the decision was deferred"}
    texts = []
    for r in m.reconciliations:
        outcomes = [f"{number(n)} where {outcome_words.get(o, o)}"
                    for o, n in r.by_outcome.items()]
        strategies = [f"{plural(n, 'decision')} by the {s} strategy"
                      for s, n in sorted(r.by_strategy.items())]
        text = (f"The codings of {listing(list(r.coders))} were reconciled into the "
                f"consensus coding '{r.name}' over {plural(r.documents, 'document')}: "
                f"{plural(r.decisions, 'segment decision')} in force ({listing(outcomes)}); "
                f"{listing(strategies)}.")
        extra = [x for x in (f"{plural(r.ties, 'tie')} flagged for review" if r.ties else "",
                             f"{number(r.deferred)} deferred" if r.deferred else "",
                             f"{number(r.stale)} stale after later recoding" if r.stale else "")
                 if x]
        if extra:
            text += f" Open: {listing(extra)}."
        texts.append(text)
    return " ".join(texts)


def _table(m: Methods) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]:
    a = m.agreement
    if a is None or not a.themes:
        return (), (), ""
    head = ("Theme", "Prevalence", *(SHORT.get(n, n) for n in a.metrics))
    rows = []
    for t in a.themes:
        by = {c.name: c for c in t.coefficients}
        cells = []
        for name in a.metrics:
            c = by.get(name)
            if c is None or c.value is None:
                cells.append("n/a")
            elif c.ci is None:
                cells.append(apa(c.value))
            else:
                cells.append(f"{apa(c.value)} [{apa(c.ci[0])}, {apa(c.ci[1])}]")
        rows.append((f"{t.label} ({t.id})", f"{t.prevalence:.1%}", *cells))
    note = ((f"Note. Values with {a.ci_level:.0%} intervals in brackets; a" if a.bootstrap
             else "Note. A") + " theme is present in a segment when any of its codes is. "
            "Prevalence: share of segment x coder cells with the theme. Krippendorff's alpha "
            "is nominal.")
    return head, tuple(rows), note


def methods_text(m: Methods) -> MethodsText:
    refs: dict[str, None] = {}
    sections = [Section("Data", _data(m)), Section("Codebook", _codebook(m)),
                Section("Coding", _coding(m))]
    agreement = _agreement(m, refs)
    if agreement:
        sections.append(Section("Inter-coder agreement", agreement))
    reconciliation = _reconciliation(m)
    if reconciliation:
        sections.append(Section("Reconciliation", reconciliation))
    done = ["coding", *(["agreement"] if m.agreement else []),
            *(["reconciliation"] if m.reconciliations else [])]
    verb = "was" if len(done) == 1 else "were"  # not "Coding were done"
    sections.append(Section("Software", f"{listing(done).capitalize()} {verb} done with "
                                        f"qcode {m.qcode_version}."))
    head, rows, note = _table(m)
    return MethodsText(sections=tuple(sections),
                       table_title="Table 1. Inter-coder agreement by theme", table_head=head,
                       table_rows=rows, table_note=note,
                       references=tuple(sorted(REFERENCES[k] for k in refs)),
                       not_in_records=m.not_in_records)


def as_markdown(t: MethodsText) -> str:
    out = ["## Methods (written by qcode from the project's records)", ""]
    for s in t.sections:
        out += [f"**{s.title}.** {md_escape(s.text)}", ""]
    if t.table_rows:
        out += [f"**{t.table_title}**", "",
                "| " + " | ".join(md_escape(h) for h in t.table_head) + " |",
                "|:---|" + "---:|" * (len(t.table_head) - 1)]
        out += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in t.table_rows]
        out += ["", f"*{md_escape(t.table_note)}*", ""]
    if t.references:
        out += ["### References", ""] + [f"- {md_escape(r)}" for r in t.references] + [""]
    out += ["### Not in qcode's records (add them yourself)", ""]
    out += [f"- {md_escape(x)}" for x in t.not_in_records]
    return "\n".join(out) + "\n"


def as_text(t: MethodsText) -> str:
    out = ["Methods (written by qcode from the project's records)", ""]
    for s in t.sections:
        out += [f"{s.title}. {s.text}", ""]
    if t.table_rows:
        widths = [max(len(r[k]) for r in (t.table_head, *t.table_rows))
                  for k in range(len(t.table_head))]
        out += [t.table_title, ""]
        for row in (t.table_head, *t.table_rows):
            out.append("  ".join(c.ljust(w) if k == 0 else c.rjust(w)
                                 for k, (c, w) in enumerate(zip(row, widths, strict=True)))
                       .rstrip())
        out += ["", t.table_note, ""]
    if t.references:
        out += ["References", "", *list(t.references), ""]
    out += ["Not in qcode's records (add them yourself):"] + [f"- {x}" for x in t.not_in_records]
    return "\n".join(out) + "\n"


def as_docx(t: MethodsText) -> bytes:
    # python-docx takes ~0.2 s to import: loaded only when a DOCX is written
    from docx import Document as Docx

    doc = Docx()
    props = doc.core_properties
    props.author = props.last_modified_by = "qcode"
    props.title = "Methods"
    doc.add_heading("Methods (written by qcode from the project's records)", level=1)
    for s in t.sections:
        p = doc.add_paragraph()
        p.add_run(f"{s.title}. ").bold = True
        p.add_run(s.text)
    if t.table_rows:
        doc.add_paragraph().add_run(t.table_title).bold = True
        table = doc.add_table(rows=1, cols=len(t.table_head))
        table.style = "Table Grid"
        for cell, h in zip(table.rows[0].cells, t.table_head, strict=True):
            cell.text = h
            cell.paragraphs[0].runs[0].bold = True
        for row in t.table_rows:
            for cell, c in zip(table.add_row().cells, row, strict=True):
                cell.text = c
        doc.add_paragraph().add_run(t.table_note).italic = True
    if t.references:
        doc.add_heading("References", level=2)
        for r in t.references:
            doc.add_paragraph(r)
    doc.add_heading("Not in qcode's records (add them yourself)", level=2)
    for x in t.not_in_records:
        doc.add_paragraph(x, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue())

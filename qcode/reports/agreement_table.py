"""The agreement table (:mod:`qcode.agreement.table`) as Markdown, for ``qcode agree
--format md``: the same rows, overall rows and footnotes as the terminal table, in a pipe
table that pastes into a manuscript."""

from __future__ import annotations

from collections.abc import Sequence

from qcode.agreement.table import AgreementTable
from qcode.reports.markup import md_escape


def _cell(value: str, interval: str) -> str:
    return f"{value} {interval}".strip() if value or interval else ""


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def agreement_table_markdown(t: AgreementTable) -> str:
    """A title line, the pipe table (overall rows after a rule row of their own), then the
    unused line, the lettered footnotes and the legend."""
    head = [t.by, "Name", "Prev.", *t.heads]
    lines = [f"**{md_escape(t.title)}**", "", _line([md_escape(h) for h in head]),
             "|:---|:---|" + "---:|" * (len(head) - 2)]
    for r in t.rows:
        marks = f" ({', '.join(r.notes)})" if r.notes else ""
        lines.append(_line([md_escape(r.id) + marks, md_escape(r.label), r.prevalence,
                            *(_cell(c.value, c.interval) for c in r.cells)]))
    lines += ["", "Overall (not a row of the table above):", "",
              _line(["Overall", "What", *t.heads]),
              "|:---|:---|" + "---:|" * len(t.heads)]
    for r in t.overall:
        marks = f" ({', '.join(r.notes)})" if r.notes else ""
        lines.append(_line([md_escape(r.id) + marks, md_escape(r.label),
                            *(_cell(c.value, c.interval) for c in r.cells)]))
    lines.append("")
    if t.unused:
        lines += [md_escape(t.unused), ""]
    for letter, text in t.notes:
        lines += [f"({letter}) {md_escape(text)}", ""]
    for x in t.legend:
        lines += [md_escape(x), ""]
    return "\n".join(lines).rstrip() + "\n"


def ratings_markdown(title: str, rows: list[tuple[str, str, str]], notes: list[str]) -> str:
    """Generic mode (``--ratings``): one row per coefficient (label, value, interval)."""
    lines = [f"**{md_escape(title)}**", "", "| Coefficient | Value | Interval |",
             "|:---|---:|---:|"]
    lines += [_line([md_escape(a), b, c]) for a, b, c in rows]
    lines.append("")
    for text in notes:
        lines += [md_escape(text), ""]
    return "\n".join(lines).rstrip() + "\n"


def mean_per_code_line(labels: Sequence[str], means: Sequence[float | None],
                       rows_are: str = "themes") -> str:
    """The report's agreement summary: the mean of the per-code values as a sentence under
    the table of themes (it is over codes, so it is not a row among them)."""
    values = ", ".join(f"{label} {'n/a' if v is None else f'{v:.3f}'}"
                       for label, v in zip(labels, means, strict=True))
    return (f"Mean of the per-code values (over codes, not {rows_are}; codes nobody applied "
            f"left out): {values}.")

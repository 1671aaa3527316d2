"""Tabular renderings: matrix grids, CSV, XLSX and LaTeX.

CSV goes through the one writer of :mod:`qcode._io.csvfile`, which guards cells a
spreadsheet would run as formulas; XLSX cells starting the same way are stored as text
with a quote prefix (transcripts are untrusted input: "=HYPERLINK(...)" is a quote, not a
formula). Numbers stay numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from qcode._io.csvfile import FORMULA_STARTS, write_dicts, write_rows
from qcode.counts.matrix import Matrix
from qcode.counts.matrix_notes import matrix_notes

# ----------------------------------------------------------------------------- matrix grid


def axis_title(dimension: str) -> str:
    return dimension[5:] if dimension.startswith("attr:") else dimension.capitalize()


def cell_text(m: Matrix, i: int, j: int, percents: list[list[float]] | None) -> str:
    n = m.counts[i][j]
    return f"{n} ({percents[i][j]:.1f}%)" if percents is not None else str(n)


def matrix_grid(m: Matrix, labels: bool = True) -> tuple[list[str], list[list[str]]]:
    """Header and body rows of a matrix as text, with a Total column and a Total row.

    Row and column heads are labels with ids (``Governance (GOV)``) when the label differs.
    """
    pct = m.percents() if m.percent != "none" else None

    def head(value: str, label: str) -> str:
        return f"{label} ({value})" if labels and label.casefold() != value.casefold() \
            else label

    header = [f"{axis_title(m.row_dim)} / {axis_title(m.col_dim)}",
              *(head(v, lab) for v, lab in zip(m.cols, m.col_labels, strict=True)), "Total"]
    body = []
    for i, (v, lab) in enumerate(zip(m.rows, m.row_labels, strict=True)):
        body.append([head(v, lab), *(cell_text(m, i, j, pct) for j in range(len(m.cols))),
                     str(m.row_totals[i])])
    body.append(["Total", *(str(t) for t in m.col_totals), str(m.total)])
    return header, body


def matrix_csv(m: Matrix) -> str:
    """The matrix as CSV: ids as heads, counts (and a percent column block when asked)."""
    header, body = matrix_csv_rows(m)
    return write_rows(header, body)


def matrix_csv_rows(m: Matrix) -> tuple[list[object], list[list[object]]]:
    """The header and rows of :func:`matrix_csv` (not yet guarded)."""
    header: list[object] = [f"{m.row_dim}\\{m.col_dim}", *m.cols, "total"]
    pct = m.percents() if m.percent != "none" else None
    body: list[list[object]] = []
    for i, row in enumerate(m.counts):
        cells: list[object] = list(row)
        if pct is not None:
            cells = [f"{pct[i][j]:.2f}" for j in range(len(row))]
        body.append([m.rows[i], *cells, m.row_totals[i]])
    body.append(["total", *m.col_totals, m.total])
    return header, body


def rows_csv(rows: Sequence[dict[str, Any]], fields: Sequence[str] | None = None) -> str:
    """Rows of dicts as CSV (every text cell guarded; see :mod:`qcode._io.csvfile`)."""
    return write_dicts(rows, list(fields or (rows[0] if rows else [])))


# ----------------------------------------------------------------------------- latex

_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    r"""Escape LaTeX's special characters.

    >>> latex_escape("50% & R_1")
    '50\\% \\& R\\_1'
    """
    return "".join(_LATEX.get(ch, ch) for ch in text)


def matrix_latex(m: Matrix) -> str:
    """A ``tabular`` (booktabs rules) with the counts and totals."""
    header, body = matrix_grid(m)
    spec = "l" + "r" * (len(header) - 1)
    lines = [f"% {m.count} coded by {latex_escape(m.coder)}",
             f"\\begin{{tabular}}{{{spec}}}", "\\toprule",
             " & ".join(latex_escape(h) for h in header) + r" \\", "\\midrule"]
    for k, row in enumerate(body):
        if k == len(body) - 1:
            lines.append("\\midrule")
        lines.append(" & ".join(latex_escape(c) for c in row) + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    # the footnotes under the table, as a small paragraph of their own
    lines += ["\\par\\smallskip", "{\\footnotesize",
              *(latex_escape(n) + r"\par" for n in matrix_notes(m)), "}"]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- xlsx / zip

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def deterministic_zip(data: bytes, when: datetime | None = None,
                      members: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip (DOCX, XLSX) with fixed member times, so equal content gives equal
    bytes; ``when`` also replaces the created/modified dates of ``docProps/core.xml``
    (openpyxl stamps the time of saving there). ``members`` gives the content of some
    members by name instead of the zip's (a DOCX's large body, saved small: compressed once).
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii") if when else None
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            body = (members[info.filename] if members and info.filename in members
                    else src.read(info.filename))
            if stamp is not None and info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            dst.writestr(fixed, body)
    return out.getvalue()


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]],
               date: datetime | None = None) -> bytes:
    """A workbook with one sheet per (title, header, rows).

    Text is kept verbatim but can never run: every text cell is stored as a string (never a
    formula), and one starting with = + - @ is also marked "quote prefix", so Excel and
    LibreOffice keep it text even when the cell is edited. Control characters that XLSX
    cannot hold (a form feed, a vertical tab...) become spaces.
    """
    # openpyxl takes ~0.3 s to import: loaded only when an XLSX is written
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        for r, line in enumerate((header, *rows), start=1):
            values = [ILLEGAL_CHARACTERS_RE.sub(" ", v) if isinstance(v, str) else v
                      for v in line]
            ws.append(values)  # stores text as a string, but one starting with = a formula
            # so those cells (and + - @) are set to text by position: ws[ws.max_row] scanned
            # every cell of the sheet for each row appended (quadratic: minutes for a report
            # of 10,000 excerpts), and looking up every cell took a tenth of the time
            for k, v in enumerate(values, start=1):
                if isinstance(v, str) and v.startswith(FORMULA_STARTS):
                    cell = ws.cell(row=r, column=k)
                    cell.data_type = "s"
                    cell.quotePrefix = True
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for k, h in enumerate(header, start=1):
            # a short row (a footnote under a table) spills over empty cells: not measured
            width = max([len(str(h)), *(min(len(str(r[k - 1])), 60) for r in rows
                                        if len(r) == len(header))], default=8)
            ws.column_dimensions[ws.cell(row=1, column=k).column_letter].width = width + 2
    if date is not None:
        wb.properties.created = date
    # as Workbook.save stamps it (deterministic_zip puts ``date`` there when there is one)
    wb.properties.modified = datetime.now(UTC).replace(tzinfo=None)
    buf = io.BytesIO()
    # written stored, not deflated: deterministic_zip compresses each member, once
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return deterministic_zip(buf.getvalue(), date)

"""A labelled heatmap as plain SVG: rectangles and text, a viewBox, fonts with fallbacks.

No scripts, no CSS classes, no external fonts: the file opens the same in a browser, in Word
(Insert > Pictures) and in Inkscape. Each cell shows its value; darker means more.
"""

from __future__ import annotations

from collections.abc import Sequence

from qcode.counts.matrix import Matrix
from qcode.reports.tables import axis_title, cell_text
from qcode.reports.xml_text import escape

FONT = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
CELL_W, CELL_H = 84, 40
CHAR_W = 7.2  # average advance of a 12 px sans-serif character
LOW, HIGH = (247, 251, 255), (8, 69, 148)  # white-blue to dark blue
#: above this share of the peak a cell is dark enough for white text
DARK = 0.55


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def colour(share: float) -> str:
    """The fill of a cell holding ``share`` of the peak value (0: near white, 1: dark blue);
    the DOCX heatmap (:mod:`qcode.reports.docx_heatmap`) shades its cells the same way.

    >>> colour(0.0), colour(1.0)
    ('#f7fbff', '#084594')
    """
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(LOW, HIGH, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "\u2026"


def heatmap_svg(row_labels: Sequence[str], col_labels: Sequence[str],
                values: Sequence[Sequence[float]], *, title: str = "",
                cell_text: Sequence[Sequence[str]] | None = None,
                row_axis: str = "", col_axis: str = "") -> str:
    """An SVG document: one coloured cell per value, the value written inside it.

    ``cell_text`` overrides what is written in each cell (e.g. "5 (40.0%)").
    """
    rows = [_clip(str(lab), 40) for lab in row_labels]
    cols = [_clip(str(lab), 18) for lab in col_labels]
    texts = cell_text or [[_fmt(v) for v in row] for row in values]
    widest = max([len(t) for row in texts for t in row] or [1])
    cw = max(CELL_W, int(widest * CHAR_W) + 16)
    left = int(max([len(r) for r in rows] or [4]) * CHAR_W) + 24
    top = 34 + (24 if title else 0) + (18 if col_axis else 0)
    width = left + cw * len(cols) + 20
    height = top + CELL_H * len(rows) + 20
    peak = max([v for row in values for v in row] or [0])
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{_attr(FONT)}" font-size="12">',
        f"<title>{escape(title or 'heatmap')}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    y0 = 22
    if title:
        out.append(f'<text x="{width / 2:.1f}" y="{y0}" text-anchor="middle" font-size="15" '
                   f'font-weight="bold" fill="#111111">{escape(title)}</text>')
        y0 += 24
    if col_axis:
        out.append(f'<text x="{left + cw * len(cols) / 2:.1f}" y="{y0}" text-anchor="middle" '
                   f'font-style="italic" fill="#333333">{escape(col_axis)}</text>')
    for j, lab in enumerate(cols):
        x = left + cw * j + cw / 2
        out.append(f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" '
                   f'font-weight="bold" fill="#111111">{escape(lab)}</text>')
    for i, lab in enumerate(rows):
        y = top + CELL_H * i
        out.append(f'<text x="{left - 10}" y="{y + CELL_H / 2 + 4:.1f}" text-anchor="end" '
                   f'font-weight="bold" fill="#111111">{escape(lab)}</text>')
        for j in range(len(cols)):
            v = values[i][j]
            share = v / peak if peak else 0.0
            x = left + cw * j
            ink = "#ffffff" if share > DARK else "#111111"
            out.append(f'<rect x="{x}" y="{y}" width="{cw}" height="{CELL_H}" '
                       f'fill="{colour(share)}" stroke="#ffffff" stroke-width="2"/>')
            out.append(f'<text x="{x + cw / 2:.1f}" y="{y + CELL_H / 2 + 4:.1f}" '
                       f'text-anchor="middle" fill="{ink}">{escape(texts[i][j])}</text>')
    if row_axis:
        out.append(f'<text x="{left - 10}" y="{top - 10}" text-anchor="end" '
                   f'font-style="italic" fill="#333333">{escape(row_axis)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def matrix_svg(m: Matrix, title: str | None = None) -> str:
    """The heatmap of a :class:`qcode.counts.matrix.Matrix` (cells coloured by count)."""
    pct = m.percents() if m.percent != "none" else None
    texts = [[cell_text(m, i, j, pct) for j in range(len(m.cols))] for i in range(len(m.rows))]
    heading = title if title is not None else f"{m.count.capitalize()} coded by {m.coder}"
    return heatmap_svg(m.row_labels, m.col_labels, m.counts, title=heading, cell_text=texts,
                       row_axis=axis_title(m.row_dim), col_axis=axis_title(m.col_dim))

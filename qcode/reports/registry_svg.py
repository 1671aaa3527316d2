"""A hand-written SVG line chart: telemedicine share over the years, one line per group.

Plain SVG 1.1 with presentation attributes only (no CSS, no scripts, no web fonts), so it
opens in any browser and can be inserted into Word or LibreOffice as a picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qcode.reports.xml_text import escape

# Okabe-Ito colours (safe for colour-blind readers), without the pale yellow
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F4F24")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Line:
    """One line of the chart: a label and (x, y) points; y None leaves a gap."""

    label: str
    points: tuple[tuple[int, float | None], ...]
    dashed: bool = False  # drawn dashed and black (e.g. the national line)


def nice_step(span: float, ticks: int = 5) -> float:
    """A 1-2-2.5-5 x 10^k step that divides ``span`` into about ``ticks`` parts.

    >>> nice_step(0.5)
    0.1
    >>> nice_step(0.012)
    0.0025
    """
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power * (1 + 1e-9):
            return round(m * power, 12)
    return round(10 * power, 12)


def _decimals(step: float) -> int:
    text = f"{step:.12f}".rstrip("0")
    return max(0, len(text.split(".")[1])) if "." in text else 0


def _num(v: float) -> str:
    return f"{v:.3f}"


def line_chart(lines: list[Line], *, title: str, x_label: str, y_label: str,
               y_unit: str = " %", width: int = 760, height: int = 440) -> str:
    """The chart as an SVG document (a string ending in a newline)."""
    xs = sorted({x for ln in lines for x, _ in ln.points})
    ys = [y for ln in lines for _, y in ln.points if y is not None]
    left, right, top, bottom = 78, 190, 48, 64
    height = max(height, top + 16 + 20 * len(lines) + bottom)  # room for a long legend
    pw, ph = width - left - right, height - top - bottom
    y_max_data = max(ys, default=0.0)
    step = nice_step(y_max_data if y_max_data > 0 else 1.0)
    y_top = step * max(1, math.ceil(y_max_data / step - 1e-9))
    decimals = _decimals(step)

    def sx(x: float) -> float:
        if len(xs) < 2:
            return left + pw / 2
        pad = 14  # keep the first and last markers off the axis
        return left + pad + (x - xs[0]) / (xs[-1] - xs[0]) * (pw - 2 * pad)

    def sy(y: float) -> float:
        return top + ph - (y / y_top) * ph

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" '
           'font-size="12">',
           f"<title>{escape(title)}</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{width / 2:.1f}" y="24" text-anchor="middle" font-size="15" '
           f'font-weight="bold" fill="#000000">{escape(title)}</text>']
    # grid and y ticks
    n_ticks = round(y_top / step)
    for i in range(n_ticks + 1):
        value = i * step
        tick_y = sy(value)
        out.append(f'<line x1="{left}" y1="{tick_y:.1f}" x2="{left + pw}" y2="{tick_y:.1f}" '
                   f'stroke="{"#000000" if i == 0 else "#dddddd"}" stroke-width="1"/>')
        out.append(f'<text x="{left - 8}" y="{tick_y + 4:.1f}" text-anchor="end" '
                   f'fill="#000000">{value:.{decimals}f}{escape(y_unit)}</text>')
    # x ticks
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#000000" '
               'stroke-width="1"/>')
    for x in xs:
        px = sx(x)
        out.append(f'<line x1="{px:.1f}" y1="{top + ph}" x2="{px:.1f}" y2="{top + ph + 5}" '
                   'stroke="#000000" stroke-width="1"/>')
        out.append(f'<text x="{px:.1f}" y="{top + ph + 19}" text-anchor="middle" '
                   f'fill="#000000">{x}</text>')
    # axis labels
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 16}" text-anchor="middle" '
               f'font-size="13" fill="#000000">{escape(x_label)}</text>')
    cy = top + ph / 2
    out.append(f'<text x="18" y="{cy:.1f}" text-anchor="middle" font-size="13" '
               f'fill="#000000" transform="rotate(-90 18 {cy:.1f})">{escape(y_label)}</text>')
    # lines, markers and legend
    colour_index = 0
    for i, ln in enumerate(lines):
        if ln.dashed:
            colour, dash = "#000000", "5 4"
        else:
            colour = PALETTE[colour_index % len(PALETTE)]
            dash = DASHES[(colour_index // len(PALETTE)) % len(DASHES)]
            colour_index += 1
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        path, pen_down = [], False
        for x, y in sorted(ln.points):
            if y is None:
                pen_down = False
                continue
            path.append(f'{"L" if pen_down else "M"}{sx(x):.1f} {sy(y):.1f}')
            pen_down = True
        out.append(f'<g><title>{escape(ln.label)}</title>')
        if path:
            out.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" '
                       f'stroke-width="2"{dash_attr}/>')
        for x, y in sorted(ln.points):
            if y is not None:
                out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}">'
                           f'<title>{escape(f"{ln.label} {x}: {_num(y)}{y_unit}")}</title>'
                           '</circle>')
        out.append("</g>")
        ly = top + 8 + i * 20
        lx = left + pw + 16
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 26}" y2="{ly}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{lx + 32}" y="{ly + 4}" fill="#000000">{escape(ln.label)}'
                   "</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"

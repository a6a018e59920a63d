"""Inline SVG charts for the daily report: horizontal bars and a line with points.

Why our own helpers and not a library: the page must be self-contained, readable
in a mail client and printable. pygal (the SVG charting library on PyPI) links
its tooltip script from a CDN unless configured not to, styles through CSS ids
that collide when two charts share a page, and renders text as it likes;
matplotlib draws text as glyph paths from its own fonts, so Korean labels need a
CJK font configured inside matplotlib and come out as unselectable outlines.
Two chart shapes are all the report needs; these emit plain ``<rect>``,
``<polyline>``, ``<circle>`` and ``<text>`` (text set by the reader's own fonts,
so Korean renders wherever the page does), one element per datum with its label
and value as ``data-`` attributes, which the tests count. Every label is
XML-escaped here: the values come from resources and findings.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

SEVERITY_COLOURS = {"CRITICAL": "#7b1fa2", "HIGH": "#c62828", "MEDIUM": "#ef6c00",
                    "LOW": "#f9a825", "INFORMATIONAL": "#607d8b"}
DEFAULT_COLOUR = "#1565c0"
FONT = "font-family='Noto Sans CJK KR, Noto Sans KR, Apple SD Gothic Neo, Malgun Gothic, " \
       "Segoe UI, Helvetica, Arial, sans-serif'"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def bar_chart(data: dict[str, float], title: str, labels: dict[str, str] | None = None,
              colours: dict[str, str] | None = None, width: int = 460,
              unit: str = "") -> Markup:
    """One horizontal bar per key of ``data`` (zeros included, drawn as a hairline)."""
    labels = labels or {}
    colours = colours or {}
    row, label_w, pad = 22, 150, 6
    height = row * len(data) + 30
    top = max(data.values(), default=0) or 1
    bar_w = width - label_w - 60
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='chart bar-chart' role='img' "
             f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' {FONT}>",
             f"<title>{_e(title)}</title>",
             f"<text x='0' y='14' font-size='13' font-weight='bold'>{_e(title)}</text>"]
    for n, (key, value) in enumerate(data.items()):
        y = 24 + n * row
        w = max(1.0, bar_w * value / top)
        colour = colours.get(key, DEFAULT_COLOUR)
        parts.append(
            f"<text x='{label_w - pad}' y='{y + 14}' font-size='12' text-anchor='end'>"
            f"{_e(labels.get(key, key))}</text>"
            f"<rect class='bar' data-label='{_e(key)}' data-value='{_e(value)}' x='{label_w}' "
            f"y='{y + 3}' width='{w:.1f}' height='{row - 8}' fill='{colour}'/>"
            f"<text x='{label_w + w + pad:.1f}' y='{y + 14}' font-size='12'>"
            f"{_e(_number(value))}{_e(unit)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(points: list[tuple[str, float]], title: str, width: int = 460,
               height: int = 170) -> Markup:
    """One point per (label, value), joined by a line; first and last labels on the axis."""
    left, right, top_pad, bottom = 40, 12, 26, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((v for _, v in points), default=0) or 1
    step = plot_w / max(1, len(points) - 1)

    def xy(n: int, value: float) -> tuple[float, float]:
        x = left + (n * step if len(points) > 1 else plot_w / 2)
        return x, top_pad + plot_h - plot_h * value / top

    coords = [xy(n, v) for n, (_, v) in enumerate(points)]
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='chart line-chart' role='img' "
             f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' {FONT}>",
             f"<title>{_e(title)}</title>",
             f"<text x='0' y='14' font-size='13' font-weight='bold'>{_e(title)}</text>",
             f"<line x1='{left}' y1='{top_pad + plot_h}' x2='{width - right}' "
             f"y2='{top_pad + plot_h}' stroke='#999'/>",
             f"<text x='{left - 6}' y='{top_pad + 4}' font-size='11' text-anchor='end'>"
             f"{_e(_number(top))}</text>",
             f"<text x='{left - 6}' y='{top_pad + plot_h}' font-size='11' "
             f"text-anchor='end'>0</text>"]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f"<polyline points='{path}' fill='none' stroke='{DEFAULT_COLOUR}' "
                     f"stroke-width='2'/>")
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(f"<circle class='point' data-label='{_e(label)}' data-value='{_e(value)}' "
                     f"cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{DEFAULT_COLOUR}'>"
                     f"<title>{_e(label)}: {_e(_number(value))}</title></circle>")
    if points:
        y_axis = height - 10
        parts.append(f"<text x='{coords[0][0]:.1f}' y='{y_axis}' font-size='11' "
                     f"text-anchor='start'>{_e(points[0][0])}</text>")
        if len(points) > 1:
            parts.append(f"<text x='{coords[-1][0]:.1f}' y='{y_axis}' font-size='11' "
                         f"text-anchor='end'>{_e(points[-1][0])}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"

"""Small line charts as inline SVG text, built by hand: a millisecond where matplotlib takes 100.

:func:`line_chart` draws a few :class:`Line` series over numbers on both axes, with tick labels,
a legend and an optional title, as one SVG document (text). Every text it writes (labels,
legend, title) is escaped, so a title typed by a user stays text. The check-in form draws a key
result's history with it (:func:`okrkit.ui.checkin.history_svg`).

Examples
--------
>>> svg = line_chart([Line(label="a < b", points=((0, 0), (1, 2)), colour="#1a73e8")])
>>> svg.startswith("<svg") and "a &lt; b" in svg
True
>>> ">1,000,000</text>" in line_chart([Line(label="ARR", points=((0, 0), (1, 1e6)), colour="#000")])
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from okrkit.text import format_number

__all__ = ["Line", "line_chart", "nice_ticks"]

_FONT = "font-family:sans-serif;font-size:11px;fill:#3c4043"


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One series of a :func:`line_chart`.

    Attributes
    ----------
    label
        Its name in the legend (plain text; it is escaped).
    points
        ``(x, y)`` pairs, in the order they are joined.
    colour
        A CSS colour such as ``#1a73e8`` (chosen by the code, never by a user).
    dashed, markers, steps
        A dashed line; a dot on each point; a step from each point to the next (the value holds
        until the next point, as a milestone's done does).
    """

    label: str
    points: tuple[tuple[float, float], ...]
    colour: str
    dashed: bool = False
    markers: bool = False
    steps: bool = False


def nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """At most ``most`` round numbers (1, 2 or 5 times a power of ten apart) from low to high.

    >>> nice_ticks(0, 1)
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> nice_ticks(420_000, 1_000_000)
    [600000.0, 800000.0, 1000000.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    rough = (high - low) / max(1, most - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(k * step, 12) + 0.0 for k in range(first, last + 1)]


def _number(value: float) -> str:
    """A coordinate for SVG: one decimal is plenty on a screen."""
    return f"{value:.1f}"


def line_chart(
    lines: Sequence[Line],
    *,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    x_ticks: Sequence[tuple[float, str]] = (),
    y_format: Callable[[float], str] = format_number,
    y_ticks: Sequence[tuple[float, str]] | None = None,
    y_label: str = "",
    title: str = "",
    width: int = 520,
    height: int = 220,
) -> str:
    """Draw ``lines`` as an SVG document (text, UTF-8 safe).

    Parameters
    ----------
    lines
        The series, drawn in order (the last on top) and listed in the legend.
    x_range, y_range
        The spans of the axes (default: the points', the y axis padded by 5 %).
    x_ticks
        ``(x, label)`` marks under the x axis.
    y_format
        Text of a y tick (ticks are round numbers, :func:`nice_ticks`); default
        :func:`okrkit.text.format_number` in English.
    y_ticks
        ``(y, label)`` marks beside the y axis instead of round numbers (the levels of an
        ordinal key result).
    y_label, title
        The y axis name and a title for screen readers and tooltips (both escaped).
    width, height
        Size in pixels.

    Returns
    -------
    str
        ``<svg ...>...</svg>``; show it in an ``ipywidgets.Image(format="svg+xml")``.
    """
    xs = [x for line in lines for x, _ in line.points]
    ys = [y for line in lines for _, y in line.points]
    x0, x1 = x_range or ((min(xs), max(xs)) if xs else (0.0, 1.0))
    if y_range is None:
        low, high = (min(ys), max(ys)) if ys else (0.0, 1.0)
        pad = (high - low) * 0.05 or abs(high) * 0.05 or 1.0
        y_range = (low - pad, high + pad)
    y0, y1 = y_range
    if x1 <= x0:
        x0, x1 = x0 - 1.0, x0 + 1.0
    if y1 <= y0:
        y0, y1 = y0 - 1.0, y0 + 1.0
    if y_ticks is None:
        ticks = nice_ticks(y0, y1)
        labels = [y_format(v) for v in ticks]
    else:
        ticks = [v for v, _ in y_ticks]
        labels = [text for _, text in y_ticks]
    left = 14 + 6.5 * max((len(t) for t in labels), default=1) + (14 if y_label else 0)
    top, right, bottom = 26.0, 10.0, 22.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    grid = []
    for value, text in zip(ticks, labels, strict=True):
        y = _number(py(value))
        grid.append(
            f'<line x1="{_number(left)}" x2="{_number(left + plot_w)}" y1="{y}" y2="{y}"'
            ' stroke="#e8eaed"/>'
            f'<text x="{_number(left - 4)}" y="{y}" dy="3.5" text-anchor="end"'
            f' style="{_FONT}">{escape(text)}</text>'
        )
    for value, text in x_ticks:
        if x0 <= value <= x1:
            x = _number(px(value))
            grid.append(
                f'<line x1="{x}" x2="{x}" y1="{_number(top)}" y2="{_number(top + plot_h)}"'
                ' stroke="#e8eaed"/>'
                f'<text x="{x}" y="{_number(top + plot_h + 15)}" text-anchor="middle"'
                f' style="{_FONT}">{escape(text)}</text>'
            )
    out += grid
    out.append(
        f'<rect x="{_number(left)}" y="{_number(top)}" width="{_number(plot_w)}"'
        f' height="{_number(plot_h)}" fill="none" stroke="#9aa0a6"/>'
    )
    if y_label:
        middle = _number(top + plot_h / 2)
        out.append(
            f'<text x="12" y="{middle}" transform="rotate(-90 12 {middle})"'
            f' text-anchor="middle" style="{_FONT}">{escape(y_label)}</text>'
        )
    for line in lines:
        points = list(line.points)
        if line.steps:
            points = [p for a, b in itertools.pairwise(points) for p in (a, (b[0], a[1]))]
            points += line.points[-1:]
        coords = " ".join(f"{_number(px(x))},{_number(py(y))}" for x, y in points)
        dash = ' stroke-dasharray="5 4"' if line.dashed else ""
        if len(points) > 1:
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{line.colour}"'
                f' stroke-width="1.6"{dash}/>'
            )
        if line.markers or len(points) == 1:
            out += [
                f'<circle cx="{_number(px(x))}" cy="{_number(py(y))}" r="3" fill="{line.colour}"/>'
                for x, y in line.points
            ]
    key = left
    for line in lines:
        dash = ' stroke-dasharray="5 4"' if line.dashed else ""
        out.append(
            f'<line x1="{_number(key)}" x2="{_number(key + 18)}" y1="12" y2="12"'
            f' stroke="{line.colour}" stroke-width="2"{dash}/>'
            f'<text x="{_number(key + 22)}" y="15.5" style="{_FONT}">{escape(line.label)}</text>'
        )
        key += 34 + 6.2 * len(line.label)
    out.append("</svg>")
    return "".join(out)

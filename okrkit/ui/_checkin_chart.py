"""The history of a key result's check-ins against its target and expected pace, drawn.

:func:`history_svg` builds a small SVG by hand (about a millisecond, so the check-in form
answers at once); :func:`history_figure` draws the same as a matplotlib figure for reports and
notebooks. The pace line is :func:`okrkit.scoring.expected_pace`; labels come from the
``ui.checkin`` section of :mod:`okrkit.text`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle
from okrkit.model import CHECKIN_FIELD, ZONES
from okrkit.scoring import expected_pace
from okrkit.text import format_number, say

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["history_figure", "history_svg", "missing"]

_SECTION = "ui.checkin"


def _t(key: str, lang: str) -> str:
    return say(_SECTION, key, lang)


def missing(value: Any) -> bool:
    """Whether a cell is empty: ``None``, ``pd.NA`` or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _get(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name)
    return None if missing(value) else value


def _plain_text(text: str) -> str:
    """Text for matplotlib: a ``$`` would start mathtext, so escape it."""
    return text.replace("$", r"\$")


def _readings(kr_type: str, checkins: pd.DataFrame) -> list[float]:
    field = CHECKIN_FIELD.get(kr_type, "value")
    if field == "done":
        return [1.0 if bool(v) else 0.0 for v in checkins["done"]]
    if field == "zone":  # the level's rank: 0 below commit ... 3 stretch
        return [float(ZONES.index(v)) if v in ZONES else math.nan for v in checkins["zone"]]
    return [float(v) for v in checkins[field]]


def history_figure(
    key_result: Mapping[str, Any], checkins: pd.DataFrame, cycle: Cycle, *, lang: str = "en"
) -> Figure:
    """Draw a key result's check-ins over the cycle with its target and expected pace line.

    Parameters
    ----------
    key_result
        A row of :attr:`Frames.key_results <okrkit.frames.Frames>` (``type``, ``start``,
        ``target``, ``threshold``, ``unit``) as a mapping.
    checkins
        Its check-ins (``date`` and ``value``/``done``/``grade`` columns), in any order.
    cycle
        The cycle of the key result: the x axis and the pace line span it.

    Returns
    -------
    matplotlib.figure.Figure
        On the Agg canvas, not registered with pyplot. Metrics and guardrails plot the value
        (with the target and the pace line from start to target, or the guardrail's threshold);
        milestones plot done as 0/1 and qualitative key results their grade, against a pace line
        from 0 to 1.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    kr_type = str(_get(key_result, "type") or "metric")
    fig = Figure(figsize=(5.6, 2.6), dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ends = [cycle.start, cycle.end]
    start: float | None
    if kr_type == "metric":
        start, target = _start(key_result), float(key_result["target"])
        unit = str(_get(key_result, "unit") or "")
        ax.set_ylabel(_plain_text(unit))
    elif kr_type == "ordinal":
        start, target = None, float(ZONES.index("target"))
        ax.set_yticks(range(len(ZONES)), [_t(f"zone_{z}", lang) for z in ZONES])
        ax.set_ylim(-0.15, len(ZONES) - 0.85)
    elif kr_type == "guardrail":
        start = target = float(key_result["threshold"])
        ax.set_ylabel(_plain_text(str(_get(key_result, "unit") or "")))
    else:
        start, target = 0.0, 1.0
        ax.set_ylabel(_t("score_axis", lang))
        ax.set_ylim(-0.05, 1.05)
    if kr_type == "guardrail":
        ax.axhline(target, color="#d93025", linewidth=1, label=_t("threshold", lang))
    else:
        if start is not None:  # a level to reach (a bound, an ordinal) has no pace line
            pace = expected_pace(start, target, cycle, ends)
            ax.plot(date2num(ends), pace.to_list(), "--", color="#9aa0a6", label=_t("pace", lang))
        ax.axhline(target, color="#1e8e3e", linewidth=1, label=_t("target", lang))
    if not checkins.empty:
        ordered = checkins.sort_values("date", kind="stable")
        days = [pd.Timestamp(d).date() for d in ordered["date"]]
        drawstyle = "steps-post" if kr_type == "milestone" else "default"
        ax.plot(
            date2num(days),
            _readings(kr_type, ordered),
            marker="o",
            color="#1a73e8",
            drawstyle=drawstyle,
            label=_t("checkins", lang),
        )
    if kr_type in ("metric", "guardrail"):
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang)))
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.xaxis_date()
    shown = [cycle.start, cycle.end, *_dates(checkins)]
    ax.set_xlim(date2num(min(shown)), date2num(max(shown)))
    ax.legend(loc="best", fontsize="small", frameon=False)
    ax.grid(True, alpha=0.3)
    return fig


def _start(key_result: Mapping[str, Any]) -> float | None:
    """A metric's start, ``None`` when it has none (a bound target: no pace line)."""
    start = _get(key_result, "start")
    return None if start is None else float(start)


def _month_ticks(first: dt.date, last: dt.date, lang: str) -> list[tuple[float, str]]:
    """A mark on the first day of each month from ``first`` to ``last`` (the year on January's
    and on the first mark)."""
    names = _t("months", lang).split()
    out: list[tuple[float, str]] = []
    day = dt.date(first.year, first.month, 1)
    if day < first:
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    while day <= last:
        label = names[day.month - 1]
        if not out or day.month == 1:
            label += f" {day.year}"
        out.append((float(day.toordinal()), label))
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def history_svg(
    key_result: Mapping[str, Any], checkins: pd.DataFrame, cycle: Cycle, *, lang: str = "en"
) -> str:
    """A key result's check-ins over the cycle with its target and expected pace, as SVG text.

    What :func:`history_figure` draws (the same lines, labels and axes), built by hand in about
    a millisecond: metrics plot the value against the target and the pace line from start to
    target, guardrails the value against the threshold, milestones done as 0/1 (a step) and
    qualitative key results their grade, against a pace line from 0 to 1. The x axis spans the
    cycle (and any check-in dated outside it). Every text is escaped.

    Parameters
    ----------
    key_result
        A row of :attr:`Frames.key_results <okrkit.frames.Frames>` (``id``, ``title``, ``type``,
        ``start``, ``target``, ``threshold``, ``unit``) as a mapping.
    checkins
        Its check-ins (``date`` and ``value``/``done``/``grade`` columns), in any order.
    cycle
        The cycle of the key result.

    Returns
    -------
    str
        An ``<svg>`` document; the form shows it in an ``Image(format="svg+xml")``.
    """
    from okrkit.ui.sparkline import Line, line_chart

    kr_type = str(_get(key_result, "type") or "metric")
    days = _dates(checkins)
    first, last = min([cycle.start, *days]), max([cycle.end, *days])
    ends = [cycle.start, cycle.end]
    x_ends = [float(d.toordinal()) for d in ends]
    lines: list[Line] = []
    y_range: tuple[float, float] | None = None
    y_ticks: list[tuple[float, str]] | None = None
    y_label = str(_get(key_result, "unit") or "")
    if kr_type == "guardrail":
        threshold = float(key_result["threshold"])
        lines.append(
            Line(
                label=_t("threshold", lang),
                points=tuple((x, threshold) for x in (first.toordinal(), last.toordinal())),
                colour="#d93025",
            )
        )
    else:
        start: float | None
        if kr_type == "metric":
            start, target = _start(key_result), float(key_result["target"])
        elif kr_type == "ordinal":
            start, target = None, float(ZONES.index("target"))
            y_range, y_label = (-0.15, len(ZONES) - 0.85), ""
            y_ticks = [(float(i), _t(f"zone_{z}", lang)) for i, z in enumerate(ZONES)]
        else:
            start, target = 0.0, 1.0
            y_range, y_label = (-0.05, 1.05), _t("score_axis", lang)
        if start is not None:  # a level to reach (a bound, an ordinal) has no pace line
            pace = expected_pace(start, target, cycle, ends).to_list()
            lines.append(
                Line(
                    label=_t("pace", lang),
                    points=tuple(zip(x_ends, pace, strict=True)),
                    colour="#9aa0a6",
                    dashed=True,
                )
            )
        lines.append(
            Line(
                label=_t("target", lang),
                points=tuple((x, target) for x in (first.toordinal(), last.toordinal())),
                colour="#1e8e3e",
            )
        )
    if not checkins.empty:
        ordered = checkins.sort_values("date", kind="stable")
        xs = [float(d.toordinal()) for d in _dates(ordered)]
        lines.append(
            Line(
                label=_t("checkins", lang),
                points=tuple(zip(xs, _readings(kr_type, ordered), strict=True)),
                colour="#1a73e8",
                markers=True,
                steps=kr_type == "milestone",
            )
        )
    numbers = kr_type in ("metric", "guardrail")
    title = f"{_get(key_result, 'id') or ''} {_get(key_result, 'title') or ''}".strip()
    return line_chart(
        lines,
        x_range=(float(first.toordinal()), float(last.toordinal())),
        y_range=y_range,
        x_ticks=_month_ticks(first, last, lang),
        y_format=(lambda v: format_number(v, lang)) if numbers else (lambda v: f"{v:g}"),
        y_ticks=y_ticks,
        y_label=y_label,
        title=title,
    )


def _dates(checkins: pd.DataFrame) -> list[dt.date]:
    return [pd.Timestamp(d).date() for d in checkins["date"]] if not checkins.empty else []

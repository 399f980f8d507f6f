"""Charts of a set over its cycle: the score distribution, a key result's progress against the
expected pace, confidence trends by owner and KPI histories."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from okrkit.errors import ValidationError
from okrkit.frames import Frames, to_frames
from okrkit.kpis import kpi_status
from okrkit.lifecycle import CHECKIN_FIELD
from okrkit.model import OkrSet
from okrkit.plots._figures import (
    MAX_INCHES,
    NODE_COLOURS,
    check_path,
    finish_figure,
    new_figure,
    png_repr,
    shorten,
)
from okrkit.scoring import (
    BANDS,
    DEFAULT_ZONE_SCORES,
    Scores,
    ScoringConfig,
    default_as_of,
    expected_pace,
)
from okrkit.scoring import band as grade_band
from okrkit.text import resolve_lang, texts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["confidence_trend", "kpi_history", "kr_progress", "score_distribution"]


def score_distribution(
    scores: Scores | pd.DataFrame,
    *,
    objectives: bool = False,
    bins: int = 10,
    config: ScoringConfig | None = None,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    dpi: float = 100.0,
    lang: str | None = None,
) -> Figure:
    """Histogram of key result (or objective) scores, stacked and coloured by grade band.

    Parameters
    ----------
    scores
        What :func:`okrkit.score` returns, or any frame with a ``score`` column.
    objectives
        Draw the objectives' scores instead of the key results'.
    bins
        Bins over 0–1 (10: one per tenth).
    config
        Band limits (default :class:`~okrkit.ScoringConfig`); dashed lines mark them.
    ax, path, title, dpi
        As in :func:`draw_alignment`: draw into ``ax``, also write ``path`` (``.png``, ``.svg``
        or ``.pdf``), a text above the chart, and the resolution.
    lang
        ``"en"`` or ``"sv"`` for the chart\'s own words (default ``$OKRKIT_LANG``, else English).

    Returns
    -------
    matplotlib.figure.Figure
        Scores without a value (objectives without key results) are left out and counted in the
        title.
    """

    fmt = check_path(path)
    words = texts("plots", resolve_lang(lang))
    config = config or ScoringConfig()
    if isinstance(scores, Scores):
        frame = scores.objectives if objectives else scores.key_results
    else:
        frame = scores
    values = pd.to_numeric(frame["score"], errors="coerce").to_numpy("float64")
    missing = int(np.isnan(values).sum())
    values = values[~np.isnan(values)]
    bands = grade_band(values, config)
    fig, ax = new_figure(ax, (6.4, 3.6), dpi)
    edges = np.linspace(0.0, 1.0, max(int(bins), 1) + 1).tolist()
    ax.hist(
        [values[bands == b] for b in BANDS],
        bins=edges,
        stacked=True,
        color=[NODE_COLOURS[b] for b in BANDS],
        edgecolor="white",
        label=[f"{words['band.' + b]} ({int((bands == b).sum())})" for b in BANDS],
    )
    for limit in (config.yellow_from, config.green_from):
        ax.axvline(limit, color="#3c4043", ls="--", lw=0.8)
    from matplotlib.ticker import MaxNLocator  # heavy: import on first use

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0.0, 1.0)
    what = words["objectives"] if objectives else words["key_results"]
    ax.set_xlabel(words["score"])
    ax.set_ylabel(what)
    ax.legend(frameon=False, fontsize=8)
    if title is None:
        title = words["scores_title"].format(n=len(values), what=what) + (
            words["without_score"].format(n=missing) if missing else ""
        )
    ax.set_title(title, loc="left", fontsize=11)
    finish_figure(fig, path, fmt, dpi)
    return fig


def kr_progress(
    okrs: OkrSet | Frames,
    key_result: str,
    *,
    as_of: dt.date | None = None,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    dpi: float = 100.0,
    lang: str | None = None,
) -> Figure:
    """A key result's check-ins over the cycle against the expected pace and its target.

    A metric shows its values in its own unit beside the pace line of
    :func:`okrkit.scoring.expected_pace` (``start`` on the first day to ``target`` on the last)
    and the target; a guardrail its values against the threshold; a milestone (done = 1) and a
    qualitative key result (the grade) their value on 0–1 beside a pace line from 0 to 1.

    Parameters
    ----------
    okrs
        An OKR set or its :class:`~okrkit.frames.Frames`.
    key_result
        The id of the key result.
    as_of
        Check-ins after this date are left out and a line marks the date (default: today, or
        the cycle's last day once it has ended).
    ax, path, title, dpi, lang
        As in :func:`score_distribution`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValidationError
        When the set has no key result ``key_result``.
    """

    fmt = check_path(path)
    words = texts("plots", resolve_lang(lang))
    frames = okrs if isinstance(okrs, Frames) else to_frames(okrs)
    cycle = frames.cycle
    as_of = as_of or default_as_of(cycle)
    match = frames.key_results[frames.key_results["id"] == key_result]
    if match.empty:
        raise ValidationError(
            f"there is no key result {key_result!r}",
            field="key_result",
            fix="use the id of a key result of the set",
        )
    kr = match.iloc[0]
    ci = frames.checkins
    ci = ci[(ci["key_result"] == key_result) & (ci["date"] <= pd.Timestamp(as_of))]
    ci = ci.sort_values("date", kind="stable")
    kind = str(kr["type"])
    reading = ci[CHECKIN_FIELD[kind]].astype(object)
    if kind == "ordinal":  # a level reached, drawn at the score it gives
        reading = reading.map(DEFAULT_ZONE_SCORES)
    values = pd.to_numeric(reading, errors="coerce").astype("float64")

    fig, ax = new_figure(ax, (6.4, 3.6), dpi)
    ends = [cycle.start, cycle.end]
    x_ends = [pd.Timestamp(d) for d in ends]
    unit = kr["unit"] if isinstance(kr["unit"], str) and kr["unit"] else ""
    if kind == "metric":
        # a straight line through the cycle only for a change from a start: a bound target
        # without one has no line to follow, and a rate is judged period by period
        if pd.notna(kr["start"]) and not (isinstance(kr["per"], str) and kr["per"]):
            pace = expected_pace(kr["start"], kr["target"], cycle, ends)
            ax.plot(
                x_ends,
                pace.to_numpy(),
                color="#9aa0a6",
                ls="--",
                lw=1,
                label=words["expected_pace"],
            )
        ax.axhline(kr["target"], color=NODE_COLOURS["green"], lw=1, label=words["target"])
    elif kind == "guardrail":
        ax.axhline(kr["threshold"], color=NODE_COLOURS["red"], lw=1, label=words["threshold"])
    else:
        pace = expected_pace(0.0, 1.0, cycle, ends)
        ax.plot(
            x_ends, pace.to_numpy(), color="#9aa0a6", ls="--", lw=1, label=words["expected_pace"]
        )
        ax.set_ylim(-0.05, 1.05)
    ax.plot(
        ci["date"].to_numpy(),
        values.to_numpy(),
        marker="o",
        color="#1a73e8",
        label=words["checkins"],
    )
    if cycle.start <= as_of <= cycle.end:
        ax.axvline(pd.Timestamp(as_of), color="#3c4043", lw=0.8, ls=":", label=words["as_of"])
    ax.set_xlim(x_ends[0], x_ends[1])
    ax.set_ylabel(unit or (words["value"] if kind in ("metric", "guardrail") else words["done"]))
    ax.legend(frameon=False, fontsize=8)
    fig.autofmt_xdate()
    if title is None:
        title = f"{key_result}: {shorten(str(kr['title']), 60)}"
    ax.set_title(title, loc="left", fontsize=11)
    finish_figure(fig, path, fmt, dpi)
    return fig


def _owners(frames: Frames) -> pd.Series:
    """The owner of each key result (its own, else its objective's), indexed by id."""
    krs = frames.key_results
    o_owner = pd.Series(frames.objectives["owner"].to_numpy(), index=frames.objectives["id"])
    own = krs["owner"].fillna("").astype(str).str.strip()
    owner = np.where(own != "", own, krs["objective"].map(o_owner).fillna("").astype(str))
    return pd.Series(owner, index=krs["id"].to_numpy()).replace("", "(no owner)")


def confidence_trend(
    checkins: pd.DataFrame | OkrSet | Frames,
    *,
    by: str = "owner",
    most: int = 10,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    dpi: float = 100.0,
    lang: str | None = None,
) -> Figure:
    """Mean weekly confidence (1–10) of check-ins, one line per owner or per key result.

    Parameters
    ----------
    checkins
        A check-in frame (:attr:`Frames.checkins <okrkit.frames.Frames>`: ``key_result``,
        ``date``, ``confidence``), or an OKR set or its frames, which also give each check-in
        its key result's owner (its own, else its objective's).
    by
        ``"owner"`` (needs an ``owner`` column or a set; a bare check-in frame falls back to
        ``author``), ``"author"`` or ``"key_result"``.
    most
        Lines drawn: the groups with the most check-ins; the title counts the rest.
    ax, path, title, dpi, lang
        As in :func:`score_distribution`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When ``by`` is not one of the names above.
    """
    if by not in ("owner", "author", "key_result"):
        raise ValueError(f"by={by!r}: use 'owner', 'author' or 'key_result'")
    fmt = check_path(path)
    words = texts("plots", resolve_lang(lang))
    if isinstance(checkins, pd.DataFrame):
        frame = checkins
        if by == "owner" and "owner" not in frame.columns:
            by = "author"
    else:
        frames = checkins if isinstance(checkins, Frames) else to_frames(checkins)
        frame = frames.checkins.assign(owner=frames.checkins["key_result"].map(_owners(frames)))
    data = pd.DataFrame(
        {
            "group": frame[by].astype(object).fillna("").astype(str).replace("", "(none)"),
            "week": pd.to_datetime(frame["date"]).dt.to_period("W").dt.start_time,
            "confidence": pd.to_numeric(frame["confidence"], errors="coerce"),
        }
    ).dropna(subset=["confidence"])
    sizes = data["group"].value_counts(sort=True)
    shown = list(sizes.index[: max(int(most), 1)])
    weekly = (
        data[data["group"].isin(shown)]
        .groupby(["group", "week"], sort=True)["confidence"]
        .mean()
        .unstack("group")
    )
    fig, ax = new_figure(ax, (6.4, 3.6), dpi)
    for group in shown:
        series = weekly[group].dropna()
        ax.plot(series.index, series.to_numpy(), marker="o", ms=3, label=shorten(group, 24))
    ax.set_ylim(0.5, 10.5)
    ax.set_ylabel(words["confidence"])
    ax.axhline(3, color=NODE_COLOURS["red"], lw=0.6, ls=":")
    if shown:
        ax.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.autofmt_xdate()
    if title is None:
        rest = len(sizes) - len(shown)
        title = words["confidence_title"].format(by=words["by." + by]) + (
            words["not_drawn"].format(n=rest) if rest > 0 else ""
        )
    ax.set_title(title, loc="left", fontsize=11)
    finish_figure(fig, path, fmt, dpi)
    return fig


def kpi_history(
    kpis: pd.DataFrame | OkrSet | Frames,
    *,
    tolerance: float = 0.1,
    as_of: dt.date | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    dpi: float = 100.0,
    lang: str | None = None,
) -> Figure:
    """Each KPI's current value against its target, as a bullet chart (one row per KPI).

    **This is not a history.** The store keeps only each KPI's *current* value, not a series of
    dated measurements, so there is no history to draw: this chart shows where every KPI stands
    now. A KPI history over time needs measurements recorded with their dates, which okrkit
    does not store yet.

    Each row has its own scale: a grey band marks the tolerance around the target (the "at
    risk" zone of :func:`okrkit.kpis.kpi_status`), a bar the current value coloured by status,
    and a black tick the target. KPIs without a target or a current value show a note instead.

    Parameters
    ----------
    kpis
        A KPI frame (:attr:`Frames.kpis <okrkit.frames.Frames>`), or an OKR set or its frames.
    tolerance
        As in :func:`okrkit.kpis.kpi_status`.
    as_of
        The date a KPI with a baseline and a time frame is judged at (default: as
        :func:`okrkit.kpis.kpi_status`).
    path, title, dpi, lang
        As in :func:`score_distribution`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: import on first use
    from matplotlib.figure import Figure  # heavy: import on first use

    fmt = check_path(path)
    words = texts("plots", resolve_lang(lang))
    cycle = None
    if not isinstance(kpis, pd.DataFrame):
        frames = kpis if isinstance(kpis, Frames) else to_frames(kpis)
        kpis, cycle = frames.kpis, frames.cycle
    # the bar's colour is the KPI's status by its own rule (pace through its time frame, or a
    # level to hold), as the KPI board shows it
    status = kpi_status(kpis, tolerance=tolerance, cycle=cycle, as_of=as_of).to_numpy()
    target = pd.to_numeric(kpis["target"], errors="coerce").to_numpy("float64")
    current = pd.to_numeric(kpis["current"], errors="coerce").to_numpy("float64")
    n = len(kpis)
    fig = Figure(figsize=(6.4, min(max(0.55 * n + 0.8, 1.6), MAX_INCHES)), dpi=dpi)
    FigureCanvasAgg(fig)
    setattr(fig, "_repr_png_", png_repr(fig))  # noqa: B010 - a notebook shows it once
    colours = {"on track": "green", "at risk": "yellow", "off track": "red"}
    axes = fig.subplots(max(n, 1), 1, squeeze=False)[:, 0]
    fig.subplots_adjust(left=0.3, right=0.95, top=1 - 0.5 / fig.get_figheight(), hspace=0.8)
    for i, ax in enumerate(axes):
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        if i >= n:
            ax.text(0.5, 0.5, words["no_kpis"], ha="center", va="center", transform=ax.transAxes)
            ax.set_xticks([])
            continue
        row = kpis.iloc[i]
        unit = f" {row['unit']}" if isinstance(row["unit"], str) and row["unit"] else ""
        ax.set_ylabel(
            shorten(f"{row['id']} {row['name']}", 30),
            rotation=0,
            ha="right",
            va="center",
            fontsize=8,
        )
        t, c = target[i], current[i]
        if np.isnan(t) or np.isnan(c):
            note = words["no_target"] if np.isnan(t) else words["no_current"]
            ax.text(0.0, 0.5, note, va="center", fontsize=8, color="#5f6368")
            ax.set_xticks([])
            continue
        high = max(abs(t), abs(c), 1e-9) * 1.25
        low = min(0.0, t, c) * 1.25
        ax.set_xlim(low, high)
        ax.set_ylim(0, 1)
        ax.axvspan(t - tolerance * abs(t), t + tolerance * abs(t), color="#e8eaed", lw=0)
        colour = NODE_COLOURS.get(colours.get(str(status[i])), NODE_COLOURS[None])
        ax.barh(0.5, c, height=0.4, left=0.0, color=colour)
        ax.plot([t, t], [0.15, 0.85], color="#202124", lw=2)
        ax.tick_params(axis="x", labelsize=7)
        arrow = "↓" if row["direction"] == "down" else "↑"
        said = words.get(f"status.{status[i]}", str(status[i]))
        now = words["kpi_now"].format(
            current=f"{c:g}{unit}", arrow=arrow, target=f"{t:g}{unit}", status=said
        )
        ax.set_title(now, fontsize=8, loc="right")
    fig.suptitle(title or words["kpis_title"], x=0.02, ha="left", fontsize=11)
    finish_figure(fig, path, fmt, dpi)
    return fig

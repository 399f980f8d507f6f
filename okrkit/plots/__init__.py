"""Static pictures of the alignment graph (matplotlib).

:func:`draw_alignment` draws the objectives of an alignment graph (see :mod:`okrkit.alignment`)
in horizontal bands by level, company at the top, then department, team and individual; nodes are
coloured by grade band and sized by weight, and aligned objectives are joined by lines. An
objective aligned to a key result is joined to that key result (when key results are drawn) or to
the key result's objective by a dashed line labelled with the key result's id, so the picture
shows which key result it supports.
:func:`alignment_layout` returns the positions it uses.

The layout (a small Sugiyama-style drawing):

- Each level is a band of rows. A band with more objectives than fit in a row wraps into several
  rows, dealt out in turn (the 1st objective to row 1, the 2nd to row 2, ...), so each row spans
  the whole width and an objective stays near the objectives it aligns to.
- The order inside a band reduces crossings: a few sweeps sort each band by the mean position of
  the objectives it aligns to in the bands above (downwards) and of its children in the bands
  below (upwards).
- Nodes in a row are spread evenly, at least one unit apart; rows are one unit apart and bands a
  further gap apart, so nodes never overlap and bands never mix.

Charts of a set, in the same style (plain figures, optional ``path`` to write PNG, SVG or PDF):

- :func:`score_distribution`: a histogram of key result or objective scores by grade band;
- :func:`kr_progress`: one key result's check-ins against the expected pace and its target;
- :func:`confidence_trend`: mean weekly confidence per owner or key result;
- :func:`kpi_history`: every KPI's current value against its target (a bullet chart; the store
  keeps no KPI history yet).

matplotlib is imported inside the functions, so ``import okrkit.plots`` has no side effect and
``import okrkit`` never loads matplotlib. The figure is a plain :class:`matplotlib.figure.Figure`
on the Agg canvas, not registered with pyplot: nothing opens a window, repeated calls leak no
figures, and a notebook shows the returned figure once.

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("CO-1", kind="objective", level="company", title="Delight customers")
>>> g.add_node("MK-1", kind="objective", level="department", title="Raise awareness")
>>> g.add_edge("MK-1", "CO-1", relation="aligns_to")
>>> pos = alignment_layout(g)
>>> pos["CO-1"][1] > pos["MK-1"][1]
True
>>> fig = draw_alignment(g)
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import math
import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from okrkit.model import LEVELS
from okrkit.plots._charts import confidence_trend, kpi_history, kr_progress, score_distribution
from okrkit.plots._figures import (
    FORMATS,
    MAX_INCHES,
    NODE_COLOURS,
    finish_figure,
    png_repr,
    shorten,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


__all__ = [
    "NODE_COLOURS",
    "alignment_layout",
    "confidence_trend",
    "draw_alignment",
    "kpi_history",
    "kr_progress",
    "score_distribution",
]

_ROW = 1.0  # distance between rows of objectives (layout units)
_KR_ROW = 0.6  # distance between rows of key results
_KR_SLOT = 0.5  # least distance between key results in a row
_GAP = 0.8  # extra distance between two bands
_SWEEPS = 3
_INCH_PER_UNIT_X = 0.8
_INCH_PER_UNIT_Y = 0.7
_LABEL_PT = 6.0
_KR_LINK = "#1a73e8"  # a link to a key result: dashed, labelled with the key result's id


@dataclass(frozen=True, slots=True)
class _Layout:
    pos: dict[Hashable, tuple[float, float]]
    spacing: dict[Hashable, float]  # horizontal room of each node in its row
    width: int  # slots in a row of objectives
    bands: list[tuple[str, float, float]]  # level, top y, bottom y
    key_results: frozenset[Hashable]


def _row_size(m: int, rows: int, row: int) -> int:
    return m // rows + (1 if row < m % rows else 0)


def _layout(graph: nx.DiGraph, *, key_results: bool, per_row: int | None) -> _Layout:
    attrs = dict(graph.nodes(data=True))
    objectives = [n for n, a in attrs.items() if a.get("kind") == "objective"]
    is_objective = set(objectives)
    levels = list(LEVELS)
    if any(attrs[n].get("level") not in LEVELS for n in objectives):
        levels.append("other")
    band_of = {
        n: levels.index(lvl) if (lvl := attrs[n].get("level")) in LEVELS else len(levels) - 1
        for n in objectives
    }
    orders: list[list[Hashable]] = [[] for _ in levels]
    for n in objectives:
        orders[band_of[n]].append(n)
    ups: dict[Hashable, list[Hashable]] = {n: [] for n in objectives}
    downs: dict[Hashable, list[Hashable]] = {n: [] for n in objectives}
    for u, parent, rel in graph.edges(data="relation"):
        v = _target(attrs, parent)
        if rel == "aligns_to" and u in is_objective and v in is_objective:
            if band_of[v] < band_of[u]:
                ups[u].append(v)
            elif band_of[v] > band_of[u]:
                downs[v].append(u)

    n = len(objectives)
    if per_row is None:
        per_row = max(6, math.ceil(math.sqrt(2.5 * n)))
    per_row = max(int(per_row), 1)
    width = max(1, min(per_row, max((len(o) for o in orders), default=1)))

    x: dict[Hashable, float] = {}

    def place(band: int) -> None:
        spread = _spread_band(orders[band], per_row, width, 1.0)
        x.update((node, v[0]) for node, v in spread.items())

    for band in range(len(levels)):
        place(band)

    def mean_or_own(node: Hashable, others: list[Hashable]) -> float:
        return sum(x[o] for o in others) / len(others) if others else x[node]

    for sweep in range(_SWEEPS):
        for band in range(1, len(levels)):
            orders[band].sort(key=lambda node: mean_or_own(node, ups[node]))
            place(band)
        if sweep == _SWEEPS - 1:
            break
        for band in range(len(levels) - 2, -1, -1):
            orders[band].sort(key=lambda node: mean_or_own(node, downs[node]))
            place(band)

    krs_of: dict[Hashable, list[Hashable]] = {n: [] for n in objectives}
    if key_results:
        for u, v, rel in graph.edges(data="relation"):
            if rel == "belongs_to" and v in is_objective and attrs[u].get("kind") == "key_result":
                krs_of[v].append(u)

    pos: dict[Hashable, tuple[float, float]] = {}
    spacing: dict[Hashable, float] = {}
    bands: list[tuple[str, float, float]] = []
    y = 0.0
    for band, level in enumerate(levels):
        order = orders[band]
        if not order:
            continue
        top = y
        spread = _spread_band(order, per_row, width, 1.0)
        for node, (px, row, step) in spread.items():
            pos[node] = (px, top - row * _ROW)
            spacing[node] = step
        rows = math.ceil(len(order) / per_row)
        bottom = top - (rows - 1) * _ROW
        krs = [kr for node in sorted(order, key=lambda o: pos[o][0]) for kr in krs_of[node]]
        if krs:
            kr_top = bottom - _ROW * 0.8
            kr_per_row = max(1, int(width / _KR_SLOT))
            kr_spread = _spread_band(krs, kr_per_row, width, _KR_SLOT)
            for kr, (kx, row, step) in kr_spread.items():
                pos[kr] = (kx, kr_top - row * _KR_ROW)
                spacing[kr] = step
            bottom = kr_top - (math.ceil(len(krs) / kr_per_row) - 1) * _KR_ROW
        bands.append((level, top, bottom))
        y = bottom - _ROW - _GAP
    chosen = {kr for krs in krs_of.values() for kr in krs}
    return _Layout(pos, spacing, width, bands, frozenset(chosen))


def _target(attrs: dict[Hashable, dict[str, object]], parent: Hashable) -> Hashable:
    """Where a link to ``parent`` points in the layout: a key result's objective, else itself."""
    found = attrs.get(parent) or {}
    if found.get("kind") == "key_result":
        owner = found.get("objective")
        if isinstance(owner, Hashable) and owner in attrs:
            return owner
    return parent


def _spread_band(
    order: Sequence[Hashable], per_row: int, width: int, slot: float
) -> dict[Hashable, tuple[float, int, float]]:
    """x, row and spacing of each node of a band.

    Nodes are dealt out over ``ceil(len / per_row)`` rows in turn; a row of ``k`` nodes spreads
    them evenly over ``width`` units (``x`` from 0 to ``width - 1`` when the row is full), at
    least ``slot`` apart. With several rows, odd rows shift a quarter step right and even rows a
    quarter step left, like bricks, so lines from lower rows pass between the nodes above.
    """
    m = len(order)
    if not m:
        return {}
    rows = math.ceil(m / per_row)
    out = {}
    for k, node in enumerate(order):
        row, i = k % rows, k // rows
        step = max(width / _row_size(m, rows, row), slot)
        brick = 0.0 if rows == 1 else (0.25 if row % 2 else -0.25) * step
        out[node] = ((i + 0.5) * step - 0.5 + brick, row, step)
    return out


def alignment_layout(
    graph: nx.DiGraph, *, key_results: bool = False, per_row: int | None = None
) -> dict[Hashable, tuple[float, float]]:
    """Positions of the objectives (and optionally key results) as :func:`draw_alignment` lays
    them out.

    Parameters
    ----------
    graph
        An alignment graph (:func:`okrkit.alignment.build_graph`); nodes with
        ``kind="objective"`` are placed by their ``level``.
    key_results
        Also place key results, in rows under their level's objectives, near their objective.
    per_row
        Most objectives in one row of a band (default ``max(6, ceil(sqrt(2.5 × objectives)))``).

    Returns
    -------
    dict
        Node -> (x, y) in layout units: objectives in one row are at least 1 apart in x, rows
        1 apart in y; key results at least 0.5 apart in x and 0.6 in y. The company band is at
        the top (y = 0) and each lower level below the one above it.
    """
    return _layout(graph, key_results=key_results, per_row=per_row).pos


def _label(ident: str, title: str, room: int) -> str:
    """``id`` over the shortened title when there is room, the id alone otherwise, or nothing."""
    if room < min(len(ident), 4):
        return ""
    if room >= 6 and title:
        return f"{shorten(ident, room)}\n{shorten(title, room)}"
    return shorten(ident, room)


def _diameters(weights: list[float], low: float, high: float) -> list[float]:
    roots = [math.sqrt(max(w, 0.0)) for w in weights]
    lo, hi = min(roots, default=0.0), max(roots, default=0.0)
    if hi - lo < 1e-12:
        return [(low + high) / 2] * len(weights)
    return [low + (high - low) * (r - lo) / (hi - lo) for r in roots]


def draw_alignment(
    graph: nx.DiGraph,
    *,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    key_results: bool = False,
    title: str | None = None,
    per_row: int | None = None,
    dpi: float = 100.0,
) -> Figure:
    """Draw the alignment graph: objectives in bands by level, coloured by grade band.

    Parameters
    ----------
    graph
        An alignment graph (:func:`okrkit.alignment.build_graph`). Objectives are drawn; missing
        ids (``kind="missing"``) are not (the checks report them).
    ax
        Draw into these axes; by default a new figure sized to the graph (wider with more
        objectives per row, taller with more rows), up to 80 inches a side.
    path
        Also write the figure to this file: ``.png``, ``.svg`` or ``.pdf``.
    key_results
        Also draw key results, as small nodes under their level's objectives.
    title
        Text above the drawing (default: the number of objectives and the cycles).
    per_row
        Most objectives in a row of a band; see :func:`alignment_layout`.
    dpi
        Resolution of a new figure and of a PNG.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Colours: red, yellow and green by grade band (:data:`NODE_COLOURS`), grey without a score.
    Size: the area grows with the objective's ``weight`` (its key results' weights). Labels: the
    id and the shortened title where the row leaves room, the id alone where it is tight, none
    where not even the id fits. Lines join an objective to the objectives it aligns to; a link
    to a key result is a dashed blue line to that key result (with ``key_results=True``) or to its
    objective, labelled with the key result's id near the objective.

    Raises
    ------
    ValueError
        When ``path`` has another suffix than ``.png``, ``.svg`` or ``.pdf``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: import on first use
    from matplotlib.collections import LineCollection  # heavy: import on first use
    from matplotlib.figure import Figure  # heavy: import on first use
    from matplotlib.lines import Line2D  # heavy: import on first use

    fmt = None
    if path is not None:
        fmt = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
        if fmt not in FORMATS:
            raise ValueError(f"cannot draw to {os.fspath(path)!r}: use a .png, .svg or .pdf file")

    lay = _layout(graph, key_results=key_results, per_row=per_row)
    attrs = graph.nodes
    top = max((b[1] for b in lay.bands), default=0.0) + 0.6
    bottom = min((b[2] for b in lay.bands), default=0.0) - 0.8
    left, right = -0.9, lay.width - 0.1

    if ax is None:
        margin_l, margin_r, margin_t, margin_b = 1.3, 0.3, 0.7, 0.2
        w_in = min(max(_INCH_PER_UNIT_X * (right - left) + margin_l + margin_r, 6.0), MAX_INCHES)
        h_in = min(max(_INCH_PER_UNIT_Y * (top - bottom) + margin_t + margin_b, 3.0), MAX_INCHES)
        fig = Figure(figsize=(w_in, h_in), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes(
            (
                margin_l / w_in,
                margin_b / h_in,
                1 - (margin_l + margin_r) / w_in,
                1 - (margin_t + margin_b) / h_in,
            )
        )
        setattr(fig, "_repr_png_", png_repr(fig))  # noqa: B010 - a notebook shows it once
    else:
        found = ax.get_figure()
        assert isinstance(found, Figure)
        fig = found
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()

    # Points per layout unit, to size nodes and decide which labels fit.
    (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
    pt_x = abs(x1 - x0) * 72.0 / fig.dpi
    pt_y = abs(y1 - y0) * 72.0 / fig.dpi
    unit = min(pt_x, pt_y)

    for i, (level, b_top, b_bottom) in enumerate(lay.bands):
        if i % 2 == 0:
            ax.axhspan(b_bottom - 0.55, b_top + 0.45, color="#f1f3f4", zorder=0, lw=0)
        ax.text(
            left - 0.15,
            (b_top + b_bottom) / 2,
            level.capitalize(),
            ha="right",
            va="center",
            fontsize=10,
            fontweight="bold",
            color="#3c4043",
        )

    objectives = [n for n in lay.pos if n not in lay.key_results]
    krs = [n for n in lay.pos if n in lay.key_results]
    node_attrs = dict(graph.nodes(data=True))
    segments = []
    kr_links: list[tuple[Hashable, Hashable, Hashable]] = []  # child, key result, end drawn to
    for u, v, rel in graph.edges(data="relation"):
        if rel != "aligns_to" or u not in lay.pos:
            continue
        if attrs[v].get("kind") == "key_result":
            end = v if v in lay.pos else _target(node_attrs, v)
            if end in lay.pos and end != u:
                kr_links.append((u, v, end))
        elif v in lay.pos:
            segments.append((lay.pos[u], lay.pos[v]))
    ax.add_collection(
        LineCollection(segments, colors="#5f6368", linewidths=0.6, alpha=0.45, zorder=1)
    )
    if kr_links:
        ax.add_collection(
            LineCollection(
                [(lay.pos[u], lay.pos[end]) for u, _, end in kr_links],
                colors=_KR_LINK,
                linewidths=0.8,
                linestyles="dashed",
                alpha=0.7,
                zorder=1,
            )
        )
        for u, kr, end in kr_links:
            if end == kr:
                continue  # the key result is drawn with its own label
            (x0, y0), (x1, y1) = lay.pos[end], lay.pos[u]
            ax.text(
                x0 + 0.4 * (x1 - x0),
                y0 + 0.4 * (y1 - y0),
                shorten(str(kr), 12),
                ha="center",
                va="center",
                fontsize=_LABEL_PT * 0.85,
                color=_KR_LINK,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": _KR_LINK, "lw": 0.4},
                zorder=3,
                clip_on=False,
            )
    if krs:
        kr_segments = [
            (lay.pos[u], lay.pos[v])
            for u, v, rel in graph.edges(data="relation")
            if rel == "belongs_to" and u in lay.pos and v in lay.pos
        ]
        ax.add_collection(
            LineCollection(kr_segments, colors="#9aa0a6", linewidths=0.4, alpha=0.4, zorder=1)
        )

    def weight(node: Hashable) -> float:
        value = attrs[node].get("weight")
        return 1.0 if value is None or value != value else float(value)

    def colour(node: Hashable) -> str:
        band = attrs[node].get("band")
        return NODE_COLOURS.get(band if isinstance(band, str) else None, NODE_COLOURS[None])

    for nodes, low, high, edge in ((objectives, 0.25, 0.5, 0.6), (krs, 0.14, 0.24, 0.4)):
        if not nodes:
            continue
        diameters = _diameters([weight(n) for n in nodes], low, high)
        ax.scatter(
            [lay.pos[n][0] for n in nodes],
            [lay.pos[n][1] for n in nodes],
            s=[(d * unit) ** 2 for d in diameters],
            c=[colour(n) for n in nodes],
            edgecolors="#202124",
            linewidths=edge,
            zorder=2,
        )
        for node, d in zip(nodes, diameters, strict=True):
            room = int(lay.spacing[node] * pt_x * 0.9 / (_LABEL_PT * 0.6))
            is_kr = node in lay.key_results
            text = _label(str(node), "" if is_kr else str(attrs[node].get("title") or ""), room)
            if text:
                x, y = lay.pos[node]
                ax.text(
                    x,
                    y - d / 2 - 0.04,
                    text,
                    ha="center",
                    va="top",
                    fontsize=_LABEL_PT * (0.85 if is_kr else 1.0),
                    color="#202124",
                    linespacing=1.0,
                    zorder=3,
                    clip_on=False,
                )

    handles = [
        Line2D([], [], ls="", marker="o", color=NODE_COLOURS[b], mec="#202124", label=label)
        for b, label in (("green", "0.7–1.0"), ("yellow", "0.4–0.7"), ("red", "0–0.4"))
    ]
    handles.append(
        Line2D([], [], ls="", marker="o", color=NODE_COLOURS[None], mec="#202124", label="no score")
    )
    ax.legend(
        handles=handles,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncol=4,
        frameon=False,
        fontsize=8,
        borderaxespad=0.2,
    )
    if title is None:
        cycles = sorted({str(c) for n in objectives if (c := attrs[n].get("cycle"))})
        title = f"Alignment of {len(objectives)} objectives" + (
            f", {', '.join(cycles)}" if cycles else ""
        )
    ax.set_title(title, loc="left", fontsize=11, pad=18)  # above the legend
    finish_figure(fig, path, fmt, dpi)
    return fig


# --- charts of scores, progress, confidence and KPIs ---------------------------------------------

"""Static pictures of the alignment graph (matplotlib).

:func:`draw_alignment` draws the objectives of an alignment graph (see :mod:`okrkit.alignment`)
in horizontal bands by level, company at the top, then department, team and individual; nodes are
coloured by grade band and sized by weight, and aligned objectives are joined by lines. An
objective aligned to a key result is joined to that key result (when key results are drawn) or to
the key result's objective by a dashed line labelled with the key result's id, so the picture
shows which key result it supports.
:func:`alignment_layout` returns the positions it uses. The picture is made to be read on a
projector: at the default size it is as wide as the screen (:data:`SCREEN_INCHES`), its labels
are wrapped (not cut) in a font that follows the number of objectives but never drops under
:data:`MIN_LABEL_PT` (:func:`label_size`), and it grows downwards as its rows need. Its title,
level names and legend follow ``lang`` (the ``plots`` section of ``okrkit/locale``).

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
import textwrap
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from okrkit.text import format_number, resolve_lang, texts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


__all__ = [
    "MIN_LABEL_PT",
    "NODE_COLOURS",
    "SCREEN_INCHES",
    "alignment_layout",
    "confidence_trend",
    "draw_alignment",
    "kpi_history",
    "kr_progress",
    "label_size",
    "score_distribution",
]

_ROW = 1.0  # distance between rows of objectives (layout units)
_KR_ROW = 0.6  # distance between rows of key results
_KR_SLOT = 0.5  # least distance between key results in a row
_GAP = 0.35  # extra distance between two bands
_SWEEPS = 3
#: The width of a picture at the default size (inches): a projected screen of about 1000
#: pixels at 100 dpi, shown without scaling down in a notebook or the app at 1280×720.
SCREEN_INCHES = 10.0
#: The smallest font of the objectives' labels at the default size (points).
MIN_LABEL_PT = 11.0
_MAX_LABEL_PT = 14.0
_MIN_WIDTH_IN = 6.5
_RIGHT_IN = 0.25
_CHAR_EM = 0.6  # mean width of a character, in ems (DejaVu Sans, mixed case)
_MIN_CHARS = 14  # least characters a line of a label
_LINE = 1.25  # line height, in ems
_MAX_LINES = 8  # id and title lines of a label at most
_NODE_IN = (0.2, 0.38)  # least and largest objective diameter (inches)
_KR_NODE_IN = (0.1, 0.16)
_ROW_PAD_IN = 0.3
_BAND_SHADES = ("#eef1f4", "#f8f9fa")
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
        per_row = _default_per_row(n, list(_level_names("en").values()))
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


def _label(ident: str, title: str, room: int, lines: int = 8) -> str:
    """``id`` over the title wrapped to ``room`` characters a line, in at most ``lines`` lines.

    The title is wrapped, not cut; only a title longer than ``lines - 1`` lines ends in "…".
    With less than 6 characters a line or a single line: the id alone (shortened when it must
    be); with not even room for the id or its first 4 characters: nothing.
    """
    if room < min(len(ident), 4) or lines < 1:
        return ""
    if room < 6 or lines < 2 or not title:
        return shorten(ident, room)
    wrapped = _wrap_title(title, room)
    if len(wrapped) > lines - 1:
        rest = " ".join(wrapped[lines - 2 :])
        wrapped = [*wrapped[: lines - 2], shorten(rest, room)]
    return "\n".join([shorten(ident, room), *wrapped])


def _wrap_title(title: str, room: int) -> list[str]:
    """``title`` in lines of at most ``room`` characters, a word longer than that cut short."""
    words = [shorten(w, room) for w in title.split()]
    return textwrap.wrap(" ".join(words), room, break_on_hyphens=False) or [""]


def _diameters(weights: list[float], low: float, high: float) -> list[float]:
    roots = [math.sqrt(max(w, 0.0)) for w in weights]
    lo, hi = min(roots, default=0.0), max(roots, default=0.0)
    if hi - lo < 1e-12:
        return [(low + high) / 2] * len(weights)
    return [low + (high - low) * (r - lo) / (hi - lo) for r in roots]


def label_size(objectives: int) -> float:
    """The font size of the objectives' labels (points) in a picture of ``objectives``.

    14 pt for a handful, one point less for every 10 more, never under :data:`MIN_LABEL_PT`:
    at the default size a picture is as wide as a projected screen (:data:`SCREEN_INCHES`) and
    its labels are read from the back of the room.
    """
    return max(MIN_LABEL_PT, min(_MAX_LABEL_PT, _MAX_LABEL_PT - (objectives - 8) / 10))


def _slot_inches(pt: float) -> float:
    """The least width of one objective's column: room for 14 characters a line."""
    return _MIN_CHARS * _CHAR_EM * pt / 72


def _default_per_row(objectives: int, level_names: Sequence[str]) -> int:
    """As many objectives as fit in a row of a screen-wide picture at the label size."""
    pt = label_size(objectives)
    usable = SCREEN_INCHES - _left_margin(level_names, pt) - _RIGHT_IN
    return max(1, int(usable / _slot_inches(pt)))


def _left_margin(level_names: Sequence[str], pt: float) -> float:
    longest = max((len(name) for name in level_names), default=4)
    return longest * _CHAR_EM * (pt + 1) / 72 + 0.35


def _level_names(lang: str) -> dict[str, str]:
    t = texts("plots", lang)
    return {level: t[f"level.{level}"] for level in (*LEVELS, "other")}


def draw_alignment(
    graph: nx.DiGraph,
    *,
    ax: Axes | None = None,
    path: str | os.PathLike[str] | None = None,
    key_results: bool = False,
    title: str | None = None,
    per_row: int | None = None,
    dpi: float = 100.0,
    lang: str | None = None,
) -> Figure:
    """Draw the alignment graph: objectives in bands by level, coloured by grade band.

    Parameters
    ----------
    graph
        An alignment graph (:func:`okrkit.alignment.build_graph`). Objectives are drawn; missing
        ids (``kind="missing"``) are not (the checks report them).
    ax
        Draw into these axes; by default a new figure sized to the graph: as wide as a
        projected screen (:data:`SCREEN_INCHES`, or narrower for a few objectives), and as tall
        as its rows of objectives and their wrapped labels need, up to 80 inches a side.
    path
        Also write the figure to this file: ``.png``, ``.svg`` or ``.pdf``.
    key_results
        Also draw key results, as small nodes under their level's objectives.
    title
        Text above the drawing (default: the number of objectives and the cycles).
    per_row
        Most objectives in a row of a band (default: as many as fit across the screen with room
        for their labels); see :func:`alignment_layout`.
    dpi
        Resolution of a new figure and of a PNG.
    lang
        ``"en"`` or ``"sv"`` for the title, the levels and the legend (default
        ``$OKRKIT_LANG``, else English).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Each level is a band of its own, shaded in turn and named on the left; a band with more
    objectives than fit in a row wraps into rows. Colours: red, yellow and green by grade band
    (:data:`NODE_COLOURS`), grey without a score. Size: the area grows with the objective's
    ``weight`` (its key results' weights). Labels: the id over the title, wrapped to the width
    of the objective's column, in a font that shrinks with the number of objectives but never
    under :data:`MIN_LABEL_PT` at the default size (:func:`label_size`). Only where a given
    ``ax`` or the 80-inch limit leaves too little room is a title cut short, or the id shown
    alone. Lines join an objective to the objectives it aligns to; a link to a key result is a
    dashed blue line to that key result (with ``key_results=True``) or to its objective,
    labelled with the key result's id near the objective. The title sits above the legend.

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
    lang = resolve_lang(lang)
    words = texts("plots", lang)
    names = _level_names(lang)

    attrs = graph.nodes
    n_objectives = sum(1 for _, k in attrs(data="kind") if k == "objective")
    pt = label_size(n_objectives)
    if per_row is None:
        per_row = _default_per_row(n_objectives, list(names.values()))
    lay = _layout(graph, key_results=key_results, per_row=per_row)
    objectives = [n for n in lay.pos if n not in lay.key_results]
    krs = [n for n in lay.pos if n in lay.key_results]

    if title is None:
        cycles = sorted({str(c) for n in objectives if (c := attrs[n].get("cycle"))})
        title = (
            words["alignment_title_cycles"].format(n=len(objectives), cycles=", ".join(cycles))
            if cycles
            else words["alignment_title"].format(n=len(objectives))
        )
    title_pt, band_pt, legend_pt = pt + 4, pt + 1, max(pt - 1, MIN_LABEL_PT)
    # Each node's column whole: the bricks of a wrapped band reach a quarter column further.
    left = min((x - lay.spacing[n] / 2 for n, (x, _) in lay.pos.items()), default=-0.5)
    right = max((x + lay.spacing[n] / 2 for n, (x, _) in lay.pos.items()), default=0.5)
    span = right - left
    line_in = pt * _LINE / 72
    kr_line_in = 0.85 * line_in
    margin_l = _left_margin(list(names.values()), pt)
    ncol = 4
    legend_in = legend_pt * 1.5 / 72 + 0.1

    if ax is None:
        slot = min(max(_slot_inches(pt), (SCREEN_INCHES - margin_l - _RIGHT_IN) / span), 3.0)
        slot = min(slot, (MAX_INCHES - margin_l - _RIGHT_IN) / span)
        w_in = max(margin_l + _RIGHT_IN + span * slot, _MIN_WIDTH_IN)
        chars = _chars(slot, pt)
        lines = min(max((_n_lines(attrs, o, chars) for o in objectives), default=1), _MAX_LINES)
        row_in = _NODE_IN[1] + lines * line_in + _ROW_PAD_IN
        if krs:  # the last row's labels end before the key results under them
            row_in = max(row_in, (_NODE_IN[1] / 2 + lines * line_in + _KR_NODE_IN[1]) / 0.75)
        title_lines = _wrap(title, _chars(w_in - margin_l - _RIGHT_IN, title_pt * 1.05))
        if w_in < 7.5:
            ncol = 2
            legend_in = 2 * legend_pt * 1.5 / 72 + 0.1
        margin_t = len(title_lines) * title_pt * 1.25 / 72 + legend_in + 0.35
        margin_b = 0.1
        label_in = {o: line_in * min(_n_lines(attrs, o, chars), lines) for o in objectives}
        top, low = _extent(lay, row_in, kr_line_in, label_in)
        h_in = (top - low) * row_in + margin_t + margin_b
        if h_in > MAX_INCHES:  # a huge graph: squeeze the rows, fewer lines a label
            h_in = MAX_INCHES
        fig = Figure(figsize=(w_in, h_in), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes(
            (
                margin_l / w_in,
                margin_b / h_in,
                1 - (margin_l + _RIGHT_IN) / w_in,
                1 - (margin_t + margin_b) / h_in,
            )
        )
        setattr(fig, "_repr_png_", png_repr(fig))  # noqa: B010 - a notebook shows it once
    else:
        found = ax.get_figure()
        assert isinstance(found, Figure)
        fig = found
        title_lines = [title]
        top = max((y for _, y in lay.pos.values()), default=0.0) + 0.6
        low = min((y for _, y in lay.pos.values()), default=0.0) - 0.8
        # Axes given: the labels take the font their columns leave room for (ids at least).
        box = ax.get_position()
        slot = box.width * fig.get_size_inches()[0] / span
        pt = max(6.0, min(pt, slot * 72 * 0.92 / (_CHAR_EM * 5)))
        title_pt, band_pt, legend_pt = pt + 3, pt + 1, pt
        line_in, kr_line_in = pt * _LINE / 72, 0.85 * pt * _LINE / 72
        legend_in = legend_pt * 1.5 / 72 + 0.1
    ax.set_xlim(left, right)
    ax.set_ylim(low, top)
    pos = lay.pos
    ax.set_axis_off()

    # Inches per data unit, to size nodes and decide how labels wrap.
    (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
    in_x = abs(x1 - x0) / fig.dpi
    in_y = abs(y1 - y0) / fig.dpi
    row_drawn = _ROW
    scale = min(1.0, row_drawn * in_y / (_NODE_IN[1] + line_in + _ROW_PAD_IN))
    obj_d = (_NODE_IN[0] * scale, _NODE_IN[1] * scale)
    kr_d = (_KR_NODE_IN[0] * scale, _KR_NODE_IN[1] * scale)

    pad_top = (obj_d[1] / 2 + 0.12) / in_y
    bands = [(level, min(b_top + pad_top, top), b_bottom) for level, b_top, b_bottom in lay.bands]
    for i, (level, b_top, _) in enumerate(bands):
        # Bands meet: each reaches down to the top of the next, so every level has its own.
        low_edge = bands[i + 1][1] if i + 1 < len(bands) else low
        ax.axhspan(low_edge, b_top, color=_BAND_SHADES[i % 2], zorder=0, lw=0)
        ax.text(
            -0.12 / max(in_x * (right - left), 1e-9),
            (b_top + low_edge) / 2,
            names.get(level, level.capitalize()),
            transform=_blended(ax),
            ha="right",
            va="center",
            fontsize=band_pt,
            fontweight="bold",
            color="#3c4043",
        )

    node_attrs = dict(graph.nodes(data=True))
    segments = []
    kr_links: list[tuple[Hashable, Hashable, Hashable]] = []  # child, key result, end drawn to
    for u, v, rel in graph.edges(data="relation"):
        if rel != "aligns_to" or u not in pos:
            continue
        if attrs[v].get("kind") == "key_result":
            end = v if v in pos else _target(node_attrs, v)
            if end in pos and end != u:
                kr_links.append((u, v, end))
        elif v in pos:
            segments.append((pos[u], pos[v]))
    ax.add_collection(
        LineCollection(segments, colors="#5f6368", linewidths=0.8, alpha=0.45, zorder=1)
    )
    if kr_links:
        ax.add_collection(
            LineCollection(
                [(pos[u], pos[end]) for u, _, end in kr_links],
                colors=_KR_LINK,
                linewidths=1.0,
                linestyles="dashed",
                alpha=0.7,
                zorder=1,
            )
        )
        for u, kr, end in kr_links:
            if end == kr:
                continue  # the key result is drawn with its own label
            (xa, ya), (xb, yb) = pos[end], pos[u]
            ax.text(
                xa + 0.4 * (xb - xa),
                ya + 0.4 * (yb - ya),
                shorten(str(kr), 14),
                ha="center",
                va="center",
                fontsize=pt * 0.85,
                color=_KR_LINK,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": _KR_LINK, "lw": 0.4},
                zorder=4,
            )
    if krs:
        kr_segments = [
            (pos[u], pos[v])
            for u, v, rel in graph.edges(data="relation")
            if rel == "belongs_to" and u in pos and v in pos
        ]
        ax.add_collection(
            LineCollection(kr_segments, colors="#9aa0a6", linewidths=0.5, alpha=0.4, zorder=1)
        )

    def weight(node: Hashable) -> float:
        value = attrs[node].get("weight")
        return 1.0 if value is None or value != value else float(value)

    def colour(node: Hashable) -> str:
        band = attrs[node].get("band")
        return NODE_COLOURS.get(band if isinstance(band, str) else None, NODE_COLOURS[None])

    for nodes, (low, high), edge in ((objectives, obj_d, 0.7), (krs, kr_d, 0.5)):
        if not nodes:
            continue
        is_kr = nodes is krs
        size = pt * (0.85 if is_kr else 1.0)
        diameters = _diameters([weight(n) for n in nodes], low, high)
        ax.scatter(
            [pos[n][0] for n in nodes],
            [pos[n][1] for n in nodes],
            s=[(d * 72) ** 2 for d in diameters],
            c=[colour(n) for n in nodes],
            edgecolors="#202124",
            linewidths=edge,
            zorder=2,
        )
        row_in = row_drawn * in_y * (_KR_ROW if is_kr else 1.0)
        for node, d in zip(nodes, diameters, strict=True):
            x, y = pos[node]
            # A column's width, and never past the picture's edge.
            room = _chars(min(lay.spacing[node], 2 * min(x - left, right - x)) * in_x, size)
            lines = int((row_in - high - _ROW_PAD_IN / 2) / (size * _LINE / 72))
            lines = 1 if is_kr else max(lines, 1)
            title_text = "" if is_kr else str(attrs[node].get("title") or "")
            text = _label(str(node), title_text, room, min(max(lines, 0), _MAX_LINES))
            if text:
                ax.text(
                    x,
                    y - (d / 2 + 0.04) / in_y,
                    text,
                    ha="center",
                    va="top",
                    fontsize=size,
                    color="#202124",
                    linespacing=_LINE / 1.2,
                    zorder=3,
                    bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.6},
                )

    def num(value: float) -> str:
        return format_number(value, lang, decimals=1)

    ms = legend_pt * 0.8

    handles = [
        Line2D([], [], ls="", marker="o", ms=ms, color=NODE_COLOURS[b], mec="#202124", label=label)
        for b, label in (
            ("green", f"{num(0.7)}–{num(1.0)}"),
            ("yellow", f"{num(0.4)}–{num(0.7)}"),
            ("red", f"0–{num(0.4)}"),
        )
    ]
    handles.append(
        Line2D(
            [], [], ls="", marker="o", ms=ms, color=NODE_COLOURS[None], mec="#202124",
            label=words["no_score"],
        )
    )  # fmt: skip
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=ncol,
        frameon=False,
        fontsize=legend_pt,
        borderaxespad=0.1,
        handletextpad=0.3,
        columnspacing=1.2,
    )
    # The title above the legend: the legend's height and a gap between them.
    ax.set_title("\n".join(title_lines), loc="left", fontsize=title_pt, pad=legend_in * 72 + 6)
    finish_figure(fig, path, fmt, dpi)
    return fig


def _chars(inches: float, pt: float) -> int:
    """How many characters of a ``pt`` font fit in ``inches`` (a little room left)."""
    return int(inches * 72 * 0.92 / (_CHAR_EM * pt))


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(width, 8), break_on_hyphens=False, break_long_words=False) or [
        text
    ]


def _n_lines(attrs: Any, node: Hashable, chars: int) -> int:
    title = str(attrs[node].get("title") or "")
    if chars < 6 or not title:
        return 1
    return 1 + len(_wrap_title(title, chars))


def _extent(
    lay: _Layout, row_in: float, kr_label_in: float, label_in: Mapping[Hashable, float]
) -> tuple[float, float]:
    """The top and bottom of the drawing in layout units, when a unit is ``row_in`` inches:
    room above the first row for its nodes, below the last for its labels (``label_in``: the
    height of each objective's label, ``kr_label_in`` of a key result's)."""
    if not lay.pos:
        return 0.5, -0.5
    top = max(y for _, y in lay.pos.values()) + (_NODE_IN[1] / 2 + 0.15) / row_in
    lowest = min(y for _, y in lay.pos.values())
    last = [n for n, (_, y) in lay.pos.items() if abs(y - lowest) < 1e-9]
    if any(n in lay.key_results for n in last):
        under = _KR_NODE_IN[1] / 2 + kr_label_in
    else:
        under = _NODE_IN[1] / 2 + max(label_in.get(n, 0.0) for n in last)
    return top, lowest - (under + 0.2) / row_in


def _blended(ax: Axes) -> Any:
    from matplotlib.transforms import blended_transform_factory  # heavy: import on first use

    return blended_transform_factory(ax.transAxes, ax.transData)


# --- charts of scores, progress, confidence and KPIs ---------------------------------------------

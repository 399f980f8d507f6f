"""The alignment drawing: layout by level bands without overlap, colours, sizes, files."""

from __future__ import annotations

import random
import subprocess
import sys
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from okrkit import KeyResult, Objective, OkrSet
from okrkit.alignment import build_graph
from okrkit.plots import NODE_COLOURS, _label, alignment_layout, draw_alignment

LEVELS = ["company", "department", "team", "individual"]


def synthetic_org(
    company: int = 5, departments: int = 25, teams: int = 70, individuals: int = 200, seed: int = 1
) -> nx.DiGraph:
    """An organisation of objectives on four levels, each aligned to one or two above it."""
    rng = random.Random(seed)
    objectives: list[Objective] = []
    above: list[str] = []
    for level, count in zip(LEVELS, (company, departments, teams, individuals), strict=True):
        ids = [f"{level[0].upper()}{i}" for i in range(count)]
        for ident in ids:
            parents = rng.sample(above, min(len(above), rng.choice((1, 1, 2)))) if above else []
            krs = [
                KeyResult(
                    id=f"{ident}-K{k}",
                    title=f"Key result {k} of {ident}",
                    start=0,
                    target=10,
                    current=rng.choice([None, 1, 3, 5, 8, 10]),
                    weight=rng.choice([1, 2, 3]),
                )
                for k in range(rng.randint(0, 3))
            ]
            objectives.append(
                Objective(
                    id=ident,
                    title=f"Make the {level} objective number {ident} a great success",
                    owner=f"{level} owner {ident}",
                    level=level,
                    aligns_to=parents,
                    key_results=krs,
                )
            )
        above = ids
    return build_graph(OkrSet(cycle="2026-Q1", objectives=objectives))


@pytest.fixture(scope="module")
def org() -> nx.DiGraph:
    return synthetic_org()


def assert_no_overlap(pos: dict[Any, tuple[float, float]], dx: float, dy: float) -> None:
    for (a, (xa, ya)), (b, (xb, yb)) in combinations(pos.items(), 2):
        assert abs(xa - xb) >= dx - 1e-9 or abs(ya - yb) >= dy - 1e-9, (a, b)


def test_layout_has_level_bands_top_down_without_overlap(org: nx.DiGraph) -> None:
    pos = alignment_layout(org)
    objectives = [n for n, k in org.nodes(data="kind") if k == "objective"]
    assert set(pos) == set(objectives) and len(pos) == 300
    ys = {lv: [pos[n][1] for n in objectives if org.nodes[n]["level"] == lv] for lv in LEVELS}
    for upper, lower in pairwise(LEVELS):
        assert min(ys[upper]) > max(ys[lower]), (upper, lower)
        assert min(ys[upper]) - max(ys[lower]) >= 1.3  # a visible gap between bands
    assert_no_overlap(pos, 1.0, 1.0)


def test_big_bands_wrap_into_rows(org: nx.DiGraph) -> None:
    pos = alignment_layout(org)
    rows = {lv: {y for n, (x, y) in pos.items() if org.nodes[n]["level"] == lv} for lv in LEVELS}
    assert len(rows["company"]) == 1
    assert len(rows["individual"]) > 3
    xs = [x for x, _ in pos.values()]
    assert max(xs) - min(xs) < 40  # wrapped, not one row of 200


def test_per_row_sets_the_wrap() -> None:
    g = synthetic_org(company=12, departments=0, teams=0, individuals=0)
    assert len({y for _, y in alignment_layout(g, per_row=4).values()}) == 3
    assert len({y for _, y in alignment_layout(g, per_row=12).values()}) == 1


def test_children_sit_under_their_parents() -> None:
    # Departments listed in reverse: the sweeps put each under its company objective.
    g = nx.DiGraph()
    for ident in ("C1", "C2", "C3"):
        g.add_node(ident, kind="objective", level="company")
    for ident, parent in (("D3", "C3"), ("D2", "C2"), ("D1", "C1")):
        g.add_node(ident, kind="objective", level="department")
        g.add_edge(ident, parent, relation="aligns_to")
    pos = alignment_layout(g)
    order = sorted(["D1", "D2", "D3"], key=lambda n: pos[n][0])
    assert order == ["D1", "D2", "D3"]


def test_key_results_sit_in_their_band(org: nx.DiGraph) -> None:
    pos = alignment_layout(org, key_results=True)
    krs = [n for n in pos if org.nodes[n]["kind"] == "key_result"]
    assert set(krs) == {n for n, k in org.nodes(data="kind") if k == "key_result"}
    level = {n: org.nodes[org.nodes[n]["objective"] if n in krs else n]["level"] for n in pos}
    for upper, lower in pairwise(LEVELS):
        assert min(pos[n][1] for n in pos if level[n] == upper) > max(
            pos[n][1] for n in pos if level[n] == lower
        )
    for lv in LEVELS:
        lowest_objective = min(pos[n][1] for n in pos if level[n] == lv and n not in krs)
        assert all(pos[k][1] < lowest_objective for k in krs if level[k] == lv)
    assert_no_overlap({k: pos[k] for k in krs}, 0.5, 0.6)


def test_draw_300_objectives_to_png(org: nx.DiGraph, tmp_path: Path) -> None:
    path = tmp_path / "org.png"
    fig = draw_alignment(org, path=path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == tuple(round(v * 100) for v in fig.get_size_inches())
    assert fig._repr_png_()[:8] == data[:8]  # type: ignore[attr-defined]  # notebooks show it
    small = draw_alignment(synthetic_org(2, 3, 4, 5))
    assert fig.get_size_inches()[0] > small.get_size_inches()[0]
    assert fig.get_size_inches()[1] > small.get_size_inches()[1]


def test_draw_to_svg_with_key_results(tmp_path: Path) -> None:
    path = tmp_path / "org.svg"
    draw_alignment(synthetic_org(2, 4, 6, 8), path=path, key_results=True, title="Q1 <plan>")
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "Q1 &lt;plan&gt;" in text


def test_draw_refuses_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        draw_alignment(synthetic_org(1, 1, 1, 1), path=tmp_path / "org.gif")
    assert not (tmp_path / "org.gif").exists()


def test_nodes_are_coloured_by_band_and_sized_by_weight() -> None:
    g = nx.DiGraph()
    specs = [("R", "red", 1.0), ("Y", "yellow", 4.0), ("G", "green", 9.0), ("N", None, 1.0)]
    for ident, band, weight in specs:
        g.add_node(ident, kind="objective", level="team", band=band, weight=weight, title=ident)
    fig = draw_alignment(g)
    ax = fig.axes[0]
    (scatter,) = [c for c in ax.collections if len(c.get_offsets()) == 4]
    order = [ident for ident, _, _ in specs]
    from matplotlib.colors import to_rgba

    assert [tuple(c) for c in scatter.get_facecolors()] == [
        to_rgba(NODE_COLOURS[band]) for _, band, _ in specs
    ]
    sizes = dict(zip(order, scatter.get_sizes(), strict=True))
    assert sizes["G"] > sizes["Y"] > sizes["R"] == sizes["N"]


def test_draw_into_given_axes() -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    assert draw_alignment(synthetic_org(1, 2, 2, 0), ax=ax) is fig
    assert any(t.get_text() == "Company" for t in ax.texts)


def test_labels_show_titles_where_they_fit_and_ids_otherwise() -> None:
    from matplotlib.figure import Figure

    g = nx.DiGraph()
    g.add_node("O1", kind="objective", level="team", title="Raise brand awareness in Sweden")
    assert draw_alignment(g).axes[0].texts[-1].get_text() == "O1\nRaise brand awareness in Sweden"
    for i in range(2, 21):
        g.add_node(f"O{i}", kind="objective", level="team", title="Raise brand awareness")
    ax = Figure(figsize=(4, 2)).add_subplot()
    draw_alignment(g, ax=ax, per_row=20)
    labels = [t.get_text() for t in ax.texts if t.get_text() != "Team"]
    assert labels and all("\n" not in t and t.startswith("O") for t in labels)


@pytest.mark.parametrize(
    ("room", "label"),
    [
        (40, "CO-1\nDelight our customers"),
        (10, "CO-1\nDelight\nour\ncustomers"),
        (5, "CO-1"),
        (3, ""),
    ],
)
def test_labels_wrap_titles(room: int, label: str) -> None:
    assert _label("CO-1", "Delight our customers", room) == label


def test_a_label_is_cut_only_past_its_lines() -> None:
    assert _label("CO-1", "Delight our customers", 10, lines=3) == "CO-1\nDelight\nour custo…"
    assert _label("CO-1", "Delight our customers", 10, lines=1) == "CO-1"


def test_missing_nodes_are_not_drawn() -> None:
    g = synthetic_org(1, 1, 0, 0)
    g.add_node("X", kind="missing")
    g.add_edge("D0", "X", relation="aligns_to")
    assert "X" not in alignment_layout(g)
    draw_alignment(g)


def test_import_does_not_load_matplotlib() -> None:
    code = "import sys, okrkit.plots, okrkit.alignment; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- legible on a projector: sizes, wrapped labels, title above the legend, one band a level ---


def demo_graph() -> nx.DiGraph:
    """Every template merged: 25 objectives on four levels with real, long titles."""
    from okrkit import load_template
    from okrkit.model import merge_sets
    from okrkit.workspace import _names

    return build_graph(merge_sets([load_template(n, "2026-Q4") for n in _names(["all"])]))


def cascade() -> nx.DiGraph:
    from okrkit import load_yaml

    return build_graph(load_yaml(Path(__file__).parent / "data" / "swedish_cascade.yaml"))


def drawn(fig: Any) -> Any:
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def node_labels(graph: nx.DiGraph, ax: Any) -> dict[str, Any]:
    """Each objective's label text, by objective id."""
    ids = {str(n) for n, k in graph.nodes(data="kind") if k == "objective"}
    return {t.get_text().split("\n")[0]: t for t in ax.texts if t.get_text().split("\n")[0] in ids}


@pytest.mark.parametrize("make", [demo_graph, cascade, lambda: synthetic_org(3, 8, 20, 40)])
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_every_text_lies_inside_the_figure_and_labels_keep_whole_titles(
    make: Any, lang: str
) -> None:
    graph = make()
    fig = draw_alignment(graph, lang=lang)
    renderer = drawn(fig)
    ax = fig.axes[0]
    box = fig.bbox
    texts = [*ax.texts, ax._left_title, *ax.get_legend().get_texts()]
    for text in texts:
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= box.x0 - 0.5 and extent.x1 <= box.x1 + 0.5, text.get_text()
        assert extent.y0 >= box.y0 - 0.5 and extent.y1 <= box.y1 + 0.5, text.get_text()
    labels = node_labels(graph, ax)
    assert set(labels) == {str(n) for n, k in graph.nodes(data="kind") if k == "objective"}
    for ident, text in labels.items():
        title = " ".join(str(graph.nodes[ident].get("title") or "").split())
        assert " ".join(text.get_text().split("\n")[1:]) == title  # wrapped, not cut
    # no two labels overlap
    boxes = [(ident, t.get_window_extent(renderer)) for ident, t in labels.items()]
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        assert not box_a.overlaps(box_b), (a, b)


@pytest.mark.parametrize(
    "title",
    [None, "Alignment of 2025-Q4, 2026, 2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4 and a long tail " * 2],
)
@pytest.mark.parametrize("make", [demo_graph, cascade, lambda: synthetic_org(1, 1, 0, 0)])
def test_the_title_sits_above_the_legend(make: Any, title: str | None) -> None:
    fig = draw_alignment(make(), title=title)
    renderer = drawn(fig)
    ax = fig.axes[0]
    title_box = ax._left_title.get_window_extent(renderer)
    legend_box = ax.get_legend().get_window_extent(renderer)
    assert not title_box.overlaps(legend_box)
    assert title_box.y0 >= legend_box.y1 - 0.5
    assert title_box.x1 <= fig.bbox.x1 and title_box.y1 <= fig.bbox.y1  # wrapped, not cut


@pytest.mark.parametrize("make", [demo_graph, cascade, lambda: synthetic_org()])
def test_each_level_has_its_own_band(make: Any) -> None:
    graph = make()
    fig = draw_alignment(graph)
    ax = fig.axes[0]
    drawn(fig)
    names = {"Company": "company", "Department": "department", "Team": "team"}
    names["Individual"] = "individual"
    band_labels = {names[t.get_text()]: t for t in ax.texts if t.get_text() in names}
    assert list(band_labels) == LEVELS  # four levels, four bands, top down
    spans = sorted(
        ((p.get_y(), p.get_y() + p.get_height()) for p in ax.patches),
        key=lambda span: -span[1],
    )
    assert len(spans) == 4
    for (low, _), (_, high) in pairwise(spans):
        assert high <= low + 1e-9  # bands do not overlap
    labels = node_labels(graph, ax)
    for i, level in enumerate(LEVELS):
        low, high = spans[i]
        assert low <= band_labels[level].get_position()[1] <= high
        ys = [t.get_position()[1] for n, t in labels.items() if graph.nodes[n]["level"] == level]
        assert ys and all(low < y < high for y in ys), level


@pytest.mark.parametrize("make", [cascade, demo_graph, lambda: synthetic_org()])
def test_fonts_are_legible_at_the_default_size(make: Any) -> None:
    from okrkit.plots import MIN_LABEL_PT, SCREEN_INCHES

    graph = make()
    fig = draw_alignment(graph)
    ax = fig.axes[0]
    assert fig.get_size_inches()[0] <= SCREEN_INCHES + 0.5  # shown unscaled on a 1280 screen
    for text in [*ax.texts, *ax.get_legend().get_texts()]:
        assert text.get_fontsize() >= MIN_LABEL_PT * 0.85, text.get_text()  # key result ids
    for text in node_labels(graph, ax).values():
        assert text.get_fontsize() >= MIN_LABEL_PT
    assert ax._left_title.get_fontsize() >= MIN_LABEL_PT + 4


def test_font_and_figure_follow_the_number_of_objectives() -> None:
    from okrkit.plots import label_size

    assert label_size(5) > label_size(25) > label_size(300)
    few, many = draw_alignment(cascade()), draw_alignment(synthetic_org(3, 8, 20, 40))
    assert few.get_size_inches()[1] < many.get_size_inches()[1]
    few_pt = max(t.get_fontsize() for t in node_labels(cascade(), few.axes[0]).values())
    assert few_pt > min(t.get_fontsize() for t in few.axes[0].texts)


def test_the_picture_speaks_swedish() -> None:
    fig = draw_alignment(cascade(), lang="sv")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Kopplingar mellan 5 mål, 2026-Q3"
    shown = {t.get_text() for t in ax.texts}
    assert {"Företag", "Avdelning", "Team", "Individ"} <= shown
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["0,7–1", "0,4–0,7", "0–0,4", "ingen poäng"]
    english = draw_alignment(cascade(), lang="en").axes[0]
    assert english.get_title(loc="left") == "Alignment of 5 objectives, 2026-Q3"
    assert [t.get_text() for t in english.get_legend().get_texts()][-1] == "no score"

"""Questions to the alignment graph: contributors, paths, summaries, and the roll-up."""

from __future__ import annotations

import math
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from okrkit.alignment._build import as_number
from okrkit.errors import AlignmentCycleError
from okrkit.graph_checks import (
    find_cycles,
    read_objectives,  # the roll-up shares the loop check's reading and topological waves
    waves,
)
from okrkit.model import LEVELS
from okrkit.scoring import BANDS

__all__ = [
    "RollupMethod",
    "above",
    "below",
    "contributors",
    "path_to_company",
    "rollup",
    "rollup_frame",
    "summary_by_level",
    "summary_by_owner",
    "teams_involved",
]

RollupMethod = Literal["weighted_mean", "weakest_link"]


# --- small helpers on any graph ----------------------------------------------------------------


def _kind(graph: nx.DiGraph, node: Any) -> Any:
    return graph.nodes[node].get("kind")


def _objective(graph: nx.DiGraph, objective: str) -> str:
    if objective not in graph or _kind(graph, objective) != "objective":
        raise KeyError(f"{objective!r} is not an objective of the graph")
    return objective


# --- queries -----------------------------------------------------------------------------------


def contributors(graph: nx.DiGraph, objective: str) -> set[str]:
    """Everything that contributes to ``objective``, transitively.

    Its key results, the objectives aligned to it (and to those, and so on), their key results,
    and the KPIs and initiatives of all of those: every node with a path to ``objective``.

    Raises
    ------
    KeyError
        When ``objective`` is not an objective of the graph.
    """
    return set(nx.ancestors(graph, _objective(graph, objective)))


def below(graph: nx.DiGraph, node: str) -> set[str]:
    """Every node under ``node`` in the cascade: what contributes to it, transitively.

    Edges point from child to parent, so this is :func:`networkx.ancestors`: for a company
    objective, its key results, the objectives aligned to it or to its key results (and to
    those, and so on), their key results, KPIs and initiatives. The same as
    ``nx.descendants(graph.reverse(copy=False), node)``.

    Raises
    ------
    KeyError
        When ``node`` is not in the graph.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_edges_from([("K1", "CO"), ("MK", "K1"), ("T", "MK")])
    >>> sorted(below(g, "CO")), sorted(above(g, "T"))
    (['K1', 'MK', 'T'], ['CO', 'K1', 'MK'])
    """
    if node not in graph:
        raise KeyError(f"{node!r} is not in the graph")
    return set(nx.ancestors(graph, node))


def above(graph: nx.DiGraph, node: str) -> set[str]:
    """Every node ``node`` contributes to, transitively: :func:`networkx.descendants`.

    For a team objective: the objectives and key results it aligns to, the objectives of those
    key results, what those align to, and so on up to the company level.

    Raises
    ------
    KeyError
        When ``node`` is not in the graph.
    """
    if node not in graph:
        raise KeyError(f"{node!r} is not in the graph")
    return set(nx.descendants(graph, node))


def path_to_company(graph: nx.DiGraph, objective: str) -> list[list[str]]:
    """Every alignment path from ``objective`` up to a company-level objective.

    A path follows ``aligns_to`` links and ends at the first company objective it meets; a
    company objective's own path is ``[[objective]]``. A link to a key result goes on through
    its objective, and the path lists both (``["T", "CO-KR1", "CO"]``). An empty list means the
    objective does not reach the company level. Loops are not followed round.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_nodes_from(["C1", "C2"], kind="objective", level="company")
    >>> g.add_node("D", kind="objective", level="department")
    >>> g.add_node("T", kind="objective", level="team")
    >>> g.add_edges_from([("T", "D"), ("D", "C1"), ("T", "C2")], relation="aligns_to")
    >>> path_to_company(g, "T")
    [['T', 'D', 'C1'], ['T', 'C2']]
    """
    _objective(graph, objective)
    paths: list[list[str]] = []
    stack: list[list[str]] = [[objective]]
    while stack:
        path = stack.pop()
        node = path[-1]
        if graph.nodes[node].get("level") == "company":
            paths.append(path)
            continue
        steps: list[list[str]] = []
        for _, v, rel in graph.out_edges(node, data="relation"):
            if rel != "aligns_to" or v in path:
                continue
            kind = _kind(graph, v)
            if kind == "objective":
                steps.append([v])
            elif kind == "key_result":
                owner = graph.nodes[v].get("objective")
                if owner in graph and _kind(graph, owner) == "objective" and owner not in path:
                    steps.append([v, owner])
        stack.extend([*path, *step] for step in reversed(steps))
    return paths


def teams_involved(graph: nx.DiGraph, objective: str) -> list[str]:
    """The owners (teams or people) of ``objective`` and of everything contributing to it.

    Sorted, without empty owners.
    """
    nodes = contributors(graph, objective) | {objective}
    return sorted({str(o) for n in nodes if (o := graph.nodes[n].get("owner"))})


_SUMMARY_COLUMNS = ["objectives", "key_results", "mean_score", *BANDS, "unscored"]


def _summary(graph: nx.DiGraph, by: str, cycle: str | None) -> pd.DataFrame:
    rows = []
    for attrs in graph.nodes.values():
        kind = attrs.get("kind")
        if kind not in ("objective", "key_result"):
            continue
        if cycle is not None and attrs.get("cycle") != cycle:
            continue
        if kind == "objective":
            rows.append(
                {
                    "owner": attrs.get("owner") or "",
                    "level": attrs.get("level"),
                    "objective": 1,
                    "score": as_number(attrs.get("score")),
                    "band": attrs.get("band"),
                }
            )
        else:
            parent = attrs.get("objective")
            level = graph.nodes[parent].get("level") if parent in graph else None
            rows.append({"owner": attrs.get("owner") or "", "level": level, "objective": 0})
    frame = pd.DataFrame.from_records(
        rows, columns=["owner", "level", "objective", "score", "band"]
    )
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    objectives = frame[frame["objective"] == 1]
    groups = frame.groupby(by, sort=True)
    out = pd.DataFrame(
        {
            "objectives": groups["objective"].sum(),
            "key_results": groups["objective"].size() - groups["objective"].sum(),
        }
    )
    out["mean_score"] = objectives.groupby(by)["score"].mean()
    for name in BANDS:
        out[name] = (objectives["band"] == name).groupby(objectives[by]).sum()
    out["unscored"] = objectives["score"].isna().groupby(objectives[by]).sum()
    counts = [c for c in _SUMMARY_COLUMNS if c != "mean_score"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["mean_score"] = out["mean_score"].astype("float64")
    out.index.name = by
    return out[_SUMMARY_COLUMNS]


def summary_by_owner(graph: nx.DiGraph, *, cycle: str | None = None) -> pd.DataFrame:
    """Per owner: objectives, key results, mean objective score and objectives per band.

    Columns ``objectives``, ``key_results`` (the key results the owner owns: their own owner, else
    the objective's), ``mean_score`` (mean of the owner's scored objectives, NaN when none),
    ``red``, ``yellow``, ``green`` and ``unscored`` (objectives without a score). Indexed by
    owner (``""`` for no owner), sorted. ``cycle`` keeps one cycle only.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("O1", kind="objective", owner="Ana", level="team", score=0.8, band="green")
    >>> g.add_node("O2", kind="objective", owner="Ana", level="team", score=0.2, band="red")
    >>> g.add_node("K1", kind="key_result", owner="Bo", objective="O1")
    >>> summary_by_owner(g)[["objectives", "key_results", "mean_score", "red", "green"]]
    ... # doctest: +NORMALIZE_WHITESPACE
           objectives  key_results  mean_score  red  green
    owner
    Ana             2            0         0.5    1      1
    Bo              0            1         NaN    0      0
    """
    return _summary(graph, "owner", cycle)


def summary_by_level(graph: nx.DiGraph, *, cycle: str | None = None) -> pd.DataFrame:
    """Per level (company, department, team, individual): the columns of :func:`summary_by_owner`.

    Key results count at their objective's level. Every level has a row, in level order.
    """
    out = _summary(graph, "level", cycle)
    out = out.reindex(list(LEVELS) + [lv for lv in out.index if lv not in LEVELS])
    counts = [c for c in _SUMMARY_COLUMNS if c != "mean_score"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out.index.name = "level"
    return out


# --- roll-up -----------------------------------------------------------------------------------


def rollup(
    graph: nx.DiGraph,
    *,
    weight: float = 0.5,
    method: RollupMethod = "weighted_mean",
) -> pd.Series:
    """Blend each objective's own score with the rolled-up scores of the objectives aligned to it.

    For an objective *p* with own score *s* (the weighted mean of its key results) and aligned
    children *c* with rolled-up scores *r(c)*::

        r(p) = (1 − weight) × s + weight × A(children)

    where *A* is the weighted mean of *r(c)* by each child's ``weight`` attribute (the sum of its
    key results' weights) for ``method="weighted_mean"``, or the minimum of *r(c)* for
    ``method="weakest_link"``. The children of *p* are the objectives aligned to *p* or to one
    of *p*'s key results (an objective supporting the key result "Launch version 2.0" counts
    under that key result's objective); one aligned to *p* both ways counts once. An objective
    without aligned children keeps its own score; one with children but no key results (no own
    score) takes *A* entirely; children without any score are left out of *A*. A child aligned
    to two parents counts in full for each.

    Computed in one pass over the objectives in topological order (Kahn's algorithm: an
    objective is rolled up once all its children are), each child pushing its result to its
    parents: linear in objectives plus links, no recursion.

    Parameters
    ----------
    graph
        The alignment graph; only ``kind="objective"`` nodes and the ``aligns_to`` edges from
        them to objectives and key results are used.
    weight
        The share of the children in a parent's progress, 0–1 (default 0.5: half own key
        results, half aligned children). 0 gives every objective its own score.
    method
        ``weighted_mean`` (default) or ``weakest_link``.

    Returns
    -------
    pandas.Series
        Named ``rollup``, indexed by objective id (index name ``objective``) in graph order:
        each objective's rolled-up score, NaN for an objective with neither key results nor
        scored children. It reads like the dict it used to be (``rolled["CO-1"]``,
        ``rolled.get("CO-1")``, ``"CO-1" in rolled``, ``rolled.items()``, ``dict(rolled)``),
        but iterating it gives the scores, not the ids. :func:`rollup_frame` adds each
        objective's own score and number of children.

    Raises
    ------
    AlignmentCycleError
        When objectives align in a loop, naming it.
    ValueError
        For a weight outside 0–1 or an unknown method.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("P", kind="objective", score=0.4)
    >>> g.add_node("A", kind="objective", score=1.0, weight=3.0)
    >>> g.add_node("B", kind="objective", score=0.2, weight=1.0)
    >>> g.add_edges_from([("A", "P"), ("B", "P")], relation="aligns_to")
    >>> print(round(rollup(g)["P"], 6))  # 0.5 × 0.4 + 0.5 × (3 × 1.0 + 1 × 0.2) / 4
    0.6
    >>> weakest = rollup(g, method="weakest_link", weight=0.25)
    >>> print(round(weakest["P"], 6))  # 0.75 × 0.4 + 0.25 × 0.2
    0.35

    A child aligned to a key result of P counts under P:

    >>> g.add_node("K", kind="key_result", objective="P")
    >>> g.add_node("C", kind="objective", score=0.0, weight=4.0)
    >>> g.add_edge("C", "K", relation="aligns_to")
    >>> print(round(rollup(g)["P"], 6))  # 0.5 × 0.4 + 0.5 × (3 × 1.0 + 1 × 0.2 + 4 × 0.0) / 8
    0.4
    """
    objectives, own, children, out = _rollup(graph, weight, method)
    del own, children
    return pd.Series(out, index=pd.Index(objectives, dtype=object, name="objective"), name="rollup")


def rollup_frame(
    graph: nx.DiGraph,
    *,
    weight: float = 0.5,
    method: RollupMethod = "weighted_mean",
) -> pd.DataFrame:
    """:func:`rollup` as a table: each objective's own score, children and rolled-up score.

    Columns ``title``, ``level``, ``cycle``, ``own`` (the objective's score from its own key
    results, NaN without), ``children`` (how many objectives align to it or to one of its key
    results) and ``rollup`` (the rolled-up score of :func:`rollup`, with the same ``weight`` and
    ``method``); indexed by objective id (index name ``objective``) in graph order.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("P", kind="objective", title="Grow", level="company", score=0.4)
    >>> g.add_node("K", kind="key_result", objective="P")
    >>> g.add_node("A", kind="objective", title="Sell", level="team", score=1.0)
    >>> g.add_edge("K", "P", relation="belongs_to")
    >>> g.add_edge("A", "K", relation="aligns_to")
    >>> rollup_frame(g)[["own", "children", "rollup"]]  # doctest: +NORMALIZE_WHITESPACE
               own  children  rollup
    objective
    P          0.4         1     0.7
    A          1.0         0     1.0
    """
    objectives, own, children, out = _rollup(graph, weight, method)
    nodes = graph.nodes
    return pd.DataFrame(
        {
            "title": [nodes[o].get("title") for o in objectives],
            "level": [nodes[o].get("level") for o in objectives],
            "cycle": [nodes[o].get("cycle") for o in objectives],
            "own": own,
            "children": children,
            "rollup": out,
        },
        index=pd.Index(objectives, dtype=object, name="objective"),
    )


def _rollup(
    graph: nx.DiGraph, weight: float, method: RollupMethod
) -> tuple[list[Any], np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The objectives, their own scores, numbers of children and rolled-up scores."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight {weight!r} is outside 0–1")
    if method not in ("weighted_mean", "weakest_link"):
        raise ValueError(f"unknown roll-up method {method!r}: use weighted_mean or weakest_link")
    objectives, attrs, child, parent = read_objectives(graph)
    size = len(objectives)
    own = _floats([a.get("score") for a in attrs])
    mass_of = _floats([a.get("weight") for a in attrs])
    mass_of[np.isnan(mass_of)] = 1.0
    weakest = method == "weakest_link"
    total = np.zeros(size)  # sum of weight × rolled score of the scored children
    mass = np.zeros(size)  # sum of their weights
    count = np.zeros(size, dtype=np.int64)
    low = np.full(size, np.inf)
    high = np.full(size, -np.inf)
    out = np.full(size, np.nan)
    done = 0
    for wave, leaving in waves(child, parent, size):
        value = own[wave]
        with_children = count[wave] > 0
        if with_children.any():
            at = wave[with_children]
            lo, hi = low[at], high[at]
            # Clamped to the children's range: the mean cannot leave it, rounding could.
            agg = lo if weakest else np.minimum(np.maximum(total[at] / mass[at], lo), hi)
            mine = value[with_children]
            blend = (1.0 - weight) * mine + weight * agg
            blend = np.minimum(np.maximum(blend, np.fmin(mine, agg)), np.fmax(mine, agg))
            value[with_children] = np.where(np.isnan(mine), agg, blend)
        out[wave] = value
        done += wave.size
        if leaving.size:
            # A child without a score, or without weight in a weighted mean, does not count.
            c, p = child[leaving], parent[leaving]
            v, w = out[c], mass_of[c]
            counts = ~np.isnan(v) if weakest else ~np.isnan(v) & (w > 0.0)
            c, p, v, w = c[counts], p[counts], v[counts], w[counts]
            np.add.at(total, p, w * v)
            np.add.at(mass, p, w)
            np.add.at(count, p, 1)
            np.minimum.at(low, p, v)
            np.maximum.at(high, p, v)
    if done < size:
        loop = find_cycles(graph)[0]  # the OKR601 finding: "objectives align in a loop: ..."
        raise AlignmentCycleError(f"{loop.message} ({loop.fix})")
    children = np.bincount(parent, minlength=size).astype(np.int64)
    return objectives, own, children, out


def _floats(values: list[Any]) -> np.ndarray[Any, Any]:
    """Attribute values as a float array: ``None``, NA and NaN -> NaN."""
    try:
        return np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array([math.nan if (x := as_number(v)) is None else x for v in values])

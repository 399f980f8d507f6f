"""The alignment graph: objectives, key results, KPIs and initiatives as a NetworkX ``DiGraph``.

:func:`build_graph` turns one or more OKR sets (one per cycle, or several files of one cycle)
into a plain :class:`networkx.DiGraph`, so an analyst can hand it to any NetworkX algorithm. Edges
point the way contribution flows, from the child to the parent:

================  =======================  ==================================================
edge              ``relation``             meaning
================  =======================  ==================================================
KR -> objective   ``belongs_to``           the key result measures that objective
objective -> obj  ``aligns_to``            the child objective contributes to the parent
KPI -> KR         ``measures``             the KPI tracks the key result's progress
initiative -> KR  ``supports``             the work that should move the key result
================  =======================  ==================================================

Every node has ``kind``, ``title``, ``owner`` and ``cycle`` (the cycle id; ``None`` for a missing
node). The other attributes depend on the kind:

- ``kind="objective"``: ``level`` (company, department, team, individual), ``okr_kind``
  (committed, aspirational), ``weight`` (the sum of its key results' weights, 1.0 without key
  results), ``key_results`` (how many), ``score`` (``None`` without key results), ``band``
  (red, yellow, green or ``None``), ``status`` (on track, at risk, off track or ``None``).
- ``kind="key_result"``: ``objective`` (its objective's id), ``type`` (metric, milestone,
  qualitative, guardrail), ``weight``, ``score``, ``band``, ``status``, ``checkins`` (how many up to
  the as-of date) and ``last_checkin`` (a :class:`datetime.date` or ``None``). ``owner`` is the key
  result's own owner, else its objective's.
- ``kind="kpi"``: ``title`` is the KPI's name; ``target``, ``current``, ``unit``, ``direction``,
  ``frequency``, ``data_source``, ``timeframe``.
- ``kind="initiative"``: ``state`` (planned, in_progress, done, dropped) and ``link``.
- ``kind="missing"``: an id named in some ``aligns_to`` that no given set holds. It stays in the
  graph so the defect is visible; :func:`~okrkit.graph_checks.missing_links` reports it.

The graph attributes are ``cycles`` (cycle id -> :class:`~okrkit.Cycle`) and ``as_of`` (the date
given to :func:`build_graph`, else ``None``: each cycle scored at its default date).

The checks of the graph (OKR601–OKR606: loops, missing links, cross-cycle links, orphans,
unsupported company objectives, stale key results) live in :mod:`okrkit.graph_checks`; this module
re-exports them, so ``from okrkit.alignment import graph_findings`` works.

:func:`rollup` blends each objective's own score with its aligned children's rolled-up scores
in one pass in topological order; see its docstring and ``docs/alignment.md``.

Examples
--------
>>> from okrkit import KeyResult, Objective, OkrSet
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[
...     Objective(id="CO-1", title="Delight customers", level="company", key_results=[
...         KeyResult(id="K1", title="NPS from 0 to 10", start=0, target=10, current=6)]),
...     Objective(id="MK-1", title="Raise brand awareness", level="department",
...         aligns_to=["CO-1"], key_results=[
...         KeyResult(id="K2", title="Launch the site", type="milestone", done=True)]),
... ])
>>> g = build_graph(okrs)
>>> g.nodes["K1"]["score"], g.nodes["K1"]["band"]
(0.6, 'yellow')
>>> g.edges["MK-1", "CO-1"]["relation"]
'aligns_to'
>>> round(rollup(g)["CO-1"], 6)  # 0.5 × 0.6 own + 0.5 × 1.0 from MK-1
0.8
>>> sorted(contributors(g, "CO-1"))
['K1', 'K2', 'MK-1']
>>> graph_findings(g)
[]
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import AlignmentCycleError, ValidationError
from okrkit.graph_checks import (
    GRAPH_MESSAGES,
    GraphFinding,
    cross_cycle_links,
    find_cycles,
    graph_findings,
    missing_links,
    orphans,
    read_objectives,  # the roll-up shares the loop check's reading and topological waves
    stale_key_results,
    unsupported,
    waves,
)
from okrkit.model import LEVELS, OkrSet
from okrkit.scoring import BANDS, Scores, ScoringConfig, score

__all__ = [
    "GRAPH_MESSAGES",
    "RELATIONS",
    "GraphFinding",
    "build_graph",
    "contributors",
    "cross_cycle_links",
    "find_cycles",
    "graph_findings",
    "missing_links",
    "orphans",
    "path_to_company",
    "rollup",
    "stale_key_results",
    "summary_by_level",
    "summary_by_owner",
    "teams_involved",
    "to_graphml",
    "to_json",
    "to_node_link",
    "unsupported",
]

#: Edge relations, child -> parent.
RELATIONS = ("belongs_to", "aligns_to", "measures", "supports")

RollupMethod = Literal["weighted_mean", "weakest_link"]


# --- building ----------------------------------------------------------------------------------


def build_graph(
    data: OkrSet | Iterable[OkrSet],
    scores: Scores | Mapping[str, Scores] | None = None,
    *,
    as_of: dt.date | None = None,
    config: ScoringConfig | None = None,
) -> nx.DiGraph:
    """Build the alignment graph of one or more OKR sets.

    Parameters
    ----------
    data
        An :class:`~okrkit.OkrSet`, or several (one per cycle, e.g.
        ``[store.load(c) for c in store.cycles()]``, or several files of one cycle). Ids must
        be unique across all of them.
    scores
        Scores to put on the nodes: a :class:`~okrkit.Scores` (for a single set) or a mapping
        cycle id -> Scores. A set whose ids its Scores do not cover is scored with
        :func:`okrkit.score`, as is every set when ``scores`` is ``None``.
    as_of
        The date to score at (default: each cycle's default, today or its last day). Kept as the
        graph attribute ``as_of``, which the stale check takes as its default date.
    config
        Scoring thresholds; default :class:`~okrkit.ScoringConfig`.

    Returns
    -------
    networkx.DiGraph
        With the node and edge attributes of the module docstring.

    Raises
    ------
    ValidationError
        When an id appears in two sets, or one cycle id stands for two different periods.

    Examples
    --------
    >>> from okrkit import KeyResult, Objective, OkrSet
    >>> q1 = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Grow", level="company",
    ...     key_results=[KeyResult(id="K1", title="Sign 10 customers", start=0, target=10)])])
    >>> q2 = OkrSet(cycle="2026-Q2", objectives=[Objective(id="O2", title="Grow more",
    ...     aligns_to=["O1", "O9"])])
    >>> g = build_graph([q1, q2], as_of=dt.date(2026, 4, 1))
    >>> [(n, g.nodes[n]["kind"], g.nodes[n]["cycle"]) for n in g]
    [('O1', 'objective', '2026-Q1'), ('K1', 'key_result', '2026-Q1'), \
('O2', 'objective', '2026-Q2'), ('O9', 'missing', None)]
    >>> sorted(g.edges(data="relation"))
    [('K1', 'O1', 'belongs_to'), ('O2', 'O1', 'aligns_to'), ('O2', 'O9', 'aligns_to')]
    """
    sets = [data] if isinstance(data, OkrSet) else list(data)
    for i, okrs in enumerate(sets):
        if not isinstance(okrs, OkrSet):
            raise ValidationError(
                f"item {i + 1} is a {type(okrs).__name__}, not an OkrSet",
                field="data",
                fix="pass an OkrSet or a list of OkrSets",
            )
    graph = nx.DiGraph(cycles={}, as_of=as_of)
    cycles: dict[str, Cycle] = graph.graph["cycles"]
    links: list[tuple[str, str]] = []
    for okrs in sets:
        cycle = okrs.cycle
        known = cycles.setdefault(cycle.id, cycle)
        if known != cycle:
            raise ValidationError(
                f"cycle {cycle.id!r} runs {known.start}..{known.end} in one set and"
                f" {cycle.start}..{cycle.end} in another",
                field="cycle",
                fix="give different periods different cycle ids",
            )
        _add_set(graph, okrs, _scores_for(okrs, scores, as_of, config))
        links.extend((o.id, parent) for o in okrs.objectives for parent in o.aligns_to)
    for child, parent in links:
        if parent not in graph:
            graph.add_node(parent, kind="missing", title="", owner="", cycle=None)
        graph.add_edge(child, parent, relation="aligns_to")
    return graph


def _scores_for(
    okrs: OkrSet,
    given: Scores | Mapping[str, Scores] | None,
    as_of: dt.date | None,
    config: ScoringConfig | None,
) -> Scores:
    found = given.get(okrs.cycle.id) if isinstance(given, Mapping) else given
    if found is not None:
        covered = set(found.objectives["id"].tolist()) | set(found.key_results["id"].tolist())
        if all(o.id in covered for o in okrs.objectives) and all(
            kr.id in covered for _, kr in okrs.key_results()
        ):
            return found
    return score(okrs, as_of, config=config)


def _number(value: Any) -> float | None:
    """A score cell as a float, ``None`` for NaN / NA."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A score column as plain Python values: NaN / NA -> None."""
    values = frame[name].to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values.tolist()  # type: ignore[no-any-return]


def _add_set(graph: nx.DiGraph, okrs: OkrSet, scores: Scores) -> None:
    cycle = okrs.cycle.id
    o = scores.objectives
    o_attrs = dict(
        zip(
            o["id"].tolist(),
            zip(_column(o, "score"), _column(o, "band"), _column(o, "status"), strict=True),
            strict=True,
        )
    )
    k = scores.key_results
    last = k["last_checkin"].to_numpy(dtype="datetime64[D]")  # .tolist(): dates, None for NaT
    k_attrs = dict(
        zip(
            k["id"].tolist(),
            zip(
                _column(k, "score"),
                _column(k, "band"),
                _column(k, "status"),
                k["checkins"].to_numpy(dtype="int64").tolist(),
                last.tolist(),
                strict=True,
            ),
            strict=True,
        )
    )
    nodes: list[tuple[str, dict[str, Any]]] = []
    belongs: list[tuple[str, str]] = []
    unscored_o = (None, None, None)
    unscored_k = (None, None, None, 0, None)
    for obj in okrs.objectives:
        s, b, st = o_attrs.get(obj.id, unscored_o)
        krs = obj.key_results
        nodes.append(
            (
                obj.id,
                {
                    "kind": "objective",
                    "title": obj.title,
                    "owner": obj.owner,
                    "cycle": cycle,
                    "level": obj.level,
                    "okr_kind": obj.kind,
                    "weight": float(sum(kr.weight for kr in krs)) if krs else 1.0,
                    "key_results": len(krs),
                    "score": s,
                    "band": b or None,
                    "status": st or None,
                },
            )
        )
        for kr in krs:
            s, b, st, n, day = k_attrs.get(kr.id, unscored_k)
            nodes.append(
                (
                    kr.id,
                    {
                        "kind": "key_result",
                        "title": kr.title,
                        "owner": kr.owner or obj.owner,
                        "cycle": cycle,
                        "objective": obj.id,
                        "type": kr.type,
                        "weight": float(kr.weight),
                        "score": s,
                        "band": b or None,
                        "status": st or None,
                        "checkins": n,
                        "last_checkin": day,
                    },
                )
            )
            belongs.append((kr.id, obj.id))
    measures: list[tuple[str, str]] = []
    for kpi in okrs.kpis:
        nodes.append(
            (
                kpi.id,
                {
                    "kind": "kpi",
                    "title": kpi.name,
                    "owner": kpi.owner,
                    "cycle": cycle,
                    "target": kpi.target,
                    "current": kpi.current,
                    "unit": kpi.unit,
                    "direction": kpi.direction,
                    "frequency": kpi.frequency,
                    "data_source": kpi.data_source,
                    "timeframe": kpi.timeframe,
                },
            )
        )
        measures.extend((kpi.id, kr_id) for kr_id in kpi.measures)
    supports: list[tuple[str, str]] = []
    for ini in okrs.initiatives:
        nodes.append(
            (
                ini.id,
                {
                    "kind": "initiative",
                    "title": ini.title,
                    "owner": ini.owner,
                    "cycle": cycle,
                    "state": ini.state,
                    "link": ini.link,
                },
            )
        )
        supports.extend((ini.id, kr_id) for kr_id in ini.supports)
    # Ids are unique within a set (the model checks); refuse one already in another set.
    if len(graph):
        taken = graph.nodes
        clash = next((ident for ident, _ in nodes if ident in taken), None)
        if clash is not None:
            other = graph.nodes[clash].get("cycle")
            raise ValidationError(
                f"id {clash!r} is in cycle {other} and in cycle {cycle}",
                field="id",
                fix="give each item its own id across cycles, or build one graph per cycle",
            )
    graph.add_nodes_from(nodes)
    graph.add_edges_from(belongs, relation="belongs_to")
    graph.add_edges_from(measures, relation="measures")
    graph.add_edges_from(supports, relation="supports")


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


def path_to_company(graph: nx.DiGraph, objective: str) -> list[list[str]]:
    """Every alignment path from ``objective`` up to a company-level objective.

    A path follows ``aligns_to`` links and ends at the first company objective it meets; a
    company objective's own path is ``[[objective]]``. An empty list means the objective does
    not reach the company level. Loops are not followed round.

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
        parents = [
            v
            for _, v, rel in graph.out_edges(node, data="relation")
            if rel == "aligns_to" and _kind(graph, v) == "objective" and v not in path
        ]
        stack.extend([*path, p] for p in reversed(parents))
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
                    "score": _number(attrs.get("score")),
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
) -> dict[str, float]:
    """Blend each objective's own score with the rolled-up scores of the objectives aligned to it.

    For an objective *p* with own score *s* (the weighted mean of its key results) and aligned
    children *c* with rolled-up scores *r(c)*::

        r(p) = (1 − weight) × s + weight × A(children)

    where *A* is the weighted mean of *r(c)* by each child's ``weight`` attribute (the sum of its
    key results' weights) for ``method="weighted_mean"``, or the minimum of *r(c)* for
    ``method="weakest_link"``. An objective without aligned children keeps its own score; one with
    children but no key results (no own score) takes *A* entirely; children without any score are
    left out of *A*. A child aligned to two parents counts in full for each.

    Computed in one pass over the objectives in topological order (Kahn's algorithm: an
    objective is rolled up once all its children are), each child pushing its result to its
    parents: linear in objectives plus links, no recursion.

    Parameters
    ----------
    graph
        The alignment graph; only ``kind="objective"`` nodes and ``aligns_to`` edges between
        them are used.
    weight
        The share of the children in a parent's progress, 0–1 (default 0.5: half own key
        results, half aligned children). 0 gives every objective its own score.
    method
        ``weighted_mean`` (default) or ``weakest_link``.

    Returns
    -------
    dict
        Objective id -> rolled-up score in graph order; NaN for an objective with neither key
        results nor scored children.

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
    >>> round(rollup(g)["P"], 6)  # 0.5 × 0.4 + 0.5 × (3 × 1.0 + 1 × 0.2) / 4
    0.6
    >>> round(rollup(g, method="weakest_link", weight=0.25)["P"], 6)  # 0.75 × 0.4 + 0.25 × 0.2
    0.35
    """
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
    # One NaN object for every unscored objective, as math.nan: equal results compare equal.
    return dict(zip(objectives, [x if x == x else math.nan for x in out.tolist()], strict=True))


def _floats(values: list[Any]) -> np.ndarray[Any, Any]:
    """Attribute values as a float array: ``None``, NA and NaN -> NaN."""
    try:
        return np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array([math.nan if (x := _number(v)) is None else x for v in values])


# --- export ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-safe value: NaN -> None, dates -> ISO text, tuples -> lists, NumPy -> Python."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Cycle):
        return {"id": value.id, "start": value.start.isoformat(), "end": value.end.isoformat()}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | bool):
        return value
    return str(value)


def to_node_link(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as node-link data (the shape of :func:`networkx.node_link_data`), JSON-safe.

    ``{"directed": true, "multigraph": false, "graph": {...}, "nodes": [{"id": ..., ...}],
    "edges": [{"source": ..., "target": ..., "relation": ...}]}``; NaN and ``None`` become
    ``null``, dates ISO text, cycles ``{id, start, end}``. Read it back with
    ``nx.node_link_graph(data, edges="edges")``.

    Examples
    --------
    >>> g = nx.DiGraph(as_of=dt.date(2026, 2, 1))
    >>> g.add_node("O1", kind="objective", score=float("nan"))
    >>> g.add_node("K1", kind="key_result", score=0.5)
    >>> g.add_edge("K1", "O1", relation="belongs_to")
    >>> data = to_node_link(g)
    >>> data["graph"], data["nodes"][0], data["edges"]
    ({'as_of': '2026-02-01'}, {'id': 'O1', 'kind': 'objective', 'score': None}, \
[{'source': 'K1', 'target': 'O1', 'relation': 'belongs_to'}])
    """
    return {
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "graph": _plain(graph.graph),
        "nodes": [{"id": _plain(n), **_plain(attrs)} for n, attrs in graph.nodes(data=True)],
        "edges": [
            {"source": _plain(u), "target": _plain(v), **_plain(attrs)}
            for u, v, attrs in graph.edges(data=True)
        ],
    }


def to_json(graph: nx.DiGraph, path: str | os.PathLike[str]) -> None:
    """Write :func:`to_node_link` as a UTF-8 JSON file (strict JSON: no NaN)."""
    text = json.dumps(to_node_link(graph), ensure_ascii=False, indent=1, allow_nan=False)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def _graphml_value(value: Any) -> Any:
    """A value GraphML can hold, or ``None`` to leave the attribute out."""
    plain = _plain(value)
    if plain is None or isinstance(plain, str | bool | int | float):
        return plain
    return json.dumps(plain, ensure_ascii=False)


def _graphml_attrs(attrs: Mapping[Any, Any]) -> dict[str, Any]:
    out = {}
    for key, value in attrs.items():
        converted = _graphml_value(value)
        if converted is not None:
            out[str(key)] = converted
    return out


def to_graphml(graph: nx.DiGraph, path: str | os.PathLike[str]) -> None:
    """Write the graph as GraphML (for Gephi, yEd, Cytoscape).

    GraphML holds no ``None`` or lists: attributes that are ``None`` or NaN are left out, dates
    are written as ISO text, and lists and mappings (the ``cycles`` graph attribute) as JSON
    text. Numbers stay numbers. ``nx.read_graphml(path)`` reads it back.
    """
    out = nx.DiGraph(**_graphml_attrs(graph.graph))
    out.add_nodes_from((str(n), _graphml_attrs(attrs)) for n, attrs in graph.nodes(data=True))
    out.add_edges_from(
        (str(u), str(v), _graphml_attrs(attrs)) for u, v, attrs in graph.edges(data=True)
    )
    nx.write_graphml(out, os.fspath(path), encoding="utf-8")

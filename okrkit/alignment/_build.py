"""Building the alignment graph from OKR sets (:func:`build_graph`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import ValidationError
from okrkit.model import OkrSet
from okrkit.scoring import Scores, ScoringConfig, score

__all__ = ["RELATIONS", "as_number", "build_graph"]

#: Edge relations, child -> parent.
RELATIONS = ("belongs_to", "aligns_to", "measures", "supports")


# --- building ----------------------------------------------------------------------------------


def build_graph(
    data: OkrSet | Iterable[OkrSet],
    scores: Scores | Mapping[str, Scores] | None = None,
    *,
    as_of: dt.date | None = None,
    config: ScoringConfig | None = None,
) -> nx.DiGraph:
    """Build the alignment graph of one or more OKR sets.

    Edges point from the child to the parent, the way contribution flows: key result ->
    objective (``belongs_to``), objective -> the objective or key result it aligns to
    (``aligns_to``), KPI -> key result (``measures``), initiative -> key result (``supports``).
    So the cascade under a company objective is ``nx.ancestors(G, "CO-1")``
    (:func:`okrkit.alignment.below`), and a top-down walk runs on the reversed view:
    ``nx.bfs_tree(G.reverse(copy=False), "CO-1")``. ``nx.descendants(G, "CO-1")`` is what CO-1
    itself contributes to (empty for a company objective).

    An ``aligns_to`` id that no given set holds becomes a node of ``kind="missing"``; one that
    names a key result of any given set links to that key result's node.

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

    A link to a key result, here of another cycle:

    >>> q3 = OkrSet(cycle="2026-Q3", objectives=[
    ...     Objective(id="O3", title="Sell", aligns_to=["K1"])])
    >>> g = build_graph([q1, q3], as_of=dt.date(2026, 7, 1))
    >>> g.edges["O3", "K1"]["relation"], g.nodes["K1"]["kind"], sorted(nx.ancestors(g, "O1"))
    ('aligns_to', 'key_result', ['K1', 'O3'])
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


def as_number(value: Any) -> float | None:
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

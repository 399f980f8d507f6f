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
  graph so the defect is visible; :func:`missing_links` reports it.

The graph attributes are ``cycles`` (cycle id -> :class:`~okrkit.Cycle`) and ``as_of`` (the date
given to :func:`build_graph`, else ``None``: each cycle scored at its default date).

Checks (:func:`graph_findings`) return :class:`GraphFinding` records with a stable code:

=======  ========  =================================================================
code     severity  finding
=======  ========  =================================================================
OKR601   error     objectives align to each other in a loop (named in order)
OKR602   error     ``aligns_to`` names an id that is in no given set, or not an objective
OKR603   warning   an objective aligns to one of another cycle
OKR604   warning   an objective below company level aligns to nothing (an orphan)
OKR605   warning   a company objective that no objective aligns to
OKR606   warning   a key result of a running cycle with no check-in for ``weeks`` weeks
=======  ========  =================================================================

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
import itertools
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import AlignmentCycleError, ValidationError
from okrkit.model import LEVELS, CheckIn, OkrSet
from okrkit.scoring import BANDS, Scores, ScoringConfig, score

__all__ = [
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

Severity = Literal["error", "warning"]
RollupMethod = Literal["weighted_mean", "weakest_link"]
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_CheckinSource = OkrSet | Iterable[OkrSet] | Iterable[CheckIn] | Mapping[str, Iterable[dt.date]]


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
        covered = set(found.objectives["id"]) | set(found.key_results["id"])
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


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _date_or_none(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    day: dt.date = pd.Timestamp(value).date()
    return day


def _add_set(graph: nx.DiGraph, okrs: OkrSet, scores: Scores) -> None:
    cycle = okrs.cycle.id
    o = scores.objectives
    o_attrs = {
        ident: (s, b, st)
        for ident, s, b, st in zip(o["id"], o["score"], o["band"], o["status"], strict=True)
    }
    k = scores.key_results
    k_attrs = {
        ident: (s, b, st, n, last)
        for ident, s, b, st, n, last in zip(
            k["id"],
            k["score"],
            k["band"],
            k["status"],
            k["checkins"],
            k["last_checkin"],
            strict=True,
        )
    }

    def add(ident: str, **attrs: Any) -> None:
        if ident in graph:
            other = graph.nodes[ident].get("cycle")
            raise ValidationError(
                f"id {ident!r} is in cycle {other} and in cycle {cycle}",
                field="id",
                fix="give each item its own id across cycles, or build one graph per cycle",
            )
        graph.add_node(ident, **attrs)

    for obj in okrs.objectives:
        s, b, st = o_attrs.get(obj.id, (None, None, None))
        add(
            obj.id,
            kind="objective",
            title=obj.title,
            owner=obj.owner,
            cycle=cycle,
            level=obj.level,
            okr_kind=obj.kind,
            weight=float(sum(kr.weight for kr in obj.key_results)) if obj.key_results else 1.0,
            key_results=len(obj.key_results),
            score=_number(s),
            band=_text_or_none(b),
            status=_text_or_none(st),
        )
        for kr in obj.key_results:
            s, b, st, n, last = k_attrs.get(kr.id, (None, None, None, 0, None))
            add(
                kr.id,
                kind="key_result",
                title=kr.title,
                owner=kr.owner or obj.owner,
                cycle=cycle,
                objective=obj.id,
                type=kr.type,
                weight=float(kr.weight),
                score=_number(s),
                band=_text_or_none(b),
                status=_text_or_none(st),
                checkins=int(n),
                last_checkin=_date_or_none(last),
            )
            graph.add_edge(kr.id, obj.id, relation="belongs_to")
    for kpi in okrs.kpis:
        add(
            kpi.id,
            kind="kpi",
            title=kpi.name,
            owner=kpi.owner,
            cycle=cycle,
            target=kpi.target,
            current=kpi.current,
            unit=kpi.unit,
            direction=kpi.direction,
            frequency=kpi.frequency,
            data_source=kpi.data_source,
            timeframe=kpi.timeframe,
        )
        graph.add_edges_from(((kpi.id, kr_id) for kr_id in kpi.measures), relation="measures")
    for ini in okrs.initiatives:
        add(
            ini.id,
            kind="initiative",
            title=ini.title,
            owner=ini.owner,
            cycle=cycle,
            state=ini.state,
            link=ini.link,
        )
        graph.add_edges_from(((ini.id, kr_id) for kr_id in ini.supports), relation="supports")


# --- small helpers on any graph ----------------------------------------------------------------


def _kind(graph: nx.DiGraph, node: Any) -> Any:
    return graph.nodes[node].get("kind")


def _objective(graph: nx.DiGraph, objective: str) -> str:
    if objective not in graph or _kind(graph, objective) != "objective":
        raise KeyError(f"{objective!r} is not an objective of the graph")
    return objective


def _objective_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Objectives and the aligns_to links between them, as a new graph."""
    kinds = graph.nodes(data="kind")
    sub = nx.DiGraph()
    sub.add_nodes_from(n for n, k in kinds if k == "objective")
    sub.add_edges_from(
        (u, v)
        for u, v, rel in graph.edges(data="relation")
        if rel == "aligns_to" and u in sub and v in sub
    )
    return sub


def _level_rank(graph: nx.DiGraph, node: Any) -> int:
    level = graph.nodes[node].get("level")
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def _loops(graph: nx.DiGraph, objectives: nx.DiGraph | None = None) -> list[list[str]]:
    """One loop per strongly connected group of objectives, starting at its smallest id.

    Each loop lists its nodes in alignment order and ends where it starts.
    """
    sub = objectives if objectives is not None else _objective_graph(graph)
    loops = []
    for group in nx.strongly_connected_components(sub):
        start = min(group, key=str)
        if len(group) == 1:
            if sub.has_edge(start, start):
                loops.append([start, start])
            continue
        inner = sub.subgraph(group)
        best: list[str] | None = None
        for nxt in sorted(inner.successors(start), key=str):
            path = nx.shortest_path(inner, nxt, start)
            if best is None or len(path) < len(best):
                best = path
        assert best is not None  # a node of a strongly connected group has a successor in it
        loops.append([start, *best])
    return sorted(loops, key=lambda loop: str(loop[0]))


def _loop_text(loop: Sequence[str]) -> str:
    return " -> ".join(map(str, loop))


def _loop_fix(graph: nx.DiGraph, loop: Sequence[str]) -> str:
    links = list(itertools.pairwise(loop))
    # The likely wrong link is the one that points furthest down the levels (a company
    # objective aligned to a team one), then the one from the highest level; among equals, the
    # one that closes the loop.
    child, parent = max(
        links,
        key=lambda link: (
            _level_rank(graph, link[1]) - _level_rank(graph, link[0]),
            -_level_rank(graph, link[0]),
            links.index(link),
        ),
    )
    return f"remove one link of the loop, e.g. {parent} from the aligns_to of {child}"


# --- checks ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphFinding:
    """One defect found in the alignment graph.

    Attributes
    ----------
    code
        Stable code, ``OKR601`` ... ``OKR606``.
    severity
        ``error`` or ``warning``.
    item
        The id the finding is about (the one to edit).
    message
        What is wrong, in one line.
    fix
        How to fix it, in one line.
    """

    code: str
    severity: Severity
    item: str
    message: str
    fix: str

    def to_dict(self) -> dict[str, str]:
        """The finding as a plain dict (for JSON)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "item": self.item,
            "message": self.message,
            "fix": self.fix,
        }

    def __str__(self) -> str:
        return f"{self.code} {self.severity} {self.item}: {self.message} ({self.fix})"


def _sorted(findings: Iterable[GraphFinding]) -> list[GraphFinding]:
    return sorted(findings, key=lambda f: (_SEVERITY_RANK.get(f.severity, 9), f.item, f.code))


def find_cycles(graph: nx.DiGraph) -> list[GraphFinding]:
    """OKR601: objectives that align to each other in a loop, one finding per loop.

    The message names the loop in alignment order from its smallest id, e.g. ``A -> B -> C -> A``
    when A aligns to B, B to C and C to A.
    """
    return [
        GraphFinding(
            "OKR601",
            "error",
            str(loop[0]),
            f"objectives align in a loop: {_loop_text(loop)}",
            _loop_fix(graph, loop),
        )
        for loop in _loops(graph)
    ]


def missing_links(graph: nx.DiGraph) -> list[GraphFinding]:
    """OKR602: an ``aligns_to`` that names an id in no given set (or an id that is no objective)."""
    out = []
    for child, parent, rel in graph.edges(data="relation"):
        if rel != "aligns_to" or _kind(graph, parent) == "objective":
            continue
        kind = _kind(graph, parent)
        if kind in (None, "missing"):
            message = f"{child} aligns to {parent}, which is in no loaded OKR set"
            fix = f"correct the id in the aligns_to of {child}, or load the set that holds {parent}"
        else:
            message = f"{child} aligns to {parent}, which is a {str(kind).replace('_', ' ')}"
            fix = f"align {child} to the objective of {parent} instead"
        out.append(GraphFinding("OKR602", "error", str(child), message, fix))
    return _sorted(out)


def _encloses(outer: Cycle | None, inner: Cycle | None) -> bool:
    return (
        outer is not None
        and inner is not None
        and outer.start <= inner.start
        and inner.end <= outer.end
    )


def cross_cycle_links(graph: nx.DiGraph, *, allow_enclosing: bool = True) -> list[GraphFinding]:
    """OKR603: an objective that aligns to an objective of another cycle.

    With ``allow_enclosing`` (the default) a link to a cycle that spans the child's whole cycle
    (a quarterly team objective under a yearly company objective) is accepted; it needs the
    graph attribute ``cycles`` to know the dates.
    """
    cycles: Mapping[str, Cycle] = graph.graph.get("cycles") or {}
    out = []
    for child, parent, rel in graph.edges(data="relation"):
        if rel != "aligns_to":
            continue
        c_child, c_parent = graph.nodes[child].get("cycle"), graph.nodes[parent].get("cycle")
        if c_child is None or c_parent is None or c_child == c_parent:
            continue
        if allow_enclosing and _encloses(cycles.get(c_parent), cycles.get(c_child)):
            continue
        out.append(
            GraphFinding(
                "OKR603",
                "warning",
                str(child),
                f"{child} (cycle {c_child}) aligns to {parent} of cycle {c_parent}",
                f"align {child} to an objective of {c_child}, or carry {parent} over to {c_child}",
            )
        )
    return _sorted(out)


def orphans(graph: nx.DiGraph) -> list[GraphFinding]:
    """OKR604: an objective below company level that aligns to nothing."""
    out = []
    for node, attrs in graph.nodes(data=True):
        level = attrs.get("level")
        if attrs.get("kind") != "objective" or level == "company":
            continue
        if any(rel == "aligns_to" for _, _, rel in graph.out_edges(node, data="relation")):
            continue
        rank = LEVELS.index(level) if level in LEVELS else len(LEVELS)
        above = LEVELS[max(rank - 1, 0)]
        out.append(
            GraphFinding(
                "OKR604",
                "warning",
                str(node),
                f"{level or 'unlevelled'} objective {node} aligns to no objective",
                f"add aligns_to with the id of the {above} objective it contributes to",
            )
        )
    return _sorted(out)


def unsupported(graph: nx.DiGraph) -> list[GraphFinding]:
    """OKR605: a company objective that no objective aligns to."""
    out = []
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") != "objective" or attrs.get("level") != "company":
            continue
        if any(
            rel == "aligns_to" and _kind(graph, child) == "objective"
            for child, _, rel in graph.in_edges(node, data="relation")
        ):
            continue
        out.append(
            GraphFinding(
                "OKR605",
                "warning",
                str(node),
                f"no objective aligns to company objective {node}",
                f"align a department or team objective to {node}, or drop it if nobody works on it",
            )
        )
    return _sorted(out)


def _checkin_dates(source: _CheckinSource) -> dict[str, list[dt.date]]:
    if isinstance(source, Mapping):
        return {str(k): [_as_date(d) for d in v] for k, v in source.items()}
    items = [source] if isinstance(source, OkrSet) else list(source)
    dates: dict[str, list[dt.date]] = {}
    for item in items:
        checkins = item.checkins if isinstance(item, OkrSet) else (item,)
        for c in checkins:
            if not isinstance(c, CheckIn):
                raise TypeError(f"{c!r} is not a CheckIn")
            dates.setdefault(c.key_result, []).append(c.date)
    return dates


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def stale_key_results(
    graph: nx.DiGraph,
    *,
    as_of: dt.date | None = None,
    weeks: int = 3,
    checkins: _CheckinSource | None = None,
) -> list[GraphFinding]:
    """OKR606: a key result of a running cycle with no check-in for more than ``weeks`` weeks.

    Parameters
    ----------
    graph
        The alignment graph; its ``cycles`` attribute gives the cycle dates.
    as_of
        The day to judge at (default: the graph's ``as_of``, else today). Only cycles running
        on that day (start <= as_of <= end) are checked.
    weeks
        A key result is stale when its latest check-in on or before ``as_of`` (or the cycle start
        when it has none) lies more than ``weeks`` × 7 days before ``as_of``.
    checkins
        Where the check-in dates come from: OKR sets, check-ins, or a mapping key result id ->
        dates. Default: each key result node's ``last_checkin`` (which counts check-ins up to
        the date the graph was scored at; pass ``checkins`` to judge at an earlier day).

    A key result already scored 1.0 needs no more check-ins and is skipped, except a guardrail,
    which must keep being watched.
    """
    as_of = as_of or graph.graph.get("as_of") or dt.date.today()
    cycles: Mapping[str, Cycle] = graph.graph.get("cycles") or {}
    dates = _checkin_dates(checkins) if checkins is not None else None
    limit = 7 * weeks
    out = []
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") != "key_result":
            continue
        cycle = cycles.get(attrs.get("cycle"))
        if cycle is None or not cycle.start <= as_of <= cycle.end:
            continue
        if (attrs.get("score") or 0.0) >= 1.0 and attrs.get("type") != "guardrail":
            continue
        if dates is not None:
            last = max((d for d in dates.get(node, ()) if d <= as_of), default=None)
        else:
            last = attrs.get("last_checkin")
            if last is not None and last > as_of:
                continue  # checked in after as_of: the graph cannot tell what came before
        since = last or cycle.start
        days = (as_of - since).days
        if days <= limit:
            continue
        when = f"last on {last}" if last else f"none since the cycle started on {cycle.start}"
        out.append(
            GraphFinding(
                "OKR606",
                "warning",
                str(node),
                f"key result {node} has had no check-in for {days} days ({when})",
                f"record a check-in on {node}: the current value, a confidence and a note",
            )
        )
    return _sorted(out)


def graph_findings(
    graph: nx.DiGraph,
    *,
    as_of: dt.date | None = None,
    stale_weeks: int = 3,
    checkins: _CheckinSource | None = None,
    allow_enclosing: bool = True,
) -> list[GraphFinding]:
    """Every alignment check (OKR601–OKR606), sorted by severity (errors first), then item.

    ``as_of``, ``stale_weeks`` and ``checkins`` go to :func:`stale_key_results`;
    ``allow_enclosing`` to :func:`cross_cycle_links`.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("A", kind="objective", level="team")
    >>> g.add_node("B", kind="objective", level="company")
    >>> g.add_edge("A", "B", relation="aligns_to")
    >>> g.add_edge("B", "A", relation="aligns_to")
    >>> [(f.code, f.item, f.message) for f in graph_findings(g)]
    [('OKR601', 'A', 'objectives align in a loop: A -> B -> A')]
    """
    return _sorted(
        [
            *find_cycles(graph),
            *missing_links(graph),
            *cross_cycle_links(graph, allow_enclosing=allow_enclosing),
            *orphans(graph),
            *unsupported(graph),
            *stale_key_results(graph, as_of=as_of, weeks=stale_weeks, checkins=checkins),
        ]
    )


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
    nodes = dict(graph.nodes(data=True))  # plain dicts: this loop must stay fast
    objectives = [n for n, attrs in nodes.items() if attrs.get("kind") == "objective"]
    is_objective = set(objectives)
    parents: dict[Any, list[Any]] = {}
    waiting = dict.fromkeys(objectives, 0)  # aligned children not rolled up yet
    for node, links in graph.adjacency():
        if node in is_objective:
            ups = [
                v
                for v, attrs in links.items()
                if v in is_objective and attrs.get("relation") == "aligns_to"
            ]
            parents[node] = ups
            for v in ups:
                waiting[v] += 1
    weakest = method == "weakest_link"
    total = dict.fromkeys(objectives, 0.0)  # sum of weight × rolled score of scored children
    mass = dict.fromkeys(objectives, 0.0)  # sum of their weights
    count = dict.fromkeys(objectives, 0)
    low = dict.fromkeys(objectives, math.inf)
    high = dict.fromkeys(objectives, -math.inf)
    out: dict[str, float] = {}
    # Kahn's topological order: an objective is ready once all its children are done.
    order = [n for n in objectives if waiting[n] == 0]
    for node in order:  # the list grows while it is walked
        own = _number(nodes[node].get("score"))
        if count[node]:
            # Clamped to the children's range: the mean cannot leave it, rounding could.
            agg = (
                low[node] if weakest else min(max(total[node] / mass[node], low[node]), high[node])
            )
            if own is None:
                value = agg
            else:
                blend = (1.0 - weight) * own + weight * agg
                value = min(max(blend, min(own, agg)), max(own, agg))
        else:
            value = math.nan if own is None else own
        out[node] = value
        w = _number(nodes[node].get("weight"))
        w = 1.0 if w is None else w
        # A child without a score, or without weight in a weighted mean, does not count.
        counts = not math.isnan(value) and (weakest or w > 0.0)
        for parent in parents[node]:
            if counts:
                total[parent] += w * value
                mass[parent] += w
                count[parent] += 1
                low[parent] = min(low[parent], value)
                high[parent] = max(high[parent], value)
            waiting[parent] -= 1
            if waiting[parent] == 0:
                order.append(parent)
    if len(order) < len(objectives):
        loop = _loops(graph)[0]
        raise AlignmentCycleError(
            f"objectives align in a loop: {_loop_text(loop)} ({_loop_fix(graph, loop)})"
        )
    return {node: out[node] for node in objectives}


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

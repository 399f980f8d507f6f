"""The checks of the alignment graph (OKR601–OKR606): loops, missing links, orphans, stale work.

Each check takes an alignment graph (:func:`okrkit.alignment.build_graph`, or any
:class:`networkx.DiGraph` with the same ``kind``, ``level``, ``cycle`` and ``relation``
attributes), leaves it unchanged and returns :class:`GraphFinding` records with a stable code;
:func:`graph_findings` runs them all:

======  ========  =================  ==============================================================
code    severity  function           finding
======  ========  =================  ==============================================================
OKR601  error     find_cycles        objectives align to each other in a loop (named in order)
OKR602  error     missing_links      ``aligns_to`` names an id in no given set, or not an objective
OKR603  warning   cross_cycle_links  an objective aligns to one of another cycle
OKR604  warning   orphans            an objective below company level aligns to nothing (an orphan)
OKR605  warning   unsupported        a company objective that no objective aligns to
OKR606  warning   stale_key_results  a key result of a running cycle with no check-in for ``weeks``
                                     weeks
======  ========  =================  ==============================================================

:mod:`okrkit.alignment` re-exports every name of this module, so
``from okrkit.alignment import graph_findings`` keeps working. The quality rules of one OKR set
are in :mod:`okrkit.rules`; :func:`okrkit.checks.check_sets` runs both.

Examples
--------
>>> from okrkit import Objective, OkrSet
>>> from okrkit.alignment import build_graph
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[
...     Objective(id="CO-1", title="Delight customers", level="company"),
...     Objective(id="MK-1", title="Raise brand awareness", level="department",
...         aligns_to=["CO-9"]),
... ])
>>> for finding in graph_findings(build_graph(okrs)):
...     print(finding.code, finding.item, finding.message)
OKR602 MK-1 MK-1 aligns to CO-9, which is in no loaded OKR set
OKR605 CO-1 no objective aligns to company objective CO-1
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from okrkit.cycles import Cycle
from okrkit.model import LEVELS, CheckIn, OkrSet

__all__ = [
    "GraphFinding",
    "cross_cycle_links",
    "find_cycles",
    "graph_findings",
    "missing_links",
    "orphans",
    "stale_key_results",
    "unsupported",
]

Severity = Literal["error", "warning"]
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_CheckinSource = OkrSet | Iterable[OkrSet] | Iterable[CheckIn] | Mapping[str, Iterable[dt.date]]


# --- small helpers on any graph ----------------------------------------------------------------


def _kind(graph: nx.DiGraph, node: Any) -> Any:
    return graph.nodes[node].get("kind")


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

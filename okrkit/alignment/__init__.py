"""The alignment graph: objectives, key results, KPIs and initiatives as a NetworkX ``DiGraph``.

:func:`build_graph` turns one or more OKR sets (one per cycle, or several files of one cycle)
into a plain :class:`networkx.DiGraph`, so an analyst can hand it to any NetworkX algorithm. Edges
point the way contribution flows, **from the child to the parent** (bottom-up):

================  =======================  ==================================================
edge              ``relation``             meaning
================  =======================  ==================================================
KR -> objective   ``belongs_to``           the key result measures that objective
objective -> obj  ``aligns_to``            the child objective contributes to the parent
objective -> KR   ``aligns_to``            the child objective contributes to that key result
                                           (and so, through it, to the key result's objective)
KPI -> KR         ``measures``             the KPI tracks the key result's progress
initiative -> KR  ``supports``             the work that should move the key result
================  =======================  ==================================================

So everything under a company objective is ``nx.ancestors(G, "CO-1")`` (or :func:`below`), and
everything a team objective contributes to is ``nx.descendants(G, "T-1")`` (or :func:`above`).
To walk top-down with any NetworkX function, reverse the view:
``nx.bfs_tree(G.reverse(copy=False), "CO-1")``.

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
(those aligned to it or to one of its key results) in one pass in topological order, as a
:class:`pandas.Series`; :func:`rollup_frame` gives the same as a table with the own score and the
number of children. See their docstrings and ``docs/alignment.md``.

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
>>> print(round(rollup(g)["CO-1"], 6))  # 0.5 × 0.6 own + 0.5 × 1.0 from MK-1
0.8
>>> sorted(contributors(g, "CO-1"))
['K1', 'K2', 'MK-1']
>>> import networkx as nx
>>> sorted(below(g, "CO-1")) == sorted(nx.ancestors(g, "CO-1"))
True
>>> graph_findings(g)
[]

An objective may align to a key result (``aligns_to`` takes either kind of id); it then counts
under that key result's objective:

>>> okrs = OkrSet(cycle="2026-Q1", objectives=[
...     Objective(id="CO-1", title="Delight customers", level="company", key_results=[
...         KeyResult(id="CO-1-KR1", title="NPS from 0 to 10", start=0, target=10, current=6),
...         KeyResult(id="CO-1-KR2", title="Launch version 2.0", type="milestone", done=True)]),
...     Objective(id="PR-1", title="Build a fast website", level="department",
...         aligns_to=["CO-1-KR2"], key_results=[
...         KeyResult(id="PR-1-KR1", title="Pages load in 1 s", type="milestone", done=True)]),
... ])
>>> g = build_graph(okrs)
>>> g.edges["PR-1", "CO-1-KR2"]["relation"]
'aligns_to'
>>> sorted(below(g, "CO-1"))
['CO-1-KR1', 'CO-1-KR2', 'PR-1', 'PR-1-KR1']
>>> print(round(rollup(g)["CO-1"], 6))  # 0.5 × 0.8 own + 0.5 × 1.0 from PR-1, through CO-1-KR2
0.9
"""

from __future__ import annotations

from okrkit.alignment._build import RELATIONS, build_graph
from okrkit.alignment._export import to_graphml, to_json, to_node_link
from okrkit.alignment._queries import (
    RollupMethod,
    above,
    below,
    contributors,
    path_to_company,
    rollup,
    rollup_frame,
    summary_by_level,
    summary_by_owner,
    teams_involved,
)
from okrkit.graph_checks import (
    GRAPH_MESSAGES,
    GraphFinding,
    cross_cycle_links,
    find_cycles,
    graph_findings,
    missing_links,
    orphans,
    stale_key_results,
    unsupported,
)

__all__ = [
    "GRAPH_MESSAGES",
    "RELATIONS",
    "GraphFinding",
    "RollupMethod",
    "above",
    "below",
    "build_graph",
    "contributors",
    "cross_cycle_links",
    "find_cycles",
    "graph_findings",
    "missing_links",
    "orphans",
    "path_to_company",
    "rollup",
    "rollup_frame",
    "stale_key_results",
    "summary_by_level",
    "summary_by_owner",
    "teams_involved",
    "to_graphml",
    "to_json",
    "to_node_link",
    "unsupported",
]

"""What the alignment checks and the roll-up read of a graph: objectives, links, loops.

:class:`GraphRead` reads a graph's plain dicts once for every check; :func:`read_objectives` and
:func:`waves` are the reading and the topological waves the roll-up shares with the loop check.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from okrkit.model import LEVELS

__all__ = [
    "GraphRead",
    "level_rank",
    "loop_link",
    "loop_text",
    "loops",
    "objective_graph",
    "positions",
    "read_objectives",
    "waves",
]


@dataclass(frozen=True, slots=True)
class GraphRead:
    """What the checks need of a graph, read once from its plain dicts.

    ``nodes`` is the graph's node mapping; ``objectives`` and ``key_results`` hold the nodes of
    those kinds with their attribute dicts, ``levels`` and ``cycles`` the objectives' levels and
    cycles, and ``aligns`` every ``aligns_to`` link as (child, parent) in graph order, with
    ``child`` and ``parent`` their positions in ``objectives`` (-1 for another kind). A link to a
    key result has the position of the key result's objective as ``parent``: the child
    contributes to that objective through the key result. At 100 000
    objectives the time goes to touching 600 000 attribute dicts, so each is read once, here,
    and :func:`graph_findings` hands the result to every check.
    """

    nodes: Mapping[Any, dict[str, Any]]
    objectives: list[Any]
    levels: np.ndarray[Any, Any]
    cycles: np.ndarray[Any, Any]
    key_results: list[tuple[Any, dict[str, Any]]]
    aligns: list[tuple[Any, Any]]
    child: np.ndarray[Any, Any]
    parent: np.ndarray[Any, Any]

    @classmethod
    def of(cls, graph: nx.DiGraph) -> GraphRead:
        # Lists of what is there, few new tuples: at this size each new container object
        # brings the garbage collector closer to a full pass over the whole heap.
        items = graph.nodes(data=True)
        nodes = list(graph)
        attrs = [a for _, a in items]
        kinds = [a.get("kind") for a in attrs]
        objective = [kind == "objective" for kind in kinds]
        key_result = [kind == "key_result" for kind in kinds]
        ids = list(itertools.compress(nodes, objective))
        o_attrs = list(itertools.compress(attrs, objective))
        key_results = list(
            zip(
                itertools.compress(nodes, key_result),
                itertools.compress(attrs, key_result),
                strict=True,
            )
        )
        aligns = [
            (u, v)
            for u, links in graph.adjacency()
            for v, a in links.items()
            if a.get("relation") == "aligns_to"
        ]
        child, parent = positions(ids, aligns, graph.nodes)
        levels = np.array([a.get("level") for a in o_attrs], dtype=object)
        cycles = np.array([a.get("cycle") for a in o_attrs], dtype=object)
        return cls(graph.nodes, ids, levels, cycles, key_results, aligns, child, parent)

    def objective_links(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The aligns_to links between objectives, as positions in ``objectives``."""
        keep = (self.child >= 0) & (self.parent >= 0)
        return self.child[keep], self.parent[keep]


def positions(
    objectives: list[Any],
    aligns: list[tuple[Any, Any]],
    nodes: Mapping[Any, Mapping[str, Any]] | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each link's child and parent as positions in ``objectives``, -1 for another node.

    With the graph's ``nodes``, a parent that is a key result (``kind="key_result"``) takes the
    position of its ``objective``.
    """
    position = {n: i for i, n in enumerate(objectives)}
    child = np.array([position.get(u, -1) for u, _ in aligns], dtype=np.int64)
    parent = np.array([position.get(v, -1) for _, v in aligns], dtype=np.int64)
    if nodes is not None:
        for at in np.flatnonzero(parent < 0).tolist():
            attrs = nodes.get(aligns[at][1]) or {}
            if attrs.get("kind") == "key_result":
                parent[at] = position.get(attrs.get("objective"), -1)
    return child, parent


def read_objectives(
    graph: nx.DiGraph,
) -> tuple[list[Any], list[dict[str, Any]], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The objectives, their attribute dicts and the aligns_to links between them (positions).

    Reads only the objectives' attributes and links, which is all the roll-up needs. A link to a
    key result is a link to its objective; an objective linked to a parent both directly and
    through its key results is linked once.
    """
    nodes = [(n, a) for n, a in graph.nodes(data=True) if a.get("kind") == "objective"]
    objectives = [n for n, _ in nodes]
    succ = graph.succ
    aligns = [
        (u, v) for u in objectives for v, a in succ[u].items() if a.get("relation") == "aligns_to"
    ]
    child, parent = positions(objectives, aligns, graph.nodes)
    keep = parent >= 0
    child, parent = child[keep], parent[keep]
    if child.size:
        pairs = np.unique(np.stack([child, parent], axis=1), axis=0)
        if len(pairs) < child.size:
            child, parent = pairs[:, 0].copy(), pairs[:, 1].copy()
    return objectives, [a for _, a in nodes], child, parent


def waves(
    child: np.ndarray[Any, Any], parent: np.ndarray[Any, Any], size: int
) -> Iterator[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """Kahn's algorithm a wave at a time over the links ``child[i] -> parent[i]`` of ``size`` nodes.

    Yields each wave's nodes (those whose children are all in earlier waves), children first,
    with the positions of the links leaving them. Nodes on a loop, or aligned to one, never come.
    One step per level of depth, each a few NumPy calls on that wave only: linear in nodes plus
    links.
    """
    order = np.argsort(child, kind="stable")  # the links grouped by child
    out_degree = np.bincount(child, minlength=size)
    starts = np.concatenate(([0], np.cumsum(out_degree)))
    waiting = np.bincount(parent, minlength=size)  # children not in a wave yet
    wave = np.flatnonzero(waiting == 0)
    while wave.size:
        lengths = out_degree[wave]
        ends = np.cumsum(lengths)
        leaving = order[np.repeat(starts[wave] - ends + lengths, lengths) + np.arange(ends[-1])]
        yield wave, leaving
        ups = parent[leaving]
        np.subtract.at(waiting, ups, 1)
        ups = np.unique(ups)
        wave = ups[waiting[ups] == 0]


def objective_graph(read: GraphRead) -> nx.DiGraph:
    """Objectives that may be on a loop and the aligns_to links between them, as a new graph.

    What is left after peeling off, wave by wave, the objectives that cannot be on a loop (Kahn's
    algorithm) holds every loop, plus objectives aligned to one; empty means no loop. A link
    through a key result has the key result as edge attribute ``via`` (``None`` for a direct
    link, which wins when both are there).
    """
    objectives = read.objectives
    keep_links = (read.child >= 0) & (read.parent >= 0)
    at = np.flatnonzero(keep_links)
    child, parent = read.child[at], read.parent[at]
    left = np.ones(len(objectives), dtype=bool)
    for wave, _ in waves(child, parent, len(objectives)):
        left[wave] = False
    keep = left[child] & left[parent]
    sub = nx.DiGraph()
    sub.add_nodes_from(objectives[i] for i in np.flatnonzero(left).tolist())
    edges = [
        (objectives[u], objectives[v], read.aligns[i][1])
        for u, v, i in zip(
            child[keep].tolist(), parent[keep].tolist(), at[keep].tolist(), strict=True
        )
    ]
    # Links through a key result first, so that a direct link between the same two overwrites.
    sub.add_edges_from((u, v, {"via": k}) for u, v, k in edges if k != v)
    sub.add_edges_from((u, v, {"via": None}) for u, v, k in edges if k == v)
    return sub


def level_rank(graph: nx.DiGraph, node: Any) -> int:
    """The rank of a node's level, company first; a key result has its objective's level."""
    attrs = graph.nodes[node]
    if attrs.get("kind") == "key_result" and attrs.get("objective") in graph:
        attrs = graph.nodes[attrs["objective"]]
    level = attrs.get("level")
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def loops(read: GraphRead) -> list[list[str]]:
    """One loop per strongly connected group of objectives, starting at its smallest id.

    Each loop lists its nodes in alignment order and ends where it starts. A link through a key
    result lists the key result between the two objectives (``O1 -> K2 -> O2``: O1 aligns to
    K2, a key result of O2).
    """
    sub = objective_graph(read)
    loops = []
    for group in nx.strongly_connected_components(sub):
        start = min(group, key=str)
        if len(group) == 1:
            if sub.has_edge(start, start):
                loops.append(_through_key_results(sub, [start, start]))
            continue
        inner = sub.subgraph(group)
        best: list[str] | None = None
        for nxt in sorted(inner.successors(start), key=str):
            path = nx.shortest_path(inner, nxt, start)
            if best is None or len(path) < len(best):
                best = path
        assert best is not None  # a node of a strongly connected group has a successor in it
        loops.append(_through_key_results(sub, [start, *best]))
    return sorted(loops, key=lambda loop: str(loop[0]))


def _through_key_results(sub: nx.DiGraph, loop: list[str]) -> list[str]:
    out = [loop[0]]
    for u, v in itertools.pairwise(loop):
        via = sub.edges[u, v].get("via")
        out.extend([via, v] if via is not None else [v])
    return out


def loop_text(loop: Sequence[str]) -> str:
    return " -> ".join(map(str, loop))


def loop_link(graph: nx.DiGraph, loop: Sequence[str]) -> tuple[str, str]:
    """The link of the loop to cut, as (child, parent): a link some ``aligns_to`` holds."""
    nodes = graph.nodes
    links = [
        link
        for link in itertools.pairwise(loop)
        if link[0] not in nodes or nodes[link[0]].get("kind") != "key_result"
    ]
    # The likely wrong link is the one that points furthest down the levels (a company
    # objective aligned to a team one), then the one from the highest level; among equals, the
    # one that closes the loop.
    child, parent = max(
        links,
        key=lambda link: (
            level_rank(graph, link[1]) - level_rank(graph, link[0]),
            -level_rank(graph, link[0]),
            links.index(link),
        ),
    )
    return child, parent

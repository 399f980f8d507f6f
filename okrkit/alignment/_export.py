"""The alignment graph as plain data: node-link JSON and GraphML."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from okrkit.cycles import Cycle

__all__ = ["to_graphml", "to_json", "to_node_link"]


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

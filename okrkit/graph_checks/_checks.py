"""The six checks of the alignment graph, one by one and all at once (:func:`graph_findings`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np

from okrkit.cycles import Cycle
from okrkit.findings import Finding
from okrkit.graph_checks._messages import by_severity, finding, word
from okrkit.graph_checks._read import GraphRead, loop_link, loop_text, loops
from okrkit.lifecycle import kr_finished
from okrkit.model import LEVELS, CheckIn, OkrSet
from okrkit.text import resolve_lang

__all__ = [
    "CheckinSource",
    "cross_cycle_links",
    "find_cycles",
    "graph_findings",
    "missing_links",
    "orphans",
    "stale_key_results",
    "unsupported",
]

#: Where :func:`stale_key_results` takes check-in dates from.
CheckinSource = OkrSet | Iterable[OkrSet] | Iterable[CheckIn] | Mapping[str, Iterable[dt.date]]


def find_cycles(graph: nx.DiGraph, *, lang: str | None = None) -> list[Finding]:
    """OKR601: objectives that align to each other in a loop, one finding per loop.

    The message names the loop in alignment order from its smallest id, e.g. ``A -> B -> C -> A``
    when A aligns to B, B to C and C to A. A link to a key result goes on through its objective
    and the loop names the key result: ``A -> K2 -> B -> A`` when A aligns to K2, a key result
    of B, and B aligns to A. ``lang`` (``"en"`` or ``"sv"``) picks the language of
    the message, as for every check here; default ``$OKRKIT_LANG``, else English.
    """
    return _find_cycles(graph, GraphRead.of(graph), resolve_lang(lang))


def _find_cycles(graph: nx.DiGraph, read: GraphRead, lang: str) -> list[Finding]:
    out = []
    for loop in loops(read):
        child, parent = loop_link(graph, loop)
        out.append(
            finding(
                read.nodes,
                "OKR601",
                "error",
                loop[0],
                lang,
                loop=loop_text(loop),
                child=child,
                parent=parent,
            )
        )
    return out


def missing_links(graph: nx.DiGraph, *, lang: str | None = None) -> list[Finding]:
    """OKR602: an ``aligns_to`` that names an id in no given set, or a KPI or an initiative.

    A link names an objective or a key result; a link to a KPI or an initiative is an error, one
    to an id in no given set a warning (its set may be loaded later).
    """
    return by_severity(_missing_links(GraphRead.of(graph), resolve_lang(lang)))


def _missing_links(read: GraphRead, lang: str) -> list[Finding]:
    nodes = read.nodes
    out = []
    for at in np.flatnonzero(read.parent < 0).tolist():
        child, parent = read.aligns[at]
        kind = nodes[parent].get("kind")
        if kind == "key_result":
            continue  # a key result is a parent as good as an objective
        if kind in (None, "missing"):
            # The parent's set may be imported or loaded later: what an import says too.
            out.append(finding(read.nodes, "OKR602", "warning", child, lang, parent=parent))
        else:
            shown = str(kind).replace("_", " ")
            name = word("OKR602", lang, "kind", kind, shown)
            out.append(
                finding(
                    read.nodes, "OKR602", "error", child, lang, "kind", parent=parent, kind=name
                )
            )
    return out


def _encloses(outer: Cycle | None, inner: Cycle | None) -> bool:
    return (
        outer is not None
        and inner is not None
        and outer.start <= inner.start
        and inner.end <= outer.end
    )


def cross_cycle_links(
    graph: nx.DiGraph, *, allow_enclosing: bool = True, lang: str | None = None
) -> list[Finding]:
    """OKR603: an objective that aligns to an objective or key result of another cycle.

    With ``allow_enclosing`` (the default) a link to a cycle that spans the child's whole cycle
    (a quarterly team objective under a yearly company objective) is accepted; it needs the
    graph attribute ``cycles`` to know the dates.
    """
    return by_severity(
        _cross_cycle_links(graph, GraphRead.of(graph), allow_enclosing, resolve_lang(lang))
    )


def _cross_cycle_links(
    graph: nx.DiGraph, read: GraphRead, allow_enclosing: bool, lang: str
) -> list[Finding]:
    cycles: Mapping[str, Cycle] = graph.graph.get("cycles") or {}
    nodes = read.nodes
    child, parent = read.child, read.parent
    both = (child >= 0) & (parent >= 0)
    # Links between objectives of one cycle (nearly all of them) are settled as columns.
    same = np.zeros(len(child), dtype=bool)
    same[both] = read.cycles[child[both]] == read.cycles[parent[both]]
    out = []
    for at in np.flatnonzero(~same).tolist():
        u, v = read.aligns[at]
        c_child, c_parent = nodes[u].get("cycle"), nodes[v].get("cycle")
        if c_child is None or c_parent is None or c_child == c_parent:
            continue
        if allow_enclosing and _encloses(cycles.get(c_parent), cycles.get(c_child)):
            continue
        out.append(
            finding(
                read.nodes,
                "OKR603",
                "warning",
                u,
                lang,
                parent=v,
                cycle=c_child,
                parent_cycle=c_parent,
            )
        )
    return out


def orphans(graph: nx.DiGraph, *, lang: str | None = None) -> list[Finding]:
    """OKR604: an objective below company level that aligns to nothing."""
    return by_severity(_orphans(GraphRead.of(graph), resolve_lang(lang)))


def _orphans(read: GraphRead, lang: str) -> list[Finding]:
    aligned = np.zeros(len(read.objectives), dtype=bool)
    aligned[read.child[read.child >= 0]] = True  # aligns to something, objective or not
    out = []
    for at in np.flatnonzero(~aligned & (read.levels != "company")).tolist():
        level = read.levels[at]
        rank = LEVELS.index(level) if level in LEVELS else len(LEVELS)
        above = LEVELS[max(rank - 1, 0)]
        out.append(
            finding(
                read.nodes,
                "OKR604",
                "warning",
                read.objectives[at],
                lang,
                level=word("OKR604", lang, "level", level or "none", level),
                above=word("OKR604", lang, "above", above),
            )
        )
    return out


def unsupported(graph: nx.DiGraph, *, lang: str | None = None) -> list[Finding]:
    """OKR605: a company objective that no objective aligns to."""
    return by_severity(_unsupported(GraphRead.of(graph), resolve_lang(lang)))


def _unsupported(read: GraphRead, lang: str) -> list[Finding]:
    _, parent = read.objective_links()
    supported = np.zeros(len(read.objectives), dtype=bool)
    supported[parent] = True
    return [
        finding(read.nodes, "OKR605", "warning", read.objectives[at], lang)
        for at in np.flatnonzero(~supported & (read.levels == "company")).tolist()
    ]


def _checkin_dates(source: CheckinSource) -> dict[str, list[dt.date]]:
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
    checkins: CheckinSource | None = None,
    lang: str | None = None,
) -> list[Finding]:
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
    read = GraphRead.of(graph)
    return by_severity(_stale_key_results(graph, read, resolve_lang(lang), as_of, weeks, checkins))


def _stale_key_results(
    graph: nx.DiGraph,
    read: GraphRead,
    lang: str,
    as_of: dt.date | None,
    weeks: int,
    checkins: CheckinSource | None,
) -> list[Finding]:
    as_of = as_of or graph.graph.get("as_of") or dt.date.today()
    cycles: Mapping[str, Cycle] = graph.graph.get("cycles") or {}
    dates = _checkin_dates(checkins) if checkins is not None else None
    limit = 7 * weeks
    try:
        cutoff = as_of - dt.timedelta(days=limit)  # stale: the last check-in is before it
    except OverflowError:
        cutoff = dt.date.min if limit > 0 else dt.date.max
    running: dict[Any, Cycle] = {i: c for i, c in cycles.items() if c.start <= as_of <= c.end}
    out: list[Finding] = []
    if not running:
        return out
    for node, attrs in read.key_results:
        cycle = running.get(attrs.get("cycle"))
        if cycle is None:
            continue
        if kr_finished(attrs.get("score"), str(attrs.get("type"))):
            continue  # finished needs no more check-ins; a guardrail is watched to the end
        if dates is not None:
            last = max((d for d in dates.get(node, ()) if d <= as_of), default=None)
        else:
            last = attrs.get("last_checkin")
            if last is not None and last > as_of:
                continue  # checked in after as_of: the graph cannot tell what came before
        since = last or cycle.start
        if since >= cutoff:  # within the limit; a date comparison is cheaper than a subtraction
            continue
        days = (as_of - since).days
        case = None if last else "never"
        out.append(
            finding(
                read.nodes,
                "OKR606",
                "warning",
                node,
                lang,
                case,
                days=days,
                last=last,
                start=cycle.start,
            )
        )
    return out


def graph_findings(
    graph: nx.DiGraph,
    *,
    as_of: dt.date | None = None,
    stale_weeks: int = 3,
    checkins: CheckinSource | None = None,
    allow_enclosing: bool = True,
    lang: str | None = None,
) -> list[Finding]:
    """Every alignment check (OKR601–OKR606), sorted by severity (errors first), then item.

    ``as_of``, ``stale_weeks`` and ``checkins`` go to :func:`stale_key_results`;
    ``allow_enclosing`` to :func:`cross_cycle_links`. ``lang`` (``"en"`` or ``"sv"``) picks the
    language of the messages and fixes: default ``$OKRKIT_LANG``, else English; an unsupported
    ``lang`` raises ``ValueError``.

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("A", kind="objective", level="team")
    >>> g.add_node("B", kind="objective", level="company")
    >>> g.add_edge("A", "B", relation="aligns_to")
    >>> g.add_edge("B", "A", relation="aligns_to")
    >>> [(f.code, f.item, f.message) for f in graph_findings(g)]
    [('OKR601', 'A', 'objectives align in a loop: A -> B -> A')]
    >>> [(f.message, f.fix) for f in graph_findings(g, lang="sv")]
    [('målen bidrar till varandra i en loop: A -> B -> A', \
'ta bort en av kopplingarna i loopen, t.ex. A ur aligns_to för B')]
    """
    language = resolve_lang(lang)
    read = GraphRead.of(graph)  # one pass over the graph for every check
    return by_severity(
        [
            *_find_cycles(graph, read, language),
            *_missing_links(read, language),
            *_cross_cycle_links(graph, read, allow_enclosing, language),
            *_orphans(read, language),
            *_unsupported(read, language),
            *_stale_key_results(graph, read, language, as_of, stale_weeks, checkins),
        ]
    )

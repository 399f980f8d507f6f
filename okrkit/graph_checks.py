"""The checks of the alignment graph (OKR601–OKR606): loops, missing links, orphans, stale work.

Each check takes an alignment graph (:func:`okrkit.alignment.build_graph`, or any
:class:`networkx.DiGraph` with the same ``kind``, ``level``, ``cycle`` and ``relation``
attributes), leaves it unchanged and returns :class:`GraphFinding` records with a stable code;
:func:`graph_findings` runs them all:

======  ========  =================  ==============================================================
code    severity  function           finding
======  ========  =================  ==============================================================
OKR601  error     find_cycles        objectives align to each other in a loop (named in order)
OKR602  warning   missing_links      ``aligns_to`` names an id in no given set (its set may come
                                     later); an error when it names something else than an objective
OKR603  warning   cross_cycle_links  an objective aligns to one of another cycle
OKR604  warning   orphans            an objective below company level aligns to nothing (an orphan)
OKR605  warning   unsupported        a company objective that no objective aligns to
OKR606  warning   stale_key_results  a key result of a running cycle with no check-in for ``weeks``
                                     weeks
======  ========  =================  ==============================================================

Messages and fixes are in English or Swedish: each check takes ``lang`` (``"en"`` or ``"sv"``),
else the ``OKRKIT_LANG`` environment variable decides, else English, as for the quality rules
(:func:`okrkit.checks.resolve_lang`). The templates are in :data:`GRAPH_MESSAGES`.

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
OKR605 CO-1 no objective aligns to company objective CO-1
OKR602 MK-1 MK-1 aligns to CO-9, which is in no loaded OKR set
>>> for finding in graph_findings(build_graph(okrs), lang="sv"):
...     print(finding.code, finding.item, finding.message)
OKR605 CO-1 företagsmålet CO-1 stöds inte av något mål
OKR602 MK-1 MK-1 pekar på CO-9, som inte finns i någon inläst OKR-uppsättning
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from okrkit.cycles import Cycle
from okrkit.model import LEVELS, CheckIn, OkrSet

__all__ = [
    "GRAPH_MESSAGES",
    "GraphFinding",
    "cross_cycle_links",
    "find_cycles",
    "graph_findings",
    "missing_link_note",
    "missing_links",
    "orphans",
    "stale_key_results",
    "unsupported",
]

Severity = Literal["error", "warning"]
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_CheckinSource = OkrSet | Iterable[OkrSet] | Iterable[CheckIn] | Mapping[str, Iterable[dt.date]]

#: Message and fix templates of the checks: code -> language -> key -> template.
#:
#: Every language has the same keys: ``message`` and ``fix``; ``message:<case>`` and
#: ``fix:<case>`` for a case of the check (a case without its own fix takes ``fix``); and the
#: words a template takes, ``<word>:<value>`` (a node kind, a level) with ``<word>`` as the
#: template for a value that has none. Templates use ``{name}`` fields; ``{item}`` is the id the
#: finding is about. ``OKR602``'s ``note:partial`` is the note
#: :func:`okrkit.checks.check_sets` adds to a missing link when only some files are checked.
GRAPH_MESSAGES: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "OKR601": {
        "en": {
            "message": "objectives align in a loop: {loop}",
            "fix": "remove one link of the loop, e.g. {parent} from the aligns_to of {child}",
        },
        "sv": {
            "message": "målen bidrar till varandra i en loop: {loop}",
            "fix": "ta bort en av kopplingarna i loopen, t.ex. {parent} ur aligns_to för {child}",
        },
    },
    "OKR602": {
        "en": {
            "message": "{item} aligns to {parent}, which is in no loaded OKR set",
            "fix": "correct the id in the aligns_to of {item}, or load the set that holds {parent}",
            "message:kind": "{item} aligns to {parent}, which is a {kind}",
            "fix:kind": "align {item} to the objective of {parent} instead",
            "note:partial": "not in the files checked; fine when it lives in another file",
            "kind": "{kind}",
            "kind:key_result": "key result",
            "kind:kpi": "kpi",
            "kind:initiative": "initiative",
        },
        "sv": {
            "message": "{item} pekar på {parent}, som inte finns i någon inläst OKR-uppsättning",
            "fix": "rätta id:t i aligns_to för {item}, eller läs in uppsättningen som innehåller "
            "{parent}",
            "message:kind": "{item} pekar på {parent}, som är {kind} och inte ett mål",
            "fix:kind": "låt {item} peka på målet som {parent} hör till i stället",
            "note:partial": "finns inte i de kontrollerade filerna; det går bra om det ligger i "
            "en annan fil",
            "kind": "av typen {kind}",
            "kind:key_result": "ett nyckelresultat",
            "kind:kpi": "ett nyckeltal",
            "kind:initiative": "ett initiativ",
        },
    },
    "OKR603": {
        "en": {
            "message": "{item} (cycle {cycle}) aligns to {parent} of cycle {parent_cycle}",
            "fix": "align {item} to an objective of {cycle}, or carry {parent} over to {cycle}",
        },
        "sv": {
            "message": "{item} (period {cycle}) pekar på {parent} i period {parent_cycle}",
            "fix": "låt {item} peka på ett mål i {cycle}, eller för över {parent} till {cycle}",
        },
    },
    "OKR604": {
        "en": {
            "message": "{level} objective {item} aligns to no objective",
            "fix": "add aligns_to with the id of the {above} objective it contributes to",
            "level": "{level}",
            "level:none": "unlevelled",
            "level:company": "company",
            "level:department": "department",
            "level:team": "team",
            "level:individual": "individual",
            "above": "{above}",
            "above:company": "company",
            "above:department": "department",
            "above:team": "team",
            "above:individual": "individual",
        },
        "sv": {
            "message": "{item} är {level} som inte pekar på något mål",
            "fix": "lägg till aligns_to med id:t för det {above} som målet bidrar till",
            "level": "ett mål på nivån {level}",
            "level:none": "ett mål utan nivå",
            "level:company": "ett företagsmål",
            "level:department": "ett avdelningsmål",
            "level:team": "ett teammål",
            "level:individual": "ett individuellt mål",
            "above": "mål på nivån {above}",
            "above:company": "företagsmål",
            "above:department": "avdelningsmål",
            "above:team": "teammål",
            "above:individual": "individuella mål",
        },
    },
    "OKR605": {
        "en": {
            "message": "no objective aligns to company objective {item}",
            "fix": "align a department or team objective to {item}, or drop it if nobody works "
            "on it",
        },
        "sv": {
            "message": "företagsmålet {item} stöds inte av något mål",
            "fix": "låt ett avdelnings- eller teammål peka på {item}, eller stryk det om ingen "
            "arbetar med det",
        },
    },
    "OKR606": {
        "en": {
            "message": "key result {item} has had no check-in for {days} days (last on {last})",
            "message:never": "key result {item} has had no check-in for {days} days "
            "(none since the cycle started on {start})",
            "fix": "record a check-in on {item}: the current value, a confidence and a note",
        },
        "sv": {
            "message": "nyckelresultatet {item} har inte stämts av på {days} dagar (senast {last})",
            "message:never": "nyckelresultatet {item} har inte stämts av på {days} dagar "
            "(ingen avstämning sedan perioden började {start})",
            "fix": "gör en avstämning av {item}: aktuellt värde, tilltro och en anteckning",
        },
    },
}


# --- messages ----------------------------------------------------------------------------------


def _language(lang: str | None) -> str:
    """``lang``, else ``$OKRKIT_LANG``, else English, as :func:`okrkit.checks.resolve_lang`."""
    # Imported here: okrkit.checks loads the quality rules and imports the alignment lazily.
    from okrkit.checks import resolve_lang

    return resolve_lang(lang)


def _word(code: str, lang: str, word: str, value: Any, shown: Any = None) -> str:
    """The text of ``value`` for the field ``word`` of ``code``'s templates in ``lang``.

    ``<word>:<value>`` when the templates have it, else the ``<word>`` template filled with
    ``shown`` (default ``value``).
    """
    texts = GRAPH_MESSAGES[code][lang]
    key = f"{word}:{value}"
    if key in texts:
        return texts[key]
    return texts[word].format_map({word: value if shown is None else shown})


def _finding(
    code: str,
    severity: Severity,
    item: Any,
    lang: str,
    case: str | None = None,
    **values: Any,
) -> GraphFinding:
    """A finding of ``code`` on ``item`` with its message and fix in ``lang``."""
    texts = GRAPH_MESSAGES[code][lang]
    message = texts.get(f"message:{case}", texts["message"]) if case else texts["message"]
    fix = texts.get(f"fix:{case}", texts["fix"]) if case else texts["fix"]
    values["item"] = item
    return GraphFinding(
        code, severity, str(item), message.format_map(values), fix.format_map(values)
    )


# --- small helpers on any graph ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Read:
    """What the checks need of a graph, read once from its plain dicts.

    ``nodes`` is the graph's node mapping; ``objectives`` and ``key_results`` hold the nodes of
    those kinds with their attribute dicts, ``levels`` and ``cycles`` the objectives' levels and
    cycles, and ``aligns`` every ``aligns_to`` link as (child, parent) in graph order, with
    ``child`` and ``parent`` their positions in ``objectives`` (-1 for another kind). At 100 000
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
    def of(cls, graph: nx.DiGraph) -> _Read:
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
        child, parent = _positions(ids, aligns)
        levels = np.array([a.get("level") for a in o_attrs], dtype=object)
        cycles = np.array([a.get("cycle") for a in o_attrs], dtype=object)
        return cls(graph.nodes, ids, levels, cycles, key_results, aligns, child, parent)

    def objective_links(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The aligns_to links between objectives, as positions in ``objectives``."""
        keep = (self.child >= 0) & (self.parent >= 0)
        return self.child[keep], self.parent[keep]


def _positions(
    objectives: list[Any], aligns: list[tuple[Any, Any]]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each link's child and parent as positions in ``objectives``, -1 for another node."""
    position = {n: i for i, n in enumerate(objectives)}
    child = np.array([position.get(u, -1) for u, _ in aligns], dtype=np.int64)
    parent = np.array([position.get(v, -1) for _, v in aligns], dtype=np.int64)
    return child, parent


def _read_objectives(
    graph: nx.DiGraph,
) -> tuple[list[Any], list[dict[str, Any]], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The objectives, their attribute dicts and the aligns_to links between them (positions).

    Reads only the objectives' attributes and links, which is all the roll-up needs.
    """
    nodes = [(n, a) for n, a in graph.nodes(data=True) if a.get("kind") == "objective"]
    objectives = [n for n, _ in nodes]
    succ = graph.succ
    aligns = [
        (u, v) for u in objectives for v, a in succ[u].items() if a.get("relation") == "aligns_to"
    ]
    child, parent = _positions(objectives, aligns)
    keep = parent >= 0
    return objectives, [a for _, a in nodes], child[keep], parent[keep]


def _waves(
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


def _objective_graph(read: _Read) -> nx.DiGraph:
    """Objectives that may be on a loop and the aligns_to links between them, as a new graph.

    What is left after peeling off, wave by wave, the objectives that cannot be on a loop (Kahn's
    algorithm) holds every loop, plus objectives aligned to one; empty means no loop.
    """
    objectives = read.objectives
    child, parent = read.objective_links()
    left = np.ones(len(objectives), dtype=bool)
    for wave, _ in _waves(child, parent, len(objectives)):
        left[wave] = False
    keep = left[child] & left[parent]
    sub = nx.DiGraph()
    sub.add_nodes_from(objectives[i] for i in np.flatnonzero(left).tolist())
    sub.add_edges_from(
        (objectives[u], objectives[v])
        for u, v in zip(child[keep].tolist(), parent[keep].tolist(), strict=True)
    )
    return sub


def _level_rank(graph: nx.DiGraph, node: Any) -> int:
    level = graph.nodes[node].get("level")
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def _loops(read: _Read) -> list[list[str]]:
    """One loop per strongly connected group of objectives, starting at its smallest id.

    Each loop lists its nodes in alignment order and ends where it starts.
    """
    sub = _objective_graph(read)
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


def _loop_link(graph: nx.DiGraph, loop: Sequence[str]) -> tuple[str, str]:
    """The link of the loop to cut, as (child, parent)."""
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
    return child, parent


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


def find_cycles(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR601: objectives that align to each other in a loop, one finding per loop.

    The message names the loop in alignment order from its smallest id, e.g. ``A -> B -> C -> A``
    when A aligns to B, B to C and C to A. ``lang`` (``"en"`` or ``"sv"``) picks the language of
    the message, as for every check here; default ``$OKRKIT_LANG``, else English.
    """
    return _find_cycles(graph, _Read.of(graph), _language(lang))


def _find_cycles(graph: nx.DiGraph, read: _Read, lang: str) -> list[GraphFinding]:
    out = []
    for loop in _loops(read):
        child, parent = _loop_link(graph, loop)
        out.append(
            _finding(
                "OKR601",
                "error",
                loop[0],
                lang,
                loop=_loop_text(loop),
                child=child,
                parent=parent,
            )
        )
    return out


def missing_links(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR602: an ``aligns_to`` that names an id in no given set (or an id that is no objective)."""
    return _sorted(_missing_links(_Read.of(graph), _language(lang)))


def _missing_links(read: _Read, lang: str) -> list[GraphFinding]:
    nodes = read.nodes
    out = []
    for at in np.flatnonzero(read.parent < 0).tolist():
        child, parent = read.aligns[at]
        kind = nodes[parent].get("kind")
        if kind in (None, "missing"):
            # The parent's set may be imported or loaded later: what an import says too.
            out.append(_finding("OKR602", "warning", child, lang, parent=parent))
        else:
            shown = str(kind).replace("_", " ")
            name = _word("OKR602", lang, "kind", kind, shown)
            out.append(_finding("OKR602", "error", child, lang, "kind", parent=parent, kind=name))
    return out


def missing_link_note(child: str, parent: str, *, lang: str | None = None) -> str:
    """The OKR602 warning for one link to an objective that is nowhere (yet), as one line.

    An import prints it for each such link it stores, so that it says what ``okrkit check``
    says of the store afterwards.

    >>> missing_link_note("MK-1", "CO-9", lang="en")
    'warning OKR602: MK-1 aligns to CO-9, which is in no loaded OKR set (correct the id in the \
aligns_to of MK-1, or load the set that holds CO-9)'
    """
    found = _finding("OKR602", "warning", child, _language(lang), parent=parent)
    return f"{found.severity} {found.code}: {found.message} ({found.fix})"


def _encloses(outer: Cycle | None, inner: Cycle | None) -> bool:
    return (
        outer is not None
        and inner is not None
        and outer.start <= inner.start
        and inner.end <= outer.end
    )


def cross_cycle_links(
    graph: nx.DiGraph, *, allow_enclosing: bool = True, lang: str | None = None
) -> list[GraphFinding]:
    """OKR603: an objective that aligns to an objective of another cycle.

    With ``allow_enclosing`` (the default) a link to a cycle that spans the child's whole cycle
    (a quarterly team objective under a yearly company objective) is accepted; it needs the
    graph attribute ``cycles`` to know the dates.
    """
    return _sorted(_cross_cycle_links(graph, _Read.of(graph), allow_enclosing, _language(lang)))


def _cross_cycle_links(
    graph: nx.DiGraph, read: _Read, allow_enclosing: bool, lang: str
) -> list[GraphFinding]:
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
            _finding(
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


def orphans(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR604: an objective below company level that aligns to nothing."""
    return _sorted(_orphans(_Read.of(graph), _language(lang)))


def _orphans(read: _Read, lang: str) -> list[GraphFinding]:
    aligned = np.zeros(len(read.objectives), dtype=bool)
    aligned[read.child[read.child >= 0]] = True  # aligns to something, objective or not
    out = []
    for at in np.flatnonzero(~aligned & (read.levels != "company")).tolist():
        level = read.levels[at]
        rank = LEVELS.index(level) if level in LEVELS else len(LEVELS)
        above = LEVELS[max(rank - 1, 0)]
        out.append(
            _finding(
                "OKR604",
                "warning",
                read.objectives[at],
                lang,
                level=_word("OKR604", lang, "level", level or "none", level),
                above=_word("OKR604", lang, "above", above),
            )
        )
    return out


def unsupported(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR605: a company objective that no objective aligns to."""
    return _sorted(_unsupported(_Read.of(graph), _language(lang)))


def _unsupported(read: _Read, lang: str) -> list[GraphFinding]:
    _, parent = read.objective_links()
    supported = np.zeros(len(read.objectives), dtype=bool)
    supported[parent] = True
    return [
        _finding("OKR605", "warning", read.objectives[at], lang)
        for at in np.flatnonzero(~supported & (read.levels == "company")).tolist()
    ]


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
    lang: str | None = None,
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
    read = _Read.of(graph)
    return _sorted(_stale_key_results(graph, read, _language(lang), as_of, weeks, checkins))


def _stale_key_results(
    graph: nx.DiGraph,
    read: _Read,
    lang: str,
    as_of: dt.date | None,
    weeks: int,
    checkins: _CheckinSource | None,
) -> list[GraphFinding]:
    as_of = as_of or graph.graph.get("as_of") or dt.date.today()
    cycles: Mapping[str, Cycle] = graph.graph.get("cycles") or {}
    dates = _checkin_dates(checkins) if checkins is not None else None
    limit = 7 * weeks
    try:
        cutoff = as_of - dt.timedelta(days=limit)  # stale: the last check-in is before it
    except OverflowError:
        cutoff = dt.date.min if limit > 0 else dt.date.max
    running: dict[Any, Cycle] = {i: c for i, c in cycles.items() if c.start <= as_of <= c.end}
    out: list[GraphFinding] = []
    if not running:
        return out
    for node, attrs in read.key_results:
        cycle = running.get(attrs.get("cycle"))
        if cycle is None:
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
        if since >= cutoff:  # within the limit; a date comparison is cheaper than a subtraction
            continue
        days = (as_of - since).days
        case = None if last else "never"
        out.append(
            _finding("OKR606", "warning", node, lang, case, days=days, last=last, start=cycle.start)
        )
    return out


def graph_findings(
    graph: nx.DiGraph,
    *,
    as_of: dt.date | None = None,
    stale_weeks: int = 3,
    checkins: _CheckinSource | None = None,
    allow_enclosing: bool = True,
    lang: str | None = None,
) -> list[GraphFinding]:
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
    language = _language(lang)
    read = _Read.of(graph)  # one pass over the graph for every check
    return _sorted(
        [
            *_find_cycles(graph, read, language),
            *_missing_links(read, language),
            *_cross_cycle_links(graph, read, allow_enclosing, language),
            *_orphans(read, language),
            *_unsupported(read, language),
            *_stale_key_results(graph, read, language, as_of, stale_weeks, checkins),
        ]
    )

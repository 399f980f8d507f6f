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
OKR602 MK-1 MK-1 aligns to CO-9, which is in no loaded OKR set
OKR605 CO-1 no objective aligns to company objective CO-1
>>> for finding in graph_findings(build_graph(okrs), lang="sv"):
...     print(finding.code, finding.item, finding.message)
OKR602 MK-1 MK-1 pekar på CO-9, som inte finns i någon inläst OKR-uppsättning
OKR605 CO-1 företagsmålet CO-1 stöds inte av något mål
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
    "GRAPH_MESSAGES",
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


def _objective_links(graph: nx.DiGraph) -> dict[Any, list[Any]]:
    """Each objective with the objectives it aligns to (plain dicts: this must stay fast)."""
    kinds = dict(graph.nodes(data="kind"))
    return {
        node: [
            v
            for v, attrs in links.items()
            if attrs.get("relation") == "aligns_to" and kinds.get(v) == "objective"
        ]
        for node, links in graph.adjacency()
        if kinds.get(node) == "objective"
    }


def _in_loops(links: Mapping[Any, list[Any]]) -> set[Any]:
    """Objectives left after peeling off those that cannot be on a loop (Kahn's algorithm).

    What is left holds every loop (plus objectives aligned to one); empty means no loop.
    """
    waiting = dict.fromkeys(links, 0)
    for ups in links.values():
        for v in ups:
            waiting[v] += 1
    ready = [n for n, count in waiting.items() if count == 0]
    for node in ready:  # the list grows while it is walked
        for v in links[node]:
            waiting[v] -= 1
            if waiting[v] == 0:
                ready.append(v)
    return set(links) - set(ready)


def _objective_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Objectives that may be on a loop and the aligns_to links between them, as a new graph."""
    links = _objective_links(graph)
    keep = _in_loops(links)
    sub = nx.DiGraph()
    sub.add_nodes_from(n for n in links if n in keep)
    sub.add_edges_from((u, v) for u in sub for v in links[u] if v in keep)
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


def _aligns_to(graph: nx.DiGraph) -> list[tuple[Any, Any]]:
    """Every aligns_to link as (child, parent), in graph order."""
    return [
        (u, v)
        for u, links in graph.adjacency()
        for v, attrs in links.items()
        if attrs.get("relation") == "aligns_to"
    ]


def _sorted(findings: Iterable[GraphFinding]) -> list[GraphFinding]:
    return sorted(findings, key=lambda f: (_SEVERITY_RANK.get(f.severity, 9), f.item, f.code))


def find_cycles(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR601: objectives that align to each other in a loop, one finding per loop.

    The message names the loop in alignment order from its smallest id, e.g. ``A -> B -> C -> A``
    when A aligns to B, B to C and C to A. ``lang`` (``"en"`` or ``"sv"``) picks the language of
    the message, as for every check here; default ``$OKRKIT_LANG``, else English.
    """
    language = _language(lang)
    out = []
    for loop in _loops(graph):
        child, parent = _loop_link(graph, loop)
        out.append(
            _finding(
                "OKR601",
                "error",
                loop[0],
                language,
                loop=_loop_text(loop),
                child=child,
                parent=parent,
            )
        )
    return out


def missing_links(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR602: an ``aligns_to`` that names an id in no given set (or an id that is no objective)."""
    language = _language(lang)
    kinds = dict(graph.nodes(data="kind"))
    out = []
    for child, parent in _aligns_to(graph):
        kind = kinds.get(parent)
        if kind == "objective":
            continue
        if kind in (None, "missing"):
            out.append(_finding("OKR602", "error", child, language, parent=parent))
        else:
            shown = str(kind).replace("_", " ")
            name = _word("OKR602", language, "kind", kind, shown)
            out.append(
                _finding("OKR602", "error", child, language, "kind", parent=parent, kind=name)
            )
    return _sorted(out)


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
    language = _language(lang)
    cycles: Mapping[str, Cycle] = graph.graph.get("cycles") or {}
    cycle_of = dict(graph.nodes(data="cycle"))
    out = []
    for child, parent in _aligns_to(graph):
        c_child, c_parent = cycle_of.get(child), cycle_of.get(parent)
        if c_child is None or c_parent is None or c_child == c_parent:
            continue
        if allow_enclosing and _encloses(cycles.get(c_parent), cycles.get(c_child)):
            continue
        out.append(
            _finding(
                "OKR603",
                "warning",
                child,
                language,
                parent=parent,
                cycle=c_child,
                parent_cycle=c_parent,
            )
        )
    return _sorted(out)


def orphans(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR604: an objective below company level that aligns to nothing."""
    language = _language(lang)
    nodes = graph.nodes
    out = []
    for node, links in graph.adjacency():
        attrs = nodes[node]
        level = attrs.get("level")
        if attrs.get("kind") != "objective" or level == "company":
            continue
        if any(a.get("relation") == "aligns_to" for a in links.values()):
            continue
        rank = LEVELS.index(level) if level in LEVELS else len(LEVELS)
        above = LEVELS[max(rank - 1, 0)]
        out.append(
            _finding(
                "OKR604",
                "warning",
                node,
                language,
                level=_word("OKR604", language, "level", level or "none", level),
                above=_word("OKR604", language, "above", above),
            )
        )
    return _sorted(out)


def unsupported(graph: nx.DiGraph, *, lang: str | None = None) -> list[GraphFinding]:
    """OKR605: a company objective that no objective aligns to."""
    language = _language(lang)
    nodes = graph.nodes
    out = []
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") != "objective" or attrs.get("level") != "company":
            continue
        if any(
            a.get("relation") == "aligns_to" and nodes[child].get("kind") == "objective"
            for child, a in graph.pred[node].items()
        ):
            continue
        out.append(_finding("OKR605", "warning", node, language))
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
    language = _language(lang)
    as_of = as_of or graph.graph.get("as_of") or dt.date.today()
    cycles: Mapping[str, Cycle] = graph.graph.get("cycles") or {}
    dates = _checkin_dates(checkins) if checkins is not None else None
    limit = 7 * weeks
    running = {ident: c for ident, c in cycles.items() if c.start <= as_of <= c.end}
    out = []
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") != "key_result":
            continue
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
        days = (as_of - since).days
        if days <= limit:
            continue
        case = None if last else "never"
        out.append(
            _finding(
                "OKR606", "warning", node, language, case, days=days, last=last, start=cycle.start
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
    return _sorted(
        [
            *find_cycles(graph, lang=language),
            *missing_links(graph, lang=language),
            *cross_cycle_links(graph, allow_enclosing=allow_enclosing, lang=language),
            *orphans(graph, lang=language),
            *unsupported(graph, lang=language),
            *stale_key_results(
                graph, as_of=as_of, weeks=stale_weeks, checkins=checkins, lang=language
            ),
        ]
    )

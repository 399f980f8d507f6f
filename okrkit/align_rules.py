"""Rules for editing alignment: the parents an objective may pick, and the checks a link touches.

The alignment editor (:mod:`okrkit.ui.alignment`) lays these out; they are plain functions on OKR
sets and the alignment graph, so a notebook or the CLI gets the same answers.

- :func:`may_align_across`: an objective may align to one of its own cycle, of a cycle that
  encloses it (a yearly company objective above a quarterly team one) or of a cycle that ended
  before it started (the work it continues). Never to a later cycle.
- :func:`parent_choices`: the objectives and key results one objective may pick as parents,
  nearest first. An objective aligned to a key result contributes to that key result's
  objective, so a key result is offered where its objective is.
- :func:`realigned`: the sets with one objective's parents replaced (what a save writes).
- :func:`alignment_findings`: the alignment checks of :mod:`okrkit.graph_checks`
  (:data:`GRAPH_CODES`) as :func:`okrkit.checks.check_sets` reports them.
- :func:`link_findings`: those that read the links between objectives (:data:`LINK_CODES`),
  from an alignment graph already built: what a changed link can change.

Examples
--------
>>> from okrkit.cycles import Cycle
>>> q1 = Cycle.parse("2026-Q1")
>>> [may_align_across(Cycle.parse(c), q1) for c in ("2026", "2025-Q4", "2026-Q2")]
[True, True, False]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from okrkit.checks import RULES, CheckConfig, check_sets, sort_findings
from okrkit.findings import Finding
from okrkit.graph_checks import GRAPH_MESSAGES, graph_findings

if TYPE_CHECKING:
    import networkx as nx

    from okrkit.cycles import Cycle
    from okrkit.model import OkrSet

__all__ = [
    "GRAPH_CODES",
    "LINK_CODES",
    "alignment_findings",
    "link_findings",
    "may_align_across",
    "parent_choices",
    "realigned",
]

#: The codes of the alignment checks (OKR601–OKR606), as :mod:`okrkit.graph_checks` has them.
GRAPH_CODES: tuple[str, ...] = tuple(sorted(GRAPH_MESSAGES))
#: The alignment check that does not read links: stale key results (no recent check-in).
_STALE = "OKR606"
#: The checks that read the links between objectives (OKR601–OKR605): what a save can change.
LINK_CODES: tuple[str, ...] = tuple(code for code in GRAPH_CODES if code != _STALE)


def may_align_across(parent: Cycle, cycle: Cycle) -> bool:
    """Whether an objective of ``cycle`` may align to one of cycle ``parent`` (another cycle).

    Yes when ``parent`` encloses ``cycle`` (first and last day included) or ended before
    ``cycle`` started.
    """
    encloses = parent.start <= cycle.start and parent.end >= cycle.end
    return encloses or parent.end < cycle.start


def parent_choices(
    sets: Mapping[str, OkrSet], cycle: str, objective: str, *, key_results: bool = True
) -> list[tuple[str, str, str]]:
    """The objectives and key results ``objective`` may align to, as ``(id, title, cycle id)``.

    Those of its own cycle first, then those of the cycles :func:`may_align_across` allows:
    the latest start first, and of two that start the same day the shorter. Each objective is
    followed by its key results (``key_results=False`` leaves them out): a key result may be
    picked wherever its objective may. Never the objective itself nor its own key results.
    ``sets`` maps cycle ids to the sets of a store; :meth:`okrkit.OkrSet.key_result_owners`
    tells which objective a key result belongs to.

    Examples
    --------
    >>> from okrkit.model import KeyResult, Objective, OkrSet
    >>> sets = {c: OkrSet(cycle=c, objectives=[Objective(id=i, title=i)])
    ...         for c, i in (("2026-Q1", "A"), ("2026", "Y"), ("2026-Q2", "N"))}
    >>> sets["2026"] = OkrSet(cycle="2026", objectives=[Objective(id="Y", title="Grow",
    ...     key_results=[KeyResult(id="Y-KR1", title="Launch 2.0", type="milestone")])])
    >>> parent_choices(sets, "2026-Q1", "A")
    [('Y', 'Grow', '2026'), ('Y-KR1', 'Launch 2.0', '2026')]
    >>> parent_choices(sets, "2026-Q1", "A", key_results=False)
    [('Y', 'Grow', '2026')]
    """
    own = sets[cycle].cycle
    others = sorted(
        (s for c, s in sets.items() if c != cycle and may_align_across(s.cycle, own)),
        key=lambda s: (-s.cycle.start.toordinal(), s.cycle.end, s.cycle.id),
    )
    out: list[tuple[str, str, str]] = []
    for s in (sets[cycle], *others):
        for o in s.objectives:
            if o.id == objective:
                continue
            out.append((o.id, o.title, s.cycle.id))
            if key_results:
                out.extend((kr.id, kr.title, s.cycle.id) for kr in o.key_results)
    return out


def realigned(
    sets: Mapping[str, OkrSet], objective: str, parents: Iterable[str]
) -> dict[str, OkrSet]:
    """``sets`` (cycle id -> set) with ``objective`` aligned to ``parents``, as a new dict.

    The sets not holding ``objective`` are the same objects.

    Raises
    ------
    KeyError
        When no set holds ``objective``.
    """
    parents = tuple(parents)
    for cycle, okrs in sets.items():
        if any(o.id == objective for o in okrs.objectives):
            objectives = tuple(
                dataclasses.replace(o, aligns_to=parents) if o.id == objective else o
                for o in okrs.objectives
            )
            return {**sets, cycle: dataclasses.replace(okrs, objectives=objectives)}
    raise KeyError(objective)


def alignment_findings(sets: Sequence[OkrSet], lang: str = "en") -> list[Finding]:
    """The alignment findings (:data:`GRAPH_CODES`) of ``sets`` in ``lang``, without silenced ones.

    The same findings :func:`okrkit.checks.check_sets` reports for these codes.
    """
    quality = frozenset(code for code in RULES if code not in GRAPH_CODES)
    found = check_sets(list(sets), config=CheckConfig(disabled=quality), lang=lang)
    return [f for f in found if f.code in GRAPH_CODES and f.silenced is None]


def link_findings(graph: nx.DiGraph, sets: Sequence[OkrSet], lang: str = "en") -> list[Finding]:
    """The findings of :func:`alignment_findings` for :data:`LINK_CODES`, from a built graph.

    ``graph`` is :func:`okrkit.alignment.build_graph` of ``sets``; give it the sets' scores
    (links do not change them) and these checks take a few milliseconds on a cycle of a thousand
    key results. The findings are about objectives, with their owner, in ``lang``, without those
    an objective silences.
    """
    objectives = {o.id: o for s in sets for o in s.objectives}
    return sort_findings(
        f
        for f in graph_findings(graph, lang=lang)
        if f.code in LINK_CODES
        and f.item in objectives
        and not dict(objectives[f.item].silence).get(f.code)
    )

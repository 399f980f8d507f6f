"""The checks of the alignment graph (OKR601–OKR606): loops, missing links, orphans, stale work.

Each check takes an alignment graph (:func:`okrkit.alignment.build_graph`, or any
:class:`networkx.DiGraph` with the same ``kind``, ``level``, ``cycle`` and ``relation``
attributes), leaves it unchanged and returns :class:`~okrkit.findings.Finding` records with a stable
code, with the kind, owner and objective of their item;
:func:`graph_findings` runs them all:

======  ========  =================  ==============================================================
code    severity  function           finding
======  ========  =================  ==============================================================
OKR601  error     find_cycles        objectives align to each other in a loop (named in order),
                                     also through key results
OKR602  warning   missing_links      ``aligns_to`` names an id in no given set (its set may come
                                     later); an error when it names a KPI or an initiative
OKR603  warning   cross_cycle_links  an objective aligns to one (or a key result) of another cycle
OKR604  warning   orphans            an objective below company level aligns to nothing (an orphan)
OKR605  warning   unsupported        a company objective that no objective aligns to
OKR606  warning   stale_key_results  a key result of a running cycle with no check-in for ``weeks``
                                     weeks
======  ========  =================  ==============================================================

Messages and fixes are in English or Swedish: each check takes ``lang`` (``"en"`` or ``"sv"``),
else the ``OKRKIT_LANG`` environment variable decides, else English
(:func:`okrkit.text.resolve_lang`). The templates are the ``graph`` section of
``okrkit/locale/<lang>.json``, by code in :data:`GRAPH_MESSAGES`.

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

from okrkit.findings import Finding, missing_link_note
from okrkit.graph_checks._checks import (
    CheckinSource,
    cross_cycle_links,
    find_cycles,
    graph_findings,
    missing_links,
    orphans,
    stale_key_results,
    unsupported,
)
from okrkit.graph_checks._messages import GRAPH_MESSAGES
from okrkit.graph_checks._read import read_objectives, waves

__all__ = [
    "GRAPH_MESSAGES",
    "CheckinSource",
    "GraphFinding",
    "cross_cycle_links",
    "find_cycles",
    "graph_findings",
    "missing_link_note",
    "missing_links",
    "orphans",
    "read_objectives",
    "stale_key_results",
    "unsupported",
    "waves",
]

#: The record of an alignment finding: :class:`okrkit.findings.Finding`, under its old name.
GraphFinding = Finding

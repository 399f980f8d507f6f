"""The quality findings of one objective, without checking the whole set.

:func:`check_objective` returns what :func:`okrkit.checks.check_set` finds about one objective and
its key results, in the same order, at a cost that does not grow with the set: the rules run on
the objective alone, joined (for the duplicate check OKR203) by the key results of other
objectives whose titles match its own. An editor that changes one key result calls it to show
the objective's findings at once; :func:`title_key` says which other objectives share a title
and may have their OKR203 findings changed by the edit.

Every rule but two judges an objective by itself and its key results and check-ins: the title
(OKR101), the number of key results (OKR102, OKR103), wording (OKR201, OKR202, OKR207), numbers
(OKR204, OKR205), weights (OKR501) and the quarter-end scores (OKR301, OKR303). OKR203 compares a
key result with every earlier one of the set that has the same title and with similar ones of
its own objective. The owner rules (OKR104, OKR302) and the KPI rule (OKR401) are about no
objective.

Examples
--------
>>> from okrkit import KeyResult, Objective, OkrSet
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[
...     Objective(id="O1", title="Delight users", key_results=[
...         KeyResult(id="K1", title="NPS from 30 to 40", start=30, target=40)]),
...     Objective(id="O2", title="Keep users", key_results=[
...         KeyResult(id="K2", title="NPS from 30 to 40!", start=30, target=40),
...         KeyResult(id="K3", title="Churn from 5 % to 3 %", start=5, target=3)])])
>>> [(f.code, f.item) for f in check_objective(okrs, "O2", as_of="2026-02-01")]
[('OKR203', 'K2')]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

from okrkit.checks import CheckConfig, check_set
from okrkit.findings import Finding
from okrkit.model import OkrSet
from okrkit.rules import normalise_title

__all__ = ["check_objective", "title_key"]

#: Rules that run alone and report on owners or KPIs, never on an objective.
_NOT_OBJECTIVES = frozenset({"OKR104", "OKR401"})


@functools.lru_cache(maxsize=65536)
def title_key(title: str) -> str:
    """The form of a key result title that OKR203 compares (:func:`okrkit.rules.normalise_title`).

    Two key results whose keys are equal and not empty are duplicates.

    >>> title_key("Raise NPS — from 31 to 45!") == title_key("raise nps from 31 to 45")
    True
    """
    return normalise_title(title)


def check_objective(
    okrs: OkrSet,
    objective: str,
    *,
    as_of: dt.date | str | None = None,
    config: CheckConfig | None = None,
    lang: str | None = None,
) -> list[Finding]:
    """The findings of :func:`~okrkit.checks.check_set` about ``objective`` and its key results.

    The same findings, in the same order, as
    ``[f for f in check_set(okrs, ...) if f.objective == objective]``, silenced ones included;
    the rules run on that objective (with its check-ins) and on the key results of other
    objectives that share a title with one of its own.

    Parameters
    ----------
    okrs
        The set the objective belongs to.
    objective
        Its id.
    as_of, config, lang
        As for :func:`~okrkit.checks.check_set`.

    Raises
    ------
    KeyError
        When the set has no objective ``objective``.
    """
    own = okrs.objective(objective)
    keys = {k for kr in own.key_results if (k := title_key(kr.title))}
    objectives = []
    for o in okrs.objectives:
        if o.id == objective:
            objectives.append(o)
            continue
        same = tuple(kr for kr in o.key_results if title_key(kr.title) in keys)
        if same:
            objectives.append(dataclasses.replace(o, key_results=same))
    mine = {kr.id for kr in own.key_results}
    part = OkrSet(
        cycle=okrs.cycle,
        objectives=tuple(objectives),
        checkins=tuple(c for c in okrs.checkins if c.key_result in mine),
    )
    config = config or CheckConfig()
    # The owner and KPI rules are about no objective: skip them.
    config = dataclasses.replace(config, disabled=frozenset(config.disabled) | _NOT_OBJECTIVES)
    found = check_set(part, as_of=as_of, config=config, lang=lang)
    return [f for f in found if f.objective == objective]

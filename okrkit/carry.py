"""Carry-over: unfinished objectives of a cycle copied into the next one, in a store.

What is unfinished and how each copy starts is :func:`okrkit.lifecycle.carry_plan`'s rule; the
scores at ``as_of`` come from :func:`okrkit.score`; :meth:`okrkit.Store.carry` writes the plan
in one transaction. This module sits above both the store and scoring, so neither imports the
other.

>>> from okrkit import Store, load_yaml
>>> store = Store("sqlite://")
>>> _ = store.import_set(load_yaml('''
... cycle: 2026-Q3
... objectives:
... - id: O1
...   title: Win the Nordic market
...   key_results:
...   - {id: K1, title: Sign 10 Nordic resellers, type: metric, start: 0, target: 10, current: 4}
... '''))
>>> [(o.id, o.key_results[0].start) for o in carry_over(store, "2026-Q3", "2026-Q4").objectives]
[('O1-2026-Q4', 4.0)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from okrkit.cycles import Cycle
from okrkit.errors import NotFoundError
from okrkit.lifecycle import carry_plan
from okrkit.model import OkrSet
from okrkit.scoring import score

if TYPE_CHECKING:
    from okrkit.store import Store

__all__ = ["carry_over"]


def carry_over(
    store: Store,
    from_cycle: str | Cycle,
    to_cycle: str | Cycle,
    ids: Iterable[str] = (),
    *,
    as_of: dt.date | None = None,
    author: str = "",
) -> OkrSet:
    """Copy unfinished objectives, with their unfinished key results, into the next cycle.

    An objective is unfinished when its score is below 1.0 at ``as_of`` (default: the end of
    ``from_cycle``). Each copy gets a new id (``<old id>-<to cycle>``) and ``carried_from``
    pointing back; a metric starts where the old one ended, milestones start not done,
    qualitative key results ungraded; no check-ins are copied. Alignment to a parent that is
    carried over too follows the parent's copy. ``ids`` picks objectives (default: every
    unfinished one). Returns the carried set; it is stored in one transaction, each copy with a
    revision ``carry_over`` by ``author``.

    Raises
    ------
    ValidationError
        When both cycles are the same (:meth:`okrkit.Store.carry` says so).
    NotFoundError
        When ``from_cycle`` or one of ``ids`` is not in the store.
    ConflictError
        When the copies are already there (carried over before).
    """
    source = store.cycle(from_cycle)
    target = to_cycle if isinstance(to_cycle, Cycle) else _find_or_parse(store, to_cycle)
    okrs = store.load(source)
    scores = score(okrs, as_of or source.end)
    plan = carry_plan(
        okrs,
        target,
        scores.objectives.set_index("id")["score"],
        scores.key_results.set_index("id"),
        list(ids),
    )
    return store.carry(plan, author=author)


def _find_or_parse(store: Store, ident: str) -> Cycle:
    try:
        return store.cycle(ident)
    except NotFoundError:
        return Cycle.parse(ident)

"""Carry-over: unfinished objectives copied into the next cycle, as :mod:`okrkit.lifecycle` plans.

What is copied and how each copy starts is :func:`okrkit.lifecycle.carry_plan`'s rule; the store
scores the source cycle, asks for the plan and writes it in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from okrkit.cycles import Cycle
from okrkit.errors import NotFoundError, ValidationError
from okrkit.lifecycle import CarryPlan, carry_plan
from okrkit.model import OkrSet
from okrkit.store._imports import write_set

if TYPE_CHECKING:
    from okrkit.store import Store

__all__ = ["carry", "carry_over"]


def carry_over(
    store: Store,
    from_cycle: str | Cycle,
    to_cycle: str | Cycle,
    ids: Iterable[str],
    as_of: dt.date | None,
    author: str,
) -> OkrSet:
    """Score ``from_cycle`` at ``as_of``, plan the carry-over, write it: ``Store.carry_over``."""
    # The one import of the analysis layer in the store: the scores at ``as_of`` decide what is
    # finished. Callers that have the scores plan with lifecycle.carry_plan and call carry().
    from okrkit.scoring import score

    source = store.cycle(from_cycle)
    target = to_cycle if isinstance(to_cycle, Cycle) else _find_or_parse(store, to_cycle)
    if target.id == source.id:
        raise ValidationError("carry-over needs two different cycles", field="to")
    okrs = store.load(source)
    scores = score(okrs, as_of or source.end)
    plan = carry_plan(
        okrs,
        target,
        scores.objectives.set_index("id")["score"],
        scores.key_results.set_index("id"),
        list(ids),
    )
    return carry(store, plan, author)


def carry(store: Store, plan: CarryPlan, author: str) -> OkrSet:
    """Write the copies of a carry-over plan in one transaction (``Store.carry``)."""
    if plan.target.id == plan.source.id:
        raise ValidationError("carry-over needs two different cycles", field="to")
    carried = OkrSet(cycle=plan.target, objectives=plan.objectives)
    with store._write("carry over") as conn:
        write_set(store.tables, conn, carried, mode="new", action="carry_over", author=author)
    return carried


def _find_or_parse(store: Store, ident: str) -> Cycle:
    try:
        return store.cycle(ident)
    except NotFoundError:
        return Cycle.parse(ident)

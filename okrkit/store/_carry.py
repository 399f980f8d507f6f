"""Carry-over: the copies :func:`okrkit.lifecycle.carry_plan` plans, written in one transaction.

Scoring the source cycle and planning happen above the store, in :func:`okrkit.carry_over`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrkit.errors import ValidationError
from okrkit.lifecycle import CarryPlan
from okrkit.model import OkrSet
from okrkit.store._imports import write_set

if TYPE_CHECKING:
    from okrkit.store import Store

__all__ = ["carry"]


def carry(store: Store, plan: CarryPlan, author: str) -> OkrSet:
    """Write the copies of a carry-over plan in one transaction (``Store.carry``)."""
    if plan.target.id == plan.source.id:
        raise ValidationError("carry-over needs two different cycles", field="to")
    carried = OkrSet(cycle=plan.target, objectives=plan.objectives)
    with store._write("carry over") as conn:
        write_set(store.tables, conn, carried, mode="new", action="carry_over", author=author)
    return carried

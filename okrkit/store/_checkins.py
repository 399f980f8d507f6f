"""Check-ins: recorded, corrected and deleted without overwriting, each dated inside its cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import ConflictError, NotFoundError, StoreError, ValidationError
from okrkit.lifecycle import check_checkin
from okrkit.merging import CheckinPlan, StoredCheckIn, match_checkins
from okrkit.model import CheckIn, OkrSet
from okrkit.model import check_checkin_dates as model_check_dates
from okrkit.store._codecs import chunks, fields_of, to_row, utcnow
from okrkit.store._rows import Tables, insert_many

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store import Store

__all__ = [
    "IMPORTED",
    "add_checkin",
    "check_checkin_dates",
    "checkins",
    "correct_checkin",
    "delete_checkin",
    "key_result_cycle",
    "merge_checkins",
]

#: The reason a check-in corrected by an import carries in the history.
IMPORTED = "changed in an imported file"


def check_checkin_dates(found: Iterable[CheckIn], cycle: Cycle) -> None:
    """Refuse a check-in dated outside ``cycle``, its key result's cycle.

    The error names the key result and the date (a reader of a file adds the file and row);
    the rule and its column form are :func:`okrkit.model.check_checkin_dates`.
    """
    checkins = list(found)
    model_check_dates(
        [c.date for c in checkins], [c.key_result for c in checkins], cycle, numbered=False
    )


def key_result_cycle(t: Tables, conn: sa.Connection, ident: str) -> tuple[str, Cycle]:
    """A key result's type and the cycle it is in.

    Raises
    ------
    NotFoundError
        When the key result is not in the store.
    """
    import sqlalchemy as sa

    kr, o, c = t["key_results"], t["objectives"], t["cycles"]
    found = conn.execute(
        sa.select(kr.c.type, c.c.id, c.c.start, c.c.end)
        .join(o, o.c.id == kr.c.objective)
        .join(c, c.c.id == o.c.cycle)
        .where(kr.c.id == ident)
    ).first()
    if found is None:
        raise NotFoundError(f"no key result {ident!r} in the store")
    try:
        cycle = Cycle(id=found.id, start=found.start, end=found.end)
    except ValidationError as exc:  # written by an okrkit without today's limits
        raise StoreError(
            f"the store holds cycle {found.id}, which okrkit cannot handle: {exc}"
        ) from None
    return str(found.type), cycle


def add_checkin(
    t: Tables,
    conn: sa.Connection,
    checkin: CheckIn,
    replaces: int | None = None,
    reason: str | None = None,
) -> CheckIn:
    """Record ``checkin`` (replacing the corrected check-in ``replaces``); with its store id."""
    ktype, cycle = key_result_cycle(t, conn, checkin.key_result)
    check_checkin(checkin.field_name, checkin.key_result, ktype, checkin.date, cycle)
    values = {
        **to_row(checkin, ("id",)),
        "state": "active",
        "replaces": replaces,
        "reason": reason,
        "recorded_at": utcnow(),
    }
    new_id = conn.execute(t["checkins"].insert().values(**values)).inserted_primary_key
    assert new_id is not None
    return replace(checkin, id=int(new_id[0]))


def checkins(
    store: Store, key_result: str | None, cycle: str | Cycle | None, history: bool
) -> pd.DataFrame:
    """Check-ins as a DataFrame, newest last (see ``Store.checkins``)."""
    import sqlalchemy as sa

    t = store.tables
    ci, kr, o = t["checkins"], t["key_results"], t["objectives"]
    query = (
        sa.select(ci, o.c.cycle)
        .join(kr, kr.c.id == ci.c.key_result)
        .join(o, o.c.id == kr.c.objective)
    )
    if key_result is not None:
        query = query.where(ci.c.key_result == key_result)
    if cycle is not None or key_result is None:
        query = query.where(o.c.cycle == store.cycle(cycle).id)
    if not history:
        query = query.where(ci.c.state == "active")
    with store._read() as conn:
        result = conn.execute(query.order_by(ci.c.date, ci.c.id))
        df = pd.DataFrame(result.all(), columns=list(result.keys()))
    if key_result is not None and df.empty:
        with store._read() as conn:
            key_result_cycle(t, conn, key_result)
    return df


def _active(t: Tables, conn: sa.Connection, ident: int) -> Any:
    import sqlalchemy as sa

    ci = t["checkins"]
    found = conn.execute(sa.select(ci).where(ci.c.id == ident)).first()
    if found is None:
        raise NotFoundError(f"no check-in {ident} in the store")
    if found.state != "active":
        raise ConflictError(
            f"check-in {ident} was already {found.state}; list the history with"
            " 'okrkit checkin list --history' and act on the active one"
        )
    return found


def correct_checkin(
    t: Tables, conn: sa.Connection, ident: int, reason: str, changes: dict[str, Any]
) -> CheckIn:
    """Mark check-in ``ident`` corrected and record its replacement with ``changes``."""
    unknown = set(changes) - set(CheckIn.file_keys()) - {"key_result"}
    if unknown or "key_result" in changes:
        raise ValidationError(
            f"cannot change {', '.join(sorted(unknown | ({'key_result'} & set(changes))))}",
            fix="a correction may change date, value, done, grade, zone, confidence, note, author",
        )
    found = _active(t, conn, ident)
    old = CheckIn(**fields_of(found, CheckIn.file_keys()), id=found.id)
    new = replace(old, id=None, **changes)
    ci = t["checkins"]
    conn.execute(
        ci.update().where(ci.c.id == ident).values(state="corrected", reason=reason or None)
    )
    return add_checkin(t, conn, new, replaces=ident, reason=reason or None)


def delete_checkin(t: Tables, conn: sa.Connection, ident: int, reason: str) -> None:
    """Mark check-in ``ident`` deleted."""
    _active(t, conn, ident)
    ci = t["checkins"]
    conn.execute(ci.update().where(ci.c.id == ident).values(state="deleted", reason=reason or None))


def merge_checkins(
    t: Tables,
    conn: sa.Connection,
    okrs: OkrSet,
    key_results: list[str],
    *,
    replacing: bool,
    now: dt.datetime,
) -> CheckinPlan:
    """Write an import's check-ins against those the store holds for ``key_results``.

    New ones are added, changed ones corrected (the old one kept as ``corrected``); a replace
    also records again those the store holds only as corrected or deleted, and marks the
    others of the file's key results ``deleted``. Every check-in written must be dated inside
    the set's cycle.
    """
    import sqlalchemy as sa

    ci = t["checkins"]
    stored = [
        StoredCheckIn(
            id=found.id,
            key_result=found.key_result,
            date=found.date,
            value=found.value,
            done=found.done,
            grade=found.grade,
            zone=found.zone,
            confidence=found.confidence,
            note=found.note or "",
            author=found.author or "",
            state=found.state,
        )
        for chunk in chunks(key_results, 500)
        for found in conn.execute(sa.select(ci).where(ci.c.key_result.in_(chunk)))
    ]
    plan = match_checkins(okrs.checkins, stored) if stored else CheckinPlan(new=okrs.checkins)
    added = (*plan.new, *(plan.revived if replacing else ()))
    check_checkin_dates((*added, *(new for _, new in plan.corrections)), okrs.cycle)
    insert_many(
        conn,
        ci,
        [
            {
                **to_row(c, ("id",)),
                "state": "active",
                "replaces": None,
                "reason": None,
                "recorded_at": now,
            }
            for c in added
        ],
    )
    for old, new in plan.corrections:
        conn.execute(ci.update().where(ci.c.id == old).values(state="corrected", reason=IMPORTED))
        conn.execute(
            ci.insert().values(
                **to_row(new, ("id",)),
                state="active",
                replaces=old,
                reason=IMPORTED,
                recorded_at=now,
            )
        )
    if replacing:
        for chunk in chunks(list(plan.kept), 500):
            conn.execute(
                ci.update()
                .where(ci.c.id.in_(chunk))
                .values(state="deleted", reason="removed by import --replace")
            )
    return plan

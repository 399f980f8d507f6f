"""The edit history: revisions of objectives and key results, old versions, restores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import ConflictError, NotFoundError, ValidationError
from okrkit.model import KeyResult, Objective
from okrkit.store._codecs import from_snapshot, own_keys, to_row
from okrkit.store._links import set_parents
from okrkit.store._rows import (
    Tables,
    bump,
    insert_key_result,
    last_versions,
    next_position,
    refuse_taken,
    revise,
)

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store import Store

__all__ = ["find_revision", "history", "no_history", "restore", "revision", "spans"]


def history(store: Store, ident: str, cycle: str | Cycle | None) -> pd.DataFrame:
    """The revisions of an objective or a key result, oldest first (see ``Store.history``)."""
    import sqlalchemy as sa

    r = store.tables["revisions"]
    cycle_id = None if cycle is None else store.cycle(cycle).id
    query = sa.select(r).where(r.c.id == ident)
    if cycle_id is not None:
        query = query.where(r.c.cycle == cycle_id)
    with store._read() as conn:
        rows = conn.execute(query.order_by(r.c.version)).all()
    if not rows:
        raise NotFoundError(no_history(ident, cycle_id))
    records = []
    for row in rows:
        obj = from_snapshot(row.kind, row.snapshot)
        record = {
            "version": row.version,
            "at": row.at,
            "action": row.action,
            "author": row.author,
            "record": row.kind,
            "cycle": row.cycle,
        }
        if row.kind == "key_result":
            record["objective"] = row.objective
        record.update((k, getattr(obj, k)) for k in own_keys(type(obj)) if k != "id")
        records.append(record)
    return pd.DataFrame(records)


def revision(
    store: Store, ident: str, version: int, cycle: str | Cycle | None
) -> Objective | KeyResult:
    """An objective or a key result as it was at ``version``."""
    cycle_id = None if cycle is None else store.cycle(cycle).id
    with store._read() as conn:
        row = find_revision(store.tables, conn, ident, version, cycle_id)
    return from_snapshot(row.kind, row.snapshot)


def restore(
    store: Store,
    ident: str,
    version: int,
    current_version: int,
    cycle: str | Cycle | None,
    author: str,
) -> int:
    """Write an old version back as a new version (see ``Store.restore``)."""
    t = store.tables
    cycle_id = None if cycle is None else store.cycle(cycle).id
    with store._write(f"restore {ident}") as conn:
        rev = find_revision(t, conn, ident, version, cycle_id)
        if rev.action == "delete":
            raise ValidationError(
                f"version {version} of {ident} is its deletion, which holds nothing to restore",
                field="version",
                fix=f"restore version {version - 1}, what it was when it was deleted",
            )
        old = from_snapshot(rev.kind, rev.snapshot)
        if isinstance(old, Objective):
            cycle_now, parent = _restore_objective(t, conn, old, current_version, rev)
        else:
            cycle_now, parent = _restore_key_result(t, conn, old, current_version)
        revise(t, conn, old, current_version + 1, cycle_now, parent, "restore", author)
    return current_version + 1


def _restore_objective(
    t: Tables, conn: sa.Connection, old: Objective, current_version: int, rev: Any
) -> tuple[str, None]:
    import sqlalchemy as sa

    o = t["objectives"]
    cycle = conn.execute(sa.select(o.c.cycle).where(o.c.id == old.id)).scalar()
    if cycle is not None:
        bump(conn, o, old.id, current_version, to_row(old, ("key_results", "aligns_to", "id")))
    else:
        _refuse_stale(t, conn, old.id, current_version)
        refuse_taken(t, conn, old.id, "objective")
        cycle = rev.cycle
        position = next_position(conn, o, o.c.cycle == cycle)
        conn.execute(
            o.insert().values(
                **to_row(old, ("key_results", "aligns_to")),
                cycle=cycle,
                position=position,
                version=current_version + 1,
            )
        )
    set_parents(t, conn, old.id, old.aligns_to)
    return str(cycle), None


def _restore_key_result(
    t: Tables, conn: sa.Connection, old: KeyResult, current_version: int
) -> tuple[str, str]:
    import sqlalchemy as sa

    kr, o, r = t["key_results"], t["objectives"], t["revisions"]
    row = conn.execute(
        sa.select(kr.c.objective, o.c.cycle)
        .join(o, o.c.id == kr.c.objective)
        .where(kr.c.id == old.id)
    ).first()
    if row is not None:
        bump(conn, kr, old.id, current_version, to_row(old, ("id",)))
        return str(row.cycle), str(row.objective)
    _refuse_stale(t, conn, old.id, current_version)
    parent = conn.execute(
        sa.select(r.c.objective).where(r.c.id == old.id, r.c.version == current_version)
    ).scalar()
    cycle = conn.execute(sa.select(o.c.cycle).where(o.c.id == parent)).scalar()
    if parent is None or cycle is None:
        raise NotFoundError(
            f"cannot restore key result {old.id}: its objective {parent} is no longer in the"
            " store; restore the objective first, or add the old key result to another"
            " objective (revision(), then add_key_result())"
        )
    refuse_taken(t, conn, old.id, "key result")
    insert_key_result(t, conn, old, parent, current_version + 1)
    deletion = conn.execute(
        sa.select(r.c.snapshot).where(r.c.id == old.id, r.c.version == current_version)
    ).scalar()
    _restore_checkins(t, conn, old.id, json.loads(deletion or "{}").get("checkins", ()))
    return str(cycle), str(parent)


def _restore_checkins(
    t: Tables, conn: sa.Connection, key_result: str, records: Iterable[Mapping[str, Any]]
) -> None:
    """Write back the check-ins a deletion kept, with their states and corrections."""
    ci = t["checkins"]
    new_ids: dict[int, int] = {}
    for rec in records:
        values = {k: v for k, v in rec.items() if k != "id"}
        values["date"] = dt.date.fromisoformat(values["date"])
        values["recorded_at"] = dt.datetime.fromisoformat(values["recorded_at"])
        values["replaces"] = new_ids.get(values["replaces"], values["replaces"])
        found = conn.execute(ci.insert().values(key_result=key_result, **values))
        assert found.inserted_primary_key is not None
        new_ids[rec["id"]] = int(found.inserted_primary_key[0])


def _refuse_stale(t: Tables, conn: sa.Connection, ident: str, version: int) -> None:
    """For a deleted object: ``version`` must be its latest revision's (the deletion)."""
    found = last_versions(t, conn, [ident]).get(ident)
    if found != version:
        raise ConflictError(
            f"{ident} was changed by somebody else (version {found}, you read {version});"
            " reload it and apply your change again"
        )


def find_revision(
    t: Tables, conn: sa.Connection, ident: str, version: int, cycle: str | None
) -> Any:
    """The revision ``version`` of ``ident`` (in ``cycle``); the versions it has when none."""
    import sqlalchemy as sa

    r = t["revisions"]
    query = sa.select(r).where(r.c.id == ident)
    if cycle is not None:
        query = query.where(r.c.cycle == cycle)
    rows = conn.execute(query.order_by(r.c.version)).all()
    for row in rows:
        if row.version == version:
            return row
    if not rows:
        raise NotFoundError(no_history(ident, cycle))
    where = f" in cycle {cycle}" if cycle else ""
    raise NotFoundError(
        f"{ident} has no version {version}{where}; it has versions"
        f" {spans([row.version for row in rows])}"
    )


def no_history(ident: str, cycle: str | None) -> str:
    where = f" in cycle {cycle}" if cycle else ""
    return (
        f"no objective or key result {ident!r} in the store's history{where}:"
        " check the id (and the cycle)"
    )


def spans(numbers: list[int]) -> str:
    """Sorted numbers as runs: ``[1, 2, 3, 5]`` -> ``'1-3, 5'``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)

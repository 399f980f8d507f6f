"""Edits of objectives and key results, each against the version it was read at.

Every edit is one transaction that bumps the row's version (a stale one raises
:class:`~okrkit.errors.ConflictError`) and records a revision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from okrkit.errors import ConflictError, NotFoundError, ValidationError
from okrkit.model import KeyResult, Objective
from okrkit.store._codecs import fields_of, to_row, utcnow
from okrkit.store._links import set_parents
from okrkit.store._rows import (
    Tables,
    bump,
    deletions,
    insert_key_result,
    kr_deletions,
    last_versions,
    log,
    next_position,
    refuse_taken,
    revise,
)

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store import Store

__all__ = [
    "add_key_result",
    "delete_key_result",
    "delete_objective",
    "move_key_result",
    "update_key_result",
    "update_objective",
]


def update_objective(
    store: Store, ident: str, version: int, changes: Mapping[str, Any], action: str, author: str
) -> int:
    """Change fields of an objective read at ``version`` (``action`` in its revision)."""
    import sqlalchemy as sa

    t = store.tables
    if "key_results" in changes or "id" in changes:
        raise ValidationError("cannot change id or key_results with update_objective")
    o, links = t["objectives"], t["alignments"]
    with store._write(f"update objective {ident}") as conn:
        row = conn.execute(sa.select(o).where(o.c.id == ident)).first()
        if row is None:
            raise NotFoundError(f"no objective {ident!r} in the store")
        parents = (
            conn.execute(
                sa.select(links.c.parent).where(links.c.child == ident).order_by(links.c.position)
            )
            .scalars()
            .all()
        )
        current = Objective(
            **fields_of(row, Objective.file_keys(), skip=("key_results", "aligns_to")),
            aligns_to=tuple(parents),
        )
        updated = replace(current, **changes)
        bump(conn, o, ident, version, to_row(updated, ("key_results", "aligns_to", "id")))
        if "aligns_to" in changes:
            set_parents(t, conn, ident, updated.aligns_to)
        revise(t, conn, updated, version + 1, row.cycle, None, action, author)
        return version + 1


def update_key_result(
    store: Store, ident: str, version: int, changes: Mapping[str, Any], author: str
) -> int:
    """Change fields of a key result read at ``version``; returns the new version."""
    import sqlalchemy as sa

    t = store.tables
    if "id" in changes:
        raise ValidationError("cannot change a key result's id")
    kr, o = t["key_results"], t["objectives"]
    with store._write(f"update key result {ident}") as conn:
        row = conn.execute(
            sa.select(kr, o.c.cycle).join(o, o.c.id == kr.c.objective).where(kr.c.id == ident)
        ).first()
        if row is None:
            raise NotFoundError(f"no key result {ident!r} in the store")
        current = KeyResult(**fields_of(row, KeyResult.file_keys()))
        updated = replace(current, **changes)
        bump(conn, kr, ident, version, to_row(updated, ("id",)))
        revise(t, conn, updated, version + 1, row.cycle, row.objective, "update", author)
        return version + 1


def add_key_result(store: Store, objective: str, key_result: KeyResult, author: str) -> int:
    """Add a key result at the end of an objective's list; returns its version."""
    import sqlalchemy as sa

    t = store.tables
    o = t["objectives"]
    with store._write(f"add key result {key_result.id}") as conn:
        cycle = conn.execute(sa.select(o.c.cycle).where(o.c.id == objective)).scalar()
        if cycle is None:
            raise NotFoundError(f"no objective {objective!r} in the store")
        refuse_taken(t, conn, key_result.id, "key result")
        version = last_versions(t, conn, [key_result.id]).get(key_result.id, 0) + 1
        insert_key_result(t, conn, key_result, objective, version)
        revise(t, conn, key_result, version, cycle, objective, "add", author)
    return version


def delete_key_result(store: Store, ident: str, version: int, author: str) -> None:
    """Delete a key result without check-ins that nothing points at."""
    import sqlalchemy as sa

    t = store.tables
    kr, ci = t["key_results"], t["checkins"]
    with store._write(f"delete key result {ident}") as conn:
        _check_version(conn, kr, ident, version, "key result")
        checkins = conn.execute(
            sa.select(sa.func.count()).select_from(ci).where(ci.c.key_result == ident)
        ).scalar()
        if checkins:
            raise ValidationError(
                f"key result {ident} has {checkins} check-in(s) and cannot be deleted",
                field="key_result",
                fix="keep it and say so in a note, or carry over only the others next cycle",
            )
        _refuse_pointed_at(
            t, conn, [ident], f"key result {ident}", "key_result", f"remove {ident} from the"
        )
        revisions = kr_deletions(t, conn, [ident], utcnow(), author)
        if conn.execute(kr.delete().where(kr.c.id == ident, kr.c.version == version)).rowcount:
            log(t, conn, revisions)
        else:  # PostgreSQL: somebody else changed or deleted it since the version was read
            raise ConflictError(
                f"{ident} was changed by somebody else since you read version {version};"
                " reload it and decide again"
            )


def _check_version(
    conn: sa.Connection, table: sa.Table, ident: str, version: int, what: str
) -> None:
    """Refuse to delete ``ident`` when it is gone or somebody changed it since ``version``."""
    import sqlalchemy as sa

    found = conn.execute(sa.select(table.c.version).where(table.c.id == ident)).scalar()
    if found is None:
        raise NotFoundError(f"no {what} {ident!r} in the store")
    if found != version:
        raise ConflictError(
            f"{ident} was changed by somebody else (version {found}, you read {version});"
            " reload it and decide again"
        )


def _refuse_pointed_at(
    t: Tables, conn: sa.Connection, krs: list[str], target: str, field: str, fix: str
) -> None:
    """Refuse to delete key results ``krs`` that a KPI or an initiative points at; ``target``
    names them in the message, ``fix`` starts the fix ("remove ... from the")."""
    import sqlalchemy as sa

    if not krs:
        return
    for link, col, what in (
        (t["kpi_measures"], "kpi", "KPI"),
        (t["initiative_supports"], "initiative", "initiative"),
    ):
        users = conn.execute(sa.select(link.c[col]).where(link.c.key_result.in_(krs))).scalars()
        if names := ", ".join(sorted(set(users))):
            raise ValidationError(
                f"{what} {names} points at {target}", field=field, fix=f"{fix} {what} first"
            )


def delete_objective(store: Store, ident: str, version: int, author: str) -> None:
    """Delete an objective, with its key results, when none has check-ins or is pointed at."""
    import sqlalchemy as sa

    t = store.tables
    o, kr, ci, links = t["objectives"], t["key_results"], t["checkins"], t["alignments"]
    with store._write(f"delete objective {ident}") as conn:
        _check_version(conn, o, ident, version, "objective")
        krs = list(conn.execute(sa.select(kr.c.id).where(kr.c.objective == ident)).scalars())
        if (
            krs
            and conn.execute(
                sa.select(sa.func.count()).select_from(ci).where(ci.c.key_result.in_(krs))
            ).scalar()
        ):
            raise ValidationError(
                f"objective {ident} has key results with check-ins and cannot be deleted",
                field="objective",
                fix="keep it and say so in a note",
            )
        children = sorted(
            set(
                conn.execute(
                    sa.select(links.c.child).where(
                        links.c.parent.in_([ident, *krs]), links.c.child != ident
                    )
                ).scalars()
            )
        )
        if children:
            raise ValidationError(
                f"{', '.join(children)} aligned to objective {ident} or its key results",
                field="objective",
                fix=f"delete {', '.join(children)} first, or align it elsewhere",
            )
        _refuse_pointed_at(
            t, conn, krs, f"a key result of objective {ident}", "objective", "remove it from the"
        )
        revisions = deletions(t, conn, [ident], set(), utcnow(), author)
        conn.execute(links.delete().where(links.c.child == ident))
        conn.execute(kr.delete().where(kr.c.objective == ident))
        if conn.execute(o.delete().where(o.c.id == ident, o.c.version == version)).rowcount:
            log(t, conn, revisions)
        else:  # PostgreSQL: somebody else changed or deleted it since the version was read
            raise ConflictError(
                f"{ident} was changed by somebody else since you read version {version};"
                " reload it and decide again"
            )


def move_key_result(store: Store, ident: str, version: int, objective: str, author: str) -> int:
    """Move a key result, with its check-ins, to another objective of the same cycle."""
    import sqlalchemy as sa

    t = store.tables
    kr, o = t["key_results"], t["objectives"]
    with store._write(f"move key result {ident}") as conn:
        row = conn.execute(
            sa.select(kr, o.c.cycle).join(o, o.c.id == kr.c.objective).where(kr.c.id == ident)
        ).first()
        if row is None:
            raise NotFoundError(f"no key result {ident!r} in the store")
        target = conn.execute(sa.select(o.c.cycle).where(o.c.id == objective)).scalar()
        if target is None:
            raise NotFoundError(f"no objective {objective!r} in the store")
        if target != row.cycle:
            raise ValidationError(
                f"objective {objective} is in cycle {target}, key result {ident} in {row.cycle}",
                field="objective",
                fix="move key results within a cycle; carry-over copies them to the next one",
            )
        position = next_position(conn, kr, kr.c.objective == objective)
        bump(conn, kr, ident, version, {"objective": objective, "position": position})
        moved = KeyResult(**fields_of(row, KeyResult.file_keys()))
        revise(t, conn, moved, version + 1, row.cycle, objective, "move", author)
        return version + 1

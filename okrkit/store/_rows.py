"""Writing rows inside a transaction: bulk inserts, versions, revisions, deletions.

Every function takes the store's tables (or the store) and an open connection; the caller owns
the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from okrkit.cycles import Cycle
from okrkit.errors import ConflictError
from okrkit.model import KeyResult, Objective
from okrkit.store._codecs import (
    checkin_record,
    chunks,
    fields_of,
    own,
    revision_row,
    to_row,
    utcnow,
)

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = [
    "Tables",
    "bump",
    "delete_key_results",
    "deletions",
    "insert_key_result",
    "insert_many",
    "kr_deletions",
    "last_versions",
    "log",
    "next_position",
    "put_cycle",
    "refuse_taken",
    "revise",
]

#: The store's tables by short name (see ``_schema.tables``).
Tables = Mapping[str, "sa.Table"]


def insert_many(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows of the same keys through the driver's ``executemany``, in chunks.

    Each value goes through its column type's bind processor (dates as text on SQLite), as
    ``conn.execute(table.insert(), rows)`` would do, without SQLAlchemy's per-row
    bookkeeping, which costs more than the database's own work for large imports.
    """
    if not rows:
        return
    dialect = conn.dialect
    keys = list(rows[0])
    statement = table.insert().compile(dialect=dialect, column_keys=keys)
    order = list(statement.positiontup or ()) if statement.positional else keys
    types = {k: table.c[k].type.dialect_impl(dialect) for k in order}
    processors = [(k, types[k].bind_processor(dialect)) for k in order]
    convert = [(k, p) for k, p in processors if p is not None]
    sql = str(statement)
    for chunk in chunks(rows, 5000):
        if convert:
            chunk = [{**r, **{k: p(r[k]) for k, p in convert}} for r in chunk]
        params: list[Any] = (
            [tuple(r[k] for k in order) for r in chunk] if statement.positional else chunk
        )
        conn.exec_driver_sql(sql, params)


def log(t: Tables, conn: sa.Connection, revisions: list[dict[str, Any]]) -> None:
    """Write revision rows, many per statement."""
    for chunk in chunks(revisions, 5000):
        conn.execute(t["revisions"].insert(), chunk)


def revise(
    t: Tables,
    conn: sa.Connection,
    obj: Objective | KeyResult,
    version: int,
    cycle: str,
    objective: str | None,
    action: str,
    author: str,
) -> None:
    """Record one objective's or key result's new ``version`` as a revision."""
    kind = "objective" if isinstance(obj, Objective) else "key_result"
    log(
        t,
        conn,
        [revision_row(kind, own(obj), version, cycle, objective, utcnow(), action, author)],
    )


def last_versions(t: Tables, conn: sa.Connection, ids: list[str]) -> dict[str, int]:
    """The latest revision's version of each of ``ids`` that has a history."""
    import sqlalchemy as sa

    r = t["revisions"]
    out: dict[str, int] = {}
    for chunk in chunks(ids, 500):
        for ident, version in conn.execute(
            sa.select(r.c.id, sa.func.max(r.c.version)).where(r.c.id.in_(chunk)).group_by(r.c.id)
        ):
            out[ident] = int(version)
    return out


def bump(
    conn: sa.Connection, table: sa.Table, ident: str, version: int, changes: Mapping[str, Any]
) -> None:
    """Write ``changes`` to the row read at ``version``, one version up; a stale one conflicts."""
    import sqlalchemy as sa

    done = conn.execute(
        table.update()
        .where(table.c.id == ident, table.c.version == version)
        .values(**changes, version=version + 1)
    ).rowcount
    if done != 1:
        found = conn.execute(sa.select(table.c.version).where(table.c.id == ident)).scalar()
        raise ConflictError(
            f"{ident} was changed by somebody else (version {found}, you read {version});"
            " reload it and apply your change again"
        )


def next_position(conn: sa.Connection, table: sa.Table, where: Any) -> int:
    """The position after the last row of ``table`` that matches ``where``."""
    import sqlalchemy as sa

    found = conn.execute(sa.select(sa.func.max(table.c.position)).where(where)).scalar()
    return int(found) + 1 if found is not None else 0


def put_cycle(t: Tables, conn: sa.Connection, cycle: Cycle) -> None:
    """Add ``cycle`` unless the store has it; writers adding the same cycle at once all pass.

    Raises
    ------
    ConflictError
        When the store has a cycle of that id with other dates.
    """
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql, sqlite

    table = t["cycles"]
    insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    conn.execute(
        insert(table)
        .values(id=cycle.id, start=cycle.start, end=cycle.end)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    found = conn.execute(sa.select(table).where(table.c.id == cycle.id)).one()
    if (found.start, found.end) != (cycle.start, cycle.end):
        raise ConflictError(
            f"cycle {cycle.id} is in the store as {found.start}..{found.end}, the file says"
            f" {cycle.start}..{cycle.end}: use the same dates or another cycle id"
        )


def refuse_taken(t: Tables, conn: sa.Connection, ident: str, what: str) -> None:
    """Refuse ``ident`` for a new ``what`` when any record of the store has it."""
    import sqlalchemy as sa

    for name in ("objectives", "key_results", "kpis", "initiatives"):
        table = t[name]
        if conn.execute(sa.select(table.c.id).where(table.c.id == ident)).first():
            raise ConflictError(
                f"the id {ident!r} is already used in the store; give the {what} another id"
            )


def insert_key_result(
    t: Tables, conn: sa.Connection, key_result: KeyResult, objective: str, version: int
) -> None:
    """Add a key result at the end of its objective's list."""
    kr = t["key_results"]
    position = next_position(conn, kr, kr.c.objective == objective)
    conn.execute(
        kr.insert().values(
            **to_row(key_result), objective=objective, position=position, version=version
        )
    )


def delete_key_results(t: Tables, conn: sa.Connection, ids: Iterable[str]) -> None:
    """Delete key results with their check-ins (their revisions keep them)."""
    for chunk in chunks(list(ids), 500):
        conn.execute(t["checkins"].delete().where(t["checkins"].c.key_result.in_(chunk)))
        conn.execute(t["key_results"].delete().where(t["key_results"].c.id.in_(chunk)))


def kr_deletions(
    t: Tables,
    conn: sa.Connection,
    ids: list[str],
    at: dt.datetime,
    author: str,
    *,
    checkins: bool = False,
) -> list[dict[str, Any]]:
    """The ``delete`` revisions of key results, read before they are deleted.

    With ``checkins`` each revision also keeps the key result's check-ins (in every state),
    which ``Store.restore`` writes back with it.
    """
    import sqlalchemy as sa

    kr, o, ci = t["key_results"], t["objectives"], t["checkins"]
    query = sa.select(kr, o.c.cycle).join(o, o.c.id == kr.c.objective)
    kept: dict[str, list[dict[str, Any]]] = {}
    if checkins:
        for chunk in chunks(ids, 500):
            for found in conn.execute(
                sa.select(ci).where(ci.c.key_result.in_(chunk)).order_by(ci.c.id)
            ):
                kept.setdefault(found.key_result, []).append(checkin_record(found))
    out = []
    for chunk in chunks(ids, 500):
        for found in conn.execute(query.where(kr.c.id.in_(chunk))):
            fields = fields_of(found, KeyResult.file_keys())
            if found.id in kept:
                fields["checkins"] = kept[found.id]
            out.append(
                revision_row(
                    "key_result",
                    fields,
                    found.version + 1,
                    found.cycle,
                    found.objective,
                    at,
                    "delete",
                    author,
                )
            )
    return out


def deletions(
    t: Tables, conn: sa.Connection, ids: list[str], keep: set[str], at: dt.datetime, author: str
) -> list[dict[str, Any]]:
    """The ``delete`` revisions of what replacing ``ids`` removes and ``keep`` does not hold.

    Replacing an objective removes its key results; those the import brings back (``keep``)
    get a ``replace`` revision instead. Read before the rows are deleted.
    """
    import sqlalchemy as sa

    o, kr, links = t["objectives"], t["key_results"], t["alignments"]
    out = []
    seen = set(keep)  # a key result can come up twice: by its id and by its objective's
    for chunk in chunks(ids, 500):
        dropped = [i for i in chunk if i not in keep]  # ids the file gives to a KPI, say
        for found in conn.execute(sa.select(o).where(o.c.id.in_(dropped))) if dropped else ():
            fields = fields_of(found, Objective.file_keys(), skip=("key_results", "aligns_to"))
            fields["aligns_to"] = tuple(
                conn.execute(
                    sa.select(links.c.parent)
                    .where(links.c.child == found.id)
                    .order_by(links.c.position)
                ).scalars()
            )
            out.append(
                revision_row(
                    "objective", fields, found.version + 1, found.cycle, None, at, "delete", author
                )
            )
        krs = list(conn.execute(sa.select(kr.c.id).where(kr.c.objective.in_(chunk))).scalars())
        if dropped:
            krs += conn.execute(sa.select(kr.c.id).where(kr.c.id.in_(dropped))).scalars()
        gone = [i for i in krs if i not in seen]
        seen.update(gone)
        if gone:
            out += kr_deletions(t, conn, gone, at, author, checkins=True)
    return out

"""The schema: tables, the schema version, upgrades, and the locks that serialise them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from okrkit.errors import SchemaVersionError, StoreError
from okrkit.model import KeyResult, Objective
from okrkit.store._codecs import fields_of, revision_row, utcnow
from okrkit.store._rows import log

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store import Store

__all__ = [
    "IMPORT_LOCK",
    "SCHEMA_LOCK",
    "SCHEMA_VERSION",
    "advisory_lock",
    "ensure_schema",
    "tables",
]

SCHEMA_VERSION = 3
#: The PostgreSQL advisory lock key that serialises creating and upgrading a store ("okrkit").
SCHEMA_LOCK = 0x6F6B726B6974
#: The PostgreSQL advisory lock key that serialises imports ("okrkit" + 1).
IMPORT_LOCK = SCHEMA_LOCK + 1


#: The columns schema version 3 adds, per table: a key result's description, bound, period,
#: due date and ordinal levels; an ordinal check-in's zone; a KPI's baseline.
_NEW_IN_3: dict[str, Callable[[Any], tuple[tuple[str, Any], ...]]] = {
    "key_results": lambda sa: (
        ("description", sa.Text),
        ("bound", sa.Text),
        ("per", sa.Text),
        ("due", sa.Date),
        ("commit_zone", sa.Text),
        ("target_zone", sa.Text),
        ("stretch_zone", sa.Text),
        ("zone", sa.Text),
    ),
    "checkins": lambda sa: (("zone", sa.Text),),
    "kpis": lambda sa: (("baseline", sa.Double),),
}


def tables(sa: Any) -> tuple[sa.MetaData, dict[str, sa.Table]]:
    """The schema: SQLAlchemy tables by short name, and their metadata."""
    md = sa.MetaData()
    text, real, integer = sa.Text, sa.Double, sa.Integer

    def cols(*spec: tuple[str, Any]) -> list[sa.Column[Any]]:
        return [sa.Column(name, kind, nullable=True) for name, kind in spec]

    t = {
        "meta": sa.Table(
            "okrkit_meta",
            md,
            sa.Column("key", text, primary_key=True),
            sa.Column("value", text, nullable=False),
        ),
        "cycles": sa.Table(
            "cycles",
            md,
            sa.Column("id", text, primary_key=True),
            sa.Column("start", sa.Date, nullable=False),
            sa.Column("end", sa.Date, nullable=False),
        ),
        "objectives": sa.Table(
            "objectives",
            md,
            sa.Column("id", text, primary_key=True),
            sa.Column("cycle", text, sa.ForeignKey("cycles.id"), nullable=False, index=True),
            sa.Column("position", integer, nullable=False),
            sa.Column("title", text, nullable=False),
            *cols(
                ("owner", text),
                ("level", text),
                ("kind", text),
                ("description", text),
                ("carried_from", text),
            ),
            sa.Column("silence", text, nullable=True),
            sa.Column("version", integer, nullable=False, default=1),
        ),
        "alignments": sa.Table(
            "alignments",
            md,
            sa.Column(
                "child", text, sa.ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True
            ),
            sa.Column("parent", text, primary_key=True),
            sa.Column("position", integer, nullable=False),
        ),
        "key_results": sa.Table(
            "key_results",
            md,
            sa.Column("id", text, primary_key=True),
            sa.Column(
                "objective",
                text,
                sa.ForeignKey("objectives.id", ondelete="CASCADE"),
                nullable=False,
                index=True,
            ),
            sa.Column("position", integer, nullable=False),
            sa.Column("title", text, nullable=False),
            sa.Column("type", text, nullable=False),
            sa.Column("weight", real, nullable=False),
            *cols(
                ("owner", text),
                ("confidence", integer),
                ("start", real),
                ("target", real),
                ("current", real),
                ("unit", text),
                ("done", sa.Boolean),
                ("grade", real),
                ("threshold", real),
                ("direction", text),
                ("carried_from", text),
            ),
            *cols(*_NEW_IN_3["key_results"](sa)),
            sa.Column("silence", text, nullable=True),
            sa.Column("version", integer, nullable=False, default=1),
        ),
        "checkins": sa.Table(
            "checkins",
            md,
            sa.Column("id", integer, primary_key=True, autoincrement=True),
            sa.Column(
                "key_result",
                text,
                sa.ForeignKey("key_results.id", ondelete="CASCADE"),
                nullable=False,
                index=True,
            ),
            sa.Column("date", sa.Date, nullable=False),
            *cols(
                ("value", real),
                ("done", sa.Boolean),
                ("grade", real),
                ("confidence", integer),
                ("note", text),
                ("author", text),
            ),
            *cols(*_NEW_IN_3["checkins"](sa)),
            sa.Column("state", text, nullable=False, default="active"),
            sa.Column("replaces", integer, nullable=True),
            sa.Column("reason", text, nullable=True),
            sa.Column("recorded_at", sa.DateTime, nullable=False),
        ),
        "kpis": sa.Table(
            "kpis",
            md,
            sa.Column("id", text, primary_key=True),
            sa.Column("cycle", text, sa.ForeignKey("cycles.id"), nullable=False, index=True),
            sa.Column("position", integer, nullable=False),
            sa.Column("name", text, nullable=False),
            sa.Column("target", real, nullable=True),
            *cols(
                ("timeframe", text),
                ("data_source", text),
                ("frequency", text),
                ("current", real),
                ("direction", text),
                ("unit", text),
                ("owner", text),
            ),
            *cols(*_NEW_IN_3["kpis"](sa)),
            sa.Column("silence", text, nullable=True),
            sa.Column("version", integer, nullable=False, default=1),
        ),
        "kpi_measures": sa.Table(
            "kpi_measures",
            md,
            sa.Column("kpi", text, sa.ForeignKey("kpis.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("key_result", text, primary_key=True),
            sa.Column("position", integer, nullable=False),
        ),
        "initiatives": sa.Table(
            "initiatives",
            md,
            sa.Column("id", text, primary_key=True),
            sa.Column("cycle", text, sa.ForeignKey("cycles.id"), nullable=False, index=True),
            sa.Column("position", integer, nullable=False),
            sa.Column("title", text, nullable=False),
            *cols(("owner", text), ("state", text), ("link", text)),
            sa.Column("silence", text, nullable=True),
            sa.Column("version", integer, nullable=False, default=1),
        ),
        "initiative_supports": sa.Table(
            "initiative_supports",
            md,
            sa.Column(
                "initiative",
                text,
                sa.ForeignKey("initiatives.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("key_result", text, primary_key=True),
            sa.Column("position", integer, nullable=False),
        ),
        # Workshop brainstorms (okrkit.brainstorm): objective ideas and their dot votes.
        "ideas": sa.Table(
            "ideas",
            md,
            sa.Column("id", integer, primary_key=True, autoincrement=True),
            sa.Column("cycle", text, nullable=False, index=True),
            sa.Column("title", text, nullable=False),
            *cols(("owner", text), ("level", text), ("author", text)),
            sa.Column("state", text, nullable=False, default="open"),
            sa.Column("merged_into", integer, nullable=True),
            sa.Column("objective", text, nullable=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("version", integer, nullable=False, default=1),
        ),
        "votes": sa.Table(
            "votes",
            md,
            sa.Column("id", integer, primary_key=True, autoincrement=True),
            sa.Column("idea", integer, sa.ForeignKey("ideas.id"), nullable=False, index=True),
            sa.Column("voter", text, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
        ),
        # The edit history of objectives and key results (schema version 2). A version number
        # belongs to one id across the store: a deleted and re-added id carries on counting.
        "revisions": sa.Table(
            "revisions",
            md,
            sa.Column("id", text, primary_key=True),
            sa.Column("version", integer, primary_key=True),
            sa.Column("kind", text, nullable=False),
            sa.Column("cycle", text, nullable=False, index=True),
            sa.Column("objective", text, nullable=True),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("action", text, nullable=False),
            sa.Column("author", text, nullable=False, default=""),
            sa.Column("snapshot", text, nullable=False),
        ),
    }
    return md, t


def advisory_lock(conn: sa.Connection, key: int) -> None:
    """On PostgreSQL, take the advisory lock ``key`` until the transaction ends.

    SQLite needs none: a write transaction holds the file's write lock from its
    ``BEGIN IMMEDIATE``.
    """
    import sqlalchemy as sa

    if conn.dialect.name != "sqlite":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def ensure_schema(store: Store, create: bool) -> None:
    """Create the schema of a new store, upgrade an old one, refuse one of another version.

    Creating and upgrading take the schema lock: PostgreSQL creates tables concurrently and the
    second creator would fail on the catalog.
    """
    import sqlalchemy as sa

    meta = store.tables["meta"]
    # One look at the table names: two looks could straddle another process's creation.
    names = set(sa.inspect(store.engine).get_table_names())
    if meta.name not in names:
        _refuse_foreign(store, names)
        if not create:
            raise StoreError(f"{store.display_url} is not an okrkit store: run 'okrkit init'")
        with store._write("create the store") as conn:
            advisory_lock(conn, SCHEMA_LOCK)
            # Another process may have created it while this one waited for the lock.
            names = set(sa.inspect(conn).get_table_names())
            if meta.name not in names:
                _refuse_foreign(store, names)
                store.tables["meta"].metadata.create_all(conn)
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    with store._read() as conn:
        found = _schema_version(store, conn)
    if found in _UPGRADES:
        with store._write("upgrade the store") as conn:
            advisory_lock(conn, SCHEMA_LOCK)
            # Another process may have upgraded it while this one waited for the lock.
            while (found := _schema_version(store, conn)) in _UPGRADES:
                _UPGRADES[found](store, conn)
    if found != str(SCHEMA_VERSION):
        raise SchemaVersionError(
            f"the store {store.display_url} has schema version {found}, this okrkit reads"
            f" version {SCHEMA_VERSION}: upgrade okrkit, or export with the okrkit that wrote"
            " it and import here"
        )


def _schema_version(store: Store, conn: sa.Connection) -> str | None:
    import sqlalchemy as sa

    meta = store.tables["meta"]
    found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    return None if found is None else str(found)


def _refuse_foreign(store: Store, names: set[str]) -> None:
    if names:
        raise SchemaVersionError(
            f"{store.display_url} holds tables ({', '.join(sorted(names)[:3])}, ...)"
            " but no okrkit schema version: it is not an okrkit store"
        )


def _upgrade_1(store: Store, conn: sa.Connection) -> None:
    """Schema 1 to 2: add the revisions, one ``import`` revision per objective and KR."""
    import sqlalchemy as sa

    t = store.tables
    _add_columns_of_3(store, conn)  # the tables below are read with the columns of today
    o, kr, links = t["objectives"], t["key_results"], t["alignments"]
    t["revisions"].metadata.create_all(conn, tables=[t["revisions"]])
    parents: dict[str, list[str]] = {}
    for child, parent in conn.execute(
        sa.select(links.c.child, links.c.parent).order_by(links.c.child, links.c.position)
    ):
        parents.setdefault(child, []).append(parent)
    now = utcnow()
    revisions = []
    for row in conn.execute(sa.select(o).order_by(o.c.cycle, o.c.position)):
        values = fields_of(row, Objective.file_keys(), skip=("key_results", "aligns_to"))
        values["aligns_to"] = tuple(parents.get(row.id, ()))
        revisions.append(
            revision_row("objective", values, row.version, row.cycle, None, now, "import", "")
        )
    for row in conn.execute(
        sa.select(kr, o.c.cycle)
        .join(o, o.c.id == kr.c.objective)
        .order_by(o.c.cycle, o.c.position, kr.c.position)
    ):
        values = fields_of(row, KeyResult.file_keys())
        revisions.append(
            revision_row(
                "key_result", values, row.version, row.cycle, row.objective, now, "import", ""
            )
        )
    log(t, conn, revisions)
    meta = t["meta"]
    conn.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))


def _upgrade_2(store: Store, conn: sa.Connection) -> None:
    """Schema 2 to 3: add the columns of :data:`_NEW_IN_3`, empty."""
    _add_columns_of_3(store, conn)
    meta = store.tables["meta"]
    conn.execute(meta.update().where(meta.c.key == "schema_version").values(value="3"))


def _add_columns_of_3(store: Store, conn: sa.Connection) -> None:
    """Add the columns of :data:`_NEW_IN_3` a table lacks (the tables of this okrkit read
    them)."""
    import sqlalchemy as sa

    t = store.tables
    sqlite = conn.dialect.name == "sqlite"
    for name, columns in _NEW_IN_3.items():
        table = t[name]
        have = (
            {row[1] for row in conn.execute(sa.text(f"PRAGMA table_info({table.name})"))}
            if sqlite
            else set()
        )
        for column, kind in columns(sa):
            if column not in have:
                ddl = kind().compile(dialect=conn.dialect)
                add = "ADD COLUMN" if sqlite else "ADD COLUMN IF NOT EXISTS"
                conn.execute(sa.text(f'ALTER TABLE {table.name} {add} "{column}" {ddl}'))


#: Upgrade steps by the schema version they start from (each moves one version up).
_UPGRADES: dict[str, Callable[[Store, sa.Connection], None]] = {
    "1": _upgrade_1,
    "2": _upgrade_2,
}

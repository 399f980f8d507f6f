"""The store: OKR sets of many cycles in one SQLite file, or in PostgreSQL, by URL.

SQLAlchemy Core, so the same SQL runs on both. Every public write is one transaction: it lands
whole or not at all. On SQLite the file runs in WAL mode with a busy timeout and writes take the
write lock up front (``BEGIN IMMEDIATE``), so writers in several kernels queue instead of failing
or losing each other's rows. Editable rows carry a ``version``: an update names the version it
read and a stale one raises :class:`~okrkit.errors.ConflictError` instead of overwriting.

Check-ins are never overwritten: a correction marks the old row ``corrected`` and adds the new one
with a link to it; a deletion marks the row ``deleted``. :meth:`Store.checkins` shows the history.

Objectives and key results keep their edit history as revisions: every write that changes one
records its new version with the time, the action, the author and a snapshot of its fields, in
the same transaction. :meth:`Store.history` lists them, :meth:`Store.revision` shows one and
:meth:`Store.restore` writes an old one back as a new version.

Examples
--------
>>> from okrkit import load_yaml
>>> store = Store("sqlite://")            # in memory; a path or URL for a real store
>>> okrs = load_yaml("cycle: 2026-Q1\\nobjectives:\\n- {id: O1, title: Delight customers}\\n")
>>> store.import_set(okrs).objectives
1
>>> store.load("2026-Q1") == okrs
True
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle, current_quarter
from okrkit.errors import (
    AlignmentCycleError,
    ConflictError,
    NotFoundError,
    OkrkitError,
    SchemaVersionError,
    StoreError,
    ValidationError,
)
from okrkit.frames import FRAME_COLUMNS, Frames, from_frames, to_frames
from okrkit.merging import (
    CheckinPlan,
    ImportMode,
    ImportSummary,
    Resolution,
    StoredCheckIn,
    match_checkins,
    resolve_edit,
)
from okrkit.model import (
    CHECKIN_FIELD,
    KPI,
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    OkrSet,
    find_alignment_loop,
    loop_error,
)

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["SCHEMA_VERSION", "ImportSummary", "Store", "resolve_url"]

SCHEMA_VERSION = 2
ENV_URL = "OKRKIT_DATABASE_URL"
DEFAULT_FILE = "okrkit.db"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The store URL: ``db`` if given, else ``$OKRKIT_DATABASE_URL``, else ``./okrkit.db``.

    A plain path becomes a SQLite URL.

    >>> resolve_url("postgresql+psycopg://u@127.0.0.1/okr")
    'postgresql+psycopg://u@127.0.0.1/okr'
    >>> resolve_url("/tmp/team.db")
    'sqlite:////tmp/team.db'
    """
    value = os.fspath(db) if db is not None else os.environ.get(ENV_URL) or DEFAULT_FILE
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().absolute()}"


def _tables(sa: Any) -> tuple[sa.MetaData, dict[str, sa.Table]]:
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


#: One encoder for every row: ``json.dumps`` with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _row(obj: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A model object as column values; silenced findings as a JSON object (or NULL)."""
    cls = type(obj)
    if cls not in _FIELD_NAMES:
        # The store keeps each row's version itself: an object's ``version`` (what a file
        # says it was read at) is never written over it.
        _FIELD_NAMES[cls] = tuple(f.name for f in fields(obj) if f.name != "version")
    skipped = set(skip)
    out = {name: getattr(obj, name) for name in _FIELD_NAMES[cls] if name not in skipped}
    if "silence" in out:
        out["silence"] = _JSON.encode(dict(out["silence"])) if out["silence"] else None
    return out


def _silence(text: str | None) -> tuple[tuple[str, str], ...]:
    """The ``silence`` column back as (code, reason) pairs."""
    return tuple(sorted(json.loads(text).items())) if isinstance(text, str) and text else ()


_KINDS: dict[str, type[Objective] | type[KeyResult]] = {
    "objective": Objective,
    "key_result": KeyResult,
}


def _values(obj: Objective | KeyResult) -> dict[str, Any]:
    """A model object's own fields (an objective's key results have their own history)."""
    return {k: getattr(obj, k) for k in _own_keys(type(obj))}


def _own_keys(cls: type[Any]) -> tuple[str, ...]:
    return _OWN_KEYS[cls]


#: The fields of a record that its revisions and comparisons look at: not an objective's key
#: results (they have their own history) nor the store version a file may carry.
_OWN_KEYS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(k for k in cls.file_keys() if k not in ("key_results", "version"))
    for cls in (Objective, KeyResult, KPI, Initiative)
}


def _snapshot(values: Mapping[str, Any]) -> str:
    """Fields as JSON in the file form, which ``from_dict`` reads back; empty ones left out."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == () or key in ("key_results", "version"):
            continue
        out[key] = (
            dict(value) if key == "silence" else list(value) if type(value) is tuple else value
        )
    return _JSON.encode(out)


def _from_snapshot(kind: str, text: str) -> Objective | KeyResult:
    data = json.loads(text)
    data.pop("checkins", None)  # a deleted key result's check-ins (see _kr_deletions)
    return _KINDS[kind].from_dict(data)


class Store:
    """OKR sets of many cycles, persisted through SQLAlchemy Core.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///okrkit.db``, ``postgresql+psycopg://...``) or a file path
        for SQLite. Default: :func:`resolve_url`.
    create
        Create the schema when the store is new (default). With ``False`` a missing SQLite file
        raises :class:`~okrkit.errors.StoreError`.

    Raises
    ------
    StoreError
        When the store cannot be opened.
    SchemaVersionError
        When the store was written with another schema version.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        import sqlalchemy as sa

        self._sa = sa
        self.url = resolve_url(url)
        self._metadata, self.tables = _tables(sa)
        is_sqlite = self.url.startswith("sqlite")
        self.is_sqlite = is_sqlite
        if is_sqlite:
            path = _sqlite_path(sa.engine.make_url(self.url))
            if path and path != ":memory:":
                if not create and not Path(path).exists():
                    raise StoreError(
                        f"no store at {path}: run 'okrkit init' or pass --db with the right path"
                    )
                if not Path(path).parent.exists():
                    raise StoreError(
                        f"cannot create the store {path}: the folder {Path(path).parent}"
                        " does not exist"
                    )
        try:
            self.engine = self._make_engine(sa)
            try:
                self._ensure_schema(create)
            except BaseException:
                self.engine.dispose()  # a store refused on opening holds no connection
                raise
        except sa.exc.SQLAlchemyError as exc:
            raise self._store_error(exc, "open") from None

    # --- engine and transactions ---------------------------------------------------------------

    def _make_engine(self, sa: Any) -> Any:
        if not self.is_sqlite:
            return sa.create_engine(self.url, pool_pre_ping=True)
        memory = self.url in ("sqlite://", "sqlite:///:memory:")
        connect_args: dict[str, Any] = {"timeout": 60, "check_same_thread": False}
        url = sa.engine.make_url(self.url)
        file = None if memory or not url.database or url.query.get("uri") else Path(url.database)
        extra: dict[str, Any] = {}
        if file is not None and file.exists() and os.access(file, os.W_OK):
            _writable_sidecars(file)
        if file is not None and file.exists() and not os.access(file, os.W_OK):
            # A file this process may not write (permissions, chattr +i, a read-only mount):
            # open it read-only, so that reads work and writes fail as "readonly". On a
            # read-only file system without a -shm file, SQLite cannot make its WAL index; as
            # nothing can write the file through that mount, it is opened as immutable.
            import sqlite3

            flags = "mode=ro"
            folder = file.absolute().parent
            statvfs = getattr(os, "statvfs", None)  # not on Windows
            on_read_only_fs = statvfs and statvfs(folder).f_flag & os.ST_RDONLY
            if on_read_only_fs and not Path(f"{file}-shm").exists():
                flags += "&immutable=1"
            uri = f"{file.absolute().as_uri()}?{flags}"
            extra["creator"] = lambda: sqlite3.connect(uri, uri=True, **connect_args)
        engine = sa.create_engine(
            self.url,
            connect_args=connect_args,
            poolclass=sa.pool.StaticPool if memory else sa.pool.QueuePool,
            **extra,
        )
        read_only = bool(extra) or url.query.get("mode") == "ro"  # or a URI with mode=ro

        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            if not memory and not read_only:
                _wal(cursor)
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        def _on_begin(conn: Any) -> None:
            write = conn.get_execution_options().get("okrkit_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        sa.event.listen(engine, "connect", _on_connect)
        sa.event.listen(engine, "begin", _on_begin)

        return engine

    @contextmanager
    def _write(self, action: str) -> Iterator[sa.Connection]:
        """One write transaction: commits whole on success, rolls back on any error."""
        sa = self._sa
        try:
            with self.engine.connect().execution_options(okrkit_write=True) as conn, conn.begin():
                yield conn
        except OkrkitError:
            raise
        except sa.exc.IntegrityError as exc:
            raise ConflictError(
                f"cannot {action}: the change clashes with data already in the store"
                f" ({_first_line(exc.orig)})"
            ) from None
        except sa.exc.SQLAlchemyError as exc:
            raise self._store_error(exc, action) from None

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        sa = self._sa
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except OkrkitError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise self._store_error(exc, "read the store") from None

    def _store_error(self, exc: Exception, action: str) -> StoreError:
        orig = getattr(exc, "orig", exc)
        detail = _first_line(orig)
        low = detail.lower()
        code = getattr(orig, "sqlstate", None) or ""  # PostgreSQL's error code
        url = self._sa.engine.make_url(self.url)
        writing = action not in ("open", "read the store")
        unchanged = " (nothing was written)" if writing else ""
        file = Path(url.database) if self.is_sqlite and url.database else None
        no_wal_index = (  # SQLite must create the -shm file to read a WAL store, and cannot
            file is not None
            and file.exists()
            and not Path(f"{file}-shm").exists()
            and not os.access(file.absolute().parent, os.W_OK)
        )
        hint = ""
        if no_wal_index and not writing and ("unable to open" in low or "readonly" in low):
            hint = (
                f": the store's folder is read-only, and SQLite must create {url.database}-shm"
                " there to read the store; copy it to a writable place or get write access to"
                " the folder, or pass another --db"
            )
        elif (side := _read_only_sidecar(file)) and "readonly" in low:
            owner = _owner(side)
            hint = (
                f": the store is writable, but {side} is read-only (a read-only open of the"
                f" store left it so); make it writable (chmod u+w '{side}', as {owner}), or"
                f" close every program that uses the store and delete '{side}' (SQLite makes"
                f" it again; never delete the -wal file){unchanged}"
            )
        elif self.is_sqlite and url.query.get("mode") == "ro" and "readonly" in low:
            hint = ": the store is read-only (opened with mode=ro); drop mode=ro from the URL"
        elif code == "25006" or "readonly" in low or "read-only" in low:
            hint = (
                ": the store is read-only (this process may not write the file); copy it to a"
                " writable place or get write access, or pass another --db"
                if self.is_sqlite
                else ": the store is read-only (the database accepts only reads: it is set"
                " read-only, or a standby server); use a writable database, or pass another --db"
            )
        elif code == "42501" or "permission denied" in low:
            hint = (
                f": the store is read-only for the database user {url.username}: ask the"
                " database administrator to grant INSERT, UPDATE and DELETE on its tables,"
                " or pass another --db"
                if writing
                else f": the database user {url.username} may not read the store: ask the"
                " database administrator to grant SELECT on its tables"
            )
        elif code == "53100" or "disk is full" in low or "no space left" in low:
            disk = "the disk" if self.is_sqlite else "the database server's disk"
            hint = f": {disk} is full; free some space and try again{unchanged}"
        elif "disk i/o error" in low:
            hint = (
                ": the disk reported an I/O error (is it full, or a network drive that went"
                f" away?); try again when it is fixed{unchanged}"
            )
        elif "not a database" in low or "malformed" in low:
            hint = ": this file is not an okrkit store (not a SQLite database)"
        elif "unable to open" in low:
            hint = ": check the path and the folder's permissions"
        return StoreError(f"cannot {action} at {self._safe_url()}{hint} [{detail}]")

    def _safe_url(self) -> str:
        return str(self._sa.engine.make_url(self.url).render_as_string(hide_password=True))

    def _ensure_schema(self, create: bool) -> None:
        sa = self._sa
        meta = self.tables["meta"]
        # One look at the table names: two looks could straddle another process's creation.
        names = set(sa.inspect(self.engine).get_table_names())
        if meta.name not in names:
            self._refuse_foreign(names)
            if not create:
                raise StoreError(f"{self._safe_url()} is not an okrkit store: run 'okrkit init'")
            with self._write("create the store") as conn:
                self._lock_schema(conn)
                # Another process may have created it while this one waited for the lock.
                names = set(sa.inspect(conn).get_table_names())
                if meta.name not in names:
                    self._refuse_foreign(names)
                    self._metadata.create_all(conn)
                    conn.execute(
                        meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
                    )
        with self._read() as conn:
            found = self._schema_version(conn)
        if found in _UPGRADES:
            with self._write("upgrade the store") as conn:
                self._lock_schema(conn)
                # Another process may have upgraded it while this one waited for the lock.
                while (found := self._schema_version(conn)) in _UPGRADES:
                    _UPGRADES[found](self, conn)
        if found != str(SCHEMA_VERSION):
            raise SchemaVersionError(
                f"the store {self._safe_url()} has schema version {found}, this okrkit reads"
                f" version {SCHEMA_VERSION}: upgrade okrkit, or export with the okrkit that wrote"
                " it and import here"
            )

    def _schema_version(self, conn: sa.Connection) -> str | None:
        meta = self.tables["meta"]
        found = conn.execute(
            self._sa.select(meta.c.value).where(meta.c.key == "schema_version")
        ).scalar()
        return None if found is None else str(found)

    def _lock_schema(self, conn: sa.Connection) -> None:
        """Serialise creating and upgrading the schema across processes.

        SQLite does it already: a write transaction holds the file's write lock from its
        ``BEGIN IMMEDIATE``. PostgreSQL creates tables concurrently and the second creator fails
        on the catalog, so the transaction first takes an advisory lock, held until it ends.
        """
        self._advisory_lock(conn, _SCHEMA_LOCK)

    def _advisory_lock(self, conn: sa.Connection, key: int) -> None:
        """On PostgreSQL, take the advisory lock ``key`` until the transaction ends."""
        if not self.is_sqlite:
            conn.execute(self._sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def _upgrade_1(self, conn: sa.Connection) -> None:
        """Schema 1 to 2: add the revisions, one ``import`` revision per objective and KR."""
        sa = self._sa
        t = self.tables
        o, kr, links = t["objectives"], t["key_results"], t["alignments"]
        self._metadata.create_all(conn, tables=[t["revisions"]])
        parents: dict[str, list[str]] = {}
        for child, parent in conn.execute(
            sa.select(links.c.child, links.c.parent).order_by(links.c.child, links.c.position)
        ):
            parents.setdefault(child, []).append(parent)
        now = _utcnow()
        revisions = []
        for row in conn.execute(sa.select(o).order_by(o.c.cycle, o.c.position)):
            values = _fields_of(row, Objective.file_keys(), skip=("key_results", "aligns_to"))
            values["aligns_to"] = tuple(parents.get(row.id, ()))
            revisions.append(
                _revision_row("objective", values, row.version, row.cycle, None, now, "import", "")
            )
        for row in conn.execute(
            sa.select(kr, o.c.cycle)
            .join(o, o.c.id == kr.c.objective)
            .order_by(o.c.cycle, o.c.position, kr.c.position)
        ):
            values = _fields_of(row, KeyResult.file_keys())
            revisions.append(
                _revision_row(
                    "key_result", values, row.version, row.cycle, row.objective, now, "import", ""
                )
            )
        self._log(conn, revisions)
        meta = t["meta"]
        conn.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))

    def _refuse_foreign(self, names: set[str]) -> None:
        if names:
            raise SchemaVersionError(
                f"{self._safe_url()} holds tables ({', '.join(sorted(names)[:3])}, ...)"
                " but no okrkit schema version: it is not an okrkit store"
            )

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database file (nothing to do elsewhere)."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._safe_url()!r})"

    # --- cycles --------------------------------------------------------------------------------

    def cycles(self) -> list[Cycle]:
        """Every cycle in the store, oldest first."""
        t = self.tables["cycles"]
        with self._read() as conn:
            rows = conn.execute(self._sa.select(t).order_by(t.c.start, t.c.id)).all()
        out = []
        for r in rows:
            try:
                out.append(Cycle(id=r.id, start=r.start, end=r.end))
            except ValidationError as exc:  # written by an okrkit without today's limits
                raise StoreError(
                    f"the store {self._safe_url()} holds cycle {r.id} ({r.start}..{r.end}),"
                    f" which this okrkit cannot handle: {exc}; export it with the okrkit that"
                    " wrote it, or remove that cycle"
                ) from None
        return out

    def cycle(self, cycle: str | Cycle | None = None) -> Cycle:
        """The cycle named ``cycle``; by default the one running today, else the latest.

        Raises
        ------
        NotFoundError
            When the store has no such cycle (or no cycle at all).
        """
        cycles = self.cycles()
        if not cycles:
            raise NotFoundError(
                f"the store {self._safe_url()} is empty: import a file with 'okrkit import FILE'"
                " or start from a template with 'okrkit init --template NAME'"
            )
        if cycle is None:
            today = dt.date.today()
            running = [c for c in cycles if c.start <= today <= c.end]
            return running[-1] if running else cycles[-1]
        wanted = cycle.id if isinstance(cycle, Cycle) else str(cycle)
        for c in cycles:
            if c.id == wanted:
                return c
        raise NotFoundError(
            f"no cycle {wanted!r} in the store; it has {', '.join(c.id for c in cycles)}"
        )

    # --- reading -------------------------------------------------------------------------------

    def frames(self, cycle: str | Cycle | None = None) -> Frames:
        """The OKR set of one cycle as :class:`~okrkit.frames.Frames`, straight from SQL."""
        sa = self._sa
        c = self.cycle(cycle)
        t = self.tables
        with self._read() as conn:

            def frame(query: Any) -> pd.DataFrame:
                # The driver's plain tuples: building a frame from SQLAlchemy rows costs 4x more.
                result = conn.execute(query)
                columns = list(result.keys())
                rows = result.cursor.fetchall() if result.cursor is not None else []
                result.close()
                return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)

            def columns(table: Any, name: str) -> list[Any]:
                return [table.c[k] for k in FRAME_COLUMNS[name] if k in table.c]

            o, kr, ci = t["objectives"], t["key_results"], t["checkins"]
            objectives = frame(
                sa.select(*columns(o, "objectives")).where(o.c.cycle == c.id).order_by(o.c.position)
            )
            links = frame(
                sa.select(t["alignments"].c.child, t["alignments"].c.parent)
                .join(o, o.c.id == t["alignments"].c.child)
                .where(o.c.cycle == c.id)
                .order_by(t["alignments"].c.position)
            )
            krs = frame(
                sa.select(*columns(kr, "key_results"))
                .join(o, o.c.id == kr.c.objective)
                .where(o.c.cycle == c.id)
                .order_by(o.c.position, kr.c.position)
            )
            checkins = frame(
                sa.select(*columns(ci, "checkins"))
                .join(kr, kr.c.id == ci.c.key_result)
                .join(o, o.c.id == kr.c.objective)
                .where(o.c.cycle == c.id, ci.c.state == "active")
                .order_by(ci.c.id)
            )
            kpis = frame(
                sa.select(t["kpis"]).where(t["kpis"].c.cycle == c.id).order_by(t["kpis"].c.position)
            )
            measures = frame(sa.select(t["kpi_measures"]).order_by(t["kpi_measures"].c.position))
            inits = frame(
                sa.select(t["initiatives"])
                .where(t["initiatives"].c.cycle == c.id)
                .order_by(t["initiatives"].c.position)
            )
            supports = frame(
                sa.select(t["initiative_supports"]).order_by(t["initiative_supports"].c.position)
            )
        objectives["aligns_to"] = _grouped(objectives["id"], links, "child", "parent")
        kpis["measures"] = _grouped(kpis["id"], measures, "kpi", "key_result")
        inits["supports"] = _grouped(inits["id"], supports, "initiative", "key_result")
        for df in (objectives, krs, kpis, inits):
            df["silence"] = [_silence(v) for v in df["silence"].tolist()]
        empty = to_frames(OkrSet(cycle=c))
        return Frames(
            cycle=c,
            objectives=_conform(objectives, empty.objectives),
            key_results=_conform(krs, empty.key_results),
            checkins=_conform(checkins, empty.checkins),
            kpis=_conform(kpis, empty.kpis),
            initiatives=_conform(inits, empty.initiatives),
        )

    def load(self, cycle: str | Cycle | None = None) -> OkrSet:
        """The OKR set of one cycle (default: see :meth:`cycle`), validated."""
        return from_frames(self.frames(cycle), source=self._safe_url())

    def versions(self, cycle: str | Cycle | None = None) -> dict[str, int]:
        """The current version of every objective and key result of a cycle, by id."""
        sa = self._sa
        c = self.cycle(cycle)
        o, kr = self.tables["objectives"], self.tables["key_results"]
        with self._read() as conn:
            rows = list(conn.execute(sa.select(o.c.id, o.c.version).where(o.c.cycle == c.id)))
            rows += conn.execute(
                sa.select(kr.c.id, kr.c.version)
                .join(o, o.c.id == kr.c.objective)
                .where(o.c.cycle == c.id)
            ).all()
        return {r[0]: r[1] for r in rows}

    # --- importing -----------------------------------------------------------------------------

    def import_set(
        self,
        okrs: OkrSet,
        *,
        replace: bool = False,
        dry_run: bool = False,
        author: str = "",
        expect: ImportSummary | None = None,
    ) -> ImportSummary:
        """Bring an OKR set into the store in one transaction, merging with what is there.

        The set's cycle is created when new. By default the import **merges**: new objectives,
        key results, KPIs, initiatives and check-ins are added; a record whose id is in the
        store is updated when the file changes it and says it was edited from the version the
        store has (exports write ``version``), else the import is refused as a conflict; what
        the store holds and the file does not (a colleague's check-ins, key results added
        since) is kept. Check-ins are matched by store id (CSV and Excel exports carry it),
        else by key result, date and value (:func:`okrkit.merging.match_checkins`).

        With ``replace`` the file's records overwrite the store's whatever their versions; a
        replaced objective's key results that the file no longer has are deleted (their
        ``delete`` revision keeps them and their check-ins, and :meth:`restore` brings them
        back), and the check-ins of the file's key results that the file does not hold are
        marked ``deleted``. Each objective and key result written gets a revision by ``author``.

        Parameters
        ----------
        dry_run
            Work the import out and roll it back: the summary says what it would do
            (:meth:`ImportSummary.report`), conflicts included, and the store is unchanged.
        expect
            A dry run's summary: the import is refused when it would now remove or overwrite
            other records than that preview showed (the store changed in between).

        Raises
        ------
        ConflictError
            When the file changes records the store changed since (a merge), the cycle exists
            with other dates, or the store no longer matches ``expect``.
        AlignmentCycleError
            When the file's links close a loop with links in the store.
        """
        mode: ImportMode = "replace" if replace else "merge"
        try:
            with self._write("import") as conn:
                summary = self._import(conn, okrs, mode=mode, author=author, dry_run=dry_run)
                if summary.conflicts and not dry_run:
                    raise ConflictError(summary.conflict_message())
                if expect is not None and _destruction(summary) != _destruction(expect):
                    raise ConflictError(
                        "nothing imported: the store changed since the preview, and the import"
                        " would now remove or overwrite other records; look at the new preview"
                        " and run it again"
                    )
                if dry_run:
                    raise _RollBack(summary)
        except _RollBack as done:
            return done.summary
        return summary

    def _import(
        self,
        conn: sa.Connection,
        okrs: OkrSet,
        *,
        mode: ImportMode,
        action: str = "import",
        author: str = "",
        dry_run: bool = False,
    ) -> ImportSummary:
        sa = self._sa
        t = self.tables
        self._lock_imports(conn)
        self._put_cycle(conn, okrs.cycle)
        incoming = {
            "objectives": [o.id for o in okrs.objectives],
            "key_results": [kr.id for _, kr in okrs.key_results()],
            "kpis": [k.id for k in okrs.kpis],
            "initiatives": [i.id for i in okrs.initiatives],
        }
        all_ids = [i for ids in incoming.values() for i in ids]
        found: dict[str, str] = {}
        for name in incoming:
            table = t[name]
            for chunk in _chunks(all_ids, 500):
                for ident in conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))):
                    found[ident[0]] = name
        base = ImportSummary(
            cycle=okrs.cycle.id,
            objectives=len(okrs.objectives),
            key_results=len(incoming["key_results"]),
            kpis=len(okrs.kpis),
            initiatives=len(okrs.initiatives),
            checkins=len(okrs.checkins),
            mode=mode,
            dry_run=dry_run,
        )
        if found and mode == "new":
            ids = sorted(found)
            shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
            raise ConflictError(f"{len(ids)} id(s) are already in the store: {shown}; give new ids")
        if not found:
            return self._import_new(conn, okrs, base, incoming, action, author)
        return _Merge(self, conn, okrs, found, incoming, author).run(base)

    def _import_new(
        self,
        conn: sa.Connection,
        okrs: OkrSet,
        base: ImportSummary,
        incoming: Mapping[str, list[str]],
        action: str,
        author: str,
    ) -> ImportSummary:
        """An import of ids that are all new to the store: every row inserted in bulk."""
        versions = {
            i: v + 1
            for i, v in self._last_versions(
                conn, incoming["objectives"] + incoming["key_results"]
            ).items()
        }
        self._insert_set(conn, okrs, versions)
        self._check_links(conn, okrs)
        now, cycle = _utcnow(), okrs.cycle.id
        revisions = []
        for o in okrs.objectives:
            revisions.append(
                _revision_row(
                    "objective", _values(o), versions.get(o.id, 1), cycle, None, now, action, author
                )
            )
            revisions += [
                _revision_row(
                    "key_result",
                    _values(kr),
                    versions.get(kr.id, 1),
                    cycle,
                    o.id,
                    now,
                    action,
                    author,
                )
                for kr in o.key_results
            ]
        self._log(conn, revisions)
        return replace(
            base,
            added=tuple(i for ids in incoming.values() for i in ids),
            checkins_added=len(okrs.checkins),
            notes=self._dangling_notes(conn, okrs),
        )

    def _lock_imports(self, conn: sa.Connection) -> None:
        """Serialise imports on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already does).

        Two imports into a new cycle would otherwise both insert it, and the second would fail
        on the cycle's key; and a merge must see what the import before it wrote.
        """
        self._advisory_lock(conn, _IMPORT_LOCK)

    def _check_links(self, conn: sa.Connection, okrs: OkrSet) -> None:
        """Refuse what the alignment check calls an error: loops, links to what is no objective.

        A loop that closes through links already in the store names the file's link to remove.
        """
        sa = self._sa
        if not any(o.aligns_to for o in okrs.objectives):
            return
        al = self.tables["alignments"]
        try:
            self._refuse_loops(
                conn.execute(sa.select(al.c.child, al.c.parent)), [o.id for o in okrs.objectives]
            )
        except AlignmentCycleError as exc:
            raise _loop_in_file(exc, {o.id for o in okrs.objectives}) from None
        parents = sorted({p for o in okrs.objectives for p in o.aligns_to})
        for name, noun in (
            ("key_results", "key result"),
            ("kpis", "KPI"),
            ("initiatives", "initiative"),
        ):
            table = self.tables[name]
            for chunk in _chunks(parents, 500):
                wrong = set(
                    conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars()
                )
                for o in okrs.objectives:
                    for p in o.aligns_to:
                        if p in wrong:
                            raise ValidationError(
                                f"{o.id} aligns to {p}, which is a {noun} in the store",
                                field="aligns_to",
                                fix=f"align {o.id} to the objective of {p} instead",
                            )

    def _dangling_notes(self, conn: sa.Connection, okrs: OkrSet) -> tuple[str, ...]:
        """The file's links to objectives the store does not hold (yet), one note each."""
        from okrkit.graph_checks import missing_link_note  # networkx: only when needed

        o = self.tables["objectives"]
        parents = sorted({p for x in okrs.objectives for p in x.aligns_to})
        present: set[str] = set()
        for chunk in _chunks(parents, 500):
            present.update(conn.execute(self._sa.select(o.c.id).where(o.c.id.in_(chunk))).scalars())
        return tuple(
            missing_link_note(x.id, p)
            for x in okrs.objectives
            for p in x.aligns_to
            if p not in present
        )

    def _deletions(
        self, conn: sa.Connection, ids: list[str], keep: set[str], at: dt.datetime, author: str
    ) -> list[dict[str, Any]]:
        """The ``delete`` revisions of what replacing ``ids`` removes and ``keep`` does not hold.

        Replacing an objective removes its key results; those the import brings back (``keep``)
        get a ``replace`` revision instead. Read before the rows are deleted.
        """
        sa = self._sa
        t = self.tables
        o, kr, links = t["objectives"], t["key_results"], t["alignments"]
        out = []
        seen = set(keep)  # a key result can come up twice: by its id and by its objective's
        for chunk in _chunks(ids, 500):
            dropped = [i for i in chunk if i not in keep]  # ids the file gives to a KPI, say
            for row in conn.execute(sa.select(o).where(o.c.id.in_(dropped))) if dropped else ():
                values = _fields_of(row, Objective.file_keys(), skip=("key_results", "aligns_to"))
                values["aligns_to"] = tuple(
                    conn.execute(
                        sa.select(links.c.parent)
                        .where(links.c.child == row.id)
                        .order_by(links.c.position)
                    ).scalars()
                )
                out.append(
                    _revision_row(
                        "objective", values, row.version + 1, row.cycle, None, at, "delete", author
                    )
                )
            found = list(
                conn.execute(sa.select(kr.c.id).where(kr.c.objective.in_(chunk))).scalars()
            )
            if dropped:
                found += conn.execute(sa.select(kr.c.id).where(kr.c.id.in_(dropped))).scalars()
            gone = [i for i in found if i not in seen]
            seen.update(gone)
            if gone:
                out += self._kr_deletions(conn, gone, at, author, checkins=True)
        return out

    def _kr_deletions(
        self,
        conn: sa.Connection,
        ids: list[str],
        at: dt.datetime,
        author: str,
        *,
        checkins: bool = False,
    ) -> list[dict[str, Any]]:
        """The ``delete`` revisions of key results, read before they are deleted.

        With ``checkins`` each revision also keeps the key result's check-ins (in every state),
        which :meth:`restore` writes back with it.
        """
        sa = self._sa
        kr, o, ci = self.tables["key_results"], self.tables["objectives"], self.tables["checkins"]
        query = sa.select(kr, o.c.cycle).join(o, o.c.id == kr.c.objective)
        kept: dict[str, list[dict[str, Any]]] = {}
        if checkins:
            for chunk in _chunks(ids, 500):
                for row in conn.execute(
                    sa.select(ci).where(ci.c.key_result.in_(chunk)).order_by(ci.c.id)
                ):
                    kept.setdefault(row.key_result, []).append(_checkin_record(row))
        out = []
        for chunk in _chunks(ids, 500):
            for row in conn.execute(query.where(kr.c.id.in_(chunk))):
                values = _fields_of(row, KeyResult.file_keys())
                if row.id in kept:
                    values["checkins"] = kept[row.id]
                out.append(
                    _revision_row(
                        "key_result",
                        values,
                        row.version + 1,
                        row.cycle,
                        row.objective,
                        at,
                        "delete",
                        author,
                    )
                )
        return out

    def _last_versions(self, conn: sa.Connection, ids: list[str]) -> dict[str, int]:
        """The latest revision's version of each of ``ids`` that has a history."""
        sa = self._sa
        r = self.tables["revisions"]
        out: dict[str, int] = {}
        for chunk in _chunks(ids, 500):
            for ident, version in conn.execute(
                sa.select(r.c.id, sa.func.max(r.c.version))
                .where(r.c.id.in_(chunk))
                .group_by(r.c.id)
            ):
                out[ident] = int(version)
        return out

    def _log(self, conn: sa.Connection, revisions: list[dict[str, Any]]) -> None:
        """Write revision rows, many per statement."""
        for chunk in _chunks(revisions, 5000):
            conn.execute(self.tables["revisions"].insert(), chunk)

    def _delete_key_results(self, conn: sa.Connection, ids: Iterable[str]) -> None:
        t = self.tables
        for chunk in _chunks(list(ids), 500):
            conn.execute(t["checkins"].delete().where(t["checkins"].c.key_result.in_(chunk)))
            conn.execute(t["key_results"].delete().where(t["key_results"].c.id.in_(chunk)))

    def _put_cycle(self, conn: sa.Connection, cycle: Cycle) -> None:
        """Add ``cycle`` unless the store has it; writers adding the same cycle at once all pass."""
        sa = self._sa
        t = self.tables["cycles"]
        from sqlalchemy.dialects import postgresql, sqlite

        insert = sqlite.insert if self.is_sqlite else postgresql.insert
        conn.execute(
            insert(t)
            .values(id=cycle.id, start=cycle.start, end=cycle.end)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        row = conn.execute(sa.select(t).where(t.c.id == cycle.id)).one()
        if (row.start, row.end) != (cycle.start, cycle.end):
            raise ConflictError(
                f"cycle {cycle.id} is in the store as {row.start}..{row.end}, the file says"
                f" {cycle.start}..{cycle.end}: use the same dates or another cycle id"
            )

    def _next_position(self, conn: sa.Connection, table: sa.Table, where: Any) -> int:
        sa = self._sa
        found = conn.execute(sa.select(sa.func.max(table.c.position)).where(where)).scalar()
        return int(found) + 1 if found is not None else 0

    def _insert_set(
        self, conn: sa.Connection, okrs: OkrSet, versions: Mapping[str, int] | None = None
    ) -> None:
        """Insert a set's rows; objectives and key results at ``versions`` (default 1)."""
        t = self.tables
        versions = versions or {}
        cycle = okrs.cycle.id
        base = self._next_position(conn, t["objectives"], t["objectives"].c.cycle == cycle)
        objectives, links, krs = [], [], []
        for i, o in enumerate(okrs.objectives):
            objectives.append(
                {
                    **_row(o, ("key_results", "aligns_to")),
                    "cycle": cycle,
                    "position": base + i,
                    "version": versions.get(o.id, 1),
                }
            )
            links += [
                {"child": o.id, "parent": p, "position": j} for j, p in enumerate(o.aligns_to)
            ]
            krs += [
                {**_row(kr), "objective": o.id, "position": j, "version": versions.get(kr.id, 1)}
                for j, kr in enumerate(o.key_results)
            ]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        checkins = [
            {**_row(c, ("id",)), "state": "active", "recorded_at": now} for c in okrs.checkins
        ]
        base_k = self._next_position(conn, t["kpis"], t["kpis"].c.cycle == cycle)
        kpis = [
            {**_row(k, ("measures",)), "cycle": cycle, "position": base_k + i, "version": 1}
            for i, k in enumerate(okrs.kpis)
        ]
        measures = [
            {"kpi": k.id, "key_result": m, "position": j}
            for k in okrs.kpis
            for j, m in enumerate(k.measures)
        ]
        base_i = self._next_position(conn, t["initiatives"], t["initiatives"].c.cycle == cycle)
        inits = [
            {**_row(x, ("supports",)), "cycle": cycle, "position": base_i + i, "version": 1}
            for i, x in enumerate(okrs.initiatives)
        ]
        supports = [
            {"initiative": x.id, "key_result": s, "position": j}
            for x in okrs.initiatives
            for j, s in enumerate(x.supports)
        ]
        for name, rows in (
            ("objectives", objectives),
            ("alignments", links),
            ("key_results", krs),
            ("checkins", checkins),
            ("kpis", kpis),
            ("kpi_measures", measures),
            ("initiatives", inits),
            ("initiative_supports", supports),
        ):
            self._insert_many(conn, t[name], rows)

    def _insert_many(
        self, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]
    ) -> None:
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
        for chunk in _chunks(rows, 5000):
            if convert:
                chunk = [{**row, **{k: p(row[k]) for k, p in convert}} for row in chunk]
            params: list[Any] = (
                [tuple(row[k] for k in order) for row in chunk] if statement.positional else chunk
            )
            conn.exec_driver_sql(sql, params)

    # --- check-ins -----------------------------------------------------------------------------

    def _key_result_type(self, conn: sa.Connection, ident: str) -> str:
        kr = self.tables["key_results"]
        found = conn.execute(self._sa.select(kr.c.type).where(kr.c.id == ident)).scalar()
        if found is None:
            raise NotFoundError(f"no key result {ident!r} in the store")
        return str(found)

    def add_checkin(self, checkin: CheckIn) -> CheckIn:
        """Record a check-in; returns it with its store id.

        Raises
        ------
        NotFoundError
            When the key result is not in the store.
        ValidationError
            When the check-in records a field that does not fit the key result's type.
        """
        with self._write("record the check-in") as conn:
            return self._add_checkin(conn, checkin)

    def _add_checkin(
        self,
        conn: sa.Connection,
        checkin: CheckIn,
        replaces: int | None = None,
        reason: str | None = None,
    ) -> CheckIn:
        ktype = self._key_result_type(conn, checkin.key_result)
        expected = CHECKIN_FIELD[ktype]
        if checkin.field_name != expected:
            raise ValidationError(
                f"key result {checkin.key_result} is a {ktype} key result",
                field=checkin.field_name,
                fix=f"record '{expected}' instead",
            )
        row = {
            **_row(checkin, ("id",)),
            "state": "active",
            "replaces": replaces,
            "reason": reason,
            "recorded_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        }
        new_id = conn.execute(self.tables["checkins"].insert().values(**row)).inserted_primary_key
        assert new_id is not None
        return replace(checkin, id=int(new_id[0]))

    def checkins(
        self,
        key_result: str | None = None,
        *,
        cycle: str | Cycle | None = None,
        history: bool = False,
    ) -> pd.DataFrame:
        """Check-ins as a DataFrame, newest last.

        Parameters
        ----------
        key_result
            Only this key result's check-ins.
        cycle
            Only this cycle's (default: every cycle when ``key_result`` is given, else the
            default cycle).
        history
            Include corrected and deleted check-ins, with their ``state``, ``replaces`` and
            ``reason``.
        """
        sa = self._sa
        ci, kr, o = self.tables["checkins"], self.tables["key_results"], self.tables["objectives"]
        query = (
            sa.select(ci, o.c.cycle)
            .join(kr, kr.c.id == ci.c.key_result)
            .join(o, o.c.id == kr.c.objective)
        )
        if key_result is not None:
            query = query.where(ci.c.key_result == key_result)
        if cycle is not None or key_result is None:
            query = query.where(o.c.cycle == self.cycle(cycle).id)
        if not history:
            query = query.where(ci.c.state == "active")
        with self._read() as conn:
            result = conn.execute(query.order_by(ci.c.date, ci.c.id))
            df = pd.DataFrame(result.all(), columns=list(result.keys()))
        if key_result is not None and df.empty:
            with self._read() as conn:
                self._key_result_type(conn, key_result)
        return df

    def _get_checkin(self, conn: sa.Connection, ident: int) -> Any:
        ci = self.tables["checkins"]
        row = conn.execute(self._sa.select(ci).where(ci.c.id == ident)).first()
        if row is None:
            raise NotFoundError(f"no check-in {ident} in the store")
        if row.state != "active":
            raise ConflictError(
                f"check-in {ident} was already {row.state}; list the history with"
                " 'okrkit checkin list --history' and act on the active one"
            )
        return row

    def correct_checkin(self, ident: int, *, reason: str = "", **changes: Any) -> CheckIn:
        """Correct a check-in: the old one is kept as ``corrected``, a new one replaces it.

        ``changes`` are fields of :class:`~okrkit.CheckIn` (``value``, ``date``, ``note`` ...).
        """
        unknown = set(changes) - set(CheckIn.file_keys()) - {"key_result"}
        if unknown or "key_result" in changes:
            raise ValidationError(
                f"cannot change {', '.join(sorted(unknown | ({'key_result'} & set(changes))))}",
                fix="a correction may change date, value, done, grade, confidence, note, author",
            )
        with self._write("correct the check-in") as conn:
            row = self._get_checkin(conn, ident)
            old = CheckIn(**_fields_of(row, CheckIn.file_keys()), id=row.id)
            new = replace(old, id=None, **changes)
            ci = self.tables["checkins"]
            conn.execute(
                ci.update().where(ci.c.id == ident).values(state="corrected", reason=reason or None)
            )
            return self._add_checkin(conn, new, replaces=ident, reason=reason or None)

    def delete_checkin(self, ident: int, *, reason: str = "") -> None:
        """Delete a check-in; it stays in the history as ``deleted``."""
        with self._write("delete the check-in") as conn:
            self._get_checkin(conn, ident)
            ci = self.tables["checkins"]
            conn.execute(
                ci.update().where(ci.c.id == ident).values(state="deleted", reason=reason or None)
            )

    # --- edits with optimistic versions ---------------------------------------------------------

    def update_objective(
        self, ident: str, version: int, *, author: str = "", **changes: Any
    ) -> int:
        """Change fields of an objective read at ``version``; returns the new version.

        The change is recorded as a revision (``update``) by ``author``.

        Raises
        ------
        ConflictError
            When somebody else changed the objective since ``version`` was read.
        """
        return self._update_objective(ident, version, changes, "update", author)

    def _update_objective(
        self, ident: str, version: int, changes: Mapping[str, Any], action: str, author: str
    ) -> int:
        if "key_results" in changes or "id" in changes:
            raise ValidationError("cannot change id or key_results with update_objective")
        sa = self._sa
        o, links = self.tables["objectives"], self.tables["alignments"]
        with self._write(f"update objective {ident}") as conn:
            row = conn.execute(sa.select(o).where(o.c.id == ident)).first()
            if row is None:
                raise NotFoundError(f"no objective {ident!r} in the store")
            parents = (
                conn.execute(
                    sa.select(links.c.parent)
                    .where(links.c.child == ident)
                    .order_by(links.c.position)
                )
                .scalars()
                .all()
            )
            current = Objective(
                **_fields_of(row, Objective.file_keys(), skip=("key_results", "aligns_to")),
                aligns_to=tuple(parents),
            )
            updated = replace(current, **changes)
            self._bump(conn, o, ident, version, _row(updated, ("key_results", "aligns_to", "id")))
            if "aligns_to" in changes:
                self._set_parents(conn, ident, updated.aligns_to)
            self._revise(conn, updated, version + 1, row.cycle, None, action, author)
            return version + 1

    def _set_parents(self, conn: sa.Connection, ident: str, parents: tuple[str, ...]) -> None:
        links = self.tables["alignments"]
        conn.execute(links.delete().where(links.c.child == ident))
        if parents:
            conn.execute(
                links.insert(),
                [{"child": ident, "parent": p, "position": i} for i, p in enumerate(parents)],
            )
            # Only the links above this objective can close a loop through it.
            above = conn.execute(
                self._sa.text(
                    "WITH RECURSIVE up(child, parent) AS ("
                    " SELECT child, parent FROM alignments WHERE child = :ident"
                    " UNION SELECT a.child, a.parent FROM alignments a"
                    " JOIN up ON a.child = up.parent)"
                    " SELECT child, parent FROM up"
                ),
                {"ident": ident},
            ).all()
            self._refuse_loops(above, [ident])

    def _refuse_loops(self, links: Iterable[Any], roots: list[str]) -> None:
        """Raise :class:`AlignmentCycleError` when ``links`` (child, parent) loop from ``roots``."""
        parents: dict[str, list[str]] = {}
        for child, parent in links:
            parents.setdefault(child, []).append(parent)
        loop = find_alignment_loop(parents, roots)
        if loop and len(roots) == 1 and loop[0] == roots[0]:
            # Name the link just written as the one that closes the loop.
            loop = (*loop[1:], loop[1])
        if loop:
            raise loop_error(loop)

    def update_key_result(
        self, ident: str, version: int, *, author: str = "", **changes: Any
    ) -> int:
        """Change fields of a key result read at ``version``; returns the new version.

        The change is recorded as a revision (``update``) by ``author``.

        Raises
        ------
        ConflictError
            When somebody else changed the key result since ``version`` was read.
        """
        if "id" in changes:
            raise ValidationError("cannot change a key result's id")
        sa = self._sa
        kr, o = self.tables["key_results"], self.tables["objectives"]
        with self._write(f"update key result {ident}") as conn:
            row = conn.execute(
                sa.select(kr, o.c.cycle).join(o, o.c.id == kr.c.objective).where(kr.c.id == ident)
            ).first()
            if row is None:
                raise NotFoundError(f"no key result {ident!r} in the store")
            current = KeyResult(**_fields_of(row, KeyResult.file_keys()))
            updated = replace(current, **changes)
            self._bump(conn, kr, ident, version, _row(updated, ("id",)))
            self._revise(conn, updated, version + 1, row.cycle, row.objective, "update", author)
            return version + 1

    def add_key_result(self, objective: str, key_result: KeyResult, *, author: str = "") -> int:
        """Add a key result at the end of an objective's list; returns its version.

        The version is 1 for a new id; an id that was deleted before carries on counting from
        its history. The addition is recorded as a revision (``add``) by ``author``.

        Raises
        ------
        NotFoundError
            When the objective is not in the store.
        ConflictError
            When the key result's id is already used by an objective, key result, KPI or
            initiative in the store.
        """
        sa = self._sa
        o = self.tables["objectives"]
        with self._write(f"add key result {key_result.id}") as conn:
            cycle = conn.execute(sa.select(o.c.cycle).where(o.c.id == objective)).scalar()
            if cycle is None:
                raise NotFoundError(f"no objective {objective!r} in the store")
            self._refuse_taken(conn, key_result.id, "key result")
            version = self._last_versions(conn, [key_result.id]).get(key_result.id, 0) + 1
            self._insert_key_result(conn, key_result, objective, version)
            self._revise(conn, key_result, version, cycle, objective, "add", author)
        return version

    def _refuse_taken(self, conn: sa.Connection, ident: str, what: str) -> None:
        t = self.tables
        for name in ("objectives", "key_results", "kpis", "initiatives"):
            table = t[name]
            if conn.execute(self._sa.select(table.c.id).where(table.c.id == ident)).first():
                raise ConflictError(
                    f"the id {ident!r} is already used in the store; give the {what} another id"
                )

    def _insert_key_result(
        self, conn: sa.Connection, key_result: KeyResult, objective: str, version: int
    ) -> None:
        kr = self.tables["key_results"]
        position = self._next_position(conn, kr, kr.c.objective == objective)
        conn.execute(
            kr.insert().values(
                **_row(key_result), objective=objective, position=position, version=version
            )
        )

    def delete_key_result(self, ident: str, version: int, *, author: str = "") -> None:
        """Delete a key result read at ``version``.

        Only a key result without check-ins, and that no KPI or initiative points at, can be
        deleted: its history is never thrown away. The deletion is a revision (``delete``, one
        version up, by ``author``); :meth:`restore` brings the key result back.

        Raises
        ------
        NotFoundError
            When the key result is not in the store.
        ConflictError
            When it changed since ``version`` was read.
        ValidationError
            When it has check-ins, or a KPI or an initiative points at it.
        """
        sa = self._sa
        t = self.tables
        kr, ci = t["key_results"], t["checkins"]
        with self._write(f"delete key result {ident}") as conn:
            found = conn.execute(sa.select(kr.c.version).where(kr.c.id == ident)).scalar()
            if found is None:
                raise NotFoundError(f"no key result {ident!r} in the store")
            if found != version:
                raise ConflictError(
                    f"{ident} was changed by somebody else (version {found}, you read {version});"
                    " reload it and decide again"
                )
            checkins = conn.execute(
                sa.select(sa.func.count()).select_from(ci).where(ci.c.key_result == ident)
            ).scalar()
            if checkins:
                raise ValidationError(
                    f"key result {ident} has {checkins} check-in(s) and cannot be deleted",
                    field="key_result",
                    fix="keep it and say so in a note, or carry over only the others next cycle",
                )
            for link, col, what in (
                (t["kpi_measures"], "kpi", "KPI"),
                (t["initiative_supports"], "initiative", "initiative"),
            ):
                users = conn.execute(
                    sa.select(link.c[col]).where(link.c.key_result == ident)
                ).scalars()
                if names := ", ".join(users):
                    raise ValidationError(
                        f"{what} {names} points at key result {ident}",
                        field="key_result",
                        fix=f"remove {ident} from the {what} first",
                    )
            revisions = self._kr_deletions(conn, [ident], _utcnow(), author)
            if conn.execute(kr.delete().where(kr.c.id == ident, kr.c.version == version)).rowcount:
                self._log(conn, revisions)
            else:  # PostgreSQL: somebody else changed or deleted it since the version was read
                raise ConflictError(
                    f"{ident} was changed by somebody else since you read version {version};"
                    " reload it and decide again"
                )

    def move_key_result(self, ident: str, version: int, objective: str, *, author: str = "") -> int:
        """Move a key result, with its check-ins, to another objective of the same cycle.

        Returns the key result's new version. Its check-in history stays with it. The move is
        recorded as a revision (``move``) by ``author``.

        Raises
        ------
        NotFoundError
            When the key result or the objective is not in the store.
        ConflictError
            When the key result changed since ``version`` was read.
        ValidationError
            When the objective belongs to another cycle.
        """
        sa = self._sa
        kr, o = self.tables["key_results"], self.tables["objectives"]
        with self._write(f"move key result {ident}") as conn:
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
                    f"objective {objective} is in cycle {target},"
                    f" key result {ident} in {row.cycle}",
                    field="objective",
                    fix="move key results within a cycle; carry-over copies them to the next one",
                )
            position = self._next_position(conn, kr, kr.c.objective == objective)
            self._bump(conn, kr, ident, version, {"objective": objective, "position": position})
            moved = KeyResult(**_fields_of(row, KeyResult.file_keys()))
            self._revise(conn, moved, version + 1, row.cycle, objective, "move", author)
            return version + 1

    def realign(self, ident: str, version: int, parents: Iterable[str], *, author: str = "") -> int:
        """Point an objective at new parent objectives; returns its new version.

        The same as ``update_objective(ident, version, aligns_to=parents)``, recorded as a
        revision ``realign``.
        """
        return self._update_objective(
            ident, version, {"aligns_to": tuple(parents)}, "realign", author
        )

    def _revise(
        self,
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
        self._log(
            conn,
            [
                _revision_row(
                    kind, _values(obj), version, cycle, objective, _utcnow(), action, author
                )
            ],
        )

    def _bump(
        self,
        conn: sa.Connection,
        table: sa.Table,
        ident: str,
        version: int,
        values: Mapping[str, Any],
    ) -> None:
        done = conn.execute(
            table.update()
            .where(table.c.id == ident, table.c.version == version)
            .values(**values, version=version + 1)
        ).rowcount
        if done != 1:
            found = conn.execute(
                self._sa.select(table.c.version).where(table.c.id == ident)
            ).scalar()
            raise ConflictError(
                f"{ident} was changed by somebody else (version {found}, you read {version});"
                " reload it and apply your change again"
            )

    # --- history ---------------------------------------------------------------------------------

    def history(self, ident: str, cycle: str | Cycle | None = None) -> pd.DataFrame:
        """The revisions of an objective or a key result, oldest first.

        Parameters
        ----------
        ident
            The objective's or key result's id.
        cycle
            Only the revisions made while it was in this cycle (default: all of them).

        Returns
        -------
        pandas.DataFrame
            One row per revision: ``version``; ``at``, the time in UTC; ``action`` (``import``,
            ``replace``, ``carry_over``, ``add``, ``update``, ``realign``, ``move``, ``delete``
            or ``restore``); ``author``; ``record`` (``objective`` or ``key_result``);
            ``cycle``; for a key result its ``objective``; then its fields as they were after
            the change (a deletion shows them as they were when it was deleted).

        Raises
        ------
        NotFoundError
            When the store holds no revision of ``ident`` (in ``cycle``).

        Examples
        --------
        >>> from okrkit import load_yaml
        >>> store = Store("sqlite://")
        >>> _ = store.import_set(load_yaml(
        ...     "cycle: 2026-Q1\\nobjectives:\\n- id: O1\\n  title: Delight customers\\n"
        ...     "  key_results:\\n  - {id: K1, title: NPS 30 to 40, start: 30, target: 40}\\n"
        ... ))
        >>> store.update_key_result("K1", 1, target=45, author="ana")
        2
        >>> store.history("K1")[["version", "action", "author", "objective", "target"]]
           version  action author objective  target
        0        1  import               O1    40.0
        1        2  update    ana        O1    45.0
        """
        sa = self._sa
        r = self.tables["revisions"]
        cycle_id = None if cycle is None else self.cycle(cycle).id
        query = sa.select(r).where(r.c.id == ident)
        if cycle_id is not None:
            query = query.where(r.c.cycle == cycle_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(r.c.version)).all()
        if not rows:
            raise NotFoundError(_no_history(ident, cycle_id))
        records = []
        for row in rows:
            obj = _from_snapshot(row.kind, row.snapshot)
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
            record.update((k, getattr(obj, k)) for k in _own_keys(type(obj)) if k != "id")
            records.append(record)
        return pd.DataFrame(records)

    def revision(
        self, ident: str, version: int, cycle: str | Cycle | None = None
    ) -> Objective | KeyResult:
        """An objective or a key result as it was at ``version``.

        An objective comes without key results: each of them has a history of its own. The
        version of a deletion shows the object as it was when it was deleted.

        Raises
        ------
        NotFoundError
            When the store holds no such version of ``ident`` (in ``cycle``); the message lists
            the versions it has.

        Examples
        --------
        >>> from okrkit import load_yaml
        >>> store = Store("sqlite://")
        >>> _ = store.import_set(load_yaml(
        ...     "cycle: 2026-Q1\\nobjectives:\\n- {id: O1, title: Delight customers}\\n"
        ... ))
        >>> store.update_objective("O1", 1, title="Delight every customer")
        2
        >>> store.revision("O1", 1).title
        'Delight customers'
        >>> store.revision("O1", 3)
        Traceback (most recent call last):
        ...
        okrkit.errors.NotFoundError: O1 has no version 3; it has versions 1-2
        """
        cycle_id = None if cycle is None else self.cycle(cycle).id
        with self._read() as conn:
            row = self._find_revision(conn, ident, version, cycle_id)
        return _from_snapshot(row.kind, row.snapshot)

    def restore(
        self,
        ident: str,
        version: int,
        *,
        current_version: int,
        cycle: str | Cycle | None = None,
        author: str = "",
    ) -> int:
        """Write an old version of an objective or a key result back, as a new version.

        The fields it had at ``version`` replace the current ones; an objective keeps its
        present key results, a key result stays under its present objective. A deleted key
        result (or objective) is created again, a key result under the objective it had when it
        was deleted. The restore is itself a revision (``restore``, by ``author``).

        Parameters
        ----------
        ident
            The objective's or key result's id.
        version
            The version to bring back (see :meth:`history`).
        current_version
            The version you read it at now (after a deletion: the deletion's version). A stale
            one raises :class:`~okrkit.errors.ConflictError`, as every update does.
        cycle
            Look for ``version`` among this cycle's revisions only.
        author
            Who restores it, for the history.

        Returns
        -------
        int
            The new version.

        Raises
        ------
        NotFoundError
            When there is no such version (the message lists those there are), or a deleted key
            result's objective is gone too.
        ConflictError
            When it changed since ``current_version`` was read, or its id is now used by
            something else.
        ValidationError
            When ``version`` is a deletion, which holds nothing to restore.

        Examples
        --------
        >>> from okrkit import load_yaml
        >>> store = Store("sqlite://")
        >>> _ = store.import_set(load_yaml(
        ...     "cycle: 2026-Q1\\nobjectives:\\n- id: O1\\n  title: Delight customers\\n"
        ...     "  key_results:\\n  - {id: K1, title: NPS 30 to 40, start: 30, target: 40}\\n"
        ... ))
        >>> store.update_key_result("K1", 1, target=45)
        2
        >>> store.restore("K1", 1, current_version=2, author="ana")
        3
        >>> store.load().key_result("K1").target
        40.0
        >>> store.history("K1")["action"].tolist()
        ['import', 'update', 'restore']
        """
        cycle_id = None if cycle is None else self.cycle(cycle).id
        with self._write(f"restore {ident}") as conn:
            rev = self._find_revision(conn, ident, version, cycle_id)
            if rev.action == "delete":
                raise ValidationError(
                    f"version {version} of {ident} is its deletion, which holds nothing to restore",
                    field="version",
                    fix=f"restore version {version - 1}, what it was when it was deleted",
                )
            old = _from_snapshot(rev.kind, rev.snapshot)
            if isinstance(old, Objective):
                cycle_now, parent = self._restore_objective(conn, old, current_version, rev)
            else:
                cycle_now, parent = self._restore_key_result(conn, old, current_version)
            self._revise(conn, old, current_version + 1, cycle_now, parent, "restore", author)
        return current_version + 1

    def _restore_objective(
        self, conn: sa.Connection, old: Objective, current_version: int, rev: Any
    ) -> tuple[str, None]:
        sa = self._sa
        o = self.tables["objectives"]
        cycle = conn.execute(sa.select(o.c.cycle).where(o.c.id == old.id)).scalar()
        if cycle is not None:
            self._bump(
                conn, o, old.id, current_version, _row(old, ("key_results", "aligns_to", "id"))
            )
        else:
            self._refuse_stale(conn, old.id, current_version)
            self._refuse_taken(conn, old.id, "objective")
            cycle = rev.cycle
            position = self._next_position(conn, o, o.c.cycle == cycle)
            conn.execute(
                o.insert().values(
                    **_row(old, ("key_results", "aligns_to")),
                    cycle=cycle,
                    position=position,
                    version=current_version + 1,
                )
            )
        self._set_parents(conn, old.id, old.aligns_to)
        return str(cycle), None

    def _restore_key_result(
        self, conn: sa.Connection, old: KeyResult, current_version: int
    ) -> tuple[str, str]:
        sa = self._sa
        kr, o, r = self.tables["key_results"], self.tables["objectives"], self.tables["revisions"]
        row = conn.execute(
            sa.select(kr.c.objective, o.c.cycle)
            .join(o, o.c.id == kr.c.objective)
            .where(kr.c.id == old.id)
        ).first()
        if row is not None:
            self._bump(conn, kr, old.id, current_version, _row(old, ("id",)))
            return str(row.cycle), str(row.objective)
        self._refuse_stale(conn, old.id, current_version)
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
        self._refuse_taken(conn, old.id, "key result")
        self._insert_key_result(conn, old, parent, current_version + 1)
        deletion = conn.execute(
            sa.select(r.c.snapshot).where(r.c.id == old.id, r.c.version == current_version)
        ).scalar()
        self._restore_checkins(conn, old.id, json.loads(deletion or "{}").get("checkins", ()))
        return str(cycle), str(parent)

    def _restore_checkins(
        self, conn: sa.Connection, key_result: str, records: Iterable[Mapping[str, Any]]
    ) -> None:
        """Write back the check-ins a deletion kept, with their states and corrections."""
        ci = self.tables["checkins"]
        new_ids: dict[int, int] = {}
        for rec in records:
            values = {k: v for k, v in rec.items() if k != "id"}
            values["date"] = dt.date.fromisoformat(values["date"])
            values["recorded_at"] = dt.datetime.fromisoformat(values["recorded_at"])
            values["replaces"] = new_ids.get(values["replaces"], values["replaces"])
            found = conn.execute(ci.insert().values(key_result=key_result, **values))
            assert found.inserted_primary_key is not None
            new_ids[rec["id"]] = int(found.inserted_primary_key[0])

    def _refuse_stale(self, conn: sa.Connection, ident: str, version: int) -> None:
        """For a deleted object: ``version`` must be its latest revision's (the deletion)."""
        found = self._last_versions(conn, [ident]).get(ident)
        if found != version:
            raise ConflictError(
                f"{ident} was changed by somebody else (version {found}, you read {version});"
                " reload it and apply your change again"
            )

    def _find_revision(
        self, conn: sa.Connection, ident: str, version: int, cycle: str | None
    ) -> Any:
        r = self.tables["revisions"]
        query = self._sa.select(r).where(r.c.id == ident)
        if cycle is not None:
            query = query.where(r.c.cycle == cycle)
        rows = conn.execute(query.order_by(r.c.version)).all()
        for row in rows:
            if row.version == version:
                return row
        if not rows:
            raise NotFoundError(_no_history(ident, cycle))
        where = f" in cycle {cycle}" if cycle else ""
        raise NotFoundError(
            f"{ident} has no version {version}{where}; it has versions"
            f" {_spans([row.version for row in rows])}"
        )

    # --- carry-over ----------------------------------------------------------------------------

    def carry_over(
        self,
        from_cycle: str | Cycle,
        to_cycle: str | Cycle,
        ids: Iterable[str] = (),
        *,
        as_of: dt.date | None = None,
        author: str = "",
    ) -> OkrSet:
        """Copy unfinished objectives, with their unfinished key results, into the next cycle.

        An objective is unfinished when its score is below 1.0 at ``as_of`` (default: the end
        of ``from_cycle``). Each copy gets a new id (``<old id>-<to cycle>``) and
        ``carried_from`` pointing back; a metric starts where the old one ended, milestones
        start not done, qualitative key results ungraded; no check-ins are copied. Alignment
        to a parent that is carried over too follows the parent's copy. ``ids`` picks objectives
        (default: every unfinished one). Returns the carried set; it is stored in one
        transaction, each copy with a revision ``carry_over`` by ``author``.

        Raises
        ------
        NotFoundError
            When ``from_cycle`` or one of ``ids`` is not in the store.
        ConflictError
            When the copies are already there (carried over before).
        """
        from okrkit.scoring import score

        source = self.cycle(from_cycle)
        target = to_cycle if isinstance(to_cycle, Cycle) else _find_or_parse(self, to_cycle)
        if target.id == source.id:
            raise ValidationError("carry-over needs two different cycles", field="to")
        okrs = self.load(source)
        scores = score(okrs, as_of or source.end)
        kr_scores = scores.key_results.set_index("id")
        o_scores = scores.objectives.set_index("id")["score"]
        wanted = list(ids)
        missing = [i for i in wanted if i not in o_scores.index]
        if missing:
            raise NotFoundError(f"no objective {', '.join(missing)} in cycle {source.id}")
        picked = [
            o
            for o in okrs.objectives
            if (o.id in wanted if wanted else not (o_scores[o.id] >= 1.0))
        ]
        new_ids = {o.id: _carried_id(o.id, source, target) for o in picked}
        objectives = []
        for o in picked:
            krs = []
            for kr in o.key_results:
                if kr_scores.at[kr.id, "score"] >= 1.0 and kr.type != "guardrail":
                    continue
                end_value = kr_scores.at[kr.id, "value"]
                changes: dict[str, Any] = {
                    "id": _carried_id(kr.id, source, target),
                    "carried_from": kr.id,
                    "confidence": None,
                }
                if kr.type == "metric":
                    changes.update(start=float(end_value), current=None)
                    if changes["start"] == kr.target:
                        continue
                elif kr.type == "milestone":
                    changes.update(done=False)
                elif kr.type == "qualitative":
                    changes.update(grade=None)
                else:
                    changes.update(current=None)
                krs.append(replace(kr, **changes))
            objectives.append(
                replace(
                    o,
                    id=new_ids[o.id],
                    carried_from=o.id,
                    aligns_to=tuple(new_ids.get(p, p) for p in o.aligns_to),
                    key_results=tuple(krs),
                )
            )
        carried = OkrSet(cycle=target, objectives=tuple(objectives))
        with self._write("carry over") as conn:
            self._import(conn, carried, mode="new", action="carry_over", author=author)
        return carried


#: Upgrade steps by the schema version they start from (each moves one version up).
_UPGRADES: dict[str, Callable[[Store, sa.Connection], None]] = {"1": Store._upgrade_1}
#: The PostgreSQL advisory lock key that serialises creating and upgrading a store ("okrkit").
_SCHEMA_LOCK = 0x6F6B726B6974
#: The PostgreSQL advisory lock key that serialises imports ("okrkit" + 1).
_IMPORT_LOCK = _SCHEMA_LOCK + 1


def _utcnow() -> dt.datetime:
    """Now in UTC, without a time zone (how the store keeps times on every backend)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _revision_row(
    kind: str,
    values: Mapping[str, Any],
    version: int,
    cycle: str,
    objective: str | None,
    at: dt.datetime,
    action: str,
    author: str,
) -> dict[str, Any]:
    return {
        "id": values["id"],
        "version": version,
        "kind": kind,
        "cycle": cycle,
        "objective": objective,
        "at": at,
        "action": action,
        "author": author,
        "snapshot": _snapshot(values),
    }


def _writable_sidecars(file: Path) -> None:
    """Make a writable store's ``-shm`` and ``-wal`` files writable again where they are ours.

    SQLite gives them the database file's permissions when it creates them; a read-only open of
    a read-only file leaves a read-only ``-shm`` behind, and every later write would fail as
    "read-only" after the file is made writable again. Changing the mode is safe while other
    connections have the files open; a file of another user is left alone (the error on a
    write names it, see ``Store._store_error``).
    """
    import stat

    try:
        mode = stat.S_IMODE(file.stat().st_mode) | stat.S_IWUSR
    except OSError:
        return
    for suffix in ("-shm", "-wal"):
        side = Path(f"{file}{suffix}")
        try:
            if side.stat().st_uid == os.geteuid() and not os.access(side, os.W_OK):
                side.chmod(mode)
        except OSError:  # gone meanwhile, or not ours to change: the write error says so
            continue


def _read_only_sidecar(file: Path | None) -> Path | None:
    """A ``-shm`` or ``-wal`` file this process may not write, beside a writable store."""
    if file is None or not file.exists() or not os.access(file, os.W_OK):
        return None
    for suffix in ("-shm", "-wal"):
        side = Path(f"{file}{suffix}")
        if side.exists() and not os.access(side, os.W_OK):
            return side
    return None


def _owner(path: Path) -> str:
    try:
        import pwd

        return pwd.getpwuid(path.stat().st_uid).pw_name
    except (ImportError, KeyError, OSError):
        return "its owner"


def _checkin_record(row: Any) -> dict[str, Any]:
    """A check-in row as JSON-ready values, kept in a deleted key result's revision."""
    out = {k: v for k, v in row._mapping.items() if k != "key_result"}
    for k in ("date", "recorded_at"):
        out[k] = out[k].isoformat()
    return out


def _no_history(ident: str, cycle: str | None) -> str:
    where = f" in cycle {cycle}" if cycle else ""
    return (
        f"no objective or key result {ident!r} in the store's history{where}:"
        " check the id (and the cycle)"
    )


def _spans(numbers: list[int]) -> str:
    """Sorted numbers as runs: ``[1, 2, 3, 5]`` -> ``'1-3, 5'``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _wal(cursor: Any) -> None:
    """Switch a SQLite file to WAL mode, retrying while another connection does the same.

    Two connections switching a new file at the same moment: one is told "database is locked" at
    once, without the busy timeout, so it waits a little and tries again.
    """
    import sqlite3
    import time

    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.05)


def _find_or_parse(store: Store, ident: str) -> Cycle:
    try:
        return store.cycle(ident)
    except NotFoundError:
        return Cycle.parse(ident)


def _carried_id(ident: str, source: Cycle, target: Cycle) -> str:
    base = re.sub(rf"-{re.escape(source.id)}$", "", ident)
    return f"{base}-{target.id}"


def _grouped(ids: pd.Series, links: pd.DataFrame, key: str, value: str) -> list[tuple[str, ...]]:
    if links.empty:
        return [() for _ in range(len(ids))]
    found = ids.map(links.groupby(key, sort=False)[value].agg(tuple))
    return [v if isinstance(v, tuple) else () for v in found.tolist()]


def _conform(df: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """Give a frame read from SQL the columns and dtypes of :func:`~okrkit.frames.to_frames`."""
    out = df.reindex(columns=like.columns)
    for col in like.columns:
        dtype = like[col].dtype
        if str(dtype) == "object":
            # The empty frame cannot tell text from other objects: infer the dtype from the
            # values as to_frames does (pandas' string dtype for text with gaps, else object).
            if out[col].dtype == object:
                values = out[col].where(out[col].notna(), None).tolist()
                out[col] = pd.Series(values, index=out.index, dtype=None)
            elif out.empty:
                out[col] = out[col].astype(object)
            continue
        if str(dtype).startswith("datetime64"):
            out[col] = pd.to_datetime(out[col]).astype(dtype)
            continue
        try:
            out[col] = out[col].astype(dtype)
        except (TypeError, ValueError):
            out[col] = pd.array(out[col].tolist(), dtype=dtype)
    return out.reset_index(drop=True)


def _fields_of(row: Any, names: Iterable[str], skip: Iterable[str] = ()) -> dict[str, Any]:
    """The named columns of a SQL row as keyword arguments for a model class."""
    out = {name: getattr(row, name) for name in names if name not in set(skip)}
    if "silence" in out:
        out["silence"] = _silence(out["silence"])
    return out


def _sqlite_path(url: Any) -> str | None:
    """The file of a SQLite URL, also of a URI one (``sqlite:///file:PATH?mode=ro&uri=true``)."""
    path: str | None = url.database
    if path and url.query.get("uri") and path.startswith("file:"):
        from urllib.parse import unquote

        path = unquote(path[len("file:") :].split("?", 1)[0])
        if path.startswith("//"):  # file://host/path: only the local host
            path = "/" + path[2:].split("/", 1)[-1]
    return path


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def default_cycle_for_new_store() -> Cycle:
    """The cycle a new workspace starts in: the current quarter."""
    return current_quarter()


class _RollBack(Exception):
    """Raised inside a dry run's transaction to roll it back, carrying the summary."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


def _destruction(summary: ImportSummary) -> tuple[Any, ...]:
    """What an import removes or overwrites: a preview and the import itself must agree."""
    return (summary.removed, summary.changed, summary.checkins_removed, summary.checkins_corrected)


def _loop_in_file(exc: AlignmentCycleError, in_file: set[str]) -> AlignmentCycleError:
    """A loop error that names the file's link closing it and the links from the store."""
    loop = re.search(r"loop: (.*?)( \(\d+ objectives\))?$", exc.problem)
    names = loop.group(1).split(" -> ") if loop else []
    links = list(itertools.pairwise(names))
    ours = [(c, p) for c, p in links if c in in_file and "…" not in (c, p)]
    theirs = [f"{c} -> {p}" for c, p in links if c not in in_file and "…" not in (c, p)]
    if not ours:
        return exc
    child, parent = ours[-1]
    problem = exc.problem
    if theirs:
        problem += f" (the store already holds {', '.join(theirs)})"
    return AlignmentCycleError(
        problem,
        field="aligns_to",
        fix=f"remove {parent} from the aligns_to of {child}, or another link of the loop",
    )


def _own(obj: Any) -> dict[str, Any]:
    """A record's fields as a file holds them, without its key results and version."""
    return {k: getattr(obj, k) for k in _own_keys(type(obj))}


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(k for k in after if k != "id" and before.get(k) != after[k])


_NOUNS = {
    "objectives": "objective",
    "key_results": "key result",
    "kpis": "KPI",
    "initiatives": "initiative",
}


class _Merge:
    """One import of a set some of whose ids the store holds already (see ``Store.import_set``).

    Runs inside the import's transaction; the conflicts it finds are returned in the summary,
    and the caller rolls the transaction back when there are any.
    """

    def __init__(
        self,
        store: Store,
        conn: sa.Connection,
        okrs: OkrSet,
        found: dict[str, str],
        incoming: Mapping[str, list[str]],
        author: str,
    ) -> None:
        self.store, self.conn, self.okrs = store, conn, okrs
        self.found, self.incoming, self.author = found, incoming, author
        self.sa, self.t = store._sa, store.tables
        self.cycle = okrs.cycle.id
        self.now = _utcnow()
        self.conflicts: list[str] = []
        self.added: list[str] = []
        self.changed: list[tuple[str, tuple[str, ...]]] = []
        self.removed: list[str] = []
        self.notes: list[str] = []
        self.revisions: list[dict[str, Any]] = []
        self.unchanged = 0
        self.renewed: set[str] = set()  # ids a replace took from another kind of record
        self.positions: dict[str, int] = {}
        self.diffs: list[tuple[str, str, Any, Any]] = []

    @property
    def replacing(self) -> bool:
        return self.mode == "replace"

    def run(self, base: ImportSummary) -> ImportSummary:
        self.mode = base.mode
        kind_of = {i: name for name, ids in self.incoming.items() for i in ids}
        clashes = sorted(i for i, name in self.found.items() if kind_of[i] != name)
        if clashes and not self.replacing:
            return replace(
                base,
                conflicts=tuple(
                    f"{_NOUNS[self.found[i]]} {i} in the store is {_article(_NOUNS[kind_of[i]])}"
                    " in the file: give it another id"
                    for i in clashes
                ),
            )
        if clashes:
            self._take_over(clashes, set(kind_of))
        self._others()
        self._objectives()
        self._key_results()
        for name, items, link, col, listed in (
            ("kpis", self.okrs.kpis, "kpi_measures", "kpi", "measures"),
            ("initiatives", self.okrs.initiatives, "initiative_supports", "initiative", "supports"),
        ):
            self._linked_records(name, items, link, col, listed)
        checkins = self._checkins()
        self.store._check_links(self.conn, self.okrs)
        self.store._log(self.conn, self.revisions)
        kept = len(checkins.kept)
        return replace(
            base,
            replaced=tuple(sorted({i for i, _ in self.changed} | self.renewed)),
            added=tuple(self.added),
            changed=tuple(self.changed),
            diffs=tuple(self.diffs),
            unchanged=self.unchanged,
            removed=tuple(self.removed),
            conflicts=(*self.conflicts, *checkins.conflicts),
            checkins_added=len(checkins.new) + (len(checkins.revived) if self.replacing else 0),
            checkins_same=len(checkins.same) - (len(checkins.revived) if self.replacing else 0),
            checkins_corrected=len(checkins.corrections),
            checkins_kept=0 if self.replacing else kept,
            checkins_removed=kept if self.replacing else 0,
            notes=(*self.notes, *self.store._dangling_notes(self.conn, self.okrs)),
        )

    # --- records --------------------------------------------------------------------------------

    def _stored(self, name: str, ids: list[str]) -> dict[str, Any]:
        table = self.t[name]
        return {
            row.id: row
            for chunk in _chunks(ids, 500)
            for row in self.conn.execute(self.sa.select(table).where(table.c.id.in_(chunk)))
        }

    def _links(self, link: str, col: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
        table = self.t[link]
        other = table.c.parent if link == "alignments" else table.c.key_result
        out: dict[str, list[str]] = {}
        for chunk in _chunks(ids, 500):
            for owner, target in self.conn.execute(
                self.sa.select(table.c[col], other)
                .where(table.c[col].in_(chunk))
                .order_by(table.c[col], table.c.position)
            ):
                out.setdefault(owner, []).append(target)
        return {k: tuple(v) for k, v in out.items()}

    def _relink(self, link: str, col: str, ident: str, targets: tuple[str, ...]) -> None:
        table = self.t[link]
        other = "parent" if link == "alignments" else "key_result"
        self.conn.execute(table.delete().where(table.c[col] == ident))
        if targets:
            self.conn.execute(
                table.insert(),
                [{col: ident, other: x, "position": i} for i, x in enumerate(targets)],
            )

    def _resolve(
        self,
        ident: str,
        what: str,
        obj: Any,
        stored: int,
        current: Mapping[str, Any],
        incoming: Mapping[str, Any],
    ) -> Resolution | None:
        """What to write for a record the store holds; ``None`` when nothing (noted why)."""
        diff = _diff(current, incoming)
        if not diff:
            self.unchanged += 1
            return None
        if self.replacing:
            found = Resolution(dict(incoming), diff)
            self._note_diffs(ident, current, found)
            return found
        version = getattr(obj, "version", None)
        found = resolve_edit(
            ident,
            what,
            file_version=version,
            stored_version=stored,
            base=self._base(ident, what, version) if version not in (None, stored) else None,
            current=current,
            incoming=incoming,
        )
        if found.conflict:
            self.conflicts.append(found.conflict)
        if found.note:
            self.notes.append(found.note)
        if found.values is None:
            self.unchanged += not found.conflict
            return None
        self._note_diffs(ident, current, found)
        return found

    def _note_diffs(self, ident: str, current: Mapping[str, Any], found: Resolution) -> None:
        assert found.values is not None
        self.diffs += [(ident, k, current.get(k), found.values[k]) for k in found.changed]

    def _base(self, ident: str, what: str, version: int | None) -> dict[str, Any] | None:
        """An objective's or key result's fields at ``version``, from its history."""
        kind = {"objective": "objective", "key result": "key_result"}.get(what)
        if kind is None:
            return None
        r = self.t["revisions"]
        row = self.conn.execute(
            self.sa.select(r).where(r.c.id == ident, r.c.version == version, r.c.kind == kind)
        ).first()
        if row is None or row.action == "delete":
            return None
        values = _own(_from_snapshot(kind, row.snapshot))
        if kind == "objective":
            values["cycle"] = row.cycle
        else:
            values["objective"] = row.objective
        return values

    def _next_position(self, table: str, key: str, value: str) -> int:
        slot = f"{table}:{value}"
        if slot not in self.positions:
            t = self.t[table]
            self.positions[slot] = self.store._next_position(self.conn, t, t.c[key] == value)
        self.positions[slot] += 1
        return self.positions[slot] - 1

    def _revise(
        self, obj: Objective | KeyResult, version: int, objective: str | None, new: bool
    ) -> None:
        kind = "objective" if isinstance(obj, Objective) else "key_result"
        action = "replace" if (obj.id in self.renewed or (self.replacing and not new)) else "import"
        self.revisions.append(
            _revision_row(
                kind, _values(obj), version, self.cycle, objective, self.now, action, self.author
            )
        )

    def _take_over(self, clashes: list[str], keep: set[str]) -> None:
        """A replace: ids the store holds as another kind of record are deleted first."""
        store, conn, t = self.store, self.conn, self.t
        self.revisions += store._deletions(conn, clashes, keep, self.now, self.author)
        by_kind: dict[str, list[str]] = {}
        for i in clashes:
            by_kind.setdefault(self.found.pop(i), []).append(i)
        for name, ids in by_kind.items():
            table = t[name]
            if name == "key_results":
                store._delete_key_results(conn, ids)
            elif name == "objectives":
                krs = list(
                    conn.execute(
                        self.sa.select(t["key_results"].c.id).where(
                            t["key_results"].c.objective.in_(ids)
                        )
                    ).scalars()
                )
                self.removed += [k for k in krs if k not in keep]
                for k in krs:  # the file's own key results come back in place
                    if self.found.pop(k, None):
                        self.renewed.add(k)
                store._delete_key_results(conn, krs)
                conn.execute(t["alignments"].delete().where(t["alignments"].c.child.in_(ids)))
                conn.execute(table.delete().where(table.c.id.in_(ids)))
            else:
                link = t["kpi_measures"] if name == "kpis" else t["initiative_supports"]
                col = "kpi" if name == "kpis" else "initiative"
                conn.execute(link.delete().where(link.c[col].in_(ids)))
                conn.execute(table.delete().where(table.c.id.in_(ids)))
        self.renewed.update(clashes)

    def _objectives(self) -> None:
        o = self.t["objectives"]
        ids = [i for i in self.incoming["objectives"] if i in self.found]
        stored = self._stored("objectives", ids)
        parents = self._links("alignments", "child", ids)
        new = [x for x in self.okrs.objectives if x.id not in stored]
        versions = self.store._last_versions(self.conn, [x.id for x in new])
        for x in self.okrs.objectives:
            row = stored.get(x.id)
            if row is None:
                continue
            current = Objective(
                **_fields_of(row, _own_keys(Objective), skip=("aligns_to",)),
                aligns_to=parents.get(x.id, ()),
            )
            found = self._resolve(
                x.id,
                "objective",
                x,
                row.version,
                {**_own(current), "cycle": row.cycle},
                {**_own(x), "cycle": self.cycle},
            )
            if found is None or found.values is None:
                continue
            merged = {k: v for k, v in found.values.items() if k != "cycle"}
            written = replace(x, **merged)
            values = _row(written, ("key_results", "aligns_to", "id"))
            if found.values["cycle"] != row.cycle:
                values.update(
                    cycle=self.cycle,
                    position=self._next_position("objectives", "cycle", self.cycle),
                )
            self.store._bump(self.conn, o, x.id, row.version, values)
            if "aligns_to" in found.changed:
                self._relink("alignments", "child", x.id, written.aligns_to)
            self._revise(written, row.version + 1, None, new=False)
            self.changed.append((x.id, found.changed))
        rows, links = [], []
        for x in new:
            version = versions.get(x.id, 0) + 1
            rows.append(
                {
                    **_row(x, ("key_results", "aligns_to")),
                    "cycle": self.cycle,
                    "position": self._next_position("objectives", "cycle", self.cycle),
                    "version": version,
                }
            )
            links += [
                {"child": x.id, "parent": p, "position": j} for j, p in enumerate(x.aligns_to)
            ]
            self._revise(x, version, None, new=True)
            if x.id not in self.renewed:
                self.added.append(x.id)
        self.store._insert_many(self.conn, o, rows)
        self.store._insert_many(self.conn, self.t["alignments"], links)

    def _others(self) -> None:
        """Stored key results of the file's objectives that the file does not hold.

        A merge keeps them (and says so); a replace deletes them, keeping each in its ``delete``
        revision with its check-ins. Done before any objective moves, so that the revision
        names the cycle the key result was in.
        """
        kr = self.t["key_results"]
        in_file = set(self.incoming["key_results"])
        owners = [x.id for x in self.okrs.objectives if self.found.get(x.id) == "objectives"]
        others = [
            ident
            for chunk in _chunks(owners, 500)
            for ident in self.conn.execute(
                self.sa.select(kr.c.id).where(kr.c.objective.in_(chunk)).order_by(kr.c.id)
            ).scalars()
            if ident not in in_file
        ]
        if others and self.replacing:
            self.revisions += self.store._kr_deletions(
                self.conn, others, self.now, self.author, checkins=True
            )
            self.store._delete_key_results(self.conn, others)
            self.removed += others
        elif others:
            shown = ", ".join(others[:8]) + (", ..." if len(others) > 8 else "")
            self.notes.append(
                f"{len(others)} key result(s) of the file's objectives are in the store only and"
                f" are kept: {shown}"
            )

    def _key_results(self) -> None:
        kr = self.t["key_results"]
        in_file = self.incoming["key_results"]
        stored = self._stored("key_results", [i for i in in_file if i in self.found])
        new_ids = [k.id for _, k in self.okrs.key_results() if k.id not in stored]
        versions = self.store._last_versions(self.conn, new_ids)
        rows = []
        for objective, x in self.okrs.key_results():
            row = stored.get(x.id)
            if row is None:
                version = versions.get(x.id, 0) + 1
                rows.append(
                    {
                        **_row(x),
                        "objective": objective.id,
                        "position": self._next_position("key_results", "objective", objective.id),
                        "version": version,
                    }
                )
                self._revise(x, version, objective.id, new=True)
                if x.id not in self.renewed:
                    self.added.append(x.id)
                continue
            current = KeyResult(**_fields_of(row, _own_keys(KeyResult)))
            found = self._resolve(
                x.id,
                "key result",
                x,
                row.version,
                {**_own(current), "objective": row.objective},
                {**_own(x), "objective": objective.id},
            )
            if found is None or found.values is None:
                continue
            parent = found.values["objective"]
            written = replace(x, **{k: v for k, v in found.values.items() if k != "objective"})
            values = _row(written, ("id",))
            if parent != row.objective:
                values.update(
                    objective=parent,
                    position=self._next_position("key_results", "objective", parent),
                )
            self.store._bump(self.conn, kr, x.id, row.version, values)
            self._revise(written, row.version + 1, parent, new=False)
            self.changed.append((x.id, found.changed))
        self.store._insert_many(self.conn, kr, rows)

    def _linked_records(
        self, name: str, items: tuple[Any, ...], link: str, col: str, listed: str
    ) -> None:
        """KPIs (with the key results they measure) or initiatives (with those they support)."""
        table = self.t[name]
        ids = [x.id for x in items if x.id in self.found]
        stored = self._stored(name, ids)
        targets = self._links(link, col, ids)
        rows, links = [], []
        for x in items:
            row = stored.get(x.id)
            if row is None:
                rows.append(
                    {
                        **_row(x, (listed,)),
                        "cycle": self.cycle,
                        "position": self._next_position(name, "cycle", self.cycle),
                        "version": 1,
                    }
                )
                links += [
                    {col: x.id, "key_result": k, "position": j}
                    for j, k in enumerate(getattr(x, listed))
                ]
                if x.id not in self.renewed:
                    self.added.append(x.id)
                continue
            current = type(x)(
                **_fields_of(row, _own_keys(type(x)), skip=(listed,)),
                **{listed: targets.get(x.id, ())},
            )
            found = self._resolve(
                x.id,
                _NOUNS[name],
                x,
                row.version,
                {**_own(current), "cycle": row.cycle},
                {**_own(x), "cycle": self.cycle},
            )
            if found is None or found.values is None:
                continue
            values = {**_row(x, (listed, "id")), "cycle": self.cycle}
            self.store._bump(self.conn, table, x.id, row.version, values)
            self._relink(link, col, x.id, getattr(x, listed))
            self.changed.append((x.id, found.changed))
        self.store._insert_many(self.conn, table, rows)
        self.store._insert_many(self.conn, self.t[link], links)

    # --- check-ins ------------------------------------------------------------------------------

    def _checkins(self) -> CheckinPlan:
        ci = self.t["checkins"]
        ids = [i for i in self.incoming["key_results"] if self.found.get(i) == "key_results"]
        stored = [
            StoredCheckIn(
                id=row.id,
                key_result=row.key_result,
                date=row.date,
                value=row.value,
                done=row.done,
                grade=row.grade,
                confidence=row.confidence,
                note=row.note or "",
                author=row.author or "",
                state=row.state,
            )
            for chunk in _chunks(ids, 500)
            for row in self.conn.execute(self.sa.select(ci).where(ci.c.key_result.in_(chunk)))
        ]
        plan = (
            match_checkins(self.okrs.checkins, stored)
            if stored
            else CheckinPlan(new=self.okrs.checkins)
        )
        now = self.now
        self.store._insert_many(
            self.conn,
            ci,
            [
                {
                    **_row(c, ("id",)),
                    "state": "active",
                    "replaces": None,
                    "reason": None,
                    "recorded_at": now,
                }
                for c in (*plan.new, *(plan.revived if self.replacing else ()))
            ],
        )
        for old, new in plan.corrections:
            self.conn.execute(
                ci.update().where(ci.c.id == old).values(state="corrected", reason=_IMPORTED)
            )
            self.conn.execute(
                ci.insert().values(
                    **_row(new, ("id",)),
                    state="active",
                    replaces=old,
                    reason=_IMPORTED,
                    recorded_at=now,
                )
            )
        if self.replacing:
            for chunk in _chunks(list(plan.kept), 500):
                self.conn.execute(
                    ci.update()
                    .where(ci.c.id.in_(chunk))
                    .values(state="deleted", reason="removed by import --replace")
                )
        return plan


#: The reason a check-in corrected by an import carries in the history.
_IMPORTED = "changed in an imported file"


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeio" else f"a {noun}"

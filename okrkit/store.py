"""The store: OKR sets of many cycles in one SQLite file, or in PostgreSQL, by URL.

SQLAlchemy Core, so the same SQL runs on both. Every public write is one transaction: it lands
whole or not at all. On SQLite the file runs in WAL mode with a busy timeout and writes take the
write lock up front (``BEGIN IMMEDIATE``), so writers in several kernels queue instead of failing
or losing each other's rows. Editable rows carry a ``version``: an update names the version it
read and a stale one raises :class:`~okrkit.errors.ConflictError` instead of overwriting.

Check-ins are never overwritten: a correction marks the old row ``corrected`` and adds the new one
with a link to it; a deletion marks the row ``deleted``. :meth:`Store.checkins` shows the history.

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
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle, current_quarter
from okrkit.errors import (
    ConflictError,
    NotFoundError,
    OkrkitError,
    SchemaVersionError,
    StoreError,
    ValidationError,
)
from okrkit.frames import Frames, from_frames, to_frames
from okrkit.model import CHECKIN_FIELD, CheckIn, KeyResult, Objective, OkrSet

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["SCHEMA_VERSION", "ImportSummary", "Store", "resolve_url"]

SCHEMA_VERSION = 1
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


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added (or replaced)."""

    cycle: str
    objectives: int
    key_results: int
    kpis: int
    initiatives: int
    checkins: int
    replaced: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = (
            f"cycle {self.cycle}: {self.objectives} objectives, {self.key_results} key results, "
            f"{self.kpis} KPIs, {self.initiatives} initiatives, {self.checkins} check-ins"
        )
        if self.replaced:
            text += f" ({len(self.replaced)} replaced)"
        return text


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
    }
    return md, t


def _row(obj: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A model object as column values; silenced findings as a JSON object (or NULL)."""
    out = {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in set(skip)}
    if "silence" in out:
        out["silence"] = json.dumps(dict(out["silence"]), ensure_ascii=False) or None
        if out["silence"] == "{}":
            out["silence"] = None
    return out


def _silence(text: str | None) -> tuple[tuple[str, str], ...]:
    """The ``silence`` column back as (code, reason) pairs."""
    return tuple(sorted(json.loads(text).items())) if isinstance(text, str) and text else ()


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
            path = sa.engine.make_url(self.url).database
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
            self._ensure_schema(create)
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
        read_only = bool(extra)

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
        hint = ""
        if code == "25006" or "readonly" in low or "read-only" in low:
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
        elif (
            "unable to open" in low
            and file is not None
            and file.exists()
            and not os.access(file.absolute().parent, os.W_OK)
        ):
            hint = (
                f": the store's folder is read-only, and SQLite must create {file.name}-shm"
                " there to read the store; copy it to a writable place or get write access to"
                " the folder, or pass another --db"
            )
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
                # Another process may have created it while this one waited for the lock.
                names = set(sa.inspect(conn).get_table_names())
                if meta.name not in names:
                    self._refuse_foreign(names)
                    self._metadata.create_all(conn)
                    conn.execute(
                        meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
                    )
        with self._read() as conn:
            found = conn.execute(
                sa.select(meta.c.value).where(meta.c.key == "schema_version")
            ).scalar()
        if found != str(SCHEMA_VERSION):
            raise SchemaVersionError(
                f"the store {self._safe_url()} has schema version {found}, this okrkit reads"
                f" version {SCHEMA_VERSION}: upgrade okrkit, or export with the okrkit that wrote"
                " it and import here"
            )

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
        return [Cycle(id=r.id, start=r.start, end=r.end) for r in rows]

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
                result = conn.execute(query)
                return pd.DataFrame(result.all(), columns=list(result.keys()))

            o, kr, ci = t["objectives"], t["key_results"], t["checkins"]
            objectives = frame(sa.select(o).where(o.c.cycle == c.id).order_by(o.c.position))
            links = frame(
                sa.select(t["alignments"])
                .join(o, o.c.id == t["alignments"].c.child)
                .where(o.c.cycle == c.id)
                .order_by(t["alignments"].c.position)
            )
            krs = frame(
                sa.select(kr)
                .join(o, o.c.id == kr.c.objective)
                .where(o.c.cycle == c.id)
                .order_by(o.c.position, kr.c.position)
            )
            checkins = frame(
                sa.select(ci)
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
            df["silence"] = [_silence(v) for v in df["silence"]]
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

    def import_set(self, okrs: OkrSet, *, replace: bool = False) -> ImportSummary:
        """Add an OKR set to the store in one transaction.

        The set's cycle is created when new. Objectives, key results, KPIs and initiatives whose
        ids are already in the store are refused, unless ``replace`` is true: then the stored
        ones (with their key results and check-ins) are replaced by the file's.

        Raises
        ------
        ConflictError
            When ids already exist (and ``replace`` is false), or the cycle exists with other dates.
        """
        with self._write("import") as conn:
            return self._import(conn, okrs, replace=replace)

    def _import(self, conn: sa.Connection, okrs: OkrSet, *, replace: bool) -> ImportSummary:
        sa = self._sa
        t = self.tables
        self._put_cycle(conn, okrs.cycle)
        incoming = {
            "objectives": [o.id for o in okrs.objectives],
            "key_results": [kr.id for _, kr in okrs.key_results()],
            "kpis": [k.id for k in okrs.kpis],
            "initiatives": [i.id for i in okrs.initiatives],
        }
        all_ids = [i for ids in incoming.values() for i in ids]
        existing: list[str] = []
        for name in incoming:
            table = t[name]
            for chunk in _chunks(all_ids, 500):
                existing += conn.execute(
                    sa.select(table.c.id).where(table.c.id.in_(chunk))
                ).scalars()
        if existing and not replace:
            shown = ", ".join(sorted(existing)[:5]) + (", ..." if len(existing) > 5 else "")
            raise ConflictError(
                f"{len(existing)} id(s) are already in the store: {shown}. Import with --replace"
                " to overwrite them (their check-ins in the store are replaced by the file's),"
                " or give new ids"
            )
        if existing:
            for name in incoming:
                table = t[name]
                for chunk in _chunks(existing, 500):
                    if name == "key_results":
                        self._delete_key_results(conn, chunk)
                    elif name == "objectives":
                        krs = (
                            conn.execute(
                                sa.select(t["key_results"].c.id).where(
                                    t["key_results"].c.objective.in_(chunk)
                                )
                            )
                            .scalars()
                            .all()
                        )
                        self._delete_key_results(conn, krs)
                        conn.execute(
                            t["alignments"].delete().where(t["alignments"].c.child.in_(chunk))
                        )
                        conn.execute(table.delete().where(table.c.id.in_(chunk)))
                    else:
                        link = t["kpi_measures"] if name == "kpis" else t["initiative_supports"]
                        col = "kpi" if name == "kpis" else "initiative"
                        conn.execute(link.delete().where(link.c[col].in_(chunk)))
                        conn.execute(table.delete().where(table.c.id.in_(chunk)))
        self._insert_set(conn, okrs)
        return ImportSummary(
            cycle=okrs.cycle.id,
            objectives=len(okrs.objectives),
            key_results=len(incoming["key_results"]),
            kpis=len(okrs.kpis),
            initiatives=len(okrs.initiatives),
            checkins=len(okrs.checkins),
            replaced=tuple(sorted(existing)),
        )

    def _delete_key_results(self, conn: sa.Connection, ids: Iterable[str]) -> None:
        t = self.tables
        for chunk in _chunks(list(ids), 500):
            conn.execute(t["checkins"].delete().where(t["checkins"].c.key_result.in_(chunk)))
            conn.execute(t["key_results"].delete().where(t["key_results"].c.id.in_(chunk)))

    def _put_cycle(self, conn: sa.Connection, cycle: Cycle) -> None:
        sa = self._sa
        t = self.tables["cycles"]
        row = conn.execute(sa.select(t).where(t.c.id == cycle.id)).first()
        if row is None:
            conn.execute(t.insert().values(id=cycle.id, start=cycle.start, end=cycle.end))
        elif (row.start, row.end) != (cycle.start, cycle.end):
            raise ConflictError(
                f"cycle {cycle.id} is in the store as {row.start}..{row.end}, the file says"
                f" {cycle.start}..{cycle.end}: use the same dates or another cycle id"
            )

    def _next_position(self, conn: sa.Connection, table: sa.Table, where: Any) -> int:
        sa = self._sa
        found = conn.execute(sa.select(sa.func.max(table.c.position)).where(where)).scalar()
        return int(found) + 1 if found is not None else 0

    def _insert_set(self, conn: sa.Connection, okrs: OkrSet) -> None:
        t = self.tables
        cycle = okrs.cycle.id
        base = self._next_position(conn, t["objectives"], t["objectives"].c.cycle == cycle)
        objectives, links, krs = [], [], []
        for i, o in enumerate(okrs.objectives):
            objectives.append(
                {
                    **_row(o, ("key_results", "aligns_to")),
                    "cycle": cycle,
                    "position": base + i,
                    "version": 1,
                }
            )
            links += [
                {"child": o.id, "parent": p, "position": j} for j, p in enumerate(o.aligns_to)
            ]
            krs += [
                {**_row(kr), "objective": o.id, "position": j, "version": 1}
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
            for chunk in _chunks(rows, 5000):
                conn.execute(t[name].insert(), chunk)

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

    def update_objective(self, ident: str, version: int, **changes: Any) -> int:
        """Change fields of an objective read at ``version``; returns the new version.

        Raises
        ------
        ConflictError
            When somebody else changed the objective since ``version`` was read.
        """
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
                conn.execute(links.delete().where(links.c.child == ident))
                if updated.aligns_to:
                    conn.execute(
                        links.insert(),
                        [
                            {"child": ident, "parent": p, "position": i}
                            for i, p in enumerate(updated.aligns_to)
                        ],
                    )
            return version + 1

    def update_key_result(self, ident: str, version: int, **changes: Any) -> int:
        """Change fields of a key result read at ``version``; returns the new version."""
        if "id" in changes:
            raise ValidationError("cannot change a key result's id")
        sa = self._sa
        kr = self.tables["key_results"]
        with self._write(f"update key result {ident}") as conn:
            row = conn.execute(sa.select(kr).where(kr.c.id == ident)).first()
            if row is None:
                raise NotFoundError(f"no key result {ident!r} in the store")
            current = KeyResult(**_fields_of(row, KeyResult.file_keys()))
            updated = replace(current, **changes)
            self._bump(conn, kr, ident, version, _row(updated, ("id",)))
            return version + 1

    def add_key_result(self, objective: str, key_result: KeyResult) -> int:
        """Add a key result at the end of an objective's list; returns its version (1).

        Raises
        ------
        NotFoundError
            When the objective is not in the store.
        ConflictError
            When the key result's id is already used by an objective, key result, KPI or
            initiative in the store.
        """
        sa = self._sa
        t = self.tables
        kr = t["key_results"]
        with self._write(f"add key result {key_result.id}") as conn:
            o = t["objectives"]
            if conn.execute(sa.select(o.c.id).where(o.c.id == objective)).first() is None:
                raise NotFoundError(f"no objective {objective!r} in the store")
            for name in ("objectives", "key_results", "kpis", "initiatives"):
                table = t[name]
                if conn.execute(sa.select(table.c.id).where(table.c.id == key_result.id)).first():
                    raise ConflictError(
                        f"the id {key_result.id!r} is already used in the store;"
                        " give the key result another id"
                    )
            position = self._next_position(conn, kr, kr.c.objective == objective)
            conn.execute(
                kr.insert().values(
                    **_row(key_result), objective=objective, position=position, version=1
                )
            )
        return 1

    def delete_key_result(self, ident: str, version: int) -> None:
        """Delete a key result read at ``version``.

        Only a key result without check-ins, and that no KPI or initiative points at, can be
        deleted: its history is never thrown away.

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
            conn.execute(kr.delete().where(kr.c.id == ident))

    def move_key_result(self, ident: str, version: int, objective: str) -> int:
        """Move a key result, with its check-ins, to another objective of the same cycle.

        Returns the key result's new version. Its check-in history stays with it.

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
                sa.select(kr.c.objective, o.c.cycle)
                .join(o, o.c.id == kr.c.objective)
                .where(kr.c.id == ident)
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
            return version + 1

    def realign(self, ident: str, version: int, parents: Iterable[str]) -> int:
        """Point an objective at new parent objectives; returns its new version.

        The same as ``update_objective(ident, version, aligns_to=parents)``.
        """
        return self.update_objective(ident, version, aligns_to=tuple(parents))

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

    # --- carry-over ----------------------------------------------------------------------------

    def carry_over(
        self,
        from_cycle: str | Cycle,
        to_cycle: str | Cycle,
        ids: Iterable[str] = (),
        *,
        as_of: dt.date | None = None,
    ) -> OkrSet:
        """Copy unfinished objectives, with their unfinished key results, into the next cycle.

        An objective is unfinished when its score is below 1.0 at ``as_of`` (default: the end
        of ``from_cycle``). Each copy gets a new id (``<old id>-<to cycle>``) and
        ``carried_from`` pointing back; a metric starts where the old one ended, milestones
        start not done, qualitative key results ungraded; no check-ins are copied. Alignment
        to a parent that is carried over too follows the parent's copy. ``ids`` picks objectives
        (default: every unfinished one). Returns the carried set; it is stored in one
        transaction.

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
        self.import_set(carried)
        return carried


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
    groups = links.groupby(key, sort=False)[value].agg(tuple)
    return [groups.get(i, ()) for i in ids]


def _conform(df: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """Give a frame read from SQL the columns and dtypes of :func:`~okrkit.frames.to_frames`."""
    out = df.reindex(columns=like.columns)
    for col in like.columns:
        dtype = like[col].dtype
        if str(dtype) == "object":
            # The empty frame cannot tell text from other objects: infer the dtype from the
            # values as to_frames does (pandas' string dtype for text with gaps, else object).
            values = [None if _is_missing(v) else v for v in out[col].tolist()]
            out[col] = pd.Series(values, index=out.index, dtype=None)
            continue
        try:
            out[col] = out[col].astype(dtype)
        except (TypeError, ValueError):
            out[col] = pd.array(out[col].tolist(), dtype=dtype)
    return out.reset_index(drop=True)


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _fields_of(row: Any, names: Iterable[str], skip: Iterable[str] = ()) -> dict[str, Any]:
    """The named columns of a SQL row as keyword arguments for a model class."""
    out = {name: getattr(row, name) for name in names if name not in set(skip)}
    if "silence" in out:
        out["silence"] = _silence(out["silence"])
    return out


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def default_cycle_for_new_store() -> Cycle:
    """The cycle a new workspace starts in: the current quarter."""
    return current_quarter()

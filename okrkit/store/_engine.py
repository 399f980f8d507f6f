"""The engine: store URLs, SQLite's WAL mode and side files, transactions, readable errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrkit.errors import ConflictError, OkrkitError, StoreError
from okrkit.store._codecs import first_line

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = [
    "DEFAULT_FILE",
    "ENV_URL",
    "check_sqlite_file",
    "make_engine",
    "reading",
    "resolve_url",
    "safe_url",
    "store_error",
    "writing",
]

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


def safe_url(url: str) -> str:
    """The URL without its password, to show."""
    import sqlalchemy as sa

    return str(sa.engine.make_url(url).render_as_string(hide_password=True))


def check_sqlite_file(url: str, create: bool) -> None:
    """Refuse a SQLite store that is missing (without ``create``) or cannot be created."""
    import sqlalchemy as sa

    path = _sqlite_path(sa.engine.make_url(url))
    if not path or path == ":memory:":
        return
    if not create and not Path(path).exists():
        raise StoreError(f"no store at {path}: run 'okrkit init' or pass --db with the right path")
    if not Path(path).parent.exists():
        raise StoreError(
            f"cannot create the store {path}: the folder {Path(path).parent} does not exist"
        )


def make_engine(url: str) -> Any:
    """A SQLAlchemy engine; on SQLite in WAL mode, with a busy timeout and ``BEGIN IMMEDIATE``
    for writes, read-only when the file may not be written."""
    import sqlalchemy as sa

    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    connect_args: dict[str, Any] = {"timeout": 60, "check_same_thread": False}
    parsed = sa.engine.make_url(url)
    file = (
        None if memory or not parsed.database or parsed.query.get("uri") else Path(parsed.database)
    )
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
        url,
        connect_args=connect_args,
        poolclass=sa.pool.StaticPool if memory else sa.pool.QueuePool,
        **extra,
    )
    read_only = bool(extra) or parsed.query.get("mode") == "ro"  # or a URI with mode=ro

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
def writing(engine: Any, url: str, action: str) -> Iterator[sa.Connection]:
    """One write transaction: commits whole on success, rolls back on any error."""
    import sqlalchemy as sa

    try:
        with engine.connect().execution_options(okrkit_write=True) as conn, conn.begin():
            yield conn
    except OkrkitError:
        raise
    except sa.exc.IntegrityError as exc:
        raise ConflictError(
            f"cannot {action}: the change clashes with data already in the store"
            f" ({first_line(exc.orig)})"
        ) from None
    except sa.exc.SQLAlchemyError as exc:
        raise store_error(url, exc, action) from None


@contextmanager
def reading(engine: Any, url: str) -> Iterator[sa.Connection]:
    """One read transaction; database errors become :class:`StoreError`."""
    import sqlalchemy as sa

    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except OkrkitError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise store_error(url, exc, "read the store") from None


def store_error(url: str, exc: Exception, action: str) -> StoreError:
    """A database error as a :class:`StoreError` that says what is wrong and what to do."""
    import sqlalchemy as sa

    orig = getattr(exc, "orig", exc)
    detail = first_line(orig)
    low = detail.lower()
    code = getattr(orig, "sqlstate", None) or ""  # PostgreSQL's error code
    parsed = sa.engine.make_url(url)
    is_sqlite = url.startswith("sqlite")
    writing = action not in ("open", "read the store")
    unchanged = " (nothing was written)" if writing else ""
    file = Path(parsed.database) if is_sqlite and parsed.database else None
    no_wal_index = (  # SQLite must create the -shm file to read a WAL store, and cannot
        file is not None
        and file.exists()
        and not Path(f"{file}-shm").exists()
        and not os.access(file.absolute().parent, os.W_OK)
    )
    hint = ""
    if no_wal_index and not writing and ("unable to open" in low or "readonly" in low):
        hint = (
            f": the store's folder is read-only, and SQLite must create {parsed.database}-shm"
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
    elif is_sqlite and parsed.query.get("mode") == "ro" and "readonly" in low:
        hint = ": the store is read-only (opened with mode=ro); drop mode=ro from the URL"
    elif code == "25006" or "readonly" in low or "read-only" in low:
        hint = (
            ": the store is read-only (this process may not write the file); copy it to a"
            " writable place or get write access, or pass another --db"
            if is_sqlite
            else ": the store is read-only (the database accepts only reads: it is set"
            " read-only, or a standby server); use a writable database, or pass another --db"
        )
    elif code == "42501" or "permission denied" in low:
        hint = (
            f": the store is read-only for the database user {parsed.username}: ask the"
            " database administrator to grant INSERT, UPDATE and DELETE on its tables,"
            " or pass another --db"
            if writing
            else f": the database user {parsed.username} may not read the store: ask the"
            " database administrator to grant SELECT on its tables"
        )
    elif code == "53100" or "disk is full" in low or "no space left" in low:
        disk = "the disk" if is_sqlite else "the database server's disk"
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
    return StoreError(f"cannot {action} at {safe_url(url)}{hint} [{detail}]")


# --- SQLite's files --------------------------------------------------------------------------


def _writable_sidecars(file: Path) -> None:
    """Make a writable store's ``-shm`` and ``-wal`` files writable again where they are ours.

    SQLite gives them the database file's permissions when it creates them; a read-only open of
    a read-only file leaves a read-only ``-shm`` behind, and every later write would fail as
    "read-only" after the file is made writable again. Changing the mode is safe while other
    connections have the files open; a file of another user is left alone (the error on a
    write names it, see :func:`store_error`).
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


def _sqlite_path(url: Any) -> str | None:
    """The file of a SQLite URL, also of a URI one (``sqlite:///file:PATH?mode=ro&uri=true``)."""
    path: str | None = url.database
    if path and url.query.get("uri") and path.startswith("file:"):
        from urllib.parse import unquote

        path = unquote(path[len("file:") :].split("?", 1)[0])
        if path.startswith("//"):  # file://host/path: only the local host
            path = "/" + path[2:].split("/", 1)[-1]
    return path

"""Reliability of the store on SQLite and PostgreSQL, with real processes and real faults.

- Many writers: 8 processes x 500 check-ins started together lose and duplicate nothing.
- Edits of one objective from the same version: one wins, the others get a ConflictError;
  writers that reload and retry all land.
- A process killed (SIGKILL) in the middle of a large import leaves the store as it was.
- A full disk and a read-only store give a StoreError that says so, and leave the store intact.

The workers are processes running ``tests/reliability_worker.py``, started once and reused.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas.testing as pdt
import pytest
import reliability_worker
from reliability_worker import CYCLE, big_set
from testdata import TEMPLATES_DIR

from okrkit import (
    CheckIn,
    ConflictError,
    KeyResult,
    Objective,
    OkrSet,
    Store,
    StoreError,
    dump_yaml,
)
from okrkit.carry import carry_over
from okrkit.cli import main as cli

PROCESSES = 8
CHECKINS = 500
IMPORT_SIZE = (200, 5, 8)  # objectives, key results each, check-ins each: 8,000 check-ins
TIMEOUT = 120


# --- worker processes ---------------------------------------------------------------------------


class Worker:
    """A process running :func:`reliability_worker.serve`, and the pipe to it."""

    def __init__(self, context: Any) -> None:
        self.pipe, child = context.Pipe()
        self.proc = context.Process(target=reliability_worker.serve, args=(child,), daemon=True)
        self.exitcode: int | None = None
        self.proc.start()
        child.close()

    def send(self, message: Any) -> None:
        self.pipe.send(message)

    def request(self, op: str, url: str, **args: Any) -> None:
        self.send({"op": op, "url": url, **args})

    def expect(self, key: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message; fails the test on an error, an early exit or a timeout."""
        if not self.pipe.poll(timeout):
            pytest.fail(f"worker {self.proc.pid} said nothing for {timeout} s")
        try:
            message: dict[str, Any] = self.pipe.recv()
        except EOFError:
            self.proc.join(TIMEOUT)
            pytest.fail(f"worker {self.proc.pid} exited ({self.proc.exitcode})")
        if "error" in message:
            pytest.fail(f"worker {self.proc.pid}: {message['error']}\n{message['traceback']}")
        assert key in message, message
        return message

    def kill(self) -> list[dict[str, Any]]:
        """SIGKILL, then every message the process sent before it died."""
        if self.pipe.closed:
            return []
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.join(TIMEOUT)
        self.exitcode = self.proc.exitcode
        rest = []
        with contextlib.suppress(EOFError):
            while self.pipe.poll():
                rest.append(self.pipe.recv())
        self.close()
        return rest

    @property
    def alive(self) -> bool:
        return not self.pipe.closed and self.proc.is_alive()

    def close(self) -> None:
        if self.pipe.closed:
            return
        self.pipe.close()  # the worker's loop ends
        self.proc.join(30)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.proc.close()


class Workers:
    """Reusable worker processes, forked from a server that has imported okrkit already.

    The fork server (``multiprocessing``'s ``forkserver``) is a fresh interpreter that imports
    okrkit once and holds no connection or thread; a worker forked from it starts in a fraction
    of a second instead of the seconds a new interpreter takes to import pandas and SQLAlchemy.
    It imports pytest too: every child imports the parent's main module, here pytest's.
    """

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(
            ["okrkit", "okrkit.store", "sqlalchemy", "psycopg", "pytest"]
        )
        self.pool: list[Worker] = []

    def take(self, n: int) -> list[Worker]:
        for dead in [w for w in self.pool if not w.alive]:
            dead.close()
            self.pool.remove(dead)
        while len(self.pool) < n:
            self.pool.append(Worker(self.context))
        return self.pool[:n]

    def together(self, url: str, requests: list[dict[str, Any]]) -> list[Any]:
        """Run one request per worker, all started at the same moment (a barrier)."""
        workers = self.take(len(requests))
        try:
            for worker, request in zip(workers, requests, strict=True):
                worker.request(url=url, **request)
            for worker in workers:  # every worker has opened the store before any writes
                worker.expect("ready")
            for worker in workers:
                worker.send("go")
            return [worker.expect("done")["result"] for worker in workers]
        except BaseException:
            for worker in workers:  # in an unknown state: the next test gets new ones
                worker.kill()
            raise

    def close(self) -> None:
        for worker in self.pool:
            worker.close()


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    pool = Workers()
    try:
        yield pool
    finally:
        pool.close()


# --- helpers ------------------------------------------------------------------------------------


def seed_set() -> OkrSet:
    return OkrSet(
        cycle=CYCLE,
        objectives=[
            Objective(
                id="O1",
                title="Grow the community",
                description="Start.",
                key_results=[
                    KeyResult(id="K1", title="Visitors 0 to 10000", start=0, target=10_000)
                ],
            ),
            Objective(id="O2", title="Hire", aligns_to=["O1"]),
        ],
    )


def seeded(url: str) -> int:
    """Create the store at ``url`` with :func:`seed_set`; returns O1's version."""
    with Store(url) as store:
        store.import_set(seed_set())
        return store.versions(CYCLE)["O1"]


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        return {
            name: [
                tuple(row)
                for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for name, table in store.tables.items()
        }


def assert_unchanged(store: Store, rows: dict[str, list[tuple[Any, ...]]], frames: Any) -> None:
    assert dump(store) == rows
    now = store.frames(CYCLE)
    for name in ("objectives", "key_results", "checkins", "kpis", "initiatives"):
        pdt.assert_frame_equal(getattr(now, name), getattr(frames, name))


def assert_accepts_writes(store: Store) -> None:
    kr = store.load(CYCLE).objectives[0].key_results[0].id
    added = store.add_checkin(CheckIn(key_result=kr, date="2026-03-01", value=1, note="after"))
    assert added.id in set(store.checkins(kr)["id"])


# --- many writers -------------------------------------------------------------------------------


def test_parallel_checkins_all_land_once(db_url: str, workers: Workers) -> None:
    seeded(db_url)
    requests = [
        {"op": "checkins", "kr": "K1", "n": CHECKINS, "base": 1000 * w, "tag": f"w{w}"}
        for w in range(PROCESSES)
    ]
    returned = workers.together(db_url, requests)
    with Store(db_url, create=False) as store:
        df = store.checkins("K1", history=True)
    assert len(df) == PROCESSES * CHECKINS == 4000
    assert df["id"].is_unique
    assert (df["state"] == "active").all()
    assert not df.duplicated(["note", "value"]).any()
    for w, ids in enumerate(returned):
        mine = df[df["note"] == f"w{w}"]
        assert sorted(mine["value"]) == [float(1000 * w + i) for i in range(CHECKINS)]
        assert sorted(mine["id"]) == sorted(ids)  # what each writer was told is what is stored


@pytest.mark.parametrize("same", [False, True], ids=["own-ids", "same-ids"])
def test_parallel_imports_into_a_new_cycle_all_land(
    db_url: str, workers: Workers, same: bool
) -> None:
    """Eight imports start together into a cycle no store has yet: none fails on the cycle.

    With their own ids each adds its objectives; with the same ids one adds them and the others
    find them there, unchanged (a merge), instead of failing on a duplicate key.
    """
    seeded(db_url)
    requests = [
        {"op": "add", "cycle": "2027-Q3", "prefix": "S" if same else f"W{w}-"}
        for w in range(PROCESSES)
    ]
    returned = workers.together(db_url, requests)
    with Store(db_url, create=False) as store:
        loaded = store.load("2027-Q3")
        history = store.history(loaded.objectives[0].id)
    assert len(loaded.objectives) == 3 * (1 if same else PROCESSES)
    assert len(loaded.checkins) == 12 * (1 if same else PROCESSES)
    if same:
        assert sorted(r.split("(")[1][:9] for r in returned) == ["0 added, "] * 7 + ["9 added, "]
        assert history["version"].tolist() == [1]


def test_edits_from_one_version_one_wins(db_url: str, workers: Workers) -> None:
    version = seeded(db_url)
    requests = [
        {"op": "edit", "ident": "O1", "version": version, "tag": f"w{w}"} for w in range(PROCESSES)
    ]
    results = workers.together(db_url, requests)
    winners = [f"w{w}" for w, r in enumerate(results) if r["outcome"] == "ok"]
    losers = [r["message"] for r in results if r["outcome"] == "conflict"]
    assert len(winners) == 1, results
    assert len(losers) == PROCESSES - 1, results
    assert all("changed by somebody else" in m and "reload it" in m for m in losers)
    with Store(db_url, create=False) as store:
        o1 = store.load(CYCLE).objective("O1")
        assert store.versions(CYCLE)["O1"] == version + 1
    (winner,) = winners
    assert (o1.title, o1.owner, o1.description) == (
        f"Title by {winner}",
        winner,
        f"Edited by {winner}",
    )
    assert [kr.id for kr in o1.key_results] == ["K1"]


def test_edits_that_reload_and_retry_all_land(db_url: str, workers: Workers) -> None:
    version = seeded(db_url)
    requests = [{"op": "append", "ident": "O1", "tag": f"w{w}"} for w in range(PROCESSES)]
    attempts = workers.together(db_url, requests)
    with Store(db_url, create=False) as store:
        description = store.load(CYCLE).objective("O1").description
        assert store.versions(CYCLE)["O1"] == version + PROCESSES
    assert description is not None and description.startswith("Start.")
    tags = description.removeprefix("Start.").removeprefix("[").removesuffix("]").split("][")
    assert sorted(tags) == sorted(f"w{w}" for w in range(PROCESSES))
    assert all(n >= 1 for n in attempts)


# --- a process killed in the middle of an import ------------------------------------------------


def kill_seed(url: str) -> None:
    """A store with another, smaller version of the imported set, edited and corrected."""
    with Store(url) as store:
        store.import_set(big_set(20, 3, 10))
        store.update_objective("B0", store.versions(CYCLE)["B0"], title="Edited before")
        first = int(store.checkins("B1-K0")["id"].iloc[0])
        store.correct_checkin(first, value=99.0, reason="typo")


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param("writing", id="while-writing"),
        pytest.param("insert", id="holding-mid-insert"),
        pytest.param("commit", id="holding-before-commit"),
    ],
)
def test_sigkill_during_import_leaves_the_store_as_before(
    db_url: str, workers: Workers, moment: str
) -> None:
    import sqlalchemy as sa

    kill_seed(db_url)
    with Store(db_url, create=False) as store:
        rows, frames = dump(store), store.frames(CYCLE)
    wal = Path(f"{sa.engine.make_url(db_url).database}-wal")
    (worker,) = workers.take(1)
    try:
        worker.request("import", db_url, size=IMPORT_SIZE, hold=moment)
        worker.expect("ready")
        wal_before = wal.stat().st_size if db_url.startswith("sqlite") else 0
        worker.send("go")
        # The transaction has deleted the old objectives and written the new ones; with a hold
        # the worker now waits, with the key results written, or all written before COMMIT.
        worker.expect("writing")
        if moment != "writing":
            worker.expect("holding" if moment == "insert" else "committing")
        if moment == "commit" and db_url.startswith("sqlite"):
            # uncommitted pages spilled into the -wal file: recovery must ignore them
            assert wal.stat().st_size > wal_before + 256 * 1024
    finally:
        rest = worker.kill()
    assert worker.exitcode == -signal.SIGKILL
    assert not any(m.get("done") for m in rest), (
        f"the import finished before the kill landed ({rest}): the test needs a larger set"
    )
    with Store(db_url, create=False) as store:
        assert_unchanged(store, rows, frames)
        if store.is_sqlite:
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert_accepts_writes(store)
        store.update_objective("B0", store.versions(CYCLE)["B0"], title="Edited after")
        store.import_set(big_set(30, 2, 2), replace=True)  # and imports go through again
        assert len(store.load(CYCLE).objectives) == 30


# --- a full disk --------------------------------------------------------------------------------


def assert_disk_full(exc: pytest.ExceptionInfo[StoreError]) -> None:
    message = str(exc.value)
    assert "cannot import" in message
    assert "disk is full" in message
    assert "nothing was written" in message
    assert "free some space" in message


def test_full_disk_sqlite_page_limit(tmp_path: Path) -> None:
    """SQLite refuses to grow the file past ``max_page_count`` with SQLITE_FULL, as on a full disk.

    Works on every machine; the tmpfs tests below fill a real file system where they can.
    """
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'okrkit.db'}"
    kill_seed(url)
    with Store(url, create=False) as store:
        rows, frames = dump(store), store.frames(CYCLE)
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        def limit(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        sa.event.listen(store.engine, "connect", limit)
        store.engine.dispose()  # new connections, with the limit
        with pytest.raises(StoreError) as exc:
            store.import_set(big_set(*IMPORT_SIZE), replace=True)
        assert_disk_full(exc)
        assert "database or disk is full" in str(exc.value)
        assert_unchanged(store, rows, frames)  # reads work on the full disk
        sa.event.remove(store.engine, "connect", limit)
        store.engine.dispose()  # space again
        assert_unchanged(store, rows, frames)
        assert_accepts_writes(store)


@contextlib.contextmanager
def small_tmpfs(size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` on a new folder that every user can enter (the PostgreSQL server's
    too); skips where mounting is not allowed."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root (the page-limit test covers SQLite)")
    folder = Path(tempfile.mkdtemp(prefix="okrkit-full-"))
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "okrkit-full", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
        try:
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=True)
    finally:
        folder.rmdir()


@contextlib.contextmanager
def filled(folder: Path) -> Iterator[None]:
    """Fill the file system of ``folder`` to the last byte; free the space on leaving."""
    ballast = folder / "ballast"
    with ballast.open("wb", buffering=0) as f:
        block = b"\0" * 65536
        while True:
            try:
                f.write(block)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                block = block[: len(block) // 2]
                if not block:
                    break
    try:
        yield
    finally:
        ballast.unlink()


def test_full_disk_sqlite_real_file_system() -> None:
    with small_tmpfs("4m") as folder:
        url = f"sqlite:///{folder / 'okrkit.db'}"
        kill_seed(url)
        with Store(url, create=False) as store:
            rows, frames = dump(store), store.frames(CYCLE)
            with filled(folder):
                with pytest.raises(StoreError) as exc:
                    store.import_set(big_set(*IMPORT_SIZE), replace=True)
                assert_disk_full(exc)
                assert_unchanged(store, rows, frames)
            assert_unchanged(store, rows, frames)
            assert_accepts_writes(store)


def _admin(url: str, database: str | None = "postgres") -> Any:
    """An autocommit engine as the test server's superuser, on ``database`` (default: the
    server's ``postgres`` database; ``None``: the one of ``url``)."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    if database is not None:
        target = target.set(database=database)
    return sa.create_engine(target, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def test_full_disk_postgresql_tablespace(pg_url: str) -> None:
    """The store's tables in a tablespace on a small tmpfs, on a server on this machine.

    PostgreSQL has no page limit like SQLite's: without root (to mount) this is skipped, and a
    full disk is then covered on SQLite only.
    """
    import sqlalchemy as sa

    admin = _admin(pg_url)
    try:
        with admin.connect() as conn:
            data_dir = Path(conn.exec_driver_sql("SHOW data_directory").scalar())
        if not data_dir.is_dir():
            pytest.skip("the PostgreSQL server runs on another machine")
        with small_tmpfs("4m") as folder:
            space = folder / "pg"
            space.mkdir()
            owner = data_dir.stat()
            os.chown(space, owner.st_uid, owner.st_gid)
            name = f"okrkit_full_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE TABLESPACE {name} LOCATION '{space}'")
            try:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f"CREATE DATABASE {name} TABLESPACE {name}")
                url = sa.engine.make_url(pg_url).set(database=name).render_as_string(False)
                try:
                    kill_seed(url)
                    with Store(url, create=False) as store:
                        rows, frames = dump(store), store.frames(CYCLE)
                        with filled(folder):
                            with pytest.raises(StoreError) as exc:
                                store.import_set(big_set(*IMPORT_SIZE), replace=True)
                            assert_disk_full(exc)
                            assert "No space left on device" in str(exc.value)
                            assert_unchanged(store, rows, frames)
                        assert_unchanged(store, rows, frames)
                        assert_accepts_writes(store)
                finally:
                    with admin.connect() as conn:
                        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f"DROP TABLESPACE IF EXISTS {name}")
    finally:
        admin.dispose()


# --- a read-only store --------------------------------------------------------------------------


def write_attempts(store: Store) -> dict[str, Callable[[], Any]]:
    """Every kind of write, each of which must fail on a read-only store."""
    versions = store.versions(CYCLE)
    first = int(store.checkins("K1")["id"].iloc[0])
    okrs = seed_set()
    return {
        "check-in": lambda: store.add_checkin(CheckIn(key_result="K1", date="2026-02-02", value=5)),
        "correction": lambda: store.correct_checkin(first, value=2.0),
        "deletion": lambda: store.delete_checkin(first),
        "import": lambda: store.import_set(okrs, replace=True),
        "objective": lambda: store.update_objective("O1", versions["O1"], title="New"),
        "key result": lambda: store.update_key_result("K1", versions["K1"], target=5.0),
        "new key result": lambda: store.add_key_result(
            "O1", KeyResult(id="K9", title="More", type="milestone")
        ),
        "carry-over": lambda: carry_over(store, CYCLE, "2026-Q2"),
    }


def read_only_seed(url: str, folder: Path) -> Path:
    """Seed the store with a check-in; returns a YAML file to import (the CLI test's input)."""
    with Store(url) as store:
        store.import_set(seed_set())
        store.add_checkin(CheckIn(key_result="K1", date="2026-02-01", value=1))
    yaml_file = folder / "okrs.yaml"
    yaml_file.write_text(dump_yaml(seed_set()), encoding="utf-8")
    return yaml_file


def assert_read_only(
    url: str, yaml_file: Path, advice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(url, create=False) as store:
        rows, frames = dump(store), store.frames(CYCLE)
        assert store.load(CYCLE).objective("O1").title == "Grow the community"  # reads work
        for what, attempt in write_attempts(store).items():
            with pytest.raises(StoreError) as exc:
                attempt()
            message = str(exc.value)
            assert not isinstance(exc.value, ConflictError), (what, message)
            assert "the store is read-only" in message, (what, message)
            assert advice in message, (what, message)
        assert_unchanged(store, rows, frames)
    assert_cli_refuses(url, yaml_file, "the store is read-only", capsys)


def assert_cli_refuses(
    url: str, yaml_file: Path, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``okrkit checkin add`` and ``okrkit import`` say ``expected`` in one line and fail."""
    for argv in (
        ["checkin", "add", "K1", "--value", "3", "--date", "2026-02-03"],
        ["import", str(yaml_file), "--replace"],
    ):
        code = cli(["--db", url, *argv])
        out, err = capsys.readouterr()
        assert code != 0, argv
        assert err.startswith("okrkit: error: cannot ") and expected in err, err
        assert "Traceback" not in err + out
        assert len(err.strip().splitlines()) == 1, err


@contextlib.contextmanager
def read_only_files(paths: list[Path]) -> Iterator[str]:
    """Make files and folders unwritable for this process; yields how it was done.

    Root ignores permission bits, so as root the immutable attribute is used (or, where the
    file system lacks it, a read-only bind mount of the folder); else ``chmod``.
    """
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield "chmod"
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("chattr is missing: cannot make a file read-only for root")
    done: list[Path] = []
    try:
        for p in paths:
            result = subprocess.run(["chattr", "+i", str(p)], capture_output=True, check=False)
            if result.returncode != 0:
                pytest.skip(f"chattr +i does not work here: {result.stderr.decode().strip()}")
            done.append(p)
        yield "chattr +i"
    finally:
        for p in done:
            subprocess.run(["chattr", "-i", str(p)], check=True)


SQLITE_ADVICE = "copy it to a writable place"


def test_read_only_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A store file this process may not write, in a folder it may: reads work, writes fail."""
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "okrkit.db"
    yaml_file = read_only_seed(f"sqlite:///{db}", tmp_path)
    with read_only_files([db]):
        assert_read_only(f"sqlite:///{db}", yaml_file, SQLITE_ADVICE, capsys)


def test_read_only_sqlite_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The folder cannot be written either (somebody else's): SQLite cannot create the WAL
    index (``-shm``) it needs even to read, so opening fails, saying why and what to do."""
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "okrkit.db"
    yaml_file = read_only_seed(f"sqlite:///{db}", tmp_path)
    with read_only_files([db, folder]):
        with pytest.raises(StoreError) as exc:
            Store(db, create=False)
        message = str(exc.value)
        assert "the store's folder is read-only" in message and SQLITE_ADVICE in message
        assert "okrkit.db-shm" in message
        assert_cli_refuses(f"sqlite:///{db}", yaml_file, "folder is read-only", capsys)


def test_read_only_sqlite_mount(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, view = tmp_path / "store", tmp_path / "view"
    folder.mkdir()
    view.mkdir()
    yaml_file = read_only_seed(f"sqlite:///{folder / 'okrkit.db'}", tmp_path)
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    bind = subprocess.run(["mount", "--bind", str(folder), str(view)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True)
        assert_read_only(f"sqlite:///{view / 'okrkit.db'}", yaml_file, SQLITE_ADVICE, capsys)
    finally:
        subprocess.run(["umount", "-l", str(view)], check=True)


def test_read_only_sqlite_uri(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "okrkit.db"
    yaml_file = read_only_seed(f"sqlite:///{db}", tmp_path)
    assert_read_only(f"sqlite:///file:{db}?mode=ro&uri=true", yaml_file, "drop mode=ro", capsys)


def test_read_only_postgresql_database(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database that accepts only reads (as a standby server does)."""
    import sqlalchemy as sa

    yaml_file = read_only_seed(pg_url, tmp_path)
    database = sa.engine.make_url(pg_url).database
    admin = _admin(pg_url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f'ALTER DATABASE "{database}" SET default_transaction_read_only = on'
            )
        assert_read_only(pg_url, yaml_file, "use a writable database", capsys)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{database}" RESET ALL')
        admin.dispose()


def test_read_only_postgresql_role(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database user that may read the store's tables but not change them."""
    import sqlalchemy as sa

    yaml_file = read_only_seed(pg_url, tmp_path)
    role = f"okrkit_reader_{uuid.uuid4().hex[:8]}"
    admin, store_db = _admin(pg_url), _admin(pg_url, database=None)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        with store_db.connect() as conn:
            conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        reader = sa.engine.make_url(pg_url).set(username=role).render_as_string(False)
        assert_read_only(reader, yaml_file, "ask the database administrator to grant", capsys)
    finally:
        with store_db.connect() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP ROLE {role}")
        store_db.dispose()
        admin.dispose()


# --- a read-only open leaves its WAL index behind ------------------------------------------------

_AS_OTHER_USER = """
import os, sys
from okrkit import Store, StoreError, load_yaml
db, template, phase = sys.argv[1:4]
if phase == "seed":
    with Store(db) as store:
        store.import_set(load_yaml(template))
    os.chmod(db, 0o444)
    for side in (db + "-wal", db + "-shm"):
        if os.path.exists(side):
            os.remove(side)
    with Store(db) as store:  # a read-only file: opened read-only, SQLite makes a -shm
        store.load()
    os.chmod(db, 0o644)
    print(oct(os.stat(db + "-shm").st_mode & 0o777))
else:
    with Store(db) as store:
        try:
            store.update_objective("MKT-1", store.versions()["MKT-1"], title="Writable again")
        except StoreError as exc:
            print("refused:", exc)
        else:
            print("written")
"""


def _as_nobody(tmp_path: Path, *args: str) -> str:
    """Run :data:`_AS_OTHER_USER` as the user ``nobody`` (root ignores file modes)."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs root to run a process as another user")
    python = next(
        (
            p
            for p in (sys.executable, f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}")
            if subprocess.run(
                ["runuser", "-u", "nobody", "--", p, "-c", "pass"], capture_output=True
            ).returncode
            == 0
        ),
        None,
    )
    if python is None:
        pytest.skip("no Python that the user nobody may run")
    import sqlalchemy

    import okrkit

    paths = {Path(okrkit.__file__).parent.parent, Path(sqlalchemy.__file__).parent.parent}
    done = subprocess.run(
        ["runuser", "-u", "nobody", "--", python, "-c", _AS_OTHER_USER, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))},
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="okrkit-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def test_read_only_open_leaves_no_trap(shared_folder: Path) -> None:
    """Read while the file is read-only, make it writable: writes work without a hand fix."""
    tmp_path = shared_folder
    db = str(tmp_path / "okrkit.db")
    template = str(TEMPLATES_DIR / "marketing.yaml")
    assert _as_nobody(tmp_path, db, template, "seed") == "0o444"  # the trap is set
    assert _as_nobody(tmp_path, db, template, "write") == "written"
    with Store(db) as store:
        assert store.load().objective("MKT-1").title == "Writable again"


def test_read_only_index_of_another_user_is_named(shared_folder: Path) -> None:
    """A read-only ``-shm`` this user cannot change: the error names it and what to do."""
    tmp_path = shared_folder
    db = tmp_path / "okrkit.db"
    template = str(TEMPLATES_DIR / "marketing.yaml")
    _as_nobody(tmp_path, str(db), template, "seed")
    shm = Path(f"{db}-shm")
    os.chown(shm, 0, 0)  # now root's, and read-only
    said = _as_nobody(tmp_path, str(db), template, "write")
    assert said.startswith("refused:")
    assert f"{shm} is read-only" in said and "chmod u+w" in said and "as root" in said
    assert "never delete the -wal file" in said

"""Revisions: the edit history of objectives and key results, restoring, and the schema upgrade.

Every test runs on a fresh SQLite file and on a fresh PostgreSQL database (``db_url``), but for
the upgrade of a real version-1 SQLite file, built with ``sqlite3`` as an old okrkit left it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from testdata import open_together, run_sql

from okrkit import (
    CheckIn,
    ConflictError,
    KeyResult,
    NotFoundError,
    Objective,
    OkrSet,
    Store,
    ValidationError,
)
from okrkit.carry import carry_over
from okrkit.store import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent


class _NoRevisions:
    """A connection whose inserts into the revisions table fail, as in a power cut."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        table = getattr(statement, "table", None)
        if getattr(statement, "is_insert", False) and getattr(table, "name", "") == "revisions":
            raise RuntimeError("power cut")
        return self._conn.execute(statement, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def fail_revisions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every write transaction fail when it records a revision."""
    original = Store._write

    @contextlib.contextmanager
    def failing(self: Store, action: str) -> Iterator[Any]:
        with original(self, action) as conn:
            yield _NoRevisions(conn)

    monkeypatch.setattr(Store, "_write", failing)


def okrs(cycle: str = "2026-Q1", prefix: str = "") -> OkrSet:
    p = prefix
    return OkrSet(
        cycle=cycle,
        objectives=[
            Objective(
                id=f"{p}O1",
                title="Grow",
                owner="Ana",
                key_results=[
                    KeyResult(id=f"{p}K1", title="Visitors 0 to 100", start=0, target=100),
                    KeyResult(id=f"{p}K2", title="Launch", type="milestone"),
                    KeyResult(id=f"{p}K3", title="Liked", type="qualitative", weight=2),
                ],
            ),
            Objective(
                id=f"{p}O2",
                title="Hire",
                aligns_to=[f"{p}O1", "ELSEWHERE"],
                silence={"OKR101": "we know"},
                key_results=[
                    KeyResult(id=f"{p}K4", title="Backlog", type="guardrail", threshold=5)
                ],
            ),
        ],
    )


def current(store: Store, ident: str) -> Objective | KeyResult:
    """The object as the store holds it now; an objective without its key results."""
    okrs = store.load()
    if ident in {o.id for o in okrs.objectives}:
        return dataclasses.replace(okrs.objective(ident), key_results=())
    return okrs.key_result(ident)


def assert_history_matches_the_store(store: Store) -> None:
    """Each object's latest revision is the object as stored, at the stored version."""
    for ident, version in store.versions().items():
        assert store.history(ident)["version"].iloc[-1] == version, ident
        assert store.revision(ident, version) == current(store, ident), ident


@pytest.fixture
def store(db_url: str) -> Any:
    with Store(db_url) as s:
        s.import_set(okrs(), author="setup")
        yield s


# --- what gets recorded --------------------------------------------------------------------------


def test_import_records_one_revision_per_objective_and_key_result(store: Store) -> None:
    for ident in ("O1", "O2", "K1", "K2", "K3", "K4"):
        history = store.history(ident)
        assert history[["version", "action", "author", "cycle"]].to_dict("records") == [
            {"version": 1, "action": "import", "author": "setup", "cycle": "2026-Q1"}
        ]
    assert store.history("K4")["objective"].tolist() == ["O2"]
    assert store.history("O2")["record"].tolist() == ["objective"]
    assert store.history("K4")["record"].tolist() == ["key_result"]
    assert "objective" not in store.history("O1").columns
    assert store.revision("O2", 1) == dataclasses.replace(okrs().objectives[1], key_results=())
    assert store.revision("K3", 1) == okrs().objectives[0].key_results[2]
    assert_history_matches_the_store(store)


def test_update_records_the_new_version_with_time_and_author(store: Store) -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert store.update_key_result("K1", 1, target=200, unit="visits", author="bo") == 2
    assert store.update_objective("O1", 1, title="Grow fast", author="cy") == 2
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    history = store.history("K1")
    assert history["version"].tolist() == [1, 2]
    assert history["action"].tolist() == ["import", "update"]
    assert history["author"].tolist() == ["setup", "bo"]
    assert history["target"].tolist() == [100.0, 200.0]
    assert history["unit"].tolist()[1] == "visits"
    assert before - dt.timedelta(seconds=1) <= history["at"].iloc[1] <= after
    assert pd.api.types.is_datetime64_any_dtype(history["at"])
    assert store.history("O1")["title"].tolist() == ["Grow", "Grow fast"]
    assert store.revision("K1", 1).target == 100.0  # type: ignore[union-attr]
    assert store.revision("K1", 2).target == 200.0  # type: ignore[union-attr]
    assert_history_matches_the_store(store)


def test_every_writer_records_its_action(store: Store) -> None:
    v = store.versions()
    store.realign("O2", v["O2"], ["O1"], author="a")
    store.move_key_result("K3", v["K3"], "O2", author="b")
    store.add_key_result("O2", KeyResult(id="K9", title="New", start=1, target=2), author="c")
    store.delete_key_result("K2", v["K2"], author="d")
    carry_over(store, "2026-Q1", "2026-Q2", ["O1"], author="e")
    rows = {
        ident: store.history(ident).iloc[-1][["version", "action", "author"]].tolist()
        for ident in ("O2", "K3", "K9", "K2", "O1-2026-Q2", "K1-2026-Q2")
    }
    assert rows == {
        "O2": [2, "realign", "a"],
        "K3": [2, "move", "b"],
        "K9": [1, "add", "c"],
        "K2": [2, "delete", "d"],
        "O1-2026-Q2": [1, "carry_over", "e"],
        "K1-2026-Q2": [1, "carry_over", "e"],
    }
    assert store.history("O2")["aligns_to"].iloc[-1] == ("O1",)
    assert store.history("K3")["objective"].tolist() == ["O1", "O2"]
    assert store.history("K1-2026-Q2")["cycle"].tolist() == ["2026-Q2"]
    # a deletion keeps what was deleted
    assert store.revision("K2", 2) == store.revision("K2", 1)
    assert_history_matches_the_store(store)


def test_import_with_replace_records_replace_and_delete(store: Store) -> None:
    store.update_key_result("K1", 1, target=150)
    changed = okrs()
    first = changed.objectives[0]
    changed = dataclasses.replace(
        changed,
        objectives=(
            dataclasses.replace(first, title="Grow more", key_results=first.key_results[:1]),
            *changed.objectives[1:],
        ),
    )
    store.import_set(changed, replace=True, author="file")
    assert store.history("O1")["action"].tolist() == ["import", "replace"]
    assert store.history("K1")[["version", "action", "target"]].values.tolist() == [
        [1, "import", 100.0],
        [2, "update", 150.0],
        [3, "replace", 100.0],
    ]
    # versions carry on, so an edit from before the replacement is refused
    assert store.versions()["K1"] == 3 and store.versions()["O1"] == 2
    with pytest.raises(ConflictError, match="version 3, you read 2"):
        store.update_key_result("K1", 2, target=1)
    for gone in ("K2", "K3"):  # the replaced objective no longer has them
        assert store.history(gone)[["version", "action", "author"]].values.tolist() == [
            [1, "import", "setup"],
            [2, "delete", "file"],
        ]
    assert_history_matches_the_store(store)


def test_a_refused_write_records_nothing(store: Store) -> None:
    store.update_objective("O1", 1, owner="first")
    with pytest.raises(ConflictError):
        store.update_objective("O1", 1, owner="second")
    with pytest.raises(ValidationError):
        store.update_key_result("K1", 1, weight=-1)
    with pytest.raises(ConflictError):
        store.import_set(okrs())
    with pytest.raises(ConflictError):
        store.delete_key_result("K2", 7)
    assert store.history("O1")["version"].tolist() == [1, 2]
    assert store.history("K1")["version"].tolist() == [1]
    assert store.history("K2")["version"].tolist() == [1]


@pytest.mark.parametrize("call", ["import", "update", "delete"])
def test_the_revision_is_in_the_same_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """When writing the revision fails, the change itself is rolled back."""
    before = store.load(), store.versions()

    fail_revisions(monkeypatch)
    with pytest.raises(RuntimeError):
        if call == "import":
            store.import_set(okrs("2026-Q2", prefix="N-"))
        elif call == "update":
            store.update_key_result("K1", 1, target=5)
        else:
            store.delete_key_result("K2", 1)
    monkeypatch.undo()
    assert (store.load(), store.versions()) == before
    assert [c.id for c in store.cycles()] == ["2026-Q1"]
    assert_history_matches_the_store(store)


def test_bulk_import_writes_revisions_in_a_few_statements(db_url: str) -> None:
    import sqlalchemy as sa

    big = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id=f"O{i}",
                title=f"Objective {i}",
                key_results=[
                    KeyResult(id=f"K{i}-{j}", title="Count", start=0, target=10) for j in range(20)
                ],
            )
            for i in range(300)
        ],
    )
    statements: list[int] = []

    def count(conn: Any, clause: Any, multiparams: Any, params: Any, options: Any) -> None:
        if getattr(clause, "is_insert", False) and clause.table.name == "revisions":
            statements.append(len(multiparams))

    with Store(db_url) as store:
        sa.event.listen(store.engine, "before_execute", count)
        store.import_set(big)
        assert sorted(statements) == [1300, 5000]  # 6300 revisions, chunked like the rows
        assert store.history("K299-19")["version"].tolist() == [1]


# --- reading the history ---------------------------------------------------------------------


def test_history_of_an_unknown_id(store: Store) -> None:
    with pytest.raises(NotFoundError, match="'NOPE'"):
        store.history("NOPE")
    with pytest.raises(NotFoundError, match="'NOPE'"):
        store.revision("NOPE", 1)


def test_unknown_version_names_the_versions_there_are(store: Store) -> None:
    store.update_key_result("K1", 1, target=5)
    store.update_key_result("K1", 2, target=6)
    with pytest.raises(NotFoundError) as info:
        store.revision("K1", 9)
    assert str(info.value) == "K1 has no version 9; it has versions 1-3"
    with pytest.raises(NotFoundError, match="K1 has no version 0; it has versions 1-3"):
        store.restore("K1", 0, current_version=3)


def test_history_of_one_cycle(store: Store) -> None:
    store.import_set(okrs("2026-Q2", prefix="B-"))
    # an import with --replace can move an id to another cycle: the history keeps both
    moved = OkrSet(cycle="2026-Q2", objectives=[Objective(id="O1", title="Grow later")])
    store.import_set(moved, replace=True)
    assert store.history("O1")["cycle"].tolist() == ["2026-Q1", "2026-Q2"]
    assert store.history("O1", "2026-Q2")["version"].tolist() == [2]
    assert store.history("O1", "2026-Q1")["title"].tolist() == ["Grow"]
    with pytest.raises(NotFoundError, match="O1 has no version 1 in cycle 2026-Q2"):
        store.revision("O1", 1, cycle="2026-Q2")
    with pytest.raises(NotFoundError, match="in cycle 2026-Q2"):
        store.history("K1", "2026-Q2")
    with pytest.raises(NotFoundError, match="no cycle '2030-Q1'"):
        store.history("O1", "2030-Q1")


# --- restoring -----------------------------------------------------------------------------------


def test_restore_a_key_result(store: Store) -> None:
    store.update_key_result("K1", 1, target=200, title="Visitors to 200")
    store.update_key_result("K1", 2, owner="Bo")
    assert store.restore("K1", 1, current_version=3, author="ana") == 4
    kr = store.load().key_result("K1")
    assert (kr.title, kr.target, kr.owner) == ("Visitors 0 to 100", 100.0, "")
    assert store.versions()["K1"] == 4
    last = store.history("K1").iloc[-1]
    assert (last["version"], last["action"], last["author"]) == (4, "restore", "ana")
    assert store.revision("K1", 4) == store.revision("K1", 1)
    assert_history_matches_the_store(store)


def test_restore_an_objective_keeps_its_key_results(store: Store) -> None:
    store.update_objective("O2", 1, title="Hire two", aligns_to=[], silence={})
    assert store.restore("O2", 1, current_version=2) == 3
    o2 = store.load().objective("O2")
    assert (o2.title, o2.aligns_to, o2.silence) == (
        "Hire",
        ("O1", "ELSEWHERE"),
        (("OKR101", "we know"),),
    )
    assert [kr.id for kr in o2.key_results] == ["K4"]
    assert_history_matches_the_store(store)


def test_restore_with_a_stale_version_is_a_conflict(store: Store) -> None:
    store.update_key_result("K1", 1, target=200)
    before = store.load(), store.history("K1")
    with pytest.raises(ConflictError, match="version 2, you read 1"):
        store.restore("K1", 1, current_version=1)
    assert store.load() == before[0]
    pd.testing.assert_frame_equal(store.history("K1"), before[1])


def test_restore_a_deleted_key_result(store: Store) -> None:
    store.update_key_result("K2", 1, title="Launch the shop")
    store.delete_key_result("K2", 2, author="bo")
    assert "K2" not in {kr.id for _, kr in store.load().key_results()}
    with pytest.raises(ConflictError, match="version 3, you read 2"):
        store.restore("K2", 2, current_version=2)
    with pytest.raises(ValidationError, match="version 3 of K2 is its deletion") as info:
        store.restore("K2", 3, current_version=3)
    assert "restore version 2" in str(info.value)
    assert store.restore("K2", 2, current_version=3, author="cy") == 4
    o1 = store.load().objective("O1")
    assert [kr.id for kr in o1.key_results] == ["K1", "K3", "K2"]  # back, at the end
    assert o1.key_results[-1].title == "Launch the shop"
    assert store.history("K2")["action"].tolist() == ["import", "update", "delete", "restore"]
    assert_history_matches_the_store(store)


def test_a_deleted_and_added_again_id_carries_on_counting(store: Store) -> None:
    store.delete_key_result("K2", 1)
    again = KeyResult(id="K2", title="Launch again", type="milestone")
    assert store.add_key_result("O2", again) == 3
    assert store.history("K2")["action"].tolist() == ["import", "delete", "add"]
    assert store.history("K2")["objective"].tolist() == ["O1", "O1", "O2"]
    assert_history_matches_the_store(store)


def test_restore_when_the_objective_is_gone(store: Store) -> None:
    store.delete_key_result("K2", 1)
    # an import with --replace turns the id O1 into a key result of O2: objective O1 is gone
    turned = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O2",
                title="Hire",
                key_results=[KeyResult(id="O1", title="Now a key result", start=0, target=1)],
            )
        ],
    )
    store.import_set(turned, replace=True)
    assert store.history("O1")["record"].tolist() == ["objective", "key_result"]
    with pytest.raises(NotFoundError, match="its objective O1 is no longer in the store") as info:
        store.restore("K2", 1, current_version=2)
    assert "restore the objective first" in str(info.value)
    with pytest.raises(ConflictError, match="the id 'O1' is already used"):
        store.restore("O1", 1, current_version=2)
    assert "K2" not in {kr.id for _, kr in store.load().key_results()}


# --- schema version 2 and the upgrade of version-1 stores --------------------------------------


def make_version_1(url: str) -> None:
    """Turn a store into what okrkit with schema version 1 wrote: no revisions table."""
    run_sql(
        url,
        "DROP TABLE revisions",
        "UPDATE okrkit_meta SET value = '1' WHERE key = 'schema_version'",
    )


def test_a_version_1_sqlite_file_is_upgraded_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db) as store:
        store.import_set(okrs())
        store.update_key_result("K1", 1, target=300)
        store.update_objective("O2", 1, aligns_to=["O1"])
        expected = store.load()
    with sqlite3.connect(db) as con:  # as okrkit 0.1 left it
        con.execute("DROP TABLE revisions")
        con.execute("UPDATE okrkit_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with Store(db, create=False) as store:
        assert store.load() == expected
        assert store.versions() == {"O1": 1, "O2": 2, "K1": 2, "K2": 1, "K3": 1, "K4": 1}
        history = store.history("K1")
        assert history[["version", "action", "author", "target"]].values.tolist() == [
            [2, "import", "", 300.0]
        ]
        assert store.history("O2")["aligns_to"].tolist() == [("O1",)]
        assert_history_matches_the_store(store)
        assert store.update_key_result("K1", 2, target=400) == 3
        assert store.restore("K1", 2, current_version=3) == 4
        assert store.load().key_result("K1").target == 300.0
    with sqlite3.connect(db) as con:
        version = con.execute("SELECT value FROM okrkit_meta").fetchall()
        revisions = con.execute("SELECT count(*) FROM revisions").fetchone()
    con.close()
    assert version == [(str(SCHEMA_VERSION),)] == [("3",)]
    assert revisions == (6 + 2,)


def test_a_version_1_store_is_upgraded_on_both_backends(db_url: str) -> None:
    with Store(db_url) as store:
        store.import_set(okrs())
        store.import_set(okrs("2026-Q2", prefix="B-"))
    make_version_1(db_url)
    with Store(db_url) as store:
        assert store.history("B-K4")[["version", "cycle", "objective"]].values.tolist() == [
            [1, "2026-Q2", "B-O2"]
        ]
        assert_history_matches_the_store(store)
    assert run_sql(db_url, "SELECT value FROM okrkit_meta") == [("3",)]
    assert run_sql(db_url, "SELECT count(*) FROM revisions") == [(12,)]


def test_a_failed_upgrade_leaves_version_1(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db_url) as store:
        store.import_set(okrs())
    make_version_1(db_url)

    fail_revisions(monkeypatch)
    with pytest.raises(RuntimeError):
        Store(db_url)
    monkeypatch.undo()
    assert run_sql(db_url, "SELECT value FROM okrkit_meta") == [("1",)]
    with pytest.raises(Exception, match="revisions"):  # the new table went with the rollback
        run_sql(db_url, "SELECT count(*) FROM revisions")
    with Store(db_url) as store:  # and the next open upgrades it
        assert_history_matches_the_store(store)


def test_processes_upgrading_one_store_at_once(db_url: str, tmp_path: Path) -> None:
    with Store(db_url) as store:
        store.import_set(okrs())
    make_version_1(db_url)
    assert open_together(db_url, tmp_path, 3, "K1") == [(0, "1\n", "")] * 3
    assert run_sql(db_url, "SELECT count(*) FROM revisions") == [(6,)]


_COLUMNS_OF_3 = {
    "key_results": (
        "description", "bound", "per", "due", "commit_zone", "target_zone", "stretch_zone", "zone",
    ),
    "checkins": ("zone",),
    "kpis": ("baseline",),
}  # fmt: skip


def make_version_2(url: str) -> None:
    """Turn a store into what okrkit with schema version 2 wrote: none of the columns of 3."""
    run_sql(
        url,
        *[
            f'ALTER TABLE {table} DROP COLUMN "{column}"'
            for table, columns in _COLUMNS_OF_3.items()
            for column in columns
        ],
        "UPDATE okrkit_meta SET value = '2' WHERE key = 'schema_version'",
    )


def test_a_version_2_store_is_upgraded_and_keeps_everything(db_url: str) -> None:
    with Store(db_url) as store:
        store.import_set(okrs())
        store.add_checkin(CheckIn(key_result="K1", date="2026-02-01", value=40))
        expected = store.load()
    make_version_2(db_url)
    with Store(db_url) as store:
        assert store.load() == expected
        assert_history_matches_the_store(store)
        # the new fields can be written at once
        version = store.versions()["K2"]
        store.update_key_result("K2", version, due=dt.date(2026, 2, 27), description="GA")
        kr = store.load().key_result("K2")
        assert (kr.due, kr.description) == (dt.date(2026, 2, 27), "GA")
    assert run_sql(db_url, "SELECT value FROM okrkit_meta") == [("3",)]

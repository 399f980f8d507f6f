"""The store: round trips, schema, transactions, check-ins, versions, concurrency, carry-over.

Most tests run on both backends through the ``db_url`` fixture: a fresh SQLite file, then a fresh
PostgreSQL database. Those about SQLite files themselves (paths, foreign or broken files, WAL,
threads of one process on one file) use a SQLite file in ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pandas.testing as pdt
import pytest
from testdata import open_together, run_sql

from okrkit import (
    KPI,
    CheckIn,
    ConflictError,
    Cycle,
    Initiative,
    KeyResult,
    NotFoundError,
    Objective,
    OkrSet,
    SchemaVersionError,
    Store,
    StoreError,
    ValidationError,
    dump_yaml,
    load_yaml,
    score,
    to_frames,
)
from okrkit.carry import carry_over
from okrkit.cycles import current_quarter
from okrkit.store import SCHEMA_VERSION
from okrkit.store._rows import insert_many

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").glob("*.yaml"))
TEMPLATE_IDS = [p.stem for p in TEMPLATES]


# --- fixtures and helpers -----------------------------------------------------------------------


def rich_okrs() -> OkrSet:
    """A set that uses every corner of the format: every KR and check-in type, unicode, links."""
    cycle = Cycle(id="2026-H1", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    return OkrSet(
        cycle=cycle,
        objectives=[
            Objective(
                id="CO-1",
                title="Kunden lieben uns — «vraiment»",
                owner="Chief Exec 🚀",
                level="company",
                kind="committed",
                description="Line one.\nLine two: with a colon.\n\n  Indented after a blank line.",
                key_results=[
                    KeyResult(
                        id="CO-1-KR1",
                        title="NPS from 31 to 42",
                        start=31,
                        target=42,
                        current=33.5,
                        unit="points",
                        weight=2.5,
                        owner="Åsa Öberg",
                        confidence=6,
                        carried_from="CO-0-KR1",
                    ),
                    KeyResult(
                        id="CO-1-KR2",
                        title="Churn from 8 % down to 5 %",
                        start=8,
                        target=5,
                        unit="%",
                    ),
                    KeyResult(
                        id="CO-1-KR3",
                        title="p95 response below 4 h",
                        type="guardrail",
                        threshold=4,
                        direction="below",
                        current=3.5,
                        unit="hours",
                    ),
                    KeyResult(
                        id="CO-1-KR4",
                        title="Uptime above 99.9",
                        type="guardrail",
                        threshold=99.9,
                    ),
                ],
            ),
            Objective(
                id="MÅL-1",
                title="Bli marknadsledare i Sverige",
                owner="Örjan",
                level="department",
                kind="aspirational",
                aligns_to=["CO-1", "ELSEWHERE-7"],
                carried_from="MÅL-0",
                key_results=[
                    KeyResult(id="MÅL-1-KR1", title="Lansera appen", type="milestone", done=True),
                    KeyResult(id="MÅL-1-KR2", title="Ship v2", type="milestone"),
                    KeyResult(
                        id="MÅL-1-KR3", title="Kunderna älskar det", type="qualitative", grade=0.35
                    ),
                    KeyResult(id="MÅL-1-KR4", title="Ungraded", type="qualitative", weight=0.5),
                ],
            ),
            Objective(id="EMPTY-1", title="No key results yet", level="individual"),
        ],
        kpis=[
            KPI(
                id="KPI-1",
                name="Kostnad per lead",
                target=0.5,
                timeframe="2026-H1",
                data_source="Hubspot",
                frequency="biweekly",
                current=1.25,
                direction="down",
                unit="€",
                owner="Åsa",
                measures=["CO-1-KR2", "CO-1-KR1"],
            ),
            KPI(
                id="KPI-2",
                name="Leads",
                target=20,
                timeframe="weekly",
                data_source="CRM",
                frequency="weekly",
            ),
        ],
        initiatives=[
            Initiative(
                id="IN-1",
                title="Kampanj på svenska",
                owner="Content",
                state="in_progress",
                link="https://example.com/å?x=1&y=2",
                supports=["MÅL-1-KR2", "CO-1-KR1"],
            ),
            Initiative(id="IN-2", title="Plain", state="dropped"),
        ],
        checkins=[
            CheckIn(
                key_result="CO-1-KR1",
                date="2026-02-01",
                value=35,
                confidence=7,
                note="Bra vecka.\nMen två kunder lämnade.\n",
                author="Örjan",
            ),
            CheckIn(key_result="CO-1-KR1", date="2026-02-01", value=36.25),
            CheckIn(key_result="CO-1-KR2", date="2026-03-01", value=7.1, note="=1+1 not a formula"),
            CheckIn(key_result="CO-1-KR3", date="2026-01-15", value=4.5),
            CheckIn(key_result="CO-1-KR4", date="2026-01-15", value=99.95, confidence=10),
            CheckIn(key_result="MÅL-1-KR2", date="2026-03-02", done=True, author="Web team"),
            CheckIn(key_result="MÅL-1-KR2", date="2026-03-09", done=False, note="rolled back"),
            CheckIn(key_result="MÅL-1-KR3", date="2026-03-01", grade=0.25, note="första"),
        ],
    )


def small_okrs(cycle: str | Cycle = "2026-Q1", prefix: str = "") -> OkrSet:
    """Two objectives, a key result of every type, no check-ins."""
    p = prefix
    return OkrSet(
        cycle=cycle,
        objectives=[
            Objective(
                id=f"{p}O1",
                title="Grow",
                key_results=[
                    KeyResult(id=f"{p}K1", title="Visitors 0 to 100", start=0, target=100),
                    KeyResult(id=f"{p}K2", title="Launch", type="milestone"),
                    KeyResult(id=f"{p}K3", title="Liked", type="qualitative"),
                    KeyResult(id=f"{p}K4", title="Backlog < 50", type="guardrail", threshold=50),
                ],
            ),
            Objective(id=f"{p}O2", title="Hire", aligns_to=[f"{p}O1"]),
        ],
    )


def without_ids(okrs: OkrSet) -> OkrSet:
    """The set with the store's check-in ids dropped (files carry none)."""
    return dataclasses.replace(
        okrs, checkins=tuple(dataclasses.replace(c, id=None) for c in okrs.checkins)
    )


def snapshot(store: Store) -> list[tuple[str, OkrSet, pd.DataFrame]]:
    """Everything the store holds, per cycle, with the full check-in history."""
    return [
        (c.id, store.load(c), store.checkins(cycle=c, history=True).drop(columns="recorded_at"))
        for c in store.cycles()
    ]


def assert_same(before: list[tuple[str, OkrSet, pd.DataFrame]], store: Store) -> None:
    after = snapshot(store)
    assert [c for c, _, _ in after] == [c for c, _, _ in before]
    for (_, okrs_a, hist_a), (_, okrs_b, hist_b) in zip(before, after, strict=True):
        assert okrs_b == okrs_a
        pdt.assert_frame_equal(hist_b, hist_a)


def table_names(url: str) -> set[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite file, for the tests about files."""
    return tmp_path / "okrkit.db"


@pytest.fixture
def store(db_url: str) -> Any:
    """An empty store on SQLite, then on PostgreSQL."""
    with Store(db_url) as s:
        yield s


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", TEMPLATES, ids=TEMPLATE_IDS)
def test_every_template_round_trips(path: Path, store: Store) -> None:
    okrs = load_yaml(path)
    summary = store.import_set(okrs)
    assert summary.objectives == len(okrs.objectives) > 0
    loaded = store.load(okrs.cycle.id)
    assert loaded == okrs  # templates carry no check-ins, so no store ids either
    assert load_yaml(dump_yaml(loaded)) == okrs
    # the store's copy says which version each record is at (what a later import checks)
    text = dump_yaml(loaded)
    assert text.count("version: 1\n") == len(okrs.objectives) + sum(
        1 for _ in loaded.key_results()
    ) + len(okrs.kpis) + len(okrs.initiatives)
    assert re.sub(r"(?m)^ *version: 1\n", "", text) == dump_yaml(okrs)


def test_all_templates_share_one_store(store: Store) -> None:
    sets = {p.stem: load_yaml(p) for p in TEMPLATES}
    for okrs in sets.values():
        store.import_set(okrs)
    loaded = store.load("2026-Q1")
    expected = [o for okrs in sets.values() for o in okrs.objectives]
    assert loaded.objectives == tuple(expected)
    assert len(loaded.kpis) == sum(len(s.kpis) for s in sets.values())


@pytest.mark.parametrize("kind", ["database", "memory"])
def test_rich_set_round_trips(kind: str, db_url: str) -> None:
    okrs = rich_okrs()
    with Store(db_url if kind == "database" else "sqlite://") as store:
        summary = store.import_set(okrs)
        assert (summary.objectives, summary.key_results, summary.kpis) == (3, 8, 2)
        assert (summary.initiatives, summary.checkins) == (2, 8)
        loaded = store.load("2026-H1")
    assert loaded.cycle == okrs.cycle
    assert without_ids(loaded) == okrs
    ids = [c.id for c in loaded.checkins]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids)


def test_round_trip_survives_reopening_the_store(db_url: str) -> None:
    with Store(db_url) as store:
        store.import_set(rich_okrs())
    with Store(db_url, create=False) as store:
        assert without_ids(store.load("2026-H1")) == rich_okrs()


def test_yaml_text_to_store_to_yaml_loses_nothing(store: Store, tmp_path: Path) -> None:
    original = load_yaml(dump_yaml(rich_okrs()))
    store.import_set(original)
    text = dump_yaml(store.load("2026-H1"))
    assert load_yaml(text) == original
    assert re.sub(r"(?m)^ *version: 1\n", "", text) == dump_yaml(original)
    assert "Men två kunder lämnade." in text and "🚀" in text


@pytest.mark.parametrize(
    "okrs", [rich_okrs(), load_yaml(ROOT / "templates" / "marketing.yaml")], ids=["rich", "tmpl"]
)
def test_frames_match_to_frames(okrs: OkrSet, store: Store) -> None:
    store.import_set(okrs)
    frames = store.frames(okrs.cycle.id)
    expected = to_frames(store.load(okrs.cycle.id))
    assert frames.cycle == expected.cycle
    for (name, got), (_, want) in zip(frames, expected, strict=True):
        assert list(got.columns) == list(want.columns), name
        pdt.assert_frame_equal(got, want, obj=name)


def test_frames_of_an_empty_cycle_have_the_columns(store: Store) -> None:
    store.import_set(OkrSet(cycle="2026-Q3"))
    frames = store.frames("2026-Q3")
    for (name, got), (_, want) in zip(frames, to_frames(OkrSet(cycle="2026-Q3")), strict=True):
        assert got.empty
        pdt.assert_frame_equal(got, want, obj=name)


# --- schema and opening ------------------------------------------------------------------------


def test_schema_version_is_stored(db_url: str) -> None:
    Store(db_url).close()
    rows = run_sql(db_url, "SELECT key, value FROM okrkit_meta")
    assert rows == [("schema_version", str(SCHEMA_VERSION))]


@pytest.mark.parametrize("version", [str(SCHEMA_VERSION + 1), "0", "banana"])
def test_other_schema_version_is_refused(db_url: str, version: str) -> None:
    Store(db_url).close()
    run_sql(db_url, f"UPDATE okrkit_meta SET value = '{version}' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match=f"schema version {version}, ") as info:
        Store(db_url)
    assert "upgrade okrkit" in str(info.value)
    assert run_sql(db_url, "SELECT value FROM okrkit_meta") == [(version,)]  # left as it was


def test_missing_schema_version_row_is_refused(db_url: str) -> None:
    Store(db_url).close()
    run_sql(db_url, "DELETE FROM okrkit_meta")
    with pytest.raises(SchemaVersionError):
        Store(db_url)


def test_foreign_database_is_refused(db_url: str) -> None:
    run_sql(db_url, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    with pytest.raises(SchemaVersionError, match="invoices") as info:
        Store(db_url)
    assert "not an okrkit store" in str(info.value)
    assert table_names(db_url) == {"invoices"}  # and nothing was added to it


def test_non_database_file_is_a_readable_store_error(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert "x.db" in message
    assert "not an okrkit store" in message or "not a database" in message
    assert "Traceback" not in message and "\n" not in message


def test_missing_file_without_create(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(StoreError, match="okrkit init"):
        Store(path, create=False)
    assert not path.exists()


def test_empty_file_without_create_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(StoreError, match="not an okrkit store"):
        Store(path, create=False)


def test_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "okrkit.db"
    with pytest.raises(StoreError, match="does not exist"):
        Store(path)
    assert not path.parent.exists()


def test_plain_path_and_url_open_the_same_store(db: Path) -> None:
    with Store(db) as a:
        a.import_set(small_okrs())
    with Store(f"sqlite:///{db}") as b:
        assert b.load() == small_okrs()


# --- transactions ------------------------------------------------------------------------------


def test_import_of_partly_existing_ids_changes_nothing(store: Store) -> None:
    store.import_set(rich_okrs())
    before = snapshot(store)
    clash = OkrSet(
        cycle="2026-Q3",  # a new cycle: it must not be created either
        objectives=[
            Objective(
                id="NEW-1",
                title="New",
                key_results=[KeyResult(id="NEW-1-KR1", title="x", start=0, target=1)],
            ),
            Objective(
                id="NEW-2",
                title="Clashes through a key result id",
                key_results=[KeyResult(id="CO-1-KR2", title="taken", start=0, target=1)],
            ),
        ],
        kpis=[
            KPI(
                id="KPI-1",
                name="taken too",
                target=1,
                timeframe="t",
                data_source="d",
                frequency="daily",
            )
        ],
    )
    with pytest.raises(ConflictError, match="--replace") as info:
        store.import_set(clash)
    assert "CO-1-KR2" in str(info.value) and "KPI-1" in str(info.value)
    assert_same(before, store)
    assert [c.id for c in store.cycles()] == ["2026-H1"]


def test_import_with_replace_replaces(store: Store) -> None:
    store.import_set(rich_okrs())
    okrs = rich_okrs()
    changed = dataclasses.replace(
        okrs,
        objectives=(
            dataclasses.replace(
                okrs.objectives[0],
                title="Replaced title",
                key_results=okrs.objectives[0].key_results[:2],
            ),
            *okrs.objectives[1:],
        ),
        checkins=(CheckIn(key_result="CO-1-KR1", date="2026-03-03", value=40),),
    )
    before = store.checkins(cycle="2026-H1", history=True)
    summary = store.import_set(changed, replace=True)
    # only what the file changes is written over; the unchanged KPI is not
    assert summary.replaced == ("CO-1",) and summary.changed == (("CO-1", ("title",)),)
    assert summary.removed == ("CO-1-KR3", "CO-1-KR4") and summary.unchanged > 0
    loaded = store.load("2026-H1")
    assert without_ids(loaded) == changed
    # the file's key results hold the file's check-ins; the ones the file dropped are kept in
    # the history as deleted, not thrown away
    assert store.checkins(cycle="2026-H1")["value"].tolist() == [40.0]
    history = store.checkins(cycle="2026-H1", history=True)
    old = before[~before["key_result"].isin(["CO-1-KR3", "CO-1-KR4"])]
    kept = history.set_index("id").loc[old["id"]]
    assert (kept["state"] == "deleted").all()
    pdt.assert_series_equal(kept["date"], old.set_index("id")["date"])
    assert summary.checkins_removed == len(old)
    # the key results the file dropped are gone, and come back with their check-ins
    with pytest.raises(NotFoundError):
        store.checkins("CO-1-KR3")
    deleted = int(store.history("CO-1-KR3")["version"].iloc[-1])
    store.restore("CO-1-KR3", deleted - 1, current_version=deleted)
    back = store.checkins("CO-1-KR3", history=True)
    was = before[before["key_result"] == "CO-1-KR3"]
    assert back[["date", "value", "state"]].values.tolist() == (
        was[["date", "value", "state"]].values.tolist()
    )


def test_import_adds_to_an_existing_cycle(store: Store) -> None:
    store.import_set(small_okrs())
    store.import_set(small_okrs(prefix="B-"))
    loaded = store.load("2026-Q1")
    assert [o.id for o in loaded.objectives] == ["O1", "O2", "B-O1", "B-O2"]


def test_import_of_a_cycle_with_other_dates_is_a_conflict(store: Store) -> None:
    store.import_set(small_okrs("2026-Q1"))
    before = snapshot(store)
    other = Cycle(id="2026-Q1", start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 31))
    with pytest.raises(ConflictError, match="2026-Q1"):
        store.import_set(small_okrs(other, prefix="X-"))
    assert_same(before, store)


class _FailingConnection:
    """A connection that runs inserts until the first one into ``table``, then fails."""

    def __init__(self, conn: Any, table: str, error: Exception) -> None:
        self._conn, self._table, self._error = conn, table, error
        self.inserted: list[str] = []

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        table = getattr(statement, "table", None)
        if getattr(statement, "is_insert", False) and table is not None:
            if table.name == self._table:
                raise self._error
            self.inserted.append(table.name)
        return self._conn.execute(statement, *args, **kwargs)

    def exec_driver_sql(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        words = sql.split()
        if words[:2] == ["INSERT", "INTO"]:
            if words[2].strip('"') == self._table:
                raise self._error
            self.inserted.append(words[2].strip('"'))
        return self._conn.exec_driver_sql(sql, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _sa_error() -> Exception:
    import sqlalchemy as sa

    return sa.exc.OperationalError("INSERT ...", {}, sqlite3.OperationalError("disk I/O error"))


@pytest.mark.parametrize(
    ("error", "raised"),
    [(RuntimeError("power cut"), RuntimeError), (None, StoreError)],
    ids=["python-error", "database-error"],
)
@pytest.mark.parametrize("replace", [False, True])
def test_failure_mid_import_leaves_the_store_as_before(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception | None,
    raised: type[Exception],
    replace: bool,
) -> None:
    store.import_set(rich_okrs())
    store.import_set(small_okrs())
    before = snapshot(store)
    original = Store._write
    seen: list[_FailingConnection] = []

    @contextlib.contextmanager
    def failing(self: Store, action: str) -> Iterator[Any]:
        with original(self, action) as conn:
            seen.append(_FailingConnection(conn, "kpis", error or _sa_error()))
            yield seen[-1]

    monkeypatch.setattr(Store, "_write", failing)
    new_kpi = KPI(id="N-P", name="n", target=1, timeframe="t", data_source="d", frequency="daily")
    if replace:  # a replace that changes, adds and removes before the KPI fails
        base = rich_okrs()
        first = base.objectives[0]
        incoming = dataclasses.replace(
            base,
            objectives=(
                dataclasses.replace(first, title="Changed", key_results=first.key_results[:2]),
                *base.objectives[1:],
                Objective(
                    id="N-1",
                    title="New",
                    key_results=[KeyResult(id="N-1-KR1", title="t", start=0, target=1)],
                ),
            ),
            kpis=(*base.kpis, new_kpi),
            checkins=tuple(
                c for c in base.checkins if c.key_result not in ("CO-1-KR3", "CO-1-KR4")
            ),
        )
    else:
        incoming = dataclasses.replace(small_okrs("2026-Q2", prefix="N-"), kpis=(new_kpi,))
    with pytest.raises(raised):
        store.import_set(incoming, replace=replace)
    # the failure came after rows had been written inside the transaction
    assert {"objectives", "key_results"} <= set(seen[0].inserted)
    monkeypatch.undo()
    assert_same(before, store)


# --- cycles ------------------------------------------------------------------------------------


def test_cycles_oldest_first(store: Store) -> None:
    for cycle, prefix in (("2026-Q3", "c"), ("2025", "a"), ("2026-Q1", "b")):
        store.import_set(small_okrs(cycle, prefix=prefix))
    assert [c.id for c in store.cycles()] == ["2025", "2026-Q1", "2026-Q3"]
    assert store.cycles()[0] == Cycle.parse("2025")


def test_default_cycle_is_the_running_one(store: Store) -> None:
    running = current_quarter()
    later = running.next().next()
    earlier = Cycle.parse(str(running.start.year - 3))
    for i, cycle in enumerate((later, running, earlier)):
        store.import_set(small_okrs(cycle, prefix=f"{i}-"))
    assert store.cycle(None) == running
    assert store.load().cycle == running


def test_default_cycle_is_else_the_latest(store: Store) -> None:
    store.import_set(small_okrs("2001-Q1", prefix="a"))
    store.import_set(small_okrs("2000-Q4", prefix="b"))
    assert store.cycle().id == "2001-Q1"
    assert [o.id for o in store.load().objectives] == ["aO1", "aO2"]


def test_unknown_cycle_lists_the_cycles(store: Store) -> None:
    store.import_set(small_okrs("2026-Q1"))
    store.import_set(small_okrs("2026-Q2", prefix="x"))
    with pytest.raises(NotFoundError, match="'nope'") as info:
        store.cycle("nope")
    assert "2026-Q1, 2026-Q2" in str(info.value)
    with pytest.raises(NotFoundError):
        store.load("2030-Q1")


@pytest.mark.parametrize("call", ["cycle", "load", "frames", "checkins"])
def test_empty_store_says_how_to_import(store: Store, call: str) -> None:
    assert store.cycles() == []
    with pytest.raises(NotFoundError, match="okrkit import"):
        getattr(store, call)()


# --- check-ins ---------------------------------------------------------------------------------


@pytest.fixture
def ci_store(store: Store) -> Store:
    store.import_set(small_okrs())
    return store


@pytest.mark.parametrize(
    ("kr", "field", "value"),
    [("K1", "value", 42.0), ("K2", "done", True), ("K3", "grade", 0.5), ("K4", "value", 12.0)],
)
def test_add_checkin_fits_the_type(ci_store: Store, kr: str, field: str, value: Any) -> None:
    added = ci_store.add_checkin(CheckIn(key_result=kr, date="2026-02-01", **{field: value}))
    assert isinstance(added.id, int)
    again = ci_store.add_checkin(CheckIn(key_result=kr, date="2026-02-02", **{field: value}))
    assert again.id is not None and again.id > added.id
    df = ci_store.checkins(kr)
    assert df["id"].tolist() == [added.id, again.id]
    assert df[field].tolist() == [value, value]


@pytest.mark.parametrize(
    ("kr", "field", "value"),
    [("K1", "done", True), ("K2", "value", 1.0), ("K3", "value", 0.5), ("K4", "grade", 0.2)],
)
def test_add_checkin_with_the_wrong_field(ci_store: Store, kr: str, field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        ci_store.add_checkin(CheckIn(key_result=kr, date="2026-02-01", **{field: value}))
    assert info.value.field == field and kr in str(info.value)
    assert ci_store.checkins(cycle="2026-Q1", history=True).empty


def test_add_checkin_to_an_unknown_key_result(ci_store: Store) -> None:
    with pytest.raises(NotFoundError, match="'NOPE'"):
        ci_store.add_checkin(CheckIn(key_result="NOPE", date="2026-02-01", value=1))
    with pytest.raises(NotFoundError, match="'NOPE'"):
        ci_store.checkins("NOPE")


def test_correct_keeps_the_original(ci_store: Store) -> None:
    first = ci_store.add_checkin(
        CheckIn(key_result="K1", date="2026-02-01", value=40, note="typo", author="ana")
    )
    assert first.id is not None
    new = ci_store.correct_checkin(first.id, value=45, reason="misread the dashboard")
    assert new.id != first.id and new.value == 45 and new.note == "typo"
    history = ci_store.checkins("K1", history=True).set_index("id")
    assert history.loc[first.id, "state"] == "corrected"
    assert history.loc[first.id, "value"] == 40
    assert history.loc[first.id, "reason"] == "misread the dashboard"
    assert history.loc[new.id, "state"] == "active"
    assert history.loc[new.id, "replaces"] == first.id
    assert history.loc[new.id, "reason"] == "misread the dashboard"
    active = ci_store.checkins("K1")
    assert active["id"].tolist() == [new.id] and active["value"].tolist() == [45.0]
    assert [c.value for c in ci_store.load().checkins] == [45.0]


def test_delete_marks_deleted(ci_store: Store) -> None:
    a = ci_store.add_checkin(CheckIn(key_result="K2", date="2026-02-01", done=True))
    b = ci_store.add_checkin(CheckIn(key_result="K1", date="2026-02-01", value=3))
    assert a.id is not None
    ci_store.delete_checkin(a.id, reason="wrong KR")
    assert ci_store.checkins(cycle="2026-Q1")["id"].tolist() == [b.id]
    history = ci_store.checkins(cycle="2026-Q1", history=True).set_index("id")
    assert history.loc[a.id, "state"] == "deleted"
    assert history.loc[a.id, "reason"] == "wrong KR"
    assert history.loc[b.id, "state"] == "active"


def test_history_shows_all_default_only_active(ci_store: Store) -> None:
    ids = [
        ci_store.add_checkin(CheckIn(key_result="K1", date=f"2026-02-0{d}", value=d)).id
        for d in range(1, 5)
    ]
    ci_store.correct_checkin(ids[0], value=10)
    ci_store.delete_checkin(ids[1])
    assert len(ci_store.checkins("K1")) == 3
    history = ci_store.checkins("K1", history=True)
    assert len(history) == 5
    assert sorted(history["state"]) == ["active"] * 3 + ["corrected", "deleted"]


@pytest.mark.parametrize("first", ["correct", "delete"])
@pytest.mark.parametrize("then", ["correct", "delete"])
def test_acting_on_a_non_active_checkin_is_a_conflict(
    ci_store: Store, first: str, then: str
) -> None:
    c = ci_store.add_checkin(CheckIn(key_result="K1", date="2026-02-01", value=1))
    assert c.id is not None
    if first == "correct":
        ci_store.correct_checkin(c.id, value=2)
    else:
        ci_store.delete_checkin(c.id)
    before = ci_store.checkins("K1", history=True)
    with pytest.raises(ConflictError, match="--history"):
        if then == "correct":
            ci_store.correct_checkin(c.id, value=3)
        else:
            ci_store.delete_checkin(c.id)
    pdt.assert_frame_equal(ci_store.checkins("K1", history=True), before)


def test_correct_or_delete_an_unknown_checkin(ci_store: Store) -> None:
    with pytest.raises(NotFoundError, match="999"):
        ci_store.correct_checkin(999, value=1)
    with pytest.raises(NotFoundError, match="999"):
        ci_store.delete_checkin(999)


@pytest.mark.parametrize(
    "changes", [{"done": True}, {"grade": 0.5}, {"key_result": "K4"}, {"colour": "red"}]
)
def test_invalid_correction_changes_nothing(ci_store: Store, changes: dict[str, Any]) -> None:
    c = ci_store.add_checkin(CheckIn(key_result="K1", date="2026-02-01", value=1))
    assert c.id is not None
    before = ci_store.checkins("K1", history=True)
    with pytest.raises(ValidationError):
        ci_store.correct_checkin(c.id, **changes)
    pdt.assert_frame_equal(ci_store.checkins("K1", history=True), before)


# --- check-in dates inside the key result's cycle ----------------------------------------------


@pytest.mark.parametrize("day", ["2026-06-15", "2027-01-01", "2026-09-30"])
def test_a_checkin_dated_outside_its_cycle_is_refused(store: Store, day: str) -> None:
    store.import_set(small_okrs("2026-Q4"))
    with pytest.raises(ValidationError) as info:
        store.add_checkin(CheckIn(key_result="K1", date=day, value=90))
    assert info.value.field == "date"
    assert "K1" in str(info.value) and day in str(info.value) and "2026-Q4" in str(info.value)
    assert "2026-10-01 to 2026-12-31" in str(info.value)
    assert store.checkins(cycle="2026-Q4", history=True).empty


def test_the_first_and_last_day_of_the_cycle_are_inside(store: Store) -> None:
    store.import_set(small_okrs("2026-Q4"))
    store.add_checkin(CheckIn(key_result="K1", date="2026-10-01", value=10))
    store.add_checkin(CheckIn(key_result="K1", date="2026-12-31", value=20))
    assert store.checkins("K1")["value"].tolist() == [10.0, 20.0]


def test_a_correction_to_a_date_outside_the_cycle_is_refused(store: Store) -> None:
    store.import_set(small_okrs("2026-Q4"))
    c = store.add_checkin(CheckIn(key_result="K1", date="2026-11-02", value=40))
    assert c.id is not None
    before = store.checkins("K1", history=True)
    with pytest.raises(ValidationError, match="2026-06-01"):
        store.correct_checkin(c.id, date=dt.date(2026, 6, 1))
    pdt.assert_frame_equal(store.checkins("K1", history=True), before)
    moved = store.correct_checkin(c.id, date=dt.date(2026, 11, 3))
    assert moved.date == dt.date(2026, 11, 3)


def _with_checkins(okrs: OkrSet, *checkins: CheckIn) -> OkrSet:
    """``okrs`` holding ``checkins`` as they are, past the set's own checks (as a reader that
    checks nothing would hand them over)."""
    found = dataclasses.replace(okrs)
    object.__setattr__(found, "checkins", tuple(checkins))
    return found


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("known", [False, True], ids=["new-ids", "merge"])
def test_an_import_with_a_checkin_outside_the_cycle_writes_nothing(
    store: Store, replace: bool, known: bool
) -> None:
    if known:
        store.import_set(small_okrs("2026-Q4"))
    before = snapshot(store)
    june = CheckIn(key_result="K1", date="2026-06-15", value=90)
    ok = CheckIn(key_result="K1", date="2026-11-02", value=40)
    with pytest.raises(ValidationError) as info:
        store.import_set(_with_checkins(small_okrs("2026-Q4"), ok, june), replace=replace)
    assert "K1" in str(info.value) and "2026-06-15" in str(info.value)
    assert info.value.field == "date"
    assert_same(before, store)


def test_a_merge_that_corrects_a_checkin_to_a_date_outside_is_refused(store: Store) -> None:
    okrs = small_okrs("2026-Q4")
    store.import_set(_with_checkins(okrs, CheckIn(key_result="K1", date="2026-11-02", value=4)))
    stored = store.load("2026-Q4").checkins[0]
    before = snapshot(store)
    moved = dataclasses.replace(stored, date=dt.date(2027, 2, 1))
    with pytest.raises(ValidationError, match="2027-02-01"):
        store.import_set(_with_checkins(okrs, moved))
    assert_same(before, store)


def test_scores_use_only_active_checkins(ci_store: Store) -> None:
    as_of = dt.date(2026, 3, 31)
    low = ci_store.add_checkin(CheckIn(key_result="K1", date="2026-02-01", value=20))
    high = ci_store.add_checkin(CheckIn(key_result="K1", date="2026-02-10", value=90))
    assert low.id is not None and high.id is not None

    def k1() -> float:
        krs = score(ci_store.load(), as_of).key_results.set_index("id")
        return float(krs.loc["K1", "score"])

    assert k1() == pytest.approx(0.9)
    ci_store.delete_checkin(high.id)
    assert k1() == pytest.approx(0.2)
    ci_store.correct_checkin(low.id, value=50)
    assert k1() == pytest.approx(0.5)
    assert len(ci_store.frames().checkins) == 1


# --- optimistic versions -----------------------------------------------------------------------


def test_update_objective_bumps_the_version(ci_store: Store) -> None:
    assert ci_store.versions()["O1"] == 1
    assert ci_store.update_objective("O1", 1, title="Grow faster", kind="aspirational") == 2
    assert ci_store.versions()["O1"] == 2
    o = ci_store.load().objective("O1")
    assert (o.title, o.kind) == ("Grow faster", "aspirational")
    assert [kr.id for kr in o.key_results] == ["K1", "K2", "K3", "K4"]
    assert ci_store.update_objective("O1", 2, owner="Ana") == 3
    assert ci_store.load().objective("O1").owner == "Ana"


def test_update_key_result_bumps_the_version(ci_store: Store) -> None:
    assert ci_store.update_key_result("K1", 1, target=200, unit="visits") == 2
    kr = ci_store.load().key_result("K1")
    assert (kr.target, kr.unit) == (200.0, "visits")
    assert ci_store.versions()["K1"] == 2
    assert ci_store.versions()["K2"] == 1


@pytest.mark.parametrize(
    ("kind", "ident", "changes"),
    [("objective", "O1", {"title": "Mine"}), ("key_result", "K1", {"target": 5})],
)
def test_stale_version_is_a_conflict(
    ci_store: Store, kind: str, ident: str, changes: dict[str, Any]
) -> None:
    update = getattr(ci_store, f"update_{kind}")
    update(ident, 1, **{"owner": "first writer"})
    before = snapshot(ci_store)
    with pytest.raises(ConflictError, match="version 2, you read 1"):
        update(ident, 1, **changes)
    assert_same(before, ci_store)
    assert ci_store.versions()[ident] == 2


@pytest.mark.parametrize(
    ("kind", "ident", "changes", "field"),
    [
        ("key_result", "K1", {"weight": -1}, "weight"),
        ("key_result", "K1", {"target": 0}, "target"),
        ("key_result", "K2", {"grade": 0.5}, "grade"),
        ("key_result", "K3", {"grade": 1.5}, "grade"),
        ("objective", "O1", {"level": "galaxy"}, "level"),
        ("objective", "O1", {"aligns_to": ["O1"]}, "aligns_to"),
    ],
)
def test_invalid_change_changes_nothing(
    ci_store: Store, kind: str, ident: str, changes: dict[str, Any], field: str
) -> None:
    before = snapshot(ci_store)
    with pytest.raises(ValidationError) as info:
        getattr(ci_store, f"update_{kind}")(ident, 1, **changes)
    assert info.value.field == field
    assert_same(before, ci_store)
    assert ci_store.versions()[ident] == 1


@pytest.mark.parametrize("kind", ["objective", "key_result"])
def test_update_unknown_id(ci_store: Store, kind: str) -> None:
    with pytest.raises(NotFoundError, match="NOPE"):
        getattr(ci_store, f"update_{kind}")("NOPE", 1, title="x")


def test_aligns_to_change_persists(ci_store: Store, db_url: str) -> None:
    version = ci_store.update_objective("O2", 1, aligns_to=["ELSEWHERE", "O1"])
    with Store(db_url) as other:
        assert other.load().objective("O2").aligns_to == ("ELSEWHERE", "O1")
    ci_store.update_objective("O2", version, aligns_to=[])
    with Store(db_url) as other:
        assert other.load().objective("O2").aligns_to == ()
        assert other.load().objective("O1").aligns_to == ()


# --- concurrency: real processes -----------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from okrkit import CheckIn, ConflictError, Store

    db, go, name, version, n = sys.argv[1], Path(sys.argv[2]), sys.argv[3], *map(int, sys.argv[4:])
    store = Store(db, create=False)
    store.versions()  # connected and warm
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.002)
    try:  # every process edits O1 from the same read version
        store.update_objective("O1", version, title="title by " + name)
        update = "ok"
    except ConflictError as exc:
        update = "conflict: " + str(exc)
    for i in range(n):
        store.add_checkin(CheckIn(key_result="K1", date="2026-02-01", value=i, note=name))
    print(json.dumps({"name": name, "update": update}), flush=True)
    """
)
WRITERS = {"A": 200, "B": 201}


@pytest.fixture
def race(db_url: str, tmp_path: Path) -> tuple[str, int, list[dict[str, str]]]:
    """Two processes started together on one store: an update race, then 200+ check-ins."""
    db, go = db_url, tmp_path / "go"
    with Store(db) as store:
        store.import_set(small_okrs())
        version = store.versions()["O1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(db), str(go), name, str(version), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name, n in WRITERS.items()
    ]
    try:
        for p in procs:  # every process is connected before any of them writes
            assert p.stdout is not None
            line = p.stdout.readline()
            assert line == "ready\n", p.stderr.read() if p.stderr else line
        go.touch()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            assert "Traceback" not in err
            results.append(json.loads(out))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return db, version, results


def test_concurrent_processes_lose_no_checkins(
    race: tuple[str, int, list[dict[str, str]]],
) -> None:
    db, _, _ = race
    with Store(db) as store:
        df = store.checkins("K1")
    assert len(df) == sum(WRITERS.values()) == 401
    assert df["id"].is_unique
    assert df["note"].value_counts().to_dict() == WRITERS
    for name, n in WRITERS.items():
        assert sorted(df.loc[df["note"] == name, "value"]) == [float(i) for i in range(n)]


def test_concurrent_updates_from_one_version_one_wins(
    race: tuple[str, int, list[dict[str, str]]],
) -> None:
    db, version, results = race
    winners = [r["name"] for r in results if r["update"] == "ok"]
    losers = [r["update"] for r in results if r["update"].startswith("conflict")]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "reload it" in losers[0]
    with Store(db) as store:
        assert store.load().objective("O1").title == f"title by {winners[0]}"
        assert store.versions()["O1"] == version + 1


def test_concurrent_first_opens_by_processes(db_url: str, tmp_path: Path) -> None:
    """Processes creating the schema of one new store at the same moment all get it."""
    # every process has imported okrkit before any of them opens the store
    assert open_together(db_url, tmp_path, 4, "cycles") == [(0, "0\n", "")] * 4
    assert run_sql(db_url, "SELECT key, value FROM okrkit_meta") == [
        ("schema_version", str(SCHEMA_VERSION))
    ]
    with Store(db_url) as store:  # the one schema works
        store.import_set(small_okrs())
        assert store.history("K1")["version"].tolist() == [1]


def test_concurrent_first_opens_of_a_new_store(tmp_path: Path) -> None:
    """Kernels (threads) opening a SQLite file that does not exist yet all get it; no clash."""
    errors: list[Exception] = []
    for trial in range(8):
        db = tmp_path / f"new-{trial}.db"
        barrier = threading.Barrier(4)

        def open_it(db: Path = db, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                with Store(db) as store:
                    assert store.cycles() == []
            except Exception as exc:  # collected: an assert in a thread would go unseen
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT value FROM okrkit_meta").fetchall() == [
                (str(SCHEMA_VERSION),)
            ]
    assert errors == []


# --- carry-over --------------------------------------------------------------------------------


def carry_source() -> OkrSet:
    """2026-Q1 with finished and unfinished objectives and key results of every type."""
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="CO-1",
                title="Delight customers",
                level="company",
                key_results=[
                    KeyResult(
                        id="CO-1-KR1", title="NPS 30 to 40", start=30, target=40, confidence=4
                    ),
                    KeyResult(id="CO-1-KR2", title="Visitors 0 to 100", start=0, target=100),
                    KeyResult(id="CO-1-KR3", title="Churn 8 to 5", start=8, target=5, current=7),
                    KeyResult(id="CO-1-KR4", title="Launch", type="milestone", done=True),
                    KeyResult(id="CO-1-KR5", title="Old launch", type="milestone"),
                    KeyResult(id="CO-1-KR6", title="Loved", type="qualitative", grade=0.5),
                    KeyResult(
                        id="CO-1-KR7",
                        title="Backlog",
                        type="guardrail",
                        threshold=50,
                        direction="below",
                        current=40,
                    ),
                ],
            ),
            Objective(
                id="CO-2",
                title="Finished",
                level="company",
                key_results=[KeyResult(id="CO-2-KR1", title="Done", type="milestone", done=True)],
            ),
            Objective(
                id="MKT-1",
                title="Aligned to an unfinished parent",
                aligns_to=["CO-1", "CO-2", "ELSEWHERE"],
                key_results=[KeyResult(id="MKT-1-KR1", title="Leads", start=0, target=10)],
            ),
        ],
        kpis=[
            KPI(
                id="P1",
                name="Leads",
                target=1,
                timeframe="q",
                data_source="CRM",
                frequency="weekly",
                measures=["MKT-1-KR1"],
            )
        ],
        checkins=[
            CheckIn(key_result="CO-1-KR1", date="2026-02-01", value=34),
            CheckIn(key_result="CO-1-KR1", date="2026-03-20", value=36.5),
            CheckIn(key_result="CO-1-KR2", date="2026-03-01", value=100),  # finished
            CheckIn(key_result="CO-1-KR4", date="2026-03-01", done=False),  # un-done
            CheckIn(key_result="MKT-1-KR1", date="2026-03-01", value=4),
        ],
    )


@pytest.fixture
def carry_store(store: Store) -> Store:
    store.import_set(carry_source())
    return store


def test_carry_over_unfinished(carry_store: Store) -> None:
    carried = carry_over(carry_store, "2026-Q1", "2026-Q2")
    assert carried == carry_store.load("2026-Q2")
    assert carried.cycle == Cycle.parse("2026-Q2")
    assert "2026-Q2" in [c.id for c in carry_store.cycles()]
    assert [o.id for o in carried.objectives] == ["CO-1-2026-Q2", "MKT-1-2026-Q2"]
    assert [o.carried_from for o in carried.objectives] == ["CO-1", "MKT-1"]
    assert carried.checkins == () and carried.kpis == () and carried.initiatives == ()
    assert carry_store.checkins(cycle="2026-Q2", history=True).empty

    co = carried.objective("CO-1-2026-Q2")
    krs = {kr.carried_from: kr for kr in co.key_results}
    assert set(krs) == {"CO-1-KR1", "CO-1-KR3", "CO-1-KR4", "CO-1-KR5", "CO-1-KR6", "CO-1-KR7"}
    assert [kr.id for kr in co.key_results] == [
        f"{k}-2026-Q2"
        for k in ("CO-1-KR1", "CO-1-KR3", "CO-1-KR4", "CO-1-KR5", "CO-1-KR6", "CO-1-KR7")
    ]
    # a metric starts where it ended: the last check-in in the cycle, else `current`
    assert (krs["CO-1-KR1"].start, krs["CO-1-KR1"].target) == (36.5, 40.0)
    assert krs["CO-1-KR1"].current is None and krs["CO-1-KR1"].confidence is None
    assert (krs["CO-1-KR3"].start, krs["CO-1-KR3"].target) == (7.0, 5.0)
    assert krs["CO-1-KR4"].done is False and krs["CO-1-KR5"].done is False
    assert krs["CO-1-KR6"].grade is None
    assert krs["CO-1-KR7"].threshold == 50 and krs["CO-1-KR7"].current is None
    assert carried.objective("MKT-1-2026-Q2").aligns_to == ("CO-1-2026-Q2", "CO-2", "ELSEWHERE")
    assert carried.objective("MKT-1-2026-Q2").key_results[0].start == 4.0
    # the source cycle is untouched
    assert without_ids(carry_store.load("2026-Q1")) == carry_source()


def test_carry_over_explicit_ids(carry_store: Store) -> None:
    carried = carry_over(carry_store, "2026-Q1", "2026-Q2", ["MKT-1"])
    assert [o.id for o in carried.objectives] == ["MKT-1-2026-Q2"]
    # the parent was not carried, so the alignment stays on it
    assert carried.objectives[0].aligns_to == ("CO-1", "CO-2", "ELSEWHERE")
    assert [o.id for o in carry_store.load("2026-Q2").objectives] == ["MKT-1-2026-Q2"]


def test_carry_over_unknown_id(carry_store: Store) -> None:
    with pytest.raises(NotFoundError, match="NOPE"):
        carry_over(carry_store, "2026-Q1", "2026-Q2", ["MKT-1", "NOPE"])
    assert [c.id for c in carry_store.cycles()] == ["2026-Q1"]


def test_carry_over_unknown_source_cycle(carry_store: Store) -> None:
    with pytest.raises(NotFoundError, match="2025-Q4"):
        carry_over(carry_store, "2025-Q4", "2026-Q1")


def test_carrying_twice_is_a_conflict(carry_store: Store) -> None:
    carry_over(carry_store, "2026-Q1", "2026-Q2")
    before = snapshot(carry_store)
    with pytest.raises(ConflictError):
        carry_over(carry_store, "2026-Q1", "2026-Q2")
    assert_same(before, carry_store)


def test_carry_over_again_strips_the_old_suffix(carry_store: Store) -> None:
    carry_over(carry_store, "2026-Q1", "2026-Q2")
    carried = carry_over(carry_store, "2026-Q2", "2026-Q3", ["CO-1-2026-Q2"])
    assert carried.objectives[0].id == "CO-1-2026-Q3"
    assert carried.objectives[0].carried_from == "CO-1-2026-Q2"
    assert carried.objectives[0].key_results[0].id == "CO-1-KR1-2026-Q3"


def test_carry_over_into_the_same_cycle_is_refused(carry_store: Store) -> None:
    with pytest.raises(ValidationError):
        carry_over(carry_store, "2026-Q1", "2026-Q1")


# --- moving key results and realigning objectives ----------------------------------------------


def test_move_key_result_keeps_its_check_ins(store: Store) -> None:
    store.import_set(small_okrs())
    store.add_checkin(CheckIn(key_result="K1", date="2026-01-10", value=40))
    version = store.versions()["K1"]
    assert store.move_key_result("K1", version, "O2") == version + 1
    okrs = store.load()
    assert [kr.id for kr in okrs.objective("O2").key_results] == ["K1"]
    assert "K1" not in [kr.id for kr in okrs.objective("O1").key_results]
    assert [(c.key_result, c.value) for c in okrs.checkins] == [("K1", 40.0)]
    assert score(okrs, dt.date(2026, 1, 10)).key_results.set_index("id").at["K1", "score"] == 0.4


def test_move_key_result_refusals(store: Store) -> None:
    store.import_set(small_okrs())
    store.import_set(small_okrs("2026-Q2", prefix="Q2-"))
    before = snapshot(store)
    version = store.versions("2026-Q1")["K1"]
    with pytest.raises(ConflictError):
        store.move_key_result("K1", version + 1, "O2")
    with pytest.raises(NotFoundError, match="objective 'nope'"):
        store.move_key_result("K1", version, "nope")
    with pytest.raises(NotFoundError, match="key result 'nope'"):
        store.move_key_result("nope", 1, "O2")
    with pytest.raises(ValidationError, match="cycle 2026-Q2"):
        store.move_key_result("K1", version, "Q2-O1")
    assert_same(before, store)


def test_realign_is_one_call_with_a_version(store: Store) -> None:
    store.import_set(small_okrs())
    version = store.versions()["O2"]
    assert store.realign("O2", version, []) == version + 1
    assert store.load().objective("O2").aligns_to == ()
    with pytest.raises(ConflictError):
        store.realign("O2", version, ["O1"])
    assert store.load().objective("O2").aligns_to == ()


# --- adding and deleting single key results ----------------------------------------------------


def test_add_key_result_appends_and_refuses_clashes(store: Store) -> None:
    store.import_set(small_okrs())
    new = KeyResult(id="K9", title="Churn from 8 to 5", start=8, target=5)
    assert store.add_key_result("O2", new) == 1
    assert store.load().objective("O2").key_results == (new,)
    before = snapshot(store)
    with pytest.raises(ConflictError):
        store.add_key_result("O2", dataclasses.replace(new, id="O1"))  # an objective's id
    with pytest.raises(NotFoundError):
        store.add_key_result("nope", dataclasses.replace(new, id="K10"))
    assert_same(before, store)


def test_delete_key_result_keeps_history(store: Store) -> None:
    store.import_set(small_okrs())
    versions = store.versions()
    store.delete_key_result("K3", versions["K3"])
    assert "K3" not in {kr.id for _, kr in store.load().key_results()}
    store.add_checkin(CheckIn(key_result="K1", date="2026-01-10", value=40))
    before = snapshot(store)
    with pytest.raises(ValidationError):
        store.delete_key_result("K1", versions["K1"])  # it has a check-in
    with pytest.raises(ConflictError):
        store.delete_key_result("K2", versions["K2"] + 1)
    assert_same(before, store)


def test_bulk_import_writes_values_as_sqlalchemy_does(tmp_path: Path) -> None:
    # The bulk path hands rows to the driver itself: dates, times and booleans must still be
    # stored in SQLAlchemy's SQLite format, the same as a single add_checkin writes them.
    db = tmp_path / "okrkit.db"
    with Store(db) as store:
        store.import_set(small_okrs())
        okrs = store.load()
        metric = next(kr.id for _, kr in okrs.key_results() if kr.type == "metric")
        store.add_checkin(CheckIn(key_result=metric, date=dt.date(2026, 3, 1), value=1))
        store.import_set(rich_okrs())
        with store._write("add check-ins") as conn:  # a time on the second, as SQLAlchemy
            at = dt.datetime(2026, 3, 2, 12, 0, 0)  # writes it: with .000000
            row = {"key_result": metric, "date": dt.date(2026, 3, 2), "value": 2.0}
            insert_many(
                conn, store.tables["checkins"], [{**row, "state": "active", "recorded_at": at}]
            )
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT date, recorded_at FROM checkins ORDER BY id").fetchall()
        done = con.execute("SELECT DISTINCT typeof(done) FROM key_results").fetchall()
    finally:
        con.close()
    assert len(rows) > 1
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"
    for date, recorded_at in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", date), date
        assert re.fullmatch(stamp, recorded_at), recorded_at
    assert set(done) <= {("integer",), ("null",)}


def test_key_result_cycle_and_display_url(tmp_path: Path) -> None:
    okrs = load_yaml(
        "cycle: 2026-Q4\nobjectives:\n- id: O1\n  title: Win the Nordic market\n  key_results:\n"
        "  - {id: K1, title: Ship the Swedish app, type: milestone}\n"
    )
    with Store(tmp_path / "s.db") as store:
        store.import_set(okrs)
        kind, cycle = store.key_result_cycle("K1")
        assert (kind, cycle.id) == ("milestone", "2026-Q4")
        with pytest.raises(NotFoundError, match="K9"):
            store.key_result_cycle("K9")
        assert store.display_url.endswith("s.db")
    secret = Store.__new__(Store)
    secret.url = "postgresql://okr:hunter2@db.example/okrs"
    assert "hunter2" not in secret.display_url and "db.example" in secret.display_url

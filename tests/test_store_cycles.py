"""Several cycles at once: Store.frames/load(cycles=...), stacking them, scores across cycles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from testdata import run_cli as run

from okrkit import CheckIn, KeyResult, Objective, OkrSet, Store, save_yaml, score, to_frames
from okrkit.errors import NotFoundError
from okrkit.frames import FRAME_COLUMNS, stack, stack_tables

CYCLES = ("2025-Q3", "2025-Q4", "2026-Q1")  # all in the past: the latest is the default


def quarter_set(cycle: str, visitors: float) -> OkrSet:
    """One objective with one metric key result and one check-in in ``cycle``."""
    tag = cycle.replace("-", "")
    start = {"2025-Q3": "2025-08-01", "2025-Q4": "2025-11-01", "2026-Q1": "2026-02-01"}[cycle]
    return OkrSet(
        cycle=cycle,
        objectives=[
            Objective(
                id=f"O-{tag}",
                title="Grow",
                key_results=[
                    KeyResult(id=f"K-{tag}", title="Visitors 0 to 100", start=0, target=100)
                ],
            )
        ],
        checkins=[CheckIn(key_result=f"K-{tag}", date=start, value=visitors)],
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "okrkit.db"
    with Store(path) as store:
        # imported newest first: the answers still come oldest first
        for cycle, visitors in zip(reversed(CYCLES), (90.0, 60.0, 30.0), strict=True):
            store.import_set(quarter_set(cycle, visitors))
    yield path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


def test_frames_of_every_cycle_oldest_first(store: Store) -> None:
    by_cycle = store.frames(cycles="all")
    assert list(by_cycle) == list(CYCLES)
    for ident, frames in by_cycle.items():
        assert frames.cycle.id == ident
        assert frames.objectives["id"].tolist() == [f"O-{ident.replace('-', '')}"]
    # the same frames as reading each cycle alone
    one = store.frames("2025-Q4")
    pd.testing.assert_frame_equal(by_cycle["2025-Q4"].key_results, one.key_results)


def test_frames_of_chosen_cycles_come_in_cycle_order(store: Store) -> None:
    chosen = store.frames(cycles=["2026-Q1", store.cycles()[0]])
    assert list(chosen) == ["2025-Q3", "2026-Q1"]


def test_load_of_every_cycle(store: Store) -> None:
    sets = store.load(cycles="all")
    assert list(sets) == list(CYCLES)
    assert sets["2026-Q1"] == quarter_set("2026-Q1", 90.0)
    assert sets["2025-Q3"].checkins[0].value == 30.0


def test_one_cycle_calls_are_unchanged(store: Store) -> None:
    # no cycle: the one running today, else the latest; the frames say which
    assert store.frames().cycle.id == store.cycle().id == "2026-Q1"
    assert store.load().cycle.id == "2026-Q1"
    assert store.frames("2025-Q3").cycle.id == "2025-Q3"


def test_unknown_cycles_and_both_arguments_are_refused(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no cycle '2024-Q1' in the store; it has 2025-Q3"):
        store.frames(cycles=["2025-Q3", "2024-Q1"])
    with pytest.raises(TypeError, match="not both"):
        store.load("2025-Q3", cycles="all")  # type: ignore[call-overload]


def test_an_empty_store_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as empty, pytest.raises(NotFoundError, match="is empty"):
        empty.frames(cycles="all")


def test_stack_gives_one_table_per_kind_with_a_cycle_column(store: Store) -> None:
    tables = stack(store.frames(cycles="all"))
    assert list(tables) == list(FRAME_COLUMNS)
    for name, df in tables.items():
        assert list(df.columns) == ["cycle", *FRAME_COLUMNS[name]], name
    krs = tables["key_results"]
    assert krs[["cycle", "id"]].values.tolist() == [
        ["2025-Q3", "K-2025Q3"],
        ["2025-Q4", "K-2025Q4"],
        ["2026-Q1", "K-2026Q1"],
    ]
    checkins = tables["checkins"]
    assert checkins["date"].dtype == "datetime64[s]"  # the frames' dtypes survive
    assert checkins["value"].tolist() == [30.0, 60.0, 90.0]
    assert tables["kpis"].empty and tables["kpis"].columns[0] == "cycle"


def test_stack_of_nothing_has_the_columns() -> None:
    tables = stack({})
    assert list(tables["objectives"].columns) == ["cycle", *FRAME_COLUMNS["objectives"]]
    assert tables["objectives"].empty


def test_scores_across_cycles_as_one_frame(store: Store) -> None:
    by_cycle = store.frames(cycles="all")
    krs = stack_tables({c: score(f).key_results for c, f in by_cycle.items()})
    assert krs["cycle"].tolist() == list(CYCLES)
    assert krs["score"].tolist() == pytest.approx([0.3, 0.6, 0.9])
    trend = krs.assign(n=1).pivot_table(index="n", columns="cycle", values="score")
    assert list(trend.columns) == list(CYCLES)


def test_stack_tables_keeps_rows_of_an_empty_cycle_out() -> None:
    full = to_frames(quarter_set("2026-Q1", 10.0)).key_results
    out = stack_tables({"2025-Q4": full.iloc[:0], "2026-Q1": full})
    assert out["cycle"].tolist() == ["2026-Q1"]
    assert out.index.tolist() == [0]


# --- CLI: okrkit score --cycle all -------------------------------------------------------------


def test_cli_scores_every_cycle_as_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", db, "--cycle", "all", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0].startswith("cycle,level,id,")
    krs = [r for r in rows if r["level"] == "key_result"]
    assert [(r["cycle"], r["id"]) for r in krs] == [
        ("2025-Q3", "K-2025Q3"),
        ("2025-Q4", "K-2025Q4"),
        ("2026-Q1", "K-2026Q1"),
    ]
    assert [float(r["score"]) for r in krs] == pytest.approx([0.3, 0.6, 0.9])


def test_cli_scores_every_cycle_as_json_and_table(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", db, "score", "--cycle", "ALL", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [d["cycle"] for d in data] == list(CYCLES)
    assert [d["as_of"] for d in data] == ["2025-09-30", "2025-12-31", "2026-03-31"]
    code, out, _ = run(capsys, "--db", db, "score", "--cycle", "all", "--as-of", "2026-02-14")
    assert code == 0
    heads = [line for line in out.splitlines() if line.startswith("cycle ")]
    assert heads == [f"cycle {c}, as of 2026-02-14" for c in CYCLES]


def test_cli_score_all_needs_a_store(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "set.yaml"
    save_yaml(quarter_set("2026-Q1", 1.0), path)
    code, _, err = run(capsys, "score", path, "--cycle", "all")
    assert code == 2
    assert "--cycle all scores every cycle of a store" in err


def test_score_without_a_cycle_still_takes_the_latest(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", db, "score", "--format", "json")
    assert code == 0
    assert json.loads(out)["cycle"] == "2026-Q1"
    assert dt.date.fromisoformat(json.loads(out)["as_of"]) == dt.date(2026, 3, 31)

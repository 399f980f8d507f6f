"""``okrkit history`` and ``okrkit restore``, called in-process through ``main``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from testdata import run_cli as run

from okrkit import KeyResult, Objective, OkrSet, Store


def sample() -> OkrSet:
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="Delight customers",
                owner="CEO",
                aligns_to=["ELSEWHERE", "CO-9"],
                key_results=[
                    KeyResult(id="K1", title="Visitors 0 to 100", start=0, target=100),
                    KeyResult(id="K2", title="Launch", type="milestone"),
                ],
            )
        ],
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store holding :func:`sample`, with K1's target changed by ana."""
    path = tmp_path / "okrkit.db"
    with Store(path) as store:
        store.import_set(sample(), author="importer")
        store.update_key_result("K1", 1, target=250, author="ana")
    return path


def test_history_prints_the_revisions(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "history", "K1", "--db", db)
    assert (code, err) == (0, "")
    header, first, second = out.splitlines()
    assert header.split() == [
        "VERSION",
        "AT",
        "(UTC)",
        "ACTION",
        "AUTHOR",
        "CYCLE",
        "OBJECTIVE",
        "TITLE",
        "TYPE",
        "WEIGHT",
        "START",
        "TARGET",
    ]
    version, day, time, action, author = first.split()[:5]
    assert (version, action, author) == ("1", "import", "importer")
    assert dt.datetime.fromisoformat(f"{day} {time}").year >= 2026
    assert first.rstrip().endswith("100")
    assert second.split()[0] == "2" and " update " in second and " ana " in second
    assert second.rstrip().endswith("250")


def test_history_of_an_objective_shows_its_fields(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", db, "history", "O1")
    assert code == 0
    assert "ALIGNS_TO" in out.splitlines()[0] and "OBJECTIVE" not in out.splitlines()[0]
    assert "ELSEWHERE, CO-9" in out


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_history_as_json_and_csv(db: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(capsys, "--db", db, "history", "K1", "--format", fmt)
    assert code == 0
    records: list[dict[str, Any]] = (
        json.loads(out) if fmt == "json" else list(csv.DictReader(io.StringIO(out)))
    )
    assert [str(r["version"]) for r in records] == ["1", "2"]
    assert [r["action"] for r in records] == ["import", "update"]
    assert [float(r["target"]) for r in records] == [100.0, 250.0]


def test_history_of_one_cycle_and_unknown_ids(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", db, "history", "K1", "--cycle", "2026-Q1")[0] == 0
    code, _, err = run(capsys, "--db", db, "history", "NOPE")
    assert code == 2 and "'NOPE'" in err and err.startswith("okrkit: error:")
    code, _, err = run(capsys, "--db", db, "history", "K1", "--cycle", "2030-Q1")
    assert code == 2 and "no cycle '2030-Q1'" in err


def test_restore_reads_the_current_version_itself(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "restore", "K1", "--version", "1", "--author", "bo", "--db", db)
    assert (code, err) == (0, "")
    assert out == "restored K1 to version 1: now version 3\n"
    with Store(db) as store:
        assert store.load().key_result("K1").target == 100.0
        last = store.history("K1").iloc[-1]
    assert (last["version"], last["action"], last["author"]) == (3, "restore", "bo")


def test_restore_a_deleted_key_result(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(db) as store:
        store.delete_key_result("K2", 1)
    code, out, _ = run(capsys, "--db", db, "restore", "K2", "--version", "1")
    assert code == 0 and "now version 3" in out
    with Store(db) as store:
        assert [kr.id for kr in store.load().objective("O1").key_results] == ["K1", "K2"]


def test_restore_refusals(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", db, "restore", "K1", "--version", "7")
    assert code == 2 and "K1 has no version 7; it has versions 1-2" in err
    with Store(db) as store:
        store.delete_key_result("K2", 1)
    code, _, err = run(capsys, "--db", db, "restore", "K2", "--version", "2")
    assert code == 1 and "is its deletion" in err
    code, _, err = run(capsys, "--db", db, "restore", "K1")
    assert code == 2 and "--version" in err
    with Store(db) as store:
        assert store.history("K1")["version"].tolist() == [1, 2]

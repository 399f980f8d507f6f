"""Imports into a store that already holds the work: merge by default, replace on request.

A re-import of an exported and edited file must never drop what others recorded after the
export (check-ins, corrections, key results), and an edit made on an old export is a conflict,
as an API edit from a stale version is. The store-level tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from testdata import TEMPLATES_DIR
from testdata import run_cli as run

from okrkit import CheckIn, ConflictError, KeyResult, Store, load_yaml
from okrkit.io.tabular import read_tables, write_csv, write_xlsx
from okrkit.io.yaml_io import save_yaml
from okrkit.merging import StoredCheckIn, checkin_key, match_checkins

D = dt.date


def stored(
    ident: int, date: str, value: float, state: str = "active", kr: str = "K1", note: str = ""
) -> StoredCheckIn:
    return StoredCheckIn(
        id=ident,
        key_result=kr,
        date=D.fromisoformat(date),
        value=value,
        done=None,
        grade=None,
        confidence=None,
        note=note,
        author="",
        state=state,
    )


def ci(date: str, value: float, ident: int | None = None, note: str = "") -> CheckIn:
    return CheckIn(key_result="K1", date=date, value=value, id=ident, note=note)


# --- the matching rule ---------------------------------------------------------------------------


def test_checkins_match_by_key_without_ids() -> None:
    rows = [stored(1, "2026-10-05", 3), stored(2, "2026-10-12", 4)]
    plan = match_checkins([ci("2026-10-05", 3), ci("2026-10-19", 5)], rows)
    assert plan.same == (1,) and [c.date for c in plan.new] == [D(2026, 10, 19)]
    assert plan.kept == (2,) and not plan.corrections and not plan.conflicts


def test_two_equal_checkins_are_two() -> None:
    rows = [stored(1, "2026-10-05", 3)]
    plan = match_checkins([ci("2026-10-05", 3), ci("2026-10-05", 3)], rows)
    assert plan.same == (1,) and len(plan.new) == 1


def test_a_store_id_matches_even_when_the_value_changed() -> None:
    rows = [stored(7, "2026-10-05", 3)]
    plan = match_checkins([ci("2026-10-05", 30, ident=7)], rows)
    assert [(old, c.value) for old, c in plan.corrections] == [(7, 30.0)]
    assert not plan.new and not plan.kept


def test_an_id_of_another_key_result_is_no_match() -> None:
    rows = [stored(7, "2026-10-05", 3, kr="K2")]
    plan = match_checkins([ci("2026-10-05", 3, ident=7)], rows)
    assert len(plan.new) == 1 and not plan.same


def test_an_old_copy_of_a_corrected_checkin_is_known() -> None:
    rows = [stored(1, "2026-10-05", 3, state="corrected"), stored(2, "2026-10-05", 4)]
    plan = match_checkins([ci("2026-10-05", 3)], rows)  # an export made before the correction
    assert plan.same == (1,) and plan.kept == (2,) and not plan.new


def test_changing_a_checkin_deleted_since_is_a_conflict() -> None:
    rows = [stored(1, "2026-10-05", 3, state="deleted")]
    plan = match_checkins([ci("2026-10-05", 9, ident=1)], rows)
    assert len(plan.conflicts) == 1 and "deleted" in plan.conflicts[0] and not plan.new


def test_checkin_key() -> None:
    assert checkin_key(ci("2026-10-05", 3)) == ("K1", D(2026, 10, 5), 3.0, None, None, None)


# --- the store -----------------------------------------------------------------------------------


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store(db_url) as store:
        store.import_set(load_yaml(TEMPLATES_DIR / "marketing.yaml"))
        store.add_checkin(CheckIn(key_result="MKT-1-KR1", date="2026-02-02", value=430_000))
        store.add_checkin(CheckIn(key_result="MKT-1-KR2", date="2026-02-02", value=15_000))
        yield store


def colleague_works(store: Store) -> None:
    """What happens in the store after the export: a check-in, a correction, an edit, a KR."""
    store.add_checkin(
        CheckIn(key_result="MKT-1-KR1", date="2026-03-02", value=480_000, note="colleague")
    )
    first = int(store.checkins("MKT-1-KR2")["id"].iloc[0])
    store.correct_checkin(first, value=16_000, reason="typo")
    store.update_objective("MKT-1", store.versions()["MKT-1"], title="Store-side title")
    store.add_key_result(
        "MKT-3", KeyResult(id="MKT-3-KR9", title="Ship 4 guides", start=0, target=4)
    )


def export(store: Store, tmp_path: Path, kind: str) -> Path:
    okrs = store.load()
    if kind == "yaml":
        return save_yaml(okrs, tmp_path / "q4.yaml")
    if kind == "csv":
        return write_csv(okrs, tmp_path / "q4")
    return write_xlsx(okrs, tmp_path / "q4.xlsx")


def read(path: Path):  # type: ignore[no-untyped-def]
    return load_yaml(path) if path.suffix == ".yaml" else read_tables(path)


def history_rows(store: Store) -> list[tuple[object, ...]]:
    df = store.checkins(cycle="2026-Q1", history=True)
    return sorted(df[["id", "key_result", "value", "state"]].itertuples(index=False, name=None))


@pytest.mark.parametrize("kind", ["xlsx", "csv", "yaml"])
def test_reimport_of_an_old_export_keeps_every_checkin(
    store: Store, tmp_path: Path, kind: str
) -> None:
    path = export(store, tmp_path, kind)
    colleague_works(store)
    before = history_rows(store)
    summary = store.import_set(read(path))
    assert summary.mode == "merge" and not summary.changed and not summary.removed
    assert summary.checkins_added == 0 and summary.checkins_kept == 2
    assert history_rows(store) == before  # nothing dropped, nothing doubled
    assert store.load().objective("MKT-1").title == "Store-side title"
    assert store.load().key_result("MKT-3-KR9").target == 4.0
    assert any("MKT-3-KR9" in note for note in summary.notes)


@pytest.mark.parametrize("kind", ["xlsx", "yaml"])
def test_an_edit_of_an_old_export_is_a_conflict(store: Store, tmp_path: Path, kind: str) -> None:
    path = export(store, tmp_path, kind)
    colleague_works(store)
    okrs = read(path)
    edited = dataclasses.replace(
        okrs,
        objectives=tuple(
            dataclasses.replace(o, title="File-side title") if o.id == "MKT-1" else o
            for o in okrs.objectives
        ),
        checkins=(*okrs.checkins, CheckIn(key_result="MKT-2-KR1", date="2026-03-03", value=9)),
    )
    before = history_rows(store)
    preview = store.import_set(edited, dry_run=True)
    assert preview.dry_run and len(preview.conflicts) == 1
    assert "MKT-1" in preview.conflicts[0] and "version 1" in preview.conflicts[0]
    with pytest.raises(ConflictError, match="MKT-1") as info:
        store.import_set(edited)
    assert "--dry-run" in str(info.value) and "--replace" in str(info.value)
    assert history_rows(store) == before  # the new check-in was not written either
    assert store.load().objective("MKT-1").title == "Store-side title"


def test_edits_of_other_fields_since_the_export_are_merged(store: Store, tmp_path: Path) -> None:
    okrs = read(export(store, tmp_path, "csv"))
    store.update_objective("MKT-1", store.versions()["MKT-1"], owner="Head of Brand")
    edited = dataclasses.replace(
        okrs,
        objectives=tuple(
            dataclasses.replace(o, title="File-side title") if o.id == "MKT-1" else o
            for o in okrs.objectives
        ),
    )
    summary = store.import_set(edited)
    assert dict(summary.changed) == {"MKT-1": ("title",)}
    assert any("merged" in note for note in summary.notes)
    mkt1 = store.load().objective("MKT-1")
    assert (mkt1.title, mkt1.owner) == ("File-side title", "Head of Brand")


def test_an_edit_of_a_fresh_export_lands(store: Store, tmp_path: Path) -> None:
    colleague_works(store)
    okrs = read(export(store, tmp_path, "xlsx"))
    edited = dataclasses.replace(
        okrs,
        objectives=tuple(
            dataclasses.replace(
                o,
                title="File-side title",
                key_results=tuple(
                    dataclasses.replace(k, target=1_100_000) if k.id == "MKT-1-KR1" else k
                    for k in o.key_results
                ),
            )
            if o.id == "MKT-1"
            else o
            for o in okrs.objectives
        ),
    )
    versions = store.versions()
    summary = store.import_set(edited, author="ana")
    assert dict(summary.changed) == {"MKT-1": ("title",), "MKT-1-KR1": ("target",)}
    assert "target: '1000000' -> '1100000'" in summary.report()
    assert "title: 'Store-side title' -> 'File-side title'" in summary.report()
    loaded = store.load()
    assert loaded.objective("MKT-1").title == "File-side title"
    assert loaded.key_result("MKT-1-KR1").target == 1_100_000
    assert store.versions()["MKT-1"] == versions["MKT-1"] + 1
    history = store.history("MKT-1")
    assert history[["action", "author"]].iloc[-1].tolist() == ["import", "ana"]


def test_a_dry_run_writes_nothing(store: Store, tmp_path: Path) -> None:
    okrs = load_yaml(TEMPLATES_DIR / "sales.yaml")
    before = history_rows(store), [c.id for c in store.cycles()], store.versions()
    preview = store.import_set(okrs, dry_run=True)
    assert preview.dry_run and len(preview.added) > 0 and "would import" in preview.report()
    assert (history_rows(store), [c.id for c in store.cycles()], store.versions()) == before
    assert store.import_set(okrs).added == preview.added


def test_replace_keeps_what_it_removes_in_the_history(store: Store, tmp_path: Path) -> None:
    path = export(store, tmp_path, "yaml")
    colleague_works(store)
    okrs = read(path)
    # the file drops a key result with a check-in, and holds none of the colleague's check-ins
    gone = "MKT-1-KR1"
    okrs = dataclasses.replace(
        okrs,
        objectives=tuple(
            dataclasses.replace(o, key_results=o.key_results[1:]) if o.id == "MKT-1" else o
            for o in okrs.objectives
        ),
        kpis=tuple(
            dataclasses.replace(k, measures=tuple(m for m in k.measures if m != gone))
            for k in okrs.kpis
        ),
        initiatives=tuple(
            dataclasses.replace(i, supports=tuple(m for m in i.supports if m != gone))
            for i in okrs.initiatives
        ),
        checkins=tuple(c for c in okrs.checkins if c.key_result != gone),
    )
    preview = store.import_set(okrs, replace=True, dry_run=True)
    assert preview.destructive and "MKT-1-KR1" in preview.removed
    assert "okrkit restore" in preview.report()
    summary = store.import_set(okrs, replace=True, expect=preview)
    assert summary.removed == preview.removed
    assert store.load().objective("MKT-1").title == okrs.objective("MKT-1").title
    # the corrected check-in of MKT-1-KR2 is not in the file: kept as deleted, in the history
    kr2 = store.checkins("MKT-1-KR2", history=True)
    assert set(kr2["state"]) == {"corrected", "deleted", "active"}
    # the dropped key result comes back with both its check-ins
    version = int(store.history("MKT-1-KR1")["version"].iloc[-1])
    store.restore("MKT-1-KR1", version - 1, current_version=version)
    back = store.checkins("MKT-1-KR1")
    assert sorted(back["value"]) == [430_000.0, 480_000.0]


def test_replace_refuses_when_the_store_changed_since_the_preview(store: Store) -> None:
    okrs = load_yaml(TEMPLATES_DIR / "marketing.yaml")
    okrs = dataclasses.replace(
        okrs,
        objectives=tuple(dataclasses.replace(o, title=o.title + "!") for o in okrs.objectives),
    )
    preview = store.import_set(okrs, replace=True, dry_run=True)
    store.add_key_result(
        "MKT-2", KeyResult(id="MKT-2-KR9", title="Ship 4 guides", start=0, target=4)
    )
    with pytest.raises(ConflictError, match="changed since the preview"):
        store.import_set(okrs, replace=True, expect=preview)
    assert store.load().key_result("MKT-2-KR9").target == 4.0


# --- the command line ----------------------------------------------------------------------------


def test_cli_reimport_says_what_it_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "okrkit.db"
    with Store(db) as store:
        store.import_set(load_yaml(TEMPLATES_DIR / "marketing.yaml"))
        store.add_checkin(CheckIn(key_result="MKT-1-KR1", date="2026-02-02", value=430_000))
        store.add_checkin(CheckIn(key_result="MKT-1-KR2", date="2026-02-02", value=15_000))
        path = export(store, tmp_path, "xlsx")
        colleague_works(store)
        before = history_rows(store)
    code, out, err = run(capsys, "--db", db, "import", path, "--dry-run")
    assert code == 0, err
    assert "would import (merge)" in out and "2 check-in(s) in the store but not in" in out
    code, out, err = run(capsys, "--db", db, "import", path)
    assert code == 0, err
    assert "2 in the store only, kept" in out and "MKT-3-KR9" in out
    with Store(db) as store:
        assert history_rows(store) == before


def test_cli_loop_across_files_names_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "okrkit.db"
    files = {
        "a.yaml": "cycle: 2026-Q4\nobjectives:\n- id: A1\n  title: Grow\n  aligns_to: [C1]\n",
        "b.yaml": "cycle: 2026-Q4\nobjectives:\n- id: B1\n  title: Keep\n  aligns_to: [A1]\n",
        "c.yaml": "cycle: 2026-Q4\nobjectives:\n- id: X0\n  title: Other\n"
        "- id: C1\n  title: Win\n  aligns_to: [B1]\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert run(capsys, "--db", db, "import", tmp_path / "a.yaml")[0] == 0
    assert run(capsys, "--db", db, "import", tmp_path / "b.yaml")[0] == 0
    code, _, err = run(capsys, "--db", db, "import", tmp_path / "c.yaml")
    assert code == 1
    assert f"{tmp_path / 'c.yaml'}, line 5, field 'aligns_to'" in err
    assert "remove B1 from the aligns_to of C1" in err
    assert "the store already holds" in err and "A1 -> C1" in err


def test_cli_missing_parent_warns_on_import_as_check_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "okrkit.db"
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "cycle: 2026-Q4\nobjectives:\n- id: X1\n  title: Grow\n  aligns_to: [NOPE-1]\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--db", db, "import", plan)
    assert code == 0 and "warning OKR602: X1 aligns to NOPE-1" in out
    code, out, _ = run(capsys, "--db", db, "check")
    assert code == 0 and "warning  OKR602  X1: X1 aligns to NOPE-1" in out


def test_cli_link_to_a_kpi_is_refused_as_check_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "okrkit.db"
    with Store(db) as store:
        store.import_set(load_yaml(TEMPLATES_DIR / "marketing.yaml"))
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "cycle: 2026-Q4\nobjectives:\n- id: X1\n  title: Grow\n  aligns_to: [MKT-KPI-1]\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", db, "import", plan)
    assert code == 1 and "MKT-KPI-1, which is a KPI" in err
    with Store(db) as store:
        assert "X1" not in {o.id for o in store.load().objectives}

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from testdata import TEMPLATE_PATHS

from okrkit import (
    Frames,
    InputError,
    KeyResult,
    OkrSet,
    ValidationError,
    from_frames,
    load_yaml,
    to_frames,
)
from okrkit.demo_org import demo_org, demo_org_frames
from okrkit.frames import FRAME_COLUMNS, _plain, build_set, check_numbers, records
from okrkit.io.tabular import load_csv, write_csv


def _with(frames: Frames, **changes: pd.DataFrame) -> Frames:
    return dataclasses.replace(frames, **changes)


def test_frames_have_the_documented_columns(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    assert [name for name, _ in frames] == list(FRAME_COLUMNS)
    for name, df in frames:
        assert tuple(df.columns) == FRAME_COLUMNS[name]
    assert frames.cycle == small_set.cycle
    assert len(frames.key_results) == 5
    assert len(frames.checkins) == 7
    assert frames.key_results["objective"].tolist() == ["O1"] * 5
    assert frames.key_results["id"].tolist() == ["K1", "K2", "K3", "K4", "K5"]
    assert pd.api.types.is_datetime64_dtype(frames.checkins["date"])
    assert frames.checkins["date"].iloc[0] == pd.Timestamp("2026-01-31")
    for col in ("weight", "start", "target", "current", "grade", "threshold", "confidence"):
        assert frames.key_results[col].dtype == "float64"
    assert frames.kpis["measures"].iloc[0] == ("K1",)
    assert frames.initiatives["supports"].iloc[0] == ("K1", "K3")


def test_round_trip_small_set(small_set: OkrSet) -> None:
    assert from_frames(to_frames(small_set)) == small_set


def test_round_trip_rich_set(rich_set: OkrSet) -> None:
    back = from_frames(to_frames(rich_set))
    assert back == rich_set
    assert back.objective("MÅL-1").aligns_to == ("CO-1", "CO-2")
    assert back.key_result("NR-1").confidence == 4
    assert isinstance(back.key_result("NR-1").confidence, int)
    assert back.key_result("NR-4").done is True
    assert back.objective("O-empty").key_results == ()


@pytest.mark.parametrize("path", TEMPLATE_PATHS, ids=lambda p: p.stem)
def test_round_trip_templates(path: Path) -> None:
    okrs = load_yaml(path)
    assert from_frames(to_frames(okrs)) == okrs


def test_round_trip_empty_set() -> None:
    okrs = OkrSet(cycle="2026")
    frames = to_frames(okrs)
    assert all(df.empty for _, df in frames)
    assert from_frames(frames) == okrs


def test_checkin_ids_survive(small_set: OkrSet) -> None:
    checkins = tuple(dataclasses.replace(c, id=i + 10) for i, c in enumerate(small_set.checkins))
    okrs = dataclasses.replace(small_set, checkins=checkins)
    frames = to_frames(okrs)
    assert frames.checkins["id"].tolist() == list(range(10, 17))
    back = from_frames(frames)
    assert [c.id for c in back.checkins] == list(range(10, 17))


def test_editing_a_target_is_reflected(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    krs = frames.key_results.copy()
    krs.loc[krs["id"] == "K1", "target"] = 250.0
    back = from_frames(_with(frames, key_results=krs))
    assert back.key_result("K1").target == 250.0
    assert back.key_result("K2").target == 5.0
    assert small_set.key_result("K1").target == 100.0  # the input is untouched


def test_adding_a_key_result_row_is_reflected(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    new = to_frames(
        OkrSet(
            cycle=small_set.cycle,
            objectives=[
                dataclasses.replace(
                    small_set.objectives[0],
                    key_results=[
                        KeyResult(id="K6", title="Signups 10 to 50", start=10, target=50, unit="u")
                    ],
                )
            ],
        )
    ).key_results
    krs = pd.concat([frames.key_results, new], ignore_index=True)
    back = from_frames(_with(frames, key_results=krs))
    o = back.objective("O1")
    assert [kr.id for kr in o.key_results] == ["K1", "K2", "K3", "K4", "K5", "K6"]
    assert back.key_result("K6") == KeyResult(
        id="K6", title="Signups 10 to 50", start=10, target=50, unit="u"
    )


def test_adding_a_row_by_hand(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    checkins = frames.checkins.copy()
    checkins.loc[len(checkins)] = {
        "key_result": "K1",
        "date": pd.Timestamp("2026-03-01"),
        "value": 80.0,
    }
    back = from_frames(_with(frames, checkins=checkins))
    assert back.checkins[-1].value == 80.0
    assert back.checkins[-1].date == dt.date(2026, 3, 1)
    assert back.checkins[-1].id is None


def test_bad_edit_names_frame_row_and_field(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    krs = frames.key_results.copy()
    krs.loc[1, "weight"] = -1.0
    with pytest.raises(ValidationError) as info:
        from_frames(_with(frames, key_results=krs))
    err = info.value
    # the row as df.loc finds it (label 1), not the 1-based position (2)
    assert (err.source, err.row, err.field) == ("frames.key_results", 1, "weight")
    assert str(err).startswith("frames.key_results, row 1, field 'weight': ")
    assert err.fix


@pytest.mark.parametrize(
    ("frame", "column", "value", "field"),
    [
        ("key_results", "type", "kpi", "type"),
        ("key_results", "grade", 0.5, "grade"),
        ("key_results", "target", 0.0, "target"),  # K1 starts at 0
        ("objectives", "level", "galaxy", "level"),
        ("checkins", "confidence", 11.0, "confidence"),
        ("kpis", "frequency", "hourly", "frequency"),
        ("initiatives", "state", "doing", "state"),
    ],
)
def test_bad_edits_in_each_frame(
    small_set: OkrSet, frame: str, column: str, value: object, field: str
) -> None:
    frames = to_frames(small_set)
    df = getattr(frames, frame).copy()
    df.loc[0, column] = value
    with pytest.raises(ValidationError) as info:
        from_frames(_with(frames, **{frame: df}), source="edit")
    err = info.value
    assert (err.source, err.row, err.field) == (f"edit.{frame}", 0, field)


def test_set_rules_apply_after_an_edit(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    checkins = frames.checkins.copy()
    checkins.loc[0, "key_result"] = "K9"
    with pytest.raises(ValidationError, match="not in the set") as info:
        from_frames(_with(frames, checkins=checkins))
    assert info.value.source == "frames"
    assert info.value.field == "key_result"


def test_key_result_of_a_missing_objective(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    krs = frames.key_results.copy()
    krs.loc[2, "objective"] = "O9"
    with pytest.raises(ValidationError, match="'O9', which is not listed") as info:
        from_frames(_with(frames, key_results=krs))
    assert info.value.field == "objective"


def test_key_result_without_objective(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    krs = frames.key_results.copy()
    krs.loc[2, "objective"] = None
    with pytest.raises(ValidationError) as info:
        from_frames(_with(frames, key_results=krs))
    assert (info.value.row, info.value.field) == (2, "objective")


def test_unknown_column_is_refused(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    krs = frames.key_results.assign(colour="red")
    with pytest.raises(InputError, match="unknown column") as info:
        from_frames(_with(frames, key_results=krs))
    assert info.value.source == "frames.key_results"
    assert "colour" in str(info.value)
    assert "weight" in (info.value.fix or "")


def test_missing_optional_columns_are_fine(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    initiatives = frames.initiatives.drop(columns=["link", "owner"])
    assert from_frames(_with(frames, initiatives=initiatives)) == small_set


def _records_one_by_one(df: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """Rows as :func:`okrkit.frames.records` gave them before it worked on columns."""
    return [
        (i, {k: v for k, v in ((k, _plain(v)) for k, v in row.items()) if v is not None})
        for i, row in enumerate(df.to_dict("records"), start=1)
    ]


def test_columns_give_the_rows_cell_by_cell_conversion_gives() -> None:
    frames = demo_org_frames(60)
    checkins = frames.checkins.copy()
    checkins.loc[[0, 3], "date"] = pd.NaT
    checkins["note"] = checkins["note"].astype(object)
    checkins.loc[1, "note"] = None
    checkins.loc[2, "note"] = math.nan
    checkins.loc[[4, 5], "done"] = pd.NA
    for name, df in [*frames, ("checkins", checkins)]:
        assert records(df, name, source=name) == _records_one_by_one(df), name


def test_from_frames_equals_the_per_record_build() -> None:
    frames = demo_org_frames(60)
    okrs = from_frames(frames)
    tables = {name: _records_one_by_one(df) for name, df in frames}
    assert okrs == build_set(frames.cycle, tables, source="frames")
    assert okrs == demo_org(60)
    assert [c.id for c in okrs.checkins] == [None] * len(okrs.checkins)


@pytest.mark.parametrize(
    ("column", "value", "error", "field"),
    [
        ("value", "12", ValidationError, "value"),
        ("grade", 1.5, ValidationError, "grade"),
        ("confidence", 0.5, ValidationError, "confidence"),
        ("key_result", "K\u200b1", ValidationError, "key_result"),
        ("note", 5.5, ValidationError, "note"),
        ("id", 2.5, InputError, "id"),
    ],
)
def test_a_bad_checkin_among_many_names_its_row(
    column: str, value: object, error: type[Exception], field: str
) -> None:
    frames = demo_org_frames(20)
    checkins = frames.checkins.astype({column: object})
    checkins.loc[40, column] = value
    if column == "grade":
        checkins.loc[40, ["value", "done"]] = [math.nan, pd.NA]
    with pytest.raises(error) as info:
        from_frames(_with(frames, checkins=checkins))
    err = info.value
    assert (err.source, err.row, err.field) == ("frames.checkins", 40, field)  # type: ignore[attr-defined]


# --- errors name the row by its index label --------------------------------------------------


def test_an_error_names_the_row_by_the_frames_own_index_label(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    krs = frames.key_results.set_index(frames.key_results["id"].rename(None))
    krs.loc["K2", "weight"] = -1.0
    with pytest.raises(ValidationError) as info:
        from_frames(_with(frames, key_results=krs))
    err = info.value
    assert (err.source, err.row, err.label, err.field) == (
        "frames.key_results",
        None,
        "K2",
        "weight",
    )
    assert str(err).startswith("frames.key_results, row 'K2', field 'weight': ")
    assert krs.loc[err.label, "weight"] == -1.0  # the row the message names is the one df.loc finds
    again = pickle.loads(pickle.dumps(err))  # as it crosses to a worker process and back
    assert (again.label, str(again)) == ("K2", str(err))


def test_a_filtered_frame_keeps_its_labels_in_errors(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    objectives = frames.objectives.assign(id="O7", level="galaxy").set_axis([7])
    with pytest.raises(ValidationError) as info:
        from_frames(_with(frames, objectives=pd.concat([frames.objectives, objectives])))
    assert (info.value.row, info.value.field) == (7, "level")
    assert "frames.objectives, row 7, field 'level'" in str(info.value)


def test_a_checkin_error_of_the_fast_path_names_its_label() -> None:
    frames = demo_org_frames(20)
    checkins = frames.checkins.set_axis(frames.checkins.index + 1000)
    checkins = checkins.astype({"confidence": object})
    checkins.loc[1040, "confidence"] = 0.5
    with pytest.raises(ValidationError) as info:
        from_frames(_with(frames, checkins=checkins))
    assert (info.value.source, info.value.row) == ("frames.checkins", 1040)


def test_a_number_out_of_range_names_its_label(small_set: OkrSet) -> None:
    frames = to_frames(small_set)
    kpis = frames.kpis.set_axis([f"row-{i}" for i in range(len(frames.kpis))])
    kpis.loc[kpis.index[-1], "target"] = 1e300
    with pytest.raises(ValidationError) as info:
        check_numbers(_with(frames, kpis=kpis))
    assert (info.value.label, info.value.field) == (kpis.index[-1], "target")
    assert f"frames.kpis, row '{kpis.index[-1]}', field 'target'" in str(info.value)
    with pytest.raises(ValidationError) as again:
        from_frames(_with(frames, kpis=kpis))
    assert (again.value.row, again.value.label) == (None, kpis.index[-1])


def test_file_readers_keep_their_own_row_numbers(small_set: OkrSet, tmp_path: Path) -> None:
    folder = write_csv(small_set, tmp_path / "okrs")
    path = folder / "objectives.csv"
    header, row = path.read_text(encoding="utf-8-sig").splitlines()
    cells = row.split(",")
    cells[header.split(",").index("level")] = "galaxy"
    path.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_csv(folder)
    assert (info.value.row, info.value.field) == (2, "level")  # the file's row: header is row 1

"""A check-in counts in the cycle it is dated in: every reader refuses one dated outside its set's
cycle, naming the file and the line or row, with the fix."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from okrkit.cycles import Cycle
from okrkit.errors import ValidationError
from okrkit.frames import from_frames, to_frames
from okrkit.io.tabular import load_csv, load_xlsx, write_csv, write_xlsx
from okrkit.io.yaml_io import load_yaml
from okrkit.model import CheckIn, KeyResult, Objective, OkrSet, checkins_from_columns

FIX = "date the check-in from 2026-10-01 to 2026-12-31"

YAML = """\
cycle: 2026-Q4
objectives:
  - id: O1
    title: Delight customers
    key_results:
      - id: K1
        title: NPS from 30 to 42
        start: 30
        target: 42
checkins:
  - key_result: K1
    date: 2026-10-05
    value: 33
  - key_result: K1
    date: 2026-06-15
    value: 40
"""


def q4_set(june: bool = False) -> OkrSet:
    day = dt.date(2026, 6, 15) if june else dt.date(2026, 11, 2)
    return OkrSet(
        cycle="2026-Q4",
        objectives=[
            Objective(
                id="O1",
                title="Delight customers",
                key_results=[KeyResult(id="K1", title="NPS from 30 to 42", start=30, target=42)],
            )
        ],
        checkins=[
            CheckIn(key_result="K1", date="2026-10-05", value=33),
            CheckIn(key_result="K1", date=day, value=40),
        ],
    )


def test_a_set_built_in_code_refuses_a_june_checkin_in_q4() -> None:
    with pytest.raises(ValidationError, match="check-in 2 on key result K1") as info:
        q4_set(june=True)
    assert "2026-06-15 is outside cycle 2026-Q4" in str(info.value)
    assert info.value.field == "date"
    assert FIX in str(info.value)


@pytest.mark.parametrize("day", [dt.date(2026, 10, 1), dt.date(2026, 12, 31)])
def test_the_first_and_last_day_of_the_cycle_count(day: dt.date) -> None:
    okrs = q4_set()
    built = OkrSet(
        cycle=okrs.cycle,
        objectives=okrs.objectives,
        checkins=[CheckIn(key_result="K1", date=day, value=35)],
    )
    assert [(c.key_result, c.date) for c in built.checkins] == [("K1", day)]


def test_yaml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q4.yaml"
    path.write_text(YAML, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_yaml(path)
    assert info.value.source == str(path)
    assert info.value.line == 14
    assert "2026-06-15 is outside cycle 2026-Q4" in str(info.value)
    assert FIX in str(info.value)


def test_csv_names_the_file_and_the_row(tmp_path: Path) -> None:
    folder = write_csv(q4_set(), tmp_path / "okrs")
    path = folder / "checkins.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[2][rows[0].index("date")] = "2026-06-15"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(ValidationError) as info:
        load_csv(folder)
    assert info.value.source is not None and info.value.source.endswith("checkins.csv")
    assert info.value.row == 3
    assert "2026-06-15 is outside cycle 2026-Q4" in str(info.value)
    assert FIX in str(info.value)


def test_xlsx_names_the_sheet_and_the_row(tmp_path: Path) -> None:
    path = write_xlsx(q4_set(), tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["checkins"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("date") + 1, value=dt.date(2026, 6, 15))
    book.save(path)
    with pytest.raises(ValidationError) as info:
        load_xlsx(path)
    assert info.value.source is not None and info.value.source.endswith("book.xlsx[checkins]")
    assert info.value.row == 3
    assert "2026-06-15 is outside cycle 2026-Q4" in str(info.value)
    assert FIX in str(info.value)


def test_frames_name_the_checkin_row() -> None:
    frames = to_frames(q4_set())
    checkins = frames.checkins.copy()
    checkins.loc[1, "date"] = pd.Timestamp("2026-06-15")
    edited = dataclasses.replace(frames, checkins=checkins)
    with pytest.raises(ValidationError, match="outside cycle 2026-Q4") as info:
        from_frames(edited)
    assert info.value.row == 1  # the DataFrame index label, as checkins.loc[1] finds it
    assert "frames.checkins, row 1" in str(info.value)
    assert info.value.source == "frames.checkins"


def test_the_columnar_path_gives_the_same_message_for_the_first_bad_row() -> None:
    columns = {
        "key_result": ["K1", "K1", "K1"],
        "date": [dt.date(2026, 10, 5), dt.date(2026, 6, 15), dt.date(2027, 1, 1)],
        "value": [1.0, 2.0, 3.0],
    }
    assert checkins_from_columns(columns) is not None  # without a cycle: no date rule
    with pytest.raises(ValidationError) as columnar:
        checkins_from_columns(columns, Cycle.parse("2026-Q4"))
    with pytest.raises(ValidationError) as one_by_one:
        OkrSet(
            cycle="2026-Q4",
            objectives=q4_set().objectives,
            checkins=[
                CheckIn(key_result=k, date=d, value=v)
                for k, d, v in zip(*columns.values(), strict=True)
            ],
        )
    assert str(columnar.value) == str(one_by_one.value)
    assert "check-in 2 on key result K1" in str(columnar.value)

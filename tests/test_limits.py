"""The limits of docs/limits.md: the size of numbers, the years of dates, the characters of ids.

Each limit is enforced by the model, so every way in (YAML, CSV, Excel, frames, the store's API,
the command line, the widgets) refuses the same input with the same message, and everything
within the limits goes through scoring, frames, files and the store unharmed.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from testdata import run_cli, run_sql

from okrkit import KPI, CheckIn, Cycle, Initiative, KeyResult, Objective, OkrSet, Store
from okrkit.brainstorm import Board
from okrkit.cycles import FIRST_DAY, LAST_DAY, MAX_YEAR, MIN_YEAR, parse_date
from okrkit.errors import ValidationError
from okrkit.frames import from_frames, to_frames
from okrkit.io import read_tables, write_csv, write_xlsx
from okrkit.io.yaml_io import dump_yaml, load_yaml, save_yaml
from okrkit.model import MAX_NUMBER, MAX_WEIGHT, MIN_WEIGHT, checkins_from_columns
from okrkit.scoring import score
from okrkit.ui import kr_drafter

D = dt.date
RANGE = "-1e15 to 1e15"
WEIGHTS = "0.000001 to 1,000,000"
YEARS = f"{MIN_YEAR} to {MAX_YEAR}"


def one_kr_set(kr: KeyResult, *checkins: CheckIn, cycle: str = "2026-Q1") -> OkrSet:
    return OkrSet(
        cycle=cycle,
        objectives=[Objective(id="O1", title="Grow", key_results=[kr])],
        checkins=checkins,
    )


def metric(**fields: Any) -> KeyResult:
    return KeyResult(**{"id": "K1", "title": "Visitors", "start": 0, "target": 100, **fields})


def expect_refused(build: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        build()
    return info.value


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: metric(start=-1e308, target=1e308), "start"),
        (lambda: metric(target=1e16), "target"),
        (lambda: metric(current=-2e15), "current"),
        (lambda: KeyResult(id="K", title="t", type="guardrail", threshold=10**20), "threshold"),
        (lambda: CheckIn(key_result="K1", date=D(2026, 2, 1), value=1.5e15), "value"),
        (lambda: CheckIn(key_result="K1", date=D(2026, 2, 1), value=-(10**16)), "value"),
        (lambda: KPI(id="P1", name="Leads", target=1e300), "target"),
        (lambda: KPI(id="P1", name="Leads", current=-1e16), "current"),
    ],
)
def test_a_number_beyond_the_limit_is_refused_with_the_limit(
    build: Callable[[], object], field: str
) -> None:
    error = expect_refused(build)
    assert error.field == field
    assert f"is outside {RANGE}" in error.problem
    assert "larger unit" in (error.fix or "")


def test_numbers_at_the_limit_are_kept() -> None:
    kr = metric(start=-MAX_NUMBER, target=10**15, current=MAX_NUMBER)
    assert (kr.start, kr.target, kr.current) == (-1e15, 1e15, 1e15)
    assert CheckIn(key_result="K1", date=D(2026, 2, 1), value=-1e15).value == -1e15


@pytest.mark.parametrize("weight", [1e308, 1e7, 1.0000001e6, 9.9e-7, 1e-7, 5e-324])
def test_a_weight_outside_its_range_is_refused(weight: float) -> None:
    error = expect_refused(lambda: metric(weight=weight))
    assert error.field == "weight"
    assert f"outside {WEIGHTS}" in error.problem


@pytest.mark.parametrize("weight", [MIN_WEIGHT, MAX_WEIGHT, 1, 2.5])
def test_a_weight_in_its_range_is_kept(weight: float) -> None:
    assert metric(weight=weight).weight == weight


def test_scores_at_the_limits_are_right() -> None:
    day = D(2026, 2, 14)
    up = metric(start=-1e15, target=1e15, current=0)
    down = metric(id="K2", start=1e15, target=-1e15)
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(id="O1", title="Grow", key_results=[up, down]),
            Objective(
                id="O2",
                title="Heavy",
                key_results=[
                    KeyResult(id="M1", title="a", type="milestone", done=True, weight=1e6),
                    KeyResult(id="M2", title="b", type="milestone", weight=1e6),
                ],
            ),
            Objective(
                id="O3",
                title="Light",
                key_results=[
                    KeyResult(id="M3", title="c", type="milestone", done=True, weight=1e-6),
                    KeyResult(id="M4", title="d", type="milestone", weight=1e-6),
                ],
            ),
        ],
        checkins=[CheckIn(key_result="K2", date=D(2026, 2, 1), value=0.0)],
    )
    s = score(okrs, day)
    krs = s.key_results.set_index("id")
    assert krs.loc["K1", "score"] == 0.5
    assert krs.loc["K2", "score"] == 0.5
    forecast = krs["forecast"].dropna()
    assert ((forecast >= 0) & (forecast <= 1)).all()
    # the milestones not done are due at the cycle's end: judged there, the weights at their
    # limits still give the plain mean
    at_end = score(okrs, D(2026, 3, 31))
    assert at_end.objectives.set_index("id")["score"].tolist() == [0.5, 0.5, 0.5]


def test_scoring_frames_refuses_the_numbers_the_model_refuses() -> None:
    okrs = one_kr_set(metric(), CheckIn(key_result="K1", date=D(2026, 2, 1), value=5.0))
    model_error = expect_refused(lambda: metric(start=-1e308))
    frames = to_frames(okrs)
    frames.key_results.loc[0, "start"] = -1e308
    error = expect_refused(lambda: score(frames))
    assert (error.problem, error.fix) == (model_error.problem, model_error.fix)
    assert (error.source, error.row, error.field) == ("frames.key_results", 0, "start")  # df.loc[0]

    frames = to_frames(okrs)
    frames.checkins.loc[0, "value"] = np.inf
    error = expect_refused(lambda: score(frames))
    assert (error.source, error.row, error.field) == ("frames.checkins", 0, "value")
    assert "not a finite number" in error.problem

    frames = to_frames(okrs)
    frames.key_results.loc[0, "weight"] = 1e308
    error = expect_refused(lambda: score(frames))
    assert (error.field, error.row) == ("weight", 0) and WEIGHTS in error.problem


def test_the_column_path_of_frames_refuses_a_huge_value_with_the_model_message() -> None:
    checkins = [CheckIn(key_result="K1", date=D(2026, 2, d), value=float(d)) for d in (1, 2, 3)]
    frames = to_frames(one_kr_set(metric(), *checkins))
    frames.checkins.loc[2, "value"] = 1e16
    error = expect_refused(lambda: from_frames(frames))
    model_error = expect_refused(lambda: CheckIn(key_result="K1", date=D(2026, 2, 3), value=1e16))
    assert (error.problem, error.fix) == (model_error.problem, model_error.fix)
    assert (error.source, error.row, error.field) == ("frames.checkins", 2, "value")  # df.loc[2]


FORMATS = ["yaml", "csv", "xlsx"]


def _written(fmt: str, folder: Path, okrs: OkrSet) -> Path:
    if fmt == "yaml":
        return save_yaml(okrs, folder / "okrs.yaml")
    if fmt == "csv":
        return write_csv(okrs, folder / "okrs")
    return write_xlsx(okrs, folder / "okrs.xlsx")


def _edit_checkin(path: Path, old: object, new: object) -> None:
    """Replace a check-in's value or date ``old`` by ``new`` in a written file or folder."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        for row in book["checkins"].iter_rows(min_row=2):
            for cell in row:
                if cell.value == old or (
                    isinstance(cell.value, dt.datetime) and cell.value.date() == old
                ):
                    cell.value = new
        book.save(path)
        return
    file = path / "checkins.csv" if path.is_dir() else path
    text = file.read_text("utf-8-sig")
    assert text.count(str(old)) == 1
    file.write_text(text.replace(str(old), str(new)), "utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        (123456.5, 1e16, "value", f"outside {RANGE}"),
        (D(2026, 2, 1), "9999-12-31", "date", f"okrkit handles the years {YEARS}"),
    ],
)
def test_every_file_format_refuses_a_huge_value_and_a_far_date(
    fmt: str, old: object, new: object, field: str, says: str, tmp_path: Path
) -> None:
    okrs = one_kr_set(metric(), CheckIn(key_result="K1", date=D(2026, 2, 1), value=123456.5))
    path = _written(fmt, tmp_path, okrs)
    _edit_checkin(path, old, new)
    error = expect_refused(lambda: load_yaml(path) if fmt == "yaml" else read_tables(path))
    assert says in str(error)
    assert error.field == field
    assert error.line is not None or error.row == 2


def test_the_store_the_command_line_and_the_drafter_refuse_a_huge_value(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(db) as store:
        before = len(store.checkins("MKT-1-KR1"))
        code, out, err = run_cli(
            capsys, "--db", db, "checkin", "add", "MKT-1-KR1", "--value", "1e308"
        )
        assert code != 0 and out == ""
        assert err.startswith("okrkit: error: ") and f"outside {RANGE}" in err
        assert len(store.checkins("MKT-1-KR1")) == before

        view = kr_drafter(store, cycle="2026-Q1", objective="MKT-1")
        view.type_pick.value = "metric"
        view.title.value = "Grow sign-ups from 0 to a lot"
        view.fields["start"].value = "0"
        view.fields["target"].value = "1e16"
        versions = store.versions("2026-Q1")
        view.save_button.click()
        assert "Could not save:" in view.status.value
        assert RANGE in view.status.value
        assert store.versions("2026-Q1") == versions


# --- years --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cycle",
    [
        "9999-Q4",
        "9999",
        "2201-Q1",
        "1899-Q4",
        "0000-Q1",
        {"id": "old", "start": "1899-12-01", "end": "1900-01-31"},
        {"id": "far", "start": "2200-12-01", "end": "2201-01-31"},
    ],
)
def test_a_cycle_outside_the_years_is_refused(cycle: object) -> None:
    error = expect_refused(lambda: Cycle.parse(cycle))
    assert YEARS in str(error)
    assert error.field is not None and error.field.startswith("cycle")


def test_a_cycle_built_outside_the_years_is_refused() -> None:
    assert YEARS in str(
        expect_refused(lambda: Cycle(id="x", start=D(2201, 1, 1), end=D(2201, 3, 1)))
    )
    assert YEARS in str(
        expect_refused(lambda: Cycle(id="x", start=D(1899, 12, 1), end=D(1900, 1, 1)))
    )
    assert YEARS in str(expect_refused(lambda: Cycle.quarter(9999, 4)))


def test_the_first_and_last_cycles_are_accepted() -> None:
    assert Cycle.parse(f"{MIN_YEAR}-Q1").start == FIRST_DAY
    assert Cycle.parse(f"{MAX_YEAR}-Q4").end == LAST_DAY
    assert Cycle.parse(str(MAX_YEAR)).end == LAST_DAY
    assert Cycle.parse(f"{MAX_YEAR}-Q3").next() == Cycle.parse(f"{MAX_YEAR}-Q4")
    assert Cycle.parse(str(MAX_YEAR - 1)).next() == Cycle.parse(str(MAX_YEAR))


@pytest.mark.parametrize(
    "cycle",
    [
        Cycle.parse("2200-Q4"),
        Cycle.parse("2200"),
        Cycle(id="last", start=D(2200, 12, 1), end=D(2200, 12, 31)),
        Cycle(id="late", start=D(2200, 10, 1), end=D(2200, 12, 15)),  # the next ends in 2201
    ],
)
def test_no_cycle_follows_the_last_one(cycle: Cycle) -> None:
    error = expect_refused(cycle.next)
    assert f"no cycle follows {cycle.id}" in error.problem
    assert YEARS in str(error)


@pytest.mark.parametrize(
    "day", ["9999-12-31", D(1899, 12, 31), dt.datetime(2300, 1, 1, 12), D(2201, 1, 1)]
)
def test_a_date_outside_the_years_is_refused(day: object) -> None:
    assert YEARS in str(expect_refused(lambda: parse_date(day, field="as_of")))
    error = expect_refused(lambda: CheckIn(key_result="K1", date=day, value=1.0))  # type: ignore[arg-type]
    assert error.field == "date" and YEARS in str(error)


def test_the_column_path_leaves_a_far_date_to_the_row_check() -> None:
    columns: dict[str, list[Any]] = {
        "key_result": ["K1", "K1"],
        "date": [D(2026, 2, 1), D(2300, 1, 1)],
        "value": [1.0, 2.0],
    }
    assert checkins_from_columns(columns) is None
    frames = to_frames(
        one_kr_set(
            metric(),
            CheckIn(key_result="K1", date=D(2026, 2, 1), value=1.0),
            CheckIn(key_result="K1", date=D(2026, 2, 2), value=2.0),
        )
    )
    frames.checkins.loc[1, "date"] = pd.Timestamp("2300-01-01")
    error = expect_refused(lambda: from_frames(frames))
    assert (error.row, error.field) == (1, "date")  # df.loc[1]


@pytest.mark.parametrize(("cycle", "day"), [("1900-Q1", FIRST_DAY), ("2200-Q4", LAST_DAY)])
def test_the_first_and_last_days_survive_every_conversion(
    cycle: str, day: dt.date, tmp_path: Path
) -> None:
    okrs = one_kr_set(metric(), CheckIn(key_result="K1", date=day, value=50.0), cycle=cycle)
    frames = to_frames(okrs)
    # pandas 2 turns dates into nanoseconds: every day in range must fit
    assert frames.checkins["date"].astype("datetime64[ns]").dt.date.tolist() == [day]
    assert from_frames(frames) == okrs
    assert score(okrs, day).key_results["score"].tolist() == [0.5]
    assert load_yaml(dump_yaml(okrs)) == okrs
    assert read_tables(write_csv(okrs, tmp_path / "csv")) == okrs
    assert read_tables(write_xlsx(okrs, tmp_path / "book.xlsx")) == okrs


def test_carry_over_from_the_last_cycle_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.import_set(one_kr_set(metric(current=10), cycle="2200-Q4"))
    code, out, err = run_cli(capsys, "--db", db, "carry-over", "--from", "2200-Q4")
    assert code != 0 and out == ""
    assert "no cycle follows 2200-Q4" in err and YEARS in err
    with Store(db) as store:
        assert [c.id for c in store.cycles()] == ["2200-Q4"]


# --- id characters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ident", "char"),
    [
        ("О1", "\u041e"),  # Cyrillic O: looks like O1
        ("Κ1", "\u039a"),  # Greek Kappa: looks like K1
        ("KR-Օ", "\u0555"),  # Armenian Oh
        ("OKР1", "\u0420"),  # a Cyrillic Er among Latin letters
        ("Ｏ1", "\uff2f"),  # fullwidth
        ("𝐎1", "\U0001d40e"),  # mathematical bold
        ("O\u00a01", "\u00a0"),  # no-break space
        ("MKT\u20101", "\u2010"),  # hyphen, not hyphen-minus
        ("MKT\u22121", "\u2212"),  # minus sign
        ("K\u0661", "\u0661"),  # Arabic-Indic digit one
        ("Ꭺ1", "\u13aa"),  # Cherokee, not a script ids use
        ("\u02bcK1", "\u02bc"),  # modifier letter apostrophe
        ("ไทย-ລາວ", "\u0ea5"),  # Lao after Thai: two scripts besides Latin
        ("K\ufe0f1", "\ufe0f"),  # variation selector
        ("K\u3164", "\u3164"),  # Hangul filler, shown as a blank
    ],
)
def test_a_look_alike_id_is_refused_naming_the_character(ident: str, char: str) -> None:
    error = expect_refused(lambda: Objective(id=ident, title="t"))
    code = f"U+{ord(char):04X} ({unicodedata.name(char).lower()})"
    assert code in error.problem
    assert error.field == "id"
    assert error.fix


@pytest.mark.parametrize(
    "ident",
    [
        "MÅL-1",
        "Straße-2",
        "Café",
        "KR 1.2 (draft)",
        "目标-1",
        "OKR-目標-カ",
        "목표-1",
        "שלום-1-2027-Q1",  # a Hebrew id carried over into 2027-Q1
        "लक्ष्य-1",  # Devanagari with its vowel signs
    ],
)
def test_an_id_of_one_script_besides_latin_is_kept(ident: str) -> None:
    assert Objective(id=ident, title="t").id == ident


def test_an_accent_typed_apart_makes_the_same_id() -> None:
    assert Objective(id="Cafe\u0301", title="t").id == "Café"
    error = expect_refused(
        lambda: OkrSet(
            cycle="2026-Q1",
            objectives=[Objective(id="Café", title="a"), Objective(id="Cafe\u0301", title="b")],
        )
    )
    assert "duplicate id 'Café'" in error.problem


@pytest.mark.parametrize(("latin", "look_alike"), [("O1", "О1"), ("K1", "Κ1")])
def test_look_alike_ids_cannot_sit_side_by_side(latin: str, look_alike: str) -> None:
    expect_refused(
        lambda: OkrSet(
            cycle="2026-Q1",
            objectives=[
                Objective(id="O9", title="a", key_results=[metric(id=latin)]),
                Objective(id="O8", title="b", key_results=[metric(id=look_alike)]),
            ],
        )
    )


ID_FIELDS: list[tuple[str, Callable[[str], object]]] = [
    ("id", lambda i: Objective(id=i, title="t")),
    ("aligns_to", lambda i: Objective(id="O1", title="t", aligns_to=["CO-1", i])),
    ("carried_from", lambda i: Objective(id="O1", title="t", carried_from=i)),
    ("id", lambda i: metric(id=i)),
    ("carried_from", lambda i: metric(carried_from=i)),
    ("id", lambda i: KPI(id=i, name="n")),
    ("measures", lambda i: KPI(id="P1", name="n", measures=[i])),
    ("id", lambda i: Initiative(id=i, title="t")),
    ("supports", lambda i: Initiative(id="I1", title="t", supports=[i])),
    ("key_result", lambda i: CheckIn(key_result=i, date=D(2026, 2, 1), value=1.0)),
]


@pytest.mark.parametrize(("field", "build"), ID_FIELDS, ids=[f for f, _ in ID_FIELDS])
@pytest.mark.parametrize("ident", ["A,1", "A;1", " A , 1 ", "О1"])
def test_every_id_field_refuses_separators_and_look_alikes(
    field: str, build: Callable[[str], object], ident: str
) -> None:
    CheckIn(key_result="A1", date=D(2026, 2, 1), value=1.0)  # a good id is remembered first
    error = expect_refused(lambda: build(ident))
    assert error.field == field
    if "О" not in ident:
        assert "which separates ids in lists" in error.problem
        assert "rename it, for instance to 'A-1'" in (error.fix or "")


def test_the_column_path_leaves_an_id_with_a_comma_to_the_row_check() -> None:
    columns: dict[str, list[Any]] = {
        "key_result": ["K1", "K,1"],
        "date": [D(2026, 2, 1)] * 2,
        "value": [1.0, 2.0],
    }
    assert checkins_from_columns(columns) is None
    columns["key_result"] = ["K1", "K1"]
    assert checkins_from_columns(columns) is not None


def test_a_workbook_and_frames_refuse_an_id_with_a_comma(tmp_path: Path) -> None:
    okrs = one_kr_set(metric())
    path = write_xlsx(okrs, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    book["objectives"]["A2"] = "O,1"
    book["key_results"]["B2"] = "O,1"
    book.save(path)
    error = expect_refused(lambda: read_tables(path))
    assert (error.row, error.field) == (2, "id") and "'O,1'" in error.problem

    frames = to_frames(okrs)
    frames.key_results.loc[0, "id"] = "K;1"
    error = expect_refused(lambda: from_frames(frames))
    assert (error.source, error.row, error.field) == ("frames.key_results", 0, "id")  # df.loc[0]


def test_the_store_api_and_the_board_refuse_an_id_with_a_comma(db: Path) -> None:
    with Store(db) as store:
        versions = store.versions("2026-Q1")
        version = versions["MKT-3"]
        with pytest.raises(ValidationError, match="separates ids in lists"):
            store.realign("MKT-3", version, ["MKT-1", "CO-1,CO-2"])
        with pytest.raises(ValidationError, match="separates ids in lists"):
            store.add_key_result("MKT-3", metric(id="MKT-3,KR9"))
        board = Board(store, "2026-Q1")
        idea = board.add_idea("Run a podcast")
        for bad in ("IDEA,1", "ІDEA-1"):  # a comma; a Ukrainian I
            with pytest.raises(ValidationError):
                board.promote(idea, objective_id=bad)
        assert store.versions("2026-Q1") == versions


def test_a_store_holding_an_id_with_a_comma_names_it_on_load_and_export(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As an older okrkit could have stored it.
    run_sql(
        f"sqlite:///{db}",
        "UPDATE kpis SET id = 'P,1' WHERE id = 'MKT-KPI-1'",
        "UPDATE kpi_measures SET kpi = 'P,1' WHERE kpi = 'MKT-KPI-1'",
    )
    with Store(db) as store:
        error = expect_refused(lambda: store.load("2026-Q1"))
    assert "the id 'P,1' holds the character U+002C (comma)" in error.problem
    assert error.field == "id" and "rename it" in (error.fix or "")
    for fmt, out in (("xlsx", "okrs.xlsx"), ("csv", "okrs"), ("yaml", "okrs.yaml")):
        code, stdout, err = run_cli(
            capsys, "--db", db, "export", "--cycle", "2026-Q1", "-f", fmt, "-o", tmp_path / out
        )
        assert code != 0 and stdout == ""
        assert err.startswith("okrkit: error: ") and "'P,1'" in err and "rename it" in err
        assert not (tmp_path / out).exists()


# Ids from every character the model takes in ASCII, with letters of Latin and one other script.
ID_TEXT = st.text(
    alphabet=st.sampled_from(
        [chr(c) for c in range(0x20, 0x7F) if chr(c) not in ",;"] + list("åÉß目标")
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=ID_TEXT, b=ID_TEXT, k=ID_TEXT)
def test_every_set_the_model_takes_can_be_exported_and_read_back(
    a: str, b: str, k: str, tmp_path: Path
) -> None:
    try:
        okrs = OkrSet(
            cycle="2026-Q1",
            objectives=[
                Objective(id=a, title="Parent", key_results=[metric(id=k)]),
                Objective(id=b, title="Child", aligns_to=[a]),
            ],
            kpis=[KPI(id=f"KPI {a}", name="Watch", measures=[k])],
            initiatives=[Initiative(id=f"INI {b}", title="Work", supports=[k])],
        )
    except ValidationError:
        assume(False)
        return
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    assert load_yaml(dump_yaml(okrs)) == okrs
    assert read_tables(write_csv(okrs, folder / "csv")) == okrs
    assert read_tables(write_xlsx(okrs, folder / "book.xlsx")) == okrs


def test_a_stored_cycle_out_of_range_is_named(tmp_path: Path) -> None:
    from testdata import run_sql

    from okrkit import Store, StoreError

    db = tmp_path / "old.db"
    with Store(db) as store:
        store.import_set(OkrSet(cycle="2026-Q1", objectives=[]))
    run_sql(f"sqlite:///{db}", "INSERT INTO cycles VALUES ('9999-Q4', '9999-10-01', '9999-12-31')")
    with Store(db) as store, pytest.raises(StoreError, match="holds cycle 9999-Q4") as info:
        store.cycles()
    assert "2200" in str(info.value)

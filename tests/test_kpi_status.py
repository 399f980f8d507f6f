"""A KPI's time-aware status: baseline, the period its time frame names, the pace through it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from testdata import run_cli as run

from okrkit import (
    KPI,
    CheckIn,
    KeyResult,
    Objective,
    OkrSet,
    ScoringConfig,
    Store,
    load_yaml,
    score,
    to_frames,
)
from okrkit.export import to_bi_json
from okrkit.kpis import kpi_period, kpi_progress, kpi_status

Q1 = "2026-Q1"  # 90 days; 2026-02-14 is day 45, half of it
MID = dt.date(2026, 2, 14)


def frame(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base: dict[str, list[object]] = {
        "baseline": [10.0] * n,
        "target": [20.0] * n,
        "current": [15.0] * n,
        "timeframe": [Q1] * n,
        "direction": ["up"] * n,
    }
    return pd.DataFrame({**base, **columns})


# --- the period a time frame names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("timeframe", "cycle", "as_of", "period"),
    [
        ("2026-Q4", None, None, ("2026-Q4", "2026-10-01", "2026-12-31")),
        ("Q4 2026", None, None, ("2026-Q4", "2026-10-01", "2026-12-31")),
        ("by end of 2026-Q1", None, None, ("2026-Q1", "2026-01-01", "2026-03-31")),
        ("2026-H1", None, None, ("2026-H1", "2026-01-01", "2026-06-30")),
        ("H2 2026", None, None, ("2026-H2", "2026-07-01", "2026-12-31")),
        ("2026", None, None, ("2026", "2026-01-01", "2026-12-31")),
        ("FY 2026", None, None, ("2026", "2026-01-01", "2026-12-31")),
        ("2026-Q1 – 2026-Q2", None, None, ("2026-H1", "2026-01-01", "2026-06-30")),
        ("2026-02-01..2026-04-30", None, None, (None, "2026-02-01", "2026-04-30")),
        ("quarter", "2026-Q3", None, ("2026-Q3", "2026-07-01", "2026-09-30")),
        ("Kvartal", "2026-Q3", None, ("2026-Q3", "2026-07-01", "2026-09-30")),
        ("this quarter", "2026", "2026-05-10", ("2026-Q2", "2026-04-01", "2026-06-30")),
        ("the cycle", "2026-Q3", None, ("2026-Q3", "2026-07-01", "2026-09-30")),
        ("Q2", "2026", None, ("2026-Q2", "2026-04-01", "2026-06-30")),
        ("month", Q1, "2026-02-14", ("2026-02", "2026-02-01", "2026-02-28")),
        ("månad", Q1, "2027-05-01", ("2026-03", "2026-03-01", "2026-03-31")),  # into the cycle
        ("året", Q1, None, ("2026", "2026-01-01", "2026-12-31")),
    ],
)
def test_a_time_frame_names_a_period(
    timeframe: str, cycle: str | None, as_of: str | None, period: tuple[str | None, str, str]
) -> None:
    found = kpi_period(timeframe, cycle, dt.date.fromisoformat(as_of) if as_of else None)
    assert found is not None
    ident, start, end = period
    assert (found.start.isoformat(), found.end.isoformat()) == (start, end)
    if ident is not None:
        assert found.id == ident


@pytest.mark.parametrize(
    "timeframe",
    ["", "   ", None, "ongoing", "Löpande", "per project", "2024..2027", "2026-02-30..2026-03-01",
     "2025-01-01..2026-06-30", float("nan"), True],
)  # fmt: skip
def test_some_time_frames_name_no_period(timeframe: object) -> None:
    assert kpi_period(timeframe, Q1) is None


# --- the pace rule ---------------------------------------------------------------------------


def test_half_way_through_half_the_way_is_expected() -> None:
    kpis = frame(current=[15.0, 13.0, 12.0, 20.0, 9.0, None])
    got = kpi_progress(kpis, as_of=MID)
    assert got["period"].tolist() == [Q1] * 6
    assert got["elapsed"].tolist() == [0.5] * 6
    assert got["expected"].tolist() == [15.0] * 6
    assert got["rule"].tolist() == ["pace"] * 6
    # 15: on the line; 13.0 = 60 % of the way expected; 12.0 below that; the target; below
    # the baseline; no current value: no status
    assert got["status"].tolist() == [
        "on track",
        "at risk",
        "off track",
        "on track",
        "off track",
        None,
    ]


def test_a_falling_kpi_paces_from_its_baseline_down() -> None:
    kpis = frame(baseline=[8.0, 8.0], target=[5.0, 5.0], current=[6.5, 7.5], direction=["down"] * 2)
    got = kpi_progress(kpis, as_of=MID)
    assert got["expected"].tolist() == [6.5, 6.5]
    assert got["status"].tolist() == ["on track", "off track"]


def test_the_status_follows_the_scoring_limits() -> None:
    kpis = frame(current=[13.0])  # 0.3 of the way, 0.5 expected: 60 %
    assert kpi_status(kpis, as_of=MID).tolist() == ["at risk"]
    assert kpi_status(kpis, as_of=MID, config=ScoringConfig(on_track=0.6)).tolist() == ["on track"]
    assert kpi_status(kpis, as_of=MID, config=ScoringConfig(at_risk=0.7)).tolist() == ["off track"]


@pytest.mark.parametrize("current", [0.0, 2.0, 25.0, 30.0, 38.0, 45.0, 50.0, 70.0, 100.0, 120.0])
@pytest.mark.parametrize("day", ["2026-01-01", "2026-02-14", "2026-03-20", "2026-03-31"])
def test_a_kpi_is_judged_as_the_same_key_result_would_be(current: float, day: str) -> None:
    as_of = dt.date.fromisoformat(day)
    kpi = KPI(id="P1", name="Visitors", baseline=0, target=100, current=current, timeframe=Q1)
    kr = KeyResult(id="K1", title="Visitors 0 to 100", start=0, target=100)
    okrs = OkrSet(
        cycle=Q1,
        objectives=[Objective(id="O1", title="Grow", key_results=[kr])],
        checkins=[CheckIn(key_result="K1", date=as_of, value=current)],
        kpis=[kpi],
    )
    frames = to_frames(okrs)
    by_kr = score(frames, as_of).key_results["status"].tolist()
    assert kpi_status(frames.kpis, cycle=frames.cycle, as_of=as_of).tolist() == by_kr


def test_before_the_period_the_baseline_is_expected_and_after_it_the_target() -> None:
    kpis = frame(current=[10.0, 19.5, 17.0])
    before = kpi_progress(kpis, as_of=dt.date(2025, 12, 1))
    assert before["elapsed"].tolist() == [0.0] * 3 and before["expected"].tolist() == [10.0] * 3
    assert before["status"].tolist() == ["on track"] * 3
    after = kpi_progress(kpis, as_of=dt.date(2026, 6, 1))
    assert after["expected"].tolist() == [20.0] * 3
    assert after["status"].tolist() == ["off track", "on track", "at risk"]


def test_the_default_as_of_is_the_cycles_as_in_scoring() -> None:
    kpis = frame(timeframe=["quarter"], current=[19.5])
    # a past cycle: its last day, so the whole quarter has passed
    got = kpi_progress(kpis, cycle="2025-Q4")
    assert (got["period"][0], got["elapsed"][0], got["status"][0]) == ("2025-Q4", 1.0, "on track")


def test_the_index_is_kept() -> None:
    kpis = frame(current=[15.0, 10.0]).set_axis(["a", "b"])
    assert kpi_status(kpis, as_of=MID).to_dict() == {"a": "on track", "b": "off track"}
    assert kpi_status(kpis.iloc[:0], as_of=MID).tolist() == []


# --- when the level rule applies -------------------------------------------------------------


def test_without_a_baseline_or_a_period_the_target_is_a_level() -> None:
    kpis = frame(
        baseline=[None, 10.0, 10.0, 20.0, 10.0],
        timeframe=[Q1, "ongoing", "", Q1, None],
        current=[19.0, 19.0, 19.0, 19.0, 15.0],
    )
    got = kpi_progress(kpis, as_of=MID)
    assert got["rule"].tolist() == ["level"] * 5
    assert got["period"].tolist() == [Q1, None, None, Q1, None]
    assert got["expected"].tolist() == [20.0] * 5  # the target itself
    # 19 of 20 is within 10 %: at risk, whatever the day; 15 is further away
    assert got["status"].tolist() == ["at risk"] * 4 + ["off track"]


def test_a_frame_without_baseline_or_timeframe_columns_is_judged_as_levels() -> None:
    kpis = pd.DataFrame({"target": [20.0], "current": [19.0], "direction": ["up"]})
    assert kpi_progress(kpis)["rule"].tolist() == ["level"]
    assert kpi_status(kpis).tolist() == ["at risk"]


def test_no_warning_for_missing_numbers() -> None:
    kpis = frame(baseline=[np.nan], target=[np.nan], current=[np.nan], timeframe=[None])
    assert kpi_status(kpis, as_of=MID).tolist() == [None]


# --- through the store and the CLI -----------------------------------------------------------

SET = """\
cycle: 2026-Q1
kpis:
- id: KPI-NPS
  name: Net promoter score
  baseline: 30
  target: 42
  current: 37
  timeframe: 2026-Q1
  data_source: Survey tool
  frequency: Månadsvis
- id: KPI-UP
  name: Uptime
  target: 99.9
  current: 99.95
  timeframe: Löpande
  data_source: Status page
  frequency: ongoing
"""


def test_the_store_keeps_what_the_status_needs(tmp_path: Path) -> None:
    with Store(tmp_path / "okrkit.db") as store:
        store.import_set(load_yaml(SET))
        frames = store.frames(Q1)
    got = kpi_progress(frames.kpis, cycle=frames.cycle, as_of=MID).set_index(frames.kpis["id"])
    assert frames.kpis["frequency"].tolist() == ["monthly", "ongoing"]
    assert got.loc["KPI-NPS", "expected"] == 36.0
    assert got.loc["KPI-NPS", "status"] == "on track"  # 37 against 36 expected by now
    assert got.loc["KPI-UP", "status"] == "on track"  # a level held


def test_the_bi_export_tells_the_status_at_its_as_of() -> None:
    okrs = load_yaml(SET)
    early = to_bi_json(okrs, as_of=MID)["kpis"][0]
    late = to_bi_json(okrs, as_of=dt.date(2026, 3, 31))["kpis"][0]
    assert (early["kpi_status"], late["kpi_status"]) == ("on track", "off track")
    assert early["baseline"] == 30.0


def test_cli_report_shows_the_time_aware_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(SET, encoding="utf-8")
    db = tmp_path / "okrkit.db"
    assert run(capsys, "--db", db, "import", path)[0] == 0
    for day, status in (("2026-02-14", "on track"), ("2026-03-31", "off track")):
        out = tmp_path / f"report-{day}.md"
        code, _, err = run(capsys, "report", db, "--as-of", day, "-o", out)
        assert code == 0, err
        row = next(line for line in out.read_text().splitlines() if "KPI-NPS" in line)
        assert status in row


def test_cli_check_accepts_the_words_people_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(SET.replace("Månadsvis", "Per projekt"), encoding="utf-8")
    code, out, _ = run(capsys, "check", path, "--format", "json")
    found = json.loads(out)["findings"]
    assert not [f for f in found if f["code"] == "OKR401"]
    assert code == 0

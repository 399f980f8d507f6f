"""Each rule of the scoring module docstring, checked against a hand computation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrkit import CheckIn, Cycle, KeyResult, Objective, OkrSet, Scores, ScoringConfig, score
from okrkit.frames import to_frames
from okrkit.scoring import band, expected_pace

D = dt.date
MID_Q1 = D(2026, 2, 14)  # day 45 of the 90 days of 2026-Q1: elapsed share exactly 0.5


def one(
    kr: KeyResult,
    checkins: list[CheckIn] | None = None,
    *,
    as_of: dt.date = MID_Q1,
    kind: str = "committed",
    config: ScoringConfig | None = None,
) -> pd.Series:
    """Score a set with a single key result and return its row."""
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[Objective(id="O", title="T", kind=kind, key_results=[kr])],
        checkins=checkins or [],
    )
    return score(okrs, as_of, config=config).key_results.iloc[0]


def metric(start: float = 0, target: float = 100, **kw: Any) -> KeyResult:
    return KeyResult(id="K", title="m", start=start, target=target, **kw)


def ci(date: str, **kw: Any) -> CheckIn:
    return CheckIn(key_result="K", date=date, **kw)


def grade(g: float | None, **kw: Any) -> KeyResult:
    return KeyResult(id="K", title="q", type="qualitative", grade=g, **kw)


# --- the small set, end to end ------------------------------------------------------------------


def test_small_set_by_hand(small_set: OkrSet) -> None:
    s = score(small_set, MID_Q1)
    krs = s.key_results.set_index("id")
    # K1 0 -> 100, latest check-in 40; K2 8 -> 5, check-in 7; K3 done; K4 graded 0.6;
    # K5 below 50 with check-ins 40 (held) and 60 (not held).
    expected = {"K1": 0.4, "K2": 1 / 3, "K3": 1.0, "K4": 0.6, "K5": 0.5}
    assert krs["score"].to_dict() == pytest.approx(expected)
    assert krs["value"].to_dict() == pytest.approx(
        {"K1": 40, "K2": 7, "K3": 1.0, "K4": 0.6, "K5": 60}
    )
    assert krs["band"].to_dict() == {
        "K1": "yellow",
        "K2": "red",
        "K3": "green",
        "K4": "yellow",
        "K5": "yellow",
    }
    # Committed at half time: on track from 0.45, at risk from 0.30; guardrails against 1.0.
    assert krs["status"].to_dict() == {
        "K1": "at risk",
        "K2": "at risk",
        "K3": "on track",
        "K4": "on track",
        "K5": "off track",
    }
    assert krs["checkins"].to_dict() == {"K1": 2, "K2": 1, "K3": 1, "K4": 1, "K5": 2}
    assert krs.loc["K1", "confidence"] == 7
    assert krs.loc["K1", "last_checkin"] == pd.Timestamp("2026-02-14")
    o = s.objectives.iloc[0]
    # Weights 2, 1, 1, 1, 1.
    assert o["score"] == pytest.approx((2 * 0.4 + 1 / 3 + 1.0 + 0.6 + 0.5) / 6)
    assert (o["band"], o["status"], o["expectation"]) == ("yellow", "on track", "missed")
    assert o["key_results"] == 5
    assert (s.as_of, s.cycle) == (MID_Q1, small_set.cycle)


def test_score_takes_frames(small_set: OkrSet) -> None:
    a = score(small_set, MID_Q1)
    b = score(to_frames(small_set), MID_Q1)
    pd.testing.assert_frame_equal(a.key_results, b.key_results)
    pd.testing.assert_frame_equal(a.objectives, b.objectives)


def test_default_as_of_is_the_end_of_a_past_cycle() -> None:
    okrs = OkrSet(
        cycle="2020-Q1",
        objectives=[Objective(id="O", title="T", key_results=[metric(current=50)])],
    )
    s = score(okrs)
    assert s.as_of == D(2020, 3, 31)
    assert s.key_results["status"].iloc[0] == "off track"  # 0.5 at full time, committed


# --- metric -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target", "value", "expected"),
    [
        (10, 30, 15, 0.25),
        (10, 30, 10, 0.0),
        (10, 30, 30, 1.0),
        (8, 5, 6.5, 0.5),  # decreasing: churn from 8 % to 5 %
        (8, 5, 5, 1.0),
        (0.42, 0.30, 0.36, 0.5),
        (-10, 10, 0, 0.5),
        # clipped to [0, 1] on both sides
        (10, 30, 45, 1.0),
        (10, 30, 5, 0.0),
        (8, 5, 2, 1.0),
        (8, 5, 9, 0.0),
    ],
)
def test_metric_score(start: float, target: float, value: float, expected: float) -> None:
    row = one(metric(start, target), [ci("2026-02-01", value=value)])
    assert row["score"] == pytest.approx(expected)
    assert row["value"] == value
    row = one(metric(start, target, current=value))
    assert row["score"] == pytest.approx(expected)


def test_metric_at_its_start_scores_plain_zero() -> None:
    row = one(metric(8, 5, current=8))
    assert row["score"] == 0.0
    assert not math.copysign(1.0, row["score"]) < 0  # not -0.0, which JSON would show


def test_metric_with_a_tiny_span_scores_quietly() -> None:
    # (1 - 0) / 1e-310 overflows to inf; it must clip to 1.0 without a RuntimeWarning.
    row = one(metric(0, 1e-310, current=1), [ci("2026-02-01", value=1)])
    assert (row["score"], row["forecast"]) == (1.0, 1.0)


def test_metric_uses_latest_checkin_on_or_before_as_of() -> None:
    checkins = [
        ci("2026-02-01", value=20),
        ci("2026-02-14", value=30),  # on the as-of date: counts
        ci("2026-02-15", value=90),  # after: ignored
    ]
    row = one(metric(current=70), checkins)
    assert row["score"] == pytest.approx(0.3)
    assert row["checkins"] == 2
    assert row["last_checkin"] == pd.Timestamp("2026-02-14")


def test_latest_is_by_date_not_by_list_order() -> None:
    row = one(metric(), [ci("2026-02-12", value=60), ci("2026-02-01", value=10)])
    assert row["score"] == pytest.approx(0.6)


@pytest.mark.parametrize(("first", "second"), [(50, 20), (20, 50)])
def test_same_date_the_later_checkin_in_the_list_wins(first: float, second: float) -> None:
    checkins = [ci("2026-02-01", value=5), ci("2026-02-10", value=first)]
    checkins.append(ci("2026-02-10", value=second))
    row = one(metric(), checkins)
    assert row["score"] == pytest.approx(second / 100)


def test_metric_falls_back_to_current_else_has_no_data() -> None:
    assert one(metric(current=25))["score"] == pytest.approx(0.25)
    assert one(metric(current=25), [ci("2026-03-01", value=90)])["score"] == pytest.approx(0.25)
    row = one(metric(start=10, target=20))  # nothing measured: no score, not "0.00 red"
    assert math.isnan(row["score"]) and math.isnan(row["value"])
    assert (row["band"], row["status"], row["pending"]) == (None, "no data", "no data")
    row = one(metric(start=10, target=20), [ci("2026-03-01", value=15)])  # only after as_of
    assert (row["status"], row["pending"]) == ("no data", "no data")


# --- milestone, qualitative ---------------------------------------------------------------------


def test_milestone() -> None:
    ms = KeyResult(id="K", title="Launch", type="milestone")
    end = D(2026, 3, 31)  # due by default on the cycle's last day
    assert one(ms, as_of=end)["score"] == 0.0
    assert math.isnan(one(ms)["score"])  # not yet due (rules in test_scoring_shapes.py)
    assert one(dataclasses.replace(ms, done=True))["score"] == 1.0
    assert one(ms, [ci("2026-02-01", done=True)])["score"] == 1.0
    assert one(ms, [ci("2026-03-01", done=True)])["pending"] == "not yet due"  # after as_of
    done_then_undone = [ci("2026-02-01", done=True), ci("2026-02-10", done=False)]
    assert one(ms, done_then_undone, as_of=end)["score"] == 0.0


def test_qualitative() -> None:
    ungraded = one(grade(None))
    assert math.isnan(ungraded["score"]) and math.isnan(ungraded["value"])
    assert (ungraded["status"], ungraded["pending"]) == ("no data", "no data")
    assert ungraded["band"] is None
    assert one(grade(0.8))["score"] == 0.8
    checkins = [ci("2026-02-01", grade=0.3), ci("2026-02-10", grade=0.5)]
    assert one(grade(None), checkins)["score"] == 0.5
    assert one(grade(0.9), checkins)["score"] == 0.5
    assert one(grade(0.9), [ci("2026-02-20", grade=0.1)])["score"] == 0.9


# --- guardrail ----------------------------------------------------------------------------------


def guard(direction: str, threshold: float = 99, **kw: Any) -> KeyResult:
    return KeyResult(
        id="K", title="g", type="guardrail", threshold=threshold, direction=direction, **kw
    )


@pytest.mark.parametrize(
    ("direction", "values", "expected"),
    [
        ("above", [100, 98, 99], 2 / 3),  # at the threshold holds
        ("above", [99.5, 99.9], 1.0),
        ("above", [98, 97, 96, 100], 0.25),
        ("below", [99, 100], 0.5),
        ("below", [50, 60, 70, 99.5], 0.75),
        ("below", [100, 101], 0.0),
    ],
)
def test_guardrail_share_of_checkins_held(
    direction: str, values: list[float], expected: float
) -> None:
    checkins = [ci(f"2026-02-{i + 1:02d}", value=v) for i, v in enumerate(values)]
    checkins.append(ci("2026-03-01", value=-1e9 if direction == "above" else 1e9))  # later
    row = one(guard(direction), checkins)
    assert row["score"] == pytest.approx(expected)
    assert row["checkins"] == len(values)


@pytest.mark.parametrize(
    ("direction", "current", "expected"),
    [
        ("above", 99.5, 1.0),
        ("above", 99, 1.0),
        ("above", 98, 0.0),
        ("below", 98, 1.0),
        ("below", 100, 0.0),
        ("above", None, math.nan),  # nothing measured yet: no data
        ("below", None, math.nan),
    ],
)
def test_guardrail_without_checkins(direction: str, current: float | None, expected: float) -> None:
    row = one(guard(direction, current=current))
    assert row["score"] == pytest.approx(expected, nan_ok=True)
    assert row["pending"] == (None if current is not None else "no data")


def test_guardrail_status_expects_it_to_hold_all_along() -> None:
    early = D(2026, 1, 5)
    checkins = [ci("2026-01-02", value=100), ci("2026-01-03", value=98)]
    assert one(guard("above"), checkins, as_of=early)["status"] == "off track"  # 0.5 < 0.6
    checkins.append(ci("2026-01-04", value=100))
    assert one(guard("above"), checkins, as_of=early)["status"] == "at risk"  # 2/3
    assert one(guard("above", current=100), as_of=early)["status"] == "on track"


# --- objectives ---------------------------------------------------------------------------------


def test_objective_weighted_mean_and_empty_objective() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="T",
                key_results=[
                    KeyResult(id="A", title="a", start=0, target=10, current=5, weight=3),
                    KeyResult(id="B", title="b", type="qualitative", grade=0.2, weight=0.5),
                    KeyResult(id="C", title="c", type="milestone", done=True, weight=1.5),
                ],
            ),
            Objective(id="O2", title="No key results yet", kind="aspirational"),
            Objective(
                id="O3",
                title="U",
                key_results=[KeyResult(id="D", title="d", type="qualitative", grade=0.9)],
            ),
        ],
    )
    s = score(okrs, MID_Q1)
    o = s.objectives.set_index("id")
    assert o.loc["O1", "score"] == pytest.approx((3 * 0.5 + 0.5 * 0.2 + 1.5 * 1.0) / 5)
    assert o.loc["O3", "score"] == pytest.approx(0.9)  # only its own key results count
    assert o["key_results"].to_dict() == {"O1": 3, "O2": 0, "O3": 1}
    assert o["scored"].to_dict() == {"O1": 3, "O2": 0, "O3": 1}
    assert math.isnan(o.loc["O2", "score"])
    assert pd.isna(o.loc["O2", "band"])
    assert o.loc["O2", "status"] == "no data"
    assert pd.isna(o.loc["O2", "expectation"])
    assert math.isnan(o.loc["O2", "forecast"])


# --- bands --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "red"),
        (0.3, "red"),
        (0.3949, "red"),  # shows as 0.39
        (0.3999999, "yellow"),  # shows as 0.40: never "0.40 red"
        (0.4, "yellow"),
        (0.6, "yellow"),
        (0.6949, "yellow"),  # shows as 0.69
        (0.6999999, "green"),  # shows as 0.70
        (0.7, "green"),
        (1.0, "green"),
    ],
)
def test_band_boundaries(value: float, expected: str) -> None:
    assert band([value]).tolist() == [expected]
    assert one(grade(value))["band"] == expected


def test_band_of_nan_is_none() -> None:
    assert band([math.nan, 0.5]).tolist() == [None, "yellow"]


# --- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        # committed at half time: pace 0.5; on track from 0.45, at risk from 0.30
        ("committed", 0.45, "on track"),
        ("committed", 0.44, "at risk"),
        ("committed", 0.30, "at risk"),
        ("committed", 0.29, "off track"),
        # aspirational: pace 0.5 * 0.7 = 0.35; on track from 0.315, at risk from 0.21
        ("aspirational", 0.32, "on track"),
        ("aspirational", 0.31, "at risk"),
        ("aspirational", 0.22, "at risk"),
        ("aspirational", 0.20, "off track"),
        ("committed", 1.0, "on track"),
        ("committed", 0.0, "off track"),
    ],
)
def test_status_against_the_pace(kind: str, value: float, expected: str) -> None:
    assert one(grade(value), kind=kind)["status"] == expected


@pytest.mark.parametrize(
    ("as_of", "value", "expected"),
    [
        (D(2025, 12, 1), 0.0, "on track"),  # before the cycle nothing is expected yet
        (D(2026, 3, 31), 0.95, "on track"),  # at the end: 0.9 of 1.0
        (D(2026, 3, 31), 0.85, "at risk"),
        (D(2026, 3, 31), 0.55, "off track"),
        (D(2026, 6, 1), 0.55, "off track"),
    ],
)
def test_status_over_time(as_of: dt.date, value: float, expected: str) -> None:
    assert one(grade(value), as_of=as_of)["status"] == expected


@pytest.mark.parametrize(
    ("kr_confidence", "checkins", "value", "expected"),
    [
        (3, [], 0.6, "at risk"),  # would be on track
        (4, [], 0.6, "on track"),
        (1, [], 0.1, "off track"),  # at best at risk, here worse
        (2, [], 1.0, "on track"),  # a score of 1.0 is always on track
        (None, [ci("2026-02-01", grade=0.6, confidence=3)], None, "at risk"),
        (2, [ci("2026-02-01", grade=0.6, confidence=8)], None, "on track"),  # latest counts
        (8, [ci("2026-02-01", grade=0.6, confidence=2)], None, "at risk"),
        (None, [ci("2026-03-01", grade=0.6, confidence=2)], 0.6, "on track"),  # after as_of
    ],
)
def test_low_confidence_is_at_best_at_risk(
    kr_confidence: int | None, checkins: list[CheckIn], value: float | None, expected: str
) -> None:
    row = one(grade(value, confidence=kr_confidence), checkins)
    assert row["status"] == expected


def test_low_confidence_rule_can_be_turned_off() -> None:
    row = one(grade(0.6, confidence=1), config=ScoringConfig(low_confidence=None))
    assert row["status"] == "on track"


def test_objective_status_and_committed_vs_aspirational() -> None:
    def status(kind: str, g: float) -> str:
        okrs = OkrSet(
            cycle="2026-Q1",
            objectives=[Objective(id="O", title="T", kind=kind, key_results=[grade(g)])],
        )
        return str(score(okrs, MID_Q1).objectives["status"].iloc[0])

    assert status("committed", 0.4) == "at risk"
    assert status("aspirational", 0.4) == "on track"
    assert status("committed", 0.2) == "off track"
    assert status("aspirational", 0.2) == "off track"


# --- expectation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("committed", 1.0, "met"),
        ("committed", 0.99, "missed"),
        ("committed", 0.0, "missed"),
        ("aspirational", 1.0, "exceeded"),
        ("aspirational", 0.7, "landed"),
        ("aspirational", 0.6, "landed"),
        ("aspirational", 0.59, "short"),
        ("aspirational", 0.0, "short"),
    ],
)
def test_expectation(kind: str, value: float, expected: str) -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[Objective(id="O", title="T", kind=kind, key_results=[grade(value)])],
    )
    o = score(okrs, D(2026, 3, 31)).objectives.iloc[0]
    assert o["expectation"] == expected
    assert o["expected"] == (0.7 if kind == "aspirational" else 1.0)


# --- forecast -----------------------------------------------------------------------------------


def test_forecast_of_a_straight_line() -> None:
    # Day 30 (t = 1/3): 20 of 100; day 60 (t = 2/3): 40 of 100. Line through the origin: 0.6 t.
    checkins = [ci("2026-01-30", value=20), ci("2026-03-01", value=40)]
    row = one(metric(), checkins, as_of=D(2026, 3, 1))
    assert row["forecast"] == pytest.approx(0.6)


def test_forecast_least_squares_by_hand() -> None:
    # Points (0, 0), (1/3, 0.3), (2/3, 0.4): n = 3, St = 1, Ss = 0.7, Stt = 5/9, Sts = 11/30.
    # slope = (3 * 11/30 - 0.7) / (3 * 5/9 - 1) = 0.6; intercept = (0.7 - 0.6) / 3 = 1/30.
    checkins = [ci("2026-01-30", value=30), ci("2026-03-01", value=40)]
    row = one(metric(), checkins, as_of=D(2026, 3, 31))
    assert row["forecast"] == pytest.approx(0.6 + 1 / 30)


def test_forecast_of_a_decreasing_metric_and_clipping() -> None:
    # 10 -> 0: day 45 (t = 0.5) at 7 scores 0.3; a line through the origin gives 0.6.
    row = one(metric(10, 0), [ci("2026-02-14", value=7)])
    assert row["forecast"] == pytest.approx(0.6)
    # 0.8 at half time runs to 1.6, clipped to 1.0
    assert one(metric(), [ci("2026-02-14", value=80)])["forecast"] == 1.0


def test_forecast_ignores_later_checkins() -> None:
    checkins = [ci("2026-02-14", value=20), ci("2026-03-01", value=100)]
    assert one(metric(), checkins)["forecast"] == pytest.approx(0.4)


def test_forecast_from_current_without_checkins() -> None:
    # A current value counts as one reading at the as-of date: (0.5, 0.2) -> 0.4 at the end.
    assert one(metric(current=20))["forecast"] == pytest.approx(0.4)


def test_forecast_without_any_reading_is_nan() -> None:
    assert math.isnan(one(metric())["forecast"])


@pytest.mark.parametrize(
    "kr",
    [
        KeyResult(id="K", title="ms", type="milestone", done=True),
        KeyResult(id="K", title="q", type="qualitative", grade=0.3),
        KeyResult(id="K", title="g", type="guardrail", threshold=5, current=1),
    ],
)
def test_forecast_of_other_types_is_their_score(kr: KeyResult) -> None:
    row = one(kr)
    assert row["forecast"] == row["score"]


def test_objective_forecast_is_weighted_over_key_results_with_one() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O",
                title="T",
                key_results=[
                    KeyResult(id="A", title="a", start=0, target=100, current=20, weight=3),
                    KeyResult(id="B", title="b", type="qualitative", grade=0.8),
                    KeyResult(id="C", title="c", start=0, target=1),  # no reading: left out
                ],
            )
        ],
    )
    o = score(okrs, MID_Q1).objectives.iloc[0]
    assert o["forecast"] == pytest.approx((3 * 0.4 + 0.8) / 4)


# --- configuration ------------------------------------------------------------------------------


def test_config_changes_bands() -> None:
    config = ScoringConfig(yellow_from=0.3, green_from=0.6)
    assert one(grade(0.35))["band"] == "red"
    assert one(grade(0.35), config=config)["band"] == "yellow"
    assert one(grade(0.65), config=config)["band"] == "green"
    assert band([0.35], config).tolist() == ["yellow"]


def test_config_changes_status() -> None:
    assert one(grade(0.4))["status"] == "at risk"
    assert one(grade(0.4), config=ScoringConfig(on_track=0.8))["status"] == "on track"
    assert one(grade(0.25))["status"] == "off track"
    assert one(grade(0.25), config=ScoringConfig(at_risk=0.5))["status"] == "at risk"
    assert one(grade(0.6, confidence=5))["status"] == "on track"
    assert one(grade(0.6, confidence=5), config=ScoringConfig(low_confidence=5))["status"] == (
        "at risk"
    )
    # even a demanding pace leaves a score of 1.0 on track
    assert one(grade(1.0), config=ScoringConfig(on_track=5.0))["status"] == "on track"


def test_config_changes_aspirational_pace_and_expectation() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[Objective(id="O", title="T", kind="aspirational", key_results=[grade(0.5)])],
    )
    end = D(2026, 3, 31)
    base = score(okrs, end).objectives.iloc[0]
    assert (base["status"], base["expectation"]) == ("at risk", "short")
    config = ScoringConfig(aspirational_target=0.5, aspirational_floor=0.5)
    tuned = score(okrs, end, config=config).objectives.iloc[0]
    assert (tuned["status"], tuned["expectation"], tuned["expected"]) == (
        "on track",
        "landed",
        0.5,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"yellow_from": 0.8, "green_from": 0.7},
        {"green_from": 1.1},
        {"yellow_from": -0.1},
        {"at_risk": 0.95, "on_track": 0.9},
        {"at_risk": -0.1},
    ],
)
def test_config_refuses_inconsistent_thresholds(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ScoringConfig(**kwargs)


# --- JSON shape ---------------------------------------------------------------------------------


def test_to_dict_shape(small_set: OkrSet) -> None:
    okrs = dataclasses.replace(
        small_set, objectives=(*small_set.objectives, Objective(id="O2", title="Empty"))
    )
    out = score(okrs, MID_Q1).to_dict()
    assert list(out) == ["as_of", "cycle", "objectives"]
    assert out["as_of"] == "2026-02-14"
    assert out["cycle"] == "2026-Q1"
    o_keys = [
        "id", "title", "owner", "level", "kind", "score", "band", "status", "scored",
        "key_results",
    ]  # fmt: skip
    kr_keys = ["id", "title", "type", "value", "score", "band", "status", "pending"]
    for o in out["objectives"]:
        assert list(o) == o_keys
        for kr in o["key_results"]:
            assert list(kr) == kr_keys
    o1, o2 = out["objectives"]
    assert (o1["id"], o1["title"], o1["owner"], o1["level"], o1["kind"]) == (
        "O1",
        "Grow the community",
        "Ana",
        "team",
        "committed",
    )
    assert o1["score"] == pytest.approx((2 * 0.4 + 1 / 3 + 1.0 + 0.6 + 0.5) / 6)
    assert [kr["id"] for kr in o1["key_results"]] == ["K1", "K2", "K3", "K4", "K5"]
    k1, _, k3, _, k5 = o1["key_results"]
    assert k1 == {
        "id": "K1",
        "title": "Visitors 0 to 100",
        "type": "metric",
        "value": 40.0,
        "score": 0.4,
        "band": "yellow",
        "status": "at risk",
        "pending": None,
    }
    assert k3["value"] is True  # a milestone's value is done / not done
    assert k5["value"] == 60.0
    assert o2 == {
        "id": "O2",
        "title": "Empty",
        "owner": "",
        "level": "team",
        "kind": "committed",
        "score": None,
        "band": None,
        "status": "no data",
        "scored": 0,
        "key_results": [],
    }
    for o in out["objectives"]:
        for value in [o[k] for k in o_keys[:-1]] + [
            v for kr in o["key_results"] for v in kr.values()
        ]:
            assert value is None or type(value) in (str, float, int, bool)
    text = json.dumps(out, allow_nan=False)
    assert json.loads(text) == out


def test_to_dict_of_ungraded_and_fresh_key_results() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O",
                title="T",
                key_results=[
                    grade(None),
                    KeyResult(id="M", title="m", type="milestone"),
                    KeyResult(id="C", title="churn", start=8, target=5),
                ],
            )
        ],
    )
    out = score(okrs, MID_Q1).to_dict()
    o = out["objectives"][0]
    q, m, c = o["key_results"]
    assert (q["value"], q["score"], q["band"], q["status"]) == (None, None, None, "no data")
    assert (m["value"], m["score"], m["status"]) == (False, None, "not yet due")
    assert (c["value"], c["score"], c["pending"]) == (None, None, "no data")
    assert (o["score"], o["status"], o["scored"]) == (None, "no data", 0)
    text = json.dumps(out, allow_nan=False)
    assert "-0.0" not in text
    assert "NaN" not in text


def test_scores_is_frozen(small_set: OkrSet) -> None:
    s = score(small_set, MID_Q1)
    assert isinstance(s, Scores)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.as_of = D(2026, 1, 1)  # type: ignore[misc]


# --- properties ---------------------------------------------------------------------------------

CYCLE = Cycle.parse("2026-Q1")
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
days = st.integers(min_value=-20, max_value=110)  # days after the cycle start
# A check-in lies inside its cycle (okrkit.lifecycle.check_checkin_date); the as-of day may not.
checkin_days = st.integers(min_value=0, max_value=CYCLE.days - 1)
unit_interval = st.floats(min_value=0.0, max_value=1.0)
confidence = st.one_of(st.none(), st.integers(min_value=1, max_value=10))
weights = st.floats(min_value=0.001, max_value=1000.0)


@st.composite
def key_results(draw: st.DrawFn, ident: str) -> KeyResult:
    kind = draw(st.sampled_from(["metric", "milestone", "qualitative", "guardrail"]))
    common = {"id": ident, "title": ident, "weight": draw(weights), "confidence": draw(confidence)}
    if kind == "metric":
        start = draw(finite)
        target = draw(finite.filter(lambda t: t != start))
        current = draw(st.one_of(st.none(), finite))
        return KeyResult(**common, start=start, target=target, current=current)
    if kind == "milestone":
        return KeyResult(**common, type="milestone", done=draw(st.booleans()))
    if kind == "qualitative":
        return KeyResult(**common, type="qualitative", grade=draw(st.none() | unit_interval))
    return KeyResult(
        **common,
        type="guardrail",
        threshold=draw(finite),
        direction=draw(st.sampled_from(["above", "below"])),
        current=draw(st.one_of(st.none(), finite)),
    )


@st.composite
def checkins_for(draw: st.DrawFn, krs: list[KeyResult]) -> list[CheckIn]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        kr = draw(st.sampled_from(krs))
        date = CYCLE.start + dt.timedelta(days=draw(checkin_days))
        if kr.type in ("metric", "guardrail"):
            field: dict[str, Any] = {"value": draw(finite)}
        elif kr.type == "milestone":
            field = {"done": draw(st.booleans())}
        else:
            field = {"grade": draw(unit_interval)}
        out.append(CheckIn(key_result=kr.id, date=date, confidence=draw(confidence), **field))
    return out


@st.composite
def okr_sets(draw: st.DrawFn) -> OkrSet:
    objectives = []
    n = 0
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        krs = []
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            n += 1
            krs.append(draw(key_results(f"K{n}")))
        kind = draw(st.sampled_from(["committed", "aspirational"]))
        objectives.append(Objective(id=f"O{i}", title="T", kind=kind, key_results=krs))
    all_krs = [kr for o in objectives for kr in o.key_results]
    checkins = draw(checkins_for(all_krs)) if all_krs else []
    return OkrSet(cycle=CYCLE, objectives=objectives, checkins=checkins)


as_of_dates = days.map(lambda d: CYCLE.start + dt.timedelta(days=d))


def reference_kr_score(kr: KeyResult, checkins: tuple[CheckIn, ...], as_of: dt.date) -> float:
    """The key result score rule of the scoring docstring, one key result at a time."""
    mine = [
        (c.date, i, c) for i, c in enumerate(checkins) if c.key_result == kr.id and c.date <= as_of
    ]
    latest = max(mine, key=lambda item: (item[0], item[1]))[2] if mine else None
    if kr.type == "metric":
        assert kr.start is not None and kr.target is not None
        if latest is not None:
            value = latest.value
        elif kr.current is not None:
            value = kr.current
        else:
            return math.nan  # no data
        assert value is not None
        return min(max((value - kr.start) / (kr.target - kr.start), 0.0), 1.0)
    if kr.type == "milestone":
        done = latest.done if latest is not None else kr.done
        due = kr.due or CYCLE.end
        return 1.0 if done else 0.0 if as_of >= due else math.nan  # nan: not yet due
    if kr.type == "qualitative":
        g = latest.grade if latest is not None else kr.grade
        return math.nan if g is None else g
    assert kr.threshold is not None

    def held(v: float) -> bool:
        assert kr.threshold is not None
        return v <= kr.threshold if kr.direction == "below" else v >= kr.threshold

    if mine:
        return sum(held(c.value) for _, _, c in mine if c.value is not None) / len(mine)
    if kr.current is None:
        return math.nan  # no data
    return 1.0 if held(kr.current) else 0.0


@settings(deadline=None, max_examples=150)
@given(okrs=okr_sets(), as_of=as_of_dates)
def test_property_vectorised_equals_reference(okrs: OkrSet, as_of: dt.date) -> None:
    s = score(okrs, as_of)
    got = dict(zip(s.key_results["id"], s.key_results["score"], strict=True))
    expected = {kr.id: reference_kr_score(kr, okrs.checkins, as_of) for _, kr in okrs.key_results()}
    assert list(got) == list(expected)
    for ident, value in expected.items():
        assert got[ident] == pytest.approx(value, rel=1e-12, abs=1e-12, nan_ok=True), ident
    for o in okrs.objectives:
        row = s.objectives.set_index("id").loc[o.id]
        known = [kr for kr in o.key_results if not math.isnan(expected[kr.id])]
        assert row["scored"] == len(known)
        if not known:
            assert math.isnan(row["score"]) and row["status"] == "no data"
            continue
        w = sum(kr.weight for kr in known)
        mean = sum(kr.weight * expected[kr.id] for kr in known) / w
        assert row["score"] == pytest.approx(mean, rel=1e-9, abs=1e-12)


@settings(deadline=None, max_examples=150)
@given(okrs=okr_sets(), as_of=as_of_dates)
def test_property_scores_within_unit_interval(okrs: OkrSet, as_of: dt.date) -> None:
    s = score(okrs, as_of)
    kr_scores = s.key_results["score"].to_numpy()
    unscored = np.isnan(kr_scores)
    assert (unscored == s.key_results["pending"].notna().to_numpy()).all()
    assert s.key_results["band"][unscored].isna().all()  # never "0.00 red" without a score
    assert ((kr_scores[~unscored] >= 0.0) & (kr_scores[~unscored] <= 1.0)).all()
    forecast = s.key_results["forecast"].to_numpy()
    assert ((forecast >= 0.0) & (forecast <= 1.0) | np.isnan(forecast)).all()
    for _, row in s.objectives.iterrows():
        if row["scored"] == 0:
            assert math.isnan(row["score"]) and pd.isna(row["band"])
            assert row["status"] == "no data"
        else:
            assert 0.0 <= row["score"] <= 1.0 + 1e-12
            assert row["band"] in ("red", "yellow", "green")
            assert row["status"] in ("on track", "at risk", "off track")
    json.dumps(s.to_dict(), allow_nan=False)


@settings(deadline=None, max_examples=200)
@given(start=finite, target=finite, low=finite, high=finite, day=checkin_days)
def test_property_monotonic_in_the_checkin_value(
    start: float, target: float, low: float, high: float, day: int
) -> None:
    if start == target:
        return
    low, high = min(low, high), max(low, high)
    kr = metric(start, target)
    date = (CYCLE.start + dt.timedelta(days=min(max(day, 0), CYCLE.days - 1))).isoformat()
    as_of = CYCLE.end
    s_low = one(kr, [ci(date, value=low)], as_of=as_of)["score"]
    s_high = one(kr, [ci(date, value=high)], as_of=as_of)["score"]
    if kr.increasing:
        assert s_high >= s_low
    else:
        assert s_high <= s_low


@settings(deadline=None, max_examples=150)
@given(okrs=okr_sets(), factor=st.floats(min_value=1e-3, max_value=1e3), as_of=as_of_dates)
def test_property_scaling_weights_keeps_objective_scores(
    okrs: OkrSet, factor: float, as_of: dt.date
) -> None:
    scaled = dataclasses.replace(
        okrs,
        objectives=tuple(
            dataclasses.replace(
                o,
                key_results=tuple(
                    dataclasses.replace(kr, weight=kr.weight * factor) for kr in o.key_results
                ),
            )
            for o in okrs.objectives
        ),
    )
    a = score(okrs, as_of).objectives
    b = score(scaled, as_of).objectives
    np.testing.assert_allclose(a["score"], b["score"], rtol=1e-9, atol=1e-12)


def test_key_results_of_an_unlisted_objective_do_not_break_objective_scores(
    small_set: OkrSet,
) -> None:
    frames = to_frames(small_set)
    stray = frames.key_results.iloc[[0]].assign(id="STRAY", objective="NOT-LISTED")
    edited = dataclasses.replace(
        frames, key_results=pd.concat([frames.key_results, stray], ignore_index=True)
    )
    plain = score(frames, dt.date(2026, 2, 14)).objectives
    with_stray = score(edited, dt.date(2026, 2, 14)).objectives
    pd.testing.assert_frame_equal(plain, with_stray)


# --- expected pace line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-12-01", 0.0),  # before the cycle: the start
        ("2026-01-01", 0.0),  # the first day: the start
        ("2026-01-11", 10.0),  # 10 of 89 days in
        ("2026-03-31", 89.0),  # the last day: the target
        ("2026-05-01", 89.0),  # after the cycle: the target
    ],
)
def test_expected_pace_runs_from_start_to_target(day: str, expected: float) -> None:
    assert expected_pace(0, 89, Cycle.parse("2026-Q1"), [day]).iloc[0] == pytest.approx(expected)


def test_expected_pace_of_a_decreasing_metric_goes_down() -> None:
    pace = expected_pace(8, 5, Cycle.parse("2026-Q1"), ["2026-01-01", "2026-03-31"])
    assert pace.tolist() == [8.0, 5.0]
    assert list(pace.index) == [dt.date(2026, 1, 1), dt.date(2026, 3, 31)]


@settings(max_examples=400, deadline=None)
@given(
    value=st.floats(min_value=0.0, max_value=1.0),
    limits=st.tuples(
        st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100)
    ).map(sorted),
)
def test_the_band_agrees_with_the_score_as_shown(value: float, limits: list[int]) -> None:
    """ "0.40 red" never happens: the band of a score is the band of its figure on screen."""
    from okrkit.text import format_number

    config = ScoringConfig(yellow_from=limits[0] / 100, green_from=limits[1] / 100)
    shown = float(format_number(value))
    assert band([value], config)[0] == band([shown], config)[0]


def test_a_score_that_shows_as_a_band_limit_has_that_band() -> None:
    krs = [
        KeyResult(id=f"K{i}", title=f"Reach {t} signups", start=0, target=1000, current=c)
        for i, (t, c) in enumerate([(1000, 398), (1000, 394), (1000, 696), (1000, 694)])
    ]
    okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Grow", key_results=krs)])
    got = score(okrs, dt.date(2026, 3, 31)).key_results
    assert [f"{s:.2f} {b}" for s, b in zip(got["score"], got["band"], strict=True)] == [
        "0.40 yellow",
        "0.39 red",
        "0.70 green",
        "0.69 yellow",
    ]

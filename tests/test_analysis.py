"""Confidence calibration, the Monte Carlo forecast and quarter-end statistics, by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from okrkit import CheckIn, KeyResult, Objective, OkrSet, score, to_frames
from okrkit.analysis import confidence_calibration, monte_carlo_forecast, quarter_end_statistics
from okrkit.frames import FRAME_COLUMNS, Frames

D = dt.date


def ci(kr: str, date: str, confidence: int | None = None, **value: float) -> CheckIn:
    return CheckIn(key_result=kr, date=date, confidence=confidence, **value)  # type: ignore[arg-type]


@pytest.fixture
def calibration_set() -> OkrSet:
    """Sid says 3–4 and delivers; Otto says 8–9 and does not; Cal says 8 and 2 and is right."""
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="T",
                owner="Sid",
                key_results=[KeyResult(id="K1", title="k", start=0, target=10)],
            ),
            Objective(
                id="O2",
                title="T",
                owner="nobody",
                key_results=[KeyResult(id="K2", title="k", start=0, target=10, owner="Otto")],
            ),
            Objective(
                id="O3",
                title="T",
                owner="Cal",
                key_results=[
                    KeyResult(id="K3", title="k", start=0, target=10),
                    KeyResult(id="K4", title="k", start=0, target=10),
                ],
            ),
        ],
        checkins=[
            ci("K1", "2026-01-10", 3, value=4),
            ci("K1", "2026-03-20", 4, value=10),  # final 1.0: a hit
            ci("K2", "2026-01-10", 9, value=1),
            ci("K2", "2026-03-20", 8, value=2),  # final 0.2: a miss
            ci("K2", "2026-03-21", None, value=2),  # no confidence: not a forecast
            ci("K3", "2026-02-01", 8, value=8),  # final 0.8: a hit
            ci("K4", "2026-02-01", 2, value=1),  # final 0.1: a miss
        ],
    )


def test_calibration_by_hand(calibration_set: OkrSet) -> None:
    cal = confidence_calibration(calibration_set).set_index("owner")
    assert list(cal.index) == ["Cal", "Otto", "Sid"]
    sid, otto, cal_ = cal.loc["Sid"], cal.loc["Otto"], cal.loc["Cal"]
    # Brier: mean of (p - outcome)^2
    assert sid["brier"] == pytest.approx(((0.3 - 1) ** 2 + (0.4 - 1) ** 2) / 2)  # 0.425
    assert otto["brier"] == pytest.approx((0.9**2 + 0.8**2) / 2)  # 0.725
    assert cal_["brier"] == pytest.approx(((0.8 - 1) ** 2 + 0.2**2) / 2)  # 0.04
    assert (sid["mean_confidence"], sid["hit_rate"]) == pytest.approx((0.35, 1.0))
    assert (otto["mean_confidence"], otto["hit_rate"]) == pytest.approx((0.85, 0.0))
    assert (cal_["mean_confidence"], cal_["hit_rate"]) == pytest.approx((0.5, 0.5))
    assert sid["bias"] == pytest.approx(-0.65)
    assert (sid["label"], otto["label"], cal_["label"]) == (
        "sandbagging",
        "over-optimistic",
        "calibrated",
    )
    assert (sid["checkins"], otto["checkins"], cal_["checkins"]) == (2, 2, 2)
    assert cal_["key_results"] == 2


def test_calibration_takes_given_final_scores_and_several_sets(calibration_set: OkrSet) -> None:
    # K1 now missed: Sid's 30-40 % was still too hopeful for a 0 % hit rate.
    cal = confidence_calibration(calibration_set, final_scores={"K1": 0.3, "K2": 0.2})
    assert list(cal["owner"]) == ["Otto", "Sid"]  # K3, K4 have no final score given
    sid = cal.set_index("owner").loc["Sid"]
    assert sid["brier"] == pytest.approx((0.3**2 + 0.4**2) / 2)
    assert sid["label"] == "over-optimistic"
    both = confidence_calibration([calibration_set, to_frames(calibration_set)])
    sid = both.set_index("owner").loc["Sid"]
    assert (sid["checkins"], sid["key_results"]) == (4, 2)  # the same id in two sets: two KRs
    given = [score(calibration_set, D(2026, 3, 31)), {"K1": 0.0}]
    assert len(confidence_calibration([calibration_set, calibration_set], final_scores=given)) == 3
    with pytest.raises(ValueError, match="one per set"):
        confidence_calibration([calibration_set], final_scores=[{}, {}])


def test_calibration_of_a_set_without_confidences() -> None:
    okrs = OkrSet(cycle="2026-Q1")
    out = confidence_calibration(okrs)
    assert out.empty and "label" in out.columns


def linear_set(
    extra: list[KeyResult] | None = None, checkins: list[CheckIn] | None = None
) -> OkrSet:
    """K1 climbs 0.05 a week exactly (target 200, +10 a week from the cycle start)."""
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="T",
                key_results=[KeyResult(id="K1", title="k", start=0, target=200), *(extra or [])],
            )
        ],
        checkins=[
            ci("K1", "2026-01-07", value=10),
            ci("K1", "2026-01-14", value=20),
            ci("K1", "2026-01-21", value=30),
            *(checkins or []),
        ],
    )


def test_monte_carlo_with_steady_steps_is_exact() -> None:
    mc = monte_carlo_forecast(linear_set(), as_of=D(2026, 1, 21), runs=300).set_index("id")
    expected = 0.15 + (D(2026, 3, 31) - D(2026, 1, 21)).days / 7 * 0.05
    k1 = mc.loc["K1"]
    assert k1["basis"] == "own" and k1["readings"] == 3
    assert (k1["p10"], k1["median"], k1["p90"]) == pytest.approx((expected,) * 3)
    assert k1["score"] == pytest.approx(0.15)
    assert 0 < k1["forecast"] <= 1  # the linear forecast sits beside it
    assert mc.loc["O1", "median"] == pytest.approx(expected)
    assert mc.loc["O1", "item"] == "objective"


def test_monte_carlo_is_seeded_bounded_and_ordered() -> None:
    noisy = [
        ci("K2", "2026-01-05", value=5),
        ci("K2", "2026-01-12", value=3),
        ci("K2", "2026-01-20", value=9),
        ci("K2", "2026-01-27", value=8),
    ]
    okrs = linear_set([KeyResult(id="K2", title="k", start=0, target=100)], noisy)
    a = monte_carlo_forecast(okrs, as_of=D(2026, 2, 1), runs=500, seed=7)
    b = monte_carlo_forecast(okrs, as_of=D(2026, 2, 1), runs=500, seed=7)
    c = monte_carlo_forecast(okrs, as_of=D(2026, 2, 1), runs=500, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["median"].equals(c["median"])
    k2 = a.set_index("id").loc["K2"]
    assert k2["p10"] < k2["p90"]  # a real interval
    for col in ("p10", "median", "p90"):
        assert a[col].between(0.0, 1.0).all()
    assert (a["p10"] <= a["median"]).all() and (a["median"] <= a["p90"]).all()


def test_monte_carlo_holds_done_and_discrete_key_results() -> None:
    extra = [
        KeyResult(id="K2", title="done", start=0, target=10),
        KeyResult(id="K3", title="launch", type="milestone"),
        KeyResult(id="K4", title="no reading", start=0, target=10),
        KeyResult(id="K5", title="one reading", start=0, target=10, current=2),
        KeyResult(id="K6", title="graded", type="qualitative", grade=0.4),
    ]
    okrs = linear_set(extra, [ci("K2", "2026-01-10", value=12), ci("K3", "2026-01-09", done=True)])
    mc = monte_carlo_forecast(okrs, as_of=D(2026, 1, 21), runs=200).set_index("id")
    assert (mc.loc["K2", ["p10", "median", "p90"]] == 1.0).all()
    assert mc.loc["K2", "basis"] == "held"
    assert (mc.loc["K3", ["p10", "median", "p90"]] == 1.0).all()
    assert mc.loc["K3", "basis"] == "held"
    assert mc.loc["K4", "basis"] is None and math.isnan(mc.loc["K4", "median"])
    assert mc.loc["K5", "basis"] == "pooled"  # fewer than 3 readings: everyone's steps
    assert mc.loc["K5", "median"] > 0.2
    assert (mc.loc["K6", ["p10", "median", "p90"]] == 0.4).all()  # as the linear forecast
    assert mc.loc["K6", "basis"] == "held"


def test_monte_carlo_after_the_cycle_keeps_the_final_score() -> None:
    mc = monte_carlo_forecast(linear_set(), as_of=D(2026, 6, 1), runs=50).set_index("id")
    assert mc.loc["K1", "median"] == pytest.approx(0.15)
    assert mc.loc["K1", "basis"] == "held"


def test_monte_carlo_refuses_no_runs() -> None:
    with pytest.raises(ValueError, match="runs"):
        monte_carlo_forecast(linear_set(), runs=0)


def big_frames(n: int, seed: int = 0) -> Frames:
    """Frames with ``n`` metric key results (3 per objective) and ~2.5 check-ins each."""
    rng = np.random.default_rng(seed)
    template = to_frames(OkrSet(cycle="2026-Q1"))
    ids = [f"K{i}" for i in range(n)]
    objective_ids = [f"O{i // 3}" for i in range(n)]
    krs = pd.DataFrame({c: None for c in FRAME_COLUMNS["key_results"]}, index=range(n))
    krs = krs.assign(
        id=ids, objective=objective_ids, title="k", type="metric", weight=1.0, owner="",
        start=0.0, target=100.0, current=np.nan, grade=np.nan, threshold=np.nan,
        confidence=np.nan, done=pd.array([pd.NA] * n, dtype="boolean"),
    )  # fmt: skip
    krs["silence"] = [()] * n
    unique = sorted(set(objective_ids), key=lambda s: int(s[1:]))
    objectives = pd.DataFrame(
        {c: None for c in FRAME_COLUMNS["objectives"]}, index=range(len(unique))
    )
    objectives = objectives.assign(id=unique, title="o", owner="", level="team", kind="committed")
    m = int(n * 2.5)
    checkins = pd.DataFrame(
        {
            "id": pd.array(range(m), dtype="Int64"),
            "key_result": rng.choice(ids, m),
            "date": (
                pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 60, m), "D")
            ).astype("datetime64[s]"),
            "value": rng.uniform(0, 100, m),
            "done": pd.array([pd.NA] * m, dtype="boolean"),
            "grade": np.nan,
            "confidence": rng.integers(1, 11, m).astype("float64"),
            "note": "",
            "author": "",
        }
    )
    return Frames(
        cycle=template.cycle,
        objectives=objectives,
        key_results=krs,
        checkins=checkins,
        kpis=template.kpis,
        initiatives=template.initiatives,
    )


def test_monte_carlo_covers_10k_key_results() -> None:
    frames = big_frames(10_000)
    mc = monte_carlo_forecast(frames, as_of=D(2026, 3, 1), runs=200)
    assert len(mc) == 10_000 + 3334
    krs = mc[mc["item"] == "key result"]
    assert set(krs["basis"].dropna()) <= {"own", "pooled", "held"}
    scored = krs.dropna(subset=["median"])
    assert len(scored) > 9000
    assert ((scored["p10"] <= scored["median"]) & (scored["median"] <= scored["p90"])).all()
    cal = confidence_calibration(frames)
    assert cal["checkins"].sum() == 25_000


@pytest.fixture
def review_set() -> OkrSet:
    def obj(ident: str, level: str, kind: str, current: float | None) -> Objective:
        krs = [] if current is None else [
            KeyResult(id=f"K{ident}", title="k", start=0, target=100, current=current)
        ]  # fmt: skip
        return Objective(id=ident, title="t", level=level, kind=kind, key_results=krs)  # type: ignore[arg-type]

    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            obj("O1", "team", "committed", 100),  # met, green
            obj("O2", "team", "committed", 50),  # missed, yellow
            obj("O3", "department", "aspirational", 65),  # landed, yellow
            obj("O4", "department", "aspirational", 100),  # exceeded, green
            obj("O5", "team", "aspirational", 20),  # short, red
            obj("O6", "company", "committed", None),  # no key results: no score
        ],
    )


def test_quarter_end_statistics_by_hand(review_set: OkrSet) -> None:
    stats = quarter_end_statistics(score(review_set, D(2026, 3, 31)))
    assert set(stats) == {"objectives", "key_results", "committed", "aspirational"}
    o = stats["objectives"]
    assert list(o.index) == [
        ("company", "committed"),
        ("department", "aspirational"),
        ("team", "committed"),
        ("team", "aspirational"),
        ("all", "all"),
    ]
    team = o.loc[("team", "committed")]
    assert (team["count"], team["scored"], team["mean"]) == (2, 2, pytest.approx(0.75))
    assert (team["q25"], team["median"], team["q75"]) == pytest.approx((0.625, 0.75, 0.875))
    assert (team["red"], team["yellow"], team["green"]) == (0, 1, 1)
    everything = o.loc[("all", "all")]
    assert (everything["count"], everything["scored"]) == (6, 5)
    assert (everything["red"], everything["yellow"], everything["green"]) == (1, 2, 2)
    assert o.loc[("company", "committed"), "scored"] == 0
    assert stats["key_results"].loc[("all", "all"), "count"] == 5
    committed = stats["committed"]
    assert committed.loc["team", ["met", "missed", "total"]].tolist() == [1, 1, 2]
    assert committed.loc["all", ["met", "missed", "total"]].tolist() == [1, 1, 2]
    aspirational = stats["aspirational"]
    assert aspirational.loc["department", ["short", "landed", "exceeded"]].tolist() == [0, 1, 1]
    assert aspirational.loc["all", ["short", "landed", "exceeded", "total"]].tolist() == [
        1,
        1,
        1,
        3,
    ]


def test_quarter_end_statistics_of_an_empty_set() -> None:
    stats = quarter_end_statistics(score(OkrSet(cycle="2026-Q1"), D(2026, 3, 31)))
    assert stats["objectives"].loc[("all", "all"), "count"] == 0
    assert stats["committed"].loc["all", "total"] == 0

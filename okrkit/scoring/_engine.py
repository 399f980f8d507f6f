"""Scoring a whole set on columns: key results, then objectives (:func:`score`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.frames import Frames, check_numbers, to_frames
from okrkit.lifecycle import FINISHED_AT, in_cycle_mask
from okrkit.model import OkrSet
from okrkit.scoring._rules import (
    ScoringConfig,
    band,
    codes_of,
    day_numbers,
    decide_status,
    default_as_of,
)
from okrkit.scoring._scores import Scores

__all__ = ["score", "score_key_results", "score_objectives"]


def score(
    data: OkrSet | Frames,
    as_of: dt.date | None = None,
    *,
    config: ScoringConfig | None = None,
) -> Scores:
    """Score every key result and objective of an OKR set.

    Parameters
    ----------
    data
        An :class:`~okrkit.OkrSet` or its :class:`~okrkit.frames.Frames`.
    as_of
        Check-ins after this date are ignored and the elapsed share of the cycle is taken at
        it. Default: today, or the cycle's last day once the cycle has ended.
    config
        Thresholds; default :class:`ScoringConfig`.

    Returns
    -------
    Scores
        ``key_results`` with columns id, objective, title, type, weight, kind, value, score, band,
        status, confidence, checkins, last_checkin, forecast; ``objectives`` with id, title, owner,
        level, kind, key_results, score, band, status, expected, expectation, forecast.

    Raises
    ------
    ValidationError
        When frames hold a number the model refuses for its size (docs/limits.md), naming the
        frame, the row and the column.

    Examples
    --------
    >>> from okrkit import Objective, KeyResult, OkrSet, CheckIn
    >>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Cut churn",
    ...     key_results=[KeyResult(id="K1", title="Churn from 8 % to 5 %", start=8, target=5)])],
    ...     checkins=[CheckIn(key_result="K1", date="2026-02-14", value=6.5)])
    >>> s = score(okrs, as_of=dt.date(2026, 2, 14))
    >>> row = s.key_results.iloc[0]
    >>> float(row["score"]), row["band"], row["status"]
    (0.5, 'yellow', 'on track')
    """
    if isinstance(data, Frames):
        check_numbers(data)  # frames need not come from checked objects
    frames = data if isinstance(data, Frames) else to_frames(data)
    config = config or ScoringConfig()
    as_of = as_of or default_as_of(frames.cycle)
    krs = score_key_results(frames, as_of, config)
    objectives = score_objectives(frames, krs, as_of, config)
    return Scores(as_of=as_of, cycle=frames.cycle, objectives=objectives, key_results=krs)


def _elapsed(days: np.ndarray[Any, Any], cycle: Cycle) -> np.ndarray[Any, Any]:
    start = np.datetime64(cycle.start, "D").astype("int64")
    out = days.astype("float64")  # one new array, then in place: large temporaries are slow
    out -= start - 1
    out /= cycle.days
    return np.clip(out, 0.0, 1.0, out=out)


def score_key_results(frames: Frames, as_of: dt.date, config: ScoringConfig) -> pd.DataFrame:
    """Score, band, status and forecast of every key result (see the module rules)."""
    krs = frames.key_results
    n = len(krs)
    objectives = frames.objectives
    o_codes = codes_of(pd.Index(objectives["id"]), krs["objective"])
    o_kind = objectives["kind"].to_numpy(dtype=object)
    kind = np.where(o_codes >= 0, o_kind[o_codes] if len(o_kind) else "committed", "committed")
    kind = np.where(pd.isna(kind), "committed", kind).astype(object)
    ktype = krs["type"].to_numpy()
    start = krs["start"].to_numpy("float64")
    target = krs["target"].to_numpy("float64")
    threshold = krs["threshold"].to_numpy("float64")
    below = (krs["direction"] == "below").to_numpy()

    # Check-ins of the cycle up to as_of, as integer KR positions and day numbers.
    ci = frames.checkins
    days = day_numbers(ci["date"])
    codes = codes_of(pd.Index(krs["id"]), ci["key_result"])
    # a check-in counts in the cycle it is dated in (stores written before 0.2 may hold others)
    # from the day numbers above, without converting the dates a second time
    inside = in_cycle_mask(days.view("datetime64[D]"), frames.cycle)
    keep = (days <= np.datetime64(as_of, "D").astype("int64")) & (codes >= 0) & inside
    everything = bool(keep.all())

    def kept(column: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return column if everything else column[keep]

    days, codes = kept(days), kept(codes)
    c_value = kept(ci["value"].to_numpy("float64"))
    c_done = kept(ci["done"].to_numpy("float64", na_value=np.nan))
    c_grade = kept(ci["grade"].to_numpy("float64"))
    c_conf = kept(ci["confidence"].to_numpy("float64"))
    count = np.bincount(codes, minlength=n)

    # The latest check-in per key result: max of (day, position) without sorting.
    m = len(days) + 1
    order_key = (days - (days.min() if len(days) else 0)) * m + np.arange(len(days))
    best = np.full(n, -1, dtype="int64")
    np.maximum.at(best, codes, order_key)
    latest_pos = np.where(best >= 0, best % m, -1)

    def latest(column: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        out = np.full(n, np.nan)
        has = latest_pos >= 0
        out[has] = column[latest_pos[has]]
        return out

    current = krs["current"].to_numpy("float64")
    value = np.where(np.isnan(latest(c_value)), current, latest(c_value))
    metric_value = np.where(np.isnan(value), start, value)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # "+ 0.0" turns the -0.0 of a decreasing metric at its start into 0.0 (JSON shows "-0.0").
        metric_score = np.clip((metric_value - start) / (target - start), 0.0, 1.0) + 0.0

    done = latest(c_done)
    done = np.where(np.isnan(done), krs["done"].to_numpy("float64", na_value=0.0), done)
    grade = latest(c_grade)
    grade = np.where(np.isnan(grade), krs["grade"].to_numpy("float64"), grade)

    # Guardrails: share of check-ins that held; fall back to current, then to "held".
    side = np.where(below, -1.0, 1.0)  # held: (value - threshold) x side >= 0
    held = c_value - threshold[codes]
    held *= side[codes]
    with np.errstate(invalid="ignore"):
        held = held >= 0.0
    held_count = np.bincount(codes, weights=held.astype("float64"), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = held_count / count
    now_held = np.where(below, value <= threshold, value >= threshold).astype("float64")
    now_held[np.isnan(value)] = 1.0
    guard_score = np.where(count > 0, share, now_held)

    is_metric, is_guard = ktype == "metric", ktype == "guardrail"
    is_milestone, is_quality = ktype == "milestone", ktype == "qualitative"
    kr_score = np.select(
        [is_metric, is_milestone, is_quality, is_guard],
        [metric_score, done, np.nan_to_num(grade, nan=0.0), guard_score],
        np.nan,
    )
    shown_value = np.select(
        [is_metric, is_milestone, is_quality, is_guard], [metric_value, done, grade, value], np.nan
    )

    elapsed = frames.cycle.elapsed(as_of)
    expected_final = np.where(kind == "aspirational", config.aspirational_target, 1.0)
    pace = np.where(is_guard, 1.0, elapsed * expected_final)
    confidence = latest(c_conf)
    confidence = np.where(np.isnan(confidence), krs["confidence"].to_numpy("float64"), confidence)
    low = None
    if config.low_confidence is not None:
        low = np.nan_to_num(confidence, nan=np.inf) <= config.low_confidence
    status = decide_status(kr_score, pace, config, low)

    forecast = _forecast(
        codes, days, c_value, start, target, metric_score, current, frames.cycle, as_of, n
    )
    forecast = np.where(is_metric, forecast, kr_score)

    last = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    has = latest_pos >= 0
    last[has] = days[latest_pos[has]].astype("datetime64[D]")
    return pd.DataFrame(
        {
            "id": krs["id"].array,
            "objective": krs["objective"].array,
            "title": krs["title"].array,
            "type": ktype,
            "owner": krs["owner"].array,
            "weight": krs["weight"].to_numpy("float64"),
            "kind": kind,
            "unit": krs["unit"].array,
            "value": shown_value,
            "score": kr_score,
            "band": band(kr_score, config),
            "status": status,
            "confidence": confidence,
            "checkins": count,
            "last_checkin": pd.to_datetime(last),
            "forecast": forecast,
        }
    )


def _forecast(
    codes: np.ndarray[Any, Any],
    days: np.ndarray[Any, Any],
    c_value: np.ndarray[Any, Any],
    start: np.ndarray[Any, Any],
    target: np.ndarray[Any, Any],
    metric_score: np.ndarray[Any, Any],
    current: np.ndarray[Any, Any],
    cycle: Cycle,
    as_of: dt.date,
    n: int,
) -> np.ndarray[Any, Any]:
    """Least-squares line through (cycle start, 0) and each check-in, read at the cycle end."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        span = target - start
        s = c_value - start[codes]
        s /= span[codes]
        np.clip(s, 0.0, 1.0, out=s)
    # Check-ins without a score go to an extra bin n instead of being copied out.
    missing = np.isnan(s)
    bins = np.where(missing, n, codes) if missing.any() else codes
    s[missing] = 0.0
    t = _elapsed(days, cycle)

    def total(weights: np.ndarray[Any, Any] | None = None) -> np.ndarray[Any, Any]:
        return np.bincount(bins, weights=weights, minlength=n + 1)[:n].astype("float64")

    cnt, st, ss = total(), total(t), total(s)
    sts = total(t * s)
    t *= t
    stt = total(t)
    # Without check-ins, a given current value is one reading at the as-of date.
    only_current = (cnt == 0) & ~np.isnan(current)
    t_now = cycle.elapsed(as_of)
    cnt = np.where(only_current, 1.0, cnt)
    st = np.where(only_current, t_now, st)
    ss = np.where(only_current, metric_score, ss)
    stt = np.where(only_current, t_now * t_now, stt)
    sts = np.where(only_current, t_now * metric_score, sts)
    readings = cnt.copy()
    cnt = cnt + 1.0  # the origin: score 0 at the cycle start (t = 0)
    denominator = cnt * stt - st * st
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (cnt * sts - st * ss) / denominator
        intercept = (ss - slope * st) / cnt
        line = intercept + slope
    flat = ss / cnt
    out = np.clip(np.where(np.abs(denominator) > 1e-12, line, flat), 0.0, 1.0)
    out[readings == 0] = np.nan
    return out


def score_objectives(
    frames: Frames, krs: pd.DataFrame, as_of: dt.date, config: ScoringConfig
) -> pd.DataFrame:
    """Objective scores as weight-weighted means of their own key results."""
    objectives = frames.objectives
    codes = codes_of(pd.Index(objectives["id"]), krs["objective"])
    keep = codes >= 0  # edited frames may hold key results of an objective not listed
    codes = codes[keep]
    n = len(objectives)
    w = krs["weight"].to_numpy("float64")[keep]
    s = krs["score"].to_numpy("float64")[keep]
    f = krs["forecast"].to_numpy("float64")[keep]
    total_w = np.bincount(codes, weights=w, minlength=n)
    count = np.bincount(codes, minlength=n)
    has_f = ~np.isnan(f)
    f_w = np.bincount(codes[has_f], weights=w[has_f], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        o_score = np.bincount(codes, weights=w * s, minlength=n) / total_w
        o_forecast = np.bincount(codes[has_f], weights=(w * f)[has_f], minlength=n) / f_w
    kind = objectives["kind"].to_numpy()
    aspirational = kind == "aspirational"
    expected = np.where(aspirational, config.aspirational_target, 1.0)
    pace = frames.cycle.elapsed(as_of) * expected
    finished = o_score >= FINISHED_AT  # okrkit.lifecycle: what "finished" means
    expectation = np.select(
        [
            ~aspirational & finished,
            ~aspirational,
            aspirational & finished,
            aspirational & (o_score >= config.aspirational_floor),
        ],
        ["met", "missed", "exceeded", "landed"],
        "short",
    ).astype(object)
    expectation[np.isnan(o_score)] = None
    return pd.DataFrame(
        {
            "id": objectives["id"].array,
            "title": objectives["title"].array,
            "owner": objectives["owner"].array,
            "level": objectives["level"].array,
            "kind": kind,
            "key_results": count,
            "score": o_score,
            "band": band(o_score, config),
            "status": decide_status(o_score, np.full(n, pace), config),
            "expected": expected,
            "expectation": expectation,
            "forecast": o_forecast,
        }
    )

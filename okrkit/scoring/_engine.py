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
    PENDING,
    ScoringConfig,
    band,
    codes_of,
    day_numbers,
    decide_status,
    default_as_of,
    metric_scores,
    pending_status,
    period_bounds,
    zone_scores,
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


def _column(krs: pd.DataFrame, name: str) -> np.ndarray[Any, Any] | None:
    """An object column of the key results, ``None`` when it is absent or empty throughout
    (the common case for the shapes most key results do not use: bound, per, zone)."""
    if name not in krs:
        return None
    column = krs[name].to_numpy(dtype=object)
    return column if pd.notna(column).any() else None


def score_key_results(frames: Frames, as_of: dt.date, config: ScoringConfig) -> pd.DataFrame:
    """Score, band, status, pending reason and forecast of every key result (see the rules)."""
    krs = frames.key_results
    n = len(krs)
    cycle = frames.cycle
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
    bound = _column(krs, "bound")
    per = _column(krs, "per")
    as_of_day = np.datetime64(as_of, "D").astype("int64")

    # Check-ins of the cycle up to as_of, as integer KR positions and day numbers.
    ci = frames.checkins
    days = day_numbers(ci["date"])
    codes = codes_of(pd.Index(krs["id"]), ci["key_result"])
    # a check-in counts in the cycle it is dated in (stores written before 0.2 may hold others)
    # from the day numbers above, without converting the dates a second time
    inside = in_cycle_mask(days.view("datetime64[D]"), cycle)
    keep = (days <= as_of_day) & (codes >= 0) & inside
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

    # Metrics: the latest value, else current; without either there is no data (no score).
    current = krs["current"].to_numpy("float64")
    value = latest(c_value)
    value = np.where(np.isnan(value), current, value)
    metric_score = metric_scores(value, start, target, bound)

    # Milestones: 1.0 when done; before the due date (end of cycle at the latest) no score yet.
    done = latest(c_done)
    done = np.where(np.isnan(done), krs["done"].to_numpy("float64", na_value=0.0), done)
    is_milestone = ktype == "milestone"
    not_due = np.zeros(n, dtype=bool)
    if is_milestone.any():
        due = krs["due"].to_numpy("datetime64[D]") if "due" in krs else np.full(n, "NaT", "M8[D]")
        due_day = np.where(np.isnat(due), np.datetime64(cycle.end, "D"), due).astype("int64")
        due_day = np.minimum(due_day, np.datetime64(cycle.end, "D").astype("int64"))
        not_due = is_milestone & (done != 1.0) & (as_of_day < due_day)
    milestone_score = np.where(not_due, np.nan, done)

    grade = latest(c_grade)
    grade = np.where(np.isnan(grade), krs["grade"].to_numpy("float64"), grade)

    # Guardrails: share of check-ins that held; without any, current held or not; else no data.
    side = np.where(below, -1.0, 1.0)  # held: (value - threshold) x side >= 0
    held = c_value - threshold[codes]
    held *= side[codes]
    with np.errstate(invalid="ignore"):
        held = held >= 0.0
    held_count = np.bincount(codes, weights=held.astype("float64"), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = held_count / count
        now_held = np.where(below, value <= threshold, value >= threshold).astype("float64")
    now_held[np.isnan(value)] = np.nan
    guard_score = np.where(count > 0, share, now_held)

    # Ordinal key results: the zone of the latest check-in, else the key result's zone.
    is_ordinal = ktype == "ordinal"
    zone = np.full(n, None, dtype=object)
    ordinal_score = np.full(n, np.nan)
    if is_ordinal.any():
        c_zone = kept(ci["zone"].to_numpy(dtype=object))
        has = latest_pos >= 0
        zone[has] = c_zone[latest_pos[has]]
        own = krs["zone"].to_numpy(dtype=object)
        zone = np.where(pd.isna(zone), own, zone)
        zone[~(is_ordinal & pd.notna(zone))] = None
        ordinal_score = zone_scores(zone, config)

    is_metric, is_guard = ktype == "metric", ktype == "guardrail"
    is_quality = ktype == "qualitative"
    kr_score = np.select(
        [is_metric, is_milestone, is_quality, is_guard, is_ordinal],
        [metric_score, milestone_score, grade, guard_score, ordinal_score],
        np.nan,
    )
    shown_value = np.select(
        [is_metric, is_milestone, is_quality, is_guard], [value, done, grade, value], np.nan
    )

    elapsed = cycle.elapsed(as_of)
    expected_final = np.where(kind == "aspirational", config.aspirational_target, 1.0)
    pace = np.where(is_guard, 1.0, elapsed * expected_final)
    is_rate = np.zeros(n, dtype=bool)
    if per is not None:  # rates judged period by period: a loop over these key results only
        is_rate = is_metric & pd.notna(per)
        rate_score, rate_share = _rates(
            is_rate, per, codes, days, c_value, start, target, bound, current, cycle, as_of
        )
        kr_score = np.where(is_rate, rate_score, kr_score)
        pace = np.where(is_rate, rate_share * expected_final, pace)

    confidence = latest(c_conf)
    confidence = np.where(np.isnan(confidence), krs["confidence"].to_numpy("float64"), confidence)
    low = None
    if config.low_confidence is not None:
        low = np.nan_to_num(confidence, nan=np.inf) <= config.low_confidence
    status = decide_status(kr_score, pace, config, low)
    unscored = np.isnan(kr_score)
    pending = np.full(n, None, dtype=object)
    if unscored.any():
        pending[unscored] = np.where(not_due[unscored], PENDING[1], PENDING[0])
        status[unscored] = pending_status(pending[unscored], confidence[unscored], config)

    forecast = _forecast(
        codes, days, c_value, start, target, bound, metric_score, current, cycle, as_of, n
    )
    forecast = np.where(is_metric & ~is_rate, forecast, kr_score)

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
            "zone": zone,
            "score": kr_score,
            "band": band(kr_score, config),
            "status": status,
            "pending": pending,
            "confidence": confidence,
            "checkins": count,
            "last_checkin": pd.to_datetime(last),
            "forecast": forecast,
        }
    )


def _rates(
    is_rate: np.ndarray[Any, Any],
    per: np.ndarray[Any, Any],
    codes: np.ndarray[Any, Any],
    days: np.ndarray[Any, Any],
    c_value: np.ndarray[Any, Any],
    start: np.ndarray[Any, Any],
    target: np.ndarray[Any, Any],
    bound: np.ndarray[Any, Any] | None,
    current: np.ndarray[Any, Any],
    cycle: Cycle,
    as_of: dt.date,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Scores of rate key results (``per`` a week, month or quarter) and the share of the pace
    their status is measured against (1.0, or the elapsed share of the current period).

    Each reading is the figure of the period it is dated in (the latest of a period counts); a
    key result without check-ins reads ``current`` as the figure of the current period. The score
    is the mean over the judged periods: those ended by ``as_of`` (its end of day), and the
    current one once it scores 1.0. With none judged, the current period's score.
    """
    n = len(is_rate)
    as_of_day = np.datetime64(as_of, "D").astype("int64")
    mine = is_rate[codes]
    r_code, r_day, r_value = codes[mine], days[mine], c_value[mine]
    read = np.bincount(r_code, minlength=n) > 0
    from_current = is_rate & ~read & ~np.isnan(current)
    extra = np.flatnonzero(from_current)
    r_code = np.concatenate([r_code, extra])
    today = min(as_of_day, np.datetime64(cycle.end, "D").astype("int64"))
    r_day = np.concatenate([r_day, np.full(len(extra), today)])
    r_value = np.concatenate([r_value, current[extra]])
    ok = ~np.isnan(r_value)
    r_code, r_day, r_value = r_code[ok], r_day[ok], r_value[ok]
    first, last = period_bounds(r_day, per[r_code], cycle)
    # the latest reading of each (key result, period): sort, keep the last of each run
    order = np.lexsort((np.arange(len(r_day)), r_day, first, r_code))
    r_code, first, last, r_value = r_code[order], first[order], last[order], r_value[order]
    tail = np.ones(len(r_code), dtype=bool)
    tail[:-1] = (r_code[1:] != r_code[:-1]) | (first[1:] != first[:-1])
    r_code, first, last, r_value = r_code[tail], first[tail], last[tail], r_value[tail]
    s = metric_scores(
        r_value, start[r_code], target[r_code], None if bound is None else bound[r_code]
    )
    ended = last <= as_of_day
    judged = ended | (s >= FINISHED_AT)
    judged_n = np.bincount(r_code[judged], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(r_code[judged], weights=s[judged], minlength=n) / judged_n
    now = ~ended  # readings are up to as_of, so a period not ended holds as_of
    now_score = np.full(n, np.nan)
    now_score[r_code[now]] = s[now]
    share = np.ones(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        now_share = (as_of_day - first[now] + 1) / (last[now] - first[now] + 1)
    share[r_code[now]] = np.clip(now_share, 0.0, 1.0)
    score = np.where(judged_n > 0, mean, now_score)
    share = np.where(judged_n > 0, 1.0, share)
    return score, share


def _forecast(
    codes: np.ndarray[Any, Any],
    days: np.ndarray[Any, Any],
    c_value: np.ndarray[Any, Any],
    start: np.ndarray[Any, Any],
    target: np.ndarray[Any, Any],
    bound: np.ndarray[Any, Any] | None,
    metric_score: np.ndarray[Any, Any],
    current: np.ndarray[Any, Any],
    cycle: Cycle,
    as_of: dt.date,
    n: int,
) -> np.ndarray[Any, Any]:
    """Least-squares line through (cycle start, 0) and each check-in, read at the cycle end."""
    if bound is None:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            span = target - start
            s = c_value - start[codes]
            s /= span[codes]
            np.clip(s, 0.0, 1.0, out=s)
    else:
        s = metric_scores(c_value, start[codes], target[codes], bound[codes])
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
    """Objective scores as weight-weighted means of their own key results that have a score."""
    objectives = frames.objectives
    codes = codes_of(pd.Index(objectives["id"]), krs["objective"])
    keep = codes >= 0  # edited frames may hold key results of an objective not listed
    codes = codes[keep]
    n = len(objectives)
    w = krs["weight"].to_numpy("float64")[keep]
    s = krs["score"].to_numpy("float64")[keep]
    f = krs["forecast"].to_numpy("float64")[keep]
    count = np.bincount(codes, minlength=n)
    has_s = ~np.isnan(s)
    everything = bool(has_s.all())
    s_codes = codes if everything else codes[has_s]
    s_w = w if everything else w[has_s]
    scored = np.bincount(s_codes, minlength=n) if not everything else count
    has_f = ~np.isnan(f)
    f_w = np.bincount(codes[has_f], weights=w[has_f], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        known = s if everything else s[has_s]
        o_score = np.bincount(s_codes, weights=s_w * known, minlength=n) / np.bincount(
            s_codes, weights=s_w, minlength=n
        )
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
    status = decide_status(o_score, np.full(n, pace), config)
    status[np.isnan(o_score)] = PENDING[0]  # no key result with a score: no data
    return pd.DataFrame(
        {
            "id": objectives["id"].array,
            "title": objectives["title"].array,
            "owner": objectives["owner"].array,
            "level": objectives["level"].array,
            "kind": kind,
            "key_results": count,
            "scored": scored,
            "score": o_score,
            "band": band(o_score, config),
            "status": status,
            "expected": expected,
            "expectation": expectation,
            "forecast": o_forecast,
        }
    )

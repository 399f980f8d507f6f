"""Scores, grade bands, status and forecasts, computed on columns for a whole set at once.

Rules (see also ``docs/scoring.md``):

- **Key result score** in [0, 1]. ``metric``: (value − start) / (target − start), clipped, where
  value is the latest check-in on or before the as-of date, else ``current``, else ``start``; a
  target below the start (a decreasing metric) scores the same way. ``milestone``: 1.0 when done,
  else 0.0. ``qualitative``: the latest grade, 0.0 until graded. ``guardrail``: the share of
  check-ins up to the as-of date that held the line (value at or above the threshold for
  ``above``, at or below for ``below``); with no check-in, 1.0 or 0.0 from ``current``, and 1.0
  when nothing has been measured yet.
- **Objective score**: the weight-weighted mean of its own key results' scores (``NaN`` for an
  objective without key results).
- **Band**: red below 0.4, yellow from 0.4, green from 0.7 (:class:`ScoringConfig`).
- **Status** compares the score with the expected pace: the elapsed share of the cycle times the
  expected final score (1.0 for committed, 0.7 for aspirational; guardrails are expected to hold
  all along). On track from 90 % of the pace, at risk from 60 %, off track below; a key result
  whose latest confidence is 3 or less is at best at risk. A score of 1.0 is always on track.
- **Expected pace line** (:func:`expected_pace`, drawn by the check-in form): a straight line
  from ``start`` on the cycle's first day to ``target`` on its last day; it is not the status pace
  above, which takes the elapsed share at the end of the as-of day.
- **Expectation**: committed objectives expect 1.0 (``met`` / ``missed``); aspirational ones land
  well at 0.6–0.7 (``short`` below 0.6, ``landed`` from 0.6, ``exceeded`` at 1.0, which can mean
  the goal was set too low).
- **Forecast**: for a metric, a least-squares line through the cycle start (score 0) and every
  check-in's score, read at the cycle end and clipped to [0, 1]; other types forecast their
  current score. ``NaN`` when a metric has no reading at all.

No function here loops over key results in Python: 400k key results are a handful of column
operations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle, parse_date
from okrkit.frames import Frames, check_numbers, to_frames
from okrkit.model import OkrSet

__all__ = ["BANDS", "STATUSES", "Scores", "ScoringConfig", "band", "expected_pace", "score"]

BANDS = ("red", "yellow", "green")
STATUSES = ("on track", "at risk", "off track")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoringConfig:
    """Thresholds for bands, status and expectations; every rule in one documented place.

    Parameters
    ----------
    yellow_from, green_from
        Band limits: red below ``yellow_from``, green from ``green_from``.
    on_track, at_risk
        Status limits as shares of the expected pace.
    aspirational_target
        The final score an aspirational OKR is expected to land at.
    aspirational_floor
        Below this, an aspirational OKR fell short at quarter end.
    low_confidence
        A key result whose latest confidence is at or below this is at best "at risk"
        (``None`` turns the rule off).
    """

    yellow_from: float = 0.4
    green_from: float = 0.7
    on_track: float = 0.9
    at_risk: float = 0.6
    aspirational_target: float = 0.7
    aspirational_floor: float = 0.6
    low_confidence: int | None = 3

    def __post_init__(self) -> None:
        if not 0.0 <= self.yellow_from <= self.green_from <= 1.0:
            raise ValueError("need 0 <= yellow_from <= green_from <= 1")
        if not 0.0 <= self.at_risk <= self.on_track:
            raise ValueError("need 0 <= at_risk <= on_track")


@dataclass(frozen=True, slots=True)
class Scores:
    """Scored key results and objectives of one cycle at one date."""

    as_of: dt.date
    cycle: Cycle
    objectives: pd.DataFrame
    key_results: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape of ``okrkit score --format json``."""
        krs_by_objective: dict[str, list[dict[str, Any]]] = {}
        kr_cols = ["id", "title", "type", "value", "score", "band", "status", "objective"]
        for rec in self.key_results[kr_cols].to_dict("records"):
            objective = rec.pop("objective")
            if rec["type"] == "milestone":
                rec["value"] = bool(rec["value"] == 1.0)
            krs_by_objective.setdefault(objective, []).append(_json_ready(rec))
        objectives = []
        o_cols = ["id", "title", "owner", "level", "kind", "score", "band", "status"]
        for rec in self.objectives[o_cols].to_dict("records"):
            item = _json_ready(rec)
            item["key_results"] = krs_by_objective.get(rec["id"], [])
            objectives.append(item)
        return {"as_of": self.as_of.isoformat(), "cycle": self.cycle.id, "objectives": objectives}

    def _repr_html_(self) -> str:
        """The score table of :func:`okrkit.display.score_table` (band colours, escaped text).

        A notebook shows the first 50 objectives with their key results and counts the rest.
        """
        import html

        from okrkit.display import score_table

        shown, more = self, len(self.objectives) - _HTML_OBJECTIVES
        if more > 0:
            head = self.objectives.iloc[:_HTML_OBJECTIVES]
            krs = self.key_results[self.key_results["objective"].isin(head["id"])]
            shown = Scores(as_of=self.as_of, cycle=self.cycle, objectives=head, key_results=krs)
        # score_table's caption holds the cycle id unescaped; set an escaped one.
        caption = f"Cycle {self.cycle.id}, as of {self.as_of.isoformat()}"
        table: str = score_table(shown).set_caption(html.escape(caption)).to_html()
        if more > 0:
            table += f"<div><em>… and {more} more objectives</em></div>"
        return table


_HTML_OBJECTIVES = 50  # objectives a notebook shows of a Scores


def _json_ready(rec: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in rec.items():
        if isinstance(value, float) and np.isnan(value):
            value = None
        elif isinstance(value, np.generic):
            value = value.item()
        elif value is pd.NA:
            value = None
        out[key] = value
    return out


def default_as_of(cycle: Cycle, today: dt.date | None = None) -> dt.date:
    """Today, or the cycle's last day for a cycle that has ended."""
    return min(today or dt.date.today(), cycle.end)


def band(scores: Any, config: ScoringConfig | None = None) -> np.ndarray[Any, Any]:
    """Grade band of each score: ``red``, ``yellow`` or ``green`` (``None`` for NaN).

    >>> band([0.0, 0.39, 0.4, 0.69, 0.7, 1.0]).tolist()
    ['red', 'red', 'yellow', 'yellow', 'green', 'green']
    """
    config = config or ScoringConfig()
    s = np.asarray(scores, dtype="float64")
    with np.errstate(invalid="ignore"):
        pick = (s >= config.yellow_from).astype(np.int8) + (s >= config.green_from)
        pick[s < 0] = 3
    pick[np.isnan(s)] = 4
    return _BAND_LABELS[pick]


_BAND_LABELS = np.array(["red", "yellow", "green", "", None], dtype=object)
_STATUS_LABELS = np.array(["off track", "at risk", "on track", None], dtype=object)


def codes_of(index: pd.Index, values: Any) -> np.ndarray[Any, Any]:
    """Positions of ``values`` in ``index`` (-1 when absent), fast for runs of equal values.

    Check-ins usually come grouped by key result and key results by objective, so only the
    first value of each run is looked up and the result repeated: a 5M-row column with 400k runs
    costs 400k hash look-ups, not 5M. Any order gives the right answer.
    """
    column = np.asarray(values, dtype=object)
    n = len(column)
    if n < 2:
        return index.get_indexer(column)  # type: ignore[no-any-return]
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(column[1:], column[:-1], out=change[1:])
    heads = np.flatnonzero(change)
    if len(heads) > n // 2:  # hardly any runs: look every value up
        return index.get_indexer(column)  # type: ignore[no-any-return]
    found = index.get_indexer(column[heads])
    return np.repeat(found, np.diff(np.append(heads, n)))


def day_numbers(dates: Any) -> np.ndarray[Any, Any]:
    """Days since 1970-01-01 of a ``datetime64`` column, as int64 (NaT: a very early day)."""
    seconds = np.asarray(dates).astype("datetime64[s]", copy=False).view("int64")
    return seconds // 86400


def expected_pace(
    start: float, target: float, cycle: Cycle, dates: Iterable[dt.date | str]
) -> pd.Series:
    """The value expected at each date if progress ran in a straight line over the cycle.

    The line runs from ``start`` on the cycle's first day to ``target`` on its last day; dates
    before or after the cycle read ``start`` or ``target``. This is the line the check-in form
    draws. The status rule (:func:`score`) measures pace differently: the elapsed share of the
    cycle at the *end* of the as-of day times the expected final score (0.7 for aspirational
    OKRs), so on the first day the status pace is already one day in.

    Parameters
    ----------
    start, target
        The values on the cycle's first and last day (a target below the start gives a falling
        line).
    cycle
        The cycle the line spans.
    dates
        The dates to read the line at, as :class:`datetime.date` or ISO ``YYYY-MM-DD`` text.

    Returns
    -------
    pandas.Series
        Float values indexed by the dates (as :class:`datetime.date`), in the order given.

    Raises
    ------
    ValidationError
        When a date cannot be read.

    Examples
    --------
    >>> c = Cycle.parse("2026-Q1")   # 90 days: 2026-01-01 .. 2026-03-31
    >>> expected_pace(0, 89, c, ["2025-12-01", "2026-01-11", "2026-04-05"]).tolist()
    [0.0, 10.0, 89.0]
    >>> expected_pace(8, 5, c, ["2026-01-01", "2026-03-31"]).tolist()
    [8.0, 5.0]
    """
    days = [parse_date(d, field="date") for d in dates]
    span = (cycle.end - cycle.start).days
    shares = [1.0 if span == 0 else min(max((d - cycle.start).days / span, 0.0), 1.0) for d in days]
    values = [float(start) + (float(target) - float(start)) * share for share in shares]
    return pd.Series(values, index=pd.Index(days, dtype=object), dtype="float64")


def _status(
    score: np.ndarray[Any, Any],
    pace: np.ndarray[Any, Any],
    config: ScoringConfig,
    low_confidence: np.ndarray[Any, Any] | None = None,
) -> np.ndarray[Any, Any]:
    with np.errstate(invalid="ignore"):
        on = (score >= config.on_track * pace) | (score >= 1.0)
        risk = score >= config.at_risk * pace
        if low_confidence is not None:
            on &= ~(low_confidence & (score < 1.0))
    pick = np.where(on, 2, risk.astype(np.int8))
    pick[np.isnan(score)] = 3
    return _STATUS_LABELS[pick]


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

    # Check-ins up to as_of, as integer KR positions and day numbers.
    ci = frames.checkins
    days = day_numbers(ci["date"])
    codes = codes_of(pd.Index(krs["id"]), ci["key_result"])
    keep = (days <= np.datetime64(as_of, "D").astype("int64")) & (codes >= 0)
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
    status = _status(kr_score, pace, config, low)

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
    expectation = np.select(
        [
            ~aspirational & (o_score >= 1.0),
            ~aspirational,
            aspirational & (o_score >= 1.0),
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
            "status": _status(o_score, np.full(n, pace), config),
            "expected": expected,
            "expectation": expectation,
            "forecast": o_forecast,
        }
    )

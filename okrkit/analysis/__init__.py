"""Analysis beyond the score: confidence calibration, a Monte Carlo forecast, quarter-end figures.

Pure functions on :class:`~okrkit.frames.Frames` and :class:`~okrkit.scoring.Scores`, computed on
columns (see also ``docs/analysis.md``):

- :func:`confidence_calibration` asks, per owner, whether the weekly confidence of check-ins
  matched what was delivered: a confidence of 1–10 is read as a probability of 0.1–1.0 that the
  key result ends *green* (score ≥ 0.7). It returns the Brier score, the mean confidence beside
  the hit rate, and a label: ``sandbagging`` (delivers more than they say), ``over-optimistic``
  (says more than they deliver) or ``calibrated``.
- :func:`monte_carlo_forecast` simulates the rest of the cycle many times by drawing weekly score
  increments from each metric key result's own check-in history (or from all metrics' history
  when it has fewer than three check-ins), and reports the median and the 10–90 % interval of the
  quarter-end score beside the linear forecast of :func:`okrkit.score`.
- :func:`quarter_end_statistics` counts and summarises scores per level and kind: the
  distribution, committed objectives met or missed, aspirational ones short, landed or exceeded.

Examples
--------
>>> from okrkit import CheckIn, KeyResult, Objective, OkrSet
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Grow", owner="Ana",
...     key_results=[KeyResult(id="K1", title="Visitors 0 to 100", start=0, target=100)])],
...     checkins=[CheckIn(key_result="K1", date="2026-01-20", value=30, confidence=4),
...               CheckIn(key_result="K1", date="2026-02-20", value=90, confidence=5)])
>>> cal = confidence_calibration(okrs, final_scores={"K1": 1.0})
>>> row = cal.iloc[0]
>>> row["owner"], float(row["mean_confidence"]), float(row["hit_rate"]), row["label"]
('Ana', 0.45, 1.0, 'sandbagging')
>>> mc = monte_carlo_forecast(okrs, as_of=dt.date(2026, 2, 20), runs=500)
>>> row = mc.iloc[0]
>>> bool(row["p10"] <= row["median"] <= row["p90"] <= 1.0)
True
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from okrkit.analysis._statistics import quarter_end_statistics
from okrkit.frames import Frames, to_frames
from okrkit.model import OkrSet
from okrkit.scoring import Scores, ScoringConfig, score

__all__ = ["confidence_calibration", "monte_carlo_forecast", "quarter_end_statistics"]

#: Labels of :func:`confidence_calibration`.
CALIBRATION_LABELS = ("sandbagging", "calibrated", "over-optimistic")

_CHUNK_CELLS = 2_000_000  # runs × key results simulated at once (bounds memory)


def _as_frames(data: OkrSet | Frames) -> Frames:
    return data if isinstance(data, Frames) else to_frames(data)


def _frames_list(data: OkrSet | Frames | Iterable[OkrSet | Frames]) -> list[Frames]:
    if isinstance(data, OkrSet | Frames):
        return [_as_frames(data)]
    return [_as_frames(d) for d in data]


def _days(dates: Any) -> np.ndarray[Any, Any]:
    """Day numbers (days since 1970-01-01) of a datetime column or array."""
    return np.asarray(dates).astype("datetime64[D]").astype("int64")


def _day(date: dt.date) -> int:
    return int(np.datetime64(date, "D").astype("int64"))


# --- confidence calibration ----------------------------------------------------------------------


def _final_series(frames: Frames, given: Any) -> pd.Series:
    """Final KR scores by KR id: given (Scores, mapping or Series) or scored at the cycle end."""
    if given is None:
        given = score(frames, frames.cycle.end)
    if isinstance(given, Scores):
        return pd.Series(
            given.key_results["score"].to_numpy("float64"), index=given.key_results["id"]
        )
    if isinstance(given, pd.Series):
        return given.astype("float64")
    return pd.Series(dict(given), dtype="float64")


def confidence_calibration(
    data: OkrSet | Frames | Iterable[OkrSet | Frames],
    *,
    final_scores: Scores | Mapping[str, float] | pd.Series | Sequence[Any] | None = None,
    hit_from: float = 0.7,
    margin: float = 0.15,
) -> pd.DataFrame:
    """How well each owner's weekly confidence foretold what they delivered.

    Every check-in with a confidence is a forecast: confidence ``c`` (1–10) reads as the
    probability ``c / 10`` that the key result ends the cycle with a score of at least
    ``hit_from`` (0.7, the green band: "delivered"). A key result that ends at or above it is a
    *hit* (outcome 1), else a miss (0). Owners are the key result's owner, else its objective's.

    Parameters
    ----------
    data
        One OKR set or :class:`~okrkit.frames.Frames`, or several (for instance one per quarter):
        each owner's check-ins of all of them are pooled.
    final_scores
        Final key result scores: a :class:`~okrkit.Scores`, a mapping or Series of key result id
        to score, or a sequence of those, one per set. Default: each set scored at its cycle's
        last day.
    hit_from
        The final score that counts as a hit.
    margin
        How far the mean confidence may sit from the hit rate and still count as calibrated.

    Returns
    -------
    pandas.DataFrame
        One row per owner, sorted by owner: ``owner``, ``checkins`` (check-ins with a confidence
        on key results with a final score), ``key_results``, ``mean_confidence`` (as a
        probability), ``hit_rate`` (share of those check-ins whose key result was a hit),
        ``bias`` (mean confidence − hit rate), ``brier`` (mean of (probability − outcome)²:
        0 is perfect, 0.25 is what always saying 5 earns on a coin flip) and ``label``:
        ``sandbagging`` when the bias is below −``margin``, ``over-optimistic`` above
        ``margin``, ``calibrated`` otherwise.

    Raises
    ------
    ValueError
        When ``final_scores`` is a sequence of another length than the sets.
    """
    sets = _frames_list(data)
    if isinstance(final_scores, Sequence) and not isinstance(final_scores, str | pd.Series):
        if len(final_scores) != len(sets):
            raise ValueError(
                f"final_scores holds {len(final_scores)} entries for {len(sets)} sets:"
                " give one per set, or one mapping for all"
            )
        givens: list[Any] = list(final_scores)
    else:
        givens = [final_scores] * len(sets)

    parts = []
    for i, (frames, given) in enumerate(zip(sets, givens, strict=True)):
        krs = frames.key_results
        o_owner = pd.Series(frames.objectives["owner"].to_numpy(), index=frames.objectives["id"])
        kr_owner = krs["owner"].fillna("").astype(str).str.strip()
        fallback = krs["objective"].map(o_owner).fillna("").astype(str)
        owner = pd.Series(
            np.where(kr_owner != "", kr_owner, fallback), index=krs["id"].to_numpy()
        ).replace("", "(no owner)")
        final = _final_series(frames, given)
        ci = frames.checkins
        parts.append(
            pd.DataFrame(
                {
                    "set": i,
                    "key_result": ci["key_result"].to_numpy(),
                    "p": ci["confidence"].to_numpy("float64") / 10.0,
                    "owner": ci["key_result"].map(owner).to_numpy(),
                    "final": ci["key_result"].map(final).to_numpy("float64"),
                }
            )
        )
    columns = ["set", "key_result", "p", "owner", "final"]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    rows = rows.dropna(subset=["p", "owner", "final"])
    rows["hit"] = (rows["final"].to_numpy("float64") >= hit_from).astype("float64")
    rows["sq"] = (rows["p"].to_numpy("float64") - rows["hit"].to_numpy("float64")) ** 2
    rows["kr"] = rows["set"].astype(str) + "\x00" + rows["key_result"].astype(str)
    g = rows.groupby("owner", sort=True)
    out = pd.DataFrame(
        {
            "checkins": g.size(),
            "key_results": g["kr"].nunique(),
            "mean_confidence": g["p"].mean(),
            "hit_rate": g["hit"].mean(),
            "brier": g["sq"].mean(),
        }
    )
    out = out.rename_axis("owner").reset_index()
    out["checkins"] = out["checkins"].astype("int64")
    out["key_results"] = out["key_results"].astype("int64")
    out["bias"] = out["mean_confidence"] - out["hit_rate"]
    bias = out["bias"].to_numpy("float64")
    out["label"] = np.select(
        [bias < -margin, bias > margin], ["sandbagging", "over-optimistic"], "calibrated"
    ).astype(object)
    return out[
        [
            "owner",
            "checkins",
            "key_results",
            "mean_confidence",
            "hit_rate",
            "bias",
            "brier",
            "label",
        ]
    ]


# --- Monte Carlo forecast ------------------------------------------------------------------------


def monte_carlo_forecast(
    data: OkrSet | Frames,
    *,
    as_of: dt.date | None = None,
    runs: int = 2000,
    seed: int = 0,
    min_checkins: int = 3,
    config: ScoringConfig | None = None,
) -> pd.DataFrame:
    """Quarter-end scores simulated from the check-in history, with a 10–90 % interval.

    For each metric key result, the score path so far is the cycle start (score 0) followed by
    the score of each check-in up to ``as_of`` (the last one of a day counts; a metric without
    check-ins but with a ``current`` value has that one reading at ``as_of``). Each step gives a
    weekly increment: the score change times 7 / days between the readings. A run adds, for
    every week left between the last reading and the cycle's last day (the last week pro rata),
    an increment drawn at random from that key result's own steps, or from the steps of all
    metric key results when it has fewer than ``min_checkins`` readings; the sum is clipped to
    0–1. As in the linear forecast, milestones, qualitative key results and guardrails keep
    their current score; so do rates judged per period, targets with a bound but no start,
    metrics already at 1.0 (the target reached, as in the status rule), and every key result once
    the cycle has ended. A key result without a score ("no data", "not yet due") and a metric
    without any reading have no forecast (``NaN``) and leave their objective's runs. An
    objective's run is the weighted mean of its key results' runs,
    leaving out those without a forecast (as the linear forecast does).

    Parameters
    ----------
    data
        An OKR set or its :class:`~okrkit.frames.Frames`.
    as_of
        Check-ins after this date are ignored (default as in :func:`okrkit.score`).
    runs
        Simulated quarters per key result.
    seed
        Seed of the random generator: the same seed gives the same result.
    min_checkins
        Fewest readings for a key result to draw from its own history.
    config
        Scoring thresholds, passed to :func:`okrkit.score`.

    Returns
    -------
    pandas.DataFrame
        Key results first (in frame order), then objectives: ``item`` (``key result`` or
        ``objective``), ``id``, ``objective``, ``type``, ``kind``, ``score`` (now), ``forecast``
        (the linear one), ``p10``, ``median``, ``p90``, ``readings`` (metric readings the
        simulation starts from; summed for an objective) and ``basis`` (``own``,
        ``pooled``, ``held``, or ``None`` for a key result without any reading, whose figures
        are ``NaN``).

    Raises
    ------
    ValueError
        When ``runs`` is below 1.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    frames = _as_frames(data)
    scores = score(frames, as_of, config=config)
    cycle, as_of_day = frames.cycle, _day(scores.as_of)
    krs, sk = frames.key_results, scores.key_results
    n = len(krs)
    ktype = krs["type"].to_numpy().astype(str)
    # plain metrics move along a line; rates per period and bounds without a start are held
    simulated = ktype == "metric"
    if "per" in krs:
        simulated &= krs["per"].isna().to_numpy()
    if "bound" in krs:
        simulated &= krs["bound"].isna().to_numpy() | krs["start"].notna().to_numpy()
    start = krs["start"].to_numpy("float64")
    target = krs["target"].to_numpy("float64")

    def reading(code: np.ndarray[Any, Any], value: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        with np.errstate(invalid="ignore", divide="ignore"):
            out: np.ndarray[Any, Any] = np.clip(
                (value - start[code]) / (target[code] - start[code]), 0.0, 1.0
            )
        return out

    # Readings: check-ins up to as_of of metric key results, the last of each day.
    ci = frames.checkins
    codes = pd.Index(krs["id"]).get_indexer(ci["key_result"])
    days = _days(ci["date"])
    keep = (codes >= 0) & (days <= as_of_day)
    keep[keep] = simulated[codes[keep]]
    codes, days = codes[keep], days[keep]
    s = reading(codes, ci["value"].to_numpy("float64")[keep])
    has_checkin = np.bincount(codes, minlength=n) > 0
    all_codes = np.arange(n)
    current = reading(all_codes, krs["current"].to_numpy("float64"))
    only_current = simulated & ~has_checkin & ~np.isnan(current)
    origin = np.unique(np.concatenate([codes, all_codes[only_current]]))
    path = pd.DataFrame(
        {
            "code": np.concatenate([origin, codes, all_codes[only_current]]),
            "rank": np.concatenate(
                [np.zeros(len(origin)), np.ones(len(codes) + int(only_current.sum()))]
            ),
            "day": np.concatenate(
                [
                    np.full(len(origin), _day(cycle.start) - 1),
                    days,
                    np.full(int(only_current.sum()), as_of_day),
                ]
            ),
            "s": np.concatenate([np.zeros(len(origin)), s, current[only_current]]),
        }
    )
    path = path[~np.isnan(path["s"].to_numpy("float64"))]
    path = path.sort_values(["code", "rank", "day"], kind="stable")
    path = path.drop_duplicates(["code", "rank", "day"], keep="last")
    p_code = path["code"].to_numpy("int64")
    p_day = path["day"].to_numpy("int64")
    p_s = path["s"].to_numpy("float64")
    is_reading = path["rank"].to_numpy() == 1
    readings = np.bincount(p_code[is_reading], minlength=n)
    last_day = np.full(n, np.iinfo("int64").min)
    np.maximum.at(last_day, p_code[is_reading], p_day[is_reading])

    same = p_code[1:] == p_code[:-1]
    step_days = p_day[1:] - p_day[:-1]
    ok = same & (step_days > 0)
    weekly = (p_s[1:] - p_s[:-1])[ok] * 7.0 / step_days[ok]
    step_code = p_code[1:][ok]  # sorted by code
    own_len = np.bincount(step_code, minlength=n)
    own_off = np.concatenate([[0], np.cumsum(own_len)[:-1]])
    pool = weekly if len(weekly) else np.zeros(1)

    now = sk["score"].to_numpy("float64")
    weeks = np.where(readings > 0, np.maximum(_day(cycle.end) - last_day, 0) / 7.0, 0.0)
    if scores.as_of >= cycle.end:
        weeks[:] = 0.0  # the cycle is over: its scores are final
    no_reading = (simulated & (readings == 0)) | np.isnan(now)  # no score, nothing to forecast
    own = readings >= min_checkins
    held = ~simulated | (now >= 1.0) | (weeks <= 0)
    basis = np.select([held, own], ["held", "own"], "pooled").astype(object)
    basis[no_reading] = None
    # One flat array of weekly steps: the pool (all steps) first, then each KR's own, by code.
    flat = np.concatenate([pool, weekly])
    offset = np.where(own, own_off + len(pool), 0)
    length = np.where(own, own_len, len(pool))

    quant = np.full((3, n), np.nan)
    value = np.where(no_reading, np.nan, now)
    quant[:, ~no_reading] = value[~no_reading]

    # Objectives: constant part from held key results, runs × objectives for simulated ones.
    objectives = frames.objectives
    n_o = len(objectives)
    o_code = pd.Index(objectives["id"]).get_indexer(krs["objective"])
    weight = krs["weight"].to_numpy("float64")
    counted = (o_code >= 0) & ~no_reading
    sim = np.flatnonzero(~held & ~no_reading)
    const = counted & ~np.isin(all_codes, sim)
    o_weight = np.bincount(o_code[counted], weights=weight[counted], minlength=n_o)
    o_const = np.bincount(o_code[const], weights=(weight * value)[const], minlength=n_o)
    o_runs = np.zeros((runs, n_o))

    rng = np.random.default_rng(seed)
    sim = sim[np.argsort(o_code[sim], kind="stable")]
    chunk = max(1, _CHUNK_CELLS // runs)
    for lo in range(0, len(sim), chunk):
        part = sim[lo : lo + chunk]
        total = np.zeros((runs, len(part)))
        for w in range(math.ceil(float(weeks[part].max()))):
            share = np.clip(weeks[part] - w, 0.0, 1.0)
            pick = offset[part] + (rng.random((runs, len(part))) * length[part]).astype("int64")
            total += flat[pick] * share
        final = np.clip(now[part] + total, 0.0, 1.0)
        quant[:, part] = np.quantile(final, [0.1, 0.5, 0.9], axis=0)
        in_o = o_code[part] >= 0
        if in_o.any():
            oc = o_code[part][in_o]
            starts = np.flatnonzero(np.r_[True, oc[1:] != oc[:-1]])
            summed = np.add.reduceat(final[:, in_o] * weight[part][in_o], starts, axis=1)
            o_runs[:, oc[starts]] += summed

    with np.errstate(invalid="ignore", divide="ignore"):
        o_final = (o_runs + o_const) / o_weight
    o_quant = np.quantile(o_final, [0.1, 0.5, 0.9], axis=0) if n_o else np.full((3, 0), np.nan)
    so = scores.objectives
    kr_rows = pd.DataFrame(
        {
            "item": "key result",
            "id": sk["id"].to_numpy(),
            "objective": sk["objective"].to_numpy(),
            "type": ktype,
            "kind": sk["kind"].to_numpy(),
            "score": now,
            "forecast": sk["forecast"].to_numpy("float64"),
            "p10": quant[0],
            "median": quant[1],
            "p90": quant[2],
            "readings": readings,
            "basis": basis,
        }
    )
    o_rows = pd.DataFrame(
        {
            "item": "objective",
            "id": so["id"].to_numpy(),
            "objective": so["id"].to_numpy(),
            "type": None,
            "kind": so["kind"].to_numpy(),
            "score": so["score"].to_numpy("float64"),
            "forecast": so["forecast"].to_numpy("float64"),
            "p10": o_quant[0],
            "median": o_quant[1],
            "p90": o_quant[2],
            "readings": np.bincount(o_code[o_code >= 0], readings[o_code >= 0], n_o).astype(int),
            "basis": None,
        }
    )
    out = pd.concat([kr_rows, o_rows], ignore_index=True)
    out["basis"] = out["basis"].astype(object).where(out["basis"].notna(), None)
    return out

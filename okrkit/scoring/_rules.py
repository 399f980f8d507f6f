"""The scoring rules on columns: bands, the status decision, the expected pace, day numbers,
the score of a metric reading, of an ordinal zone, the periods of a rate and the status of a key
result without a score.

The one home of the grade bands (:func:`band`), of the status decision (:func:`decide_status`,
:func:`pending_status`) and of the scoring of a reading (:func:`metric_scores`,
:func:`zone_scores`, :func:`period_bounds`); :mod:`okrkit.scoring` documents them.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle, parse_date
from okrkit.lifecycle import FINISHED_AT
from okrkit.model import PERIODS, ZONES

__all__ = [
    "BANDS",
    "BAND_LABELS",
    "DEFAULT_ZONE_SCORES",
    "PENDING",
    "STATUSES",
    "STATUS_LABELS",
    "ScoringConfig",
    "band",
    "codes_of",
    "day_numbers",
    "decide_status",
    "default_as_of",
    "expected_pace",
    "metric_scores",
    "pending_status",
    "period_bounds",
    "zone_scores",
]

BANDS = ("red", "yellow", "green")
STATUSES = ("on track", "at risk", "off track")
#: Why a key result has no score yet: no reading at all, or a milestone before its due date.
#: Each is also the status of such a key result (a milestone not yet due takes its status from
#: its latest confidence when it has one, :func:`pending_status`).
PENDING = ("no data", "not yet due")
#: The score of each level an ordinal key result reaches (``ScoringConfig.zone_scores``).
DEFAULT_ZONE_SCORES: Mapping[str, float] = MappingProxyType(
    {"fail": 0.0, "commit": 0.3, "target": 0.7, "stretch": 1.0}
)


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
        (``None`` turns the rule off). A milestone not yet due with such a confidence is off
        track.
    confident_from
        A milestone not yet due whose latest confidence is at least this is on track; between
        ``low_confidence`` and this it is at risk.
    zone_scores
        The score of each level of an ordinal key result: ``fail``, ``commit``, ``target``,
        ``stretch``. Levels left out keep :data:`DEFAULT_ZONE_SCORES` (0.0, 0.3, 0.7, 1.0); the
        scores must lie in [0, 1] and rise from level to level.

    Raises
    ------
    ValueError
        When a limit is out of order, or ``zone_scores`` names an unknown level or does not rise.

    Examples
    --------
    >>> dict(ScoringConfig(zone_scores={"commit": 0.4}).zone_scores)
    {'fail': 0.0, 'commit': 0.4, 'target': 0.7, 'stretch': 1.0}
    """

    yellow_from: float = 0.4
    green_from: float = 0.7
    on_track: float = 0.9
    at_risk: float = 0.6
    aspirational_target: float = 0.7
    aspirational_floor: float = 0.6
    low_confidence: int | None = 3
    confident_from: int = 7
    zone_scores: Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_ZONE_SCORES, hash=False
    )

    def __post_init__(self) -> None:
        if not 0.0 <= self.yellow_from <= self.green_from <= 1.0:
            raise ValueError("need 0 <= yellow_from <= green_from <= 1")
        if not 0.0 <= self.at_risk <= self.on_track:
            raise ValueError("need 0 <= at_risk <= on_track")
        if self.low_confidence is not None and not self.low_confidence < self.confident_from:
            raise ValueError("need low_confidence < confident_from")
        unknown = sorted(str(k) for k in self.zone_scores if k not in ZONES)
        if unknown:
            raise ValueError(
                f"zone_scores names unknown level(s) {', '.join(unknown)}: use {', '.join(ZONES)}"
            )
        merged = {**DEFAULT_ZONE_SCORES, **self.zone_scores}
        values = [float(merged[z]) for z in ZONES]
        if not all(0.0 <= v <= 1.0 for v in values) or not all(
            a < b for a, b in itertools.pairwise(values)
        ):
            shown = ", ".join(f"{z} {v:g}" for z, v in zip(ZONES, values, strict=True))
            raise ValueError(
                f"zone_scores must lie in [0, 1] and rise from fail to stretch (got {shown})"
            )
        object.__setattr__(
            self, "zone_scores", MappingProxyType(dict(zip(ZONES, values, strict=True)))
        )


def default_as_of(cycle: Cycle, today: dt.date | None = None) -> dt.date:
    """Today, or the cycle's last day for a cycle that has ended."""
    return min(today or dt.date.today(), cycle.end)


def band(scores: Any, config: ScoringConfig | None = None) -> np.ndarray[Any, Any]:
    """Grade band of each score: ``red``, ``yellow`` or ``green`` (``None`` for NaN).

    The band follows the score as it is shown, to two decimals: 0.398 shows as 0.40 and is
    yellow, never "0.40 red".

    >>> band([0.0, 0.39, 0.4, 0.69, 0.7, 1.0]).tolist()
    ['red', 'red', 'yellow', 'yellow', 'green', 'green']
    >>> band([0.394, 0.398, 0.6949, 0.6951]).tolist()
    ['red', 'yellow', 'yellow', 'green']
    """
    config = config or ScoringConfig()
    s = np.asarray(scores, dtype="float64")
    yellow, green = _shown_from(config.yellow_from), _shown_from(config.green_from)
    with np.errstate(invalid="ignore"):
        pick = (s >= yellow).astype(np.int8) + (s >= green)
        pick[s < 0] = 3
    pick[np.isnan(s)] = 4
    return BAND_LABELS[pick]


#: Decimals of a score as every view shows it (``0.40``).
SHOWN_DECIMALS = 2


@functools.lru_cache(maxsize=64)
def _shown_from(limit: float) -> float:
    """The smallest score that shows (to :data:`SHOWN_DECIMALS`) as ``limit`` or more."""
    step = 10.0**-SHOWN_DECIMALS

    def shown(x: float) -> float:
        return float(f"{x:.{SHOWN_DECIMALS}f}")

    cut = limit - step / 2
    while shown(cut) < limit:
        cut = float(np.nextafter(cut, np.inf))
    while shown(float(np.nextafter(cut, -np.inf))) >= limit:
        cut = float(np.nextafter(cut, -np.inf))
    return cut


BAND_LABELS = np.array(["red", "yellow", "green", "", None], dtype=object)
STATUS_LABELS = np.array(["off track", "at risk", "on track", None], dtype=object)


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


def metric_scores(value: Any, start: Any, target: Any, bound: Any = None) -> np.ndarray[Any, Any]:
    """The score of each metric reading, in [0, 1] (``NaN`` for a missing reading).

    Without a ``bound``: (value − start) / (target − start), clipped. With ``bound``
    ``at_least`` (``at_most``), a value at or above (at or below) the target scores 1.0; short of
    it, the linear rule when a ``start`` lies on the far side of the target, else the share of the
    target reached (value / target for ``at_least``, target / value for ``at_most``; 0 unless
    both are positive), clipped. No baseline is invented.

    >>> metric_scores([6.5], [8.0], [5.0]).tolist()
    [0.5]
    >>> nps = metric_scores([45, 42, 21, -5, np.nan], np.nan, 42, "at_least")
    >>> nps.round(2).tolist()
    [1.0, 1.0, 0.5, 0.0, nan]
    >>> metric_scores([2.0, 4.0], np.nan, 2.0, "at_most").tolist()
    [1.0, 0.5]
    >>> metric_scores([30.0], 20.0, 40.0, "at_least").tolist()
    [0.5]
    """
    value = np.asarray(value, dtype="float64")
    start = np.asarray(start, dtype="float64")
    target = np.asarray(target, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # "+ 0.0" turns the -0.0 of a decreasing metric at its start into 0.0 (JSON shows "-0.0")
        linear = np.clip((value - start) / (target - start), 0.0, 1.0) + 0.0
    if bound is None:
        return np.asarray(linear)
    bound = np.asarray(bound, dtype=object)
    at_least, at_most = bound == "at_least", bound == "at_most"
    if not (at_least.any() or at_most.any()):
        return np.asarray(linear)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        met = (at_least & (value >= target)) | (at_most & (value <= target))
        positive = (value > 0) & (target > 0)
        share = np.where(at_least, value / target, target / value)
        share = np.clip(np.where(positive, share, 0.0), 0.0, 1.0)
        towards = (at_least & (start < target)) | (at_most & (start > target))
    bounded = np.where(met, 1.0, np.where(towards, linear, share))
    out = np.where(at_least | at_most, bounded, linear)
    out[np.isnan(value)] = np.nan
    return np.asarray(out)


def zone_scores(zones: Any, config: ScoringConfig | None = None) -> np.ndarray[Any, Any]:
    """The score of each ordinal level (``fail`` … ``stretch``; ``NaN`` for none).

    >>> zone_scores(["fail", "commit", "target", "stretch", None]).tolist()
    [0.0, 0.3, 0.7, 1.0, nan]
    """
    config = config or ScoringConfig()
    table = np.array([*(config.zone_scores[z] for z in ZONES), np.nan])
    codes = pd.Index(ZONES).get_indexer(np.asarray(zones, dtype=object))
    return np.asarray(table[codes])  # -1 (no level) reads the NaN at the end


def period_bounds(
    days: Any, periods: Any, cycle: Cycle
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """First and last day (day numbers) of the period each day falls in, clipped to the cycle.

    ``periods`` names each day's period: ``week`` (ISO weeks, Monday to Sunday), ``month`` or
    ``quarter`` (calendar months and quarters).

    >>> c = Cycle.parse("2026-Q1")
    >>> days = np.array(["2026-01-01", "2026-01-14", "2026-02-14", "2026-03-02"], "datetime64[D]")
    >>> first, last = period_bounds(days.astype("int64"), ["week", "week", "month", "quarter"], c)
    >>> [str(d) for d in first.astype("datetime64[D]")]
    ['2026-01-01', '2026-01-12', '2026-02-01', '2026-01-01']
    >>> [str(d) for d in last.astype("datetime64[D]")]
    ['2026-01-04', '2026-01-18', '2026-02-28', '2026-03-31']
    """
    days = np.asarray(days, dtype="int64")
    kind = pd.Index(PERIODS).get_indexer(np.asarray(periods, dtype=object))
    week, quarter = kind == PERIODS.index("week"), kind == PERIODS.index("quarter")
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype("int64")
    months = np.where(quarter, months - months % 3, months)
    span = np.where(quarter, 3, 1)

    def month_day(m: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.asarray(m.astype("datetime64[M]").astype("datetime64[D]").astype("int64"))

    monday = days - (days + 3) % 7  # 1970-01-01 was a Thursday
    first = np.where(week, monday, month_day(months))
    last = np.where(week, monday + 6, month_day(months + span) - 1)
    lo = np.datetime64(cycle.start, "D").astype("int64")
    hi = np.datetime64(cycle.end, "D").astype("int64")
    return np.maximum(first, lo), np.minimum(last, hi)


def pending_status(
    pending: np.ndarray[Any, Any], confidence: np.ndarray[Any, Any], config: ScoringConfig
) -> np.ndarray[Any, Any]:
    """The status of key results without a score: the ``pending`` reason itself, except for a
    milestone not yet due with a confidence, whose status the confidence gives: on track from
    ``config.confident_from``, off track at or below ``config.low_confidence``, else at risk.

    >>> pending_status(np.array(["not yet due"] * 4 + ["no data"], dtype=object),
    ...                np.array([8, 5, 2, np.nan, 9]), ScoringConfig()).tolist()
    ['on track', 'at risk', 'off track', 'not yet due', 'no data']
    """
    conf = np.asarray(confidence, dtype="float64")
    low = config.low_confidence
    with np.errstate(invalid="ignore"):
        by_confidence = np.where(
            conf >= config.confident_from,
            "on track",
            np.where(conf <= (-np.inf if low is None else low), "off track", "at risk"),
        )
    use = (pending == "not yet due") & ~np.isnan(conf)
    return np.asarray(np.where(use, by_confidence.astype(object), pending).astype(object))


def decide_status(
    score: np.ndarray[Any, Any],
    pace: np.ndarray[Any, Any],
    config: ScoringConfig,
    low_confidence: np.ndarray[Any, Any] | None = None,
) -> np.ndarray[Any, Any]:
    """The status of each score against its expected ``pace``: the one place status is decided.

    On track from ``config.on_track`` × pace (and always at 1.0), at risk from ``config.at_risk``
    × pace, else off track; where ``low_confidence`` is true, at best at risk below 1.0; ``None``
    for a missing score.
    """
    with np.errstate(invalid="ignore"):
        on = (score >= config.on_track * pace) | (score >= FINISHED_AT)
        risk = score >= config.at_risk * pace
        if low_confidence is not None:
            on &= ~(low_confidence & (score < FINISHED_AT))
    pick = np.where(on, 2, risk.astype(np.int8))
    pick[np.isnan(score)] = 3
    return STATUS_LABELS[pick]

"""The scoring rules on columns: bands, the status decision, the expected pace, day numbers.

The one home of the grade bands (:func:`band`) and of the status decision (:func:`decide_status`);
:mod:`okrkit.scoring` documents them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle, parse_date
from okrkit.lifecycle import FINISHED_AT

__all__ = [
    "BANDS",
    "BAND_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "ScoringConfig",
    "band",
    "codes_of",
    "day_numbers",
    "decide_status",
    "default_as_of",
    "expected_pace",
]

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

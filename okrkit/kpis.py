"""KPI health: the four parts a KPI needs, and on track / at risk / off track against its target.

Plain functions on the KPI frame (:attr:`Frames.kpis <okrkit.frames.Frames>`), one row per KPI,
computed on columns; the KPI board (:mod:`okrkit.ui.kpis`) shows what they return. See also
``docs/scoring.md`` ("KPI status").

- :func:`kpi_missing_parts` names the parts a KPI lacks (:data:`KPI_PARTS`: target, time frame,
  data source, monitoring frequency), as the quality check ``OKR401`` does.
- :func:`kpi_status` says whether each KPI is on track; :func:`kpi_progress` also gives the
  period its time frame names, the share of it that has passed and the value expected by now.

Two rules, chosen per KPI:

**Pace** — a KPI with a ``baseline``, a ``target`` different from it and a ``timeframe`` that
names a period (:func:`kpi_period`) is judged as a key result is: the value expected by the as-of
date is ``baseline + (target − baseline) × elapsed``, where ``elapsed`` is the share of the
period passed at the end of the as-of day. Its progress, ``(current − baseline) / (target −
baseline)`` clipped to [0, 1], is compared with ``elapsed`` by :func:`okrkit.scoring.decide_status`,
the one home of the status rule: on track from ``ScoringConfig.on_track`` (90 %) of the pace, at
risk from ``ScoringConfig.at_risk`` (60 %), off track below; reaching the target is always on
track. The line from baseline to target gives the direction (``direction`` is not used).

**Level** — any other KPI (no baseline, the target equal to the baseline, or a time frame that
names no period, such as ``"ongoing"`` or an empty one) holds its target as a level, in its
``direction``:

============  ==================================================================
on track      the target is reached: current ≥ target (``up``) or ≤ target (``down``)
at risk       not reached, but within 10 % of the target (``tolerance``):
              \\|current − target\\| ≤ 0.1 × \\|target\\|
off track     further away than that
(none)        no target or no current value: the status cannot be told
============  ==================================================================

Examples
--------
>>> import pandas as pd
>>> kpis = pd.DataFrame({"target": [20, 20, 20, 3.7, None], "current": [25, 19, 6, 4.2, 5],
...                      "direction": ["up", "up", "up", "down", "up"]})
>>> kpi_status(kpis).tolist()
['on track', 'at risk', 'off track', 'off track', None]

With a baseline and a quarter as time frame, half-way through the quarter half the way from
baseline to target is expected:

>>> paced = pd.DataFrame({"baseline": [10.0, 10.0], "target": [20.0, 20.0],
...                       "current": [15.0, 12.0], "timeframe": ["2026-Q1", "2026-Q1"],
...                       "direction": ["up", "up"]})
>>> kpi_status(paced, as_of=dt.date(2026, 2, 14)).tolist()
['on track', 'off track']
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import MAX_YEAR, MIN_YEAR, Cycle
from okrkit.errors import ValidationError
from okrkit.scoring import ScoringConfig, decide_status, default_as_of

__all__ = [
    "KPI_PARTS",
    "KPI_RULES",
    "kpi_missing_parts",
    "kpi_period",
    "kpi_progress",
    "kpi_status",
]

#: The four parts every KPI needs, as column names of the KPI frame.
KPI_PARTS = ("target", "timeframe", "data_source", "frequency")

#: How :func:`kpi_progress` judged a KPI: against the pace through its period, or as a level.
KPI_RULES = ("pace", "level")


def _blank(column: pd.Series) -> pd.Series:
    """True where a text cell is missing or only spaces."""
    return column.isna() | (column.astype(object).fillna("").astype(str).str.strip() == "")


def kpi_missing_parts(kpis: pd.DataFrame) -> pd.Series:
    """The parts each KPI lacks, as a tuple of names from :data:`KPI_PARTS` (empty when whole).

    A part is missing when ``target`` is empty, or when ``timeframe``, ``data_source`` or
    ``frequency`` is empty or only spaces.

    Parameters
    ----------
    kpis
        A frame with ``target``, ``timeframe``, ``data_source`` and ``frequency`` columns.

    Returns
    -------
    pandas.Series
        Indexed like ``kpis``, named ``missing``; each cell a tuple in :data:`KPI_PARTS` order.

    Examples
    --------
    >>> kpis = pd.DataFrame({"target": [20.0, None], "timeframe": ["2026-Q1", ""],
    ...                      "data_source": ["CRM", "CRM"], "frequency": ["weekly", None]})
    >>> kpi_missing_parts(kpis).tolist()
    [(), ('target', 'timeframe', 'frequency')]
    """
    lacks = pd.DataFrame(
        {
            "target": kpis["target"].isna(),
            "timeframe": _blank(kpis["timeframe"]),
            "data_source": _blank(kpis["data_source"]),
            "frequency": _blank(kpis["frequency"]),
        },
        index=kpis.index,
    )
    return pd.Series(
        [tuple(p for p in KPI_PARTS if row[p]) for row in lacks.to_dict("records")],
        index=kpis.index,
        dtype=object,
        name="missing",
    )


# --- the period a time frame names ----------------------------------------------------------

_YEAR = r"(\d{4})"
_QUARTER = re.compile(
    rf"(?<!\w){_YEAR}\s*[-/ ]?\s*[Qq]([1-4])(?!\w)|(?<!\w)[Qq]([1-4])\s*[-/ ]?\s*{_YEAR}(?!\w)"
)
_HALF = re.compile(
    rf"(?<!\w){_YEAR}\s*[-/ ]?\s*[Hh]([12])(?!\w)|(?<!\w)[Hh]([12])\s*[-/ ]?\s*{_YEAR}(?!\w)"
)
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—|to|till|-)\s*(\d{4}-\d{2}-\d{2})")
_LONE_YEAR = re.compile(rf"(?<![\w-]){_YEAR}(?![\w-])")
_LONE_QUARTER = re.compile(r"^[Qq]([1-4])$")
_LONE_HALF = re.compile(r"^[Hh]([12])$")

#: Time frames that name the set's cycle, its quarter, its year or the month of the as-of date.
_WORDS = {
    "cycle": ("cycle", "the cycle", "this cycle", "period", "the period", "this period",
              "perioden", "denna period", "cykel", "cykeln"),
    "quarter": ("quarter", "the quarter", "this quarter", "quarterly", "per quarter",
                "kvartal", "kvartalet", "detta kvartal", "innevarande kvartal", "kvartalsvis",
                "per kvartal"),
    "half": ("half year", "half-year", "this half", "halvår", "halvåret", "per halvår"),
    "year": ("year", "the year", "this year", "yearly", "annual", "annually", "per year",
             "full year", "år", "året", "i år", "helår", "helåret", "årligen", "per år"),
    "month": ("month", "the month", "this month", "monthly", "per month", "månad",
              "månaden", "denna månad", "månadsvis", "per månad"),
}  # fmt: skip
_WORD_KIND = {word: kind for kind, words in _WORDS.items() for word in words}


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    c = Cycle.quarter(year, q)
    return c.start, c.end


def _half(year: int, h: int) -> tuple[dt.date, dt.date]:
    return (
        (dt.date(year, 1, 1), dt.date(year, 6, 30))
        if h == 1
        else (
            dt.date(year, 7, 1),
            dt.date(year, 12, 31),
        )
    )


def _month(day: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _named(kind: str, day: dt.date, cycle: Cycle | None) -> tuple[dt.date, dt.date]:
    """The quarter, half year, year or month that holds ``day`` (or the cycle itself)."""
    if kind == "cycle" and cycle is not None:
        return cycle.start, cycle.end
    if kind == "quarter":
        if cycle is not None and (cycle.start, cycle.end) == _quarter(
            cycle.start.year, (cycle.start.month - 1) // 3 + 1
        ):
            return cycle.start, cycle.end
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == "half":
        return _half(day.year, 1 if day.month <= 6 else 2)
    if kind == "month":
        return _month(day)
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def _spans(text: str) -> list[tuple[dt.date, dt.date]]:
    """Every period named in ``text`` by an id: ranges, quarters, halves, then lone years."""
    found: list[tuple[dt.date, dt.date]] = []

    def take(pattern: re.Pattern[str], make: object) -> None:
        nonlocal text

        def each(m: re.Match[str]) -> str:
            found.append(make(m))  # type: ignore[operator]
            return " "

        text = pattern.sub(each, text)

    take(
        _RANGE,
        lambda m: (dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))),
    )
    take(_QUARTER, lambda m: _quarter(int(m.group(1) or m.group(4)), int(m.group(2) or m.group(3))))
    take(_HALF, lambda m: _half(int(m.group(1) or m.group(4)), int(m.group(2) or m.group(3))))
    take(_LONE_YEAR, lambda m: (dt.date(int(m.group(1)), 1, 1), dt.date(int(m.group(1)), 12, 31)))
    return found


@functools.lru_cache(maxsize=1024)
def _period(text: str, cycle: Cycle | None, day: dt.date) -> Cycle | None:
    words = " ".join(text.strip().lower().replace("_", " ").split())
    words = re.sub(r"^(by (the )?end of|end of|until|through|during|in|within|by|senast|under"
                   r"|till|t\.o\.m\.?|före)\s+", "", words)  # fmt: skip
    words = re.sub(r"^(the|this|denna|detta)\s+(?=\d|q\d|h\d)", "", words)
    if not words:
        return None
    if words in _WORD_KIND:
        start, end = _named(_WORD_KIND[words], day, cycle)
        ident = cycle.id if (cycle and (start, end) == (cycle.start, cycle.end)) else None
        return _cycle(ident, start, end)
    lone = _LONE_QUARTER.match(words) or _LONE_HALF.match(words)
    if lone:
        year = (cycle.start if cycle is not None else day).year
        make = _quarter if lone.re is _LONE_QUARTER else _half
        return _cycle(None, *make(year, int(lone.group(1))))
    try:
        spans = _spans(words)
    except ValueError:  # a range of dates that do not exist (2026-02-30)
        return None
    if not spans:
        return None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return _cycle(None, start, end)


def _cycle(ident: str | None, start: dt.date, end: dt.date) -> Cycle | None:
    if end < start or not MIN_YEAR <= start.year <= end.year <= MAX_YEAR:
        return None
    try:
        return Cycle(id=ident or _ident(start, end), start=start, end=end)
    except ValidationError:  # longer than a year: not a period okrkit paces
        return None


def _ident(start: dt.date, end: dt.date) -> str:
    """``2026-Q1``, ``2026-H1``, ``2026``, ``2026-03`` or ``2026-01-01..2026-06-30``."""
    for q in range(1, 5):
        if (start, end) == _quarter(start.year, q):
            return f"{start.year}-Q{q}"
    for h in (1, 2):
        if (start, end) == _half(start.year, h):
            return f"{start.year}-H{h}"
    if (start, end) == (dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)):
        return str(start.year)
    if (start, end) == _month(start):
        return f"{start:%Y-%m}"
    return f"{start.isoformat()}..{end.isoformat()}"


def kpi_period(
    timeframe: object, cycle: str | Cycle | None = None, as_of: dt.date | None = None
) -> Cycle | None:
    """The period a KPI's time frame names, or ``None`` when it names none.

    A time frame names a period when it is, or holds:

    - a quarter, half year or year: ``2026-Q4``, ``Q4 2026``, ``2026-H1``, ``H2 2026``, ``2026``
      (words around it are fine: ``"by end of 2026-Q1"``; several ids span from the first
      to the last: ``"2026-Q1 – 2026-Q2"``);
    - dates: ``2026-01-01..2026-06-30``;
    - a word for the set's cycle or a calendar period, in English or Swedish: ``cycle``/
      ``period``/``perioden`` (the cycle), ``quarter``/``kvartal``/``quarterly`` (the cycle when
      it is a quarter, else the quarter holding the as-of date), ``Q1``…``Q4``/``H1``/``H2``
      alone (of the cycle's year), ``year``/``år``, ``half year``/``halvår``, ``month``/
      ``månad`` (the one holding the as-of date).

    An empty time frame (``OKR401`` reports it), ``"ongoing"``, ``"per project"`` and any other
    text name no period: the KPI is then judged as a level (see the module docstring). A period
    longer than a year names none either.

    Parameters
    ----------
    timeframe
        The KPI's ``timeframe`` text.
    cycle
        The set's cycle, for the words that refer to it (default: none; they then refer to the
        calendar period of ``as_of``).
    as_of
        The day the words ``quarter``, ``month`` … are read at (default: as
        :func:`okrkit.scoring.default_as_of`, or today without a cycle). It is moved into the
        cycle when outside it.

    Returns
    -------
    Cycle or None
        The period, with an id such as ``2026-Q1``, ``2026-H1``, ``2026``, ``2026-03`` or
        ``2026-01-01..2026-06-30``.

    Examples
    --------
    >>> kpi_period("2026-H1").id, kpi_period("by end of Q4 2026").id
    ('2026-H1', '2026-Q4')
    >>> kpi_period("kvartal", "2026-Q3").id, kpi_period("Q2", "2026").id
    ('2026-Q3', '2026-Q2')
    >>> kpi_period("month", "2026-Q1", dt.date(2026, 2, 14)).id
    '2026-02'
    >>> kpi_period("ongoing") is None, kpi_period("") is None
    (True, True)
    """
    if not isinstance(timeframe, str | int) or isinstance(timeframe, bool):
        return None
    c = Cycle.parse(cycle) if cycle is not None else None
    day = _as_of(c, as_of)
    if c is not None:
        day = min(max(day, c.start), c.end)
    return _period(str(timeframe), c, day)


def _as_of(cycle: Cycle | None, as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_of
    return default_as_of(cycle) if cycle is not None else dt.date.today()


def _numbers(kpis: pd.DataFrame, name: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A column as floats (NaN where missing or not a number); all NaN without the column."""
    if name not in kpis.columns:
        return np.full(len(kpis), np.nan)
    column = pd.to_numeric(kpis[name], errors="coerce")
    return np.asarray(column.to_numpy("float64", na_value=np.nan), dtype=np.float64)


def kpi_progress(
    kpis: pd.DataFrame,
    *,
    cycle: str | Cycle | None = None,
    as_of: dt.date | None = None,
    config: ScoringConfig | None = None,
    tolerance: float = 0.1,
) -> pd.DataFrame:
    """Each KPI's period, elapsed share, value expected by now, rule and status.

    Parameters
    ----------
    kpis
        A frame with ``target``, ``current`` and ``direction`` columns, and for the pace rule
        ``baseline`` and ``timeframe`` (a frame without them is judged as levels).
    cycle
        The set's cycle (``Frames.cycle``), for time frames such as ``"quarter"``.
    as_of
        The day the status is told at. Default: today, or the cycle's last day once the cycle
        has ended (:func:`okrkit.scoring.default_as_of`); today without a cycle.
    config
        The status limits (``on_track``, ``at_risk``); default :class:`~okrkit.ScoringConfig`.
    tolerance
        The level rule's "at risk" band, as a share of the target (default 10 %).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``kpis``: ``period`` (the period's id, ``None`` when the time frame names
        none), ``elapsed`` (share of the period passed at the end of the as-of day),
        ``expected`` (the value expected by now; the target for the level rule), ``rule``
        (``"pace"`` or ``"level"``, :data:`KPI_RULES`) and ``status`` (as :func:`kpi_status`).

    Examples
    --------
    >>> kpis = pd.DataFrame({"baseline": [40.0, None], "target": [60.0, 99.9],
    ...                      "current": [47.0, 99.95], "timeframe": ["2026-H1", "ongoing"],
    ...                      "direction": ["up", "up"]})
    >>> p = kpi_progress(kpis, as_of=dt.date(2026, 3, 31))
    >>> p[["period", "rule", "status"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'period': '2026-H1', 'rule': 'pace', 'status': 'at risk'},
     {'period': None, 'rule': 'level', 'status': 'on track'}]
    >>> round(float(p["expected"][0]), 1)  # 90 of 181 days: 40 + 20 × 0.497
    49.9
    """
    c = Cycle.parse(cycle) if cycle is not None else None
    day = _as_of(c, as_of)
    config = config or ScoringConfig()
    n = len(kpis)
    target = _numbers(kpis, "target")
    current = _numbers(kpis, "current")
    baseline = _numbers(kpis, "baseline")
    frames = kpis["timeframe"] if "timeframe" in kpis.columns else pd.Series([None] * n)
    pick = day if c is None else min(max(day, c.start), c.end)
    periods = [
        _period(str(t), c, pick) if isinstance(t, str | int) and not isinstance(t, bool) else None
        for t in frames.tolist()
    ]
    elapsed = np.array([np.nan if p is None else p.elapsed(day) for p in periods], dtype="float64")
    span = target - baseline
    with np.errstate(invalid="ignore"):
        paced = ~np.isnan(elapsed) & ~np.isnan(span) & (span != 0)
    # pace: progress from baseline to target against the elapsed share, by scoring's rule
    with np.errstate(invalid="ignore", divide="ignore"):
        progress = np.clip(np.where(paced, (current - baseline) / span, np.nan), 0.0, 1.0)
        expected = np.where(paced, baseline + span * elapsed, target)
    by_pace = decide_status(progress, np.where(paced, elapsed, 0.0), config)
    # level: the target as a level to hold, in the KPI's direction
    down = (kpis["direction"].astype(object) == "down").to_numpy() if n else np.zeros(0, bool)
    shortfall = np.where(down, current - target, target - current)  # > 0: not there yet
    with np.errstate(invalid="ignore"):
        on = shortfall <= 0
        risk = shortfall <= tolerance * np.abs(target)
    by_level = np.select([on, risk], ["on track", "at risk"], "off track").astype(object)
    by_level[np.isnan(target) | np.isnan(current)] = None
    status = np.where(paced, by_pace, by_level).astype(object)
    status[pd.isna(status)] = None

    def text(values: object) -> pd.Series:
        return pd.Series(values, index=kpis.index, dtype=object)  # None stays None

    return pd.DataFrame(
        {
            "period": text([p.id if p is not None else None for p in periods]),
            "elapsed": pd.Series(elapsed, index=kpis.index),
            "expected": pd.Series(expected, index=kpis.index),
            "rule": text(np.where(paced, "pace", "level")),
            "status": text(status),
        },
        index=kpis.index,
    )


def kpi_status(
    kpis: pd.DataFrame,
    *,
    tolerance: float = 0.1,
    cycle: str | Cycle | None = None,
    as_of: dt.date | None = None,
    config: ScoringConfig | None = None,
) -> pd.Series:
    """Status of each KPI: ``on track``, ``at risk``, ``off track`` or ``None``.

    Parameters
    ----------
    kpis
        A frame with ``target``, ``current`` and ``direction`` (``up``/``down``) columns, and
        ``baseline`` and ``timeframe`` for the pace rule (see the module docstring).
    tolerance
        The level rule: how close to the target, as a share of it, still counts as "at risk"
        (default 10 %).
    cycle, as_of, config
        As :func:`kpi_progress`.

    Returns
    -------
    pandas.Series
        Indexed like ``kpis``, named ``status``; ``None`` where the target or the current value
        is missing. See the module docstring for the rules.

    Examples
    --------
    >>> kpis = pd.DataFrame({"target": [100.0, 100.0], "current": [80.0, 96.0],
    ...                      "direction": ["up", "up"]})
    >>> kpi_status(kpis).tolist(), kpi_status(kpis, tolerance=0.25).tolist()
    (['off track', 'at risk'], ['at risk', 'at risk'])
    """
    found = kpi_progress(kpis, cycle=cycle, as_of=as_of, config=config, tolerance=tolerance)
    return found["status"].rename("status")

"""Cycles: the period an OKR set runs for (a quarter, a year, or explicit dates)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from okrkit.errors import InputError, ValidationError

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_YEAR",
    "MIN_YEAR",
    "Cycle",
    "current_quarter",
    "parse_date",
]

_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_MAX_DAYS = 366

#: The first and last year of any date okrkit holds (cycles, check-ins, as-of dates). Excel's
#: dates begin in 1900 (an earlier date comes back from a workbook as a time of day), and pandas 2
#: keeps dates as nanoseconds since 1970, which end on 2262-04-11; 2200 leaves room to spare.
#: See docs/limits.md.
MIN_YEAR = 1900
MAX_YEAR = 2200
FIRST_DAY = dt.date(MIN_YEAR, 1, 1)
LAST_DAY = dt.date(MAX_YEAR, 12, 31)
_YEARS_FIX = f"okrkit handles the years {MIN_YEAR} to {MAX_YEAR}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle:
    """The period an OKR set runs for.

    Build one with :meth:`parse` from ``"2026-Q1"``, ``"2026"`` or a mapping with ``id``,
    ``start`` and ``end``.

    Examples
    --------
    >>> c = Cycle.parse("2026-Q1")
    >>> c.start, c.end
    (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    >>> c.elapsed(dt.date(2026, 2, 14))
    0.5
    >>> Cycle.parse("2026-Q4").next().id
    '2027-Q1'
    """

    id: str
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValidationError(
                "the cycle needs an id", field="cycle", fix="write e.g. cycle: 2026-Q1"
            )
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise ValidationError(
                    f"{value!r} is not a date",
                    field=f"cycle.{name}",
                    fix="write an ISO date such as 2026-01-01",
                )
        for name in ("start", "end"):
            day = getattr(self, name)
            if not FIRST_DAY <= day <= LAST_DAY:
                raise ValidationError(
                    f"the cycle {name}s in the year {day.year}, which is out of range",
                    field=f"cycle.{name}",
                    fix=f"{_YEARS_FIX}; give a date from {FIRST_DAY} to {LAST_DAY}",
                )
        if self.end < self.start:
            raise ValidationError(
                f"the cycle ends ({self.end}) before it starts ({self.start})",
                field="cycle.end",
                fix="swap start and end",
            )
        if (self.end - self.start).days >= _MAX_DAYS:
            raise ValidationError(
                f"the cycle runs {(self.end - self.start).days + 1} days",
                field="cycle.end",
                fix="OKRs longer than a year grow stale; split it into quarters or years",
            )

    @classmethod
    def parse(cls, value: object) -> Cycle:
        """Read a cycle from ``"2026-Q1"``, ``"2026"``, ``2026`` or a mapping.

        Raises
        ------
        ValidationError
            When the text is not a quarter or a year, or the mapping lacks ``start``/``end``.
        InputError
            When the mapping has a key other than ``id``, ``start`` and ``end``.
        """
        if isinstance(value, Cycle):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            text = value.strip()
            m = _QUARTER.match(text) or _YEAR.match(text)
            if m:
                year = int(m.group(1))
                if not MIN_YEAR <= year <= MAX_YEAR:
                    raise ValidationError(
                        f"{text!r} is not a cycle: year {year} is out of range",
                        field="cycle",
                        fix=f"{_YEARS_FIX}; write a cycle such as 2026-Q1",
                    )
                if m.re is _QUARTER:
                    return cls.quarter(year, int(m.group(2)))
                return cls(id=text, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
            raise ValidationError(
                f"{text!r} is not a cycle",
                field="cycle",
                fix="write a quarter (2026-Q1), a year (2026) or {id, start, end}",
            )
        if isinstance(value, Mapping):
            unknown = sorted(map(str, set(value) - {"id", "start", "end"}))
            if unknown:
                raise InputError(
                    f"unknown key(s) {unknown} in the cycle",
                    field=f"cycle.{unknown[0]}",
                    fix="a cycle mapping takes only id, start and end",
                )
            missing = [k for k in ("start", "end") if value.get(k) is None]
            if missing:
                raise ValidationError(
                    f"the cycle lacks {', '.join(missing)}",
                    field="cycle",
                    fix="give start and end as ISO dates",
                )
            start = parse_date(value["start"], field="cycle.start")
            end = parse_date(value["end"], field="cycle.end")
            ident = value.get("id") or f"{start.isoformat()}..{end.isoformat()}"
            return cls(id=str(ident), start=start, end=end)
        raise ValidationError(
            f"{value!r} is not a cycle",
            field="cycle",
            fix="write a quarter (2026-Q1), a year (2026) or {id, start, end}",
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Cycle:
        """The calendar quarter ``quarter`` (1–4) of ``year`` (:data:`MIN_YEAR`–:data:`MAX_YEAR`).

        Raises
        ------
        ValidationError
            When the year is out of range.
        """
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(
                f"the quarter {year}-Q{quarter} is out of range",
                field="cycle",
                fix=f"{_YEARS_FIX}; write a cycle such as 2026-Q1",
            )
        first_month = 3 * (quarter - 1) + 1
        start = dt.date(year, first_month, 1)
        if quarter == 4:
            end = dt.date(year, 12, 31)
        else:
            end = dt.date(year, first_month + 3, 1) - dt.timedelta(days=1)
        return cls(id=f"{year}-Q{quarter}", start=start, end=end)

    @property
    def days(self) -> int:
        """Length of the cycle in days, both ends included."""
        return (self.end - self.start).days + 1

    def elapsed(self, as_of: dt.date) -> float:
        """Share of the cycle that has passed at the end of ``as_of``, in [0, 1]."""
        done = (as_of - self.start).days + 1
        return min(max(done / self.days, 0.0), 1.0)

    def next(self) -> Cycle:
        """The cycle that follows: next quarter, next year, or a period of equal length.

        Raises
        ------
        ValidationError
            When the cycle that follows would end after :data:`LAST_DAY`.
        """
        if (self.end + dt.timedelta(days=self.days)).year > MAX_YEAR:
            raise ValidationError(
                f"no cycle follows {self.id}: the next one would end after {LAST_DAY}",
                field="cycle",
                fix=f"{_YEARS_FIX}; name a cycle that ends by then",
            )
        m = _QUARTER.match(self.id)
        if m:
            year, q = int(m.group(1)), int(m.group(2))
            return Cycle.quarter(year + (q == 4), q % 4 + 1)
        if _YEAR.match(self.id):
            return Cycle.parse(str(int(self.id) + 1))
        start = self.end + dt.timedelta(days=1)
        end = start + dt.timedelta(days=self.days - 1)
        return Cycle(id=f"{start.isoformat()}..{end.isoformat()}", start=start, end=end)

    def to_yaml(self) -> str | dict[str, object]:
        """The cycle as written in YAML: its id when the id says it all, else a mapping."""
        try:
            if Cycle.parse(self.id) == self:
                return self.id
        except ValidationError:
            pass
        return {"id": self.id, "start": self.start, "end": self.end}


def current_quarter(today: dt.date | None = None) -> Cycle:
    """The calendar quarter that holds ``today`` (default: today)."""
    today = today or dt.date.today()
    return Cycle.quarter(today.year, (today.month - 1) // 3 + 1)


def parse_date(value: object, *, field: str) -> dt.date:
    """Read a date from a ``date``, a ``datetime`` or an ISO text; raise a clear error else.

    The date must lie in the years :data:`MIN_YEAR` to :data:`MAX_YEAR`.
    """
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(text[:10] if len(text) > 10 and "T" in text else text)
    if day is None:
        raise ValidationError(
            f"{value!r} is not a date", field=field, fix="write an ISO date such as 2026-02-03"
        )
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            f"{day.isoformat()} is out of range",
            field=field,
            fix=f"{_YEARS_FIX}; give a date from {FIRST_DAY} to {LAST_DAY}",
        )
    return day

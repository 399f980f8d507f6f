"""Check-ins checked and built column by column, and the check-in dates of a cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any, cast

import numpy as np

from okrkit.cycles import FIRST_DAY, LAST_DAY, Cycle
from okrkit.errors import ValidationError
from okrkit.lifecycle import check_checkin_date, checkin_in_cycle
from okrkit.model._fields import (
    MAX_CONFIDENCE,
    MAX_GRADE,
    MAX_NUMBER,
    MIN_CONFIDENCE,
    MIN_GRADE,
    text_field,
)
from okrkit.model._records import CheckIn

__all__ = ["check_checkin_dates", "checkins_from_columns", "types_of"]


def check_checkin_dates(
    days: Sequence[dt.date], key_results: Sequence[str], cycle: Cycle, *, numbered: bool = True
) -> None:
    """Refuse the first check-in dated outside ``cycle``, naming its key result and, when
    ``numbered``, its number (from 1).

    The rule is :func:`okrkit.lifecycle.check_checkin_date`; this applies it to a whole column of
    dates, looking at the earliest and latest day first.

    >>> try:
    ...     check_checkin_dates([dt.date(2026, 10, 5), dt.date(2026, 6, 1)], ["K1", "K2"],
    ...                         Cycle.parse("2026-Q4"))
    ... except ValidationError as exc:
    ...     print(exc.problem[:60])
    check-in 2 on key result K2: the check-in date 2026-06-01 is
    """
    distinct = set(days)
    if not distinct or (
        checkin_in_cycle(min(distinct), cycle) and checkin_in_cycle(max(distinct), cycle)
    ):
        return
    for i, day in enumerate(days):
        try:
            check_checkin_date(day, cycle, key_result=key_results[i])
        except ValidationError as exc:
            if not numbered:
                raise
            raise ValidationError(
                f"check-in {i + 1} on {exc.problem}", field=exc.field, fix=exc.fix
            ) from None


def checkins_from_columns(
    columns: Mapping[str, Sequence[object]], cycle: Cycle | None = None
) -> list[CheckIn] | None:
    """Check-ins built from whole columns, checked column by column instead of one by one.

    ``columns`` maps the keys of :class:`CheckIn` (and ``id``) to equally long sequences of
    plain values, ``None`` for a missing one. The result equals ``[CheckIn(**row) ...]`` with
    the missing values left out. ``None`` is returned, and nothing built, when a value is not
    already in its checked form (a number as text, an id with spaces around it, a bad value):
    the caller then builds the check-ins one by one, which raises the exact error.

    With ``cycle``, a check-in dated outside it is refused as :class:`OkrSet` refuses it
    (:func:`check_checkin_dates`).
    """
    unknown = set(columns) - {"id", *CheckIn.file_keys()}
    n = len(next(iter(columns.values()), ()))
    if unknown or any(len(col) != n for col in columns.values()):
        return None
    empty: Sequence[object] = (None,) * n
    col = {name: columns.get(name, empty) for name in ("id", *CheckIn.file_keys())}
    if not (
        types_of(col["id"]) <= {int, _NONE}
        and types_of(col["key_result"]) <= {str}
        and _dates(col["date"])
        and types_of(col["done"]) <= {bool, _NONE}
        and types_of(col["zone"]) <= {_NONE}  # ordinal check-ins: built one by one
        and _texts(col["key_result"], "key_result", required=True, ident=True)
        and _texts(col["note"], "note")
        and _texts(col["author"], "author")
    ):
        return None
    value, grade = _floats(col["value"], float), _floats(col["grade"], float)
    done = _floats(col["done"], bool)
    if value is None or grade is None or done is None:
        return None
    if ((grade < MIN_GRADE) | (grade > MAX_GRADE)).any():
        return None
    given = (~np.isnan(value)).astype(np.int8) + ~np.isnan(grade) + ~np.isnan(done)
    if n and not (given == 1).all():
        return None
    if cycle is not None:
        check_checkin_dates(
            cast(Sequence[dt.date], col["date"]), cast(Sequence[str], col["key_result"]), cycle
        )
    try:
        confidence = [_CONFIDENCES[c] for c in col["confidence"]]
    except (KeyError, TypeError):
        return None
    if not types_of(col["confidence"]) <= {int, float, _NONE}:  # True == 1 as a key
        return None
    note = [v if v is not None else "" for v in col["note"]] if None in col["note"] else col["note"]
    author = (
        [v if v is not None else "" for v in col["author"]]
        if None in col["author"]
        else col["author"]
    )
    new = object.__new__
    slot = {f.name: getattr(CheckIn, f.name).__set__ for f in fields(CheckIn)}
    set_id, set_kr, set_date = slot["id"], slot["key_result"], slot["date"]
    set_value, set_done, set_grade = slot["value"], slot["done"], slot["grade"]
    set_conf, set_note, set_author = slot["confidence"], slot["note"], slot["author"]
    set_zone = slot["zone"]
    out = []
    for ident, kr, day, v, d, g, c, nt, au in zip(
        col["id"], col["key_result"], col["date"], col["value"], col["done"], col["grade"],
        confidence, note, author, strict=True,
    ):  # fmt: skip
        item = new(CheckIn)
        set_id(item, ident)
        set_kr(item, kr)
        set_date(item, day)
        set_value(item, v)
        set_done(item, d)
        set_grade(item, g)
        set_zone(item, None)
        set_conf(item, c)
        set_note(item, nt)
        set_author(item, au)
        out.append(item)
    return out


_NONE = type(None)
_CONFIDENCES: dict[object, int | None] = {
    None: None,
    **{float(i): i for i in range(MIN_CONFIDENCE, MAX_CONFIDENCE + 1)},
}


def types_of(column: Iterable[object]) -> set[type]:
    return set(map(type, column))


def _dates(column: Sequence[object]) -> bool:
    """True when every value of ``column`` is a date from :data:`FIRST_DAY` to :data:`LAST_DAY`
    (checked on the distinct values: a column holds few days, many times)."""
    try:
        distinct = set(column)
    except TypeError:  # an unhashable value
        return False
    if not types_of(distinct) <= {dt.date}:
        return False
    days = cast(set[dt.date], distinct)
    return not days or (min(days) >= FIRST_DAY and max(days) <= LAST_DAY)


def _texts(column: Sequence[object], name: str, **how: bool) -> bool:
    """True when every value of ``column`` is ``None`` or text that :func:`text_field` keeps
    as is."""
    if not types_of(column) <= {str, _NONE}:
        return False
    try:
        return all(text_field(v, name, **how) == v for v in set(column) if v is not None)
    except ValidationError:
        return False


def _floats(column: Sequence[object], kind: type) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    """``column`` (values of type ``kind`` and ``None``) as a float array, ``None`` as NaN;
    ``None`` when a value is NaN, beyond :data:`MAX_NUMBER` or of another type."""
    if not types_of(column) <= {kind, _NONE}:
        return None
    array = np.array(column, dtype=np.float64)
    missing = np.isnan(array)
    if (np.abs(array) > MAX_NUMBER).any() or int(missing.sum()) != column.count(None):
        return None
    return array

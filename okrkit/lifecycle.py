"""What happens to key results over a cycle: valid check-in dates, finished, carried over.

Every rule here is written once and called by the store, the CLI, the importers, the checks and
every view:

- :func:`check_checkin`: what makes a check-in valid for its key result. It records the reading
  its key result's type takes (:data:`CHECKIN_FIELD`, :func:`check_reading`), and it is dated
  inside the key result's cycle, first and last day included (:func:`check_checkin_date`): a
  check-in counts in the cycle it is dated in. The ranges of its own fields (grade 0–1,
  confidence 1–10) are checked when the :class:`~okrkit.CheckIn` is made
  (``okrkit/model/_fields.py``).
- :func:`kr_finished` / :func:`finished_mask`: a key result is finished when it scores 1.0 or
  more, unless it is a guardrail (a guardrail is never done: it holds a level all cycle long).
- :func:`objective_unfinished` / :func:`unfinished_objectives`: an objective is unfinished when
  its score is below 1.0 or not known.
- :func:`next_cycle`: the cycle a review carries into.
- :func:`carry_plan`: which objectives and key results a carry-over copies, and how each copy
  starts.
- :func:`checkin_to_correct`: "correct today's check-in, else add one".

The module is pure: it takes values, frames and cycles and never reads the store or the screen.

>>> kr_finished(1.0, "metric"), kr_finished(1.0, "guardrail"), kr_finished(0.99, "milestone")
(True, False, False)
>>> objective_unfinished(float("nan")), objective_unfinished(1.2)
(True, False)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import NotFoundError, ValidationError
from okrkit.text import say

if TYPE_CHECKING:
    from okrkit.model import KeyResult, Objective, OkrSet

__all__ = [
    "CHECKIN_FIELD",
    "FINISHED_AT",
    "CarryPlan",
    "carried_id",
    "carry_plan",
    "check_checkin",
    "check_checkin_date",
    "check_reading",
    "checkin_in_cycle",
    "checkin_to_correct",
    "finished_mask",
    "in_cycle_mask",
    "kr_finished",
    "next_cycle",
    "objective_unfinished",
    "unfinished_objectives",
]

#: The score at which a key result is finished and an objective fully delivered.
FINISHED_AT = 1.0

#: The reading a check-in records for each key result type.
CHECKIN_FIELD: dict[str, str] = {
    "metric": "value",
    "guardrail": "value",
    "milestone": "done",
    "qualitative": "grade",
    "ordinal": "zone",
}


def _score(value: Any) -> float:
    """A score as a float; ``nan`` when it is missing."""
    if value is None or value is pd.NA:
        return math.nan
    return float(value)


# --- check-ins -------------------------------------------------------------------------------


def check_checkin(
    field_name: str,
    key_result: str,
    kr_type: str,
    day: dt.date,
    cycle: Cycle,
    *,
    label: str = "the check-in",
    lang: str = "en",
    place: Mapping[str, Any] | None = None,
) -> None:
    """Refuse a check-in that is not valid for its key result: the wrong reading, or a date
    outside the key result's cycle (:func:`check_reading`, :func:`check_checkin_date`).

    ``field_name`` is the reading the check-in records (``value``, ``done`` or ``grade``).

    >>> from okrkit.cycles import Cycle
    >>> check_checkin("done", "K2", "milestone", dt.date(2026, 11, 2), Cycle.parse("2026-Q4"))
    >>> try:
    ...     check_checkin("value", "K2", "milestone", dt.date(2026, 11, 2), Cycle.parse("2026-Q4"))
    ... except ValidationError as exc:
    ...     print(exc.problem)
    the check-in on milestone key result K2 records 'value'
    """
    check_reading(field_name, key_result, kr_type, label=label, place=place)
    check_checkin_date(day, cycle, key_result=key_result, lang=lang, place=place)


def check_reading(
    field_name: str,
    key_result: str,
    kr_type: str,
    *,
    label: str = "the check-in",
    place: Mapping[str, Any] | None = None,
) -> None:
    """Refuse a check-in that records another reading than its key result's type takes.

    Raises
    ------
    ValidationError
        Naming the key result, its type and the reading it takes.
    """
    expected = CHECKIN_FIELD.get(kr_type)
    if expected is None:
        raise ValidationError(
            f"{kr_type!r} is not a key result type",
            field="type",
            fix=f"use one of {', '.join(CHECKIN_FIELD)}",
        )
    if field_name == expected:
        return
    where = {"field": field_name, **(place or {})}
    raise ValidationError(
        f"{label} on {kr_type} key result {key_result} records '{field_name}'",
        fix=f"record '{expected}' for a {kr_type} key result",
        **where,
    )


def checkin_in_cycle(day: dt.date, cycle: Cycle) -> bool:
    """Whether a check-in dated ``day`` counts in ``cycle`` (both ends included).

    >>> from okrkit.cycles import Cycle
    >>> q4 = Cycle.parse("2026-Q4")
    >>> checkin_in_cycle(dt.date(2026, 12, 31), q4), checkin_in_cycle(dt.date(2026, 6, 30), q4)
    (True, False)
    """
    return cycle.start <= day <= cycle.end


def in_cycle_mask(dates: Any, cycle: Cycle) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """:func:`checkin_in_cycle` for a column of dates (``datetime64`` or dates); NaT: False.

    Scores count only the check-ins dated inside their cycle; a store written by okrkit before
    0.2 may hold others.

    >>> from okrkit.cycles import Cycle
    >>> in_cycle_mask(pd.to_datetime(["2026-06-30", "2026-10-01"]), Cycle.parse("2026-Q4"))
    array([False,  True])
    """
    days = np.asarray(dates).astype("datetime64[D]", copy=False)
    return (days >= np.datetime64(cycle.start, "D")) & (days <= np.datetime64(cycle.end, "D"))


def check_checkin_date(
    day: dt.date,
    cycle: Cycle,
    *,
    key_result: str | None = None,
    lang: str = "en",
    place: Mapping[str, Any] | None = None,
    field: str | None = "date",
) -> None:
    """Refuse a check-in dated outside its key result's cycle.

    ``place`` (file, line or row) is added to the error so a reader of a file sees where the date
    is; ``key_result`` is named in the message. A form, whose person sees the date field, passes
    ``field=None``.

    Raises
    ------
    ValidationError
        Naming the date, the cycle and its first and last day.

    >>> from okrkit.cycles import Cycle
    >>> try:
    ...     check_checkin_date(dt.date(2026, 6, 1), Cycle.parse("2026-Q4"))
    ... except ValidationError as exc:
    ...     print(exc.fix)
    date the check-in from 2026-10-01 to 2026-12-31; a check-in counts in the cycle it is dated in
    """
    if checkin_in_cycle(day, cycle):
        return
    values = {
        "date": day.isoformat(),
        "cycle": cycle.id,
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
    }
    where = {"field": field, **(place or {})}
    problem = say("lifecycle", "outside", lang, **values)
    if key_result is not None:
        problem = say("lifecycle", "of_key_result", lang, key_result=key_result, problem=problem)
    raise ValidationError(problem, fix=say("lifecycle", "outside_fix", lang, **values), **where)


def checkin_to_correct(checkins: pd.DataFrame, key_result: str, day: dt.date) -> int | None:
    """The id of ``key_result``'s active check-in dated ``day``, if there is one.

    A person who records a reading for a day that already has one corrects it (the store keeps
    the old reading in the history) instead of adding a second one for the same day. With several
    (imported) the latest recorded one is corrected. ``checkins`` is a frame as
    :meth:`okrkit.Store.checkins` returns it (active check-ins only).

    >>> df = pd.DataFrame({"id": [4, 7], "key_result": ["KR1", "KR1"],
    ...                    "date": pd.to_datetime(["2026-11-02", "2026-11-09"])})
    >>> day = dt.date(2026, 11, 9)
    >>> checkin_to_correct(df, "KR1", day), checkin_to_correct(df, "KR2", day)
    (7, None)
    """
    if checkins.empty:
        return None
    mine = checkins[checkins["key_result"] == key_result]
    same_day = mine[[pd.Timestamp(d).date() == day for d in mine["date"]]]
    if "state" in same_day.columns:
        same_day = same_day[same_day["state"] == "active"]
    if same_day.empty:
        return None
    return int(same_day["id"].iloc[-1])


# --- finished and unfinished -----------------------------------------------------------------


def kr_finished(score: Any, kr_type: str) -> bool:
    """Whether a key result with ``score`` is finished: 1.0 or more, and not a guardrail."""
    return kr_type != "guardrail" and _score(score) >= FINISHED_AT


def finished_mask(scores: pd.Series, types: pd.Series) -> pd.Series:
    """:func:`kr_finished` for columns of scores and key result types (missing scores: False)."""
    return (scores.astype("float64") >= FINISHED_AT) & (types != "guardrail")


def objective_unfinished(score: Any) -> bool:
    """Whether an objective with ``score`` is unfinished: below 1.0, or not scored at all."""
    return not _score(score) >= FINISHED_AT


def unfinished_objectives(scores: Mapping[str, Any] | pd.Series) -> list[str]:
    """The ids of the unfinished objectives of ``{id: score}``, in the order given.

    >>> unfinished_objectives({"O1": 1.0, "O2": 0.4, "O3": None})
    ['O2', 'O3']
    """
    return [str(ident) for ident, s in scores.items() if objective_unfinished(s)]


# --- the next cycle and carry-over -----------------------------------------------------------


def next_cycle(cycle: Cycle, known: Iterable[Cycle] = ()) -> Cycle | None:
    """The cycle after ``cycle``: a ``known`` one starting the day after it ends, else the next
    quarter, year or period of equal length (:meth:`Cycle.next`).

    ``None`` after the last cycle okrkit handles (see ``docs/limits.md``).

    >>> from okrkit.cycles import Cycle
    >>> next_cycle(Cycle.parse("2026-Q4")).id, next_cycle(Cycle.parse("2200-Q4"))
    ('2027-Q1', None)
    """
    after = cycle.end + dt.timedelta(days=1)
    for c in known:
        if c.start == after:
            return c
    try:
        return cycle.next()
    except ValidationError:
        return None


def carried_id(ident: str, source: Cycle, target: Cycle) -> str:
    """The id of a carried copy: ``<old id>-<target cycle>``, the old suffix swapped if any.

    >>> from okrkit.cycles import Cycle
    >>> carried_id("O1-2026-Q3", Cycle.parse("2026-Q3"), Cycle.parse("2026-Q4"))
    'O1-2026-Q4'
    """
    suffix = f"-{source.id}"
    base = ident[: -len(suffix)] if ident.endswith(suffix) else ident
    return f"{base}-{target.id}"


@dataclass(frozen=True)
class CarryPlan:
    """What a carry-over copies: the new objectives (with their key results), in set order."""

    source: Cycle
    target: Cycle
    objectives: tuple[Objective, ...]

    @property
    def ids(self) -> dict[str, str]:
        """Old objective id -> id of its copy."""
        return {str(o.carried_from): o.id for o in self.objectives}


def _carried_kr(kr: KeyResult, end_value: Any, source: Cycle, target: Cycle) -> KeyResult | None:
    changes: dict[str, Any] = {
        "id": carried_id(kr.id, source, target),
        "carried_from": kr.id,
        "confidence": None,
    }
    if kr.type == "metric":
        # No reading in the cycle (scores say "no data"): the copy starts where this one did.
        end = kr.start if end_value is None or math.isnan(float(end_value)) else float(end_value)
        changes.update(start=end, current=None)
        if changes["start"] == kr.target:
            return None  # nothing left to move
    elif kr.type == "milestone":
        changes.update(done=False, due=None)  # its due date lies in the old cycle
    elif kr.type == "qualitative":
        changes.update(grade=None)
    elif kr.type == "ordinal":
        changes.update(zone=None)
    else:
        changes.update(current=None)
    return replace(kr, **changes)


def carry_plan(
    okrs: OkrSet,
    target: Cycle,
    objective_scores: Mapping[str, Any] | pd.Series,
    key_results: pd.DataFrame,
    wanted: Iterable[str] = (),
) -> CarryPlan:
    """The copies a carry-over of ``okrs`` into ``target`` makes.

    Objectives ``wanted`` (default: every unfinished one) are copied with their key results that
    are not finished. Each copy gets :func:`carried_id` and ``carried_from``; a metric starts
    where the old one ended (and is left out when that is its target), a milestone starts not
    done, a qualitative key result ungraded; no check-ins are copied. Alignment to a parent (an
    objective or a key result) that is carried too follows the parent's copy.

    ``key_results`` is the scored key results frame, indexed by id, with ``score`` and ``value``.

    Raises
    ------
    okrkit.errors.NotFoundError
        When one of ``wanted`` is not an objective of ``okrs``.
    """
    source = okrs.cycle
    picked_ids = list(wanted)
    missing = [i for i in picked_ids if i not in objective_scores]
    if missing:
        raise NotFoundError(f"no objective {', '.join(missing)} in cycle {source.id}")
    picked = [
        o
        for o in okrs.objectives
        if (o.id in picked_ids if picked_ids else objective_unfinished(objective_scores[o.id]))
    ]
    new_ids = {o.id: carried_id(o.id, source, target) for o in picked}
    kept: dict[str, list[KeyResult]] = {}
    for o in picked:
        krs = kept.setdefault(o.id, [])
        for kr in o.key_results:
            if kr_finished(key_results.at[kr.id, "score"], kr.type):
                continue
            copy = _carried_kr(kr, key_results.at[kr.id, "value"], source, target)
            if copy is not None:
                krs.append(copy)
                new_ids[kr.id] = copy.id  # alignment to a carried key result follows its copy
    objectives = [
        replace(
            o,
            id=new_ids[o.id],
            carried_from=o.id,
            aligns_to=tuple(new_ids.get(p, p) for p in o.aligns_to),
            key_results=tuple(kept[o.id]),
        )
        for o in picked
    ]
    return CarryPlan(source=source, target=target, objectives=tuple(objectives))

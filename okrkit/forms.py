"""What a person typed, turned into validated records: the one home of the form rules.

Every view, the CLI and a notebook call these functions, so a number, a date, the id of a new key
result and a check-in are read the same way everywhere:

- :func:`parse_number` reads a number as typed (empty is ``None``; a decimal comma in Swedish,
  thousands separators in English) and :func:`field_text` writes one back so that it reads the
  same; :func:`parse_day` reads a typed date.
- :func:`next_key_result_id` is the id scheme of new key results (``<objective>-KR<n>``, after
  the highest such id); :func:`key_result_fields` turns a key result form into fields,
  :func:`new_key_result` and :func:`edited_key_result` into a :class:`~okrkit.model.KeyResult`.
- :func:`make_checkin` is the check-in form: which reading fits which key result type, a missing
  value, the grade and confidence ranges of the model, the zone of an ordinal key result
  (:data:`~okrkit.model.ZONES`), and the date inside its cycle
  (:func:`okrkit.lifecycle.check_checkin_date`). :func:`checkin_defaults` and
  :func:`default_checkin_date` say what the form shows before anything is typed.

Messages are in English or Swedish (``lang``), from the ``forms`` section of
:mod:`okrkit.text`. The module is pure: it never reads the store or the screen.

Examples
--------
>>> parse_number("1 000,5", "target", "sv"), next_key_result_id("O1", ["O1-KR1", "O1-KR3"])
(1000.5, 'O1-KR4')
>>> make_checkin("metric", "KR1", dt.date(2026, 2, 1), value=12.5, confidence=7).value
12.5
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import Any

from okrkit.cycles import Cycle, parse_date
from okrkit.errors import ValidationError
from okrkit.lifecycle import check_checkin_date
from okrkit.model import (
    BOUNDS,
    CHECKIN_FIELD,
    KR_TYPE_FIELDS,
    KR_TYPES,
    MAX_CONFIDENCE,
    MAX_GRADE,
    MIN_CONFIDENCE,
    MIN_GRADE,
    PERIODS,
    ZONES,
    CheckIn,
    KeyResult,
    check_confidence,
    check_grade,
)
from okrkit.text import format_number, say

__all__ = [
    "DEFAULT_CONFIDENCE",
    "LEVEL_FIELDS",
    "NUMBER_FIELDS",
    "TYPED_FIELDS",
    "checkin_defaults",
    "default_checkin_date",
    "edited_key_result",
    "field_text",
    "key_result_fields",
    "make_checkin",
    "new_key_result",
    "next_key_result_id",
    "parse_day",
    "parse_number",
]

#: The confidence a check-in form shows when nothing is known yet (the middle of 1–10).
DEFAULT_CONFIDENCE = 5
#: The fields of a key result form typed as numbers.
NUMBER_FIELDS = ("start", "target", "current", "grade", "threshold")
#: The fields of a key result that belong to one type only (the others stay empty).
TYPED_FIELDS = (
    "start", "target", "current", "unit", "bound", "per", "done", "due", "grade", "threshold",
    "direction", "commit_zone", "target_zone", "stretch_zone", "zone",
)  # fmt: skip
#: The described levels of an ordinal key result, lowest first (each reached zone's text).
LEVEL_FIELDS = ("commit_zone", "target_zone", "stretch_zone")

_SECTION = "forms"


def _fail(
    key: str, fix: str, lang: str, field: str | None = None, **values: Any
) -> ValidationError:
    return ValidationError(
        say(_SECTION, key, lang, **values), fix=say(_SECTION, fix, lang, **values), field=field
    )


def _missing(value: Any) -> bool:
    """Whether a form value is empty: ``None``, ``pd.NA`` or NaN."""
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:  # pd.NA, or not a number at all
        return type(value).__name__ == "NAType"


# --- numbers and dates -----------------------------------------------------------------------


def parse_number(text: str, field: str, lang: str = "en") -> float | None:
    """A number typed in a form: empty is ``None``; spaces group digits.

    In Swedish a comma is the decimal mark (``0,5``); in English it groups thousands
    (``1,000``). A point is a decimal mark in both; a minus sign (``−``) is a minus.

    Raises
    ------
    ValidationError
        When the text is not a number, naming the field.

    Examples
    --------
    >>> parse_number(" 1 000,5 ", "target", "sv"), parse_number("1,000.5", "target")
    (1000.5, 1000.5)
    >>> parse_number("", "current") is None
    True
    """
    raw = str(text).strip()
    if not raw:
        return None
    cleaned = re.sub(r"[\s\u00a0\u2009\u202f_]", "", raw).replace("\u2212", "-")
    cleaned = cleaned.replace(",", ".") if lang == "sv" else cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        raise _fail("not_a_number", "number_fix", lang, field, text=repr(raw)) from None


def field_text(value: float | None, lang: str = "en") -> str:
    """A number for a form field that :func:`parse_number` reads back as the same number.

    :func:`okrkit.text.format_number` with every digit kept (``0.575`` stays ``0.575``) and
    empty when missing.

    >>> field_text(1200.0), field_text(0.575, "sv"), field_text(None)
    ('1,200', '0,575', '')
    >>> parse_number(field_text(-12500.125, "sv"), "start", "sv")
    -12500.125
    """
    return format_number(value, lang, decimals=None, missing="")


def parse_day(value: dt.date | str | None, field: str = "date") -> dt.date | None:
    """A date picked or typed in a form: empty is ``None``; else an ISO date.

    Raises
    ------
    ValidationError
        When the text is not a date, or one outside the years okrkit handles.

    >>> parse_day(" 2026-02-03 "), parse_day("") is None
    (datetime.date(2026, 2, 3), True)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=field)


def default_checkin_date(cycle: Cycle, today: dt.date | None = None) -> dt.date:
    """The date a check-in form shows first: today, moved into the cycle (its last day once it
    has ended, its first before it starts).

    >>> default_checkin_date(Cycle.parse("2026-Q1"), dt.date(2026, 6, 1))
    datetime.date(2026, 3, 31)
    """
    day = dt.date.today() if today is None else today
    return min(max(day, cycle.start), cycle.end)


# --- key results -----------------------------------------------------------------------------


def next_key_result_id(objective: str, taken: Iterable[str]) -> str:
    """A new key result id ``<objective>-KR<n>``, after the highest such id in ``taken``.

    >>> next_key_result_id("MKT-1", ["MKT-1-KR1", "MKT-1-KR4", "MKT-2-KR9"])
    'MKT-1-KR5'
    """
    used = set(taken)
    pattern = re.compile(rf"^{re.escape(objective)}-KR(\d+)$")
    found = [int(m.group(1)) for ident in used if (m := pattern.match(ident))]
    n = max(found, default=0) + 1
    while f"{objective}-KR{n}" in used:
        n += 1
    return f"{objective}-KR{n}"


def key_result_fields(
    *,
    kr_type: str,
    title: str,
    weight: str,
    owner: str,
    confidence: int | None,
    numbers: Mapping[str, str],
    unit: str,
    done: bool,
    direction: str,
    description: str = "",
    bound: str | None = None,
    per: str | None = None,
    due: dt.date | str | None = None,
    levels: Mapping[str, str] | None = None,
    zone: str | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The fields of a key result from a form: those of other types are ``None``.

    Numbers are parsed with :func:`parse_number` (an empty weight is 1), the due date with
    :func:`parse_day`; texts are stripped and an empty one is ``None``. ``bound`` and ``per``
    (a metric's ``at_least``/``at_most`` and ``week``/``month``/``quarter``; empty or ``None``:
    none), ``due`` (a milestone's), ``levels`` (an ordinal key result's ``commit_zone``,
    ``target_zone`` and ``stretch_zone`` texts) and ``zone`` (the ordinal level reached) are
    kept for the types that have them. The model checks the rest when the key result is built
    (a target equal to the start, a metric without a start or a bound, a missing level ...).

    >>> key_result_fields(kr_type="milestone", title="Ship it", weight="", owner=" Ana ",
    ...                   confidence=None, numbers={"start": "3"}, unit="", done=True,
    ...                   direction="above", due="2026-03-15")["due"]
    datetime.date(2026, 3, 15)
    >>> fields = key_result_fields(kr_type="metric", title="NPS 42 or higher", weight="1",
    ...                            owner="", confidence=None, numbers={"target": "42"},
    ...                            unit="", done=False, direction="above", bound="at_least")
    >>> fields["start"], fields["target"], fields["bound"], fields["per"]
    (None, 42.0, 'at_least', None)
    """
    if kr_type not in KR_TYPE_FIELDS:
        raise _fail(
            "bad_type", "bad_type_fix", lang, "type", type=repr(kr_type), types=", ".join(KR_TYPES)
        )
    own = KR_TYPE_FIELDS[kr_type]
    values: dict[str, Any] = dict.fromkeys(TYPED_FIELDS)
    for name in NUMBER_FIELDS:
        if name in own:
            values[name] = parse_number(numbers.get(name, ""), name, lang)
    if "unit" in own:
        values["unit"] = unit.strip() or None
    if "done" in own:
        values["done"] = bool(done)
    if "direction" in own:
        values["direction"] = direction
    if "bound" in own:
        values["bound"] = _choice(bound, "bound", BOUNDS, lang)
    if "per" in own:
        values["per"] = _choice(per, "per", PERIODS, lang)
    if "due" in own:
        values["due"] = parse_day(due, "due")
    for name in LEVEL_FIELDS:
        if name in own:
            values[name] = str((levels or {}).get(name) or "").strip() or None
    if "zone" in own:
        values["zone"] = _choice(zone, "zone", ZONES, lang)
    parsed_weight = parse_number(weight, "weight", lang)
    return {
        "title": title,
        "type": kr_type,
        "weight": 1.0 if parsed_weight is None else parsed_weight,
        "owner": owner.strip(),
        "description": (description or "").strip(),
        "confidence": confidence,
        **values,
    }


def _choice(value: str | None, field: str, choices: tuple[str, ...], lang: str) -> str | None:
    """A choice of a form (``None`` or empty: none), else the form's message."""
    if value is None or not str(value).strip():
        return None
    picked = str(value).strip()
    if picked not in choices:
        raise _fail(
            "bad_choice", "bad_choice_fix", lang, field, value=repr(picked), name=field,
            choices=", ".join(choices),
        )  # fmt: skip
    return picked


def new_key_result(objective: str, fields: Mapping[str, Any], taken: Iterable[str]) -> KeyResult:
    """A new key result of ``objective`` with the next free id (:func:`next_key_result_id`).

    ``fields`` come from :func:`key_result_fields`; ``taken`` are the ids in use (in the store
    and in the set shown).

    Raises
    ------
    ValidationError
        When the model refuses the fields.
    """
    return KeyResult(id=next_key_result_id(objective, taken), **fields)


def edited_key_result(key_result: KeyResult, fields: Mapping[str, Any]) -> KeyResult:
    """``key_result`` with the fields of a form (:func:`key_result_fields`), checked by the model.

    Raises
    ------
    ValidationError
        When the model refuses the fields.
    """
    return dataclasses.replace(key_result, **fields)


# --- check-ins -------------------------------------------------------------------------------


def make_checkin(
    kr_type: str,
    key_result: str | None,
    date: dt.date | str | None,
    *,
    value: float | None = None,
    done: bool | None = None,
    grade: float | None = None,
    zone: str | None = None,
    confidence: int | None = None,
    note: str = "",
    author: str = "",
    cycle: Cycle | None = None,
    lang: str = "en",
) -> CheckIn:
    """The check-in a form (or ``okrkit checkin add``) records for a key result of ``kr_type``.

    Only the reading that fits the type is used: ``value`` for metric and guardrail, ``done`` for
    milestone, ``grade`` for qualitative and ``zone`` (``fail``, ``commit``, ``target`` or
    ``stretch``) for ordinal key results; the others are ignored. With ``cycle``, the
    date must lie inside it (a check-in counts in the cycle it is dated in). The author is
    stripped of surrounding spaces.

    Raises
    ------
    ValidationError
        With a message in ``lang`` that says what is wrong and how to fix it: no key result, no
        date or a date outside the cycle, a missing value, a grade outside 0–1, a missing or
        unknown zone, a confidence outside 1–10, an unknown key result type.

    Examples
    --------
    >>> try:
    ...     make_checkin("qualitative", "KR3", "2026-03-31", grade=1.5)
    ... except ValidationError as exc:
    ...     print(exc)
    the grade 1.5 is outside 0–1 (grade from 0.0 (not at all) to 1.0 (fully))
    >>> make_checkin("ordinal", "KR4", "2026-03-31", zone="target").zone
    'target'
    """
    if not key_result:
        raise _fail("need_kr", "need_kr_fix", lang)
    day = parse_day(date)
    if day is None:
        raise _fail("need_date", "need_date_fix", lang)
    if cycle is not None:
        check_checkin_date(day, cycle, lang=lang, field=None)
    reading: dict[str, Any] = {}
    field = CHECKIN_FIELD.get(kr_type)
    if field == "value":
        if _missing(value):
            raise _fail("need_value", "need_value_fix", lang)
        assert value is not None
        if not math.isfinite(float(value)):
            raise _fail("bad_value", "need_value_fix", lang, value=value)
        reading["value"] = float(value)
    elif field == "done":
        if done is None:
            raise _fail("need_done", "need_done_fix", lang)
        reading["done"] = bool(done)
    elif field == "grade":
        reading["grade"] = _checked_grade(grade, lang)
    elif field == "zone":
        reading["zone"] = _checked_zone(zone, lang)
    else:
        raise _fail(
            "bad_type", "bad_type_fix", lang, "type", type=repr(kr_type), types=", ".join(KR_TYPES)
        )
    return CheckIn(
        key_result=key_result,
        date=day,
        confidence=_checked_confidence(confidence, lang),
        note=note or "",
        author=(author or "").strip(),
        **reading,
    )


def _checked_grade(grade: Any, lang: str) -> float:
    """``grade`` in the model's range, else the form's message."""
    checked: float | None = None
    if not _missing(grade):
        try:
            checked = check_grade(float(grade))
        except (ValidationError, TypeError, ValueError):
            checked = None
    if checked is None:
        shown = "–" if _missing(grade) else format_number(grade, lang)
        raise _fail(
            "bad_grade",
            "bad_grade_fix",
            lang,
            grade=shown,
            low=format_number(MIN_GRADE, lang),
            high=format_number(MAX_GRADE, lang),
            low_grade=_one_decimal(MIN_GRADE, lang),
            high_grade=_one_decimal(MAX_GRADE, lang),
        )
    return checked


def _checked_zone(zone: Any, lang: str) -> str:
    """``zone`` as one of :data:`~okrkit.model.ZONES`, else the form's message."""
    choices = ", ".join(ZONES)
    if zone is None or (isinstance(zone, str) and not zone.strip()):
        raise _fail("need_zone", "zone_fix", lang, "zone", zones=choices)
    picked = str(zone).strip().lower()
    if picked not in ZONES:
        raise _fail("bad_zone", "zone_fix", lang, "zone", zone=repr(zone), zones=choices)
    return picked


def _checked_confidence(confidence: Any, lang: str) -> int | None:
    """``confidence`` in the model's range (``None`` when not given), else the form's message."""
    if confidence is None:
        return None
    given = confidence
    if isinstance(confidence, numbers.Integral) and not isinstance(confidence, bool):
        given = int(confidence)
    try:
        return check_confidence(given)
    except ValidationError:
        raise _fail(
            "bad_confidence",
            "bad_confidence_fix",
            lang,
            confidence=confidence,
            low=MIN_CONFIDENCE,
            high=MAX_CONFIDENCE,
        ) from None


def _one_decimal(number: float, lang: str) -> str:
    text = f"{number:.1f}"
    return text.replace(".", ",") if lang == "sv" else text


def checkin_defaults(
    key_result: Mapping[str, Any], latest: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What a check-in form shows before anything is typed, for ``key_result``.

    The reading of the ``latest`` check-in (``None``: there is none), else the key result's own:
    for metrics and guardrails its current value, else its start, else its threshold (0 when
    none is known); for milestones whether it is done; for qualitative key results its grade (0
    when ungraded); for ordinal key results the zone reached (``fail`` when none is). The
    confidence is the latest one, else the key result's, else
    :data:`DEFAULT_CONFIDENCE`.

    Returns
    -------
    dict
        ``{"field": "value" | "done" | "grade" | "zone", <field>: reading,
        "confidence": int}``.

    >>> checkin_defaults({"type": "metric", "current": None, "start": 20.0}, None)
    {'field': 'value', 'value': 20.0, 'confidence': 5}
    >>> checkin_defaults({"type": "ordinal", "zone": None}, {"zone": "commit", "confidence": 6})
    {'field': 'zone', 'zone': 'commit', 'confidence': 6}
    """
    field = CHECKIN_FIELD[key_result["type"]]
    known: Any = latest.get(field) if latest is not None else None
    if field == "value":
        for fallback in ("current", "start", "threshold"):
            if _missing(known):
                known = key_result.get(fallback)
        reading: Any = 0.0 if _missing(known) else float(known)
    elif field == "done":
        known = known if latest is not None else key_result.get("done")
        reading = False if _missing(known) else bool(known)
    elif field == "zone":
        known = known if latest is not None else key_result.get("zone")
        reading = known if isinstance(known, str) and known in ZONES else ZONES[0]
    else:
        known = known if latest is not None else key_result.get("grade")
        reading = 0.0 if _missing(known) else float(known)
    source = latest if latest is not None else key_result
    confidence: Any = source.get("confidence")
    return {
        "field": field,
        field: reading,
        "confidence": DEFAULT_CONFIDENCE if _missing(confidence) else int(confidence),
    }

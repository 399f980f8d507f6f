"""The form rules: what a person typed becomes a validated record (okrkit.forms)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from okrkit import forms
from okrkit.cycles import Cycle
from okrkit.errors import ValidationError
from okrkit.forms import (
    checkin_defaults,
    default_checkin_date,
    edited_key_result,
    field_text,
    key_result_fields,
    make_checkin,
    new_key_result,
    next_key_result_id,
    parse_day,
    parse_number,
)
from okrkit.model import KR_TYPE_FIELDS, KR_TYPES, MAX_CONFIDENCE, MAX_GRADE, KeyResult

Q1 = Cycle.parse("2026-Q1")


# --- numbers and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "lang", "expected"),
    [
        ("", "en", None),
        ("   ", "sv", None),
        ("25", "en", 25.0),
        ("1,000.5", "en", 1000.5),
        ("0,5", "sv", 0.5),
        ("1 000", "sv", 1000.0),
        ("1\u00a0234,25", "sv", 1234.25),
        ("−3", "en", -3.0),
        ("1_000", "en", 1000.0),
    ],
)
def test_parse_number(typed: str, lang: str, expected: float | None) -> None:
    assert parse_number(typed, "target", lang) == expected


@pytest.mark.parametrize(
    ("lang", "message", "fix"),
    [
        ("en", "'abc' is not a number", "write a plain number such as 25 or 0.5"),
        ("sv", "'abc' är inte ett tal", "skriv ett tal, t.ex. 25 eller 0,5"),
    ],
)
def test_parse_number_names_the_field_in_the_language(lang: str, message: str, fix: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_number("abc", "start", lang)
    assert (info.value.problem, info.value.fix, info.value.field) == (message, fix, "start")


@pytest.mark.parametrize(
    ("value", "lang"),
    [(1200.0, "en"), (0.575, "en"), (-12500.125, "sv"), (1e15, "sv"), (3.0, "sv"), (1e-6, "en")],
)
def test_field_text_reads_back_as_the_same_number(value: float, lang: str) -> None:
    assert parse_number(field_text(value, lang), "start", lang) == value


def test_field_text_of_nothing_is_empty() -> None:
    assert field_text(None) == field_text(math.nan) == ""


def test_parse_day() -> None:
    assert parse_day("2026-02-03") == dt.date(2026, 2, 3)
    assert parse_day(dt.datetime(2026, 2, 3, 12)) == dt.date(2026, 2, 3)
    assert parse_day(None) is None and parse_day("  ") is None
    with pytest.raises(ValidationError, match="is not a date"):
        parse_day("3 Feb")


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (dt.date(2026, 2, 10), dt.date(2026, 2, 10)),
        (dt.date(2025, 12, 1), dt.date(2026, 1, 1)),
        (dt.date(2026, 7, 1), dt.date(2026, 3, 31)),
    ],
)
def test_default_checkin_date_lies_in_the_cycle(today: dt.date, shown: dt.date) -> None:
    assert default_checkin_date(Q1, today) == shown


# --- key results ----------------------------------------------------------------------------


def test_new_ids_follow_the_highest() -> None:
    assert next_key_result_id("O1", []) == "O1-KR1"
    assert next_key_result_id("O1", ["O1-KR1", "O1-KR7", "O10-KR9"]) == "O1-KR8"
    assert next_key_result_id("O.1", ["O.1-KR2", "OX1-KR9"]) == "O.1-KR3"  # no regex surprise


def form(kr_type: str, **typed: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kr_type": kr_type,
        "title": "Raise NPS from 30 to 40",
        "weight": "",
        "owner": " Ana ",
        "confidence": None,
        "numbers": {},
        "unit": "",
        "done": False,
        "direction": "above",
    }
    fields.update(typed)
    return key_result_fields(**fields)


@pytest.mark.parametrize("kr_type", KR_TYPES)
def test_key_result_fields_keep_only_the_fields_of_the_type(kr_type: str) -> None:
    numbers = {"start": "1", "target": "2", "current": "1,5", "grade": "0.5", "threshold": "3"}
    levels = {"commit_zone": "beta", "target_zone": "launch", "stretch_zone": "launch + NPS"}
    values = form(
        kr_type,
        numbers=numbers,
        unit=" visits ",
        done=True,
        lang="en",
        bound="at_least",
        per="month",
        due="2026-03-01",
        levels=levels,
        zone="commit",
    )
    own = KR_TYPE_FIELDS[kr_type]
    for name in forms.TYPED_FIELDS:
        assert (values[name] is not None) == (name in own), name
    assert values["owner"] == "Ana" and values["weight"] == 1.0


def test_a_new_key_result_gets_the_next_free_id() -> None:
    values = form("metric", numbers={"start": "30", "target": "40"})
    kr = new_key_result("MKT-1", values, ["MKT-1-KR1", "MKT-1-KR2"])
    assert (kr.id, kr.start, kr.target, kr.owner) == ("MKT-1-KR3", 30.0, 40.0, "Ana")


def test_the_model_checks_a_key_result_built_from_a_form() -> None:
    with pytest.raises(ValidationError, match="target equals start"):
        new_key_result("O1", form("metric", numbers={"start": "3", "target": "3"}), [])
    kr = KeyResult(id="O1-KR1", title="Ship it", type="milestone")
    with pytest.raises(ValidationError, match=r"outside 0\.0–1\.0"):
        edited_key_result(kr, form("qualitative", numbers={"grade": "1.5"}))
    assert edited_key_result(kr, form("milestone", done=True)).done is True


# --- check-ins ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kr_type", "reading"),
    [("metric", "value"), ("guardrail", "value"), ("milestone", "done"), ("qualitative", "grade")],
)
def test_a_checkin_keeps_the_reading_of_the_type(kr_type: str, reading: str) -> None:
    checkin = make_checkin(
        kr_type, "KR1", "2026-02-01", value=3.0, done=True, grade=0.4, confidence=6, cycle=Q1
    )
    assert checkin.field_name == reading
    assert checkin.confidence == 6


def test_the_check_in_date_must_lie_in_the_cycle() -> None:
    with pytest.raises(ValidationError) as info:
        make_checkin("metric", "KR1", dt.date(2026, 4, 2), value=1, cycle=Q1)
    assert "2026-04-02 is outside cycle 2026-Q1" in str(info.value)
    # a form shows the message beside its date field: no code name in front of it
    assert info.value.field is None and not str(info.value).startswith("field")
    assert "from 2026-01-01 to 2026-03-31" in (info.value.fix or "")
    with pytest.raises(ValidationError, match="ligger utanför perioden 2026-Q1"):
        make_checkin("metric", "KR1", dt.date(2025, 12, 31), value=1, cycle=Q1, lang="sv")
    assert make_checkin("metric", "KR1", dt.date(2026, 3, 31), value=1, cycle=Q1).value == 1.0


def test_grade_and_confidence_ranges_are_the_models() -> None:
    make_checkin("qualitative", "KR1", "2026-02-01", grade=MAX_GRADE, confidence=MAX_CONFIDENCE)
    with pytest.raises(ValidationError, match=r"the grade 1\.01 is outside 0–1"):
        make_checkin("qualitative", "KR1", "2026-02-01", grade=MAX_GRADE + 0.01)
    with pytest.raises(ValidationError, match="not a whole number from 1 to 10"):
        make_checkin("metric", "KR1", "2026-02-01", value=1, confidence=MAX_CONFIDENCE + 1)


@pytest.mark.parametrize("confidence", [np.int64(7), 7.0, 7])
def test_whole_confidences_of_any_kind_are_read(confidence: Any) -> None:
    checkin = make_checkin("metric", "KR1", "2026-02-01", value=1, confidence=confidence)
    assert checkin.confidence == 7 and type(checkin.confidence) is int


@pytest.mark.parametrize("confidence", [True, 7.5, 0, "7"])
def test_other_confidences_are_refused(confidence: Any) -> None:
    with pytest.raises(ValidationError, match=r"the confidence .* is not a whole number"):
        make_checkin("metric", "KR1", "2026-02-01", value=1, confidence=confidence)


@pytest.mark.parametrize("value", [None, math.nan, pd.NA])
def test_a_missing_value_is_named(value: Any) -> None:
    with pytest.raises(ValidationError, match="the value is missing"):
        make_checkin("metric", "KR1", "2026-02-01", value=value)


def test_an_unknown_type_is_named() -> None:
    with pytest.raises(ValidationError) as info:
        make_checkin("percent", "KR1", "2026-02-01", value=1)
    assert info.value.problem == "'percent' is not a key result type"
    assert info.value.fix == "use one of metric, milestone, qualitative, guardrail, ordinal"
    assert info.value.field == "type"


# --- what the form shows first --------------------------------------------------------------


def test_checkin_defaults_prefer_the_latest_checkin() -> None:
    kr = {"type": "metric", "current": 12.0, "start": 10.0, "confidence": 8}
    assert checkin_defaults(kr, None) == {"field": "value", "value": 12.0, "confidence": 8}
    latest = {"value": 15.0, "confidence": None}
    assert checkin_defaults(kr, latest) == {"field": "value", "value": 15.0, "confidence": 5}


@pytest.mark.parametrize(
    ("kr", "shown"),
    [
        ({"type": "guardrail", "threshold": 35.0}, {"value": 35.0}),
        ({"type": "metric"}, {"value": 0.0}),
        ({"type": "milestone", "done": True}, {"done": True}),
        ({"type": "milestone", "done": None}, {"done": False}),
        ({"type": "qualitative", "grade": None}, {"grade": 0.0}),
        ({"type": "qualitative", "grade": 0.7}, {"grade": 0.7}),
    ],
)
def test_checkin_defaults_without_checkins(kr: dict[str, Any], shown: dict[str, Any]) -> None:
    found = checkin_defaults(kr, None)
    assert {k: v for k, v in found.items() if k not in ("field", "confidence")} == shown
    assert found["confidence"] == forms.DEFAULT_CONFIDENCE

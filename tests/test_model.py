from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, ClassVar

import pytest

from okrkit import (
    KPI,
    CheckIn,
    Cycle,
    Initiative,
    InputError,
    KeyResult,
    Objective,
    OkrSet,
    ValidationError,
)
from okrkit.model import MAX_TEXT, checkins_from_columns

METRIC = {"id": "K1", "title": "Visitors", "type": "metric", "start": 0, "target": 100}
MILESTONE = {"id": "K2", "title": "Launch", "type": "milestone"}
QUALITATIVE = {"id": "K3", "title": "Useful", "type": "qualitative"}
GUARDRAIL = {"id": "K4", "title": "Uptime", "type": "guardrail", "threshold": 99}
OBJECTIVE = {"id": "O1", "title": "Grow the community"}
CHECKIN = {"key_result": "K1", "date": "2026-02-03", "value": 10}
KPI_ = {
    "id": "P1",
    "name": "Leads",
    "target": 20,
    "timeframe": "2026-Q1",
    "data_source": "CRM",
    "frequency": "weekly",
}
INITIATIVE = {"id": "I1", "title": "Campaign"}

# (class, valid keyword arguments, bad overrides, good overrides, field named by the error)
CASES: list[tuple[type[Any], dict[str, Any], dict[str, Any], dict[str, Any], str]] = [
    # wrong types
    (KeyResult, METRIC, {"target": "lots"}, {"target": 100.5}, "target"),
    (KeyResult, METRIC, {"target": "100"}, {"target": 100}, "target"),
    (KeyResult, METRIC, {"start": [1]}, {"start": -1}, "start"),
    (KeyResult, METRIC, {"weight": True}, {"weight": 2}, "weight"),
    (KeyResult, METRIC, {"title": ["a", "b"]}, {"title": "a b"}, "title"),
    (KeyResult, METRIC, {"owner": {"name": "Ana"}}, {"owner": "Ana"}, "owner"),
    (KeyResult, METRIC, {"unit": 5.5}, {"unit": "%"}, "unit"),
    (KeyResult, MILESTONE, {"done": "yes"}, {"done": True}, "done"),
    (KeyResult, MILESTONE, {"done": 1}, {"done": False}, "done"),
    (KeyResult, QUALITATIVE, {"grade": "high"}, {"grade": 0.8}, "grade"),
    (KeyResult, GUARDRAIL, {"threshold": False}, {"threshold": 0}, "threshold"),
    (Objective, OBJECTIVE, {"title": 3.5}, {"title": "3.5 stars"}, "title"),
    (Objective, OBJECTIVE, {"description": ["x"]}, {"description": "x"}, "description"),
    (Objective, OBJECTIVE, {"aligns_to": {"CO-1": 1}}, {"aligns_to": ["CO-1"]}, "aligns_to"),
    (Objective, OBJECTIVE, {"key_results": "K1"}, {"key_results": []}, "key_results"),
    (Objective, OBJECTIVE, {"key_results": [METRIC]}, {"key_results": ()}, "key_results"),
    (CheckIn, CHECKIN, {"value": "10"}, {"value": 10.5}, "value"),
    (CheckIn, CHECKIN, {"value": True}, {"value": 0}, "value"),
    (CheckIn, CHECKIN, {"note": ["a"]}, {"note": "a"}, "note"),
    (KPI, KPI_, {"target": "twenty"}, {"target": 20.5}, "target"),
    (KPI, KPI_, {"current": True}, {"current": 3}, "current"),
    (KPI, KPI_, {"measures": 3.5}, {"measures": []}, "measures"),
    (Initiative, INITIATIVE, {"supports": {"K1": True}}, {"supports": "K1"}, "supports"),
    (Initiative, INITIATIVE, {"link": ["x"]}, {"link": "JIRA-1"}, "link"),
    # weights above 0
    (KeyResult, METRIC, {"weight": 0}, {"weight": 0.01}, "weight"),
    (KeyResult, METRIC, {"weight": -1}, {"weight": 3}, "weight"),
    (KeyResult, METRIC, {"weight": None}, {"weight": 1}, "weight"),
    # grades in 0-1
    (KeyResult, QUALITATIVE, {"grade": 1.01}, {"grade": 1.0}, "grade"),
    (KeyResult, QUALITATIVE, {"grade": -0.1}, {"grade": 0.0}, "grade"),
    (CheckIn, CHECKIN, {"value": None, "grade": 2}, {"value": None, "grade": 1}, "grade"),
    # a metric needs a target different from its start
    (KeyResult, METRIC, {"target": 0}, {"target": 1}, "target"),
    (KeyResult, METRIC, {"start": 100.0}, {"start": 99.0}, "target"),
    (KeyResult, METRIC, {"target": None}, {"target": -3}, "target"),
    (KeyResult, METRIC, {"start": None}, {"start": 1}, "start"),
    # NaN and infinity
    (KeyResult, METRIC, {"start": math.nan}, {"start": 5}, "start"),
    (KeyResult, METRIC, {"target": math.inf}, {"target": 1e12}, "target"),
    (KeyResult, METRIC, {"current": -math.inf}, {"current": -1e12}, "current"),
    (KeyResult, METRIC, {"weight": math.nan}, {"weight": 0.5}, "weight"),
    (KeyResult, QUALITATIVE, {"grade": math.nan}, {"grade": 0.5}, "grade"),
    (KeyResult, GUARDRAIL, {"threshold": math.inf}, {"threshold": 1e9}, "threshold"),
    (CheckIn, CHECKIN, {"value": math.nan}, {"value": 0.0}, "value"),
    (KPI, KPI_, {"target": math.nan}, {"target": 0}, "target"),
    # dates
    (CheckIn, CHECKIN, {"date": "2026-02-30"}, {"date": "2026-02-28"}, "date"),
    (CheckIn, CHECKIN, {"date": "next week"}, {"date": dt.date(2026, 2, 3)}, "date"),
    (CheckIn, CHECKIN, {"date": "03/02/2026"}, {"date": dt.datetime(2026, 2, 3, 9)}, "date"),
    (CheckIn, CHECKIN, {"date": 20260203}, {"date": "2026-02-03"}, "date"),
    # confidence 1-10
    (KeyResult, METRIC, {"confidence": 0}, {"confidence": 1}, "confidence"),
    (KeyResult, METRIC, {"confidence": 11}, {"confidence": 10}, "confidence"),
    (KeyResult, METRIC, {"confidence": 7.5}, {"confidence": 7.0}, "confidence"),
    (CheckIn, CHECKIN, {"confidence": 0}, {"confidence": 5}, "confidence"),
    (CheckIn, CHECKIN, {"confidence": True}, {"confidence": 10}, "confidence"),
    (CheckIn, CHECKIN, {"confidence": "high"}, {"confidence": 3}, "confidence"),
    # fields of another key result type
    (KeyResult, METRIC, {"grade": 0.5}, {"current": 5}, "grade"),
    (KeyResult, METRIC, {"done": False}, {"unit": "visits"}, "done"),
    (KeyResult, METRIC, {"direction": "below"}, {"unit": "%"}, "direction"),
    (KeyResult, METRIC, {"threshold": 3}, {"current": 3}, "threshold"),
    (KeyResult, MILESTONE, {"start": 0}, {"done": True}, "start"),
    (KeyResult, MILESTONE, {"unit": "%"}, {"done": False}, "unit"),
    (KeyResult, QUALITATIVE, {"target": 1}, {"grade": 1}, "target"),
    (KeyResult, QUALITATIVE, {"current": 0.5}, {"grade": 0.5}, "current"),
    (KeyResult, GUARDRAIL, {"done": True}, {"current": 99.5}, "done"),
    (KeyResult, GUARDRAIL, {"start": 0}, {"unit": "%"}, "start"),
    (KeyResult, GUARDRAIL, {"grade": 0.5}, {"direction": "below"}, "grade"),
    # required fields
    (KeyResult, METRIC, {"id": ""}, {"id": "K9"}, "id"),
    (KeyResult, METRIC, {"title": "   "}, {"title": "x"}, "title"),
    (KeyResult, GUARDRAIL, {"threshold": None}, {"threshold": 1}, "threshold"),
    (Objective, OBJECTIVE, {"id": None}, {"id": 7}, "id"),
    (Objective, OBJECTIVE, {"title": ""}, {"title": "t"}, "title"),
    (CheckIn, CHECKIN, {"key_result": ""}, {"key_result": "K2"}, "key_result"),
    (CheckIn, CHECKIN, {"value": None}, {"value": None, "done": True}, "value"),
    (CheckIn, CHECKIN, {"done": True}, {"value": 1}, "value"),
    (KPI, KPI_, {"name": ""}, {"name": "n"}, "name"),
    (Initiative, INITIATIVE, {"title": ""}, {"title": "t"}, "title"),
    # choices
    (KeyResult, METRIC, {"type": "kpi"}, {"type": "metric"}, "type"),
    (KeyResult, GUARDRAIL, {"direction": "up"}, {"direction": "below"}, "direction"),
    (Objective, OBJECTIVE, {"level": "galaxy"}, {"level": "individual"}, "level"),
    (Objective, OBJECTIVE, {"level": "Team"}, {"level": "department"}, "level"),
    (Objective, OBJECTIVE, {"kind": "stretch"}, {"kind": "aspirational"}, "kind"),
    (KPI, KPI_, {"frequency": "every so often"}, {"frequency": "biweekly"}, "frequency"),
    (KPI, KPI_, {"direction": "sideways"}, {"direction": "down"}, "direction"),
    (Initiative, INITIATIVE, {"state": "doing"}, {"state": "in_progress"}, "state"),
    # lists of ids
    (Objective, OBJECTIVE, {"aligns_to": ["CO-1", "CO-1"]}, {"aligns_to": ["CO-1"]}, "aligns_to"),
    (Objective, OBJECTIVE, {"aligns_to": ["O1"]}, {"aligns_to": ["O2"]}, "aligns_to"),
    (Initiative, INITIATIVE, {"supports": ["K1", ""]}, {"supports": ["K1"]}, "supports"),
    (KeyResult, METRIC, {"carried_from": ""}, {"carried_from": "K0"}, "carried_from"),
]


def _kwargs(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    return {**base, **overrides}


def _case_id(case: tuple[Any, ...]) -> str:
    cls, _, bad, _, field = case
    return f"{cls.__name__}-{field}-{bad!r}"


CASE_IDS = [_case_id(case) for case in CASES]


@pytest.mark.parametrize(("cls", "base", "bad", "good", "field"), CASES, ids=CASE_IDS)
def test_constructor_refuses(
    cls: type[Any], base: dict[str, Any], bad: dict[str, Any], good: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        cls(**_kwargs(base, bad))
    err = info.value
    assert err.field == field
    assert err.fix
    assert f"field '{field}'" in str(err)


@pytest.mark.parametrize(("cls", "base", "bad", "good", "field"), CASES, ids=CASE_IDS)
def test_constructor_accepts(
    cls: type[Any], base: dict[str, Any], bad: dict[str, Any], good: dict[str, Any], field: str
) -> None:
    obj = cls(**_kwargs(base, good))
    assert isinstance(obj, cls)


@pytest.mark.parametrize(
    ("cls", "base"),
    [
        (KeyResult, METRIC),
        (Objective, OBJECTIVE),
        (CheckIn, CHECKIN),
        (KPI, KPI_),
        (Initiative, INITIATIVE),
    ],
)
def test_from_dict_refuses_unknown_keys(cls: type[Any], base: dict[str, Any]) -> None:
    with pytest.raises(InputError) as info:
        cls.from_dict({**base, "colour": "red"})
    assert info.value.field == "colour"
    assert "allowed keys" in str(info.value)
    assert isinstance(cls.from_dict(base), cls)


@pytest.mark.parametrize(
    ("cls", "base", "key"),
    [
        (KeyResult, METRIC, "id"),
        (KeyResult, METRIC, "title"),
        (Objective, OBJECTIVE, "title"),
        (CheckIn, CHECKIN, "date"),
        (CheckIn, CHECKIN, "key_result"),
        (KPI, KPI_, "name"),
        (Initiative, INITIATIVE, "id"),
    ],
)
def test_from_dict_names_a_missing_key(cls: type[Any], base: dict[str, Any], key: str) -> None:
    data = {k: v for k, v in base.items() if k != key}
    with pytest.raises(ValidationError) as info:
        cls.from_dict(data, source="okrs.yaml", line=4)
    err = info.value
    assert (err.field, err.source, err.line) == (key, "okrs.yaml", 4)
    assert f"add '{key}: ...'" in str(err)


def test_from_dict_refuses_the_internal_checkin_id() -> None:
    with pytest.raises(InputError):
        CheckIn.from_dict({**CHECKIN, "id": 3})


def test_from_dict_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(InputError, match="expected a mapping"):
        Objective.from_dict(["O1", "title"])  # type: ignore[arg-type]


def test_from_dict_points_at_the_line_of_the_bad_field() -> None:
    class Located(dict[str, Any]):
        lines: ClassVar[dict[str, int]] = {"id": 10, "title": 11, "start": 12, "target": 13}

    with pytest.raises(ValidationError) as info:
        KeyResult.from_dict(Located({**METRIC, "target": "x"}), source="f.yaml", line=10)
    assert (info.value.source, info.value.line, info.value.field) == ("f.yaml", 13, "target")


# --- normalisation and defaults ---------------------------------------------------------------


def test_key_result_defaults_and_normalisation() -> None:
    kr = KeyResult(id=" K1 ", title="Visitors", start=0, target=1_000_000, confidence=7.0)
    assert kr.id == "K1"
    assert kr.type == "metric"
    assert kr.weight == 1.0 and isinstance(kr.weight, float)
    assert kr.target == 1e6 and isinstance(kr.target, float)
    assert kr.confidence == 7 and isinstance(kr.confidence, int)
    assert kr.increasing


def test_decreasing_metric() -> None:
    kr = KeyResult(id="K", title="Churn from 8 % to 5 %", start=8, target=5)
    assert not kr.increasing


def test_milestone_defaults_to_not_done_and_guardrail_to_above() -> None:
    assert KeyResult(**MILESTONE).done is False
    assert KeyResult(**GUARDRAIL).direction == "above"
    assert not KeyResult(**GUARDRAIL).increasing


def test_empty_unit_means_no_unit() -> None:
    assert KeyResult(**METRIC, unit="").unit is None
    assert KeyResult(**METRIC, unit="%").unit == "%"


def test_objective_lists_become_tuples() -> None:
    kr = KeyResult(**METRIC)
    o = Objective(id=5, title="T", aligns_to="CO-1", key_results=[kr])
    assert o.id == "5"
    assert o.aligns_to == ("CO-1",)
    assert o.key_results == (kr,)
    assert Objective(**OBJECTIVE, aligns_to=[" CO-1", "CO-2 "]).aligns_to == ("CO-1", "CO-2")
    assert Objective(**OBJECTIVE).level == "team"
    assert Objective(**OBJECTIVE).kind == "committed"


def test_checkin_reads_dates_and_knows_its_field() -> None:
    assert CheckIn(**CHECKIN).date == dt.date(2026, 2, 3)
    assert CheckIn(**CHECKIN).field_name == "value"
    assert CheckIn(key_result="K", date="2026-02-03", done=False).field_name == "done"
    assert CheckIn(key_result="K", date="2026-02-03", grade=0.0).field_name == "grade"
    assert CheckIn(key_result="K", date="2026-02-03T10:30:00", value=1).date == dt.date(2026, 2, 3)


def test_checkin_with_two_fields_is_refused() -> None:
    with pytest.raises(ValidationError, match="found value, done"):
        CheckIn(key_result="K", date="2026-02-03", value=1, done=True)


def test_changes_return_validated_copies() -> None:
    kr = KeyResult(**METRIC)
    changed = dataclasses.replace(kr, target=50)
    assert changed.target == 50.0 and kr.target == 100.0
    with pytest.raises(ValidationError) as info:
        dataclasses.replace(kr, weight=-1)
    assert info.value.field == "weight"
    with pytest.raises(dataclasses.FrozenInstanceError):
        kr.target = 5  # type: ignore[misc]


def test_keys_and_required_keys() -> None:
    assert KeyResult.file_keys()[:3] == ("id", "title", "type")
    # A draft KPI may lack its four parts; okrkit.checks reports them (OKR401).
    assert set(KPI.required_keys()) == {"id", "name"}
    assert "id" not in CheckIn.file_keys()
    assert set(CheckIn.required_keys()) == {"key_result", "date"}


# --- the set -----------------------------------------------------------------------------------


def _set(**parts: Any) -> OkrSet:
    objectives = parts.pop(
        "objectives",
        [
            Objective(
                **OBJECTIVE,
                key_results=[
                    KeyResult(**METRIC),
                    KeyResult(**MILESTONE),
                    KeyResult(**QUALITATIVE),
                    KeyResult(**GUARDRAIL),
                ],
            )
        ],
    )
    return OkrSet(cycle=parts.pop("cycle", "2026-Q1"), objectives=objectives, **parts)


def test_set_accepts_a_consistent_set() -> None:
    okrs = _set(
        kpis=[KPI(**KPI_, measures=["K1", "K4"])],
        initiatives=[Initiative(**INITIATIVE, supports="K2")],
        checkins=[
            CheckIn(key_result="K1", date="2026-02-03", value=1),
            CheckIn(key_result="K2", date="2026-02-03", done=True),
            CheckIn(key_result="K3", date="2026-02-03", grade=0.5),
            CheckIn(key_result="K4", date="2026-02-03", value=99.5),
        ],
    )
    assert okrs.cycle == Cycle.parse("2026-Q1")
    assert okrs.ids == {"O1", "K1", "K2", "K3", "K4", "P1", "I1"}
    assert okrs.key_result("K3").type == "qualitative"
    assert okrs.objective("O1").title == "Grow the community"
    assert [kr.id for _, kr in okrs.key_results()] == ["K1", "K2", "K3", "K4"]
    assert isinstance(okrs.checkins, tuple)
    with pytest.raises(KeyError):
        okrs.key_result("K9")
    with pytest.raises(KeyError):
        okrs.objective("K1")


@pytest.mark.parametrize(
    ("parts", "what"),
    [
        ({"kpis": [KPI(**{**KPI_, "id": "O1"})]}, "an objective and a KPI"),
        ({"kpis": [KPI(**{**KPI_, "id": "K1"})]}, "a key result and a KPI"),
        ({"initiatives": [Initiative(**{**INITIATIVE, "id": "K2"})]}, "an initiative"),
        (
            {
                "kpis": [KPI(**KPI_)],
                "initiatives": [Initiative(**{**INITIATIVE, "id": "P1"})],
            },
            "a KPI and an initiative",
        ),
        (
            {
                "objectives": [
                    Objective(**OBJECTIVE, key_results=[KeyResult(**{**METRIC, "id": "O1"})])
                ]
            },
            "an objective and a key result",
        ),
        (
            {
                "objectives": [
                    Objective(**OBJECTIVE, key_results=[KeyResult(**METRIC)]),
                    Objective(id="O2", title="Other", key_results=[KeyResult(**METRIC)]),
                ]
            },
            "a key result and a key result",
        ),
        ({"objectives": [Objective(**OBJECTIVE), Objective(**OBJECTIVE)]}, "an objective"),
    ],
)
def test_set_refuses_duplicate_ids(parts: dict[str, Any], what: str) -> None:
    with pytest.raises(ValidationError, match="duplicate id") as info:
        _set(**parts)
    assert what in str(info.value)
    assert info.value.field == "id"


def test_set_accepts_distinct_ids_across_kinds() -> None:
    okrs = _set(kpis=[KPI(**KPI_)], initiatives=[Initiative(**INITIATIVE)])
    assert {"P1", "I1"} <= okrs.ids


@pytest.mark.parametrize(
    ("checkin", "field"),
    [
        (CheckIn(key_result="K9", date="2026-02-03", value=1), "key_result"),
        (CheckIn(key_result="K1", date="2026-02-03", done=True), "done"),
        (CheckIn(key_result="K1", date="2026-02-03", grade=0.5), "grade"),
        (CheckIn(key_result="K2", date="2026-02-03", value=1), "value"),
        (CheckIn(key_result="K2", date="2026-02-03", grade=1), "grade"),
        (CheckIn(key_result="K3", date="2026-02-03", value=0.5), "value"),
        (CheckIn(key_result="K3", date="2026-02-03", done=True), "done"),
        (CheckIn(key_result="K4", date="2026-02-03", done=False), "done"),
    ],
)
def test_set_refuses_checkins_that_do_not_fit(checkin: CheckIn, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _set(checkins=[checkin])
    assert info.value.field == field
    assert "check-in 1" in str(info.value)


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({"kpis": [KPI(**KPI_, measures=["K9"])]}, "measures"),
        ({"initiatives": [Initiative(**INITIATIVE, supports=["K1", "O1"])]}, "supports"),
    ],
)
def test_set_refuses_links_to_missing_key_results(parts: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match="not in the set") as info:
        _set(**parts)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({"objectives": [KeyResult(**METRIC)]}, "objectives"),
        ({"kpis": [Initiative(**INITIATIVE)]}, "kpis"),
        ({"checkins": [dict(CHECKIN)]}, "checkins"),
        ({"cycle": "2026-Q9"}, "cycle"),
    ],
)
def test_set_refuses_wrong_parts(parts: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _set(**parts)
    assert info.value.field == field


def test_set_allows_alignment_outside_the_set() -> None:
    okrs = _set(objectives=[Objective(**OBJECTIVE, aligns_to=["CO-1"])])
    assert okrs.objective("O1").aligns_to == ("CO-1",)


def test_set_equality_compares_content() -> None:
    assert _set() == _set()
    assert _set() != _set(cycle="2026-Q2")


# --- check-ins built from whole columns -----------------------------------------------------------


def _checkin_columns() -> dict[str, list[object]]:
    day = dt.date(2026, 1, 5)
    return {
        "id": [None, 7, None],
        "key_result": ["K1", "K2", "K3"],
        "date": [day, day, dt.date(2026, 1, 12)],
        "value": [3.5, None, None],
        "done": [None, True, None],
        "grade": [None, None, 0.7],
        "confidence": [5.0, None, 10],
        "note": ["on track", None, "ok"],
        "author": [None, "Ana", "Bo"],
    }


def test_checkins_from_columns_equal_checkins_built_one_by_one() -> None:
    columns = _checkin_columns()
    built = checkins_from_columns(columns)
    rows = [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]
    expected = [
        CheckIn(**{k: v for k, v in row.items() if v is not None and k != "id"}) for row in rows
    ]
    assert built == expected
    assert built is not None
    assert [c.id for c in built] == [None, 7, None]
    assert [type(c.confidence) for c in built] == [int, type(None), int]
    assert built[0].author == "" and built[1].note == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        built[0].note = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("column", "row", "value"),
    [
        ("key_result", 0, " K1"),  # stripped one by one
        ("key_result", 0, ""),
        ("key_result", 1, "K\u200b2"),
        ("key_result", 2, None),
        ("date", 0, "2026-01-05"),
        ("date", 0, dt.datetime(2026, 1, 5, 9)),
        ("value", 0, math.nan),
        ("value", 0, math.inf),
        ("value", 0, 3),
        ("value", 0, "3.5"),
        ("value", 0, True),
        ("value", 1, 2.0),  # two of value, done, grade
        ("value", 0, None),  # none of them
        ("grade", 2, 1.5),
        ("grade", 2, -0.1),
        ("done", 1, 1),
        ("confidence", 0, 0.0),
        ("confidence", 0, 5.5),
        ("confidence", 0, True),
        ("confidence", 0, "5"),
        ("note", 0, 12),
        ("note", 0, "a\x00b"),
        ("author", 1, "x" * (MAX_TEXT + 1)),
        ("id", 1, 7.0),
        ("id", 1, True),
    ],
)
def test_checkins_from_columns_leave_unchecked_values_to_the_per_record_path(
    column: str, row: int, value: object
) -> None:
    columns = _checkin_columns()
    columns[column][row] = value
    assert checkins_from_columns(columns) is None


def test_checkins_from_columns_refuse_unknown_and_uneven_columns() -> None:
    assert checkins_from_columns({**_checkin_columns(), "colour": [None] * 3}) is None
    assert checkins_from_columns({**_checkin_columns(), "note": ["a"]}) is None
    assert checkins_from_columns({}) == []


def test_ascii_fast_path_refuses_what_the_full_check_refuses() -> None:
    for bad in ("a\x00b", "a\x1fb", "a\x7fb", " "):
        with pytest.raises(ValidationError):
            KeyResult(id=bad, title="t", start=0, target=1)
    with pytest.raises(ValidationError, match="U\\+0000"):
        Objective(id="O1", title="a\x00b")
    assert Objective(id=" O1 ", title="tab\there", description="line\nbreak").id == "O1"
    assert KeyResult(id="K1", title="t", start=0, target=1, unit="").unit is None

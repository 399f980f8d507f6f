"""Check-ins on ordinal key results (commit / target / stretch): the zone reached.

Through the public API (okrkit.forms, Store, import) and the command line
(``okrkit checkin add KR --zone target``), and the key result form's new shapes: an ordinal key
result's levels, a metric's bound and period, a milestone's due date, a description.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from testdata import run_cli as run

from okrkit import CheckIn, KeyResult, Objective, OkrSet, ValidationError
from okrkit.forms import (
    checkin_defaults,
    edited_key_result,
    key_result_fields,
    make_checkin,
    new_key_result,
)
from okrkit.merging import StoredCheckIn, checkin_key, match_checkins
from okrkit.store import Store

CYCLE = "2026-Q1"
LEVELS = {
    "commit_zone": "Beta with 10 customers",
    "target_zone": "Launched to every customer",
    "stretch_zone": "Launched and NPS up 5 points",
}


def ordinal_set(*checkins: CheckIn) -> OkrSet:
    kr = KeyResult(id="O1-KR1", title="Launch version 2.0", type="ordinal", **LEVELS)
    nps = KeyResult(id="O1-KR2", title="NPS of 42 or higher", target=42, bound="at_least")
    objective = Objective(id="O1", title="Delight customers", key_results=[kr, nps])
    return OkrSet(cycle=CYCLE, objectives=[objective], checkins=checkins)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "okrkit.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        s.import_set(ordinal_set())
        yield s


# --- the form rules ------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["fail", "commit", "target", "stretch"])
def test_an_ordinal_checkin_records_the_zone(zone: str) -> None:
    checkin = make_checkin("ordinal", "O1-KR1", "2026-02-01", zone=zone, value=3, grade=0.5)
    assert (checkin.zone, checkin.value, checkin.grade, checkin.field_name) == (
        zone,
        None,
        None,
        "zone",
    )


@pytest.mark.parametrize(
    ("zone", "lang", "problem", "fix"),
    [
        (None, "en", "the level reached is missing", "pick one of fail, commit, target, stretch"),
        ("", "sv", "nivån som nåddes saknas", "välj en av fail, commit, target, stretch"),
        ("great", "en", "'great' is not a level of an ordinal key result", "pick one of fail"),
    ],
)
def test_a_missing_or_unknown_zone_is_named(
    zone: str | None, lang: str, problem: str, fix: str
) -> None:
    with pytest.raises(ValidationError) as info:
        make_checkin("ordinal", "O1-KR1", "2026-02-01", zone=zone, lang=lang)
    assert info.value.problem == problem
    assert info.value.fix is not None and info.value.fix.startswith(fix)
    assert info.value.field == "zone"


def test_the_form_shows_the_latest_zone_else_the_key_results_else_fail() -> None:
    kr = {"type": "ordinal", "zone": "commit", "confidence": None}
    assert checkin_defaults(kr, None) == {"field": "zone", "zone": "commit", "confidence": 5}
    latest = {"zone": "stretch", "confidence": 8}
    assert checkin_defaults(kr, latest) == {"field": "zone", "zone": "stretch", "confidence": 8}
    assert checkin_defaults({**kr, "zone": None}, None)["zone"] == "fail"


def test_key_result_fields_build_the_new_shapes() -> None:
    common = {"weight": "", "owner": "", "confidence": None, "unit": "", "done": False}
    ordinal = key_result_fields(
        kr_type="ordinal",
        title="Launch version 2.0",
        numbers={"target": "3"},
        direction="above",
        levels={**LEVELS, "target_zone": "  Launched to every customer "},
        description=" Version 2.0 of the website ",
        **common,
    )
    kr = new_key_result("O1", ordinal, ["O1-KR1"])
    assert (kr.id, kr.type, kr.target, kr.description) == (
        "O1-KR2",
        "ordinal",
        None,
        "Version 2.0 of the website",
    )
    assert (kr.commit_zone, kr.target_zone, kr.stretch_zone) == tuple(LEVELS.values())

    rate = key_result_fields(
        kr_type="metric",
        title="10 demos a month",
        numbers={"target": "10"},
        direction="above",
        bound="at_least",
        per="month",
        **common,
    )
    made = new_key_result("O1", rate, [])
    assert (made.start, made.target, made.bound, made.per) == (None, 10.0, "at_least", "month")
    assert made.increasing

    due = key_result_fields(
        kr_type="milestone",
        title="Ship the app",
        numbers={},
        direction="above",
        due="2026-03-15",
        bound="at_least",  # not a milestone's: left out
        **common,
    )
    assert new_key_result("O1", due, []).due == dt.date(2026, 3, 15)
    assert due["bound"] is None

    edited = edited_key_result(kr, {**ordinal, "stretch_zone": "Launched in two languages"})
    assert (edited.id, edited.stretch_zone) == ("O1-KR2", "Launched in two languages")


def test_an_ordinal_key_result_without_its_levels_is_refused() -> None:
    fields = key_result_fields(
        kr_type="ordinal",
        title="Launch",
        weight="",
        owner="",
        confidence=None,
        numbers={},
        unit="",
        done=False,
        direction="above",
        levels={"commit_zone": "beta", "target_zone": "launch", "stretch_zone": "  "},
    )
    with pytest.raises(ValidationError) as info:
        new_key_result("O1", fields, [])
    assert info.value.field == "stretch_zone"


def test_an_unknown_bound_is_named_with_its_choices() -> None:
    with pytest.raises(ValidationError) as info:
        key_result_fields(
            kr_type="metric",
            title="NPS",
            weight="",
            owner="",
            confidence=None,
            numbers={"target": "42"},
            unit="",
            done=False,
            direction="above",
            bound="or more",
        )
    assert info.value.problem == "'or more' is not a choice for bound"
    assert info.value.fix == "pick one of at_least, at_most, or leave it empty"
    assert info.value.field == "bound"


# --- the store ------------------------------------------------------------------------------


def test_the_store_records_and_corrects_a_zone(store: Store, db: Path) -> None:
    saved = store.add_checkin(
        make_checkin("ordinal", "O1-KR1", "2026-02-01", zone="commit", confidence=6)
    )
    corrected = store.correct_checkin(saved.id, reason="it launched", zone="target")
    with Store(db, create=False) as other:
        rows = other.checkins("O1-KR1", history=True).to_dict("records")
        loaded = other.load(CYCLE)
    assert [(r["zone"], r["state"]) for r in rows] == [
        ("commit", "corrected"),
        ("target", "active"),
    ]
    assert corrected.zone == "target" and corrected.confidence == 6
    assert [c.zone for c in loaded.checkins] == ["target"]


def test_the_store_refuses_a_value_on_an_ordinal_key_result(store: Store) -> None:
    with pytest.raises(ValidationError):
        store.add_checkin(CheckIn(key_result="O1-KR1", date="2026-02-01", value=2))
    assert store.checkins("O1-KR1").empty


def test_an_import_matches_ordinal_checkins_by_their_zone(store: Store) -> None:
    first = CheckIn(key_result="O1-KR1", date="2026-02-01", zone="commit")
    store.import_set(ordinal_set(first))
    store.import_set(ordinal_set(first))  # the same file again: nothing new
    assert store.checkins("O1-KR1")["zone"].tolist() == ["commit"]
    stored = store.checkins("O1-KR1").iloc[0]
    # The file changes the zone of the check-in it holds by id: a correction, history kept.
    again = dataclasses.replace(first, id=int(stored["id"]), zone="target")
    store.import_set(ordinal_set(again))
    rows = store.checkins("O1-KR1", history=True)
    assert rows[["zone", "state"]].values.tolist() == [
        ["commit", "corrected"],
        ["target", "active"],
    ]


def test_merging_tells_check_ins_apart_by_zone() -> None:
    day = dt.date(2026, 2, 1)
    row = StoredCheckIn(
        id=1,
        key_result="O1-KR1",
        date=day,
        value=None,
        done=None,
        grade=None,
        confidence=None,
        note="",
        author="",
        state="active",
        zone="commit",
    )
    same = CheckIn(key_result="O1-KR1", date=day, zone="commit")
    other = CheckIn(key_result="O1-KR1", date=day, zone="stretch")
    assert checkin_key(same) == checkin_key(row)
    plan = match_checkins([same, other], [row])
    assert (len(plan.same), [c.zone for c in plan.new]) == (1, ["stretch"])
    fixed = match_checkins([dataclasses.replace(other, id=1)], [row])
    assert [(old, new.zone) for old, new in fixed.corrections] == [(1, "stretch")]


# --- the command line -----------------------------------------------------------------------


def test_cli_checkin_add_and_correct_a_zone(store: Store, db: Path, capsys: object) -> None:
    code, out, err = run(
        capsys, "--db", db, "checkin", "add", "O1-KR1", "--zone", "target", "--date", "2026-02-01"
    )
    assert (code, err) == (0, "")
    assert out.startswith("recorded check-in ") and "O1-KR1" in out
    ident = int(out.split()[2])
    code, out, err = run(capsys, "--db", db, "checkin", "correct", str(ident), "--zone", "stretch")
    assert code == 0, err
    code, out, _err = run(capsys, "--db", db, "checkin", "list", "O1-KR1", "-f", "json")
    assert code == 0
    assert [(r["zone"], r["value"]) for r in json.loads(out)] == [("stretch", None)]
    code, out, _err = run(capsys, "--db", db, "checkin", "list", "O1-KR1")
    assert "ZONE" in out.splitlines()[0] and "stretch" in out


def test_cli_refuses_an_unknown_zone_and_a_missing_one(
    db: Path, store: Store, capsys: object
) -> None:
    code, _out, err = run(capsys, "--db", db, "checkin", "add", "O1-KR1", "--zone", "great")
    assert code == 2 and "invalid choice: 'great'" in err
    code, _out, err = run(capsys, "--db", db, "checkin", "add", "O1-KR1", "--value", "3")
    assert code != 0
    assert "field 'zone': the level reached is missing" in err
    assert "pick one of fail, commit, target, stretch" in err
    assert store.checkins("O1-KR1").empty

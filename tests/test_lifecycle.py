"""The rules of okrkit.lifecycle, and that every writer and view follows them (one home)."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

from okrkit import CheckIn, Cycle, OkrSet, Store, load_yaml, score
from okrkit.carry import carry_over
from okrkit.errors import NotFoundError, OkrkitWarning, ValidationError
from okrkit.lifecycle import (
    carried_id,
    carry_plan,
    check_checkin_date,
    checkin_in_cycle,
    checkin_to_correct,
    finished_mask,
    kr_finished,
    next_cycle,
    objective_unfinished,
    unfinished_objectives,
)

Q4 = Cycle.parse("2026-Q4")

SET = """\
cycle: 2026-Q4
objectives:
- id: O1
  title: Win the Nordic market
  key_results:
  - {id: O1-KR1, title: Grow paying teams to 10, type: metric,
     start: 0, target: 10, current: 10}
  - {id: O1-KR2, title: Keep churn under 2 percent, type: guardrail,
     threshold: 2, direction: below, current: 1}
  - {id: O1-KR3, title: Ship the Swedish app, type: milestone, done: false}
- id: O2
  title: Make onboarding effortless
  aligns_to: [O1]
  key_results:
  - {id: O2-KR1, title: Launch the self-serve guide, type: milestone, done: true}
"""


def test_checkin_dates_inside_the_cycle_both_ends_included() -> None:
    assert checkin_in_cycle(Q4.start, Q4) and checkin_in_cycle(Q4.end, Q4)
    assert not checkin_in_cycle(Q4.start - dt.timedelta(days=1), Q4)
    assert not checkin_in_cycle(Q4.end + dt.timedelta(days=1), Q4)


def test_a_checkin_outside_its_cycle_is_refused_with_place_and_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        check_checkin_date(dt.date(2026, 6, 30), Q4, place={"source": "q4.yaml", "line": 12})
    exc = caught.value
    assert exc.source == "q4.yaml" and exc.line == 12 and exc.field == "date"
    assert "2026-06-30" in str(exc) and "2026-Q4" in str(exc)
    assert "2026-10-01" in (exc.fix or "") and "2026-12-31" in (exc.fix or "")


def test_the_date_message_is_translated() -> None:
    with pytest.raises(ValidationError) as caught:
        check_checkin_date(dt.date(2027, 1, 1), Q4, lang="sv")
    assert "utanför perioden 2026-Q4" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "kind", "finished"),
    [
        (1.0, "metric", True),
        (1.3, "metric", True),
        (0.9999999995, "metric", False),  # the exact rule: a hair short is not done
        (1.0, "guardrail", False),  # a guardrail holds a level all cycle: never finished
        (1.0, "milestone", True),
        (None, "qualitative", False),
        (math.nan, "metric", False),
        (pd.NA, "metric", False),
    ],
)
def test_finished_key_result(value: object, kind: str, finished: bool) -> None:
    assert kr_finished(value, kind) is finished
    mask = finished_mask(pd.Series([value], dtype="Float64"), pd.Series([kind]))
    assert bool(mask.fillna(False).iloc[0]) is finished


def test_unfinished_objectives_keep_their_order_and_count_missing_scores() -> None:
    assert unfinished_objectives({"O3": 0.2, "O1": 1.0, "O2": None, "O4": math.nan}) == [
        "O3",
        "O2",
        "O4",
    ]
    assert not objective_unfinished(1.0) and objective_unfinished(0.99)


def test_next_cycle_prefers_a_known_cycle_starting_the_day_after() -> None:
    custom = Cycle.parse({"id": "2027-S1", "start": "2027-01-01", "end": "2027-02-15"})
    assert next_cycle(Q4, [Cycle.parse("2026-Q3"), custom]) == custom
    assert next_cycle(Q4) == Cycle.parse("2027-Q1")
    assert next_cycle(Cycle.parse("2200-Q4")) is None


def test_carried_ids_swap_the_cycle_suffix() -> None:
    q1 = Cycle.parse("2027-Q1")
    assert carried_id("O1", Q4, q1) == "O1-2027-Q1"
    assert carried_id("O1-2026-Q4", Q4, q1) == "O1-2027-Q1"


def test_checkin_to_correct_picks_the_latest_active_one_of_that_day() -> None:
    df = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "key_result": ["KR1", "KR1", "KR1", "KR2"],
            "date": pd.to_datetime(["2026-11-09", "2026-11-09", "2026-11-02", "2026-11-09"]),
            "state": ["active", "corrected", "active", "active"],
        }
    )
    assert checkin_to_correct(df, "KR1", dt.date(2026, 11, 9)) == 1
    assert checkin_to_correct(df, "KR1", dt.date(2026, 11, 10)) is None
    assert checkin_to_correct(df.iloc[:0], "KR1", dt.date(2026, 11, 9)) is None


def _plan(okrs: OkrSet, wanted: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    scores = score(okrs, Q4.end)
    o = scores.objectives.set_index("id")["score"]
    return carry_plan(okrs, Cycle.parse("2027-Q1"), o, scores.key_results.set_index("id"), wanted)


def test_carry_plan_copies_unfinished_work_only() -> None:
    plan = _plan(load_yaml(SET))
    assert [o.id for o in plan.objectives] == ["O1-2027-Q1"]
    (o1,) = plan.objectives
    assert o1.carried_from == "O1"
    # the finished metric stays behind; the guardrail and the open milestone come along
    assert [kr.id for kr in o1.key_results] == ["O1-KR2-2027-Q1", "O1-KR3-2027-Q1"]
    assert o1.key_results[1].done is False and o1.key_results[0].confidence is None
    assert plan.ids == {"O1": "O1-2027-Q1"}


def test_carry_plan_of_chosen_objectives_follows_carried_parents() -> None:
    plan = _plan(load_yaml(SET), ("O1", "O2"))
    by_id = {o.id: o for o in plan.objectives}
    assert by_id["O2-2027-Q1"].aligns_to == ("O1-2027-Q1",)
    with pytest.raises(NotFoundError, match="O9"):
        _plan(load_yaml(SET), ("O9",))


def test_the_store_carries_what_the_plan_says() -> None:
    okrs = load_yaml(SET)
    with Store("sqlite://") as store:
        store.import_set(okrs)
        carried = carry_over(store, "2026-Q4", "2027-Q1", as_of=Q4.end)
    assert carried.objectives == _plan(okrs).objectives


def test_store_carry_over_still_works_and_says_what_replaces_it() -> None:
    okrs = load_yaml(SET)
    with Store("sqlite://") as store:
        store.import_set(okrs)
        with pytest.warns(DeprecationWarning, match=r"okrkit\.carry_over\(store"):
            carried = store.carry_over("2026-Q4", "2027-Q1", as_of=Q4.end)
    assert carried.objectives == _plan(okrs).objectives


def _store_with_a_june_checkin(path: Path) -> Store:
    """A 2026-Q4 store holding a June check-in, as okrkit before 0.2 could write one."""
    store = Store(path)
    store.import_set(load_yaml(SET))
    store.add_checkin(CheckIn(key_result="O1-KR3", date=dt.date(2026, 11, 2), done=False))
    with store._write("write as an older okrkit did") as conn:
        conn.execute(
            store.tables["checkins"]
            .insert()
            .values(
                key_result="O1-KR3",
                date=dt.date(2026, 6, 15),
                done=True,
                state="active",
                recorded_at=dt.datetime(2026, 6, 15),
            )
        )
    return store


def test_a_stored_checkin_outside_its_cycle_is_kept_named_and_not_counted(tmp_path: Path) -> None:
    with _store_with_a_june_checkin(tmp_path / "old.db") as store:
        assert len(store.checkins("O1-KR3")) == 2  # nothing is lost
        with pytest.warns(
            OkrkitWarning, match=r"1 check-in\(s\) of cycle 2026-Q4 .*'okrkit checkin correct"
        ):
            okrs = store.load("2026-Q4")
        assert [c.date for c in okrs.checkins] == [dt.date(2026, 11, 2)]
        # the June 'done' does not finish the milestone in Q4, from the store's frames too:
        # not yet due mid-cycle, and not done (0.0) on the cycle's last day, its due date
        frames = store.frames("2026-Q4")
        scores = score(frames, dt.date(2026, 11, 20)).key_results.set_index("id")
        assert scores.at["O1-KR3", "pending"] == "not yet due"
        scores = score(frames, dt.date(2026, 12, 31)).key_results.set_index("id")
        assert scores.at["O1-KR3", "score"] == 0.0
        june = int(store.checkins("O1-KR3").sort_values("date")["id"].iloc[0])
        store.correct_checkin(june, date=dt.date(2026, 11, 10), reason="dated in the wrong cycle")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            okrs = store.load("2026-Q4")
        assert len(okrs.checkins) == 2
        scores = score(store.frames("2026-Q4"), dt.date(2026, 11, 20)).key_results.set_index("id")
        assert scores.at["O1-KR3", "score"] == 1.0


def test_the_cli_names_stored_checkins_outside_their_cycle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from okrkit.cli import main

    _store_with_a_june_checkin(tmp_path / "old.db").close()
    assert main(["--db", f"sqlite:///{tmp_path / 'old.db'}", "score"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("okrkit: warning: ") and "dated outside it" in err

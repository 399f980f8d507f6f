"""The quarter-end review, driven as a facilitator would: move sliders, tick boxes, carry over.

The marketing template (2026-Q1) has three objectives:

- MKT-1, aspirational: KR1 metric (weight 2), KR2 and KR3 metrics, KR4 guardrail (weight 0.5;
  with no measurement it has no score yet: "no data", left out of the objective's score).
- MKT-2, committed: KR1 metric (weight 2), KR2 (decreasing) and KR3 metrics, KR4 milestone
  (weight 0.5).
- MKT-3, committed: KR1 metric (weight 2), KR2 metric, KR3 qualitative.

Scores below are computed by hand from those weights. A key result without a check-in has no
score ("no data") and the objective is scored from the others, saying from how many.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from okrkit import CheckIn, KeyResult, Objective, OkrSet, StoreError, load_template, score
from okrkit.lifecycle import carry_plan
from okrkit.store import Store
from okrkit.text import texts
from okrkit.ui import quarter_review
from okrkit.ui.review import QuarterReview

CYCLE = "2026-Q1"
AS_OF = dt.date(2026, 3, 31)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "okrkit.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        s.import_set(load_template("marketing", CYCLE))
        # MKT-3's metrics halfway: KR1 150,000 -> 205,000 of 260,000; KR2 8,000 -> 11,500 of 15,000.
        s.add_checkin(CheckIn(key_result="MKT-3-KR1", date="2026-03-01", value=205_000))
        s.add_checkin(CheckIn(key_result="MKT-3-KR2", date="2026-03-01", value=11_500))
        yield s


def review(store: Store, **kwargs: Any) -> QuarterReview:
    kwargs.setdefault("cycle", CYCLE)
    kwargs.setdefault("as_of", AS_OF)
    return quarter_review(store, **kwargs)


def text(value: str) -> str:
    """HTML as the reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def carry_text(view: QuarterReview) -> str:
    """The carry-over as the reader sees it: the heading, then each box's label."""
    boxes = " ".join(text(label.value) for label in view.carry_labels.values())
    return f"{text(view.carry.value)} {boxes}".strip()


def history(db: Path, kr: str) -> list[dict[str, Any]]:
    """Every check-in of a key result, corrected ones too, read as another kernel would."""
    with Store(db, create=False) as other:
        return list(other.checkins(kr, history=True).to_dict("records"))


# --- the table -------------------------------------------------------------------------------


def test_every_key_result_gets_the_input_of_its_type(store: Store) -> None:
    view = review(store)
    kinds = {ident: type(w) for ident, w in view.inputs.items()}
    assert len(kinds) == 11
    assert kinds["MKT-3-KR3"] is widgets.FloatSlider
    assert kinds["MKT-2-KR4"] is widgets.Checkbox
    assert kinds["MKT-1-KR1"] is widgets.FloatText
    assert kinds["MKT-1-KR4"] is widgets.FloatText  # guardrail: a measured value
    slider = view.inputs["MKT-3-KR3"]
    assert (slider.min, slider.max, slider.value) == (0.0, 1.0, 0.0)
    assert view.inputs["MKT-3-KR1"].value == 205_000  # the final value so far
    assert view.inputs["MKT-1-KR1"].value == 420_000  # no check-in: the start
    assert "not graded yet" in text(view.results["MKT-3-KR3"].value)
    assert list(view.headers) == ["MKT-1", "MKT-2", "MKT-3"]


def test_moving_a_slider_records_a_grade_and_rescores_the_objective(store: Store, db: Path) -> None:
    view = review(store)
    # Before: KR3 is not graded, no data: (2 * 0.5 + 0.5) / 3 = 0.5, yellow, from 2 of 3.
    assert view.objective_scores["MKT-3"]["score"] == pytest.approx(0.5)
    header = text(view.headers["MKT-3"].value)
    assert "Score 0.5 · yellow" in header
    assert header.endswith("from 2 of 3 key results")
    assert text(view.results["MKT-3-KR3"].value) == "no data not graded yet"

    view.inputs["MKT-3-KR3"].value = 0.9

    (row,) = history(db, "MKT-3-KR3")
    assert (row["grade"], row["date"], row["state"]) == (0.9, AS_OF, "active")
    # After: (2 * 0.5 + 0.5 + 0.9) / 4 = 0.6, yellow.
    assert view.objective_scores["MKT-3"]["score"] == pytest.approx(0.6)
    assert view.objective_scores["MKT-3"]["band"] == "yellow"
    assert "Score 0.6 · yellow" in text(view.headers["MKT-3"].value)
    assert "key results" not in text(view.headers["MKT-3"].value)  # all three have a score
    assert text(view.results["MKT-3-KR3"].value) == "0.9 green"
    assert text(view.status.value) == "Saved MKT-3-KR3: grade 0.9 on 2026-03-31."
    # Other objectives were left alone.
    assert view.objective_scores["MKT-2"]["score"] == 0.0


def test_a_second_change_corrects_the_checkin_and_keeps_the_history(store: Store, db: Path) -> None:
    view = review(store)
    view.inputs["MKT-3-KR3"].value = 0.9
    view.inputs["MKT-3-KR3"].value = 0.3
    rows = history(db, "MKT-3-KR3")
    assert [(r["grade"], r["state"]) for r in rows] == [(0.9, "corrected"), (0.3, "active")]
    assert rows[1]["replaces"] == rows[0]["id"]
    assert rows[0]["reason"] == "changed in the quarter-end review"
    # (2 * 0.5 + 0.5 + 0.3) / 4 = 0.45
    assert view.objective_scores["MKT-3"]["score"] == pytest.approx(0.45)
    assert text(view.status.value) == "Corrected MKT-3-KR3's check-in of 2026-03-31: grade 0.3."


def test_a_checkin_of_the_review_day_is_corrected_not_doubled(store: Store, db: Path) -> None:
    store.add_checkin(
        CheckIn(key_result="MKT-1-KR3", date=AS_OF, value=400, confidence=6, note="weekly")
    )
    view = review(store)
    assert view.inputs["MKT-1-KR3"].value == 400
    view.inputs["MKT-1-KR3"].value = 800
    rows = history(db, "MKT-1-KR3")
    assert [(r["value"], r["state"]) for r in rows] == [(400, "corrected"), (800, "active")]
    assert (rows[1]["confidence"], rows[1]["note"]) == (6, "weekly")  # kept from the original


def test_milestones_and_final_values_make_a_committed_objective_met(store: Store, db: Path) -> None:
    view = review(store)
    assert "Expectation: missed" in text(view.headers["MKT-2"].value)
    view.inputs["MKT-2-KR1"].value = 300
    view.inputs["MKT-2-KR2"].value = 3.7
    view.inputs["MKT-2-KR3"].value = 25
    assert view.objective_scores["MKT-2"]["score"] == pytest.approx(4 / 4.5)
    view.inputs["MKT-2-KR4"].value = True
    assert history(db, "MKT-2-KR4")[0]["done"] is True
    assert view.objective_scores["MKT-2"]["score"] == pytest.approx(1.0)
    header = text(view.headers["MKT-2"].value)
    assert "committed: expected to score 1.0" in header
    assert "Score 1 · green · on track · Expectation: met" in header
    assert text(view.expectations.value).startswith("Committed objectives: 1 of 2 met, 1 missed.")


@pytest.mark.parametrize(
    ("kr1", "kr3", "score", "expectation"),
    [
        # KR4, the guardrail, has no measurement: no data, left out.
        (1_000_000, 1_000, 1.0, "exceeded – was it set too low?"),  # (2 + 1 + 1) / 4
        (1_000_000, 100, 3.1 / 4, "landed"),  # (2 + 1 + 0.1) / 4
        (478_000, 100, 1.3 / 4, "short"),  # (0.2 + 1 + 0.1) / 4
    ],
)
def test_aspirational_expectations(
    store: Store, kr1: float, kr3: float, score: float, expectation: str
) -> None:
    view = review(store)
    view.inputs["MKT-1-KR2"].value = 120_000
    view.inputs["MKT-1-KR1"].value = kr1
    view.inputs["MKT-1-KR3"].value = kr3
    assert view.objective_scores["MKT-1"]["score"] == pytest.approx(score)
    header = text(view.headers["MKT-1"].value)
    assert "aspirational: aims at about 0.7" in header
    assert header.endswith(f"Expectation: {expectation} · from 3 of 4 key results")
    summary = text(view.expectations.value)
    word = expectation.split(" ")[0]
    assert f"1 {word}" in summary


def test_a_guardrail_value_counts_as_a_measurement(store: Store) -> None:
    view = review(store)
    assert math.isnan(view.kr_scores["MKT-1-KR4"]["score"])  # nothing measured: no data
    assert text(view.results["MKT-1-KR4"].value) == "no data"
    view.inputs["MKT-1-KR4"].value = 40  # paid share 40 % breaks "below 35 %"
    assert view.kr_scores["MKT-1-KR4"]["score"] == 0.0
    assert "held 0 of 1" in text(view.results["MKT-1-KR4"].value)


def test_refresh_shows_what_another_kernel_recorded(store: Store, db: Path) -> None:
    view = review(store)
    with Store(db, create=False) as other:
        other.add_checkin(CheckIn(key_result="MKT-3-KR3", date="2026-03-20", grade=0.9))
    assert view.inputs["MKT-3-KR3"].value == 0.0
    cells = list(view.table.children)
    view.refresh_button.click()
    assert view.inputs["MKT-3-KR3"].value == 0.9
    assert view.objective_scores["MKT-3"]["score"] == pytest.approx(0.6)
    assert "0.6" in text(view.headers["MKT-3"].value)
    # The same key results: every cell is kept, only values change (nothing is rebuilt).
    assert len(view.table.children) == len(cells)
    assert all(a is b for a, b in zip(view.table.children, cells, strict=True))
    assert [r["grade"] for r in history(db, "MKT-3-KR3")] == [0.9]  # showing it wrote nothing
    view.inputs["MKT-3-KR3"].value = 1.0  # the kept widgets are still wired
    assert [r["grade"] for r in history(db, "MKT-3-KR3")] == [0.9, 1.0]


def test_refresh_rebuilds_the_table_when_the_key_results_change(store: Store, db: Path) -> None:
    view = review(store)
    old = view.inputs["MKT-3-KR3"]
    with Store(db, create=False) as other:
        other.add_key_result(
            "MKT-2", KeyResult(id="MKT-2-KR9", title="Publish 4 case studies", start=0, target=4)
        )
        other.update_key_result(
            "MKT-3-KR3", other.versions(CYCLE)["MKT-3-KR3"], title="Renamed elsewhere"
        )
    view.refresh_button.click()
    assert "MKT-2-KR9" in view.inputs and "Publish 4 case studies" in view.labels["MKT-2-KR9"].value
    assert "Renamed elsewhere" in view.labels["MKT-3-KR3"].value
    assert old.comm is None  # the replaced widgets are closed
    view.inputs["MKT-2-KR9"].value = 3  # the new widgets are wired
    assert [r["value"] for r in history(db, "MKT-2-KR9")] == [3.0]


def test_refresh_shows_a_renamed_key_result_in_the_kept_cells(store: Store, db: Path) -> None:
    view = review(store)
    label = view.labels["MKT-3-KR3"]
    with Store(db, create=False) as other:
        other.update_key_result(
            "MKT-3-KR3", other.versions(CYCLE)["MKT-3-KR3"], title="Renamed <elsewhere>"
        )
    view.refresh_button.click()
    assert view.labels["MKT-3-KR3"] is label
    assert "Renamed &lt;elsewhere&gt;" in label.value


# --- summary and carry-over ------------------------------------------------------------------


def test_the_summary_lists_unfinished_objectives(store: Store) -> None:
    view = review(store)
    carry = carry_text(view)
    assert carry.startswith("To carry into 2026-Q2")
    for ident in ("MKT-1", "MKT-2", "MKT-3"):
        assert ident in carry
    assert "MKT-3 Publish content our buyers seek out and share (score 0.5;" in carry
    assert view.carry_button.description == "Confirm: carry over to 2026-Q2"
    assert not view.carry_button.disabled


def test_the_carry_over_button_creates_the_next_cycles_objectives(store: Store, db: Path) -> None:
    view = review(store)
    for kr, value in (("MKT-2-KR1", 300), ("MKT-2-KR2", 3.7), ("MKT-2-KR3", 25)):
        view.inputs[kr].value = value
    view.inputs["MKT-2-KR4"].value = True  # MKT-2 met: it stays behind
    assert "MKT-2" not in carry_text(view)

    view.carry_button.click()

    with Store(db, create=False) as other:
        carried = other.frames("2026-Q2")
    assert carried.objectives["id"].tolist() == ["MKT-1-2026-Q2", "MKT-3-2026-Q2"]
    assert carried.objectives["carried_from"].tolist() == ["MKT-1", "MKT-3"]
    assert text(view.status.value) == (
        "Carried 2 objectives with 7 key results to 2026-Q2: MKT-1-2026-Q2, MKT-3-2026-Q2."
    )
    assert view.carry_button.disabled
    assert "carried over as MKT-3-2026-Q2" in text(view.carry.value)

    again = review(store)  # a later look at the review knows it was done
    assert again.carry_button.disabled
    again.carry_button.click()
    assert text(again.status.value) == "Could not save: nothing left to carry over to 2026-Q2"


@pytest.fixture
def with_bare_objective(store: Store) -> Store:
    """The marketing set with MKT-9, an objective without key results (so no score)."""
    store.import_set(
        OkrSet(cycle=CYCLE, objectives=[Objective(id="MKT-9", title="Think about pricing")])
    )
    return store


def test_carry_over_starts_from_unfinished_work_and_writes_nothing_before_confirm(
    with_bare_objective: Store,
) -> None:
    view = review(with_bare_objective)
    picks = {ident: box.value for ident, box in view.carry_picks.items()}
    assert [i for i in picks if "KR" not in i] == ["MKT-1", "MKT-2", "MKT-3", "MKT-9"]
    # Unfinished objectives with unfinished key results are ticked; the bare one is not.
    assert {i for i, ticked in picks.items() if not ticked} == {"MKT-9"}
    assert text(view.carry_labels["MKT-9"].value).startswith("MKT-9 Think about pricing (score")
    assert text(view.carry_labels["MKT-2-KR2"].value) == (
        "MKT-2-KR2 Cut blended cost per lead from $4.20 to $3.70"
    )
    preview = text(view.preview.value)
    assert preview.startswith("Confirm creates in 2026-Q2: MKT-1-2026-Q2 Make our brand")
    assert "MKT-1-KR1-2026-Q2 Reach 1 million site visitors" in preview
    assert "MKT-9-2026-Q2" not in preview

    view.carry_picks["MKT-1-KR2"].value = False
    view.carry_picks["MKT-2"].value = False
    view.carry_picks["MKT-3"].value = False
    view.carry_picks["MKT-9"].value = True
    assert view.carry_picks["MKT-2-KR1"].disabled  # its objective is not carried
    assert view.picked() == ["MKT-1", "MKT-1-KR1", "MKT-1-KR3", "MKT-1-KR4", "MKT-9"]
    preview = text(view.preview.value)
    ids = re.findall(r"MKT-\d(?:-KR\d)?-2026-Q2", preview)
    assert ids == [
        "MKT-1-2026-Q2",
        "MKT-1-KR1-2026-Q2",
        "MKT-1-KR3-2026-Q2",
        "MKT-1-KR4-2026-Q2",
        "MKT-9-2026-Q2",
    ]
    assert "MKT-9-2026-Q2 Think about pricing (from MKT-9) no key results" in preview
    assert "2026-Q2" not in [c.id for c in with_bare_objective.cycles()]  # nothing written

    view.inputs["MKT-3-KR3"].value = 0.9  # grading goes on: the ticks stay as they were
    assert view.picked() == ["MKT-1", "MKT-1-KR1", "MKT-1-KR3", "MKT-1-KR4", "MKT-9"]

    view.carry_picks["MKT-9"].value = False
    view.carry_picks["MKT-1"].value = False
    assert view.carry_button.disabled
    assert text(view.preview.value) == "Nothing ticked: nothing will be created."


def test_confirm_creates_exactly_what_is_ticked_and_undo_takes_it_back(
    with_bare_objective: Store, db: Path
) -> None:
    view = review(with_bare_objective)
    assert view.undo_button.disabled
    view.carry_picks["MKT-1-KR2"].value = False
    view.carry_picks["MKT-2"].value = False
    view.carry_picks["MKT-3"].value = False
    view.carry_picks["MKT-9"].value = True
    shown = re.findall(r"MKT-\d(?:-KR\d)?-2026-Q2", text(view.preview.value))

    view.carry_button.click()

    with Store(db, create=False) as other:
        carried = other.frames("2026-Q2")
    assert carried.objectives["id"].tolist() == ["MKT-1-2026-Q2", "MKT-9-2026-Q2"]
    assert carried.objectives["id"].tolist() + carried.key_results["id"].tolist() == sorted(
        shown, key=lambda i: ("KR" in i, i)
    )
    assert carried.key_results["carried_from"].tolist() == ["MKT-1-KR1", "MKT-1-KR3", "MKT-1-KR4"]
    assert text(view.status.value) == (
        "Carried 2 objectives with 3 key results to 2026-Q2: MKT-1-2026-Q2, MKT-9-2026-Q2."
    )
    assert "carried over as MKT-1-2026-Q2" in text(view.carry.value)
    assert "MKT-1" not in view.carry_picks and "MKT-2" in view.carry_picks
    assert not view.undo_button.disabled

    view.undo_button.click()

    assert text(view.status.value) == (
        "Took back MKT-1-2026-Q2, MKT-9-2026-Q2 from 2026-Q2; the history keeps them."
    )
    with Store(db, create=False) as other:
        assert other.frames("2026-Q2").objectives.empty
        assert other.frames("2026-Q2").key_results.empty
        assert other.history("MKT-1-2026-Q2")["action"].tolist() == ["carry_over", "delete"]
        assert other.history("MKT-1-KR1-2026-Q2")["action"].tolist() == ["carry_over", "delete"]
    assert view.undo_button.disabled
    # The boxes are offered again, ticked as they were before Confirm.
    assert view.picked() == ["MKT-1", "MKT-1-KR1", "MKT-1-KR3", "MKT-1-KR4", "MKT-9"]
    view.refresh_button.click()
    assert view.picked() == ["MKT-1", "MKT-1-KR1", "MKT-1-KR3", "MKT-1-KR4", "MKT-9"]

    view.carry_button.click()  # and can be carried again
    with Store(db, create=False) as other:
        assert other.frames("2026-Q2").objectives["id"].tolist() == [
            "MKT-1-2026-Q2",
            "MKT-9-2026-Q2",
        ]
    view.undo_button.disabled = False
    view.undo_button.click()
    view.undo_button.disabled = False
    view.undo_button.click()  # a second undo says there is nothing to take back
    assert text(view.status.value) == "Could not save: nothing carried over to take back"


def test_nothing_to_carry_when_every_objective_scored_one(tmp_path: Path) -> None:
    okrs = OkrSet(
        cycle=CYCLE,
        objectives=[
            Objective(
                id="O1",
                title="Ship",
                key_results=[KeyResult(id="K1", title="Ship it", type="milestone", done=True)],
            )
        ],
    )
    with Store(tmp_path / "one.db") as s:
        s.import_set(okrs)
        view = review(s)
        assert view.carry_button.disabled
        assert "nothing to carry over" in text(view.carry.value)


# --- language, escaping, failures ------------------------------------------------------------


def test_swedish_labels(store: Store) -> None:
    view = review(store, lang="sv")
    header = text(view.headers["MKT-3"].value)
    assert "åtagande: förväntas nå 1,0" in header
    assert "Poäng 0,5 · gul" in header
    assert header.endswith("utifrån 2 av 3 nyckelresultat")
    assert "Förväntan: missat" in header
    assert view.carry_button.description == "Bekräfta: för över till 2026-Q2"
    view.inputs["MKT-3-KR3"].value = 0.9
    assert "Poäng 0,6 · gul" in text(view.headers["MKT-3"].value)
    assert text(view.status.value) == "Sparade MKT-3-KR3: betyg 0,9 den 2026-03-31."
    assert text(view.expectations.value).startswith("Åtaganden: 0 av 2 uppnådda")


def test_text_tables_have_the_same_keys_in_both_languages() -> None:
    assert set(texts("ui.review", "en")) == set(texts("ui.review", "sv"))


def test_user_text_is_escaped(store: Store) -> None:
    evil = "<script>alert(1)</script>"
    store.import_set(
        OkrSet(
            cycle=CYCLE,
            objectives=[
                Objective(
                    id="X1",
                    title=evil,
                    owner=evil,
                    key_results=[
                        KeyResult(id="X1-KR1", title=evil, type="qualitative"),
                        KeyResult(id="X1-KR2", title="t", start=0, target=1, unit=evil),
                    ],
                )
            ],
        )
    )
    view = review(store)
    shown = view.headers["X1"].value + view.carry.value
    shown += "".join(c.value for c in view.table.children if isinstance(c, widgets.HTML))
    assert "<script" not in shown
    assert shown.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4


def test_an_unexpected_error_shows_the_generic_message_and_reverts(
    store: Store, db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    view = review(store)

    def broken(_checkin: CheckIn) -> CheckIn:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "add_checkin", broken)
    with caplog.at_level(logging.ERROR, logger="okrkit.ui"):
        view.inputs["MKT-3-KR3"].value = 0.9  # does not raise
    assert text(view.status.value) == texts("common", "en")["unexpected"]
    assert "boom" in caplog.text
    assert view.inputs["MKT-3-KR3"].value == 0.0  # back to what the store holds
    assert "⚠ not saved" in text(view.results["MKT-3-KR3"].value)
    assert history(db, "MKT-3-KR3") == []
    assert view.objective_scores["MKT-3"]["score"] == pytest.approx(0.5)


def test_a_store_error_shows_its_message(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    view = review(store)

    def full(_checkin: CheckIn) -> CheckIn:
        raise StoreError("the disk is full; free some space and try again")

    monkeypatch.setattr(store, "add_checkin", full)
    view.inputs["MKT-2-KR4"].value = True
    assert text(view.status.value) == (
        "Could not save: the disk is full; free some space and try again"
    )
    assert view.inputs["MKT-2-KR4"].value is False


def test_as_of_defaults_to_the_cycle_end_once_it_has_ended(store: Store) -> None:
    view = quarter_review(store, cycle=CYCLE, as_of="2026-02-14")
    assert view.as_of == dt.date(2026, 2, 14)
    if dt.date.today() > dt.date(2026, 3, 31):
        assert quarter_review(store, cycle=CYCLE).as_of == dt.date(2026, 3, 31)


# --- a workshop of 1,000 key results ---------------------------------------------------------


def big_set() -> OkrSet:
    kinds = ("metric", "milestone", "qualitative", "guardrail")
    fields: dict[str, dict[str, Any]] = {
        "metric": {"start": 0, "target": 100},
        "milestone": {},
        "qualitative": {},
        "guardrail": {"threshold": 5},
    }
    readings: dict[str, dict[str, Any]] = {
        "metric": {"value": 40},
        "milestone": {"done": False},
        "qualitative": {"grade": 0.4},
        "guardrail": {"value": 6},
    }
    objectives, checkins = [], []
    for i in range(250):
        krs = []
        for kind in kinds:
            ident = f"O{i}-{kind}"
            krs.append(KeyResult(id=ident, title=f"{kind} {i}", type=kind, **fields[kind]))
            for week in (1, 5, 9):
                day = dt.date(2026, 1, 1) + dt.timedelta(weeks=week)
                checkins.append(CheckIn(key_result=ident, date=day, **readings[kind]))
        kind_of = "aspirational" if i % 2 else "committed"
        objectives.append(Objective(id=f"O{i}", title=f"o {i}", kind=kind_of, key_results=krs))
    return OkrSet(cycle=CYCLE, objectives=objectives, checkins=checkins)


def test_grades_update_scores_in_a_store_of_1000_key_results(tmp_path: Path) -> None:
    # Response times are measured in benchmarks/widgets.py.
    with Store(tmp_path / "big.db") as s:
        s.import_set(big_set())
        view = review(s)
        assert len(view.inputs) == 1000
        for i in range(7):
            view.inputs[f"O{i * 30}-qualitative"].value = 0.8
        # (40/100 + 0 + 0.8 + 1.0) / 4 = 0.55
        assert view.objective_scores["O30"]["score"] == pytest.approx(0.55)
        assert text(view.status.value).startswith("Saved O180-qualitative")


# --- what Refresh costs ------------------------------------------------------------------------


def counting(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the store reads of a view from now on."""
    seen: dict[str, int] = {}
    for name in ("frames", "load", "versions", "checkins"):
        function = getattr(store, name)

        def run(*args: Any, _name: str = name, _f: Any = function, **kwargs: Any) -> Any:
            seen[_name] = seen.get(_name, 0) + 1
            return _f(*args, **kwargs)

        monkeypatch.setattr(store, name, run)
    return seen


def test_refresh_reads_no_cycle_when_nothing_changed(
    store: Store, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = review(store)
    view.inputs["MKT-3-KR3"].value = 0.5  # this view's own write is accounted for
    cells = list(view.table.children)
    seen = counting(store, monkeypatch)
    view.refresh_button.click()
    assert "frames" not in seen and "load" not in seen
    assert seen == {"versions": 1, "checkins": 1}  # the stamp: versions and check-in ids
    assert list(view.table.children) == cells
    with Store(db, create=False) as other:
        other.add_checkin(CheckIn(key_result="MKT-1-KR4", date="2026-03-30", value=30))
    view.refresh_button.click()
    assert seen.get("frames") == 1  # a check-in elsewhere: the cycle is read again
    assert view.kr_scores["MKT-1-KR4"]["checkins"] == 1


def test_the_last_cycle_okrkit_handles_has_nothing_to_carry_into(tmp_path: Path) -> None:
    okrs = OkrSet(
        cycle="2200-Q4",
        objectives=[
            Objective(
                id="O1",
                title="Keep the lights on",
                key_results=[KeyResult(id="K1", title="Uptime from 90 to 99", start=90, target=99)],
            )
        ],
    )
    with Store(tmp_path / "last.db") as store:
        store.import_set(okrs)
        view = review(store, cycle="2200-Q4", as_of="2200-12-01")
        assert view.next_cycle is None and view.carry_button.disabled
        assert "no cycle follows 2200-Q4" in text(view.carry.value)
        view.carry_button.disabled = False  # a click anyway says why, in the status line
        view.carry_button.click()
        assert "no cycle follows 2200-Q4" in view.status.value
        assert [c.id for c in store.cycles()] == ["2200-Q4"]


def test_the_carry_list_is_what_the_carry_plan_copies(store: Store) -> None:
    view = review(store)
    view.inputs["MKT-1-KR1"].value = 1_000_000  # finished: stays behind, MKT-1 goes
    view.inputs["MKT-3-KR3"].value = 1.0  # finished qualitative
    scores = score(store.frames(CYCLE), AS_OF)
    assert view.next_cycle is not None
    plan = carry_plan(
        store.load(CYCLE),
        view.next_cycle,
        scores.objectives.set_index("id")["score"],
        scores.key_results.set_index("id"),
    )
    listed = view.model.carried_key_results(view.model.unfinished())
    assert list(listed) == [o.carried_from for o in plan.objectives] == view.to_carry()
    assert {oid: n for oid, (n, _total) in listed.items()} == {
        o.carried_from: len(o.key_results) for o in plan.objectives
    }
    assert "share (score 0.62; 2 of 3 key results unfinished)" in carry_text(view)


# --- ordinal key results, milestones not yet due ----------------------------------------------


def test_an_ordinal_key_result_is_graded_by_its_levels(tmp_path: Path) -> None:
    levels = {"commit_zone": "Beta", "target_zone": "Launched", "stretch_zone": "Launched & NPS +5"}
    krs = [
        KeyResult(id="O1-KR1", title="Launch version 2.0", type="ordinal", **levels),
        KeyResult(id="O1-KR2", title="Ship the app", type="milestone", due="2026-03-31"),
        KeyResult(
            id="O1-KR3", title="NPS of 42 or higher", target=42, bound="at_least", per="month"
        ),
    ]
    okrs = OkrSet(cycle=CYCLE, objectives=[Objective(id="O1", title="Delight", key_results=krs)])
    with Store(tmp_path / "ordinal.db") as s:
        s.import_set(okrs)
        view = review(s, as_of="2026-02-15")
        picker = view.inputs["O1-KR1"]
        assert isinstance(picker, widgets.Dropdown)
        assert [label for label, _ in picker.options] == [
            "below commit",
            "commit: Beta",
            "target: Launched",
            "stretch: Launched & NPS +5",
        ]
        assert picker.value == "fail"
        # Nothing known yet: no score, never a red 0.00.
        for ident in ("O1-KR1", "O1-KR3"):
            assert text(view.results[ident].value).startswith("no data"), ident
        assert text(view.results["O1-KR2"].value).startswith(("not yet due", "no data"))
        assert "0.00" not in text(view.headers["O1"].value)
        labels = text(view.labels["O1-KR3"].value)
        assert "≥ 42 per month" in labels
        assert "due 2026-03-31" in text(view.labels["O1-KR2"].value)

        picker.value = "target"
        (row,) = s.checkins("O1-KR1").to_dict("records")
        assert (row["zone"], row["date"]) == ("target", dt.date(2026, 2, 15))
        assert text(view.status.value) == "Saved O1-KR1: target on 2026-02-15."
        picker.value = "stretch"  # the same day: a correction, the old one kept
        rows = s.checkins("O1-KR1", history=True)
        assert rows[["zone", "state"]].values.tolist() == [
            ["target", "corrected"],
            ["stretch", "active"],
        ]
        assert view.model.reading("O1-KR1") == "stretch"
        view.refresh()
        assert view.inputs["O1-KR1"].value == "stretch"


def test_swedish_no_data(tmp_path: Path) -> None:
    krs = [KeyResult(id="O1-KR1", title="NPS 42 eller högre", target=42, bound="at_least")]
    okrs = OkrSet(cycle=CYCLE, objectives=[Objective(id="O1", title="Nöjda", key_results=krs)])
    with Store(tmp_path / "sv.db") as s:
        s.import_set(okrs)
        view = review(s, lang="sv", as_of="2026-02-15")
        assert text(view.results["O1-KR1"].value).startswith("inga data")
        assert "inga data" in text(view.headers["O1"].value)


def test_a_milestone_without_a_due_date_shows_no_empty_date(store: Store) -> None:
    """MKT-2-KR4 has no due date: its label says nothing of one (it showed 'due NaT')."""
    view = review(store)
    labels = [text(w.value) for w in _html_of(view)]
    assert any("MKT-2-KR4" in label for label in labels)
    assert not any("NaT" in label or "nan" in label.split() for label in labels)


def _html_of(root: Any) -> list[widgets.HTML]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if isinstance(node, widgets.HTML):
            found.append(node)
        stack.extend(getattr(node, "children", ()))
    return found


def test_copies_align_to_what_is_carried_and_undo_takes_children_first(tmp_path: Path) -> None:
    def kr(ident: str) -> KeyResult:
        return KeyResult(id=ident, title=f"Move {ident} from 0 to 10", start=0, target=10)

    okrs = OkrSet(
        cycle=CYCLE,
        objectives=[
            Objective(id="O1", title="Grow", key_results=[kr("K1"), kr("K2")]),
            Objective(id="O2", title="Help K1", aligns_to=["K1"], key_results=[kr("K3")]),
            Objective(id="O3", title="Help O1", aligns_to=["O1"], key_results=[kr("K4")]),
        ],
    )
    with Store(tmp_path / "aligned.db") as s:
        s.import_set(okrs)
        view = review(s)
        assert view.picked() == ["O1", "K1", "K2", "O2", "K3", "O3", "K4"]
        view.carry_picks["K1"].value = False  # K1 stays behind: O2's copy aligns to K1 itself
        plan = {o.id: o.aligns_to for o in view.model.plan(view.picked()).objectives}
        assert plan == {"O1-2026-Q2": (), "O2-2026-Q2": ("K1",), "O3-2026-Q2": ("O1-2026-Q2",)}
        view.carry_button.click()
        links = s.frames("2026-Q2").objectives.set_index("id")["aligns_to"].map(list).to_dict()
        assert links == {"O1-2026-Q2": [], "O2-2026-Q2": ["K1"], "O3-2026-Q2": ["O1-2026-Q2"]}

        view.undo_button.click()  # O3's copy goes before the O1 copy it aligns to
        assert text(view.status.value).startswith("Took back O1-2026-Q2, O2-2026-Q2, O3-2026-Q2")
        assert s.frames("2026-Q2").objectives.empty

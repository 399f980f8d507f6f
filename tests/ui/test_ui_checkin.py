"""The check-in form, driven as a user would: pick a key result, set values, click Save.

No browser: ipywidgets run in plain Python, observers fire and ``Button.click()`` calls the
handler. Tests assert on the store (read through a second Store object) and on what the form
shows.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
import pytest

from okrkit import CheckIn, KeyResult, Objective, OkrSet, ValidationError, load_template
from okrkit.cycles import Cycle
from okrkit.forms import default_checkin_date
from okrkit.notebooks import follow_my_name, my_name, remember_my_name
from okrkit.store import Store
from okrkit.ui import checkin_form
from okrkit.ui.checkin import (
    TEXT,
    CheckinForm,
    format_number,
    history_figure,
    history_svg,
    make_checkin,
    needs_a_word,
)
from okrkit.ui.i18n import COMMON

CYCLE = "2026-Q1"
SVG = b"<svg"


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names remembered by a test stay in its own settings folder."""
    monkeypatch.setenv("OKRKIT_CONFIG_DIR", str(tmp_path / "settings"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "okrkit.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        s.import_set(load_template("marketing", CYCLE))
        yield s


def reader(db: Path) -> Store:
    """A second connection to the store, as another kernel would open it."""
    return Store(db, create=False)


def status(view: CheckinForm) -> str:
    """The status line as the user reads it (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", view.status.value))


def form(store: Store, **kwargs: Any) -> CheckinForm:
    kwargs.setdefault("cycle", CYCLE)
    return checkin_form(store, **kwargs)


_SVG_NS = "{http://www.w3.org/2000/svg}"
_SVG_TAGS = {"svg", "title", "rect", "line", "polyline", "circle", "text"}


def svg_parts(svg: bytes | str) -> dict[str, list[ET.Element]]:
    """The elements of a chart by tag; fails on markup a chart never holds."""
    root = ET.fromstring(svg)
    out: dict[str, list[ET.Element]] = {}
    for element in root.iter():
        tag = element.tag.removeprefix(_SVG_NS)
        assert tag in _SVG_TAGS, tag
        assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib
        out.setdefault(tag, []).append(element)
    return out


def svg_texts(view: CheckinForm) -> dict[str, Any]:
    """The texts of the form's chart: ``title`` (list) and ``text`` (all labels, joined)."""
    parts = svg_parts(bytes(view.plot.value))
    return {
        "title": [e.text or "" for e in parts.get("title", [])],
        "text": " ".join(e.text or "" for e in parts.get("text", [])),
    }


def polylines(svg: str) -> list[list[tuple[float, float]]]:
    """The points of each polyline, in drawing order."""
    return [
        [tuple(map(float, p.split(","))) for p in e.attrib["points"].split()]  # type: ignore[misc]
        for e in svg_parts(svg).get("polyline", [])
    ]


def active(db: Path, kr: str) -> list[dict[str, Any]]:
    with reader(db) as other:
        return list(other.checkins(kr).to_dict("records"))


# --- recording -------------------------------------------------------------------------------


def test_save_records_the_checkin_at_once(store: Store, db: Path) -> None:
    view = form(store, key_result="MKT-1-KR1", author="Ana")
    view.value.value = 610_000
    view.confidence.value = 7
    view.note.value = "Campaign week"
    view.date.value = dt.date(2026, 2, 15)
    view.save_button.click()

    rows = active(db, "MKT-1-KR1")
    assert len(rows) == 1
    row = rows[0]
    assert (row["value"], row["confidence"], row["note"], row["author"]) == (
        610_000.0,
        7,
        "Campaign week",
        "Ana",
    )
    assert row["date"] == dt.date(2026, 2, 15)
    assert view.last_saved is not None and view.last_saved.id == row["id"]
    assert status(view) == "Recorded 610,000 for MKT-1-KR1 on 15 Feb 2026."
    assert view.note.value == ""  # ready for the next check-in
    assert "15 Feb 2026" in view.history.value and "Campaign week" in view.history.value


def test_after_a_save_the_date_returns_to_the_default(store: Store, db: Path) -> None:
    """A second check-in is not filed on the day picked for the first one."""
    view = form(store, key_result="MKT-1-KR1")
    default = default_checkin_date(Cycle.parse(CYCLE))
    assert view.date.value == default
    view.date.value = dt.date(2026, 2, 15)
    view.value.value = 500_000
    view.save_button.click()
    assert view.date.value == default
    view.value.value = 520_000
    view.save_button.click()
    assert [row["date"] for row in active(db, "MKT-1-KR1")] == [dt.date(2026, 2, 15), default]


def test_the_author_is_the_name_given_in_step_one(store: Store, db: Path) -> None:
    assert form(store).author.value == ""  # nobody said who they are yet
    remember_my_name(store, "Ana")
    view = form(store, key_result="MKT-1-KR1")
    assert view.author.value == "Ana"
    view.value.value = 500_000
    view.save_button.click()
    assert [row["author"] for row in active(db, "MKT-1-KR1")] == ["Ana"]
    assert view.author.value == "Ana"  # and for the next one
    assert form(store, author="Bo").author.value == "Bo"  # a name given wins
    with Store(db.with_name("other.db")) as elsewhere:
        elsewhere.import_set(load_template("marketing", CYCLE))
        assert form(elsewhere).author.value == ""  # once per workspace


def test_the_brainstorm_name_field_is_followed(store: Store) -> None:
    field = widgets.Text(value="")
    follow_my_name(store, field)
    field.value = "Ana"
    assert my_name(store) == "Ana"
    field.value = " Bo "
    assert form(store).author.value == "Bo"


def test_dates_and_notes_follow_the_language_and_never_become_maths(store: Store) -> None:
    store.add_checkin(
        CheckIn(key_result="MKT-1-KR1", date="2026-03-02", value=500_000, note="$1.6M to $2M")
    )
    english = form(store, key_result="MKT-1-KR1", lang="en").history.value
    swedish = form(store, key_result="MKT-1-KR1", lang="sv").history.value
    assert "2 Mar 2026" in english and "2026-03-02" in swedish
    assert "$" not in english and "&#36;1.6M to &#36;2M" in english
    assert "mathjax_ignore" in english


def test_needs_a_word_lists_the_key_results_behind_worst_first(store: Store) -> None:
    before = needs_a_word(store, CYCLE)
    assert "MKT-1-KR1" not in before["id"].tolist()  # no data yet: not behind
    store.add_checkin(CheckIn(key_result="MKT-1-KR1", date="2026-03-01", value=420_000))
    behind = needs_a_word(store, CYCLE)
    assert behind["id"].tolist()[0] == "MKT-1-KR1"  # off track, at the start value
    assert set(behind["status"]) <= {"off track", "at risk"}
    statuses = behind["status"].tolist()
    assert statuses == sorted(statuses, key=["off track", "at risk"].index)  # worst first


@pytest.mark.parametrize(
    ("kr", "widget", "field", "reading", "stored"),
    [
        ("MKT-1-KR1", widgets.FloatText, "value", 500_000.0, 500_000.0),
        ("MKT-1-KR4", widgets.FloatText, "value", 31.5, 31.5),  # guardrail
        ("MKT-2-KR4", widgets.Checkbox, "done", True, True),  # milestone
        ("MKT-3-KR3", widgets.FloatSlider, "grade", 0.65, 0.65),  # qualitative
    ],
)
def test_the_input_fits_the_key_result_type(
    store: Store, db: Path, kr: str, widget: type, field: str, reading: Any, stored: Any
) -> None:
    view = form(store)
    view.key_result.value = kr
    assert view.reading_box.children == (view.reading,)
    assert type(view.reading) is widget
    view.reading.value = reading
    view.date.value = dt.date(2026, 3, 1)
    view.save_button.click()
    (row,) = active(db, kr)
    assert row[field] == pytest.approx(stored)
    others = {"value", "done", "grade"} - {field}
    assert all(row[o] is None or (isinstance(row[o], float) and math.isnan(row[o])) for o in others)


def test_the_grade_slider_spans_zero_to_one(store: Store) -> None:
    view = form(store, key_result="MKT-3-KR3")
    assert (view.grade.min, view.grade.max) == (0.0, 1.0)
    assert (view.confidence.min, view.confidence.max) == (1, 10)


def test_the_form_starts_from_the_latest_checkin(store: Store) -> None:
    store.add_checkin(
        CheckIn(key_result="MKT-2-KR1", date="2026-02-01", value=220, confidence=4, note="x")
    )
    view = form(store, key_result="MKT-2-KR1")
    assert view.value.value == 220
    assert view.confidence.value == 4
    view.key_result.value = "MKT-1-KR2"  # no check-in: its start and its own confidence
    assert view.value.value == 12_000
    assert view.confidence.value == 3


def test_the_dropdown_lists_every_key_result_as_id_and_title(store: Store) -> None:
    view = form(store)
    labels = [label for label, _ident in view.key_result.options]
    assert len(labels) == 11
    assert labels[0] == "MKT-1-KR1 – Reach 1 million site visitors in the quarter (from 420,000)"
    assert view.key_result.value == "MKT-1-KR1"


def test_the_default_date_lies_in_the_cycle(store: Store) -> None:
    view = form(store)
    cycle = store.cycle(CYCLE)
    assert cycle.start <= view.date.value <= cycle.end
    assert view.date.value == min(max(dt.date.today(), cycle.start), cycle.end)


def test_refresh_shows_another_kernels_checkin(store: Store, db: Path) -> None:
    view = form(store, key_result="MKT-2-KR1")
    with reader(db) as other:
        other.add_checkin(CheckIn(key_result="MKT-2-KR1", date="2026-02-02", value=240))
    view.refresh_button.click()
    assert view.key_result.value == "MKT-2-KR1"  # the choice is kept
    assert view.value.value == 240
    assert "2 Feb 2026" in view.history.value


def test_refresh_keeps_the_choice_when_another_kernel_adds_a_key_result(
    store: Store, db: Path
) -> None:
    view = form(store, key_result="MKT-2-KR1")
    with reader(db) as other:
        other.add_key_result("MKT-1", KeyResult(id="MKT-1-KR9", title="Ship", type="milestone"))
    view.refresh_button.click()
    assert ("MKT-1-KR9 – Ship", "MKT-1-KR9") in view.key_result.options
    assert view.key_result.value == view.state.chosen == "MKT-2-KR1"  # new options: still it
    view.key_result.value = "MKT-1-KR9"
    assert type(view.reading) is widgets.Checkbox and view.state.chosen == "MKT-1-KR9"


# --- history ---------------------------------------------------------------------------------


def test_the_history_plot_is_an_svg_that_follows_the_checkins(store: Store) -> None:
    view = form(store, key_result="MKT-1-KR1")
    before = bytes(view.plot.value)
    assert before.startswith(SVG)
    assert "No check-ins yet." in view.history.value
    view.value.value = 700_000
    view.date.value = dt.date(2026, 2, 1)
    view.save_button.click()
    after = bytes(view.plot.value)
    assert after.startswith(SVG) and after != before
    assert "700,000" in view.history.value


def test_history_figure_draws_checkins_target_and_pace(store: Store) -> None:
    cycle = Cycle.parse(CYCLE)
    for day, value in (("2026-01-20", 500_000), ("2026-02-20", 640_000)):
        store.add_checkin(CheckIn(key_result="MKT-1-KR1", date=day, value=value))
    kr = store.frames(CYCLE).key_results.set_index("id").loc["MKT-1-KR1"].to_dict()
    kr["id"] = "MKT-1-KR1"
    fig = history_figure(kr, store.checkins("MKT-1-KR1"), cycle)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"expected pace", "target", "check-ins"}
    assert list(lines["expected pace"].get_ydata()) == [420_000, 1_000_000]
    assert list(lines["target"].get_ydata()) == [1_000_000, 1_000_000]
    assert list(lines["check-ins"].get_ydata()) == [500_000, 640_000]


def test_history_svg_draws_checkins_target_and_pace(store: Store) -> None:
    cycle = Cycle.parse(CYCLE)
    for day, value in (("2026-01-20", 500_000), ("2026-02-20", 640_000)):
        store.add_checkin(CheckIn(key_result="MKT-1-KR1", date=day, value=value))
    kr = store.frames(CYCLE).key_results.set_index("id").loc["MKT-1-KR1"].to_dict()
    kr["id"] = "MKT-1-KR1"
    svg = history_svg(kr, store.checkins("MKT-1-KR1"), cycle)
    texts = [e.text for e in svg_parts(svg)["text"]]
    assert {"expected pace", "target", "check-ins"} <= set(texts)  # the legend
    assert "1,000,000" in texts  # the y axis reads like the form's numbers
    assert {"Jan 2026", "Feb", "Mar"} <= set(texts)
    pace, target, checkins = polylines(svg)
    # Screen y grows downwards: the pace climbs from the start (420,000) to the target.
    assert pace[0][1] > pace[1][1] == target[0][1] == target[1][1]
    assert pace[0][0] == target[0][0] and pace[1][0] == target[1][0]  # both span the cycle
    assert len(checkins) == 2 and checkins[0][1] > checkins[1][1]  # 500,000 then 640,000
    assert pace[1][1] < checkins[1][1] < pace[0][1]


def test_history_svg_of_a_guardrail_draws_the_threshold_not_a_pace() -> None:
    cycle = Cycle.parse(CYCLE)
    kr = {"id": "G1", "title": "Keep churn low", "type": "guardrail", "threshold": 20.0}
    checkins = pd.DataFrame(
        {"date": [dt.date(2026, 2, 1), dt.date(2026, 2, 8)], "value": [12.0, 9.0]}
    )
    svg = history_svg(kr, checkins, cycle, lang="sv")
    texts = [e.text for e in svg_parts(svg)["text"]]
    assert "gränsvärde" in texts and "förväntad takt" not in texts and "feb" in texts
    threshold, readings = polylines(svg)
    assert threshold[0][1] < readings[0][1] < readings[1][1]  # 12, then 9: under 20


def test_history_svg_of_a_milestone_steps_from_not_done_to_done() -> None:
    cycle = Cycle.parse(CYCLE)
    kr = {"id": "K1", "title": "Ship it", "type": "milestone"}
    checkins = pd.DataFrame(
        {"date": [dt.date(2026, 2, 1), dt.date(2026, 3, 1)], "done": [False, True]}
    )
    pace, _target, readings = polylines(history_svg(kr, checkins, cycle))
    # Not done holds until the day it is done: (Feb 1, 0) → (Mar 1, 0) → (Mar 1, 1).
    assert [round(y) for _x, y in readings][:2] == [round(pace[0][1])] * 2
    assert readings[1][0] == readings[2][0] and readings[2][1] < readings[1][1]


def test_history_figure_of_a_milestone_plots_done_as_zero_and_one() -> None:
    cycle = Cycle.parse(CYCLE)
    okrs = OkrSet(
        cycle=cycle,
        objectives=[
            Objective(
                id="O1",
                title="Ship",
                key_results=[KeyResult(id="K1", title="Ship it", type="milestone")],
            )
        ],
    )
    with Store("sqlite://") as s:
        s.import_set(okrs)
        s.add_checkin(CheckIn(key_result="K1", date="2026-02-01", done=False))
        s.add_checkin(CheckIn(key_result="K1", date="2026-03-01", done=True))
        kr = s.frames(cycle).key_results.iloc[0].to_dict()
        fig = history_figure(kr, s.checkins("K1"), cycle, lang="sv")
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"förväntad takt", "målvärde", "avstämningar"}
    assert list(lines["avstämningar"].get_ydata()) == [0.0, 1.0]
    assert list(lines["förväntad takt"].get_ydata()) == [0.0, 1.0]


def test_history_table_shows_the_latest_five_newest_first(store: Store) -> None:
    for day in range(1, 8):
        store.add_checkin(
            CheckIn(key_result="MKT-2-KR1", date=dt.date(2026, 2, day), value=180 + day)
        )
    view = form(store, key_result="MKT-2-KR1")
    dates = re.findall(r"\d Feb 2026", view.history.value)
    assert dates == [f"{d} Feb 2026" for d in (7, 6, 5, 4, 3)]


# --- bad input -------------------------------------------------------------------------------


def test_a_missing_date_is_refused_and_nothing_written(store: Store, db: Path) -> None:
    view = form(store, key_result="MKT-1-KR1")
    view.value.value = 600_000
    view.date.value = None
    view.save_button.click()
    assert status(view) == (
        "Could not save: the date is missing (pick the date the reading was taken)"
    )
    assert active(db, "MKT-1-KR1") == []


def test_a_date_outside_the_cycle_is_refused_and_nothing_written(store: Store, db: Path) -> None:
    view = form(store, key_result="MKT-3-KR3")
    view.grade.value = 0.5
    view.date.value = dt.date(2026, 4, 2)
    view.save_button.click()
    assert "2026-04-02 is outside cycle 2026-Q1" in status(view)
    assert "field 'date'" not in status(view)  # the person sees the date field; no code name
    assert "from 2026-01-01 to 2026-03-31" in status(view)
    assert active(db, "MKT-3-KR3") == []


def test_a_cycle_without_key_results_says_so(store: Store) -> None:
    store.import_set(OkrSet(cycle="2026-Q2"))
    view = form(store, cycle="2026-Q2")
    assert view.key_result.options == ()
    assert view.save_button.disabled
    assert status(view) == "Cycle 2026-Q2 has no key results yet."
    view.save_button.click()  # a click anyway: a message, no exception
    assert status(view).startswith("Could not save: no key result is chosen")


def test_an_unknown_key_result_shows_the_first_and_says_why(store: Store) -> None:
    view = form(store, key_result="MKT-9-KR9")
    assert view.key_result.value == "MKT-1-KR1"
    assert status(view).startswith("no key result MKT-9-KR9 in cycle 2026-Q1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"kr_type": "qualitative", "grade": 1.5},
            "the grade 1.5 is outside 0–1 (grade from 0.0 (not at all) to 1.0 (fully))",
        ),
        ({"kr_type": "qualitative", "grade": None}, "the grade – is outside 0–1"),
        ({"kr_type": "metric", "value": None}, "the value is missing (enter the number"),
        ({"kr_type": "guardrail", "value": math.nan}, "the value is missing"),
        ({"kr_type": "metric", "value": math.inf}, "inf is not a finite number"),
        ({"kr_type": "milestone", "done": None}, "say whether the milestone is done"),
        (
            {"kr_type": "metric", "value": 3, "confidence": 11},
            "the confidence 11 is not a whole number from 1 to 10",
        ),
        ({"kr_type": "metric", "value": 3, "key_result": ""}, "no key result is chosen"),
        ({"kr_type": "metric", "value": 3, "date": None}, "the date is missing"),
    ],
)
def test_make_checkin_explains_bad_input(kwargs: dict[str, Any], message: str) -> None:
    kr_type = kwargs.pop("kr_type")
    key_result = kwargs.pop("key_result", "KR1")
    date = kwargs.pop("date", dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as info:
        make_checkin(kr_type, key_result, date, **kwargs)
    assert str(info.value).startswith(message)


def test_make_checkin_speaks_swedish() -> None:
    with pytest.raises(ValidationError) as info:
        make_checkin("qualitative", "KR1", "2026-02-01", grade=1.5, lang="sv")
    assert str(info.value) == (
        "betyget 1,5 ligger utanför 0–1 (sätt ett betyg från 0,0 (inte alls) till 1,0 (helt))"
    )


def test_make_checkin_keeps_only_the_reading_of_the_type() -> None:
    checkin = make_checkin(
        "milestone",
        "KR1",
        "2026-02-01",
        value=3.0,
        done=True,
        grade=0.4,
        confidence=6,
        note="n",
        author=" Ana ",
        cycle=Cycle.parse(CYCLE),
    )
    assert (checkin.value, checkin.done, checkin.grade) == (None, True, None)
    assert (checkin.confidence, checkin.author, checkin.date) == (6, "Ana", dt.date(2026, 2, 1))


# --- language, escaping, failures ------------------------------------------------------------


def test_swedish_labels_and_messages(store: Store) -> None:
    view = form(store, key_result="MKT-1-KR1", lang="sv")
    assert view.save_button.description == "Spara"
    assert view.value.description == "Värde (visitors)"
    assert view.confidence.description == "Tilltro"
    assert view.key_result.description == "Nyckelresultat"
    view.date.value = None
    view.save_button.click()
    assert status(view) == "Kunde inte spara: datum saknas (välj datumet då värdet lästes av)"
    view.date.value = dt.date(2026, 2, 3)
    view.value.value = 1234.5
    view.save_button.click()
    assert status(view) == "Sparade 1\u00a0234,5 för MKT-1-KR1 den 2026-02-03."


def test_language_from_the_environment(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKRKIT_LANG", "sv_SE.UTF-8")
    assert form(store).save_button.description == "Spara"


def test_text_tables_have_the_same_keys_in_both_languages() -> None:
    assert set(TEXT["en"]) == set(TEXT["sv"])
    assert all(TEXT["sv"][k] for k in TEXT["sv"])


def html_texts(widget: Any) -> list[str]:
    """Every HTML value in a widget tree."""
    out = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        out += html_texts(child)
    return out


def test_user_text_is_escaped(store: Store) -> None:
    evil = "<script>alert(1)</script>"
    store.import_set(
        OkrSet(
            cycle=CYCLE,
            objectives=[
                Objective(
                    id="X1",
                    title=evil,
                    key_results=[KeyResult(id="X1-KR1", title=evil, start=0, target=10)],
                )
            ],
        )
    )
    store.add_checkin(
        CheckIn(key_result="X1-KR1", date="2026-02-01", value=1, note=evil, author=evil)
    )
    view = form(store, key_result="X1-KR1")
    shown = "".join(html_texts(view))
    assert "<script" not in shown
    assert shown.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # note and author
    # Dropdown labels are plain text in the front end (never parsed as HTML).
    assert ("X1-KR1 – " + evil, "X1-KR1") in view.key_result.options
    chart = svg_texts(view)
    assert evil in chart["title"][0]  # as text, in the chart's title
    assert "script" not in chart  # no element a payload brought in


def test_a_dollar_in_the_unit_is_drawn_as_text(store: Store) -> None:
    store.import_set(
        OkrSet(
            cycle=CYCLE,
            objectives=[
                Objective(
                    id="X2",
                    title="Cheaper leads",
                    key_results=[
                        KeyResult(id="X2-KR1", title="CPL", start=4.2, target=3.7, unit="$ $")
                    ],
                )
            ],
        )
    )
    view = form(store, key_result="X2-KR1")
    assert svg_texts(view)["text"].count("$ $") == 1  # the y axis name, as typed


def test_an_unexpected_error_shows_the_generic_message(
    store: Store, db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    view = form(store, key_result="MKT-1-KR1")

    def broken(_checkin: CheckIn) -> CheckIn:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "add_checkin", broken)
    view.value.value = 600_000
    view.date.value = dt.date(2026, 2, 1)
    with caplog.at_level(logging.ERROR, logger="okrkit.ui"):
        view.save_button.click()  # does not raise
    assert status(view) == COMMON["en"]["unexpected"]
    assert "boom" in caplog.text
    assert active(db, "MKT-1-KR1") == []


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (1_000_000.0, "en", "1,000,000"),
        (0.575, "en", "0.57"),
        (3.7, "sv", "3,7"),
        (-1234.5, "sv", "-1\u00a0234,5"),
        (None, "en", "–"),
        (math.nan, "sv", "–"),
    ],
)
def test_format_number(value: float | None, lang: str, text: str) -> None:
    assert format_number(value, lang) == text


# --- what an interaction costs: no matplotlib, one small read ----------------------------------


@contextmanager
def counting(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count the store calls of the form and any matplotlib figure it draws."""
    import matplotlib.figure

    seen: Counter[str] = Counter()

    def spy(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            seen[name] += 1
            return function(*args, **kwargs)

        return run

    with monkeypatch.context() as patch:
        for name in ("frames", "load", "versions", "checkins", "add_checkin"):
            patch.setattr(store, name, spy(name, getattr(store, name)))
        patch.setattr(
            matplotlib.figure.Figure, "savefig", spy("draw", matplotlib.figure.Figure.savefig)
        )
        yield seen


def test_picking_and_saving_read_one_key_result_and_draw_no_figure(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = form(store, key_result="MKT-1-KR1")
    with counting(store, monkeypatch) as seen:
        view.key_result.value = "MKT-2-KR1"
    assert seen == {"checkins": 1}  # its check-ins; nothing of the whole cycle, no drawing
    view.value.value = 210
    view.date.value = dt.date(2026, 2, 2)
    with counting(store, monkeypatch) as seen:
        view.save_button.click()
    assert "Recorded" in status(view)
    assert seen == {"add_checkin": 1, "checkins": 1}
    assert "2 Feb 2026" in view.history.value


def test_refresh_reads_the_key_results_again_only_when_one_changed(
    store: Store, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = form(store, key_result="MKT-1-KR1")
    with counting(store, monkeypatch) as seen:
        view.refresh_button.click()
    assert seen == {"versions": 1, "checkins": 1}
    with reader(db) as other:
        version = other.versions(CYCLE)["MKT-1-KR2"]
        other.update_key_result("MKT-1-KR2", version, title="Renamed elsewhere")
        other.add_checkin(CheckIn(key_result="MKT-1-KR1", date="2026-02-03", value=480_000))
    with counting(store, monkeypatch) as seen:
        view.refresh_button.click()
    assert seen == {"versions": 1, "frames": 1, "checkins": 1}
    assert ("MKT-1-KR2 – Renamed elsewhere", "MKT-1-KR2") in view.key_result.options
    assert "480,000" in view.history.value  # the chosen key result's check-ins are read too


# --- ordinal key results and key results without a score -------------------------------------

LEVELS = {
    "commit_zone": "Beta with 10 customers",
    "target_zone": "Launched to every customer",
    "stretch_zone": "Launched & NPS up 5",
}


@pytest.fixture
def shapes(tmp_path: Path) -> Iterator[Store]:
    """An ordinal key result and an 'at least' metric without a start, no check-ins."""
    krs = [
        KeyResult(id="O1-KR1", title="Launch version 2.0", type="ordinal", **LEVELS),
        KeyResult(id="O1-KR2", title="NPS of 42 or higher", target=42, bound="at_least"),
    ]
    okrs = OkrSet(cycle=CYCLE, objectives=[Objective(id="O1", title="Delight", key_results=krs)])
    with Store(tmp_path / "shapes.db") as s:
        s.import_set(okrs)
        yield s


def plain(value: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def test_an_ordinal_key_result_is_checked_in_with_its_described_levels(shapes: Store) -> None:
    view = checkin_form(shapes, key_result="O1-KR1", cycle=CYCLE)
    assert view.reading is view.zone
    assert [label for label, _ in view.zone.options] == [
        "below commit",
        "commit: Beta with 10 customers",
        "target: Launched to every customer",
        "stretch: Launched & NPS up 5",
    ]
    assert view.zone.value == "fail"  # nothing reached yet
    assert "no data yet" in plain(view.scoreline.value)
    assert "0.00" not in plain(view.scoreline.value)
    view.zone.value = "target"
    view.date.value = dt.date(2026, 2, 1)
    view.save_button.click()
    (row,) = shapes.checkins("O1-KR1").to_dict("records")
    assert (row["zone"], row["value"], row["grade"]) == ("target", None, None)
    assert plain(view.status.value) == "Recorded target for O1-KR1 on 1 Feb 2026."
    assert "target" in plain(view.history.value)
    texts = svg_texts(view)
    assert "stretch" in texts["text"] and "below commit" in texts["text"]
    # Picked again, the form shows the zone reached.
    view.refresh(select="O1-KR2")
    view.refresh(select="O1-KR1")
    assert view.zone.value == "target"


def test_a_metric_with_a_bound_and_no_start_draws_and_says_no_data(shapes: Store) -> None:
    view = checkin_form(shapes, key_result="O1-KR2", cycle=CYCLE, lang="sv")
    assert view.reading is view.value
    assert "inga data än" in plain(view.scoreline.value)
    parts = svg_parts(bytes(view.plot.value))
    assert parts["polyline"] or parts["line"]  # the target line, no pace line without a start
    assert "förväntad takt" not in svg_texts(view)["text"]

"""The key result drafter, driven like a facilitator would: pick, type, click Save.

No browser: ipywidgets run in plain Python, observers fire and ``Button.click()`` calls the
handlers. Each test asserts on the store (through a second Store object where it matters) and on
what the view shows.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from okrkit import CheckIn, KeyResult, Objective, OkrSet, check_set
from okrkit.errors import ValidationError
from okrkit.model import KR_TYPE_FIELDS, KR_TYPES
from okrkit.store import Store
from okrkit.ui import kr_drafter
from okrkit.ui.drafter import (
    TEXT,
    KrDrafter,
    kr_sentence,
    next_key_result_id,
    parse_number,
)
from okrkit.wording import assess_key_result

CYCLE = "2026-Q1"


def make(store: Store, **kwargs: Any) -> KrDrafter:
    kwargs.setdefault("cycle", CYCLE)
    kwargs.setdefault("objective", "MKT-1")
    return kr_drafter(store, **kwargs)


def text(widget: Any) -> str:
    """What an HTML widget shows as text (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def fill(view: KrDrafter, **values: Any) -> None:
    for name, value in values.items():
        view.fields[name].value = value


def visible(view: KrDrafter) -> set[str]:
    return {name for name, w in view.fields.items() if w.layout.display != "none"}


def delete(view: KrDrafter) -> None:
    """Delete the key result picked: Delete, then confirm."""
    view.delete_button.click()
    assert view.confirm_box.layout.display != "none"
    view.confirm_button.click()


def enter(box: Any) -> None:
    """Press Enter in a text box: the browser sends a ``submit`` message."""
    box._handle_custom_msg({"event": "submit"}, [])


# --- the plain functions ---------------------------------------------------------------------


def test_sentence_joins_with_commas_and_the_last_with_and() -> None:
    assert kr_sentence("Delight customers", ["NPS from 30 to 40", "Churn to 5 %", "Ship it"]) == (
        "We will delight customers, as measured by NPS from 30 to 40, churn to 5 % and ship it."
    )
    assert kr_sentence("Glädja kunderna", ["Öka NPS", "Minska churn"], "sv") == (
        "Vi ska glädja kunderna, mätt genom öka NPS och minska churn."
    )


@pytest.mark.parametrize(
    ("typed", "lang", "expected"),
    [
        ("", "en", None),
        ("25", "en", 25.0),
        ("1,000.5", "en", 1000.5),
        ("0,5", "sv", 0.5),
        ("1 000", "sv", 1000.0),
        ("−3", "en", -3.0),
    ],
)
def test_parse_number(typed: str, lang: str, expected: float | None) -> None:
    assert parse_number(typed, "target", lang) == expected


def test_parse_number_names_the_field() -> None:
    with pytest.raises(ValidationError, match="'abc' is not a number") as info:
        parse_number("abc", "start")
    assert info.value.field == "start"


def test_new_ids_follow_the_highest() -> None:
    assert next_key_result_id("O1", []) == "O1-KR1"
    assert next_key_result_id("O1", ["O1-KR1", "O1-KR7", "O10-KR9"]) == "O1-KR8"


def test_labels_have_the_same_keys_in_both_languages() -> None:
    assert set(TEXT["en"]) == set(TEXT["sv"])
    assert all(TEXT["sv"].values())


# --- typing: the live sentence and verdict ---------------------------------------------------


def test_typing_updates_the_sentence_and_the_verdict(store: Store) -> None:
    view = make(store)
    view.title.value = "Implement a loyalty programme"
    sentence = text(view.sentence)
    assert sentence.startswith("We will make our brand the first name people think of")
    assert ", as measured by reach 1 million site visitors" in sentence
    assert sentence.endswith("below 35 % and implement a loyalty programme.")
    wording = text(view.wording)
    assert "Reads as a task" in wording
    assert "OKR202" in wording
    assert "initiative" in wording
    assert "Suggestion: " + assess_key_result("Implement a loyalty programme").suggestion in wording

    view.title.value = "Raise repeat purchases from 20 % to 30 %"
    assert "Measurable" in text(view.wording)
    assert "OKR202" not in text(view.wording)
    assert text(view.sentence).endswith("and raise repeat purchases from 20 % to 30 %.")


def test_swedish_text_gets_swedish_messages(store: Store) -> None:
    view = make(store)  # an English view: the language of the text decides the messages
    view.title.value = "Implementera ett lojalitetsprogram"
    expected = assess_key_result("Implementera ett lojalitetsprogram")
    assert expected.lang == "sv"
    assert expected.message in text(view.wording)
    assert "Låter som en uppgift" in text(view.wording)


def test_editing_a_key_result_puts_the_typed_title_in_its_place(store: Store) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR2"
    assert view.title.value == "Grow social followers tenfold, from 12,000 to 120,000"
    view.title.value = "Grow social followers to 50,000"
    sentence = text(view.sentence)
    assert "grow social followers to 50,000, onboard" in sentence
    assert "tenfold" not in sentence
    assert sentence.endswith("below 35 %.")


def test_typing_reads_nothing_from_the_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    view = make(store)

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a keystroke read the store")

    for name in ("load", "frames", "versions", "cycle", "cycles", "checkins"):
        monkeypatch.setattr(store, name, refuse)
    for typed in ("I", "Im", "Implement a loyalty programme"):
        view.title.value = typed
    assert "Reads as a task" in text(view.wording)
    assert view.status.value == ""


def test_keystrokes_judge_the_sentence_in_a_store_of_1000_key_results(tmp_path: Path) -> None:
    # Keystroke response times are measured in benchmarks/widgets.py.
    objectives = [
        Objective(
            id=f"O{i}",
            title=f"Objective number {i}",
            owner=f"Owner {i % 20}",
            key_results=[
                KeyResult(
                    id=f"O{i}-KR{j}", title=f"Grow metric {j} from 0 to 10", start=0, target=10
                )
                for j in range(1, 6)
            ],
        )
        for i in range(200)
    ]
    with Store(tmp_path / "big.db") as big:
        big.import_set(OkrSet(cycle=CYCLE, objectives=objectives))
        view = make(big, objective="O100")
        phrase = "Raise repeat purchases from 20 % to 30 % by the end of June"
        for n in range(1, len(phrase) + 1):
            view.title.value = phrase[:n]
    assert "Measurable" in text(view.wording)


# --- the fields of each type -----------------------------------------------------------------


@pytest.mark.parametrize("kr_type", KR_TYPES)
def test_switching_the_type_shows_its_fields(store: Store, kr_type: str) -> None:
    view = make(store)
    view.type_pick.value = "milestone" if kr_type != "milestone" else "metric"
    view.type_pick.value = kr_type
    common = {"description", "weight", "owner", "confidence"}
    assert visible(view) == set(KR_TYPE_FIELDS[kr_type]) | common


def test_picking_a_key_result_shows_its_type(store: Store) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR4"  # a guardrail: keep paid share below 35 %
    assert view.type_pick.value == "guardrail"
    assert visible(view) >= {"threshold", "direction"}
    assert "start" not in visible(view)
    assert view.fields["threshold"].value == "35"
    assert view.fields["direction"].value == "below"


# --- saving --------------------------------------------------------------------------------


def test_save_adds_a_new_metric_key_result(store: Store, other: Store) -> None:
    view = make(store)
    view.title.value = "Raise newsletter sign-ups from 2,000 to 5,000"
    fill(view, start="2,000", target="5000", unit="sign-ups", weight="1.5", owner="Ana")
    view.fields["confidence"].value = 6
    view.save_button.click()

    saved = other.load(CYCLE).objective("MKT-1").key_results[-1]
    assert saved == KeyResult(
        id="MKT-1-KR5",
        title="Raise newsletter sign-ups from 2,000 to 5,000",
        type="metric",
        start=2000,
        target=5000,
        unit="sign-ups",
        weight=1.5,
        owner="Ana",
        confidence=6,
    )
    assert text(view.status) == (
        "Added MKT-1-KR5 “Raise newsletter sign-ups from 2,000 to 5,000”."
        " The form is ready for the next key result."
    )
    assert view.kr_pick.value == ""  # ready for a new one, not editing the saved one
    assert "MKT-1-KR5" in dict((v, k) for k, v in view.kr_pick.options)
    assert "Quality findings for MKT-1" in text(view.findings)


def test_save_shows_the_objectives_quality_findings(store: Store) -> None:
    view = make(store, objective="MKT-1")
    view.title.value = "Reach 1 million site visitors in the quarter (from 420,000)"
    fill(view, start="420000", target="1000000")
    view.save_button.click()
    findings = text(view.findings)
    assert "OKR203" in findings  # a near-duplicate of MKT-1-KR1
    assert "MKT-1-KR5" in findings
    assert "CO-1" not in findings  # only this objective's


def test_save_adds_each_type(store: Store, other: Store) -> None:
    view = make(store, objective="MKT-2")
    cases = [
        ("milestone", "Launch the partner portal", {"done": True}),
        ("qualitative", "Sales rates the leads as useful", {"grade": "0.4"}),
        ("guardrail", "Keep cost per lead below 80 €", {"threshold": "80"}),
    ]
    for kr_type, title, values in cases:
        view.kr_pick.value = ""
        view.type_pick.value = kr_type
        view.title.value = title
        fill(view, **values)
        view.save_button.click()
        assert "Added" in text(view.status), text(view.status)
    added = {kr.title: kr for kr in other.load(CYCLE).objective("MKT-2").key_results}
    assert added["Launch the partner portal"].done is True
    assert added["Sales rates the leads as useful"].grade == 0.4
    assert added["Keep cost per lead below 80 €"].threshold == 80
    assert added["Keep cost per lead below 80 €"].direction == "above"


def test_edit_and_save_updates_the_key_result(store: Store, other: Store) -> None:
    view = make(store)
    before = other.versions(CYCLE)["MKT-1-KR3"]
    view.kr_pick.value = "MKT-1-KR3"
    view.title.value = "Onboard 1,500 community members"
    fill(view, target="1500", current="300")
    view.save_button.click()

    kr = other.load(CYCLE).key_result("MKT-1-KR3")
    assert (kr.title, kr.target, kr.current, kr.start) == (
        "Onboard 1,500 community members",
        1500,
        300,
        0,
    )
    assert kr.owner == "Community manager"  # untouched fields stay
    assert other.versions(CYCLE)["MKT-1-KR3"] == before + 1
    assert "Saved MKT-1-KR3" in text(view.status)

    # a second save works from the version just written
    view.title.value = "Onboard 1,600 community members"
    fill(view, target="1600")
    view.save_button.click()
    assert other.load(CYCLE).key_result("MKT-1-KR3").target == 1600


def test_changing_the_type_of_a_key_result(store: Store, other: Store) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR3"
    view.type_pick.value = "milestone"
    view.title.value = "Open the community forum"
    view.save_button.click()
    kr = other.load(CYCLE).key_result("MKT-1-KR3")
    assert (kr.type, kr.done, kr.start, kr.target, kr.unit) == (
        "milestone",
        False,
        None,
        None,
        None,
    )


def test_a_stale_version_is_a_conflict_and_overwrites_nothing(store: Store, other: Store) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR1"
    version = other.versions(CYCLE)["MKT-1-KR1"]
    other.update_key_result("MKT-1-KR1", version, title="Reach 900,000 site visitors")

    view.title.value = "Reach 2 million site visitors"
    view.save_button.click()
    assert "changed by somebody else" in text(view.status)
    assert other.load(CYCLE).key_result("MKT-1-KR1").title == "Reach 900,000 site visitors"
    assert view.title.value == "Reach 2 million site visitors"  # the typing is kept

    view.refresh_button.click()  # reload, type again, save
    view.kr_pick.value = "MKT-1-KR1"
    view.title.value = "Reach 2 million site visitors"
    view.save_button.click()
    assert other.load(CYCLE).key_result("MKT-1-KR1").title == "Reach 2 million site visitors"


@pytest.mark.parametrize(
    ("editing", "kr_type", "values", "message"),
    [
        (
            None,
            "metric",
            {"start": "10", "target": "10"},
            "Target: the target equals the start (10): no progress could be measured",
        ),
        ("MKT-1-KR1", "metric", {"start": "10", "target": "10"}, "the target equals the start"),
        (None, "metric", {"start": "10", "target": "lots"}, "Target: 'lots' is not a number"),
        (
            "MKT-1-KR2",
            "metric",
            {"start": "", "target": "10"},
            "Start: fill in the start, or pick “a level to reach or pass” or “a ceiling to stay"
            " at or under” under “Target is”",
        ),
        (None, "qualitative", {"grade": "1.5"}, "Grade (0–1): 1.5 is outside 0–1"),
        ("MKT-1-KR1", "qualitative", {"grade": "-0.1"}, "-0.1 is outside 0–1"),
        ("MKT-1-KR4", "guardrail", {"threshold": ""}, "Threshold: fill in the threshold"),
        (None, "metric", {"start": "0", "target": "5", "weight": "0"}, "Weight: 0 is not above 0"),
    ],
)
def test_invalid_input_is_a_readable_error_and_writes_nothing(
    store: Store,
    other: Store,
    editing: str | None,
    kr_type: str,
    values: dict[str, str],
    message: str,
) -> None:
    before = other.load(CYCLE)
    versions = other.versions(CYCLE)
    view = make(store)
    if editing:
        view.kr_pick.value = editing
    view.type_pick.value = kr_type
    view.title.value = "Grow something from 10 to 20"
    fill(view, **values)
    view.save_button.click()
    shown = text(view.status)
    assert shown.startswith("Could not save:"), shown
    assert message in shown
    assert "Traceback" not in shown
    assert "field '" not in shown and "<number>" not in shown  # no file syntax
    assert other.load(CYCLE) == before
    assert other.versions(CYCLE) == versions


def test_a_script_title_is_shown_escaped(store: Store, other: Store) -> None:
    view = make(store)
    evil = "<script>alert('x')</script> from 1 to 2"
    view.title.value = evil
    assert "<script>" not in view.sentence.value
    assert "&lt;script&gt;" in view.sentence.value
    assert evil.lower()[:20] in text(view.sentence)
    fill(view, start="1", target="2")
    view.save_button.click()
    assert other.load(CYCLE).key_result("MKT-1-KR5").title == evil
    for widget in (view.sentence, view.wording, view.findings, view.status):
        assert "<script>" not in widget.value


def test_swedish_labels_and_sentence(store: Store) -> None:
    view = make(store, lang="sv")
    assert view.save_button.description == "Spara"
    assert view.title.description == "Titel"
    assert [label for label, _ in view.type_pick.options] == [
        "Mätetal",
        "Milstolpe",
        "Kvalitativ",
        "Skyddsräcke",
        "Nivåer",
    ]
    assert view.kr_pick.options[0][0] == "+ nytt nyckelresultat"
    view.title.value = "Öka nyhetsbrevets prenumeranter från 2 000 till 5 000"
    assert text(view.sentence).startswith("Vi ska make our brand")
    assert ", mätt genom reach 1 million" in text(view.sentence)
    assert "Mätbart" in text(view.wording)
    fill(view, start="2 000", target="5000,5")
    view.save_button.click()
    assert "Lade till MKT-1-KR5" in text(view.status)
    assert store.load(CYCLE).key_result("MKT-1-KR5").target == 5000.5
    assert "Kvalitetsanmärkningar för MKT-1" in text(view.findings)


def test_empty_title_uses_the_views_language(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKRKIT_LANG", "sv")
    view = make(store)
    assert view.lang == "sv"
    view.title.value = ""
    assert assess_key_result("", "sv").message in text(view.wording)


def test_switching_objective_lists_its_key_results(store: Store) -> None:
    view = make(store)
    view.objective_pick.value = "CO-2"
    ids = [value for _, value in view.kr_pick.options]
    assert ids == ["", "CO-2-KR1", "CO-2-KR2", "CO-2-KR3"]
    assert view.kr_pick.value == ""
    assert view.title.value == ""
    assert text(view.sentence).startswith("We will build a profitable, recurring revenue engine")


def test_refresh_keeps_the_key_result_and_shows_others_changes(store: Store, other: Store) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR3"
    other.update_key_result("MKT-1-KR3", other.versions(CYCLE)["MKT-1-KR3"], target=1200)
    view.refresh_button.click()
    assert view.kr_pick.value == "MKT-1-KR3"
    assert view.fields["target"].value == "1,200"  # grouped, as okrkit writes numbers
    view.title.value = "Onboard 1,200 community members"
    view.save_button.click()  # the version read on refresh is current: no conflict
    assert other.load(CYCLE).key_result("MKT-1-KR3").title == "Onboard 1,200 community members"


# --- deleting and errors -----------------------------------------------------------------------


def test_delete_a_new_key_result(store: Store, other: Store) -> None:
    view = make(store)
    view.title.value = "Ship the brand book"
    view.type_pick.value = "milestone"
    view.save_button.click()
    assert "MKT-1-KR5" in {kr.id for kr in other.load(CYCLE).objective("MKT-1").key_results}
    view.kr_pick.value = "MKT-1-KR5"
    delete(view)
    assert text(view.status) == "Deleted MKT-1-KR5 “Ship the brand book”."
    assert "MKT-1-KR5" not in {kr.id for kr in other.load(CYCLE).objective("MKT-1").key_results}
    assert view.kr_pick.value == ""


def test_delete_refuses_a_key_result_a_kpi_measures(store: Store, other: Store) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR1"
    delete(view)
    assert text(view.status) == (
        "Could not save: Key result: KPI MKT-KPI-3 points at “Reach 1 million site visitors in"
        " the quarter (from 420,000)”; remove it there first"
    )
    assert other.load(CYCLE).key_result("MKT-1-KR1")


def test_delete_refuses_a_key_result_with_check_ins(store: Store, other: Store) -> None:
    view = make(store)
    view.title.value = "Ship the brand book"
    view.type_pick.value = "milestone"
    view.save_button.click()
    other.add_checkin(CheckIn(key_result="MKT-1-KR5", date="2026-02-01", done=False))
    view.kr_pick.value = "MKT-1-KR5"
    delete(view)
    assert "“Ship the brand book” has check-ins and cannot be deleted" in text(view.status)
    assert other.load(CYCLE).key_result("MKT-1-KR5")


def test_delete_of_a_stale_version_is_a_conflict(store: Store, other: Store) -> None:
    view = make(store)
    view.title.value = "Ship the brand book"
    view.type_pick.value = "milestone"
    view.save_button.click()
    other.update_key_result("MKT-1-KR5", 1, done=True)
    view.kr_pick.value = "MKT-1-KR5"
    delete(view)
    assert "changed by somebody else" in text(view.status)
    assert other.load(CYCLE).key_result("MKT-1-KR5").done is True


def test_an_unexpected_error_is_a_message_not_a_traceback(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    view = make(store)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "add_key_result", broken)
    view.title.value = "Grow sign-ups from 1 to 2"
    fill(view, start="1", target="2")
    view.save_button.click()  # does not raise
    assert "Something went wrong" in text(view.status)
    assert "disk on fire" in caplog.text


def test_an_empty_store_shows_a_message(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as empty:
        view = kr_drafter(empty)
        assert "the store" in text(view.status) and "is empty" in text(view.status)
        view.save_button.click()
        view.title.value = "Anything"
        assert "Could not" in text(view.status) or "no objectives" in text(view.status)


def test_the_verdict_is_shown_once(store: Store) -> None:
    view = make(store)
    view.title.value = "Grow ARR from $2M to $2.4M"
    assert text(view.wording).count("Measurable") == 1


# --- what an edit costs: one write and one versions read; the set is not read again ------------


@contextmanager
def counting(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count the store calls of the view and the quality checks it runs."""
    import okrkit.objective_checks
    import okrkit.ui._drafter_state

    seen: Counter[str] = Counter()

    def spy(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            seen[name] += 1
            return function(*args, **kwargs)

        return run

    names = ("load", "frames", "versions", "checkins")
    writes = ("update_key_result", "add_key_result", "delete_key_result")
    with monkeypatch.context() as patch:
        for name in names + writes:
            patch.setattr(store, name, spy(name, getattr(store, name)))
        check_set = spy("check_set", okrkit.objective_checks.check_set)
        patch.setattr(okrkit.objective_checks, "check_set", check_set)  # one objective's
        patch.setattr(okrkit.ui._drafter_state, "check_set", check_set)  # the whole cycle's
        yield seen


def findings_of(okrs: OkrSet, objective: str) -> list[Any]:
    """What the whole-set check finds about ``objective``: the view shows the same."""
    return [f for f in check_set(okrs) if f.objective == objective]


def test_save_add_and_delete_write_once_and_read_only_versions(
    store: Store, other: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR3"
    view.title.value = "Onboard 1,500 community members"
    with counting(store, monkeypatch) as seen:
        view.save_button.click()
    assert "Saved MKT-1-KR3" in text(view.status)
    # One write, one versions read, one check of the objective edited (a set of one objective).
    assert seen == {"update_key_result": 1, "versions": 1, "check_set": 1}
    assert view.okrs == other.load(CYCLE)  # the view's copy is what the store holds
    assert view.quality == findings_of(view.okrs, "MKT-1")

    view.kr_pick.value = ""
    view.title.value = "Ship the brand book"
    view.type_pick.value = "milestone"
    with counting(store, monkeypatch) as seen:
        view.save_button.click()
    assert "Added MKT-1-KR5" in text(view.status)
    assert seen == {"add_key_result": 1, "versions": 2, "check_set": 1}  # ids in use, then after
    assert view.okrs == other.load(CYCLE)

    view.kr_pick.value = "MKT-1-KR5"
    with counting(store, monkeypatch) as seen:
        delete(view)
    assert "Deleted MKT-1-KR5" in text(view.status)
    assert seen == {"delete_key_result": 1, "versions": 1, "check_set": 1}
    assert view.okrs == other.load(CYCLE)
    assert view.quality == findings_of(view.okrs, "MKT-1")


def test_the_cost_of_a_save_does_not_grow_with_the_set(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cost() -> Counter[str]:
        view = make(store)
        view.kr_pick.value = "MKT-1-KR3"
        view.title.value = f"Onboard {len(view.okrs.objectives)} community members"
        with counting(store, monkeypatch) as seen:
            view.save_button.click()
        return seen

    small = cost()
    store.import_set(
        OkrSet(
            cycle=CYCLE,
            objectives=[
                Objective(
                    id=f"T-{i}",
                    title=f"Team goal {i}",
                    key_results=[
                        KeyResult(id=f"T-{i}-KR1", title=f"Ship {i} things", start=0, target=i + 1)
                    ],
                )
                for i in range(150)
            ],
        )
    )
    assert cost() == small == {"update_key_result": 1, "versions": 1, "check_set": 1}


def test_picking_an_objective_reads_and_checks_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = make(store)
    with counting(store, monkeypatch) as seen:
        view.objective_pick.value = "MKT-2"
        view.objective_pick.value = "MKT-1"
        view.objective_pick.value = "MKT-2"
    assert seen == {}  # the findings of the check run when the cycle was read
    assert view.quality == findings_of(view.okrs, "MKT-2")
    view.objective_pick.value = "MKT-1"
    view.kr_pick.value = "MKT-1-KR3"
    view.title.value = "Onboard 1,600 community members"
    view.save_button.click()
    with counting(store, monkeypatch) as seen:
        view.objective_pick.value = "MKT-2"  # no title in common with MKT-1's edit
    assert seen == {}
    assert view.quality == findings_of(view.okrs, "MKT-2")


def test_another_kernels_write_is_read_before_the_save_answers(
    store: Store, other: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = make(store)
    other.update_key_result("MKT-2-KR1", other.versions(CYCLE)["MKT-2-KR1"], title="Renamed")
    view.title.value = "Ship the brand book"
    view.type_pick.value = "milestone"
    with counting(store, monkeypatch) as seen:
        view.save_button.click()
    assert "Added MKT-1-KR5" in text(view.status)
    assert seen["load"] == 1  # the versions told: the cycle is read again
    assert view.okrs == other.load(CYCLE)
    assert view.okrs.key_result("MKT-2-KR1").title == "Renamed"


def test_a_title_shared_with_another_objective_rechecks_it_there(store: Store) -> None:
    view = make(store)
    elsewhere = view.okrs.objective("MKT-2").key_results[0]
    view.kr_pick.value = "MKT-1-KR3"
    view.title.value = elsewhere.title  # MKT-1 comes first: MKT-2's key result is now the copy
    view.save_button.click()
    view.objective_pick.value = "MKT-2"
    assert any(f.code == "OKR203" and f.item == elsewhere.id for f in view.quality)
    assert view.quality == findings_of(view.okrs, "MKT-2")
    assert "OKR203" in text(view.findings)


def test_refresh_without_changes_reads_no_set(
    store: Store, other: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    import okrkit.ui._drafter_state

    monkeypatch.setattr(okrkit.ui._drafter_state, "_today", lambda: dt.date(2026, 2, 1))
    view = make(store)
    with counting(store, monkeypatch) as seen:
        view.refresh_button.click()
    assert seen == {"versions": 1}  # during the cycle no check shown reads check-ins
    other.update_key_result("MKT-1-KR2", other.versions(CYCLE)["MKT-1-KR2"], title="Moved on")
    with counting(store, monkeypatch) as seen:
        view.refresh_button.click()
    assert seen["load"] == 1 and seen["check_set"] == 1  # the cycle, checked as a whole
    assert ("MKT-1-KR2: Moved on", "MKT-1-KR2") in view.kr_pick.options


def test_after_the_cycle_refresh_reads_new_check_ins_for_the_quarter_end_checks(
    store: Store, other: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    import okrkit.ui._drafter_state

    monkeypatch.setattr(okrkit.ui._drafter_state, "_today", lambda: dt.date(2026, 4, 2))
    view = make(store)
    other.add_checkin(CheckIn(key_result="MKT-1-KR2", date="2026-03-20", value=3))
    with counting(store, monkeypatch) as seen:
        view.refresh_button.click()
    assert seen["checkins"] == 1 and seen["load"] == 1
    assert view.okrs == other.load(CYCLE)


def test_after_edits_every_objective_shows_what_the_whole_set_check_finds(store: Store) -> None:
    view = make(store)
    shared = view.okrs.objective("MKT-2").key_results[1].title
    edits = [
        ("MKT-1", "MKT-1-KR3", shared),  # a copy of a later objective's key result
        ("MKT-2", "MKT-2-KR1", "Raise NPS from 30 to 40"),
        ("MKT-1", "MKT-1-KR3", "Onboard 1,200 community members"),  # and back to its own
        ("MKT-3", "", shared),  # a new key result with that title
    ]
    for objective, kr, title in edits:
        view.objective_pick.value = objective
        view.kr_pick.value = kr
        view.title.value = title
        if not kr:
            view.type_pick.value = "milestone"
        view.save_button.click()
        assert "Saved" in text(view.status) or "Added" in text(view.status)
        for o in view.okrs.objectives:
            view.objective_pick.value = o.id
            assert view.quality == findings_of(view.okrs, o.id), (title, o.id)


# --- the new shapes: ordinal levels, a bound and a period, a due date, a description -------------


def test_the_drafter_adds_an_ordinal_key_result_with_its_levels(store: Store, other: Store) -> None:
    view = make(store)
    view.type_pick.value = "ordinal"
    assert {"commit_zone", "target_zone", "stretch_zone", "zone"} <= visible(view)
    assert "start" not in visible(view) and "target" not in visible(view)
    view.title.value = "Launch version 2.0 of the website"
    fill(
        view,
        description="The site the product team rebuilds",
        commit_zone="Beta with 10 customers",
        target_zone="Launched to every customer",
        stretch_zone="Launched and NPS up 5",
    )
    view.save_button.click()
    assert text(view.status).startswith("Added MKT-1-KR5 “Launch version 2.0 of the website”.")
    kr = other.load(CYCLE).key_result("MKT-1-KR5")
    assert (kr.type, kr.description, kr.zone) == (
        "ordinal",
        "The site the product team rebuilds",
        None,
    )
    assert (kr.commit_zone, kr.target_zone, kr.stretch_zone) == (
        "Beta with 10 customers",
        "Launched to every customer",
        "Launched and NPS up 5",
    )
    # Picked again, the form shows the levels; an edit keeps them.
    view.kr_pick.value = ""  # a new key result
    view.kr_pick.value = "MKT-1-KR5"
    assert view.fields["target_zone"].value == "Launched to every customer"
    fill(view, stretch_zone="Launched in two languages", zone="commit")
    view.save_button.click()
    kr = other.load(CYCLE).key_result("MKT-1-KR5")
    assert (kr.stretch_zone, kr.zone, kr.commit_zone) == (
        "Launched in two languages",
        "commit",
        "Beta with 10 customers",
    )


def test_an_ordinal_key_result_without_a_level_is_refused(store: Store, other: Store) -> None:
    before = other.load(CYCLE)
    view = make(store)
    view.type_pick.value = "ordinal"
    view.title.value = "Launch version 2.0"
    fill(view, commit_zone="Beta", target_zone="Launch")
    view.save_button.click()
    assert text(view.status) == (
        "Could not save: Stretch level: describe the commit, target and stretch levels"
    )
    assert other.load(CYCLE) == before


def test_the_drafter_adds_an_at_least_rate_without_a_start(store: Store, other: Store) -> None:
    view = make(store)
    view.type_pick.value = "metric"
    assert {"bound", "per"} <= visible(view)
    view.title.value = "Book 10 demos a month"
    fill(view, target="10", bound="at_least", per="month", unit="demos")
    view.save_button.click()
    kr = other.load(CYCLE).key_result("MKT-1-KR5")
    assert (kr.start, kr.target, kr.bound, kr.per, kr.unit) == (
        None,
        10.0,
        "at_least",
        "month",
        "demos",
    )
    view.kr_pick.value = ""  # a new key result
    assert (view.fields["bound"].value, view.fields["per"].value) == ("", "")
    view.kr_pick.value = "MKT-1-KR5"
    assert (view.fields["bound"].value, view.fields["per"].value) == ("at_least", "month")
    assert view.fields["start"].value == ""


def test_the_drafter_sets_a_milestones_due_date(store: Store, other: Store) -> None:
    view = make(store)
    view.type_pick.value = "milestone"
    assert "due" in visible(view) and "bound" not in visible(view)
    view.title.value = "Launch the customer portal"
    fill(view, due=dt.date(2026, 2, 27))
    view.save_button.click()
    assert other.load(CYCLE).key_result("MKT-1-KR5").due == dt.date(2026, 2, 27)
    view.kr_pick.value = ""  # a new key result
    assert view.fields["due"].value is None
    view.kr_pick.value = "MKT-1-KR5"
    assert view.fields["due"].value == dt.date(2026, 2, 27)


def test_no_two_widgets_of_the_drafter_share_a_layout(store: Store) -> None:
    """Hiding a field sets its layout's display: a Layout shared with the objective picker,
    the key result list or the title would hide them too (it did, for the ordinal levels)."""
    drafter = make(store)
    owners: dict[int, Any] = {}
    for widget in _descendants(drafter):
        layout = getattr(widget, "layout", None)
        if layout is None:
            continue
        assert id(layout) not in owners, (widget, owners.get(id(layout)))
        owners[id(layout)] = widget
    for kind in KR_TYPES:
        drafter.type_pick.value = kind
        for shown in (drafter.objective_pick, drafter.kr_pick, drafter.title):
            assert shown.layout.display != "none", (kind, shown.description)


def _descendants(root: Any) -> Iterator[Any]:
    stack = list(root.children)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", ()))


# --- saving one key result after another, deleting with a question and an undo ----------------


def test_after_saving_a_new_key_result_the_next_one_typed_is_another(
    store: Store, other: Store
) -> None:
    view = make(store)
    view.type_pick.value = "milestone"
    view.title.value = "Ship the brand book"
    fill(view, owner="Ana", weight="2")
    view.save_button.click()
    assert view.kr_pick.value == ""  # a new key result, not the one saved
    assert view.title.value == "" and view.fields["owner"].value == ""
    assert view.fields["weight"].value == "1"  # the default again
    assert view.type_pick.value == "milestone"  # the type stays for the next one
    assert "[…]" in text(view.sentence)  # the sentence waits for the next title

    view.title.value = "Publish the style guide"
    view.save_button.click()
    saved = {kr.id: kr.title for kr in other.load(CYCLE).objective("MKT-1").key_results}
    assert saved["MKT-1-KR5"] == "Ship the brand book"  # not overwritten
    assert saved["MKT-1-KR6"] == "Publish the style guide"
    assert text(view.status).startswith("Added MKT-1-KR6 “Publish the style guide”.")

    view.kr_pick.value = "MKT-1-KR5"  # picking one edits it, and it stays picked
    view.title.value = "Ship the brand book to every team"
    view.save_button.click()
    assert view.kr_pick.value == "MKT-1-KR5"
    assert text(view.status) == "Saved MKT-1-KR5 “Ship the brand book to every team”."
    assert other.load(CYCLE).key_result("MKT-1-KR5").title == "Ship the brand book to every team"


def test_delete_asks_first_and_cancel_deletes_nothing(store: Store, other: Store) -> None:
    before = other.load(CYCLE)
    view = make(store)
    view.kr_pick.value = "MKT-1-KR3"
    assert view.confirm_box.layout.display == "none"
    view.delete_button.click()
    assert view.confirm_box.layout.display is None
    assert text(view.status) == ""  # the question speaks, not the last message
    assert text(view.confirm_text) == f"Delete MKT-1-KR3 “{before.key_result('MKT-1-KR3').title}”?"
    assert other.load(CYCLE) == before  # only asked
    view.cancel_button.click()
    assert view.confirm_box.layout.display == "none"
    assert text(view.status) == "Nothing was deleted."
    assert other.load(CYCLE) == before

    view.delete_button.click()
    view.kr_pick.value = "MKT-1-KR2"  # picking another one takes the question back
    assert view.confirm_box.layout.display == "none"


def test_undo_brings_the_deleted_key_result_back_from_its_history(
    store: Store, other: Store
) -> None:
    view = make(store)
    view.type_pick.value = "milestone"
    view.title.value = "Ship the brand book"
    fill(view, owner="Ana", description="For every team")
    view.save_button.click()
    before = other.load(CYCLE).key_result("MKT-1-KR5")
    assert view.undo_button.layout.display == "none"
    view.kr_pick.value = "MKT-1-KR5"
    delete(view)
    assert "MKT-1-KR5" not in other.load(CYCLE).ids
    assert view.undo_button.layout.display is None
    view.undo_button.click()
    assert text(view.status) == "Restored MKT-1-KR5 “Ship the brand book”."
    assert other.load(CYCLE).key_result("MKT-1-KR5") == before  # nothing lost
    assert other.history("MKT-1-KR5")["action"].tolist() == ["add", "delete", "restore"]
    assert view.kr_pick.value == "MKT-1-KR5"
    assert view.undo_button.layout.display == "none"


def test_undo_in_swedish(store: Store, other: Store) -> None:
    view = make(store, lang="sv")
    view.type_pick.value = "milestone"
    view.title.value = "Skicka ut varumärkesboken"
    view.save_button.click()
    view.kr_pick.value = "MKT-1-KR5"
    view.delete_button.click()
    assert text(view.confirm_text) == "Ta bort MKT-1-KR5 ”Skicka ut varumärkesboken”?"
    assert (view.confirm_button.description, view.cancel_button.description) == (
        "Ja, ta bort",
        "Avbryt",
    )
    view.confirm_button.click()
    assert text(view.status) == "Tog bort MKT-1-KR5 ”Skicka ut varumärkesboken”."
    assert view.undo_button.description == "Ångra"
    view.undo_button.click()
    assert text(view.status) == "Återställde MKT-1-KR5 ”Skicka ut varumärkesboken”."
    assert "MKT-1-KR5" in other.load(CYCLE).ids


# --- Enter ---------------------------------------------------------------------------------------


def test_enter_in_the_title_saves_and_the_form_is_ready_for_the_next(
    store: Store, other: Store
) -> None:
    view = make(store)
    view.title.value = "Grow sign-ups from 100 to 200"
    fill(view, start="100", target="200")
    enter(view.title)
    assert text(view.status).startswith("Added MKT-1-KR5 “Grow sign-ups from 100 to 200”.")
    view.title.value = "Grow demos from 5 to 9"
    fill(view, start="5", target="9")
    enter(view.fields["target"])  # Enter in any one-line box saves
    saved = other.load(CYCLE).objective("MKT-1").key_results
    assert [kr.title for kr in saved[-2:]] == [
        "Grow sign-ups from 100 to 200",
        "Grow demos from 5 to 9",
    ]
    enter(view.title)  # nothing typed: a message, nothing written
    assert "Could not save" in text(view.status)
    assert len(other.load(CYCLE).objective("MKT-1").key_results) == len(saved)


# --- messages in the words of the form ----------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"start": "10", "target": "10"},
            "Kunde inte spara: Målvärde: målvärdet är lika med start (10): inga framsteg kan mätas",
        ),
        ({"start": "1", "target": "5", "weight": "0"}, "Vikt: 0 är inte över 0"),
        ({"start": "", "target": "5"}, "Start: fyll i start, eller välj ”en nivå att nå"),
    ],
)
def test_errors_in_swedish_name_the_field_by_its_label(
    store: Store, values: dict[str, str], message: str
) -> None:
    view = make(store, lang="sv")
    view.title.value = "Öka registreringarna från 10 till 20"
    fill(view, **values)
    view.save_button.click()
    shown = text(view.status)
    assert message in shown, shown
    assert "field" not in shown and "'" not in shown


def test_a_conflict_names_the_key_result_by_its_title(store: Store, other: Store) -> None:
    view = make(store)
    view.kr_pick.value = "MKT-1-KR3"
    title = view.title.value
    other.update_key_result("MKT-1-KR3", other.versions(CYCLE)["MKT-1-KR3"], owner="Bo")
    view.fields["owner"].value = "Ana"
    view.save_button.click()
    assert text(view.status) == (
        f"Could not save: “{title}” was changed by somebody else meanwhile: press Refresh and"
        " decide again"
    )

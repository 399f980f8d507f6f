"""check_objective finds about one objective exactly what check_set finds about it."""

from __future__ import annotations

import dataclasses

import pytest

from okrkit import CheckIn, KeyResult, Objective, OkrSet, check_set, load_template
from okrkit.checks import CheckConfig
from okrkit.objective_checks import check_objective, title_key

CYCLE = "2026-Q1"


def tricky() -> OkrSet:
    """Duplicates across and inside objectives, silences, weights and quarter-end scores."""
    return OkrSet(
        cycle=CYCLE,
        objectives=[
            Objective(
                id="A",
                title="Grow revenue 20 %",
                owner="Ana",
                key_results=[
                    KeyResult(id="A1", title="Raise NPS from 30 to 40", start=30, target=40),
                    KeyResult(
                        id="A2", title="Launch the app", type="milestone", weight=5, owner="Bo"
                    ),
                    KeyResult(id="A3", title="Improve things", type="qualitative"),
                ],
            ),
            Objective(
                id="B",
                title="Keep customers",
                owner="Ana",
                kind="aspirational",
                silence={"OKR102": "one is enough here"},
                key_results=[
                    KeyResult(id="B1", title="raise NPS — from 30 to 40!", start=30, target=40),
                ],
            ),
            Objective(
                id="C",
                title="Be faster",
                owner="Cy",
                key_results=[
                    KeyResult(
                        id="C1",
                        title="Cut the lead time of our orders from 10 to 5 days",
                        start=10,
                        target=5,
                    ),
                    KeyResult(
                        id="C2",
                        title="Cut the lead time of our orders from 10 to 6 days",
                        start=10,
                        target=6,
                    ),
                    KeyResult(
                        id="C3",
                        title="Raise NPS from 30 to 40",
                        start=30,
                        target=40,
                        silence={"OKR203": "two surveys"},
                    ),
                    KeyResult(id="C4", title="Hold churn", type="guardrail", threshold=5),
                ],
            ),
            Objective(id="D", title="Empty for now", owner="Cy"),
        ],
        checkins=[
            CheckIn(key_result="A1", date="2026-03-30", value=40),
            CheckIn(key_result="A2", date="2026-03-30", done=True),
            CheckIn(key_result="B1", date="2026-03-30", value=38),
            CheckIn(key_result="C1", date="2026-02-01", value=8),
        ],
    )


def sets() -> list[OkrSet]:
    return [tricky(), load_template("company"), load_template("marketing")]


@pytest.mark.parametrize("as_of", ["2026-02-01", "2026-03-31", "2026-06-30"])
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_same_findings_as_the_whole_set_check(as_of: str, lang: str) -> None:
    for okrs in sets():
        everything = check_set(okrs, as_of=as_of, lang=lang)
        for o in okrs.objectives:
            wanted = [f for f in everything if f.objective == o.id]
            assert check_objective(okrs, o.id, as_of=as_of, lang=lang) == wanted, o.id


def test_the_tricky_set_exercises_the_cross_objective_rules() -> None:
    found = {(f.code, f.item) for f in check_set(tricky(), as_of="2026-03-31")}
    assert {("OKR203", "B1"), ("OKR203", "C3"), ("OKR203", "C2")} <= found  # copies and near
    assert {("OKR501", "A"), ("OKR301", "C"), ("OKR102", "B")} <= found


def test_a_config_is_honoured() -> None:
    okrs = tricky()
    config = CheckConfig(disabled=frozenset({"OKR203"}), min_krs=1)
    wanted = [f for f in check_set(okrs, as_of="2026-02-01", config=config) if f.objective == "C"]
    assert check_objective(okrs, "C", as_of="2026-02-01", config=config) == wanted
    assert not any(f.code == "OKR203" for f in wanted)


def test_an_edit_changes_only_objectives_sharing_a_title() -> None:
    okrs = tricky()
    a = okrs.objective("A")
    renamed = dataclasses.replace(
        a,
        key_results=(
            dataclasses.replace(a.key_results[0], title="Grow ARR from 2 to 3"),
            *a.key_results[1:],
        ),
    )
    after = dataclasses.replace(
        okrs, objectives=(renamed, *[o for o in okrs.objectives if o.id != "A"])
    )
    changed = {
        o.id
        for o in okrs.objectives
        if check_objective(okrs, o.id, as_of="2026-02-01")
        != check_objective(after, o.id, as_of="2026-02-01")
    }
    old, new = title_key(a.key_results[0].title), title_key("Grow ARR from 2 to 3")
    sharing = {
        o.id for o in okrs.objectives for kr in o.key_results if title_key(kr.title) in {old, new}
    }
    assert changed <= sharing  # an editor need only re-check these
    assert "B" in changed  # B1 is no longer a copy of A1


def test_an_unknown_objective_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        check_objective(tricky(), "nope")

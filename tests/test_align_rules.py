"""The rules of editing alignment: which parents an objective may pick, what a save rechecks."""

from __future__ import annotations

import pytest

from okrkit import KeyResult, Objective, OkrSet, build_graph, load_template, score
from okrkit.align_rules import (
    GRAPH_CODES,
    LINK_CODES,
    alignment_findings,
    link_findings,
    may_align_across,
    parent_choices,
    realigned,
)
from okrkit.cycles import Cycle
from okrkit.graph_checks import GRAPH_MESSAGES

CYCLE = "2026-Q1"


def test_the_codes_are_those_of_the_graph_checks() -> None:
    assert tuple(sorted(GRAPH_MESSAGES)) == GRAPH_CODES
    assert GRAPH_CODES == ("OKR601", "OKR602", "OKR603", "OKR604", "OKR605", "OKR606")
    assert GRAPH_CODES[:5] == LINK_CODES  # stale key results (OKR606) do not read links


@pytest.mark.parametrize(
    ("parent", "allowed"),
    [
        ("2026-Q1", True),  # the same dates
        ("2026", True),  # encloses it
        ("2025-Q4", True),  # ended before it started
        ("2025", True),
        ("2026-Q2", False),  # later
        ("2027", False),
        ({"id": "feb-apr", "start": "2026-02-01", "end": "2026-04-30"}, False),  # overlaps
        ({"id": "jan-feb", "start": "2026-01-01", "end": "2026-02-28"}, False),  # inside it
    ],
)
def test_may_align_across(parent: object, allowed: bool) -> None:
    assert may_align_across(Cycle.parse(parent), Cycle.parse(CYCLE)) is allowed


def test_parent_choices_lists_its_cycle_first_then_the_closest() -> None:
    sets = {
        okrs.cycle.id: okrs
        for okrs in (
            OkrSet(cycle="2026-Q1", objectives=[Objective(id="A", title="a")]),
            OkrSet(cycle="2026", objectives=[Objective(id="Y", title="y")]),
            OkrSet(cycle="2025-Q4", objectives=[Objective(id="P", title="p")]),
            OkrSet(cycle="2026-Q2", objectives=[Objective(id="N", title="n")]),
            OkrSet(
                cycle={"id": "jan-mar", "start": "2026-01-01", "end": "2026-03-31"},
                objectives=[Objective(id="B", title="b"), Objective(id="C", title="c")],
            ),
        )
    }
    assert [c[0] for c in parent_choices(sets, "2026-Q1", "A")] == ["B", "C", "Y", "P"]
    assert parent_choices(sets, "jan-mar", "B") == [
        ("C", "c", "jan-mar"),
        ("A", "a", "2026-Q1"),
        ("Y", "y", "2026"),
        ("P", "p", "2025-Q4"),
    ]
    assert [c[0] for c in parent_choices(sets, "2026", "Y")] == ["P"]


def sets_of(*okrs: OkrSet) -> list[OkrSet]:
    return list(okrs)


@pytest.mark.parametrize(
    "sets",
    [
        pytest.param(sets_of(load_template("company"), load_template("marketing")), id="templates"),
        pytest.param(sets_of(load_template("marketing")), id="missing-parents"),
        pytest.param(
            sets_of(
                OkrSet(
                    cycle=CYCLE,
                    objectives=[
                        Objective(id="A", title="a", level="company", aligns_to=["B"]),
                        Objective(id="B", title="b", level="department", aligns_to=["A"]),
                        Objective(
                            id="C",
                            title="c",
                            aligns_to=["A-KR1", "Y"],
                            silence=[("OKR603", "agreed with the board")],
                        ),
                        Objective(
                            id="D",
                            title="d",
                            key_results=[KeyResult(id="A-KR1", title="k", start=0, target=1)],
                        ),
                    ],
                ),
                OkrSet(cycle="2025-Q4", objectives=[Objective(id="Y", title="y", level="company")]),
            ),
            id="loop-kr-link-and-other-cycle",
        ),
        pytest.param(
            sets_of(
                OkrSet(
                    cycle=CYCLE,
                    objectives=[
                        Objective(id="A", title="a", level="company", aligns_to=["C"]),
                        Objective(id="B", title="b", level="department", aligns_to=["A"]),
                        Objective(id="C", title="c", aligns_to=["B", "Y"]),
                    ],
                ),
                OkrSet(cycle="2025-Q4", objectives=[Objective(id="Y", title="y", level="company")]),
            ),
            id="loop-and-other-cycle",
        ),
    ],
)
def test_link_checks_are_graph_checks_without_okr606(sets: list[OkrSet]) -> None:
    graph = build_graph(sets, {s.cycle.id: score(s) for s in sets})
    expected = [f for f in alignment_findings(sets) if f.code in LINK_CODES]
    assert expected  # each case has link findings
    assert link_findings(graph, sets) == expected
    assert link_findings(graph, sets, "sv") == [
        f for f in alignment_findings(sets, "sv") if f.code in LINK_CODES
    ]


def test_realigned_replaces_one_objectives_parents() -> None:
    company, marketing = load_template("company"), load_template("marketing")
    sets = {"2026-Q1": marketing, "2026": company}
    out = realigned(sets, "MKT-2", ["CO-3"])
    assert out["2026-Q1"].objective("MKT-2").aligns_to == ("CO-3",)
    assert out["2026"] is company
    assert sets["2026-Q1"].objective("MKT-2").aligns_to == ("CO-2",)  # the input is unchanged
    with pytest.raises(KeyError):
        realigned(sets, "NOPE", [])

"""The alignment graph: building, checks, queries, roll-up and export, on hand-built sets."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import string
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrkit import (
    KPI,
    AlignmentCycleError,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
    OkrSet,
    ValidationError,
    score,
)
from okrkit.alignment import (
    GRAPH_MESSAGES,
    RELATIONS,
    GraphFinding,
    build_graph,
    contributors,
    cross_cycle_links,
    find_cycles,
    graph_findings,
    missing_links,
    orphans,
    path_to_company,
    rollup,
    stale_key_results,
    summary_by_level,
    summary_by_owner,
    teams_involved,
    to_graphml,
    to_json,
    to_node_link,
    unsupported,
)

D = dt.date
MID_Q1 = D(2026, 2, 14)


def kr(ident: str, value: float | None = None, **kw: Any) -> KeyResult:
    """A metric key result from 0 to 10, at ``value`` (its score × 10) when given."""
    return KeyResult(
        id=ident, title=f"Reach 10 on {ident}", start=0, target=10, current=value, **kw
    )


def obj(ident: str, level: str = "team", aligns: tuple[str, ...] = (), **kw: Any) -> Objective:
    return Objective(id=ident, title=f"Objective {ident}", level=level, aligns_to=aligns, **kw)


def objective_graph(spec: dict[str, tuple[float | None, float, tuple[str, ...]]]) -> nx.DiGraph:
    """A graph of objectives only: id -> (own score, weight, parents)."""
    g = nx.DiGraph()
    for ident, (own, weight, _) in spec.items():
        g.add_node(ident, kind="objective", level="team", score=own, weight=weight)
    for ident, (_, _, parents) in spec.items():
        g.add_edges_from(((ident, p) for p in parents), relation="aligns_to")
    return g


# --- building ------------------------------------------------------------------------------------


def test_node_attributes_of_every_kind(small_set: OkrSet) -> None:
    g = build_graph(small_set, as_of=MID_Q1)
    s = score(small_set, MID_Q1)
    o1 = g.nodes["O1"]
    assert o1 == {
        "kind": "objective",
        "title": "Grow the community",
        "owner": "Ana",
        "cycle": "2026-Q1",
        "level": "team",
        "okr_kind": "committed",
        "weight": 6.0,  # 2 + 1 + 1 + 1 + 1
        "key_results": 5,
        "score": pytest.approx(float(s.objectives["score"].iloc[0])),
        "band": s.objectives["band"].iloc[0],
        "status": s.objectives["status"].iloc[0],
    }
    k1 = g.nodes["K1"]
    assert k1["kind"] == "key_result"
    assert k1["owner"] == "Ana"  # the objective's owner when the key result names none
    assert (k1["objective"], k1["type"], k1["weight"]) == ("O1", "metric", 2.0)
    assert (k1["score"], k1["band"]) == (0.4, "yellow")
    assert (k1["checkins"], k1["last_checkin"]) == (2, D(2026, 2, 14))
    assert (g.nodes["K4"]["checkins"], g.nodes["K4"]["last_checkin"]) == (1, D(2026, 2, 11))
    p1 = g.nodes["P1"]
    assert (p1["kind"], p1["title"], p1["frequency"], p1["target"]) == (
        "kpi",
        "Inbound leads",
        "weekly",
        20.0,
    )
    i1 = g.nodes["I1"]
    assert (i1["kind"], i1["state"], i1["cycle"]) == ("initiative", "planned", "2026-Q1")
    assert g.graph["cycles"] == {"2026-Q1": Cycle.parse("2026-Q1")}
    assert g.graph["as_of"] == MID_Q1


def test_edges_point_from_child_to_parent(small_set: OkrSet) -> None:
    g = build_graph(small_set)
    assert set(g.edges(data="relation")) == {
        *((f"K{i}", "O1", "belongs_to") for i in range(1, 6)),
        ("P1", "K1", "measures"),
        ("I1", "K1", "supports"),
        ("I1", "K3", "supports"),
    }
    assert {rel for _, _, rel in g.edges(data="relation")} <= set(RELATIONS)


def test_kr_owner_wins_over_objective_owner() -> None:
    okrs = OkrSet(
        cycle="2026-Q1", objectives=[obj("O", owner="Ana", key_results=[kr("K", owner="Bo")])]
    )
    assert build_graph(okrs).nodes["K"]["owner"] == "Bo"


def test_objective_without_key_results_has_weight_one_and_no_score() -> None:
    g = build_graph(OkrSet(cycle="2026-Q1", objectives=[obj("O")]))
    assert (g.nodes["O"]["weight"], g.nodes["O"]["score"], g.nodes["O"]["band"]) == (
        1.0,
        None,
        None,
    )


def test_aligns_to_an_unknown_id_makes_a_missing_node() -> None:
    g = build_graph(OkrSet(cycle="2026-Q1", objectives=[obj("O", aligns=("X9",))]))
    assert g.nodes["X9"] == {"kind": "missing", "title": "", "owner": "", "cycle": None}
    assert g.edges["O", "X9"]["relation"] == "aligns_to"


def test_several_cycles_link_across_sets() -> None:
    q1 = OkrSet(cycle="2026-Q1", objectives=[obj("CO", "company", key_results=[kr("K1", 5)])])
    q2 = OkrSet(cycle="2026-Q2", objectives=[obj("T", aligns=("CO",))])
    g = build_graph([q1, q2])
    assert g.nodes["CO"]["cycle"] == "2026-Q1" and g.nodes["T"]["cycle"] == "2026-Q2"
    assert g.nodes["CO"]["kind"] == "objective"  # found in the other set, not missing
    assert set(g.graph["cycles"]) == {"2026-Q1", "2026-Q2"}


def test_several_files_of_one_cycle() -> None:
    company = OkrSet(cycle="2026-Q1", objectives=[obj("CO", "company")])
    team = OkrSet(cycle="2026-Q1", objectives=[obj("T", aligns=("CO",))])
    g = build_graph([company, team])
    assert g.edges["T", "CO"]["relation"] == "aligns_to"
    assert cross_cycle_links(g) == []


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (
            OkrSet(cycle="2026-Q2", objectives=[obj("O")]),
            "id 'O' is in cycle 2026-Q1 and in cycle 2026-Q2",
        ),
        (
            OkrSet(cycle={"id": "2026-Q1", "start": "2026-01-01", "end": "2026-02-28"}),
            "cycle '2026-Q1' runs",
        ),
    ],
)
def test_conflicting_sets_are_refused(second: OkrSet, message: str) -> None:
    first = OkrSet(cycle="2026-Q1", objectives=[obj("O")])
    with pytest.raises(ValidationError, match=message):
        build_graph([first, second])


def test_given_scores_are_used(small_set: OkrSet) -> None:
    early = score(small_set, D(2026, 1, 20))  # before K1's check-ins: K1 has no data yet
    assert build_graph(small_set, early).nodes["K1"]["score"] is None
    assert build_graph(small_set, {"2026-Q1": early}).nodes["K1"]["status"] == "no data"
    assert build_graph(small_set, as_of=MID_Q1).nodes["K1"]["score"] == 0.4


def test_scores_of_another_set_are_not_used(small_set: OkrSet) -> None:
    other = score(OkrSet(cycle="2026-Q1", objectives=[obj("Z", key_results=[kr("KZ", 1)])]))
    assert build_graph(small_set, {"2026-Q1": other}, as_of=MID_Q1).nodes["K1"]["score"] == 0.4


def test_build_refuses_what_is_not_a_set() -> None:
    with pytest.raises(ValidationError, match="not an OkrSet"):
        build_graph(["O1"])  # type: ignore[list-item]


# --- checks --------------------------------------------------------------------------------------


def codes(findings: list[GraphFinding]) -> list[tuple[str, str]]:
    return [(f.code, f.item) for f in findings]


@pytest.mark.parametrize(
    "order",
    [["A", "B", "C"], ["C", "A", "B"], ["B", "C", "A"]],
    ids=["abc", "cab", "bca"],
)
def test_loop_is_named_in_order(order: list[str]) -> None:
    links = {"A": "B", "B": "C", "C": "A"}
    okrs = OkrSet(cycle="2026-Q1", objectives=[obj(i, aligns=(links[i],)) for i in order])
    findings = find_cycles(build_graph(okrs))
    assert len(findings) == 1
    f = findings[0]
    assert (f.code, f.severity, f.item) == ("OKR601", "error", "A")
    assert f.message == "objectives align in a loop: A -> B -> C -> A"


@pytest.mark.parametrize(
    ("levels", "wrong"),
    [
        # A company objective aligned to a team one is the link to cut.
        ({"A": "company", "B": "department", "C": "team"}, ("A", "C")),
        # Two links point one level down: the company objective's is cut first.
        ({"A": "team", "B": "company", "C": "department"}, ("B", "C")),
        # All on one level: the link that closes the loop.
        ({"A": "team", "B": "team", "C": "team"}, ("C", "A")),
    ],
)
def test_loop_fix_names_the_link_that_points_down(
    levels: dict[str, str], wrong: tuple[str, str]
) -> None:
    links = (
        {"A": "C", "C": "B", "B": "A"}
        if levels["A"] == "company"
        else {"A": "B", "B": "C", "C": "A"}
    )
    okrs = OkrSet(cycle="2026-Q1", objectives=[obj(i, levels[i], (links[i],)) for i in "ABC"])
    (f,) = find_cycles(build_graph(okrs))
    child, parent = wrong
    assert f.fix == f"remove one link of the loop, e.g. {parent} from the aligns_to of {child}"


def test_two_loops_give_two_findings_and_no_loop_none() -> None:
    g = objective_graph(
        {
            "A": (None, 1, ("B",)),
            "B": (None, 1, ("A",)),
            "X": (None, 1, ("Y",)),
            "Y": (None, 1, ("Z",)),
            "Z": (None, 1, ("X",)),
            "T": (None, 1, ("A",)),
        }
    )
    assert [f.message for f in find_cycles(g)] == [
        "objectives align in a loop: A -> B -> A",
        "objectives align in a loop: X -> Y -> Z -> X",
    ]
    g.remove_edge("Z", "X")
    g.remove_edge("B", "A")
    assert find_cycles(g) == []


def test_missing_link() -> None:
    okrs = OkrSet(cycle="2026-Q1", objectives=[obj("T1", aligns=("CO-9",)), obj("CO-1", "company")])
    findings = missing_links(build_graph(okrs))
    assert codes(findings) == [("OKR602", "T1")]
    # a warning, as an import says of it: the parent's set may be imported later
    assert findings[0].severity == "warning"
    assert "CO-9" in findings[0].message and "T1" in findings[0].fix


def test_aligning_to_a_key_result_is_no_missing_link() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[obj("CO", "company", key_results=[kr("K1")]), obj("T", aligns=("K1",))],
    )
    assert missing_links(build_graph(okrs)) == []


def test_aligning_to_a_kpi_is_an_error() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[obj("CO", "company", key_results=[kr("K1")]), obj("T", aligns=("M1",))],
        kpis=[KPI(id="M1", name="Leads", measures=["K1"])],
    )
    (f,) = missing_links(build_graph(okrs))
    assert (f.code, f.item, f.severity) == ("OKR602", "T", "error")
    assert f.message == "T aligns to M1, which is a kpi"


def test_cross_cycle_link() -> None:
    q1 = OkrSet(cycle="2026-Q1", objectives=[obj("T", aligns=("CO",))])
    q2 = OkrSet(cycle="2026-Q2", objectives=[obj("CO", "company")])
    findings = cross_cycle_links(build_graph([q1, q2]))
    assert codes(findings) == [("OKR603", "T")]
    assert findings[0].severity == "warning"
    assert "2026-Q1" in findings[0].message and "2026-Q2" in findings[0].message


def test_quarter_under_its_year_is_no_cross_cycle_link_unless_asked() -> None:
    year = OkrSet(cycle="2026", objectives=[obj("CO", "company")])
    q1 = OkrSet(cycle="2026-Q1", objectives=[obj("T", aligns=("CO",))])
    g = build_graph([year, q1])
    assert cross_cycle_links(g) == []
    assert codes(cross_cycle_links(g, allow_enclosing=False)) == [("OKR603", "T")]
    # A year does not sit inside a quarter: the other way round is flagged.
    g2 = build_graph(
        [
            OkrSet(cycle="2026-Q1", objectives=[obj("CO", "company")]),
            OkrSet(cycle="2026", objectives=[obj("T", aligns=("CO",))]),
        ]
    )
    assert codes(cross_cycle_links(g2)) == [("OKR603", "T")]


@pytest.mark.parametrize(
    ("level", "aligns", "expected"),
    [
        ("team", (), [("OKR604", "T")]),
        ("individual", (), [("OKR604", "T")]),
        ("department", (), [("OKR604", "T")]),
        ("team", ("CO",), []),
        ("team", ("GONE",), []),  # a missing link, not an orphan
        ("company", (), []),
    ],
)
def test_orphans(level: str, aligns: tuple[str, ...], expected: list[tuple[str, str]]) -> None:
    okrs = OkrSet(cycle="2026-Q1", objectives=[obj("CO", "company"), obj("T", level, aligns)])
    assert codes(orphans(build_graph(okrs))) == expected


def test_orphan_fix_names_the_level_above() -> None:
    (f,) = orphans(build_graph(OkrSet(cycle="2026-Q1", objectives=[obj("P", "individual")])))
    assert "team objective" in f.fix and f.severity == "warning"


def test_unsupported_company_objective() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[obj("CO-1", "company"), obj("CO-2", "company"), obj("T", aligns=("CO-1",))],
    )
    findings = unsupported(build_graph(okrs))
    assert codes(findings) == [("OKR605", "CO-2")]
    assert findings[0].severity == "warning"


def stale_set(checkins: list[CheckIn], **kr_kw: Any) -> OkrSet:
    return OkrSet(
        cycle="2026-Q1",
        objectives=[obj("CO", "company", key_results=[kr("K1", **kr_kw), kr("K2")])],
        checkins=checkins,
    )


@pytest.mark.parametrize(
    ("last", "as_of", "stale"),
    [
        ("2026-01-24", D(2026, 2, 14), False),  # exactly 3 weeks ago
        ("2026-01-23", D(2026, 2, 14), True),  # 22 days ago
        ("2026-02-10", D(2026, 2, 14), False),
    ],
)
def test_stale_key_result(last: str, as_of: dt.date, stale: bool) -> None:
    okrs = stale_set([CheckIn(key_result="K1", date=last, value=3)])
    findings = stale_key_results(build_graph(okrs, as_of=as_of))
    # K2 has no check-in: counted from 2026-01-01, 44 days before as_of.
    assert codes(findings) == ([("OKR606", "K1")] if stale else []) + [("OKR606", "K2")]
    k2 = findings[-1]
    assert k2.severity == "warning" and "44 days" in k2.message and "2026-01-01" in k2.message


def test_key_result_without_checkins_is_fresh_early_in_the_cycle() -> None:
    g = build_graph(stale_set([]), as_of=D(2026, 1, 22))
    assert stale_key_results(g) == []
    assert codes(stale_key_results(g, as_of=D(2026, 1, 23))) == [("OKR606", "K1"), ("OKR606", "K2")]


def test_stale_only_for_running_cycles() -> None:
    g = build_graph(stale_set([]), as_of=D(2026, 2, 14))
    assert stale_key_results(g, as_of=D(2026, 4, 2)) == []
    assert stale_key_results(g, as_of=D(2025, 12, 30)) == []
    assert len(stale_key_results(g, as_of=D(2026, 3, 31))) == 2


def test_stale_weeks_parameter() -> None:
    g = build_graph(stale_set([]), as_of=D(2026, 2, 14))  # 44 days into the cycle
    assert len(stale_key_results(g, weeks=6)) == 2
    assert stale_key_results(g, weeks=7) == []


def test_stale_weeks_beyond_the_calendar() -> None:
    g = build_graph(stale_set([]), as_of=D(2026, 2, 14))
    assert stale_key_results(g, weeks=10**9) == []
    assert len(stale_key_results(g, weeks=-(10**9))) == 2


def test_finished_key_result_is_not_stale_but_a_guardrail_is() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            obj(
                "CO",
                "company",
                key_results=[
                    kr("K1", 10),
                    KeyResult(id="G", title="Uptime", type="guardrail", threshold=99, current=99.9),
                ],
            )
        ],
    )
    g = build_graph(okrs, as_of=D(2026, 3, 1))
    assert g.nodes["K1"]["score"] == 1.0 and g.nodes["G"]["score"] == 1.0
    assert codes(stale_key_results(g)) == [("OKR606", "G")]


def test_stale_with_checkins_given_judges_an_earlier_day() -> None:
    okrs = stale_set(
        [
            CheckIn(key_result="K1", date="2026-01-05", value=1),
            CheckIn(key_result="K1", date="2026-03-20", value=2),
        ]
    )
    g = build_graph(okrs, as_of=D(2026, 3, 25))
    day = D(2026, 2, 14)
    # The node only knows the latest check-in (after ``day``), so it cannot judge K1 ...
    assert ("OKR606", "K1") not in codes(stale_key_results(g, as_of=day))
    # ... the check-ins can: the latest one on or before the day is 40 days old.
    for source in (okrs, [okrs], list(okrs.checkins), {"K1": [D(2026, 1, 5), D(2026, 3, 20)]}):
        found = stale_key_results(g, as_of=day, checkins=source)  # type: ignore[arg-type]
        assert ("OKR606", "K1") in codes(found)
        assert "last on 2026-01-05" in found[0].message


def defective_graph() -> nx.DiGraph:
    q1 = OkrSet(
        cycle="2026-Q1",
        objectives=[
            obj("CO-1", "company", key_results=[kr("K1")]),
            obj("CO-2", "company"),
            obj("D-1", "department", ("CO-1",)),
            obj("L1", aligns=("L2",)),
            obj("L2", aligns=("L1",)),
            obj("T-1", aligns=("NOPE",)),
            obj("T-2", aligns=("Q2-1",)),
            obj("T-3"),
        ],
    )
    q2 = OkrSet(cycle="2026-Q2", objectives=[obj("Q2-1", "company")])
    return build_graph([q1, q2], as_of=D(2026, 2, 14))


def test_graph_findings_collects_and_sorts() -> None:
    g = defective_graph()
    found = graph_findings(g)
    assert codes(found) == [
        ("OKR601", "L1"),
        ("OKR605", "CO-2"),
        ("OKR606", "K1"),
        ("OKR602", "T-1"),
        ("OKR603", "T-2"),
        ("OKR604", "T-3"),
    ]
    assert [f.severity for f in found] == ["error"] + ["warning"] * 5


@pytest.mark.parametrize(
    "finding",
    [*graph_findings(defective_graph(), lang="en"), *graph_findings(defective_graph(), lang="sv")],
    ids=str,
)
def test_every_finding_has_a_one_line_fix(finding: GraphFinding) -> None:
    assert finding.fix and "\n" not in finding.fix and "\n" not in finding.message
    assert finding.item in finding.message or finding.item in finding.fix
    assert finding.to_dict() == {
        "code": finding.code,
        "severity": finding.severity,
        "item": finding.item,
        "item_kind": finding.item_kind,
        "owner": finding.owner,
        "objective": finding.objective,
        "message": finding.message,
        "fix": finding.fix,
        "silenced": None,
    }
    assert finding.item_kind == ("key_result" if finding.code == "OKR606" else "objective")
    assert str(finding).startswith(f"{finding.code} {finding.severity} {finding.item}: ")


def test_checks_do_not_change_the_graph() -> None:
    g = defective_graph()
    before = to_node_link(g)
    graph_findings(g)
    rollup(nx.DiGraph(g.subgraph(n for n in g if n not in ("L1", "L2"))))
    assert to_node_link(g) == before


def test_clean_organisation_has_no_findings() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[obj("CO", "company"), obj("D", "department", ("CO",)), obj("T", aligns=("D",))],
    )
    assert graph_findings(build_graph(okrs)) == []


# --- languages -----------------------------------------------------------------------------------


def _graph(*sets: OkrSet, as_of: dt.date | None = None) -> nx.DiGraph:
    return build_graph(list(sets), as_of=as_of)


Q1 = "2026-Q1"
#: One hand-built case per check: the check, its graph, the finding's ids, the English message
#: (unchanged) and words the Swedish message and fix must hold.
LANGUAGE_CASES: dict[str, tuple[Any, Any, tuple[str, ...], str, tuple[str, ...]]] = {
    "OKR601": (
        find_cycles,
        lambda: objective_graph({"A": (None, 1, ("B",)), "B": (None, 1, ("A",))}),
        ("A", "B"),
        "objectives align in a loop: A -> B -> A",
        ("målen bidrar till varandra i en loop: A -> B -> A", "ta bort", "för B"),
    ),
    "OKR602": (
        missing_links,
        lambda: _graph(OkrSet(cycle=Q1, objectives=[obj("T1", aligns=("CO-9",))])),
        ("T1", "CO-9"),
        "T1 aligns to CO-9, which is in no loaded OKR set",
        ("T1 pekar på CO-9", "inläst", "rätta id:t i aligns_to för T1"),
    ),
    "OKR602-kind": (
        missing_links,
        lambda: _graph(
            OkrSet(
                cycle=Q1,
                objectives=[obj("CO", "company", key_results=[kr("K1")]), obj("T", aligns=("M1",))],
                kpis=[KPI(id="M1", name="Leads", measures=["K1"])],
            )
        ),
        ("T", "M1"),
        "T aligns to M1, which is a kpi",
        ("T pekar på M1, som är ett nyckeltal och inte ett mål", "målet som M1 hör till"),
    ),
    "OKR603": (
        cross_cycle_links,
        lambda: _graph(
            OkrSet(cycle=Q1, objectives=[obj("T", aligns=("CO",))]),
            OkrSet(cycle="2026-Q2", objectives=[obj("CO", "company")]),
        ),
        ("T", "CO", "2026-Q1", "2026-Q2"),
        "T (cycle 2026-Q1) aligns to CO of cycle 2026-Q2",
        ("T (period 2026-Q1) pekar på CO i period 2026-Q2", "för över CO till 2026-Q1"),
    ),
    "OKR604": (
        orphans,
        lambda: _graph(OkrSet(cycle=Q1, objectives=[obj("CO", "company"), obj("T-3")])),
        ("T-3",),
        "team objective T-3 aligns to no objective",
        ("T-3 är ett teammål som inte pekar på något mål", "det avdelningsmål"),
    ),
    "OKR605": (
        unsupported,
        lambda: _graph(
            OkrSet(cycle=Q1, objectives=[obj("CO-2", "company"), obj("T", aligns=("CO-1",))])
        ),
        ("CO-2",),
        "no objective aligns to company objective CO-2",
        ("företagsmålet CO-2 stöds inte av något mål", "stryk det"),
    ),
    "OKR606": (
        stale_key_results,
        lambda: _graph(
            OkrSet(
                cycle=Q1,
                objectives=[obj("CO", "company", key_results=[kr("K1")])],
                checkins=[CheckIn(key_result="K1", date="2026-01-05", value=1)],
            ),
            as_of=MID_Q1,
        ),
        ("K1", "2026-01-05"),
        "key result K1 has had no check-in for 40 days (last on 2026-01-05)",
        ("nyckelresultatet K1 har inte stämts av på 40 dagar (senast 2026-01-05)", "avstämning"),
    ),
    "OKR606-never": (
        stale_key_results,
        lambda: _graph(
            OkrSet(cycle=Q1, objectives=[obj("CO", "company", key_results=[kr("K1")])]),
            as_of=MID_Q1,
        ),
        ("K1", "2026-01-01"),
        "key result K1 has had no check-in for 44 days "
        "(none since the cycle started on 2026-01-01)",
        ("ingen avstämning sedan perioden började 2026-01-01", "gör en avstämning av K1"),
    ),
}


@pytest.mark.parametrize("case", LANGUAGE_CASES)
def test_swedish_message_of_each_check(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OKRKIT_LANG", raising=False)
    check, make_graph, ids, english, swedish = LANGUAGE_CASES[case]
    code = case.split("-")[0]
    graph = make_graph()
    [en] = [f for f in check(graph) if f.code == code]
    [sv] = [f for f in check(graph, lang="sv") if f.code == code]
    assert en.message == english  # the English stays as it was
    assert check(graph, lang="en") == check(graph)
    assert (sv.code, sv.severity, sv.item) == (en.code, en.severity, en.item)
    text = f"{sv.message} ({sv.fix})"
    for word in swedish:
        assert word in text
    for ident in ids:
        assert ident in text
    assert sv.message != en.message and sv.fix != en.fix
    # graph_findings gives the same Swedish finding
    assert sv in graph_findings(graph, lang="sv")


def test_swedish_words_for_levels_and_kinds() -> None:
    g = nx.DiGraph()
    g.add_node("U", kind="objective")  # no level
    g.add_node("S", kind="objective", level="squad")
    g.add_node("D", kind="objective", level="department")
    g.add_node("P", kind="objective", level="individual")
    g.add_node("X", kind="initiative")
    g.add_node("Y", kind="kpi")
    g.add_edge("P", "X", relation="aligns_to")
    g.add_edge("P", "Y", relation="aligns_to")
    sv = {f.item: f for f in orphans(g, lang="sv")}
    en = {f.item: f for f in orphans(g, lang="en")}
    assert en["U"].message == "unlevelled objective U aligns to no objective"
    assert sv["U"].message == "U är ett mål utan nivå som inte pekar på något mål"
    assert en["S"].message == "squad objective S aligns to no objective"
    assert sv["S"].message == "S är ett mål på nivån squad som inte pekar på något mål"
    assert "det individuella mål" in sv["S"].fix
    assert sv["D"].message == "D är ett avdelningsmål som inte pekar på något mål"
    assert "det företagsmål som" in sv["D"].fix
    assert [f.message for f in missing_links(g, lang="sv")] == [
        "P pekar på X, som är ett initiativ och inte ett mål",
        "P pekar på Y, som är ett nyckeltal och inte ett mål",
    ]
    assert [f.message for f in missing_links(g)] == [
        "P aligns to X, which is a initiative",
        "P aligns to Y, which is a kpi",
    ]


def test_graph_findings_follow_okrkit_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    g = defective_graph()
    monkeypatch.delenv("OKRKIT_LANG", raising=False)
    english = graph_findings(g)
    swedish = graph_findings(g, lang="sv")
    assert codes(english) == codes(swedish)
    assert all(e.message != s.message for e, s in zip(english, swedish, strict=True))
    monkeypatch.setenv("OKRKIT_LANG", "sv_SE.UTF-8")
    assert graph_findings(g) == swedish
    assert orphans(g) == [f for f in swedish if f.code == "OKR604"]
    assert graph_findings(g, lang="en") == english
    monkeypatch.setenv("OKRKIT_LANG", "de")
    assert graph_findings(g) == english
    with pytest.raises(ValueError, match="unsupported language"):
        graph_findings(g, lang="de")


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    assert set(GRAPH_MESSAGES) == {f"OKR60{i}" for i in range(1, 7)}
    for code, texts in GRAPH_MESSAGES.items():
        assert set(texts) == {"en", "sv"}, code
        assert set(texts["en"]) == set(texts["sv"]), code
        for key, template in texts["en"].items():
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            other = {f for _, f, _, _ in string.Formatter().parse(texts["sv"][key]) if f}
            assert fields == other, (code, key)
        assert texts["sv"]["message"] != texts["en"]["message"], code
        assert texts["sv"]["fix"] != texts["en"]["fix"], code


# --- queries -------------------------------------------------------------------------------------


@pytest.fixture
def org() -> nx.DiGraph:
    """CO <- D1 <- T1 <- P1; T2 aligns to D1 and D2 (a diamond through CO); KPIs, initiatives."""
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            obj("CO", "company", owner="CEO", key_results=[kr("CO-K", 8)]),
            obj("D1", "department", ("CO",), owner="Sales", key_results=[kr("D1-K", 2)]),
            obj("D2", "department", ("CO",), owner="Marketing", key_results=[kr("D2-K", 5)]),
            obj(
                "T1", "team", ("D1",), owner="Inside sales", key_results=[kr("T1-K", 9, owner="Bo")]
            ),
            obj("T2", "team", ("D1", "D2"), owner="Web"),
            obj("P1", "individual", ("T1",), owner="Bo", key_results=[kr("P1-K", 3)]),
            obj("X", "team", owner="Lone"),
        ],
        kpis=[
            KPI(
                id="KPI-1",
                name="Leads",
                target=20,
                timeframe="Q1",
                data_source="CRM",
                frequency="weekly",
                owner="Ops",
                measures=["T1-K"],
            )
        ],
        initiatives=[Initiative(id="INI-1", title="Campaign", owner="Agency", supports=["P1-K"])],
    )
    return build_graph(okrs, as_of=MID_Q1)


def test_contributors(org: nx.DiGraph) -> None:
    assert contributors(org, "T1") == {"T1-K", "KPI-1", "P1", "P1-K", "INI-1"}
    assert contributors(org, "D2") == {"D2-K", "T2"}
    assert contributors(org, "CO") == {
        "CO-K",
        "D1",
        "D1-K",
        "D2",
        "D2-K",
        "T1",
        "T1-K",
        "T2",
        "P1",
        "P1-K",
        "KPI-1",
        "INI-1",
    }
    assert contributors(org, "X") == set()


@pytest.mark.parametrize("ident", ["CO-K", "nope", "KPI-1"])
def test_queries_need_an_objective(org: nx.DiGraph, ident: str) -> None:
    with pytest.raises(KeyError, match="not an objective"):
        contributors(org, ident)
    with pytest.raises(KeyError):
        path_to_company(org, ident)


@pytest.mark.parametrize(
    ("objective", "paths"),
    [
        ("P1", [["P1", "T1", "D1", "CO"]]),
        ("T2", [["T2", "D1", "CO"], ["T2", "D2", "CO"]]),
        ("CO", [["CO"]]),
        ("X", []),
    ],
)
def test_path_to_company(org: nx.DiGraph, objective: str, paths: list[list[str]]) -> None:
    assert path_to_company(org, objective) == paths


def test_path_to_company_survives_a_loop() -> None:
    g = objective_graph({"A": (None, 1, ("B",)), "B": (None, 1, ("A", "C")), "C": (None, 1, ())})
    g.nodes["C"]["level"] = "company"
    assert path_to_company(g, "A") == [["A", "B", "C"]]


def test_teams_involved(org: nx.DiGraph) -> None:
    assert teams_involved(org, "T1") == ["Agency", "Bo", "Inside sales", "Ops"]
    assert teams_involved(org, "D2") == ["Marketing", "Web"]
    assert teams_involved(org, "X") == ["Lone"]


def test_summary_by_owner(org: nx.DiGraph) -> None:
    s = summary_by_owner(org)
    assert list(s.columns) == [
        "objectives",
        "key_results",
        "mean_score",
        "red",
        "yellow",
        "green",
        "unscored",
    ]
    assert list(s.index) == sorted(s.index)
    # Bo owns P1 (score 0.3, red) and the key results T1-K (own owner) and P1-K.
    assert s.loc["Bo"].to_dict() == {
        "objectives": 1,
        "key_results": 2,
        "mean_score": pytest.approx(0.3),
        "red": 1,
        "yellow": 0,
        "green": 0,
        "unscored": 0,
    }
    assert s.loc["Web", "unscored"] == 1 and math.isnan(s.loc["Web", "mean_score"])
    assert s.loc["Inside sales", "key_results"] == 0
    assert s["objectives"].sum() == 7 and s["key_results"].sum() == 5


def test_summary_by_level(org: nx.DiGraph) -> None:
    s = summary_by_level(org)
    assert list(s.index) == ["company", "department", "team", "individual"]
    assert s["objectives"].tolist() == [1, 2, 3, 1]
    assert s["key_results"].tolist() == [1, 2, 1, 1]
    assert s.loc["department", "mean_score"] == pytest.approx((0.2 + 0.5) / 2)
    assert s.loc["department", ["red", "yellow", "green"]].tolist() == [1, 1, 0]
    assert s.loc["team", "unscored"] == 2
    assert s.loc["company", "green"] == 1


def test_summary_of_one_cycle() -> None:
    q1 = OkrSet(cycle="2026-Q1", objectives=[obj("A", owner="Ana", key_results=[kr("KA", 5)])])
    q2 = OkrSet(cycle="2026-Q2", objectives=[obj("B", owner="Ana"), obj("C", owner="Bo")])
    g = build_graph([q1, q2])
    assert summary_by_owner(g).loc["Ana", "objectives"] == 2
    one = summary_by_owner(g, cycle="2026-Q2")
    assert one["objectives"].to_dict() == {"Ana": 1, "Bo": 1}
    assert summary_by_level(g, cycle="2026-Q1")["objectives"].tolist() == [0, 0, 1, 0]


# --- roll-up -------------------------------------------------------------------------------------

# A small tree: P (own 0.4, KRs) <- A (own 0.8, weight 3) <- A1 (own 0.2, weight 1)
#                                <- B (own 0.6, weight 1)
#                                <- E (no score, no children: left out)
TREE = {
    "P": (0.4, 2.0, ()),
    "A": (0.8, 3.0, ("P",)),
    "A1": (0.2, 1.0, ("A",)),
    "B": (0.6, 1.0, ("P",)),
    "E": (None, 5.0, ("P",)),
}


def tree_by_hand(w: float, method: str) -> dict[str, float]:
    a = (1 - w) * 0.8 + w * 0.2  # one child: mean and minimum agree
    agg = (3 * a + 1 * 0.6) / 4 if method == "weighted_mean" else min(a, 0.6)
    return {"P": (1 - w) * 0.4 + w * agg, "A": a, "A1": 0.2, "B": 0.6, "E": math.nan}


# A diamond: T (own 1.0, weight 2) aligns to both L (own 0.2) and R (no KRs); both align to C
# (own 0.5). R has children but no own score, so it takes the children's aggregate entirely.
DIAMOND = {
    "C": (0.5, 1.0, ()),
    "L": (0.2, 1.0, ("C",)),
    "R": (None, 4.0, ("C",)),
    "T": (1.0, 2.0, ("L", "R")),
    "U": (0.0, 2.0, ("L",)),
}


def diamond_by_hand(w: float, method: str) -> dict[str, float]:
    l_agg = (2 * 1.0 + 2 * 0.0) / 4 if method == "weighted_mean" else 0.0
    left = (1 - w) * 0.2 + w * l_agg
    right = 1.0  # only T: mean and minimum are T's score
    agg = (1 * left + 4 * right) / 5 if method == "weighted_mean" else min(left, right)
    return {"C": (1 - w) * 0.5 + w * agg, "L": left, "R": right, "T": 1.0, "U": 0.0}


@pytest.mark.parametrize("method", ["weighted_mean", "weakest_link"])
@pytest.mark.parametrize("w", [0.5, 0.3, 0.0, 1.0])
@pytest.mark.parametrize(
    ("spec", "by_hand"), [(TREE, tree_by_hand), (DIAMOND, diamond_by_hand)], ids=["tree", "diamond"]
)
def test_rollup_equals_hand_computation(spec: Any, by_hand: Any, w: float, method: str) -> None:
    got = rollup(objective_graph(spec), weight=w, method=method)
    expected = by_hand(w, method)
    assert list(got.index) == list(spec)  # graph order
    assert got.name == "rollup" and got.index.name == "objective"
    for ident, value in expected.items():
        if math.isnan(value):
            assert math.isnan(got[ident]), ident
        else:
            assert got[ident] == pytest.approx(value, abs=1e-12), ident


def test_rollup_default_weight_is_one_half() -> None:
    g = objective_graph(TREE)
    pd.testing.assert_series_equal(rollup(g), rollup(g, weight=0.5, method="weighted_mean"))
    assert rollup(g)["P"] == pytest.approx(tree_by_hand(0.5, "weighted_mean")["P"])


def test_rollup_ignores_other_kinds_and_relations() -> None:
    g = objective_graph({"P": (0.4, 1.0, ()), "C": (1.0, 1.0, ("P",))})
    g.add_node("K", kind="key_result", score=0.0, weight=9.0)
    g.add_edge("K", "P", relation="belongs_to")
    g.add_node("M", kind="missing")
    g.add_edge("C", "M", relation="aligns_to")
    assert rollup(g).to_dict() == {"P": pytest.approx(0.7), "C": 1.0}


def test_rollup_on_a_built_graph() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            obj("CO", "company", key_results=[kr("K1", 2), kr("K2", 4, weight=3)]),  # 0.35
            obj("D", "department", ("CO",), key_results=[kr("K3", 9)]),
        ],
    )
    got = rollup(build_graph(okrs), weight=0.4)
    assert got["CO"] == pytest.approx(0.6 * 0.35 + 0.4 * 0.9)


@pytest.mark.parametrize("method", ["weighted_mean", "weakest_link"])
def test_rollup_of_a_long_chain_matches_step_by_step(method: str) -> None:
    # 500 objectives each aligned to the next: 500 steps of the topological order.
    n = 500
    spec = {f"O{i}": (i / n, 1.0 + i % 3, (f"O{i + 1}",) if i + 1 < n else ()) for i in range(n)}
    got = rollup(objective_graph(spec), weight=0.3, method=method)  # type: ignore[arg-type]
    rolled = 0.0
    for i in range(n):
        rolled = 0.7 * (i / n) + 0.3 * rolled if i else 0.0
        assert got[f"O{i}"] == pytest.approx(rolled, abs=1e-12)


def test_rollup_reads_missing_scores_of_any_kind() -> None:
    g = objective_graph({"P": (None, 1.0, ()), "A": (0.6, 1.0, ("P",)), "B": (None, 1.0, ("P",))})
    g.nodes["B"]["score"] = pd.NA
    got = rollup(g)
    assert got["P"] == pytest.approx(0.6) and math.isnan(got["B"])


def test_rollup_loop_raises_above_a_loop_too() -> None:
    g = objective_graph(
        {"A": (0.5, 1, ("B",)), "B": (0.5, 1, ("A",)), "P": (0.5, 1, ()), "C": (0.5, 1, ("P",))}
    )
    g.add_edge("A", "P", relation="aligns_to")
    with pytest.raises(AlignmentCycleError, match="A -> B -> A"):
        rollup(g)


@pytest.mark.parametrize("method", ["weighted_mean", "weakest_link"])
def test_rollup_loop_raises_naming_the_loop(method: str) -> None:
    g = objective_graph({"A": (0.5, 1, ("B",)), "B": (0.5, 1, ("C",)), "C": (0.5, 1, ("A",))})
    with pytest.raises(AlignmentCycleError, match="A -> B -> C -> A"):
        rollup(g, method=method)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "match"), [({"weight": 1.5}, "outside"), ({"method": "max"}, "unknown")]
)
def test_rollup_refuses_bad_arguments(kw: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        rollup(objective_graph(TREE), **kw)


@st.composite
def random_dags(draw: st.DrawFn) -> nx.DiGraph:
    n = draw(st.integers(1, 25))
    g = nx.DiGraph()
    for i in range(n):
        own = draw(st.none() | st.floats(0.0, 1.0))
        weight = draw(st.floats(0.01, 100.0))
        g.add_node(i, kind="objective", score=own, weight=weight)
    # Edges only from a higher to a lower number: acyclic, with diamonds and shared parents.
    pairs = [(c, p) for c in range(n) for p in range(c)]
    if pairs:
        for c, p in draw(st.lists(st.sampled_from(pairs), max_size=3 * n, unique=True)):
            g.add_edge(c, p, relation="aligns_to")
    return g


@settings(deadline=None, max_examples=200)
@given(
    g=random_dags(),
    w=st.floats(0.0, 1.0),
    method=st.sampled_from(["weighted_mean", "weakest_link"]),
)
def test_property_rollup_stays_within_0_and_1(g: nx.DiGraph, w: float, method: str) -> None:
    got = rollup(g, weight=w, method=method)  # type: ignore[arg-type]
    assert set(got.index) == set(g)
    for node, value in got.items():
        own = g.nodes[node]["score"]
        if not math.isnan(value):
            assert 0.0 <= value <= 1.0
        has_scored_input = own is not None or any(
            g.nodes[a]["score"] is not None for a in nx.ancestors(g, node)
        )
        assert math.isnan(value) != has_scored_input
        if g.in_degree(node) == 0 and own is not None:
            assert value == own


def test_rollup_of_100k_objectives_stays_between_0_and_1() -> None:
    # Its speed is measured against a per-object loop in benchmarks/run.py.
    rng = random.Random(7)
    n = 100_000
    g = nx.DiGraph()
    g.add_nodes_from(
        (i, {"kind": "objective", "score": rng.random(), "weight": 1.0 + rng.random()})
        for i in range(n)
    )
    g.add_edges_from(
        ((i, rng.randrange(max(0, i - 40), i)) for i in range(1, n)), relation="aligns_to"
    )
    got = rollup(g)
    assert len(got) == n and got.between(0.0, 1.0).all()


# --- export --------------------------------------------------------------------------------------


def test_graphml_round_trip(small_set: OkrSet, tmp_path: Path) -> None:
    okrs = OkrSet(
        cycle=small_set.cycle,
        objectives=[*small_set.objectives, obj("E", aligns=("GONE",))],
        kpis=small_set.kpis,
        initiatives=small_set.initiatives,
        checkins=small_set.checkins,
    )
    g = build_graph(okrs, as_of=MID_Q1)
    path = tmp_path / "g.graphml"
    to_graphml(g, path)
    back = nx.read_graphml(path)
    assert isinstance(back, nx.DiGraph)
    assert set(back.nodes) == set(g.nodes)
    assert set(back.edges(data="relation")) == set(g.edges(data="relation"))
    assert back.nodes["K1"]["score"] == pytest.approx(0.4)
    assert back.nodes["K1"]["last_checkin"] == "2026-02-14"
    assert back.nodes["K1"]["checkins"] == 2
    assert "score" not in back.nodes["E"] and "cycle" not in back.nodes["GONE"]  # None left out
    assert back.nodes["GONE"]["kind"] == "missing"
    assert back.graph["as_of"] == "2026-02-14"
    assert json.loads(back.graph["cycles"]) == {
        "2026-Q1": {"id": "2026-Q1", "start": "2026-01-01", "end": "2026-03-31"}
    }


def test_node_link_json_is_valid_and_strict(small_set: OkrSet, tmp_path: Path) -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[*small_set.objectives, obj("E")],
        kpis=small_set.kpis,
        checkins=small_set.checkins,
    )
    g = build_graph(okrs, as_of=MID_Q1)
    g.nodes["E"]["extra"] = float("nan")  # an analyst's NaN becomes null too
    path = tmp_path / "g.json"
    to_json(g, path)

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON")

    data = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    assert data == json.loads(json.dumps(to_node_link(g)))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["E"]["score"] is None and nodes["E"]["extra"] is None
    assert nodes["K1"]["last_checkin"] == "2026-02-14"
    assert data["graph"]["cycles"]["2026-Q1"]["end"] == "2026-03-31"
    back = nx.node_link_graph(data, edges="edges")
    assert back.is_directed() and set(back.edges) == set(g.edges)
    assert back.nodes["P1"]["kind"] == "kpi"

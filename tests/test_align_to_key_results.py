"""An objective aligned to key results: the graph, the checks, the roll-up, the pictures, the
formats, the store and the command line.

The shape comes from a real OKR set: a product team's objective "Bygg en högpresterande
webbplats" supports the company key result "Lansera version 2.0 av webbplatsen".
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from testdata import run_cli as run

from okrkit import (
    KPI,
    AlignmentCycleError,
    KeyResult,
    Objective,
    OkrSet,
    ValidationError,
    load_yaml,
    save_yaml,
)
from okrkit.align_rules import parent_choices
from okrkit.alignment import (
    above,
    below,
    build_graph,
    contributors,
    cross_cycle_links,
    find_cycles,
    graph_findings,
    missing_links,
    orphans,
    path_to_company,
    rollup,
    rollup_frame,
    unsupported,
)
from okrkit.io import load_csv, load_xlsx, write_csv, write_xlsx
from okrkit.model import find_alignment_loop
from okrkit.store import Store

YEAR = "2026"
Q1 = "2026-Q1"

COMPANY_YAML = """\
cycle: 2026
objectives:
  - id: CO-1
    title: Jättenöjda kunder
    level: company
    key_results:
      - id: CO-1-KR1
        title: NPS från 20 till 42
        start: 20
        target: 42
        current: 31
      - id: CO-1-KR2
        title: Lansera version 2.0 av webbplatsen
        type: milestone
        done: true
"""

PRODUCT_YAML = """\
cycle: 2026-Q1
objectives:
  - id: PR-1
    title: Bygg en högpresterande webbplats
    level: department
    aligns_to: [CO-1-KR2]
    key_results:
      - id: PR-1-KR1
        title: Sidor laddar på under 1 sekund
        type: milestone
        done: true
  - id: PR-2
    title: Lär känna kunderna
    level: department
    aligns_to: [CO-1, CO-1-KR1]
    key_results:
      - id: PR-2-KR1
        title: Intervjua 0 till 20 kunder
        start: 0
        target: 20
        current: 5
  - id: WEB-1
    title: Snabb kassa
    level: team
    aligns_to: [PR-1-KR1]
    key_results:
      - id: WEB-1-KR1
        title: Kassan klar
        type: milestone
        done: true
"""


def company() -> OkrSet:
    return load_yaml(COMPANY_YAML)


def product() -> OkrSet:
    return load_yaml(PRODUCT_YAML)


def obj(
    ident: str, level: str = "team", aligns: tuple[str, ...] = (), krs: tuple[str, ...] = ()
) -> Objective:
    return Objective(
        id=ident,
        title=f"objective {ident}",
        level=level,  # type: ignore[arg-type]
        aligns_to=aligns,
        key_results=[
            KeyResult(id=k, title=f"key result {k}", type="milestone", done=True) for k in krs
        ],
    )


# --- the graph -----------------------------------------------------------------------------------


def test_a_link_to_a_key_result_is_an_aligns_to_edge_to_that_key_result() -> None:
    g = build_graph([company(), product()])
    assert g.edges["PR-1", "CO-1-KR2"]["relation"] == "aligns_to"
    assert g.edges["CO-1-KR2", "CO-1"]["relation"] == "belongs_to"
    assert g.nodes["CO-1-KR2"]["kind"] == "key_result"
    assert g.edges["PR-2", "CO-1"]["relation"] == g.edges["PR-2", "CO-1-KR1"]["relation"]
    assert not g.has_edge("PR-1", "CO-1")  # no invented link to the objective


def test_a_missing_parent_stays_missing_and_a_known_one_keeps_its_kind() -> None:
    # The key result's set comes after the set that names it: still a key result node.
    g = build_graph([product(), company()])
    assert g.nodes["CO-1-KR2"]["kind"] == "key_result"
    alone = build_graph(product())
    assert alone.nodes["CO-1-KR2"]["kind"] == "missing"
    assert alone.nodes["CO-1-KR2"]["cycle"] is None
    assert alone.nodes["PR-1-KR1"]["kind"] == "key_result"  # of the set itself


def test_below_a_company_objective_is_its_whole_cascade_through_key_results() -> None:
    g = build_graph([company(), product()])
    expected = {"CO-1-KR1", "CO-1-KR2", "PR-1", "PR-1-KR1", "PR-2", "PR-2-KR1", "WEB-1"}
    expected |= {"WEB-1-KR1"}
    assert below(g, "CO-1") == expected
    assert below(g, "CO-1") == nx.ancestors(g, "CO-1") == contributors(g, "CO-1")
    # The documented top-down walk on the reversed view gives the same nodes.
    assert set(nx.bfs_tree(g.reverse(copy=False), "CO-1")) - {"CO-1"} == expected
    assert nx.descendants(g, "CO-1") == set() == above(g, "CO-1")
    assert above(g, "WEB-1") == {"PR-1-KR1", "PR-1", "CO-1-KR2", "CO-1"}
    with pytest.raises(KeyError, match="NOPE"):
        below(g, "NOPE")


def test_path_to_company_goes_through_the_key_result() -> None:
    g = build_graph([company(), product()])
    assert path_to_company(g, "WEB-1") == [["WEB-1", "PR-1-KR1", "PR-1", "CO-1-KR2", "CO-1"]]
    assert path_to_company(g, "PR-2") == [["PR-2", "CO-1"], ["PR-2", "CO-1-KR1", "CO-1"]]


# --- the checks ----------------------------------------------------------------------------------


def test_a_link_to_a_key_result_is_no_finding() -> None:
    g = build_graph([company(), product()])
    codes = {(f.code, f.item) for f in graph_findings(g)}
    assert not {c for c in codes if c[0] in ("OKR601", "OKR602", "OKR604")}
    assert ("OKR605", "CO-1") not in codes  # supported through its key results
    assert unsupported(g) == [] and orphans(g) == [] and missing_links(g) == []


def test_a_link_to_a_key_result_nobody_loaded_is_a_missing_link_warning() -> None:
    found = missing_links(build_graph(product()))  # the company set is not loaded
    assert {(f.item, f.severity) for f in found} == {("PR-1", "warning"), ("PR-2", "warning")}
    assert len(found) == 3  # PR-2 names CO-1 and CO-1-KR1
    f = found[0]
    assert f.message == "PR-1 aligns to CO-1-KR2, which is in no loaded OKR set"


def test_a_link_to_a_kpi_is_still_an_error() -> None:
    okrs = OkrSet(
        cycle=Q1,
        objectives=[obj("CO", "company", krs=("K1",)), obj("T", aligns=("M1",))],
        kpis=[KPI(id="M1", name="Leads", measures=["K1"])],
    )
    (f,) = missing_links(build_graph(okrs))
    assert (f.code, f.severity) == ("OKR602", "error")


def test_a_link_to_a_key_result_of_a_later_cycle_is_a_cross_cycle_link() -> None:
    later = OkrSet(cycle="2026-Q2", objectives=[obj("CO", "company", krs=("CO-KR1",))])
    now = OkrSet(cycle=Q1, objectives=[obj("T", aligns=("CO-KR1",))])
    (f,) = cross_cycle_links(build_graph([now, later]))
    assert (f.code, f.item) == ("OKR603", "T")
    assert f.message == "T (cycle 2026-Q1) aligns to CO-KR1 of cycle 2026-Q2"
    # Under a yearly key result it is fine, as under a yearly objective.
    assert cross_cycle_links(build_graph([company(), product()])) == []


def test_a_loop_through_a_key_result_is_found_and_named_with_the_key_result() -> None:
    # O1 aligns to K2, K2 belongs to O2, O2 aligns to O1.
    okrs = OkrSet(
        cycle=Q1,
        objectives=[obj("O1", "department", ("K2",)), obj("O2", "company", ("O1",), ("K2",))],
    )
    (f,) = find_cycles(build_graph(okrs))
    assert (f.code, f.severity, f.item) == ("OKR601", "error", "O1")
    assert f.message == "objectives align in a loop: O1 -> K2 -> O2 -> O1"
    assert f.fix == "remove one link of the loop, e.g. O1 from the aligns_to of O2"
    with pytest.raises(AlignmentCycleError, match="O1 -> K2 -> O2 -> O1"):
        rollup(build_graph(okrs))


def test_the_fix_of_a_loop_can_name_the_link_to_a_key_result() -> None:
    # The company objective aligned to a team key result is the likely wrong link.
    okrs = OkrSet(
        cycle=Q1,
        objectives=[obj("CO", "company", ("T-KR1",)), obj("T", "team", ("CO",), ("T-KR1",))],
    )
    (f,) = find_cycles(build_graph(okrs))
    assert f.message == "objectives align in a loop: CO -> T-KR1 -> T -> CO"
    assert "T-KR1 from the aligns_to of CO" in f.fix


def test_the_model_finds_the_loop_through_a_key_result() -> None:
    okrs = OkrSet(cycle=Q1, objectives=[obj("O2", aligns=("O1",)), obj("O1", aligns=("K2",))])
    assert okrs.alignment_loop() is None  # K2 is not in the set: nothing to close
    okrs = OkrSet(
        cycle=Q1, objectives=[obj("O2", aligns=("O1",), krs=("K2",)), obj("O1", aligns=("K2",))]
    )
    loop = okrs.alignment_loop()
    assert loop is not None and loop[-2] in ("O1", "O2")  # the last link leaves an objective
    assert set(loop) == {"O1", "O2", "K2"}
    assert find_alignment_loop({"A": ["K"]}, key_results={"K": "A"}) == ("K", "A", "K")


def test_aligning_to_its_own_key_result_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        OkrSet(cycle=Q1, objectives=[obj("O1", aligns=("O1-KR1",), krs=("O1-KR1",))])
    assert caught.value.problem == "O1 aligns to O1-KR1, one of its own key results"
    assert caught.value.field == "aligns_to"
    assert "remove O1-KR1 from the aligns_to of O1" in str(caught.value.fix)


def test_a_file_with_a_loop_through_a_key_result_is_refused_at_the_link(tmp_path: Path) -> None:
    text = """\
cycle: 2026-Q1
objectives:
  - id: O2
    title: Grow
    key_results:
      - id: K2
        title: Sign 10 customers
        start: 0
        target: 10
    aligns_to: [O1]
  - id: O1
    title: Sell
    aligns_to: [K2]
"""
    with pytest.raises(AlignmentCycleError) as caught:
        load_yaml(text, source="plan.yaml")
    assert "objectives align in a loop" in caught.value.problem and "K2" in caught.value.problem
    assert caught.value.line == 13  # the aligns_to that closes the loop
    assert caught.value.source == "plan.yaml"


def test_own_key_result_in_a_file_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        "cycle: 2026-Q1\nobjectives:\n- id: O1\n  title: Grow\n  aligns_to: [O1-KR1]\n"
        "  key_results:\n  - id: O1-KR1\n    title: Ship it\n    type: milestone\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        load_yaml(path)
    assert str(path) in str(caught.value) and "field 'aligns_to'" in str(caught.value)
    assert "one of its own key results" in str(caught.value)


# --- the roll-up ---------------------------------------------------------------------------------


def test_an_objective_aligned_to_a_key_result_counts_under_its_objective() -> None:
    g = build_graph([company(), product()])
    rolled = rollup(g, weight=0.5)
    assert isinstance(rolled, pd.Series)
    assert rolled.name == "rollup" and rolled.index.name == "objective"
    assert list(rolled.index) == ["CO-1", "PR-1", "PR-2", "WEB-1"]
    nodes = g.nodes
    own = {o: nodes[o]["score"] for o in rolled.index}
    # WEB-1 under PR-1 (through PR-1-KR1); PR-1 and PR-2 under CO-1 (PR-2 once, though linked
    # to CO-1 and to CO-1-KR1).
    assert rolled["WEB-1"] == pytest.approx(own["WEB-1"])
    assert rolled["PR-1"] == pytest.approx(0.5 * own["PR-1"] + 0.5 * rolled["WEB-1"])
    w1, w2 = nodes["PR-1"]["weight"], nodes["PR-2"]["weight"]
    children = (w1 * rolled["PR-1"] + w2 * rolled["PR-2"]) / (w1 + w2)
    assert rolled["CO-1"] == pytest.approx(0.5 * own["CO-1"] + 0.5 * children)
    # It reads like the dict it was.
    assert rolled.get("CO-1") == rolled["CO-1"] and "CO-1" in rolled
    assert dict(rolled.items()) == pytest.approx(dict(rolled))


def test_rollup_frame_shows_own_score_children_and_rolled_up() -> None:
    g = build_graph([company(), product()])
    table = rollup_frame(g)
    assert list(table.columns) == ["title", "level", "cycle", "own", "children", "rollup"]
    assert table.index.name == "objective"
    assert table.loc["CO-1", "children"] == 2  # PR-1 through CO-1-KR2, PR-2 both ways: once
    assert table.loc["PR-1", "children"] == 1  # WEB-1 through PR-1-KR1
    assert table.loc["WEB-1", "children"] == 0
    assert table.loc["CO-1", "own"] == pytest.approx(g.nodes["CO-1"]["score"])
    assert table.loc["CO-1", "cycle"] == YEAR and table.loc["PR-1", "level"] == "department"
    pd.testing.assert_series_equal(table["rollup"], rollup(g))


# --- what an objective may pick ----------------------------------------------------------------


def test_parent_choices_offer_key_results_after_their_objective_never_its_own() -> None:
    sets = {YEAR: company(), Q1: product()}
    ids = [c[0] for c in parent_choices(sets, Q1, "PR-1")]
    assert ids == [
        "PR-2",
        "PR-2-KR1",
        "WEB-1",
        "WEB-1-KR1",
        "CO-1",
        "CO-1-KR1",
        "CO-1-KR2",
    ]
    assert ("CO-1-KR2", "Lansera version 2.0 av webbplatsen", YEAR) in parent_choices(
        sets, Q1, "PR-1"
    )
    # A key result may be picked where its objective may: never of a later cycle.
    assert [c[0] for c in parent_choices(sets, YEAR, "CO-1")] == []
    assert "CO-1-KR1" not in [c[0] for c in parent_choices(sets, Q1, "PR-1", key_results=False)]


# --- the store -----------------------------------------------------------------------------------


def test_the_store_keeps_a_link_to_a_key_result_of_another_cycle(db_url: str) -> None:
    with Store(db_url) as store:
        store.import_set(company())
        summary = store.import_set(product())
        assert summary.notes == ()  # the key results are there: nothing dangles
        assert store.load(Q1).objective("PR-1").aligns_to == ("CO-1-KR2",)
        g = build_graph([store.load(c) for c in store.cycles()])
        assert "PR-1" in below(g, "CO-1")


def test_the_store_notes_a_link_to_a_key_result_it_does_not_hold_yet(db_url: str) -> None:
    with Store(db_url) as store:
        summary = store.import_set(product())
        assert summary.notes[0] == (
            "warning OKR602: PR-1 aligns to CO-1-KR2, which is in no loaded OKR set (correct the"
            " id in the aligns_to of PR-1, or load the set that holds CO-1-KR2)"
        )
        assert len(summary.notes) == 3  # and PR-2's links to CO-1 and CO-1-KR1
        store.import_set(company())  # the company set comes later: the link holds
        assert missing_links(build_graph([store.load(c) for c in store.cycles()])) == []


def test_an_import_closing_a_loop_through_the_stores_key_results_is_refused(db_url: str) -> None:
    with Store(db_url) as store:
        store.import_set(company())
        store.import_set(product())
        # WEB-1 -> PR-1-KR1 -> PR-1 -> CO-1-KR2 -> CO-1 is stored: CO-1 aligned to WEB-1-KR1
        # would close a loop.
        changed = dataclasses.replace(
            company(),
            objectives=tuple(
                dataclasses.replace(o, aligns_to=("WEB-1-KR1",)) for o in company().objectives
            ),
        )
        with pytest.raises(AlignmentCycleError) as caught:
            store.import_set(changed, replace=True)
        problem = caught.value.problem
        assert problem.startswith("objectives align in a loop: ")
        assert "WEB-1-KR1 is a key result of WEB-1" in problem
        assert "the store already holds" in problem
        for link in ("WEB-1 -> PR-1-KR1", "PR-1 -> CO-1-KR2"):
            assert link in problem
        assert caught.value.fix == (
            "remove WEB-1-KR1 from the aligns_to of CO-1, or another link of the loop"
        )
        assert store.load(YEAR).objective("CO-1").aligns_to == ()  # nothing written


def test_realign_refuses_a_loop_through_a_key_result_and_its_own_key_result(
    db_url: str,
) -> None:
    with Store(db_url) as store:
        store.import_set(company())
        store.import_set(product())
        version = store.versions(YEAR)["CO-1"]
        with pytest.raises(AlignmentCycleError) as caught:
            store.realign("CO-1", version, ["PR-2-KR1"])
        assert caught.value.problem == (
            "objectives align in a loop: PR-2-KR1 -> PR-2 -> CO-1 -> PR-2-KR1"
            " (PR-2-KR1 is a key result of PR-2)"
        )
        assert caught.value.fix.startswith("remove PR-2-KR1 from the aligns_to of CO-1")
        with pytest.raises(AlignmentCycleError) as caught:
            store.realign("CO-1", version, ["CO-1-KR1"])
        assert caught.value.problem == "CO-1 aligns to CO-1-KR1, one of its own key results"
        assert store.load(YEAR).objective("CO-1").aligns_to == ()
        assert store.versions(YEAR)["CO-1"] == version
        # A link to a key result that closes no loop is written.
        version = store.versions(Q1)["WEB-1"]
        store.realign("WEB-1", version, ["PR-1-KR1", "CO-1-KR1"])
        assert store.load(Q1).objective("WEB-1").aligns_to == ("PR-1-KR1", "CO-1-KR1")


def test_the_store_refuses_a_link_to_a_kpi(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.import_set(
            OkrSet(
                cycle=Q1,
                objectives=[obj("CO", "company", krs=("K1",))],
                kpis=[KPI(id="M1", name="Leads", measures=["K1"])],
            )
        )
        with pytest.raises(ValidationError, match="M1, which is a KPI in the store"):
            store.import_set(OkrSet(cycle=Q1, objectives=[obj("T", aligns=("M1",))]))


# --- the formats ---------------------------------------------------------------------------------


def test_yaml_store_csv_xlsx_yaml_keep_links_to_key_results(tmp_path: Path) -> None:
    yaml_in = tmp_path / "product.yaml"
    yaml_in.write_text(PRODUCT_YAML, encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        store.import_set(company())
        store.import_set(load_yaml(yaml_in))
        stored = store.load(Q1)
    folder = write_csv(stored, tmp_path / "csv")
    assert "CO-1; CO-1-KR1" in (folder / "objectives.csv").read_text(encoding="utf-8-sig")
    from_csv = load_csv(folder)
    from_xlsx = load_xlsx(write_xlsx(from_csv, tmp_path / "product.xlsx"))
    back = load_yaml(save_yaml(from_xlsx, tmp_path / "back.yaml"))
    for okrs in (stored, from_csv, from_xlsx, back):
        assert [o.aligns_to for o in okrs.objectives] == [
            ("CO-1-KR2",),
            ("CO-1", "CO-1-KR1"),
            ("PR-1-KR1",),
        ]
    assert "aligns_to:\n  - CO-1-KR2" in (tmp_path / "back.yaml").read_text(
        encoding="utf-8"
    ) or "aligns_to: [CO-1-KR2]" in (tmp_path / "back.yaml").read_text(encoding="utf-8")


# --- the pictures --------------------------------------------------------------------------------


def test_the_picture_draws_a_link_to_a_key_result_labelled_with_it(tmp_path: Path) -> None:
    from okrkit.plots import alignment_layout, draw_alignment

    g = build_graph([company(), product()])
    fig = draw_alignment(g, path=tmp_path / "a.svg")
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert {"CO-1-KR2", "CO-1-KR1", "PR-1-KR1"} <= labels  # which key result each link supports
    dashed = [c for c in ax.collections if c.get_linestyle()[0][1] is not None]
    assert len(dashed) == 1 and len(dashed[0].get_segments()) == 3  # PR-2 -> CO-1 is solid
    pos = alignment_layout(g)
    ends = {tuple(map(tuple, s)) for s in dashed[0].get_segments()}
    assert (pos["PR-1"], pos["CO-1"]) in ends  # to the key result's objective
    # With key results drawn, the line ends at the key result itself.
    fig = draw_alignment(g, key_results=True)
    pos = alignment_layout(g, key_results=True)
    (dashed,) = [c for c in fig.axes[0].collections if c.get_linestyle()[0][1] is not None]
    ends = {tuple(map(tuple, s)) for s in dashed.get_segments()}
    assert (pos["PR-1"], pos["CO-1-KR2"]) in ends
    assert (tmp_path / "a.svg").read_bytes().startswith(b"<?xml")


def test_the_picture_of_a_link_to_a_missing_key_result_draws_no_line() -> None:
    from okrkit.plots import draw_alignment

    fig = draw_alignment(build_graph(product()))
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert "CO-1-KR2" not in labels and "PR-1-KR1" in labels


# --- the command line ----------------------------------------------------------------------------


def test_cli_import_export_check_and_graph_with_links_to_key_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "okrkit.db"
    company_file, product_file = tmp_path / "company.yaml", tmp_path / "product.yaml"
    company_file.write_text(COMPANY_YAML, encoding="utf-8")
    product_file.write_text(PRODUCT_YAML, encoding="utf-8")
    # Files checked together: no finding about the links to key results.
    code, out, _ = run(capsys, "check", company_file, product_file)
    assert code == 0 and "OKR602" not in out and "OKR601" not in out
    code, out, _ = run(capsys, "--db", db, "import", product_file)
    assert code == 0 and "warning OKR602: PR-1 aligns to CO-1-KR2" in out  # not there yet
    code, out, _ = run(capsys, "--db", db, "import", company_file)
    assert code == 0
    code, out, _ = run(capsys, "--db", db, "check")
    assert "OKR602" not in out and "OKR601" not in out
    # Out as CSV, into a new store, out as xlsx, into a third store, out as YAML.
    code, _, _ = run(
        capsys, "--db", db, "export", "-f", "csv", "-o", tmp_path / "csv", "--cycle", Q1
    )
    assert code == 0
    db2 = tmp_path / "two.db"
    assert run(capsys, "--db", db2, "import", company_file)[0] == 0
    assert run(capsys, "--db", db2, "import", tmp_path / "csv")[0] == 0
    xlsx = tmp_path / "product.xlsx"
    assert run(capsys, "--db", db2, "export", "-o", xlsx, "--cycle", Q1)[0] == 0
    db3 = tmp_path / "three.db"
    assert run(capsys, "--db", db3, "import", company_file)[0] == 0
    assert run(capsys, "--db", db3, "import", xlsx)[0] == 0
    back = tmp_path / "back.yaml"
    assert run(capsys, "--db", db3, "export", "-o", back, "--cycle", Q1)[0] == 0
    assert [o.aligns_to for o in load_yaml(back).objectives] == [
        ("CO-1-KR2",),
        ("CO-1", "CO-1-KR1"),
        ("PR-1-KR1",),
    ]
    # The picture and the graph exports.
    code, out, _ = run(capsys, "--db", db3, "graph", "-o", tmp_path / "g.png")
    assert code == 0 and "wrote" in out
    code, out, _ = run(capsys, "--db", db3, "graph", "-o", tmp_path / "g.graphml")
    assert code == 0
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.edges["PR-1", "CO-1-KR2"]["relation"] == "aligns_to"


def test_cli_refuses_a_loop_through_the_stores_key_results_naming_the_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "okrkit.db"
    with Store(db) as store:
        store.import_set(company())
        store.import_set(product())
    plan = tmp_path / "company.yaml"
    plan.write_text(
        COMPANY_YAML.replace(
            "    level: company\n", "    level: company\n    aligns_to: [WEB-1-KR1]\n"
        ),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", db, "import", plan, "--replace", "--yes")
    assert code == 1
    assert "objectives align in a loop" in err and "the store already holds" in err
    assert "remove WEB-1-KR1 from the aligns_to of CO-1" in err
    with Store(db) as store:
        assert store.load(YEAR).objective("CO-1").aligns_to == ()


def test_cli_check_names_a_loop_through_key_results_across_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text(
        "cycle: 2026\nobjectives:\n- id: CO-2\n  title: Grow\n  level: company\n"
        "  aligns_to: [WEB-1-KR1]\n",
        encoding="utf-8",
    )
    company_file, product_file = tmp_path / "company.yaml", tmp_path / "product.yaml"
    company_file.write_text(COMPANY_YAML, encoding="utf-8")
    product_file.write_text(
        PRODUCT_YAML.replace("[CO-1-KR2]", "[CO-1-KR2, CO-2]"), encoding="utf-8"
    )
    code, out, _ = run(capsys, "check", company_file, product_file, loop)
    assert code == 1
    assert "OKR601" in out and "CO-2 -> WEB-1-KR1 -> WEB-1 -> PR-1-KR1 -> PR-1 -> CO-2" in out


# --- carry-over ----------------------------------------------------------------------------------

CARRY_YAML = """\
cycle: 2026-Q1
objectives:
  - id: CO-1
    title: Grow
    level: company
    key_results:
      - id: CO-1-KR1
        title: Sign 0 to 10 customers
        start: 0
        target: 10
        current: 4
  - id: PR-1
    title: Build the site
    level: department
    aligns_to: [CO-1-KR1]
    key_results:
      - id: PR-1-KR1
        title: Ship 0 to 5 pages
        start: 0
        target: 5
        current: 1
"""


def test_carry_over_moves_a_link_to_a_carried_key_result_to_its_copy(tmp_path: Path) -> None:
    from okrkit import carry_over

    with Store(tmp_path / "s.db") as store:
        store.import_set(load_yaml(CARRY_YAML))
        carried = carry_over(store, Q1, "2026-Q2")
        assert carried.objective("PR-1-2026-Q2").aligns_to == ("CO-1-KR1-2026-Q2",)
        assert carried.key_result("CO-1-KR1-2026-Q2").carried_from == "CO-1-KR1"
        g = build_graph(store.load("2026-Q2"))
        assert "PR-1-2026-Q2" in below(g, "CO-1-2026-Q2")
        # No missing, cross-cycle or orphan link: the copy aligns to the copy.
        assert not [f for f in graph_findings(g) if f.code != "OKR606"]


def test_cli_carry_over_keeps_the_link_to_the_key_results_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, plan = tmp_path / "okrkit.db", tmp_path / "plan.yaml"
    plan.write_text(CARRY_YAML, encoding="utf-8")
    assert run(capsys, "--db", db, "import", plan)[0] == 0
    code, out, _ = run(capsys, "--db", db, "carry-over", "--from", Q1, "--to", "2026-Q2")
    assert code == 0, out
    with Store(db) as store:
        assert store.load("2026-Q2").objective("PR-1-2026-Q2").aligns_to == ("CO-1-KR1-2026-Q2",)


def test_a_seeded_department_keeps_its_link_to_a_company_key_result(tmp_path: Path) -> None:
    from okrkit.notebooks import seed_department
    from okrkit.workspace import load_template

    links = [p for o in load_template("product").objectives for p in o.aligns_to]
    key_result = next(p for p in links if "-KR" in p)  # the template aligns to a company KR
    with Store(tmp_path / "s.db") as store:
        assert seed_department(store, "company", Q1)
        assert seed_department(store, "product", Q1)
        held = [p for o in store.load(Q1).objectives for p in o.aligns_to]
        assert key_result in held
        g = build_graph(store.load(Q1))
        owner = g.nodes[key_result]["objective"]
        assert g.nodes[key_result]["kind"] == "key_result" and below(g, owner) & {
            o.id for o in store.load(Q1).objectives if key_result in o.aligns_to
        }


# --- one answer everywhere -----------------------------------------------------------------------


@st.composite
def linked_sets(draw: st.DrawFn) -> OkrSet:
    """Objectives with a key result or none, each aligned to some objectives and key results."""
    n = draw(st.integers(1, 7))
    has_kr = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    krs = [f"K{i}" for i in range(n) if has_kr[i]]
    objectives = []
    for i in range(n):
        others = [f"O{j}" for j in range(n) if j != i] + [k for k in krs if k != f"K{i}"]
        parents = draw(st.lists(st.sampled_from(others), max_size=3, unique=True)) if others else []
        objectives.append(obj(f"O{i}", aligns=tuple(parents), krs=(f"K{i}",) if has_kr[i] else ()))
    return OkrSet(cycle=Q1, objectives=objectives)


@settings(deadline=None, max_examples=150)
@given(okrs=linked_sets())
def test_the_model_the_graph_and_the_roll_up_agree_on_loops(okrs: OkrSet) -> None:
    loop = okrs.alignment_loop()
    g = build_graph(okrs)
    found = find_cycles(g)
    assert (loop is None) == (found == [])
    if loop is None:
        assert len(rollup(g)) == len(okrs.objectives)
    else:
        owners = okrs.key_result_owners()
        # Each step of the loop is a link someone wrote or a key result's objective.
        for child, parent in itertools.pairwise(loop):
            assert (
                parent in okrs.objective(child).aligns_to
                if child not in owners
                else (owners[child] == parent)
            )
        assert loop[-2] not in owners  # the fix names an aligns_to link
        with pytest.raises(AlignmentCycleError):
            rollup(g)

"""The synthetic organisation generator and ``okrkit demo-org``."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
from pathlib import Path

import pandas as pd
import pytest

from okrkit import CheckIn, OkrSet, Store, check_sets, load_yaml, score, to_frames
from okrkit.alignment import build_graph, rollup
from okrkit.cli import main
from okrkit.demo_org import demo_org, demo_org_frames
from okrkit.io import load_csv, load_xlsx


@pytest.fixture(scope="module")
def org() -> OkrSet:
    return demo_org(600, seed=3)


def test_shape_company_departments_teams_individuals(org: OkrSet) -> None:
    levels = collections.Counter(o.level for o in org.objectives)
    assert len(org.objectives) == 600
    assert levels["company"] == 4
    assert 3 <= levels["department"] <= 60 and levels["department"] % 3 == 0
    assert levels["team"] == round(0.08 * 600)
    assert levels["individual"] == 600 - sum(levels[lv] for lv in ("company", "department", "team"))
    by_id = {o.id: o for o in org.objectives}
    above = {"department": "company", "team": "department", "individual": "team"}
    linked = [o for o in org.objectives if o.level != "company" and o.aligns_to]
    # Nearly every objective below the company aligns to one level up; a few are defects.
    assert len(linked) >= 0.98 * (600 - levels["company"])
    for o in linked:
        for parent in o.aligns_to:
            if parent in by_id:
                assert by_id[parent].level == above[o.level], (o.id, parent)


def test_key_results_checkins_kpis_initiatives(org: OkrSet) -> None:
    counts = [len(o.key_results) for o in org.objectives]
    assert set(counts) <= {3, 4, 5}
    assert 3.8 <= sum(counts) / len(counts) <= 4.2
    types = collections.Counter(kr.type for _, kr in org.key_results())
    assert types.most_common(1)[0][0] == "metric"
    assert set(types) == {"metric", "milestone", "guardrail", "qualitative"}
    per_kr = collections.Counter(c.key_result for c in org.checkins)
    assert max(per_kr.values()) == 12
    assert sum(per_kr.values()) / sum(counts) > 11
    assert all(c.confidence is not None and 1 <= c.confidence <= 10 for c in org.checkins)
    # weekly: the dates of one key result are 7 days apart, inside the cycle
    first = [c.date for c in org.checkins if c.key_result == org.objectives[0].key_results[0].id]
    assert {(b - a).days for a, b in itertools.pairwise(first)} == {7}
    assert org.cycle.start <= min(first) and max(first) <= org.cycle.end
    assert org.kpis and org.initiatives
    assert {k.frequency for k in org.kpis} >= {"weekly", "monthly"}


def test_texts_vary(org: OkrSet) -> None:
    titles = [kr.title for _, kr in org.key_results()]
    assert len(set(titles)) > 0.85 * len(titles)
    assert len({o.title for o in org.objectives}) > 0.5 * len(org.objectives)
    assert len({o.owner for o in org.objectives if o.level == "individual"}) > 250


def test_deterministic_for_a_seed() -> None:
    assert demo_org(120, seed=7) == demo_org(120, seed=7)
    assert demo_org(120, seed=7) != demo_org(120, seed=8)


@pytest.mark.parametrize("n", [0, 1, 5, 13, 77])
def test_frames_equal_the_set(n: int) -> None:
    frames = demo_org_frames(n, seed=2, checkins_per_kr=4)
    expected = to_frames(demo_org(n, seed=2, checkins_per_kr=4))
    for name, df in frames:
        pd.testing.assert_frame_equal(df, getattr(expected, name), obj=name)


def test_small_orgs_and_options() -> None:
    assert demo_org(0).objectives == ()
    one = demo_org(1, cycle="2026-Q3", checkins_per_kr=0)
    assert [o.level for o in one.objectives] == ["company"]
    assert one.cycle.id == "2026-Q3" and one.checkins == ()
    with pytest.raises(ValueError, match="objectives"):
        demo_org(-1)


def test_checks_find_mostly_well_formed_okrs(org: OkrSet) -> None:
    end = org.cycle.end
    findings = check_sets([org], as_of=end)
    codes = collections.Counter(f.code for f in findings)
    krs = sum(len(o.key_results) for o in org.objectives)
    # some tasks and vague wishes, orphans and missing links - but mostly measurable outcomes
    assert codes["OKR202"] and codes["OKR207"] and codes["OKR604"] and codes["OKR602"]
    wording = {f.item for f in findings if f.code in ("OKR201", "OKR202", "OKR207")}
    assert len(wording) < 0.12 * krs
    assert not codes["OKR601"]  # no loops: roll-up works
    scores = score(org, end)
    assert scores.key_results["score"].notna().all()
    assert set(scores.key_results["status"]) == {"on track", "at risk", "off track"}
    rolled = rollup(build_graph(org, scores))
    assert len(rolled) == 600


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_into_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "org.db"
    code, out, _ = run(capsys, "demo-org", "--objectives", 40, "--seed", 5, "--db", db)
    assert code == 0 and "40 objectives" in out
    with Store(db) as store:
        assert store.load("2026-Q1") == demo_org(40, seed=5)
    code, out, _ = run(capsys, "--db", db, "demo-org", "-n", 40, "--seed", 5)
    assert code == 0 and "0 added, 0 changed" in out  # the same organisation: nothing to do
    code, _, err = run(capsys, "--db", db, "demo-org", "-n", 40, "--seed", 6)
    assert code == 1 and "--replace" in err
    code, _, _ = run(capsys, "--db", db, "demo-org", "-n", 40, "--seed", 6, "--replace", "--yes")
    assert code == 0
    wanted = demo_org(40, seed=6)
    with Store(db) as store:
        loaded = store.load("2026-Q1")
    # the file's records as the file has them; the store's others stay
    assert all(loaded.objective(o.id) == o for o in wanted.objectives)
    ours = {kr.id for _, kr in wanted.key_results()}

    def key(c: CheckIn) -> tuple[str, str, float]:
        return (c.key_result, str(c.date), c.value or 0.0)

    mine = sorted((c for c in loaded.checkins if c.key_result in ours), key=key)
    assert mine == sorted(wanted.checkins, key=key)


@pytest.mark.parametrize("target", ["org.yaml", "org-csv", "org.xlsx"])
def test_cli_to_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    path = tmp_path / target
    code, out, _ = run(
        capsys, "demo-org", "-n", 25, "--checkins", 3, "--cycle", "2026-Q2", "-o", path
    )
    assert code == 0 and str(path) in out
    loaders = {"org.yaml": load_yaml, "org-csv": load_csv, "org.xlsx": load_xlsx}
    loaded = loaders[target](path)
    expected = demo_org(25, checkins_per_kr=3, cycle="2026-Q2")
    assert loaded == expected
    assert loaded.checkins[0].date >= dt.date(2026, 4, 1)


def test_cli_refuses_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "demo-org", "-n", -3, "-o", "x.yaml")
    assert code == 2 and "--objectives" in err

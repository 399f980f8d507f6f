"""A real OKR set nobody here wrote, end to end: the Swedish cascade of the source articles
(tests/data/swedish_cascade.yaml) with a company key result served by a team objective, "NPS på
42 eller högre", a monthly rate, ordinal levels and KPIs in their own words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from testdata import run_cli

import okrkit
from okrkit.alignment import below

CASCADE = Path(__file__).parent / "data" / "swedish_cascade.yaml"
AUGUST = dt.date(2026, 8, 25)


@pytest.fixture(scope="module")
def cascade() -> okrkit.OkrSet:
    return okrkit.load_yaml(CASCADE)


def test_statuses_tell_what_is_known(cascade: okrkit.OkrSet) -> None:
    krs = okrkit.score(cascade, AUGUST).key_results.set_index("id")
    # the website launch is due mid-September: no score, and no red
    assert krs.at["FTG-1-KR1", "status"] == "not yet due"
    assert krs.at["FTG-1-KR2", "status"] == "no data"
    # NPS 44 against "42 or higher", no baseline invented
    assert krs.at["KUND-1-KR1", "score"] == 1.0
    # July's 21 evenings met the rate; August is not over, its 9 so far fail nothing
    assert krs.at["PERS-1-KR1", "score"] == 1.0
    assert krs.at["MKT-1-KR1", "score"] == pytest.approx(0.3)  # commit level reached
    objectives = okrkit.score(cascade, AUGUST).objectives.set_index("id")
    assert objectives.at["KUND-1", "scored"] == 1 and objectives.at["KUND-1", "key_results"] == 2
    assert objectives.at["FTG-1", "status"] == "no data"


def test_the_month_is_judged_when_it_ends(cascade: okrkit.OkrSet) -> None:
    september = okrkit.score(cascade, dt.date(2026, 9, 5)).key_results.set_index("id")
    # July met (1.0), August closed at 9 of 20 (0.45)
    assert september.at["PERS-1-KR1", "score"] == pytest.approx((1.0 + 9 / 20) / 2)


def test_the_cascade_runs_through_key_results(cascade: okrkit.OkrSet) -> None:
    graph = okrkit.build_graph(cascade, as_of=AUGUST)
    under = below(graph, "FTG-1")
    assert {"PROD-1", "MKT-1"} <= under
    assert "KUND-1" not in under
    rolled = okrkit.rollup(graph)
    # FTG-1 has no score of its own yet: it takes what its key results' objectives report
    assert rolled["FTG-1"] == pytest.approx(rolled["MKT-1"])
    codes = {(f.code, f.item) for f in okrkit.graph_findings(graph)}
    assert not any(code in ("OKR601", "OKR602") for code, _ in codes)


def test_kpis_keep_their_words(cascade: okrkit.OkrSet) -> None:
    assert [k.frequency for k in cascade.kpis] == ["weekly", "per_project", "daily"]


def test_the_command_line_says_it_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "score", CASCADE, "--as-of", AUGUST.isoformat())
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "not yet due" in lines["FTG-1-KR1"] and "0.00" not in lines["FTG-1-KR1"]
    assert "no data" in lines["FTG-1-KR2"]
    code, out, err = run_cli(capsys, "check", CASCADE)
    assert "OKR602" not in out + err and "OKR601" not in out + err


def test_the_command_line_walks_the_cascade_top_down(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "graph", CASCADE, "--as-of", AUGUST.isoformat(), "--below", "FTG-1"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("FTG-1 ") and "rolled up 0.30" in lines[0]
    children = {line.split()[0]: line for line in lines[1:]}
    assert set(children) == {"MKT-1", "PROD-1"}
    assert all(line.startswith("  ") for line in lines[1:])
    assert "(via FTG-1-KR2)" in children["MKT-1"] and "(via FTG-1-KR1)" in children["PROD-1"]
    code, _, err = run_cli(capsys, "graph", CASCADE, "--below", "FTG-1-KR1")
    assert code != 0 and "not an objective" in err

"""Scoring the shapes real OKR sets have, truthfully: no data, not yet due, ordinal levels,
bounds ("42 or higher"), rates per period, and objectives scored from what is known.

Each rule through the public API (``okrkit.score``) and through ``okrkit score FILE``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from testdata import run_cli as run

from okrkit import CheckIn, KeyResult, Objective, OkrSet, ScoringConfig, score
from okrkit.display import score_table
from okrkit.lifecycle import finished_mask
from okrkit.reports import build_report

D = dt.date
MID_Q1 = D(2026, 2, 14)  # day 45 of the 90 days of 2026-Q1
END_Q1 = D(2026, 3, 31)


def one(
    kr: KeyResult,
    checkins: list[CheckIn] | None = None,
    *,
    as_of: dt.date = MID_Q1,
    kind: str = "committed",
    config: ScoringConfig | None = None,
) -> pd.Series:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[Objective(id="O", title="T", kind=kind, key_results=[kr])],
        checkins=checkins or [],
    )
    return score(okrs, as_of, config=config).key_results.iloc[0]


def ci(date: str, **kw: Any) -> CheckIn:
    return CheckIn(key_result="K", date=date, **kw)


def ordinal(zone: str | None = None) -> KeyResult:
    return KeyResult(
        id="K",
        title="Onboarding",
        type="ordinal",
        commit_zone="a guide exists",
        target_zone="half the new users finish it",
        stretch_zone="nobody asks support",
        zone=zone,
    )


def milestone(**kw: Any) -> KeyResult:
    return KeyResult(id="K", title="Launch v2.0", type="milestone", **kw)


def scored_cli(capsys: Any, tmp_path: Path, text: str, as_of: str) -> dict[str, Any]:
    """``okrkit score FILE --format json`` on a YAML written to ``tmp_path``: KRs by id."""
    path = tmp_path / "okrs.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "score", path, "--as-of", as_of, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    return {
        "objectives": {o["id"]: o for o in data["objectives"]},
        **{kr["id"]: kr for o in data["objectives"] for kr in o["key_results"]},
    }


def table_cli(capsys: Any, tmp_path: Path, text: str, as_of: str) -> dict[str, str]:
    """``okrkit score FILE`` as a table: each row's line by its id."""
    path = tmp_path / "okrs.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "score", path, "--as-of", as_of)
    assert code == 0, err
    return {line.split()[0]: line for line in out.splitlines()[2:] if line.strip()}


# --- no data ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kr",
    [
        KeyResult(id="K", title="Visitors 0 to 100", start=0, target=100),
        KeyResult(id="K", title="Uptime", type="guardrail", threshold=99, direction="above"),
        KeyResult(id="K", title="Site debugged", type="qualitative"),
        ordinal(),
    ],
    ids=["metric", "guardrail", "qualitative", "ordinal"],
)
def test_a_key_result_without_a_reading_has_no_score(kr: KeyResult) -> None:
    row = one(kr, [ci("2026-03-01", **_reading(kr))])  # a reading after the as-of date
    assert math.isnan(row["score"]) and math.isnan(row["forecast"])
    assert (row["band"], row["status"], row["pending"]) == (None, "no data", "no data")
    assert not finished_mask(pd.Series([row["score"]]), pd.Series([kr.type])).any()
    later = one(kr, [ci("2026-03-01", **_reading(kr))], as_of=END_Q1)
    assert later["pending"] is None and not math.isnan(later["score"])


def _reading(kr: KeyResult) -> dict[str, Any]:
    return {
        "metric": {"value": 50},
        "guardrail": {"value": 99.5},
        "qualitative": {"grade": 0.6},
        "ordinal": {"zone": "target"},
    }[kr.type]


def test_no_data_through_the_cli(capsys: Any, tmp_path: Path) -> None:
    text = """
cycle: 2026-Q1
objectives:
  - id: O1
    title: Grow the community
    key_results:
      - {id: K1, title: Members from 0 to 1000, start: 0, target: 1000}
      - {id: K2, title: Site debugged, type: qualitative}
      - {id: K3, title: Uptime, type: guardrail, threshold: 99, direction: above}
"""
    got = scored_cli(capsys, tmp_path, text, "2026-02-14")
    for ident in ("K1", "K2", "K3"):
        kr = got[ident]
        assert (kr["score"], kr["band"], kr["status"], kr["pending"]) == (
            None,
            None,
            "no data",
            "no data",
        )
    o1 = got["objectives"]["O1"]
    assert (o1["score"], o1["status"], o1["scored"]) == (None, "no data", 0)
    lines = table_cli(capsys, tmp_path, text, "2026-02-14")
    assert "no data" in lines["K1"] and "red" not in lines["K1"] and "0.00" not in lines["K1"]


# --- milestones ---------------------------------------------------------------------------------


def test_milestone_before_its_due_date_is_not_yet_due() -> None:
    row = one(milestone())
    assert math.isnan(row["score"]) and row["band"] is None
    assert (row["status"], row["pending"]) == ("not yet due", "not yet due")


@pytest.mark.parametrize(
    ("confidence", "status"),
    [(10, "on track"), (7, "on track"), (6, "at risk"), (4, "at risk"), (3, "off track")],
)
def test_milestone_not_yet_due_takes_its_status_from_the_latest_confidence(
    confidence: int, status: str
) -> None:
    row = one(milestone(confidence=1), [ci("2026-02-01", done=False, confidence=confidence)])
    assert (row["status"], row["pending"]) == (status, "not yet due")
    assert math.isnan(row["score"])
    assert one(milestone(confidence=confidence))["status"] == status  # the KR's own confidence


def test_milestone_confidence_limits_are_configurable() -> None:
    config = ScoringConfig(confident_from=9)
    assert one(milestone(confidence=8), config=config)["status"] == "at risk"
    with pytest.raises(ValueError, match="low_confidence < confident_from"):
        ScoringConfig(confident_from=3)


def test_milestone_on_and_after_its_due_date() -> None:
    due = milestone(due=D(2026, 2, 10))
    assert one(due, as_of=D(2026, 2, 9))["pending"] == "not yet due"
    on_the_day = one(due, as_of=D(2026, 2, 10))  # as_of is read at the end of its day
    assert (on_the_day["score"], on_the_day["band"], on_the_day["status"]) == (
        0.0,
        "red",
        "off track",
    )
    assert on_the_day["pending"] is None
    assert one(due, as_of=D(2026, 2, 11))["score"] == 0.0
    # done on the due date itself counts
    assert one(due, [ci("2026-02-10", done=True)], as_of=D(2026, 2, 10))["score"] == 1.0
    assert one(due, [ci("2026-02-12", done=True)], as_of=D(2026, 2, 20))["score"] == 1.0
    # without a due date it is due on the cycle's last day
    assert one(milestone(), as_of=END_Q1)["score"] == 0.0
    assert one(milestone(done=True))["score"] == 1.0


def test_milestone_through_the_cli(capsys: Any, tmp_path: Path) -> None:
    text = """
cycle: 2026-Q1
objectives:
  - id: O1
    title: Launch the new site
    key_results:
      - {id: K1, title: Version 2.0 live, type: milestone, due: 2026-03-02}
      - {id: K2, title: Old site retired, type: milestone, due: 2026-02-01}
      - {id: K3, title: Press release out, type: milestone, confidence: 8}
      - {id: K4, title: Visitors 0 to 100, start: 0, target: 100, current: 50}
"""
    got = scored_cli(capsys, tmp_path, text, "2026-02-14")
    assert (got["K1"]["score"], got["K1"]["status"]) == (None, "not yet due")
    assert (got["K2"]["score"], got["K2"]["status"]) == (0.0, "off track")
    assert (got["K3"]["pending"], got["K3"]["status"]) == ("not yet due", "on track")
    o1 = got["objectives"]["O1"]
    assert o1["scored"] == 2 and o1["score"] == pytest.approx(0.25)
    lines = table_cli(capsys, tmp_path, text, "2026-02-14")
    assert "not yet due" in lines["K1"] and "red" not in lines["K1"]
    assert "from 2 of 4 key results" in lines["O1"]


# --- ordinal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "expected"), [("fail", 0.0), ("commit", 0.3), ("target", 0.7), ("stretch", 1.0)]
)
def test_ordinal_scores_its_zone(zone: str, expected: float) -> None:
    assert one(ordinal(zone))["score"] == expected
    row = one(ordinal("fail"), [ci("2026-02-01", zone=zone)])  # the check-in wins
    assert (row["score"], row["zone"]) == (expected, zone)


def test_ordinal_latest_checkin_up_to_as_of_and_status_against_pace() -> None:
    checkins = [ci("2026-01-10", zone="commit"), ci("2026-02-10", zone="target")]
    checkins.append(ci("2026-03-01", zone="stretch"))  # after as_of
    row = one(ordinal(), checkins)
    assert (row["score"], row["status"]) == (0.7, "on track")  # pace 0.5
    early = one(ordinal(), [ci("2026-01-10", zone="commit")], as_of=MID_Q1)
    assert (early["score"], early["status"]) == (0.3, "at risk")  # 0.3 of a 0.5 pace
    late = one(ordinal("commit"), as_of=END_Q1)
    assert (late["band"], late["status"]) == ("red", "off track")


def test_ordinal_zone_scores_are_configurable_and_checked() -> None:
    config = ScoringConfig(zone_scores={"commit": 0.5, "target": 0.8})
    assert one(ordinal("commit"), config=config)["score"] == 0.5
    assert dict(config.zone_scores) == {"fail": 0.0, "commit": 0.5, "target": 0.8, "stretch": 1.0}
    with pytest.raises(ValueError, match="rise from fail to stretch"):
        ScoringConfig(zone_scores={"commit": 0.8, "target": 0.7})
    with pytest.raises(ValueError, match="rise from fail to stretch"):
        ScoringConfig(zone_scores={"stretch": 1.5})
    with pytest.raises(ValueError, match=r"unknown level.*sandbag"):
        ScoringConfig(zone_scores={"sandbag": 0.1})


def test_ordinal_through_the_cli(capsys: Any, tmp_path: Path) -> None:
    text = """
cycle: 2026-Q1
objectives:
  - id: O1
    title: Make onboarding effortless
    key_results:
      - id: K1
        title: New users onboard themselves
        type: ordinal
        commit_zone: a written guide exists
        target_zone: half the new users finish it alone
        stretch_zone: nobody asks support
        zone: commit
checkins:
  - {key_result: K1, date: 2026-02-01, zone: target}
"""
    got = scored_cli(capsys, tmp_path, text, "2026-02-14")
    assert (got["K1"]["value"], got["K1"]["score"], got["K1"]["band"]) == ("target", 0.7, "green")


# --- bounds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bound", "target", "value", "expected"),
    [
        ("at_least", 42, 45, 1.0),  # passing the target
        ("at_least", 42, 42, 1.0),  # reaching it
        ("at_least", 42, 21, 0.5),  # the share of the target
        ("at_least", 42, -10, 0.0),  # negative: no share
        ("at_least", -5, -10, 0.0),  # a negative target: no share either
        ("at_most", 2.0, 1.5, 1.0),
        ("at_most", 2.0, 4.0, 0.5),
        ("at_most", 2.0, 0.0, 1.0),
    ],
)
def test_bound_without_a_start_scores_the_share_of_the_target(
    bound: str, target: float, value: float, expected: float
) -> None:
    kr = KeyResult(id="K", title="NPS of 42 or higher", target=target, bound=bound)
    row = one(kr, [ci("2026-02-01", value=value)])
    assert row["score"] == pytest.approx(expected)
    assert one(KeyResult(id="K", title="t", target=target, bound=bound, current=value))[
        "score"
    ] == pytest.approx(expected)
    assert one(kr)["pending"] == "no data"  # no baseline is invented


def test_bound_with_a_start_uses_the_linear_rule() -> None:
    kr = KeyResult(id="K", title="Rating 4.0 to 4.6 or more", start=4.0, target=4.6)
    bound = KeyResult(id="K", title="Rating 4.6 or more", start=4.0, target=4.6, bound="at_least")
    for value in (4.3, 4.6, 5.0, 3.0):
        assert one(bound, [ci("2026-02-01", value=value)])["score"] == pytest.approx(
            one(kr, [ci("2026-02-01", value=value)])["score"]
        )
    # a start already past an at-least target: met or not is what counts
    past = KeyResult(id="K", title="t", start=50, target=42, bound="at_least")
    assert one(past, [ci("2026-02-01", value=40)])["score"] == pytest.approx(40 / 42)
    assert one(past, [ci("2026-02-01", value=43)])["score"] == 1.0


def test_bound_through_the_cli(capsys: Any, tmp_path: Path) -> None:
    text = """
cycle: 2026-Q1
objectives:
  - id: O1
    title: Delight our customers
    key_results:
      - {id: K1, title: NPS of 42 or higher, bound: at_least, target: 42}
      - {id: K2, title: Churn at most 2 %, bound: at_most, target: 2, unit: "%"}
checkins:
  - {key_result: K1, date: 2026-02-01, value: 21}
  - {key_result: K2, date: 2026-02-01, value: 1.8}
"""
    got = scored_cli(capsys, tmp_path, text, "2026-02-14")
    assert (got["K1"]["score"], got["K1"]["value"]) == (0.5, 21.0)
    assert (got["K2"]["score"], got["K2"]["status"]) == (1.0, "on track")


# --- rates per period ---------------------------------------------------------------------------


def rate(per: str = "month", **kw: Any) -> KeyResult:
    return KeyResult(id="K", title="10 demos per month", target=10, bound="at_least", per=per, **kw)


MONTHS = [
    ci("2026-01-15", value=4),
    ci("2026-01-31", value=8),  # January: 8 of 10 (the latest of the month wins)
    ci("2026-02-28", value=10),  # February: met
    ci("2026-03-10", value=3),  # March so far: 3, the month is not over
]


def test_rate_is_the_mean_of_the_judged_periods() -> None:
    row = one(rate(), MONTHS, as_of=D(2026, 3, 10))
    assert row["score"] == pytest.approx((0.8 + 1.0) / 2)  # March is not failed mid-month
    assert row["value"] == 3.0
    met = one(rate(), [*MONTHS, ci("2026-03-20", value=12)], as_of=D(2026, 3, 20))
    assert met["score"] == pytest.approx((0.8 + 1.0 + 1.0) / 3)  # a period met counts at once
    end = one(rate(), MONTHS, as_of=END_Q1)
    assert end["score"] == pytest.approx((0.8 + 1.0 + 0.3) / 3)
    assert one(rate(), MONTHS, as_of=D(2026, 2, 27))["score"] == pytest.approx(0.8)


def test_rate_a_period_without_a_reading_is_not_judged() -> None:
    row = one(rate(), [ci("2026-01-20", value=5), ci("2026-03-05", value=10)], as_of=END_Q1)
    assert row["score"] == pytest.approx((0.5 + 1.0) / 2)


def test_rate_in_its_first_period_is_paced_by_the_period() -> None:
    row = one(rate(), [ci("2026-01-05", value=3)], as_of=D(2026, 1, 20))
    assert row["score"] == pytest.approx(0.3)
    # 20 of January's 31 days: pace 0.65, so 0.3 is off track (against the cycle it would be on)
    assert row["status"] == "off track"
    assert one(rate(), [ci("2026-01-05", value=3)], as_of=D(2026, 1, 5))["status"] == "on track"


def test_rate_per_iso_week_and_quarter() -> None:
    # 2026-01-01 is a Thursday: the first week runs Thu 1 to Sun 4, the next from Mon 5
    weeks = [ci("2026-01-02", value=5), ci("2026-01-04", value=10), ci("2026-01-05", value=2)]
    assert one(rate("week"), weeks, as_of=D(2026, 1, 11))["score"] == pytest.approx(0.6)
    assert one(rate("week"), weeks, as_of=D(2026, 1, 6))["score"] == pytest.approx(1.0)
    quarter = one(rate("quarter"), [ci("2026-02-01", value=5)], as_of=MID_Q1)
    assert quarter["score"] == pytest.approx(0.5)


def test_rate_with_a_start_and_without_data() -> None:
    linear = KeyResult(id="K", title="Calls 0 to 20 a week", start=0, target=20, per="week")
    assert one(linear, [ci("2026-01-07", value=15)], as_of=D(2026, 1, 31))["score"] == 0.75
    row = one(rate())
    assert (row["status"], row["pending"]) == ("no data", "no data")
    assert one(rate(current=5), as_of=D(2026, 1, 20))["score"] == pytest.approx(0.5)


def test_rate_through_the_cli(capsys: Any, tmp_path: Path) -> None:
    text = """
cycle: 2026-Q1
objectives:
  - id: O1
    title: More quality time with the family
    key_results:
      - {id: K1, title: Home for dinner by 18:00 twenty evenings a month, target: 20,
         bound: at_least, per: month}
checkins:
  - {key_result: K1, date: 2026-01-31, value: 16}
  - {key_result: K1, date: 2026-02-27, value: 20}
  - {key_result: K1, date: 2026-03-09, value: 4}
"""
    got = scored_cli(capsys, tmp_path, text, "2026-03-10")
    assert got["K1"]["score"] == pytest.approx(0.9)
    assert got["K1"]["status"] == "on track"


# --- objectives ---------------------------------------------------------------------------------


def test_objective_is_scored_from_the_key_results_that_have_a_score() -> None:
    okrs = OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="T",
                key_results=[
                    KeyResult(id="A", title="a", start=0, target=10, current=6, weight=2),
                    KeyResult(id="B", title="b", type="qualitative", grade=0.3),
                    KeyResult(id="C", title="c", type="milestone"),  # not yet due
                    KeyResult(id="E", title="e", start=0, target=10),  # no data
                ],
            ),
            Objective(
                id="O2", title="U", key_results=[KeyResult(id="F", title="f", type="qualitative")]
            ),
        ],
    )
    s = score(okrs, MID_Q1)
    o = s.objectives.set_index("id")
    assert o.loc["O1", "score"] == pytest.approx((2 * 0.6 + 0.3) / 3)
    assert (o.loc["O1", "key_results"], o.loc["O1", "scored"]) == (4, 2)
    assert math.isnan(o.loc["O2", "score"]) and o.loc["O2", "status"] == "no data"
    assert pd.isna(o.loc["O2", "band"]) and pd.isna(o.loc["O2", "expectation"])
    html = score_table(s).to_html()
    assert "from 2 of 4 key results" in html and "no data" in html and "not yet due" in html
    shown = score_table(s).data.set_index("id")
    assert shown.loc["E", "status"] == "no data" and pd.isna(shown.loc["E", "band"])


def test_pending_column_and_shown_figures_agree_with_bands() -> None:
    checkins = [ci("2026-02-01", value=39.8)]
    row = one(KeyResult(id="K", title="k", start=0, target=100), checkins)
    assert f"{row['score']:.2f}" == "0.40" and row["band"] == "yellow"  # never "0.40 red"
    s = score(
        OkrSet(
            cycle="2026-Q1",
            objectives=[Objective(id="O", title="T", key_results=[milestone()])],
        ),
        MID_Q1,
    )
    assert s.key_results["pending"].tolist() == ["not yet due"]
    assert np.isnan(s.objectives["forecast"].to_numpy()).all()


# --- reports ------------------------------------------------------------------------------------


def _mixed() -> OkrSet:
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="Launch",
                owner="Ana",
                key_results=[
                    KeyResult(id="K1", title="Visitors", start=0, target=100, current=50),
                    KeyResult(id="K2", title="Live", type="milestone"),
                    KeyResult(id="K3", title="Debugged", type="qualitative"),
                    ordinal("target"),
                ],
            )
        ],
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["no data", "not yet due", "from 2 of 4 key results", "target"]),
        ("sv", ["inga data", "inte förfallen än", "utifrån 2 av 4 nyckelresultat", "mål"]),
    ],
)
def test_reports_say_no_data_and_not_yet_due(lang: str, words: list[str], tmp_path: Path) -> None:
    report = build_report(_mixed(), as_of=MID_Q1, lang=lang, picture=False)
    krs = report.key_results.set_index("id")
    assert krs.loc["K3", "status"] == "no data" and pd.isna(krs.loc["K3", "band"])
    html = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    markdown = report.to_markdown(tmp_path / "r.md").read_text(encoding="utf-8")
    for text in (html, markdown):
        for word in words:
            assert word in text, word
    k3 = next(line for line in markdown.splitlines() if line.startswith("| K3 "))
    assert "0,00" not in k3 and "0.00" not in k3


def test_report_through_the_cli(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text(
        """
cycle: 2026-Q1
objectives:
  - id: O1
    title: Launch
    key_results:
      - {id: K1, title: Visitors 0 to 100, start: 0, target: 100, current: 50}
      - {id: K2, title: Version 2.0 live, type: milestone}
""",
        encoding="utf-8",
    )
    out = tmp_path / "r.md"
    code, _, err = run(capsys, "report", path, "-o", out, "--as-of", "2026-02-14", "--lang", "sv")
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "inte förfallen än" in text and "utifrån 1 av 2 nyckelresultat" in text

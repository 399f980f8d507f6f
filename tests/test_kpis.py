"""KPI health rules: the four parts of a KPI, and on track / at risk / off track."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from okrkit.kpis import KPI_PARTS, kpi_missing_parts, kpi_status

# --- kpi_status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "current", "direction", "expected"),
    [
        (20, 20, "up", "on track"),  # reached exactly
        (20, 25, "up", "on track"),
        (20, 18, "up", "at risk"),  # 10 % short: still at risk
        (20, 19, "up", "at risk"),
        (20, 17.9, "up", "off track"),
        (20, 6, "up", "off track"),
        (3.7, 3.7, "down", "on track"),
        (3.7, 3.5, "down", "on track"),
        (3.7, 4.0, "down", "at risk"),  # 0.3 above, within 0.37
        (3.7, 4.2, "down", "off track"),
        (0, 0, "down", "on track"),  # a zero target: only reaching it is on track
        (0, 0.1, "down", "off track"),
        (-5, -4.6, "up", "on track"),  # negative targets work the same way
        (-5, -5.4, "up", "at risk"),  # the tolerance is 10 % of |target|
        (20, None, "up", None),  # no current value: no status
        (None, 12, "up", None),  # no target: no status
    ],
)
def test_kpi_status(target: Any, current: Any, direction: str, expected: str | None) -> None:
    kpis = pd.DataFrame({"target": [target], "current": [current], "direction": [direction]})
    assert kpi_status(kpis).tolist() == [expected]


def test_kpi_status_keeps_the_index_and_takes_a_tolerance() -> None:
    kpis = pd.DataFrame(
        {"target": [100.0, 100.0], "current": [80.0, 96.0], "direction": ["up", "up"]},
        index=["a", "b"],
    )
    assert kpi_status(kpis).to_dict() == {"a": "off track", "b": "at risk"}
    assert kpi_status(kpis, tolerance=0.25).to_dict() == {"a": "at risk", "b": "at risk"}


# --- kpi_missing_parts -----------------------------------------------------------------------


def parts_frame(**overrides: Any) -> pd.DataFrame:
    row = {"target": 20.0, "timeframe": "2026-Q1", "data_source": "CRM", "frequency": "weekly"}
    return pd.DataFrame([row | overrides])


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({}, ()),
        ({"target": math.nan}, ("target",)),
        ({"timeframe": ""}, ("timeframe",)),
        ({"data_source": "   "}, ("data_source",)),
        ({"frequency": None}, ("frequency",)),
        ({"target": None, "frequency": ""}, ("target", "frequency")),
    ],
)
def test_kpi_missing_parts(overrides: dict[str, Any], missing: tuple[str, ...]) -> None:
    assert kpi_missing_parts(parts_frame(**overrides)).tolist() == [missing]


def test_okr401_reports_exactly_the_missing_parts() -> None:
    from okrkit import KPI, OkrSet
    from okrkit.checks import check_set

    assert KPI_PARTS == ("target", "timeframe", "data_source", "frequency")
    okrs = OkrSet(
        cycle="2026-Q1",
        kpis=[
            KPI(id="P1", name="Leads", target=20, timeframe="  ", frequency="weekly"),
            KPI(
                id="P2",
                name="NPS",
                target=42,
                timeframe="Q1",
                data_source="Survey",
                frequency="monthly",
            ),
        ],
    )
    found = [f for f in check_set(okrs, as_of="2026-02-01") if f.code == "OKR401"]
    assert [f.item for f in found] == ["P1"]
    assert "timeframe, data_source" in found[0].message  # spaces only count as missing

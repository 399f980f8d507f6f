"""The KPI board and its rules: the four parts of a KPI, and on track / at risk / off track."""

from __future__ import annotations

import html
import logging
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from okrkit import KPI, OkrSet, check_set, load_template
from okrkit.store import Store
from okrkit.ui import kpi_board
from okrkit.ui.i18n import COMMON
from okrkit.ui.kpis import TEXT, KpiBoard, kpi_missing_parts, kpi_status

CYCLE = "2026-Q1"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "okrkit.db") as s:
        s.import_set(load_template("marketing", CYCLE))
        yield s


def add_kpis(store: Store, *kpis: KPI) -> None:
    store.import_set(OkrSet(cycle=CYCLE, kpis=kpis))


def text(value: str) -> str:
    """HTML as the reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def row_html(board: KpiBoard, ident: str) -> str:
    """The table row of one KPI."""
    rows = re.findall(r"<tr style='border-top[^>]*>.*?</tr>", board.table.value)
    (found,) = [r for r in rows if f"<b>{ident}</b>" in r]
    return found


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


def test_missing_parts_agree_with_the_okr401_check(store: Store) -> None:
    add_kpis(
        store,
        KPI(id="P1", name="Churn", target=2.0, data_source="Billing", current=2.5),
        KPI(id="P2", name="NPS", timeframe="2026", frequency="monthly", direction="up"),
    )
    frames = store.frames(CYCLE)
    by_board = {
        ident: parts
        for ident, parts in zip(frames.kpis["id"], kpi_missing_parts(frames.kpis), strict=True)
        if parts
    }
    by_check = {
        f.item: tuple(p.strip() for p in f.message.split(" lacks ")[1].split(";")[0].split(","))
        for f in check_set(store.load(CYCLE), lang="en")
        if f.code == "OKR401"
    }
    assert (
        by_board
        == by_check
        == {
            "P1": ("timeframe", "frequency"),
            "P2": ("target", "data_source"),
        }
    )


# --- the board -------------------------------------------------------------------------------


def test_one_row_per_kpi_with_its_parts_value_and_status(store: Store) -> None:
    board = kpi_board(store, cycle=CYCLE)
    assert board.rows["id"].tolist() == ["MKT-KPI-1", "MKT-KPI-2", "MKT-KPI-3"]
    # 6 of 20 leads, 4.20 against 3.70 (down), 420,000 of 1,000,000 visitors.
    assert board.rows["status"].tolist() == ["off track"] * 3
    first = text(row_html(board, "MKT-KPI-1"))
    for part in (
        "New inbound enterprise leads",
        "20 leads",
        "by end of 2026-Q1",
        "CRM (HubSpot)",
        "weekly",
        "6 leads",
        "↑ higher is better",
        "off track",
    ):
        assert part in first
    assert "↓ lower is better" in text(row_html(board, "MKT-KPI-2"))
    assert text(board.summary.value) == (
        "3 KPIs: 0 on track, 0 at risk, 3 off track, 0 incomplete."
    )


def test_the_board_lists_the_key_results_each_kpi_measures(store: Store) -> None:
    board = kpi_board(store, cycle=CYCLE)
    assert board.rows.set_index("id").loc["MKT-KPI-3", "measures"] == ("MKT-1-KR1", "MKT-1-KR4")
    third = text(row_html(board, "MKT-KPI-3"))
    assert "MKT-1-KR1 Reach 1 million site visitors in the quarter (from 420,000) (0, red)" in third
    assert "MKT-1-KR4 Keep paid share of site traffic below 35 % (1, green)" in third


def test_a_missing_part_is_flagged(store: Store) -> None:
    add_kpis(
        store,
        KPI(id="P1", name="Churn", target=2.0, timeframe="Q1", current=2.1, direction="down"),
    )
    board = kpi_board(store, cycle=CYCLE)
    assert board.rows.set_index("id").loc["P1", "missing"] == ("data_source", "frequency")
    row = row_html(board, "P1")
    assert row.count("⚠ missing") == 2
    assert "OKR401: lacks data source, frequency." in text(row)
    assert "at risk" in text(row)  # 2.1 against 2.0 (down): within 10 %
    assert "1 at risk" in text(board.summary.value)
    assert "1 incomplete" in text(board.summary.value)


def test_a_kpi_without_a_target_has_no_status(store: Store) -> None:
    add_kpis(store, KPI(id="P1", name="Churn", timeframe="Q1", data_source="x", frequency="daily"))
    board = kpi_board(store, cycle=CYCLE)
    assert board.rows.set_index("id").loc["P1", "status"] is None
    assert "no status: needs a target and a current value" in text(row_html(board, "P1"))


def test_refresh_reads_the_store_again(store: Store, tmp_path: Path) -> None:
    board = kpi_board(store, cycle=CYCLE)
    with Store(tmp_path / "okrkit.db") as other:  # another kernel adds a KPI
        add_kpis(other, KPI(id="P1", name="Uptime", target=99.9, current=99.95))
    assert "P1" not in board.rows["id"].tolist()
    board.refresh_button.click()
    assert board.rows["id"].tolist()[-1] == "P1"
    assert board.rows.set_index("id").loc["P1", "status"] == "on track"


def test_a_cycle_without_kpis_says_so(store: Store) -> None:
    store.import_set(OkrSet(cycle="2026-Q2"))
    board = kpi_board(store, cycle="2026-Q2")
    assert board.rows.empty
    assert text(board.summary.value) == "Cycle 2026-Q2 has no KPIs yet."


def test_swedish_labels(store: Store) -> None:
    board = kpi_board(store, cycle=CYCLE, lang="sv")
    shown = text(board.table.value)
    for label in ("Nyckeltal", "Tidsram", "Datakälla", "Frekvens", "veckovis", "på fel spår"):
        assert label in shown
    assert "↓ lägre är bättre" in shown
    assert board.refresh_button.description == "Uppdatera"
    assert text(board.summary.value).startswith("3 nyckeltal: 0 på rätt spår")


def test_text_tables_have_the_same_keys_in_both_languages() -> None:
    assert set(TEXT["en"]) == set(TEXT["sv"])


def test_user_text_is_escaped(store: Store) -> None:
    evil = "<script>alert(1)</script>"
    add_kpis(store, KPI(id="P1", name=evil, data_source=evil, owner=evil, unit="<b>"))
    board = kpi_board(store, cycle=CYCLE)
    shown = board.table.value + board.summary.value
    assert "<script" not in shown
    assert shown.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # name, source, owner
    assert "– &lt;b&gt;" in shown  # the unit beside the missing current value


def test_an_unexpected_error_shows_the_generic_message(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    board = kpi_board(store, cycle=CYCLE)
    before = board.table.value

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "frames", broken)
    with caplog.at_level(logging.ERROR, logger="okrkit.ui"):
        board.refresh_button.click()  # does not raise
    assert text(board.status.value) == COMMON["en"]["unexpected"]
    assert board.table.value == before
    assert "boom" in caplog.text

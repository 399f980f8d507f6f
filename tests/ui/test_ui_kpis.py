"""The KPI board: its rows, flags and status as the user sees them (rules: test_kpis.py)."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from okrkit import KPI, CheckIn, OkrSet, check_set, load_template, score
from okrkit.kpis import kpi_missing_parts
from okrkit.store import Store
from okrkit.text import format_number, texts
from okrkit.ui import kpi_board
from okrkit.ui.kpis import KpiBoard

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
    scores = score(store.frames(CYCLE), board.model.as_of).key_results.set_index("id")
    for ident, title in (
        ("MKT-1-KR1", "Reach 1 million site visitors in the quarter (from 420,000)"),
        ("MKT-1-KR4", "Keep paid share of site traffic below 35 %"),
    ):
        kr = scores.loc[ident]
        band = kr["band"] if isinstance(kr["band"], str) else "–"
        assert f"{ident} {title} ({format_number(kr['score'])}, {band})" in third


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
    assert set(texts("ui.kpis", "en")) == set(texts("ui.kpis", "sv"))


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
    assert text(board.status.value) == texts("common", "en")["unexpected"]
    assert board.table.value == before
    assert "boom" in caplog.text


def test_refresh_reads_once_and_sends_nothing_when_nothing_changed(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = kpi_board(store, cycle=CYCLE)
    reads: list[str] = []
    sent: list[str] = []
    frames = store.frames
    monkeypatch.setattr(store, "frames", lambda *a, **k: reads.append("frames") or frames(*a, **k))
    board.table.observe(lambda change: sent.append("table"), names="value")
    board.summary.observe(lambda change: sent.append("summary"), names="value")
    board.refresh_button.click()
    assert reads == ["frames"] and sent == []  # the same board: nothing changes in the browser
    with Store(tmp_path / "okrkit.db") as other:  # another kernel checks in on a measured KR
        other.add_checkin(CheckIn(key_result="MKT-2-KR1", date="2026-02-10", value=400))
    board.refresh_button.click()
    assert reads == ["frames", "frames"] and sent == ["table"]
    scores = score(store.frames(CYCLE), dt.date.today()).key_results.set_index("id")
    shown = format_number(scores.loc["MKT-2-KR1", "score"])
    assert f"MKT-2-KR1 {store.load(CYCLE).key_result('MKT-2-KR1').title} ({shown}" in text(
        row_html(board, "MKT-KPI-1")
    )


# --- baseline, expected by now, time-aware status --------------------------------------------


PACED = (
    KPI(id="P1", name="NPS", baseline=30, target=42, current=37, timeframe=CYCLE,
        data_source="Survey", frequency="Per projekt"),
    KPI(id="P2", name="Churn", baseline=8, target=5, current=7.5, timeframe="kvartal",
        data_source="Billing", frequency="Löpande", direction="down", unit="%"),
    KPI(id="P3", name="Uptime", target=99.9, current=99.95, timeframe="ongoing",
        data_source="Status page", frequency="ongoing"),
)  # fmt: skip


def test_the_board_shows_baseline_expected_value_and_time_aware_status(store: Store) -> None:
    add_kpis(store, *PACED)
    board = kpi_board(store, cycle=CYCLE, as_of=dt.date(2026, 2, 14))
    rows = board.rows.set_index("id")
    assert rows.loc["P1", "baseline"] == 30.0 and rows.loc["P1", "expected"] == 36.0
    assert rows.loc[["P1", "P2", "P3"], "status"].tolist() == ["on track", "off track", "on track"]
    assert rows.loc[["P1", "P2", "P3"], "rule"].tolist() == ["pace", "pace", "level"]
    first = text(row_html(board, "P1"))
    assert "30 37 36 50 % of 2026-Q1 passed on 14 Feb 2026" in first
    assert "per project" in first
    second = text(row_html(board, "P2"))
    assert "8 % 7.5 % 6.5 % 50 % of 2026-Q1 passed" in second and "ongoing" in second
    third = text(row_html(board, "P3"))
    assert "no pace: the target is a level to hold" in third
    assert "Baseline" in text(board.table.value) and "Expected by now" in text(board.table.value)


def test_the_status_moves_with_the_as_of_date(store: Store) -> None:
    add_kpis(store, *PACED)
    early = kpi_board(store, cycle=CYCLE, as_of=dt.date(2026, 1, 10)).rows.set_index("id")
    late = kpi_board(store, cycle=CYCLE).rows.set_index("id")  # the cycle has ended
    assert (early.loc["P1", "status"], late.loc["P1", "status"]) == ("on track", "off track")
    assert late.loc["P1", "expected"] == 42.0


def test_swedish_labels_of_the_new_columns_and_frequencies(store: Store) -> None:
    add_kpis(store, *PACED)
    board = kpi_board(store, cycle=CYCLE, as_of=dt.date(2026, 2, 14), lang="sv")
    shown = text(board.table.value)
    for label in ("Utgångsläge", "Förväntat nu", "per projekt", "löpande", "50 % av 2026-Q1"):
        assert label in shown
    assert "36 50 % av 2026-Q1 har gått den 2026-02-14" in text(row_html(board, "P1"))

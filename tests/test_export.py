"""The BI JSON export: every table, scores beside the fields, JSON-safe values."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from okrkit import OkrSet, to_frames
from okrkit.export import SCHEMA_VERSION, to_bi_json, write_bi_json
from okrkit.frames import FRAME_COLUMNS

D = dt.date


def round_trip(doc: dict[str, object]) -> dict[str, object]:
    return json.loads(json.dumps(doc, allow_nan=False))  # type: ignore[no-any-return]


def test_document_shape_and_round_trip(small_set: OkrSet) -> None:
    doc = to_bi_json(small_set, as_of=D(2026, 2, 14))
    assert round_trip(doc) == doc
    assert doc["schema_version"] == SCHEMA_VERSION == 1
    assert doc["as_of"] == "2026-02-14"
    assert doc["cycle"] == {
        "id": "2026-Q1",
        "start": "2026-01-01",
        "end": "2026-03-31",
        "days": 90,
        "elapsed": 0.5,
    }
    assert set(doc) == {
        "schema_version", "as_of", "cycle", "objectives", "key_results", "checkins", "kpis",
        "initiatives",
    }  # fmt: skip
    (o,) = doc["objectives"]
    assert set(FRAME_COLUMNS["objectives"]) | {
        "key_results", "score", "band", "status", "forecast", "expected", "expectation",
    } == set(o)  # fmt: skip
    assert o["key_results"] == ["K1", "K2", "K3", "K4", "K5"]
    assert o["aligns_to"] == [] and o["silence"] == {}
    krs = {k["id"]: k for k in doc["key_results"]}
    assert set(FRAME_COLUMNS["key_results"]) | {
        "value", "score", "band", "status", "forecast", "latest_confidence", "checkins",
        "last_checkin",
    } == set(krs["K1"])  # fmt: skip
    k1 = krs["K1"]
    assert (k1["value"], k1["score"], k1["band"], k1["latest_confidence"]) == (
        40.0,
        0.4,
        "yellow",
        7,
    )
    assert k1["last_checkin"] == "2026-02-14" and k1["checkins"] == 2
    assert k1["confidence"] is None  # none set when planning; NaN becomes null
    assert krs["K3"]["start"] is None and krs["K3"]["done"] is False
    assert krs["K4"]["last_checkin"] == "2026-02-11"
    assert len(doc["checkins"]) == 7
    c = doc["checkins"][0]
    assert (c["date"], c["value"], c["done"], c["grade"]) == ("2026-01-31", 20.0, None, None)
    (kpi,) = doc["kpis"]
    assert kpi["measures"] == ["K1"] and kpi["current"] is None and kpi["kpi_status"] is None
    (ini,) = doc["initiatives"]
    assert ini["supports"] == ["K1", "K3"]


def test_rich_set_keeps_text_and_scores_objectives_without_krs(rich_set: OkrSet) -> None:
    doc = round_trip(to_bi_json(to_frames(rich_set), as_of=D(2026, 3, 1)))
    objectives = {o["id"]: o for o in doc["objectives"]}  # type: ignore[attr-defined]
    assert objectives["MÅL-1"]["aligns_to"] == ["CO-1", "CO-2"]
    assert objectives["MÅL-1"]["kind"] == "aspirational"
    empty = objectives["O-empty"]
    assert (empty["score"], empty["band"], empty["forecast"], empty["expectation"]) == (
        None, None, None, None,
    )  # fmt: skip
    kpi = doc["kpis"][0]  # type: ignore[index]
    assert kpi["kpi_status"] == "off track" and kpi["unit"] == "€"


def test_write_bi_json(small_set: OkrSet, tmp_path: Path) -> None:
    path = write_bi_json(small_set, tmp_path / "okrs.json", as_of=D(2026, 2, 14))
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text
    assert json.loads(text) == to_bi_json(small_set, as_of=D(2026, 2, 14))


def test_the_new_fields_are_in_the_document(tmp_path: Path) -> None:
    """A key result's description, bound, period, due date and levels, a check-in's zone and a
    KPI's baseline are in the document as plain JSON: ISO dates, null when missing."""
    from test_tabular import every_field_set

    okrs = every_field_set(tmp_path)
    doc = round_trip(to_bi_json(okrs, as_of=D(2026, 8, 1)))
    krs = {k["id"]: k for k in doc["key_results"]}  # type: ignore[attr-defined]
    assert krs["PERS-1-KR2"]["due"] == "2026-08-15" and krs["PERS-1-KR1"]["due"] is None
    assert krs["PERS-1-KR2"]["description"] == "Ute senast i mitten av augusti"
    assert (krs["ZUME-1-KR1"]["bound"], krs["PERS-1-KR1"]["per"]) == ("at_least", "month")
    ordinal = krs["ZUME-1-KR3"]
    assert (ordinal["commit_zone"], ordinal["target_zone"], ordinal["stretch_zone"]) == (
        "+4,0 i snitt",
        "4,3 i snitt",
        "@4,6 i snitt",
    )
    assert ordinal["zone"] == "commit"
    checkins = doc["checkins"]
    assert [c["zone"] for c in checkins] == ["target", None]  # type: ignore[index]
    kpi = doc["kpis"][0]  # type: ignore[index]
    assert kpi["baseline"] == 78.5 and kpi["frequency"] == "per_project"
    assert all(set(k) == set(krs["PERS-1-KR2"]) for k in krs.values())  # every key always present

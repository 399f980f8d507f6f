"""The shapes real OKR sets have survive every format and the store: YAML <-> store <-> CSV <->
xlsx lose nothing, through the public API and through the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from testdata import run_cli

from okrkit import Store, load_yaml, save_yaml
from okrkit.io.tabular import load_csv, load_xlsx, write_csv, write_xlsx

SHAPES = """\
cycle: 2026-Q1
objectives:
  - id: CO-1
    title: Delight our customers
    level: company
    key_results:
      - id: CO-1-KR1
        title: NPS of 42 or higher
        type: metric
        bound: at_least
        target: 42
        unit: NPS
        description: Measured by the quarterly survey, all segments.
      - id: CO-1-KR2
        title: Lansera version 2.0 av webbplatsen
        type: milestone
        due: 2026-02-27
  - id: WEB-1
    title: Bygg en högpresterande webbplats
    level: team
    aligns_to: [CO-1-KR2, CO-1]
    key_results:
      - id: WEB-1-KR1
        title: Release cadence of the site
        type: ordinal
        commit_zone: A release every four weeks
        target_zone: A release every two weeks
        stretch_zone: A release every week, without a hotfix
      - id: WEB-1-KR2
        title: Home by 18:00 twenty evenings a month
        type: metric
        per: month
        bound: at_least
        target: 20
        unit: evenings
      - id: WEB-1-KR3
        title: Page load at most 1.5 s
        type: metric
        bound: at_most
        start: 3.2
        target: 1.5
kpis:
  - id: KPI-1
    name: Weekly active teams
    baseline: 120
    target: 200
    timeframe: 2026-Q1
    data_source: Product analytics
    frequency: Löpande
    current: 150
checkins:
  - key_result: WEB-1-KR1
    date: 2026-02-10
    zone: target
    confidence: 7
  - key_result: WEB-1-KR2
    date: 2026-01-31
    value: 17
  - key_result: CO-1-KR1
    date: 2026-02-01
    value: 39
"""


@pytest.fixture
def shapes(tmp_path: Path) -> Path:
    path = tmp_path / "shapes.yaml"
    path.write_text(SHAPES, encoding="utf-8")
    return path


def _fields(okrs: object) -> dict[str, object]:
    """The set as plain fields without store versions and check-in ids (a file written from a
    store carries them), compared field by field for a clear diff."""
    return dataclasses.asdict(_without_versions(okrs))  # type: ignore[call-overload]


def test_the_shapes_load_as_written(shapes: Path) -> None:
    okrs = load_yaml(shapes)
    kr = {k.id: k for _, k in okrs.key_results()}
    assert okrs.objective("WEB-1").aligns_to == ("CO-1-KR2", "CO-1")
    assert kr["CO-1-KR1"].bound == "at_least" and kr["CO-1-KR1"].start is None
    assert kr["CO-1-KR1"].description.startswith("Measured")
    assert kr["CO-1-KR2"].due == dt.date(2026, 2, 27)
    assert kr["WEB-1-KR1"].stretch_zone == "A release every week, without a hotfix"
    assert kr["WEB-1-KR2"].per == "month"
    assert okrs.kpis[0].baseline == 120 and okrs.kpis[0].frequency == "ongoing"
    assert okrs.checkins[0].zone == "target"


def test_yaml_store_csv_xlsx_yaml_lose_nothing(shapes: Path, tmp_path: Path) -> None:
    okrs = load_yaml(shapes)
    store = Store(f"sqlite:///{tmp_path / 's.db'}", create=True)
    store.import_set(okrs)
    stored = store.load("2026-Q1")
    write_csv(stored, tmp_path / "csv")
    from_csv = load_csv(tmp_path / "csv")
    write_xlsx(from_csv, tmp_path / "set.xlsx")
    from_xlsx = load_xlsx(tmp_path / "set.xlsx")
    save_yaml(from_xlsx, tmp_path / "back.yaml")
    back = load_yaml(tmp_path / "back.yaml")
    for other in (stored, from_csv, from_xlsx, back):
        assert _fields(other) == _fields(okrs)


def _without_versions(okrs: object) -> object:
    from okrkit import OkrSet

    assert isinstance(okrs, OkrSet)
    return dataclasses.replace(
        okrs,
        objectives=tuple(
            dataclasses.replace(
                o,
                version=None,
                key_results=tuple(dataclasses.replace(k, version=None) for k in o.key_results),
            )
            for o in okrs.objectives
        ),
        kpis=tuple(dataclasses.replace(k, version=None) for k in okrs.kpis),
        initiatives=tuple(dataclasses.replace(i, version=None) for i in okrs.initiatives),
        checkins=tuple(dataclasses.replace(c, id=None) for c in okrs.checkins),
    )


def test_the_cli_round_trip_loses_nothing(
    shapes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    code, _, err = run_cli(capsys, "--db", db, "import", shapes)
    assert code == 0, err
    for out, fmt in (("out.yaml", "yaml"), ("out.xlsx", "xlsx"), ("outcsv", "csv")):
        code, _, err = run_cli(
            capsys, "--db", db, "export", "-o", tmp_path / out, "-f", fmt, "--cycle", "2026-Q1"
        )
        assert code == 0, err
    original = _fields(load_yaml(shapes))
    assert _fields(load_yaml(tmp_path / "out.yaml")) == original
    assert _fields(load_xlsx(tmp_path / "out.xlsx")) == original
    assert _fields(load_csv(tmp_path / "outcsv")) == original


def test_carrying_the_shapes_over_starts_each_copy_truthfully(shapes: Path) -> None:
    """A carried copy keeps its shape, without the old cycle's readings and dates."""
    from okrkit import carry_over

    with Store("sqlite://") as store:
        store.import_set(load_yaml(shapes))
        carried = carry_over(store, "2026-Q1", "2026-Q2", as_of=dt.date(2026, 3, 31))
    krs = {kr.carried_from: kr for o in carried.objectives for kr in o.key_results}
    assert krs["CO-1-KR2"].due is None and krs["CO-1-KR2"].done is False
    assert krs["WEB-1-KR1"].zone is None
    assert krs["WEB-1-KR1"].stretch_zone == "A release every week, without a hotfix"
    # the last reading of an "at least" target is the copy's baseline; a rate keeps its period
    assert krs["CO-1-KR1"].start == 39 and krs["CO-1-KR1"].bound == "at_least"
    assert krs["WEB-1-KR2"].per == "month"
    # no reading in the cycle: the copy starts where the old one did
    assert krs["WEB-1-KR3"].start == 3.2
    assert krs["CO-1-KR1"].description.startswith("Measured")

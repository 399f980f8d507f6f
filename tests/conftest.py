"""Shared fixtures: OKR sets, a valid YAML file, the templates folder, SQLite/PostgreSQL stores."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pgserver
import pytest
from testdata import TEMPLATE_PATHS, TEMPLATES_DIR, VALID_YAML, line_of

from okrkit import KPI, CheckIn, Cycle, Initiative, KeyResult, Objective, OkrSet, Store
from okrkit.workspace import load_template

__all__ = ["TEMPLATES_DIR", "TEMPLATE_PATHS", "VALID_YAML", "line_of"]


@pytest.fixture
def templates_dir() -> Path:
    """The folder of the starter templates shipped with okrkit."""
    return TEMPLATES_DIR


@pytest.fixture
def valid_yaml() -> str:
    """The text of a small valid OKR file (see :data:`VALID_YAML`)."""
    return VALID_YAML


@pytest.fixture
def small_set() -> OkrSet:
    """One objective with a key result of every type, a KPI, an initiative and check-ins.

    Cycle 2026-Q1 has 90 days; 2026-02-14 is day 45, exactly half of it.
    """
    return OkrSet(
        cycle="2026-Q1",
        objectives=[
            Objective(
                id="O1",
                title="Grow the community",
                owner="Ana",
                key_results=[
                    KeyResult(id="K1", title="Visitors 0 to 100", start=0, target=100, weight=2),
                    KeyResult(id="K2", title="Churn 8 % to 5 %", start=8, target=5, unit="%"),
                    KeyResult(id="K3", title="Launch the forum", type="milestone"),
                    KeyResult(id="K4", title="Members like it", type="qualitative"),
                    KeyResult(
                        id="K5",
                        title="Backlog below 50",
                        type="guardrail",
                        threshold=50,
                        direction="below",
                    ),
                ],
            ),
        ],
        kpis=[
            KPI(
                id="P1",
                name="Inbound leads",
                target=20,
                timeframe="2026-Q1",
                data_source="CRM",
                frequency="weekly",
                measures=["K1"],
            )
        ],
        initiatives=[Initiative(id="I1", title="Spring campaign", supports=["K1", "K3"])],
        checkins=[
            CheckIn(key_result="K1", date="2026-01-31", value=20, confidence=6),
            CheckIn(key_result="K1", date="2026-02-14", value=40, confidence=7),
            CheckIn(key_result="K2", date="2026-02-01", value=7),
            CheckIn(key_result="K3", date="2026-02-10", done=True),
            CheckIn(key_result="K4", date="2026-02-11", grade=0.6),
            CheckIn(key_result="K5", date="2026-01-15", value=40),
            CheckIn(key_result="K5", date="2026-02-01", value=60),
        ],
    )


@pytest.fixture
def rich_set() -> OkrSet:
    """A set that uses the corners of the format, for round trips."""
    cycle = Cycle(id="2026-H1", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    return OkrSet(
        cycle=cycle,
        objectives=[
            Objective(
                id="MÅL-1",
                title="Bli marknadsledare i Sverige — på rätt spår",
                owner="Åsa Öberg",
                level="department",
                kind="aspirational",
                description="Första raden.\nAndra raden med å ä ö.\n\nEfter en tom rad.",
                aligns_to=["CO-1", "CO-2"],
                carried_from="MÅL-0",
                key_results=[
                    KeyResult(
                        id="NR-1",
                        title="Minska churn från 8 % till 5 %",
                        start=8,
                        target=5,
                        current=7.25,
                        unit="%",
                        weight=1.5,
                        owner="Örjan",
                        confidence=4,
                        carried_from="NR-0",
                    ),
                    KeyResult(
                        id="NR-2",
                        title="Håll backloggen under 150 ärenden",
                        type="guardrail",
                        threshold=150,
                        direction="below",
                        current=120,
                        unit="ärenden",
                    ),
                    KeyResult(id="NR-3", title="Kunderna älskar det", type="qualitative"),
                    KeyResult(id="NR-4", title="Lansera appen", type="milestone", done=True),
                    KeyResult(id="NR-5", title="Bedömd kvalitet", type="qualitative", grade=0.35),
                ],
            ),
            Objective(id="O-empty", title="An objective without key results", level="company"),
        ],
        kpis=[
            KPI(
                id="NYCKELTAL-1",
                name="Kostnad per lead",
                target=0.5,
                timeframe="2026-H1",
                data_source="Hubspot",
                frequency="biweekly",
                current=1.25,
                direction="down",
                unit="€",
                owner="Åsa",
                measures=["NR-1", "NR-2"],
            )
        ],
        initiatives=[
            Initiative(
                id="IN-1",
                title="Kampanj på svenska",
                state="in_progress",
                link="https://example.com/å",
                supports=["NR-1"],
            )
        ],
        checkins=[
            CheckIn(
                key_result="NR-1",
                date="2026-02-01",
                value=7.5,
                confidence=5,
                note="Bra vecka.\nMen två kunder lämnade.",
                author="Örjan",
            ),
            CheckIn(key_result="NR-2", date="2026-02-01", value=130),
            CheckIn(key_result="NR-3", date="2026-03-01", grade=0.25, note="första bedömningen"),
            CheckIn(key_result="NR-4", date="2026-03-02", done=True),
        ],
    )


# --- a seeded SQLite store, and stores on SQLite and PostgreSQL --------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server]:
    """A PostgreSQL server for the session; skipped with the reason (failed under CI=true)."""
    try:
        server = pgserver.start()
    except pgserver.Unavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests cannot run under CI: {exc}", pytrace=False)
        pytest.skip(f"{exc}; enable the PostgreSQL tests with: {pgserver.ENABLE}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: pgserver.Server) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    name = pg_server.new_database()
    try:
        yield pg_server.url_of(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, empty store database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'okrkit.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file seeded with the company and marketing templates, made once per module."""
    path = tmp_path_factory.mktemp("seeded") / "okrkit.db"
    with Store(path) as s:
        s.import_set(load_template("company"))
        s.import_set(load_template("marketing"))
        s.checkpoint()
    return path


@pytest.fixture
def db(tmp_path: Path, seeded: Path) -> Path:
    """A copy of :func:`seeded` for one test to change."""
    path = tmp_path / "okrkit.db"
    shutil.copyfile(seeded, path)
    return path

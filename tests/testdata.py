"""Test data shared by several test modules: the templates, a valid YAML file, raw SQL.

A module of its own (not ``conftest``) so that every test module imports the same one, whatever
other ``conftest.py`` files pytest has loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_PATHS = sorted(TEMPLATES_DIR.glob("*.yaml"))

#: A valid OKR file that uses every kind of record and every key result type. Tests edit one
#: line of it (``str.replace``) and check that the error points at the right line and field.
VALID_YAML = """\
cycle: 2026-Q1
objectives:
  - id: O1
    title: Grow the community
    owner: Ana
    level: team
    kind: committed
    key_results:
      - id: K1
        title: Visitors from 0 to 100
        type: metric
        start: 0
        target: 100
        weight: 1
      - id: K2
        title: Launch the forum
        type: milestone
        done: false
      - id: K3
        title: Members find the forum useful
        type: qualitative
        grade: 0.5
      - id: K4
        title: Keep uptime above 99 %
        type: guardrail
        threshold: 99
        direction: above
kpis:
  - id: P1
    name: Inbound leads
    target: 20
    timeframe: 2026-Q1
    data_source: CRM
    frequency: weekly
    measures: [K1]
initiatives:
  - id: I1
    title: Spring campaign
    supports: [K1]
checkins:
  - key_result: K1
    date: 2026-02-03
    value: 10
    confidence: 7
"""


def line_of(text: str, line: str) -> int:
    """The 1-based number of the one line of ``text`` that equals ``line``."""
    numbers = [i for i, ln in enumerate(text.splitlines(), start=1) if ln == line]
    assert len(numbers) == 1, f"{line!r} is not exactly once in the text"
    return numbers[0]


def run_sql(url: str, *statements: str) -> list[tuple[Any, ...]]:
    """Run raw SQL on a store's database, as another tool would; the last query's rows."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    rows: list[tuple[Any, ...]] = []
    try:
        with engine.begin() as conn:
            for statement in statements:
                result = conn.exec_driver_sql(statement)
                rows = [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        engine.dispose()
    return rows

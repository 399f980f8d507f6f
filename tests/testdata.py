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


def run_cli(capsys: Any, *args: object) -> tuple[int, str, str]:
    """Run ``okrkit ARGS`` in-process: (exit code, stdout, stderr); never a traceback."""
    from okrkit.cli import main

    capsys.readouterr()
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse refusing the command line
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


_OPENER = """
import sys, time
from pathlib import Path
from okrkit import Store

url, go, report = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
with Store(url) as store:
    print(len(store.cycles()) if report == "cycles" else len(store.history(report)), flush=True)
"""


def open_together(
    url: str, folder: Path, processes: int, report: str
) -> list[tuple[int, str, str]]:
    """Open the store at ``url`` in several processes at the same moment.

    Every process imports okrkit first and waits for the others; then all open the store and
    print ``report``: ``"cycles"`` for how many cycles, else the number of revisions of the
    object with that id. Returns each process's (exit code, stdout, stderr).
    """
    import os
    import subprocess
    import sys

    go = folder / "go"
    env = {**os.environ, "PYTHONPATH": str(TEMPLATES_DIR.parent)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, url, str(go), report],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(processes)
    ]
    try:
        for p in procs:
            assert p.stdout is not None
            line = p.stdout.readline()
            assert line == "ready\n", p.stderr.read() if p.stderr else line
        go.touch()
        outputs = [p.communicate(timeout=120) for p in procs]
        return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()

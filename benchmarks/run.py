"""How fast okrkit is on a large organisation, against a plain Python loop and the bare floor.

Run from the repository root::

    .venv/bin/python benchmarks/run.py                                 # 1k, 10k and 100k objectives
    .venv/bin/python benchmarks/run.py --sizes 1000 --out /tmp/r.md    # a quick look

For each size N the synthetic organisation of :mod:`okrkit.demo_org` (about 4 key results per
objective, 12 weekly check-ins per key result) is generated once; then each operation is timed
three ways in the same run:

- **okrkit**: the public function (``load_yaml``, ``Store.frames``, ``score`` ...);
- **loop**: a straightforward per-object Python loop over the dataclasses that computes the same
  result (okrkit should beat it several times over);
- **floor**: the bare pandas / NumPy / sqlite3 / libyaml operation that does the unavoidable part
  of the work (okrkit should stay within 2-3x of it).

Each time is the best of ``--repeat`` runs (one run at 100k). At 100k the loops, and the YAML
and CSV imports, run on a 10 % slice of the organisation (its first objectives with their key
results and check-ins) and are scaled by 10; the table says so. The
results, with the machine, the load average and the targets met or not, go to ``--out``
(default ``benchmarks/results.md``).
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import gc
import html
import importlib.util
import io
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from okrkit import (  # noqa: E402
    KPI,
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    OkrSet,
    Store,
    load_yaml,
    score,
)
from okrkit.alignment import build_graph, graph_findings, rollup  # noqa: E402
from okrkit.checks import check_set  # noqa: E402
from okrkit.demo_org import demo_org, demo_org_frames  # noqa: E402
from okrkit.frames import Frames  # noqa: E402
from okrkit.io import load_csv, write_csv  # noqa: E402
from okrkit.io.yaml_io import MAX_BYTES, to_plain  # noqa: E402
from okrkit.reports import build_report  # noqa: E402
from okrkit.rules import find_number, normalise_title  # noqa: E402
from okrkit.wording import assess_key_result  # noqa: E402

SAMPLE_FROM = 50_000  # from this size, loops run on a slice and are scaled
SLICE = 10  # the slice is 1/SLICE of the objectives


# --- timing --------------------------------------------------------------------------------------


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The shortest of ``repeat`` runs (garbage collected before each), and the last result."""
    best, out = math.inf, None
    for _ in range(repeat):
        out = None
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


@dataclass
class Row:
    operation: str
    n: int
    okrkit: float | None
    loop: float | None = None
    floor: float | None = None
    notes: list[str] = field(default_factory=list)


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on this platform
        return "n/a"


# --- slices --------------------------------------------------------------------------------------


def slice_set(okrs: OkrSet, objectives: int) -> OkrSet:
    """The first ``objectives`` objectives with their key results, check-ins, KPIs, initiatives."""
    kept = okrs.objectives[:objectives]
    ids = {kr.id for o in kept for kr in o.key_results}
    return OkrSet(
        cycle=okrs.cycle,
        objectives=kept,
        kpis=tuple(k for k in okrs.kpis if set(k.measures) <= ids),
        initiatives=tuple(i for i in okrs.initiatives if set(i.supports) <= ids),
        checkins=tuple(c for c in okrs.checkins if c.key_result in ids),
    )


# --- files ---------------------------------------------------------------------------------------


class _Dumper(yaml.CSafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # okrkit refuses aliases; shared date objects are written out each time


def write_yaml(okrs: OkrSet, path: Path) -> Path:
    """The set as okrkit YAML, written with libyaml (the pure-Python writer takes minutes)."""
    text = yaml.dump(to_plain(okrs), Dumper=_Dumper, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    return path


# --- loops and floors: files ---------------------------------------------------------------------


def _kr(rec: dict[str, Any]) -> KeyResult:
    return KeyResult(**rec)


def loop_yaml(path: Path) -> OkrSet:
    """libyaml into dicts, then one dataclass per record."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    objectives = []
    for rec in data["objectives"]:
        krs = [_kr(k) for k in rec.pop("key_results", [])]
        objectives.append(Objective(**rec, key_results=krs))
    return OkrSet(
        cycle=data["cycle"],
        objectives=objectives,
        kpis=[KPI(**k) for k in data.get("kpis", [])],
        initiatives=[Initiative(**i) for i in data.get("initiatives", [])],
        checkins=[CheckIn(**c) for c in data.get("checkins", [])],
    )


def floor_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


_CSV_NUMBERS = {"weight", "confidence", "start", "target", "current", "grade", "threshold", "value"}


def _csv_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _cell(name: str, value: str) -> Any:
    if value == "":
        return None
    if name in _CSV_NUMBERS:
        number = float(value)
        return int(number) if name == "confidence" else number
    if name in ("done",):
        return value.lower() == "true"
    if name in ("aligns_to", "measures", "supports"):
        return [v.strip() for v in value.split(";") if v.strip()]
    return value


def loop_csv(folder: Path) -> OkrSet:
    """csv.DictReader, then one converted dataclass per row."""

    def records(name: str) -> list[dict[str, Any]]:
        out = []
        for row in _csv_rows(folder / f"{name}.csv"):
            rec = {k: _cell(k, v) for k, v in row.items()}
            out.append({k: v for k, v in rec.items() if v is not None and k != "silence"})
        return out

    cycle = _csv_rows(folder / "cycle.csv")[0]["id"]
    krs: dict[str, list[KeyResult]] = collections.defaultdict(list)
    for rec in records("key_results"):
        krs[rec.pop("objective")].append(KeyResult(**rec))
    objectives = [Objective(**rec, key_results=krs[rec["id"]]) for rec in records("objectives")]
    checkins = []
    for rec in records("checkins"):
        rec.pop("id", None)
        checkins.append(CheckIn(**rec))
    return OkrSet(
        cycle=cycle,
        objectives=objectives,
        kpis=[KPI(**r) for r in records("kpis")],
        initiatives=[Initiative(**r) for r in records("initiatives")],
        checkins=checkins,
    )


def floor_csv(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in folder.glob("*.csv")}


# --- loops and floors: the store -----------------------------------------------------------------

_TABLES = (
    "objectives",
    "alignments",
    "key_results",
    "checkins",
    "kpis",
    "kpi_measures",
    "initiatives",
    "initiative_supports",
)


def schema(db: Path) -> list[str]:
    """The CREATE statements of okrkit's store tables (to replay them for the loop and floor)."""
    with sqlite3.connect(db) as conn:
        return [
            sql
            for (sql,) in conn.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            )
        ]


def _rows(okrs: OkrSet) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """The store rows of a set, per table, as plain tuples (what an INSERT takes)."""
    cycle = okrs.cycle.id
    now = dt.datetime(2026, 1, 1).isoformat(" ")
    out: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    o_cols = [
        "id",
        "cycle",
        "position",
        "title",
        "owner",
        "level",
        "kind",
        "description",
        "carried_from",
        "version",
    ]
    k_cols = [
        "id",
        "objective",
        "position",
        "title",
        "type",
        "weight",
        "owner",
        "confidence",
        "start",
        "target",
        "current",
        "unit",
        "done",
        "grade",
        "threshold",
        "direction",
        "version",
    ]
    c_cols = [
        "key_result",
        "date",
        "value",
        "done",
        "grade",
        "confidence",
        "note",
        "author",
        "state",
        "recorded_at",
    ]
    objectives, links, krs = [], [], []
    for i, o in enumerate(okrs.objectives):
        objectives.append(
            (o.id, cycle, i, o.title, o.owner, o.level, o.kind, o.description, o.carried_from, 1)
        )
        links += [(o.id, p, j) for j, p in enumerate(o.aligns_to)]
        for j, kr in enumerate(o.key_results):
            krs.append(
                (
                    kr.id,
                    o.id,
                    j,
                    kr.title,
                    kr.type,
                    kr.weight,
                    kr.owner,
                    kr.confidence,
                    kr.start,
                    kr.target,
                    kr.current,
                    kr.unit,
                    kr.done,
                    kr.grade,
                    kr.threshold,
                    kr.direction,
                    1,
                )
            )
    checkins = [
        (
            c.key_result,
            c.date.isoformat(),
            c.value,
            c.done,
            c.grade,
            c.confidence,
            c.note,
            c.author,
            "active",
            now,
        )
        for c in okrs.checkins
    ]
    out["objectives"] = (o_cols, objectives)
    out["alignments"] = (["child", "parent", "position"], links)
    out["key_results"] = (k_cols, krs)
    out["checkins"] = (c_cols, checkins)
    out["kpis"] = (
        [
            "id",
            "cycle",
            "position",
            "name",
            "target",
            "timeframe",
            "data_source",
            "frequency",
            "current",
            "direction",
            "unit",
            "owner",
            "version",
        ],
        [
            (
                k.id,
                cycle,
                i,
                k.name,
                k.target,
                k.timeframe,
                k.data_source,
                k.frequency,
                k.current,
                k.direction,
                k.unit,
                k.owner,
                1,
            )
            for i, k in enumerate(okrs.kpis)
        ],
    )
    out["kpi_measures"] = (
        ["kpi", "key_result", "position"],
        [(k.id, m, j) for k in okrs.kpis for j, m in enumerate(k.measures)],
    )
    out["initiatives"] = (
        ["id", "cycle", "position", "title", "owner", "state", "link", "version"],
        [
            (x.id, cycle, i, x.title, x.owner, x.state, x.link, 1)
            for i, x in enumerate(okrs.initiatives)
        ],
    )
    out["initiative_supports"] = (
        ["initiative", "key_result", "position"],
        [(x.id, s, j) for x in okrs.initiatives for j, s in enumerate(x.supports)],
    )
    return out


def _fresh_db(path: Path, ddl: list[str]) -> sqlite3.Connection:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for sql in ddl:
        conn.execute(sql)
    conn.execute("INSERT INTO cycles VALUES ('2026-Q1', '2026-01-01', '2026-03-31')")
    return conn


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def loop_import(okrs: OkrSet, path: Path, ddl: list[str]) -> None:
    """One INSERT per object, in one transaction."""
    conn = _fresh_db(path, ddl)
    cycle = okrs.cycle.id
    conn.execute("BEGIN")
    for i, o in enumerate(okrs.objectives):
        conn.execute(
            "INSERT INTO objectives (id, cycle, position, title, owner, level, kind, description,"
            " version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (o.id, cycle, i, o.title, o.owner, o.level, o.kind, o.description),
        )
        for j, p in enumerate(o.aligns_to):
            conn.execute("INSERT INTO alignments VALUES (?, ?, ?)", (o.id, p, j))
        for j, kr in enumerate(o.key_results):
            conn.execute(
                "INSERT INTO key_results (id, objective, position, title, type, weight, owner,"
                " start, target, unit, done, threshold, direction, version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                (
                    kr.id,
                    o.id,
                    j,
                    kr.title,
                    kr.type,
                    kr.weight,
                    kr.owner,
                    kr.start,
                    kr.target,
                    kr.unit,
                    kr.done,
                    kr.threshold,
                    kr.direction,
                ),
            )
    for c in okrs.checkins:
        conn.execute(
            "INSERT INTO checkins (key_result, date, value, done, grade, confidence, note, author,"
            " state, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', '2026-01-01')",
            (
                c.key_result,
                c.date.isoformat(),
                c.value,
                c.done,
                c.grade,
                c.confidence,
                c.note,
                c.author,
            ),
        )
    for i, k in enumerate(okrs.kpis):
        conn.execute(
            "INSERT INTO kpis (id, cycle, position, name, target, timeframe, data_source,"
            " frequency, current, direction, unit, owner, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (
                k.id,
                cycle,
                i,
                k.name,
                k.target,
                k.timeframe,
                k.data_source,
                k.frequency,
                k.current,
                k.direction,
                k.unit,
                k.owner,
            ),
        )
        for j, m in enumerate(k.measures):
            conn.execute("INSERT INTO kpi_measures VALUES (?, ?, ?)", (k.id, m, j))
    for i, x in enumerate(okrs.initiatives):
        conn.execute(
            "INSERT INTO initiatives (id, cycle, position, title, owner, state, link, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            (x.id, cycle, i, x.title, x.owner, x.state, x.link),
        )
        for j, s in enumerate(x.supports):
            conn.execute("INSERT INTO initiative_supports VALUES (?, ?, ?)", (x.id, s, j))
    conn.execute("COMMIT")
    conn.close()


def floor_import(
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]], path: Path, ddl: list[str]
) -> None:
    """executemany of ready-made rows, in one transaction."""
    conn = _fresh_db(path, ddl)
    conn.execute("BEGIN")
    for table in _TABLES:
        columns, values = rows[table]
        conn.executemany(_insert_sql(table, columns), values)
    conn.execute("COMMIT")
    conn.close()


_LOAD_SQL = {
    "objectives": "SELECT * FROM objectives WHERE cycle = ? ORDER BY position",
    "alignments": "SELECT a.* FROM alignments a JOIN objectives o ON o.id = a.child"
    " WHERE o.cycle = ? ORDER BY a.position",
    "key_results": "SELECT k.* FROM key_results k JOIN objectives o ON o.id = k.objective"
    " WHERE o.cycle = ? ORDER BY o.position, k.position",
    "checkins": "SELECT c.* FROM checkins c JOIN key_results k ON k.id = c.key_result"
    " JOIN objectives o ON o.id = k.objective WHERE o.cycle = ? AND c.state = 'active'"
    " ORDER BY c.id",
    "kpis": "SELECT * FROM kpis WHERE cycle = ? ORDER BY position",
    "kpi_measures": "SELECT * FROM kpi_measures ORDER BY position",
    "initiatives": "SELECT * FROM initiatives WHERE cycle = ? ORDER BY position",
    "initiative_supports": "SELECT * FROM initiative_supports ORDER BY position",
}


def _query(conn: sqlite3.Connection, table: str, cycle: str) -> sqlite3.Cursor:
    sql = _LOAD_SQL[table]
    return conn.execute(sql, (cycle,) if "?" in sql else ())


def floor_load(db: Path, cycle: str) -> dict[str, pd.DataFrame]:
    """The same eight queries with sqlite3, fetched into DataFrames."""
    with sqlite3.connect(db) as conn:
        out = {}
        for table in _TABLES:
            cur = _query(conn, table, cycle)
            out[table] = pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])
        return out


def loop_load_frames(db: Path, cycle: str) -> dict[str, pd.DataFrame]:
    """The same queries, each row appended column by column in Python, then DataFrames."""
    with sqlite3.connect(db) as conn:
        out = {}
        for table in _TABLES:
            cur = _query(conn, table, cycle)
            names = [d[0] for d in cur.description]
            columns: dict[str, list[Any]] = {n: [] for n in names}
            for row in cur:
                for name, value in zip(names, row, strict=True):
                    columns[name].append(value)
            out[table] = pd.DataFrame(columns)
        return out


def loop_load_set(db: Path, cycle: str) -> OkrSet:
    """The same queries, one dataclass per row."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        parents: dict[str, list[str]] = collections.defaultdict(list)
        for r in _query(conn, "alignments", cycle):
            parents[r["child"]].append(r["parent"])
        krs: dict[str, list[KeyResult]] = collections.defaultdict(list)
        for r in _query(conn, "key_results", cycle):
            krs[r["objective"]].append(
                KeyResult(
                    id=r["id"],
                    title=r["title"],
                    type=r["type"],
                    weight=r["weight"],
                    owner=r["owner"] or "",
                    confidence=r["confidence"],
                    start=r["start"],
                    target=r["target"],
                    current=r["current"],
                    unit=r["unit"],
                    done=None if r["done"] is None else bool(r["done"]),
                    grade=r["grade"],
                    threshold=r["threshold"],
                    direction=r["direction"],
                )
            )
        objectives = [
            Objective(
                id=r["id"],
                title=r["title"],
                owner=r["owner"] or "",
                level=r["level"],
                kind=r["kind"],
                description=r["description"] or "",
                aligns_to=parents[r["id"]],
                key_results=krs[r["id"]],
            )
            for r in _query(conn, "objectives", cycle)
        ]
        checkins = [
            CheckIn(
                key_result=r["key_result"],
                date=r["date"],
                value=r["value"],
                done=None if r["done"] is None else bool(r["done"]),
                grade=r["grade"],
                confidence=r["confidence"],
                note=r["note"] or "",
                author=r["author"] or "",
                id=r["id"],
            )
            for r in _query(conn, "checkins", cycle)
        ]
        measures: dict[str, list[str]] = collections.defaultdict(list)
        for r in _query(conn, "kpi_measures", cycle):
            measures[r["kpi"]].append(r["key_result"])
        kpis = [
            KPI(
                id=r["id"],
                name=r["name"],
                target=r["target"],
                timeframe=r["timeframe"] or "",
                data_source=r["data_source"] or "",
                frequency=r["frequency"],
                current=r["current"],
                direction=r["direction"],
                unit=r["unit"] or "",
                owner=r["owner"] or "",
                measures=measures[r["id"]],
            )
            for r in _query(conn, "kpis", cycle)
        ]
        supports: dict[str, list[str]] = collections.defaultdict(list)
        for r in _query(conn, "initiative_supports", cycle):
            supports[r["initiative"]].append(r["key_result"])
        initiatives = [
            Initiative(
                id=r["id"],
                title=r["title"],
                owner=r["owner"] or "",
                state=r["state"],
                link=r["link"] or "",
                supports=supports[r["id"]],
            )
            for r in _query(conn, "initiatives", cycle)
        ]
    return OkrSet(
        cycle=cycle, objectives=objectives, kpis=kpis, initiatives=initiatives, checkins=checkins
    )


# --- loops and floors: scoring -------------------------------------------------------------------


def _band(s: float) -> str:
    return "green" if s >= 0.7 else "yellow" if s >= 0.4 else "red"


def _status(s: float, pace: float, low_confidence: bool) -> str:
    if s >= 1.0 or (s >= 0.9 * pace and not low_confidence):
        return "on track"
    return "at risk" if s >= 0.6 * pace else "off track"


def loop_score(okrs: OkrSet, as_of: dt.date) -> dict[str, tuple[float, str, str]]:
    """Per key result: its check-ins (grouped in one pass), latest, score, band, status."""
    by_kr: dict[str, list[CheckIn]] = collections.defaultdict(list)
    for c in okrs.checkins:
        if c.date <= as_of:
            by_kr[c.key_result].append(c)
    elapsed = okrs.cycle.elapsed(as_of)
    out: dict[str, tuple[float, str, str]] = {}
    for o in okrs.objectives:
        expected = 0.7 if o.kind == "aspirational" else 1.0
        total = weights = 0.0
        for kr in o.key_results:
            cs = by_kr.get(kr.id, [])
            latest = None
            for c in cs:  # the latest by date, the later one on a tie
                if latest is None or c.date >= latest.date:
                    latest = c
            if kr.type == "metric":
                assert kr.start is not None and kr.target is not None
                value = latest.value if latest else kr.current
                value = kr.start if value is None else value
                s = min(max((value - kr.start) / (kr.target - kr.start), 0.0), 1.0)
            elif kr.type == "milestone":
                s = 1.0 if (latest.done if latest else kr.done) else 0.0
            elif kr.type == "qualitative":
                s = (latest.grade if latest else kr.grade) or 0.0
            else:
                assert kr.threshold is not None
                below = kr.direction == "below"
                held = [
                    (c.value <= kr.threshold) if below else (c.value >= kr.threshold)
                    for c in cs
                    if c.value is not None
                ]
                s = sum(held) / len(cs) if cs else 1.0
            confidence = latest.confidence if latest else kr.confidence
            pace = 1.0 if kr.type == "guardrail" else elapsed * expected
            low = confidence is not None and confidence <= 3
            out[kr.id] = (s, _band(s), _status(s, pace, low))
            total += kr.weight * s
            weights += kr.weight
        if weights:
            s = total / weights
            out[o.id] = (s, _band(s), _status(s, elapsed * expected, False))
    return out


@dataclass
class ScoreInput:
    """Integer codes and columns for the NumPy floor (mapping ids to codes is not in the floor)."""

    codes: np.ndarray[Any, Any]
    days: np.ndarray[Any, Any]
    value: np.ndarray[Any, Any]
    done: np.ndarray[Any, Any]
    grade: np.ndarray[Any, Any]
    confidence: np.ndarray[Any, Any]
    kind: np.ndarray[Any, Any]  # 0 metric, 1 milestone, 2 qualitative, 3 guardrail
    start: np.ndarray[Any, Any]
    target: np.ndarray[Any, Any]
    threshold: np.ndarray[Any, Any]
    below: np.ndarray[Any, Any]
    pace: np.ndarray[Any, Any]
    objective: np.ndarray[Any, Any]
    weight: np.ndarray[Any, Any]
    n_objectives: int


def score_input(frames: Frames, as_of: dt.date) -> ScoreInput:
    krs, ci = frames.key_results, frames.checkins
    codes = pd.Index(krs["id"]).get_indexer(ci["key_result"])
    kind = krs["type"].map({"metric": 0, "milestone": 1, "qualitative": 2, "guardrail": 3})
    aspirational = (
        krs["objective"]
        .map(
            dict(
                zip(
                    frames.objectives["id"],
                    frames.objectives["kind"] == "aspirational",
                    strict=True,
                )
            )
        )
        .to_numpy(bool)
    )
    elapsed = frames.cycle.elapsed(as_of)
    kind_codes = kind.to_numpy("int64")
    return ScoreInput(
        codes=codes,
        days=ci["date"].to_numpy().astype("datetime64[D]").astype("int64"),
        value=ci["value"].to_numpy("float64"),
        done=ci["done"].to_numpy("float64", na_value=np.nan),
        grade=ci["grade"].to_numpy("float64"),
        confidence=ci["confidence"].to_numpy("float64"),
        kind=kind_codes,
        start=krs["start"].to_numpy("float64"),
        target=krs["target"].to_numpy("float64"),
        threshold=krs["threshold"].to_numpy("float64"),
        below=(krs["direction"] == "below").to_numpy(bool),
        pace=np.where(kind_codes == 3, 1.0, elapsed * np.where(aspirational, 0.7, 1.0)),
        objective=pd.Index(frames.objectives["id"]).get_indexer(krs["objective"]),
        weight=krs["weight"].to_numpy("float64"),
        n_objectives=len(frames.objectives),
    )


_BAND = np.array(["red", "yellow", "green"], dtype=object)
_STATUS = np.array(["off track", "at risk", "on track"], dtype=object)


def floor_score(x: ScoreInput, as_of: dt.date) -> tuple[np.ndarray[Any, Any], ...]:
    """Latest check-in per key result (np.maximum.at), score by type, band, status; objectives."""
    n = len(x.kind)
    day = np.datetime64(as_of, "D").astype("int64")
    m = len(x.days) + 1
    key = np.where(x.days <= day, (x.days - x.days.min()) * m + np.arange(len(x.days)), -1)
    best = np.full(n, -1, dtype=np.int64)
    np.maximum.at(best, x.codes, key)
    has = best >= 0
    pos = np.where(has, best % m, 0)
    value = np.where(has, x.value[pos], np.nan)
    metric = np.clip(
        (np.where(np.isnan(value), x.start, value) - x.start) / (x.target - x.start), 0.0, 1.0
    )
    held = np.where(
        x.below[x.codes], x.value <= x.threshold[x.codes], x.value >= x.threshold[x.codes]
    ) & (key >= 0)
    count = np.bincount(x.codes, weights=key >= 0, minlength=n)
    guard = np.where(count > 0, np.bincount(x.codes, weights=held, minlength=n) / count, 1.0)
    score_ = np.choose(
        x.kind,
        [metric, np.where(has, x.done[pos], 0.0), np.where(has, x.grade[pos], 0.0), guard],
    )
    low = np.where(has, x.confidence[pos], np.inf) <= 3
    pick = np.where(
        (score_ >= 1.0) | ((score_ >= 0.9 * x.pace) & ~low), 2, (score_ >= 0.6 * x.pace).astype(int)
    )
    band = _BAND[(score_ >= 0.4).astype(int) + (score_ >= 0.7)]
    o_score = np.bincount(x.objective, weights=x.weight * score_, minlength=x.n_objectives)
    o_score /= np.bincount(x.objective, weights=x.weight, minlength=x.n_objectives)
    return score_, band, _STATUS[pick], o_score


# --- loops and floors: the alignment graph -------------------------------------------------------


def loop_graph(
    okrs: OkrSet, scores: dict[str, float], as_of: dt.date, weight: float = 0.5
) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """The checks OKR601-606 and the roll-up with dicts over the dataclasses (no graph library)."""
    objectives = {o.id: o for o in okrs.objectives}
    children: dict[str, list[str]] = collections.defaultdict(list)
    found: list[tuple[str, str]] = []
    for o in okrs.objectives:
        if o.level != "company" and not o.aligns_to:
            found.append(("OKR604", o.id))
        for parent in o.aligns_to:
            if parent in objectives:
                children[parent].append(o.id)
            else:
                found.append(("OKR602", o.id))
    for o in okrs.objectives:
        if o.level == "company" and not children[o.id]:
            found.append(("OKR605", o.id))
    # Loops: depth-first search with colours.
    state: dict[str, int] = {}
    for root in objectives:
        if root in state:
            continue
        stack = [(root, iter(objectives[root].aligns_to))]
        state[root] = 1
        while stack:
            node, parents = stack[-1]
            nxt = next((p for p in parents if p in objectives), None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                found.append(("OKR601", nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(objectives[nxt].aligns_to)))
    # Stale key results: the latest check-in date per key result.
    last: dict[str, dt.date] = {}
    for c in okrs.checkins:
        if c.date <= as_of and (c.key_result not in last or c.date > last[c.key_result]):
            last[c.key_result] = c.date
    for _, kr in okrs.key_results():
        if scores.get(kr.id, 0.0) >= 1.0 and kr.type != "guardrail":
            continue
        if (as_of - last.get(kr.id, okrs.cycle.start)).days > 21:
            found.append(("OKR606", kr.id))
    # Roll-up: recursion with a memo.
    rolled: dict[str, float] = {}

    def roll(ident: str) -> float:
        if ident in rolled:
            return rolled[ident]
        o = objectives[ident]
        own = scores.get(ident, math.nan)
        parts = [
            (sum(kr.weight for kr in objectives[c].key_results) or 1.0, roll(c))
            for c in children[ident]
        ]
        parts = [(w, r) for w, r in parts if not math.isnan(r)]
        if parts:
            agg = sum(w * r for w, r in parts) / sum(w for w, _ in parts)
            value = agg if math.isnan(own) else (1 - weight) * own + weight * agg
        else:
            value = own
        rolled[ident] = value
        del o
        return value

    for ident in objectives:
        roll(ident)
    return found, rolled


def floor_graph(frames: Frames, o_score: np.ndarray[Any, Any], as_of: dt.date) -> Any:
    """The same checks and roll-up as pandas / NumPy column work, level by level."""
    o = frames.objectives
    ids = pd.Index(o["id"])
    links = o[["id", "aligns_to"]].explode("aligns_to").dropna()
    parent = ids.get_indexer(links["aligns_to"])
    child = ids.get_indexer(links["id"])
    level = o["level"].to_numpy()
    has_parent = np.bincount(child, minlength=len(o)) > 0
    orphans = o["id"][(level != "company") & ~has_parent]
    missing = links["id"][parent < 0]
    has_child = np.bincount(parent[parent >= 0], minlength=len(o)) > 0
    unsupported = o["id"][(level == "company") & ~has_child]
    ci = frames.checkins
    days = ci["date"].to_numpy().astype("datetime64[D]").astype("int64")
    krs = frames.key_results
    codes = pd.Index(krs["id"]).get_indexer(ci["key_result"])
    last = np.full(len(krs), np.datetime64(frames.cycle.start, "D").astype("int64"))
    np.maximum.at(last, codes, days)
    stale = krs["id"][np.datetime64(as_of, "D").astype("int64") - last > 21]
    weight = np.bincount(ids.get_indexer(krs["objective"]), weights=krs["weight"], minlength=len(o))
    rolled = o_score.copy()
    ok = parent >= 0
    for lv in ("individual", "team", "department"):  # bottom up: links go one level up
        sel = ok & (level[child] == lv)
        c, p = child[sel], parent[sel]
        w = np.where(np.isnan(rolled[c]), 0.0, weight[c])
        total = np.bincount(p, weights=w * np.nan_to_num(rolled[c]), minlength=len(o))
        mass = np.bincount(p, weights=w, minlength=len(o))
        with np.errstate(invalid="ignore", divide="ignore"):
            agg = total / mass
        upd = mass > 0
        rolled[upd] = np.where(np.isnan(rolled[upd]), agg[upd], 0.5 * rolled[upd] + 0.5 * agg[upd])
    return orphans, missing, unsupported, stale, rolled


# --- loops and floors: quality checks ------------------------------------------------------------


def loop_checks(okrs: OkrSet, scores: dict[str, tuple[float, str, str]]) -> list[tuple[str, str]]:
    """Every quality rule, object by object; the wording module asked once per key result."""
    found: list[tuple[str, str]] = []
    owners: collections.Counter[str] = collections.Counter()
    seen: dict[str, str] = {}
    for o in okrs.objectives:
        if find_number(o.title):
            found.append(("OKR101", o.id))
        if not 2 <= len(o.key_results) <= 5:
            found.append(("OKR102", o.id))
        if o.owner:
            owners[o.owner] += 1
        tokens = []
        for kr in o.key_results:
            verdict = assess_key_result(kr.title)
            codes = {f.code for f in verdict.findings}
            structural = kr.type in ("metric", "milestone", "guardrail")
            if verdict.verdict == "task":
                found.append(("OKR202", kr.id))
            if "OKR201" in codes and not structural:
                found.append(("OKR201", kr.id))
            if verdict.verdict == "vague" and not structural:
                found.append(("OKR207", kr.id))
            text = normalise_title(kr.title)
            if text in seen:
                found.append(("OKR203", kr.id))
            else:
                seen[text] = kr.id
                words = set(text.split())
                for other in tokens:
                    if words and len(words & other) / len(words | other) >= 0.8:
                        found.append(("OKR203", kr.id))
                        break
                tokens.append(words)
            jump = kr.start and kr.target is not None and abs(kr.target - kr.start)
            if kr.type == "metric" and jump and jump > 3 * abs(kr.start or 0.0):
                found.append(("OKR205", kr.id))
        total = sum(kr.weight for kr in o.key_results)
        if len(o.key_results) >= 3 and max(kr.weight for kr in o.key_results) > 0.6 * total:
            found.append(("OKR501", o.id))
        s = scores.get(o.id)
        if s is not None and o.kind == "committed" and s[0] < 1.0:
            found.append(("OKR301", o.id))
    found += [("OKR104", owner) for owner, n in owners.items() if n > 10]
    for k in okrs.kpis:
        if k.target is None or not k.timeframe or not k.data_source or not k.frequency:
            found.append(("OKR401", k.id))
    return found


def floor_checks(frames: Frames) -> Any:
    """The rules as column operations; the wording module asked once per distinct title."""
    o, k, p = frames.objectives, frames.key_results, frames.kpis
    numbers = {t: find_number(t) for t in o["title"].unique()}
    counts = o["id"].map(k["objective"].value_counts()).fillna(0)
    owners = o["owner"].value_counts()
    words = {t: assess_key_result(t).verdict for t in k["title"].unique()}
    normal = k["title"].map({t: normalise_title(t) for t in k["title"].unique()})
    duplicated = normal.duplicated()
    metric = k["type"] == "metric"
    jump = metric & ((k["target"] - k["start"]).abs() > 3 * k["start"].abs())
    kpis = (
        p["target"].isna()
        | (p["timeframe"] == "")
        | (p["data_source"] == "")
        | p["frequency"].isna()
    )
    weights = k.groupby("objective")["weight"].agg(["size", "sum", "max"])
    return numbers, counts, owners, words, duplicated, jump, kpis, weights


def loop_report_html(scores: dict[str, tuple[float, str, str]], okrs: OkrSet) -> str:
    """One HTML table row per objective and key result, formatted in a loop."""
    out = io.StringIO()
    for o in okrs.objectives:
        s = scores.get(o.id, (math.nan, "", ""))
        out.write(
            f"<tr><td>{html.escape(o.id)}</td><td>{html.escape(o.title)}</td>"
            f"<td>{s[0]:.2f}</td><td>{s[1]}</td><td>{s[2]}</td></tr>"
        )
        for kr in o.key_results:
            s = scores[kr.id]
            out.write(
                f"<tr><td>{html.escape(kr.id)}</td><td>{html.escape(kr.title)}</td>"
                f"<td>{s[0]:.2f}</td><td>{s[1]}</td><td>{s[2]}</td></tr>"
            )
    return out.getvalue()


# --- one size ------------------------------------------------------------------------------------


def measure_size(
    n: int, repeat: int, seed: int, log: Callable[[str], None], sample_from: int = SAMPLE_FROM
) -> list[Row]:
    rows: list[Row] = []
    sampled = n >= sample_from
    scale = SLICE if sampled else 1
    t0 = time.perf_counter()
    okrs = demo_org(n, seed=seed)
    frames = demo_org_frames(n, seed=seed)  # equal to to_frames(okrs), built faster
    end = okrs.cycle.end
    krs = sum(len(o.key_results) for o in okrs.objectives)
    log(
        f"N={n}: {krs} key results, {len(okrs.checkins)} check-ins, generated in "
        f"{time.perf_counter() - t0:.1f} s; load {load_average()}"
    )
    sample = slice_set(okrs, n // SLICE) if sampled else okrs
    note = f"x{SLICE} from a 1/{SLICE} slice" if sampled else ""

    def add(row: Row) -> None:
        rows.append(row)
        log(
            f"  {row.operation:<38} okrkit {fmt(row.okrkit)}  loop {fmt(row.loop)}  floor "
            f"{fmt(row.floor)}  {'; '.join(row.notes)}  [load {load_average()}]"
        )

    def timed(fn: Callable[[], Any], times: int = repeat) -> float | None:
        try:
            return best_of(fn, times)[0]
        except Exception as exc:  # one broken measurement must not stop the others
            log(f"    failed: {type(exc).__name__}: {exc}")
            return None

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * scale

    with tempfile.TemporaryDirectory(prefix="okrkit-bench-") as tmp:
        folder = Path(tmp)
        # --- import from YAML: like CSV, on the slice where the loops use one ---
        yaml_scale = scale
        yaml_set = sample
        yaml_path = write_yaml(yaml_set, folder / "org.yaml")
        size = yaml_path.stat().st_size * yaml_scale
        notes = [f"file {'~' if yaml_scale > 1 else ''}{size / 2**20:.0f} MiB"]
        if size > MAX_BYTES:
            notes.append(f"over the {MAX_BYTES // 2**20} MiB limit of load_yaml")
        if yaml_scale > 1:
            notes.append(f"all three {note}")

        def by_yaml(value: float | None) -> float | None:
            return None if value is None else value * yaml_scale

        add(
            Row(
                "import YAML -> OkrSet",
                n,
                by_yaml(timed(lambda: load_yaml(yaml_path), 1)),
                by_yaml(timed(lambda: loop_yaml(yaml_path), 1)),
                by_yaml(timed(lambda: floor_yaml(yaml_path), 1)),
                notes,
            )
        )
        yaml_path.unlink()
        # --- import from CSV ---
        csv_set = sample if sampled else okrs
        csv_dir = write_csv(csv_set, folder / "csv", bom=False)
        biggest = max(p.stat().st_size for p in csv_dir.glob("*.csv")) * scale
        notes = [f"checkins.csv {'~' if sampled else ''}{biggest / 2**20:.0f} MiB"]
        if biggest > MAX_BYTES:
            notes.append(f"over the {MAX_BYTES // 2**20} MiB limit of load_csv")
        if sampled:
            notes.append(f"all three {note}")
        add(
            Row(
                "import CSV folder -> OkrSet",
                n,
                scaled(timed(lambda: load_csv(csv_dir), 1)),
                scaled(timed(lambda: loop_csv(csv_dir), 1)),
                scaled(timed(lambda: floor_csv(csv_dir), 1)),
                notes,
            )
        )
        # --- the store: import and load ---
        db = folder / "okrkit.db"

        def import_store() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            with Store(db) as store:
                store.import_set(okrs)

        okrkit_import = timed(import_store, 1)
        ddl = schema(db)
        rows_all = _rows(sample)
        add(
            Row(
                "import OkrSet -> SQLite store",
                n,
                okrkit_import,
                scaled(timed(lambda: loop_import(sample, folder / "loop.db", ddl), 1)),
                scaled(timed(lambda: floor_import(rows_all, folder / "floor.db", ddl), 1)),
                [f"loop and floor {note}"] if sampled else [],
            )
        )
        with Store(db) as store:
            cycle = okrs.cycle.id
            okrkit_frames = timed(lambda: store.frames(cycle), repeat)
            add(
                Row(
                    "load store -> DataFrames",
                    n,
                    okrkit_frames,
                    timed(lambda: loop_load_frames(db, cycle), 1),
                    timed(lambda: floor_load(db, cycle), repeat),
                    [],
                )
            )
            if sampled:
                slice_db = folder / "slice.db"
                with Store(slice_db) as small:
                    small.import_set(sample)
                    okrkit_load = scaled(timed(lambda: small.load(cycle), 1))
                load_db = slice_db
            else:
                okrkit_load = timed(lambda: store.load(cycle), 1 if n >= 10_000 else repeat)
                load_db = db
            add(
                Row(
                    "load store -> OkrSet",
                    n,
                    okrkit_load,
                    scaled(timed(lambda: loop_load_set(load_db, cycle), 1)),
                    scaled(timed(lambda: floor_load(load_db, cycle), 1)),
                    [f"all three {note}"] if sampled else [],
                )
            )

    # --- scoring ---
    x = score_input(frames, end)
    add(
        Row(
            "score + status",
            n,
            timed(lambda: score(frames, end), repeat),
            scaled(timed(lambda: loop_score(sample, end), 1)),
            timed(lambda: floor_score(x, end), repeat),
            [f"loop {note}" if sampled else "", "floor: ids already codes"],
        )
    )
    codes_time = timed(
        lambda: pd.Index(frames.key_results["id"]).get_indexer(frames.checkins["key_result"]),
        repeat,
    )
    rows[-1].notes.append(f"ids -> codes alone {fmt(codes_time)} s")
    by_date = frames.checkins.sort_values("date", kind="stable").reset_index(drop=True)
    dated = replace(frames, checkins=by_date)
    add(
        Row(
            "score + status, check-ins in date order",
            n,
            timed(lambda: score(dated, end), repeat),
            None,
            None,
            ["check-ins interleaved, as recorded week by week"],
        )
    )

    # --- the alignment graph ---
    scores = score(frames, end)
    loop_scores = loop_score(sample, end)
    build_time, graph = best_of(lambda: build_graph(okrs, scores, as_of=end), 1)
    edges = [(u, v) for u, v in graph.edges()]
    add(
        Row(
            "graph build",
            n,
            build_time,
            None,
            timed(lambda: nx.DiGraph(edges), repeat),
            ["floor: nx.DiGraph of the bare edge list"],
        )
    )
    checks_time = timed(lambda: (graph_findings(graph, as_of=end), rollup(graph)), repeat)
    flat_sample = {k: v[0] for k, v in loop_scores.items()}
    add(
        Row(
            "graph checks + roll-up",
            n,
            checks_time,
            scaled(timed(lambda: loop_graph(sample, flat_sample, end), 1)),
            timed(lambda: floor_graph(frames, scores.objectives["score"].to_numpy(), end), repeat),
            [f"loop {note}" if sampled else "", "loop: dicts, no graph library"],
        )
    )

    # --- quality checks ---
    add(
        Row(
            "quality checks",
            n,
            timed(lambda: check_set(frames, as_of=end), 1),
            scaled(timed(lambda: loop_checks(sample, loop_scores), 1)),
            timed(lambda: floor_checks(frames), 1),
            [f"loop {note}" if sampled else ""],
        )
    )

    # --- report ---
    def report() -> None:
        built = build_report(okrs, as_of=end, picture=False)
        built.to_html(Path(tempfile.gettempdir()) / f"okrkit-bench-report-{os.getpid()}.html")

    report_time = timed(report, 1)
    Path(tempfile.gettempdir(), f"okrkit-bench-report-{os.getpid()}.html").unlink(missing_ok=True)
    parts = [
        r
        for r in rows
        if r.operation in ("score + status", "graph checks + roll-up", "quality checks")
    ]
    loop_parts = sum(r.loop or 0.0 for r in parts)
    floor_parts = sum(r.floor or 0.0 for r in parts)
    html_loop = scaled(timed(lambda: loop_report_html(loop_scores, sample), 1)) or 0.0
    add(
        Row(
            "report (build + HTML)",
            n,
            report_time,
            loop_parts + html_loop + build_time,
            floor_parts,
            ["no picture", "loop: the loops above + an HTML row loop; floor: the floors above"],
        )
    )
    for row in rows:
        row.notes = [n_ for n_ in row.notes if n_]
    return rows


# --- output --------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}" if value >= 0.01 else f"{value:.4f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.1f}x"


def speed(loop: float | None, okrkit: float | None) -> str:
    """How okrkit compares with the loop: '4.2x faster' or '2.5x slower'."""
    if loop is None or okrkit is None or loop == 0 or okrkit == 0:
        return "–"
    return f"{loop / okrkit:.1f}x faster" if loop >= okrkit else f"{okrkit / loop:.1f}x slower"


def import_times(runs: int = 7) -> dict[str, float]:
    """Median wall time of ``python -c 'import X'`` in fresh processes."""
    out = {}
    for module in ("pandas", "okrkit"):
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {module}"], check=True, cwd=ROOT)
            samples.append(time.perf_counter() - start)
        out[module] = statistics.median(samples)
    start = time.perf_counter()
    for _ in range(runs):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    out["python"] = (time.perf_counter() - start) / runs
    return out


def machine() -> list[tuple[str, str]]:
    model = platform.processor() or platform.machine()
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in text.splitlines()
                if line.startswith("Model name")
            ),
            model,
        )
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        memory = "n/a"
    versions = []
    for name in ("numpy", "pandas", "networkx", "sqlalchemy", "yaml"):
        module = importlib.import_module(name)
        versions.append(f"{name} {getattr(module, '__version__', '?')}")
    return [
        ("CPU", f"{model}, {os.cpu_count()} cores"),
        ("memory", memory),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("packages", ", ".join(versions) + f"; libyaml {'yes' if yaml.__with_libyaml__ else 'no'}"),
    ]


def widget_rows() -> list[dict[str, Any]] | None:
    path = Path(__file__).with_name("widgets.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("okrkit_bench_widgets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    result: list[dict[str, Any]] = module.measure(n_key_results=1000, repeats=10)
    return result


TARGETS = (
    # (operation, target seconds at 100k, description)
    ("score + status", 0.5, "scoring + status under 0.5 s"),
    ("graph checks + roll-up", 3.0, "roll-up + all graph checks under 3 s"),
    ("load store -> DataFrames", 5.0, "loading from SQLite under 5 s"),
)


def markdown(
    rows: list[Row],
    sizes: list[int],
    imports: dict[str, float],
    widgets: list[dict[str, Any]] | None,
    loads: list[str],
    started: str,
    took: float,
    argv: list[str],
) -> str:
    out = io.StringIO()
    w = out.write
    w("# okrkit benchmarks\n\n")
    w(
        f"Written by `benchmarks/run.py` ({' '.join(argv) or 'no options'}) on {started}; the run "
        f"took {took / 60:.0f} minutes. Times in seconds, best of the repeats (one run at 100k). "
        "See `benchmarks/README.md` for what each loop and floor computes.\n\n"
    )
    w("## Machine\n\n| | |\n|---|---|\n")
    for key, value in machine():
        w(f"| {key} | {value} |\n")
    w(f"| load average (1, 5, 15 min) | {'; '.join(loads)} |\n\n")
    w(
        "The machine was shared with other work during the run (see the load averages, sampled "
        "before each size and at the end); times under load are longer than on an idle machine, "
        "and the okrkit, loop and floor times of one row were taken minutes apart at most.\n\n"
    )
    biggest = max(sizes)
    w(f"## Targets (at {biggest:,} objectives)\n\n")
    w("| target | measured | met |\n|---|---|---|\n")
    for operation, limit, text in TARGETS:
        found = next((r for r in rows if r.operation == operation and r.n == biggest), None)
        value = found.okrkit if found else None
        met = "–" if value is None or biggest < 100_000 else ("yes" if value < limit else "no")
        w(f"| {text} | {fmt(value)} s | {met} |\n")
    w("| cost grows linearly with N | see the growth table | see below |\n")
    if widgets:
        met = all(r.get("met") for r in widgets)
        w(
            f"| widget interactions under 100 ms (1,000 key results) | see the widget table | "
            f"{'yes' if met else 'no'} |\n"
        )
    w("\n## Operations\n\n")
    w("| operation | objectives | okrkit | loop | okrkit vs loop | floor | okrkit / floor ")
    w("| notes |\n")
    w("|---|---:|---:|---:|---:|---:|---:|---|\n")
    for r in rows:
        w(
            f"| {r.operation} | {r.n:,} | {fmt(r.okrkit)} | {fmt(r.loop)} | "
            f"{speed(r.loop, r.okrkit)} | {fmt(r.floor)} | {ratio(r.okrkit, r.floor)} | "
            f"{'; '.join(r.notes)} |\n"
        )
    w("\n## Growth: okrkit microseconds per objective\n\n")
    w("| operation | " + " | ".join(f"{n:,}" for n in sizes) + " | largest / smallest |\n")
    w("|---|" + "---:|" * (len(sizes) + 1) + "\n")
    for operation in dict.fromkeys(r.operation for r in rows):
        per = []
        for n in sizes:
            found = next((r for r in rows if r.operation == operation and r.n == n), None)
            per.append(None if found is None or found.okrkit is None else found.okrkit / n * 1e6)
        cells = " | ".join("–" if p is None else f"{p:.1f}" for p in per)
        growth = ratio(per[-1], per[0]) if per and None not in (per[0], per[-1]) else "–"
        w(f"| {operation} | {cells} | {growth} |\n")
    w(
        "\nLinear growth shows as a constant time per objective (ratio near 1.0x); the 1k column "
        "carries fixed costs (imports, SQL set-up) that later sizes spread thin.\n\n"
    )
    w("## Import time\n\n| command | median of 7 fresh processes |\n|---|---:|\n")
    w(f"| `python -c pass` | {imports['python'] * 1000:.0f} ms |\n")
    w(f"| `import pandas` | {imports['pandas'] * 1000:.0f} ms |\n")
    w(
        f"| `import okrkit` | {imports['okrkit'] * 1000:.0f} ms "
        f"({imports['okrkit'] / imports['pandas']:.2f}x pandas) |\n\n"
    )
    if widgets is not None:
        w("## Widgets (1,000 key results, `benchmarks/widgets.py`)\n\n")
        w("| interaction | median ms | p95 ms | target ms | met |\n|---|---:|---:|---:|---|\n")
        for r in widgets:
            w(
                f"| {r['interaction']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
                f"{r['target_ms']:.0f} | {'yes' if r['met'] else 'no'} |\n"
            )
        w("\n")
    return out.getvalue()


def main(argv: Iterable[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement below 100k")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    parser.add_argument("--no-widgets", action="store_true")
    parser.add_argument(
        "--sample-from", type=int, default=SAMPLE_FROM, help="size from which loops are sampled"
    )
    args = parser.parse_args(args_list)
    sizes = [int(s) for s in args.sizes.split(",")]
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    t0 = time.perf_counter()

    def log(text: str) -> None:
        print(text, flush=True)

    loads = []
    rows: list[Row] = []
    for n in sizes:
        loads.append(f"before {n:,}: {load_average()}")
        repeat = 1 if n >= 100_000 else args.repeat
        rows += measure_size(n, repeat, args.seed, log, args.sample_from)
        gc.collect()
    imports = import_times()
    log(f"import pandas {imports['pandas']:.3f} s, import okrkit {imports['okrkit']:.3f} s")
    widgets = None
    if not args.no_widgets:
        try:
            widgets = widget_rows()
        except Exception as exc:  # the widget bench lives elsewhere; report, do not fail
            log(f"widgets failed: {type(exc).__name__}: {exc}")
    loads.append(f"end: {load_average()}")
    text = markdown(
        rows, sizes, imports, widgets, loads, started, time.perf_counter() - t0, args_list
    )
    args.out.write_text(text, encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The whole OKR set with its scores as one JSON document, for BI tools (Power BI, Tableau, ...).

The document is a set of flat tables joined by ids, so a BI tool can load each list as a table:

.. code-block:: text

    {
      "schema_version": 1,          # bumped when a field changes meaning or goes away
      "as_of": "2026-02-14",        # the date the scores are taken at
      "cycle": {"id", "start", "end", "days", "elapsed"},
      "objectives": [{id, title, owner, level, kind, description, aligns_to: [ids],
                      carried_from, silence: {code: reason}, key_results: [ids],
                      score, band, status, forecast, expected, expectation}],
      "key_results": [{id, objective, title, type, weight, owner, description, confidence,
                       start, target, current, unit, bound, per, done, due, grade, threshold,
                       direction, commit_zone, target_zone, stretch_zone, zone, carried_from,
                       silence, value, score, band, status, forecast, latest_confidence,
                       checkins, last_checkin}],
      "checkins": [{id, key_result, date, value, done, grade, zone, confidence, note, author}],
      "kpis": [{id, name, target, baseline, timeframe, data_source, frequency, current,
                direction, unit, owner, measures: [ids], silence, kpi_status}],
      "initiatives": [{id, title, owner, state, link, supports: [ids], silence}]
    }

Fields mean what they mean in ``docs/format.md`` and ``docs/scoring.md``. ``confidence`` of a
key result is the one set when planning; ``latest_confidence`` is that of its latest check-in up to
``as_of`` (else the planned one). Missing values are ``null`` (never ``NaN``), dates are ISO
``YYYY-MM-DD`` texts, and every key is always present. Adding a field does not change
``schema_version``.

Examples
--------
>>> import json
>>> from okrkit import KeyResult, Objective, OkrSet
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Grow",
...     key_results=[KeyResult(id="K1", title="Visitors 0 to 100", start=0, target=100)])])
>>> doc = to_bi_json(okrs, as_of=dt.date(2026, 2, 14))
>>> doc["schema_version"], doc["key_results"][0]["score"], doc["key_results"][0]["status"]
(1, None, 'no data')
>>> json.loads(json.dumps(doc, allow_nan=False))["cycle"]["end"]
'2026-03-31'
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from okrkit.frames import Frames, to_frames
from okrkit.kpis import kpi_status
from okrkit.model import OkrSet
from okrkit.scoring import score

__all__ = ["SCHEMA_VERSION", "to_bi_json", "write_bi_json"]

#: Version of the document's shape; see the module docstring.
SCHEMA_VERSION = 1

_SILENCED = {"objectives", "key_results", "kpis", "initiatives"}


def _plain(value: Any) -> Any:
    """A JSON-safe value: NaN/NA/NaT -> None, NumPy -> Python, dates -> ISO, tuples -> lists."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.astype(object).to_dict("records"):
        item = {str(k): _plain(v) for k, v in rec.items()}
        if "silence" in item:
            item["silence"] = {code: reason for code, reason in item["silence"] or []}
        out.append(item)
    return out


def to_bi_json(okrs: OkrSet | Frames, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """The OKR set with scores as a JSON-ready dict (see the module docstring for its shape).

    Parameters
    ----------
    okrs
        An OKR set or its :class:`~okrkit.frames.Frames`.
    as_of
        Scores, status and forecasts are taken at this date (default as in
        :func:`okrkit.score`); check-ins after it are still listed.

    Returns
    -------
    dict
        Plain Python values only: ``json.dumps(doc, allow_nan=False)`` always works.
    """
    frames = okrs if isinstance(okrs, Frames) else to_frames(okrs)
    scores = score(frames, as_of)
    cycle = frames.cycle

    so = scores.objectives.set_index("id")
    objectives = frames.objectives.copy()
    krs_of = frames.key_results.groupby("objective", sort=False)["id"].agg(list)
    objectives["key_results"] = [krs_of.get(i, []) for i in objectives["id"]]
    o_cols = ["score", "band", "status", "forecast", "expected", "expectation"]
    objectives = objectives.join(so[o_cols], on="id")

    sk = scores.key_results.set_index("id")
    k_scores = sk[
        ["value", "score", "band", "status", "forecast", "confidence", "checkins", "last_checkin"]
    ].rename(columns={"confidence": "latest_confidence"})
    key_results = frames.key_results.join(k_scores, on="id")
    key_results["done"] = key_results["done"].astype(object)

    checkins = frames.checkins.copy()
    checkins["done"] = checkins["done"].astype(object)
    kpis = frames.kpis.assign(kpi_status=kpi_status(frames.kpis, cycle=cycle, as_of=scores.as_of))
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": scores.as_of.isoformat(),
        "cycle": {
            "id": cycle.id,
            "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(),
            "days": cycle.days,
            "elapsed": cycle.elapsed(scores.as_of),
        },
        "objectives": _records(objectives),
        "key_results": _records(key_results),
        "checkins": _records(checkins),
        "kpis": _records(kpis),
        "initiatives": _records(frames.initiatives),
    }


def write_bi_json(
    okrs: OkrSet | Frames, path: str | os.PathLike[str], *, as_of: dt.date | None = None
) -> Path:
    """Write :func:`to_bi_json` to ``path`` as UTF-8 JSON (indented, no ``NaN``).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    doc = to_bi_json(okrs, as_of=as_of)
    target = Path(path)
    target.write_text(
        json.dumps(doc, ensure_ascii=False, allow_nan=False, indent=2) + "\n", encoding="utf-8"
    )
    return target

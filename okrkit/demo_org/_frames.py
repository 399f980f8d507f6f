"""The frames of a synthetic organisation, built column by column from its plan."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from okrkit.demo_org._vocabulary import (
    Array,
    Plan,
)
from okrkit.frames import FRAME_COLUMNS, Frames, to_frames
from okrkit.model import OkrSet

__all__ = ["object_column", "plan_frames"]


def object_column(n: int, where: Array, value: Any) -> Array:
    """An object array of ``None`` with ``value`` (a scalar or an array of n) where ``where``."""
    out: Array = np.full(n, None, dtype=object)
    out[where] = value[where] if isinstance(value, np.ndarray) else value
    return out


def _empty(n: int) -> list[None]:
    return [None] * n


def plan_frames(plan: Plan) -> Frames:
    o, k, c = plan.objectives, plan.key_results, plan.checkins
    n, m = len(o["id"]), len(k["id"])
    objectives = pd.DataFrame(
        {
            "id": o["id"],
            "title": o["title"],
            "owner": o["owner"],
            "level": o["level"],
            "kind": o["kind"],
            "description": [""] * n,
            "aligns_to": pd.Series(o["aligns_to"], dtype=object),
            "carried_from": _empty(n),
            "silence": pd.Series([()] * n, dtype=object),
            "version": pd.array([None] * n, dtype="Int64"),
        },
        columns=list(FRAME_COLUMNS["objectives"]),
    )
    ktype = k["type"]
    milestone = ktype == "milestone"
    key_results = pd.DataFrame(
        {
            "id": k["id"],
            "objective": k["objective"],
            "title": k["title"],
            "type": ktype.tolist(),
            "weight": k["weight"],
            "owner": [""] * m,
            "description": [""] * m,
            "confidence": np.full(m, np.nan),
            "start": k["start"],
            "target": k["target"],
            "current": np.full(m, np.nan),
            "unit": k["unit"],
            "bound": _empty(m),
            "per": _empty(m),
            "done": pd.array(object_column(m, milestone, False), dtype="boolean"),
            "due": np.full(m, np.datetime64("NaT"), dtype="datetime64[s]"),
            "grade": np.full(m, np.nan),
            "threshold": k["threshold"],
            "direction": k["direction"].tolist(),
            "commit_zone": _empty(m),
            "target_zone": _empty(m),
            "stretch_zone": _empty(m),
            "zone": _empty(m),
            "carried_from": _empty(m),
            "silence": pd.Series([()] * m, dtype=object),
            "version": pd.array([None] * m, dtype="Int64"),
        },
        columns=list(FRAME_COLUMNS["key_results"]),
    )
    ci_type = c["type"]
    total = len(ci_type)
    done = pd.array(object_column(total, ci_type == "milestone", c["done"]), dtype="boolean")
    kr_ids = np.array(k["id"], dtype=object)
    checkins = pd.DataFrame(
        {
            "id": pd.array([None] * total, dtype="Int64"),
            "key_result": kr_ids[c["key_result"]] if total else np.array([], dtype=object),
            "date": c["date"].astype("datetime64[s]"),
            "value": c["value"],
            "done": done,
            "grade": c["grade"],
            "zone": _empty(total),
            "confidence": c["confidence"],
            "note": c["note"],
            "author": c["author"],
        },
        columns=list(FRAME_COLUMNS["checkins"]),
    )
    for col in ("key_result", "note", "author"):
        checkins[col] = checkins[col].astype("str")
    p = pd.DataFrame(plan.kpis, columns=list(FRAME_COLUMNS["kpis"]))
    for col in ("measures", "silence"):
        p[col] = p[col].astype(object)
    i = pd.DataFrame(plan.initiatives, columns=list(FRAME_COLUMNS["initiatives"]))
    for col in ("supports", "silence"):
        i[col] = i[col].astype(object)
    empty = to_frames(OkrSet(cycle=plan.cycle))  # the dtypes of empty tables
    built = {
        "objectives": objectives,
        "key_results": key_results,
        "checkins": checkins,
        "kpis": _like_records(p, "kpis"),
        "initiatives": _like_records(i, "initiatives"),
    }
    return Frames(
        cycle=plan.cycle,
        **{name: df if len(df) else getattr(empty, name) for name, df in built.items()},
    )


def _like_records(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with the dtypes :func:`okrkit.frames.to_frames` gives the same values."""
    if name == "kpis":
        for col in ("target", "baseline", "current"):
            df[col] = pd.to_numeric(df[col]).astype("float64")
    df["version"] = df["version"].astype("Int64")
    return df

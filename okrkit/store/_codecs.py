"""Rows and records: model objects as column values and back, revision snapshots, frames.

Pure functions: nothing here opens a connection.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from typing import Any

import pandas as pd

from okrkit.model import KPI, Initiative, KeyResult, Objective

__all__ = [
    "checkin_record",
    "chunks",
    "conform",
    "diff",
    "fields_of",
    "first_line",
    "from_snapshot",
    "grouped",
    "own",
    "own_keys",
    "revision_row",
    "silence",
    "snapshot",
    "to_row",
    "utcnow",
]

#: One encoder for every row: ``json.dumps`` with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def to_row(obj: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A model object as column values; silenced findings as a JSON object (or NULL)."""
    cls = type(obj)
    if cls not in _FIELD_NAMES:
        # The store keeps each row's version itself: an object's ``version`` (what a file
        # says it was read at) is never written over it.
        _FIELD_NAMES[cls] = tuple(f.name for f in fields(obj) if f.name != "version")
    skipped = set(skip)
    out = {name: getattr(obj, name) for name in _FIELD_NAMES[cls] if name not in skipped}
    if "silence" in out:
        out["silence"] = _JSON.encode(dict(out["silence"])) if out["silence"] else None
    return out


def silence(text: str | None) -> tuple[tuple[str, str], ...]:
    """The ``silence`` column back as (code, reason) pairs."""
    return tuple(sorted(json.loads(text).items())) if isinstance(text, str) and text else ()


_KINDS: dict[str, type[Objective] | type[KeyResult]] = {
    "objective": Objective,
    "key_result": KeyResult,
}

#: The fields of a record that its revisions and comparisons look at: not an objective's key
#: results (they have their own history) nor the store version a file may carry.
_OWN_KEYS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(k for k in cls.file_keys() if k not in ("key_results", "version"))
    for cls in (Objective, KeyResult, KPI, Initiative)
}


def own_keys(cls: type[Any]) -> tuple[str, ...]:
    """The fields of a record class that its revisions and comparisons look at."""
    return _OWN_KEYS[cls]


def own(obj: Any) -> dict[str, Any]:
    """A record's own fields as a file holds them: not its key results (an objective's key
    results have their own history) nor its version."""
    return {k: getattr(obj, k) for k in own_keys(type(obj))}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields of ``after`` (but its id) that differ from ``before``."""
    return tuple(k for k in after if k != "id" and before.get(k) != after[k])


def snapshot(values: Mapping[str, Any]) -> str:
    """Fields as JSON in the file form, which ``from_dict`` reads back; empty ones left out."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == () or key in ("key_results", "version"):
            continue
        out[key] = (
            dict(value)
            if key == "silence"
            else list(value)
            if type(value) is tuple
            else value.isoformat()
            if type(value) is dt.date  # a milestone's due date
            else value
        )
    return _JSON.encode(out)


def from_snapshot(kind: str, text: str) -> Objective | KeyResult:
    """The record a revision's snapshot holds."""
    data = json.loads(text)
    data.pop("checkins", None)  # a deleted key result's check-ins (see rows.kr_deletions)
    return _KINDS[kind].from_dict(data)


def utcnow() -> dt.datetime:
    """Now in UTC, without a time zone (how the store keeps times on every backend)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def revision_row(
    kind: str,
    values: Mapping[str, Any],
    version: int,
    cycle: str,
    objective: str | None,
    at: dt.datetime,
    action: str,
    author: str,
) -> dict[str, Any]:
    """One row of the ``revisions`` table."""
    return {
        "id": values["id"],
        "version": version,
        "kind": kind,
        "cycle": cycle,
        "objective": objective,
        "at": at,
        "action": action,
        "author": author,
        "snapshot": snapshot(values),
    }


def checkin_record(row: Any) -> dict[str, Any]:
    """A check-in row as JSON-ready values, kept in a deleted key result's revision."""
    out = {k: v for k, v in row._mapping.items() if k != "key_result"}
    for k in ("date", "recorded_at"):
        out[k] = out[k].isoformat()
    return out


def fields_of(row: Any, names: Iterable[str], skip: Iterable[str] = ()) -> dict[str, Any]:
    """The named columns of a SQL row as keyword arguments for a model class."""
    out = {name: getattr(row, name) for name in names if name not in set(skip)}
    if "silence" in out:
        out["silence"] = silence(out["silence"])
    return out


def grouped(ids: pd.Series, links: pd.DataFrame, key: str, value: str) -> list[tuple[str, ...]]:
    """For each of ``ids``, the ``value``s of the ``links`` whose ``key`` it is, in order."""
    if links.empty:
        return [() for _ in range(len(ids))]
    found = ids.map(links.groupby(key, sort=False)[value].agg(tuple))
    return [v if isinstance(v, tuple) else () for v in found.tolist()]


def conform(df: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """Give a frame read from SQL the columns and dtypes of :func:`~okrkit.frames.to_frames`."""
    out = df.reindex(columns=like.columns)
    for col in like.columns:
        dtype = like[col].dtype
        if str(dtype) == "object":
            # The empty frame cannot tell text from other objects: infer the dtype from the
            # values as to_frames does (pandas' string dtype for text with gaps, else object).
            if out[col].dtype == object:
                found = out[col].where(out[col].notna(), None).tolist()
                out[col] = pd.Series(found, index=out.index, dtype=None)
            elif out.empty:
                out[col] = out[col].astype(object)
            continue
        if str(dtype).startswith("datetime64"):
            out[col] = pd.to_datetime(out[col]).astype(dtype)
            continue
        try:
            out[col] = out[col].astype(dtype)
        except (TypeError, ValueError):
            out[col] = pd.array(out[col].tolist(), dtype=dtype)
    return out.reset_index(drop=True)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of at most ``size`` (SQL parameter limits)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def first_line(exc: object) -> str:
    """The first line of an error's text, or its type's name."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

"""OKR sets as pandas DataFrames, and back.

The engine room of okrkit works on columns: :func:`to_frames` turns an :class:`~okrkit.OkrSet`
into one DataFrame per kind of record, and :func:`from_frames` builds a validated set again from
(possibly edited) frames, naming the frame, row and field of any problem. A row is named by its
index label, as ``df.loc`` finds it: ``row 7`` for the label 7, ``row 'K7'`` for ``'K7'``.

Examples
--------
>>> from okrkit import Objective, KeyResult, OkrSet
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Delight customers",
...     key_results=[KeyResult(id="K1", title="NPS 42", start=30, target=42)])])
>>> f = to_frames(okrs)
>>> f.key_results[["id", "objective", "start", "target"]].to_dict("records")
[{'id': 'K1', 'objective': 'O1', 'start': 30.0, 'target': 42.0}]
>>> from_frames(f) == okrs
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
import re
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import InputError, OkrkitError, ValidationError
from okrkit.model import (
    KPI,
    MAX_NUMBER,
    MAX_WEIGHT,
    MIN_WEIGHT,
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    OkrSet,
    check_number,
    check_weight,
    checkins_from_columns,
)

__all__ = [
    "FRAME_COLUMNS",
    "Frames",
    "Table",
    "build_set",
    "check_numbers",
    "from_frames",
    "records",
    "row_label",
    "stack",
    "stack_tables",
    "table",
    "to_frames",
]

#: The columns of each frame, in order. ``objective`` in key_results is the owning objective's id.
FRAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "objectives": tuple(k for k in Objective.file_keys() if k != "key_results"),
    "key_results": ("id", "objective", *[k for k in KeyResult.file_keys() if k != "id"]),
    "checkins": ("id", *CheckIn.file_keys()),
    "kpis": KPI.file_keys(),
    "initiatives": Initiative.file_keys(),
}
_NUMERIC = {
    "key_results": ("weight", "confidence", "start", "target", "current", "grade", "threshold"),
    "checkins": ("value", "grade", "confidence"),
    "kpis": ("target", "baseline", "current"),
}
# The numbers the model holds to ±MAX_NUMBER (weights have their own range).
_LIMITED = {
    "key_results": ("start", "target", "current", "threshold"),
    "checkins": ("value",),
    "kpis": ("target", "baseline", "current"),
}
_LISTS = {
    "objectives": ("aligns_to", "silence"),
    "key_results": ("silence",),
    "kpis": ("measures", "silence"),
    "initiatives": ("supports", "silence"),
}


@dataclass(frozen=True, slots=True)
class Frames:
    """One DataFrame per kind of record of an OKR set, plus its cycle.

    ``objectives.aligns_to``, ``kpis.measures`` and ``initiatives.supports`` hold tuples of ids;
    ``checkins.date`` and ``key_results.due`` are ``datetime64`` columns.
    """

    cycle: Cycle
    objectives: pd.DataFrame
    key_results: pd.DataFrame
    checkins: pd.DataFrame
    kpis: pd.DataFrame
    initiatives: pd.DataFrame

    def __iter__(self) -> Any:
        return iter((name, getattr(self, name)) for name in FRAME_COLUMNS)


def _frame(rows: list[dict[str, Any]], name: str) -> pd.DataFrame:
    columns = FRAME_COLUMNS[name]
    df = pd.DataFrame.from_records(rows, columns=list(columns))
    for col in _NUMERIC.get(name, ()):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in _LISTS.get(name, ()):
        df[col] = df[col].astype(object)
    if name == "checkins":
        df["date"] = pd.to_datetime(df["date"]).astype("datetime64[s]")
        df["id"] = df["id"].astype("Int64")
        df["done"] = df["done"].astype("boolean")
    if name == "key_results":
        df["done"] = df["done"].astype("boolean")
        df["due"] = pd.to_datetime(df["due"]).astype("datetime64[s]")
    if "version" in df:  # the store version a record was read at (none for a file's own)
        df["version"] = df["version"].astype("Int64")
    return df


def to_frames(okrs: OkrSet) -> Frames:
    """Turn an OKR set into :class:`Frames`."""

    def values(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in skip}

    objectives = [values(o, ("key_results",)) for o in okrs.objectives]
    krs = [{**values(kr), "objective": o.id} for o, kr in okrs.key_results()]
    return Frames(
        cycle=okrs.cycle,
        objectives=_frame(objectives, "objectives"),
        key_results=_frame(krs, "key_results"),
        checkins=_frame([values(c) for c in okrs.checkins], "checkins"),
        kpis=_frame([values(k) for k in okrs.kpis], "kpis"),
        initiatives=_frame([values(i) for i in okrs.initiatives], "initiatives"),
    )


def stack_tables(by_cycle: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One table of several cycles: the tables one after the other, a ``cycle`` column first.

    For trends across quarters, such as scores over cycles::

        by_cycle = store.frames(cycles="all")
        krs = stack_tables({c: okrkit.score(f).key_results for c, f in by_cycle.items()})
        krs.pivot_table(index="id", columns="cycle", values="score")

    Parameters
    ----------
    by_cycle
        Cycle id -> table, in the order the rows should come (as :meth:`Store.frames` gives
        them: oldest cycle first).

    Returns
    -------
    pandas.DataFrame
        The rows of every table in turn, with a new 0-based index; columns are ``cycle`` and then
        those of the tables, their dtypes kept when the tables agree on them.

    Examples
    --------
    >>> a = pd.DataFrame({"id": ["K1"], "score": [0.5]})
    >>> b = pd.DataFrame({"id": ["K1", "K2"], "score": [0.7, 0.2]})
    >>> stack_tables({"2026-Q1": a, "2026-Q2": b}).to_dict("list")
    {'cycle': ['2026-Q1', '2026-Q2', '2026-Q2'], 'id': ['K1', 'K1', 'K2'], 'score': [0.5, 0.7, 0.2]}
    """
    if not by_cycle:
        return pd.DataFrame({"cycle": pd.Series([], dtype=object)})
    tables = [
        df.reset_index(drop=True).assign(cycle=pd.Series([c] * len(df), dtype=object))
        for c, df in by_cycle.items()
    ]
    filled = [t for t in tables if len(t)] or tables[:1]  # empty tables add no rows, nor dtypes
    out = pd.concat(filled, ignore_index=True)
    return out[["cycle", *[c for c in out.columns if c != "cycle"]]]


def stack(by_cycle: Mapping[str, Frames]) -> dict[str, pd.DataFrame]:
    """The frames of several cycles as one table per kind, each with a ``cycle`` column first.

    ``store.frames(cycles="all")`` gives the frames of every cycle; this stacks them for trends
    across quarters (:func:`stack_tables` does it for one table, such as scores).

    Parameters
    ----------
    by_cycle
        Cycle id -> :class:`Frames`, oldest cycle first (as :meth:`Store.frames` gives them).

    Returns
    -------
    dict
        ``objectives``, ``key_results``, ``checkins``, ``kpis`` and ``initiatives``: each a
        DataFrame with a ``cycle`` column and then :data:`FRAME_COLUMNS`.

    Examples
    --------
    >>> from okrkit import Objective, OkrSet
    >>> by_cycle = {c: to_frames(OkrSet(cycle=c, objectives=[Objective(id=f"O-{c}", title="Grow")]))
    ...             for c in ("2026-Q1", "2026-Q2")}
    >>> stack(by_cycle)["objectives"][["cycle", "id"]].to_dict("records")
    [{'cycle': '2026-Q1', 'id': 'O-2026-Q1'}, {'cycle': '2026-Q2', 'id': 'O-2026-Q2'}]
    """
    return {
        name: stack_tables({c: getattr(f, name) for c, f in by_cycle.items()})
        if by_cycle
        else pd.DataFrame({"cycle": pd.Series([], dtype=object)}).join(
            pd.DataFrame(columns=list(FRAME_COLUMNS[name]))
        )
        for name in FRAME_COLUMNS
    }


def check_numbers(frames: Frames, *, source: str = "frames") -> None:
    """Refuse frames with a number the model would refuse for its size.

    Frames need not come from validated objects (an edited frame, an old store), and the analysis
    takes them as they are: this is the model's check of sizes, done on whole columns. Values,
    start, target, current, threshold and KPI numbers must lie within ±:data:`MAX_NUMBER`,
    weights from :data:`MIN_WEIGHT` to :data:`MAX_WEIGHT`; a missing number is not checked.

    Raises
    ------
    ValidationError
        The model's error for the first such number, naming the frame, the row (its index
        label, as ``df.loc`` finds it) and the column.
    """
    for name, columns in _LIMITED.items():
        df = getattr(frames, name)
        for col in columns:
            values = _numbers(df, col)
            if values is None or not len(values):
                continue
            high = np.fmax.reduce(values, initial=-np.inf)  # NaN (missing) is left out
            low = np.fmin.reduce(values, initial=np.inf)
            if high > MAX_NUMBER or low < -MAX_NUMBER:
                row = int(np.flatnonzero(np.abs(values) > MAX_NUMBER)[0])
                _refuse(check_number, values[row], col, f"{source}.{name}", df.index[row])
    weights = _numbers(frames.key_results, "weight")
    if weights is not None:
        # A missing weight (a draft's hole) is for the quality checks to report, not refused.
        fine = np.isnan(weights) | ((weights >= MIN_WEIGHT) & (weights <= MAX_WEIGHT))
        if not fine.all():
            row = int(np.flatnonzero(~fine)[0])
            _refuse(
                lambda v, _: check_weight(v),
                weights[row],
                "weight",
                f"{source}.key_results",
                frames.key_results.index[row],
            )


def _numbers(df: pd.DataFrame, col: str) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    """A column as floats, missing values as NaN; ``None`` when there is no such column or it
    holds something else than numbers."""
    if col not in df.columns:
        return None
    try:
        return np.asarray(df[col].to_numpy("float64", na_value=np.nan), dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _refuse(
    check: Callable[[float, str], object], value: float, col: str, source: str, label: Hashable
) -> None:
    """Raise the error ``check`` raises for ``value``, placed at ``source`` and the row whose
    index label is ``label``."""
    try:
        check(float(value), col)
    except ValidationError as exc:
        row, text = _label_place(label)
        raise exc.at(source=source, row=row, label=text) from None


def _label_place(label: Hashable) -> tuple[int | None, str | None]:
    """A DataFrame row's place in an error, ``(row, label)``: ``row`` for a whole-number index
    label, else ``label``."""
    found = row_label(label)
    return (found, None) if isinstance(found, int) else (None, found)


def row_label(label: Hashable) -> int | str:
    """A DataFrame index label as an error names the row: a whole number as itself, anything
    else as text (``'K7'``, ``'2026-01-05 00:00:00'``), so that ``df.loc`` finds what it says.

    >>> row_label(np.int64(7)), row_label("K7"), row_label(7.0), row_label(("O1", 2))
    (7, 'K7', 7, "('O1', 2)")
    """
    if isinstance(label, bool | np.bool_):
        return str(label)
    if isinstance(label, int | np.integer):
        return int(label)
    if isinstance(label, float | np.floating) and float(label).is_integer():
        return int(label)
    return label if isinstance(label, str) else str(label)


def _plain(value: Any) -> Any:
    """A cell as a plain Python value: NaN/NA/NaT -> None, NumPy scalars -> Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, list | np.ndarray):
        return tuple(value)
    return value


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _plain_column(column: pd.Series) -> list[Any]:
    """``[_plain(v) for v in column]``, done on the whole column for the usual dtypes."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        array = column.to_numpy()
        values: list[Any] = array.tolist()
        return [None if v != v else v for v in values] if np.isnan(array).any() else values
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return list(column.to_numpy().tolist())
    if isinstance(dtype, pd.BooleanDtype | pd.Int64Dtype):
        return list(column.to_numpy(dtype=object, na_value=None).tolist())
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        days = column.to_numpy().astype("datetime64[D]")
        known = days[~np.isnat(days)].astype(np.int64)
        first, last = dt.date.min.toordinal() - _EPOCH, dt.date.max.toordinal() - _EPOCH
        if not len(known) or (known.min() >= first and known.max() <= last):
            unique, inverse = np.unique(days.astype(np.int64), return_inverse=True)
            dates = [
                dt.date.fromordinal(_EPOCH + d) if first <= d <= last else None  # None: NaT
                for d in unique.tolist()
            ]
            return list(np.array(dates, dtype=object)[inverse].tolist())
    values = column.tolist()
    if set(map(type, values)) <= {str, type(None)}:
        return values
    return [_plain(v) for v in values]


class Table:
    """Numbered rows of one table as columns of plain values, ``None`` for a missing value.

    What :func:`build_set` reads: check-ins are checked and built column by column when every
    value is already in its checked form, other rows one by one. ``numbers`` name the rows in
    errors: a file's row numbers (:func:`from_frames` turns a frame's into its index labels).
    """

    __slots__ = ("columns", "numbers")

    def __init__(self, numbers: list[int], columns: dict[str, list[Any]]) -> None:
        self.numbers = numbers
        self.columns = columns

    def __len__(self) -> int:
        return len(self.numbers)

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        """The rows as (row number, dict of the values that are not missing)."""
        names = list(self.columns)
        return [
            (number, {k: v for k, v in zip(names, values, strict=True) if v is not None})
            for number, *values in zip(self.numbers, *self.columns.values(), strict=True)
        ]


def table(df: pd.DataFrame, name: str, *, source: str) -> Table:
    """The rows of ``df`` (numbered from 1) as a :class:`Table`, refusing unknown columns.

    :func:`from_frames` names a row in its errors by the frame's index label instead."""
    allowed = FRAME_COLUMNS[name]
    unknown = [c for c in df.columns if c not in allowed]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(map(str, unknown))}",
            source=source,
            fix=f"columns of {name}: {', '.join(allowed)}",
        )
    numbers = list(range(1, len(df) + 1))
    if not df.columns.is_unique:  # df[name] would be a frame: take the rows as they come
        rows = df.to_dict("records")
        return Table(
            numbers,
            {str(c): [_plain(row[c]) for row in rows] for c in dict.fromkeys(df.columns)},
        )
    return Table(numbers, {str(c): _plain_column(df[c]) for c in df.columns})


def records(df: pd.DataFrame, name: str, *, source: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of ``df`` as (row number from 1, dict of plain values), refusing unknown columns."""
    return table(df, name, source=source).records()


def from_frames(frames: Frames, *, source: str = "frames") -> OkrSet:
    """Build a validated OKR set from :class:`Frames` (for instance after editing them).

    Raises
    ------
    InputError, ValidationError
        Naming the frame, the row and the field of the first problem. The row is the
        DataFrame's index label, as ``df.loc`` finds it: ``frames.key_results, row 'K7'`` for a
        frame indexed by id, ``row 7`` for the label 7 (the 8th row of a default index).

    Examples
    --------
    >>> from okrkit import Objective, KeyResult, OkrSet
    >>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Delight customers",
    ...     key_results=[KeyResult(id="K1", title="NPS 42", start=30, target=42)])])
    >>> f = to_frames(okrs)
    >>> krs = f.key_results.set_index(pd.Index(["K1"]))
    >>> krs.loc["K1", "weight"] = -1
    >>> from_frames(replace(f, key_results=krs))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    okrkit.errors.ValidationError: frames.key_results, row 'K1', field 'weight': ...
    """
    try:
        return build_set(
            frames.cycle,
            {name: table(df, name, source=f"{source}.{name}") for name, df in frames},
            source=source,
        )
    except (InputError, ValidationError) as exc:
        raise _at_label(exc, frames, source) from None


def _at_label(
    exc: InputError | ValidationError, frames: Frames, source: str
) -> InputError | ValidationError:
    """``exc`` with the row number of a frame (from 1) turned into that row's index label."""
    index = {f"{source}.{name}": df.index for name, df in frames}
    if exc.row is None or exc.label is not None or exc.source not in index:
        return exc
    labels = index[exc.source]
    if not 0 < exc.row <= len(labels):
        return exc
    row, label = _label_place(labels[exc.row - 1])
    return type(exc)(
        exc.problem,
        source=exc.source,
        line=exc.line,
        row=row,
        label=label,
        field=exc.field,
        fix=exc.fix,
    )


def build_set(
    cycle: object,
    tables: Mapping[str, Table | list[tuple[int, dict[str, Any]]]],
    *,
    source: str,
    sources: Mapping[str, str] | None = None,
) -> OkrSet:
    """Build an OKR set from numbered rows of the five tables (frames, CSV files, sheets)."""
    with _gc_paused():
        return _build_set(cycle, tables, source=source, sources=sources)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: building millions of objects that all stay alive
    would otherwise make it walk them again and again, for nothing to collect."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_set(
    cycle: object,
    tables: Mapping[str, Table | list[tuple[int, dict[str, Any]]]],
    *,
    source: str,
    sources: Mapping[str, str] | None,
) -> OkrSet:
    def src(name: str) -> str:
        return (sources or {}).get(name, f"{source}.{name}")

    def rows(name: str) -> list[tuple[int, dict[str, Any]]]:
        found = tables.get(name, [])
        return found.records() if isinstance(found, Table) else found

    krs: dict[str, list[KeyResult]] = {}
    kr_objective: dict[str, str] = {}
    for row, rec in rows("key_results"):
        objective = rec.pop("objective", None)
        kr = KeyResult.from_dict(rec, source=src("key_results"), row=row)
        if objective is None:
            raise ValidationError(
                "the key result names no objective",
                source=src("key_results"),
                row=row,
                field="objective",
                fix="give the id of the objective it measures",
            )
        krs.setdefault(str(objective).strip(), []).append(kr)
        kr_objective[kr.id] = str(objective).strip()
    objectives = []
    for row, rec in rows("objectives"):
        if "key_results" in rec:
            raise InputError(
                "key results go in their own table",
                source=src("objectives"),
                row=row,
                field="key_results",
            )
        ident = str(rec.get("id", "")).strip()
        objectives.append(
            Objective.from_dict(
                {**rec, "key_results": krs.pop(ident, [])}, source=src("objectives"), row=row
            )
        )
    for objective, orphans in krs.items():
        raise ValidationError(
            f"key result {orphans[0].id!r} belongs to objective {objective!r}, which is not listed",
            source=src("key_results"),
            field="objective",
            fix="add the objective or correct the id",
        )
    kinds: list[tuple[str, type[Any]]] = [
        ("kpis", KPI),
        ("initiatives", Initiative),
        ("checkins", CheckIn),
    ]
    built: dict[str, list[Any]] = {}
    for name, cls in kinds:
        given = tables.get(name)
        if name == "checkins" and isinstance(given, Table):
            try:
                checkins = checkins_from_columns(
                    given.columns, cycle if isinstance(cycle, Cycle) else None
                )
            except ValidationError as exc:
                raise _at_checkin(exc, rows("checkins"), src("checkins")) from None
            if checkins is not None:
                built[name] = checkins
                continue
        built[name] = []
        for row, rec in rows(name):
            checkin_id = rec.pop("id", None) if name == "checkins" else None
            if checkin_id is not None and not (
                (isinstance(checkin_id, int) and not isinstance(checkin_id, bool))
                or (isinstance(checkin_id, float) and checkin_id.is_integer())
            ):
                raise InputError(
                    f"{checkin_id!r} is not a check-in id",
                    source=src(name),
                    row=row,
                    field="id",
                    fix="write a whole number, or leave it empty",
                )
            item = cls.from_dict(rec, source=src(name), row=row)
            built[name].append(
                replace(item, id=int(checkin_id)) if checkin_id is not None else item
            )
    try:
        return OkrSet(cycle=cycle, objectives=tuple(objectives), **built)  # type: ignore[arg-type]
    except OkrkitError as exc:
        if isinstance(exc, InputError | ValidationError):
            if exc.field == "date":  # a check-in outside the cycle: name its row
                exc = _at_checkin(exc, rows("checkins"), src("checkins"))
            raise exc.at(source=source) from None
        raise


_CHECKIN_NUMBER = re.compile(r"^check-in (\d+)")


def _at_checkin(
    exc: InputError | ValidationError, rows: list[tuple[int, dict[str, Any]]], source: str
) -> InputError | ValidationError:
    """Point an error about the n-th check-in of a set (its date, its key result) at its row."""
    m = _CHECKIN_NUMBER.match(exc.problem)
    if exc.row is not None or not m or not 0 < int(m.group(1)) <= len(rows):
        return exc
    return type(exc)(
        exc.problem, source=source, row=rows[int(m.group(1)) - 1][0], field=exc.field, fix=exc.fix
    )

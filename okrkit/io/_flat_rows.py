"""One flat table of a set: a row per key result with its objective's columns (and the cycle's),
split into the tables of a set, and built from them.

The columns written are :data:`FLAT_COLUMNS`: ``cycle``, ``cycle_start``, ``cycle_end``, then
``objective_<field>`` for each column of the objectives table (``aligns_to`` keeps its name), then
``kr_id``, ``kr_title``, ``kr_owner``, ``kr_description``, ``kr_carried_from``, ``kr_silence``,
``kr_version`` and the other key result columns by their own names (``type``, ``target``, ...).
Reading also takes the key result columns without ``kr_`` and the names other OKR tools and
Swedish spreadsheets use (:data:`ALIASES`: ``Objective``, ``Key Result``, ``Baseline``,
``Target value``, ``commitZone``, ``Mål``, ``Nyckelresultat``, ``Målvärde``, ``Utfall``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from okrkit.errors import InputError, ValidationError
from okrkit.io._table_cells import (
    COLUMN_KINDS,
    TABLE_COLUMNS,
    cell_text,
    column_letter,
    convert_cell,
    is_blank,
    table_key,
)

__all__ = ["ALIASES", "FLAT_COLUMNS", "SIBLINGS", "flat_columns", "flat_rows", "split_flat"]

#: The tables a flat file does not hold, written beside it as ``<name>.<table>.csv``.
SIBLINGS = ("kpis", "initiatives", "checkins")

_PREFIXED_KR = ("id", "title", "owner", "description", "carried_from", "silence", "version")


def _flat_name(table: str, field: str) -> str:
    if table == "cycle":
        return "cycle" if field == "id" else f"cycle_{field}"
    if table == "objectives":
        return field if field == "aligns_to" else f"objective_{field}"
    return f"kr_{field}" if field in _PREFIXED_KR else field


_FIELDS: tuple[tuple[str, str], ...] = (
    *[("cycle", f) for f in TABLE_COLUMNS["cycle"]],
    *[("objectives", f) for f in TABLE_COLUMNS["objectives"]],
    *[("key_results", f) for f in TABLE_COLUMNS["key_results"] if f != "objective"],
)

#: The columns of a flat file, in the order they are written.
FLAT_COLUMNS: tuple[str, ...] = tuple(_flat_name(t, f) for t, f in _FIELDS)

#: Other names read for a column (compared without case, spaces, ``_`` and ``-``), as OKR tools
#: and spreadsheets name them.
ALIASES: dict[str, tuple[str, str]] = {
    "objective": ("objectives", "title"),
    "goal": ("objectives", "title"),
    "goal_title": ("objectives", "title"),
    "mål": ("objectives", "title"),
    "objective_name": ("objectives", "title"),
    "goal_id": ("objectives", "id"),
    "objective_aligns_to": ("objectives", "aligns_to"),
    "parent": ("objectives", "aligns_to"),
    "key_result": ("key_results", "title"),
    "key_result_title": ("key_results", "title"),
    "key_result_name": ("key_results", "title"),
    "nyckelresultat": ("key_results", "title"),
    "key_result_id": ("key_results", "id"),
    "key_result_type": ("key_results", "type"),
    "key_result_owner": ("key_results", "owner"),
    "key_result_description": ("key_results", "description"),
    "baseline": ("key_results", "start"),
    "initial_value": ("key_results", "start"),
    "start_value": ("key_results", "start"),
    "target_value": ("key_results", "target"),
    "stretch_goal": ("key_results", "target"),
    "current_value": ("key_results", "current"),
    "due_date": ("key_results", "due"),
    "quarter": ("cycle", "id"),
    # Swedish spreadsheets
    "kvartal": ("cycle", "id"),
    "period": ("cycle", "id"),
    "mål_id": ("objectives", "id"),
    "nyckelresultat_id": ("key_results", "id"),
    "startvärde": ("key_results", "start"),
    "utgångsläge": ("key_results", "start"),
    "målvärde": ("key_results", "target"),
    "nuvärde": ("key_results", "current"),
    "utfall": ("key_results", "current"),
    "enhet": ("key_results", "unit"),
    "klart_senast": ("key_results", "due"),
    "beskrivning": ("key_results", "description"),
}

_NAMES: dict[str, tuple[str, str]] = {
    **{f.replace("_", ""): ("key_results", f) for t, f in _FIELDS if t == "key_results"},
    **{k.replace("_", ""): v for k, v in ALIASES.items()},
    **{_flat_name(t, f).replace("_", ""): (t, f) for t, f in _FIELDS},
}


def flat_columns(cells: Sequence[object], source: str) -> list[tuple[str, str] | None] | None:
    """The (table, field) of each column of a flat file's header, ``None`` for an empty header
    cell; ``None`` when the header names no objective column (not a flat file).

    Raises
    ------
    InputError
        For an unknown or repeated column, naming it.
    """
    columns: list[tuple[str, str] | None] = []
    for i, cell in enumerate(cells):
        key = table_key(cell)
        if not key:
            columns.append(None)
            continue
        found = _NAMES.get(key.replace("_", ""))
        if found is None:
            raise InputError(
                f"unknown column {cell_text(cell)!r} (column {column_letter(i)})",
                source=source,
                row=1,
                field=cell_text(cell),
                fix=f"the columns of a flat file are {', '.join(FLAT_COLUMNS)};"
                " rename the column or delete it",
            )
        if found in columns:
            raise InputError(
                f"two columns hold the {found[1].replace('_', ' ')} of the"
                f" {'key result' if found[0] == 'key_results' else found[0].rstrip('s')}",
                source=source,
                row=1,
                field=cell_text(cell),
                fix="keep one",
            )
        columns.append(found)
    if not any(c is not None and c[0] == "objectives" and c[1] in ("id", "title") for c in columns):
        return None
    return columns


def split_flat(
    raw: Sequence[Sequence[object]], source: str
) -> tuple[dict[str, list[list[object]]], dict[tuple[str, str], str], list[ValidationError]]:
    """The ``cycle``, ``objectives`` and ``key_results`` tables of a flat file's rows.

    Each table keeps a row for each row of the file, blank where the file's row holds nothing of
    that table (an objective given on an earlier row, a row of an objective without key
    results), so that rows keep their numbers. Objectives are matched by id (by title when the
    file has no id column: ``O1``, ``O2`` ... in order); key results without an id column get
    ``<objective>-KR1`` .... Returns the tables, the header of each (table, field), and the
    conflicts: an objective or a cycle given differently on two rows.
    """
    header = raw[0] if raw else ()
    columns = flat_columns(header, source)
    if columns is None:
        raise InputError(
            "this CSV file is neither a flat file of key results nor a table of a folder",
            source=source,
            row=1,
            fix="name the objective columns objective_id and objective_title (one row per key"
            " result), or name the file after its table (objectives.csv) in a folder of tables",
        )
    names = {c: cell_text(header[i]).strip() for i, c in enumerate(columns) if c is not None}
    fields = {
        t: [f for (tt, f) in names if tt == t] for t in ("cycle", "objectives", "key_results")
    }
    has_oid, has_kid = ("objectives", "id") in names, ("key_results", "id") in names
    obj_fields = (["id"] if not has_oid else []) + fields["objectives"]
    kr_fields = ["objective", *(["id"] if not has_kid else []), *fields["key_results"]]
    index = {c: i for i, c in enumerate(columns) if c is not None}
    out: dict[str, list[list[object]]] = {
        "cycle": [list[object](TABLE_COLUMNS["cycle"])],
        "objectives": [list[object](obj_fields)],
        "key_results": [list[object](kr_fields)],
    }
    conflicts: list[ValidationError] = []
    seen: dict[str, tuple[int, dict[str, Any]]] = {}
    by_title: dict[str, str] = {}
    kr_count: dict[str, int] = {}
    cycle_row: tuple[int, dict[str, Any]] | None = None

    def cell(cells: Sequence[object], table: str, field: str) -> object:
        i = index.get((table, field))
        return cells[i] if i is not None and i < len(cells) else ""

    def same(table: str, field: str, a: object, b: object) -> bool:
        kind = COLUMN_KINDS[table].get(field, "text")
        try:
            return bool(convert_cell(a, kind) == convert_cell(b, kind))
        except InputError:
            return cell_text(a).strip() == cell_text(b).strip()

    def agree(
        first: tuple[int, dict[str, Any]], row: int, given: dict[str, Any], table: str, what: str
    ) -> None:
        for field, value in given.items():
            before = first[1].get(field)
            if is_blank(value) or is_blank(before) or same(table, field, before, value):
                first[1].setdefault(field, value)
                continue
            conflicts.append(
                ValidationError(
                    f"{what} is given differently on rows {first[0]} and {row}:"
                    f" {cell_text(before)!r} and {cell_text(value)!r}",
                    source=source,
                    row=row,
                    field=names[(table, field)],
                    fix="write the same on every row, or leave the cell empty after the first",
                )
            )
            return

    for number, cells in enumerate(raw[1:], start=2):
        blank_obj: list[object] = [""] * len(obj_fields)
        blank_kr: list[object] = [""] * len(kr_fields)
        cyc = {f: cell(cells, "cycle", f) for f in fields["cycle"]}
        if any(not is_blank(v) for v in cyc.values()):
            if cycle_row is None:
                cycle_row = (number, dict(cyc))
                out["cycle"].append([cyc.get(f, "") for f in TABLE_COLUMNS["cycle"]])
            else:
                agree(cycle_row, number, cyc, "cycle", "the cycle")
        obj = {f: cell(cells, "objectives", f) for f in fields["objectives"]}
        kr = {f: cell(cells, "key_results", f) for f in fields["key_results"]}
        kr_given = any(not is_blank(v) for v in kr.values())
        if all(is_blank(v) for v in obj.values()):
            out["objectives"].append(blank_obj)
            if kr_given:  # a key result without its objective: the set names the problem
                out["key_results"].append(["", *([""] if not has_kid else []), *kr.values()])
            else:
                out["key_results"].append(blank_kr)
            continue
        if has_oid:
            oid = cell_text(obj["id"]).strip() if not is_blank(obj["id"]) else ""
        else:
            title = cell_text(obj.get("title") or "").strip()
            oid = by_title.setdefault(title, f"O{len(by_title) + 1}")
        key = oid or f"\0{number}"
        if key in seen:
            agree(seen[key], number, obj, "objectives", f"objective {oid!r}")
            out["objectives"].append(blank_obj)
        else:
            seen[key] = (number, dict(obj))
            out["objectives"].append(([oid] if not has_oid else []) + list(obj.values()))
        if not kr_given:
            out["key_results"].append(blank_kr)
            continue
        kr_id: list[object] = []
        if not has_kid:
            kr_count[oid] = kr_count.get(oid, 0) + 1
            kr_id = [f"{oid}-KR{kr_count[oid]}"]
        out["key_results"].append([oid, *kr_id, *kr.values()])
    return out, {(t, f): n for (t, f), n in names.items()}, conflicts


def flat_rows(tables: dict[str, list[list[Any]]], cycle: Sequence[Any]) -> list[list[Any]]:
    """The rows of a flat file from the exported rows of each table (cells in the order of
    :data:`TABLE_COLUMNS`): a row per key result, a row for each objective without one, and a
    row holding only the cycle when there is no objective."""
    obj_columns = TABLE_COLUMNS["objectives"]
    kr_columns = [f for f in TABLE_COLUMNS["key_results"] if f != "objective"]
    kr_at = TABLE_COLUMNS["key_results"].index("objective")
    id_at = obj_columns.index("id")
    krs: dict[Any, list[list[Any]]] = {}
    for row in tables["key_results"]:
        krs.setdefault(row[kr_at], []).append(row[:kr_at] + row[kr_at + 1 :])
    out: list[list[Any]] = []
    for obj in tables["objectives"]:
        for kr in krs.get(obj[id_at], [[None] * len(kr_columns)]):
            out.append([*cycle, *obj, *kr])
    if not out:
        out.append([*cycle, *[None] * (len(obj_columns) + len(kr_columns))])
    return out

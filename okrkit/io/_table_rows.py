"""The rows of a flat table read into columns: the header matched to the columns of a set, the
cycle row, and set-level errors pointed at their table and row."""

from __future__ import annotations

import difflib
import itertools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from okrkit.cycles import Cycle
from okrkit.errors import InputError, OkrkitError, ValidationError
from okrkit.frames import Table
from okrkit.io._table_cells import (
    COLUMN_KINDS,
    TABLE_COLUMNS,
    TABLES,
    Rows,
    ambiguous_number,
    cell_text,
    column_decimal,
    column_letter,
    convert_cell,
    is_blank,
    table_key,
)
from okrkit.model import (
    KPI,
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    checkins_from_columns,
    parse_cycle,
)

__all__ = [
    "MAX_PROBLEMS",
    "Problems",
    "check_rows",
    "locate",
    "match_tables",
    "read_cycle",
    "table_columns",
    "table_rows",
]


#: How many problems of one file an error lists; the others are counted.
MAX_PROBLEMS = 50


class Problems:
    """The problems found in one input, listed up to :data:`MAX_PROBLEMS` and counted beyond.

    Memory stays bounded however many rows are wrong; :meth:`check` raises the first problem
    with the others in its ``errors`` (:meth:`okrkit.errors.InputError.listing`).
    """

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.found: list[InputError | ValidationError] = []
        self.more = 0
        self.limit = limit
        self.places: set[tuple[str | None, int | None, str | None]] = set()
        self._rows: dict[str | None, bytearray] = {}  # a flag per row with a problem

    def mark(self, source: str | None, row: int) -> None:
        """Note a problem in ``row`` of ``source`` (a byte a row, however many problems)."""
        flags = self._rows.setdefault(source, bytearray())
        if row >= len(flags):
            flags.extend(bytes(max(row + 1 - len(flags), len(flags))))
        flags[row] = 1

    def in_source(self, source: str) -> bool:
        """Whether a problem was found in a row of ``source``."""
        return source in self._rows

    def has_row(self, source: str, row: int) -> bool:
        """Whether a problem was found in ``row`` of ``source``."""
        flags = self._rows.get(source)
        return flags is not None and row < len(flags) and bool(flags[row])

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, exc: OkrkitError) -> None:
        assert isinstance(exc, InputError | ValidationError)
        for one in exc.errors:
            assert isinstance(one, InputError | ValidationError)
            if one.row is not None:
                self.mark(one.source, one.row)
            place = (one.source, one.row, one.field)
            if place in self.places:
                continue
            if len(self.found) < self.limit:
                self.places.add(place)
                self.found.append(one)
            else:
                self.more += 1
        self.more += exc.more

    def check(self) -> None:
        """Raise the problems found, if any."""
        if self.found:
            first, *others = self.found
            raise type(first)(
                first.problem, source=first.source, line=first.line, row=first.row,
                field=first.field, fix=first.fix,
            ).listing(others, self.more)  # fmt: skip


def _header(cells: Sequence[object], table: str, source: str) -> list[str | None]:
    """The column names of row 1 (``None`` for an empty header cell)."""
    allowed = TABLE_COLUMNS[table]
    if not cells or all(is_blank(c) for c in cells):
        raise InputError(
            "the table is empty: row 1 must name the columns",
            source=source,
            row=1,
            fix=f"write the header row {', '.join(allowed)}",
        )
    columns: list[str | None] = []
    for i, cell in enumerate(cells):
        name = table_key(cell) or None
        if name is not None and name not in allowed:
            raise InputError(
                f"unknown column {cell_text(cell)!r} (column {column_letter(i)})",
                source=source,
                row=1,
                field=cell_text(cell),
                fix=f"the columns of {table} are {', '.join(allowed)}",
            )
        if name is not None and name in columns:
            raise InputError(
                "the column appears twice", source=source, row=1, field=name, fix="keep one"
            )
        columns.append(name)
    return columns


def _decimals(
    raw: Sequence[Sequence[object]],
    columns: Sequence[str | None],
    table: str,
    decimal: str | None,
    semicolon: bool,
) -> dict[int, str | InputError]:
    """The decimal mark of each number column (by index): ``decimal`` when the locale gives it,
    else told from the column's texts; the error when a column's texts leave it open."""
    out: dict[int, str | InputError] = {}
    for i, name in enumerate(columns):
        if name is None or COLUMN_KINDS[table].get(name) != "number":
            continue
        if decimal is not None:
            out[i] = decimal
            continue
        texts = dict.fromkeys(r[i] for r in raw[1:] if i < len(r) and isinstance(r[i], str))
        try:
            out[i] = column_decimal(texts, semicolon=semicolon)  # type: ignore[arg-type]
        except InputError as exc:
            out[i] = exc
    return out


def table_rows(
    raw: Sequence[Sequence[object]],
    table: str,
    source: str,
    *,
    decimal: str | None = ".",
    semicolon: bool = False,
    problems: Problems | None = None,
) -> Rows:
    """Numbered rows of one table as dicts of converted cells; blank rows are skipped.

    ``decimal`` is the decimal mark of numbers written as text, ``None`` to tell it from each
    column (:func:`column_decimal`; ``semicolon``: the file is ``;``-separated). With
    ``problems`` every cell that cannot be read is added to it and left out of its row;
    without, the first one is raised.
    """
    columns = _header(raw[0] if raw else (), table, source)
    marks = _decimals(raw, columns, table, decimal, semicolon)
    told: set[int] = set()
    out: Rows = []
    for number, cells in enumerate(raw[1:], start=2):
        rec: dict[str, Any] = {}
        for i, cell in enumerate(cells):
            name = columns[i] if i < len(columns) else None
            if cell is None or cell == "" or (name is None and is_blank(cell)):
                continue
            if name is None:
                exc = InputError(
                    f"column {column_letter(i)} holds a value but has no name in row 1",
                    source=source,
                    row=number,
                    fix="name the column or clear it",
                )
                if problems is None:
                    raise exc
                problems.add(exc)
                continue
            mark = marks.get(i, ".")
            try:
                if isinstance(mark, InputError):  # the column reads two ways
                    twice = (
                        ambiguous_number(cell, semicolon=semicolon)
                        if isinstance(cell, str)
                        else None
                    )
                    if twice is not None:
                        if i in told:  # one error for the column, at its first such cell
                            if problems is not None:
                                problems.mark(source, number)  # its row is not judged
                            continue
                        told.add(i)
                        raise twice
                    mark = "," if semicolon else "."
                value = convert_cell(cell, COLUMN_KINDS[table].get(name, "text"), mark)
            except InputError as exc:
                placed = exc.at(source=source, row=number, field=name)
                if problems is None:
                    raise placed from None
                problems.add(placed)
                continue
            if value is not None:
                rec[name] = value
        if not all(is_blank(c) for c in cells):
            out.append((number, rec))
    return out


def table_columns(
    raw: Sequence[Sequence[object]],
    table: str,
    source: str,
    *,
    texts: bool,
    decimal: str | None = ".",
    semicolon: bool = False,
    problems: Problems | None = None,
) -> Table:
    """The rows of one table as columns: :func:`table_rows`, done column by column for CSV.

    With ``texts`` (every cell is a text, as the csv module reads them) a table of full rows is
    converted a column at a time, each distinct text once. Any other table, and any table with
    a cell that cannot be converted, goes through :func:`table_rows`, which names every problem
    (or the first, without ``problems``).
    """
    columns = _header(raw[0] if raw else (), table, source)
    fast = (
        _text_columns(raw[1:], columns, table, decimal, semicolon, problems, source)
        if texts
        else None
    )
    if fast is not None:
        return fast
    rows = table_rows(raw, table, source, decimal=decimal, semicolon=semicolon, problems=problems)
    names = [c for c in columns if c is not None]
    return Table([n for n, _ in rows], {c: [rec.get(c) for _, rec in rows] for c in names})


def _text_columns(
    body: Sequence[Sequence[object]],
    columns: Sequence[str | None],
    table: str,
    decimal: str | None,
    semicolon: bool,
    problems: Problems | None,
    source: str,
) -> Table | None:
    """:func:`table_columns` for full rows of texts, each distinct text converted once; a cell
    that cannot be read is added to ``problems`` and left empty. ``None`` when a row needs
    :func:`table_rows` (a ragged row, a column whose decimal mark is open, a problem without
    ``problems``)."""
    names = [c for c in columns if c is not None]
    if len(names) < len(columns) or not set(map(len, body)) <= {len(columns)}:
        return None
    cells: list[list[str]] = [list(map(operator.itemgetter(i), body)) for i in range(len(columns))]
    distinct = [set(column) for column in cells]
    numbers = list(range(2, len(body) + 2))
    # A row is blank when every cell is; one column without a blank cell shows there is none.
    if not any(all(text.strip() for text in texts) for texts in distinct):
        filled = np.zeros(len(body), dtype=bool)
        for column, texts in zip(cells, distinct, strict=True):
            seen = {text: bool(text.strip()) for text in texts}
            filled |= np.fromiter(map(seen.__getitem__, column), dtype=bool, count=len(body))
        cells = [list(itertools.compress(column, filled)) for column in cells]
        distinct = [set(column) for column in cells]
        numbers = list(itertools.compress(numbers, filled))
    kinds = [COLUMN_KINDS[table].get(name, "text") for name in names]
    marks: list[str] = []
    for kind, texts in zip(kinds, distinct, strict=True):
        mark = decimal or "."
        if decimal is None and kind == "number":
            try:
                mark = column_decimal(texts, semicolon=semicolon)
            except InputError:  # table_rows names it once, at its first cell
                return None
        marks.append(mark)
    out: dict[str, list[Any]] = {}
    found: list[tuple[int, int, InputError, str]] = []
    for name, kind, mark, column, texts in zip(names, kinds, marks, cells, distinct, strict=True):
        plain = kind == "number" and mark == "."
        known: Mapping[str, Any] | None = _numbers(texts) if plain else None
        if known is None:
            known, bad = {}, {}
            for text in texts:
                try:
                    known[text] = convert_cell(text, kind, mark)
                except InputError as exc:
                    if problems is None:
                        return None
                    known[text], bad[text] = None, exc
            if bad and problems is not None:  # the first rows of each column, the rest counted
                rows = (i for i, text in enumerate(column) if text in bad)
                first = list(itertools.islice(rows, problems.limit))
                found += [(i, len(out), bad[column[i]], name) for i in first]
                for i in rows:  # counted, and their rows not judged again
                    problems.more += 1
                    problems.mark(source, numbers[i])
        out[name] = list(map(known.__getitem__, column))
    for i, _, error, name in sorted(found, key=lambda f: f[:2]):  # row by row, as one reads
        assert problems is not None
        problems.add(error.at(source=source, row=numbers[i], field=name))
    return Table(numbers, out)


def _numbers(texts: set[str]) -> dict[str, float | None] | None:
    """Number texts converted as :func:`convert_cell` does, with NumPy; ``None`` when a text is not
    a plain number (``float`` also takes ``1_000``, ``nan``, and quoted or blank texts)."""
    given = [text for text in texts if text != ""]
    if not given or "_" in "".join(given) or max(map(len, given)) > 400:
        return None
    try:
        numbers = np.array(given, dtype=object).astype(np.float64)
    except ValueError:
        return None
    if not np.isfinite(numbers).all():
        return None
    known: dict[str, float | None] = dict(zip(given, numbers.tolist(), strict=True))
    known[""] = None
    return known


def read_cycle(rows: Rows, source: str) -> Cycle:
    if len(rows) != 1:
        raise InputError(
            f"the cycle table needs exactly one row, found {len(rows)}",
            source=source,
            row=rows[1][0] if rows else 2,
            fix="write one row: id, start, end, such as 2026-Q1, 2026-01-01, 2026-03-31",
        )
    row, rec = rows[0]
    if ("start" in rec) != ("end" in rec):
        raise ValidationError(
            "the cycle needs both start and end, or neither",
            source=source,
            row=row,
            field="start" if "end" in rec else "end",
            fix="give both dates, or only an id such as 2026-Q1",
        )
    try:
        return parse_cycle(rec if "start" in rec else rec.get("id", ""))
    except ValidationError as exc:
        field = (exc.field or "cycle").removeprefix("cycle").removeprefix(".") or "id"
        raise ValidationError(
            exc.problem, source=source, row=row, field=field, fix=exc.fix
        ) from None


_ITEM = re.compile(r"^(?:KPI|initiative) (\S+) names|duplicate id '([^']+)'|key result '([^']+)' b")


def locate(
    exc: InputError | ValidationError, tables: Mapping[str, Table], sources: Mapping[str, str]
) -> InputError | ValidationError:
    """Point a set-level error (duplicate id, unknown key result) at its table and row."""
    place: tuple[str, int] | None = None
    m = re.search(r"check-in (\d+)", exc.problem)
    if exc.row is None and m and 0 < int(m.group(1)) <= len(tables["checkins"]):
        place = ("checkins", tables["checkins"].numbers[int(m.group(1)) - 1])
    elif exc.row is None and (m := _ITEM.search(exc.problem)):
        ident = next(g for g in m.groups() if g)
        for table in ("objectives", "key_results", "kpis", "initiatives"):
            for n, rec in tables[table].records():
                if str(rec.get("id", "")).strip() == ident:
                    place = (table, n)  # the last one: the duplicate
    if place is None:
        return exc
    return type(exc)(
        exc.problem, source=sources[place[0]], row=place[1], field=exc.field, fix=exc.fix
    )


def match_tables(names: Iterable[str], where: str, kind: str) -> dict[str, str]:
    """Map each table to the file or sheet name that holds it; refuse look-alike names."""
    found: dict[str, str] = {}
    for name in sorted(names, key=lambda n: table_key(n) not in TABLES):
        table = table_key(name)
        if table in found:
            raise InputError(
                f"both {found[table]!r} and {name!r} hold {table}", source=where, fix="keep one"
            )
        if table in TABLES:
            found[table] = name
            continue
        if table_key(name.rpartition(".")[2]) in TABLES:  # okrs.checkins: beside a flat file
            continue
        close = difflib.get_close_matches(table, [t for t in TABLES if t not in found], 1, 0.8)
        if close:
            raise InputError(
                f"the {kind} {name!r} is not a table; is it {close[0]}?",
                source=where,
                fix=f"rename it to {close[0]}",
            )
    return found


_RECORDS: dict[str, type[Any]] = {
    "objectives": Objective,
    "key_results": KeyResult,
    "kpis": KPI,
    "initiatives": Initiative,
    "checkins": CheckIn,
}


def _checkins_fine(table: Table, source: str, problems: Problems) -> bool:
    """Whether the check-ins without a problem yet are all fine on their own, checked column by
    column (:func:`okrkit.model.checkins_from_columns`) instead of one by one."""
    columns = table.columns
    if problems.in_source(source):
        keep = [not problems.has_row(source, n) for n in table.numbers]
        columns = {k: list(itertools.compress(v, keep)) for k, v in columns.items()}
    return checkins_from_columns(columns) is not None


def check_rows(tables: Mapping[str, Table], sources: Mapping[str, str], problems: Problems) -> None:
    """Add to ``problems`` what is wrong with each row on its own, and the ids each table repeats
    or names in vain, so that one error lists them all.

    Rows already in ``problems`` (a cell that could not be read) are not checked again. The
    set-level rules (alignment, check-in dates) are left to the set, which names the first.
    """
    seen: dict[str, tuple[str, int]] = {}
    # The objectives named, readable or not: their key results are not orphans.
    objectives = {str(rec.get("id", "")).strip() for _, rec in tables["objectives"].records()}
    for table, cls in _RECORDS.items():
        source = sources[table]
        if table == "checkins" and _checkins_fine(tables[table], source, problems):
            continue
        for row, rec in tables[table].records():
            if problems.has_row(source, row):
                continue
            rec = dict(rec)
            rec.pop("objective", None) if table == "key_results" else None
            rec.pop("id", None) if table == "checkins" else None
            try:
                cls.from_dict(rec, source=source, row=row)
            except (InputError, ValidationError) as exc:
                problems.add(exc)
                continue
            ident = str(rec.get("id", "")).strip()
            if table == "checkins":
                continue
            if ident in seen:
                where = seen[ident][0] if seen[ident][0] != source else ""
                problems.add(
                    ValidationError(
                        f"duplicate id {ident!r}: {where or 'row'}{', row' if where else ''}"
                        f" {seen[ident][1]} has it too",
                        source=source,
                        row=row,
                        field="id",
                        fix="give each objective, key result, KPI and initiative its own id",
                    )
                )
            seen.setdefault(ident, (source, row))
    for row, rec in tables["key_results"].records():
        objective = str(rec.get("objective", "")).strip()
        if problems.has_row(sources["key_results"], row):
            continue
        if not objective:
            problems.add(
                ValidationError(
                    "the key result names no objective",
                    source=sources["key_results"],
                    row=row,
                    field="objective",
                    fix="give the id of the objective it measures",
                )
            )
        elif objective not in objectives:
            problems.add(
                ValidationError(
                    f"key result {str(rec.get('id', '')).strip()!r} belongs to objective"
                    f" {objective!r}, which is not listed",
                    source=sources["key_results"],
                    row=row,
                    field="objective",
                    fix="add the objective or correct the id",
                )
            )

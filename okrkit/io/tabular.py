"""Read and write OKR sets as flat tables: a folder of CSV files or one Excel workbook.

Most teams start from a spreadsheet. A set is six tables: ``cycle`` (one row: ``id``, ``start``,
``end``), ``objectives``, ``key_results`` (with an ``objective`` column), ``kpis``, ``initiatives``
and ``checkins``, with the columns of :data:`okrkit.frames.FRAME_COLUMNS`. As CSV they are the
files ``<table>.csv`` in one folder (UTF-8; a byte order mark is accepted, and written so that
Excel shows accents right); as Excel they are the sheets of one ``.xlsx`` workbook.

Reading is forgiving about layout and strict about content. ``cycle`` and ``objectives`` must be
there, other tables may be left out; columns may be left out or reordered; table and column names
are matched ignoring case and spaces (``Key Results``); other files and sheets are ignored unless
their name looks like a table's. Every cell is converted by its column: numbers (``25``, ``0.5``;
not ``25%``), ``done`` (true/false, yes/no, 1/0, ja/nej), ISO dates, lists of ids separated by
``;`` or ``,``; an empty cell is missing. Errors name the file (``book.xlsx[kpis]`` for a sheet),
the row as a spreadsheet shows it (the header is row 1, the first data row is row 2) and the
column.

Writing neutralises formula injection: a text that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return (after any apostrophes) gets a leading ``'``, which reading strips again, so
``-5 % after launch`` survives a round trip. Excel keeps line breaks as ``\\n`` only, so a ``\\r``
in a text does not survive an ``.xlsx`` round trip. Exports go to a temporary file (or folder)
that replaces the old one only when complete.

Examples
--------
>>> import tempfile
>>> from okrkit import KeyResult, Objective, OkrSet
>>> okrs = OkrSet(cycle="2026-Q1", objectives=[Objective(id="O1", title="Delight customers",
...     key_results=[KeyResult(id="K1", title="NPS 42", start=30, target=42)])])
>>> with tempfile.TemporaryDirectory() as tmp:
...     read_tables(write_csv(okrs, Path(tmp) / "okrs")) == okrs
True
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import io
import itertools
import math
import operator
import os
import re
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from okrkit.cycles import Cycle
from okrkit.errors import InputError, ValidationError
from okrkit.frames import FRAME_COLUMNS, Table, build_set, records, to_frames
from okrkit.io.xlsx_guard import CheckedWorkbook, check_workbook, unreadable
from okrkit.io.yaml_io import MAX_BYTES, not_utf8
from okrkit.model import MAX_NUMBER, OkrSet, loop_error, parse_cycle

__all__ = [
    "TABLES",
    "TABLE_COLUMNS",
    "load_csv",
    "load_xlsx",
    "neutralise",
    "read_tables",
    "unquote",
    "write_csv",
    "write_xlsx",
]

#: The tables of a set, in the order they are written.
TABLES = ("cycle", "objectives", "key_results", "kpis", "initiatives", "checkins")
#: The columns of each table, in the order they are written.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {"cycle": ("id", "start", "end"), **FRAME_COLUMNS}
_REQUIRED = ("cycle", "objectives")
# How the cells of a column are read; columns not listed are text.
_NUMBERS = {
    "key_results": ("weight", "confidence", "start", "target", "current", "grade", "threshold"),
    "kpis": ("target", "current"),
    "checkins": ("value", "grade", "confidence"),
}
_KINDS: dict[str, dict[str, str]] = {
    table: dict.fromkeys(_NUMBERS.get(table, ()), "number") for table in TABLES
}
_KINDS["cycle"].update(start="date", end="date")
_KINDS["objectives"].update(aligns_to="list")
_KINDS["key_results"].update(done="bool")
_KINDS["kpis"].update(measures="list")
_KINDS["initiatives"].update(supports="list")
_KINDS["checkins"].update(id="int", date="date", done="bool")
for _table in ("objectives", "key_results", "kpis", "initiatives"):
    _KINDS[_table].update(silence="silence")
# What a cell of each kind must look like, and how to fix it.
_EXPECTED = {
    "number": ("a number", "write a plain number such as 25 or 0.5 (no % or units; 0.5 not 0,5)"),
    "int": ("a whole number", "write a whole number, or leave the cell empty"),
    "bool": ("true or false", "write true or false (yes/no, 1/0 and ja/nej work too)"),
    "date": ("a date", "write an ISO date such as 2026-02-03, or format the cell as a date"),
    "silence": (
        "a list of silenced findings",
        "write one 'CODE: reason' per line, e.g. 'OKR202: the launch is the outcome'",
    ),
}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_BOOLS = dict.fromkeys(("true", "yes", "1", "ja"), True) | dict.fromkeys(
    ("false", "no", "0", "nej"), False
)
_DANGER = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_MAX_TEXT = 32767

Rows = list[tuple[int, dict[str, Any]]]


# --- cells ------------------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """Make a cell value safe from formula injection; :func:`unquote` undoes it.

    A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any
    apostrophes, gets a leading ``'``; other texts and all non-texts are returned as they are.

    Examples
    --------
    >>> neutralise("=SUM(A1:A9)"), neutralise("'-5 %"), neutralise("fine"), neutralise(-5.0)
    ("'=SUM(A1:A9)", "''-5 %", 'fine', -5.0)
    """
    if isinstance(value, str) and value.lstrip("'")[:1] in _DANGER:
        return "'" + value
    return value


def unquote(text: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'`` when the text after the ``'``s needs it.

    Examples
    --------
    >>> unquote("'=SUM(A1:A9)"), unquote("''-5 %"), unquote("'quoted")
    ('=SUM(A1:A9)', "'-5 %", "'quoted")
    """
    return text[1:] if text[:1] == "'" and text.lstrip("'")[:1] in _DANGER else text


def _text(value: object) -> str:
    """Any cell as text; typed spreadsheet cells as a person would type them."""
    if isinstance(value, str):
        return unquote(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)


def _convert(value: object, kind: str) -> Any:
    """One cell converted for a column of ``kind``; ``None`` for an empty cell."""
    if value is None or value == "":
        return None
    if kind == "text":
        return _text(value)
    if kind == "list":
        return tuple(i.strip() for i in re.split(r"[;,]", _text(value)) if i.strip()) or None
    if kind == "silence":
        pairs = [line.partition(":") for line in _text(value).splitlines() if line.strip()]
        if not all(sep for _, sep, _ in pairs):
            what, fix = _EXPECTED[kind]
            raise InputError(f"{_shown(value)} is not {what}", fix=fix)
        return tuple((code.strip(), reason.strip()) for code, _, reason in pairs) or None
    if isinstance(value, str):
        value = unquote(value).strip()
        if not value:
            return None
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if kind == "number":
        if number is None and isinstance(value, str) and _NUMBER.fullmatch(value):
            number = float(value) if len(value) <= 400 else math.inf
        if number is not None:
            if not math.isfinite(number):
                raise InputError(
                    f"{_shown(value)} is too large or not a number",
                    fix=f"write a number from -{MAX_NUMBER:.0e} to {MAX_NUMBER:.0e}"
                    " (not NaN or infinity)",
                )
            return float(number)
    elif kind == "int":
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value):
            number = int(value) if len(value) <= 30 else math.inf
        if number is not None and abs(number) >= 2**63:
            raise InputError(
                f"{_shown(value)} is too large",
                fix="write a smaller whole number, or leave it empty",
            )
        if number is not None and float(number).is_integer():
            return int(number)
    elif kind == "bool":
        if isinstance(value, bool) or number in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in _BOOLS:
            return _BOOLS[value.lower()]
    elif isinstance(value, dt.date):  # kind == "date"
        return value.date() if isinstance(value, dt.datetime) else value
    elif isinstance(value, str):
        for parse in (dt.date.fromisoformat, lambda s: dt.datetime.fromisoformat(s).date()):
            try:
                return parse(value)
            except ValueError:
                pass
    what, fix = _EXPECTED[kind]
    if isinstance(value, dt.date) and kind != "date":
        fix += "; the cell is formatted as a date, format it as a number or as text"
    raise InputError(f"{_shown(value)} is not {what}", fix=fix)


def _shown(value: object, room: int = 60) -> str:
    """A cell as it looks in the sheet, quoted and shortened for an error message."""
    text = repr(_text(value) if isinstance(value, dt.date | dt.time) else value)
    return text if len(text) <= room else text[: room - 1] + "…"


def _key(name: object) -> str:
    """A header, file or sheet name as a table or column name: ``Key Results`` -> key_results."""
    return "" if name is None else re.sub(r"[\s-]+", "_", _text(name).strip().lower())


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- reading ----------------------------------------------------------------------------------


def _header(cells: Sequence[object], table: str, source: str) -> list[str | None]:
    """The column names of row 1 (``None`` for an empty header cell)."""
    allowed = TABLE_COLUMNS[table]
    if not cells or all(_blank(c) for c in cells):
        raise InputError(
            "the table is empty: row 1 must name the columns",
            source=source,
            row=1,
            fix=f"write the header row {', '.join(allowed)}",
        )
    columns: list[str | None] = []
    for i, cell in enumerate(cells):
        name = _key(cell) or None
        if name is not None and name not in allowed:
            raise InputError(
                f"unknown column {_text(cell)!r} (column {_letter(i)})",
                source=source,
                row=1,
                field=_text(cell),
                fix=f"the columns of {table} are {', '.join(allowed)}",
            )
        if name is not None and name in columns:
            raise InputError(
                "the column appears twice", source=source, row=1, field=name, fix="keep one"
            )
        columns.append(name)
    return columns


def _rows(raw: Sequence[Sequence[object]], table: str, source: str) -> Rows:
    """Numbered rows of one table as dicts of converted cells; blank rows are skipped."""
    columns = _header(raw[0] if raw else (), table, source)
    out: Rows = []
    for number, cells in enumerate(raw[1:], start=2):
        rec: dict[str, Any] = {}
        for i, cell in enumerate(cells):
            name = columns[i] if i < len(columns) else None
            if cell is None or cell == "" or (name is None and _blank(cell)):
                continue
            if name is None:
                raise InputError(
                    f"column {_letter(i)} holds a value but has no name in row 1",
                    source=source,
                    row=number,
                    fix="name the column or clear it",
                )
            try:
                value = _convert(cell, _KINDS[table].get(name, "text"))
            except InputError as exc:
                raise exc.at(source=source, row=number, field=name) from None
            if value is not None:
                rec[name] = value
        if not all(_blank(c) for c in cells):
            out.append((number, rec))
    return out


def _columns(raw: Sequence[Sequence[object]], table: str, source: str, *, texts: bool) -> Table:
    """The rows of one table as columns: :func:`_rows`, done column by column for CSV.

    With ``texts`` (every cell is a text, as the csv module reads them) a table of full rows is
    converted a column at a time, each distinct text once. Any other table, and any table with
    a cell that cannot be converted, goes through :func:`_rows`, which names the first problem.
    """
    columns = _header(raw[0] if raw else (), table, source)
    fast = _text_columns(raw[1:], columns, table) if texts else None
    if fast is not None:
        return fast
    rows = _rows(raw, table, source)
    names = [c for c in columns if c is not None]
    return Table([n for n, _ in rows], {c: [rec.get(c) for _, rec in rows] for c in names})


def _text_columns(
    body: Sequence[Sequence[object]], columns: Sequence[str | None], table: str
) -> Table | None:
    """:func:`_columns` for full rows of texts; ``None`` when a row needs :func:`_rows`."""
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
    out: dict[str, list[Any]] = {}
    for name, column, texts in zip(names, cells, distinct, strict=True):
        kind = _KINDS[table].get(name, "text")
        known: Mapping[str, Any] | None = _numbers(texts) if kind == "number" else None
        if known is None:
            try:
                known = {text: _convert(text, kind) for text in texts}
            except InputError:
                return None
        out[name] = list(map(known.__getitem__, column))
    return Table(numbers, out)


def _numbers(texts: set[str]) -> dict[str, float | None] | None:
    """Number texts converted as :func:`_convert` does, with NumPy; ``None`` when a text is not
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


def _cycle(rows: Rows, source: str) -> Cycle:
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


def _locate(
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


def _match(names: Iterable[str], where: str, kind: str) -> dict[str, str]:
    """Map each table to the file or sheet name that holds it; refuse look-alike names."""
    found: dict[str, str] = {}
    for name in sorted(names, key=lambda n: _key(n) not in TABLES):
        table = _key(name)
        if table in found:
            raise InputError(
                f"both {found[table]!r} and {name!r} hold {table}", source=where, fix="keep one"
            )
        if table in TABLES:
            found[table] = name
            continue
        close = difflib.get_close_matches(table, [t for t in TABLES if t not in found], 1, 0.8)
        if close:
            raise InputError(
                f"the {kind} {name!r} is not a table; is it {close[0]}?",
                source=where,
                fix=f"rename it to {close[0]}",
            )
    return found


def _load(
    raw: Mapping[str, Sequence[Sequence[object]]],
    sources: dict[str, str],
    source: str,
    *,
    texts: bool = False,
) -> OkrSet:
    """Build the set from the raw rows of every table (header first); ``texts``: every cell
    is a text (CSV)."""
    tables = {
        t: _columns(raw[t], t, sources[t], texts=texts) if t in raw else Table([], {})
        for t in TABLES
    }
    cycle = _cycle(tables["cycle"].records(), sources["cycle"])
    try:
        okrs = build_set(cycle, tables, source=source, sources=sources)
    except (InputError, ValidationError) as exc:
        raise _locate(exc, tables, sources) from None
    loop = okrs.alignment_loop()
    if loop:  # point at the row whose aligns_to closes the loop
        row = next(
            n for n, rec in tables["objectives"].records() if str(rec.get("id")).strip() == loop[-2]
        )
        raise loop_error(loop).at(source=sources["objectives"], row=row)
    return okrs


def _check_file(path: Path, source: str) -> None:
    if not path.is_file():
        raise InputError("no such file", source=source, fix="check the path")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(
            f"the file is larger than {MAX_BYTES // 2**20} MB",
            source=source,
            fix="split it into smaller files",
        )


def _read_csv(path: Path) -> list[list[str]]:
    """The rows of one CSV file (UTF-8 with or without BOM; ``,``, ``;`` or tab separated)."""
    source = str(path)
    _check_file(path, source)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(exc, source, "save as CSV UTF-8") from None
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", source=source, fix="check its permissions"
        ) from None
    header = text.split("\n", 1)[0]
    delimiter = next((d for d in ",;\t" if d in header), ",")
    plain = _split_plain(text, delimiter)
    if plain is not None:
        return plain
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(
                f"a cell holds more than {csv.field_size_limit():,} characters",
                source=source,
                line=reader.line_num,
                fix="a text holds at most 32,767 characters; shorten it",
            ) from None
        raise InputError(
            f"this is not valid CSV: {exc}",
            source=source,
            line=reader.line_num,
            fix='check the quotes (") up to that line: a quote that opens a cell must close it',
        ) from None


def _split_plain(text: str, delimiter: str) -> list[list[str]] | None:
    """The rows the csv module reads from ``text``, by splitting lines and cells; ``None`` when
    that would not give the same rows: a quote, a carriage return not ending a line, a NUL (the
    csv module refuses it) or a line longer than the csv module's field size limit."""
    text = text.replace("\r\n", "\n")
    if '"' in text or "\r" in text or "\x00" in text:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None
    return [line.split(delimiter) if line else [] for line in lines]


def _missing(table: str, source: str, what: str) -> InputError:
    columns = ", ".join(TABLE_COLUMNS[table])
    return InputError(f"{what} {table} is missing", source=source, fix=f"add it with {columns}")


def load_csv(folder: str | os.PathLike[str]) -> OkrSet:
    """Load an OKR set from a folder of CSV files (``cycle.csv``, ``objectives.csv``, ...).

    ``cycle.csv`` and ``objectives.csv`` are required; a missing ``key_results.csv``,
    ``kpis.csv``, ``initiatives.csv`` or ``checkins.csv`` is an empty table.

    Raises
    ------
    InputError
        When a file is missing, unreadable or empty, or a column or cell cannot be read. The
        message names the file, the row (the header is row 1; a multi-line cell is one row) and
        the column.
    ValidationError
        When the data breaks a rule of the model, with the same place.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("no such folder", source=str(folder), fix="check the path")
    files = {p.stem: p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file()}
    found = _match(files, str(folder), "file")
    sources = {t: str(files[found[t]] if t in found else folder / f"{t}.csv") for t in TABLES}
    for table in _REQUIRED:
        if table not in found:
            raise _missing(table, sources[table], "the file for")
    raw = {table: _read_csv(files[name]) for table, name in found.items()}
    return _load(raw, sources, str(folder), texts=True)


def load_xlsx(path: str | os.PathLike[str]) -> OkrSet:
    """Load an OKR set from an Excel workbook with one sheet per table.

    The workbook is opened read-only with cached values only: formulas are never evaluated (a
    formula cell reads as the value Excel last saved, or as empty). Sheets other than the tables
    are ignored; ``cycle`` and ``objectives`` are required. Before openpyxl reads it, the file is
    checked as :mod:`okrkit.io.xlsx_guard` describes: a zip bomb, an XML bomb or a sheet wider
    than 256 columns or longer than 10 million rows is refused in seconds.

    Raises
    ------
    InputError
        When the file is not a readable ``.xlsx`` workbook (the message says why: cut short,
        encrypted, not XML, a limit passed, ...), a sheet is missing or empty, or a column or
        cell cannot be read. The message names the sheet as ``book.xlsx[sheet]``, the row as
        Excel shows it and the column.
    ValidationError
        When the data breaks a rule of the model, with the same place.
    """
    path = Path(path)
    source = str(path)
    _check_file(path, source)
    # Our own handle: openpyxl leaves its file open when a broken workbook stops it.
    with path.open("rb") as handle:
        checked = check_workbook(handle, source, tables=lambda name: _key(name) in TABLES)
        try:
            titles, raw = _read_sheets(handle, checked, source)
        finally:
            checked.archive.close()
        sources = {t: f"{source}[{titles.get(t, t)}]" for t in TABLES}
        for table in _REQUIRED:
            if table not in raw:
                raise _missing(table, sources[table], "the sheet")
        try:
            return _load(raw, sources, source)
        except (InputError, ValidationError) as exc:
            raise _explain_formula(exc, handle, source, raw, titles) from None


def _read_sheets(
    handle: io.BufferedReader, checked: CheckedWorkbook, source: str
) -> tuple[dict[str, str], dict[str, list[tuple[object, ...]]]]:
    """The sheet of each table, and its rows, from a workbook :func:`check_workbook` passed."""
    import openpyxl

    raw: dict[str, list[tuple[object, ...]]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # the check passed it, openpyxl still cannot open it
            raise unreadable(exc, source) from None
        try:
            sheets = {ws.title: ws for ws in book.worksheets}
            titles = _match(sheets, source, "sheet")
            for title in titles.values():  # the part openpyxl reads is the one checked
                checked.check_table(sheets[title]._worksheet_path, f"{source}[{title}]")
            for table, title in titles.items():
                sheet = sheets[title]
                sheet.reset_dimensions()  # trust the cells, not the stored size
                try:
                    raw[table] = list(sheet.iter_rows(min_row=1, min_col=1, values_only=True))
                except Exception as exc:  # a cell openpyxl cannot convert
                    where = f"{source}[{title}]"
                    raise checked.explain(exc, sheet._worksheet_path, where) from None
        finally:
            book.close()
    return titles, raw


def _explain_formula(
    exc: InputError | ValidationError,
    handle: io.BufferedReader,
    source: str,
    raw: Mapping[str, Sequence[Sequence[object]]],
    titles: Mapping[str, str],
) -> InputError | ValidationError:
    """Say so when the cell an error is about holds a formula without a saved value.

    Such a cell reads as empty (formulas are never evaluated), so "needs a target" alone would
    puzzle whoever sees ``=B2*2`` in it. The workbook, checked already, is read again from the
    same handle, for this one cell.
    """
    table = next((t for t, title in titles.items() if exc.source == f"{source}[{title}]"), None)
    if table is None or exc.row is None or exc.field is None or not raw.get(table):
        return exc
    header = [_key(c) for c in raw[table][0]]
    if exc.field not in header:
        return exc
    column = header.index(exc.field) + 1
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(handle, read_only=True, keep_links=False)
            try:
                sheet = book[titles[table]]
                sheet.reset_dimensions()
                rows = sheet.iter_rows(
                    min_row=exc.row, max_row=exc.row, min_col=column, max_col=column
                )
                formula = next((r[0].value for r in rows if r), None)
            finally:
                book.close()
    except Exception:  # the first read worked; keep its error
        return exc
    if not (isinstance(formula, str) and formula.startswith("=")):
        return exc
    return type(exc)(
        f"{exc.problem}: the cell holds the formula {formula[:60]!r} with no saved value",
        source=exc.source,
        row=exc.row,
        field=exc.field,
        fix="type the value itself, or open the file in Excel and save it so the result is stored",
    )


def read_tables(path: str | os.PathLike[str]) -> OkrSet:
    """Load an OKR set from a folder of CSV files or an ``.xlsx`` workbook.

    See :func:`load_csv` and :func:`load_xlsx`.

    Raises
    ------
    InputError, ValidationError
        Naming the file (and sheet), the row (the header is row 1) and the column of a problem.
    """
    path = Path(path)
    if path.is_dir():
        return load_csv(path)
    if path.suffix.lower() == ".xlsx":
        return load_xlsx(path)
    raise InputError(
        "cannot read this file as tables" if path.exists() else "no such folder",
        source=str(path),
        fix="give a folder of CSV files (objectives.csv, ...) or an .xlsx workbook",
    )


# --- writing ----------------------------------------------------------------------------------


def _export(
    okrs: OkrSet, source: Callable[[str], str], *, excel: bool
) -> dict[str, list[list[Any]]]:
    """Every table as rows of cells: text for CSV, typed for Excel; texts neutralised."""
    plain = {
        "cycle": [(2, {"id": okrs.cycle.id, "start": okrs.cycle.start, "end": okrs.cycle.end})]
    }
    for name, df in to_frames(okrs):
        plain[name] = [(n + 1, rec) for n, rec in records(df, name, source=name)]
    return {t: [_cells(rec, t, source(t), n, excel) for n, rec in plain[t]] for t in TABLES}


def _cells(rec: Mapping[str, Any], table: str, source: str, row: int, excel: bool) -> list[Any]:
    out: list[Any] = []
    for name in TABLE_COLUMNS[table]:
        value = rec.get(name)
        if name == "silence":
            value = "\n".join(f"{code}: {reason}" for code, reason in value or ()) or None
        elif isinstance(value, tuple):
            if any(re.search(r"[;,]", i) for i in value):
                raise ValidationError(
                    "an id in the list holds ';' or ',', the list separators",
                    source=source,
                    row=row,
                    field=name,
                    fix="rename the id",
                )
            value = "; ".join(value)
        if isinstance(value, str):
            if excel:
                value = value.replace("\r\n", "\n").replace("\r", "\n")
                if _EXCEL_ILLEGAL.search(value) or len(value) > _EXCEL_MAX_TEXT:
                    raise ValidationError(
                        f"Excel cannot store control characters or {_EXCEL_MAX_TEXT:,}+ characters",
                        source=source,
                        row=row,
                        field=name,
                        fix="shorten or clean the text",
                    )
            value = neutralise(value)
        elif not excel and value is not None:
            if isinstance(value, bool):
                value = str(value).lower()
            elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                value = str(int(value))
            else:
                value = value.isoformat() if isinstance(value, dt.date) else repr(value)
        out.append(value)
    return out


def _replace(target: Path, write: Callable[[Path], object]) -> None:
    """Write ``target`` through a temporary file beside it, replaced only when complete."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _write_csv_file(path: Path, columns: Sequence[str], rows: list[list[Any]], bom: bool) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)


def write_csv(okrs: OkrSet, folder: str | os.PathLike[str], *, bom: bool = True) -> Path:
    """Write the OKR set as six CSV files into ``folder``, created if needed.

    The files are written into a temporary folder inside ``folder`` and moved in place only when
    all six are complete, so a failure never leaves a half-written file. Other files in
    ``folder`` are left alone.

    Parameters
    ----------
    okrs
        The set to write.
    folder
        The folder for ``cycle.csv``, ``objectives.csv``, ``key_results.csv``, ``kpis.csv``,
        ``initiatives.csv`` and ``checkins.csv``.
    bom
        Start each file with a UTF-8 byte order mark, which Excel needs to show accents right.

    Returns
    -------
    Path
        ``folder``.

    Raises
    ------
    ValidationError
        When an id in a list column holds ``;`` or ``,``.
    OSError
        When the folder cannot be written.
    """
    folder = Path(folder)
    tables = _export(okrs, lambda t: str(folder / f"{t}.csv"), excel=False)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".okrkit-", dir=folder))
    try:
        for table, rows in tables.items():
            _write_csv_file(tmp / f"{table}.csv", TABLE_COLUMNS[table], rows, bom)
        for table in TABLES:
            os.replace(tmp / f"{table}.csv", folder / f"{table}.csv")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _width(header: str, values: Iterable[Any]) -> float:
    """A column width that shows the header and most values: 10 to 62 characters."""
    texts = ("2026-01-01" if isinstance(v, dt.date) else str(v) for v in values if v is not None)
    longest = max((len(line) for t in texts for line in t.split("\n")), default=0)
    return min(max(longest, len(header), 8), 60) + 2


def _write_sheet(sheet: Any, columns: Sequence[str], rows: list[list[Any]]) -> None:
    """Fill a write-only sheet: bold frozen header with filters, sized columns, typed cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Alignment, Font

    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value: Any) -> Any:
        lines = isinstance(value, str) and "\n" in value
        if not (lines or isinstance(value, dt.date) or value in ERROR_CODES):
            return value
        out = WriteOnlyCell(sheet, value=value)
        if isinstance(value, dt.date):
            out.number_format = "yyyy-mm-dd"
        else:
            out.data_type = "s"  # '#N/A' is a text here, not an Excel error
        if lines:
            out.alignment = wrap
        return out

    for i, name in enumerate(columns):
        sheet.column_dimensions[_letter(i)].width = _width(name, (r[i] for r in rows))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_letter(len(columns) - 1)}{len(rows) + 1}"
    header = [WriteOnlyCell(sheet, value=name) for name in columns]
    for head in header:
        head.font = Font(bold=True)
    sheet.append(header)
    for row in rows:
        sheet.append([cell(v) for v in row])


def write_xlsx(okrs: OkrSet, path: str | os.PathLike[str]) -> Path:
    """Write the OKR set as an Excel workbook with one sheet per table.

    Each sheet has a bold, frozen header row with filters, columns sized to their content, dates
    formatted as dates and numbers stored as numbers. The workbook is written to a temporary file
    that replaces ``path`` only when complete.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValidationError
        When a text cannot be stored in Excel (a control character, more than 32,767 characters)
        or an id in a list column holds ``;`` or ``,``.
    OSError
        When the file cannot be written.
    """
    import openpyxl

    path = Path(path)
    tables = _export(okrs, lambda t: f"{path}[{t}]", excel=True)
    book = openpyxl.Workbook(write_only=True)
    try:
        for table, rows in tables.items():
            _write_sheet(book.create_sheet(table), TABLE_COLUMNS[table], rows)
        _replace(path, book.save)
    except BaseException:
        for sheet in book.worksheets:  # end the half-written streams now, not when collected
            with contextlib.suppress(Exception):
                sheet.close()
        raise
    return path

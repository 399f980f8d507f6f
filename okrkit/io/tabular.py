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
import io
import os
import re
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from okrkit.errors import InputError, ValidationError
from okrkit.frames import Table, build_set, records, to_frames
from okrkit.io._table_cells import (
    EXCEL_ILLEGAL,
    EXCEL_MAX_TEXT,
    REQUIRED_TABLES,
    TABLE_COLUMNS,
    TABLES,
    column_letter,
    neutralise,
    table_key,
    unquote,
)
from okrkit.io._table_rows import locate, match_tables, read_cycle, table_columns
from okrkit.io.xlsx_guard import CheckedWorkbook, check_workbook, unreadable
from okrkit.io.yaml_io import MAX_BYTES, not_utf8
from okrkit.model import OkrSet, loop_error

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


# --- reading ----------------------------------------------------------------------------------


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
        t: table_columns(raw[t], t, sources[t], texts=texts) if t in raw else Table([], {})
        for t in TABLES
    }
    cycle = read_cycle(tables["cycle"].records(), sources["cycle"])
    try:
        okrs = build_set(cycle, tables, source=source, sources=sources)
    except (InputError, ValidationError) as exc:
        raise locate(exc, tables, sources) from None
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
    found = match_tables(files, str(folder), "file")
    sources = {t: str(files[found[t]] if t in found else folder / f"{t}.csv") for t in TABLES}
    for table in REQUIRED_TABLES:
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
        checked = check_workbook(handle, source, tables=lambda name: table_key(name) in TABLES)
        try:
            titles, raw = _read_sheets(handle, checked, source)
        finally:
            checked.archive.close()
        sources = {t: f"{source}[{titles.get(t, t)}]" for t in TABLES}
        for table in REQUIRED_TABLES:
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
    import openpyxl  # heavy: import on first use

    raw: dict[str, list[tuple[object, ...]]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # the check passed it, openpyxl still cannot open it
            raise unreadable(exc, source) from None
        try:
            sheets = {ws.title: ws for ws in book.worksheets}
            titles = match_tables(sheets, source, "sheet")
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
    header = [table_key(c) for c in raw[table][0]]
    if exc.field not in header:
        return exc
    column = header.index(exc.field) + 1
    import openpyxl  # heavy: import on first use

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
                if EXCEL_ILLEGAL.search(value) or len(value) > EXCEL_MAX_TEXT:
                    raise ValidationError(
                        f"Excel cannot store control characters or {EXCEL_MAX_TEXT:,}+ characters",
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
    from openpyxl.cell import WriteOnlyCell  # heavy: import on first use
    from openpyxl.cell.cell import ERROR_CODES  # heavy: import on first use
    from openpyxl.styles import Alignment, Font  # heavy: import on first use

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
        sheet.column_dimensions[column_letter(i)].width = _width(name, (r[i] for r in rows))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{column_letter(len(columns) - 1)}{len(rows) + 1}"
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
    import openpyxl  # heavy: import on first use

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

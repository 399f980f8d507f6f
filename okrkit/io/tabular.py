"""Read and write OKR sets as flat tables: a folder of CSV files, one Excel workbook, or one flat
CSV file.

Most teams start from a spreadsheet. A set is six tables: ``cycle`` (one row: ``id``, ``start``,
``end``), ``objectives``, ``key_results`` (with an ``objective`` column), ``kpis``, ``initiatives``
and ``checkins``, with the columns of :data:`okrkit.frames.FRAME_COLUMNS`. As CSV they are the
files ``<table>.csv`` in one folder (UTF-8; a byte order mark is accepted, and written so that
Excel shows accents right; ``cp1252`` on request); as Excel they are the sheets of one ``.xlsx``
workbook. A flat CSV file (:func:`load_flat_csv`, :func:`write_flat_csv`) holds the objectives
and key results in one table, a row per key result, with the other tables beside it.

Reading is forgiving about layout and strict about content. ``cycle`` and ``objectives`` must be
there, other tables may be left out; columns may be left out or reordered; table and column names
are matched ignoring case and spaces (``Key Results``); other files and sheets are ignored unless
their name looks like a table's. A CSV file may be separated by ``,``, ``;`` or tabs (the one its
header holds most of), with LF or CRLF line ends. Every cell is converted by its column: numbers
(``25``, ``0.5``; not ``25%``), ``done`` (true/false, yes/no, 1/0, ja/nej, SANT/FALSKT and
Excel's words in other languages), ISO dates (``due``, check-in dates; a date cell in Excel),
lists of ids separated by ``;`` or ``,``; an empty cell is missing.

Numbers typed as text follow the ``locale``: ``"auto"`` (the default) reads a decimal comma in a
column whose numbers use one (``12,5``) and refuses a column it cannot tell (``1,400`` alone in a
``,``-separated file: 1.4 or 1400?), saying to give the locale; ``"en"`` reads ``1,400.5``;
``"sv"`` and the other European locales read ``1 400,5`` and ``1.400,5``. Digits grouped by
spaces, no-break spaces or narrow no-break spaces read in every locale, and a minus sign (``−``)
is a minus.

Errors name the file (``book.xlsx[kpis]`` for a sheet), the row as a spreadsheet shows it (the
header is row 1, the first data row is row 2) and the column. Every problem of the cells and rows
of a file is listed at once (up to 50, the others counted), one line each: the error raised is the
first, with all of them in its ``errors``.

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
from typing import Any, cast

from okrkit.cycles import Cycle
from okrkit.errors import AlignmentError, InputError, ValidationError
from okrkit.frames import Table, build_set, records, to_frames
from okrkit.io._flat_rows import FLAT_COLUMNS, SIBLINGS, flat_rows, split_flat
from okrkit.io._table_cells import (
    COMMA_LOCALES,
    EXCEL_ILLEGAL,
    EXCEL_MAX_TEXT,
    LOCALES,
    REQUIRED_TABLES,
    TABLE_COLUMNS,
    TABLES,
    column_letter,
    neutralise,
    table_key,
    unquote,
)
from okrkit.io._table_rows import (
    Problems,
    check_rows,
    locate,
    match_tables,
    read_cycle,
    table_columns,
)
from okrkit.io.xlsx_guard import CheckedWorkbook, check_workbook, unreadable
from okrkit.io.yaml_io import MAX_BYTES, not_utf8
from okrkit.model import OkrSet, loop_error

__all__ = [
    "ENCODINGS",
    "FLAT_COLUMNS",
    "LOCALES",
    "TABLES",
    "TABLE_COLUMNS",
    "load_csv",
    "load_flat_csv",
    "load_xlsx",
    "neutralise",
    "read_tables",
    "unquote",
    "write_csv",
    "write_flat_csv",
    "write_xlsx",
]


# --- reading ----------------------------------------------------------------------------------


def _decimal(locale: str) -> str | None:
    """The decimal mark of ``locale``; ``None`` for ``auto`` (told from each column)."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; use one of {', '.join(LOCALES)}")
    return None if locale == "auto" else "," if locale in COMMA_LOCALES else "."


def _load(
    raw: Mapping[str, Sequence[Sequence[object]]],
    sources: dict[str, str],
    source: str,
    *,
    texts: bool = False,
    locale: str = "auto",
    semicolon: Mapping[str, bool] | None = None,
) -> OkrSet:
    """Build the set from the raw rows of every table (header first); ``texts``: every cell
    is a text (CSV); ``semicolon``: the tables read from ``;``-separated files.

    Every problem of a cell or a row is collected and raised as one error listing them
    (:class:`Problems`); a problem of the set as a whole (a loop, a check-in date) is raised
    alone, as is the first problem with a header.
    """
    problems = Problems()
    tables = read_columns(
        raw, sources, texts=texts, locale=locale, semicolon=semicolon, problems=problems
    )
    if problems.in_source(sources["cycle"]):  # the cycle's cells: the rows cannot be judged
        problems.check()
    cycle = read_cycle(tables["cycle"].records(), sources["cycle"])
    return build_tables(cycle, tables, sources, source, problems)


def read_columns(
    raw: Mapping[str, Sequence[Sequence[object]]],
    sources: Mapping[str, str],
    *,
    texts: bool,
    locale: str,
    semicolon: Mapping[str, bool] | None,
    problems: Problems,
) -> dict[str, Table]:
    """Every table's rows converted to columns, the problems of their cells added to
    ``problems``; a table not in ``raw`` is empty."""
    decimal = _decimal(locale)
    return {
        t: table_columns(
            raw[t],
            t,
            sources[t],
            texts=texts,
            decimal=decimal,
            semicolon=(semicolon or {}).get(t, False),
            problems=problems,
        )
        if t in raw
        else Table([], {})
        for t in TABLES
    }


def build_tables(
    cycle: Cycle,
    tables: Mapping[str, Table],
    sources: Mapping[str, str],
    source: str,
    problems: Problems,
) -> OkrSet:
    """The set of ``tables``; raises every problem of a cell or row at once."""
    if problems:
        check_rows(tables, sources, problems)
        problems.check()
    try:
        okrs = build_set(cycle, tables, source=source, sources=sources)
    except (InputError, ValidationError) as exc:
        found = Problems()
        found.add(locate(exc, tables, sources))
        check_rows(tables, sources, found)
        found.check()
        raise  # not reached: found holds exc
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


#: The encodings a CSV file may be read in: UTF-8 (with or without a byte order mark) and
#: Windows-1252, which Excel on Windows writes for "CSV (semicolon separated)" in western Europe.
ENCODINGS = ("utf-8", "cp1252")


def _read_csv(path: Path, encoding: str = "utf-8") -> tuple[list[list[str]], str]:
    """The rows of one CSV file and its separator (``,``, ``;`` or tab: the one row 1 holds most
    of); UTF-8 with or without BOM, or ``cp1252``; line ends LF or CRLF."""
    source = str(path)
    _check_file(path, source)
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise InputError(
                f"the file is not {encoding} text",
                source=source,
                fix="save it as CSV UTF-8",
            ) from None
        raise not_utf8(
            exc,
            source,
            "save as CSV UTF-8, or read it with encoding 'cp1252' (okrkit import --encoding"
            " cp1252) if Excel saved it as plain CSV on Windows",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", source=source, fix="check its permissions"
        ) from None
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count) if any(d in header for d in ",;\t") else ","
    return _split_csv(text, delimiter, source), delimiter


def _split_csv(text: str, delimiter: str, source: str) -> list[list[str]]:
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


def load_csv(
    folder: str | os.PathLike[str], *, locale: str = "auto", encoding: str = "utf-8"
) -> OkrSet:
    """Load an OKR set from a folder of CSV files (``cycle.csv``, ``objectives.csv``, ...).

    ``cycle.csv`` and ``objectives.csv`` are required; a missing ``key_results.csv``,
    ``kpis.csv``, ``initiatives.csv`` or ``checkins.csv`` is an empty table.

    Parameters
    ----------
    folder
        The folder of the files.
    locale
        How numbers written as text read: ``"auto"`` tells the decimal mark from each column
        and refuses a column where it cannot (``1,400`` alone in a ``,``-separated file);
        ``"en"`` reads ``1,400.5``; ``"sv"`` (and ``fi``, ``da``, ``nb``, ``de``, ``fr``, ...)
        reads ``1 400,5`` and ``1.400,5``. Digits grouped by spaces (also no-break spaces) read
        in every locale; so do ``SANT``/``FALSKT`` and the other languages' true and false.
    encoding
        ``"utf-8"`` (a byte order mark is accepted) or ``"cp1252"``, which Excel on Windows
        writes when a file is saved as plain (not UTF-8) CSV.

    Raises
    ------
    InputError
        When a file is missing, unreadable or empty, or a column or cell cannot be read. The
        message names the file, the row (the header is row 1; a multi-line cell is one row) and
        the column. Every problem of the cells and rows of the files is listed at once (up to
        50, with the count of the others), the first one raised with all in ``errors``.
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
    read = {table: _read_csv(files[name], encoding) for table, name in found.items()}
    raw = {table: rows for table, (rows, _) in read.items()}
    semicolon = {table: sep == ";" for table, (_, sep) in read.items()}
    return _load(raw, sources, str(folder), texts=True, locale=locale, semicolon=semicolon)


def load_xlsx(path: str | os.PathLike[str], *, locale: str = "auto") -> OkrSet:
    """Load an OKR set from an Excel workbook with one sheet per table.

    Numbers and dates stored as such read as they are; ``locale`` is for numbers typed as text
    (``12,5``), as in :func:`load_csv`.

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
            return _load(raw, sources, source, locale=locale)
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
    ).listing(exc.errors[1:], exc.more)


def read_tables(
    path: str | os.PathLike[str], *, locale: str = "auto", encoding: str = "utf-8"
) -> OkrSet:
    """Load an OKR set from a folder of CSV files, an ``.xlsx`` workbook or one flat CSV file.

    A ``.csv`` file is read as a flat file (:func:`okrkit.io.load_flat_csv`) when its header
    names objective columns (``objective_title``, ...); one named as a table
    (``objectives.csv``) stands for its folder. See :func:`load_csv` for ``locale`` and
    ``encoding``, and :func:`load_xlsx`.

    Raises
    ------
    InputError, ValidationError
        Naming the file (and sheet), the row (the header is row 1) and the column of every
        problem.
    """
    path = Path(path)
    if path.is_dir():
        return load_csv(path, locale=locale, encoding=encoding)
    if path.suffix.lower() == ".xlsx":
        return load_xlsx(path, locale=locale)
    if path.suffix.lower() == ".csv":
        if table_key(path.stem) in TABLES:  # objectives.csv: its folder of tables
            return load_csv(path.parent, locale=locale, encoding=encoding)
        return load_flat_csv(path, locale=locale, encoding=encoding)
    raise InputError(
        "cannot read this file as tables" if path.exists() else "no such folder",
        source=str(path),
        fix="give a folder of CSV files (objectives.csv, ...), an .xlsx workbook or a flat"
        " .csv file with one row per key result",
    )


def load_flat_csv(
    path: str | os.PathLike[str], *, locale: str = "auto", encoding: str = "utf-8"
) -> OkrSet:
    """Load an OKR set from one flat CSV file: a row per key result with its objective's columns.

    The header names the columns (any order, case and spaces ignored): ``cycle`` (and
    ``cycle_start``, ``cycle_end`` for a cycle that is not a quarter or a year), the objective's
    ``objective_id``, ``objective_title``, ``objective_owner``, ``objective_level``,
    ``objective_kind``, ``objective_description``, ``aligns_to``, and the key result's
    ``kr_id``, ``kr_title``, ``type``, ``start``, ``target``, ... (:data:`FLAT_COLUMNS`; the
    names other OKR tools export, such as ``Objective``, ``Key Result`` and ``Baseline``, work
    too). An objective repeated on several rows must read the same on each (an empty cell after
    its first row is fine); a row without key result cells is an objective without key results.
    Without an ``objective_id`` column objectives are told apart by title and numbered ``O1``,
    ``O2`` ...; without ``kr_id`` key results are numbered ``O1-KR1`` ....

    KPIs, initiatives and check-ins do not fit in the rows: they are read from the files beside
    it named ``<name>.kpis.csv``, ``<name>.initiatives.csv`` and ``<name>.checkins.csv`` (the
    tables of :func:`load_csv`) when there are such files, as :func:`write_flat_csv` writes them.
    ``locale`` and ``encoding`` are as for :func:`load_csv`.

    Raises
    ------
    InputError, ValidationError
        Naming the file, the row and the column as the header names it, for every problem of a
        cell or a row at once (an objective given differently on two rows names both).
    """
    path = Path(path)
    source = str(path)
    rows, sep = _read_csv(path, encoding)
    raw, names, conflicts = split_flat(rows, source)
    # Each table of the file gets a source of its own, to name its columns as the header does.
    inner = {t: f"{source}\0{t}" for t in ("cycle", "objectives", "key_results")}
    sources = {
        **inner,
        **{t: str(path.with_name(f"{path.stem}.{t}.csv")) for t in SIBLINGS},
    }
    semicolon = {t: sep == ";" for t in raw}
    for table in SIBLINGS:
        sibling = Path(sources[table])
        if sibling.is_file():
            rows, sibling_sep = _read_csv(sibling, encoding)
            raw[table] = cast(list[list[object]], rows)  # texts are objects; no copy
            semicolon[table] = sibling_sep == ";"
    problems = Problems()
    for conflict in conflicts:
        problems.add(conflict)
    try:
        tables = read_columns(
            raw, sources, texts=True, locale=locale, semicolon=semicolon, problems=problems
        )
        if not tables["cycle"].records():
            raise InputError(
                "the file names no cycle",
                source=inner["cycle"],
                fix="add a column cycle with the cycle's id (such as 2026-Q3) on the first row",
            )
        if problems.in_source(inner["cycle"]):
            problems.check()
        cycle = read_cycle(tables["cycle"].records(), inner["cycle"])
        return build_tables(cycle, tables, sources, source, problems)
    except (InputError, ValidationError, AlignmentError) as exc:
        raise _in_flat(exc, source, names) from None


def _in_flat(
    exc: InputError | ValidationError | AlignmentError,
    source: str,
    names: Mapping[tuple[str, str], str],
) -> InputError | ValidationError | AlignmentError:
    """``exc`` with each problem placed in the flat file: its source, the column as named."""

    def one(e: Any) -> Any:
        if not (e.source or "").startswith(source + "\0"):
            return e
        table = e.source.rpartition("\0")[2]
        field = names.get((table, e.field), e.field)
        if table == "key_results" and e.field == "objective":
            field = names.get(("objectives", "id"), "objective_id")
        return type(e)(e.problem, source=source, line=e.line, row=e.row, field=field, fix=e.fix)

    first: InputError | ValidationError | AlignmentError = one(exc)
    return first.listing([one(e) for e in exc.errors[1:]], exc.more) if exc.errors[1:] else first


# --- writing ----------------------------------------------------------------------------------


def _export(
    okrs: OkrSet, source: Callable[[str], str], *, excel: bool
) -> dict[str, list[list[Any]]]:
    """Every table as rows of cells: text for CSV, typed for Excel; texts neutralised."""
    plain = {
        "cycle": [(2, {"id": okrs.cycle.id, "start": okrs.cycle.start, "end": okrs.cycle.end})]
    }
    for name, df in to_frames(okrs):  # rows as a spreadsheet numbers them: the header is row 1
        plain[name] = [(n, rec) for n, (_, rec) in enumerate(records(df, name, source=name), 2)]
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


def write_flat_csv(okrs: OkrSet, path: str | os.PathLike[str], *, bom: bool = True) -> list[Path]:
    """Write the objectives and key results as one flat CSV file, a row per key result.

    The columns are :data:`FLAT_COLUMNS` (see :func:`load_flat_csv`); an objective without key
    results has a row of its own. KPIs, initiatives and check-ins are written beside it as
    ``<name>.kpis.csv``, ``<name>.initiatives.csv`` and ``<name>.checkins.csv``, the tables of
    :func:`write_csv`, so that nothing is lost; :func:`load_flat_csv` reads them back. Such a
    file left from an earlier export is removed when the set has none of its records, so that it
    is not read back as part of this set. Each file replaces the old one only when complete;
    texts are neutralised against formula injection as in :func:`write_csv`.

    Returns
    -------
    list of Path
        The files written: ``path`` first, then the tables beside it.

    Raises
    ------
    ValidationError
        When an id in a list column holds ``;`` or ``,``.
    OSError
        When a file cannot be written.
    """
    path = Path(path)
    siblings = {t: path.with_name(f"{path.stem}.{t}.csv") for t in SIBLINGS}
    tables = _export(okrs, lambda t: str(siblings[t]) if t in siblings else str(path), excel=False)
    cycle = _cells(
        {"id": okrs.cycle.id, "start": okrs.cycle.start, "end": okrs.cycle.end},
        "cycle",
        str(path),
        2,
        False,
    )
    rows = flat_rows(tables, cycle)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, lambda tmp: _write_csv_file(tmp, FLAT_COLUMNS, rows, bom))
    written = [path]
    for table, sibling in siblings.items():
        if tables[table]:
            _replace(
                sibling,
                lambda tmp, t=table: _write_csv_file(tmp, TABLE_COLUMNS[t], tables[t], bom),  # type: ignore[misc]
            )
            written.append(sibling)
        else:
            sibling.unlink(missing_ok=True)
    return written


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

"""Write the Excel part of the bad-input corpus: ``python tests/bad_inputs/make_xlsx.py``.

Each workbook is a small valid set with one defect (a misspelt sheet, a missing column, a formula
or a date where a number goes, ...) or a file that is no workbook at all. The files are committed;
run this again after changing a case here, and keep ``MANIFEST.yaml`` in step.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

HERE = Path(__file__).resolve().parent / "xlsx"
FIXED = dt.datetime(2026, 1, 1)  # document dates, so a re-run changes only what changed

Tables = dict[str, list[list[Any]]]


def tables() -> Tables:
    """A valid set as rows per sheet (header first)."""
    return {
        "cycle": [["id", "start", "end"], ["2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)]],
        "objectives": [
            ["id", "title", "owner", "level", "aligns_to"],
            ["O1", "Grow the community", "Ana", "team", None],
            ["O2", "Keep members", "Bo", "team", "O1"],
        ],
        "key_results": [
            ["id", "objective", "title", "type", "weight", "start", "target", "done"],
            ["K1", "O1", "Visitors from 0 to 100", "metric", 1, 0, 100, None],
            ["K2", "O1", "Launch the forum", "milestone", 1, None, None, False],
            ["K3", "O2", "Churn from 8 to 5", "metric", 1, 8, 5, None],
        ],
    }


def book_bytes(sheets: Tables, edit: Callable[[Any], None] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if edit is not None:
        edit(book)
    book.properties.created = FIXED
    book.properties.modified = FIXED
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_cell(table: str, row: int, column: str, value: Any) -> bytes:
    """The valid set with one cell (row as Excel numbers it, column by header) changed."""
    sheets = tables()
    header = sheets[table][0]
    sheets[table][row - 1][header.index(column)] = value
    return book_bytes(sheets)


def renamed(old: str, new: str) -> bytes:
    sheets = tables()
    sheets[new] = sheets.pop(old)
    return book_bytes(sheets)


def without_column(table: str, column: str) -> bytes:
    sheets = tables()
    i = sheets[table][0].index(column)
    sheets[table] = [row[:i] + row[i + 1 :] for row in sheets[table]]
    return book_bytes(sheets)


def with_rows(table: str, *rows: list[Any]) -> bytes:
    sheets = tables()
    sheets[table] += [list(r) for r in rows]
    return book_bytes(sheets)


def formula_in_target() -> bytes:
    def edit(book: Any) -> None:
        book["key_results"]["G2"] = "=F2*2"  # saved without a computed value

    return book_bytes(tables(), edit)


def error_value() -> bytes:
    def edit(book: Any) -> None:
        cell = book["key_results"]["G4"]
        cell.value = "#DIV/0!"
        cell.data_type = "e"

    return book_bytes(tables(), edit)


def empty_objectives() -> bytes:
    sheets = tables()
    sheets["objectives"] = []
    return book_bytes(sheets)


def two_objective_sheets() -> bytes:
    sheets = tables()
    sheets["Objectives "] = sheets["objectives"]
    return book_bytes(sheets)


def entity_bomb() -> bytes:
    """A workbook whose objectives sheet declares a 'billion laughs' XML entity."""
    good = book_bytes(tables())
    lol = "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{lol}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":  # objectives
                data = sheet.encode()
            dst.writestr(item, data)
    return out.getvalue()


CASES: dict[str, Callable[[], bytes]] = {
    "misspelt_sheet_name.xlsx": lambda: renamed("objectives", "Objectivs"),
    "missing_objectives_sheet.xlsx": lambda: renamed("objectives", "Sheet1"),
    "two_objectives_sheets.xlsx": two_objective_sheets,
    "empty_objectives_sheet.xlsx": empty_objectives,
    "missing_title_column.xlsx": lambda: without_column("objectives", "title"),
    "missing_objective_column.xlsx": lambda: without_column("key_results", "objective"),
    "unknown_column.xlsx": lambda: with_cell("objectives", 1, "level", "Level of ambition"),
    "formula_in_number.xlsx": formula_in_target,
    "error_value_in_number.xlsx": error_value,
    "date_in_number.xlsx": lambda: with_cell("key_results", 2, "target", dt.datetime(2026, 3, 1)),
    "text_in_number.xlsx": lambda: with_cell("key_results", 2, "target", "about 40"),
    "bool_in_number.xlsx": lambda: with_cell("key_results", 3, "weight", True),
    "huge_number_as_text.xlsx": lambda: with_cell("key_results", 2, "target", "1e400"),
    "nan_as_text.xlsx": lambda: with_cell("key_results", 4, "start", "NaN"),
    "id_too_long.xlsx": lambda: with_cell("objectives", 2, "id", "O" * 300),
    "zero_width_in_id.xlsx": lambda: with_cell("objectives", 3, "id", "O\u200b2"),
    "duplicate_key_result_id.xlsx": lambda: with_rows(
        "key_results", ["K1", "O2", "Members stay", "milestone", 1, None, None, True]
    ),
    "alignment_loop.xlsx": lambda: with_cell("objectives", 2, "aligns_to", "O2"),
    "text_file_renamed.xlsx": lambda: b"id,title\nO1,Grow the community\n",
    "empty_file.xlsx": lambda: b"",
    "truncated.xlsx": lambda: book_bytes(tables())[:700],
    "xml_entity_bomb.xlsx": entity_bomb,
}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, make in CASES.items():
        (HERE / name).write_bytes(make())
    print(f"wrote {len(CASES)} workbooks to {HERE}")


if __name__ == "__main__":
    main()

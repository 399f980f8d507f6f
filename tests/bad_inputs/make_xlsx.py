"""Write the Excel part of the bad-input corpus: ``python tests/bad_inputs/make_xlsx.py``.

Each workbook is a small valid set with one defect (a misspelt sheet, a missing column, a formula
or a date where a number goes, a broken part of the zip archive, ...) or a file that is no
workbook at all (text, an .xls or encrypted file, an OpenDocument spreadsheet). Hostile files
too large to commit are built by tests/test_xlsx_limits.py. The files are committed;
run this again after changing a case here, and keep ``MANIFEST.yaml`` in step.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
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


def rezip(
    good: bytes,
    edits: dict[str, Callable[[bytes], bytes] | None],
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A copy of the zip ``good`` with some parts edited (``None``: left out) and others added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            edit = edits.get(item.filename, lambda data: data)
            if edit is not None:
                dst.writestr(item, edit(src.read(item.filename)))
        for name, data in (extra or {}).items():
            dst.writestr(zipfile.ZipInfo(name, FIXED.timetuple()[:6]), data)
    return out.getvalue()


def sheet_edit(sheet: int, old: str, new: str) -> bytes:
    """The valid set with one text replaced in the XML of a sheet (1: cycle, 2: objectives,
    3: key_results)."""

    def edit(data: bytes) -> bytes:
        assert old.encode() in data, old
        return data.replace(old.encode(), new.encode(), 1)

    return rezip(book_bytes(tables()), {f"xl/worksheets/sheet{sheet}.xml": edit})


def entity_bomb() -> bytes:
    """A workbook whose objectives sheet declares a 'billion laughs' XML entity."""
    lol = "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{lol}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return rezip(book_bytes(tables()), {"xl/worksheets/sheet2.xml": lambda _: sheet.encode()})


def bad_shared_string() -> bytes:
    """Key result K1's title points at shared string 7 of a table of 2."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = (
        f'<sst xmlns="{main}" count="2" uniqueCount="2"><si><t>id</t></si><si><t>x</t></si></sst>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    cell = '<c r="C2" t="inlineStr"><is><t>Visitors from 0 to 100</t></is></c>'
    return rezip(
        book_bytes(tables()),
        {
            "[Content_Types].xml": lambda data: data.replace(b"</Types>", override.encode()),
            "xl/worksheets/sheet3.xml": lambda data: data.replace(
                cell.encode(), b'<c r="C2" t="s"><v>7</v></c>'
            ),
        },
        {"xl/sharedStrings.xml": strings.encode()},
    )


def ole_file(*streams: str) -> bytes:
    """An OLE compound file (the container of .xls and of password-protected workbooks) whose
    directory names ``streams``; the streams themselves are left empty."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack(
        "<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0
    )
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108  # the FAT is sector 0
    fat = struct.pack("<II", 0xFFFFFFFD, end) + struct.pack("<I", free) * 126
    entries = b""
    for i, name in enumerate(("Root Entry", *streams)):
        encoded = (name + "\0").encode("utf-16-le")
        kind = 5 if i == 0 else 2
        child = 1 if i == 0 else free
        sibling = i + 1 if 0 < i < len(streams) else free
        entries += encoded.ljust(64, b"\0") + struct.pack(
            "<HBBIII16sI8s8sIQ",
            len(encoded),
            kind,
            1,
            free,
            sibling,
            child,
            bytes(16),
            0,
            bytes(8),
            bytes(8),
            end,
            0,
        )
    directory = entries.ljust(512, b"\0")
    return header + fat + directory


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in parts.items():
            dst.writestr(zipfile.ZipInfo(name, FIXED.timetuple()[:6]), data)
    return out.getvalue()


def ods() -> bytes:
    """The start of an OpenDocument spreadsheet: its mimetype and content parts."""
    return zipped(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content/>",
        }
    )


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
    "missing_sheet_part.xlsx": lambda: rezip(
        book_bytes(tables()), {"xl/worksheets/sheet2.xml": None}
    ),
    "invalid_xml_in_sheet.xlsx": lambda: sheet_edit(2, "<t>Keep members</t>", "<t>Keep members"),
    "bad_cell_reference.xlsx": lambda: sheet_edit(2, 'r="B3"', 'r="3B"'),
    "bad_shared_string_index.xlsx": bad_shared_string,
    "text_in_number_cell.xlsx": lambda: sheet_edit(3, "<v>100</v>", "<v>about 100</v>"),
    "column_xfd.xlsx": lambda: sheet_edit(2, 'r="E3"', 'r="XFD3"'),
    "row_20_million.xlsx": lambda: sheet_edit(2, 'r="3"', 'r="20000000"'),
    "encrypted.xlsx": lambda: ole_file("EncryptionInfo", "EncryptedPackage"),
    "xls_renamed.xlsx": lambda: ole_file("Workbook"),
    "ods_renamed.xlsx": ods,
    "other_zip.xlsx": lambda: zipped({"notes.txt": b"not a workbook"}),
}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, make in CASES.items():
        (HERE / name).write_bytes(make())
    print(f"wrote {len(CASES)} workbooks to {HERE}")


if __name__ == "__main__":
    main()

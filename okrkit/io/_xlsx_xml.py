"""The XML layer of an Excel workbook: a streaming scan of each part that counts rows, cells,
elements and shared strings against the limits before openpyxl reads anything."""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Callable
from pyexpat import ExpatError, ParserCreate

from okrkit.errors import InputError
from okrkit.io._xlsx_zip import (
    CELL_REF,
    COLUMN_NUMBERS,
    CRAFTED,
    DAMAGED,
    DIGITS,
    MAIN_NS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ELEMENTS,
    MAX_ITEM_ELEMENTS,
    MAX_NAMES,
    MAX_ROWS,
    MAX_STRINGS,
    MAX_TEXT,
    column_letter,
    column_number,
    refused,
    size_text,
)

__all__ = [
    "CELL_TAG",
    "DIMENSION_TAG",
    "ROW_TAG",
    "SI_TAG",
    "PartScan",
    "ScanStop",
    "is_xml_part",
    "rels_of",
    "resolve_target",
]

#: The tags of a sheet and of the shared strings that the scan counts.
ROW_TAG, CELL_TAG, SI_TAG, DIMENSION_TAG = (
    f"{MAIN_NS} {tag}" for tag in ("row", "c", "si", "dimension")
)


class ScanStop(Exception):
    """Raised inside expat to end a scan early: openpyxl reads no further either."""


class PartScan:
    """One streaming pass over an XML part with expat: counts elements, builds nothing.

    ``kind`` is ``whole`` (a part openpyxl parses whole), ``sheet`` or ``strings``. A sheet
    read as a table (``table``) also has its columns and cells counted and its cell references
    checked; openpyxl reads other sheets only up to their ``<dimension>``, and so does the scan.
    """

    def __init__(self, kind: str, where: str, source: str, *, table: bool = False) -> None:
        self.kind, self.where, self.source, self.table = kind, where, source, table
        self.parser = ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self._doctype
        start, end = {
            "whole": (self._start_whole, self._end_whole),
            "sheet": (self._start_sheet, self._end_sheet),
            "strings": (self._start_strings, self._end_strings),
        }[kind]
        self.parser.StartElementHandler = start
        self.parser.EndElementHandler = end
        self.collect: Callable[[str, dict[str, str]], None] | None = None
        self.depth = 0
        self.last = 0  # byte index of the last end of an element
        self.kept = 0  # elements openpyxl keeps: all of a whole part, those outside rows/strings
        self.items = 0  # rows or strings
        self.item_depth = 0  # depth of the open (outermost) row or string; 0 outside one
        self.item_elements = 0
        self.rows: list[list[int]] = []  # open rows: depth, row number, column, cells
        self.row_depth = 0  # depth of the innermost open row, 0 outside one
        self.cell_depth = -1  # depth of the cells of a table's innermost open row
        self.row_number = 0  # the last row number, counted as openpyxl counts it
        self.cells = 0
        self.names: set[str] = set()  # element and attribute names: expat keeps each one

    def refuse(self, problem: str, fix: str = DAMAGED, row: int | None = None) -> InputError:
        return refused(f"{self.where} {problem}", self.source, fix, row)

    def _row_now(self) -> int | None:
        return self.row_number if self.kind == "sheet" and self.item_depth else None

    def _doctype(self, *args: object) -> None:
        raise self.refuse(
            "declares a DTD (<!DOCTYPE ...>), which Excel never writes; its entities can "
            "expand a small file into gigabytes (an XML bomb)",
            CRAFTED,
        )

    def _long(self) -> InputError:
        """The refusal for more than :data:`MAX_TEXT` bytes between the ends of two elements:
        a long text, or tags nested deep. (expat holds no text, so they are seen at the end.)"""
        return self.refuse(
            f"holds a text or tag of more than {size_text(MAX_TEXT)} after byte {self.last:,}; a "
            "cell holds at most 32,767 characters",
            CRAFTED,
            self._row_now(),
        )

    def _too_many(self, what: str, limit: int, fix: str = CRAFTED) -> InputError:
        return self.refuse(f"holds more than {limit:,} {what}", fix, self._row_now())

    def _name(self, name: str, attrs: dict[str, str]) -> None:
        self.names.add(name)
        self.names.update(attrs)
        if len(self.names) > MAX_NAMES:
            raise self._too_many(
                "different names of XML elements and attributes (expat and openpyxl keep each)",
                MAX_NAMES,
            )

    # parts read whole

    def _start_whole(self, name: str, attrs: dict[str, str]) -> None:
        if name not in self.names or not self.names.issuperset(attrs):
            self._name(name, attrs)
        self.kept += 1
        if self.kept > MAX_ELEMENTS:
            raise self._too_many(
                "XML elements; openpyxl makes an object of each",
                MAX_ELEMENTS,
                "copy the tables into a new workbook",
            )
        if self.collect is not None:
            self.collect(name, attrs)

    def _end_whole(self, name: str) -> None:
        pass

    # sheets

    def _start_sheet(self, name: str, attrs: dict[str, str]) -> None:
        if name not in self.names or not self.names.issuperset(attrs):
            self._name(name, attrs)
        self.depth += 1
        if self.item_depth:
            self.item_elements += 1
            if self.item_elements > MAX_ITEM_ELEMENTS:
                raise self._too_many("XML elements in one row", MAX_ITEM_ELEMENTS)
            if self.depth == self.cell_depth:
                self._cell(attrs)
        elif name != ROW_TAG:
            self.kept += 1
            if self.kept > MAX_ELEMENTS:
                raise self._too_many(
                    "XML elements outside its rows (merged cells, links, formats, ...)",
                    MAX_ELEMENTS,
                    "copy the table into a new workbook",
                )
        if name == ROW_TAG:
            self._row(attrs)

    def _row(self, attrs: dict[str, str]) -> None:
        """A row starts: number it as openpyxl does, and count it."""
        self.items += 1
        if not self.item_depth:
            self.item_depth, self.item_elements = self.depth, 0
        number = self.row_number + 1
        text = attrs.get("r")
        if self.table and text is not None:
            try:
                number = int(text)
            except ValueError:
                try:
                    value = float(text)
                    number = int(value) if value.is_integer() else 0
                except (ValueError, OverflowError):
                    number = 0
            if number <= 0:
                raise self.refuse(
                    f"has a row numbered {text[:20]!r}, which is not a row number",
                    row=self.row_number + 1,
                )
        self.row_number = number
        if max(self.items, number) > MAX_ROWS:
            raise self.refuse(
                f"has more than {MAX_ROWS:,} rows (row {number:,}); okrkit reads at most that "
                "many, twice the check-ins of 100,000 objectives",
                "delete the rows below the table, or split the set over several workbooks",
                number,
            )
        self.rows.append([self.depth, number, 0, 0])
        self.row_depth = self.depth
        self.cell_depth = self.depth + 1 if self.table else -1

    def _cell(self, attrs: dict[str, str]) -> None:
        """A cell of a table starts: its column, from its reference or the one before."""
        row = self.rows[-1]
        row[3] += 1
        ref = attrs.get("r")
        if ref is None:
            column = row[2] + 1
        else:  # a plain reference: letters of A to IV, then a row number without leading 0
            letters = ref.rstrip(DIGITS)
            column = COLUMN_NUMBERS.get(letters, 0)
            if not column or len(letters) == len(ref) or ref[len(letters)] == "0":
                column = self._reference(ref, row[1])
        row[2] = column
        if column > MAX_COLUMNS or row[3] > MAX_COLUMNS:
            if ref is not None and column > MAX_COLUMNS:
                what = f"the cell {ref} is in column {column:,}"
            else:
                what = f"row {row[1]:,} holds more than {MAX_COLUMNS} cells"
            raise self.refuse(
                f"is too wide: {what}; okrkit reads at most {MAX_COLUMNS} columns (A to "
                f"{column_letter(MAX_COLUMNS)}), and a table has at most 17",
                "select the columns right of the table, delete them, and save",
                row[1],
            )

    def _reference(self, ref: str, row: int) -> int:
        """The column of a reference that is not a plain one of A to IV, or the refusal."""
        match = CELL_REF.fullmatch(ref)
        if match is None or int(match.group(2)) == 0:
            raise self.refuse(
                f"has a cell with the reference {ref[:20]!r}, which is not a cell such as B{row}",
                row=row,
            )
        return column_number(match.group(1))

    def _end_sheet(self, name: str) -> None:
        at = self.parser.CurrentByteIndex
        if at - self.last > MAX_TEXT:
            raise self._long()
        self.last = at
        if self.depth == self.row_depth:
            _, number, column, _ = self.rows.pop()
            self.row_depth = self.rows[-1][0] if self.rows else 0
            self.cell_depth = self.row_depth + 1 if self.table and self.rows else -1
            self.cells += column
            if self.cells > MAX_CELLS:
                raise self.refuse(
                    f"holds more than {MAX_CELLS:,} cells up to this row, counting each row "
                    "up to its last cell",
                    "delete what is not part of the table, or split the set over several workbooks",
                    number,
                )
            if not self.rows:
                self.item_depth = 0
        elif name == DIMENSION_TAG and not self.table and not self.item_depth:
            raise ScanStop  # openpyxl reads a sheet that is not a table only up to here
        self.depth -= 1

    # shared strings

    def _start_strings(self, name: str, attrs: dict[str, str]) -> None:
        if name not in self.names or not self.names.issuperset(attrs):
            self._name(name, attrs)
        self.depth += 1
        if name == SI_TAG:  # openpyxl makes a string of each, even inside another
            self.items += 1
            if self.items > MAX_STRINGS:
                raise self._too_many(
                    "texts; okrkit reads at most that many shared strings",
                    MAX_STRINGS,
                    "split the set over several workbooks",
                )
            if not self.item_depth:
                self.item_depth, self.item_elements = self.depth, 0
        if self.item_depth:
            self.item_elements += 1
            if self.item_elements > MAX_ITEM_ELEMENTS:
                raise self._too_many("XML elements in one text", MAX_ITEM_ELEMENTS)
        else:
            self.kept += 1
            if self.kept > MAX_ELEMENTS:
                raise self._too_many("XML elements outside its texts", MAX_ELEMENTS)

    def _end_strings(self, name: str) -> None:
        at = self.parser.CurrentByteIndex
        if at - self.last > MAX_TEXT:
            raise self._long()
        self.last = at
        if self.depth == self.item_depth:
            self.item_depth = 0
        self.depth -= 1

    # reading

    def run(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Stream the part through expat, a megabyte at a time."""
        fed = 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(2**20):
                    self.parser.Parse(chunk, False)
                    fed += len(chunk)
                    if self.kind != "whole" and fed - self.parser.CurrentByteIndex > MAX_TEXT:
                        raise self.refuse(  # expat holds an unfinished tag or comment
                            f"holds a tag or comment of more than {size_text(MAX_TEXT)}",
                            CRAFTED,
                            self._row_now(),
                        )
                self.parser.Parse(b"", True)
        except ScanStop:
            pass
        except ExpatError as exc:
            what = str(exc).partition(":")[0]
            raise self.refuse(
                f"is not valid XML: {what} at line {exc.lineno}, column {exc.offset}",
                row=self._row_now(),
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise self.refuse(f"is damaged in the zip archive ({exc})") from None


def is_xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part starts as XML does (a byte order mark, ``<`` or white space)."""
    if info.file_size == 0:
        return False
    try:
        with archive.open(info) as stream:
            head = stream.read(4)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return True  # the scan says what is wrong
    return head[:1] in (b"<", b" ", b"\t", b"\r", b"\n") or head.startswith(
        (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
    )


def resolve_target(rels_path: str, target: str) -> str:
    """A relationship's target as a part name, the way openpyxl resolves it."""
    if target.startswith("/"):
        return target[1:]
    parent = posixpath.split(posixpath.dirname(rels_path))[0]
    return posixpath.normpath(posixpath.join(parent, target))


def rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")

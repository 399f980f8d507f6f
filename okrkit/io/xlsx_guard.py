"""Check an Excel workbook before openpyxl reads it, and say what is wrong with a broken one.

An ``.xlsx`` file is a zip archive of XML parts, and openpyxl trusts both layers: it unpacks what
the archive holds, keeps every shared string, builds an object for every style and pads each row
of a sheet with empty cells up to the row's last cell. A few hundred kilobytes can so ask for
gigabytes: a cell in column XFD on each of 60,000 rows, twenty million empty shared strings, a
part that unpacks a thousand times. :func:`check_workbook` refuses such a file in seconds and in
little memory, before openpyxl sees it: it reads the zip's central directory (nothing unpacked),
then streams each XML part openpyxl will parse through expat, counting without building a tree.

It also turns a broken file into a message with the place and the fix: a file cut short, a
password-protected or Excel 97-2003 workbook, a part that is not XML, a sheet whose part is
missing, a cell reference such as ``1A``; and :meth:`CheckedWorkbook.explain` finds the cell
behind an error openpyxl raises while reading a sheet (a shared string that does not exist, a
number cell holding text).

The limits are well above what the largest real workbook needs and far below what fills memory.
The largest workbook okrkit writes at the scale of its benchmarks, ``okrkit demo-org --objectives
100000`` (a 152 MB file), has 4,731,662 check-in rows of 9 columns and unpacks to 1.7 GB, its
check-in sheet 1.5 GB; its sheets pack 8 to 12 times:

==================  ===================  =====================================================
what                limit                why
==================  ===================  =====================================================
parts               10,000, listed in    a sheet brings 2 to 5 parts; zipfile makes an object
                    4 MB                 of each when it opens the archive
unpacked            4 GB in all          2.4 times the 100,000-objective workbook; Apache POI
                                         reads no part past 4 GB either
packing             100 times, for a     real sheets pack about 10 times, a zip bomb about
                    part past 1 MB       1,000; 100 is Apache POI's limit too
a part read whole   64 MB and 250,000    styles, workbook, relationships, properties, charts:
                    XML elements         openpyxl makes an object of every element (a million
                                         styles take 45 s and 700 MB)
rows of a sheet     10,000,000           twice the check-ins of 100,000 objectives; Excel
                                         stops at 1,048,576
columns             256 (A to IV)        a table has at most 17 columns
cells of a sheet    100,000,000          each row counted to its last cell, as openpyxl pads
                                         it; 2.3 times the 42.6 million of 100,000 objectives
shared strings      2,000,000            openpyxl keeps them all; 2.4 times the 817,000
                                         distinct texts of 100,000 objectives
one row or string   100,000 XML          openpyxl holds one row or string as a tree
                    elements
outside the rows    250,000 XML          openpyxl keeps them (merged cells, links, formats)
                    elements
a text or tag       1 MB                 a cell holds at most 32,767 characters
names in a part     10,000 different     expat keeps each element and attribute name;
                    XML names            a sheet uses a few dozen
==================  ===================  =====================================================

No part may declare a DTD (``<!DOCTYPE``): Excel never writes one, and its entities are how an
XML bomb turns a kilobyte into gigabytes. The ``<dimension>`` a sheet declares and the
``count`` of the shared strings are not trusted; the rows, cells and strings are counted as
they stream, and the check stops at the first one past a limit.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pyexpat import ExpatError, ParserCreate
from typing import IO, Any

from okrkit.errors import InputError

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_DIRECTORY",
    "MAX_ELEMENTS",
    "MAX_ITEM_ELEMENTS",
    "MAX_NAMES",
    "MAX_PARTS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_STRINGS",
    "MAX_TEXT",
    "MAX_UNPACKED",
    "MAX_WHOLE",
    "CheckedWorkbook",
    "check_workbook",
    "unreadable",
]

#: Parts in the zip archive.
MAX_PARTS = 10_000
#: Bytes of the zip's central directory, read (and turned into objects) before any check.
MAX_DIRECTORY = 4 * 2**20
#: Bytes of all parts unpacked.
MAX_UNPACKED = 4 * 2**30
#: How many times a part larger than :data:`RATIO_FROM` may be packed.
MAX_RATIO = 100
RATIO_FROM = 2**20
#: Bytes of a part openpyxl parses whole (every part but the sheets and the shared strings).
MAX_WHOLE = 64 * 2**20
#: XML elements of a part parsed whole, or outside the rows of a sheet or the shared strings.
MAX_ELEMENTS = 250_000
#: XML elements of one row of a sheet or one shared string.
MAX_ITEM_ELEMENTS = 100_000
#: Rows of a sheet (the highest row number, as openpyxl fills the gaps), and row elements.
MAX_ROWS = 10_000_000
#: Columns of a sheet that is read as a table.
MAX_COLUMNS = 256
#: Cells of a sheet read as a table, each row counted up to its last cell.
MAX_CELLS = 100_000_000
#: Shared strings of the workbook.
MAX_STRINGS = 2_000_000
#: Bytes of one text, tag or comment in a sheet or the shared strings.
MAX_TEXT = 2**20
#: Different names of XML elements and attributes in one part.
MAX_NAMES = 10_000

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_ROW, _CELL, _SI, _DIMENSION = (f"{_MAIN} {tag}" for tag in ("row", "c", "si", "dimension"))
# openpyxl finds the workbook part by these content types, in this order.
_BOOK_TYPES = tuple(
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "ms-excel.template.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.sheet",
    )
)
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
# Parts openpyxl reads whole at fixed names, besides [Content_Types].xml and every .rels part.
_FIXED = ("xl/styles.xml", "xl/theme/theme1.xml", "docProps/core.xml", "docProps/custom.xml")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIGITS = "0123456789"
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,15})")
_DAMAGED = "the file is damaged: open it in Excel and save it again, or use a copy saved before"
_CRAFTED = "if the file is yours, save it again from Excel; otherwise do not open it"


def _letter(index: int) -> str:
    """The spreadsheet letters of a 1-based column: 1 -> A, 27 -> AA."""
    out = ""
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


def _column(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


#: The column of each of the letters A to IV.
_COLUMNS = {_letter(i): i for i in range(1, MAX_COLUMNS + 1)}


def _size(n: int) -> str:
    """Bytes as a person reads them: 1.5 GB, 64 MB, 316 KB (powers of 1024).

    >>> _size(3 * 2**29), _size(64 * 2**20), _size(1044275), _size(700)
    ('1.5 GB', '64 MB', '1020 KB', '700 bytes')
    """
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            figure = f"{n / scale:.1f}" if n < 10 * scale else f"{n / scale:.0f}"
            return f"{figure.removesuffix('.0')} {unit}"
    return f"{n} bytes"


def _refuse(problem: str, source: str, fix: str, row: int | None = None) -> InputError:
    return InputError(problem, source=source, row=row, fix=fix)


def _not_workbook(what: str, source: str, fix: str = _DAMAGED) -> InputError:
    return _refuse(f"this is not a readable Excel workbook: {what}", source, fix)


# --- the zip layer ------------------------------------------------------------------------------


def _sniff(head: bytes, source: str) -> None:
    """Refuse a file that is no zip archive at all, saying what it looks like."""
    if not head:
        raise _not_workbook("the file is empty", source, "save it from Excel as .xlsx")
    if not head.startswith(b"PK"):
        sample = head.decode("utf-8", "ignore")
        text = b"\x00" not in head and all(c.isprintable() or c in "\t\r\n" for c in sample)
        raise _not_workbook(
            "it is not a zip archive, as an .xlsx file is"
            + ("; it looks like text (CSV?)" if text else ""),
            source,
            "save it from Excel as 'Excel Workbook (.xlsx)'; to import CSV files, give the "
            "folder that holds them",
        )


def _ole(handle: IO[bytes], source: str) -> InputError:
    """The error for an OLE compound file: a password-protected workbook or an .xls one."""
    handle.seek(0)
    header = handle.read(512)
    names = b""
    if len(header) == 512:
        (shift,) = struct.unpack_from("<H", header, 30)
        (first,) = struct.unpack_from("<I", header, 48)
        if 7 <= shift <= 16 and first < 2**31:
            handle.seek((first + 1) << shift)  # the first sector of the directory
            names = handle.read(4096)
    if "EncryptedPackage".encode("utf-16-le") in names:
        return _not_workbook(
            "it is protected with a password (encrypted)",
            source,
            "open it in Excel, clear the password under File > Info > Protect Workbook > "
            "Encrypt with Password, and save it",
        )
    if "Workbook".encode("utf-16-le") in names or "Book".encode("utf-16-le") in names:
        return _not_workbook(
            "it is an Excel 97-2003 workbook (.xls)",
            source,
            "open it in Excel and save it as 'Excel Workbook (.xlsx)'",
        )
    return _not_workbook(
        "it is an OLE compound file (an old Office format or a password-protected file), not "
        "a zip archive",
        source,
        "open it in Excel and save it as 'Excel Workbook (.xlsx)'",
    )


def _directory(handle: IO[bytes], size: int) -> tuple[int, int] | None:
    """Parts and bytes of the central directory, from the end record; ``None`` when there is
    none (a file cut short). Found the way :mod:`zipfile` finds it: the record, or its last
    copy in the 64 KB of comment that may follow it."""
    tail_size = min(size, 22 + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    parts, directory, offset = struct.unpack_from("<HIL", tail, at + 10)
    if parts != 0xFFFF and 0xFFFFFFFF not in (directory, offset):
        return parts, directory
    # ZIP64: a locator just before the end record points at a larger record
    where = size - tail_size + at - 20
    if where >= 0:
        handle.seek(where)
        locator = handle.read(20)
        if locator[:4] == b"PK\x06\x07":
            handle.seek(struct.unpack_from("<Q", locator, 8)[0])
            record = handle.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                parts64, directory64 = struct.unpack_from("<QQ", record, 32)
                return int(parts64), int(directory64)
    return parts, directory


def _open_zip(handle: IO[bytes], source: str) -> zipfile.ZipFile:
    """The archive, once its central directory shows nothing too large or packed too tight."""
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    head = handle.read(512)
    if head.startswith(_OLE):
        raise _ole(handle, source)
    _sniff(head, source)
    found = _directory(handle, size)
    if found is None:
        raise _not_workbook(
            "the file is cut short: the end of the zip archive, which lists its parts, is missing",
            source,
            "copy or download the file again, or save it again from Excel",
        )
    parts, directory = found
    if parts > MAX_PARTS or directory > MAX_DIRECTORY:
        raise _refuse(
            f"the zip archive lists {parts:,} parts in {_size(directory)}; okrkit reads "
            f"workbooks of at most {MAX_PARTS:,} parts listed in {_size(MAX_DIRECTORY)}",
            source,
            "copy the tables into a new workbook",
        )
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise _not_workbook(f"the zip archive is damaged ({exc})", source) from None
    try:
        _check_parts(archive, size, source)
    except BaseException:
        archive.close()
        raise
    return archive


def _end(info: zipfile.ZipInfo) -> int:
    """Where a part's packed data ends at the earliest: its local header holds at least 30
    bytes and its name."""
    name = len(info.orig_filename.encode()) if info.flag_bits & 0x800 else len(info.orig_filename)
    return info.header_offset + 30 + name + info.compress_size


def _check_parts(archive: zipfile.ZipFile, size: int, source: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _refuse(
            f"the zip archive holds {len(infos):,} parts; okrkit reads at most {MAX_PARTS:,}",
            source,
            "copy the tables into a new workbook",
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise _not_workbook(
                "it is an OpenDocument spreadsheet (.ods)",
                source,
                "open it and save it as 'Excel Workbook (.xlsx)'",
            )
        raise _not_workbook(
            "it is a zip archive, but without the [Content_Types].xml an Excel workbook has",
            source,
            "save the workbook from Excel as 'Excel Workbook (.xlsx)'",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise _not_workbook(
                f"the part {info.filename} is encrypted",
                source,
                "save the workbook from Excel without a password",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _not_workbook(
                f"the part {info.filename} is packed with method {info.compress_type}, which "
                "Excel does not use",
                source,
            )
    # Each part lies between its local header and the next part: parts that share bytes are
    # how a zip bomb unpacks the same packed data many times over.
    spans = sorted((info.header_offset, _end(info), info.filename) for info in infos)
    nexts = [*spans[1:], (archive.start_dir, 0, "")]
    for (_, end, name), (start, _, following) in zip(spans, nexts, strict=True):
        if end > start:
            what = f"the parts {name} and {following}" if following else f"the part {name}"
            raise _refuse(
                f"{what} of the zip archive overlap: the file is damaged, or built as a zip bomb",
                source,
                _CRAFTED,
            )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED:
        raise _refuse(
            f"the workbook unpacks to {_size(unpacked)} (from {_size(size)}); okrkit reads "
            f"workbooks of at most {_size(MAX_UNPACKED)} unpacked",
            source,
            "split the set over smaller workbooks or CSV folders; "
            "a small file that unpacks this far is a zip bomb, do not open it",
        )
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refuse(
                f"the part {info.filename} unpacks to {_size(info.file_size)} from "
                f"{_size(info.compress_size)}, {ratio:,} times; okrkit refuses parts packed "
                f"more than {MAX_RATIO} times, as zip bombs are (real sheets pack about 10 times)",
                source,
                _CRAFTED,
            )


# --- the XML layer ------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside expat to end a scan early: openpyxl reads no further either."""


class _Scan:
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

    def refuse(self, problem: str, fix: str = _DAMAGED, row: int | None = None) -> InputError:
        return _refuse(f"{self.where} {problem}", self.source, fix, row)

    def _row_now(self) -> int | None:
        return self.row_number if self.kind == "sheet" and self.item_depth else None

    def _doctype(self, *args: object) -> None:
        raise self.refuse(
            "declares a DTD (<!DOCTYPE ...>), which Excel never writes; its entities can "
            "expand a small file into gigabytes (an XML bomb)",
            _CRAFTED,
        )

    def _long(self) -> InputError:
        """The refusal for more than :data:`MAX_TEXT` bytes between the ends of two elements:
        a long text, or tags nested deep. (expat holds no text, so they are seen at the end.)"""
        return self.refuse(
            f"holds a text or tag of more than {_size(MAX_TEXT)} after byte {self.last:,}; a "
            "cell holds at most 32,767 characters",
            _CRAFTED,
            self._row_now(),
        )

    def _too_many(self, what: str, limit: int, fix: str = _CRAFTED) -> InputError:
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
        elif name != _ROW:
            self.kept += 1
            if self.kept > MAX_ELEMENTS:
                raise self._too_many(
                    "XML elements outside its rows (merged cells, links, formats, ...)",
                    MAX_ELEMENTS,
                    "copy the table into a new workbook",
                )
        if name == _ROW:
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
            letters = ref.rstrip(_DIGITS)
            column = _COLUMNS.get(letters, 0)
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
                f"{_letter(MAX_COLUMNS)}), and a table has at most 17",
                "select the columns right of the table, delete them, and save",
                row[1],
            )

    def _reference(self, ref: str, row: int) -> int:
        """The column of a reference that is not a plain one of A to IV, or the refusal."""
        match = _REF.fullmatch(ref)
        if match is None or int(match.group(2)) == 0:
            raise self.refuse(
                f"has a cell with the reference {ref[:20]!r}, which is not a cell such as B{row}",
                row=row,
            )
        return _column(match.group(1))

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
        elif name == _DIMENSION and not self.table and not self.item_depth:
            raise _Stop  # openpyxl reads a sheet that is not a table only up to here
        self.depth -= 1

    # shared strings

    def _start_strings(self, name: str, attrs: dict[str, str]) -> None:
        if name not in self.names or not self.names.issuperset(attrs):
            self._name(name, attrs)
        self.depth += 1
        if name == _SI:  # openpyxl makes a string of each, even inside another
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
                            f"holds a tag or comment of more than {_size(MAX_TEXT)}",
                            _CRAFTED,
                            self._row_now(),
                        )
                self.parser.Parse(b"", True)
        except _Stop:
            pass
        except ExpatError as exc:
            what = str(exc).partition(":")[0]
            raise self.refuse(
                f"is not valid XML: {what} at line {exc.lineno}, column {exc.offset}",
                row=self._row_now(),
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise self.refuse(f"is damaged in the zip archive ({exc})") from None


def _is_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
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


def _resolve(rels_path: str, target: str) -> str:
    """A relationship's target as a part name, the way openpyxl resolves it."""
    if target.startswith("/"):
        return target[1:]
    parent = posixpath.split(posixpath.dirname(rels_path))[0]
    return posixpath.normpath(posixpath.join(parent, target))


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


@dataclass
class CheckedWorkbook:
    """A workbook :func:`check_workbook` let through: its archive and what the check found.

    Attributes
    ----------
    archive
        The open zip archive (the caller's handle; close the archive when done).
    strings
        How many shared strings the workbook has.
    sheets
        The part of each sheet, by name.
    tables
        The sheet parts checked as tables: columns, cells and cell references.
    """

    archive: zipfile.ZipFile
    strings: int = 0
    sheets: dict[str, str] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)

    def check_table(self, part: str, source: str) -> None:
        """Refuse to read a sheet as a table that was not checked as one.

        openpyxl finds the part of a sheet as the check does, so this never refuses a file
        that is not crafted to tell them apart.
        """
        if part not in self.tables:
            raise _refuse(
                f"the workbook names the part of this sheet ({part}) in two ways",
                source,
                _DAMAGED,
            )

    def explain(self, exc: BaseException, part: str, source: str) -> InputError:
        """The error for an exception openpyxl raised while reading the sheet in ``part``.

        The sheet is read again, cell by cell as openpyxl converts them, to find the first
        cell that cannot be converted; its row and reference go in the message.
        """
        found = _bad_cell(self.archive, part, self.strings)
        if found is not None:
            row, problem = found
            return _refuse(problem, source, _DAMAGED, row)
        return _refuse(f"the sheet cannot be read ({_plain(exc)})", source, _DAMAGED)


def check_workbook(
    handle: IO[bytes], source: str, *, tables: Callable[[str], bool]
) -> CheckedWorkbook:
    """Check an ``.xlsx`` file for openpyxl to read in read-only, values-only mode.

    Parameters
    ----------
    handle
        The file, open for binary reading.
    source
        The file's name for messages.
    tables
        Whether a sheet of this name will be read as a table: its columns and cells are then
        counted and its cell references checked too.

    Returns
    -------
    CheckedWorkbook
        The open archive and what was found. Close ``.archive`` when done.

    Raises
    ------
    InputError
        When the file is not a workbook, is damaged, or passes a limit (see the module). The
        message names the part or the sheet, the limit with its figure, and the fix.
    """
    try:
        archive = _open_zip(handle, source)
    except InputError as exc:
        raise exc from None  # the message says it all; no chained traceback
    except Exception as exc:  # a damage no check foresaw: still a message, not a traceback
        raise unreadable(exc, source) from None
    try:
        return _check_xml(archive, source, tables)
    except InputError as exc:
        archive.close()
        raise exc from None
    except Exception as exc:
        archive.close()
        raise unreadable(exc, source) from None
    except BaseException:
        archive.close()
        raise


def _check_xml(
    archive: zipfile.ZipFile, source: str, tables: Callable[[str], bool]
) -> CheckedWorkbook:
    """Scan every XML part openpyxl will parse, each as openpyxl reads it: whole, or streamed
    (the sheets and the shared strings)."""
    infos = {info.filename: info for info in archive.infolist()}
    known = _Known()
    done: set[tuple[str, str]] = set()

    def scan(
        name: str, kind: str = "whole", where: str = "", place: str = source, table: bool = False
    ) -> int:
        """Scan a part once for each way openpyxl reads it; the rows or strings it holds."""
        info = infos[name]
        where = where or f"the part {name}"
        if (name, kind) in done:
            return 0
        done.add((name, kind))
        if kind == "whole" and info.file_size > MAX_WHOLE:
            raise _refuse(
                f"{where} unpacks to {_size(info.file_size)}; openpyxl reads such a part "
                f"whole, and okrkit lets it read at most {_size(MAX_WHOLE)}",
                source,
                "copy the tables into a new workbook",
            )
        scanner = _Scan(kind, where, place, table=table)
        if name == "[Content_Types].xml":
            scanner.collect = known.types
        elif name.endswith(".rels"):
            scanner.collect = lambda tag, attrs: known.relationship(name, tag, attrs)
        elif kind == "whole" and name == known.book:
            scanner.collect = known.sheet
        scanner.run(archive, info)
        return scanner.items

    # read whole, by name: the content types first, then every relationship part
    scan("[Content_Types].xml")
    for name in sorted(n for n in infos if n.endswith(".rels")):
        scan(name)
    for name in _FIXED:
        if name in infos:
            scan(name)
    book = next((known.overrides[t] for t in _BOOK_TYPES if t in known.overrides), None)
    if book is None and known.defaults & set(_BOOK_TYPES):
        book = "xl/workbook.xml"
    if book is None or book not in infos:
        raise _not_workbook(
            f"the zip archive has no workbook part ({book or 'xl/workbook.xml'})",
            source,
            "save the workbook from Excel as 'Excel Workbook (.xlsx)'",
        )
    known.book = book
    scan(book)
    # the sheets, as the workbook part lists them; chart sheets and their drawings read whole
    book_rels = {rid: (kind, part) for rid, kind, part in known.rels.get(_rels_of(book), [])}
    names: dict[str, list[str]] = {}
    for sheet, rid in known.sheets:
        kind, part = book_rels.get(rid, ("", ""))
        if not part:
            continue  # openpyxl skips it too
        if part not in infos:
            raise _not_workbook(
                f"the sheet {sheet!r} is listed, but its part {part} is missing", source
            )
        if "chartsheet" not in kind:
            names.setdefault(part, []).append(sheet)
            continue
        scan(part)
        for _, rel_kind, drawing in known.rels.get(_rels_of(part), []):
            if rel_kind.endswith("/drawing") and drawing in infos:
                scan(drawing)
                for _, _, target in known.rels.get(_rels_of(drawing), []):
                    if target in infos and _is_xml(archive, infos[target]):
                        scan(target)
    checked = CheckedWorkbook(archive)
    strings = known.overrides.get(_STRINGS_TYPE)
    if strings is not None:
        if strings not in infos:
            raise _not_workbook(f"its shared strings part {strings} is missing", source)
        checked.strings = scan(strings, "strings", f"the shared-strings part ({strings})")
    for part, sheets in names.items():
        table = any(map(tables, sheets))
        scan(part, "sheet", f"the sheet ({part})", f"{source}[{sheets[0]}]", table)
        if table:
            checked.tables.add(part)
        for sheet in sheets:
            checked.sheets[sheet] = part
    return checked


@dataclass
class _Known:
    """What the workbook's own parts say: content types, relationships and sheets."""

    book: str = ""
    overrides: dict[str, str] = field(default_factory=dict)  # first part of each content type
    defaults: set[str] = field(default_factory=set)
    rels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # id, type, part
    sheets: list[tuple[str, str]] = field(default_factory=list)  # name, relationship id

    def types(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_TYPES} Override" and "PartName" in attrs:
            self.overrides.setdefault(attrs.get("ContentType", ""), attrs["PartName"][1:])
        elif tag == f"{_TYPES} Default":
            self.defaults.add(attrs.get("ContentType", ""))

    def relationship(self, rels_path: str, tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_PACKAGE_REL} Relationship" and attrs.get("TargetMode") != "External":
            part = _resolve(rels_path, attrs.get("Target", ""))
            self.rels.setdefault(rels_path, []).append(
                (attrs.get("Id", ""), attrs.get("Type", ""), part)
            )

    def sheet(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{_MAIN} sheet":
            self.sheets.append((attrs.get("name", ""), attrs.get(f"{_REL} id", "")))


# --- explaining openpyxl's errors ---------------------------------------------------------------


def _bad_cell(archive: zipfile.ZipFile, part: str, strings: int) -> tuple[int, str] | None:
    """The row and the problem of the first cell of a sheet openpyxl cannot convert."""
    parser = ParserCreate(namespace_separator=" ")
    state: dict[str, Any] = {"row": 0, "ref": "", "type": "n", "text": None, "in_v": False}
    found: list[tuple[int, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == _ROW:
            r = attrs.get("r", "")
            state["row"] = int(r) if r.isdigit() else state["row"] + 1
        elif name == _CELL:
            state.update(ref=attrs.get("r", ""), type=attrs.get("t", "n"), text=None)
        elif name == f"{_MAIN} v" and state["text"] is None:
            state.update(in_v=True, text="")

    def text(data: str) -> None:
        if state["in_v"]:
            state["text"] += data

    def end(name: str) -> None:
        if name == f"{_MAIN} v":
            state["in_v"] = False
        elif name == _CELL and state["text"]:
            problem = _cell_problem(state["type"], state["text"], strings)
            if problem:
                cell = state["ref"] or "a cell"
                found.append((state["row"], f"the cell {cell} {problem}"))
                raise _Stop

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(2**20):
                parser.Parse(chunk, False)
    except _Stop:
        return found[0]
    except Exception:  # the scan passed; an error here has no cell to point at
        return None
    return None


def _cell_problem(kind: str, text: str, strings: int) -> str | None:
    """What openpyxl cannot convert in a cell of type ``kind`` holding ``text``."""
    shown = repr(text[:40])
    try:
        if kind == "s":
            if not 0 <= int(text) < strings:
                return (
                    f"refers to shared string number {text[:20]}, and the workbook has "
                    f"{strings:,} shared strings (numbered from 0)"
                )
        elif kind == "n":
            float(text) if re.search("[.eE]", text) else int(text)
        elif kind == "b":
            int(text)
        elif kind == "d" and not re.fullmatch(r"\d{4}-\d\d-\d\d(T[\d:.]+Z?)?", text):
            return f"is marked as a date but holds {shown}"
    except ValueError:
        what = {"s": "a shared string number", "n": "a number", "b": "true or false (1 or 0)"}
        return f"is marked as {what[kind]} but holds {shown}"
    return None


def _plain(exc: BaseException) -> str:
    """An exception of openpyxl, zipfile or expat in one short line."""
    cause = exc.__cause__ or exc
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    if isinstance(cause, KeyError) and "There is no item named" in text:
        return "a part it refers to is missing: " + text.strip("\"'").partition("named ")[2]
    text = text if len(text) <= 160 else text[:159] + "…"
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


def unreadable(exc: BaseException, source: str) -> InputError:
    """The error for an exception no check foresaw, such as one openpyxl raises opening a
    workbook the check let through."""
    return _not_workbook(f"it is damaged ({_plain(exc)})", source)

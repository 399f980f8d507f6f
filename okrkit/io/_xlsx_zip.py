"""The zip layer of an Excel workbook, checked before anything is unpacked: the limits, the
sniffing of the file type, the central directory and the sizes of the parts."""

from __future__ import annotations

import re
import struct
import zipfile
from typing import IO

from okrkit.errors import InputError

__all__ = [
    "BOOK_TYPES",
    "CELL_REF",
    "COLUMN_NUMBERS",
    "CONTENT_TYPES_NS",
    "CRAFTED",
    "DAMAGED",
    "DIGITS",
    "FIXED_PARTS",
    "MAIN_NS",
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
    "PACKAGE_REL_NS",
    "RATIO_FROM",
    "REL_NS",
    "STRINGS_TYPE",
    "column_letter",
    "column_number",
    "not_a_workbook",
    "open_zip",
    "refused",
    "size_text",
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


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


# openpyxl finds the workbook part by these content types, in this order.
BOOK_TYPES = tuple(
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "ms-excel.template.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.sheet",
    )
)


STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


# Parts openpyxl reads whole at fixed names, besides [Content_Types].xml and every .rels part.
FIXED_PARTS = ("xl/styles.xml", "xl/theme/theme1.xml", "docProps/core.xml", "docProps/custom.xml")


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


DIGITS = "0123456789"


CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,15})")


DAMAGED = "the file is damaged: open it in Excel and save it again, or use a copy saved before"


CRAFTED = "if the file is yours, save it again from Excel; otherwise do not open it"


def column_letter(index: int) -> str:
    """The spreadsheet letters of a 1-based column: 1 -> A, 27 -> AA."""
    out = ""
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


#: The column of each of the letters A to IV.
COLUMN_NUMBERS = {column_letter(i): i for i in range(1, MAX_COLUMNS + 1)}


def size_text(n: int) -> str:
    """Bytes as a person reads them: 1.5 GB, 64 MB, 316 KB (powers of 1024).

    >>> size_text(3 * 2**29), size_text(64 * 2**20), size_text(1044275), size_text(700)
    ('1.5 GB', '64 MB', '1020 KB', '700 bytes')
    """
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            figure = f"{n / scale:.1f}" if n < 10 * scale else f"{n / scale:.0f}"
            return f"{figure.removesuffix('.0')} {unit}"
    return f"{n} bytes"


def refused(problem: str, source: str, fix: str, row: int | None = None) -> InputError:
    return InputError(problem, source=source, row=row, fix=fix)


def not_a_workbook(what: str, source: str, fix: str = DAMAGED) -> InputError:
    return refused(f"this is not a readable Excel workbook: {what}", source, fix)


def _sniff(head: bytes, source: str) -> None:
    """Refuse a file that is no zip archive at all, saying what it looks like."""
    if not head:
        raise not_a_workbook("the file is empty", source, "save it from Excel as .xlsx")
    if not head.startswith(b"PK"):
        sample = head.decode("utf-8", "ignore")
        text = b"\x00" not in head and all(c.isprintable() or c in "\t\r\n" for c in sample)
        raise not_a_workbook(
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
        return not_a_workbook(
            "it is protected with a password (encrypted)",
            source,
            "open it in Excel, clear the password under File > Info > Protect Workbook > "
            "Encrypt with Password, and save it",
        )
    if "Workbook".encode("utf-16-le") in names or "Book".encode("utf-16-le") in names:
        return not_a_workbook(
            "it is an Excel 97-2003 workbook (.xls)",
            source,
            "open it in Excel and save it as 'Excel Workbook (.xlsx)'",
        )
    return not_a_workbook(
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


def open_zip(handle: IO[bytes], source: str) -> zipfile.ZipFile:
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
        raise not_a_workbook(
            "the file is cut short: the end of the zip archive, which lists its parts, is missing",
            source,
            "copy or download the file again, or save it again from Excel",
        )
    parts, directory = found
    if parts > MAX_PARTS or directory > MAX_DIRECTORY:
        raise refused(
            f"the zip archive lists {parts:,} parts in {size_text(directory)}; okrkit reads "
            f"workbooks of at most {MAX_PARTS:,} parts listed in {size_text(MAX_DIRECTORY)}",
            source,
            "copy the tables into a new workbook",
        )
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise not_a_workbook(f"the zip archive is damaged ({exc})", source) from None
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
        raise refused(
            f"the zip archive holds {len(infos):,} parts; okrkit reads at most {MAX_PARTS:,}",
            source,
            "copy the tables into a new workbook",
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise not_a_workbook(
                "it is an OpenDocument spreadsheet (.ods)",
                source,
                "open it and save it as 'Excel Workbook (.xlsx)'",
            )
        raise not_a_workbook(
            "it is a zip archive, but without the [Content_Types].xml an Excel workbook has",
            source,
            "save the workbook from Excel as 'Excel Workbook (.xlsx)'",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise not_a_workbook(
                f"the part {info.filename} is encrypted",
                source,
                "save the workbook from Excel without a password",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise not_a_workbook(
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
            raise refused(
                f"{what} of the zip archive overlap: the file is damaged, or built as a zip bomb",
                source,
                CRAFTED,
            )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED:
        raise refused(
            f"the workbook unpacks to {size_text(unpacked)} (from {size_text(size)}); okrkit reads "
            f"workbooks of at most {size_text(MAX_UNPACKED)} unpacked",
            source,
            "split the set over smaller workbooks or CSV folders; "
            "a small file that unpacks this far is a zip bomb, do not open it",
        )
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            raise refused(
                f"the part {info.filename} unpacks to {size_text(info.file_size)} from "
                f"{size_text(info.compress_size)}, {ratio:,} times; okrkit refuses parts packed "
                f"more than {MAX_RATIO} times, as zip bombs are (real sheets pack about 10 times)",
                source,
                CRAFTED,
            )

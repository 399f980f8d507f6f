"""Hostile workbooks are refused in seconds and in little memory; big real ones still load.

A few hundred kilobytes of ``.xlsx`` can ask openpyxl for gigabytes: a cell in column XFD on
every row, millions of shared strings, a part that unpacks a thousand times. Each such file is
built here in ``tmp_path`` (the large ones are too big to commit; small broken workbooks are in
``tests/bad_inputs/xlsx``) and read by a child process, which reports the error, the seconds it
took and its peak memory (``VmHWM``). A watchdog in the child ends it past 2 GB, so a guard that
fails cannot take the machine down. The time bound is loose on purpose: a refusal takes a few
seconds at most, an unguarded read minutes or gigabytes.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from okrkit import OkrSet
from okrkit.errors import InputError
from okrkit.io import read_tables, write_xlsx
from okrkit.io import xlsx_guard as guard

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROOT = f'<worksheet xmlns="{MAIN}">'.encode()
SHEET_HEAD = ROOT + b"<sheetData>"
SHEET_TAIL = b"</sheetData></worksheet>"
HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>'
#: The parts of the sheets of a workbook okrkit writes.
PARTS = {"objectives": "xl/worksheets/sheet2.xml", "checkins": "xl/worksheets/sheet6.xml"}
PEAK_MB = 500
SECONDS = 60  # a guard against a hang, not a measure of speed
DATE = (2026, 1, 1, 0, 0, 0)

CHILD = r"""
import json, os, sys, threading, time

def peak(field):
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith(field)) / 1024

def watch():
    while True:
        if peak("VmRSS:") > 2048:
            print(json.dumps({"message": "over 2 GB", "seconds": 0, "peak_mb": 2048}))
            sys.stdout.flush()
            os._exit(3)
        time.sleep(0.02)

threading.Thread(target=watch, daemon=True).start()
from okrkit.errors import OkrkitError
from okrkit.io import read_tables

start = time.perf_counter()
try:
    read_tables(sys.argv[1])
    message = None
except OkrkitError as exc:
    message = str(exc)
print(json.dumps({
    "message": message, "seconds": time.perf_counter() - start, "peak_mb": peak("VmHWM:")
}))
"""


def read_in_child(path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Read ``path`` with :func:`read_tables` in a fresh process: message, seconds, peak MB."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert done.stdout, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def expect_refused(path: Path, *says: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = read_in_child(path, env)
    message = result["message"]
    assert message is not None, "the file was read"
    assert message.startswith(str(path)), message
    for text in says:
        assert text in message, message
    assert result["peak_mb"] < PEAK_MB, result
    assert result["seconds"] < SECONDS, result
    return result


# --- building workbooks ---------------------------------------------------------------------------


@pytest.fixture
def base(tmp_path: Path, rich_set: OkrSet) -> Path:
    """A valid workbook as okrkit writes it."""
    return write_xlsx(rich_set, tmp_path / "base.xlsx")


def rebuild(
    base: Path,
    out: Path,
    parts: dict[str, Callable[[], Iterable[bytes]]],
    extra: Iterable[tuple[zipfile.ZipInfo, bytes]] = (),
) -> Path:
    """``base`` with some parts replaced by streamed pieces (deflated) and others added as they
    are (``extra``: an info and the bytes to store under it)."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename in parts:
                info = zipfile.ZipInfo(item.filename, DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(info, "w", force_zip64=True) as stream:
                    for piece in parts[item.filename]():
                        stream.write(piece)
            else:
                dst.writestr(item, src.read(item.filename))
        for info, data in extra:
            dst.writestr(info, data)
    return out


def sheet(
    rows: Callable[[], Iterable[bytes]], before: bytes = b""
) -> Callable[[], Iterator[bytes]]:
    """A sheet of an ``id`` header and ``rows``; ``before``: what comes before its data."""

    def pieces() -> Iterator[bytes]:
        yield ROOT + before + b"<sheetData>" + HEADER
        yield from rows()
        yield SHEET_TAIL

    return pieces


def batched(pieces: Iterable[bytes], size: int = 2**20) -> Iterator[bytes]:
    """Join small pieces into chunks of about ``size`` bytes."""
    out: list[bytes] = []
    held = 0
    for piece in pieces:
        out.append(piece)
        held += len(piece)
        if held >= size:
            yield b"".join(out)
            out, held = [], 0
    yield b"".join(out)


def bomb(size: int) -> tuple[bytes, int, int]:
    """A sheet whose one cell holds ``size`` spaces (a multiple of 16 MB), deflated: one packed
    block repeated. The packed bytes, the CRC and the size of what they unpack to."""
    head = SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    tail = b"</t></is></c></row>" + SHEET_TAIL
    block = b" " * 2**24

    def packed(data: bytes, flush: int) -> bytes:  # byte-aligned, so pieces join
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(flush)

    crc = zlib.crc32(head)
    for _ in range(size // len(block)):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    stream = b"".join(
        [
            packed(head, zlib.Z_FULL_FLUSH),
            packed(block, zlib.Z_FULL_FLUSH) * (size // len(block)),
            packed(tail, zlib.Z_FINISH),
        ]
    )
    return stream, crc, len(head) + size + len(tail)


def write_bomb(base: Path, out: Path, names: list[str], size: int) -> Path:
    """``base`` with parts named ``names`` (added or replaced), each a sheet of ``size`` spaces
    in one cell: written as they are, then marked deflated in the central directory."""
    stream, crc, unpacked = bomb(size)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename not in names:
                dst.writestr(item, src.read(item.filename))
        for name in names:
            info = zipfile.ZipInfo(name, DATE)
            dst.writestr(info, stream)  # stored: the bytes are the deflate stream itself
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size, info.CRC = unpacked, crc
    with zipfile.ZipFile(out) as check, check.open(names[0]) as part:  # it inflates as declared
        assert part.read(2**20).endswith(b" " * 2**19)
    return out


# --- hostile workbooks --------------------------------------------------------------------------


def test_a_cell_in_column_xfd_on_every_row_is_refused(base: Path, tmp_path: Path) -> None:
    """The issue's 316 KB workbook: openpyxl padded 60,000 rows to 16,384 cells (5.9 GB)."""
    rows = sheet(
        lambda: batched(
            f'<row r="{i}"><c r="XFD{i}" t="n"><v>1</v></c></row>'.encode()
            for i in range(2, 60_002)
        )
    )
    path = rebuild(base, tmp_path / "xfd.xlsx", {PARTS["objectives"]: rows})
    assert path.stat().st_size < 1_000_000
    expect_refused(
        path,
        f"{path}[objectives], row 2: ",
        "is too wide: the cell XFD2 is in column 16,384; okrkit reads at most 256 columns",
        "(select the columns right of the table, delete them, and save)",
    )


def test_a_dimension_that_says_the_sheet_is_small_is_not_believed(
    base: Path, tmp_path: Path
) -> None:
    rows = sheet(
        lambda: [b'<row r="2"><c r="A2" t="n"><v>1</v></c><c r="KZ2" t="n"><v>1</v></c></row>'],
        before=b'<dimension ref="A1:B2"/>',
    )
    path = rebuild(base, tmp_path / "small_dimension.xlsx", {PARTS["objectives"]: rows})
    with pytest.raises(InputError, match=r"row 2: .* the cell KZ2 is in column 312"):
        read_tables(path)


def test_a_dimension_that_says_the_sheet_is_huge_is_not_believed(
    tmp_path: Path, rich_set: OkrSet
) -> None:
    path = write_xlsx(rich_set, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    book.save(path)  # the normal writer stores a <dimension>
    with zipfile.ZipFile(path) as src:
        xml = src.read(PARTS["objectives"])
    assert b"<dimension ref=" in xml
    xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    huge = rebuild(path, tmp_path / "huge_dimension.xlsx", {PARTS["objectives"]: lambda: [xml]})
    assert read_tables(huge) == rich_set


def test_twenty_million_shared_strings_in_a_small_file_are_refused(
    base: Path, tmp_path: Path
) -> None:
    """The issue's 1 MB workbook of 20 million shared strings (287 s, 3.2 GB): it packs a
    thousand times, as a zip bomb does."""
    strings = {
        "xl/sharedStrings.xml": lambda: batched(
            [f'<sst xmlns="{MAIN}" count="1" uniqueCount="1">'.encode()]
            + [b"<si><t/></si>" * 100_000] * 200
            + [b"</sst>"],
            2**24,
        )
    }
    path = with_shared_strings(base, tmp_path / "strings.xlsx", strings)
    assert path.stat().st_size < 2_000_000
    expect_refused(
        path,
        "the part xl/sharedStrings.xml unpacks to 248 MB from",
        "okrkit refuses parts packed more than 100 times, as zip bombs are",
    )


def test_shared_strings_past_the_limit_are_counted_not_believed(base: Path, tmp_path: Path) -> None:
    """Two million and one distinct strings, packed only a few times, under a count of 1."""
    n = guard.MAX_STRINGS + 1
    strings = {
        "xl/sharedStrings.xml": lambda: batched(
            [f'<sst xmlns="{MAIN}" count="1" uniqueCount="1">'.encode()]
            + [f"<si><t>{i:x}</t></si>".encode() for i in range(n)]
            + [b"</sst>"]
        )
    }
    path = with_shared_strings(base, tmp_path / "strings.xlsx", strings)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
        assert info.file_size < guard.MAX_RATIO * info.compress_size
    expect_refused(
        path,
        f"{path}: the shared-strings part (xl/sharedStrings.xml) holds more than 2,000,000 texts",
        "(split the set over several workbooks)",
    )


def test_a_shared_strings_count_that_is_too_high_is_not_believed(
    base: Path, tmp_path: Path, rich_set: OkrSet
) -> None:
    strings = {
        "xl/sharedStrings.xml": lambda: [
            f'<sst xmlns="{MAIN}" count="99999999" uniqueCount="99999999">'.encode(),
            b"<si><t>Grow</t></si><si><t>Keep</t></si></sst>",
        ]
    }
    path = with_shared_strings(base, tmp_path / "strings.xlsx", strings)
    assert read_tables(path) == rich_set


def with_shared_strings(
    base: Path, out: Path, strings: dict[str, Callable[[], Iterable[bytes]]]
) -> Path:
    """``base`` with a shared-strings part, listed in [Content_Types].xml as openpyxl finds it."""
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override)
            dst.writestr(item, data)
        info = zipfile.ZipInfo("xl/sharedStrings.xml", DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as stream:
            for piece in strings["xl/sharedStrings.xml"]():
                stream.write(piece)
    return out


def test_a_zip_bomb_is_refused_from_the_central_directory(base: Path, tmp_path: Path) -> None:
    """Three parts of 1.5 GB of spaces each, 4.5 MB in all: past the 4 GB of the limit."""
    names = [PARTS["objectives"], "xl/worksheets/sheet7.xml", "xl/worksheets/sheet8.xml"]
    path = write_bomb(base, tmp_path / "bomb.xlsx", names, 3 * 2**29)
    assert path.stat().st_size < 10_000_000
    result = expect_refused(
        path,
        f"{path}: the workbook unpacks to 4.5 GB (from 4.",
        "okrkit reads workbooks of at most 4 GB unpacked",
        "a small file that unpacks this far is a zip bomb, do not open it",
    )
    assert result["seconds"] < 5


def test_a_part_packed_a_thousand_times_is_refused(base: Path, tmp_path: Path) -> None:
    path = write_bomb(base, tmp_path / "bomb.xlsx", [PARTS["objectives"]], 2**30)
    expect_refused(
        path,
        f"{path}: the part xl/worksheets/sheet2.xml unpacks to 1 GB from 10",
        " times; okrkit refuses parts packed more than 100 times, as zip bombs are",
    )


def test_a_sheet_of_more_cells_than_the_limit_is_refused(base: Path, tmp_path: Path) -> None:
    """400,000 rows with one cell in column IV: each row is 256 cells once openpyxl pads it."""
    rows = sheet(
        lambda: batched(
            f'<row r="{i}"><c r="IV{i}" t="n"><v>{i}</v></c></row>'.encode()
            for i in range(2, 400_002)
        )
    )
    path = rebuild(base, tmp_path / "cells.xlsx", {PARTS["objectives"]: rows})
    last = guard.MAX_CELLS // 256 + 1  # the row that passes the limit
    expect_refused(
        path,
        f"{path}[objectives], row {last}: the sheet (xl/worksheets/sheet2.xml) holds more than "
        "100,000,000 cells up to this row, counting each row up to its last cell",
    )


def test_a_row_of_a_million_cells_is_refused(base: Path, tmp_path: Path) -> None:
    """Cells without references: openpyxl numbers them one after the other."""
    pick = random.Random(0).randrange
    cells = (f'<c s="{pick(10**6)}"/>'.encode() for _ in range(1_000_000))
    rows = sheet(lambda: batched([b'<row r="2">', *cells, b"</row>"]))
    path = rebuild(base, tmp_path / "long_row.xlsx", {PARTS["objectives"]: rows})
    expect_refused(
        path, f"{path}[objectives], row 2: ", "is too wide: row 2 holds more than 256 cells"
    )


def test_elements_outside_the_rows_are_counted(base: Path, tmp_path: Path) -> None:
    """openpyxl keeps every element outside the rows it does not know: five million here."""
    tail = batched(f'<x a="{i:x}"/>'.encode() for i in range(5_000_000))
    path = rebuild(
        base,
        tmp_path / "elements.xlsx",
        {
            PARTS["objectives"]: lambda: [
                SHEET_HEAD,
                HEADER,
                b"</sheetData>",
                *tail,
                b"</worksheet>",
            ]
        },
    )
    expect_refused(
        path,
        f"{path}[objectives]: the sheet (xl/worksheets/sheet2.xml) holds more than 250,000 XML "
        "elements outside its rows",
    )


def test_a_text_of_more_than_a_megabyte_is_refused(base: Path, tmp_path: Path) -> None:
    text = random.Random(0).randbytes(2**20).hex().encode()  # 2 MB, packs about twice
    rows = sheet(
        lambda: [b'<row r="2"><c r="A2" t="inlineStr"><is><t>', text, b"</t></is></c></row>"]
    )
    path = rebuild(base, tmp_path / "long_text.xlsx", {PARTS["objectives"]: rows})
    expect_refused(path, f"{path}[objectives], row 2: ", "holds a text or tag of more than 1 MB")


def test_a_sheet_of_millions_of_different_names_is_refused(base: Path, tmp_path: Path) -> None:
    """expat keeps every element name it meets (about 160 bytes each), in openpyxl too."""
    rows = sheet(
        lambda: batched(
            f'<row r="{i}"><c r="A{i}"><q{i:x}/></c></row>'.encode() for i in range(2, 3_000_002)
        )
    )
    path = rebuild(base, tmp_path / "names.xlsx", {PARTS["objectives"]: rows})
    expect_refused(
        path,
        f"{path}[objectives], row ",
        "holds more than 10,000 different names of XML elements and attributes",
    )


def test_an_xml_bomb_is_refused_without_defusedxml(base: Path, tmp_path: Path) -> None:
    """openpyxl parses with defusedxml only when it is installed (okrkit does not require it):
    the check refuses any DTD, whichever parser openpyxl would use."""
    laughs = "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10)
    )
    strings = {
        "xl/sharedStrings.xml": lambda: [
            f'<?xml version="1.0"?><!DOCTYPE sst [{laughs}]><sst xmlns="{MAIN}">'.encode(),
            b"<si><t>&l9;</t></si></sst>",
        ]
    }
    path = with_shared_strings(base, tmp_path / "laughs.xlsx", strings)
    expect_refused(
        path,
        f"{path}: the shared-strings part (xl/sharedStrings.xml) declares a DTD",
        "(an XML bomb)",
        env={"OPENPYXL_DEFUSEDXML": "False"},
    )


def test_a_zip_of_many_parts_is_refused(base: Path, tmp_path: Path) -> None:
    extra = ((zipfile.ZipInfo(f"xl/media/{i}.bin", DATE), b"") for i in range(20_000))
    path = rebuild(base, tmp_path / "parts.xlsx", {}, extra)
    expect_refused(
        path, f"{path}: the zip archive lists 20,0", "okrkit reads workbooks of at most 10,000"
    )


def test_overlapping_parts_are_refused(base: Path, tmp_path: Path) -> None:
    """Twenty entries of the central directory point at the same packed sheet."""
    data = base.read_bytes()
    with zipfile.ZipFile(base) as archive:
        infos = archive.infolist()
    sheet_info = next(i for i in infos if i.filename == PARTS["checkins"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        start = archive.start_dir
    out = io.BytesIO(data[:start])
    out.seek(0, 2)
    entries = [*infos, *[sheet_info] * 20]
    directory = b"".join(_central_entry(info) for info in entries)
    out.write(directory)
    out.write(
        b"PK\x05\x06"
        + (0).to_bytes(4, "little")
        + len(entries).to_bytes(2, "little") * 2
        + len(directory).to_bytes(4, "little")
        + start.to_bytes(4, "little")
        + b"\0\0"
    )
    path = tmp_path / "overlap.xlsx"
    path.write_bytes(out.getvalue())
    expect_refused(
        path,
        f"{path}: the parts ",
        "of the zip archive overlap: the file is damaged, or built as a zip bomb",
    )


def _central_entry(info: zipfile.ZipInfo) -> bytes:
    """The central-directory entry of ``info`` as :mod:`zipfile` writes it."""
    name = info.filename.encode()
    dosdate = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
    dostime = info.date_time[3] << 11 | info.date_time[4] << 5 | info.date_time[5] // 2
    fields = [
        b"PK\x01\x02",
        (20).to_bytes(2, "little"),
        (20).to_bytes(2, "little"),
        info.flag_bits.to_bytes(2, "little"),
        info.compress_type.to_bytes(2, "little"),
        dostime.to_bytes(2, "little"),
        dosdate.to_bytes(2, "little"),
        info.CRC.to_bytes(4, "little"),
        info.compress_size.to_bytes(4, "little"),
        info.file_size.to_bytes(4, "little"),
        len(name).to_bytes(2, "little"),
        bytes(4),  # extra and comment lengths
        bytes(4),  # disk number, internal attributes
        bytes(4),  # external attributes
        info.header_offset.to_bytes(4, "little"),
        name,
    ]
    return b"".join(fields)


# --- workbooks okrkit writes still load ---------------------------------------------------------


def test_a_workbook_okrkit_writes_loads(tmp_path: Path) -> None:
    from okrkit.demo_org import demo_org

    okrs = demo_org(300)
    path = write_xlsx(okrs, tmp_path / "org.xlsx")
    assert read_tables(path) == okrs


def test_the_limits_hold_a_workbook_of_100000_objectives(tmp_path: Path) -> None:
    """A 500-objective workbook, measured and scaled up 200 times, stays within every limit
    with room to spare: the 100,000 objectives of the benchmarks load."""
    from okrkit.demo_org import demo_org

    scale = 200
    path = write_xlsx(demo_org(100_000 // scale), tmp_path / "org.xlsx")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        with path.open("rb") as handle:
            checked = guard.check_workbook(handle, str(path), tables=lambda name: True)
            checked.archive.close()
    assert len(checked.tables) == 6
    assert sum(i.file_size for i in infos) * scale * 2 < guard.MAX_UNPACKED
    assert (
        max(i.file_size / i.compress_size for i in infos if i.file_size > 2**20) * 4
        < guard.MAX_RATIO
    )
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for ws in book.worksheets:
            ws.reset_dimensions()
            rows = list(ws.iter_rows(values_only=True))
            cells = sum(len(r) for r in rows)
            assert max(map(len, rows)) * 8 < guard.MAX_COLUMNS  # 26 columns of key results
            assert len(rows) * scale * 2 < guard.MAX_ROWS or ws.title != "checkins"
            assert cells * scale * 2 < guard.MAX_CELLS
    finally:
        book.close()

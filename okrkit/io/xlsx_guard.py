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

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pyexpat import ParserCreate
from typing import IO, Any

from okrkit.errors import InputError
from okrkit.io._xlsx_xml import (
    CELL_TAG,
    ROW_TAG,
    PartScan,
    ScanStop,
    is_xml_part,
    rels_of,
    resolve_target,
)
from okrkit.io._xlsx_zip import (
    BOOK_TYPES,
    CONTENT_TYPES_NS,
    DAMAGED,
    FIXED_PARTS,
    MAIN_NS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_DIRECTORY,
    MAX_ELEMENTS,
    MAX_ITEM_ELEMENTS,
    MAX_NAMES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_STRINGS,
    MAX_TEXT,
    MAX_UNPACKED,
    MAX_WHOLE,
    PACKAGE_REL_NS,
    REL_NS,
    STRINGS_TYPE,
    not_a_workbook,
    open_zip,
    refused,
    size_text,
)

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
            raise refused(
                f"the workbook names the part of this sheet ({part}) in two ways",
                source,
                DAMAGED,
            )

    def explain(self, exc: BaseException, part: str, source: str) -> InputError:
        """The error for an exception openpyxl raised while reading the sheet in ``part``.

        The sheet is read again, cell by cell as openpyxl converts them, to find the first
        cell that cannot be converted; its row and reference go in the message.
        """
        found = _bad_cell(self.archive, part, self.strings)
        if found is not None:
            row, problem = found
            return refused(problem, source, DAMAGED, row)
        return refused(f"the sheet cannot be read ({_plain(exc)})", source, DAMAGED)


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
        archive = open_zip(handle, source)
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
            raise refused(
                f"{where} unpacks to {size_text(info.file_size)}; openpyxl reads such a part "
                f"whole, and okrkit lets it read at most {size_text(MAX_WHOLE)}",
                source,
                "copy the tables into a new workbook",
            )
        scanner = PartScan(kind, where, place, table=table)
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
    for name in FIXED_PARTS:
        if name in infos:
            scan(name)
    book = next((known.overrides[t] for t in BOOK_TYPES if t in known.overrides), None)
    if book is None and known.defaults & set(BOOK_TYPES):
        book = "xl/workbook.xml"
    if book is None or book not in infos:
        raise not_a_workbook(
            f"the zip archive has no workbook part ({book or 'xl/workbook.xml'})",
            source,
            "save the workbook from Excel as 'Excel Workbook (.xlsx)'",
        )
    known.book = book
    scan(book)
    # the sheets, as the workbook part lists them; chart sheets and their drawings read whole
    book_rels = {rid: (kind, part) for rid, kind, part in known.rels.get(rels_of(book), [])}
    names: dict[str, list[str]] = {}
    for sheet, rid in known.sheets:
        kind, part = book_rels.get(rid, ("", ""))
        if not part:
            continue  # openpyxl skips it too
        if part not in infos:
            raise not_a_workbook(
                f"the sheet {sheet!r} is listed, but its part {part} is missing", source
            )
        if "chartsheet" not in kind:
            names.setdefault(part, []).append(sheet)
            continue
        scan(part)
        for _, rel_kind, drawing in known.rels.get(rels_of(part), []):
            if rel_kind.endswith("/drawing") and drawing in infos:
                scan(drawing)
                for _, _, target in known.rels.get(rels_of(drawing), []):
                    if target in infos and is_xml_part(archive, infos[target]):
                        scan(target)
    checked = CheckedWorkbook(archive)
    strings = known.overrides.get(STRINGS_TYPE)
    if strings is not None:
        if strings not in infos:
            raise not_a_workbook(f"its shared strings part {strings} is missing", source)
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
        if tag == f"{CONTENT_TYPES_NS} Override" and "PartName" in attrs:
            self.overrides.setdefault(attrs.get("ContentType", ""), attrs["PartName"][1:])
        elif tag == f"{CONTENT_TYPES_NS} Default":
            self.defaults.add(attrs.get("ContentType", ""))

    def relationship(self, rels_path: str, tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{PACKAGE_REL_NS} Relationship" and attrs.get("TargetMode") != "External":
            part = resolve_target(rels_path, attrs.get("Target", ""))
            self.rels.setdefault(rels_path, []).append(
                (attrs.get("Id", ""), attrs.get("Type", ""), part)
            )

    def sheet(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{MAIN_NS} sheet":
            self.sheets.append((attrs.get("name", ""), attrs.get(f"{REL_NS} id", "")))


# --- explaining openpyxl's errors ---------------------------------------------------------------


def _bad_cell(archive: zipfile.ZipFile, part: str, strings: int) -> tuple[int, str] | None:
    """The row and the problem of the first cell of a sheet openpyxl cannot convert."""
    parser = ParserCreate(namespace_separator=" ")
    state: dict[str, Any] = {"row": 0, "ref": "", "type": "n", "text": None, "in_v": False}
    found: list[tuple[int, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == ROW_TAG:
            r = attrs.get("r", "")
            state["row"] = int(r) if r.isdigit() else state["row"] + 1
        elif name == CELL_TAG:
            state.update(ref=attrs.get("r", ""), type=attrs.get("t", "n"), text=None)
        elif name == f"{MAIN_NS} v" and state["text"] is None:
            state.update(in_v=True, text="")

    def text(data: str) -> None:
        if state["in_v"]:
            state["text"] += data

    def end(name: str) -> None:
        if name == f"{MAIN_NS} v":
            state["in_v"] = False
        elif name == CELL_TAG and state["text"]:
            problem = _cell_problem(state["type"], state["text"], strings)
            if problem:
                cell = state["ref"] or "a cell"
                found.append((state["row"], f"the cell {cell} {problem}"))
                raise ScanStop

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(2**20):
                parser.Parse(chunk, False)
    except ScanStop:
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
    return not_a_workbook(f"it is damaged ({_plain(exc)})", source)

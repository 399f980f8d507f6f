"""The cells of a flat table (CSV or Excel): the tables and columns of a set, each cell converted
by its column, and formula injection neutralised."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from okrkit.errors import InputError
from okrkit.frames import FRAME_COLUMNS
from okrkit.model import MAX_NUMBER

__all__ = [
    "COLUMN_KINDS",
    "COMMA_LOCALES",
    "EXCEL_ILLEGAL",
    "EXCEL_MAX_TEXT",
    "LOCALES",
    "REQUIRED_TABLES",
    "TABLES",
    "TABLE_COLUMNS",
    "Rows",
    "ambiguous_number",
    "cell_text",
    "column_decimal",
    "column_letter",
    "convert_cell",
    "is_blank",
    "neutralise",
    "table_key",
    "unquote",
]


#: The tables of a set, in the order they are written.
TABLES = ("cycle", "objectives", "key_results", "kpis", "initiatives", "checkins")


#: The columns of each table, in the order they are written.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {"cycle": ("id", "start", "end"), **FRAME_COLUMNS}


REQUIRED_TABLES = ("cycle", "objectives")


# How the cells of a column are read; columns not listed are text.
_NUMBERS = {
    "key_results": ("weight", "confidence", "start", "target", "current", "grade", "threshold"),
    "kpis": ("target", "baseline", "current"),
    "checkins": ("value", "grade", "confidence"),
}


COLUMN_KINDS: dict[str, dict[str, str]] = {
    table: dict.fromkeys(_NUMBERS.get(table, ()), "number") for table in TABLES
}
COLUMN_KINDS["cycle"].update(start="date", end="date")
COLUMN_KINDS["objectives"].update(aligns_to="list")
COLUMN_KINDS["key_results"].update(done="bool", due="date")
COLUMN_KINDS["kpis"].update(measures="list")
COLUMN_KINDS["initiatives"].update(supports="list")
COLUMN_KINDS["checkins"].update(id="int", date="date", done="bool")
for _table in ("objectives", "key_results", "kpis", "initiatives"):
    COLUMN_KINDS[_table].update(silence="silence")


# What a cell of each kind must look like, and how to fix it.
_EXPECTED = {
    "number": (
        "a number",
        "write a plain number such as 25 or 0.5 (no % or units); a file with decimal commas"
        " (0,5) reads with locale 'sv' (okrkit import --locale sv)",
    ),
    "int": ("a whole number", "write a whole number, or leave the cell empty"),
    "bool": (
        "true or false",
        "write true or false (yes/no, 1/0, ja/nej and sant/falskt work too)",
    ),
    "date": ("a date", "write an ISO date such as 2026-02-03, or format the cell as a date"),
    "silence": (
        "a list of silenced findings",
        "write one 'CODE: reason' per line, e.g. 'OKR202: the launch is the outcome'",
    ),
}


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


# English, Swedish, Danish/Norwegian, German, French, Finnish, Dutch, Spanish/Italian: the words
# Excel writes for TRUE/FALSE in those languages, and yes/no.
_BOOLS = dict.fromkeys(
    ("true", "yes", "1", "ja", "sant", "sand", "wahr", "vrai", "oui", "tosi", "kyllä", "waar",
     "verdadero", "vero"),
    True,
) | dict.fromkeys(
    ("false", "no", "0", "nej", "falskt", "falsk", "falsch", "nein", "faux", "non", "epätosi",
     "ei", "onwaar", "falso"),
    False,
)  # fmt: skip


#: The locales a table is read in: ``auto`` tells the decimal mark from each column, ``en``
#: reads ``1,400.5``, the others a decimal comma (``1 400,5``, ``1.400,5``).
COMMA_LOCALES = ("sv", "fi", "da", "nb", "no", "de", "fr", "nl", "es", "it", "pt", "pl")
LOCALES = ("auto", "en", *COMMA_LOCALES)

# Digit groups separated by a space, a no-break space, a narrow no-break space or a thin space.
_SPACE_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?:\D|$))")
_GROUPED = {
    ".": re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"),  # 1,400.5
    ",": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"),  # 1.400,5
}
_COMMA_GROUPS = re.compile(r"[+-]?\d{1,3},\d{3}")  # 1,400: 1.4 or 1400?
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}\.\d{3}")  # 1.400: 1.4 or 1400?


_DANGER = ("=", "+", "-", "@", "\t", "\r")


EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


EXCEL_MAX_TEXT = 32767


Rows = list[tuple[int, dict[str, Any]]]


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


def cell_text(value: object) -> str:
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


def _plain_number(text: str, decimal: str) -> str:
    """A number text as Python reads it: digit groups dropped, ``decimal`` as a point, a minus
    sign (U+2212) as ``-``; the text as it is when it is not written that way."""
    text = _SPACE_GROUPS.sub("", text.replace("\u2212", "-"))
    if decimal == "," and _DOT_GROUPS.fullmatch(text):  # 1.400 with a decimal comma: 1.4?
        raise _ambiguous(text)
    if _GROUPED[decimal].fullmatch(text):
        text = text.replace("," if decimal == "." else ".", "")
    if decimal == "," and "," in text and "." not in text:
        return text.replace(",", ".")
    return text


def _ambiguous(text: str) -> InputError:
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("+-")
    whole = digits.replace(",", "").replace(".", "")
    small = digits.replace(",", ".").rstrip("0").rstrip(".")  # 1,400 -> 1.4
    return InputError(
        f"{text!r} could be {sign}{small} or {sign}{whole}",
        fix=f"write {sign}{whole} or {sign}{small}, or give the file's locale: 'sv' when a comma"
        " is the decimal mark, 'en' when it separates thousands (okrkit import --locale sv)",
    )


def ambiguous_number(text: str, *, semicolon: bool = False) -> InputError | None:
    """The error for a number text that reads two ways without a locale (``1,400``; ``1.400``
    in a ``;``-separated file), else ``None``."""
    plain = _SPACE_GROUPS.sub("", text.strip().replace("\u2212", "-"))
    if _COMMA_GROUPS.fullmatch(plain) or (semicolon and _DOT_GROUPS.fullmatch(plain)):
        return _ambiguous(plain)
    return None


def column_decimal(texts: Iterable[str], *, semicolon: bool = False) -> str:
    """The decimal mark of a column of number texts, ``.`` or ``,``, told from the texts.

    A comma is a decimal comma when a text cannot be a number with commas between thousands
    (``12,5``, ``1.400,5``), and a thousands separator when a text also has a decimal point
    (``1,400.5``) or another text of the column does (``2.5``). Texts such as ``1,400`` alone are
    read with a decimal comma in a ``;``-separated file (Excel writes those where the comma is
    the decimal mark, unless a text has a decimal point) and refused elsewhere, as
    :class:`InputError` saying how to choose; in such a file ``1.400`` is refused too.

    >>> column_decimal(["12,5", "3"]), column_decimal(["1,400", "2.5"])
    (',', '.')
    >>> column_decimal(["1,400"], semicolon=True)
    ','
    """
    texts = list(texts)
    if not any("," in t for t in texts) and not (semicolon and any("." in t for t in texts)):
        return "."
    grouped: list[str] = []
    dotted: list[str] = []
    dots = comma = False
    for raw in texts:
        text = _SPACE_GROUPS.sub("", raw.strip().replace("\u2212", "-"))
        if "," not in text:
            if semicolon and _DOT_GROUPS.fullmatch(text):  # 1.400 where a comma is decimal
                dotted.append(text)
            dots = dots or "." in text
        elif _COMMA_GROUPS.fullmatch(text):
            grouped.append(text)
        elif _GROUPED["."].fullmatch(text):  # 1,400.5 or 12,000,000
            dots = True
        else:  # 12,5 or 1.400,5
            comma = True
    if comma:  # a 1.400 of the column is refused where it is read
        return ","
    if dotted:
        raise _ambiguous(dotted[0])
    if not grouped or (dots and not semicolon):
        return "."
    if semicolon and not dots:
        return ","
    raise _ambiguous(grouped[0])  # 1,400 alone, or beside 2.5 in a ';' file


def convert_cell(value: object, kind: str, decimal: str = ".") -> Any:
    """One cell converted for a column of ``kind``; ``None`` for an empty cell.

    ``decimal`` is the decimal mark of a number written as text (``,`` for ``12,5``); digits
    may be grouped by spaces, and by the other mark (``1,400.5``, ``1.400,5``).
    """
    if value is None or value == "":
        return None
    if kind == "text":
        return cell_text(value)
    if kind == "list":
        return tuple(i.strip() for i in re.split(r"[;,]", cell_text(value)) if i.strip()) or None
    if kind == "silence":
        pairs = [line.partition(":") for line in cell_text(value).splitlines() if line.strip()]
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
        if number is None and isinstance(value, str):
            text = _plain_number(value, decimal) if len(value) <= 400 else value
            if _NUMBER.fullmatch(text):
                number = float(text) if len(text) <= 400 else math.inf
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
    text = repr(cell_text(value) if isinstance(value, dt.date | dt.time) else value)
    return text if len(text) <= room else text[: room - 1] + "…"


def table_key(name: object) -> str:
    """A header, file or sheet name as a table or column name: ``Key Results`` -> key_results."""
    return "" if name is None else re.sub(r"[\s-]+", "_", cell_text(name).strip().lower())


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())

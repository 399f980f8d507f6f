"""The domain model: objectives, key results, check-ins, KPIs, initiatives and the OKR set.

Every class is a frozen, keyword-only dataclass that checks its invariants when it is built, so an
object that exists is valid. Changes return copies (:func:`dataclasses.replace`). Lists given to a
constructor are stored as tuples; ISO date texts are read as dates.

Examples
--------
>>> kr = KeyResult(id="KR1", title="Grow visitors to 1M", type="metric", start=0, target=1e6)
>>> kr.increasing
True
>>> o = Objective(id="O1", title="Raise brand awareness", key_results=[kr])
>>> OkrSet(cycle="2026-Q1", objectives=[o]).key_result("KR1").target
1000000.0
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, Literal, Self, cast, get_args

import numpy as np

from okrkit.cycles import FIRST_DAY, LAST_DAY, MAX_YEAR, MIN_YEAR, Cycle, parse_date
from okrkit.errors import AlignmentCycleError, InputError, ValidationError
from okrkit.lifecycle import check_checkin_date, checkin_in_cycle

__all__ = [
    "KPI",
    "CheckIn",
    "Initiative",
    "KeyResult",
    "Objective",
    "OkrSet",
]

Level = Literal["company", "department", "team", "individual"]
Kind = Literal["committed", "aspirational"]
KrType = Literal["metric", "milestone", "qualitative", "guardrail"]
GuardDirection = Literal["above", "below"]
KpiDirection = Literal["up", "down"]
Frequency = Literal["daily", "weekly", "biweekly", "monthly", "quarterly", "yearly"]
InitiativeState = Literal["planned", "in_progress", "done", "dropped"]

LEVELS: tuple[str, ...] = get_args(Level)
KINDS: tuple[str, ...] = get_args(Kind)
KR_TYPES: tuple[str, ...] = get_args(KrType)
FREQUENCIES: tuple[str, ...] = get_args(Frequency)
INITIATIVE_STATES: tuple[str, ...] = get_args(InitiativeState)

# Fields that belong to one key result type only; the others must stay empty.
KR_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "metric": ("start", "target", "current", "unit"),
    "milestone": ("done",),
    "qualitative": ("grade",),
    "guardrail": ("threshold", "direction", "current", "unit"),
}
_TYPED_FIELDS = ("start", "target", "current", "unit", "done", "grade", "threshold", "direction")
# The typed fields that must stay empty, per key result type.
_FOREIGN_FIELDS = {
    kind: tuple(n for n in _TYPED_FIELDS if n not in own) for kind, own in KR_TYPE_FIELDS.items()
}


# --- field checks: each returns the normalised value or raises ValidationError -------------------


#: The longest text a field holds: what one Excel cell holds, so every set can be exported.
MAX_TEXT = 32_767
#: The longest id.
MAX_ID = 200
#: The characters that separate the ids of a list in a CSV or spreadsheet cell (``K1; K2``); an
#: id may not hold them.
ID_SEPARATORS = ",;"
#: The largest size of a number (check-in values, start, target, current, threshold, KPI target
#: and current): whole numbers up to it are exact in a float and in Excel's 15 digits, and the
#: differences and sums scoring takes of them stay finite. See docs/limits.md.
MAX_NUMBER = 1e15
#: The smallest and largest weight of a key result: weights only compare the key results of one
#: objective, and within this range their products and sums neither overflow nor vanish.
MIN_WEIGHT = 1e-6
MAX_WEIGHT = 1e6


def _text(value: object, name: str, *, required: bool = False, ident: bool = False) -> str:
    if type(value) is str and value.isascii():
        # The common case, without regular expressions: for ASCII, the unstorable character is
        # NUL and the invisible ones are exactly those str.isprintable refuses.
        if ident or name == "id":
            value = value.strip()
        if (
            (
                (value.isprintable() and "," not in value and ";" not in value)
                if ident
                else "\x00" not in value
            )
            and len(value) <= (MAX_ID if ident else MAX_TEXT)
            and (not required or value.strip())
        ):
            return value
    if value is None:
        value = ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValidationError(f"{_short(value)} is not text", field=name, fix="write it as text")
    if ident or name == "id":
        value = value.strip()
    if ident and not value.isascii():
        # One id, one form: an accented letter typed as letter + accent is the same id.
        value = unicodedata.normalize("NFC", value)
    if required and not value.strip():
        raise ValidationError("is empty", field=name, fix=f"give the {name} a value")
    limit = MAX_ID if ident else MAX_TEXT
    if len(value) > limit:
        raise ValidationError(
            f"the text is {len(value):,} characters long, more than {limit:,}",
            field=name,
            fix="shorten it" + ("; an id is a short name such as MKT-1" if ident else ""),
        )
    bad = _UNSTORABLE.search(value) or (_INVISIBLE.search(value) if ident else None)
    if bad:
        char = bad.group()
        raise ValidationError(
            f"{'the id' if ident else 'the text'} holds the character U+{ord(char):04X}"
            f" ({_char_name(char)}) at position {bad.start() + 1}",
            field=name,
            fix="delete it and type the text again; ids are visible letters, digits and punctuation"
            if ident
            else "delete it; it cannot be stored or shown",
        )
    if ident:
        _id_characters(value, name)
    return value


# NUL ends a text in many tools and lone surrogates cannot be written as UTF-8. In ids, control
# and format characters (line breaks, zero-width spaces, right-to-left overrides), variation
# selectors, the grapheme joiner and the Hangul fillers would make two ids look the same, or one
# look like another.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e0fff]"
)

# The scripts whose letters an id may hold, by the first word of the letters' Unicode names: the
# scripts Unicode recommends for identifiers (UAX #31), less Cyrillic, Greek and Armenian, whose
# letters include exact look-alikes of Latin ones (О, Ο and Օ of O). Chinese, Japanese and Korean
# are written in several scripts at once: they count as one.
_ID_SCRIPTS = {
    **{word: word.title() for word in (
        "ARABIC", "BENGALI", "DEVANAGARI", "ETHIOPIC", "GEORGIAN", "GUJARATI", "GURMUKHI",
        "HEBREW", "KANNADA", "KHMER", "LAO", "MALAYALAM", "MYANMAR", "ORIYA", "SINHALA",
        "TAMIL", "TELUGU", "THAANA", "THAI", "TIBETAN",
    )},
    **dict.fromkeys(
        ("CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO"),
        "Chinese, Japanese or Korean",
    ),
}  # fmt: skip
_LOOK_ALIKE_SCRIPTS = frozenset({"CYRILLIC", "GREEK", "ARMENIAN"})


def _id_characters(value: str, name: str) -> None:
    """Refuse a list separator in an id, and a character that could pass for another one.

    Besides ASCII, an id holds Latin letters and the letters of at most one other script of
    :data:`_ID_SCRIPTS` (Unicode's "moderately restrictive" identifiers, UTS #39), with their
    accents. Refused: ``,`` and ``;``; Cyrillic, Greek and Armenian letters; letters of other
    scripts; compatibility forms (fullwidth Ｏ, styled 𝐎, ligatures, a no-break space);
    non-ASCII digits, punctuation, symbols and spaces (‐ for -).
    """
    for i, char in enumerate(value):
        if char in ID_SEPARATORS:
            other = re.sub(rf"\s*[{ID_SEPARATORS}]\s*", "-", value).strip("-") or "A-1"
            raise _id_error(
                value,
                name,
                i,
                ", which separates ids in lists",
                f"rename it, for instance to {_short(other)}: ',' and ';' separate the ids of a"
                " list in CSV files and spreadsheets",
            )
    if value.isascii():
        return
    script = ""  # the script besides Latin, once there is one
    for i, char in enumerate(value):
        if char.isascii():
            continue
        plain = unicodedata.normalize("NFKC", char)
        if plain != char:
            raise _id_error(
                value,
                name,
                i,
                f", a special form of {plain!r}",
                f"type {plain!r} instead: fullwidth, styled, circled and superscript forms"
                " look like the plain characters",
            )
        kind = unicodedata.category(char)
        if kind[0] not in "LM":
            raise _id_error(
                value,
                name,
                i,
                ", which is not a letter",
                "type digits, punctuation and spaces as the plain keyboard characters 0-9, -, _"
                " and so on: look-alikes such as ‐ for - make two ids look the same",
            )
        word = unicodedata.name(char, "").split(" ", 1)[0]
        if word == "LATIN" or (word == "COMBINING" and kind[0] == "M"):
            continue  # a Latin letter, or an accent of the letter before it
        found = _ID_SCRIPTS.get(word)
        if found is None:
            look_alike = word in _LOOK_ALIKE_SCRIPTS
            raise _id_error(
                value,
                name,
                i,
                f", a {word.title()} letter"
                if look_alike
                else ", a letter of a script ids do not use",
                "write the id in Latin letters: Cyrillic, Greek and Armenian letters such as"
                " О, Ο and Օ look just like Latin ones, so ids do not use them; titles may"
                if look_alike
                else "write the id in Latin letters, or in a script listed in docs/limits.md",
            )
        if script and found != script:
            raise _id_error(
                value,
                name,
                i,
                f", a {found} letter among {script} ones",
                "write the id in Latin and at most one other script: letters of two scripts"
                " can pass for one another",
            )
        script = found


def _id_error(value: str, name: str, i: int, why: str, fix: str) -> ValidationError:
    char = value[i]
    return ValidationError(
        f"the id {_short(value)} holds the character U+{ord(char):04X} ({_char_name(char)})"
        f" at position {i + 1}{why}",
        field=name,
        fix=fix,
    )


def _char_name(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return "half of a surrogate pair"
    return unicodedata.name(char, "a control character").lower()


def _short(value: object, room: int = 60) -> str:
    """``repr(value)``, shortened: an error message never holds a megabyte of input."""
    text = repr(value.isoformat() if isinstance(value, dt.date) else value)
    return text if len(text) <= room else text[: room - 1] + "…"


def _number(
    value: object, name: str, *, optional: bool = True, limit: float = MAX_NUMBER
) -> float | None:
    if type(value) is float and -limit <= value <= limit:
        return value
    if value is None:
        if optional:
            return None
        raise ValidationError("is missing", field=name, fix=f"give {name} a number")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{_short(value)} is not a number",
            field=name,
            fix="write a plain number such as 25 or 0.5",
        )
    try:
        number = float(value)
    except OverflowError:  # an int with more than ~308 digits
        number = math.inf
    if not math.isfinite(number):
        raise ValidationError(
            f"{_short(value)} is not a finite number",
            field=name,
            fix="write a plain number; NaN and infinity are not numbers",
        )
    if not -limit <= number <= limit:
        raise ValidationError(
            f"{_short(value)} is outside {_NUMBER_RANGE}, the numbers okrkit computes with exactly",
            field=name,
            fix="count in a larger unit, such as thousands or millions, so that it fits",
        )
    return number


_NUMBER_RANGE = f"-{MAX_NUMBER:.0e} to {MAX_NUMBER:.0e}".replace("e+", "e")


def check_number(value: object, name: str) -> float | None:
    """``value`` as a float from -:data:`MAX_NUMBER` to :data:`MAX_NUMBER` (``None`` stays
    ``None``); the :class:`ValidationError` of the model else."""
    return _number(value, name)


def check_weight(value: object) -> float:
    """``value`` as a key result weight from :data:`MIN_WEIGHT` to :data:`MAX_WEIGHT`; the
    :class:`ValidationError` of the model else."""
    weight = _number(value, "weight", optional=False, limit=sys.float_info.max)
    assert weight is not None
    if weight <= 0:
        raise ValidationError(
            f"{value!r} is not above 0", field="weight", fix="use a weight above 0"
        )
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise ValidationError(
            f"the weight {_short(value)} is outside {MIN_WEIGHT:f} to {MAX_WEIGHT:,.0f}",
            field="weight",
            fix="weights only compare the key results of one objective: scale them to plain"
            " numbers such as 1, 2 and 5",
        )
    return weight


def _choice(value: object, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValidationError(
            f"{_short(value)} is not one of {', '.join(options)}",
            field=name,
            fix=f"write one of: {', '.join(options)}",
        )
    return str(value)


def _ids(value: object, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise ValidationError(
            f"{_short(value)} is not a list of ids", field=name, fix="write [ID, ...]"
        )
    items = tuple(_text(v, name, required=True, ident=True) for v in value)
    if len(set(items)) != len(items):
        raise ValidationError("lists an id twice", field=name, fix="list each id once")
    return items


_CODE = re.compile(r"^OKR\d{3}$")


def _silence(value: object, name: str = "silence") -> tuple[tuple[str, str], ...]:
    """Silenced findings as sorted (code, reason) pairs, from a mapping or pairs."""
    if value is None or (type(value) is tuple and not value):
        return ()
    if isinstance(value, Mapping):
        items: list[tuple[object, ...]] = list(value.items())
    elif isinstance(value, Iterable) and not isinstance(value, str):
        items = [_pair(pair, name) for pair in value]
    else:
        items = [(value, "")]
    out: dict[str, str] = {}
    for pair in items:
        code, reason = [*pair, "", ""][:2]
        if not isinstance(code, str) or not _CODE.match(code.strip()):
            raise ValidationError(
                f"{_short(code)} is not a finding code",
                field=name,
                fix="write 'silence: {OKR202: why this finding does not apply}'",
            )
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(
                f"silencing {code} needs a reason",
                field=name,
                fix=f"write '{code.strip()}: why this finding does not apply'",
            )
        out[code.strip()] = " ".join(reason.split())
    return tuple(sorted(out.items()))


def _pair(pair: object, name: str) -> tuple[object, ...]:
    """One (code, reason) pair of a silence list."""
    if isinstance(pair, str | bytes | Mapping) or not isinstance(pair, Iterable):
        raise ValidationError(
            f"{_short(pair)} is not a pair of finding code and reason",
            field=name,
            fix="write 'silence: {OKR202: why this finding does not apply}'",
        )
    items = tuple(pair)
    if len(items) > 2:
        raise ValidationError(
            f"{_short(pair)} is not a pair of finding code and reason",
            field=name,
            fix="write 'silence: {OKR202: why this finding does not apply}'",
        )
    return items


def _version(value: object) -> int | None:
    """The store version a record was exported at (``version`` in files), or ``None``."""
    if value is None or type(value).__name__ == "NAType":
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        if value.strip().isdigit():
            value = int(value.strip())
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    if not isinstance(value, bool) and hasattr(value, "__index__"):
        value = value.__index__()  # NumPy integers from a frame
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31:
        raise ValidationError(
            f"{_short(value)} is not a store version",
            field="version",
            fix="keep the version an export wrote (a whole number from 1), or leave it out",
        )
    return value


#: The confidence a key result or check-in may carry: a whole number from 1 to 10.
MIN_CONFIDENCE = 1
MAX_CONFIDENCE = 10
#: The grade of a qualitative key result or check-in: 0.0 (none) to 1.0 (fully).
MIN_GRADE = 0.0
MAX_GRADE = 1.0


def check_confidence(value: object, name: str = "confidence") -> int | None:
    """``value`` as a confidence from :data:`MIN_CONFIDENCE` to :data:`MAX_CONFIDENCE` (``None``
    stays ``None``; a whole float is read as an int); the :class:`ValidationError` of the model
    else.

    >>> check_confidence(7.0), check_confidence(None)
    (7, None)
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not MIN_CONFIDENCE <= value <= MAX_CONFIDENCE
    ):
        raise ValidationError(
            f"{_short(value)} is not a confidence",
            field=name,
            fix=f"write a whole number from {MIN_CONFIDENCE} to {MAX_CONFIDENCE}",
        )
    return value


def check_grade(value: object, name: str = "grade") -> float | None:
    """``value`` as a grade from :data:`MIN_GRADE` to :data:`MAX_GRADE` (``None`` stays
    ``None``); the :class:`ValidationError` of the model else.

    >>> check_grade(1), check_grade(None)
    (1.0, None)
    """
    number = _number(value, name)
    if number is not None and not MIN_GRADE <= number <= MAX_GRADE:
        raise ValidationError(
            f"{_short(value)} is outside {MIN_GRADE:.1f}–{MAX_GRADE:.1f}",
            field=name,
            fix=f"grade from {MIN_GRADE:.1f} (none) to {MAX_GRADE:.1f} (fully)",
        )
    return number


def _flag(value: object, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError(
        f"{_short(value)} is not true or false", field=name, fix="write true or false"
    )


def parse_cycle(value: object) -> Cycle:
    """:meth:`Cycle.parse` that also refuses, as a :class:`ValidationError`, an id that is not
    text (``{id: [X], ...}``) and a date Python cannot hold."""
    if isinstance(value, Mapping):
        ident = value.get("id")
        if ident is not None and (isinstance(ident, bool) or not isinstance(ident, str | int)):
            raise ValidationError(
                f"{_short(ident)} is not a cycle id",
                field="cycle.id",
                fix="write a short text such as 2026-H1",
            )
    try:
        return Cycle.parse(value)
    except ValueError as exc:  # a date Python cannot hold
        raise ValidationError(
            f"{_short(value)} is not a cycle: {exc}",
            field="cycle",
            fix=f"write a year from {MIN_YEAR} to {MAX_YEAR}, such as 2026-Q1",
        ) from None


def find_alignment_loop(
    parents: Mapping[str, Iterable[str]], roots: Iterable[str] | None = None
) -> tuple[str, ...] | None:
    """The first loop of alignment links reachable from ``roots`` (default: every id), else None.

    ``parents`` maps an objective id to the ids it aligns to; ids missing from it have no
    parents. The loop is given in alignment order and closes on its first id. The search is
    iterative, so a chain of any length is safe.

    Examples
    --------
    >>> find_alignment_loop({"A": ["B"], "B": ["C"], "C": ["A"]})
    ('A', 'B', 'C', 'A')
    >>> find_alignment_loop({"A": ["B"], "B": []}) is None
    True
    """
    done: set[str] = set()
    for root in parents if roots is None else roots:
        if root in done:
            continue
        path = [root]
        on_path = {root: 0}
        todo = [iter(parents.get(root, ()))]
        while todo:
            parent = next(todo[-1], None)
            if parent is None:
                node = path.pop()
                del on_path[node]
                done.add(node)
                todo.pop()
            elif parent in on_path:
                return (*path[on_path[parent] :], parent)
            elif parent in parents and parent not in done:
                on_path[parent] = len(path)
                path.append(parent)
                todo.append(iter(parents[parent]))
    return None


def loop_error(loop: tuple[str, ...]) -> AlignmentCycleError:
    """The error for an alignment loop found by :meth:`OkrSet.alignment_loop` (no place yet).

    A long loop is named by its first and last links; the fix names the link that closes it.
    """
    n = len(loop) - 1
    shown = loop if n <= 8 else (*loop[:4], "…", *loop[-3:])
    child, parent = loop[-2], loop[-1]
    return AlignmentCycleError(
        f"objectives align in a loop: {' -> '.join(shown)}"
        + (f" ({n} objectives)" if n > 8 else ""),
        field="aligns_to",
        fix=f"remove {parent} from the aligns_to of {child}, or another link of the loop",
    )


def _a(noun: str) -> str:
    """``noun`` with its indefinite article: 'an objective', 'a KPI'."""
    return f"an {noun}" if noun[:1].lower() in "aeio" else f"a {noun}"


#: Set a field of a frozen object (in ``__post_init__``).
_set: Callable[[object, str, object], None] = object.__setattr__


class _Record:
    """Shared construction from mappings (YAML, CSV rows) with the place of every problem."""

    __slots__ = ()
    #: Fields that are not written in files (set by the store or by the set).
    _internal: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def file_keys(cls) -> tuple[str, ...]:
        """The keys a file may use for this kind of record, in file order."""
        return _keys(cls)[0]

    @classmethod
    def required_keys(cls) -> tuple[str, ...]:
        return _keys(cls)[2]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **place: Any) -> Self:
        """Build from a mapping, refusing unknown and missing keys.

        ``place`` (``source``, ``line``, ``row``) is added to any error raised. A mapping may carry
        a ``lines`` attribute (key -> line) to point an error at the line of the faulty field.
        """
        if not isinstance(data, Mapping):
            raise InputError(
                f"expected a mapping of keys for {_a(cls.__name__)}, found {type(data).__name__}",
                fix="write 'key: value' lines",
                **place,
            )
        lines = getattr(data, "lines", {})
        allowed, known, required = _keys(cls)
        if not known.issuperset(data):
            for key in data:
                if key not in known:
                    raise InputError(
                        f"unknown key {_short(key)} in {_a(cls.__name__)}",
                        field=str(key),
                        fix=f"allowed keys: {', '.join(allowed)}",
                        **_with_line(place, lines.get(key)),
                    )
        for key in required:
            if data.get(key) is None:
                raise ValidationError(
                    f"{_a(cls.__name__)} needs '{key}'",
                    field=key,
                    fix=f"add '{key}: ...'",
                    **place,
                )
        try:
            return cls(**dict(data))
        except ValidationError as exc:
            raise exc.at(**_with_line(place, lines.get(exc.field))) from None


_KEYS: dict[type, tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]] = {}


def _keys(cls: type) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]:
    """The file keys of a record class (in order and as a set) and its required keys."""
    if cls not in _KEYS:
        every = fields(cls)
        names = tuple(f.name for f in every if f.name not in getattr(cls, "_internal", ()))
        required = tuple(
            f.name for f in every if f.default is MISSING and f.default_factory is MISSING
        )
        _KEYS[cls] = names, frozenset(names), required
    return _KEYS[cls]


def _with_line(place: Mapping[str, Any], line: int | None) -> dict[str, Any]:
    out = dict(place)
    if line is not None:
        out["line"] = line
    return out


# --- notebook display: short HTML tables, every user text escaped --------------------------------

_HTML_ROWS = 30  # rows an OKR set or objective shows before "... and N more"
_TABLE = '<table style="border-collapse:collapse">'
_CELL = 'style="text-align:left;padding:1px 8px"'


def _shown(value: object, room: int = 200) -> str:
    """A value as escaped text: numbers as %g, lists joined, long text shortened."""
    if value is None or value == () or value == "":
        return "–"
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, tuple):
        text = ", ".join(f"{v[0]} ({v[1]})" if isinstance(v, tuple) else str(v) for v in value)
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return html.escape(text)


def _html_fields(heading: str, pairs: Iterable[tuple[str, object]]) -> str:
    """A heading over a two-column table of the non-empty fields."""
    rows = "".join(
        f"<tr><th {_CELL}>{html.escape(name)}</th><td {_CELL}>{_shown(value)}</td></tr>"
        for name, value in pairs
        if value is not None and value != "" and value != ()
    )
    return f"<div><strong>{html.escape(heading)}</strong>{_TABLE}{rows}</table></div>"


def _html_table(columns: Iterable[str], rows: list[tuple[object, ...]], noun: str) -> str:
    """A table with a header, at most :data:`_HTML_ROWS` rows, and a count of the rest."""
    head = "".join(f"<th {_CELL}>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td {_CELL}>{_shown(v, 80)}</td>" for v in row) + "</tr>"
        for row in rows[:_HTML_ROWS]
    )
    more = len(rows) - _HTML_ROWS
    tail = f"<div><em>… and {more} more {noun}</em></div>" if more > 0 else ""
    return f"{_TABLE}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}"


def _measure(kr: KeyResult) -> str:
    """What a key result measures, in a few words: '0 → 100 %', 'done', 'below 50'."""
    unit = f" {kr.unit}" if kr.unit else ""
    if kr.type == "metric":
        return f"{kr.start:g} → {kr.target:g}{unit}"
    if kr.type == "milestone":
        return "done" if kr.done else "not done"
    if kr.type == "qualitative":
        return "not graded" if kr.grade is None else f"grade {kr.grade:g}"
    return f"{kr.direction} {kr.threshold:g}{unit}"


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyResult(_Record):
    """How progress toward an objective is measured.

    ``type`` is ``metric`` (``start``, ``target``, ``current``, ``unit``), ``milestone``
    (``done``), ``qualitative`` (``grade`` 0–1) or ``guardrail`` (``threshold`` and ``direction``
    ``above``/``below``: stay on the right side of a line). Fields of other types must stay empty.
    """

    id: str
    title: str
    type: KrType = "metric"
    weight: float = 1.0
    owner: str = ""
    confidence: int | None = None
    start: float | None = None
    target: float | None = None
    current: float | None = None
    unit: str | None = None
    done: bool | None = None
    grade: float | None = None
    threshold: float | None = None
    direction: GuardDirection | None = None
    carried_from: str | None = None
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _set(self, "version", _version(self.version))
        _set(self, "id", _text(self.id, "id", required=True, ident=True))
        _set(self, "title", _text(self.title, "title", required=True))
        _set(self, "type", _choice(self.type, "type", KR_TYPES))
        _set(self, "owner", _text(self.owner, "owner"))
        weight = self.weight
        if not (type(weight) is float and MIN_WEIGHT <= weight <= MAX_WEIGHT):
            _set(self, "weight", check_weight(weight))
        if self.confidence is not None:
            _set(self, "confidence", check_confidence(self.confidence))
        for name in ("start", "target", "current", "threshold"):
            value = getattr(self, name)
            if value is not None and not (
                type(value) is float and -MAX_NUMBER <= value <= MAX_NUMBER
            ):
                _set(self, name, _number(value, name))
        if self.grade is not None:
            _set(self, "grade", check_grade(self.grade))
        if self.done is not None:
            _set(self, "done", _flag(self.done, "done"))
        if self.unit is not None:
            # An empty unit means no unit: files leave it out, so it must read back as None.
            _set(self, "unit", _text(self.unit, "unit") or None)
        if self.carried_from is not None:
            _set(
                self,
                "carried_from",
                _text(self.carried_from, "carried_from", required=True, ident=True),
            )
        _set(self, "silence", _silence(self.silence))
        own = KR_TYPE_FIELDS[self.type]
        for name in _FOREIGN_FIELDS[self.type]:
            if getattr(self, name) is not None:
                raise ValidationError(
                    f"'{name}' does not belong to a {self.type} key result",
                    field=name,
                    fix=f"a {self.type} key result takes {', '.join(own)}; remove '{name}'"
                    " or change 'type'",
                )
        if self.type == "metric":
            for name in ("start", "target"):
                if getattr(self, name) is None:
                    raise ValidationError(
                        "a metric key result needs a start and a target",
                        field=name,
                        fix=f"add '{name}: <number>'",
                    )
            if self.start == self.target:
                raise ValidationError(
                    f"target equals start ({self.target:g}), so no progress can be measured",
                    field="target",
                    fix="set the target you want to reach, different from the start",
                )
        elif self.type == "milestone" and self.done is None:
            _set(self, "done", False)
        elif self.type == "guardrail":
            if self.threshold is None:
                raise ValidationError(
                    "a guardrail key result needs a threshold",
                    field="threshold",
                    fix="add 'threshold: <number>'",
                )
            _set(
                self,
                "direction",
                _choice(self.direction or "above", "direction", ("above", "below")),
            )

    def _repr_html_(self) -> str:
        names = ("type", "owner", "weight", "start", "target", "current", "unit", "done")
        more = ("grade", "threshold", "direction", "confidence", "carried_from", "silence")
        return _html_fields(
            f"Key result {self.id}: {self.title}",
            [(n, getattr(self, n)) for n in (*names, *more)],
        )

    @property
    def increasing(self) -> bool:
        """For a metric: True when success means going up (target above start)."""
        return self.type == "metric" and (self.target or 0.0) > (self.start or 0.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Objective(_Record):
    """What we want to achieve: qualitative, with the key results that measure it."""

    id: str
    title: str
    owner: str = ""
    level: Level = "team"
    kind: Kind = "committed"
    description: str = ""
    aligns_to: tuple[str, ...] = ()
    carried_from: str | None = None
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)
    key_results: tuple[KeyResult, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "version", _version(self.version))
        _set(self, "id", _text(self.id, "id", required=True, ident=True))
        _set(self, "title", _text(self.title, "title", required=True))
        _set(self, "owner", _text(self.owner, "owner"))
        _set(self, "level", _choice(self.level, "level", LEVELS))
        _set(self, "kind", _choice(self.kind, "kind", KINDS))
        _set(self, "description", _text(self.description, "description"))
        aligns = _ids(self.aligns_to, "aligns_to")
        if self.id in aligns:
            raise ValidationError(
                "an objective cannot align to itself",
                field="aligns_to",
                fix=f"remove {self.id} from its own aligns_to",
            )
        _set(self, "aligns_to", aligns)
        _set(self, "silence", _silence(self.silence))
        if self.carried_from is not None:
            _set(
                self,
                "carried_from",
                _text(self.carried_from, "carried_from", required=True, ident=True),
            )
        krs = self.key_results or ()
        if isinstance(krs, Mapping) or not isinstance(krs, Iterable):
            raise ValidationError(
                f"{_short(krs)} is not a list",
                field="key_results",
                fix="write a list of key results",
            )
        krs = tuple(krs)
        for kr in krs:
            if not isinstance(kr, KeyResult):
                raise ValidationError(
                    f"{_short(kr)} is not a KeyResult",
                    field="key_results",
                    fix="build KeyResult objects",
                )
        _set(self, "key_results", krs)

    def _repr_html_(self) -> str:
        names = ("owner", "level", "kind", "aligns_to", "carried_from", "description", "silence")
        fields_html = _html_fields(
            f"Objective {self.id}: {self.title}", [(n, getattr(self, n)) for n in names]
        )
        rows: list[tuple[object, ...]] = [
            (kr.id, kr.title, kr.type, _measure(kr), kr.weight, kr.owner) for kr in self.key_results
        ]
        columns = ("key result", "title", "type", "measure", "weight", "owner")
        return fields_html + (_html_table(columns, rows, "key results") if rows else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckIn(_Record):
    """A progress report on one key result: the value (or done / grade), confidence and a note.

    ``id`` is given by the store; it does not count when check-ins are compared.
    """

    _internal: ClassVar[frozenset[str]] = frozenset({"id"})

    key_result: str
    date: dt.date
    value: float | None = None
    done: bool | None = None
    grade: float | None = None
    confidence: int | None = None
    note: str = ""
    author: str = ""
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Millions of check-ins are built at a time: a value already in its checked form (a plain
        # ASCII id or one checked before, a float in range, ...) is kept without calling its check.
        kr, day, value, done, grade = self.key_result, self.date, self.value, self.done, self.grade
        if not (
            type(kr) is str
            and kr.isascii()
            and kr.isprintable()
            and 0 < len(kr) <= MAX_ID
            and kr.strip() == kr
            and "," not in kr
            and ";" not in kr
        ) and not (type(kr) is str and kr in _CHECKED_IDS):
            _set(self, "key_result", _checked_id(kr, "key_result"))
        if not (type(day) is dt.date and FIRST_DAY <= day <= LAST_DAY):
            _set(self, "date", parse_date(day, field="date"))
        if value is not None and not (type(value) is float and -MAX_NUMBER <= value <= MAX_NUMBER):
            _set(self, "value", _number(value, "value"))
        if done is not None and type(done) is not bool:
            _set(self, "done", _flag(done, "done"))
        if grade is not None and not (type(grade) is float and MIN_GRADE <= grade <= MAX_GRADE):
            _set(self, "grade", check_grade(grade))
        confidence = self.confidence
        if confidence is not None and not (
            type(confidence) is int and MIN_CONFIDENCE <= confidence <= MAX_CONFIDENCE
        ):
            _set(self, "confidence", check_confidence(confidence))
        note, author = self.note, self.author
        if not (
            type(note) is str and note.isascii() and "\x00" not in note and len(note) <= MAX_TEXT
        ):
            _set(self, "note", _text(note, "note"))
        if not (
            type(author) is str
            and author.isascii()
            and "\x00" not in author
            and len(author) <= MAX_TEXT
        ):
            _set(self, "author", _text(author, "author"))
        if (value is None) + (done is None) + (grade is None) == 2:
            return
        given = [n for n in ("value", "done", "grade") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValidationError(
                "a check-in records exactly one of value, done or grade"
                + (f" (found {', '.join(given)})" if given else ""),
                field="value",
                fix="value for metric and guardrail, done for milestone, grade for qualitative",
            )

    def _repr_html_(self) -> str:
        names = ("value", "done", "grade", "confidence", "note", "author")
        return _html_fields(
            f"Check-in on {self.key_result}, {self.date.isoformat()}",
            [(n, getattr(self, n)) for n in names],
        )

    @property
    def field_name(self) -> str:
        """Which of ``value``, ``done`` or ``grade`` this check-in records."""
        return "value" if self.value is not None else "done" if self.done is not None else "grade"


#: Ids beyond plain ASCII in their checked form, as check-ins name them: a few thousand key
#: results are named millions of times, and each id is checked once. Emptied when full.
_CHECKED_IDS: set[str] = set()
_CHECKED_IDS_MAX = 1 << 16


def _checked_id(value: object, name: str) -> str:
    """:func:`_text` of an id, remembered in :data:`_CHECKED_IDS` when it was in checked form."""
    checked = _text(value, name, required=True, ident=True)
    if type(value) is str and checked == value:
        if len(_CHECKED_IDS) >= _CHECKED_IDS_MAX:
            _CHECKED_IDS.clear()
        _CHECKED_IDS.add(checked)
    return checked


def check_checkin_dates(days: Sequence[dt.date], key_results: Sequence[str], cycle: Cycle) -> None:
    """Refuse the first check-in dated outside ``cycle``, by its number (from 1) and key result.

    The rule is :func:`okrkit.lifecycle.check_checkin_date`; this applies it to a whole column of
    dates, looking at the earliest and latest day first.

    >>> try:
    ...     check_checkin_dates([dt.date(2026, 10, 5), dt.date(2026, 6, 1)], ["K1", "K2"],
    ...                         Cycle.parse("2026-Q4"))
    ... except ValidationError as exc:
    ...     print(exc.problem[:60])
    check-in 2 on key result K2: the check-in date 2026-06-01 is
    """
    distinct = set(days)
    if not distinct or (
        checkin_in_cycle(min(distinct), cycle) and checkin_in_cycle(max(distinct), cycle)
    ):
        return
    for i, day in enumerate(days):
        try:
            check_checkin_date(day, cycle, place={"field": "date"})
        except ValidationError as exc:
            raise ValidationError(
                f"check-in {i + 1} on key result {key_results[i]}: {exc.problem}",
                field=exc.field,
                fix=exc.fix,
            ) from None


def checkins_from_columns(
    columns: Mapping[str, Sequence[object]], cycle: Cycle | None = None
) -> list[CheckIn] | None:
    """Check-ins built from whole columns, checked column by column instead of one by one.

    ``columns`` maps the keys of :class:`CheckIn` (and ``id``) to equally long sequences of
    plain values, ``None`` for a missing one. The result equals ``[CheckIn(**row) ...]`` with
    the missing values left out. ``None`` is returned, and nothing built, when a value is not
    already in its checked form (a number as text, an id with spaces around it, a bad value):
    the caller then builds the check-ins one by one, which raises the exact error.

    With ``cycle``, a check-in dated outside it is refused as :class:`OkrSet` refuses it
    (:func:`check_checkin_dates`).
    """
    unknown = set(columns) - {"id", *CheckIn.file_keys()}
    n = len(next(iter(columns.values()), ()))
    if unknown or any(len(col) != n for col in columns.values()):
        return None
    empty: Sequence[object] = (None,) * n
    col = {name: columns.get(name, empty) for name in ("id", *CheckIn.file_keys())}
    if not (
        _types(col["id"]) <= {int, _NONE}
        and _types(col["key_result"]) <= {str}
        and _dates(col["date"])
        and _types(col["done"]) <= {bool, _NONE}
        and _texts(col["key_result"], "key_result", required=True, ident=True)
        and _texts(col["note"], "note")
        and _texts(col["author"], "author")
    ):
        return None
    value, grade = _floats(col["value"], float), _floats(col["grade"], float)
    done = _floats(col["done"], bool)
    if value is None or grade is None or done is None:
        return None
    if ((grade < MIN_GRADE) | (grade > MAX_GRADE)).any():
        return None
    given = (~np.isnan(value)).astype(np.int8) + ~np.isnan(grade) + ~np.isnan(done)
    if n and not (given == 1).all():
        return None
    if cycle is not None:
        check_checkin_dates(
            cast(Sequence[dt.date], col["date"]), cast(Sequence[str], col["key_result"]), cycle
        )
    try:
        confidence = [_CONFIDENCES[c] for c in col["confidence"]]
    except (KeyError, TypeError):
        return None
    if not _types(col["confidence"]) <= {int, float, _NONE}:  # True == 1 as a key
        return None
    note = [v if v is not None else "" for v in col["note"]] if None in col["note"] else col["note"]
    author = (
        [v if v is not None else "" for v in col["author"]]
        if None in col["author"]
        else col["author"]
    )
    new = object.__new__
    slot = {f.name: getattr(CheckIn, f.name).__set__ for f in fields(CheckIn)}
    set_id, set_kr, set_date = slot["id"], slot["key_result"], slot["date"]
    set_value, set_done, set_grade = slot["value"], slot["done"], slot["grade"]
    set_conf, set_note, set_author = slot["confidence"], slot["note"], slot["author"]
    out = []
    for ident, kr, day, v, d, g, c, nt, au in zip(
        col["id"], col["key_result"], col["date"], col["value"], col["done"], col["grade"],
        confidence, note, author, strict=True,
    ):  # fmt: skip
        item = new(CheckIn)
        set_id(item, ident)
        set_kr(item, kr)
        set_date(item, day)
        set_value(item, v)
        set_done(item, d)
        set_grade(item, g)
        set_conf(item, c)
        set_note(item, nt)
        set_author(item, au)
        out.append(item)
    return out


_NONE = type(None)
_CONFIDENCES: dict[object, int | None] = {
    None: None,
    **{float(i): i for i in range(MIN_CONFIDENCE, MAX_CONFIDENCE + 1)},
}


def _types(column: Iterable[object]) -> set[type]:
    return set(map(type, column))


def _dates(column: Sequence[object]) -> bool:
    """True when every value of ``column`` is a date from :data:`FIRST_DAY` to :data:`LAST_DAY`
    (checked on the distinct values: a column holds few days, many times)."""
    try:
        distinct = set(column)
    except TypeError:  # an unhashable value
        return False
    if not _types(distinct) <= {dt.date}:
        return False
    days = cast(set[dt.date], distinct)
    return not days or (min(days) >= FIRST_DAY and max(days) <= LAST_DAY)


def _texts(column: Sequence[object], name: str, **how: bool) -> bool:
    """True when every value of ``column`` is ``None`` or text that :func:`_text` keeps as is."""
    if not _types(column) <= {str, _NONE}:
        return False
    try:
        return all(_text(v, name, **how) == v for v in set(column) if v is not None)
    except ValidationError:
        return False


def _floats(column: Sequence[object], kind: type) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    """``column`` (values of type ``kind`` and ``None``) as a float array, ``None`` as NaN;
    ``None`` when a value is NaN, beyond :data:`MAX_NUMBER` or of another type."""
    if not _types(column) <= {kind, _NONE}:
        return None
    array = np.array(column, dtype=np.float64)
    missing = np.isnan(array)
    if (np.abs(array) > MAX_NUMBER).any() or int(missing.sum()) != column.count(None):
        return None
    return array


@dataclass(frozen=True, slots=True, kw_only=True)
class KPI(_Record):
    """A key performance indicator: a measure of ongoing health.

    A KPI is effective only with its four parts: ``target``, ``timeframe``, ``data_source`` and
    ``frequency``. A draft may lack some; :mod:`okrkit.checks` reports each missing part
    (``OKR401``) as an error.
    """

    id: str
    name: str
    target: float | None = None
    timeframe: str = ""
    data_source: str = ""
    frequency: Frequency | None = None
    current: float | None = None
    direction: KpiDirection = "up"
    unit: str = ""
    owner: str = ""
    measures: tuple[str, ...] = ()
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _set(self, "version", _version(self.version))
        _set(self, "id", _text(self.id, "id", required=True, ident=True))
        _set(self, "name", _text(self.name, "name", required=True))
        _set(self, "target", _number(self.target, "target"))
        _set(self, "timeframe", _text(self.timeframe, "timeframe"))
        _set(self, "data_source", _text(self.data_source, "data_source"))
        if self.frequency is not None:
            _set(self, "frequency", _choice(self.frequency, "frequency", FREQUENCIES))
        _set(self, "current", _number(self.current, "current"))
        _set(self, "direction", _choice(self.direction, "direction", ("up", "down")))
        _set(self, "unit", _text(self.unit, "unit"))
        _set(self, "owner", _text(self.owner, "owner"))
        _set(self, "measures", _ids(self.measures, "measures"))
        _set(self, "silence", _silence(self.silence))

    def _repr_html_(self) -> str:
        names = ("target", "current", "direction", "unit", "timeframe", "data_source")
        more = ("frequency", "owner", "measures", "silence")
        return _html_fields(
            f"KPI {self.id}: {self.name}", [(n, getattr(self, n)) for n in (*names, *more)]
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Initiative(_Record):
    """A piece of work that supports one or more key results."""

    id: str
    title: str
    owner: str = ""
    state: InitiativeState = "planned"
    link: str = ""
    supports: tuple[str, ...] = ()
    silence: tuple[tuple[str, str], ...] = ()
    version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _set(self, "version", _version(self.version))
        _set(self, "id", _text(self.id, "id", required=True, ident=True))
        _set(self, "title", _text(self.title, "title", required=True))
        _set(self, "owner", _text(self.owner, "owner"))
        _set(self, "state", _choice(self.state, "state", INITIATIVE_STATES))
        _set(self, "link", _text(self.link, "link"))
        _set(self, "supports", _ids(self.supports, "supports"))
        _set(self, "silence", _silence(self.silence))


@dataclass(frozen=True, slots=True, kw_only=True)
class OkrSet:
    """The OKRs of one cycle with their KPIs, initiatives and check-ins.

    Ids are unique across objectives, key results, KPIs and initiatives. Check-ins, KPI
    ``measures`` and initiative ``supports`` must name key results of the set, and a check-in must
    record the field that fits its key result's type. ``aligns_to`` may name objectives outside the
    set (another team's file); the alignment checks report those that exist nowhere.
    """

    cycle: Cycle
    objectives: tuple[Objective, ...] = ()
    kpis: tuple[KPI, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    _krs: dict[str, KeyResult] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _set(self, "cycle", parse_cycle(self.cycle))
        for name, cls in (
            ("objectives", Objective),
            ("kpis", KPI),
            ("initiatives", Initiative),
            ("checkins", CheckIn),
        ):
            items = tuple(getattr(self, name) or ())
            if _types(items) <= {cls}:
                _set(self, name, items)
                continue
            for i, item in enumerate(items):
                if not isinstance(item, cls):
                    raise ValidationError(
                        f"item {i + 1} is a {type(item).__name__}, not a {cls.__name__}",
                        field=name,
                        fix=f"build {cls.__name__} objects",
                    )
            _set(self, name, items)
        seen: dict[str, str] = {}

        def claim(ident: str, what: str) -> None:
            if ident in seen:
                raise ValidationError(
                    f"duplicate id {ident!r}: used by {_a(seen[ident])} and {_a(what)}",
                    field="id",
                    fix="give each objective, key result, KPI and initiative its own id",
                )
            seen[ident] = what

        krs: dict[str, KeyResult] = {}
        for o in self.objectives:
            claim(o.id, "objective")
            for kr in o.key_results:
                claim(kr.id, "key result")
                krs[kr.id] = kr
        for k in self.kpis:
            claim(k.id, "KPI")
        for ini in self.initiatives:
            claim(ini.id, "initiative")
        _set(self, "_krs", krs)
        for k in self.kpis:
            self._require_krs(k.measures, f"KPI {k.id}", "measures")
        for ini in self.initiatives:
            self._require_krs(ini.supports, f"initiative {ini.id}", "supports")
        expects = {ident: CHECKIN_FIELD[kr.type] for ident, kr in krs.items()}
        for i, c in enumerate(self.checkins):
            expected = expects.get(c.key_result)
            if expected == "value":
                if c.value is not None:
                    continue
            elif expected == "done":
                if c.value is None and c.done is not None:
                    continue
            elif expected == "grade" and c.value is None and c.done is None:
                continue
            found = krs.get(c.key_result)
            if found is None:
                raise ValidationError(
                    f"check-in {i + 1} ({c.date}) is for key result {c.key_result!r},"
                    " which is not in the set",
                    field="key_result",
                    fix="use the id of an existing key result",
                )
            expected = CHECKIN_FIELD[found.type]
            if c.field_name != expected:
                raise ValidationError(
                    f"check-in {i + 1} on {found.type} key result {found.id}"
                    f" records '{c.field_name}'",
                    field=c.field_name,
                    fix=f"record '{expected}' for a {found.type} key result",
                )
        check_checkin_dates(
            [c.date for c in self.checkins], [c.key_result for c in self.checkins], self.cycle
        )

    def alignment_loop(self) -> tuple[str, ...] | None:
        """The first loop of ``aligns_to`` links among the set's objectives, else ``None``.

        The loop is given in alignment order and closes on its first id: ``("A", "B", "A")``
        when A aligns to B and B to A. Links to objectives outside the set are ignored. The
        search is iterative, so a chain of any length is safe. The alignment checks
        (:mod:`okrkit.alignment`, ``OKR601``) find loops across sets and the store.
        """
        return find_alignment_loop({o.id: o.aligns_to for o in self.objectives})

    def _require_krs(self, ids: Iterable[str], owner: str, name: str) -> None:
        for ident in ids:
            if ident not in self._krs:
                raise ValidationError(
                    f"{owner} names key result {ident!r}, which is not in the set",
                    field=name,
                    fix="use the id of an existing key result",
                )

    def key_results(self) -> Iterator[tuple[Objective, KeyResult]]:
        """Every key result with its objective, in file order."""
        for o in self.objectives:
            for kr in o.key_results:
                yield o, kr

    def key_result(self, ident: str) -> KeyResult:
        """The key result with id ``ident``; ``KeyError`` when there is none."""
        return self._krs[ident]

    def objective(self, ident: str) -> Objective:
        """The objective with id ``ident``; ``KeyError`` when there is none."""
        for o in self.objectives:
            if o.id == ident:
                return o
        raise KeyError(ident)

    def _repr_html_(self) -> str:
        c = self.cycle
        heading = (
            f"OKR set {c.id} ({c.start.isoformat()} – {c.end.isoformat()}):"
            f" {len(self.objectives)} objectives, {len(self._krs)} key results,"
            f" {len(self.kpis)} KPIs, {len(self.initiatives)} initiatives,"
            f" {len(self.checkins)} check-ins"
        )
        rows: list[tuple[object, ...]] = [
            (o.id, o.title, o.owner, o.level, o.kind, len(o.key_results), o.aligns_to)
            for o in self.objectives
        ]
        columns = ("objective", "title", "owner", "level", "kind", "key results", "aligns to")
        table = _html_table(columns, rows, "objectives") if rows else ""
        return f"<div><strong>{html.escape(heading)}</strong>{table}</div>"

    @property
    def ids(self) -> frozenset[str]:
        """Every id in the set (objectives, key results, KPIs, initiatives)."""
        return frozenset(
            [o.id for o in self.objectives]
            + list(self._krs)
            + [k.id for k in self.kpis]
            + [i.id for i in self.initiatives]
        )


#: The check-in field each key result type records.
CHECKIN_FIELD: dict[str, str] = {
    "metric": "value",
    "guardrail": "value",
    "milestone": "done",
    "qualitative": "grade",
}

"""The field checks of the model: each returns the normalised value or raises
:class:`~okrkit.errors.ValidationError`; and the kinds, types and limits of the fields."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from okrkit.cycles import MAX_YEAR, MIN_YEAR, Cycle, parse_date
from okrkit.errors import ValidationError
from okrkit.lifecycle import CHECKIN_FIELD as _CHECKIN_FIELD

__all__ = [
    "BOUNDS",
    "CHECKIN_FIELD",
    "FOREIGN_FIELDS",
    "FREQUENCIES",
    "ID_SEPARATORS",
    "INITIATIVE_STATES",
    "KINDS",
    "KR_TYPES",
    "KR_TYPE_FIELDS",
    "LEVELS",
    "MAX_CONFIDENCE",
    "MAX_GRADE",
    "MAX_ID",
    "MAX_NUMBER",
    "MAX_TEXT",
    "MAX_WEIGHT",
    "MIN_CONFIDENCE",
    "MIN_GRADE",
    "MIN_WEIGHT",
    "PERIODS",
    "ZONES",
    "Bound",
    "Frequency",
    "GuardDirection",
    "InitiativeState",
    "Kind",
    "KpiDirection",
    "KrType",
    "Level",
    "Period",
    "Zone",
    "check_confidence",
    "check_grade",
    "check_number",
    "check_weight",
    "choice_field",
    "date_field",
    "flag_field",
    "frequency_field",
    "ids_field",
    "number_field",
    "parse_cycle",
    "shorten",
    "silence_field",
    "text_field",
    "version_field",
]

Level = Literal["company", "department", "team", "individual"]
Kind = Literal["committed", "aspirational"]
KrType = Literal["metric", "milestone", "qualitative", "guardrail", "ordinal"]
GuardDirection = Literal["above", "below"]
KpiDirection = Literal["up", "down"]
Frequency = Literal[
    "daily", "weekly", "biweekly", "monthly", "quarterly", "yearly", "per_project", "ongoing"
]
#: A metric's target as a bound: reached at the target or beyond, without a baseline.
Bound = Literal["at_least", "at_most"]
#: The period a rate key result is judged per ("10 demos per month").
Period = Literal["week", "month", "quarter"]
#: The levels of an ordinal key result, lowest first: below commit, commit, target, stretch.
Zone = Literal["fail", "commit", "target", "stretch"]
InitiativeState = Literal["planned", "in_progress", "done", "dropped"]

LEVELS: tuple[str, ...] = get_args(Level)
KINDS: tuple[str, ...] = get_args(Kind)
KR_TYPES: tuple[str, ...] = get_args(KrType)
FREQUENCIES: tuple[str, ...] = get_args(Frequency)
BOUNDS: tuple[str, ...] = get_args(Bound)
PERIODS: tuple[str, ...] = get_args(Period)
ZONES: tuple[str, ...] = get_args(Zone)
INITIATIVE_STATES: tuple[str, ...] = get_args(InitiativeState)

# Fields that belong to one key result type only; the others must stay empty.
KR_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "metric": ("start", "target", "current", "unit", "bound", "per"),
    "milestone": ("done", "due"),
    "qualitative": ("grade",),
    "guardrail": ("threshold", "direction", "current", "unit"),
    "ordinal": ("commit_zone", "target_zone", "stretch_zone", "zone"),
}
_TYPED_FIELDS = (
    "start", "target", "current", "unit", "bound", "per", "done", "due", "grade",
    "threshold", "direction", "commit_zone", "target_zone", "stretch_zone", "zone",
)  # fmt: skip
# The typed fields that must stay empty, per key result type.
FOREIGN_FIELDS = {
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


def text_field(value: object, name: str, *, required: bool = False, ident: bool = False) -> str:
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
        raise ValidationError(f"{shorten(value)} is not text", field=name, fix="write it as text")
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
                f"rename it, for instance to {shorten(other)}: ',' and ';' separate the ids of a"
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
        f"the id {shorten(value)} holds the character U+{ord(char):04X} ({_char_name(char)})"
        f" at position {i + 1}{why}",
        field=name,
        fix=fix,
    )


def _char_name(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return "half of a surrogate pair"
    return unicodedata.name(char, "a control character").lower()


def shorten(value: object, room: int = 60) -> str:
    """``repr(value)``, shortened: an error message never holds a megabyte of input."""
    text = repr(value.isoformat() if isinstance(value, dt.date) else value)
    return text if len(text) <= room else text[: room - 1] + "…"


def number_field(
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
            f"{shorten(value)} is not a number",
            field=name,
            fix="write a plain number such as 25 or 0.5",
        )
    try:
        number = float(value)
    except OverflowError:  # an int with more than ~308 digits
        number = math.inf
    if not math.isfinite(number):
        raise ValidationError(
            f"{shorten(value)} is not a finite number",
            field=name,
            fix="write a plain number; NaN and infinity are not numbers",
        )
    if not -limit <= number <= limit:
        raise ValidationError(
            f"{shorten(value)} is outside {_NUMBER_RANGE},"
            " the numbers okrkit computes with exactly",
            field=name,
            fix="count in a larger unit, such as thousands or millions, so that it fits",
        )
    return number


_NUMBER_RANGE = f"-{MAX_NUMBER:.0e} to {MAX_NUMBER:.0e}".replace("e+", "e")


def check_number(value: object, name: str) -> float | None:
    """``value`` as a float from -:data:`MAX_NUMBER` to :data:`MAX_NUMBER` (``None`` stays
    ``None``); the :class:`ValidationError` of the model else."""
    return number_field(value, name)


def check_weight(value: object) -> float:
    """``value`` as a key result weight from :data:`MIN_WEIGHT` to :data:`MAX_WEIGHT`; the
    :class:`ValidationError` of the model else."""
    weight = number_field(value, "weight", optional=False, limit=sys.float_info.max)
    assert weight is not None
    if weight <= 0:
        raise ValidationError(
            f"{value!r} is not above 0", field="weight", fix="use a weight above 0"
        )
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise ValidationError(
            f"the weight {shorten(value)} is outside {MIN_WEIGHT:f} to {MAX_WEIGHT:,.0f}",
            field="weight",
            fix="weights only compare the key results of one objective: scale them to plain"
            " numbers such as 1, 2 and 5",
        )
    return weight


def choice_field(value: object, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValidationError(
            f"{shorten(value)} is not one of {', '.join(options)}",
            field=name,
            fix=f"write one of: {', '.join(options)}",
        )
    return str(value)


def ids_field(value: object, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise ValidationError(
            f"{shorten(value)} is not a list of ids", field=name, fix="write [ID, ...]"
        )
    items = tuple(text_field(v, name, required=True, ident=True) for v in value)
    if len(set(items)) != len(items):
        raise ValidationError("lists an id twice", field=name, fix="list each id once")
    return items


_CODE = re.compile(r"^OKR\d{3}$")


def silence_field(value: object, name: str = "silence") -> tuple[tuple[str, str], ...]:
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
                f"{shorten(code)} is not a finding code",
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
            f"{shorten(pair)} is not a pair of finding code and reason",
            field=name,
            fix="write 'silence: {OKR202: why this finding does not apply}'",
        )
    items = tuple(pair)
    if len(items) > 2:
        raise ValidationError(
            f"{shorten(pair)} is not a pair of finding code and reason",
            field=name,
            fix="write 'silence: {OKR202: why this finding does not apply}'",
        )
    return items


def version_field(value: object) -> int | None:
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
            f"{shorten(value)} is not a store version",
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
            f"{shorten(value)} is not a confidence",
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
    number = number_field(value, name)
    if number is not None and not MIN_GRADE <= number <= MAX_GRADE:
        raise ValidationError(
            f"{shorten(value)} is outside {MIN_GRADE:.1f}–{MAX_GRADE:.1f}",
            field=name,
            fix=f"grade from {MIN_GRADE:.1f} (none) to {MAX_GRADE:.1f} (fully)",
        )
    return number


def flag_field(value: object, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError(
        f"{shorten(value)} is not true or false", field=name, fix="write true or false"
    )


#: How people write a KPI's frequency, in English and Swedish, mapped to :data:`FREQUENCIES`.
_FREQUENCY_WORDS = {
    "day": "daily", "every day": "daily", "dagligen": "daily", "daglig": "daily",
    "week": "weekly", "every week": "weekly", "veckovis": "weekly", "varje vecka": "weekly",
    "fortnightly": "biweekly", "every two weeks": "biweekly", "varannan vecka": "biweekly",
    "month": "monthly", "every month": "monthly", "månadsvis": "monthly",
    "varje månad": "monthly", "månatlig": "monthly", "månatligen": "monthly",
    "quarter": "quarterly", "every quarter": "quarterly", "kvartalsvis": "quarterly",
    "varje kvartal": "quarterly", "year": "yearly", "annually": "yearly", "annual": "yearly",
    "årligen": "yearly", "årsvis": "yearly", "varje år": "yearly",
    "per project": "per_project", "per-project": "per_project", "per projekt": "per_project",
    "continuous": "ongoing", "continuously": "ongoing", "löpande": "ongoing",
    "kontinuerligt": "ongoing", "pågående": "ongoing",
}  # fmt: skip


def frequency_field(value: object, name: str = "frequency") -> str | None:
    """A KPI's monitoring frequency as one of :data:`FREQUENCIES`, from the words people use.

    >>> frequency_field("Per projekt"), frequency_field("Löpande"), frequency_field("weekly")
    ('per_project', 'ongoing', 'weekly')
    """
    if value is None:
        return None
    if isinstance(value, str):
        word = " ".join(value.strip().lower().replace("_", " ").split())
        if not word:
            return None
        if word.replace(" ", "_") in FREQUENCIES:
            return word.replace(" ", "_")
        if word in _FREQUENCY_WORDS:
            return _FREQUENCY_WORDS[word]
    return choice_field(value, name, FREQUENCIES)


def date_field(value: object, name: str) -> dt.date | None:
    """A date (``YYYY-MM-DD``, a date or a timestamp), or ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=name)


def parse_cycle(value: object) -> Cycle:
    """:meth:`Cycle.parse` that also refuses, as a :class:`ValidationError`, an id that is not
    text (``{id: [X], ...}``) and a date Python cannot hold."""
    if isinstance(value, Mapping):
        ident = value.get("id")
        if ident is not None and (isinstance(ident, bool) or not isinstance(ident, str | int)):
            raise ValidationError(
                f"{shorten(ident)} is not a cycle id",
                field="cycle.id",
                fix="write a short text such as 2026-H1",
            )
    try:
        return Cycle.parse(value)
    except ValueError as exc:  # a date Python cannot hold
        raise ValidationError(
            f"{shorten(value)} is not a cycle: {exc}",
            field="cycle",
            fix=f"write a year from {MIN_YEAR} to {MAX_YEAR}, such as 2026-Q1",
        ) from None


#: The check-in field each key result type records (the rule is okrkit.lifecycle's).
CHECKIN_FIELD = _CHECKIN_FIELD

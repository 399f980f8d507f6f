"""Translated text: the one home for labels and messages in English and Swedish.

Every text a person reads lives in ``okrkit/locale/<lang>.json``, one file per language of
:data:`LANGUAGES`, as sections of keyed templates: ``{"section": {"key": "text {value}"}}``. Both
files hold the same sections, keys and ``{placeholders}`` (a test checks it). :func:`say` fills in
one template, :func:`texts` gives a whole section; :func:`resolve_lang` decides the language
(``lang``, else ``$OKRKIT_LANG``, else English) and :func:`format_number` writes a number for
people in that language.

This module sits at the bottom of the package: it imports nothing else from okrkit, so every
layer may use it.

Examples
--------
>>> say("common", "save", "sv")
'Spara'
>>> say("common", "error", "en", message="the cycle is closed")
'Could not save: the cycle is closed'
>>> format_number(1234.5, "sv")
'1\\xa0234,5'
"""

from __future__ import annotations

import json
import math
import os
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, Literal

__all__ = [
    "ENV_LANG",
    "LANGUAGES",
    "Lang",
    "format_number",
    "lang_code",
    "resolve_lang",
    "say",
    "texts",
]

#: A language okrkit speaks.
Lang = Literal["en", "sv"]
#: The languages of labels and messages, the default first.
LANGUAGES: Final[tuple[Lang, ...]] = ("en", "sv")
#: The environment variable that picks the language (``en`` or ``sv``; ``sv_SE.UTF-8`` works).
ENV_LANG: Final = "OKRKIT_LANG"
#: What :func:`format_number` writes for a missing number.
MISSING: Final = "–"


def lang_code(text: str) -> str:
    """The language part of a locale name, lower case: ``sv_SE.UTF-8`` is ``sv``.

    >>> lang_code("sv_SE.UTF-8"), lang_code(" EN-gb ")
    ('sv', 'en')
    """
    return str(text).strip().lower().replace("_", "-").replace(".", "-").split("-")[0]


def resolve_lang(lang: str | None = None) -> Lang:
    """The language of labels and messages: ``lang``, else ``$OKRKIT_LANG``, else ``"en"``.

    Region and encoding suffixes are dropped (``sv_SE.UTF-8`` is ``sv``). An unsupported
    ``$OKRKIT_LANG`` falls back to English.

    Raises
    ------
    ValueError
        For an unsupported ``lang``.

    Examples
    --------
    >>> resolve_lang("sv-SE"), resolve_lang("EN")
    ('sv', 'en')
    """
    if lang is None:
        code = lang_code(os.environ.get(ENV_LANG, ""))
        return _known(code) or LANGUAGES[0]
    found = _known(lang_code(lang))
    if found is None:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return found


def _known(code: str) -> Lang | None:
    for lang in LANGUAGES:
        if code == lang:
            return lang
    return None


@cache
def _table(lang: str) -> MappingProxyType[str, MappingProxyType[str, str]]:
    """The locale file of ``lang``, read once."""
    raw = resources.files("okrkit").joinpath("locale", f"{lang}.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = json.loads(raw)
    return MappingProxyType({name: MappingProxyType(dict(keys)) for name, keys in data.items()})


def texts(section: str, lang: str) -> MappingProxyType[str, str]:
    """All templates of ``section`` in ``lang`` (read-only), unfilled.

    Raises
    ------
    KeyError
        When no locale file has the section.

    Examples
    --------
    >>> texts("common", "sv")["cycle"]
    'Period'
    """
    return _table(resolve_lang(lang))[section]


def say(section: str, key: str, lang: str, /, **values: Any) -> str:
    """The template ``key`` of ``section`` in ``lang``, filled with ``values``.

    A key missing in ``lang`` falls back to English, then to the key itself; a template is
    formatted only when values are given (so a text may hold braces of its own).

    Examples
    --------
    >>> say("common", "objective", "sv"), say("common", "no such key", "sv")
    ('Mål', 'no such key')
    """
    template = _lookup(resolve_lang(lang), section, key)
    if template is None:
        template = _lookup(LANGUAGES[0], section, key) or key
    return template.format(**values) if values else template


def _lookup(lang: str, section: str, key: str) -> str | None:
    keys = _table(lang).get(section)
    return None if keys is None else keys.get(key)


def format_number(
    value: Any, lang: str = "en", *, decimals: int | None = 2, missing: str = MISSING
) -> str:
    """A number for people: thousands grouped, at most ``decimals`` decimals, ``–`` when missing.

    Swedish groups thousands with a no-break space and uses a decimal comma. Trailing zeros are
    dropped (``0.50`` is ``0.5``). ``decimals=None`` keeps every digit the number has, for a form
    field whose text is read back (``0.125`` stays ``0.125``); ``missing`` is the text for
    ``None``, NaN, ``pd.NA`` and infinities.

    Examples
    --------
    >>> format_number(1234567.0), format_number(0.5, "sv"), format_number(1234.25, "sv")
    ('1,234,567', '0,5', '1\\xa0234,25')
    >>> format_number(None), format_number(float("nan")), format_number(2.0 / 3)
    ('–', '–', '0.67')
    >>> format_number(0.125, decimals=None), format_number(-12500.5, "sv", decimals=None)
    ('0.125', '-12\\xa0500,5')
    """
    number = _number(value)
    if number is None:
        return missing
    if number.is_integer():
        text = f"{number:,.0f}"
    elif decimals is None:
        text = format(Decimal(repr(number)), ",f")
    else:
        text = f"{number:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{number:,.0f}"
    if text == "-0":  # -0.001 to 2 decimals
        text = "0"
    if lang_code(lang) == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _number(value: Any) -> float | None:
    """``value`` as a finite float, else ``None`` (missing, NaN, ``pd.NA``, infinite)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):  # pd.NA raises TypeError
        return None
    return number if math.isfinite(number) else None

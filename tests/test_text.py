"""The one home of translated text: locale files, the language resolver, the number formatter."""

from __future__ import annotations

import json
import math
import string
from importlib import resources

import pandas as pd
import pytest

from okrkit import text
from okrkit.text import LANGUAGES, format_number, resolve_lang, say, texts


def _locale(lang: str) -> dict[str, dict[str, str]]:
    raw = resources.files("okrkit").joinpath("locale", f"{lang}.json").read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(raw)
    return data


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_language_has_a_locale_file_with_the_same_sections():
    sections = {lang: set(_locale(lang)) for lang in LANGUAGES}
    assert sections["en"], "the English file has no section"
    for lang in LANGUAGES:
        assert sections[lang] == sections["en"], lang


@pytest.mark.parametrize("section", sorted(_locale("en")))
def test_a_section_has_the_same_keys_and_placeholders_in_every_language(section):
    english = _locale("en")[section]
    for lang in LANGUAGES[1:]:
        other = _locale(lang)[section]
        assert set(other) == set(english), (section, lang, set(other) ^ set(english))
        for key, template in english.items():
            assert _fields(other[key]) == _fields(template), (section, key, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_locale_files_hold_only_non_empty_strings(lang):
    for section, keys in _locale(lang).items():
        assert isinstance(keys, dict), section
        for key, template in keys.items():
            assert isinstance(template, str) and template.strip(), (section, key)


def test_say_fills_in_and_falls_back_to_english_then_to_the_key():
    assert say("common", "error", "sv", message="x") == "Kunde inte spara: x"
    assert say("common", "nope", "sv") == "nope"
    assert say("common", "save", "sv_SE.UTF-8") == "Spara"
    with pytest.raises(KeyError):
        texts("no such section", "en")


def test_texts_is_read_only_and_cached():
    common = texts("common", "en")
    with pytest.raises(TypeError):
        common["save"] = "Keep"  # type: ignore[index]
    assert texts("common", "en") is common


def test_resolve_lang(monkeypatch):
    monkeypatch.delenv(text.ENV_LANG, raising=False)
    assert resolve_lang() == "en"
    monkeypatch.setenv(text.ENV_LANG, "sv_SE.UTF-8")
    assert resolve_lang() == "sv"
    assert resolve_lang("en") == "en"
    monkeypatch.setenv(text.ENV_LANG, "de")
    assert resolve_lang() == "en"
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        resolve_lang("de")


def test_checks_and_the_views_resolve_the_language_with_the_same_function():
    from okrkit.checks import resolve_lang as checks_resolve
    from okrkit.ui.i18n import resolve_lang as ui_resolve

    assert checks_resolve is resolve_lang
    assert ui_resolve is resolve_lang


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (1234567.0, "en", "1,234,567"),
        (1234567, "sv", "1\u00a0234\u00a0567"),
        (0.5, "sv", "0,5"),
        (1234.25, "sv", "1\u00a0234,25"),
        (2 / 3, "en", "0.67"),
        (-0.001, "en", "0"),
        (-1500.5, "en", "-1,500.5"),
        (None, "en", "–"),
        (math.nan, "sv", "–"),
        (pd.NA, "en", "–"),
        (math.inf, "en", "–"),
    ],
)
def test_format_number(value, lang, shown):
    assert format_number(value, lang) == shown


def test_format_number_for_a_form_field_keeps_every_digit():
    assert format_number(0.125, decimals=None) == "0.125"
    assert format_number(1e-7, decimals=None) == "0.0000001"
    assert format_number(-12500.5, "sv", decimals=None) == "-12\u00a0500,5"
    assert format_number(None, missing="") == ""

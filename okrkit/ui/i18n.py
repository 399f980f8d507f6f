"""Labels of the views in English and Swedish.

Each view module keeps its own table ``TEXT = {"en": {...}, "sv": {...}}`` with the same keys in
both languages (a test checks it) and looks labels up with :func:`pick`.

>>> pick({"en": {"save": "Save"}, "sv": {"save": "Spara"}}, "save", "sv")
'Spara'
>>> pick({"en": {"left": "{n} dots left"}, "sv": {"left": "{n} prickar kvar"}}, "left", "en", n=2)
'2 dots left'
"""

from __future__ import annotations

from collections.abc import Mapping

from okrkit.checks import resolve_lang

__all__ = ["COMMON", "pick", "resolve_lang"]

#: Labels shared by every view.
COMMON: dict[str, dict[str, str]] = {
    "en": {
        "refresh": "Refresh",
        "saved": "Saved.",
        "error": "Could not save: {message}",
        "unexpected": "Something went wrong and nothing was saved; the details are in the log.",
        "cycle": "Cycle",
        "owner": "Owner",
        "level": "Level",
        "title": "Title",
        "objective": "Objective",
        "key_result": "Key result",
        "note": "Note",
        "confidence": "Confidence",
        "add": "Add",
        "save": "Save",
        "delete": "Delete",
        "score": "Score",
        "band": "Band",
        "status": "Status",
    },
    "sv": {
        "refresh": "Uppdatera",
        "saved": "Sparat.",
        "error": "Kunde inte spara: {message}",
        "unexpected": "Något gick fel och inget sparades; detaljerna finns i loggen.",
        "cycle": "Period",
        "owner": "Ägare",
        "level": "Nivå",
        "title": "Titel",
        "objective": "Mål",
        "key_result": "Nyckelresultat",
        "note": "Anteckning",
        "confidence": "Tilltro",
        "add": "Lägg till",
        "save": "Spara",
        "delete": "Ta bort",
        "score": "Poäng",
        "band": "Färg",
        "status": "Status",
    },
}


def pick(table: Mapping[str, Mapping[str, str]], key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` from ``table`` (else from :data:`COMMON`), filled in."""
    text = table.get(lang, {}).get(key) or COMMON[lang].get(key) or table["en"].get(key) or key
    return text.format(**values) if values else text

"""Labels of the views in English and Swedish.

The labels live in ``okrkit/locale/<lang>.json`` (:mod:`okrkit.text`); :func:`pick` still looks
labels up in a view's own table ``TEXT = {"en": {...}, "sv": {...}}``, else in the shared
``common`` section, for views whose labels have not moved yet.

>>> pick({"en": {"save": "Save"}, "sv": {"save": "Spara"}}, "save", "sv")
'Spara'
>>> pick({"en": {"left": "{n} dots left"}, "sv": {"left": "{n} prickar kvar"}}, "left", "en", n=2)
'2 dots left'
"""

from __future__ import annotations

from collections.abc import Mapping

from okrkit.text import LANGUAGES, resolve_lang, texts

__all__ = ["COMMON", "pick", "resolve_lang"]

#: Labels shared by every view: the ``common`` section of ``okrkit/locale/<lang>.json``.
COMMON: dict[str, dict[str, str]] = {lang: dict(texts("common", lang)) for lang in LANGUAGES}


def pick(table: Mapping[str, Mapping[str, str]], key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` from ``table`` (else from :data:`COMMON`), filled in.

    Kept for views whose labels are not yet in the locale files; new labels go to
    ``okrkit/locale`` and are read with :func:`okrkit.text.say`.
    """
    text = (
        table.get(lang, {}).get(key) or COMMON.get(lang, {}).get(key) or table["en"].get(key) or key
    )
    return text.format(**values) if values else text

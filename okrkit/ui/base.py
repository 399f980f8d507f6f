"""The shared frame of every view: the store, the language, a status line and safe callbacks.

A view's labels live in its section of ``okrkit/locale/<lang>.json`` (:attr:`View.SECTION`, such
as ``ui.review``); the labels every view shares (Refresh, Save, the error lines) in its
``common`` section. :meth:`View.t` looks a label up in the view's section, then in ``common``.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import ipywidgets as widgets

from okrkit.errors import OkrkitError
from okrkit.model import ZONES
from okrkit.text import resolve_lang, say, texts

__all__ = ["COMMON_SECTION", "View", "label", "on_enter", "plain_error"]

log = logging.getLogger("okrkit.ui")

#: The locale section of the labels every view shares.
COMMON_SECTION = "common"


def label(section: str, key: str, lang: str, **values: object) -> str:
    """The label ``key`` of locale ``section`` (else of the ``common`` one) in ``lang``, filled in.

    >>> label("ui.review", "heading", "sv"), label("ui.review", "refresh", "sv")
    ('Kvartalsgenomgång', 'Uppdatera')
    """
    if section and key in texts(section, "en"):
        return say(section, key, lang, **values)
    return say(COMMON_SECTION, key, lang, **values)


#: A fix written for a file ("add 'start: <number>'"), which a form has no use for.
_FILE_SYNTAX = re.compile(r"'\w+:|<[^>]*>|\baligns_to\b")


def plain_error(
    error: OkrkitError,
    *,
    labels: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    problem: str | None = None,
) -> str:
    """``error`` in the words of the screen: its field by the label shown (``labels``), ids by
    the titles shown (``names``), without a fix written for a file (``add 'start: <number>'``).

    ``problem`` replaces the error's own problem (a view's translation of it).

    >>> from okrkit.errors import ValidationError
    >>> error = ValidationError("remove K1 from the aligns_to of O1", field="aligns_to")
    >>> plain_error(error, labels={"aligns_to": "Aligns to"}, names={"O1": "Grow"})
    'Aligns to: remove K1 from the aligns_to of “Grow”'
    >>> plain_error(ValidationError("no", field="start", fix="add 'start: <number>'"))
    'no'
    """
    labels = labels or {}
    text = problem if problem is not None else getattr(error, "problem", None)
    if text is None:  # an error without a place: its message is all there is
        text = str(error)
    else:
        fix = getattr(error, "fix", None)
        if problem is None and fix and not _FILE_SYNTAX.search(fix):
            text = f"{text} ({fix})"
        field = getattr(error, "field", None)
        if field and field in labels:
            text = f"{labels[field]}: {text}"
    for ident, title in (names or {}).items():
        if title:
            text = re.sub(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", f"“{title}”", text)
    return text


def on_enter(text: widgets.Text, callback: Callable[[], Any]) -> None:
    """Call ``callback`` when Enter is pressed in ``text``.

    The browser sends a ``submit`` message on Enter; this listens for it without
    ``Text.on_submit``, which ipywidgets 8 deprecates (its replacement, ``continuous_update=False``,
    also fires when the box loses focus, and not at all when nothing changed).
    """

    def handle(_widget: Any, content: Mapping[str, Any], _buffers: Any) -> None:
        if content.get("event") == "submit":
            callback()

    text.on_msg(handle)


class View(widgets.VBox):
    """A VBox with a store, a language and a status line.

    Subclasses name their locale section in :attr:`SECTION`, build their widgets, call
    :meth:`safe` to wrap every callback, and re-render in :meth:`refresh`. A callback never
    raises: an :class:`~okrkit.errors.OkrkitError` shows as a readable message in the status
    line; anything else is logged and reported briefly.
    """

    #: The section of ``okrkit/locale/<lang>.json`` that holds the view's labels.
    SECTION: ClassVar[str] = ""

    def __init__(self, store: Any, *, lang: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.lang = resolve_lang(lang)
        self.status = widgets.HTML(value="", layout=widgets.Layout(min_height="1.5em"))
        self.status.add_class("okrkit-status")

    def t(self, key: str, **values: object) -> str:
        """The label ``key`` in the view's language."""
        return label(self.SECTION, key, self.lang, **values)

    def zone_options(self, kr: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The (label, zone) choices of an ordinal key result: below commit, then each of its
        levels with its description ("target: launched to all customers"); the labels
        ``zone_<zone>`` come from the view's section."""
        out = []
        for zone in ZONES:
            text = kr.get(f"{zone}_zone")
            name = self.t(f"zone_{zone}")
            out.append((f"{name}: {text}" if isinstance(text, str) and text else name, zone))
        return out

    def show_ok(self, message: str | None = None) -> None:
        """Show a short confirmation in the status line (the text is escaped)."""
        text = html.escape(message if message is not None else self.t("saved"))
        self.status.value = f'<span style="color:#1e7b34">{text}</span>'

    def show_error(self, message: str) -> None:
        """Show a problem in the status line (the text is escaped)."""
        self.status.value = f'<span style="color:#b00020">{html.escape(message)}</span>'

    def describe_error(self, error: OkrkitError) -> str:
        """``error`` as the status line says it; views override this to use the words on their
        screen (see :func:`plain_error`)."""
        return str(error)

    def safe(self, callback: Callable[..., Any]) -> Callable[..., None]:
        """Wrap ``callback`` so it never raises into the widget front end."""

        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                callback(*args, **kwargs)
            except OkrkitError as exc:
                self.show_error(self.t("error", message=self.describe_error(exc)))
            except Exception:
                log.exception("okrkit view callback failed")
                self.show_error(self.t("unexpected"))

        return run

    def refresh(self) -> None:
        """Read the store again and re-render; subclasses override."""

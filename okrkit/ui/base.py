"""The shared frame of every view: the store, the language, a status line and safe callbacks."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from okrkit.errors import OkrkitError
from okrkit.ui.i18n import pick, resolve_lang

__all__ = ["View"]

log = logging.getLogger("okrkit.ui")


class View(widgets.VBox):
    """A VBox with a store, a language and a status line.

    Subclasses build their widgets, call :meth:`safe` to wrap every callback, and re-render in
    :meth:`refresh`. A callback never raises: an :class:`~okrkit.errors.OkrkitError` shows as a
    readable message in the status line; anything else is logged and reported briefly.
    """

    TEXT: Mapping[str, Mapping[str, str]] = {"en": {}, "sv": {}}

    def __init__(self, store: Any, *, lang: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.lang = resolve_lang(lang)
        self.status = widgets.HTML(value="", layout=widgets.Layout(min_height="1.5em"))
        self.status.add_class("okrkit-status")

    def t(self, key: str, **values: object) -> str:
        """The label ``key`` in the view's language."""
        return pick(self.TEXT, key, self.lang, **values)

    def show_ok(self, message: str | None = None) -> None:
        """Show a short confirmation in the status line (the text is escaped)."""
        text = html.escape(message if message is not None else self.t("saved"))
        self.status.value = f'<span style="color:#1e7b34">{text}</span>'

    def show_error(self, message: str) -> None:
        """Show a problem in the status line (the text is escaped)."""
        self.status.value = f'<span style="color:#b00020">{html.escape(message)}</span>'

    def safe(self, callback: Callable[..., Any]) -> Callable[..., None]:
        """Wrap ``callback`` so it never raises into the widget front end."""

        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                callback(*args, **kwargs)
            except OkrkitError as exc:
                self.show_error(self.t("error", message=str(exc)))
            except Exception:
                log.exception("okrkit view callback failed")
                self.show_error(self.t("unexpected"))

        return run

    def refresh(self) -> None:
        """Read the store again and re-render; subclasses override."""

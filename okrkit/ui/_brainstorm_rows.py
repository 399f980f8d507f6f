"""The rows of the brainstorm board: one idea each, with a tick box, +1, −1 and Promote.

Labels come from the ``ui.brainstorm`` section of :mod:`okrkit.text`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from okrkit.text import say

__all__ = ["MAX_DOTS_DRAWN", "IdeaRow", "RowActions", "row_html", "shared_styles", "short"]

#: Dots drawn per row at most; the count is always shown as a number too.
MAX_DOTS_DRAWN = 12

_SECTION = "ui.brainstorm"


def short(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def shared_styles() -> dict[str, Any]:
    """Layouts and styles every row shares (one set of widgets, not one per row)."""
    return {
        "row": widgets.Layout(align_items="center", width="100%"),
        "tick": widgets.Layout(width="2em"),
        "text": widgets.Layout(flex="1 1 auto"),
        "button": widgets.Layout(width="3.2em"),
        "wide_button": widgets.Layout(width="auto"),
        "tick_style": CheckboxStyle(),
        "html_style": HTMLStyle(),
        "button_style": widgets.ButtonStyle(),
    }


def row_html(record: Mapping[str, Any], lang: str) -> str:
    """An idea as a row shows it: its dots and votes, title, owner and level."""
    votes = int(record["votes"])
    dots = "●" * min(votes, MAX_DOTS_DRAWN) + ("…" if votes > MAX_DOTS_DRAWN else "")
    title = html.escape(str(record["title"]))
    owner = html.escape(str(record["owner"] or ""))
    level = html.escape(say(_SECTION, f"level_{record['level']}", lang))
    meta = " · ".join(part for part in (owner, level) if part)
    tip = html.escape(say(_SECTION, "votes", lang, n=votes), quote=True)
    return (
        f'<span title="{tip}" style="color:#c0392b;letter-spacing:1px">{dots}</span>'
        f" <b>{votes}</b> &nbsp;{title}"
        f' <span style="color:#666">— {meta}</span>'
    )


class RowActions(Protocol):
    """What a row forwards its clicks and ticks to (the board view)."""

    lang: str

    def vote(self, idea: int) -> None: ...

    def unvote(self, idea: int) -> None: ...

    def promote(self, idea: int) -> None: ...

    def tick(self, idea: int, ticked: bool) -> None: ...

    def safe(self, callback: Callable[..., Any]) -> Callable[..., None]: ...


class IdeaRow(widgets.HBox):
    """One row of the board: a tick box (for merging), the idea, +1, −1 and Promote.

    Rows are reused between renders; :attr:`idea` is the id of the idea the row shows now.
    """

    def __init__(self, view: RowActions, shared: dict[str, Any]) -> None:
        self.idea: int | None = None

        def t(key: str) -> str:
            return say(_SECTION, key, view.lang)

        self.select = widgets.Checkbox(
            value=False,
            indent=False,
            tooltip=t("select_tip"),
            layout=shared["tick"],
            style=shared["tick_style"],
        )
        self.text = widgets.HTML(layout=shared["text"], style=shared["html_style"])
        self.vote_button = widgets.Button(
            description="+1",
            tooltip=t("vote_tip"),
            layout=shared["button"],
            style=shared["button_style"],
        )
        self.unvote_button = widgets.Button(
            description="−1",
            tooltip=t("unvote_tip"),
            layout=shared["button"],
            style=shared["button_style"],
        )
        self.promote_button = widgets.Button(
            description=t("promote"),
            tooltip=t("promote_tip"),
            layout=shared["wide_button"],
            style=shared["button_style"],
        )
        super().__init__(
            [self.select, self.text, self.vote_button, self.unvote_button, self.promote_button],
            layout=shared["row"],
        )

        def on(action: Callable[[int], None]) -> Callable[[Any], None]:
            def clicked(_button: Any) -> None:
                if self.idea is not None:
                    action(self.idea)

            return view.safe(clicked)

        def ticked(change: Mapping[str, Any]) -> None:
            if self.idea is not None:
                view.tick(self.idea, bool(change["new"]))

        self.vote_button.on_click(on(view.vote))
        self.unvote_button.on_click(on(view.unvote))
        self.promote_button.on_click(on(view.promote))
        self.select.observe(view.safe(ticked), names="value")

    def show(
        self, record: Mapping[str, Any] | None, *, ticked: bool, voted: bool, lang: str
    ) -> None:
        """Show ``record`` (``None``: nothing, a spare row), ticked or not; −1 only when the
        voter has a dot on it."""
        if record is None:
            self.idea = None
            self.select.value = False
            return
        self.idea = int(record["id"])
        self.text.value = row_html(record, lang)
        self.select.value = ticked
        self.unvote_button.disabled = not voted

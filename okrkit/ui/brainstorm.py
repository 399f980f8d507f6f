"""The brainstorm board view: add objective ideas, dot-vote them, merge duplicates, promote winners.

A thin view over :class:`okrkit.brainstorm.Board`: every button writes through the board at once
(so a kernel restart loses nothing), then the :class:`BoardState` reads the board once and
:meth:`BrainstormBoard.render` draws the whole view from it. Several participants, each in their
own kernel on the same store, see each other's ideas and votes when they press Refresh (or after
their next action). The dot-voting rules are the board's; the view only forwards and shows.
Enter in the idea box (or the owner box) adds the idea, as the Add button does; an error names the
box by its label and an idea by its title.

>>> from okrkit.store import Store
>>> view = brainstorm_board(Store("sqlite://"), cycle="2026-Q1", voter="Ana")
>>> view.idea_title.value = "Become the obvious choice for mid-size retailers"
>>> view.add_button.click()
>>> view.rows[0].vote_button.click()
>>> view.board.ideas()["votes"].tolist()
[1]
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from okrkit.brainstorm import Board
from okrkit.cycles import Cycle
from okrkit.errors import ConflictError, NotFoundError, OkrkitError, ValidationError
from okrkit.model import LEVELS
from okrkit.text import LANGUAGES, texts
from okrkit.ui._brainstorm_rows import MAX_DOTS_DRAWN, IdeaRow, shared_styles, short
from okrkit.ui.base import View, on_enter, plain_error

__all__ = ["MAX_DOTS_DRAWN", "BoardState", "BrainstormBoard", "IdeaRow", "brainstorm_board"]

#: The board's labels by language: the ``ui.brainstorm`` section of :mod:`okrkit.text`.
TEXT: dict[str, Mapping[str, str]] = {lang: texts("ui.brainstorm", lang) for lang in LANGUAGES}


class BoardState:
    """What the board view shows, as last read: the open ideas (most votes first), the title of
    every idea, the promoted ones, the ideas ticked for merging and the voter's dots left."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.open: list[dict[str, Any]] = []
        self.promoted: list[dict[str, Any]] = []
        self.titles: dict[int, str] = {}  # every idea of the board, open or not
        self.selected: set[int] = set()  # ticked for merging
        self.dots_left: int | None = None

    def read(self) -> None:
        """Read the board's ideas once (the ticks of ideas no longer open are dropped)."""
        records = self.board.ideas(include_closed=True).to_dict("records")
        self.open = [r for r in records if r["state"] == "open"]
        self.promoted = [r for r in records if r["state"] == "promoted"]
        self.titles = {int(r["id"]): str(r["title"]) for r in records}
        self.selected &= {int(r["id"]) for r in self.open}

    def read_dots(self, voter: str) -> None:
        """Read ``voter``'s dots left (``None`` while no name is typed)."""
        self.dots_left = self.board.dots_left(voter) if voter else None

    def title(self, idea: int) -> str:
        return self.titles.get(idea, f"#{idea}")

    def is_open(self, idea: int) -> bool:
        return any(int(r["id"]) == idea for r in self.open)

    def merge_choices(self) -> list[tuple[str, int]]:
        """The ticked open ideas, most votes first, as choices of the idea to keep."""
        return [
            (f"#{r['id']} {short(str(r['title']), 50)}", int(r["id"]))
            for r in self.open
            if int(r["id"]) in self.selected
        ]


class BrainstormBoard(View):
    """Add ideas, dot-vote, merge duplicates and promote winners on one cycle's board.

    Build it with :func:`brainstorm_board`. The widgets are attributes so that notebooks and
    tests can drive them: :attr:`voter`, :attr:`idea_title`, :attr:`idea_owner`,
    :attr:`idea_level`, :attr:`add_button`, :attr:`rows` (one :class:`IdeaRow` per open idea,
    most votes first), :attr:`merge_into`, :attr:`merge_button`, :attr:`refresh_button`,
    :attr:`dots_label` and the status line :attr:`status`.
    """

    SECTION = "ui.brainstorm"

    def __init__(
        self,
        store: Any,
        *,
        cycle: str | Cycle | None = None,
        voter: str | None = None,
        dots: int = 3,
        lang: str | None = None,
    ) -> None:
        super().__init__(store, lang=lang)
        self.board = Board(store, cycle, dots=dots)
        self.state = BoardState(self.board)
        self._shared = shared_styles()
        self._pool: list[IdeaRow] = []

        self.heading = widgets.HTML(
            "<b>"
            + html.escape(self.t("heading", cycle=self.board.cycle.id, dots=self.board.dots))
            + "</b>"
        )
        self.voter = widgets.Text(
            value=str(voter or ""),
            description=self.t("your_name"),
            placeholder=self.t("name_placeholder"),
        )
        self.dots_label = widgets.HTML()
        self.idea_title = widgets.Text(
            description=self.t("idea"),
            placeholder=self.t("idea_placeholder"),
            layout=widgets.Layout(width="45%"),
        )
        self.idea_owner = widgets.Text(
            description=self.t("owner"),
            placeholder=self.t("owner_placeholder"),
            layout=widgets.Layout(width="25%"),
        )
        self.idea_level = widgets.Dropdown(
            options=[(self.t(f"level_{level}"), level) for level in LEVELS],
            value="team",
            description=self.t("level"),
            layout=widgets.Layout(width="auto"),
        )
        self.add_button = widgets.Button(description=self.t("add"), button_style="primary")
        self.rows_box = widgets.VBox()
        self.empty = widgets.HTML(f"<i>{html.escape(self.t('no_ideas'))}</i>")
        self.merge_into = widgets.Dropdown(
            options=[], description=self.t("merge_into"), disabled=True
        )
        self.merge_button = widgets.Button(description=self.t("merge"))
        self.merge_hint = widgets.HTML(f"<small>{html.escape(self.t('merge_hint'))}</small>")
        self.promoted = widgets.HTML()
        self.refresh_button = widgets.Button(description=self.t("refresh"), icon="refresh")

        self.add_button.on_click(self.safe(lambda _b: self.add()))
        on_enter(self.idea_title, self.safe(self.add))
        on_enter(self.idea_owner, self.safe(self.add))
        self.merge_button.on_click(self.safe(lambda _b: self.merge()))
        self.refresh_button.on_click(self.safe(lambda _b: self.refresh()))
        self.voter.observe(self.safe(lambda _change: self._voter_changed()), names="value")

        self.children = (
            self.heading,
            widgets.HBox([self.voter, self.dots_label, self.refresh_button]),
            widgets.HBox([self.idea_title, self.idea_owner, self.idea_level, self.add_button]),
            self.status,
            self.empty,
            self.rows_box,
            widgets.HBox([self.merge_into, self.merge_button, self.merge_hint]),
            self.promoted,
        )
        self.add_class("okrkit-brainstorm")
        self.safe(self._reload)()

    # --- what the view shows -------------------------------------------------------------------

    @property
    def rows(self) -> list[IdeaRow]:
        """The rows on show: one per open idea, most votes first."""
        return list(self.rows_box.children)

    def row_for(self, idea: int) -> IdeaRow:
        """The row that shows ``idea`` (``KeyError`` when it is not on show)."""
        for row in self.rows:
            if row.idea == idea:
                return row
        raise KeyError(idea)

    @property
    def dots_left(self) -> int | None:
        """The voter's dots left as last read (``None`` while no name is typed)."""
        return self.state.dots_left

    @property
    def voter_name(self) -> str:
        """The voter's name as typed, without surrounding spaces."""
        return str(self.voter.value).strip()

    # --- actions: each writes through the board, then re-renders from one read ------------------

    def add(self) -> None:
        """Add the idea typed in the form."""
        try:
            idea = self.board.add_idea(
                self.idea_title.value,
                owner=self.idea_owner.value,
                level=self.idea_level.value,
                author=self.voter_name,
            )
        except ValidationError as exc:
            self.show_error(self.t("need_title") if exc.field == "title" else self._failed(exc))
            return
        self._read()
        self.idea_title.value = ""
        self.show_ok(self.t("added", title=short(self.state.title(idea))))

    def vote(self, idea: int) -> None:
        """Put one of the voter's dots on ``idea``."""
        voter = self.voter_name
        title = self.state.title(idea)
        try:
            self.state.dots_left = self.board.vote(idea, voter)
        except ValidationError as exc:
            self.show_error(self.t("need_name") if exc.field == "voter" else self._failed(exc))
            return
        except (ConflictError, NotFoundError) as exc:
            self._read()
            if not self.state.is_open(idea):
                self.show_error(self.t("gone"))
            elif isinstance(exc, ConflictError):  # the idea is open: the voter's dots are spent
                self.state.dots_left = 0
                self.render()
                self.show_error(self.t("no_dots", voter=voter, dots=self.board.dots))
            else:
                self.show_error(self._failed(exc))
            return
        self._read()
        self.show_ok(self.t("voted", title=short(title), left=self.state.dots_left))

    def unvote(self, idea: int) -> None:
        """Take one of the voter's dots back from ``idea``."""
        voter = self.voter_name
        title = self.state.title(idea)
        if not voter:
            self.show_error(self.t("need_name"))
            return
        try:
            self.state.dots_left = self.board.unvote(idea, voter)
        except NotFoundError:
            self._read()
            if self.state.is_open(idea):
                self.show_error(self.t("no_dot_here", voter=voter, title=short(title)))
            else:  # merged (its dots moved with it) or promoted meanwhile
                self.show_error(self.t("gone"))
            return
        self._read()
        self.show_ok(self.t("unvoted", title=short(title), left=self.state.dots_left))

    def merge(self) -> None:
        """Merge the ticked ideas into the one picked in :attr:`merge_into`."""
        keep = self.merge_into.value
        others = sorted(self.state.selected - {keep})
        if keep is None or not others:
            self.show_error(self.t("pick_two"))
            return
        try:
            votes = self.board.merge(keep, others)
        except (ConflictError, NotFoundError) as exc:
            self._read()
            is_open = self.state.is_open
            gone = not is_open(keep) or not all(is_open(o) for o in others)
            self.show_error(self.t("gone") if gone else self._failed(exc))
            return
        self.state.selected.clear()
        self._read()
        title = short(self.state.title(keep))
        self.show_ok(self.t("merged", n=len(others), title=title, votes=votes))

    def promote(self, idea: int) -> None:
        """Turn ``idea`` into a draft objective of the cycle."""
        try:
            objective = self.board.promote(idea)
        except OkrkitError as exc:
            self._read()
            gone = not self.state.is_open(idea)
            self.show_error(self.t("gone") if gone else self._failed(exc))
            return
        self.state.selected.discard(idea)
        self._read()
        self.show_ok(self.t("promoted", title=short(objective.title), id=objective.id))

    def tick(self, idea: int, ticked: bool) -> None:
        """Tick ``idea`` for merging (or untick it); a row calls this when its box changes."""
        if ticked == (idea in self.state.selected):  # the row only shows the state
            return
        if ticked:
            self.state.selected.add(idea)
        else:
            self.state.selected.discard(idea)
        self.render()

    def refresh(self) -> None:
        """Read the store again: ideas and votes from every participant, and the dots left."""
        self._reload()
        self.show_ok(self.t("refreshed", n=len(self.state.open)))

    # --- reading and rendering ------------------------------------------------------------------

    def _reload(self) -> None:
        """Read the voter's dots left and the board, and render."""
        self.state.read_dots(self.voter_name)
        self._read()

    def _read(self) -> None:
        """Read the board once and render."""
        self.state.read()
        self.render()

    def _voter_changed(self) -> None:
        self.state.read_dots(self.voter_name)
        self.render()

    def render(self) -> None:
        """Draw the whole board from :attr:`state`: rows, merge choice, dots left, promoted."""
        state = self.state
        while len(self._pool) < len(state.open):
            self._pool.append(IdeaRow(self, self._shared))
        voter = self.voter_name
        for i, row in enumerate(self._pool):
            record = state.open[i] if i < len(state.open) else None
            row.show(
                record,
                ticked=record is not None and int(record["id"]) in state.selected,
                voted=record is not None and voter in record["voters"],
                lang=self.lang,
            )
        shown = tuple(self._pool[: len(state.open)])
        if self.rows_box.children != shown:
            self.rows_box.children = shown
        self.empty.layout.display = "none" if state.open else None
        self._show_merge()
        self._show_dots()
        self.promoted.value = self._promoted_html()

    def _show_merge(self) -> None:
        options = self.state.merge_choices()
        keep = self.merge_into.value
        values = [value for _label, value in options]
        if options != list(self.merge_into.options):
            self.merge_into.options = options
        # keep the pick while it is still ticked, else the ticked idea with most votes
        self.merge_into.value = keep if keep in values else (values[0] if values else None)
        self.merge_into.disabled = not options

    def _show_dots(self) -> None:
        name = self.voter_name
        left = self.state.dots_left
        if not name or left is None:
            self.dots_label.value = f"<i>{html.escape(self.t('type_name'))}</i>"
            return
        left = max(left, 0)
        total = self.board.dots
        drawn = "●" * left + "○" * max(total - left, 0)
        self.dots_label.value = html.escape(
            self.t("dots_left", voter=name, dots=drawn, left=left, total=total)
        )

    def _promoted_html(self) -> str:
        promoted = self.state.promoted
        if not promoted:
            return ""
        items = "; ".join(
            f"{html.escape(str(r['objective']))} {html.escape(short(str(r['title'])))}"
            for r in promoted
        )
        return f"<small>{html.escape(self.t('promoted_list'))} {items}</small>"

    def _failed(self, exc: OkrkitError) -> str:
        return self.t("error", message=self.describe_error(exc))

    def describe_error(self, error: OkrkitError) -> str:
        """``error`` in the words of the board: the box by its label, a draft objective by its
        title."""
        labels = {
            "title": self.t("idea"),
            "owner": self.t("owner"),
            "level": self.t("level"),
            "voter": self.t("your_name"),
            "author": self.t("your_name"),
        }
        names = {str(r["objective"]): str(r["title"]) for r in self.state.promoted}
        return plain_error(error, labels=labels, names=names)


def brainstorm_board(
    store: Any,
    *,
    cycle: str | Cycle | None = None,
    voter: str | None = None,
    dots: int = 3,
    lang: str | None = None,
) -> BrainstormBoard:
    """The brainstorm board of ``cycle`` (default: the running one), ready for ``display(...)``.

    Parameters
    ----------
    store
        The :class:`~okrkit.store.Store` the ideas and votes live in; participants in other
        kernels on the same store see each other's work on Refresh.
    cycle
        The cycle the ideas are for (created in the store with the first idea when new).
    voter
        The participant's name, prefilled in the "your name" box.
    dots
        Dots each participant may spend.
    lang
        ``"en"`` or ``"sv"`` (default: ``$OKRKIT_LANG``, else English).
    """
    return BrainstormBoard(store, cycle=cycle, voter=voter, dots=dots, lang=lang)

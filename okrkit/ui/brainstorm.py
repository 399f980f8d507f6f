"""The brainstorm board view: add objective ideas, dot-vote them, merge duplicates, promote winners.

A thin view over :class:`okrkit.brainstorm.Board`: every button writes through the board at once
(so a kernel restart loses nothing) and then re-renders from one read of the store. Several
participants, each in their own kernel on the same store, see each other's ideas and votes when
they press Refresh (or after their next action).

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
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from okrkit.brainstorm import Board
from okrkit.cycles import Cycle
from okrkit.errors import ConflictError, NotFoundError, OkrkitError, ValidationError
from okrkit.model import LEVELS
from okrkit.ui.base import View

__all__ = ["BrainstormBoard", "IdeaRow", "brainstorm_board"]

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Brainstorm for {cycle}: {dots} dots each",
        "your_name": "Your name",
        "name_placeholder": "so that your dots count",
        "idea": "Idea",
        "idea_placeholder": "A new objective idea",
        "owner_placeholder": "Who would own it",
        "level_company": "Company",
        "level_department": "Department",
        "level_team": "Team",
        "level_individual": "Individual",
        "dots_left": "{voter}: {dots} {left} of {total} dots left",
        "type_name": "Type your name to vote.",
        "vote_tip": "Put one of your dots on this idea",
        "unvote_tip": "Take one of your dots back from this idea",
        "promote": "Promote",
        "promote_tip": "Promote to draft objective",
        "select_tip": "Tick duplicates to merge them",
        "merge_into": "Merge into",
        "merge": "Merge ticked ideas",
        "merge_hint": "Tick the duplicates, then pick the one to keep.",
        "no_ideas": "No ideas yet: add the first one above.",
        "votes": "votes: {n}",
        "promoted_list": "Promoted to draft objectives:",
        "added": "Added “{title}”.",
        "voted": "Dot placed on “{title}”; {left} left.",
        "unvoted": "Dot taken back from “{title}”; {left} left.",
        "merged": "Merged {n} duplicate(s) into “{title}”: it has {votes} votes now.",
        "promoted": "“{title}” is now the draft objective {id}.",
        "refreshed": "Board refreshed: {n} open ideas.",
        "need_title": "Type the idea first.",
        "need_name": "Type your name first, so that your dots count.",
        "no_dots": "{voter} has spent all {dots} dots: take one back (−1) to move it.",
        "no_dot_here": "{voter} has no dot on “{title}”.",
        "gone": "That idea was merged or promoted meanwhile; the board now shows the latest state.",
        "pick_two": "Tick at least two ideas, then pick the one to keep.",
    },
    "sv": {
        "heading": "Idéinsamling för {cycle}: {dots} prickar per person",
        "your_name": "Ditt namn",
        "name_placeholder": "så att dina prickar räknas",
        "idea": "Idé",
        "idea_placeholder": "En ny idé till mål",
        "owner_placeholder": "Vem skulle äga det",
        "level_company": "Företag",
        "level_department": "Avdelning",
        "level_team": "Team",
        "level_individual": "Individ",
        "dots_left": "{voter}: {dots} {left} av {total} prickar kvar",
        "type_name": "Skriv ditt namn för att rösta.",
        "vote_tip": "Lägg en av dina prickar på den här idén",
        "unvote_tip": "Ta tillbaka en av dina prickar från den här idén",
        "promote": "Gör till mål",
        "promote_tip": "Gör idén till ett utkast till mål",
        "select_tip": "Bocka för dubbletter för att slå ihop dem",
        "merge_into": "Slå ihop till",
        "merge": "Slå ihop förbockade idéer",
        "merge_hint": "Bocka för dubbletterna och välj sedan den som ska finnas kvar.",
        "no_ideas": "Inga idéer än: lägg till den första ovan.",
        "votes": "röster: {n}",
        "promoted_list": "Har blivit utkast till mål:",
        "added": "Lade till ”{title}”.",
        "voted": "Prick lagd på ”{title}”; {left} kvar.",
        "unvoted": "Prick tillbakatagen från ”{title}”; {left} kvar.",
        "merged": "Slog ihop {n} dubblett(er) med ”{title}”: den har nu {votes} röster.",
        "promoted": "”{title}” är nu utkastet till mål {id}.",
        "refreshed": "Tavlan uppdaterad: {n} öppna idéer.",
        "need_title": "Skriv idén först.",
        "need_name": "Skriv ditt namn först, så att dina prickar räknas.",
        "no_dots": (
            "{voter} har använt alla {dots} prickar: ta tillbaka en (−1) för att flytta den."
        ),
        "no_dot_here": "{voter} har ingen prick på ”{title}”.",
        "gone": (
            "Den idén har slagits ihop eller blivit mål under tiden; tavlan visar nu läget just nu."
        ),
        "pick_two": "Bocka för minst två idéer och välj sedan den som ska finnas kvar.",
    },
}

#: Dots drawn per row at most; the count is always shown as a number too.
MAX_DOTS_DRAWN = 12


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class IdeaRow(widgets.HBox):
    """One row of the board: a tick box (for merging), the idea, +1, −1 and Promote.

    Rows are reused between renders; :attr:`idea` is the id of the idea the row shows now.
    """

    def __init__(self, view: BrainstormBoard, shared: dict[str, Any]) -> None:
        self.idea: int | None = None
        self.select = widgets.Checkbox(
            value=False,
            indent=False,
            tooltip=view.t("select_tip"),
            layout=shared["tick"],
            style=shared["tick_style"],
        )
        self.text = widgets.HTML(layout=shared["text"], style=shared["html_style"])
        self.vote_button = widgets.Button(
            description="+1",
            tooltip=view.t("vote_tip"),
            layout=shared["button"],
            style=shared["button_style"],
        )
        self.unvote_button = widgets.Button(
            description="−1",
            tooltip=view.t("unvote_tip"),
            layout=shared["button"],
            style=shared["button_style"],
        )
        self.promote_button = widgets.Button(
            description=view.t("promote"),
            tooltip=view.t("promote_tip"),
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

        self.vote_button.on_click(on(view.vote))
        self.unvote_button.on_click(on(view.unvote))
        self.promote_button.on_click(on(view.promote))
        self.select.observe(view.safe(lambda change: view._ticked(self, change)), names="value")


class BrainstormBoard(View):
    """Add ideas, dot-vote, merge duplicates and promote winners on one cycle's board.

    Build it with :func:`brainstorm_board`. The widgets are attributes so that notebooks and
    tests can drive them: :attr:`voter`, :attr:`idea_title`, :attr:`idea_owner`,
    :attr:`idea_level`, :attr:`add_button`, :attr:`rows` (one :class:`IdeaRow` per open idea,
    most votes first), :attr:`merge_into`, :attr:`merge_button`, :attr:`refresh_button`,
    :attr:`dots_label` and the status line :attr:`status`.
    """

    TEXT = TEXT

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
        self._records: list[dict[str, Any]] = []  # the open ideas as last read
        self._titles: dict[int, str] = {}  # every idea of the board, open or not
        self._selected: set[int] = set()  # ticked for merging
        self._dots_left: int | None = None
        self._rendering = False
        self._shared = {
            "row": widgets.Layout(align_items="center", width="100%"),
            "tick": widgets.Layout(width="2em"),
            "text": widgets.Layout(flex="1 1 auto"),
            "button": widgets.Layout(width="3.2em"),
            "wide_button": widgets.Layout(width="auto"),
            "tick_style": CheckboxStyle(),
            "html_style": HTMLStyle(),
            "button_style": widgets.ButtonStyle(),
        }
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
        return self._dots_left

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
        self._render()
        self.idea_title.value = ""
        self.show_ok(self.t("added", title=_short(self._title(idea))))

    def vote(self, idea: int) -> None:
        """Put one of the voter's dots on ``idea``."""
        voter = self.voter_name
        title = self._title(idea)
        try:
            self._dots_left = self.board.vote(idea, voter)
        except ValidationError as exc:
            self.show_error(self.t("need_name") if exc.field == "voter" else self._failed(exc))
            return
        except (ConflictError, NotFoundError) as exc:
            self._render()
            if not self._is_open(idea):
                self.show_error(self.t("gone"))
            elif isinstance(exc, ConflictError):  # the idea is open: the voter's dots are spent
                self._dots_left = 0
                self._show_dots()
                self.show_error(self.t("no_dots", voter=voter, dots=self.board.dots))
            else:
                self.show_error(self._failed(exc))
            return
        self._render()
        self.show_ok(self.t("voted", title=_short(title), left=self._dots_left))

    def unvote(self, idea: int) -> None:
        """Take one of the voter's dots back from ``idea``."""
        voter = self.voter_name
        title = self._title(idea)
        if not voter:
            self.show_error(self.t("need_name"))
            return
        try:
            self._dots_left = self.board.unvote(idea, voter)
        except NotFoundError:
            self._render()
            if self._is_open(idea):
                self.show_error(self.t("no_dot_here", voter=voter, title=_short(title)))
            else:  # merged (its dots moved with it) or promoted meanwhile
                self.show_error(self.t("gone"))
            return
        self._render()
        self.show_ok(self.t("unvoted", title=_short(title), left=self._dots_left))

    def merge(self) -> None:
        """Merge the ticked ideas into the one picked in :attr:`merge_into`."""
        keep = self.merge_into.value
        others = sorted(self._selected - {keep})
        if keep is None or not others:
            self.show_error(self.t("pick_two"))
            return
        try:
            votes = self.board.merge(keep, others)
        except (ConflictError, NotFoundError) as exc:
            self._render()
            gone = not self._is_open(keep) or not all(self._is_open(o) for o in others)
            self.show_error(self.t("gone") if gone else self._failed(exc))
            return
        self._selected.clear()
        self._render()
        self.show_ok(self.t("merged", n=len(others), title=_short(self._title(keep)), votes=votes))

    def promote(self, idea: int) -> None:
        """Turn ``idea`` into a draft objective of the cycle."""
        try:
            objective = self.board.promote(idea)
        except OkrkitError as exc:
            self._render()
            self.show_error(self.t("gone") if not self._is_open(idea) else self._failed(exc))
            return
        self._selected.discard(idea)
        self._render()
        self.show_ok(self.t("promoted", title=_short(objective.title), id=objective.id))

    def refresh(self) -> None:
        """Read the store again: ideas and votes from every participant, and the dots left."""
        self._reload()
        self.show_ok(self.t("refreshed", n=len(self._records)))

    # --- rendering -----------------------------------------------------------------------------

    def _reload(self) -> None:
        name = self.voter_name
        self._dots_left = self.board.dots_left(name) if name else None
        self._render()

    def _voter_changed(self) -> None:
        name = self.voter_name
        self._dots_left = self.board.dots_left(name) if name else None
        self._show_rows()
        self._show_dots()

    def _render(self) -> None:
        """Re-read the board once and show it."""
        frame = self.board.ideas(include_closed=True)
        records = frame.to_dict("records")
        self._records = [r for r in records if r["state"] == "open"]
        self._titles = {int(r["id"]): str(r["title"]) for r in records}
        self._selected &= {int(r["id"]) for r in self._records}
        self._show_rows()
        self._show_merge()
        self._show_dots()
        promoted = [r for r in records if r["state"] == "promoted"]
        self.promoted.value = (
            f"<small>{html.escape(self.t('promoted_list'))} "
            + "; ".join(
                f"{html.escape(str(r['objective']))} {html.escape(_short(str(r['title'])))}"
                for r in promoted
            )
            + "</small>"
            if promoted
            else ""
        )

    def _show_rows(self) -> None:
        records = self._records
        while len(self._pool) < len(records):
            self._pool.append(IdeaRow(self, self._shared))
        voter = self.voter_name
        self._rendering = True
        try:
            for row, record in zip(self._pool, records, strict=False):
                idea = int(record["id"])
                row.idea = idea
                row.text.value = self._row_html(record)
                row.select.value = idea in self._selected
                row.unvote_button.disabled = voter not in record["voters"]
            for row in self._pool[len(records) :]:
                row.idea = None
                row.select.value = False
        finally:
            self._rendering = False
        shown = tuple(self._pool[: len(records)])
        if self.rows_box.children != shown:
            self.rows_box.children = shown
        self.empty.layout.display = "none" if records else None

    def _row_html(self, record: dict[str, Any]) -> str:
        votes = int(record["votes"])
        dots = "●" * min(votes, MAX_DOTS_DRAWN) + ("…" if votes > MAX_DOTS_DRAWN else "")
        title = html.escape(str(record["title"]))
        owner = html.escape(str(record["owner"] or ""))
        level = html.escape(self.t(f"level_{record['level']}"))
        meta = " · ".join(part for part in (owner, level) if part)
        tip = html.escape(self.t("votes", n=votes), quote=True)
        return (
            f'<span title="{tip}" style="color:#c0392b;letter-spacing:1px">{dots}</span>'
            f" <b>{votes}</b> &nbsp;{title}"
            f' <span style="color:#666">— {meta}</span>'
        )

    def _show_merge(self) -> None:
        options = [
            (f"#{r['id']} {_short(str(r['title']), 50)}", int(r["id"]))
            for r in self._records
            if int(r["id"]) in self._selected
        ]
        keep = self.merge_into.value
        self._rendering = True
        try:
            self.merge_into.options = options
            values = [value for _label, value in options]
            # keep the pick while it is still ticked, else the ticked idea with most votes
            self.merge_into.value = keep if keep in values else (values[0] if values else None)
        finally:
            self._rendering = False
        self.merge_into.disabled = not options

    def _show_dots(self) -> None:
        name = self.voter_name
        if not name or self._dots_left is None:
            self.dots_label.value = f"<i>{html.escape(self.t('type_name'))}</i>"
            return
        left = max(self._dots_left, 0)
        total = self.board.dots
        drawn = "●" * left + "○" * max(total - left, 0)
        self.dots_label.value = html.escape(
            self.t("dots_left", voter=name, dots=drawn, left=left, total=total)
        )

    def _ticked(self, row: IdeaRow, change: dict[str, Any]) -> None:
        if self._rendering or row.idea is None:
            return
        if change["new"]:
            self._selected.add(row.idea)
        else:
            self._selected.discard(row.idea)
        self._show_merge()

    # --- helpers -------------------------------------------------------------------------------

    def _title(self, idea: int) -> str:
        return self._titles.get(idea, f"#{idea}")

    def _is_open(self, idea: int) -> bool:
        return any(int(r["id"]) == idea for r in self._records)

    def _failed(self, exc: Exception) -> str:
        return self.t("error", message=str(exc))


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

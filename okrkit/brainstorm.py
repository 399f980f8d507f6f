"""Brainstorm boards: objective ideas, dot votes, merges and promotion to draft objectives.

A board belongs to one cycle of a :class:`~okrkit.store.Store`. Participants add ideas (title,
owner, level), spend a fixed number of dots each on the ideas they favour (several dots on one
idea are allowed), merge duplicates (the votes move to the idea kept) and promote the winners to
draft objectives of the cycle. Every call is one transaction on the store, so participants in
their own kernels see each other's ideas and votes on refresh, and no vote is lost: a voter's dots
are counted and spent under one lock.

Examples
--------
>>> from okrkit.store import Store
>>> board = Board(Store("sqlite://"), "2026-Q1", dots=3)
>>> idea = board.add_idea("Become the obvious choice for mid-size retailers", owner="CMO")
>>> board.vote(idea, "ana"), board.vote(idea, "ana")
(2, 1)
>>> board.ideas()[["title", "votes"]].to_dict("records")
[{'title': 'Become the obvious choice for mid-size retailers', 'votes': 2}]
>>> board.promote(idea).id
'IDEA-1'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from okrkit.cycles import Cycle, current_quarter
from okrkit.errors import NotFoundError, ValidationError
from okrkit.model import LEVELS, Objective

if TYPE_CHECKING:
    from okrkit.store import Store

__all__ = ["IDEA_COLUMNS", "Board"]

#: The columns of :meth:`Board.ideas`.
IDEA_COLUMNS = (
    "id",
    "title",
    "owner",
    "level",
    "author",
    "votes",
    "voters",
    "state",
    "merged_into",
    "objective",
    "version",
)


class Board:
    """The brainstorm board of one cycle.

    Parameters
    ----------
    store
        Where ideas and votes live.
    cycle
        The cycle the ideas are for (a :class:`~okrkit.Cycle` or its id; default: the store's
        running cycle, else the current quarter). It is created in the store when new.
    dots
        Dots each participant may spend on this board.
    """

    def __init__(self, store: Store, cycle: str | Cycle | None = None, *, dots: int = 3) -> None:
        if isinstance(dots, bool) or not isinstance(dots, int) or dots < 1:
            raise ValidationError(f"{dots!r} dots", field="dots", fix="give each voter 1 or more")
        self.store = store
        if isinstance(cycle, Cycle):
            self.cycle = cycle
        elif cycle is None:
            known = store.cycles()
            self.cycle = store.cycle() if known else current_quarter()
        else:
            try:
                self.cycle = store.cycle(cycle)
            except NotFoundError:
                self.cycle = Cycle.parse(cycle)
        self.dots = dots

    # --- reading -------------------------------------------------------------------------------

    def ideas(self, *, include_closed: bool = False) -> pd.DataFrame:
        """The board's ideas with their vote counts, most votes first (then oldest first)."""
        df = self.store.ideas(self.cycle, include_closed=include_closed)[list(IDEA_COLUMNS)]
        return df.sort_values(["votes", "id"], ascending=[False, True], kind="stable").reset_index(
            drop=True
        )

    def dots_left(self, voter: str) -> int:
        """How many dots ``voter`` can still spend on this board."""
        return self.dots - len(self.store.votes(self.cycle, voter))

    # --- writing -------------------------------------------------------------------------------

    def add_idea(
        self, title: str, *, owner: str = "", level: str = "team", author: str = ""
    ) -> int:
        """Add an idea; returns its id.

        Raises
        ------
        ValidationError
            When the title is empty or the level unknown.
        """
        title = " ".join(str(title or "").split())
        if not title:
            raise ValidationError("the idea has no title", field="title", fix="type the idea")
        if level not in LEVELS:
            raise ValidationError(
                f"{level!r} is not a level", field="level", fix=f"one of: {', '.join(LEVELS)}"
            )
        return self.store.add_idea(
            self.cycle,
            title,
            owner=str(owner or "").strip(),
            level=level,
            author=str(author or "").strip(),
        )

    def vote(self, idea: int, voter: str) -> int:
        """Put one of ``voter``'s dots on ``idea``; returns the dots left.

        Raises
        ------
        ConflictError
            When the voter has no dots left, or the idea was merged or promoted meanwhile.
        """
        voter = str(voter or "").strip()
        if not voter:
            raise ValidationError("a vote needs the voter's name", field="voter", fix="type it")
        return self.dots - self.store.vote(self.cycle, idea, voter, limit=self.dots)

    def unvote(self, idea: int, voter: str) -> int:
        """Take one of ``voter``'s dots back from ``idea``; returns the dots left."""
        return self.dots - self.store.unvote(self.cycle, idea, voter)

    def merge(self, keep: int, others: list[int] | tuple[int, ...]) -> int:
        """Merge duplicate ideas into ``keep``: their votes move to it; returns its vote count."""
        return self.store.merge_ideas(self.cycle, keep, others)

    def promote(
        self, idea: int, *, objective_id: str | None = None, kind: str = "committed"
    ) -> Objective:
        """Turn an idea into a draft objective of the cycle (no key results yet).

        The objective's id is ``objective_id`` or ``IDEA-<idea id>``; the idea is marked
        promoted and points at it.
        """
        return self.store.promote_idea(
            self.cycle,
            idea,
            objective_id or f"IDEA-{idea}",
            kind=kind,
            description=f"From the {self.cycle.id} brainstorm (idea {idea}).",
        )

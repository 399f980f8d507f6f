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

import datetime as dt
import zlib
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle, current_quarter
from okrkit.errors import ConflictError, NotFoundError, ValidationError
from okrkit.model import LEVELS, Objective, OkrSet

if TYPE_CHECKING:
    import sqlalchemy as sa

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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


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
        sa = self.store._sa
        ideas, votes = self.store.tables["ideas"], self.store.tables["votes"]
        query = sa.select(ideas).where(ideas.c.cycle == self.cycle.id)
        if not include_closed:
            query = query.where(ideas.c.state == "open")
        with self.store._read() as conn:
            rows = conn.execute(query.order_by(ideas.c.id)).all()
            tally = conn.execute(
                sa.select(votes.c.idea, votes.c.voter)
                .join(ideas, ideas.c.id == votes.c.idea)
                .where(ideas.c.cycle == self.cycle.id)
            ).all()
        counts: dict[int, int] = {}
        voters: dict[int, set[str]] = {}
        for idea, voter in tally:
            counts[idea] = counts.get(idea, 0) + 1
            voters.setdefault(idea, set()).add(voter)
        records = [
            {
                **{k: getattr(r, k) for k in IDEA_COLUMNS if k not in ("votes", "voters")},
                "votes": counts.get(r.id, 0),
                "voters": tuple(sorted(voters.get(r.id, ()))),
            }
            for r in rows
        ]
        df = pd.DataFrame.from_records(records, columns=list(IDEA_COLUMNS))
        df["votes"] = df["votes"].astype("int64")
        return df.sort_values(["votes", "id"], ascending=[False, True], kind="stable").reset_index(
            drop=True
        )

    def dots_left(self, voter: str) -> int:
        """How many dots ``voter`` can still spend on this board."""
        with self.store._read() as conn:
            return self.dots - self._spent(conn, voter)

    def _spent(self, conn: sa.Connection, voter: str) -> int:
        sa = self.store._sa
        ideas, votes = self.store.tables["ideas"], self.store.tables["votes"]
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(votes.join(ideas, ideas.c.id == votes.c.idea))
                .where(ideas.c.cycle == self.cycle.id, votes.c.voter == voter)
            ).scalar()
            or 0
        )

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
        ideas = self.store.tables["ideas"]
        with self.store._write("add the idea") as conn:
            self.store._put_cycle(conn, self.cycle)
            result = conn.execute(
                ideas.insert().values(
                    cycle=self.cycle.id,
                    title=title,
                    owner=str(owner or "").strip(),
                    level=level,
                    author=str(author or "").strip(),
                    state="open",
                    created_at=_now(),
                    version=1,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def _lock_voter(self, conn: sa.Connection, voter: str) -> None:
        """Serialise one voter's dots: SQLite already holds the write lock; PostgreSQL locks."""
        if not self.store.is_sqlite:
            key = zlib.crc32(f"okrkit-votes:{self.cycle.id}:{voter}".encode())
            conn.execute(self.store._sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    def _open_idea(self, conn: sa.Connection, idea: int) -> Any:
        sa = self.store._sa
        ideas = self.store.tables["ideas"]
        row = conn.execute(
            sa.select(ideas).where(ideas.c.id == idea, ideas.c.cycle == self.cycle.id)
        ).first()
        if row is None:
            raise NotFoundError(f"no idea {idea} on the {self.cycle.id} board")
        if row.state != "open":
            raise ConflictError(f"idea {idea} was {row.state}; refresh the board")
        return row

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
        votes = self.store.tables["votes"]
        with self.store._write("vote") as conn:
            self._lock_voter(conn, voter)
            self._open_idea(conn, idea)
            spent = self._spent(conn, voter)
            if spent >= self.dots:
                raise ConflictError(
                    f"{voter} has spent all {self.dots} dots; take one back to move it"
                )
            conn.execute(votes.insert().values(idea=idea, voter=voter, created_at=_now()))
            return self.dots - spent - 1

    def unvote(self, idea: int, voter: str) -> int:
        """Take one of ``voter``'s dots back from ``idea``; returns the dots left."""
        sa = self.store._sa
        votes = self.store.tables["votes"]
        with self.store._write("take the vote back") as conn:
            self._lock_voter(conn, voter)
            mine = conn.execute(
                sa.select(votes.c.id)
                .where(votes.c.idea == idea, votes.c.voter == voter)
                .order_by(votes.c.id.desc())
            ).first()
            if mine is None:
                raise NotFoundError(f"{voter} has no dot on idea {idea}")
            conn.execute(votes.delete().where(votes.c.id == mine.id))
            return self.dots - self._spent(conn, voter)

    def merge(self, keep: int, others: list[int] | tuple[int, ...]) -> int:
        """Merge duplicate ideas into ``keep``: their votes move to it; returns its vote count."""
        sa = self.store._sa
        ideas, votes = self.store.tables["ideas"], self.store.tables["votes"]
        others = [o for o in others if o != keep]
        if not others:
            raise ValidationError("pick at least one other idea to merge", field="ideas")
        with self.store._write("merge the ideas") as conn:
            self._open_idea(conn, keep)
            for other in others:
                self._open_idea(conn, other)
            conn.execute(votes.update().where(votes.c.idea.in_(others)).values(idea=keep))
            conn.execute(
                ideas.update()
                .where(ideas.c.id.in_(others))
                .values(state="merged", merged_into=keep, version=ideas.c.version + 1)
            )
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(votes).where(votes.c.idea == keep)
                ).scalar()
                or 0
            )

    def promote(
        self, idea: int, *, objective_id: str | None = None, kind: str = "committed"
    ) -> Objective:
        """Turn an idea into a draft objective of the cycle (no key results yet).

        The objective's id is ``objective_id`` or ``IDEA-<idea id>``; the idea is marked
        promoted and points at it.
        """
        ideas = self.store.tables["ideas"]
        with self.store._write("promote the idea") as conn:
            row = self._open_idea(conn, idea)
            objective = Objective(
                id=objective_id or f"IDEA-{idea}",
                title=row.title,
                owner=row.owner or "",
                level=row.level or "team",
                kind=kind,  # type: ignore[arg-type]
                description=f"From the {self.cycle.id} brainstorm (idea {idea}).",
            )
            self.store._import(conn, OkrSet(cycle=self.cycle, objectives=(objective,)), mode="new")
            conn.execute(
                ideas.update()
                .where(ideas.c.id == idea)
                .values(state="promoted", objective=objective.id, version=ideas.c.version + 1)
            )
            return objective

"""Brainstorm ideas and their dot votes, by cycle (the board's rules are in okrkit.brainstorm)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import ConflictError, NotFoundError, ValidationError
from okrkit.model import Objective, OkrSet
from okrkit.store._codecs import utcnow
from okrkit.store._imports import write_set
from okrkit.store._rows import Tables, put_cycle

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store import Store

__all__ = [
    "add_idea",
    "ideas",
    "merge_ideas",
    "promote_idea",
    "unvote",
    "vote",
    "votes",
]

_IDEA_FIELDS = ("id", "title", "owner", "level", "author", "state", "merged_into", "objective")


def _cycle(store: Store, cycle: str | Cycle) -> Cycle:
    return cycle if isinstance(cycle, Cycle) else store.cycle(cycle)


def _cycle_id(cycle: str | Cycle) -> str:
    return cycle.id if isinstance(cycle, Cycle) else str(cycle)


def ideas(store: Store, cycle: str | Cycle, include_closed: bool) -> pd.DataFrame:
    """A cycle's ideas, oldest first, with their vote counts and voters (``Store.ideas``)."""
    import sqlalchemy as sa

    t = store.tables
    idea, vote_t = t["ideas"], t["votes"]
    query = sa.select(idea).where(idea.c.cycle == _cycle_id(cycle))
    if not include_closed:
        query = query.where(idea.c.state == "open")
    with store._read() as conn:
        rows = conn.execute(query.order_by(idea.c.id)).all()
        tally = conn.execute(
            sa.select(vote_t.c.idea, vote_t.c.voter)
            .join(idea, idea.c.id == vote_t.c.idea)
            .where(idea.c.cycle == _cycle_id(cycle))
        ).all()
    counts: dict[int, int] = {}
    voters: dict[int, set[str]] = {}
    for ident, voter in tally:
        counts[ident] = counts.get(ident, 0) + 1
        voters.setdefault(ident, set()).add(voter)
    records = [
        {
            **{k: getattr(r, k) for k in _IDEA_FIELDS},
            "votes": counts.get(r.id, 0),
            "voters": tuple(sorted(voters.get(r.id, ()))),
            "version": r.version,
        }
        for r in rows
    ]
    columns = [*_IDEA_FIELDS, "votes", "voters", "version"]
    df = pd.DataFrame.from_records(records, columns=columns)
    df["votes"] = df["votes"].astype("int64")
    return df


def votes(store: Store, cycle: str | Cycle, voter: str | None) -> pd.DataFrame:
    """The votes on a cycle's ideas (of ``voter`` only, if given), oldest first."""
    import sqlalchemy as sa

    idea, vote_t = store.tables["ideas"], store.tables["votes"]
    query = (
        sa.select(vote_t.c.id, vote_t.c.idea, vote_t.c.voter, vote_t.c.created_at)
        .join(idea, idea.c.id == vote_t.c.idea)
        .where(idea.c.cycle == _cycle_id(cycle))
    )
    if voter is not None:
        query = query.where(vote_t.c.voter == voter)
    with store._read() as conn:
        result = conn.execute(query.order_by(vote_t.c.id))
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def add_idea(
    store: Store, cycle: str | Cycle, title: str, owner: str, level: str, author: str
) -> int:
    """Add an open idea to a cycle's board (the cycle is created when new); returns its id."""
    c = _cycle(store, cycle)
    with store._write("add the idea") as conn:
        put_cycle(store.tables, conn, c)
        result = conn.execute(
            store.tables["ideas"]
            .insert()
            .values(
                cycle=c.id,
                title=title,
                owner=owner,
                level=level,
                author=author,
                state="open",
                created_at=utcnow(),
                version=1,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def _spent(t: Tables, conn: sa.Connection, cycle: str, voter: str) -> int:
    import sqlalchemy as sa

    idea, vote_t = t["ideas"], t["votes"]
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(vote_t.join(idea, idea.c.id == vote_t.c.idea))
            .where(idea.c.cycle == cycle, vote_t.c.voter == voter)
        ).scalar()
        or 0
    )


def _lock_voter(conn: sa.Connection, cycle: str, voter: str) -> None:
    """Serialise one voter's dots: SQLite already holds the write lock; PostgreSQL locks."""
    import sqlalchemy as sa

    if conn.dialect.name != "sqlite":
        key = zlib.crc32(f"okrkit-votes:{cycle}:{voter}".encode())
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _open_idea(t: Tables, conn: sa.Connection, cycle: str, ident: int) -> Any:
    import sqlalchemy as sa

    idea = t["ideas"]
    found = conn.execute(sa.select(idea).where(idea.c.id == ident, idea.c.cycle == cycle)).first()
    if found is None:
        raise NotFoundError(f"no idea {ident} on the {cycle} board")
    if found.state != "open":
        raise ConflictError(f"idea {ident} was {found.state}; refresh the board")
    return found


def vote(store: Store, cycle: str | Cycle, idea: int, voter: str, limit: int | None) -> int:
    """One more vote of ``voter`` on an open idea; returns the voter's votes on the board."""
    c, t = _cycle_id(cycle), store.tables
    with store._write("vote") as conn:
        _lock_voter(conn, c, voter)
        _open_idea(t, conn, c, idea)
        spent = _spent(t, conn, c, voter)
        if limit is not None and spent >= limit:
            raise ConflictError(f"{voter} has spent all {limit} dots; take one back to move it")
        conn.execute(t["votes"].insert().values(idea=idea, voter=voter, created_at=utcnow()))
        return spent + 1


def unvote(store: Store, cycle: str | Cycle, idea: int, voter: str) -> int:
    """Take ``voter``'s latest vote on ``idea`` back; returns the voter's votes on the board."""
    import sqlalchemy as sa

    c, t = _cycle_id(cycle), store.tables
    vote_t = t["votes"]
    with store._write("take the vote back") as conn:
        _lock_voter(conn, c, voter)
        mine = conn.execute(
            sa.select(vote_t.c.id)
            .where(vote_t.c.idea == idea, vote_t.c.voter == voter)
            .order_by(vote_t.c.id.desc())
        ).first()
        if mine is None:
            raise NotFoundError(f"{voter} has no dot on idea {idea}")
        conn.execute(vote_t.delete().where(vote_t.c.id == mine.id))
        return _spent(t, conn, c, voter)


def merge_ideas(store: Store, cycle: str | Cycle, keep: int, others: Iterable[int]) -> int:
    """Merge open ideas into ``keep``, their votes with them; returns ``keep``'s votes."""
    import sqlalchemy as sa

    c, t = _cycle_id(cycle), store.tables
    idea, vote_t = t["ideas"], t["votes"]
    merged = [o for o in others if o != keep]
    if not merged:
        raise ValidationError("pick at least one other idea to merge", field="ideas")
    with store._write("merge the ideas") as conn:
        _open_idea(t, conn, c, keep)
        for other in merged:
            _open_idea(t, conn, c, other)
        conn.execute(vote_t.update().where(vote_t.c.idea.in_(merged)).values(idea=keep))
        conn.execute(
            idea.update()
            .where(idea.c.id.in_(merged))
            .values(state="merged", merged_into=keep, version=idea.c.version + 1)
        )
        return int(
            conn.execute(
                sa.select(sa.func.count()).select_from(vote_t).where(vote_t.c.idea == keep)
            ).scalar()
            or 0
        )


def promote_idea(
    store: Store,
    cycle: str | Cycle,
    idea: int,
    objective_id: str,
    kind: str,
    description: str,
) -> Objective:
    """Turn an open idea into a draft objective of the cycle; the idea points at it."""
    c, t = _cycle(store, cycle), store.tables
    ideas_t = t["ideas"]
    with store._write("promote the idea") as conn:
        found = _open_idea(t, conn, c.id, idea)
        objective = Objective(
            id=objective_id,
            title=found.title,
            owner=found.owner or "",
            level=found.level or "team",
            kind=kind,  # type: ignore[arg-type]
            description=description,
        )
        write_set(t, conn, OkrSet(cycle=c, objectives=(objective,)), mode="new")
        conn.execute(
            ideas_t.update()
            .where(ideas_t.c.id == idea)
            .values(state="promoted", objective=objective.id, version=ideas_t.c.version + 1)
        )
        return objective

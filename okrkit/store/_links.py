"""Alignment links in the store: loops refused, links to what is no objective, dangling links."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from okrkit.errors import AlignmentCycleError, ValidationError
from okrkit.findings import missing_link_note
from okrkit.model import OkrSet, find_alignment_loop, loop_error
from okrkit.store._codecs import chunks

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store._rows import Tables

__all__ = ["check_links", "dangling_notes", "refuse_loops", "set_parents"]


def refuse_loops(links: Iterable[Any], roots: list[str]) -> None:
    """Raise :class:`AlignmentCycleError` when ``links`` (child, parent) loop from ``roots``."""
    parents: dict[str, list[str]] = {}
    for child, parent in links:
        parents.setdefault(child, []).append(parent)
    loop = find_alignment_loop(parents, roots)
    if loop and len(roots) == 1 and loop[0] == roots[0]:
        # Name the link just written as the one that closes the loop.
        loop = (*loop[1:], loop[1])
    if loop:
        raise loop_error(loop)


def set_parents(t: Tables, conn: sa.Connection, ident: str, parents: tuple[str, ...]) -> None:
    """Point objective ``ident`` at ``parents``, refusing a loop through it."""
    import sqlalchemy as sa

    links = t["alignments"]
    conn.execute(links.delete().where(links.c.child == ident))
    if parents:
        conn.execute(
            links.insert(),
            [{"child": ident, "parent": p, "position": i} for i, p in enumerate(parents)],
        )
        # Only the links above this objective can close a loop through it.
        above = conn.execute(
            sa.text(
                "WITH RECURSIVE up(child, parent) AS ("
                " SELECT child, parent FROM alignments WHERE child = :ident"
                " UNION SELECT a.child, a.parent FROM alignments a"
                " JOIN up ON a.child = up.parent)"
                " SELECT child, parent FROM up"
            ),
            {"ident": ident},
        ).all()
        refuse_loops(above, [ident])


def check_links(t: Tables, conn: sa.Connection, okrs: OkrSet) -> None:
    """Refuse what the alignment check calls an error: loops, links to what is no objective.

    A loop that closes through links already in the store names the file's link to remove.
    """
    import sqlalchemy as sa

    if not any(o.aligns_to for o in okrs.objectives):
        return
    al = t["alignments"]
    try:
        refuse_loops(
            conn.execute(sa.select(al.c.child, al.c.parent)), [o.id for o in okrs.objectives]
        )
    except AlignmentCycleError as exc:
        raise _loop_in_file(exc, {o.id for o in okrs.objectives}) from None
    parents = sorted({p for o in okrs.objectives for p in o.aligns_to})
    for name, noun in (
        ("key_results", "key result"),
        ("kpis", "KPI"),
        ("initiatives", "initiative"),
    ):
        table = t[name]
        for chunk in chunks(parents, 500):
            wrong = set(conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars())
            for o in okrs.objectives:
                for p in o.aligns_to:
                    if p in wrong:
                        raise ValidationError(
                            f"{o.id} aligns to {p}, which is a {noun} in the store",
                            field="aligns_to",
                            fix=f"align {o.id} to the objective of {p} instead",
                        )


def dangling_notes(t: Tables, conn: sa.Connection, okrs: OkrSet) -> tuple[str, ...]:
    """The file's links to objectives the store does not hold (yet), one note each."""
    import sqlalchemy as sa

    o = t["objectives"]
    parents = sorted({p for x in okrs.objectives for p in x.aligns_to})
    present: set[str] = set()
    for chunk in chunks(parents, 500):
        present.update(conn.execute(sa.select(o.c.id).where(o.c.id.in_(chunk))).scalars())
    return tuple(
        missing_link_note(x.id, p) for x in okrs.objectives for p in x.aligns_to if p not in present
    )


def _loop_in_file(exc: AlignmentCycleError, in_file: set[str]) -> AlignmentCycleError:
    """A loop error that names the file's link closing it and the links from the store."""
    loop = re.search(r"loop: (.*?)( \(\d+ objectives\))?$", exc.problem)
    names = loop.group(1).split(" -> ") if loop else []
    links = list(itertools.pairwise(names))
    ours = [(c, p) for c, p in links if c in in_file and "…" not in (c, p)]
    theirs = [f"{c} -> {p}" for c, p in links if c not in in_file and "…" not in (c, p)]
    if not ours:
        return exc
    child, parent = ours[-1]
    problem = exc.problem
    if theirs:
        problem += f" (the store already holds {', '.join(theirs)})"
    return AlignmentCycleError(
        problem,
        field="aligns_to",
        fix=f"remove {parent} from the aligns_to of {child}, or another link of the loop",
    )

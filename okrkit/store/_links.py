"""Alignment links in the store: loops refused, links to what is no objective, dangling links.

``aligns_to`` names objectives or key results. A link to a key result goes on, for the loop
check, through the key result's objective: O1 aligned to K2, a key result of O2, and O2 aligned
to O1 close a loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from okrkit.errors import AlignmentCycleError, ValidationError
from okrkit.findings import missing_link_note
from okrkit.model import OkrSet, find_alignment_loop, loop_error
from okrkit.store._codecs import chunks

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store._rows import Tables

__all__ = ["check_links", "dangling_notes", "refuse_loops", "set_parents"]


def refuse_loops(
    links: Iterable[Any], roots: list[str], key_results: Mapping[str, str] | None = None
) -> None:
    """Raise :class:`AlignmentCycleError` when ``links`` (child, parent) loop from ``roots``.

    ``key_results`` maps the key results among the parents to their objectives.
    """
    parents: dict[str, list[str]] = {}
    for child, parent in links:
        parents.setdefault(child, []).append(parent)
    owners = key_results or {}
    loop = find_alignment_loop(parents, roots, owners)
    if loop and len(roots) == 1 and roots[0] in loop:
        # Name the link just written as the one that closes the loop.
        loop = _ending_with(loop, roots[0])
    if loop:
        raise loop_error(loop, owners)


def _ending_with(loop: tuple[str, ...], child: str, parent: str | None = None) -> tuple[str, ...]:
    """``loop`` turned round so that its last link leaves ``child`` (for ``parent``)."""
    nodes = list(loop[:-1])
    size = len(nodes)
    for i, node in enumerate(nodes):
        if node == child and parent in (None, nodes[(i + 1) % size]):
            turned = nodes[i + 1 :] + nodes[: i + 1]
            return (*turned, turned[0])
    return loop


def _owners(t: Tables, conn: sa.Connection, ids: Iterable[str]) -> dict[str, str]:
    """The key results among ``ids``, each with the id of its objective."""
    import sqlalchemy as sa

    kr = t["key_results"]
    found: dict[str, str] = {}
    for chunk in chunks(sorted(set(ids)), 500):
        found.update(
            (str(k), str(o))
            for k, o in conn.execute(sa.select(kr.c.id, kr.c.objective).where(kr.c.id.in_(chunk)))
        )
    return found


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
        # Only the links above this objective can close a loop through it; a link to a key
        # result goes on from the key result's objective.
        above = conn.execute(
            sa.text(
                "WITH RECURSIVE up(child, parent) AS ("
                " SELECT child, parent FROM alignments WHERE child = :ident"
                " UNION SELECT a.child, a.parent FROM up"
                " LEFT JOIN key_results k ON k.id = up.parent"
                " JOIN alignments a ON a.child = COALESCE(k.objective, up.parent))"
                " SELECT child, parent FROM up"
            ),
            {"ident": ident},
        ).all()
        refuse_loops(above, [ident], _owners(t, conn, (p for _, p in above)))


def check_links(t: Tables, conn: sa.Connection, okrs: OkrSet) -> None:
    """Refuse what the alignment check calls an error: loops, links to KPIs and initiatives.

    Called once the set is written, so the store holds its objectives, key results and links.
    A loop that closes through links already in the store names the file's link to remove and
    the stored links of the loop.
    """
    import sqlalchemy as sa

    if not any(o.aligns_to for o in okrs.objectives):
        return
    al = t["alignments"]
    kr = t["key_results"]
    links = conn.execute(sa.select(al.c.child, al.c.parent)).all()
    owners = {
        str(k): str(o)
        for k, o in conn.execute(
            sa.select(kr.c.id, kr.c.objective).where(kr.c.id.in_(sa.select(al.c.parent)))
        )
    }
    parents: dict[str, list[str]] = {}
    for child, parent in links:
        parents.setdefault(child, []).append(parent)
    in_file = [o.id for o in okrs.objectives]
    loop = find_alignment_loop(parents, in_file, owners)
    if loop:
        raise _loop_in_file(loop, set(in_file), owners)
    parent_ids = sorted({p for o in okrs.objectives for p in o.aligns_to})
    for name, noun in (("kpis", "KPI"), ("initiatives", "initiative")):
        table = t[name]
        for chunk in chunks(parent_ids, 500):
            wrong = set(conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars())
            for o in okrs.objectives:
                for p in o.aligns_to:
                    if p in wrong:
                        raise ValidationError(
                            f"{o.id} aligns to {p}, which is a {noun} in the store",
                            field="aligns_to",
                            fix=f"align {o.id} to an objective or a key result instead",
                        )


def dangling_notes(t: Tables, conn: sa.Connection, okrs: OkrSet) -> tuple[str, ...]:
    """The file's links to objectives or key results the store does not hold (yet), one note
    each."""
    import sqlalchemy as sa

    parents = sorted({p for x in okrs.objectives for p in x.aligns_to})
    present: set[str] = set()
    for name in ("objectives", "key_results"):
        table = t[name]
        for chunk in chunks(parents, 500):
            present.update(
                conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars()
            )
    return tuple(
        missing_link_note(x.id, p) for x in okrs.objectives for p in x.aligns_to if p not in present
    )


def _loop_in_file(
    loop: tuple[str, ...], in_file: set[str], owners: Mapping[str, str]
) -> AlignmentCycleError:
    """A loop error that names the file's link closing it and the links from the store."""
    links = [(c, p) for c, p in itertools.pairwise(loop) if c not in owners]  # aligns_to links
    ours = [link for link in links if link[0] in in_file]
    if not ours:
        return loop_error(loop, owners)
    child, parent = ours[-1]
    turned = _ending_with(loop, child, parent)
    held = [
        f"{c} -> {p}" for c, p in itertools.pairwise(turned) if c not in owners and c not in in_file
    ]
    return loop_error(turned, owners, held=held)

"""Imports: a whole OKR set in one transaction, new ids in bulk, known ones merged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from okrkit.errors import ConflictError
from okrkit.merging import ImportMode, ImportSummary
from okrkit.model import OkrSet
from okrkit.store._checkins import check_checkin_dates
from okrkit.store._codecs import chunks, own, revision_row, to_row, utcnow
from okrkit.store._links import check_links, dangling_notes
from okrkit.store._merge import Merge
from okrkit.store._rows import Tables, insert_many, last_versions, log, next_position, put_cycle
from okrkit.store._schema import IMPORT_LOCK, advisory_lock

if TYPE_CHECKING:
    import sqlalchemy as sa

    from okrkit.store import Store

__all__ = ["import_set", "write_set"]


class _RollBack(Exception):
    """Raised inside a dry run's transaction to roll it back, carrying the summary."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


def import_set(
    store: Store,
    okrs: OkrSet,
    *,
    mode: ImportMode,
    dry_run: bool,
    author: str,
    expect: ImportSummary | None,
) -> ImportSummary:
    """``Store.import_set``: one transaction, rolled back for a dry run or a conflict."""
    try:
        with store._write("import") as conn:
            summary = write_set(store.tables, conn, okrs, mode=mode, author=author, dry_run=dry_run)
            if summary.conflicts and not dry_run:
                raise ConflictError(summary.conflict_message())
            if expect is not None and _destruction(summary) != _destruction(expect):
                raise ConflictError(
                    "nothing imported: the store changed since the preview, and the import"
                    " would now remove or overwrite other records; look at the new preview"
                    " and run it again"
                )
            if dry_run:
                raise _RollBack(summary)
    except _RollBack as done:
        return done.summary
    return summary


def write_set(
    t: Tables,
    conn: sa.Connection,
    okrs: OkrSet,
    *,
    mode: ImportMode,
    action: str = "import",
    author: str = "",
    dry_run: bool = False,
) -> ImportSummary:
    """Write ``okrs`` inside the open transaction ``conn``; ``new`` refuses ids in the store.

    Serialised with other imports on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already does):
    two imports into a new cycle would otherwise both insert it, and a merge must see what the
    import before it wrote.
    """
    import sqlalchemy as sa

    advisory_lock(conn, IMPORT_LOCK)
    put_cycle(t, conn, okrs.cycle)
    incoming = {
        "objectives": [o.id for o in okrs.objectives],
        "key_results": [kr.id for _, kr in okrs.key_results()],
        "kpis": [k.id for k in okrs.kpis],
        "initiatives": [i.id for i in okrs.initiatives],
    }
    all_ids = [i for ids in incoming.values() for i in ids]
    found: dict[str, str] = {}
    for name in incoming:
        table = t[name]
        for chunk in chunks(all_ids, 500):
            for ident in conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))):
                found[ident[0]] = name
    base = ImportSummary(
        cycle=okrs.cycle.id,
        objectives=len(okrs.objectives),
        key_results=len(incoming["key_results"]),
        kpis=len(okrs.kpis),
        initiatives=len(okrs.initiatives),
        checkins=len(okrs.checkins),
        mode=mode,
        dry_run=dry_run,
    )
    if found and mode == "new":
        ids = sorted(found)
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        raise ConflictError(f"{len(ids)} id(s) are already in the store: {shown}; give new ids")
    if not found:
        return _write_new(t, conn, okrs, base, incoming, action, author)
    return Merge(t, conn, okrs, found, incoming, author).run(base)


def _write_new(
    t: Tables,
    conn: sa.Connection,
    okrs: OkrSet,
    base: ImportSummary,
    incoming: Mapping[str, list[str]],
    action: str,
    author: str,
) -> ImportSummary:
    """An import of ids that are all new to the store: every row inserted in bulk."""
    check_checkin_dates(okrs.checkins, okrs.cycle)
    versions = {
        i: v + 1
        for i, v in last_versions(t, conn, incoming["objectives"] + incoming["key_results"]).items()
    }
    _insert_set(t, conn, okrs, versions)
    check_links(t, conn, okrs)
    now, cycle = utcnow(), okrs.cycle.id
    revisions = []
    for o in okrs.objectives:
        revisions.append(
            revision_row(
                "objective", own(o), versions.get(o.id, 1), cycle, None, now, action, author
            )
        )
        revisions += [
            revision_row(
                "key_result", own(kr), versions.get(kr.id, 1), cycle, o.id, now, action, author
            )
            for kr in o.key_results
        ]
    log(t, conn, revisions)
    return replace(
        base,
        added=tuple(i for ids in incoming.values() for i in ids),
        checkins_added=len(okrs.checkins),
        notes=dangling_notes(t, conn, okrs),
    )


def _insert_set(
    t: Tables, conn: sa.Connection, okrs: OkrSet, versions: Mapping[str, int] | None = None
) -> None:
    """Insert a set's rows; objectives and key results at ``versions`` (default 1)."""
    versions = versions or {}
    cycle = okrs.cycle.id
    base = next_position(conn, t["objectives"], t["objectives"].c.cycle == cycle)
    objectives, links, krs = [], [], []
    for i, o in enumerate(okrs.objectives):
        objectives.append(
            {
                **to_row(o, ("key_results", "aligns_to")),
                "cycle": cycle,
                "position": base + i,
                "version": versions.get(o.id, 1),
            }
        )
        links += [{"child": o.id, "parent": p, "position": j} for j, p in enumerate(o.aligns_to)]
        krs += [
            {**to_row(kr), "objective": o.id, "position": j, "version": versions.get(kr.id, 1)}
            for j, kr in enumerate(o.key_results)
        ]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    checkins = [
        {**to_row(c, ("id",)), "state": "active", "recorded_at": now} for c in okrs.checkins
    ]
    base_k = next_position(conn, t["kpis"], t["kpis"].c.cycle == cycle)
    kpis = [
        {**to_row(k, ("measures",)), "cycle": cycle, "position": base_k + i, "version": 1}
        for i, k in enumerate(okrs.kpis)
    ]
    measures = [
        {"kpi": k.id, "key_result": m, "position": j}
        for k in okrs.kpis
        for j, m in enumerate(k.measures)
    ]
    base_i = next_position(conn, t["initiatives"], t["initiatives"].c.cycle == cycle)
    inits = [
        {**to_row(x, ("supports",)), "cycle": cycle, "position": base_i + i, "version": 1}
        for i, x in enumerate(okrs.initiatives)
    ]
    supports = [
        {"initiative": x.id, "key_result": s, "position": j}
        for x in okrs.initiatives
        for j, s in enumerate(x.supports)
    ]
    for name, rows in (
        ("objectives", objectives),
        ("alignments", links),
        ("key_results", krs),
        ("checkins", checkins),
        ("kpis", kpis),
        ("kpi_measures", measures),
        ("initiatives", inits),
        ("initiative_supports", supports),
    ):
        insert_many(conn, t[name], rows)


def _destruction(summary: ImportSummary) -> tuple[Any, ...]:
    """What an import removes or overwrites: a preview and the import itself must agree."""
    return (summary.removed, summary.changed, summary.checkins_removed, summary.checkins_corrected)

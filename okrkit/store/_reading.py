"""Reading: the cycles of a store, one cycle's OKR set as frames, the current versions."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from okrkit.cycles import Cycle
from okrkit.errors import NotFoundError, OkrkitWarning, StoreError, ValidationError
from okrkit.frames import FRAME_COLUMNS, Frames, to_frames
from okrkit.lifecycle import in_cycle_mask
from okrkit.model import OkrSet
from okrkit.store._codecs import conform, grouped, silence

if TYPE_CHECKING:
    from okrkit.store import Store

__all__ = ["counted", "cycles", "find_cycle", "find_cycles", "frames", "versions"]


def cycles(store: Store) -> list[Cycle]:
    """Every cycle in the store, oldest first."""
    import sqlalchemy as sa

    t = store.tables["cycles"]
    with store._read() as conn:
        rows = conn.execute(sa.select(t).order_by(t.c.start, t.c.id)).all()
    out = []
    for r in rows:
        try:
            out.append(Cycle(id=r.id, start=r.start, end=r.end))
        except ValidationError as exc:  # written by an okrkit without today's limits
            raise StoreError(
                f"the store {store.display_url} holds cycle {r.id} ({r.start}..{r.end}),"
                f" which this okrkit cannot handle: {exc}; export it with the okrkit that"
                " wrote it, or remove that cycle"
            ) from None
    return out


def find_cycle(store: Store, cycle: str | Cycle | None) -> Cycle:
    """The cycle named ``cycle``; by default the one running today, else the latest."""
    known = store.cycles()
    if not known:
        raise NotFoundError(
            f"the store {store.display_url} is empty: import a file with 'okrkit import FILE'"
            " or start from a template with 'okrkit init --template NAME'"
        )
    if cycle is None:
        today = dt.date.today()
        running = [c for c in known if c.start <= today <= c.end]
        return running[-1] if running else known[-1]
    wanted = cycle.id if isinstance(cycle, Cycle) else str(cycle)
    for c in known:
        if c.id == wanted:
            return c
    raise NotFoundError(
        f"no cycle {wanted!r} in the store; it has {', '.join(c.id for c in known)}"
    )


def find_cycles(store: Store, cycle: object, wanted: str | Iterable[str | Cycle]) -> list[Cycle]:
    """The cycles ``wanted`` names (``"all"``, or ids or cycles), in the store's order.

    Raises
    ------
    TypeError
        When ``cycle`` is given too.
    NotFoundError
        When the store has no such cycle, or none at all.
    """
    if cycle is not None:
        raise TypeError("give cycle= for one cycle or cycles= for several, not both")
    known = store.cycles()
    if isinstance(wanted, str) and wanted.strip().lower() == "all":
        if not known:
            find_cycle(store, None)  # raises: the store is empty
        return known
    names = [wanted] if isinstance(wanted, str | Cycle) else list(wanted)
    picked = {find_cycle(store, name).id for name in names}
    return [c for c in known if c.id in picked]


def frames(store: Store, cycle: str | Cycle | None) -> Frames:
    """The OKR set of one cycle as frames, straight from SQL."""
    import sqlalchemy as sa

    c = store.cycle(cycle)
    t = store.tables
    with store._read() as conn:

        def frame(query: Any) -> pd.DataFrame:
            # The driver's plain tuples: building a frame from SQLAlchemy rows costs 4x more.
            result = conn.execute(query)
            columns = list(result.keys())
            rows = result.cursor.fetchall() if result.cursor is not None else []
            result.close()
            return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)

        def columns(table: Any, name: str) -> list[Any]:
            return [table.c[k] for k in FRAME_COLUMNS[name] if k in table.c]

        o, kr, ci = t["objectives"], t["key_results"], t["checkins"]
        objectives = frame(
            sa.select(*columns(o, "objectives")).where(o.c.cycle == c.id).order_by(o.c.position)
        )
        links = frame(
            sa.select(t["alignments"].c.child, t["alignments"].c.parent)
            .join(o, o.c.id == t["alignments"].c.child)
            .where(o.c.cycle == c.id)
            .order_by(t["alignments"].c.position)
        )
        krs = frame(
            sa.select(*columns(kr, "key_results"))
            .join(o, o.c.id == kr.c.objective)
            .where(o.c.cycle == c.id)
            .order_by(o.c.position, kr.c.position)
        )
        checkins = frame(
            sa.select(*columns(ci, "checkins"))
            .join(kr, kr.c.id == ci.c.key_result)
            .join(o, o.c.id == kr.c.objective)
            .where(o.c.cycle == c.id, ci.c.state == "active")
            .order_by(ci.c.id)
        )
        kpis = frame(
            sa.select(t["kpis"]).where(t["kpis"].c.cycle == c.id).order_by(t["kpis"].c.position)
        )
        measures = frame(sa.select(t["kpi_measures"]).order_by(t["kpi_measures"].c.position))
        inits = frame(
            sa.select(t["initiatives"])
            .where(t["initiatives"].c.cycle == c.id)
            .order_by(t["initiatives"].c.position)
        )
        supports = frame(
            sa.select(t["initiative_supports"]).order_by(t["initiative_supports"].c.position)
        )
    objectives["aligns_to"] = grouped(objectives["id"], links, "child", "parent")
    kpis["measures"] = grouped(kpis["id"], measures, "kpi", "key_result")
    inits["supports"] = grouped(inits["id"], supports, "initiative", "key_result")
    for df in (objectives, krs, kpis, inits):
        df["silence"] = [silence(v) for v in df["silence"].tolist()]
    empty = to_frames(OkrSet(cycle=c))
    return Frames(
        cycle=c,
        objectives=conform(objectives, empty.objectives),
        key_results=conform(krs, empty.key_results),
        checkins=conform(checkins, empty.checkins),
        kpis=conform(kpis, empty.kpis),
        initiatives=conform(inits, empty.initiatives),
    )


def versions(store: Store, cycle: str | Cycle | None) -> dict[str, int]:
    """The current version of every objective and key result of a cycle, by id."""
    import sqlalchemy as sa

    c = store.cycle(cycle)
    o, kr = store.tables["objectives"], store.tables["key_results"]
    with store._read() as conn:
        rows = list(conn.execute(sa.select(o.c.id, o.c.version).where(o.c.cycle == c.id)))
        rows += conn.execute(
            sa.select(kr.c.id, kr.c.version)
            .join(o, o.c.id == kr.c.objective)
            .where(o.c.cycle == c.id)
        ).all()
    return {r[0]: r[1] for r in rows}


def counted(found: Frames, source: str) -> Frames:
    """``found`` without the check-ins dated outside its cycle, with a warning naming them.

    A store written by okrkit before 0.2 may hold such check-ins. They stay in the store
    (:meth:`Store.checkins` lists them) but do not count in the cycle, so the set a store loads
    leaves them out, as :func:`okrkit.score` does.
    """
    ci = found.checkins
    inside = in_cycle_mask(ci["date"], found.cycle)
    if bool(inside.all()):
        return found
    outside = ci[~inside]
    ids = ", ".join(str(i) for i in outside["id"].head(10))
    more = f" and {len(outside) - 10} more" if len(outside) > 10 else ""
    warnings.warn(
        OkrkitWarning(
            f"{source}: {len(outside)} check-in(s) of cycle {found.cycle.id} are dated outside it"
            f" ({found.cycle.start} to {found.cycle.end}) and do not count in it: ids {ids}{more}."
            " They stay in the store; move each into the cycle with 'okrkit checkin correct ID"
            " --date DATE' or remove it with 'okrkit checkin delete ID'"
        ),
        stacklevel=3,
    )
    return replace(found, checkins=ci[inside].reset_index(drop=True))

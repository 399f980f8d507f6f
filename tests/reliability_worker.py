"""A store client in its own process, driven by ``tests/test_reliability.py``.

:func:`serve` runs in a child process and takes requests (dicts) from a pipe. For each request
it opens the store, answers ``{"ready": True}`` and waits for ``"go"``, so that the test can
start many workers at the same moment (a barrier), then runs the operation, closes the store and
answers ``{"result": ..., "done": True}`` (or ``{"error": ..., "traceback": ...}``).

Operations
----------
``checkins``  ``n`` check-ins on key result ``kr``, values ``base + i``, note ``tag``.
``edit``      one ``update_objective`` from the version the test read: ``ok`` or ``conflict``.
``append``    read-modify-write until it lands: append ``[tag]`` to an objective's description.
``add``       import a small set of objectives with ``prefix`` into cycle ``cycle`` (merge).
``import``    import :func:`big_set` with ``replace=True``; says ``writing`` once the old rows
              are deleted and the new objectives written. With ``hold="insert"`` it then waits
              (for SIGKILL) once the key results are written, with ``hold="commit"`` just
              before COMMIT. Answers ``done`` only after the import returned.
"""

from __future__ import annotations

import datetime as dt
import traceback
from multiprocessing.connection import Connection
from typing import Any

from okrkit import CheckIn, ConflictError, Cycle, KeyResult, Objective, OkrSet, Store

__all__ = ["big_set", "serve"]

CYCLE = "2026-Q1"


def big_set(
    objectives: int, key_results: int, checkins: int, *, prefix: str = "B", cycle: str = CYCLE
) -> OkrSet:
    """``objectives`` x ``key_results`` metric key results with ``checkins`` check-ins each,
    dated from the first day of ``cycle`` on."""
    start = Cycle.parse(cycle).start
    objs, cis = [], []
    for o in range(objectives):
        krs = []
        for k in range(key_results):
            kr = f"{prefix}{o}-K{k}"
            krs.append(KeyResult(id=kr, title=f"Metric {o}.{k} from 0 to 100", start=0, target=100))
            cis += [
                CheckIn(key_result=kr, date=start + dt.timedelta(days=c % 90), value=c, note="bulk")
                for c in range(checkins)
            ]
        objs.append(Objective(id=f"{prefix}{o}", title=f"Imported objective {o}", key_results=krs))
    return OkrSet(cycle=cycle, objectives=objs, checkins=cis)


def _checkins(store: Store, request: dict[str, Any], pipe: Connection) -> list[int]:
    ids = []
    for i in range(request["n"]):
        checkin = CheckIn(
            key_result=request["kr"],
            date="2026-02-01",
            value=request["base"] + i,
            note=request["tag"],
        )
        ids.append(store.add_checkin(checkin).id)
    return ids


def _edit(store: Store, request: dict[str, Any], pipe: Connection) -> dict[str, str]:
    tag = request["tag"]
    try:
        store.update_objective(
            request["ident"],
            request["version"],
            title=f"Title by {tag}",
            owner=tag,
            description=f"Edited by {tag}",
        )
    except ConflictError as exc:
        return {"outcome": "conflict", "message": str(exc)}
    return {"outcome": "ok"}


def _append(store: Store, request: dict[str, Any], pipe: Connection) -> int:
    ident, tag = request["ident"], request["tag"]
    for attempt in range(1, 1000):
        # The version first, then the content: content read later is at least that new, so a
        # stale pair can only fail with a conflict, never overwrite a newer description.
        version = store.versions(CYCLE)[ident]
        description = store.load(CYCLE).objective(ident).description or ""
        try:
            store.update_objective(ident, version, description=f"{description}[{tag}]")
        except ConflictError:
            continue
        return attempt
    raise RuntimeError(f"{tag}: no edit landed in 999 attempts")


def _import(store: Store, request: dict[str, Any], pipe: Connection) -> str:
    import sqlalchemy as sa

    okrs = big_set(*request["size"])
    if store.is_sqlite:
        # A tiny page cache: the transaction spills its uncommitted pages into the -wal file
        # long before COMMIT, so a kill leaves them there for recovery to throw away.
        sa.event.listen(
            store.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA cache_size=20")
        )
        store.engine.dispose()
    seen: set[str] = set()

    def after_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        words = statement.split(None, 3)
        if words[:2] != ["INSERT", "INTO"] or len(words) < 3:
            return
        name = words[2].strip('"')
        if name in seen:
            return
        seen.add(name)
        if name == "objectives":
            pipe.send({"writing": True})
        if name == "key_results" and request.get("hold") == "insert":
            pipe.send({"holding": True})
            pipe.recv()  # the test kills this process here

    def before_commit(conn: Any) -> None:
        if seen and request.get("hold") == "commit":
            pipe.send({"committing": True})
            pipe.recv()  # the test kills this process here

    sa.event.listen(store.engine, "after_cursor_execute", after_execute)
    sa.event.listen(store.engine, "commit", before_commit)
    return str(store.import_set(okrs, replace=True))


def _add(store: Store, request: dict[str, Any], pipe: Connection) -> str:
    okrs = big_set(3, 2, 2, prefix=request["prefix"], cycle=request["cycle"])
    return str(store.import_set(okrs))


OPERATIONS = {
    "checkins": _checkins,
    "edit": _edit,
    "append": _append,
    "import": _import,
    "add": _add,
}


def serve(pipe: Connection) -> None:
    """Answer requests from ``pipe`` until it closes."""
    while True:
        try:
            request = pipe.recv()
        except EOFError:
            return
        try:
            with Store(request["url"], create=False) as store:
                store.cycles()  # connected and warm before the start signal
                pipe.send({"ready": True})
                if pipe.recv() != "go":
                    return
                result = OPERATIONS[request["op"]](store, request, pipe)
        except Exception as exc:
            pipe.send(
                {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
            )
        else:
            pipe.send({"result": result, "done": True})

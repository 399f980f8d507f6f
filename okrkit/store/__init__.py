"""The store: OKR sets of many cycles in one SQLite file, or in PostgreSQL, by URL.

SQLAlchemy Core, so the same SQL runs on both. Every public write is one transaction: it lands
whole or not at all. On SQLite the file runs in WAL mode with a busy timeout and writes take the
write lock up front (``BEGIN IMMEDIATE``), so writers in several kernels queue instead of failing
or losing each other's rows. Editable rows carry a ``version``: an update names the version it
read and a stale one raises :class:`~okrkit.errors.ConflictError` instead of overwriting.

Check-ins are never overwritten: a correction marks the old row ``corrected`` and adds the new one
with a link to it; a deletion marks the row ``deleted``. :meth:`Store.checkins` shows the history.

Objectives and key results keep their edit history as revisions: every write that changes one
records its new version with the time, the action, the author and a snapshot of its fields, in
the same transaction. :meth:`Store.history` lists them, :meth:`Store.revision` shows one and
:meth:`Store.restore` writes an old one back as a new version.

Examples
--------
>>> from okrkit import load_yaml
>>> store = Store("sqlite://")            # in memory; a path or URL for a real store
>>> okrs = load_yaml("cycle: 2026-Q1\\nobjectives:\\n- {id: O1, title: Delight customers}\\n")
>>> store.import_set(okrs).objectives
1
>>> store.load("2026-Q1") == okrs
True
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd

from okrkit.cycles import Cycle, current_quarter
from okrkit.frames import Frames, from_frames
from okrkit.lifecycle import CarryPlan
from okrkit.merging import ImportMode, ImportSummary
from okrkit.model import CheckIn, KeyResult, Objective, OkrSet
from okrkit.store import (
    _carry,
    _checkins,
    _edits,
    _history,
    _ideas,
    _imports,
    _reading,
)
from okrkit.store._engine import (
    DEFAULT_FILE,
    ENV_URL,
    check_sqlite_file,
    make_engine,
    reading,
    resolve_url,
    safe_url,
    store_error,
    writing,
)
from okrkit.store._schema import SCHEMA_VERSION, ensure_schema, tables

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["DEFAULT_FILE", "ENV_URL", "SCHEMA_VERSION", "ImportSummary", "Store", "resolve_url"]


class Store:
    """OKR sets of many cycles, persisted through SQLAlchemy Core.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///okrkit.db``, ``postgresql+psycopg://...``) or a file path
        for SQLite. Default: :func:`resolve_url`.
    create
        Create the schema when the store is new (default). With ``False`` a missing SQLite file
        raises :class:`~okrkit.errors.StoreError`.

    Raises
    ------
    StoreError
        When the store cannot be opened.
    SchemaVersionError
        When the store was written with another schema version.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        import sqlalchemy as sa

        self._sa = sa
        self.url = resolve_url(url)
        _, self.tables = tables(sa)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            check_sqlite_file(self.url, create)
        try:
            self.engine = make_engine(self.url)
            try:
                ensure_schema(self, create)
            except BaseException:
                self.engine.dispose()  # a store refused on opening holds no connection
                raise
        except sa.exc.SQLAlchemyError as exc:
            raise store_error(self.url, exc, "open") from None

    # --- engine and transactions ---------------------------------------------------------------

    @contextmanager
    def _write(self, action: str) -> Iterator[sa.Connection]:
        """One write transaction: commits whole on success, rolls back on any error."""
        with writing(self.engine, self.url, action) as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """One read transaction."""
        with reading(self.engine, self.url) as conn:
            yield conn

    @property
    def display_url(self) -> str:
        """The store's URL with any password replaced, fit to print or show."""
        return safe_url(self.url)

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database file (nothing to do elsewhere)."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.display_url!r})"

    # --- cycles ----------------------------------------------------------------------------------

    def cycles(self) -> list[Cycle]:
        """Every cycle in the store, oldest first."""
        return _reading.cycles(self)

    def cycle(self, cycle: str | Cycle | None = None) -> Cycle:
        """The cycle named ``cycle``; by default the one running today, else the latest.

        This default is the cycle every method that takes ``cycle=None`` reads
        (:meth:`frames`, :meth:`load`, :meth:`versions` …); :meth:`cycles` lists them all.

        Raises
        ------
        NotFoundError
            When the store has no such cycle (or no cycle at all).
        """
        return _reading.find_cycle(self, cycle)

    # --- reading ---------------------------------------------------------------------------------

    @overload
    def frames(self, cycle: str | Cycle | None = None) -> Frames: ...

    @overload
    def frames(
        self, cycle: None = None, *, cycles: Literal["all"] | Iterable[str | Cycle]
    ) -> dict[str, Frames]: ...

    def frames(
        self,
        cycle: str | Cycle | None = None,
        *,
        cycles: Literal["all"] | Iterable[str | Cycle] | None = None,
    ) -> Frames | dict[str, Frames]:
        """The OKR set of one cycle, or of several, as :class:`~okrkit.frames.Frames`, from SQL.

        Parameters
        ----------
        cycle
            The one cycle to read. Default: the cycle running today, else the latest one
            (:meth:`cycle`); a store of several cycles gives only that one, and the frames'
            ``cycle`` says which.
        cycles
            Several cycles instead: ``"all"`` or a list of cycle ids. Give ``cycle`` or
            ``cycles``, not both.

        Returns
        -------
        Frames or dict
            With ``cycle`` (or neither): one :class:`~okrkit.frames.Frames`. With ``cycles``: a
            dict from cycle id to its frames, oldest cycle first.
            :func:`okrkit.frames.stack` turns it into one table per kind with a ``cycle`` column.

        Raises
        ------
        NotFoundError
            When the store has no such cycle (the message lists those it has).

        Examples
        --------
        >>> from okrkit import load_yaml
        >>> store = Store("sqlite://")
        >>> for c in ("2026-Q2", "2026-Q1"):
        ...     text = f"cycle: {c}\\nobjectives: [{{id: O-{c}, title: Grow}}]"
        ...     _ = store.import_set(load_yaml(text))
        >>> list(store.frames(cycles="all"))
        ['2026-Q1', '2026-Q2']
        """
        if cycles is None:
            return _reading.frames(self, cycle)
        return {c.id: _reading.frames(self, c) for c in _reading.find_cycles(self, cycle, cycles)}

    @overload
    def load(self, cycle: str | Cycle | None = None) -> OkrSet: ...

    @overload
    def load(
        self, cycle: None = None, *, cycles: Literal["all"] | Iterable[str | Cycle]
    ) -> dict[str, OkrSet]: ...

    def load(
        self,
        cycle: str | Cycle | None = None,
        *,
        cycles: Literal["all"] | Iterable[str | Cycle] | None = None,
    ) -> OkrSet | dict[str, OkrSet]:
        """The OKR set of one cycle, or of several, validated.

        ``cycle`` and ``cycles`` as in :meth:`frames`: by default the cycle running today, else
        the latest one (the set's ``cycle`` says which); ``cycles="all"`` or a list of ids give
        a dict from cycle id to its set, oldest first.

        Check-ins dated outside the cycle (a store written before okrkit 0.2 may hold some) are
        left out with an :class:`~okrkit.errors.OkrkitWarning` naming them: they do not count in
        the cycle. They stay in the store, and :meth:`checkins` lists them.
        """
        if cycles is None:
            return self._load_one(cycle)
        return {c.id: self._load_one(c) for c in _reading.find_cycles(self, cycle, cycles)}

    def _load_one(self, cycle: str | Cycle | None) -> OkrSet:
        return from_frames(
            _reading.counted(self.frames(cycle), self.display_url),
            source=self.display_url,
        )

    def versions(self, cycle: str | Cycle | None = None) -> dict[str, int]:
        """The current version of every objective and key result of a cycle, by id."""
        return _reading.versions(self, cycle)

    # --- importing -------------------------------------------------------------------------------

    def import_set(
        self,
        okrs: OkrSet,
        *,
        replace: bool = False,
        dry_run: bool = False,
        author: str = "",
        expect: ImportSummary | None = None,
    ) -> ImportSummary:
        """Bring an OKR set into the store in one transaction, merging with what is there.

        The set's cycle is created when new. By default the import **merges**: new objectives,
        key results, KPIs, initiatives and check-ins are added; a record whose id is in the
        store is updated when the file changes it and says it was edited from the version the
        store has (exports write ``version``), else the import is refused as a conflict; what
        the store holds and the file does not (a colleague's check-ins, key results added
        since) is kept. Check-ins are matched by store id (CSV and Excel exports carry it),
        else by key result, date and value (:func:`okrkit.merging.match_checkins`).

        With ``replace`` the file's records overwrite the store's whatever their versions; a
        replaced objective's key results that the file no longer has are deleted (their
        ``delete`` revision keeps them and their check-ins, and :meth:`restore` brings them
        back), and the check-ins of the file's key results that the file does not hold are
        marked ``deleted``. Each objective and key result written gets a revision by ``author``.

        Parameters
        ----------
        dry_run
            Work the import out and roll it back: the summary says what it would do
            (:meth:`ImportSummary.report`), conflicts included, and the store is unchanged.
        expect
            A dry run's summary: the import is refused when it would now remove or overwrite
            other records than that preview showed (the store changed in between).

        Raises
        ------
        ConflictError
            When the file changes records the store changed since (a merge), the cycle exists
            with other dates, or the store no longer matches ``expect``.
        AlignmentCycleError
            When the file's links close a loop with links in the store.
        """
        mode: ImportMode = "replace" if replace else "merge"
        return _imports.import_set(
            self, okrs, mode=mode, dry_run=dry_run, author=author, expect=expect
        )

    # --- check-ins -------------------------------------------------------------------------------

    def add_checkin(self, checkin: CheckIn) -> CheckIn:
        """Record a check-in; returns it with its store id.

        Raises
        ------
        NotFoundError
            When the key result is not in the store.
        ValidationError
            When the check-in records a field that does not fit the key result's type.
        """
        with self._write("record the check-in") as conn:
            return _checkins.add_checkin(self.tables, conn, checkin)

    def key_result_cycle(self, ident: str) -> tuple[str, Cycle]:
        """A key result's type and the cycle it is in.

        Raises
        ------
        NotFoundError
            When the key result is not in the store.
        """
        with self._read() as conn:
            return _checkins.key_result_cycle(self.tables, conn, ident)

    def checkins(
        self,
        key_result: str | None = None,
        *,
        cycle: str | Cycle | None = None,
        history: bool = False,
    ) -> pd.DataFrame:
        """Check-ins as a DataFrame, newest last.

        Parameters
        ----------
        key_result
            Only this key result's check-ins.
        cycle
            Only this cycle's (default: every cycle when ``key_result`` is given, else the
            default cycle).
        history
            Include corrected and deleted check-ins, with their ``state``, ``replaces`` and
            ``reason``.
        """
        return _checkins.checkins(self, key_result, cycle, history)

    def correct_checkin(self, ident: int, *, reason: str = "", **changes: Any) -> CheckIn:
        """Correct a check-in: the old one is kept as ``corrected``, a new one replaces it.

        ``changes`` are fields of :class:`~okrkit.CheckIn` (``value``, ``date``, ``note`` ...).
        """
        with self._write("correct the check-in") as conn:
            return _checkins.correct_checkin(self.tables, conn, ident, reason, changes)

    def delete_checkin(self, ident: int, *, reason: str = "") -> None:
        """Delete a check-in; it stays in the history as ``deleted``."""
        with self._write("delete the check-in") as conn:
            _checkins.delete_checkin(self.tables, conn, ident, reason)

    # --- edits with optimistic versions ----------------------------------------------------------

    def update_objective(
        self, ident: str, version: int, *, author: str = "", **changes: Any
    ) -> int:
        """Change fields of an objective read at ``version``; returns the new version.

        The change is recorded as a revision (``update``) by ``author``.

        Raises
        ------
        ConflictError
            When somebody else changed the objective since ``version`` was read.
        """
        return _edits.update_objective(self, ident, version, changes, "update", author)

    def update_key_result(
        self, ident: str, version: int, *, author: str = "", **changes: Any
    ) -> int:
        """Change fields of a key result read at ``version``; returns the new version.

        The change is recorded as a revision (``update``) by ``author``.

        Raises
        ------
        ConflictError
            When somebody else changed the key result since ``version`` was read.
        """
        return _edits.update_key_result(self, ident, version, changes, author)

    def add_key_result(self, objective: str, key_result: KeyResult, *, author: str = "") -> int:
        """Add a key result at the end of an objective's list; returns its version.

        The version is 1 for a new id; an id that was deleted before carries on counting from
        its history. The addition is recorded as a revision (``add``) by ``author``.

        Raises
        ------
        NotFoundError
            When the objective is not in the store.
        ConflictError
            When the key result's id is already used by an objective, key result, KPI or
            initiative in the store.
        """
        return _edits.add_key_result(self, objective, key_result, author)

    def delete_key_result(self, ident: str, version: int, *, author: str = "") -> None:
        """Delete a key result read at ``version``.

        Only a key result without check-ins, and that no KPI or initiative points at, can be
        deleted: its history is never thrown away. The deletion is a revision (``delete``, one
        version up, by ``author``); :meth:`restore` brings the key result back.

        Raises
        ------
        NotFoundError
            When the key result is not in the store.
        ConflictError
            When it changed since ``version`` was read.
        ValidationError
            When it has check-ins, or a KPI or an initiative points at it.
        """
        _edits.delete_key_result(self, ident, version, author)

    def delete_objective(self, ident: str, version: int, *, author: str = "") -> None:
        """Delete an objective read at ``version``, with its key results.

        Only when none of its key results has check-ins and nothing aligns to it or to them
        (used to take back a carry-over). The deletion is a revision of the objective and of
        each key result (``delete``, by ``author``); :meth:`restore` brings them back.

        Raises
        ------
        NotFoundError
            When the objective is not in the store.
        ConflictError
            When it changed since ``version`` was read.
        ValidationError
            When a key result has check-ins, or something aligns to it or points at it.
        """
        _edits.delete_objective(self, ident, version, author)

    def move_key_result(self, ident: str, version: int, objective: str, *, author: str = "") -> int:
        """Move a key result, with its check-ins, to another objective of the same cycle.

        Returns the key result's new version. Its check-in history stays with it. The move is
        recorded as a revision (``move``) by ``author``.

        Raises
        ------
        NotFoundError
            When the key result or the objective is not in the store.
        ConflictError
            When the key result changed since ``version`` was read.
        ValidationError
            When the objective belongs to another cycle.
        """
        return _edits.move_key_result(self, ident, version, objective, author)

    def realign(self, ident: str, version: int, parents: Iterable[str], *, author: str = "") -> int:
        """Point an objective at new parent objectives; returns its new version.

        The same as ``update_objective(ident, version, aligns_to=parents)``, recorded as a
        revision ``realign``.
        """
        return _edits.update_objective(
            self, ident, version, {"aligns_to": tuple(parents)}, "realign", author
        )

    # --- history ---------------------------------------------------------------------------------

    def history(self, ident: str, cycle: str | Cycle | None = None) -> pd.DataFrame:
        """The revisions of an objective or a key result, oldest first.

        Parameters
        ----------
        ident
            The objective's or key result's id.
        cycle
            Only the revisions made while it was in this cycle (default: all of them).

        Returns
        -------
        pandas.DataFrame
            One row per revision: ``version``; ``at``, the time in UTC; ``action`` (``import``,
            ``replace``, ``carry_over``, ``add``, ``update``, ``realign``, ``move``, ``delete``
            or ``restore``); ``author``; ``record`` (``objective`` or ``key_result``);
            ``cycle``; for a key result its ``objective``; then its fields as they were after
            the change (a deletion shows them as they were when it was deleted).

        Raises
        ------
        NotFoundError
            When the store holds no revision of ``ident`` (in ``cycle``).

        Examples
        --------
        >>> from okrkit import load_yaml
        >>> store = Store("sqlite://")
        >>> _ = store.import_set(load_yaml(
        ...     "cycle: 2026-Q1\\nobjectives:\\n- id: O1\\n  title: Delight customers\\n"
        ...     "  key_results:\\n  - {id: K1, title: NPS 30 to 40, start: 30, target: 40}\\n"
        ... ))
        >>> store.update_key_result("K1", 1, target=45, author="ana")
        2
        >>> store.history("K1")[["version", "action", "author", "objective", "target"]]
           version  action author objective  target
        0        1  import               O1    40.0
        1        2  update    ana        O1    45.0
        """
        return _history.history(self, ident, cycle)

    def revision(
        self, ident: str, version: int, cycle: str | Cycle | None = None
    ) -> Objective | KeyResult:
        """An objective or a key result as it was at ``version``.

        An objective comes without key results: each of them has a history of its own. The
        version of a deletion shows the object as it was when it was deleted.

        Raises
        ------
        NotFoundError
            When the store holds no such version of ``ident`` (in ``cycle``); the message lists
            the versions it has.

        Examples
        --------
        >>> from okrkit import load_yaml
        >>> store = Store("sqlite://")
        >>> _ = store.import_set(load_yaml(
        ...     "cycle: 2026-Q1\\nobjectives:\\n- {id: O1, title: Delight customers}\\n"
        ... ))
        >>> store.update_objective("O1", 1, title="Delight every customer")
        2
        >>> store.revision("O1", 1).title
        'Delight customers'
        >>> store.revision("O1", 3)
        Traceback (most recent call last):
        ...
        okrkit.errors.NotFoundError: O1 has no version 3; it has versions 1-2
        """
        return _history.revision(self, ident, version, cycle)

    def restore(
        self,
        ident: str,
        version: int,
        *,
        current_version: int,
        cycle: str | Cycle | None = None,
        author: str = "",
    ) -> int:
        """Write an old version of an objective or a key result back, as a new version.

        The fields it had at ``version`` replace the current ones; an objective keeps its
        present key results, a key result stays under its present objective. A deleted key
        result (or objective) is created again, a key result under the objective it had when it
        was deleted. The restore is itself a revision (``restore``, by ``author``).

        Parameters
        ----------
        ident
            The objective's or key result's id.
        version
            The version to bring back (see :meth:`history`).
        current_version
            The version you read it at now (after a deletion: the deletion's version). A stale
            one raises :class:`~okrkit.errors.ConflictError`, as every update does.
        cycle
            Look for ``version`` among this cycle's revisions only.
        author
            Who restores it, for the history.

        Returns
        -------
        int
            The new version.

        Raises
        ------
        NotFoundError
            When there is no such version (the message lists those there are), or a deleted key
            result's objective is gone too.
        ConflictError
            When it changed since ``current_version`` was read, or its id is now used by
            something else.
        ValidationError
            When ``version`` is a deletion, which holds nothing to restore.

        Examples
        --------
        >>> from okrkit import load_yaml
        >>> store = Store("sqlite://")
        >>> _ = store.import_set(load_yaml(
        ...     "cycle: 2026-Q1\\nobjectives:\\n- id: O1\\n  title: Delight customers\\n"
        ...     "  key_results:\\n  - {id: K1, title: NPS 30 to 40, start: 30, target: 40}\\n"
        ... ))
        >>> store.update_key_result("K1", 1, target=45)
        2
        >>> store.restore("K1", 1, current_version=2, author="ana")
        3
        >>> store.load().key_result("K1").target
        40.0
        >>> store.history("K1")["action"].tolist()
        ['import', 'update', 'restore']
        """
        return _history.restore(self, ident, version, current_version, cycle, author)

    # --- carry-over ------------------------------------------------------------------------------

    def carry_over(
        self,
        from_cycle: str | Cycle,
        to_cycle: str | Cycle,
        ids: Iterable[str] = (),
        *,
        as_of: dt.date | None = None,
        author: str = "",
    ) -> OkrSet:
        """Deprecated: use :func:`okrkit.carry_over` (``carry_over(store, from_cycle, ...)``).

        Carrying over scores the cycle, which is analysis; the store only writes the plan
        (:meth:`carry`). This method stays for one release and warns.
        """
        import warnings

        warnings.warn(
            "Store.carry_over is deprecated; use okrkit.carry_over(store, from_cycle, to_cycle,"
            " ids, as_of=..., author=...)",
            DeprecationWarning,
            stacklevel=2,
        )
        # the one import against the layers, allowed in tests/test_layers.py until this goes
        from okrkit.carry import carry_over

        return carry_over(self, from_cycle, to_cycle, ids, as_of=as_of, author=author)

    def carry(self, plan: CarryPlan, *, author: str = "") -> OkrSet:
        """Write the copies of a carry-over plan in one transaction; returns the carried set.

        :func:`okrkit.carry_over` scores the cycle, plans the carry-over with
        :func:`okrkit.lifecycle.carry_plan` and writes it here.
        Each copy gets a revision ``carry_over`` by ``author``.

        Raises
        ------
        ConflictError
            When the copies are already there (carried over before).
        """
        return _carry.carry(self, plan, author)

    # --- brainstorm ideas and votes --------------------------------------------------------------

    def ideas(self, cycle: str | Cycle, *, include_closed: bool = False) -> pd.DataFrame:
        """The brainstorm ideas of a cycle, oldest first, with their votes.

        Columns: ``id``, ``title``, ``owner``, ``level``, ``author``, ``state`` (``open``,
        ``merged`` or ``promoted``), ``merged_into``, ``objective`` (of a promoted idea),
        ``votes`` (a count), ``voters`` (sorted names) and ``version``. Only open ideas unless
        ``include_closed``.
        """
        return _ideas.ideas(self, cycle, include_closed)

    def votes(self, cycle: str | Cycle, voter: str | None = None) -> pd.DataFrame:
        """The votes on a cycle's ideas (``id``, ``idea``, ``voter``, ``created_at``), oldest
        first; only ``voter``'s when given."""
        return _ideas.votes(self, cycle, voter)

    def add_idea(
        self,
        cycle: str | Cycle,
        title: str,
        *,
        owner: str = "",
        level: str = "team",
        author: str = "",
    ) -> int:
        """Add an open idea to a cycle's board; returns its id.

        A :class:`~okrkit.Cycle` the store does not hold yet is added; a cycle id must be in the
        store.
        """
        return _ideas.add_idea(self, cycle, title, owner, level, author)

    def vote(self, cycle: str | Cycle, idea: int, voter: str, *, limit: int | None = None) -> int:
        """Add a vote of ``voter`` on an open idea; returns the voter's votes on the board.

        The voter's votes are counted and the new one written under one lock, so that with
        ``limit`` no voter ever holds more than ``limit`` votes on the cycle's board.

        Raises
        ------
        NotFoundError
            When the cycle has no such idea.
        ConflictError
            When the idea was merged or promoted, or the voter has ``limit`` votes already.
        """
        return _ideas.vote(self, cycle, idea, voter, limit)

    def unvote(self, cycle: str | Cycle, idea: int, voter: str) -> int:
        """Take ``voter``'s latest vote on ``idea`` back; returns the voter's votes left.

        Raises
        ------
        NotFoundError
            When the voter has no vote on the idea.
        """
        return _ideas.unvote(self, cycle, idea, voter)

    def merge_ideas(self, cycle: str | Cycle, keep: int, others: Iterable[int]) -> int:
        """Merge open ideas into the open idea ``keep``: their votes move to it, they are marked
        ``merged``. Returns ``keep``'s vote count.

        Raises
        ------
        ValidationError
            When ``others`` names no idea but ``keep``.
        NotFoundError, ConflictError
            When one of the ideas is not on the board, or no longer open.
        """
        return _ideas.merge_ideas(self, cycle, keep, others)

    def promote_idea(
        self,
        cycle: str | Cycle,
        idea: int,
        objective_id: str,
        *,
        kind: str = "committed",
        description: str = "",
    ) -> Objective:
        """Turn an open idea into a draft objective ``objective_id`` of the cycle, in one
        transaction; the idea is marked ``promoted`` and points at it.

        Raises
        ------
        NotFoundError, ConflictError
            When the idea is not on the board or no longer open, or the id is taken.
        """
        return _ideas.promote_idea(self, cycle, idea, objective_id, kind, description)


def default_cycle_for_new_store() -> Cycle:
    """The cycle a new workspace starts in: the current quarter."""
    return current_quarter()

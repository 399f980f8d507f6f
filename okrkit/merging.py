"""The rules of an import into a store that already holds some of the file's work.

An import merges by default: what the file adds is added, what it changed is updated when the
file was exported from the version the store still has, and nothing in the store that the file
does not hold is dropped. A replace is the explicit choice to make the store's objects equal
the file's; what it removes stays in the history. This module holds the rules that decide, free of
any database, so that the store, the command line and tests share them:

- :func:`match_checkins`: which check-ins of a file the store already has (by store id, else by
  key result, date and recorded value), which are new, which correct a stored one, and which
  clash with a correction or deletion made in the store since the file was written;
- :func:`edit_verdict`: whether a changed object is an edit made on the version the store has
  (update it) or on an older one (a conflict, as for any edit through the API);
- :class:`ImportSummary`: what an import did, or would do (``dry_run``), as one line and as a
  list of changes, id by id.

Examples
--------
>>> import datetime as dt
>>> stored = [StoredCheckIn(id=7, key_result="K1", date=dt.date(2026, 10, 5), value=3.0,
...                         done=None, grade=None, confidence=None, note="", author="",
...                         state="active")]
>>> from okrkit.model import CheckIn
>>> plan = match_checkins([CheckIn(key_result="K1", date="2026-10-05", value=3),
...                        CheckIn(key_result="K1", date="2026-10-12", value=4)], stored)
>>> len(plan.same), len(plan.new), plan.kept
(1, 1, ())
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from okrkit.model import CheckIn

__all__ = [
    "CheckinPlan",
    "ImportMode",
    "ImportSummary",
    "Resolution",
    "StoredCheckIn",
    "checkin_key",
    "edit_verdict",
    "match_checkins",
    "resolve_edit",
]

#: ``merge`` (the default), ``replace``, or ``new`` (every id must be new: carry-over, promotion).
ImportMode = Literal["merge", "replace", "new"]

#: The fields that tell one check-in from another when the file gives no store id.
_KEY_FIELDS = ("key_result", "date", "value", "done", "grade", "zone")
#: How many new records a report lists one by one (a large import lists the first ones).
_ROOM = 200
#: The fields an import may change in a check-in it matched (a correction, kept in the history).
_EDITABLE = ("date", "value", "done", "grade", "zone", "confidence", "note", "author")


@dataclass(frozen=True, slots=True)
class StoredCheckIn:
    """A check-in row of the store, in any state (``active``, ``corrected``, ``deleted``).

    ``zone`` is the level an ordinal key result's check-in records (``None`` for the others).
    """

    id: int
    key_result: str
    date: dt.date
    value: float | None
    done: bool | None
    grade: float | None
    confidence: int | None
    note: str
    author: str
    state: str
    zone: str | None = None


def checkin_key(checkin: CheckIn | StoredCheckIn) -> tuple[Any, ...]:
    """What makes a check-in the same one when no store id says so.

    >>> checkin_key(CheckIn(key_result="K1", date="2026-10-05", value=3))
    ('K1', datetime.date(2026, 10, 5), 3.0, None, None, None)
    """
    return tuple(getattr(checkin, name) for name in _KEY_FIELDS)


def _differs(checkin: CheckIn, row: StoredCheckIn) -> tuple[str, ...]:
    return tuple(
        name
        for name in _EDITABLE
        if (getattr(checkin, name) or None) != (getattr(row, name) or None)
    )


@dataclass(frozen=True, slots=True)
class CheckinPlan:
    """How a file's check-ins meet the store's (see :func:`match_checkins`).

    Attributes
    ----------
    new
        File check-ins the store does not have: they are added.
    same
        File check-ins the store has as they are (also ones corrected or deleted there since:
        the store's later history wins).
    corrections
        ``(stored id, file check-in)``: the file changes a recorded check-in; the store keeps
        the old one as ``corrected``.
    conflicts
        One line each: the file changes a check-in that was corrected or deleted in the store
        after the file was written.
    kept
        Ids of active stored check-ins of the file's key results that the file does not hold.
    revived
        File check-ins (also in ``same``) that the store holds only as corrected or deleted: a
        replace, which makes the file's check-ins the active ones, records them again.
    """

    new: tuple[CheckIn, ...] = ()
    same: tuple[int, ...] = ()
    corrections: tuple[tuple[int, CheckIn], ...] = ()
    conflicts: tuple[str, ...] = ()
    kept: tuple[int, ...] = ()
    revived: tuple[CheckIn, ...] = ()


def match_checkins(checkins: Iterable[CheckIn], stored: Iterable[StoredCheckIn]) -> CheckinPlan:
    """Match a file's check-ins to the store's, one to one.

    A file check-in with a store ``id`` (CSV and Excel exports carry it) is that check-in when the
    id belongs to the same key result. Otherwise it is a stored check-in with the same key
    result, date and recorded value (:func:`checkin_key`), an active one first. Each stored
    check-in is matched once, so two equal check-ins in the file are two in the store.
    """
    rows = list(stored)
    by_id = {r.id: r for r in rows}
    by_key: dict[tuple[Any, ...], list[StoredCheckIn]] = defaultdict(list)
    for stored_row in sorted(rows, key=lambda r: (r.state != "active", r.id)):
        by_key[checkin_key(stored_row)].append(stored_row)
    used: set[int] = set()
    new: list[CheckIn] = []
    same: list[int] = []
    corrections: list[tuple[int, CheckIn]] = []
    conflicts: list[str] = []
    revived: list[CheckIn] = []
    for checkin in checkins:
        row: StoredCheckIn | None = by_id.get(checkin.id) if checkin.id is not None else None
        if row is None or row.id in used or row.key_result != checkin.key_result:
            row = next((r for r in by_key.get(checkin_key(checkin), ()) if r.id not in used), None)
        if row is None:
            new.append(checkin)
            continue
        used.add(row.id)
        changed = _differs(checkin, row)
        if not changed:
            same.append(row.id)
            if row.state != "active":
                revived.append(checkin)
        elif row.state == "active":
            corrections.append((row.id, checkin))
        elif checkin_key(checkin) == checkin_key(row):
            same.append(row.id)  # only its note or confidence differ from a row since replaced
        else:
            conflicts.append(
                f"check-in {row.id} of {row.key_result} on {row.date} was {row.state} in the"
                f" store after the file was written, and the file changes its"
                f" {', '.join(changed)}: record the change as a new check-in instead"
            )
    kept = tuple(r.id for r in rows if r.state == "active" and r.id not in used)
    return CheckinPlan(
        tuple(new), tuple(same), tuple(corrections), tuple(conflicts), kept, tuple(revived)
    )


def edit_verdict(
    ident: str, what: str, file_version: int | None, stored_version: int, changed: Sequence[str]
) -> str | None:
    """``None`` when a changed object may be updated from the file, else the conflict.

    The file must say which version it was edited from (exports write ``version``), and that
    must be the version the store has now: an edit of an older version would overwrite what
    somebody changed since, so it is refused as every stale edit is.

    >>> edit_verdict("O1", "objective", 2, 2, ["title"]) is None
    True
    >>> edit_verdict("O1", "objective", 1, 2, ["title"])[:66]
    'objective O1: the file changes its title, but it was edited from v'
    """
    fields_ = ", ".join(changed)
    if file_version is None:
        return (
            f"{what} {ident}: the file changes its {fields_}, but does not say which version it"
            f" was edited from (no 'version'; the store has version {stored_version})"
        )
    if file_version != stored_version:
        return (
            f"{what} {ident}: the file changes its {fields_}, but it was edited from version"
            f" {file_version} and the store has version {stored_version} (changed since the"
            " file was exported)"
        )
    return None


@dataclass(frozen=True, slots=True)
class Resolution:
    """What to do with one record the file and the store both hold (see :func:`resolve_edit`).

    ``values`` are the fields to write (``None``: write nothing), ``changed`` the fields that
    change; ``conflict`` or ``note`` say why, for the import's summary.
    """

    values: Mapping[str, Any] | None
    changed: tuple[str, ...] = ()
    conflict: str | None = None
    note: str | None = None


def resolve_edit(
    ident: str,
    what: str,
    *,
    file_version: int | None,
    stored_version: int,
    base: Mapping[str, Any] | None,
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
) -> Resolution:
    """Merge a record of a file into the store's, from the version the file was exported at.

    ``current`` and ``incoming`` are the store's and the file's fields; ``base`` the fields at
    ``file_version`` (from the store's history), where known. The file's record is written when
    it was edited from the version the store has. When the store changed it since, the file's
    own changes (the fields it holds differently from ``base``) are merged onto the store's, and
    the two changing the same field is a conflict; a file that holds ``base`` as it was changes
    nothing. Without a ``base`` a change is a conflict (:func:`edit_verdict`).

    >>> base = {"title": "Grow", "owner": "Ana"}
    >>> store = {"title": "Grow", "owner": "Bo"}
    >>> resolve_edit("O1", "objective", file_version=1, stored_version=2, base=base,
    ...              current=store, incoming={"title": "Grow more", "owner": "Ana"}).values
    {'title': 'Grow more', 'owner': 'Bo'}
    >>> resolve_edit("O1", "objective", file_version=1, stored_version=2, base=base,
    ...              current=store, incoming={"title": "Grow", "owner": "Cy"}).conflict[:41]
    'objective O1: the file changes its owner '
    """
    diff = tuple(k for k in incoming if incoming[k] != current.get(k))
    if not diff:
        return Resolution(None)
    if file_version == stored_version:
        return Resolution(dict(incoming), diff)
    if file_version is None or base is None:
        return Resolution(
            None, conflict=edit_verdict(ident, what, file_version, stored_version, diff)
        )
    theirs = {k for k in incoming if incoming[k] != base.get(k)}
    if not theirs & set(diff):
        return Resolution(
            None,
            note=f"{what} {ident}: the file holds version {file_version} as it was; the store's"
            f" version {stored_version} is kept",
        )
    ours = {k for k in current if current[k] != base.get(k)}
    clash = tuple(k for k in diff if k in theirs and k in ours)
    if clash:
        return Resolution(
            None,
            conflict=f"{what} {ident}: the file changes its {', '.join(clash)} from version"
            f" {file_version}, and the store changed {'it' if len(clash) == 1 else 'them'}"
            f" since (version {stored_version})",
        )
    changed = tuple(k for k in diff if k in theirs)
    return Resolution(
        {**current, **{k: incoming[k] for k in changed}},
        changed,
        note=f"{what} {ident}: the file's change of {', '.join(changed)} (from version"
        f" {file_version}) is merged with the store's changes since",
    )


def _shown(value: Any, room: int = 60) -> str:
    """A field's value for a diff line: lists joined, long text shortened, empty as '-'."""
    if value is None or value == () or value == "":
        return "-"
    if isinstance(value, tuple):
        text = ", ".join(": ".join(v) if isinstance(v, tuple) else str(v) for v in value)
    elif isinstance(value, float):
        text = f"{value:.15g}"
    else:
        text = str(value)
    text = " ".join(text.split())
    return repr(text if len(text) <= room else text[: room - 1] + "…")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did to the store, or would do (``dry_run``).

    ``objectives``, ``key_results``, ``kpis``, ``initiatives`` and ``checkins`` count the file's
    records. ``added``, ``changed`` and ``removed`` name ids (``changed`` as ``(id, fields)``);
    ``replaced`` the ids that were in the store and were written over, ``diffs`` each changed
    field as ``(id, field, before, after)``. The ``checkins_*``
    counts say how the file's check-ins met the store's; ``checkins_kept`` are the store's that
    the file does not hold (kept by a merge), ``checkins_removed`` those a replace marked deleted
    (still in ``okrkit checkin list --history``).
    """

    cycle: str
    objectives: int
    key_results: int
    kpis: int
    initiatives: int
    checkins: int
    replaced: tuple[str, ...] = ()
    mode: ImportMode = "merge"
    dry_run: bool = False
    added: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    diffs: tuple[tuple[str, str, Any, Any], ...] = ()
    unchanged: int = 0
    removed: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    checkins_added: int = 0
    checkins_same: int = 0
    checkins_corrected: int = 0
    checkins_kept: int = 0
    checkins_removed: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def destructive(self) -> bool:
        """Whether the import removes or overwrites anything that is in the store."""
        return bool(self.removed or self.checkins_removed or self.changed)

    def __str__(self) -> str:
        text = (
            f"cycle {self.cycle}: {self.objectives} objectives, {self.key_results} key results, "
            f"{self.kpis} KPIs, {self.initiatives} initiatives, {self.checkins} check-ins"
        )
        parts = [f"{len(self.added)} added", f"{len(self.changed)} changed"]
        parts.append(f"{self.unchanged} unchanged")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        text += f" ({'; '.join([', '.join(parts), self._checkin_text()])})"
        return text

    def _checkin_text(self) -> str:
        parts = [f"check-ins: {self.checkins_added} added", f"{self.checkins_same} already there"]
        if self.checkins_corrected:
            parts.append(f"{self.checkins_corrected} corrected")
        if self.checkins_kept:
            parts.append(f"{self.checkins_kept} in the store only, kept")
        if self.checkins_removed:
            parts.append(f"{self.checkins_removed} removed (kept in the history)")
        return ", ".join(parts)

    def report(self) -> str:
        """The changes id by id, as ``okrkit import --dry-run`` prints them."""
        head = "would import" if self.dry_run else "imported"
        lines = [f"{head} ({self.mode}) {self}"]
        lines += [f"  + {ident}  (new)" for ident in self.added[:_ROOM]]
        if len(self.added) > _ROOM:
            lines.append(f"  + ... and {len(self.added) - _ROOM} more new records")
        for ident, names in self.changed:
            lines.append(f"  ~ {ident}  ({', '.join(names)})")
            lines += [
                f"      {name}: {_shown(before)} -> {_shown(after)}"
                for who, name, before, after in self.diffs
                if who == ident
            ]
        lines += [
            f"  - {ident}  (removed; 'okrkit history {ident}' and 'okrkit restore' bring it back)"
            for ident in self.removed
        ]
        if self.checkins_removed:
            lines.append(
                f"  - {self.checkins_removed} check-in(s) in the store but not in the file are"
                " marked deleted ('okrkit checkin list --history' shows them)"
            )
        if self.checkins_kept:
            lines.append(
                f"  = {self.checkins_kept} check-in(s) in the store but not in the file are kept"
            )
        lines += [f"  ! {line}" for line in self.conflicts]
        lines += [f"  note: {line}" for line in self.notes]
        return "\n".join(lines)

    def conflict_message(self) -> str:
        """One message for all conflicts, with what to do."""
        shown = "; ".join(self.conflicts[:5])
        more = f" (and {len(self.conflicts) - 5} more)" if len(self.conflicts) > 5 else ""
        return (
            f"nothing imported: {len(self.conflicts)} conflict(s) with the store: {shown}{more}."
            " Export the cycle again and make the change there, or see every difference with"
            " 'okrkit import --dry-run' and overwrite with 'okrkit import --replace'"
        )
